// SPDX-License-Identifier: MIT
/*
 * svm-stress - race stress for nouveau SVM on the simulated GPU.
 *
 * Round after round, GPU work (asynchronous EXEC jobs that read, write and
 * atomically add) and SVM_BIND (MIGRATE to VRAM and to the host, PREFETCH,
 * ADVISE_ATOMIC) run on two buffers while a CPU thread reads, rewrites and
 * atomically adds to one of them, and the main thread does one of these to
 * the other at a random moment:
 *
 *   munmap            the buffer goes away (half the time from VRAM)
 *   mremap            it moves elsewhere, with its data
 *   mprotect          it becomes read-only or PROT_NONE, then read-write
 *   madvise-dontneed  part of it is dropped (it reads back as zeroes)
 *   fork              a child checks both buffers, overwrites its copies,
 *                     checks that the parent's GPU writes never show in
 *                     them, and exits
 *   exec              a child execs /bin/true, half the time with a file
 *                     of its own, SVM_INIT, VRAM and a job in flight
 *   exit-with-vram    a child reads the buffers, sets up its own file,
 *                     moves memory to VRAM, submits jobs and exits
 *   ftruncate         the buffer is a MAP_SHARED file mapping the GPU is
 *                     reading, and the file is cut to half its size
 *   vram-taken        another user of the VRAM (DRM_NVSIM_INJECT_VRAM_TAKE)
 *                     takes all of it for a moment: SVM's pages are evicted
 *                     under the jobs, migrations and CPU accesses
 *
 * The first buffer (K) is never unmapped: every write to it, the GPU's or
 * the CPU's, writes the value it holds already (word i of K is always
 * kval + i), except its last word, a counter both add to.  So every read of
 * K, by the CPU at any time or by a GPU job that must succeed, has exactly
 * one right answer, whatever moved where meanwhile, and the counter must
 * end at the sum of every add.  The second buffer (V) is checked as far as
 * the race allows: after mremap, mprotect and fork its data must be intact,
 * after madvise each word is intact or zero, after ftruncate the first half
 * is intact; a job on it may be cancelled (-EFAULT) only where the race
 * took the memory away.
 *
 * At the end, with the buffers gone, the client's fdinfo counters
 * nouveau-svm-gpu-pages and nouveau-svm-vram-pages (and the COUNTERS
 * ioctl) must come back to zero, and once the file is closed the device's
 * VRAM_USED to what it was before.
 *
 * The buffers live in an arena at a fixed address, away from where the
 * kernel places mappings, so that nothing else is ever mapped where a job
 * still points after an munmap or mremap.
 *
 * Usage: svm-stress [--seed N] [--seconds N] [--rounds N]
 *   --seconds  how long to run (default 20); --rounds: stop after N rounds
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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
#define SLOT		(16ull << 20)
#define NSLOTS		4
#define SLOT_K		0
#define SLOT_V		1
#define SLOT_MOVED	2	/* where mremap puts V */
#define ARENA_SIZE	(NSLOTS * SLOT)
#define MAX_SIZE	(2ull << 20)
#define CHILD_SIZE	(2ull << 20)
#define WAIT_NS		20000000000ll	/* one WAIT; a job gets three */

enum race {
	R_MUNMAP, R_MREMAP, R_MPROTECT, R_DONTNEED, R_FORK, R_EXEC, R_EXIT, R_TRUNCATE,
	R_VRAM_TAKE, NRACE
};

static const char *const race_name[NRACE] = {
	"munmap", "mremap", "mprotect", "madvise-dontneed", "fork", "exec",
	"exit-with-vram", "ftruncate", "vram-taken",
};

/* What a race leaves of V for the checks. */
enum v_fate {
	V_INTACT,	/* V's data must be intact; jobs on it must succeed */
	V_TAKEN,	/* jobs on V may be cancelled; what they read is intact */
	V_ZEROED,	/* words intact or zero; jobs must succeed */
	V_MIXED,	/* words kval or kval2 (fork); jobs must succeed */
};

struct round {
	unsigned int no;
	enum race kind;
	enum v_fate fate;
	struct rng rng;
	volatile uint64_t *k;
	uint64_t kwords, kval;		/* K[i] == kval + i, but the counter */
	uint64_t counter0;		/* the counter's first value */
	volatile uint64_t *v;
	uint64_t vwords, vval, vval2;	/* V[i] == vval + i (or vval2 + i) */
	uint64_t vwrite;		/* what GPU writes to V write */
	int memfd;			/* V's file, ftruncate round */
	atomic_bool stop;
	atomic_uint_fast64_t gpu_adds, cpu_adds;
};

