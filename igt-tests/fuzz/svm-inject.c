// SPDX-License-Identifier: MIT
/*
 * svm-inject - systematic fault injection into the error paths of nouveau
 * SVM on the simulated GPU.
 *
 * Part one makes every allocation and user copy of one SVM operation fail
 * in turn, with the kernel's per-task injection: writing N to
 * /proc/thread-self/fail-nth makes the N-th injection point this task
 * reaches fail (a slab allocation, a page allocation, a copy from or to
 * user memory), and reading it back as 0 says it did.  failslab and
 * fail_page_alloc are told not to skip allocations that may sleep (nor
 * highmem, nor order 0), and all three not to print, in debugfs; their
 * probability stays 0, so nothing but this task's N-th point ever fails.
 * For each operation of the table below, for N = 1, 2, ...: a fresh client
 * and buffer are set up without injection, fail-nth is armed with N, the
 * operation runs (one system call, or open+read+close), fail-nth is read
 * back and disarmed.  The answer must be 0 or an errno the uAPI documents
 * for what failed (-ENOMEM for an allocation, -EFAULT for a user copy,
 * -EIO and -EBUSY where a migration lists them).  Then, without
 * injection: the buffer's data must be intact (the CPU's checksum, and
 * the GPU's), the operation tried again must succeed with the right
 * result, and after teardown the client's counters (gpu-pages,
 * vram-pages, ranges) must be back to zero and, once the file is closed,
 * the device's VRAM_USED back to where it was.  An operation is done when
 * N passes its last injection point (fail-nth was not consumed: the
 * operation ran clean, and must have succeeded), or at a cap.
 *
 * Only system calls run while fail-nth is armed, on memory touched before:
 * a CPU page fault that failed an allocation would end in the page fault
 * handler's out-of-memory path, which is not what is tested here.  Work
 * that the kernel does in its own threads (the simulated GPU's engine,
 * the core's fault worker) is not this task's and never fails.
 *
 * Part two drives the simulated GPU's own error injection where the IGT
 * tests do not: fault-ring overflow under a GPU job, copy-engine and VRAM
 * allocation failures over a migration of several pieces (1, 2, ...
 * failures), in PREFETCH, in the teardown of a file with memory in VRAM,
 * in the eviction of another client when VRAM is full, and under a GPU
 * atomic with the migrate policy; with the same checks.
 *
 * The table printed at the end gives, per operation, the injection points
 * it reached, how many injections took, and the answers (errno counts);
 * "absorbed" counts injections that the operation survived with success.
 * On the debug kernel kmemleak's scan at the end of the suite adds the
 * proof that no error path leaked memory.
 *
 * Usage: svm-inject [--cap N] [--seconds N] [--only NAME]
 *   --cap      most injection points tried per operation (default 600)
 *   --seconds  time budget (default 90): an operation that starts after
 *              it tries N = 1 only, and says so
 *   --only     run the operations whose name starts with NAME
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "svm_jobs.h"
#include "svm_plain.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>

#define PAGE		4096ull
#define BUF_SIZE	(64ull << 10)		/* one piece of VRAM */
#define BUF_PAGES	(BUF_SIZE / PAGE)
#define PIECES_SIZE	(256ull << 10)		/* three pieces: 64K, 128K, 64K */
#define PIECES_PAGES	(PIECES_SIZE / PAGE)
#define WAIT_NS		10000000000ll
#define POLL_MS		10000

/* ---- answers ------------------------------------------------------ */

/* The columns of the table; an answer mask has bit COL_x for errno x. */
enum col { COL_OK, COL_ENOMEM, COL_EFAULT, COL_EIO, COL_EBUSY, COL_ENOENT, COL_EINTR,
	   COL_OTHER, NCOL };

static const int col_errno[COL_OTHER] = { 0, ENOMEM, EFAULT, EIO, EBUSY, ENOENT, EINTR };

static const char *const col_name[NCOL] = {
	"ok", "ENOMEM", "EFAULT", "EIO", "EBUSY", "ENOENT", "EINTR", "other",
};

static unsigned int err_col(int err)
{
	for (unsigned int i = 0; i < COL_OTHER; i++)
		if (col_errno[i] == err)
			return i;
	return COL_OTHER;
}

/* A(ENOMEM): the mask of one errno, as a constant. */
#define A(e)	(1u << COL_##e)
#define MASK(err)	(1u << err_col(err))

/* ---- state -------------------------------------------------------- */

/* One iteration's client and buffer. */
struct ctx {
	const char *op;
	unsigned int n;			/* fail-nth, or the sim's count */
	int fd, fd2;
	uint64_t *buf;			/* size bytes, its own VMA */
	size_t size, words;
	void *map, *map_b;		/* the reservations around buf, buf_b */
	size_t map_len, map_len_b;
	uint64_t val, sum;		/* buf[i] == val + i; its READ checksum */
	uint64_t result;		/* of the SVM_BIND that ran */
	uint64_t seqno;
	struct drm_nvsim_cmd cmd;
	uint64_t vals[NCOUNTERS];
	char path[64];
	char text[8192];
	/* a second client, VRAM full */
	int fd_b;
	uint64_t *buf_b;
	size_t size_b;
	uint64_t sum_b, consumed;
};

struct op {
	const char *name;
	uint32_t allowed;		/* besides 0 */
	int (*setup)(struct ctx *c);	/* no injection; 0 or -1 */
	int (*run)(struct ctx *c);	/* armed: 0 or an errno */
	void (*check)(struct ctx *c, int err);
};

struct tally {
	unsigned int sites, injected, absorbed, runs;
	uint64_t answers[NCOL];
	bool capped, cut;
};

static struct {
	unsigned int cap, seconds;
	const char *only;
	uint64_t t0;
	int probe_fd, nth_fd;
	char node[32];
	uint64_t fb_size, vram_used0;
	unsigned int failures;
	unsigned int value;		/* pattern seed, per iteration */
} G;

