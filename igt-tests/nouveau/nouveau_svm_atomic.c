// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm atomic
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Atomics
 * Functionality: GPU atomics on system memory (device-exclusive access),
 *	their revocation by the CPU, the atomic policy, thrashing control
 * Description: GPU atomics on private anonymous memory work through
 *	device-exclusive pages that any CPU access takes back, with every
 *	add counted exactly; they are cancelled on memory that cannot be made
 *	exclusive (shared, read-only, refused by policy); a CPU and a GPU
 *	fighting over a page both make progress.  The subtests skip where the
 *	device cannot run atomics (old values and compare-and-swap need the
 *	simulated GPU).
 *
 * SUBTEST: atomic-add-malloc
 * Description: A job of 1000 GPU ATOMIC_ADDs on a malloc'd word, then a
 *	second one: each add returns the value before it, the first atomic
 *	on the page takes an atomic fault and a device-exclusive grant, the
 *	second job faults no more, and the CPU reads exactly the total.
 *
 * SUBTEST: atomic-cas-malloc
 * Description: A GPU compare-and-swap increment loop on a malloc'd word: a
 *	matching CAS stores and returns the old value, a non-matching one
 *	returns the value and leaves it, in separate jobs and in one.
 *
 * SUBTEST: atomic-cpu-gpu-interleaved
 * Description: Four CPU threads and the GPU add to one counter at the same
 *	time (8000 CPU and 2000 GPU adds): no add is lost, the GPU's old
 *	values only grow, and the CPU revokes the GPU's atomic access.
 *
 * SUBTEST: atomic-revoked-on-cpu-read
 * Description: A CPU read of a page the GPU holds for atomics revokes it
 *	(revocations, the GPU mapping goes); the CPU reads the GPU's results
 *	and the next GPU atomic faults and is granted again.
 *
 * SUBTEST: atomic-revoked-on-cpu-write
 * Description: A CPU write of a page the GPU holds for atomics revokes it;
 *	the next GPU atomic faults, is granted again and sees the CPU's value.
 *
 * SUBTEST: atomic-fork
 * Description: fork() while the GPU holds a page for atomics: the child does
 *	not inherit the device-exclusive entry, the parent's later GPU atomics
 *	go to the parent's memory only and the child's copy keeps the value
 *	it had at fork time.
 *
 * SUBTEST: atomic-mprotect
 * Description: mprotect(PROT_READ) of a page the GPU holds for atomics
 *	revokes it, a GPU atomic is then cancelled and changes nothing, and
 *	atomics work again once the page is writable.
 *
 * SUBTEST: atomic-munmap
 * Description: munmap() of a page the GPU holds for atomics revokes it; a
 *	GPU atomic at the old address is cancelled, and lands in new memory
 *	mapped there afterwards.
 *
 * SUBTEST: atomic-thp
 * Description: GPU atomics on 8 pages of a transparent huge page: each page
 *	is granted, the CPU reads all 512 pages back exactly, and the GPU
 *	reads the whole region as the CPU does.
 *
 * SUBTEST: atomic-shared-anon
 * Description: GPU atomics on shared anonymous memory, which cannot be made
 *	device-exclusive, are cancelled (-EFAULT) and change nothing; GPU
 *	reads of it work.
 *
 * SUBTEST: atomic-policy-refuse
 * Description: SVM_BIND ADVISE_ATOMIC with REFUSE revokes the atomic
 *	access the GPU holds in the range and cancels the next atomic there
 *	(the value stays), leaves the next page and plain GPU access alone;
 *	MIGRATE answers -EOPNOTSUPP without VRAM; DEVICE_EXCLUSIVE restores
 *	atomics.
 *
 * SUBTEST: atomic-zero-page
 * Description: A GPU atomic on memory the CPU has only read (the zero
 *	page) gets a page of its own: the result is exact, and the
 *	neighbouring page still reads zero.
 *
 * SUBTEST: atomic-fork-while-granting
 * Description: fork() in a loop while GPU atomics on a page of the process
 *	are granted and revoked (each fork takes the page back): no fork
 *	fails (a device-exclusive entry whose folio a grant still held
 *	locked made fork() fail with ENOMEM), and every add counts.
 *
 * SUBTEST: atomic-pingpong-bounded
 * Description: A CPU thread keeps adding to the counter the GPU adds to;
 *	every GPU job still finishes (the ping-pong is bounded) and the total
 *	is exact.
 *
 * SUBTEST: atomic-pingpong-slow-replay
 * Description: The same fight with a replay that takes 50 ms: the CPU
 *	thread takes each grant back before the GPU can use it, so the
 *	revocations must wait (atomic backoffs) for the replay and then the
 *	GPU's time slice; every GPU job finishes and the total is exact.
 *	Simulated GPU only (its replay_delay_us parameter).
 *
 * SUBTEST: atomic-turns-no-backoff
 * Description: A CPU and a GPU that take turns on a counter (a GPU atomic
 *	job, then a CPU read and write, twenty times) never thrash: each
 *	revocation comes after the GPU used its grant, and none waits for
 *	the time slice.
 *
 * SUBTEST: atomic-slice-starts-at-replay
 * Description: The GPU's atomic time slice starts when the replay of the
 *	batch that granted it returns: with a replay that returns a second
 *	after the grant and a half-second slice, a CPU write right after the
 *	GPU's atomic still waits for the slice (a backoff) when the page is
 *	thrashing (atomic_thrash_threshold 0 makes every page thrash).
 *	Simulated GPU only (its replay_delay_us parameter).
 *
 * SUBTEST: atomic-file-backed
 * Description: GPU atomics on a shared mapping of a file are cancelled
 *	(-EFAULT) and change neither the mapping nor the file; on a private
 *	mapping they work on the process's copy, as a CPU write would, and
 *	leave the file alone.
 *
 * SUBTEST: atomic-readonly-cancel
 * Description: GPU atomics on read-only memory are cancelled (-EFAULT), make
 *	nothing device-exclusive and change nothing; GPU reads of it work.
 *
 * SUBTEST: atomic-ksm
 * Description: Two identical pages that KSM merged into one: a GPU atomic
 *	on the first unshares it (a write fault) before taking it
 *	device-exclusive.  The result is exact, the twin page and the
 *	shared KSM page keep their contents, and a CPU read after the GPU's
 *	adds sees them.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "igt.h"
