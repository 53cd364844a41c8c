// SPDX-License-Identifier: MIT
/*
 * svm-pressure - memory-pressure stress for nouveau SVM on the simulated GPU.
 *
 * A child memory cgroup (cgroup2, mounted on /sys/fs/cgroup if it is not)
 * gets a small memory.max (--memory-mb, default 64 MiB; the guest has no
 * swap), and runs:
 *
 *   workers  --workers processes (default 3), each with its own render-node
 *            file, SVM_INIT and a buffer A (1 to 6 MiB, THP half the
 *            time) filled with a seeded pattern, A[i] = val + i, but for
 *            its last word, a counter.  Step after step a worker
 *            sends GPU jobs on A (reads whose checksums must be exact,
 *            writes of the values A holds, atomic adds to the counter),
 *            MIGRATEs and PREFETCHes parts of A to VRAM and back, reads and
 *            rewrites A with the CPU, adds to the counter with the CPU, and
 *            maps fresh memory that the GPU or the CPU touches first, the
 *            GPU writes, the CPU checks and the GPU reads back (from VRAM
 *            half the time);
 *   a hog    that maps and touches (or MAP_POPULATEs) memory until the
 *            OOM killer kills it (oom_score_adj 1000), started again and
 *            again, 20 to 220 ms after the last one died; one hog in
 *            five is a squeezer instead (oom_score_adj -999: chosen only
 *            when nothing else is left), that fills the cgroup to a few MiB
 *            below its limit and holds it for a while, so that the OOM
 *            killer takes workers.
 *
 * The OOM killer may kill any of them: a killed worker is replaced by a new
 * one.  A worker that reaches the end of the run must find every word of A
 * intact and its counter at the sum of every GPU and CPU add; every job on
 * A must succeed (a job on fresh memory may be cancelled, -EFAULT, when the
 * fault could not get memory); every SVM_BIND on A must succeed or say
 * -ENOMEM or -EBUSY, and every EXEC succeed or say -ENOMEM.  A worker that
 * dies of anything but SIGKILL fails the run.
 *
 * Outside the cgroup a bystander process, with its own file and two
 * buffers, one in VRAM (moved back there whenever the workers' migrations
 * evict it), reads both with the GPU, adds to a counter and checks them
 * with the CPU, all the run long: every job must succeed, every checksum
 * be exact, no fault of its be cancelled and no copy fail; at the end its
 * data must be intact and, its buffers unmapped, its GPU pages and VRAM
 * pages back to zero.
 *
 * At the end every worker is reaped within a bound, the cgroup's
 * memory.events oom_kill is read and the cgroup removed, the device's
 * VRAM_USED must come back to its value before the run once every file is
 * closed, and the kernel must have taken no new taint (a WARN or an oops
 * taints it).  The memcg OOM reports the run causes are excused by the
 * console scanner (.ci/scan-console.sh); any other report fails the run
 * there.  oom_dump_tasks is turned off for the run, to keep the reports
 * short on a serial console.
 *
 * Usage: svm-pressure [--seed N] [--seconds N] [--workers N] [--memory-mb N]
 *   --seconds: how long to run (default 30)
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svm_plain.h"
#include "svm_jobs.h"
#include "svm_rng.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>

#define PAGE		4096ull
#define MAX_WORKERS	16
#define CGROOT		"/sys/fs/cgroup"
#define WAIT_NS		20000000000ll	/* one WAIT; a job gets three */
#define END_WAIT_MS	60000		/* for a process to finish its checks */

/* Exit codes of the children. */
#define EX_GOOD		0
#define EX_FAIL		1
#define EX_NOMEM	2	/* could not even start for lack of memory */
#define EX_NOKILL	3	/* a hog that was never killed */

/* What the answers are counted by. */
enum op {
	O_MIG_VRAM, O_MIG_HOST, O_PRE_VRAM, O_PRE_HOST, O_EXEC, NOPS
};

static const char *const op_name[NOPS] = {
	"MIGRATE to VRAM", "MIGRATE to host", "PREFETCH to VRAM", "PREFETCH to host", "EXEC",
};

#define NERR 7
static const int err_list[NERR - 1] = { 0, EFAULT, EOPNOTSUPP, ENOMEM, EIO, EBUSY };
static const char *const err_name[NERR] = {
	"ok", "EFAULT", "EOPNOTSUPP", "ENOMEM", "EIO", "EBUSY", "other",
};

/* Job statuses: 0, -EFAULT, -EIO, other. */
#define NSTATUS 4

/* Shared by every process of the run: counted with atomics. */
struct shared {
	uint64_t stop;
	uint64_t failures;
	uint64_t steps, jobs, jobs_fresh, adds, cpu_checks, fresh_bufs;
	uint64_t pages_to_vram, pages_to_host, evictions;	/* the workers' COUNTERS */
	uint64_t answers[NOPS][NERR];
	uint64_t status_a[NSTATUS], status_fresh[NSTATUS];
	uint64_t by_rounds, by_jobs, by_remigrations, by_evictions, by_evicted_pages;
	uint64_t notes;
};

static struct {
	uint64_t seed, seconds, workers, memory_mb;
	char cg[128];
	struct shared *sh;
	int probe_fd;
	uint64_t vram_used0, fb_size;
	const char *who;	/* "worker 3", "bystander", "" */
	char dump_tasks[16];	/* oom_dump_tasks before the run */
	unsigned int failures;	/* the controller's own */
} G;