static struct {
	uint64_t seed, seconds, max_rounds;
	int fd, probe_fd;
	uint64_t arena, fb_size, vram_used0;
	atomic_uint failures;
	atomic_uint_fast64_t jobs, jobs_cancelled, binds;
	uint64_t races[NRACE];
	uint64_t bind_answers[2][8];	/* [on V][bind_errno index] */
	uint64_t v_answers[NRACE][8];	/* SVM_BIND on V, per race */
	unsigned int notes;
} G;

static const int bind_errno[8] = { 0, EFAULT, EOPNOTSUPP, ENOMEM, EIO, EBUSY, EINVAL, -1 };

static void failf(const struct round *rd, const char *fmt, ...)
{
	unsigned int n = atomic_fetch_add(&G.failures, 1);
	va_list ap;

	if (n >= 30)
		return;
	if (rd)
		fprintf(stderr, "stress: FAIL (seed %" PRIu64 ", round %u, %s): ", G.seed, rd->no,
			race_name[rd->kind]);
	else
		fprintf(stderr, "stress: FAIL (seed %" PRIu64 "): ", G.seed);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

static uint64_t slot_addr(unsigned int slot)
{
	return G.arena + slot * SLOT;
}

/* Put the arena's slot back to PROT_NONE: whatever was there is gone. */
static void slot_reserve(unsigned int slot)
{
	mmap((void *)(uintptr_t)slot_addr(slot), SLOT, PROT_NONE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

static int bind(uint64_t start, uint64_t size, uint64_t cmd, uint64_t target, uint64_t *result)
{
	return -svm_plain_bind(G.fd, cmd, target, start, size, result);
}

/* ---- the round's threads ------------------------------------------ */

struct job {
	struct drm_nvsim_cmd cmds[SVM_COUNTER_JOB_MAX];
	uint32_t n;
	bool on_v;
	uint64_t seqno;
	uint64_t expect[SVM_COUNTER_JOB_MAX];	/* READ checksums; adds for ATOMIC_ADD */
};

static void job_k(struct round *rd, struct job *j)
{
	j->on_v = false;
	j->n = svm_counter_job(&rd->rng, rd->k, rd->kwords, rd->kval, j->cmds, j->expect);
}

static void job_v(struct round *rd, struct job *j)
{
	struct rng *r = &rd->rng;

	j->on_v = true;
	j->n = 1 + below(r, 2);
	for (uint32_t i = 0; i < j->n; i++) {
		uint64_t first = below(r, rd->vwords), n = 1 + below(r, rd->vwords - first);
		struct drm_nvsim_cmd *c = &j->cmds[i];

		*c = (struct drm_nvsim_cmd){ .addr = (uintptr_t)(rd->v + first), .size = n * 8 };
		switch (below(r, rd->kind == R_TRUNCATE ? 2 : 3)) {
		case 0:
			c->op = DRM_NVSIM_OP_READ;
			j->expect[i] = svm_pattern_checksum(rd->vval, first, n);
			break;
		case 1:
			c->op = DRM_NVSIM_OP_WRITE;
			c->value = rd->vwrite + first;
			break;
		default:
			/* Adding 0 leaves the data as it is. */
			c->op = DRM_NVSIM_OP_ATOMIC_ADD;
			c->size = 8;
			break;
		}
	}
}

static int job_wait(uint64_t seqno, int *status)
{
	struct drm_nvsim_wait w = { .seqno = seqno, .timeout_ns = WAIT_NS };

	for (int tries = 0; tries < 3; tries++) {
		if (!ioctl(G.fd, DRM_IOCTL_NVSIM_WAIT, &w)) {
			*status = w.status;
			return 0;
		}
		if (errno != ETIME && errno != EINTR)
			return errno;
	}
	return ETIME;
}

static void job_check(struct round *rd, struct job *j, int status)
{
	bool may_cancel = j->on_v && (rd->fate == V_TAKEN);
	const char *buf = j->on_v ? "V" : "K";

	atomic_fetch_add(&G.jobs, 1);
	if (status == -EFAULT && may_cancel) {
		atomic_fetch_add(&G.jobs_cancelled, 1);
		return;
	}
	if (status) {
		failf(rd, "a job on %s (op %u at %#" PRIx64 " size %#" PRIx64 ") ended with status "
		      "%d; only 0%s may end it", buf, j->cmds[0].op, (uint64_t)j->cmds[0].addr,
		      (uint64_t)j->cmds[0].size, status, may_cancel ? " or -EFAULT" : "");
		return;
	}
	for (uint32_t i = 0; i < j->n; i++) {
		const struct drm_nvsim_cmd *c = &j->cmds[i];

		if (c->op == DRM_NVSIM_OP_ATOMIC_ADD && !j->on_v)
			atomic_fetch_add(&rd->gpu_adds, 1);
		if (c->op != DRM_NVSIM_OP_READ)
			continue;
		/* Where V may hold zeroes or the fork's values, reads vary. */
		if (j->on_v && (rd->fate == V_ZEROED || rd->fate == V_MIXED))
			continue;
		if (c->result != j->expect[i])
			failf(rd, "LOST DATA: GPU read of %s at %#" PRIx64 " size %#" PRIx64
			      ": checksum %#" PRIx64 ", the data's is %#" PRIx64, buf,
			      (uint64_t)c->addr, (uint64_t)c->size, (uint64_t)c->result,
			      j->expect[i]);
	}
}

/* Jobs on K and V, four at a time in flight, until the round stops. */
static void *gpu_thread(void *arg)
{
	struct round *rd = arg;
	struct job jobs[4];

	while (!atomic_load(&rd->stop)) {
		unsigned int n = 1 + below(&rd->rng, 4), sent = 0;

		for (unsigned int i = 0; i < n; i++) {
			struct job *j = &jobs[sent];
			struct drm_nvsim_exec ex = { .count = 0, .flags = DRM_NVSIM_EXEC_ASYNC };

			if (chance(&rd->rng, 50))
				job_k(rd, j);
			else
				job_v(rd, j);
			ex.cmds = (uintptr_t)j->cmds;
			ex.count = j->n;
			/*
			 * K's jobs may run side by side (their writes store what
			 * is there, their adds are counted): on channels of
			 * their own.  V's keep their order, on channel 0.
			 */
			ex.channel = j->on_v ? 0 : 1 + below(&rd->rng, DRM_NVSIM_CHANNELS - 1);
			if (ioctl(G.fd, DRM_IOCTL_NVSIM_EXEC, &ex)) {
				failf(rd, "EXEC of a valid job: %s", strerror(errno));
				continue;
			}
			j->seqno = ex.seqno;
			sent++;
		}
		for (unsigned int i = 0; i < sent; i++) {
			int status = 0, err = job_wait(jobs[i].seqno, &status);

			if (err)
				failf(rd, "WAIT for job %" PRIu64 " on %s: %s%s", jobs[i].seqno,
				      jobs[i].on_v ? "V" : "K", strerror(err),
				      err == ETIME ? " after 60 s: the job hangs" : "");
			else
				job_check(rd, &jobs[i], status);
		}
	}
	return NULL;
}

/* Migrations, prefetches and atomic advice on K and V. */
static void *bind_thread(void *arg)
{
	struct round *rd = arg;
	struct rng r = { .s = rd->rng.s ^ 0x62696e64ull };

	while (!atomic_load(&rd->stop)) {
		bool on_v = chance(&r, 50);
		uint64_t base = (uintptr_t)(on_v ? rd->v : rd->k);
		uint64_t pages = (on_v ? rd->vwords : rd->kwords) * 8 / PAGE;
		uint64_t first = chance(&r, 50) ? 0 : below(&r, pages);
		uint64_t n = first ? 1 + below(&r, pages - first) : pages, result = 0;
		uint64_t cmd, target = 0;
		unsigned int p = below(&r, 100), a;
		int err;

		if (p < 40) {
			cmd = NOUVEAU_SVM_BIND_COMMAND__MIGRATE;
			target = NOUVEAU_SVM_BIND_TARGET__GPU_VRAM;
		} else if (p < 70) {
			cmd = NOUVEAU_SVM_BIND_COMMAND__MIGRATE;
		} else if (p < 95) {
			cmd = NOUVEAU_SVM_BIND_COMMAND__PREFETCH;
			target = chance(&r, 60) ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0;
		} else {
			cmd = NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC;
			target = chance(&r, 50) ? NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE :
				 NOUVEAU_SVM_ATOMIC__MIGRATE;
		}
		if (target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM && !G.fb_size)
			target = 0;
		err = bind(base + first * PAGE, n * PAGE, cmd, target, &result);
		atomic_fetch_add(&G.binds, 1);
		for (a = 0; a < 7 && bind_errno[a] != err; a++)
			;
		G.bind_answers[on_v][a]++;
		if (on_v)
			G.v_answers[rd->kind][a]++;
		/* The answers that say more than "busy": where they come from. */
		if (((!on_v && err && err != EBUSY && err != ENOMEM) ||
		     (on_v && err == EIO)) && G.notes++ < 12)
			printf("stress: note: round %u (%s): SVM_BIND command %" PRIu64 " target %#"
			       PRIx64 " on %s pages %" PRIu64 "..%" PRIu64 " of %" PRIu64 ": %s\n",
			       rd->no, race_name[rd->kind], cmd, target, on_v ? "V" : "K", first,
			       first + n - 1, pages, strerror(err));
		if (cmd == NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC ? err && err != ENOMEM :
		    a >= 6)
			failf(rd, "SVM_BIND %" PRIu64 "/%#" PRIx64 " of %s %#" PRIx64 "+%" PRIu64
			      " pages: %s, not an errno the uAPI lists", cmd, target,
			      on_v ? "V" : "K", base + first * PAGE, n, strerror(err));
		else if (!err && cmd != NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC &&
			 (!result || result > n))
			failf(rd, "SVM_BIND succeeded with result %" PRIu64 " for %" PRIu64 " pages",
			      result, n);
		usleep(below(&r, 3000));
	}
	return NULL;
}

/* The CPU reads K, writes what it holds back, and adds to its counter. */
static void *cpu_thread(void *arg)
{
	struct round *rd = arg;
	struct rng r = { .s = rd->rng.s ^ 0x637075ull };
	uint64_t last = rd->kwords - 1;

	while (!atomic_load(&rd->stop)) {
		uint64_t first = below(&r, rd->kwords / 512) * 512, end = first + 512;
		bool write = chance(&r, 40);

		if (end > last)
			end = last;
		for (uint64_t i = first; i < end; i++) {
			uint64_t w = rd->k[i];

			if (w != rd->kval + i) {
				failf(rd, "LOST DATA: the CPU reads K[%" PRIu64 "] = %#" PRIx64
				      ", it holds %#" PRIx64, i, w, rd->kval + i);
				break;
			}
			if (write)
				rd->k[i] = rd->kval + i;
		}
		if (chance(&r, 40)) {
			__atomic_fetch_add((uint64_t *)(uintptr_t)&rd->k[last], 1, __ATOMIC_SEQ_CST);
			atomic_fetch_add(&rd->cpu_adds, 1);
		}
		usleep(below(&r, 1000));
	}
	return NULL;
}

/* ---- children ----------------------------------------------------- */

/* A child's own client: SVM_INIT, memory in VRAM, jobs left in flight. */
static int child_client(struct rng *r, bool check)
{
	size_t n = CHILD_SIZE / 8;
	struct drm_nouveau_svm_init in = { 0 };
	struct drm_nvsim_cmd c[2];
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)c, .count = 1 };
	uint64_t *buf, result, val = rnd(r);
	int fd = svm_open_sim();

	buf = mmap(NULL, CHILD_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || buf == MAP_FAILED || ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in))
		return 16;
	for (size_t i = 0; i < n; i++)
		buf[i] = val + i;
	G.fd = fd;	/* the child's own: bind() uses it */
	if (G.fb_size)
		bind((uintptr_t)buf, CHILD_SIZE, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		     NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &result);
	if (check) {
		c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf,
					       .size = CHILD_SIZE };
		if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex) || ex.status ||
		    c[0].result != svm_pattern_checksum(val, 0, n))
			return 32;
	}
	c[0] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)buf,
				       .size = CHILD_SIZE, .value = val };
	c[1] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD, .addr = (uintptr_t)buf,
				       .size = 8, .value = 1 };
	ex.count = 2;
	ex.flags = DRM_NVSIM_EXEC_ASYNC;
	if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex))
		return 64;
	return 0;
}