#include "svm_device.h"
#include "nouveau_svm_common.h"

IGT_TEST_DESCRIPTION("GPU atomics on system memory through the nouveau SVM uAPI.");

/* ------------------------------------------------------------------ */
/* GPU atomics on system memory                                        */
/* ------------------------------------------------------------------ */

/*
 * A page-aligned word inside a malloc'd buffer, with the whole page to
 * itself: malloc's own bookkeeping (and the fopen() of every counter read)
 * writes only outside it, so no CPU access but the test's own revokes the
 * GPU's atomic access to it.
 */
static uint64_t *malloc_own_page(void **buf)
{
	*buf = malloc(3 * ps);
	igt_assert(*buf);
	return (uint64_t *)(((uintptr_t)*buf + ps - 1) & ~(uintptr_t)(ps - 1));
}

/* The first atomic on a page took an atomic fault and a grant, no cancel. */
static void assert_granted(struct svm_counters d)
{
	assert_u64_lte(1, d.atomic_faults);
	assert_u64_lte(1, d.exclusive_grants);
	igt_assert_eq_u64(d.cancels, 0);
}

/* Atomics on a page the GPU already holds exclusively did not fault. */
static void assert_no_refault(struct svm_counters d)
{
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.atomic_faults, 0);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.revocations, 0);
	igt_assert_eq_u64(d.cancels, 0);
}

/*
 * GPU atomics on the word at @p, worth @expect, are refused: ATOMIC_ADD and
 * an ATOMIC_CAS whose @compare matches are each cancelled (-EFAULT), nothing
 * is made device-exclusive and the word keeps its value.
 */
static void assert_atomics_refused(int fd, uint64_t *p, uint64_t expect)
{
	struct svm_counters a, b, d;

	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, p, 1, NULL), -EFAULT);
	igt_assert_eq(gpu_atomic_cas(fd, p, expect, expect + 1, NULL), -EFAULT);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.cancels, 2);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(p), expect);
}

static void atomic_add_malloc(int fd)
{
	struct drm_nvsim_cmd *cmds = calloc(ATOMIC_N, sizeof(*cmds));
	const uint64_t base = 0x15000000000ull;
	struct svm_counters a, b, c;
	uint64_t *w;
	void *buf;

	igt_assert(cmds);
	w = malloc_own_page(&buf);
	cpu_write(&w[0], base);
	cpu_write(&w[1], 0x15100000000ull);

	/* One job of N adds of 3: the first faults, the others run. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 3);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));
	/* In order, each one seeing all those before it. */
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * i);

	/* A second job on the untouched exclusive page: no fault at all. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 7);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * ATOMIC_N + 7ull * i);

	/* The CPU sees exactly the total; the next word is untouched. */
	igt_assert_eq_u64(cpu_read(&w[0]), base + 10ull * ATOMIC_N);
	igt_assert_eq_u64(cpu_read(&w[1]), 0x15100000000ull);
	free(buf);
	free(cmds);
}

#define CAS_STEPS	100

static void atomic_cas_malloc(int fd)
{
	const uint64_t base = 0x16000000000ull;
	unsigned int done = 0, misses = 0, tries;
	struct svm_counters a, b;
	struct drm_nvsim_cmd cmds[3];
	uint64_t *w, expect = 0, old = 0;
	void *buf;

	w = malloc_own_page(&buf);
	cpu_write(&w[0], base);

	/*
	 * A lock-free increment on the GPU: CAS(expect, expect + 1), taking
	 * the old value as the next guess on a miss.  The first guess (0) is
	 * stale: exactly one miss.
	 */
	a = svm_counters(fd);
	for (tries = 0; done < CAS_STEPS && tries < 2 * CAS_STEPS; tries++) {
		igt_assert_eq(gpu_atomic_cas(fd, w, expect, expect + 1, &old), 0);
		if (old == expect) {
			done++;
			expect++;
		} else {
			misses++;
			expect = old;
		}
	}
	b = svm_counters(fd);
	igt_assert_eq(done, CAS_STEPS);
	igt_assert_eq(misses, 1);
	igt_assert_eq_u64(expect, base + CAS_STEPS);
	assert_granted(counters_delta(&a, &b));

	/* A CAS that does not match returns the value and leaves it. */
	igt_assert_eq(gpu_atomic_cas(fd, w, expect + 1, 0xdead, &old), 0);
	igt_assert_eq_u64(old, expect);
	igt_assert_eq(gpu_atomic_cas(fd, w, 0, 0xdead, &old), 0);
	igt_assert_eq_u64(old, expect);

	/* In one job: a hit, a miss on the old value, an add. */
	cmds[0] = gpu_cmd_atomic_cas(w, expect, expect + 1);
	cmds[1] = gpu_cmd_atomic_cas(w, expect, 0xbad);
	cmds[2] = gpu_cmd_atomic_add(w, 10);
	igt_assert_eq(gpu_submit(fd, cmds, 3), 0);
	igt_assert_eq_u64(cmds[0].result, expect);
	igt_assert_eq_u64(cmds[1].result, expect + 1);
	igt_assert_eq_u64(cmds[2].result, expect + 1);

	igt_assert_eq_u64(cpu_read(&w[0]), base + CAS_STEPS + 11);
	free(buf);
}