static void failf(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (G.failures++ >= 40)
		return;
	if (c)
		fprintf(stderr, "inject: FAIL (%s, N=%u): ", c->op, c->n);
	else
		fprintf(stderr, "inject: FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* ---- the kernel's injection: debugfs and fail-nth ----------------- */

static const struct {
	const char *file, *value;
} fault_knobs[] = {
	{ "failslab/ignore-gfp-wait", "N" },
	{ "failslab/verbose", "0" },
	{ "fail_page_alloc/ignore-gfp-wait", "N" },
	{ "fail_page_alloc/ignore-gfp-highmem", "N" },
	{ "fail_page_alloc/min-order", "0" },
	{ "fail_page_alloc/verbose", "0" },
	{ "fail_usercopy/verbose", "0" },
	/* The core's own point: fail-nth reaches it too. */
	{ "fail_nouveau_svm_snapshot/verbose", "0" },
};
#define NKNOBS	(sizeof(fault_knobs) / sizeof(fault_knobs[0]))

static char knob_saved[NKNOBS][32];

/* Write @value to a debugfs file, its old value to @old first if not NULL. */
static int knob_rw(const char *file, char *old, size_t len, const char *value)
{
	char path[128];
	ssize_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s", file);
	/* Some of them cannot seek: a file for each way. */
	if (old) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		n = read(fd, old, len - 1);
		old[n > 0 ? n : 0] = 0;
		close(fd);
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n == (ssize_t)strlen(value) ? 0 : -1;
}

/*
 * Aim injection at allocations that may sleep, of any order, quietly; the
 * probability stays 0, so only fail-nth injects.  Returns -1 without
 * debugfs or fail-nth.
 */
static int faults_setup(void)
{
	for (unsigned int i = 0; i < NKNOBS; i++)
		if (knob_rw(fault_knobs[i].file, knob_saved[i], sizeof(knob_saved[i]),
			    fault_knobs[i].value)) {
			fprintf(stderr, "inject: cannot set /sys/kernel/debug/%s: %s\n",
				fault_knobs[i].file, strerror(errno));
			return -1;
		}
	G.nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (G.nth_fd < 0)
		fprintf(stderr, "inject: no /proc/thread-self/fail-nth: %s\n", strerror(errno));
	return G.nth_fd < 0 ? -1 : 0;
}

static void faults_restore(void)
{
	for (unsigned int i = 0; i < NKNOBS; i++)
		if (knob_saved[i][0])
			knob_rw(fault_knobs[i].file, NULL, 0, knob_saved[i]);
}

static void nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(G.nth_fd, buf, len, 0) != len)
		failf(NULL, "cannot write fail-nth: %s", strerror(errno));
}

/*
 * Disarm fail-nth; true if it was consumed (the N-th point failed).  The
 * read's own copy to user memory is an injection point too: when it is
 * the N-th, the read fails, and the operation did not consume it.
 */
static bool nth_disarm(void)
{
	char buf[16] = "";
	ssize_t n = pread(G.nth_fd, buf, sizeof(buf) - 1, 0);

	/* Its copy from user memory may take the last count: it then is 0. */
	if (pwrite(G.nth_fd, "0", 1, 0) != 1 && errno != EFAULT)
		failf(NULL, "cannot disarm fail-nth: %s", strerror(errno));
	return n > 0 && !strtoul(buf, NULL, 10);
}

/* ---- the simulated GPU -------------------------------------------- */

static void sim_inject(uint32_t what, uint32_t count)
{
	struct drm_nvsim_inject in = { .what = what, .count = count };

	if (ioctl(G.probe_fd, DRM_IOCTL_NVSIM_INJECT, &in))
		failf(NULL, "INJECT %u count %u: %s", what, count, strerror(errno));
}

static uint64_t vram_used(void)
{
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_VRAM_USED };

	if (ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp))
		return ~0ull;
	return gp.value;
}

static int err_of(int ret)
{
	return ret ? errno : 0;
}

static int svm_init(int fd)
{
	struct drm_nouveau_svm_init in = { 0 };

	return err_of(ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in));
}

static int bind(int fd, const void *p, size_t size, uint64_t cmd, uint64_t target,
		uint64_t *result)
{
	return -svm_plain_bind(fd, cmd, target, (uintptr_t)p, size, result);
}

static int migrate(int fd, const void *p, size_t size, bool vram, uint64_t *result)
{
	return bind(fd, p, size, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		    vram ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0, result);
}

static int advise(int fd, const void *p, size_t size, uint64_t policy)
{
	return bind(fd, p, size, NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC, policy, NULL);
}

/* One synchronous job of one command; the errno of EXEC, *status the job's. */
static int gpu(int fd, struct drm_nvsim_cmd *cmd, int *status)
{
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)cmd, .count = 1 };
	int err = err_of(ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex));

	*status = err ? 0 : ex.status;
	return err;
}

static int counters(int fd, uint64_t *vals)
{
	struct drm_nvsim_counters c = { .values = (uintptr_t)vals, .count = NCOUNTERS };

	return err_of(ioctl(fd, DRM_IOCTL_NVSIM_COUNTERS, &c));
}

/* ---- buffers and clients ------------------------------------------ */

/*
 * @size bytes at @offset past an @align boundary, a VMA of their own
 * between PROT_NONE guards (so that no neighbour merges with it and the
 * GPU's ranges are the buffer's), holding val + i.  *@map and *@len: the
 * whole reservation, for munmap.
 */
static uint64_t *buf_map(size_t size, size_t align, size_t offset, uint64_t val, void **map,
			 size_t *len)
{
	size_t total = offset + size + 2 * align + PAGE;
	uint8_t *p = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	uintptr_t a;
	uint64_t *w;

	if (p == MAP_FAILED)
		return NULL;
	*map = p;
	*len = total;
	a = (((uintptr_t)p + PAGE + align - 1) & ~(uintptr_t)(align - 1)) + offset;
	w = (uint64_t *)a;
	if (mprotect(w, size, PROT_READ | PROT_WRITE))
		return NULL;
	/* 2 MiB buffers are transparent huge pages: whole folios move. */
	if (align >= (2u << 20))
		madvise(w, size, MADV_HUGEPAGE);
	for (size_t i = 0; i < size / 8; i++)
		w[i] = val + i;
	return w;
}