static void add(uint64_t *p, uint64_t n)
{
	__atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void failf(const char *fmt, ...)
{
	uint64_t n = __atomic_fetch_add(&G.sh->failures, 1, __ATOMIC_RELAXED);
	va_list ap;

	G.failures++;
	if (n >= 30)
		return;
	printf("pressure: FAIL (seed %" PRIu64 "%s%s): ", G.seed, *G.who ? ", " : "", G.who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void notef(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&G.sh->notes, 1, __ATOMIC_RELAXED) >= 20)
		return;
	printf("pressure: note%s%s%s: ", *G.who ? " (" : "", G.who, *G.who ? ")" : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static void sleep_ms(uint64_t ms)
{
	usleep(ms * 1000);
}

static int err_index(int err)
{
	int i;

	for (i = 0; i < NERR - 1 && err_list[i] != err; i++)
		;
	return i;
}

static int status_index(int status)
{
	return !status ? 0 : status == -EFAULT ? 1 : status == -EIO ? 2 : 3;
}

/* ---- files of /sys and /proc ------------------------------------- */

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -1;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

static uint64_t read_u64(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) ? 0 : strtoull(buf, NULL, 10);
}

static void cg_path(char *out, size_t size, const char *file)
{
	snprintf(out, size, "%s/%s", G.cg, file);
}

/* "key N" out of a flat-keyed cgroup file such as memory.events. */
static uint64_t cg_key(const char *file, const char *key)
{
	char path[192], buf[1024], *p;
	size_t len = strlen(key);

	cg_path(path, sizeof(path), file);
	if (read_file(path, buf, sizeof(buf)))
		return 0;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoull(p + len + 1, NULL, 10);
	return 0;
}

/* Put the calling process into the cgroup, with an OOM score. */
static int cg_enter(int oom_score_adj)
{
	char path[192], val[16];

	cg_path(path, sizeof(path), "cgroup.procs");
	snprintf(val, sizeof(val), "%d", oom_score_adj);
	if (write_file(path, "0"))
		return -1;
	return write_file("/proc/self/oom_score_adj", val);
}

/* Mount cgroup2 if need be and make the run's cgroup. */
static const char *cg_setup(void)
{
	char path[192], val[32], ctl[256];

	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CGROOT, "cgroup2", 0, NULL))
		return "cannot mount cgroup2 on " CGROOT;
	if (read_file(CGROOT "/cgroup.controllers", ctl, sizeof(ctl)) || !strstr(ctl, "memory"))
		return "no memory controller (CONFIG_MEMCG)";
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		return "cannot enable the memory controller";
	snprintf(G.cg, sizeof(G.cg), CGROOT "/svm-pressure.%d", (int)getpid());
	if (mkdir(G.cg, 0755))
		return "cannot make the cgroup";
	cg_path(path, sizeof(path), "memory.max");
	snprintf(val, sizeof(val), "%" PRIu64, G.memory_mb << 20);
	if (write_file(path, val))
		return "cannot set memory.max";
	cg_path(path, sizeof(path), "memory.swap.max");
	write_file(path, "0");
	return NULL;
}

/* ---- the GPU ------------------------------------------------------ */

static int bind(int fd, uint64_t start, uint64_t size, uint64_t cmd, uint64_t target,
		uint64_t *result)
{
	return -svm_plain_bind(fd, cmd, target, start, size, result);
}

/* Submit a job; -errno of the ioctl, counted under EXEC. */
static int exec(int fd, struct drm_nvsim_cmd *c, uint32_t n, bool async, uint64_t *seqno,
		int *status)
{
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)c, .count = n,
				     .flags = async ? DRM_NVSIM_EXEC_ASYNC : 0 };
	int err = ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex) ? errno : 0;

	add(&G.sh->answers[O_EXEC][err_index(err)], 1);
	if (err && err != ENOMEM)
		failf("EXEC of a valid job (op %u at %#" PRIx64 "): %s, not an errno the uAPI "
		      "lists", c[0].op, (uint64_t)c[0].addr, strerror(err));
	*seqno = ex.seqno;
	*status = ex.status;
	return -err;
}

static int job_wait(int fd, uint64_t seqno, int *status)
{
	struct drm_nvsim_wait w = { .seqno = seqno, .timeout_ns = WAIT_NS };

	for (int tries = 0; tries < 3; tries++) {
		if (!ioctl(fd, DRM_IOCTL_NVSIM_WAIT, &w)) {
			*status = w.status;
			return 0;
		}
		if (errno != ETIME && errno != EINTR)
			return errno;
	}
	return ETIME;
}

/* One synchronous READ of n words; the job's status, or -errno. */
static int gpu_read(int fd, const volatile uint64_t *w, uint64_t n, uint64_t *sum)
{
	struct drm_nvsim_cmd c = { .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)w, .size = n * 8 };
	uint64_t seqno;
	int status, ret = exec(fd, &c, 1, false, &seqno, &status);

	*sum = c.result;
	return ret ?: status;
}

static int read_counters(int fd, uint64_t *vals)
{
	struct drm_nvsim_counters c = { .values = (uintptr_t)vals,
					.count = DRM_NVSIM_COUNTER_COUNT };

	return ioctl(fd, DRM_IOCTL_NVSIM_COUNTERS, &c) ? errno : 0;
}

/* After its buffers are gone, a client holds no GPU page and no VRAM. */
static void check_released(int fd)
{
	uint64_t vals[DRM_NVSIM_COUNTER_COUNT] = { 0 };
	int i;

	for (i = 0; i < 100; i++) {
		if (read_counters(fd, vals)) {
			failf("COUNTERS: %s", strerror(errno));
			return;
		}
		if (!vals[C_GPU_PAGES] && !vals[C_VRAM_PAGES])
			return;
		sleep_ms(100);
	}
	failf("10 s after its buffers are gone the client has %" PRIu64 " GPU pages and %"
	      PRIu64 " VRAM pages (both must be 0)", vals[C_GPU_PAGES], vals[C_VRAM_PAGES]);
}