#define CPU_THREADS	4
#define CPU_ADDS	2000
#define GPU_JOBS	20
#define GPU_ADDS	100

struct adder {
	pthread_t thread;
	pthread_barrier_t *start;
	uint64_t *counter;
};

static void *cpu_adder(void *data)
{
	struct adder *t = data;

	pthread_barrier_wait(t->start);
	for (int i = 0; i < CPU_ADDS; i++)
		__atomic_fetch_add(t->counter, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Run one job of GPU_ADDS adds of 1; their old values keep increasing. */
static void gpu_adds(int fd, uint64_t *counter, uint64_t *last)
{
	struct drm_nvsim_cmd cmds[GPU_ADDS];

	for (int i = 0; i < GPU_ADDS; i++)
		cmds[i] = gpu_cmd_atomic_add(counter, 1);
	igt_assert_eq(gpu_submit(fd, cmds, GPU_ADDS), 0);
	for (int i = 0; i < GPU_ADDS; i++) {
		igt_assert_f(cmds[i].result >= *last,
			     "add %d: old value %" PRIu64 " after %" PRIu64 "\n",
			     i, (uint64_t)cmds[i].result, *last);
		*last = cmds[i].result + 1;
	}
}

static void atomic_cpu_gpu_interleaved(int fd)
{
	/* Static: a failed assert must not leave threads on a dead stack. */
	static struct adder t[CPU_THREADS];
	static pthread_barrier_t start;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t last = 0;

	cpu_write(counter, 0);

	/*
	 * The first job makes the page device-exclusive before the threads
	 * exist: their first add revokes it, so at least one revocation.
	 */
	a = svm_counters(fd);
	gpu_adds(fd, counter, &last);

	igt_assert_eq(pthread_barrier_init(&start, NULL, CPU_THREADS + 1), 0);
	for (int i = 0; i < CPU_THREADS; i++) {
		t[i].start = &start;
		t[i].counter = counter;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, cpu_adder,
					     &t[i]), 0);
	}
	pthread_barrier_wait(&start);
	for (int j = 1; j < GPU_JOBS; j++)
		gpu_adds(fd, counter, &last);
	for (int i = 0; i < CPU_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	b = svm_counters(fd);
	pthread_barrier_destroy(&start);

	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST),
			  CPU_THREADS * CPU_ADDS + GPU_JOBS * GPU_ADDS);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " atomic faults, %" PRIu64 " grants, %" PRIu64
		 " revocations\n", d.atomic_faults, d.exclusive_grants,
		 d.revocations);
	assert_granted(d);
	assert_u64_lte(1, d.revocations);
	munmap(counter, ps);
}

#define TIMESLICE_PARAM "/sys/module/nouveau_svm_core/parameters/atomic_timeslice_us"
#define REPLAY_DELAY_PARAM "/sys/module/nouveau_svm_sim/parameters/replay_delay_us"
#define THRASH_PARAM "/sys/module/nouveau_svm_core/parameters/atomic_thrash_threshold"

/* Set the core's atomic time slice; returns the old one. */
static long set_atomic_timeslice(long us)
{
	return svm_set_param(TIMESLICE_PARAM, us);
}

struct forker {
	unsigned int forks, failures;
	int error;
	bool stop;
};

/* fork() (the child exits at once) until told to stop; count failures. */
static void *forker(void *arg)
{
	struct forker *f = arg;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		if (pid < 0) {
			f->failures++;
			f->error = errno;
			continue;
		}
		waitpid(pid, NULL, 0);
		f->forks++;
	}
	return NULL;
}

static void atomic_fork_while_granting(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct forker f;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	const int jobs = 300;
	pthread_t thread;

	svm_require_atomics(fd);
	cpu_write(counter, 0);
	f = (struct forker){};
	igt_assert_eq(pthread_create(&thread, NULL, forker, &f), 0);
	for (int j = 0; j < jobs; j++)
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, NULL), 0);
	__atomic_store_n(&f.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	igt_info("%d GPU jobs, %u forks, %u failed (last errno %d)\n", jobs, f.forks,
		 f.failures, f.error);
	igt_assert_f(!f.failures, "%u of %u forks failed, the last with %s\n",
		     f.failures, f.forks + f.failures, strerror(f.error));
	assert_u64_lte(1, f.forks);
	igt_assert_eq_u64(cpu_read(counter), jobs);
	munmap(counter, ps);
}

