// SPDX-License-Identifier: MIT
/*
 * svm-bench - what `make bench` measures in the guest: nouveau SVM on the
 * simulated GPU against test_hmm (/dev/hmm_dmirror0) as the peer, in one
 * boot, every figure a sample of CLOCK_MONOTONIC time.
 *
 *   fault     first-touch GPU reads of fresh anonymous memory of each size:
 *             ours = one DRM_NVSIM_OP_READ per buffer (the fdinfo counters
 *             before and after give the fault batches), peer = one
 *             HMM_DMIRROR_READ per buffer; then the same buffers read again
 *             (warm: no faults), which splits fault service from the reading
 *             itself.  Every buffer is fresh (never touched, its own VMA);
 *             sizes under FAULT_SAMPLE_BYTES read several buffers per
 *             sample, because the guest's CLOCK_MONOTONIC may tick in
 *             jiffies (4 ms) when the kernel cannot calibrate the TSC
 *   memcpy    the guest's memcpy over the same byte counts (warm buffers),
 *             the floor of what reading the bytes costs
 *   atomic    K GPU atomic increments then one CPU read of the word, as
 *             round trips: ours = an EXEC of K ATOMIC_ADD commands (device-
 *             exclusive grant) + a CPU read (revocation); peer =
 *             HMM_DMIRROR_EXCLUSIVE on the page + a CPU read; ours again
 *             with the core's atomic time slice set to 0 (both with the
 *             simulated GPU's atomic window off: see atomic_window_us);
 *             and, window on, a CPU thread adding to the word without
 *             pause while GPU jobs of 64 atomic adds run (fighting): the
 *             GPU's adds per grant, and the CPU's time per revocation (its
 *             time over what its adds cost alone)
 *   procs     N processes at once, each with its own fd and a fresh 16 MiB
 *             buffer, first-touch GPU reads; the wall time of all of them
 *   chans     one process, N channels of one client at once, each reading
 *             its own fresh 16 MiB buffer (asynchronous EXECs, then a WAIT
 *             for each); peer = N threads of one process, each with one
 *             HMM_DMIRROR_READ of its own buffer through one fd
 *   migrate   fresh, CPU-written private anonymous buffers of 64 KiB to
 *             256 MiB moved to device memory and back: ours = SVM_BIND
 *             MIGRATE to VRAM, then back with MIGRATE to the host or (up to
 *             8 MiB) with one CPU read per page; peer =
 *             HMM_DMIRROR_MIGRATE_TO_DEV, then HMM_DMIRROR_MIGRATE_TO_SYS
 *             or the same CPU reads; both ways again with 2 MiB-aligned
 *             MADV_HUGEPAGE buffers from 2 MiB up; and the guest's memcpy
 *             of each size, the floor of what moving the bytes costs.  A
 *             sample moves at least MIGRATE_SAMPLE_BYTES each way (several
 *             buffers of a small size, one of a large one), in batches that
 *             are in the simulated GPU's VRAM at once (the bench suite
 *             loads it with enough for the largest buffer), so that
 *             nothing is evicted; its time is the sum of its batches'.
 *             Every round trip ends with the data checked word by word,
 *             and ours with the fdinfo counters checked (the pages really
 *             moved, none failed, none evicted): a broken migration cannot
 *             look fast.  The counters also give the copy-engine launches.
 *
 * Writes the raw samples as JSON to the file named by -o (default
 * $NVSVM_RESULTS/bench-raw.json); .ci/bench-report.py turns them into the
 * table and the plots on the host.  Environment knobs: NVSVM_BENCH_REPS
 * (default 5), NVSVM_BENCH_SIZES (comma-separated sizes in KiB; default
 * 4 KiB to 1 GiB: 1 GiB takes about 70 s under TCG and some 3 GiB of the
 * guest's memory for test_hmm's bounce buffer and memcpy, and `make bench`
 * gives the guest 6 GiB), NVSVM_BENCH_BUDGET (seconds for the fault
 * sizes, default 240; a size
 * that would overrun it is skipped and said so) and NVSVM_BENCH_ATOMIC_SECS
 * (the length of one atomics sample, default 0.3).
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "svm_plain.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>
#include <lib/test_hmm_uapi.h>

#define HMM_DEV		"/dev/hmm_dmirror0"
#define SLICE_PARAM	"/sys/module/nouveau_svm_core/parameters/atomic_timeslice_us"
#define WINDOW_PARAM	"/sys/module/nouveau_svm_sim/parameters/atomic_window_us"
#define SERVERS_PARAM	"/sys/module/nouveau_svm_core/parameters/fault_servers"
#define PAGE		4096UL
#define MAX_SIZES	16
#define PROCS_SIZE	(16UL << 20)
/* The most channels the chans figures use at once. */
#define CHANS_MAX	8
/* Bytes one fault sample reads at least: small sizes read many buffers. */
#define FAULT_SAMPLE_BYTES	(32UL << 20)
/*
 * Bytes one migration sample moves each way at least: sizes below it move
 * several buffers, in batches that are in VRAM at once.
 */
#define MIGRATE_SAMPLE_BYTES	(32UL << 20)
/* Sizes up to this one are also brought back by CPU reads. */
#define MIGRATE_CPU_FAULT_MAX	(8UL << 20)
/* A transparent huge page. */
#define THP_BYTES		(2UL << 20)

static int reps = 5;
static FILE *out;
static bool first_sample = true;
static double t_start;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "svm-bench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* One raw sample: metric, parameter, side, value, then key/value extras. */
static void sample(const char *metric, uint64_t param, const char *side,
		   double value, const char *extra_fmt, ...)
{
	va_list ap;

	fprintf(out, "%s\n  {\"metric\": \"%s\", \"param\": %llu, \"side\": \"%s\", \"value\": %.9g",
		first_sample ? "" : ",", metric, (unsigned long long)param, side, value);
	if (extra_fmt) {
		fprintf(out, ", ");
		va_start(ap, extra_fmt);
		vfprintf(out, extra_fmt, ap);
		va_end(ap);
	}
	fprintf(out, "}");
	fflush(out);
	first_sample = false;
}

/* The guest's CPU time so far, in /proc/stat ticks: busy, and in all. */
struct cpu_meter {
	unsigned long long busy, all;
};

static struct cpu_meter cpu_meter(void)
{
	unsigned long long v[8] = {};
	struct cpu_meter m = {};
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		die("/proc/stat: %s", strerror(errno));
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		die("/proc/stat: no cpu line");
	for (int i = 0; i < 8; i++)
		m.all += v[i];
	m.busy = m.all - v[3] - v[4];	/* all but idle and iowait */
	return m;
}

/* Add the CPU time since @start to @sum. */
static void cpu_meter_add(struct cpu_meter *sum, struct cpu_meter start)
{
	struct cpu_meter end = cpu_meter();

	sum->busy += end.busy - start.busy;
	sum->all += end.all - start.all;
}

/* A render node of the simulated GPU with SVM initialised. */
static int sim_client(void)
{
	struct drm_nouveau_svm_init init = {};
	int fd = svm_open_sim();

	if (fd < 0)
		die("no %s render node (is the module loaded?)", SVM_SIM_DRIVER);
	if (ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &init))
		die("SVM_INIT: %s", strerror(errno));
	return fd;
}