static int open_client(void)
{
	struct drm_nouveau_svm_init in = { 0 };
	int fd = svm_open_sim();

	if (fd < 0)
		return -1;
	if (ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Anonymous memory of @size; 2 MiB aligned (and THP if @thp) from 2 MiB up. */
static uint64_t *map_anon(uint64_t size, bool thp)
{
	uint64_t align = size >= (2ull << 20) ? 2ull << 20 : PAGE;
	uint8_t *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + align > a)
		munmap((void *)(a + size), (uintptr_t)p + align - a);
	if (thp)
		madvise((void *)a, size, MADV_HUGEPAGE);
	return (uint64_t *)a;
}

/* ---- a worker ----------------------------------------------------- */

struct worker {
	unsigned int no;
	struct rng rng;
	int fd;
	volatile uint64_t *a;
	uint64_t words, val, counter0, gpu_adds, cpu_adds;
};

/* Which bind op, and whether its errno is one the uAPI lists for it. */
static enum op bind_op(uint64_t cmd, uint64_t target)
{
	bool vram = target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM;

	if (cmd == NOUVEAU_SVM_BIND_COMMAND__MIGRATE)
		return vram ? O_MIG_VRAM : O_MIG_HOST;
	return vram ? O_PRE_VRAM : O_PRE_HOST;
}

/* SVM_BIND on mapped private anonymous memory: ok, -ENOMEM or -EBUSY. */
static void bind_checked(int fd, uint64_t start, uint64_t pages, uint64_t cmd, uint64_t target)
{
	enum op op = bind_op(cmd, target);
	uint64_t result = 0;
	int err = bind(fd, start, pages * PAGE, cmd, target, &result);

	add(&G.sh->answers[op][err_index(err)], 1);
	if (err && err != ENOMEM && err != EBUSY)
		failf("%s of %" PRIu64 " mapped anonymous pages at %#" PRIx64 ": %s (only "
		      "ENOMEM or EBUSY may say no)", op_name[op], pages, start, strerror(err));
	else if (!err && (!result || result > pages))
		failf("%s of %" PRIu64 " pages succeeded with result %" PRIu64, op_name[op],
		      pages, result);
}

static void random_bind(struct worker *w, int fd, uint64_t base, uint64_t pages)
{
	struct rng *r = &w->rng;
	uint64_t first = chance(r, 40) ? 0 : below(r, pages);
	uint64_t n = first ? 1 + below(r, pages - first) : pages;
	uint64_t cmd = chance(r, 70) ? NOUVEAU_SVM_BIND_COMMAND__MIGRATE :
		       NOUVEAU_SVM_BIND_COMMAND__PREFETCH;
	uint64_t target = chance(r, 60) && G.fb_size ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0;

	bind_checked(fd, base + first * PAGE, n, cmd, target);
}

struct wjob {
	struct drm_nvsim_cmd cmds[SVM_COUNTER_JOB_MAX];
	uint32_t n;
	uint64_t seqno;
	uint64_t expect[SVM_COUNTER_JOB_MAX];
};

/* A job on A: reads, writes of what A holds, adds to the counter. */
static void job_a(struct worker *w, struct wjob *j)
{
	j->n = svm_counter_job(&w->rng, w->a, w->words, w->val, j->cmds, j->expect);
}

static void job_a_check(struct worker *w, const struct wjob *j, int status)
{
	add(&G.sh->jobs, 1);
	add(&G.sh->status_a[status_index(status)], 1);
	if (status) {
		failf("a job on A (op %u at %#" PRIx64 " size %#" PRIx64 ") ended with status %d; "
		      "A is mapped, only 0 may end it", j->cmds[0].op, (uint64_t)j->cmds[0].addr,
		      (uint64_t)j->cmds[0].size, status);
		return;
	}
	for (uint32_t i = 0; i < j->n; i++) {
		const struct drm_nvsim_cmd *c = &j->cmds[i];

		if (c->op == DRM_NVSIM_OP_ATOMIC_ADD)
			w->gpu_adds++;
		if (c->op == DRM_NVSIM_OP_READ && c->result != j->expect[i])
			failf("LOST DATA: GPU read of A at %#" PRIx64 " size %#" PRIx64
			      ": checksum %#" PRIx64 ", the data's is %#" PRIx64,
			      (uint64_t)c->addr, (uint64_t)c->size, (uint64_t)c->result,
			      j->expect[i]);
	}
}

/* One to four jobs on A in flight at once. */
static void step_gpu(struct worker *w)
{
	struct wjob jobs[4];
	unsigned int n = 1 + below(&w->rng, 4), sent = 0;

	for (unsigned int i = 0; i < n; i++) {
		int status;

		job_a(w, &jobs[sent]);
		if (!exec(w->fd, jobs[sent].cmds, jobs[sent].n, true, &jobs[sent].seqno, &status))
			sent++;
	}
	for (unsigned int i = 0; i < sent; i++) {
		int status = 0, err = job_wait(w->fd, jobs[i].seqno, &status);

		if (err)
			failf("WAIT for job %" PRIu64 " on A: %s%s", jobs[i].seqno, strerror(err),
			      err == ETIME ? " after 60 s: the job hangs" : "");
		else
			job_a_check(w, &jobs[i], status);
	}
}

/* The CPU reads part of A (back from VRAM), rewrites it, adds. */
static void step_cpu(struct worker *w)
{
	struct rng *r = &w->rng;
	uint64_t last = w->words - 1, first = below(r, last), end = first + 1 + below(r, last - first);
	bool write = chance(r, 40);

	add(&G.sh->cpu_checks, 1);
	for (uint64_t i = first; i < end; i++) {
		uint64_t v = w->a[i];

		if (v != w->val + i) {
			failf("LOST DATA: the CPU reads A[%" PRIu64 "] = %#" PRIx64 ", it holds %#"
			      PRIx64, i, v, w->val + i);
			return;
		}
		if (write)
			w->a[i] = w->val + i;
	}
	if (chance(r, 50)) {
		__atomic_fetch_add((uint64_t *)(uintptr_t)&w->a[last], 1, __ATOMIC_SEQ_CST);
		w->cpu_adds++;
	}
}

/* The GPU writes fresh memory first; -EFAULT is allowed there. */
static bool fresh_gpu_first(struct worker *w, uint64_t *f, uint64_t words, uint64_t val)
{
	struct drm_nvsim_cmd c = { .op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)f,
				   .size = words * 8, .value = val };
	uint64_t seqno;
	int status;

	if (exec(w->fd, &c, 1, false, &seqno, &status))
		return false;
	add(&G.sh->jobs_fresh, 1);
	add(&G.sh->status_fresh[status_index(status)], 1);
	if (status && status != -EFAULT)
		failf("the GPU's first write of fresh memory at %#" PRIx64 " size %#" PRIx64
		      " ended with status %d (0, or -EFAULT for want of memory)",
		      (uint64_t)c.addr, (uint64_t)c.size, status);
	return !status;
}