static void atomic_pingpong_bounded(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct hammer h;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t old = 0;
	pthread_t thread;
	int jobs = 50;
	long slice;

	/*
	 * A slice long enough that the CPU thread comes back inside it even
	 * when it is scheduled late (one CPU, a 4 ms tick): the back-off is
	 * what is tested, not the scheduler.
	 */
	slice = set_atomic_timeslice(20000);
	cpu_write(counter, 0);
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);

	/*
	 * Every GPU job faults, is granted the page and has it revoked by
	 * the CPU thread at once: each must still finish (no livelock).
	 */
	for (int j = 0; j < jobs; j++)
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, &old), 0);
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	b = svm_counters(fd);

	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST), h.adds + jobs);
	d = counters_delta(&a, &b);
	igt_info("%d GPU jobs, %" PRIu64 " CPU adds: %" PRIu64 " grants, %" PRIu64
		 " revocations, %" PRIu64 " backoffs\n", jobs, h.adds,
		 d.exclusive_grants, d.revocations, d.atomic_backoffs);
	set_atomic_timeslice(slice);
	assert_u64_lte(1, h.adds);
	assert_u64_lte(1, d.revocations);
	igt_assert_eq_u64(d.cancels, 0);
	munmap(counter, ps);
}

/*
 * The same fight with a slow replay (50 ms): the CPU thread takes every
 * grant back before the replay returns, before the GPU can use it.  Only
 * the back-off lets a GPU job finish: its revocations wait for the replay
 * and then for the slice.  A core that let them through would livelock
 * the GPU until its jobs fail.
 */
static void atomic_pingpong_slow_replay(int fd)
{
	static struct hammer h;
	struct svm_counters a, b, d;
	uint64_t *counter = map_anon(ps, PROT_READ | PROT_WRITE);
	uint64_t old = 0;
	long slice, delay, threshold;
	pthread_t thread;
	int jobs = 5, ret = 0;

	igt_require(access(REPLAY_DELAY_PARAM, W_OK) == 0);
	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	delay = svm_set_param(REPLAY_DELAY_PARAM, 50000);
	slice = set_atomic_timeslice(20000);
	threshold = svm_set_param(THRASH_PARAM, 3);
	cpu_write(counter, 0);
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);
	/*
	 * A pause after each job, longer than the slice: the CPU thread has
	 * the page back before the next job, which needs a grant of its own.
	 */
	for (int j = 0; j < jobs && !ret; j++) {
		ret = gpu_atomic_add(fd, counter, 1, &old);
		usleep(40000);
	}
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);
	svm_set_param(REPLAY_DELAY_PARAM, delay);

	d = counters_delta(&a, &b);
	igt_info("%d GPU jobs, %" PRIu64 " CPU adds: %" PRIu64 " grants, %" PRIu64
		 " revocations, %" PRIu64 " backoffs\n", jobs, h.adds,
		 d.exclusive_grants, d.revocations, d.atomic_backoffs);
	igt_assert_eq(ret, 0);
	igt_assert_eq_u64(__atomic_load_n(counter, __ATOMIC_SEQ_CST), h.adds + jobs);
	assert_u64_lte(jobs, d.exclusive_grants);
	assert_u64_lte(jobs, d.revocations);
	/* The CPU came back before the GPU could use its grant: it waited. */
	assert_u64_lte(1, d.atomic_backoffs);
	munmap(counter, ps);
}

/*
 * A slow batch: the simulated GPU's replay returns a second after the
 * grant, and the slice is half a second.  The CPU writes the page as soon
 * as the GPU's atomic is done, well inside the slice counted from the
 * replay: it must wait (a back-off).  Counted from the grant, the slice
 * would be over before the GPU could use it.
 */
static void atomic_slice_starts_at_replay(int fd)
{
	uint64_t *word = map_anon(ps, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	uint64_t old = 0;
	long slice, delay, threshold;
	int ret;

	/* Probe first: nothing may skip once one parameter is set. */
	igt_require(access(REPLAY_DELAY_PARAM, W_OK) == 0);
	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	delay = svm_set_param(REPLAY_DELAY_PARAM, 1000000);
	slice = set_atomic_timeslice(500000);
	/* Every range thrashing: the slice applies after the replay too. */
	threshold = svm_set_param(THRASH_PARAM, 0);
	cpu_write(word, 0);
	ret = gpu_atomic_add(fd, word, 1, &old);
	svm_set_param(REPLAY_DELAY_PARAM, delay);
	a = svm_counters(fd);
	cpu_write(word, cpu_read(word) + 1);
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);

	igt_assert_eq(ret, 0);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " revocations, %" PRIu64 " backoffs\n",
		 d.revocations, d.atomic_backoffs);
	igt_assert_eq_u64(d.revocations, 1);
	igt_assert_eq_u64(d.atomic_backoffs, 1);
	igt_assert_eq_u64(cpu_read(word), 2);
	munmap(word, ps);
}

#define TURNS	20

/*
 * The CPU and the GPU take turns on a counter, each access done before
 * the other starts: the GPU's grant is always revoked after its replay,
 * inside the slice (20 ms: the CPU comes back well within it), and the
 * page never thrashes.  No revocation may wait: the back-off is for a CPU
 * that takes the page before the GPU could use it.
 */