/* The child's view of K: the parent's data at the fork, all of it. */
static int child_check_k(const struct round *rd)
{
	for (uint64_t i = 0; i + 1 < rd->kwords; i++)
		if (rd->k[i] != rd->kval + i)
			return 1;
	return 0;
}

static void race_fork(struct round *rd)
{
	uint64_t g = 0xc41d000000000000ull ^ rnd(&rd->rng);
	struct drm_nvsim_cmd c = { .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)rd->k, .size = 8 };
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)&c, .count = 1 };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		failf(rd, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		int bad = child_check_k(rd);
		struct timespec ts = { 0, 30000000 };

		for (uint64_t i = 0; i < rd->vwords; i++)
			if (rd->v[i] != rd->vval + i && rd->v[i] != rd->vval2 + i)
				bad |= 2;
		/* An inherited file runs no GPU work. */
		if (!ioctl(G.fd, DRM_IOCTL_NVSIM_EXEC, &ex) || errno != EPERM)
			bad |= 4;
		for (uint64_t i = 0; i < rd->kwords; i++)
			rd->k[i] = g + i;
		for (uint64_t i = 0; i < rd->vwords; i++)
			rd->v[i] = g + i;
		/* The parent's GPU keeps writing its copies meanwhile. */
		nanosleep(&ts, NULL);
		for (uint64_t i = 0; i < rd->kwords; i++)
			if (rd->k[i] != g + i)
				bad |= 8;
		for (uint64_t i = 0; i < rd->vwords; i++)
			if (rd->v[i] != g + i)
				bad |= 8;
		_exit(bad);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		failf(rd, "the child saw wrong data (status %#x: 1 K at the fork, 2 V at the fork, "
		      "4 inherited EXEC not -EPERM, 8 the parent's writes reached the child)",
		      status);
}