/* Fresh memory: first touched by the GPU or the CPU, checked, moved, read. */
static void step_fresh(struct worker *w)
{
	static const uint64_t sizes[] = { 64 << 10, 256 << 10, 1 << 20, 2 << 20 };
	struct rng *r = &w->rng;
	uint64_t size = sizes[below(r, 4)], words = size / 8, val = rnd(r), sum;
	uint64_t *f = map_anon(size, chance(r, 50));
	bool gpu_wrote = false;
	int ret;

	if (!f)
		return;
	add(&G.sh->fresh_bufs, 1);
	if (chance(r, 50))
		gpu_wrote = fresh_gpu_first(w, f, words, val);
	if (!gpu_wrote)
		for (uint64_t i = 0; i < words; i++)
			f[i] = val + i;
	for (uint64_t i = 0; i < words; i++)
		if (f[i] != val + i) {
			failf("LOST DATA: fresh word %" PRIu64 " of %" PRIu64 " (the %s wrote it) is "
			      "%#" PRIx64 ", not %#" PRIx64, i, words, gpu_wrote ? "GPU" : "CPU",
			      f[i], val + i);
			break;
		}
	if (chance(r, 50))
		random_bind(w, w->fd, (uintptr_t)f, words * 8 / PAGE);
	/* Populated now: the read must succeed (but for an EXEC without memory). */
	ret = gpu_read(w->fd, f, words, &sum);
	if (ret != -ENOMEM && (ret || sum != svm_pattern_checksum(val, 0, words))) {
		failf("LOST DATA: the GPU reads fresh memory at %p size %#" PRIx64 ": status %d, "
		      "checksum %#" PRIx64 " instead of %#" PRIx64, (void *)f, size, ret, sum,
		      svm_pattern_checksum(val, 0, words));
	}
	munmap(f, size);
}

static void worker_step(struct worker *w)
{
	unsigned int p = below(&w->rng, 100);

	add(&G.sh->steps, 1);
	if (p < 35)
		step_gpu(w);
	else if (p < 60)
		random_bind(w, w->fd, (uintptr_t)w->a, w->words * 8 / PAGE);
	else if (p < 75)
		step_cpu(w);
	else if (p < 95)
		step_fresh(w);
	else
		sleep_ms(1 + below(&w->rng, 20));
}

static int worker_setup(struct worker *w)
{
	static const uint64_t sizes[] = { 1 << 20, 2 << 20, 4 << 20, 6 << 20 };
	uint64_t size = sizes[below(&w->rng, 4)], result;

	w->fd = open_client();
	if (w->fd < 0)
		return -1;
	w->a = map_anon(size, chance(&w->rng, 50));
	if (!w->a)
		return -1;
	w->words = size / 8;
	w->val = rnd(&w->rng);
	for (uint64_t i = 0; i < w->words; i++)
		w->a[i] = w->val + i;
	w->counter0 = w->a[w->words - 1];
	if (G.fb_size && chance(&w->rng, 50))
		bind(w->fd, (uintptr_t)w->a, size, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		     NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &result);
	return 0;
}