static void atomic_turns_no_backoff(int fd)
{
	uint64_t *word = map_anon(ps, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	long slice, threshold;
	uint64_t old = 0;

	igt_require(access(TIMESLICE_PARAM, W_OK) == 0);
	igt_require(access(THRASH_PARAM, W_OK) == 0);
	slice = set_atomic_timeslice(20000);
	threshold = svm_set_param(THRASH_PARAM, 3);
	cpu_write(word, 0);
	a = svm_counters(fd);
	for (int i = 0; i < TURNS; i++) {
		igt_assert_eq(gpu_atomic_add(fd, word, 1, &old), 0);
		igt_assert_eq_u64(old, 2 * i);
		cpu_write(word, cpu_read(word) + 1);
	}
	b = svm_counters(fd);
	svm_set_param(THRASH_PARAM, threshold);
	set_atomic_timeslice(slice);

	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " grants, %" PRIu64 " revocations, %" PRIu64
		 " backoffs\n", d.exclusive_grants, d.revocations,
		 d.atomic_backoffs);
	igt_assert_eq_u64(cpu_read(word), 2 * TURNS);
	igt_assert_eq_u64(d.revocations, TURNS);
	igt_assert_eq_u64(d.atomic_backoffs, 0);
	munmap(word, ps);
}

static void atomic_policy_refuse(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	uint64_t old = 0;

	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	cpu_write(&w[0], 100);
	cpu_write(&w[ps / 8], 200);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), 0);
	igt_assert_eq_u64(old, 100);

	/* Refuse on the first page: its granted access is revoked too. */
	a = svm_counters(fd);
	igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__REFUSE), 0);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), -EFAULT);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.revocations);
	igt_assert_eq_u64(d.cancels, 1);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 101);

	/* The next page is not affected; plain GPU access to the first is. */
	igt_assert_eq(gpu_atomic_add(fd, &w[ps / 8], 1, &old), 0);
	igt_assert_eq_u64(old, 200);
	assert_gpu_reads(fd, w, ps);

	/* Migrating first needs VRAM, which this device does not have. */
	if (!(svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM))
		igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__MIGRATE),
			      -EOPNOTSUPP);

	/* Back to the default: atomics work again. */
	igt_assert_eq(__svm_advise_atomic(fd, w, ps, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 1, &old), 0);
	igt_assert_eq_u64(old, 101);
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 102);
	munmap(w, size);
}

#define KSM_SYSFS "/sys/kernel/mm/ksm/"

/* Read KSM's sysfs @knob; write @value to it unless it is negative. */
static long ksm_knob(const char *knob, long value)
{
	char path[128];
	long old = -1;
	FILE *f;

	snprintf(path, sizeof(path), KSM_SYSFS "%s", knob);
	f = fopen(path, value >= 0 ? "r+" : "r");
	igt_require_f(f, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(fscanf(f, "%ld", &old), 1);
	if (value >= 0) {
		rewind(f);
		igt_assert(fprintf(f, "%ld\n", value) > 0);
	}
	igt_assert_eq(fclose(f), 0);
	return old;
}

/* Pages of this process that map a KSM page (/proc/self/ksm_merging_pages). */
static long ksm_merging_pages(void)
{
	FILE *f = fopen("/proc/self/ksm_merging_pages", "r");
	long n = -1;

	igt_assert_f(f, "ksm_merging_pages: %s\n", strerror(errno));
	igt_assert_eq(fscanf(f, "%ld", &n), 1);
	fclose(f);
	return n;
}

/* Let ksmd merge until @want pages of ours are merged, at most 20 s. */
static void ksm_wait_merged(long want)
{
	for (int i = 0; i < 2000 && ksm_merging_pages() < want; i++)
		usleep(10000);
	igt_assert_f(ksm_merging_pages() >= want,
		     "KSM merged %ld of %ld pages\n", ksm_merging_pages(), want);
}

static void fill_twin(uint64_t *page, uint64_t first)
{
	page[0] = first;
	for (size_t i = 1; i < ps / 8; i++)
		page[i] = 0x6b736d0000000000ull | i;
}

static void atomic_ksm(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	uint64_t *twin = &w[ps / 8];
	long run, sleep_ms, scan;
	struct svm_counters a, b;
	uint64_t old = 0;

	/* Two identical pages, which ksmd merges into one write-protected page. */
	fill_twin(w, 1000);
	fill_twin(twin, 1000);
	igt_assert_eq(madvise(w, size, MADV_MERGEABLE), 0);
	sleep_ms = ksm_knob("sleep_millisecs", 0);
	scan = ksm_knob("pages_to_scan", 4096);
	run = ksm_knob("run", 1);
	ksm_wait_merged(2);
	igt_info("%ld pages merged, %ld KSM pages shared\n", ksm_merging_pages(),
		 ksm_knob("pages_shared", -1));

	a = svm_counters(fd);
	for (int i = 0; i < 5; i++)
		igt_assert_eq(gpu_atomic_add(fd, &w[0], 3, &old), 0);
	b = svm_counters(fd);
	ksm_knob("run", run);
	ksm_knob("pages_to_scan", scan);
	ksm_knob("sleep_millisecs", sleep_ms);

	igt_assert_eq_u64(old, 1012);
	assert_granted(counters_delta(&a, &b));
	/* The GPU's page is the process's own now; the twin is untouched. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 1015);
	igt_assert_eq_u64(twin[0], 1000);
	for (size_t i = 1; i < ps / 8; i++) {
		igt_assert_eq_u64(w[i], 0x6b736d0000000000ull | i);
		igt_assert_eq_u64(twin[i], 0x6b736d0000000000ull | i);
	}
	igt_assert_eq(madvise(w, size, MADV_UNMERGEABLE), 0);
	munmap(w, size);
}

static void atomic_zero_page(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;
	uint64_t old = 1;

	/* The CPU only reads: both pages map the shared zero page. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 0);
	igt_assert_eq_u64(__atomic_load_n(&w[ps / 8], __ATOMIC_SEQ_CST), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 11, &old), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(old, 0);
	assert_granted(counters_delta(&a, &b));

	/* The page got a copy of its own; the other one is still zero. */
	igt_assert_eq_u64(__atomic_load_n(&w[0], __ATOMIC_SEQ_CST), 11);
	igt_assert_eq_u64(__atomic_load_n(&w[ps / 8], __ATOMIC_SEQ_CST), 0);
	munmap(w, size);
}

static void atomic_revoked_on_cpu(int fd, bool write)
{
	uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x17000000000ull, stored = 0x17100000000ull;
	struct svm_counters a, b, c, d, e;
	uint64_t old = 0, now;

	cpu_write(&w[0], base);
	cpu_write(&w[1], base + 1);
	cpu_write(&w[2], base + 2);

	/* The GPU takes the page for atomics... */
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, base);
	igt_assert_eq(gpu_atomic_add(fd, &w[1], 9, &old), 0);
	igt_assert_eq_u64(old, base + 1);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	/* ...and keeps it while the CPU stays away. */
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, base + 5);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));
	assert_u64_lte(1, c.gpu_pages);

	/* One CPU access takes it back: the range leaves the GPU. */
	if (write) {
		cpu_write(&w[0], stored);
		now = stored;
	} else {
		now = cpu_read(&w[0]);
		igt_assert_eq_u64(now, base + 10);
	}
	d = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&c, &d).revocations);
	igt_assert_f(d.gpu_pages < c.gpu_pages,
		     "GPU pages %" PRIu64 " -> %" PRIu64 " over a revocation\n",
		     c.gpu_pages, d.gpu_pages);
	/* The CPU sees the GPU's results. */
	igt_assert_eq_u64(cpu_read(&w[1]), base + 1 + 9);
	igt_assert_eq_u64(cpu_read(&w[2]), base + 2);

	/* The next GPU atomic faults again, gets a new grant, sees the CPU. */
	igt_assert_eq(gpu_atomic_add(fd, &w[0], 5, &old), 0);
	igt_assert_eq_u64(old, now);
	e = svm_counters(fd);
	assert_granted(counters_delta(&d, &e));
	igt_assert_eq_u64(cpu_read(&w[0]), now + 5);
	munmap(w, ps);
}