static int hmm_client(void)
{
	int fd = open(HMM_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("%s: %s (is test_hmm loaded?)", HMM_DEV, strerror(errno));
	return fd;
}

/* This file's SVM counters, from fdinfo. */
static void read_counters(int fd, uint64_t *val)
{
	if (svm_fdinfo_counters(fd, svm_counter_names, NCOUNTERS, val))
		die("fdinfo of fd %d: %s", fd, strerror(errno));
}

static int sim_exec(int fd, struct drm_nvsim_cmd *cmds, unsigned int n)
{
	struct drm_nvsim_exec exec = { .cmds = (uintptr_t)cmds, .count = n };

	if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &exec))
		return -errno;
	return exec.status;
}

static void *fresh(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu: %s", size, strerror(errno));
	return p;
}

/*
 * A pool of @n fresh buffers of @size bytes, each its own VMA between
 * PROT_NONE guards (so that no GPU range reaches a neighbour) and aligned to
 * min(@size, 2 MiB) as a lone mmap of that size would be.
 */
struct pool {
	char *res, *base;
	size_t len, size, stride;
	unsigned int n;
};

static void pool_init(struct pool *p, size_t size, unsigned int n)
{
	size_t align = size < (2UL << 20) ? size : (2UL << 20);

	p->size = size;
	p->n = n;
	p->stride = (size + PAGE + align - 1) / align * align;
	p->len = p->stride * n + align;
	p->res = mmap(NULL, p->len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p->res == MAP_FAILED)
		die("mmap %zu: %s", p->len, strerror(errno));
	p->base = (char *)(((uintptr_t)p->res + align - 1) & ~(uintptr_t)(align - 1));
	for (unsigned int i = 0; i < n; i++)
		if (mprotect(p->base + i * p->stride, size, PROT_READ | PROT_WRITE))
			die("mprotect: %s", strerror(errno));
}

static void *pool_buf(const struct pool *p, unsigned int i)
{
	return p->base + i * p->stride;
}

static void pool_fini(struct pool *p)
{
	munmap(p->res, p->len);
}

static int sim_read(int fd, void *buf, size_t size)
{
	struct drm_nvsim_cmd cmd = {
		.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf, .size = size,
	};
	int ret = sim_exec(fd, &cmd, 1);

	if (ret)
		die("GPU read of %zu bytes: %s", size, strerror(-ret));
	if (cmd.result)
		die("GPU read of an untouched buffer: checksum %llx, not 0",
		    (unsigned long long)cmd.result);
	return 0;
}

static uint64_t hmm_read(int fd, void *buf, size_t size, void *bounce)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)buf, .ptr = (uintptr_t)bounce,
		.npages = size / PAGE,
	};

	if (ioctl(fd, HMM_DMIRROR_READ, &cmd))
		die("HMM_DMIRROR_READ of %zu bytes: %s", size, strerror(errno));
	if (cmd.cpages != size / PAGE)
		die("HMM_DMIRROR_READ: %llu pages of %zu", (unsigned long long)cmd.cpages,
		    size / PAGE);
	return cmd.faults;
}

/*
 * One sample of each side at @size: @n fresh buffers read once each
 * (first touch, timed), then read again (warm: everything mapped, timed).
 */
static void fault_sample(int sfd, int hfd, size_t size, unsigned int n,
			 void *bounce)
{
	uint64_t before[NCOUNTERS], after[NCOUNTERS], d[NCOUNTERS], hf = 0;
	double pages = (double)n * (size / PAGE), t, tw;
	struct pool p;

	pool_init(&p, size, n);
	read_counters(sfd, before);
	t = now();
	for (unsigned int i = 0; i < n; i++)
		sim_read(sfd, pool_buf(&p, i), size);
	t = now() - t;
	read_counters(sfd, after);
	tw = now();
	for (unsigned int i = 0; i < n; i++)
		sim_read(sfd, pool_buf(&p, i), size);
	tw = now() - tw;
	for (int i = 0; i < NCOUNTERS; i++)
		d[i] = after[i] - before[i];
	sample("fault", size, "ours", pages / t,
	       "\"seconds\": %.9g, \"buffers\": %u, \"warm_seconds\": %.9g, \"faults\": %llu, \"batches\": %llu, \"replays\": %llu, \"pages_mapped\": %llu",
	       t, n, tw, (unsigned long long)d[C_FAULTS],
	       (unsigned long long)d[C_BATCHES], (unsigned long long)d[C_REPLAYS],
	       (unsigned long long)d[C_PAGES_MAPPED]);
	if (d[C_BATCHES])
		sample("batch", size, "ours", t / d[C_BATCHES] * 1e6,
		       "\"pages_per_batch\": %.6g, \"faults_per_batch\": %.6g",
		       (double)d[C_PAGES_MAPPED] / d[C_BATCHES],
		       (double)d[C_FAULTS] / d[C_BATCHES]);
	sample("warm", size, "ours", pages / tw, "\"seconds\": %.9g", tw);
	pool_fini(&p);

	pool_init(&p, size, n);
	t = now();
	for (unsigned int i = 0; i < n; i++)
		hf += hmm_read(hfd, pool_buf(&p, i), size, bounce);
	t = now() - t;
	tw = now();
	for (unsigned int i = 0; i < n; i++)
		hmm_read(hfd, pool_buf(&p, i), size, bounce);
	tw = now() - tw;
	sample("fault", size, "peer", pages / t,
	       "\"seconds\": %.9g, \"buffers\": %u, \"warm_seconds\": %.9g, \"faults\": %llu",
	       t, n, tw, (unsigned long long)hf);
	sample("warm", size, "peer", pages / tw, "\"seconds\": %.9g", tw);
	pool_fini(&p);
}

/* memcpy of @size bytes between warm buffers, @bytes at least: seconds per copy. */
static double memcpy_time(void *dst, const void *src, size_t size, size_t bytes,
			  unsigned int *iters)
{
	unsigned int n = (bytes + size - 1) / size;
	double t;

	/* Until the clock has moved: a zero time is no measurement. */
	for (;; n *= 2) {
		t = now();
		for (unsigned int i = 0; i < n; i++) {
			memcpy(dst, src, size);
			__asm__ __volatile__("" : : "r"(dst) : "memory");
		}
		t = now() - t;
		if (t > 0)
			break;
	}
	*iters = n;
	return t / n;
}