/* What must hold of A at the end; then A goes and the client with it. */
static void worker_finish(struct worker *w)
{
	uint64_t last = w->words - 1, want = w->counter0 + w->gpu_adds + w->cpu_adds, sum;
	uint64_t vals[DRM_NVSIM_COUNTER_COUNT] = { 0 };
	int ret = gpu_read(w->fd, w->a, last, &sum);

	if (ret || sum != svm_pattern_checksum(w->val, 0, last))
		failf("LOST DATA: the GPU reads A at the end: status %d, checksum %#" PRIx64
		      " instead of %#" PRIx64, ret, sum, svm_pattern_checksum(w->val, 0, last));
	for (uint64_t i = 0; i < last; i++)
		if (w->a[i] != w->val + i) {
			failf("LOST DATA: A[%" PRIu64 "] = %#" PRIx64 " at the end, it held %#"
			      PRIx64, i, w->a[i], w->val + i);
			break;
		}
	if (w->a[last] != want)
		failf("LOST DATA: A's counter is %#" PRIx64 " after %" PRIu64 " GPU and %" PRIu64
		      " CPU adds to %#" PRIx64, w->a[last], w->gpu_adds, w->cpu_adds, w->counter0);
	add(&G.sh->adds, w->gpu_adds + w->cpu_adds);
	if (!read_counters(w->fd, vals)) {
		add(&G.sh->pages_to_vram, vals[C_TO_VRAM]);
		add(&G.sh->pages_to_host, vals[C_TO_HOST]);
		add(&G.sh->evictions, vals[C_EVICTIONS]);
	}
	munmap((void *)w->a, w->words * 8);
	check_released(w->fd);
	close(w->fd);
}

static void worker_main(unsigned int no, uint64_t seed)
{
	struct worker w = { .no = no, .rng = { .s = seed } };
	char who[32];

	snprintf(who, sizeof(who), "worker %u", no);
	G.who = who;
	if (cg_enter(0) || worker_setup(&w)) {
		if (errno == ENOMEM)
			_exit(EX_NOMEM);
		failf("cannot set up: %s", strerror(errno));
		_exit(EX_FAIL);
	}
	while (!get(&G.sh->stop))
		worker_step(&w);
	worker_finish(&w);
	_exit(G.failures ? EX_FAIL : EX_GOOD);
}

/* ---- the hog ------------------------------------------------------ */

/*
 * Take memory a MiB at a time until the OOM killer ends it: with page
 * faults, or with MAP_POPULATE (@populate), which is faster under TCG.
 */
static void hog_killer(bool populate)
{
	for (uint64_t mb = 0; mb < 4 * G.memory_mb; mb++) {
		uint8_t *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0),
				  -1, 0);

		if (p == MAP_FAILED)
			_exit(EX_FAIL);
		for (uint64_t off = 0; off < (1 << 20) && !populate; off += PAGE)
			p[off] = 1;
	}
	_exit(EX_NOKILL);
}

/* Fill the cgroup to @margin below its limit and hold it for @hold_ms. */
static void hog_squeezer(uint64_t margin, uint64_t hold_ms)
{
	char cur[192];
	uint64_t max = G.memory_mb << 20, chunk = 256 << 10;

	cg_path(cur, sizeof(cur), "memory.current");
	while (read_u64(cur) + chunk + margin < max) {
		uint8_t *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			_exit(EX_FAIL);
		for (uint64_t off = 0; off < chunk; off += PAGE)
			p[off] = 1;
	}
	sleep_ms(hold_ms);
	_exit(EX_GOOD);
}

static void hog_main(struct rng *r, bool squeezer)
{
	G.who = squeezer ? "squeezer" : "hog";
	if (cg_enter(squeezer ? -999 : 1000))
		_exit(EX_FAIL);
	if (squeezer)
		hog_squeezer((2 + below(r, 4)) << 20, 300 + below(r, 1200));
	hog_killer(chance(r, 50));
}

/* ---- the bystander ------------------------------------------------ */

#define BY_B1	(4ull << 20)	/* kept in VRAM */
#define BY_B2	(1ull << 20)	/* system memory, a counter at its end */

struct bystander {
	int fd;
	uint64_t *b1, *b2, v1, v2, counter0, adds;
};

static void by_migrate(struct bystander *b)
{
	uint64_t result;
	int err;

	if (!G.fb_size)
		return;
	err = bind(b->fd, (uintptr_t)b->b1, BY_B1, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		   NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &result);
	add(&G.sh->by_remigrations, 1);
	if (err && err != ENOMEM && err != EBUSY)
		failf("MIGRATE of its buffer to VRAM: %s (only ENOMEM or EBUSY may say no)",
		      strerror(err));
}

/* One job: read both buffers, add one to the counter. */
static void by_job(struct bystander *b)
{
	uint64_t l2 = BY_B2 / 8 - 1, seqno;
	struct drm_nvsim_cmd c[3] = {
		{ .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)b->b1, .size = BY_B1 },
		{ .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)b->b2, .size = l2 * 8 },
		{ .op = DRM_NVSIM_OP_ATOMIC_ADD, .addr = (uintptr_t)(b->b2 + l2), .size = 8,
		  .value = 1 },
	};
	int status, ret = exec(b->fd, c, 3, false, &seqno, &status);

	if (ret)
		return;
	add(&G.sh->by_jobs, 1);
	if (status) {
		failf("its job ended with status %d; only 0 may end it", status);
		return;
	}
	b->adds++;
	if (c[0].result != svm_pattern_checksum(b->v1, 0, BY_B1 / 8) ||
	    c[1].result != svm_pattern_checksum(b->v2, 0, l2))
		failf("LOST DATA: the GPU reads its buffers: checksums %#" PRIx64 ", %#" PRIx64
		      " instead of %#" PRIx64 ", %#" PRIx64, (uint64_t)c[0].result,
		      (uint64_t)c[1].result, svm_pattern_checksum(b->v1, 0, BY_B1 / 8),
		      svm_pattern_checksum(b->v2, 0, l2));
}