static void atomic_fork(int fd)
{
	uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x18000000000ull;
	const uint64_t at_fork = base + 6;
	struct svm_counters a, b, c;
	uint64_t old = 0;
	int go[2];
	char ch = 0;

	cpu_write(&w[0], base);
	cpu_write(&w[1], base + 1);
	igt_assert_eq(pipe(go), 0);

	/* Exclusive to the GPU at fork time. */
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 2, NULL), 0);
	igt_assert_eq(gpu_atomic_add(fd, w, 4, &old), 0);
	igt_assert_eq_u64(old, base + 2);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &ch, 1), 1);
		/* The parent's GPU atomics since fork did not reach the child. */
		igt_assert_eq_u64(cpu_read(&w[0]), at_fork);
		igt_assert_eq_u64(cpu_read(&w[1]), base + 1);
		/* Its own copy is its own to write. */
		cpu_write(&w[0], 0xc41dull);
		igt_assert_eq_u64(cpu_read(&w[0]), 0xc41dull);
	}
	close(go[0]);

	/* fork() took the atomic access away: it breaks COW from here. */
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).revocations);

	/* The parent's GPU atomics go on, on the parent's memory. */
	igt_assert_eq(gpu_atomic_add(fd, w, 10, &old), 0);
	igt_assert_eq_u64(old, at_fork);
	igt_assert_eq(gpu_atomic_add(fd, w, 20, &old), 0);
	igt_assert_eq_u64(old, at_fork + 10);
	b = svm_counters(fd);
	assert_granted(counters_delta(&c, &b));

	igt_assert_eq(write(go[1], &ch, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* The child's write did not reach the parent; the GPU's did. */
	igt_assert_eq_u64(cpu_read(&w[0]), at_fork + 30);
	igt_assert_eq_u64(cpu_read(&w[1]), base + 1);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, &old), 0);
	igt_assert_eq_u64(old, at_fork + 30);
	igt_assert_eq_u64(cpu_read(&w[0]), at_fork + 31);
	munmap(w, ps);
}

static void atomic_mprotect(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	const uint64_t base = 0x19000000000ull;
	struct svm_counters a, b, c, d;
	uint64_t old = 0;

	svm_pattern(w, size, base);
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, &old), 0);
	igt_assert_eq_u64(old, base);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	/* Read-only: the atomic access goes. */
	igt_assert_eq(mprotect(w, size, PROT_READ), 0);
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).revocations);

	/* Atomics need write access: cancelled, nothing changes. */
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, NULL), -EFAULT);
	d = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &d).cancels, 1);
	igt_assert_eq_u64(counters_delta(&c, &d).exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(&w[0]), base + 0x100);
	svm_assert_pattern(&w[1], size - 8, base + 1);

	/* Writable again: atomics work again. */
	igt_assert_eq(mprotect(w, size, PROT_READ | PROT_WRITE), 0);
	igt_assert_eq(gpu_atomic_add(fd, w, 0x100, &old), 0);
	igt_assert_eq_u64(old, base + 0x100);
	a = svm_counters(fd);
	assert_granted(counters_delta(&d, &a));
	igt_assert_eq_u64(cpu_read(&w[0]), base + 0x200);
	svm_assert_pattern(&w[1], size - 8, base + 1);
	munmap(w, size);
}