static void race_exec(struct round *rd)
{
	bool client = chance(&rd->rng, 50);
	struct rng cr = { .s = rnd(&rd->rng) };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		failf(rd, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		int bad = client ? child_client(&cr, false) : 0;

		if (bad)
			_exit(bad);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		failf(rd, "the child that execs /bin/true%s ended with status %#x",
		      client ? " (with a client of its own)" : "", status);
}

static void race_exit(struct round *rd)
{
	struct rng cr = { .s = rnd(&rd->rng) };
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		failf(rd, "fork: %s", strerror(errno));
		return;
	}
	if (!pid)
		_exit(child_check_k(rd) | child_client(&cr, true));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		failf(rd, "the child that exits with VRAM ended with status %#x (1 K wrong, "
		      "16 no client, 32 its GPU read wrong, 64 its EXEC failed)", status);
}

/* ---- a round ------------------------------------------------------ */

static uint64_t buffer_size(struct rng *r)
{
	static const uint64_t sizes[] = { 64 << 10, 256 << 10, 1 << 20, 2 << 20 };

	return sizes[below(r, 4)];
}

static int round_setup(struct round *rd)
{
	struct rng *r = &rd->rng;
	uint64_t ksize = buffer_size(r), vsize = buffer_size(r), res;
	void *k, *v;

	k = mmap((void *)(uintptr_t)slot_addr(SLOT_K), ksize, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (k != MAP_FAILED && ksize == MAX_SIZE && chance(r, 50))
		madvise(k, ksize, MADV_HUGEPAGE);
	if (rd->kind == R_TRUNCATE) {
		rd->memfd = memfd_create("svm-stress", MFD_CLOEXEC);
		if (rd->memfd < 0 || ftruncate(rd->memfd, vsize))
			return -1;
		v = mmap((void *)(uintptr_t)slot_addr(SLOT_V), vsize, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, rd->memfd, 0);
	} else {
		v = mmap((void *)(uintptr_t)slot_addr(SLOT_V), vsize, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	}
	if (k == MAP_FAILED || v == MAP_FAILED)
		return -1;
	rd->k = k;
	rd->kwords = ksize / 8;
	rd->kval = rnd(r);
	rd->v = v;
	rd->vwords = vsize / 8;
	rd->vval = rnd(r);
	rd->vval2 = rnd(r);
	rd->vwrite = rd->kind == R_FORK ? rd->vval2 : rd->vval;
	for (uint64_t i = 0; i < rd->kwords; i++)
		rd->k[i] = rd->kval + i;
	rd->counter0 = rd->k[rd->kwords - 1];
	for (uint64_t i = 0; i < rd->vwords; i++)
		rd->v[i] = rd->vval + i;
	/* Start from VRAM half the time. */
	if (G.fb_size && chance(r, 50))
		bind((uintptr_t)k, ksize, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		     NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &res);
	if (G.fb_size && rd->kind != R_TRUNCATE && chance(r, 50))
		bind((uintptr_t)v, vsize, NOUVEAU_SVM_BIND_COMMAND__MIGRATE,
		     NOUVEAU_SVM_BIND_TARGET__GPU_VRAM, &res);
	return 0;
}

static void sleep_ms(struct rng *r, unsigned int max)
{
	usleep(1000 * (1 + below(r, max)));
}

/*
 * Another VRAM user takes all of it for a moment, evicting SVM's pages;
 * chunks in the middle of a migration stay (-EBUSY).
 */
static void race_vram_take(struct round *rd)
{
	struct drm_nvsim_inject in = {
		.what = DRM_NVSIM_INJECT_VRAM_TAKE,
		.count = G.fb_size / (2ull << 20),
	};

	if (!G.fb_size)
		return;
	if (ioctl(G.probe_fd, DRM_IOCTL_NVSIM_INJECT, &in) && errno != EBUSY)
		failf(rd, "VRAM_TAKE %u: %s", in.count, strerror(errno));
	sleep_ms(&rd->rng, 20);
	in.count = 0;
	if (ioctl(G.probe_fd, DRM_IOCTL_NVSIM_INJECT, &in))
		failf(rd, "VRAM_TAKE 0: %s", strerror(errno));
}

/* Do the round's race to V; returns where V's data is now (or NULL). */
static volatile uint64_t *race(struct round *rd)
{
	struct rng *r = &rd->rng;
	uint64_t vsize = rd->vwords * 8, off, len;
	void *p;

	switch (rd->kind) {
	case R_MUNMAP:
		munmap((void *)rd->v, vsize);
		return NULL;
	case R_MREMAP:
		p = mremap((void *)rd->v, vsize, vsize, MREMAP_MAYMOVE | MREMAP_FIXED,
			   (void *)(uintptr_t)slot_addr(SLOT_MOVED));
		if (p == MAP_FAILED) {
			failf(rd, "mremap: %s", strerror(errno));
			return rd->v;
		}
		return p;
	case R_MPROTECT:
		mprotect((void *)rd->v, vsize, chance(r, 50) ? PROT_READ : PROT_NONE);
		sleep_ms(r, 20);
		mprotect((void *)rd->v, vsize, PROT_READ | PROT_WRITE);
		return rd->v;
	case R_DONTNEED:
		off = below(r, vsize / PAGE) * PAGE;
		len = (1 + below(r, (vsize - off) / PAGE)) * PAGE;
		madvise((void *)((uintptr_t)rd->v + off), len, MADV_DONTNEED);
		return rd->v;
	case R_FORK:
		race_fork(rd);
		return rd->v;
	case R_EXEC:
		race_exec(rd);
		return rd->v;
	case R_EXIT:
		race_exit(rd);
		return rd->v;
	case R_TRUNCATE:
		if (ftruncate(rd->memfd, vsize / 2))
			failf(rd, "ftruncate: %s", strerror(errno));
		return rd->v;
	case R_VRAM_TAKE:
		race_vram_take(rd);
		return rd->v;
	default:
		return rd->v;
	}
}

static int gpu_read(volatile uint64_t *w, uint64_t words, uint64_t *sum)
{
	struct drm_nvsim_cmd c = { .op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)w,
				   .size = words * 8 };
	struct drm_nvsim_exec ex = { .cmds = (uintptr_t)&c, .count = 1 };

	if (ioctl(G.fd, DRM_IOCTL_NVSIM_EXEC, &ex))
		return -errno;
	*sum = c.result;
	return ex.status;
}

/* What must hold of K and V once the round's threads are done. */
static void round_check(struct round *rd, volatile uint64_t *v)
{
	uint64_t last = rd->kwords - 1, want, sum, vcheck = rd->vwords, bad = 0;
	int ret;

	for (uint64_t i = 0; i < last; i++)
		if (rd->k[i] != rd->kval + i) {
			failf(rd, "LOST DATA: K[%" PRIu64 "] = %#" PRIx64 ", it held %#" PRIx64, i,
			      rd->k[i], rd->kval + i);
			break;
		}
	want = rd->counter0 + atomic_load(&rd->gpu_adds) + atomic_load(&rd->cpu_adds);
	if (rd->k[last] != want)
		failf(rd, "LOST DATA: K's counter is %#" PRIx64 " after %" PRIu64 " GPU and %" PRIu64
		      " CPU adds to %#" PRIx64, rd->k[last], (uint64_t)atomic_load(&rd->gpu_adds),
		      (uint64_t)atomic_load(&rd->cpu_adds), rd->counter0);
	ret = gpu_read(rd->k, last, &sum);
	if (ret || sum != svm_pattern_checksum(rd->kval, 0, last))
		failf(rd, "LOST DATA: the GPU reads K: status %d, checksum %#" PRIx64 " instead of "
		      "%#" PRIx64, ret, sum, svm_pattern_checksum(rd->kval, 0, last));
	if (!v)
		return;

	if (rd->kind == R_TRUNCATE) {
		/* The file back to its size: the cut half reads as zeroes. */
		if (ftruncate(rd->memfd, rd->vwords * 8))
			failf(rd, "ftruncate back: %s", strerror(errno));
		vcheck = rd->vwords / 2;
		for (uint64_t i = vcheck; i < rd->vwords; i++)
			bad += v[i] != 0;
		if (bad)
			failf(rd, "%" PRIu64 " words of the cut half of the file are not zero", bad);
	}
	for (uint64_t i = 0; i < vcheck; i++) {
		uint64_t w = v[i];
		bool ok = w == rd->vval + i || (rd->fate == V_ZEROED && !w) ||
			  (rd->fate == V_MIXED && w == rd->vval2 + i);

		if (!ok) {
			failf(rd, "LOST DATA: V[%" PRIu64 "] = %#" PRIx64 ", it held %#" PRIx64
			      "%s", i, w, rd->vval + i, rd->fate == V_MIXED ? " (or the GPU's "
			      "write)" : rd->fate == V_ZEROED ? " (or 0)" : "");
			break;
		}
	}
	/* The GPU sees what the CPU sees. */
	ret = gpu_read(v, vcheck, &sum);
	if (ret || sum != svm_checksum_words(v, vcheck))
		failf(rd, "the GPU reads V (at %#" PRIx64 "): status %d, checksum %#" PRIx64
		      ", the CPU's %#" PRIx64, (uint64_t)(uintptr_t)v, ret, sum,
		      svm_checksum_words(v, vcheck));
}

static enum v_fate race_fate(enum race kind)
{
	switch (kind) {
	case R_MUNMAP:
	case R_MREMAP:
	case R_MPROTECT:
	case R_TRUNCATE:
		return V_TAKEN;
	case R_DONTNEED:
		return V_ZEROED;
	case R_FORK:
		return V_MIXED;
	default:
		return V_INTACT;
	}
}

static void run_round(unsigned int no, enum race kind)
{
	struct round rd = { .no = no, .kind = kind, .fate = race_fate(kind), .memfd = -1 };
	pthread_t gpu, bnd, cpu;
	volatile uint64_t *v;

	rd.rng.s = G.seed * 0x100000001b3ull + (no + 1) * 0x9e3779b97f4a7c15ull;
	if (round_setup(&rd)) {
		failf(&rd, "cannot set the round up: %s", strerror(errno));
		goto out;
	}
	pthread_create(&gpu, NULL, gpu_thread, &rd);
	pthread_create(&bnd, NULL, bind_thread, &rd);
	pthread_create(&cpu, NULL, cpu_thread, &rd);
	sleep_ms(&rd.rng, 40);
	v = race(&rd);
	sleep_ms(&rd.rng, 40);
	atomic_store(&rd.stop, true);
	pthread_join(gpu, NULL);
	pthread_join(bnd, NULL);
	pthread_join(cpu, NULL);
	G.races[kind]++;
	round_check(&rd, v);
out:
	for (unsigned int s = 0; s < NSLOTS; s++)
		slot_reserve(s);
	if (rd.memfd >= 0)
		close(rd.memfd);
}

/* ---- the end ------------------------------------------------------ */

static uint64_t vram_used(int *err)
{
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_VRAM_USED };

	*err = ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp) ? errno : 0;
	return gp.value;
}