static bool by_cpu_check(const uint64_t *p, uint64_t words, uint64_t val, const char *what)
{
	for (uint64_t i = 0; i < words; i++)
		if (p[i] != val + i) {
			failf("LOST DATA: %s[%" PRIu64 "] = %#" PRIx64 ", it holds %#" PRIx64, what,
			      i, p[i], val + i);
			return false;
		}
	return true;
}

static void by_finish(struct bystander *b)
{
	uint64_t l2 = BY_B2 / 8 - 1, vals[DRM_NVSIM_COUNTER_COUNT] = { 0 };

	by_cpu_check(b->b1, BY_B1 / 8, b->v1, "B1");
	by_cpu_check(b->b2, l2, b->v2, "B2");
	if (b->b2[l2] != b->counter0 + b->adds)
		failf("LOST DATA: its counter is %#" PRIx64 " after %" PRIu64 " GPU adds to %#"
		      PRIx64, b->b2[l2], b->adds, b->counter0);
	if (read_counters(b->fd, vals))
		failf("COUNTERS: %s", strerror(errno));
	else if (vals[C_CANCELS] || vals[C_COPY_FAILURES])
		failf("%" PRIu64 " of its faults were cancelled and %" PRIu64 " of its copies "
		      "failed (both must be 0)", vals[C_CANCELS], vals[C_COPY_FAILURES]);
	add(&G.sh->by_evictions, vals[C_EVICTIONS]);
	add(&G.sh->by_evicted_pages, vals[C_EVICTED_PAGES]);
	munmap(b->b1, BY_B1);
	munmap(b->b2, BY_B2);
	check_released(b->fd);
	close(b->fd);
}

static void bystander_main(uint64_t seed, int ready)
{
	struct bystander b = { 0 };
	struct rng r = { .s = seed };

	G.who = "bystander";
	b.fd = open_client();
	b.b1 = map_anon(BY_B1, false);
	b.b2 = map_anon(BY_B2, false);
	if (b.fd < 0 || !b.b1 || !b.b2) {
		failf("cannot set up: %s", strerror(errno));
		_exit(EX_FAIL);
	}
	b.v1 = rnd(&r);
	b.v2 = rnd(&r);
	for (uint64_t i = 0; i < BY_B1 / 8; i++)
		b.b1[i] = b.v1 + i;
	for (uint64_t i = 0; i < BY_B2 / 8; i++)
		b.b2[i] = b.v2 + i;
	b.counter0 = b.b2[BY_B2 / 8 - 1];
	by_migrate(&b);
	close(ready);
	for (uint64_t n = 1; !get(&G.sh->stop); n++) {
		by_job(&b);
		if (!(n % 8))
			by_migrate(&b);
		if (!(n % 16))
			by_cpu_check(b.b2, BY_B2 / 8 - 1, b.v2, "B2");
		if (!(n % 64) && by_cpu_check(b.b1, BY_B1 / 8, b.v1, "B1"))
			by_migrate(&b);
		add(&G.sh->by_rounds, 1);
		sleep_ms(5 + below(&r, 20));
	}
	by_finish(&b);
	_exit(G.failures ? EX_FAIL : EX_GOOD);
}

/* ---- the controller ----------------------------------------------- */

struct proc {
	pid_t pid;
	unsigned int no;
};

static struct {
	struct proc workers[MAX_WORKERS];
	pid_t hog, bystander;
	bool hog_squeezer;
	uint64_t hog_seed, next_hog_ms, next_worker_ms;
	unsigned int started, finished, killed, nomem, hogs, hogs_killed, squeezers;
	unsigned int workers_failed;
	struct rng rng;
} C;

static pid_t spawn(void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		failf("fork: %s", strerror(errno));
	if (!pid) {
		fn(arg);
		_exit(EX_FAIL);
	}
	return pid;
}

static void run_worker(void *arg)
{
	const struct proc *p = arg;

	worker_main(p->no, G.seed * 0x100000001b3ull + (p->no + 1) * 0x9e3779b97f4a7c15ull);
}

static void run_hog(void *arg)
{
	struct rng r = { .s = C.hog_seed };

	hog_main(&r, *(bool *)arg);
}

static void start_workers(void)
{
	for (unsigned int i = 0; i < G.workers; i++) {
		struct proc *p = &C.workers[i];

		if (p->pid || now_ms() < C.next_worker_ms)
			continue;
		p->no = C.started++;
		p->pid = spawn(run_worker, p);
		if (p->pid < 0)
			p->pid = 0;
	}
}

static void start_hog(void)
{
	if (C.hog || now_ms() < C.next_hog_ms)
		return;
	C.hog_squeezer = chance(&C.rng, 20);
	C.hog_seed = rnd(&C.rng);
	C.hogs++;
	C.squeezers += C.hog_squeezer;
	C.hog = spawn(run_hog, &C.hog_squeezer);
	if (C.hog < 0)
		C.hog = 0;
}

/* What a worker's end says; @stopping: the run is over, it must finish. */
static void worker_ended(struct proc *p, int status, bool stopping)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		C.killed++;
		if (stopping)
			notef("worker %u was OOM-killed while it finished", p->no);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == EX_NOMEM) {
		C.nomem++;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == EX_GOOD && stopping) {
		C.finished++;
	} else {
		C.workers_failed++;
		failf("worker %u ended with status %#x (exit 1: it found a problem, above; a "
		      "signal other than SIGKILL: it crashed)", p->no, status);
	}
	p->pid = 0;
	C.next_worker_ms = now_ms() + 20;
}