static int client_open(void)
{
	int fd = open(G.node, O_RDWR | O_CLOEXEC);

	if (fd >= 0 && svm_init(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A client and a buffer of @size at @offset past @align, in system memory. */
static int ctx_setup(struct ctx *c, size_t size, size_t align, size_t offset)
{
	c->fd = client_open();
	c->val = 0x1000000000ull * ++G.value;
	c->buf = buf_map(size, align, offset, c->val, &c->map, &c->map_len);
	if (c->fd < 0 || !c->buf)
		return -1;
	c->size = size;
	c->words = size / 8;
	c->sum = svm_checksum_words(c->buf, c->words);
	return 0;
}

static int setup_buf(struct ctx *c)
{
	return ctx_setup(c, BUF_SIZE, BUF_SIZE, 0);
}

static int setup_thp(struct ctx *c)
{
	return ctx_setup(c, 2 << 20, 2 << 20, 0);
}

/* Three pieces of VRAM: 64 KiB, 128 KiB, 64 KiB. */
static int setup_pieces(struct ctx *c)
{
	return ctx_setup(c, PIECES_SIZE, 2 * PIECES_SIZE, 64 << 10);
}

static int to_vram(struct ctx *c)
{
	uint64_t res = 0;
	int err = migrate(c->fd, c->buf, c->size, true, &res);

	if (err || res != c->size / PAGE) {
		failf(c, "setup: MIGRATE to VRAM without injection: %s, %" PRIu64 " of %zu pages",
		      strerror(err), res, c->size / PAGE);
		return -1;
	}
	return 0;
}

static int setup_thp_vram(struct ctx *c)
{
	return setup_thp(c) || to_vram(c) ? -1 : 0;
}

static int setup_pieces_vram(struct ctx *c)
{
	return setup_pieces(c) || to_vram(c) ? -1 : 0;
}

/* ---- checks ------------------------------------------------------- */

/* The GPU reads the buffer: the job must succeed with the data's checksum. */
static void check_gpu_sum(struct ctx *c, const char *when)
{
	struct drm_nvsim_cmd cmd = { .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)c->buf,
				     .size = c->size };
	int status, err = gpu(c->fd, &cmd, &status);

	if (err || status || cmd.result != c->sum)
		failf(c, "LOST DATA? the GPU reads the buffer %s: %s, status %d, checksum %#"
		      PRIx64 " instead of %#" PRIx64, when, strerror(err), status,
		      (uint64_t)cmd.result, c->sum);
}

/* The CPU reads the buffer (bringing back what is in VRAM). */
static void check_cpu_sum(struct ctx *c, const char *when)
{
	uint64_t sum = svm_checksum_words(c->buf, c->words);

	if (sum != c->sum)
		failf(c, "LOST DATA: the CPU's checksum of the buffer %s is %#" PRIx64
		      " instead of %#" PRIx64, when, sum, c->sum);
}

static void check_counter(struct ctx *c, unsigned int which, uint64_t want, const char *when)
{
	int err = counters(c->fd, c->vals);

	if (err || c->vals[which] != want)
		failf(c, "%s: counter %s is %" PRIu64 " (%s), expected %" PRIu64, when,
		      svm_counter_names[which], c->vals[which], strerror(err), want);
}

/* A migration's answer: ok with a result in [1, max], or no result. */
static void check_result(struct ctx *c, int err, uint64_t max)
{
	if ((!err && (!c->result || c->result > max)) || (err && c->result))
		failf(c, "SVM_BIND answered %s with result %" PRIu64 " (of %" PRIu64 " pages)",
		      err ? strerror(err) : "ok", c->result, max);
}

/* Without injection it goes: the whole buffer ends where asked. */
static void check_retry(struct ctx *c, uint64_t cmd, uint64_t target)
{
	uint64_t res = 0;
	int err = bind(c->fd, c->buf, c->size, cmd, target, &res);

	if (err || res != c->size / PAGE)
		failf(c, "SVM_BIND %" PRIu64 "/%" PRIu64 " again without injection: %s, result %"
		      PRIu64 " of %zu pages", cmd, target, strerror(err), res, c->size / PAGE);
}

static bool poll_until(bool (*done)(struct ctx *c), struct ctx *c)
{
	for (int i = 0; i < POLL_MS; i++) {
		if (done(c))
			return true;
		usleep(1000);
	}
	return false;
}

static bool client_idle(struct ctx *c)
{
	uint64_t fdinfo[3];
	static const char *const names[3] = { "gpu-pages", "vram-pages", "ranges" };

	if (counters(c->fd, c->vals) || svm_fdinfo_counters(c->fd, names, 3, fdinfo))
		return false;
	return !c->vals[C_GPU_PAGES] && !c->vals[C_VRAM_PAGES] && !c->vals[C_RANGES] &&
	       !fdinfo[0] && !fdinfo[1] && !fdinfo[2];
}

static bool vram_back(struct ctx *c)
{
	(void)c;
	return vram_used() == G.vram_used0;
}

/*
 * The buffers go; the client must hold no GPU page, no VRAM and no range;
 * its file goes; the device's VRAM use must come back.
 */
static void teardown(struct ctx *c)
{
	if (c->map)
		munmap(c->map, c->map_len);
	if (c->map_b)
		munmap(c->map_b, c->map_len_b);
	if (c->fd >= 0 && !poll_until(client_idle, c))
		failf(c, "LEAK: %d s after the buffer is gone the client has gpu-pages %" PRIu64
		      ", vram-pages %" PRIu64 ", ranges %" PRIu64 " (COUNTERS)", POLL_MS / 1000,
		      c->vals[C_GPU_PAGES], c->vals[C_VRAM_PAGES], c->vals[C_RANGES]);
	if (c->fd >= 0)
		close(c->fd);
	if (c->fd2 >= 0)
		close(c->fd2);
	if (c->fd_b >= 0)
		close(c->fd_b);
	if (!poll_until(vram_back, c))
		failf(c, "LEAK: VRAM_USED is %" PRIu64 " %d s after every file closed, %" PRIu64
		      " before", vram_used(), POLL_MS / 1000, G.vram_used0);
}

/* ---- part one: the operations under fail-nth ---------------------- */

/* open: the render node; then the file must work. */
static int setup_open(struct ctx *c)
{
	c->fd = -1;
	c->val = 0x1000000000ull * ++G.value;
	c->buf = buf_map(BUF_SIZE, PAGE, 0, c->val, &c->map, &c->map_len);
	c->size = BUF_SIZE;
	c->words = BUF_SIZE / 8;
	c->sum = svm_checksum_words(c->buf, c->words);
	return c->buf ? 0 : -1;
}

static int run_open(struct ctx *c)
{
	c->fd = open(G.node, O_RDWR | O_CLOEXEC);
	return c->fd < 0 ? errno : 0;
}

static void check_open(struct ctx *c, int err)
{
	if (err)
		c->fd = open(G.node, O_RDWR | O_CLOEXEC);
	if (c->fd < 0 || svm_init(c->fd)) {
		failf(c, "the file %s then cannot SVM_INIT: %s", err ? "opened again" : "opened",
		      strerror(errno));
		return;
	}
	check_gpu_sum(c, "after open");
}

/* SVM_INIT: the file's VM and the simulated GPU's. */
static int setup_init(struct ctx *c)
{
	int ret = setup_open(c);

	c->fd = open(G.node, O_RDWR | O_CLOEXEC);
	return ret || c->fd < 0 ? -1 : 0;
}

static int run_init(struct ctx *c)
{
	return svm_init(c->fd);
}

static void check_init(struct ctx *c, int err)
{
	int again = err ? svm_init(c->fd) : 0;

	/*
	 * Only a failed copy of the arguments back (drm_ioctl, after the VM
	 * was made) may leave a VM behind.
	 */
	if (again && !(err == EFAULT && again == EBUSY)) {
		failf(c, "SVM_INIT again without injection: %s (a failed SVM_INIT must leave "
		      "no VM behind)", strerror(again));
		return;
	}
	check_gpu_sum(c, "after SVM_INIT");
}

static int run_migrate_vram(struct ctx *c)
{
	return migrate(c->fd, c->buf, c->size, true, &c->result);
}

static void check_migrate_vram(struct ctx *c, int err)
{
	check_result(c, err, c->size / PAGE);
	check_gpu_sum(c, "after the MIGRATE");
	check_cpu_sum(c, "after the MIGRATE");
	check_retry(c, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
	check_counter(c, C_VRAM_PAGES, c->size / PAGE, "MIGRATE again");
	check_gpu_sum(c, "in VRAM");
}

static int run_migrate_host(struct ctx *c)
{
	return migrate(c->fd, c->buf, c->size, false, &c->result);
}

static void check_migrate_host(struct ctx *c, int err)
{
	check_result(c, err, c->size / PAGE);
	check_gpu_sum(c, "after the MIGRATE");
	check_retry(c, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, 0);
	check_counter(c, C_VRAM_PAGES, 0, "MIGRATE to host again");
	check_cpu_sum(c, "back in system memory");
}

static int run_prefetch_vram(struct ctx *c)
{
	return bind(c->fd, c->buf, c->size, NOUVEAU_SVM_BIND_COMMAND__PREFETCH,
		    NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &c->result);
}

static void check_prefetch_vram(struct ctx *c, int err)
{
	check_result(c, err, c->size / PAGE);
	check_gpu_sum(c, "after the PREFETCH");
	check_retry(c, NOUVEAU_SVM_BIND_COMMAND__PREFETCH, NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
	check_counter(c, C_VRAM_PAGES, c->size / PAGE, "PREFETCH again");
	check_counter(c, C_GPU_PAGES, c->size / PAGE, "PREFETCH again");
	check_cpu_sum(c, "after the PREFETCH");
}

/* PREFETCH to system memory: the fault path's allocations, in the ioctl. */
static int run_prefetch_host(struct ctx *c)
{
	return bind(c->fd, c->buf, c->size, NOUVEAU_SVM_BIND_COMMAND__PREFETCH, 0, &c->result);
}

static void check_prefetch_host(struct ctx *c, int err)
{
	check_result(c, err, c->size / PAGE);
	check_gpu_sum(c, "after the PREFETCH");
	check_retry(c, NOUVEAU_SVM_BIND_COMMAND__PREFETCH, 0);
	check_counter(c, C_GPU_PAGES, c->size / PAGE, "PREFETCH again");
	check_cpu_sum(c, "after the PREFETCH");
}

/* ADVISE_ATOMIC: device-exclusive over pages 4..7 of a buffer that refuses. */
static int setup_advise(struct ctx *c)
{
	int err;

	if (setup_buf(c))
		return -1;
	err = advise(c->fd, c->buf, c->size, NOUVEAU_SVM_ATOMIC__REFUSE);
	if (err)
		failf(c, "setup: ADVISE_ATOMIC REFUSE: %s", strerror(err));
	return err ? -1 : 0;
}

static int run_advise(struct ctx *c)
{
	return advise(c->fd, c->buf + 4 * PAGE / 8, 4 * PAGE,
		      NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE);
}

/* A GPU atomic add of 0 at word @w: the status, and the old value checked. */
static int atomic_at(struct ctx *c, size_t w)
{
	struct drm_nvsim_cmd cmd = { .op = DRM_NVSIM_OP_ATOMIC_ADD,
				     .addr = (uintptr_t)&c->buf[w], .size = 8 };
	int status, err = gpu(c->fd, &cmd, &status);

	if (err)
		return -err;
	if (!status && cmd.result != c->val + w)
		failf(c, "LOST DATA: a GPU atomic at word %zu read %#" PRIx64 ", it holds %#"
		      PRIx64, w, (uint64_t)cmd.result, c->val + w);
	return status;
}

static void check_advise(struct ctx *c, int err)
{
	int again = err ? run_advise(c) : 0, in, out;

	if (again) {
		failf(c, "ADVISE_ATOMIC again without injection: %s", strerror(again));
		return;
	}
	in = atomic_at(c, 5 * PAGE / 8 + 3);
	out = atomic_at(c, 3);
	if (in || out != -EFAULT)
		failf(c, "after ADVISE_ATOMIC a GPU atomic where advised ended %d (want 0), one "
		      "where refused %d (want -EFAULT)", in, out);
	check_cpu_sum(c, "after the atomics");
}

/* EXEC, synchronous: READ, WRITE, ATOMIC_ADD. */
static int run_exec(struct ctx *c)
{
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)&c->cmd, .count = 1 };
	int err = err_of(ioctl(c->fd, DRM_IOCTL_NVSIM_EXEC, &ex));

	c->seqno = err ? 0 : (uint64_t)ex.status;	/* the job's status */
	return err;
}

static void check_job(struct ctx *c, int err)
{
	if (!err && c->seqno)
		failf(c, "EXEC succeeded, its job ended with status %d", (int)c->seqno);
}

static int setup_exec_read(struct ctx *c)
{
	if (setup_buf(c))
		return -1;
	c->cmd = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)c->buf,
					 .size = c->size };
	return 0;
}