static void atomic_munmap(int fd)
{
	size_t size = 2 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;
	uint64_t old = 0;
	void *q;

	cpu_write(w, 0x1a000000000ull);
	a = svm_counters(fd);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, &old), 0);
	igt_assert_eq_u64(old, 0x1a000000000ull);
	b = svm_counters(fd);
	assert_granted(counters_delta(&a, &b));

	igt_assert_eq(munmap(w, size), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	assert_u64_lte(1, d.revocations);
	assert_u64_lte(1, d.invalidations);

	/* Nothing there any more: cancelled. */
	igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), -EFAULT);
	a = svm_counters(fd);
	d = counters_delta(&c, &a);
	igt_assert_eq_u64(d.cancels, 1);
	igt_assert_eq_u64(d.exclusive_grants, 0);

	/* New memory at the address: the GPU's atomics land there. */
	q = mmap(w, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(q == w);
	igt_assert_eq(gpu_atomic_add(fd, w, 7, &old), 0);
	igt_assert_eq_u64(old, 0);
	igt_assert_eq_u64(cpu_read(w), 7);
	munmap(q, size);
}

#define THP_TARGETS	8

/* Whether [p, p + size) lies in a VMA with at least @size of THPs. */
static void atomic_thp(int fd)
{
	size_t npages = THP_SIZE / ps;
	struct drm_nvsim_cmd cmds[THP_TARGETS];
	size_t target[THP_TARGETS];
	struct svm_counters a, b, c, d;
	char *raw, *p;
	bool thp;

	/* 2 MiB aligned, inside a mapping twice that size. */
	raw = map_anon(2 * THP_SIZE, PROT_READ | PROT_WRITE);
	p = (char *)(((uintptr_t)raw + THP_SIZE - 1) & ~(uintptr_t)(THP_SIZE - 1));
	thp = !madvise(p, THP_SIZE, MADV_HUGEPAGE);
	/* The CPU's first touch makes it a THP. */
	for (size_t i = 0; thp && i < npages; i++)
		cpu_write((uint64_t *)(p + i * ps), 0x1b000000000ull + i);
	thp = thp && svm_thp_backed(p, THP_SIZE);
	if (!thp)
		munmap(raw, 2 * THP_SIZE);
	igt_require_f(thp, "no THP at %p (THP off, or no free 2 MiB)\n", p);

	/* The first word of 8 pages spread from the first to the last. */
	for (int k = 0; k < THP_TARGETS; k++) {
		target[k] = k * (npages - 1) / (THP_TARGETS - 1);
		cmds[k] = gpu_cmd_atomic_add(p + target[k] * ps, k + 1);
	}
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, THP_TARGETS), 0);
	for (int k = 0; k < THP_TARGETS; k++)
		igt_assert_eq_u64(cmds[k].result, 0x1b000000000ull + target[k]);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_granted(d);
	assert_u64_lte(THP_TARGETS, d.exclusive_grants);

	/* Again: every page is the GPU's already. */
	igt_assert_eq(gpu_submit(fd, cmds, THP_TARGETS), 0);
	for (int k = 0; k < THP_TARGETS; k++)
		igt_assert_eq_u64(cmds[k].result,
				  0x1b000000000ull + target[k] + k + 1);
	c = svm_counters(fd);
	assert_no_refault(counters_delta(&b, &c));

	/* The CPU reads every page back: the targets twice added to. */
	for (size_t i = 0, k = 0; i < npages; i++) {
		uint64_t expect = 0x1b000000000ull + i;

		if (k < THP_TARGETS && target[k] == i)
			expect += 2 * (++k);
		igt_assert_f(cpu_read((uint64_t *)(p + i * ps)) == expect,
			     "page %zu: %#" PRIx64 ", expected %#" PRIx64 "\n", i,
			     cpu_read((uint64_t *)(p + i * ps)), expect);
	}
	d = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&c, &d).revocations);
	/* And the GPU reads the whole region as the CPU does. */
	assert_gpu_reads(fd, p, THP_SIZE);
	munmap(raw, 2 * THP_SIZE);
}

static void atomic_shared_anon(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	igt_assert(w != MAP_FAILED);
	svm_pattern(w, size, 0x1c000000000ull);
	assert_atomics_refused(fd, &w[ps / 8], 0x1c000000000ull + ps / 8);
	svm_assert_pattern(w, size, 0x1c000000000ull);
	/* Only atomics: the GPU reads it as before. */
	assert_gpu_reads(fd, w, size);
	munmap(w, size);
}