static void hog_ended(int status, bool stopping)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		C.hogs_killed += !stopping;
	else if (!(WIFEXITED(status) && WEXITSTATUS(status) == EX_GOOD && C.hog_squeezer))
		failf("the %s ended with status %#x%s", C.hog_squeezer ? "squeezer" : "hog",
		      status, WIFEXITED(status) && WEXITSTATUS(status) == EX_NOKILL ?
		      ": it touched 4 times memory.max and was never killed" : "");
	C.hog = 0;
	C.next_hog_ms = now_ms() + 20 + below(&C.rng, 200);
}

static void reap(bool stopping)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == C.hog) {
			hog_ended(status, stopping);
			continue;
		}
		if (pid == C.bystander) {
			if (!WIFEXITED(status) || WEXITSTATUS(status) != EX_GOOD)
				failf("the bystander ended with status %#x", status);
			C.bystander = 0;
			continue;
		}
		for (unsigned int i = 0; i < G.workers; i++)
			if (C.workers[i].pid == pid)
				worker_ended(&C.workers[i], status, stopping);
	}
}

static unsigned int live(void)
{
	unsigned int n = !!C.hog + !!C.bystander;

	for (unsigned int i = 0; i < G.workers; i++)
		n += !!C.workers[i].pid;
	return n;
}

/*
 * Stop: the hog first, gone with its memory before the workers check
 * theirs (so that the killer does not take them then), then every worker
 * and the bystander, bounded.
 */
static void stop_all(void)
{
	uint64_t t0 = now_ms();

	if (C.hog)
		kill(C.hog, SIGKILL);
	while (C.hog && now_ms() - t0 < END_WAIT_MS) {
		reap(true);
		sleep_ms(10);
	}
	__atomic_store_n(&G.sh->stop, 1, __ATOMIC_RELAXED);
	while (live() && now_ms() - t0 < END_WAIT_MS) {
		reap(true);
		sleep_ms(10);
	}
	if (!live())
		return;
	failf("%u processes did not finish within %d s of the end (hung in the kernel?)",
	      live(), END_WAIT_MS / 1000);
	for (unsigned int i = 0; i < G.workers; i++)
		if (C.workers[i].pid)
			kill(C.workers[i].pid, SIGKILL);
	if (C.bystander)
		kill(C.bystander, SIGKILL);
	for (t0 = now_ms(); live() && now_ms() - t0 < 10000; sleep_ms(10))
		reap(true);
}

static void start_bystander(void)
{
	int pipefd[2];
	char c;

	if (pipe(pipefd))
		return;
	fflush(stdout);
	C.bystander = fork();
	if (C.bystander < 0) {
		failf("fork: %s", strerror(errno));
		C.bystander = 0;
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (!C.bystander) {
		close(pipefd[0]);
		bystander_main(G.seed ^ 0x62797374ull, pipefd[1]);
	}
	close(pipefd[1]);
	/* Ready once its buffer is in VRAM (EOF: it closed the pipe or died). */
	if (read(pipefd[0], &c, 1) < 0)
		failf("waiting for the bystander: %s", strerror(errno));
	close(pipefd[0]);
}

static uint64_t vram_used(int *err)
{
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_VRAM_USED };

	*err = ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp) ? errno : 0;
	return gp.value;
}

static void check_vram_used(void)
{
	uint64_t used = 0;
	int err = 0;

	for (int i = 0; i < 100; i++) {
		used = vram_used(&err);
		if (!err && used == G.vram_used0)
			return;
		sleep_ms(100);
	}
	failf("VRAM_USED is %" PRIu64 " 10 s after every file closed, %" PRIu64
	      " before the run", used, G.vram_used0);
}

static void cg_remove(void)
{
	for (int i = 0; i < 100 && rmdir(G.cg); i++)
		sleep_ms(100);
	if (!access(G.cg, F_OK))
		failf("cannot remove the cgroup %s: %s", G.cg, strerror(errno));
}

static int setup(uint64_t *taint0)
{
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_FB_SIZE };
	const char *why;
	int err;

	G.sh = mmap(NULL, sizeof(*G.sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	if (G.sh == MAP_FAILED) {
		G.sh = NULL;
		return -1;
	}
	memset(G.sh, 0, sizeof(*G.sh));
	G.probe_fd = svm_open_sim();
	if (G.probe_fd < 0 || ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp)) {
		printf("pressure: no simulated GPU\n");
		return -1;
	}
	G.fb_size = gp.value;
	/* No error injection: what a killed svm-fuzz may have left armed. */
	svm_sim_disarm(G.probe_fd);
	G.vram_used0 = vram_used(&err);
	*taint0 = read_u64("/proc/sys/kernel/tainted");
	why = cg_setup();
	if (why) {
		printf("pressure: %s: %s\n", why, strerror(errno));
		return -1;
	}
	read_file("/proc/sys/vm/oom_dump_tasks", G.dump_tasks, sizeof(G.dump_tasks));
	write_file("/proc/sys/vm/oom_dump_tasks", "0");
	return err ? -1 : 0;
}

static void print_answers(void)
{
	for (int op = 0; op < NOPS; op++) {
		char line[256];
		size_t n = 0;

		for (int e = 0; e < NERR; e++)
			n += snprintf(line + n, sizeof(line) - n, "%s%s %" PRIu64, e ? ", " : "",
				      err_name[e], get(&G.sh->answers[op][e]));
		printf("pressure: %-17s %s\n", op_name[op], line);
	}
	printf("pressure: job status on A: 0 %" PRIu64 ", -EFAULT %" PRIu64 ", -EIO %" PRIu64
	       ", other %" PRIu64 "; GPU first touch of fresh memory: 0 %" PRIu64 ", -EFAULT %"
	       PRIu64 ", -EIO %" PRIu64 ", other %" PRIu64 "\n",
	       get(&G.sh->status_a[0]), get(&G.sh->status_a[1]), get(&G.sh->status_a[2]),
	       get(&G.sh->status_a[3]), get(&G.sh->status_fresh[0]), get(&G.sh->status_fresh[1]),
	       get(&G.sh->status_fresh[2]), get(&G.sh->status_fresh[3]));
}