static void bench_fault(const size_t *sizes, int nsizes, double budget)
{
	int sfd = sim_client(), hfd = hmm_client();
	double spent_on_prev = 0;
	size_t prev_size = 0;

	for (int s = 0; s < nsizes; s++) {
		size_t size = sizes[s];
		unsigned int n = size >= FAULT_SAMPLE_BYTES ? 1 : FAULT_SAMPLE_BYTES / size;
		double t0 = now(), elapsed = t0 - t_start, est;
		unsigned int iters;
		void *bounce, *src;

		/*
		 * Each size costs about its bytes (or FAULT_SAMPLE_BYTES) in
		 * time: skip a size that would overrun the budget, from the
		 * last size's cost.
		 */
		est = prev_size ? spent_on_prev * ((double)(n * size) /
			(prev_size >= FAULT_SAMPLE_BYTES ? prev_size : FAULT_SAMPLE_BYTES)) : 0;
		if (prev_size && elapsed + est > budget) {
			printf("fault: %zu KiB skipped: about %.0f s more would pass the %.0f s budget\n",
			       size >> 10, est, budget);
			sample("skipped", size, "none", est, "\"budget_s\": %.0f", budget);
			continue;
		}
		bounce = fresh(size);
		src = fresh(size);
		memset(bounce, 1, size);
		memset(src, 2, size);
		for (int r = 0; r < reps; r++) {
			double t;

			fault_sample(sfd, hfd, size, n, bounce);
			t = memcpy_time(bounce, src, size, FAULT_SAMPLE_BYTES, &iters);
			sample("memcpy", size, "floor", size / t / 1e9,
			       "\"seconds\": %.9g, \"iters\": %u", t, iters);
		}
		munmap(bounce, size);
		munmap(src, size);
		spent_on_prev = now() - t0;
		prev_size = size;
		printf("fault: %7zu KiB x %u buffers, %d reps: %.1f s\n", size >> 10, n,
		       reps, spent_on_prev);
	}
	close(sfd);
	close(hfd);
}

/* Round trips of K GPU atomics + a CPU read, for at least @secs. */
static void ours_atomic(int fd, unsigned int k, double secs, const char *metric)
{
	struct drm_nvsim_cmd *cmds = calloc(k, sizeof(*cmds));
	volatile uint64_t *word = fresh(PAGE);
	uint64_t before[NCOUNTERS], after[NCOUNTERS], rt = 0, v;
	double t, end;

	if (!cmds)
		die("calloc");
	*word = 0;	/* a real page, not the zero page */
	for (unsigned int i = 0; i < k; i++)
		cmds[i] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD,
			.addr = (uintptr_t)word, .size = 8, .value = 1 };
	read_counters(fd, before);
	t = now();
	end = t + secs;
	do {
		int ret = sim_exec(fd, cmds, k);

		if (ret)
			die("GPU atomics: %s", strerror(-ret));
		v = *word;	/* the CPU read: revokes the GPU's atomic access */
		rt++;
	} while (now() < end || rt < 3);
	t = now() - t;
	read_counters(fd, after);
	if (v != rt * k)
		die("GPU atomics: counter %llu, expected %llu", (unsigned long long)v,
		    (unsigned long long)(rt * k));
	sample(metric, k, "ours", rt / t,
	       "\"seconds\": %.9g, \"round_trips\": %llu, \"grants\": %llu, \"revocations\": %llu, \"backoffs\": %llu",
	       t, (unsigned long long)rt,
	       (unsigned long long)(after[C_GRANTS] - before[C_GRANTS]),
	       (unsigned long long)(after[C_REVOCATIONS] - before[C_REVOCATIONS]),
	       (unsigned long long)(after[C_BACKOFFS] - before[C_BACKOFFS]));
	munmap((void *)word, PAGE);
	free(cmds);
}

/* Round trips of HMM_DMIRROR_EXCLUSIVE + a CPU read, for at least @secs. */
static void peer_atomic(int fd, unsigned int k, double secs)
{
	volatile uint64_t *word = fresh(PAGE);
	uint64_t bounce[PAGE / 8], rt = 0, v = 0;
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)word, .ptr = (uintptr_t)bounce, .npages = 1,
	};
	double t, end;

	*word = 0;
	t = now();
	end = t + secs;
	do {
		if (ioctl(fd, HMM_DMIRROR_EXCLUSIVE, &cmd))
			die("HMM_DMIRROR_EXCLUSIVE: %s", strerror(errno));
		v += *word;	/* the CPU read: restores the CPU's entry */
		rt++;
	} while (now() < end || rt < 3);
	t = now() - t;
	sample("atomic", k, "peer", rt / t,
	       "\"seconds\": %.9g, \"round_trips\": %llu", t, (unsigned long long)rt);
	munmap((void *)word, PAGE);
}

/* The CPU side of the fight: adds to the word until told to stop. */
struct fighter {
	volatile uint64_t *word;
	uint64_t adds;
	double seconds;
	bool stop;
};

static void *cpu_fighter(void *arg)
{
	struct fighter *f = arg;
	double t = now();

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(f->word, 1, __ATOMIC_SEQ_CST);
		f->adds++;
	}
	f->seconds = now() - t;
	return NULL;
}