/* With every buffer gone, the client holds no GPU mapping and no VRAM. */
static void check_released(void)
{
	static const char *const names[2] = { "gpu-pages", "vram-pages" };
	uint64_t fdinfo[2] = { 0 }, vals[DRM_NVSIM_COUNTER_COUNT] = { 0 }, used = 0;
	struct drm_nvsim_counters c = { .values = (uintptr_t)vals,
					.count = DRM_NVSIM_COUNTER_COUNT };
	int i, err = 0;

	munmap((void *)(uintptr_t)G.arena, ARENA_SIZE);
	for (i = 0; i < 100; i++) {
		if (svm_fdinfo_counters(G.fd, names, 2, fdinfo) ||
		    ioctl(G.fd, DRM_IOCTL_NVSIM_COUNTERS, &c)) {
			failf(NULL, "cannot read the counters: %s", strerror(errno));
			break;
		}
		if (!fdinfo[0] && !fdinfo[1] && !vals[DRM_NVSIM_COUNTER_GPU_PAGES] &&
		    !vals[DRM_NVSIM_COUNTER_VRAM_PAGES])
			break;
		usleep(100000);
	}
	if (i == 100)
		failf(NULL, "10 s after every buffer is gone, fdinfo says gpu-pages %" PRIu64
		      ", vram-pages %" PRIu64 "; COUNTERS says %" PRIu64 " and %" PRIu64
		      " (all must be 0)", fdinfo[0], fdinfo[1], vals[DRM_NVSIM_COUNTER_GPU_PAGES],
		      vals[DRM_NVSIM_COUNTER_VRAM_PAGES]);
	close(G.fd);
	for (i = 0; i < 100; i++) {
		used = vram_used(&err);
		if (!err && used == G.vram_used0)
			return;
		usleep(100000);
	}
	failf(NULL, "VRAM_USED is %" PRIu64 " 10 s after the file closed, %" PRIu64
	      " before the run", used, G.vram_used0);
}