static void check_exec_read(struct ctx *c, int err)
{
	check_job(c, err);
	if (!err && c->cmd.result != c->sum)
		failf(c, "EXEC READ: checksum %#" PRIx64 " instead of %#" PRIx64,
		      (uint64_t)c->cmd.result, c->sum);
	check_gpu_sum(c, "again");
	check_cpu_sum(c, "after the READ");
}

static int setup_exec_write(struct ctx *c)
{
	if (setup_buf(c))
		return -1;
	c->cmd = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)c->buf,
					 .size = c->size, .value = c->val ^ 0xa5a5000000ull };
	return 0;
}

static void check_exec_write(struct ctx *c, int err)
{
	uint64_t old = c->val, new = c->cmd.value;
	size_t n_old = 0, n_new = 0;
	int status;

	for (size_t i = 0; i < c->words; i++) {
		n_old += c->buf[i] == old + i;
		n_new += c->buf[i] == new + i;
	}
	check_job(c, err);
	/* All or nothing: the job runs whole or not at all. */
	if ((!err && n_new != c->words) || (n_old != c->words && n_new != c->words))
		failf(c, "LOST DATA: after EXEC WRITE (%s) %zu words are old, %zu new, of %zu",
		      err ? strerror(err) : "ok", n_old, n_new, c->words);
	if (gpu(c->fd, &c->cmd, &status) || status)
		failf(c, "EXEC WRITE again without injection: %s, status %d", strerror(errno),
		      status);
	c->val = new;
	c->sum = svm_checksum_words(c->buf, c->words);
	check_gpu_sum(c, "after the WRITE");
}