/* The CPU thread alone for @secs: adds per second without a GPU. */
static double cpu_alone(double secs)
{
	struct fighter f = { .word = fresh(PAGE) };
	pthread_t thread;

	if (pthread_create(&thread, NULL, cpu_fighter, &f))
		die("pthread_create");
	usleep(secs * 1e6);
	__atomic_store_n(&f.stop, true, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	munmap((void *)f.word, PAGE);
	return f.adds / f.seconds;
}

#define FIGHT_ADDS	64

/*
 * A CPU thread and the GPU fighting over one word for @secs: the thread
 * adds to it without pause while GPU jobs of FIGHT_ADDS atomic adds run one
 * after the other.  The value is the GPU's progress per grant (its adds
 * over the grants it was given); the extras give the CPU's time per
 * revocation: its time over what its adds cost alone (@alone adds/s),
 * per revocation.
 */
static void ours_fight(int fd, double secs, double alone)
{
	struct drm_nvsim_cmd cmds[FIGHT_ADDS];
	struct fighter f = { .word = fresh(PAGE) };
	uint64_t before[NCOUNTERS], after[NCOUNTERS], jobs = 0, grants, revs;
	pthread_t thread;
	double t, end, lost;

	*f.word = 0;
	for (unsigned int i = 0; i < FIGHT_ADDS; i++)
		cmds[i] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD,
			.addr = (uintptr_t)f.word, .size = 8, .value = 1 };
	read_counters(fd, before);
	if (pthread_create(&thread, NULL, cpu_fighter, &f))
		die("pthread_create");
	t = now();
	end = t + secs;
	do {
		int ret = sim_exec(fd, cmds, FIGHT_ADDS);

		if (ret)
			die("GPU atomics against a CPU thread: %s", strerror(-ret));
		jobs++;
	} while (now() < end);
	__atomic_store_n(&f.stop, true, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	read_counters(fd, after);
	if (*f.word != f.adds + jobs * FIGHT_ADDS)
		die("GPU atomics against a CPU thread: counter %llu, expected %llu",
		    (unsigned long long)*f.word,
		    (unsigned long long)(f.adds + jobs * FIGHT_ADDS));
	grants = after[C_GRANTS] - before[C_GRANTS];
	revs = after[C_REVOCATIONS] - before[C_REVOCATIONS];
	lost = f.seconds - f.adds / alone;
	sample("atomic-fight", FIGHT_ADDS, "ours",
	       grants ? (double)jobs * FIGHT_ADDS / grants : 0,
	       "\"seconds\": %.9g, \"gpu_adds\": %llu, \"cpu_adds\": %llu, \"grants\": %llu, \"revocations\": %llu, \"backoffs\": %llu, \"cpu_us_per_revocation\": %.9g, \"cpu_alone_adds_per_s\": %.9g",
	       f.seconds, (unsigned long long)(jobs * FIGHT_ADDS),
	       (unsigned long long)f.adds, (unsigned long long)grants,
	       (unsigned long long)revs,
	       (unsigned long long)(after[C_BACKOFFS] - before[C_BACKOFFS]),
	       revs ? (lost > 0 ? lost : 0) * 1e6 / revs : 0, alone);
	munmap((void *)f.word, PAGE);
}

static long param_get(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static bool param_set(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fprintf(f, "%ld\n", v) > 0;
	return !fclose(f) && ok;
}

static void bench_atomic(double secs)
{
	static const unsigned int ks[] = { 1, 4, 16, 64, 256, 1024, 4096 };
	int sfd = sim_client(), hfd = hmm_client();
	long slice = param_get(SLICE_PARAM), window = param_get(WINDOW_PARAM);
	double t0 = now();

	/*
	 * The simulated GPU's sleep inside a job's first atomic (a window for
	 * the CPU to race into, in tests) would be every round trip's floor:
	 * off, so that the round trips measure the core.
	 */
	if (window > 0 && !param_set(WINDOW_PARAM, 0))
		die("%s: %s", WINDOW_PARAM, strerror(errno));
	for (unsigned int i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		for (int r = 0; r < reps; r++) {
			ours_atomic(sfd, ks[i], secs, "atomic");
			peer_atomic(hfd, ks[i], secs);
		}
	}
	printf("atomic: done in %.1f s (atomic_timeslice_us=%ld)\n", now() - t0, slice);
	/* The same with the GPU's atomic time slice off: what the slice costs. */
	if (slice > 0 && param_set(SLICE_PARAM, 0)) {
		t0 = now();
		for (unsigned int i = 0; i < sizeof(ks) / sizeof(ks[0]); i++)
			for (int r = 0; r < reps; r++)
				ours_atomic(sfd, ks[i], secs, "atomic-slice0");
		param_set(SLICE_PARAM, slice);
		printf("atomic, time slice 0: done in %.1f s\n", now() - t0);
	}
	if (window > 0)
		param_set(WINDOW_PARAM, window);
	/* A CPU thread and the GPU fighting over one word, window on. */
	t0 = now();
	for (int r = 0; r < reps; r++)
		ours_fight(sfd, 2 * secs, cpu_alone(secs));
	printf("atomic, CPU and GPU fighting: done in %.1f s\n", now() - t0);
	sample("atomic-slice-us", 0, "ours", slice, NULL);
	sample("atomic-window-us", 0, "ours", window, NULL);
	close(sfd);
	close(hfd);
}

/* Ours: channel i of one client reads buffer i, all at once. */
static double chans_ours(int fd, int n, void **bufs)
{
	struct drm_nvsim_cmd cmds[CHANS_MAX] = {};
	struct drm_nvsim_exec exec[CHANS_MAX] = {};
	double t = now();

	for (int i = 0; i < n; i++) {
		cmds[i] = (struct drm_nvsim_cmd){
			.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)bufs[i],
			.size = PROCS_SIZE,
		};
		exec[i] = (struct drm_nvsim_exec){
			.cmds = (uintptr_t)&cmds[i], .count = 1,
			.flags = DRM_NVSIM_EXEC_ASYNC, .channel = i,
		};
		if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &exec[i]))
			die("EXEC on channel %d: %s", i, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		struct drm_nvsim_wait w = {
			.seqno = exec[i].seqno, .timeout_ns = 60 * 1000000000LL,
		};

		if (ioctl(fd, DRM_IOCTL_NVSIM_WAIT, &w))
			die("WAIT for channel %d: %s", i, strerror(errno));
		if (w.status)
			die("channel %d's read: %s", i, strerror(-w.status));
	}
	t = now() - t;
	for (int i = 0; i < n; i++)
		if (cmds[i].result)
			die("channel %d read an untouched buffer: checksum %llx, not 0", i,
			    (unsigned long long)cmds[i].result);
	return t;
}

struct chans_peer_arg {
	pthread_t thread;
	pthread_barrier_t *go;
	int fd;
	void *buf, *bounce;
	int err;
};

static void *chans_peer_thread(void *data)
{
	struct chans_peer_arg *a = data;
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)a->buf, .ptr = (uintptr_t)a->bounce,
		.npages = PROCS_SIZE / PAGE,
	};

	pthread_barrier_wait(a->go);
	if (ioctl(a->fd, HMM_DMIRROR_READ, &cmd))
		a->err = errno;
	else if (cmd.cpages != PROCS_SIZE / PAGE)
		a->err = EIO;
	return NULL;
}

/* The peer: thread i of one process reads buffer i through one fd, all at once. */
static double chans_peer(int fd, int n, void **bufs, void **bounces)
{
	struct chans_peer_arg a[CHANS_MAX] = {};
	pthread_barrier_t go;
	double t;

	if (pthread_barrier_init(&go, NULL, n + 1))
		die("pthread_barrier_init");
	for (int i = 0; i < n; i++) {
		a[i] = (struct chans_peer_arg){
			.go = &go, .fd = fd, .buf = bufs[i], .bounce = bounces[i],
		};
		if (pthread_create(&a[i].thread, NULL, chans_peer_thread, &a[i]))
			die("pthread_create");
	}
	pthread_barrier_wait(&go);
	t = now();
	for (int i = 0; i < n; i++)
		pthread_join(a[i].thread, NULL);
	t = now() - t;
	pthread_barrier_destroy(&go);
	for (int i = 0; i < n; i++)
		if (a[i].err)
			die("thread %d's HMM_DMIRROR_READ: %s", i, strerror(a[i].err));
	return t;
}

/* One sample of N channels (@peer: threads) on fresh buffers: its time. */
static double chans_run(int sfd, int hfd, int n, bool peer, void **bounces,
			struct cpu_meter *cpu)
{
	struct cpu_meter start;
	void *bufs[CHANS_MAX];
	double t;

	for (int i = 0; i < n; i++)
		bufs[i] = fresh(PROCS_SIZE);
	start = cpu_meter();
	t = peer ? chans_peer(hfd, n, bufs, bounces) : chans_ours(sfd, n, bufs);
	if (cpu)
		cpu_meter_add(cpu, start);
	for (int i = 0; i < n; i++)
		munmap(bufs[i], PROCS_SIZE);
	return t;
}

/*
 * One process, N channels of one client (one VM) at once, each reading its
 * own fresh 16 MiB buffer; the peer, N threads of one process.
 */