static void print_answers(const char *what, const uint64_t *a)
{
	printf("stress: SVM_BIND %-26s ok %6" PRIu64 ", EFAULT %5" PRIu64 ", EOPNOTSUPP %5"
	       PRIu64 ", ENOMEM %4" PRIu64 ", EIO %4" PRIu64 ", EBUSY %4" PRIu64 ", other %"
	       PRIu64 "\n", what, a[0], a[1], a[2], a[3], a[4], a[5], a[6] + a[7]);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

static void usage(void)
{
	fprintf(stderr, "usage: svm-stress [--seed N] [--seconds N] [--rounds N]\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	G.seed = rng_fresh_seed();
	G.seconds = 20;
	for (int i = 1; i < argc; i += 2) {
		uint64_t v;

		if (!svm_opt_number(argc, argv, i, &v))
			usage();
		if (!strcmp(argv[i], "--seed"))
			G.seed = v;
		else if (!strcmp(argv[i], "--seconds"))
			G.seconds = v;
		else if (!strcmp(argv[i], "--rounds"))
			G.max_rounds = v;
		else
			usage();
	}
}

static int setup(void)
{
	static const uint64_t where[] = { 0x340000000000ull, 0x350000000000ull,
					  0x360000000000ull };
	struct drm_nouveau_svm_init in = { 0 };
	struct drm_nouveau_getparam gp = { .param = NOUVEAU_GETPARAM_FB_SIZE };
	int err;

	G.probe_fd = svm_open_sim();
	G.fd = svm_open_sim();
	if (G.probe_fd < 0 || G.fd < 0)
		return -1;
	if (ioctl(G.probe_fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp))
		return -1;
	G.fb_size = gp.value;
	/* No error injection: what a killed svm-fuzz may have left armed. */
	svm_sim_disarm(G.probe_fd);
	G.vram_used0 = vram_used(&err);
	if (err || ioctl(G.fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &in))
		return -1;
	for (unsigned int i = 0; i < 3 && !G.arena; i++) {
		void *p = mmap((void *)(uintptr_t)where[i], ARENA_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
			       -1, 0);

		if (p == (void *)(uintptr_t)where[i])
			G.arena = where[i];
		else if (p != MAP_FAILED)
			munmap(p, ARENA_SIZE);
	}
	return G.arena ? 0 : -1;
}

int main(int argc, char **argv)
{
	enum race order[NRACE];
	uint64_t t0, last, rounds = 0;
	char races[400];
	size_t n = 0;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("stress: seed %" PRIu64 ", %" PRIu64 " s (reproduce: svm-stress --seed %" PRIu64
	       ")\n", G.seed, G.seconds, G.seed);
	if (setup()) {
		printf("stress: 0 rounds, races: none, FAIL (cannot set up: %s)\n", strerror(errno));
		return 1;
	}
	printf("stress: VRAM %" PRIu64 " MiB (%" PRIu64 " bytes used), arena at %#" PRIx64 "\n",
	       G.fb_size >> 20, G.vram_used0, G.arena);

	t0 = last = now_ms();
	while (now_ms() - t0 < G.seconds * 1000 && (!G.max_rounds || rounds < G.max_rounds)) {
		struct rng r = { .s = G.seed ^ (rounds / NRACE) };

		/* Every race once per cycle, in an order of the seed's. */
		if (!(rounds % NRACE)) {
			for (int i = 0; i < NRACE; i++)
				order[i] = i;
			for (int i = NRACE - 1; i > 0; i--) {
				int j = below(&r, i + 1);
				enum race tmp = order[i];

				order[i] = order[j];
				order[j] = tmp;
			}
		}
		run_round(rounds, order[rounds % NRACE]);
		rounds++;
		if (now_ms() - last >= 5000) {
			last = now_ms();
			printf("stress: %" PRIu64 " s, %" PRIu64 " rounds\n", (last - t0) / 1000,
			       rounds);
		}
	}
	check_released();

	for (int i = 0; i < NRACE; i++)
		n += snprintf(races + n, sizeof(races) - n, "%s%s %" PRIu64, i ? ", " : "",
			      race_name[i], G.races[i]);
	printf("stress: %" PRIu64 " GPU jobs (%" PRIu64 " cancelled by the races), %" PRIu64
	       " SVM_BINDs\n", (uint64_t)G.jobs, (uint64_t)G.jobs_cancelled, (uint64_t)G.binds);
	print_answers("on K (never raced)", G.bind_answers[0]);
	print_answers("on V (raced)", G.bind_answers[1]);
	for (int i = 0; i < NRACE; i++) {
		char what[40];

		snprintf(what, sizeof(what), "  on V, %s", race_name[i]);
		print_answers(what, G.v_answers[i]);
	}
	if (!atomic_load(&G.failures)) {
		printf("stress: %" PRIu64 " rounds, races: %s, ok\n", rounds, races);
		return 0;
	}
	printf("stress: %" PRIu64 " rounds, races: %s, FAIL (%u problems, see above)\n", rounds,
	       races, atomic_load(&G.failures));
	return 1;
}