static void print_figures(uint64_t oom_kills, uint64_t ooms)
{
	printf("pressure: workers: %u started, %u finished with their data intact, %u "
	       "OOM-killed, %u could not start; hogs: %u (%u squeezers), %u OOM-killed; "
	       "memory.events: oom %" PRIu64 ", oom_kill %" PRIu64 "\n", C.started, C.finished,
	       C.killed, C.nomem, C.hogs, C.squeezers, C.hogs_killed, ooms, oom_kills);
	printf("pressure: %" PRIu64 " worker steps, %" PRIu64 " GPU jobs on A, %" PRIu64
	       " on fresh memory, %" PRIu64 " counter adds checked, %" PRIu64 " CPU checks, %"
	       PRIu64 " fresh buffers; the finished workers moved %" PRIu64 " pages to VRAM and %"
	       PRIu64 " back, %" PRIu64 " evictions\n", get(&G.sh->steps), get(&G.sh->jobs),
	       get(&G.sh->jobs_fresh), get(&G.sh->adds), get(&G.sh->cpu_checks),
	       get(&G.sh->fresh_bufs), get(&G.sh->pages_to_vram), get(&G.sh->pages_to_host),
	       get(&G.sh->evictions));
	printf("pressure: bystander: %" PRIu64 " rounds, %" PRIu64 " jobs, %" PRIu64
	       " migrations to VRAM, evicted %" PRIu64 " times (%" PRIu64 " pages)\n",
	       get(&G.sh->by_rounds), get(&G.sh->by_jobs), get(&G.sh->by_remigrations),
	       get(&G.sh->by_evictions), get(&G.sh->by_evicted_pages));
	print_answers();
}

static void usage(void)
{
	fprintf(stderr, "usage: svm-pressure [--seed N] [--seconds N] [--workers N] "
		"[--memory-mb N]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	G.seed = rng_fresh_seed();
	G.seconds = 30;
	G.workers = 3;
	G.memory_mb = 64;
	for (int i = 1; i < argc; i += 2) {
		uint64_t v;

		if (!svm_opt_number(argc, argv, i, &v))
			usage();
		if (!strcmp(argv[i], "--seed"))
			G.seed = v;
		else if (!strcmp(argv[i], "--seconds"))
			G.seconds = v;
		else if (!strcmp(argv[i], "--workers") && v >= 1 && v <= MAX_WORKERS)
			G.workers = v;
		else if (!strcmp(argv[i], "--memory-mb") && v >= 16)
			G.memory_mb = v;
		else
			usage();
	}
}

static void run(void)
{
	uint64_t t0 = now_ms(), last = t0;

	C.rng.s = G.seed ^ 0x686f67ull;
	start_bystander();
	while (now_ms() - t0 < G.seconds * 1000) {
		start_workers();
		start_hog();
		reap(false);
		sleep_ms(10);
		if (now_ms() - last >= 5000) {
			last = now_ms();
			printf("pressure: %" PRIu64 " s, %u workers started, %u OOM-killed, %u hogs\n",
			       (last - t0) / 1000, C.started, C.killed, C.hogs);
		}
	}
	stop_all();
}

int main(int argc, char **argv)
{
	uint64_t taint0 = 0, taint, oom_kills, ooms, t0;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pressure: seed %" PRIu64 ", %" PRIu64 " s, %" PRIu64 " workers, memory.max %"
	       PRIu64 " MiB (reproduce: svm-pressure --seed %" PRIu64 ")\n", G.seed, G.seconds,
	       G.workers, G.memory_mb, G.seed);
	if (setup(&taint0)) {
		printf("pressure: 0 s, FAIL (cannot set up)\n");
		return 1;
	}
	G.who = "";
	printf("pressure: VRAM %" PRIu64 " MiB (%" PRIu64 " bytes used), cgroup %s\n",
	       G.fb_size >> 20, G.vram_used0, G.cg);
	t0 = now_ms();
	run();
	oom_kills = cg_key("memory.events", "oom_kill");
	ooms = cg_key("memory.events", "oom");
	cg_remove();
	if (*G.dump_tasks)
		write_file("/proc/sys/vm/oom_dump_tasks", G.dump_tasks);
	close(G.probe_fd);
	G.probe_fd = svm_open_sim();
	check_vram_used();
	taint = read_u64("/proc/sys/kernel/tainted");
	if (taint & ~taint0)
		failf("the kernel took a new taint: %#" PRIx64 " (before the run %#" PRIx64 ")",
		      taint, taint0);
	if (!C.finished)
		failf("no worker lived to the end: nothing was checked");
	print_figures(oom_kills, ooms);
	if (!get(&G.sh->failures)) {
		printf("pressure: %" PRIu64 " s, %u workers, %" PRIu64 " OOM kills, ok\n",
		       (now_ms() - t0) / 1000, C.started, oom_kills);
		return 0;
	}
	printf("pressure: %" PRIu64 " s, %u workers, %" PRIu64 " OOM kills, FAIL (%" PRIu64
	       " problems, see above)\n", (now_ms() - t0) / 1000, C.started, oom_kills,
	       get(&G.sh->failures));
	return 1;
}