static void bench_chans(void)
{
	static const int ns[] = { 1, 2, 4, 8 };
	void *bounces[CHANS_MAX];
	int sfd = sim_client(), hfd = hmm_client();
	double t0 = now();

	for (int i = 0; i < CHANS_MAX; i++) {
		bounces[i] = fresh(PROCS_SIZE);
		memset(bounces[i], 1, PROCS_SIZE);
	}
	for (unsigned int k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
		int n = ns[k];

		for (int r = 0; r < reps; r++) {
			for (int side = 0; side < 2; side++) {
				double t = chans_run(sfd, hfd, n, side, bounces, NULL);

				sample("chans", n, side ? "peer" : "ours",
				       n * (PROCS_SIZE / PAGE) / t, "\"seconds\": %.9g", t);
			}
		}
	}
	/* The CPUs 1 and 4 channels keep busy, as procs_cpus(). */
	for (int n = 1; n <= 4; n *= 4) {
		for (int side = 0; side < 2; side++) {
			struct cpu_meter cpu = {};
			long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
			double t = 0;

			while (t < 1.0)
				t += chans_run(sfd, hfd, n, side, bounces, &cpu);
			sample("chans-cpus-busy", n, side ? "peer" : "ours",
			       cpu.all ? (double)cpu.busy / cpu.all * ncpus : 0,
			       "\"cpus\": %ld, \"seconds\": %.9g", ncpus, t);
		}
	}
	for (int i = 0; i < CHANS_MAX; i++)
		munmap(bounces[i], PROCS_SIZE);
	close(sfd);
	close(hfd);
	printf("channels: done in %.1f s\n", now() - t0);
}

/*
 * N processes, each with its own client and a fresh 16 MiB buffer, read it
 * at the same moment.  Return: the wall time from the start signal until
 * the last one is done.
 */
static double procs_run(int n, bool peer, double *each, struct cpu_meter *cpu)
{
	struct cpu_meter start;
	int ready[2], go[2];
	double t;
	char c;

	if (pipe(ready) || pipe(go))
		die("pipe: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (!pid) {
			int fd = peer ? hmm_client() : sim_client();
			void *buf = fresh(PROCS_SIZE), *bounce = NULL;
			struct drm_nvsim_cmd cmd = {
				.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf,
				.size = PROCS_SIZE,
			};
			struct hmm_dmirror_cmd hcmd = {
				.addr = (uintptr_t)buf, .npages = PROCS_SIZE / PAGE,
			};
			int ret;

			if (peer) {
				bounce = fresh(PROCS_SIZE);
				memset(bounce, 1, PROCS_SIZE);
				hcmd.ptr = (uintptr_t)bounce;
			}
			close(ready[0]);
			close(go[1]);
			if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 0)
				_exit(2);
			t = now();
			if (peer)
				ret = ioctl(fd, HMM_DMIRROR_READ, &hcmd) ? -errno : 0;
			else
				ret = sim_exec(fd, &cmd, 1);
			each[i] = now() - t;
			if (ret)
				fprintf(stderr, "svm-bench: child read: %s\n", strerror(-ret));
			_exit(ret ? 1 : 0);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (int i = 0; i < n; i++)
		if (read(ready[0], &c, 1) != 1)
			die("a child died before the start");
	start = cpu_meter();
	t = now();
	close(go[1]);	/* EOF: every child starts */
	for (int i = 0; i < n; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			die("a child failed");
	}
	t = now() - t;
	if (cpu)
		cpu_meter_add(cpu, start);
	close(ready[0]);
	return t;
}

/*
 * How many of the guest's CPUs 1 and 4 processes keep busy, ours and the
 * peer's: what is left for more processes to gain.  /proc/stat counts in
 * ticks of 10 ms, so each figure sums runs for a second at least.
 */
static void procs_cpus(double *each)
{
	static const int ns[] = { 1, 4 };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	for (unsigned int i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		for (int side = 0; side < 2; side++) {
			struct cpu_meter cpu = {};
			double t = 0;

			while (t < 1.0)
				t += procs_run(ns[i], side, each, &cpu);
			sample("procs-cpus-busy", ns[i], side ? "peer" : "ours",
			       cpu.all ? (double)cpu.busy / cpu.all * ncpus : 0,
			       "\"cpus\": %ld, \"seconds\": %.9g", ncpus, t);
		}
	}
}