static int setup_exec_atomic(struct ctx *c)
{
	if (setup_buf(c))
		return -1;
	c->cmd = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD,
					 .addr = (uintptr_t)&c->buf[3], .size = 8, .value = 1 };
	return 0;
}

static void check_exec_atomic(struct ctx *c, int err)
{
	uint64_t v0 = c->val + 3, v = c->buf[3];
	int status;

	check_job(c, err);
	if ((!err && (v != v0 + 1 || c->cmd.result != v0)) || (v != v0 && v != v0 + 1))
		failf(c, "LOST DATA: after EXEC ATOMIC_ADD (%s) the word is %#" PRIx64 ", was %#"
		      PRIx64 ", the job read %#" PRIx64, err ? strerror(err) : "ok", v, v0,
		      (uint64_t)c->cmd.result);
	if (gpu(c->fd, &c->cmd, &status) || status || c->cmd.result != v || c->buf[3] != v + 1)
		failf(c, "EXEC ATOMIC_ADD again without injection: %s, status %d, read %#" PRIx64
		      " of %#" PRIx64 ", now %#" PRIx64, strerror(errno), status,
		      (uint64_t)c->cmd.result, v, c->buf[3]);
	c->buf[3] = c->val + 3;
	check_gpu_sum(c, "after the atomics");
}

/* WAIT for an asynchronous READ. */
static int setup_wait(struct ctx *c)
{
	struct drm_nvsim_exec ex = { .flags = DRM_NVSIM_EXEC_ASYNC, .count = 1 };

	if (setup_exec_read(c))
		return -1;
	ex.cmds = (uintptr_t)&c->cmd;
	if (ioctl(c->fd, DRM_IOCTL_NVSIM_EXEC, &ex)) {
		failf(c, "setup: EXEC ASYNC: %s", strerror(errno));
		return -1;
	}
	c->seqno = ex.seqno;
	return 0;
}

static int run_wait(struct ctx *c)
{
	struct drm_nvsim_wait w = { .seqno = c->seqno, .timeout_ns = WAIT_NS };
	int err = err_of(ioctl(c->fd, DRM_IOCTL_NVSIM_WAIT, &w));

	c->result = err ? 0 : (uint64_t)w.status;
	return err;
}

static void check_wait(struct ctx *c, int err)
{
	int again = err ? run_wait(c) : 0;

	/* A failed copy of the results still collects the job. */
	if (again && !(err == EFAULT && again == ENOENT))
		failf(c, "WAIT again without injection: %s", strerror(again));
	if (!err && (c->result || c->cmd.result != c->sum))
		failf(c, "WAIT: status %d, checksum %#" PRIx64 " instead of %#" PRIx64,
		      (int)c->result, (uint64_t)c->cmd.result, c->sum);
	check_gpu_sum(c, "after the WAIT");
}

/* COUNTERS and fdinfo of a client whose buffer the GPU read. */
static int setup_read(struct ctx *c)
{
	if (setup_buf(c))
		return -1;
	check_gpu_sum(c, "in setup");
	snprintf(c->path, sizeof(c->path), "/proc/self/fdinfo/%d", c->fd);
	memset(c->text, 0, sizeof(c->text));
	memset(c->vals, 0, sizeof(c->vals));
	return 0;
}

static int run_counters(struct ctx *c)
{
	return counters(c->fd, c->vals);
}

static void check_counters(struct ctx *c, int err)
{
	check_counter(c, C_GPU_PAGES, BUF_PAGES, "COUNTERS again");
	if (!err && (!c->vals[C_FAULTS] || c->vals[C_GPU_PAGES] != BUF_PAGES))
		failf(c, "COUNTERS: faults %" PRIu64 ", gpu-pages %" PRIu64, c->vals[C_FAULTS],
		      c->vals[C_GPU_PAGES]);
}