static void atomic_file_backed(int fd)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	const uint64_t base = 0x1d000000000ull;
	size_t size = 4 * ps;
	void *data = malloc(size);
	uint64_t *shared, *private, word = 0;
	int file;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, base);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);

	/* MAP_SHARED: the page cache itself. */
	shared = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	igt_assert(shared != MAP_FAILED);
	assert_atomics_refused(fd, &shared[ps / 8], base + ps / 8);
	svm_assert_pattern(shared, size, base);
	igt_assert_eq(pread(file, &word, 8, ps), 8);
	igt_assert_eq_u64(word, base + ps / 8);
	assert_gpu_reads(fd, shared, size);

	/*
	 * MAP_PRIVATE: an atomic writes, so it works on the process's private
	 * copy of the page, as a CPU write would, and the file is untouched.
	 */
	private = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, file, 0);
	igt_assert(private != MAP_FAILED);
	svm_assert_pattern(private, size, base);
	igt_assert_eq(gpu_atomic_add(fd, &private[2 * ps / 8], 5, &word), 0);
	igt_assert_eq_u64(word, base + 2 * ps / 8);
	igt_assert_eq_u64(private[2 * ps / 8], base + 2 * ps / 8 + 5);
	igt_assert_eq(pread(file, &word, 8, 2 * ps), 8);
	igt_assert_eq_u64(word, base + 2 * ps / 8);

	munmap(shared, size);
	munmap(private, size);
	close(file);
	free(data);
}

static void atomic_readonly_cancel(int fd)
{
	size_t size = 4 * ps;
	uint64_t *w = map_anon(size, PROT_READ | PROT_WRITE);

	svm_pattern(w, size, 0x1e000000000ull);
	igt_assert_eq(mprotect(w, size, PROT_READ), 0);
	assert_atomics_refused(fd, &w[ps / 8], 0x1e000000000ull + ps / 8);
	svm_assert_pattern(w, size, 0x1e000000000ull);
	assert_gpu_reads(fd, w, size);
	munmap(w, size);
}

igt_main
{
	int fd = -1;

	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	/* GPU work: the simulated GPU, or nouveau through the device layer. */
	igt_subtest_group {
		igt_fixture
			fd = svm_open_gpu();

		/* GPU atomics on system memory. */
		igt_subtest_group {
			igt_fixture
				svm_require_atomics(fd);

			igt_describe("GPU atomic adds on malloc'd memory.");
			igt_subtest("atomic-add-malloc")
				atomic_add_malloc(fd);

			igt_describe("GPU compare-and-swap on malloc'd memory.");
			igt_subtest("atomic-cas-malloc")
				atomic_cas_malloc(fd);

			igt_describe("CPU threads and the GPU add to one counter.");
			igt_subtest("atomic-cpu-gpu-interleaved")
				atomic_cpu_gpu_interleaved(fd);

			igt_describe("A CPU read revokes the GPU's atomic access.");
			igt_subtest("atomic-revoked-on-cpu-read")
				atomic_revoked_on_cpu(fd, false);

			igt_describe("A CPU write revokes the GPU's atomic access.");
			igt_subtest("atomic-revoked-on-cpu-write")
				atomic_revoked_on_cpu(fd, true);

			igt_describe("fork() while the GPU holds a page for atomics.");
			igt_subtest("atomic-fork")
				atomic_fork(fd);

			igt_describe("mprotect() revokes atomic access; atomics then cancel.");
			igt_subtest("atomic-mprotect")
				atomic_mprotect(fd);

			igt_describe("munmap() revokes atomic access; atomics then cancel.");
			igt_subtest("atomic-munmap")
				atomic_munmap(fd);

			igt_describe("GPU atomics on a transparent huge page.");
			igt_subtest("atomic-thp")
				atomic_thp(fd);

			igt_describe("GPU atomics on shared anonymous memory are cancelled.");
			igt_subtest("atomic-shared-anon")
				atomic_shared_anon(fd);

			igt_describe("ADVISE_ATOMIC REFUSE cancels GPU atomics in its range, and only there.");
			igt_subtest("atomic-policy-refuse")
				atomic_policy_refuse(fd);

			igt_describe("A GPU atomic on a page that maps the zero page.");
			igt_subtest("atomic-zero-page")
				atomic_zero_page(fd);

			igt_describe("fork() while GPU atomics are granted: no fork fails.");
			igt_subtest("atomic-fork-while-granting")
				atomic_fork_while_granting(fd);

			igt_describe("A page the CPU keeps taking back: every GPU atomic finishes.");
			igt_subtest("atomic-pingpong-bounded")
				atomic_pingpong_bounded(fd);

			igt_describe("A CPU thread fighting the GPU over a page, with a slow replay.");
			igt_subtest("atomic-pingpong-slow-replay")
				atomic_pingpong_slow_replay(fd);

			igt_describe("A CPU and a GPU taking turns on a page never back off.");
			igt_subtest("atomic-turns-no-backoff")
				atomic_turns_no_backoff(fd);

			igt_describe("The atomic time slice starts at the replay, not at the grant.");
			igt_subtest("atomic-slice-starts-at-replay")
				atomic_slice_starts_at_replay(fd);

			igt_describe("GPU atomics: refused on shared file mappings, private copies on private ones.");
			igt_subtest("atomic-file-backed")
				atomic_file_backed(fd);

			igt_describe("GPU atomics on read-only memory are cancelled.");
			igt_subtest("atomic-readonly-cancel")
				atomic_readonly_cancel(fd);

			igt_describe("GPU atomics on a page KSM merged: unshared first, exact.");
			igt_subtest("atomic-ksm")
				atomic_ksm(fd);
		}

		igt_fixture
			close(fd);
	}
}