static void bench_procs(void)
{
	static const int ns[] = { 1, 2, 4, 8 };
	double *each = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long servers = param_get(SERVERS_PARAM);
	double t0 = now();

	if (each == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (unsigned int i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		int n = ns[i];

		for (int r = 0; r < reps; r++) {
			for (int side = 0; side < 2; side++) {
				double t = procs_run(n, side, each, NULL), mx = 0;

				for (int j = 0; j < n; j++)
					mx = each[j] > mx ? each[j] : mx;
				sample("procs", n, side ? "peer" : "ours",
				       n * (PROCS_SIZE / PAGE) / t,
				       "\"seconds\": %.9g, \"slowest_child_s\": %.9g", t, mx);
			}
		}
	}
	printf("procs: done in %.1f s\n", now() - t0);
	procs_cpus(each);
	/* Ours again with one fault server: what serving VMs in parallel gives. */
	if (servers > 1 && param_set(SERVERS_PARAM, 1)) {
		t0 = now();
		for (unsigned int i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
			for (int r = 0; r < reps; r++) {
				double t = procs_run(ns[i], false, each, NULL);

				sample("procs-one-server", ns[i], "ours",
				       ns[i] * (PROCS_SIZE / PAGE) / t,
				       "\"seconds\": %.9g", t);
			}
		param_set(SERVERS_PARAM, servers);
		printf("procs, one fault server: done in %.1f s\n", now() - t0);
	}
	munmap(each, PAGE);
}

/*
 * Migration.  A batch takes fresh buffers of one size, as many as are in
 * VRAM at once, writes every word from the CPU (word i holds its own
 * address xor the batch's salt, so that a page copied to the wrong place or
 * a stale one shows), moves them to device memory, then back, and checks
 * every word.  A sample adds up the batches of its buffers.
 */
enum mig_kind {
	MIG_IOCTL,	/* back with the migrate ioctl */
	MIG_CPU_FAULT,	/* back with one CPU read per page */
	MIG_THP,	/* MADV_HUGEPAGE buffers, back with the migrate ioctl */
};

static const char *const mig_metric_to[] = {
	[MIG_IOCTL] = "migrate-vram", [MIG_CPU_FAULT] = NULL, [MIG_THP] = "migrate-thp-vram",
};

static const char *const mig_metric_back[] = {
	[MIG_IOCTL] = "migrate-host", [MIG_CPU_FAULT] = "migrate-cpu-fault",
	[MIG_THP] = "migrate-thp-host",
};

/* How one size is measured: its buffers per sample, and per batch. */
struct mig_shape {
	size_t size;
	unsigned int buffers;
	unsigned int per_batch;
};

/* What the batches of one sample add up to. */
struct mig_sample {
	double t_to, t_back;
	unsigned int buffers, batches;
	unsigned long thp_kib;
	uint64_t launches_to, launches_back, thp_to, thp_back, evictions, back_cpages;
};

static uint64_t mig_salt;

/*
 * @size's buffers per sample (MIGRATE_SAMPLE_BYTES of them, at least one)
 * in batches of at most @vram bytes, so that a batch is in VRAM at once.
 * Return: false when one buffer is more than the VRAM.
 */
static bool mig_shape_init(struct mig_shape *s, size_t size, uint64_t vram)
{
	uint64_t fit = vram / size;

	s->size = size;
	s->buffers = size >= MIGRATE_SAMPLE_BYTES ? 1 : MIGRATE_SAMPLE_BYTES / size;
	s->per_batch = fit < s->buffers ? fit : s->buffers;
	return s->per_batch > 0;
}

static void pattern_fill(void *buf, size_t size, uint64_t salt)
{
	uint64_t *w = buf;

	for (size_t i = 0; i < size / 8; i++)
		w[i] = (uintptr_t)&w[i] ^ salt;
}

/* @data must hold what pattern_fill() wrote at @origin; die where it does not. */
static void pattern_check(const char *what, const void *data, const void *origin,
			  size_t size, uint64_t salt)
{
	const uint64_t *w = data;

	for (size_t i = 0; i < size / 8; i++) {
		uint64_t want = ((uintptr_t)origin + i * 8) ^ salt;

		if (w[i] != want)
			die("%s: the word at offset %#zx of the %zu KiB buffer at %p is %#llx, not %#llx",
			    what, i * 8, size >> 10, origin, (unsigned long long)w[i],
			    (unsigned long long)want);
	}
}

/* KiB of transparent huge pages in the VMA that starts at @addr. */
static unsigned long thp_kib(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long start, end, kib = 0;
	bool in = false;
	char line[256];

	if (!f)
		die("/proc/self/smaps: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's first line; no field name parses as "hex-hex". */
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			if (in)
				break;
			in = start == (uintptr_t)addr;
		} else if (in && sscanf(line, "AnonHugePages: %lu kB", &kib) == 1) {
			break;
		}
	}
	fclose(f);
	return kib;
}

/* A pool of @n fresh buffers of @size for one batch, written by the CPU; THP if @thp. */
static uint64_t mig_pool_init(struct pool *p, size_t size, unsigned int n, bool thp)
{
	uint64_t salt = ++mig_salt * 0x9e3779b97f4a7c15ULL;

	pool_init(p, size, n);
	for (unsigned int i = 0; i < p->n; i++) {
		if (madvise(pool_buf(p, i), size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
			die("madvise: %s", strerror(errno));
		pattern_fill(pool_buf(p, i), size, salt);
	}
	return salt;
}

static unsigned long mig_pool_thp_kib(const struct pool *p)
{
	unsigned long kib = 0;

	for (unsigned int i = 0; i < p->n; i++)
		kib += thp_kib(pool_buf(p, i));
	return kib;
}

static void mig_pool_check(const char *what, const struct pool *p, uint64_t salt)
{
	for (unsigned int i = 0; i < p->n; i++)
		pattern_check(what, pool_buf(p, i), pool_buf(p, i), p->size, salt);
}

/* One CPU read per page of every buffer: seconds. */
static double cpu_read_pages(const struct pool *p)
{
	uint64_t sum = 0;
	double t = now();

	for (unsigned int i = 0; i < p->n; i++)
		for (size_t off = 0; off < p->size; off += PAGE)
			sum += *(volatile const uint64_t *)((const char *)pool_buf(p, i) + off);
	t = now() - t;
	__asm__ __volatile__("" : : "r"(sum));
	return t;
}

/* SVM_BIND MIGRATE of all of [@buf, @buf + @size) to VRAM or the host. */
static void sim_migrate(int fd, void *buf, size_t size, bool to_vram)
{
	uint64_t target = to_vram ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM :
				    NOUVEAU_SVM_BIND_TARGET__HOST;
	uint64_t result = 0;
	int ret;

	ret = svm_plain_bind(fd, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, target,
			     (uintptr_t)buf, size, &result);
	if (ret)
		die("SVM_BIND MIGRATE of %zu KiB at %p to %s: %s", size >> 10, buf,
		    to_vram ? "VRAM" : "the host", strerror(-ret));
	if (result != size / PAGE)
		die("SVM_BIND MIGRATE of %zu KiB at %p to %s: result %llu pages, not %zu",
		    size >> 10, buf, to_vram ? "VRAM" : "the host",
		    (unsigned long long)result, size / PAGE);
}

/* A counter went up by @want between @a and @b, or the batch is void. */
static void counter_expect(const char *what, const uint64_t *a, const uint64_t *b,
			   int c, uint64_t want)
{
	if (b[c] - a[c] != want)
		die("%s: fdinfo %s went up by %llu, not %llu", what, svm_counter_names[c],
		    (unsigned long long)(b[c] - a[c]), (unsigned long long)want);
}

/* One batch of ours, @n buffers of @size, added to @m. */
static void ours_migrate_batch(int fd, size_t size, unsigned int n, enum mig_kind kind,
			       struct mig_sample *m)
{
	uint64_t c0[NCOUNTERS], c1[NCOUNTERS], c2[NCOUNTERS], pages, salt;
	double t_to, t_back;
	struct pool p;

	salt = mig_pool_init(&p, size, n, kind == MIG_THP);
	pages = (uint64_t)p.n * (size / PAGE);
	if (kind == MIG_THP)
		m->thp_kib += mig_pool_thp_kib(&p);
	read_counters(fd, c0);
	t_to = now();
	for (unsigned int i = 0; i < p.n; i++)
		sim_migrate(fd, pool_buf(&p, i), size, true);
	t_to = now() - t_to;
	read_counters(fd, c1);
	if (kind == MIG_CPU_FAULT) {
		t_back = cpu_read_pages(&p);
	} else {
		t_back = now();
		for (unsigned int i = 0; i < p.n; i++)
			sim_migrate(fd, pool_buf(&p, i), size, false);
		t_back = now() - t_back;
	}
	read_counters(fd, c2);
	mig_pool_check("ours, after the round trip", &p, salt);
	counter_expect("ours, to VRAM", c0, c1, C_TO_VRAM, pages);
	counter_expect("ours, to VRAM", c0, c1, C_COPY_FAILURES, 0);
	counter_expect("ours, back", c1, c2, C_TO_HOST, pages);
	counter_expect("ours, back", c1, c2, C_COPY_FAILURES, 0);
	/* A batch is in VRAM at once: an eviction would time something else. */
	counter_expect("ours, the round trip of a batch that fits in VRAM", c0, c2,
		       C_EVICTIONS, 0);
	m->t_to += t_to;
	m->t_back += t_back;
	m->buffers += p.n;
	m->batches++;
	m->launches_to += c1[C_COPY_LAUNCHES] - c0[C_COPY_LAUNCHES];
	m->launches_back += c2[C_COPY_LAUNCHES] - c1[C_COPY_LAUNCHES];
	m->thp_to += c1[C_THP_TO_VRAM] - c0[C_THP_TO_VRAM];
	m->thp_back += c2[C_THP_TO_HOST] - c1[C_THP_TO_HOST];
	m->evictions += c2[C_EVICTIONS] - c0[C_EVICTIONS];
	pool_fini(&p);
}

/* HMM_DMIRROR_MIGRATE_TO_DEV or _TO_SYS of [@buf, @buf + @size): its cpages. */
static uint64_t hmm_migrate(int fd, void *buf, size_t size, void *bounce, bool to_dev)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)buf, .ptr = (uintptr_t)bounce, .npages = size / PAGE,
	};

	if (ioctl(fd, to_dev ? HMM_DMIRROR_MIGRATE_TO_DEV : HMM_DMIRROR_MIGRATE_TO_SYS, &cmd))
		die("HMM_DMIRROR_MIGRATE_TO_%s of %zu KiB at %p: %s", to_dev ? "DEV" : "SYS",
		    size >> 10, buf, strerror(errno));
	return cmd.cpages;
}