static int run_fdinfo(struct ctx *c)
{
	int fd = open(c->path, O_RDONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = read(fd, c->text, sizeof(c->text) - 1);
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

static void check_fdinfo(struct ctx *c, int err)
{
	char want[64];

	snprintf(want, sizeof(want), "nouveau-svm-gpu-pages:\t%llu\n", BUF_PAGES);
	if (!err && !strstr(c->text, want))
		failf(c, "fdinfo read without error lacks \"%.*s\"", (int)strlen(want) - 1, want);
	memset(c->text, 0, sizeof(c->text));
	if (run_fdinfo(c) || !strstr(c->text, want))
		failf(c, "fdinfo again without injection: %s, no \"%.*s\"", strerror(errno),
		      (int)strlen(want) - 1, want);
}

/* close() of a file with memory in VRAM and mapped on the GPU. */
static int setup_close(struct ctx *c)
{
	if (setup_pieces_vram(c))
		return -1;
	check_gpu_sum(c, "in setup");
	return 0;
}

static int run_close(struct ctx *c)
{
	int err = err_of(close(c->fd));

	c->fd = -1;
	return err;
}

static void check_close(struct ctx *c, int err)
{
	(void)err;
	check_cpu_sum(c, "after close");
}

/* No copy engine fails here: -EIO would be a failed allocation misnamed. */
#define MIGRATE_ERRNOS	(A(ENOMEM) | A(EFAULT) | A(EBUSY))

static const struct op nth_ops[] = {
	{ "open", A(ENOMEM) | A(EFAULT), setup_open, run_open, check_open },
	{ "svm-init", A(ENOMEM) | A(EFAULT), setup_init, run_init, check_init },
	{ "migrate-vram", MIGRATE_ERRNOS, setup_pieces, run_migrate_vram, check_migrate_vram },
	{ "migrate-vram-thp", MIGRATE_ERRNOS, setup_thp, run_migrate_vram, check_migrate_vram },
	{ "migrate-host", MIGRATE_ERRNOS, setup_pieces_vram, run_migrate_host,
	  check_migrate_host },
	{ "migrate-host-thp", MIGRATE_ERRNOS, setup_thp_vram, run_migrate_host,
	  check_migrate_host },
	{ "prefetch-vram", MIGRATE_ERRNOS, setup_pieces, run_prefetch_vram, check_prefetch_vram },
	{ "prefetch-host", MIGRATE_ERRNOS, setup_pieces, run_prefetch_host, check_prefetch_host },
	{ "advise-atomic", A(ENOMEM) | A(EFAULT), setup_advise, run_advise, check_advise },
	{ "exec-read", A(ENOMEM) | A(EFAULT), setup_exec_read, run_exec, check_exec_read },
	{ "exec-write", A(ENOMEM) | A(EFAULT), setup_exec_write, run_exec, check_exec_write },
	{ "exec-atomic", A(ENOMEM) | A(EFAULT), setup_exec_atomic, run_exec, check_exec_atomic },
	{ "wait", A(EFAULT), setup_wait, run_wait, check_wait },
	{ "counters", A(EFAULT), setup_read, run_counters, check_counters },
	{ "fdinfo", A(ENOMEM) | A(EFAULT), setup_read, run_fdinfo, check_fdinfo },
	{ "close-vram", 0, setup_close, run_close, check_close },
};
#define NNTH	(sizeof(nth_ops) / sizeof(nth_ops[0]))

static void ctx_init(struct ctx *c, const char *op, unsigned int n)
{
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->n = n;
	c->fd = c->fd2 = c->fd_b = -1;
}

static bool over_budget(void)
{
	return now_ms() - G.t0 > G.seconds * 1000ull;
}

static void count_answer(const struct op *op, struct ctx *c, struct tally *t, int err)
{
	t->answers[err_col(err)]++;
	if (!((A(OK) | op->allowed) & MASK(err)) || err_col(err) == COL_OTHER)
		failf(c, "%s answered %d (%s), not an errno the uAPI documents for it", op->name,
		      err, strerror(err));
}

/* N = 1, 2, ... until the operation runs clean. */
static void run_nth(const struct op *op, struct tally *t)
{
	struct ctx c;
	unsigned int n;
	bool injected;
	int err;

	for (n = 1; n <= G.cap; n++) {
		ctx_init(&c, op->name, n);
		if (op->setup(&c)) {
			failf(&c, "cannot set up: %s", strerror(errno));
			teardown(&c);
			return;
		}
		nth_arm(n);
		err = op->run(&c);
		injected = nth_disarm();
		t->runs++;
		count_answer(op, &c, t, err);
		if (injected) {
			t->injected++;
			t->absorbed += !err;
		} else if (err) {
			failf(&c, "%s failed with %s, yet no injection took", op->name,
			      strerror(err));
		}
		op->check(&c, err);
		teardown(&c);
		if (!injected)
			break;
		if (over_budget()) {
			t->cut = true;
			break;
		}
	}
	t->sites = n - 1;
	t->capped = n > G.cap;
}

/* ---- part two: the simulated GPU's injection ---------------------- */

/* Fault-ring overflow: the next @n faults are dropped under a READ job. */
static void sim_overflow(struct ctx *c, struct tally *t)
{
	struct drm_nvsim_cmd cmd = { .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)c->buf,
				     .size = c->size };
	int status, err;

	sim_inject(DRM_NVSIM_INJECT_FAULT_OVERFLOW, c->n);
	err = gpu(c->fd, &cmd, &status);
	svm_sim_disarm(G.probe_fd);
	t->answers[err_col(err ? err : -status)]++;
	/* -EIO: 256 tries of a wave without progress. */
	if (err || (status && status != -EIO) || (!status && cmd.result != c->sum))
		failf(c, "EXEC READ with %u faults dropped: %s, status %d, checksum %#" PRIx64
		      " instead of %#" PRIx64, c->n, strerror(err), status,
		      (uint64_t)cmd.result, c->sum);
	t->absorbed += !status;
	check_gpu_sum(c, "after the overflow");
	check_cpu_sum(c, "after the overflow");
}

static uint64_t counter_now(struct ctx *c, unsigned int which)
{
	if (counters(c->fd, c->vals))
		failf(c, "COUNTERS: %s", strerror(errno));
	return c->vals[which];
}

/* The next @n copies (or VRAM allocations) fail under an SVM_BIND. */
static void sim_bind(struct ctx *c, struct tally *t, uint32_t what, uint64_t cmd,
		     uint64_t target)
{
	uint64_t f0 = counter_now(c, C_COPY_FAILURES);
	int err;

	sim_inject(what, c->n);
	err = bind(c->fd, c->buf, c->size, cmd, target, &c->result);
	svm_sim_disarm(G.probe_fd);
	t->answers[err_col(err)]++;
	if (!((A(OK) | A(ENOMEM) | A(EIO) | A(EBUSY)) & MASK(err)))
		failf(c, "SVM_BIND %" PRIu64 "/%" PRIu64 " answered %s", cmd, target,
		      strerror(err));
	check_result(c, err, c->size / PAGE);
	t->absorbed += !err && c->result == c->size / PAGE;
	c->consumed = counter_now(c, C_COPY_FAILURES) - f0;
	check_gpu_sum(c, "after the injection");
	check_retry(c, cmd, target);
	check_gpu_sum(c, "after SVM_BIND again");
	check_cpu_sum(c, "after SVM_BIND again");
}

static void sim_copy_vram(struct ctx *c, struct tally *t)
{
	sim_bind(c, t, DRM_NVSIM_INJECT_COPY_FAIL, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		 NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
}

static void sim_copy_host(struct ctx *c, struct tally *t)
{
	sim_bind(c, t, DRM_NVSIM_INJECT_COPY_FAIL, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, 0);
}

static void sim_copy_prefetch(struct ctx *c, struct tally *t)
{
	sim_bind(c, t, DRM_NVSIM_INJECT_COPY_FAIL, NOUVEAU_SVM_BIND_COMMAND__PREFETCH,
		 NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
}

static void sim_alloc_vram(struct ctx *c, struct tally *t)
{
	sim_bind(c, t, DRM_NVSIM_INJECT_ALLOC_FAIL, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		 NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
}

static void sim_alloc_prefetch(struct ctx *c, struct tally *t)
{
	sim_bind(c, t, DRM_NVSIM_INJECT_ALLOC_FAIL, NOUVEAU_SVM_BIND_COMMAND__PREFETCH,
		 NOUVEAU_SVM_BIND_TARGET__GPU_VRAM);
}

/* The file closes with its memory in VRAM and the copies back failing. */
static void sim_copy_close(struct ctx *c, struct tally *t)
{
	int err;

	sim_inject(DRM_NVSIM_INJECT_COPY_FAIL, c->n);
	err = err_of(close(c->fd));
	c->fd = -1;
	svm_sim_disarm(G.probe_fd);
	t->answers[err_col(err)]++;
	if (err)
		failf(c, "close: %s", strerror(err));
	check_cpu_sum(c, "after close (pages left in VRAM come back)");
}

/* A GPU atomic with the migrate policy, VRAM allocations failing. */
static void sim_alloc_atomic(struct ctx *c, struct tally *t)
{
	int err = advise(c->fd, c->buf, c->size, NOUVEAU_SVM_ATOMIC__MIGRATE), status;

	if (err) {
		failf(c, "ADVISE_ATOMIC MIGRATE: %s", strerror(err));
		return;
	}
	sim_inject(DRM_NVSIM_INJECT_ALLOC_FAIL, c->n);
	status = atomic_at(c, 7);
	svm_sim_disarm(G.probe_fd);
	t->answers[err_col(-status)]++;
	t->absorbed += !status;
	if (status)
		failf(c, "a GPU atomic with the migrate policy and VRAM allocations failing "
		      "ended %d (it must be served from system memory)", status);
	check_gpu_sum(c, "after the atomic");
	check_cpu_sum(c, "after the atomic");
}

/*
 * VRAM full of a second client's memory; copies fail while this client's
 * MIGRATE evicts it.  Both clients' data must be intact.
 */
static int setup_full(struct ctx *c)
{
	uint64_t res = 0;
	int err;

	if (setup_buf(c))
		return -1;
	c->fd_b = client_open();
	c->size_b = G.fb_size;
	c->buf_b = buf_map(c->size_b, 2 << 20, 0, 0x7000000000ull * ++G.value, &c->map_b,
			   &c->map_len_b);
	if (c->fd_b < 0 || !c->buf_b)
		return -1;
	c->sum_b = svm_checksum_words(c->buf_b, c->size_b / 8);
	err = migrate(c->fd_b, c->buf_b, c->size_b, true, &res);
	if (err || res != c->size_b / PAGE) {
		failf(c, "setup: filling VRAM: %s, %" PRIu64 " of %zu pages", strerror(err), res,
		      c->size_b / PAGE);
		return -1;
	}
	return 0;
}

static void sim_copy_evict(struct ctx *c, struct tally *t)
{
	uint64_t res = 0;
	int err;

	sim_inject(DRM_NVSIM_INJECT_COPY_FAIL, c->n);
	err = migrate(c->fd, c->buf, c->size, true, &res);
	svm_sim_disarm(G.probe_fd);
	t->answers[err_col(err)]++;
	t->absorbed += !err;
	c->result = res;
	if (!((A(OK) | A(ENOMEM) | A(EIO) | A(EBUSY)) & MASK(err)))
		failf(c, "MIGRATE into full VRAM, evictions failing: %s", strerror(err));
	check_result(c, err, c->size / PAGE);
	check_gpu_sum(c, "after the MIGRATE");
	if (svm_checksum_words(c->buf_b, c->size_b / 8) != c->sum_b)
		failf(c, "LOST DATA: the evicted client's buffer changed");
	check_cpu_sum(c, "after the MIGRATE");
}

struct sim_op {
	const char *name;
	int (*setup)(struct ctx *c);
	void (*run)(struct ctx *c, struct tally *t);
	unsigned int counts[12];	/* the injection counts, 0-ended */
	bool until_unused;		/* stop once the copies did not use them up */
};

static const struct sim_op sim_ops[] = {
	{ "sim-fault-overflow", setup_buf, sim_overflow,
	  { 1, 2, 15, 16, 17, 64, 1024, 8192 }, false },
	{ "sim-copy-fail-vram", setup_pieces, sim_copy_vram, { 1, 2, 3, 4, 5, 6 }, true },
	{ "sim-copy-fail-host", setup_pieces_vram, sim_copy_host, { 1, 2, 3, 4, 5, 6 }, true },
	{ "sim-copy-fail-prefetch", setup_pieces, sim_copy_prefetch, { 1, 2, 3, 4 }, true },
	{ "sim-alloc-fail-vram", setup_pieces, sim_alloc_vram, { 1, 2, 3, 4 }, false },
	{ "sim-alloc-fail-prefetch", setup_pieces, sim_alloc_prefetch, { 1, 2, 3, 4 }, false },
	{ "sim-alloc-fail-atomic", setup_buf, sim_alloc_atomic, { 1, 2, 64 }, false },
	{ "sim-copy-fail-close", setup_pieces_vram, sim_copy_close,
	  { 1, 2, 3, 4, 5, 6, 7 }, false },
	{ "sim-copy-fail-evict", setup_full, sim_copy_evict, { 1, 2, 4, 8, 9, 16 }, false },
};
#define NSIM	(sizeof(sim_ops) / sizeof(sim_ops[0]))

static void run_sim(const struct sim_op *op, struct tally *t)
{
	struct ctx c;

	for (unsigned int i = 0; i < 12 && op->counts[i]; i++) {
		ctx_init(&c, op->name, op->counts[i]);
		if (op->setup(&c)) {
			failf(&c, "cannot set up: %s", strerror(errno));
			teardown(&c);
			return;
		}
		op->run(&c, t);
		t->runs++;
		t->injected++;
		teardown(&c);
		if (op->until_unused && c.consumed < c.n)
			break;
		if (over_budget()) {
			t->cut = true;
			break;
		}
	}
}

/* ---- the end ------------------------------------------------------ */

static void print_row(const char *name, const struct tally *t, bool nth)
{
	char sites[16] = "-";

	if (nth)
		snprintf(sites, sizeof(sites), "%u%s", t->sites, t->capped ? "+" : "");
	printf("  %-24s %6s %8u %8u", name, sites, t->injected, t->absorbed);
	for (unsigned int e = 0; e < NCOL; e++)
		printf(" %6" PRIu64, t->answers[e]);
	printf("%s\n", t->cut ? "  (cut short by the time budget)" : "");
}

static void print_header(const char *what)
{
	printf("inject: %s\n  %-24s %6s %8s %8s", what, "operation", "sites", "injected",
	       "absorbed");
	for (unsigned int e = 0; e < NCOL; e++)
		printf(" %6s", col_name[e]);
	printf("\n");
}

static void usage(void)
{
	fprintf(stderr, "usage: svm-inject [--cap N] [--seconds N] [--only NAME]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	G.cap = 600;
	G.seconds = 90;
	for (int i = 1; i < argc; i += 2) {
		uint64_t v;

		if (i + 1 < argc && !strcmp(argv[i], "--only")) {
			G.only = argv[i + 1];
			continue;
		}
		if (!svm_opt_number(argc, argv, i, &v))
			usage();
		if (!strcmp(argv[i], "--cap"))
			G.cap = v;
		else if (!strcmp(argv[i], "--seconds"))
			G.seconds = v;
		else
			usage();
	}
}

static bool selected(const char *name)
{
	return !G.only || !strncmp(name, G.only, strlen(G.only));
}

static int setup(void)
{
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_FB_SIZE };
	char link[64];
	ssize_t n;

	G.probe_fd = svm_open_sim();
	if (G.probe_fd < 0 || ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp))
		return -1;
	G.fb_size = gp.value;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", G.probe_fd);
	n = readlink(link, G.node, sizeof(G.node) - 1);
	if (n <= 0)
		return -1;
	G.node[n] = 0;
	svm_sim_disarm(G.probe_fd);
	G.vram_used0 = vram_used();
	return G.fb_size ? faults_setup() : -1;
}

int main(int argc, char **argv)
{
	static struct tally nth[NNTH], sim[NSIM];
	unsigned int sites = 0, injections = 0, ops = 0;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setup()) {
		printf("inject: 0 operations, 0 injections: FAIL (cannot set up: a simulated GPU "
		       "with VRAM, debugfs and fail-nth are needed)\n");
		return 1;
	}
	printf("inject: %s, VRAM %" PRIu64 " MiB (%" PRIu64 " bytes used), cap %u points per "
	       "operation, budget %u s\n", G.node, G.fb_size >> 20, G.vram_used0, G.cap,
	       G.seconds);
	G.t0 = now_ms();
	for (unsigned int i = 0; i < NNTH; i++) {
		if (!selected(nth_ops[i].name))
			continue;
		run_nth(&nth_ops[i], &nth[i]);
		sites += nth[i].sites;
		injections += nth[i].injected;
		ops++;
		printf("inject: %s: %u points, %" PRIu64 " s\n", nth_ops[i].name, nth[i].sites,
		       (now_ms() - G.t0) / 1000);
	}
	for (unsigned int i = 0; i < NSIM; i++) {
		if (!selected(sim_ops[i].name))
			continue;
		run_sim(&sim_ops[i], &sim[i]);
		injections += sim[i].injected;
		ops++;
	}
	svm_sim_disarm(G.probe_fd);
	faults_restore();

	print_header("fail-nth per operation: injection points reached (sites), runs where "
		     "the point failed (injected), of those the ones that still succeeded "
		     "(absorbed), and the answers");
	for (unsigned int i = 0; i < NNTH; i++)
		if (selected(nth_ops[i].name))
			print_row(nth_ops[i].name, &nth[i], true);
	print_header("the simulated GPU's injection: runs, runs that succeeded whole "
		     "(absorbed), answers (of the job's status for the overflow)");
	for (unsigned int i = 0; i < NSIM; i++)
		if (selected(sim_ops[i].name))
			print_row(sim_ops[i].name, &sim[i], false);
	if (G.failures) {
		printf("inject: %u operations, %u injection points, %u injections, %" PRIu64
		       " s: FAIL (%u problems, see above)\n", ops, sites, injections,
		       (now_ms() - G.t0) / 1000, G.failures);
		return 1;
	}
	printf("inject: %u operations, %u injection points, %u injections, %" PRIu64 " s: ok\n",
	       ops, sites, injections, (now_ms() - G.t0) / 1000);
	return 0;
}