/*
 * One batch of the peer, @n buffers of @size, added to @m.  MIGRATE_TO_DEV
 * also copies what the device holds out to @bounce (@n * @size bytes,
 * written already): test_hmm's way of showing what it migrated, checked
 * here too.
 */
static void peer_migrate_batch(int fd, size_t size, unsigned int n, enum mig_kind kind,
			       char *bounce, struct mig_sample *m)
{
	uint64_t cpages = 0, back = 0, pages, salt;
	double t_to, t_back;
	struct pool p;

	salt = mig_pool_init(&p, size, n, kind == MIG_THP);
	pages = (uint64_t)p.n * (size / PAGE);
	if (kind == MIG_THP)
		m->thp_kib += mig_pool_thp_kib(&p);
	t_to = now();
	for (unsigned int i = 0; i < p.n; i++)
		cpages += hmm_migrate(fd, pool_buf(&p, i), size, bounce + i * size, true);
	t_to = now() - t_to;
	if (cpages != pages)
		die("HMM_DMIRROR_MIGRATE_TO_DEV: %llu pages of %llu moved",
		    (unsigned long long)cpages, (unsigned long long)pages);
	for (unsigned int i = 0; i < p.n; i++)
		pattern_check("test_hmm, what the device read", bounce + i * size,
			      pool_buf(&p, i), size, salt);
	if (kind == MIG_CPU_FAULT) {
		t_back = cpu_read_pages(&p);
	} else {
		t_back = now();
		for (unsigned int i = 0; i < p.n; i++)
			back += hmm_migrate(fd, pool_buf(&p, i), size, bounce + i * size, false);
		t_back = now() - t_back;
	}
	/* Not checked for THP: test_hmm counts what it moved by entries. */
	if (kind == MIG_IOCTL && back != pages)
		die("HMM_DMIRROR_MIGRATE_TO_SYS: %llu pages of %llu moved",
		    (unsigned long long)back, (unsigned long long)pages);
	mig_pool_check("test_hmm, after the round trip", &p, salt);
	m->t_to += t_to;
	m->t_back += t_back;
	m->buffers += p.n;
	m->batches++;
	m->back_cpages += back;
	pool_fini(&p);
}

/* One sample of one side at @s: its buffers batch by batch; one batch to warm up. */
static void migrate_sample(int fd, bool peer, const struct mig_shape *s, enum mig_kind kind,
			   char *bounce, bool warmup)
{
	unsigned int left = warmup ? s->per_batch : s->buffers;
	const char *side = peer ? "peer" : "ours";
	struct mig_sample m = {};
	double bytes;

	while (left) {
		unsigned int n = left < s->per_batch ? left : s->per_batch;

		if (peer)
			peer_migrate_batch(fd, s->size, n, kind, bounce, &m);
		else
			ours_migrate_batch(fd, s->size, n, kind, &m);
		left -= n;
	}
	if (warmup)
		return;
	bytes = (double)m.buffers * s->size;
	if (mig_metric_to[kind])
		sample(mig_metric_to[kind], s->size, side, bytes / m.t_to / 1e9,
		       "\"pages_per_s\": %.9g, \"seconds\": %.9g, \"buffers\": %u, "
		       "\"batches\": %u, \"launches\": %llu, \"thp_folios\": %llu, "
		       "\"thp_kib_before\": %lu, \"evictions\": %llu, \"back_seconds\": %.9g, "
		       "\"back_cpages\": %llu",
		       bytes / PAGE / m.t_to, m.t_to, m.buffers, m.batches,
		       (unsigned long long)m.launches_to, (unsigned long long)m.thp_to,
		       m.thp_kib, (unsigned long long)m.evictions, m.t_back,
		       (unsigned long long)m.back_cpages);
	if (mig_metric_back[kind])
		sample(mig_metric_back[kind], s->size, side, bytes / m.t_back / 1e9,
		       "\"pages_per_s\": %.9g, \"seconds\": %.9g, \"buffers\": %u, "
		       "\"batches\": %u, \"launches\": %llu, \"thp_folios\": %llu, "
		       "\"thp_kib_before\": %lu, \"to_seconds\": %.9g, \"to_launches\": %llu, "
		       "\"evictions\": %llu, \"back_cpages\": %llu",
		       bytes / PAGE / m.t_back, m.t_back, m.buffers, m.batches,
		       (unsigned long long)m.launches_back, (unsigned long long)m.thp_back,
		       m.thp_kib, m.t_to, (unsigned long long)m.launches_to,
		       (unsigned long long)m.evictions, (unsigned long long)m.back_cpages);
}

static uint64_t sim_getparam(int fd, uint64_t param)
{
	struct drm_nouveau_getparam gp = { .param = param };

	if (ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp))
		return 0;
	return gp.value;
}

/* Why migration cannot be measured on this device, or NULL. */
static const char *migrate_unsupported(int fd, uint64_t *vram)
{
	uint64_t caps = sim_getparam(fd, NOUVEAU_GETPARAM_SVM_CAPS);

	*vram = sim_getparam(fd, NOUVEAU_GETPARAM_FB_SIZE);
	if (!(caps & NOUVEAU_SVM_CAP_MIGRATE_VRAM) || !(caps & NOUVEAU_SVM_CAP_MIGRATE_HOST))
		return "the device does not migrate to VRAM and back";
	if (*vram < THP_BYTES)
		return "the device has less VRAM than a huge page";
	return NULL;
}

/*
 * Where the destination of the memcpy floor starts, past the end of its
 * source.  Under TCG, a copy from 2 MiB up between buffers a power of two
 * of pages apart was measured at a third of the speed of the same copy a
 * few pages further, and glibc picks its copy loop by the distance too: the
 * floor is the fastest of these placements.
 */
static const size_t memcpy_gaps[] = { 0, 2 * PAGE, 17 * PAGE };
#define MEMCPY_GAPS	(sizeof(memcpy_gaps) / sizeof(memcpy_gaps[0]))
/* Bytes one measurement of the floor copies at least: some ten clock ticks. */
#define MEMCPY_FLOOR_BYTES	(64UL << 20)

/*
 * One sample of the memcpy floor of @size bytes in @buf (warm, 2 * @size
 * plus the largest gap): the fastest of the placements.
 */
static void memcpy_floor_sample(char *buf, size_t size)
{
	double t[MEMCPY_GAPS], best = 0;
	unsigned int iters, best_iters = 0;

	for (unsigned int g = 0; g < MEMCPY_GAPS; g++) {
		t[g] = memcpy_time(buf + size + memcpy_gaps[g], buf, size, MEMCPY_FLOOR_BYTES,
				   &iters);
		if (!g || t[g] < best) {
			best = t[g];
			best_iters = iters;
		}
	}
	sample("migrate-memcpy", size, "floor", size / best / 1e9,
	       "\"seconds\": %.9g, \"iters\": %u, \"gbps_gap0\": %.6g, "
	       "\"gbps_gap8k\": %.6g, \"gbps_gap68k\": %.6g",
	       best, best_iters, size / t[0] / 1e9, size / t[1] / 1e9, size / t[2] / 1e9);
}

/* Every kind of sample of both sides at @s, and the memcpy of its bytes. */
static void migrate_size(int sfd, int hfd, const struct mig_shape *s, char *bounce)
{
	size_t len = 2 * s->size + memcpy_gaps[MEMCPY_GAPS - 1];
	double ts = now();
	char *buf;

	buf = fresh(len);
	memset(buf, 2, len);
	for (int r = 0; r < reps; r++) {
		migrate_sample(sfd, false, s, MIG_IOCTL, NULL, false);
		migrate_sample(hfd, true, s, MIG_IOCTL, bounce, false);
		if (s->size <= MIGRATE_CPU_FAULT_MAX) {
			migrate_sample(sfd, false, s, MIG_CPU_FAULT, NULL, false);
			migrate_sample(hfd, true, s, MIG_CPU_FAULT, bounce, false);
		}
		if (s->size >= THP_BYTES) {
			migrate_sample(sfd, false, s, MIG_THP, NULL, false);
			migrate_sample(hfd, true, s, MIG_THP, bounce, false);
		}
		memcpy_floor_sample(buf, s->size);
	}
	munmap(buf, len);
	printf("migrate: %7zu KiB x %u buffers (%u per batch), %d reps: %.1f s\n",
	       s->size >> 10, s->buffers, s->per_batch, reps, now() - ts);
}

static void bench_migrate(void)
{
	static const size_t sizes[] = { 64UL << 10, 256UL << 10, 2UL << 20, 8UL << 20,
					32UL << 20, 128UL << 20, 256UL << 20 };
	static const enum mig_kind warm[] = { MIG_IOCTL, MIG_THP };
	struct mig_shape shapes[sizeof(sizes) / sizeof(sizes[0])];
	int sfd = sim_client(), hfd = hmm_client();
	unsigned int n = 0, largest = 0;
	size_t bounce_bytes = 0;
	const char *why;
	double t0 = now();
	uint64_t vram;
	char *bounce;

	why = migrate_unsupported(sfd, &vram);
	sample("migrate-vram-bytes", 0, "ours", vram, NULL);
	if (why) {
		printf("migrate: not measured: %s\n", why);
		sample("migrate-skipped", 0, "none", 0, "\"reason\": \"%s\"", why);
		goto out;
	}
	for (unsigned int s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct mig_shape *sh = &shapes[n];

		if (!mig_shape_init(sh, sizes[s], vram)) {
			printf("migrate: %zu KiB skipped: more than the %llu MiB of VRAM\n",
			       sizes[s] >> 10, (unsigned long long)(vram >> 20));
			sample("migrate-skipped", sizes[s], "none", 0,
			       "\"reason\": \"a buffer is more than the VRAM\"");
			continue;
		}
		if (sh->per_batch * sh->size > bounce_bytes)
			bounce_bytes = sh->per_batch * sh->size;
		if (sh->size > shapes[largest].size)
			largest = n;
		n++;
	}
	bounce = fresh(bounce_bytes);
	memset(bounce, 1, bounce_bytes);
	/*
	 * The first batches find the peer's device memory still to be made
	 * (test_hmm adds it in 256 MiB chunks, of small pages or of huge
	 * ones, as it runs out): one batch of the largest size of each kind.
	 */
	for (unsigned int k = 0; k < sizeof(warm) / sizeof(warm[0]); k++) {
		migrate_sample(sfd, false, &shapes[largest], warm[k], NULL, true);
		migrate_sample(hfd, true, &shapes[largest], warm[k], bounce, true);
	}
	printf("migrate: warm-up done in %.1f s\n", now() - t0);
	for (unsigned int s = 0; s < n; s++)
		migrate_size(sfd, hfd, &shapes[s], bounce);
	munmap(bounce, bounce_bytes);
	printf("migrate: done in %.1f s\n", now() - t0);
out:
	close(sfd);
	close(hfd);
}

int main(int argc, char **argv)
{
	size_t sizes[MAX_SIZES] = { 4UL << 10, 64UL << 10, 2UL << 20, 16UL << 20,
				    64UL << 20, 256UL << 20, 1UL << 30 };
	int nsizes = 7, opt;
	const char *path = NULL, *env;
	double budget = 240, atomic_secs = 0.3;
	char outpath[512];
	struct utsname u;
	struct timespec res;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "o:")) != -1) {
		if (opt == 'o')
			path = optarg;
		else
			die("usage: svm-bench [-o FILE]");
	}
	if ((env = getenv("NVSVM_BENCH_REPS")))
		reps = atoi(env) > 0 ? atoi(env) : reps;
	if ((env = getenv("NVSVM_BENCH_BUDGET")))
		budget = atof(env) > 0 ? atof(env) : budget;
	if ((env = getenv("NVSVM_BENCH_ATOMIC_SECS")))
		atomic_secs = atof(env) > 0 ? atof(env) : atomic_secs;
	if ((env = getenv("NVSVM_BENCH_SIZES")) && *env) {
		char *copy = strdup(env), *tok, *save;

		nsizes = 0;
		for (tok = strtok_r(copy, ",", &save); tok && nsizes < MAX_SIZES;
		     tok = strtok_r(NULL, ",", &save))
			if (strtoull(tok, NULL, 0) >= 4)
				sizes[nsizes++] = (strtoull(tok, NULL, 0) << 10) & ~(PAGE - 1);
		free(copy);
	}
	if (!path) {
		env = getenv("NVSVM_RESULTS");
		snprintf(outpath, sizeof(outpath), "%s/bench-raw.json", env ? env : ".");
		path = outpath;
	}
	out = fopen(path, "w");
	if (!out)
		die("%s: %s", path, strerror(errno));
	uname(&u);
	clock_getres(CLOCK_MONOTONIC, &res);
	fprintf(out, "{\"meta\": {\"kernel\": \"%s\", \"machine\": \"%s\", \"cpus\": %ld, "
		"\"reps\": %d, \"clock\": \"CLOCK_MONOTONIC\", \"clock_res_ns\": %ld, "
		"\"budget_s\": %.0f, \"fault_sample_bytes\": %lu, "
		"\"procs_size\": %lu, \"atomic_sample_s\": %.3g, "
		"\"migrate_sample_bytes\": %lu},\n"
		"\"samples\": [",
		u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), reps,
		res.tv_sec * 1000000000L + res.tv_nsec, budget, FAULT_SAMPLE_BYTES,
		PROCS_SIZE, atomic_secs, MIGRATE_SAMPLE_BYTES);
	t_start = now();
	printf("svm-bench: %d reps, fault sizes up to %zu KiB, budget %.0f s for them\n",
	       reps, sizes[nsizes - 1] >> 10, budget);

	bench_fault(sizes, nsizes, budget);
	bench_migrate();
	bench_atomic(atomic_secs);
	bench_procs();
	bench_chans();

	fprintf(out, "\n],\n\"total_s\": %.3f}\n", now() - t_start);
	if (fclose(out))
		die("%s: %s", path, strerror(errno));
	printf("svm-bench: done in %.1f s, raw samples in %s\n", now() - t_start, path);
	return 0;
}
