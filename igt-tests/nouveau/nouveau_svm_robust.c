// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm robust
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Robustness
 * Functionality: GPU atomics on large folios and around device memory,
 *	SVM_BIND over huge and never-touched ranges, fatal signals, memory
 *	cgroups, device memory shared with a child after fork(), device
 *	memory under the dmem cgroup controller
 * Description: The nouveau SVM core against what a real GPU and a hostile
 *	or careless process do: several atomic faults on one huge page in one
 *	batch, atomics around a page in VRAM, requests over terabytes of
 *	address space that must stay killable, bounded and charged to the
 *	caller's memory cgroup, and device memory shared with a child that
 *	must not stay pinned when the process that moved it exits.  Each
 *	subtest is the regression test of a defect the simulated GPU once let
 *	through.  GPU work needs the simulated GPU (its engine puts the faults
 *	of neighbouring commands in one batch, as a GPU's threads do).
 *
 * SUBTEST: atomic-thp-neighbours-one-batch
 * Description: GPU atomics on pages 0 and 1 of one transparent huge page
 *	fault in one batch and are both granted: the job ends, the old values
 *	are exact and the CPU sees both adds.
 *
 * SUBTEST: atomic-around-vram-page
 * Description: GPU atomics on the pages before and after a page in VRAM,
 *	in one range and one batch, are granted: the job ends instead of
 *	faulting for ever, the values are exact, the page in VRAM stays there.
 *
 * SUBTEST: migrate-beyond-vram-untouched
 * Description: MIGRATE to VRAM of 1 TiB of never-touched memory fills VRAM
 *	and returns a partial result: it evicts nothing it moved itself, and
 *	copies nothing back to system memory.
 *
 * SUBTEST: migrate-resident-moves-nothing
 * Description: MIGRATE to VRAM of memory that fills VRAM and is all
 *	there already, whole or with a page in system memory: the pages in
 *	VRAM stay where they are (nothing is evicted, copied back or copied
 *	again, no VRAM is allocated for them), the page outside moves, and
 *	the result counts every page.
 *
 * SUBTEST: migrate-counts-around-pinned-page
 * Description: MIGRATE to VRAM of 2 MiB of small pages, one of them held
 *	by a pipe (vmsplice), which no migration can move: the other 511
 *	move, and the result counts them.
 *
 * SUBTEST: migrate-counts-what-stays
 * Description: MIGRATE to VRAM of a range one and a half times VRAM, the
 *	first third of it in VRAM already: the request's later pieces evict
 *	those pages, and the result counts only what is in VRAM when it
 *	returns, never more than VRAM holds.
 *
 * SUBTEST: bind-killable
 * Description: A process killed in the middle of a PREFETCH over 1 TiB
 *	dies within seconds.
 *
 * SUBTEST: prefetch-charged-to-cgroup
 * Description: A PREFETCH over 16 GiB of read-only MAP_NORESERVE memory
 *	(every page the zero page) from a process in a 1 GiB memory cgroup:
 *	what the kernel allocates for it (page tables, ranges, DMA arrays, GPU
 *	page tables: about 160 MiB, more on a debug kernel) is charged to that
 *	cgroup.
 *
 * SUBTEST: vram-charged-to-cgroup
 * Description: The VRAM a process moves with MIGRATE is charged to its
 *	dmem cgroup, in the device's region, to the byte, and uncharged when
 *	it moves back.
 *
 * SUBTEST: vram-fault-charged-to-cgroup
 * Description: The VRAM a GPU atomic fault moves (ADVISE_ATOMIC MIGRATE),
 *	in the fault worker and not in the process, is charged to the
 *	process's dmem cgroup all the same.
 *
 * SUBTEST: vram-cgroup-limit-evicts-own
 * Description: Two processes in two dmem cgroups with limits: the one that
 *	asks for more than its limit gets its own older pages evicted, then a
 *	partial MIGRATE; it never holds more than its limit, and the other's
 *	pages stay in VRAM untouched.  All data stays exact.
 *
 * SUBTEST: vram-cgroup-fair-share
 * Description: Two processes in one dmem cgroup at its limit, one holding
 *	three times what the other does: when the smaller one moves more to
 *	VRAM, the pages evicted for it are the larger one's, though its own
 *	are older.
 *
 * SUBTEST: vram-cgroup-max-lowered
 * Description: Lowering a dmem cgroup's dmem.max below what it holds in
 *	VRAM evicts the excess before the write returns; the data is exact.
 *
 * SUBTEST: vram-cgroup-zero-limit
 * Description: With dmem.max 0, MIGRATE to VRAM fails with -ENOMEM, and
 *	GPU access and GPU atomics with ADVISE_ATOMIC MIGRATE go on in system
 *	memory.
 *
 * SUBTEST: stuck-fault-others-go-on
 * Description: While the GPU faults on a FUSE file whose reads never
 *	complete, another client sets SVM up and tears it down as usual.
 *
 * SUBTEST: fork-vram-parent-exits
 * Description: A process moves memory to VRAM, forks a child that keeps it
 *	mapped and exits: its VRAM is released (the child's pages go back to
 *	system memory), the child's data is intact, and a new client gets all
 *	of VRAM.
 *
 * SUBTEST: fault-outlives-its-vm
 * Description: A fault the worker fetched before its client closed is not
 *	served on the client that SVM_INITs next: with the simulated GPU's
 *	fetch made slow (fetch_delay_us), client A's fault is in the
 *	worker's hands when A closes and B starts; B must see no fault.
 *
 * SUBTEST: vram-moves-on-resume
 * Description: A suspend and resume as the hardware backend's (simulated:
 *	nvsim_resume_moved in debugfs): every GPU mapping goes, system memory
 *	and VRAM alike, everything in VRAM goes back to system memory, since
 *	VRAM does not keep its contents while the device sleeps, and the
 *	simulated VRAM comes back at another GPU address, so that a stale
 *	mapping would read the wrong bytes; the GPU then faults and reads
 *	every byte right; twice.
 *
 * SUBTEST: vram-chunks-given-back
 * Description: Device memory is borrowed in 2 MiB chunks only when a
 *	migration needs it and given back when its last page goes: none is
 *	held before, three after moving 6 MiB, a fourth for 4 KiB more, one
 *	once the 6 MiB are unmapped, none once all is.
 *
 * SUBTEST: vram-taken-back-by-other-user
 * Description: Another user of VRAM (graphics on a GPU; simulated with
 *	DRM_NVSIM_INJECT_VRAM_TAKE) takes all of it back while SVM holds
 *	8 MiB there: SVM's pages are evicted first, every byte comes back to
 *	system memory exact, no SVM VRAM is left; MIGRATE then fails with
 *	-ENOMEM at once (one chunk asked for, not a loop of them), and once
 *	the VRAM is given back it moves everything again.
 *
 * SUBTEST: vram-taken-least-recently-used
 * Description: Another VRAM user that needs room takes back the chunk the
 *	GPU mapped least recently, as TTM evicts the least recently used
 *	buffer: of two buffers in VRAM, the one the GPU mapped again last
 *	stays, and the other is evicted, its data exact.
 *
 * SUBTEST: vram-evicted-as-its-mapper-dies
 * Description: Another VRAM user takes back a chunk whose only mapper, the
 *	process that moved it there, is killed while the eviction's copy
 *	back is under way (made slow: copy_delay_us): the eviction finishes
 *	without touching what the exit freed (with KASAN, a report taints the
 *	kernel and fails the test), and all of VRAM is free and usable after.
 *
 * SUBTEST: vram-evicted-as-a-child-mapper-dies
 * Description: As vram-evicted-as-its-mapper-dies, but the process that
 *	moved the memory to VRAM has forked and exited: its child, which the
 *	eviction reaches only through the pages, is the mapper killed.
 *
 * SUBTEST: vram-shared-with-other-user
 * Description: Nothing is reserved for SVM: with another user holding
 *	half of VRAM, a MIGRATE of all of VRAM moves the other half and
 *	evicts nothing of its own; once that user lets go, the rest moves.
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/fuse.h>

#include "igt.h"
#include "svm_device.h"

IGT_TEST_DESCRIPTION("The nouveau SVM core against hostile and careless use.");

#define THP_SIZE	(2ull << 20)
#define HUGE_RANGE	(1ull << 40)
/* How long device memory may take to be released after its last user. */
#define VRAM_RELEASE_MS	10000
/* How long a killed process may take to die. */
#define DEATH_MS	10000
/*
 * How long one that has 16 GiB mapped on the GPU page by page may take:
 * every page's DMA mapping is undone on its own, as through a real IOMMU.
 */
#define TEARDOWN_MS	120000
#define CGROOT		"/sys/fs/cgroup"

static size_t ps;

static void *map_anon(size_t size, int prot, int flags)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* @size of anonymous memory aligned to @align, nothing mapped around it. */
static char *map_aligned(size_t size, size_t align)
{
	char *raw = map_anon(size + align, PROT_READ | PROT_WRITE, 0);
	char *p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));

	if (p > raw)
		munmap(raw, p - raw);
	if (raw + size + align > p + size)
		munmap(p + size, raw + size + align - (p + size));
	return p;
}

static uint64_t cpu_read(const void *p)
{
	return __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
}

/* The counters of @fd now, minus @a, logged. */
static struct svm_counters counters_since(int fd, const struct svm_counters *a)
{
	struct svm_counters b = svm_counters(fd);

	svm_counters_log_delta(igt_subtest_name(), a, &b);
	return svm_counters_sub(&b, a);
}

/* A fresh client of the simulated GPU, SVM on. */
static int sim_client(void)
{
	int fd = svm_open();

	svm_require_sim(fd, "GPU work whose faults of several commands share a batch");
	svm_init(fd, 0, 0);
	return fd;
}

/* ------------------------------------------------------------------ */
/* GPU atomics                                                         */
/* ------------------------------------------------------------------ */

/*
 * Atomics on pages 0 and 1 of a fresh THP; the job must end with both adds
 * exact.  Returns whether both faults came in one batch: the fault worker
 * may be running already (a GPU's faults arrive while it serves), and
 * then it may take the first before the second is posted.
 */
static bool atomic_thp_neighbours_once(int fd)
{
	char *p = map_aligned(THP_SIZE, THP_SIZE);
	struct drm_nvsim_cmd cmds[2];
	struct svm_counters a, d;
	uint64_t old0, old1;
	bool thp;

	/* The CPU's first touch, after the advice, makes it a THP. */
	thp = !madvise(p, THP_SIZE, MADV_HUGEPAGE);
	if (thp)
		svm_pattern(p, THP_SIZE, 0x31000000);
	thp = thp && svm_thp_backed(p, THP_SIZE);
	if (!thp)
		munmap(p, THP_SIZE);
	igt_require_f(thp, "no THP at %p (THP off, or no free 2 MiB)\n", p);
	old0 = cpu_read(p);
	old1 = cpu_read(p + ps);

	/* Both atomics miss at once: one batch, two pages of one folio. */
	cmds[0] = gpu_cmd_atomic_add(p, 1);
	cmds[1] = gpu_cmd_atomic_add(p + ps, 2);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, 2), 0);
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(cmds[0].result, old0);
	igt_assert_eq_u64(cmds[1].result, old1);

	igt_assert_eq_u64(cpu_read(p), old0 + 1);
	igt_assert_eq_u64(cpu_read(p + ps), old1 + 2);
	munmap(p, THP_SIZE);
	return d.fault_batches == 1 && d.atomic_faults == 2;
}

static void atomic_thp_neighbours(void)
{
	int fd = sim_client();
	int tries = 0;

	while (!atomic_thp_neighbours_once(fd))
		igt_assert_f(++tries < 10,
			     "the two atomic faults never came in one batch\n");
	close(fd);
}

static void atomic_around_vram_page(void)
{
	const size_t size = 16 * ps;	/* one 64 KiB range */
	int fd = sim_client();
	char *p = map_aligned(size, size);
	struct drm_nvsim_cmd cmds[2];
	struct svm_counters a, d;
	uint64_t old0, old2, sum1;

	svm_require_vram(fd);
	svm_pattern(p, size, 0x32000000);
	old0 = cpu_read(p);
	old2 = cpu_read(p + 2 * ps);
	sum1 = svm_checksum(p + ps, ps);
	igt_assert_eq_u64(svm_migrate(fd, p + ps, ps, SVM_VRAM), 1);

	/* Atomics on both sides of the page in VRAM, in one batch. */
	cmds[0] = gpu_cmd_atomic_add(p, 1);
	cmds[1] = gpu_cmd_atomic_add(p + 2 * ps, 2);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, 2), 0);
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(d.exclusive_grants, 2);
	igt_assert_eq_u64(cmds[0].result, old0);
	igt_assert_eq_u64(cmds[1].result, old2);

	/* The page between is still in VRAM, intact. */
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, 1);
	igt_assert_eq_u64(svm_checksum(p + ps, ps), sum1);
	igt_assert_eq_u64(cpu_read(p), old0 + 1);
	igt_assert_eq_u64(cpu_read(p + 2 * ps), old2 + 2);
	munmap(p, size);
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Requests over huge ranges                                           */
/* ------------------------------------------------------------------ */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

/*
 * Wait up to @ms for @pid to end: true with its wait status in *@status,
 * false if it still runs.
 */
static bool reap_within(pid_t pid, int64_t ms, int *status)
{
	int64_t end = now_ms() + ms;

	do {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		usleep(20 * 1000);
	} while (now_ms() < end);
	return false;
}

/* Kill @pid and give it @ms to die; fail (leaving it) if it does not. */
static void kill_and_reap(pid_t pid, int ms)
{
	int status;

	kill(pid, SIGKILL);
	igt_assert_f(reap_within(pid, ms, &status),
		     "pid %d still alive %d ms after SIGKILL\n", pid, ms);
}

static void migrate_beyond_vram_untouched(void)
{
	int fd = sim_client(), status;
	int out[2];
	pid_t pid;
	struct {
		int ret;
		uint64_t result;
		struct svm_counters d;
	} r = {};

	svm_require_vram(fd);
	close(fd);
	igt_assert_eq(pipe(out), 0);
	/* In a child, so that a request that never ends can be given up. */
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		int cfd = sim_client();
		char *p = map_anon(HUGE_RANGE, PROT_READ | PROT_WRITE, MAP_NORESERVE);
		struct svm_counters a = svm_counters(cfd);

		r.ret = __svm_migrate(cfd, p, HUGE_RANGE, SVM_VRAM, &r.result);
		r.d = counters_since(cfd, &a);
		_exit(write(out[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(out[1]);
	igt_assert_f(reap_within(pid, 120 * 1000, &status),
		     "MIGRATE of 1 TiB still running after 120 s\n");
	igt_assert_eq(read(out[0], &r, sizeof(r)), (ssize_t)sizeof(r));
	close(out[0]);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	fd = svm_open();
	igt_info("MIGRATE of 1 TiB: %d, %" PRIu64 " pages in VRAM of %" PRIu64 "\n",
		 r.ret, r.result, svm_vram_size(fd) / ps);
	/* A partial success: what VRAM holds, nothing evicted nor copied back. */
	igt_assert_eq(r.ret, 0);
	igt_assert_cmpu64(r.result, >, <=, 0);
	igt_assert_cmpu64(r.result, <=, >, svm_vram_size(fd) / ps);
	igt_assert_eq_u64(r.d.evictions, 0);
	igt_assert_eq_u64(r.d.pages_to_host, 0);
	igt_assert_eq_u64(r.d.vram_pages, r.result);
	close(fd);
}

static void migrate_resident_moves_nothing(void)
{
	int fd = sim_client();
	uint64_t size = svm_vram_size(fd), pages;
	struct svm_counters a, d;
	char *p;

	svm_require_vram(fd);
	igt_require(size >= 4 * THP_SIZE);
	igt_assert_eq_u64(svm_vram_used_wait(fd, 0, VRAM_RELEASE_MS), 0);
	pages = size / ps;
	p = map_aligned(size, THP_SIZE);
	svm_pattern(p, size, 0x3b000000);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), pages);

	/* All in VRAM: nothing to do. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), pages);
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.evictions, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(svm_vram_used(fd), size);

	/*
	 * One page back in system memory (its 4 KiB piece... or its whole
	 * allocation: drm_pagemap brings the piece back), then all again:
	 * only what is in system memory moves, into the room it left.
	 */
	igt_assert_eq_u64(svm_migrate(fd, p + THP_SIZE + 5 * ps, ps, SVM_HOST), 1);
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), pages);
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.evictions, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_cmpu64(d.pages_to_vram, >=, <=, 1);
	igt_assert_cmpu64(d.pages_to_vram, <=, >, THP_SIZE / ps);
	svm_assert_pattern(p, size, 0x3b000000);
	munmap(p, size);
	close(fd);
}

static void migrate_counts_around_pinned_page(void)
{
	int fd = sim_client(), pipefd[2];
	char *p = map_aligned(THP_SIZE, THP_SIZE);
	struct iovec iov = { .iov_base = p + 7 * ps, .iov_len = ps };
	uint64_t result = 0;

	svm_require_vram(fd);
	igt_assert_eq(madvise(p, THP_SIZE, MADV_NOHUGEPAGE), 0);
	svm_pattern(p, THP_SIZE, 0x3c000000);
	igt_assert_eq(pipe(pipefd), 0);
	/* The pipe holds a reference to the page until it is read. */
	igt_assert_eq(vmsplice(pipefd[1], &iov, 1, 0), (ssize_t)ps);
	igt_assert_eq(__svm_migrate(fd, p, THP_SIZE, SVM_VRAM, &result), 0);
	igt_assert_eq_u64(result, THP_SIZE / ps - 1);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, THP_SIZE / ps - 1);
	svm_assert_pattern(p, THP_SIZE, 0x3c000000);
	close(pipefd[0]);
	close(pipefd[1]);
	munmap(p, THP_SIZE);
	close(fd);
}

static void migrate_counts_what_stays(void)
{
	int fd = sim_client();
	uint64_t vram = svm_vram_size(fd), size, result = 0;
	char *p;

	svm_require_vram(fd);
	size = vram + vram / 2;
	p = map_aligned(size, THP_SIZE);
	svm_pattern(p, size, 0x3d000000);
	igt_assert_eq_u64(svm_migrate(fd, p, size / 3, SVM_VRAM), size / 3 / ps);
	igt_assert_eq(__svm_migrate(fd, p, size, SVM_VRAM, &result), 0);
	igt_info("%" PRIu64 " pages in VRAM of %" PRIu64 ", result %" PRIu64 "\n",
		 svm_counters(fd).vram_pages, vram / ps, result);
	igt_assert_cmpu64(result, <=, >, vram / ps);
	igt_assert_eq_u64(result, svm_counters(fd).vram_pages);
	svm_assert_pattern(p, size, 0x3d000000);
	munmap(p, size);
	close(fd);
}

/*
 * Fork a child that runs @fn, which says when it is ready by writing a byte
 * to the pipe it is given; its pid, once it is ready.
 */
static pid_t fork_ready(void (*fn)(int ready))
{
	int ready[2];
	char c;
	pid_t pid;

	igt_assert_eq(pipe(ready), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		fn(ready[1]);
		_exit(0);
	}
	close(ready[1]);
	igt_assert_eq(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void prefetch_huge_readonly(int ready)
{
	int fd = sim_client();
	char *p = map_anon(HUGE_RANGE, PROT_READ, MAP_NORESERVE);
	uint64_t result;

	igt_assert_eq(write(ready, "r", 1), 1);
	__svm_prefetch(fd, p, HUGE_RANGE, SVM_HOST, &result);
}

static void bind_killable(void)
{
	int fd = sim_client();
	pid_t pid;

	svm_require_prefetch(fd);
	close(fd);
	pid = fork_ready(prefetch_huge_readonly);
	/* Well inside the request: it takes minutes. */
	usleep(500 * 1000);
	kill_and_reap(pid, DEATH_MS);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

static uint64_t read_u64(const char *path)
{
	char buf[64] = {};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtoull(buf, NULL, 10) : 0;
}

/* "MemFree" of /proc/meminfo, in bytes. */
static uint64_t mem_free(void)
{
	char line[128];
	uint64_t kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %" SCNu64 " kB", &kb) == 1)
			break;
	fclose(f);
	return kb << 10;
}

static char cgroup[128];

/* A memory cgroup limited to @mb MiB, without swap; skips without cgroup2. */
static void cgroup_make(unsigned int mb)
{
	char path[192], val[32];

	igt_require_f(!access(CGROOT "/cgroup.controllers", F_OK) ||
		      !mount("cgroup2", CGROOT, "cgroup2", 0, NULL),
		      "no cgroup2 at " CGROOT "\n");
	igt_require_f(!write_file(CGROOT "/cgroup.subtree_control", "+memory"),
		      "no memory controller\n");
	snprintf(cgroup, sizeof(cgroup), CGROOT "/svm-robust.%d", getpid());
	igt_assert_eq(mkdir(cgroup, 0755), 0);
	snprintf(path, sizeof(path), "%s/memory.max", cgroup);
	snprintf(val, sizeof(val), "%u", mb << 20);
	igt_assert_eq(write_file(path, val), 0);
	snprintf(path, sizeof(path), "%s/memory.swap.max", cgroup);
	write_file(path, "0");
}

static uint64_t cgroup_u64(const char *file)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/%s", cgroup, file);
	return read_u64(path);
}

static void cgroup_enter(void)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cgroup);
	igt_assert_eq(write_file(path, "0"), 0);
}

static void prefetch_16g_readonly(int ready)
{
	const uint64_t size = 16ull << 30;
	uint64_t result;
	char *p;
	int fd;

	cgroup_enter();
	fd = sim_client();
	p = map_anon(size, PROT_READ, MAP_NORESERVE);
	__svm_prefetch(fd, p, size, SVM_HOST, &result);
	/* Everything it made stays until it exits: measure now. */
	igt_assert_eq(write(ready, "r", 1), 1);
	pause();
}

static void prefetch_charged_to_cgroup(void)
{
	int fd = sim_client();
	uint64_t free0, free1, charged, used;
	pid_t pid;

	svm_require_prefetch(fd);
	close(fd);
	cgroup_make(1024);
	/* Settle what the device and the kernel hold before measuring. */
	sleep(1);
	free0 = mem_free();
	pid = fork_ready(prefetch_16g_readonly);
	free1 = mem_free();
	charged = cgroup_u64("memory.current");
	used = free0 > free1 ? free0 - free1 : 0;
	igt_info("PREFETCH of 16 GiB read-only: %" PRIu64 " MiB of memory used, %"
		 PRIu64 " MiB charged to the cgroup (limit 1 GiB), peak %" PRIu64
		 " MiB\n", used >> 20, charged >> 20, cgroup_u64("memory.peak") >> 20);
	/* Its exit unmaps the DMA of 4 Mi pages, one by one, as on hardware. */
	kill_and_reap(pid, TEARDOWN_MS);
	igt_assert_eq(rmdir(cgroup), 0);
	/*
	 * The process and its kernel memory: all in the cgroup.  What is
	 * used beyond the charge is the kernel's own bookkeeping of it (on a
	 * debug kernel, KASAN's shadow and kmemleak's metadata: a quarter of
	 * it at most) and noise; the uncharged slab of a missing
	 * __GFP_ACCOUNT was four times the charge.
	 */
	igt_assert_f(used <= charged + charged / 4 + (16ull << 20),
		     "%" PRIu64 " MiB used, only %" PRIu64 " MiB charged\n",
		     used >> 20, charged >> 20);
}

/* ------------------------------------------------------------------ */
/* A client stuck in a fault                                           */
/* ------------------------------------------------------------------ */

/*
 * A FUSE file system of one file, "f", of STALL_FILE_SIZE bytes of zeros,
 * whose reads the daemon holds while @hold is set: the way an NFS or FUSE
 * server that stopped answering stalls whoever faults on its files.
 */
#define STALL_FILE_SIZE	(1u << 20)
#define STALL_MAX_HELD	64

static struct {
	char dir[64];
	int dev;
	pthread_t thread;
	pthread_mutex_t lock;
	bool hold;
	unsigned int reads;
	unsigned int nheld;
	struct {
		uint64_t unique;
		uint32_t size;
	} held[STALL_MAX_HELD];
} stall;

static void stall_reply(uint64_t unique, int error, const void *data, size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 4096 * 32];
	struct fuse_out_header *out = (void *)buf;

	if (len > sizeof(buf) - sizeof(*out))
		len = sizeof(buf) - sizeof(*out);
	out->len = sizeof(*out) + (error ? 0 : len);
	out->error = error;
	out->unique = unique;
	if (!error && len)
		memcpy(out + 1, data, len);
	/* A request the kernel gave up on meanwhile: ENOENT, nothing to do. */
	if (write(stall.dev, buf, out->len) < 0)
		igt_debug("fuse reply %" PRIu64 ": %m\n", unique);
}

static void stall_read_reply(uint64_t unique, uint32_t size)
{
	static const char zeros[4096 * 32];

	stall_reply(unique, 0, zeros, size < sizeof(zeros) ? size : sizeof(zeros));
}

static void stall_attr(uint64_t nodeid, struct fuse_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	attr->ino = nodeid;
	attr->blksize = 4096;
	if (nodeid == FUSE_ROOT_ID) {
		attr->mode = S_IFDIR | 0755;
		attr->nlink = 2;
	} else {
		attr->mode = S_IFREG | 0644;
		attr->nlink = 1;
		attr->size = STALL_FILE_SIZE;
		attr->blocks = STALL_FILE_SIZE / 512;
	}
}

static void stall_lookup(const struct fuse_in_header *in, const char *name)
{
	struct fuse_entry_out e = { .nodeid = 2, .generation = 1 };

	if (in->nodeid != FUSE_ROOT_ID || strcmp(name, "f")) {
		stall_reply(in->unique, -ENOENT, NULL, 0);
		return;
	}
	stall_attr(2, &e.attr);
	stall_reply(in->unique, 0, &e, sizeof(e));
}

static void stall_read(const struct fuse_in_header *in, const struct fuse_read_in *r)
{
	bool held = false;

	pthread_mutex_lock(&stall.lock);
	stall.reads++;
	if (stall.hold && stall.nheld < STALL_MAX_HELD) {
		stall.held[stall.nheld].unique = in->unique;
		stall.held[stall.nheld++].size = r->size;
		held = true;
	}
	pthread_mutex_unlock(&stall.lock);
	if (!held)
		stall_read_reply(in->unique, r->size);
}

static void stall_request(const struct fuse_in_header *in, const void *arg)
{
	struct fuse_init_out init = {
		.major = FUSE_KERNEL_VERSION,
		.minor = FUSE_KERNEL_MINOR_VERSION,
		.max_write = 4096,
	};
	struct fuse_attr_out attr = {};
	struct fuse_open_out open_out = { .fh = 1 };

	switch (in->opcode) {
	case FUSE_INIT:
		init.max_readahead = ((const struct fuse_init_in *)arg)->max_readahead;
		stall_reply(in->unique, 0, &init, sizeof(init));
		break;
	case FUSE_GETATTR:
		stall_attr(in->nodeid, &attr.attr);
		stall_reply(in->unique, 0, &attr, sizeof(attr));
		break;
	case FUSE_LOOKUP:
		stall_lookup(in, arg);
		break;
	case FUSE_OPEN:
		stall_reply(in->unique, 0, &open_out, sizeof(open_out));
		break;
	case FUSE_READ:
		stall_read(in, arg);
		break;
	case FUSE_FLUSH:
	case FUSE_RELEASE:
		stall_reply(in->unique, 0, NULL, 0);
		break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT:
		break;
	default:
		stall_reply(in->unique, -ENOSYS, NULL, 0);
		break;
	}
}

static void *stall_daemon(void *data)
{
	static char buf[FUSE_MIN_READ_BUFFER + (1 << 20)];
	ssize_t n;

	/* Until the file system is unmounted or the device closed. */
	while ((n = read(stall.dev, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n >= (ssize_t)sizeof(struct fuse_in_header))
			stall_request((void *)buf, buf + sizeof(struct fuse_in_header));
	return NULL;
}

/* Mount the file system, reads held; skips without FUSE. */
static void stall_mount(void)
{
	char opts[128];

	stall.dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	igt_require_f(stall.dev >= 0, "no /dev/fuse: %m\n");
	snprintf(stall.dir, sizeof(stall.dir), "/tmp/svm-robust-fuse.%d", getpid());
	igt_assert_eq(mkdir(stall.dir, 0755), 0);
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other",
		 stall.dev);
	igt_assert_f(!mount("svm-robust", stall.dir, "fuse", MS_NOSUID | MS_NODEV, opts),
		     "mount fuse: %m\n");
	pthread_mutex_init(&stall.lock, NULL);
	stall.hold = true;
	igt_assert_eq(pthread_create(&stall.thread, NULL, stall_daemon, NULL), 0);
}

/* Answer the reads held so far, and all later ones at once. */
static void stall_release(void)
{
	unsigned int i;

	pthread_mutex_lock(&stall.lock);
	stall.hold = false;
	for (i = 0; i < stall.nheld; i++)
		stall_read_reply(stall.held[i].unique, stall.held[i].size);
	stall.nheld = 0;
	pthread_mutex_unlock(&stall.lock);
}

static unsigned int stall_reads(void)
{
	unsigned int n;

	pthread_mutex_lock(&stall.lock);
	n = stall.reads;
	pthread_mutex_unlock(&stall.lock);
	return n;
}

static void stall_unmount(void)
{
	umount2(stall.dir, MNT_DETACH);
	/* Closing the device ends the daemon's read with ENODEV. */
	close(stall.dev);
	pthread_join(stall.thread, NULL);
	rmdir(stall.dir);
}

static void other_client(int ready)
{
	int fd;

	igt_assert_eq(write(ready, "r", 1), 1);
	fd = svm_open();

	svm_init(fd, 0, 0);
	close(fd);
}

static void stuck_fault_others_go_on(void)
{
	char path[96];
	struct drm_nvsim_cmd cmd;
	int fd = sim_client(), file, status, job_status;
	uint64_t seqno, sum;
	int64_t deadline;
	bool others_done;
	pid_t pid;
	char *p;

	stall_mount();
	snprintf(path, sizeof(path), "%s/f", stall.dir);
	file = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_fd(file);
	p = mmap(NULL, STALL_FILE_SIZE, PROT_READ, MAP_SHARED, file, 0);
	igt_assert(p != MAP_FAILED);

	/* The GPU reads the file: the fault waits for the server. */
	cmd = gpu_cmd_read(p, 4 * ps);
	seqno = gpu_submit_async(fd, &cmd, 1);
	deadline = now_ms() + 10000;
	while (!stall_reads() && now_ms() < deadline)
		usleep(10 * 1000);
	igt_assert_f(stall_reads(), "the GPU's fault never reached the file system\n");

	/* Another client sets SVM up and tears it down meanwhile. */
	pid = fork_ready(other_client);
	others_done = reap_within(pid, 5000, &status);

	stall_release();
	if (!others_done)
		igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(others_done, "another client's SVM_INIT and close waited for the stuck fault\n");
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Served once the server answers (or ended by the channel watchdog). */
	igt_assert_eq(__gpu_wait(fd, seqno, SVM_WAIT_TIMEOUT_NS, &job_status), 0);
	igt_assert_f(job_status == 0 || job_status == -EIO, "job status %d\n", job_status);
	igt_assert_eq(gpu_read(fd, p, 4 * ps, &sum), 0);
	igt_assert_eq_u64(sum, 0);

	munmap(p, STALL_FILE_SIZE);
	close(file);
	close(fd);
	stall_unmount();
}

/* ------------------------------------------------------------------ */
/* Device memory after fork()                                          */
/* ------------------------------------------------------------------ */

#define FORK_SIZE	(4ull << 20)

/*
 * The process that moves memory to VRAM, forks a child that keeps it and
 * exits without closing its file; the child's pid goes to @out.  The child
 * waits for a byte on @go, then checks its data.
 */
static void vram_parent(int out, int go)
{
	int cfd = sim_client();
	char *q = map_anon(FORK_SIZE, PROT_READ | PROT_WRITE, 0);
	pid_t child;
	char c;

	svm_pattern(q, FORK_SIZE, 0x36000000);
	igt_assert_eq_u64(svm_migrate(cfd, q, FORK_SIZE, SVM_VRAM), FORK_SIZE / ps);
	child = fork();
	igt_assert(child >= 0);
	if (child == 0) {
		/* Only the parent's exit may close the file. */
		close(cfd);
		if (read(go, &c, 1) != 1)
			_exit(2);
		_exit(svm_pattern_check(q, FORK_SIZE, 0x36000000) == -1 ? 0 : 1);
	}
	igt_assert_eq(write(out, &child, sizeof(child)), (ssize_t)sizeof(child));
	/* Leave with the memory in VRAM, mapped, and the file open. */
}

static void fork_vram_parent_exits(void)
{
	int fd = sim_client(), out[2], go[2], status;
	uint64_t used0, used;
	pid_t parent, child;
	char *p;

	svm_require_vram(fd);
	igt_require(svm_vram_size(fd) >= FORK_SIZE);
	/* The child outlives its parent: it is ours to reap. */
	igt_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	igt_assert_eq(pipe(out), 0);
	igt_assert_eq(pipe(go), 0);
	used0 = svm_vram_used(fd);

	parent = fork();
	igt_assert(parent >= 0);
	if (parent == 0) {
		close(out[0]);
		close(go[1]);
		vram_parent(out[1], go[0]);
		_exit(0);
	}
	close(out[1]);
	close(go[0]);
	igt_assert_eq(waitpid(parent, &status, 0), parent);
	igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	igt_assert_eq(read(out[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	close(out[0]);

	/* The parent's VRAM goes, though its child still maps the pages. */
	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	if (used > used0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " KiB after the exit, %"
		     PRIu64 " KiB before\n", used >> 10, used0 >> 10);

	/* The child's data survived the move back. */
	igt_assert_eq(write(go[1], "g", 1), 1);
	close(go[1]);
	igt_assert_eq(waitpid(child, &status, 0), child);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "the child's data: status %#x\n", status);

	/* And all of VRAM is there for a new client. */
	p = map_anon(svm_vram_size(fd), PROT_READ | PROT_WRITE, 0);
	svm_pattern(p, svm_vram_size(fd), 0x36100000);
	igt_assert_eq_u64(svm_migrate(fd, p, svm_vram_size(fd), SVM_VRAM),
			  svm_vram_size(fd) / ps);
	svm_assert_pattern(p, svm_vram_size(fd), 0x36100000);
	munmap(p, svm_vram_size(fd));
	close(fd);
}

#define FETCH_DELAY_PARAM "/sys/module/nouveau_svm_sim/parameters/fetch_delay_us"
#define FAULT_RING_GLOB "/sys/kernel/debug/dri/*/nvsim_fault_ring"

/*
 * The value of the "name value" line @name of the simulated GPU's debugfs
 * file @glob; skips without debugfs.
 */
static uint64_t sim_debugfs_stat(const char *glob_pattern, const char *name)
{
	uint64_t value = UINT64_MAX;
	size_t len = strlen(name);
	char line[512];
	glob_t g;
	FILE *f;

	igt_require(glob(glob_pattern, 0, NULL, &g) == 0);
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	igt_require(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			value = strtoull(line + len + 1, NULL, 10);
	fclose(f);
	igt_assert_f(value != UINT64_MAX, "no %s in %s\n", name, glob_pattern);
	return value;
}

/* The batches the simulated GPU's fault ring has handed out. */
static uint64_t ring_batches(void)
{
	return sim_debugfs_stat(FAULT_RING_GLOB, "batches");
}

#define RESUME_MOVED_GLOB "/sys/kernel/debug/dri/*/nvsim_resume_moved"

/* A simulated suspend and resume in which the VRAM moves. */
static void sim_resume_moved(void)
{
	glob_t g;
	int fd;

	igt_require(glob(RESUME_MOVED_GLOB, 0, NULL, &g) == 0);
	fd = open(g.gl_pathv[0], O_WRONLY);
	globfree(&g);
	igt_require_f(fd >= 0, "%s: %s\n", RESUME_MOVED_GLOB, strerror(errno));
	igt_assert_eq(write(fd, "1", 1), 1);
	close(fd);
}

static void vram_moves_on_resume(void)
{
	const size_t size = 4 << 20;
	struct svm_counters c, start;
	uint64_t sum = 0, want;
	int fd = sim_client();
	char *p = map_aligned(size, THP_SIZE);
	int i;

	igt_require(svm_vram_size(fd) >= size);
	svm_pattern(p, size, 0x37000000);
	want = svm_checksum(p, size);
	for (i = 0; i < 2; i++) {
		/* Half in VRAM, half in system memory: entries of both kinds. */
		igt_assert_eq_u64(svm_migrate(fd, p, size / 2, SVM_VRAM), size / 2 / ps);
		igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
		igt_assert_eq_u64(sum, want);
		start = svm_counters(fd);
		igt_assert_cmpu64(start.gpu_pages, >=, <, size / ps);
		sim_resume_moved();
		/* Nothing of the old GPU mappings is left, nothing in VRAM. */
		c = counters_since(fd, &start);
		igt_assert_eq_u64(svm_counters(fd).gpu_pages, 0);
		igt_assert_eq_u64(svm_counters(fd).vram_pages, 0);
		igt_assert_eq_u64(svm_vram_used(fd), 0);
		igt_assert_eq_u64(c.pages_to_host, size / 2 / ps);
		igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
		igt_assert_eq_u64(sum, want);
		c = counters_since(fd, &start);
		igt_assert_cmpu64(c.faults, >, <=, 0);
	}
	svm_assert_pattern(p, size, 0x37000000);
	munmap(p, size);
	close(fd);
}

static void fault_outlives_its_vm(void)
{
	const unsigned int delay_us = 1000000;
	char *buf = map_aligned(16 * ps, 16 * ps);
	struct drm_nvsim_cmd cmd = gpu_cmd_read(buf, ps);
	struct timespec fetched = {};
	struct svm_counters c;
	uint64_t batches, b_at;
	long old;
	int a, b, i;

	memset(buf, 1, 16 * ps);
	a = sim_client();
	/* Probe first: nothing may skip once the delay is set. */
	batches = ring_batches();
	igt_require_f(access(FETCH_DELAY_PARAM, W_OK) == 0, "%s: %s\n",
		      FETCH_DELAY_PARAM, strerror(errno));
	old = svm_set_param(FETCH_DELAY_PARAM, delay_us);
	gpu_submit_async(a, &cmd, 1);
	/* The fault is fetched: the worker now waits in the fetch. */
	for (i = 0; i < 1000 && ring_batches() == batches; i++)
		usleep(1000);
	igt_nsec_elapsed(&fetched);
	close(a);
	b = sim_client();
	b_at = igt_nsec_elapsed(&fetched);
	/* The fetch returns; the batch is served or dropped. */
	usleep(2 * delay_us);
	c = svm_counters(b);
	svm_set_param(FETCH_DELAY_PARAM, old);
	igt_assert_f(i < 1000, "the fault was never fetched\n");
	/* Else the window was missed, and the test proves nothing. */
	igt_assert_f(b_at < delay_us * 1000ull,
		     "client B came %" PRIu64 " us after the fetch\n", b_at / 1000);
	igt_info("client B: %" PRIu64 " faults, %" PRIu64 " batches\n",
		 c.faults, c.fault_batches);
	igt_assert_eq_u64(c.faults, 0);
	igt_assert_eq_u64(c.fault_batches, 0);
	close(b);
	munmap(buf, 16 * ps);
}

/* ------------------------------------------------------------------ */
/* VRAM borrowed in chunks, shared with another user                   */
/* ------------------------------------------------------------------ */

#define SIM_VRAM_GLOB	"/sys/kernel/debug/dri/*/nvsim_vram"

/* A "name value" line of the simulated GPU's nvsim_vram in debugfs. */
static uint64_t sim_vram_stat(const char *name)
{
	return sim_debugfs_stat(SIM_VRAM_GLOB, name);
}

/*
 * The chunks the simulated GPU lends, once they are @want or
 * VRAM_RELEASE_MS passed.  A chunk goes back after its last allocation
 * is freed, by a work item that first uncounts the allocation's VRAM:
 * NOUVEAU_GETPARAM_SVM_VRAM_USED may drop before the chunk goes.
 */
static uint64_t sim_vram_chunks_wait(uint64_t want)
{
	struct timespec start = {};
	uint64_t chunks;

	igt_nsec_elapsed(&start);
	for (;;) {
		chunks = sim_vram_stat("chunks");
		if (chunks == want ||
		    igt_nsec_elapsed(&start) >= VRAM_RELEASE_MS * 1000000ull)
			return chunks;
		usleep(10 * 1000);
	}
}

/* The 2 MiB pieces of the simulated VRAM. */
static unsigned int sim_vram_pieces(int fd)
{
	return svm_vram_size(fd) / THP_SIZE;
}

#define COPY_DELAY_PARAM "/sys/module/nouveau_svm_sim/parameters/copy_delay_us"
/* Unlike nvsim_vram, readable while an eviction holds the VRAM's lock. */
#define SIM_COPY_GLOB	"/sys/kernel/debug/dri/*/nvsim_copy"

/*
 * Run @fn in a child with a client of the simulated GPU, with copies back
 * to system memory slowed by @copy_delay_us if not 0, and give back the
 * delay and whatever VRAM the simulated other user holds after it,
 * however it ended.  Skips (which a child cannot) come first.
 */
static void other_user_run(void (*fn)(int fd), long copy_delay_us)
{
	int fd = sim_client(), err;
	long old = 0;

	svm_require_vram(fd);
	igt_require(svm_vram_size(fd) >= 16ull << 20);
	if (copy_delay_us) {
		igt_require_f(access(COPY_DELAY_PARAM, W_OK) == 0, "%s: %s\n",
			      COPY_DELAY_PARAM, strerror(errno));
		sim_debugfs_stat(SIM_COPY_GLOB, "delayed");
	}
	/* Empty: what an earlier subtest that failed may have left is evicted. */
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, sim_vram_pieces(fd));
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, 0);
	igt_assert_eq_u64(svm_vram_used_wait(fd, 0, VRAM_RELEASE_MS), 0);
	if (copy_delay_us)
		old = svm_set_param(COPY_DELAY_PARAM, copy_delay_us);
	igt_fork(child, 1)
		fn(sim_client());
	err = __igt_waitchildren();
	if (copy_delay_us)
		svm_set_param(COPY_DELAY_PARAM, old);
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, 0);
	close(fd);
	igt_assert_f(!err, "the client failed: %d\n", err);
}

static void chunks_given_back(int fd)
{
	char *p = map_aligned(3 * THP_SIZE, THP_SIZE);
	char *q = map_aligned(ps, ps);

	igt_assert_eq_u64(sim_vram_stat("chunks"), 0);
	svm_pattern(p, 3 * THP_SIZE, 0x38000000);
	svm_pattern(q, ps, 0x38100000);
	igt_assert_eq_u64(svm_migrate(fd, p, 3 * THP_SIZE, SVM_VRAM), 3 * THP_SIZE / ps);
	igt_assert_eq_u64(sim_vram_stat("chunks"), 3);
	/* The 4 KiB piece needs a chunk of its own: the three are full. */
	igt_assert_eq_u64(svm_migrate(fd, q, ps, SVM_VRAM), 1);
	igt_assert_eq_u64(sim_vram_stat("chunks"), 4);
	svm_assert_pattern(p, 3 * THP_SIZE, 0x38000000);
	munmap(p, 3 * THP_SIZE);
	igt_assert_eq_u64(svm_vram_used_wait(fd, ps, VRAM_RELEASE_MS), ps);
	igt_assert_eq_u64(sim_vram_chunks_wait(1), 1);
	svm_assert_pattern(q, ps, 0x38100000);
	munmap(q, ps);
	igt_assert_eq_u64(svm_vram_used_wait(fd, 0, VRAM_RELEASE_MS), 0);
	igt_assert_eq_u64(sim_vram_chunks_wait(0), 0);
}

#define TAKEN_SIZE	(8ull << 20)

static void taken_back(int fd)
{
	char *p = map_aligned(TAKEN_SIZE, THP_SIZE);
	struct svm_counters a, d;
	uint64_t sum = 0, want, result, refused;

	svm_pattern(p, TAKEN_SIZE, 0x39000000);
	want = svm_checksum(p, TAKEN_SIZE);
	igt_assert_eq_u64(svm_migrate(fd, p, TAKEN_SIZE, SVM_VRAM), TAKEN_SIZE / ps);
	/* The GPU maps the pages in VRAM. */
	igt_assert_eq(gpu_read(fd, p, TAKEN_SIZE, &sum), 0);
	igt_assert_eq_u64(sum, want);

	a = svm_counters(fd);
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, sim_vram_pieces(fd));
	d = counters_since(fd, &a);
	igt_assert_eq_u64(sim_vram_stat("taken"), sim_vram_pieces(fd));
	igt_assert_eq_u64(sim_vram_stat("chunks"), 0);
	igt_assert_eq_u64(svm_vram_used(fd), 0);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, 0);
	igt_assert_eq_u64(d.evicted_pages, TAKEN_SIZE / ps);
	igt_assert_eq_u64(d.pages_to_host, TAKEN_SIZE / ps);
	/* Every byte came back, for the GPU (unmapped, faults again) and the CPU. */
	igt_assert_eq(gpu_read(fd, p, TAKEN_SIZE, &sum), 0);
	igt_assert_eq_u64(sum, want);
	svm_assert_pattern(p, TAKEN_SIZE, 0x39000000);

	/*
	 * No VRAM for SVM now, and none will come: the request fails at once
	 * rather than ask again and again for a while (as a GPU fault would
	 * too, holding its locks).
	 */
	refused = sim_vram_stat("refused");
	igt_assert_eq(__svm_migrate(fd, p, TAKEN_SIZE, SVM_VRAM, &result), -ENOMEM);
	igt_assert_cmpu64(sim_vram_stat("refused") - refused, <=, >, 2);
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, 0);
	igt_assert_eq_u64(svm_migrate(fd, p, TAKEN_SIZE, SVM_VRAM), TAKEN_SIZE / ps);
	igt_assert_eq(gpu_read(fd, p, TAKEN_SIZE, &sum), 0);
	igt_assert_eq_u64(sum, want);
	svm_assert_pattern(p, TAKEN_SIZE, 0x39000000);
	munmap(p, TAKEN_SIZE);
}

static void taken_least_recently_used(int fd)
{
	char *a = map_aligned(THP_SIZE, THP_SIZE), *b = map_aligned(THP_SIZE, THP_SIZE);
	uint64_t sum = 0, want;
	struct svm_counters c0, d;

	svm_pattern(a, THP_SIZE, 0x3b000000);
	svm_pattern(b, THP_SIZE, 0x3b100000);
	want = svm_checksum(a, THP_SIZE);
	/* a's chunk comes first, b's after: a's is the older. */
	igt_assert_eq_u64(svm_migrate(fd, a, THP_SIZE, SVM_VRAM), THP_SIZE / ps);
	igt_assert_eq_u64(svm_migrate(fd, b, THP_SIZE, SVM_VRAM), THP_SIZE / ps);
	igt_assert_eq_u64(sim_vram_stat("chunks"), 2);
	/* The GPU maps a again (mprotect() unmaps it), and so uses its chunk. */
	igt_assert_eq(mprotect(a, THP_SIZE, PROT_READ), 0);
	igt_assert_eq(gpu_read(fd, a, THP_SIZE, &sum), 0);
	igt_assert_eq_u64(sum, want);
	igt_assert_eq(mprotect(a, THP_SIZE, PROT_READ | PROT_WRITE), 0);

	/* The other user takes all but one piece: b's chunk goes, a's stays. */
	c0 = svm_counters(fd);
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, sim_vram_pieces(fd) - 1);
	d = counters_since(fd, &c0);
	igt_assert_eq_u64(d.evicted_pages, THP_SIZE / ps);
	igt_assert_eq_u64(sim_vram_stat("chunks"), 1);
	/* All of a is in VRAM still: a MIGRATE moves nothing, evicts nothing. */
	c0 = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, a, THP_SIZE, SVM_VRAM), THP_SIZE / ps);
	d = counters_since(fd, &c0);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.evictions, 0);
	svm_assert_pattern(b, THP_SIZE, 0x3b100000);
	svm_assert_pattern(a, THP_SIZE, 0x3b000000);
	munmap(a, THP_SIZE);
	munmap(b, THP_SIZE);
}

/* How long copy_delay_us makes a copy back take in the tests below. */
#define COPY_DELAY_US	2000000

/*
 * Move a chunk's worth of memory to VRAM with @shared, a client opened by
 * the test, and become the only process that maps it: this one, or with
 * @child_maps, a child once this one has exited.  The mapper's pid goes
 * to @out; it then waits to be killed, or for the test to close @hold
 * (the test's end, however it ends).  The test holds the file open, so
 * that no exit here closes it (its release would evict the memory itself).
 */
static void mapper_run(int shared, int out, const int hold[2], bool child_maps)
{
	char *q = map_aligned(THP_SIZE, THP_SIZE);
	pid_t me;
	char c;

	close(hold[1]);
	svm_init(shared, 0, 0);
	svm_pattern(q, THP_SIZE, 0x3c000000);
	igt_assert_eq_u64(svm_migrate(shared, q, THP_SIZE, SVM_VRAM), THP_SIZE / ps);
	if (child_maps) {
		me = fork();
		igt_assert(me >= 0);
		if (me > 0)
			_exit(0);
	}
	me = getpid();
	igt_assert_eq(write(out, &me, sizeof(me)), (ssize_t)sizeof(me));
	while (read(hold[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* The other VRAM user taking all of VRAM, on a thread of the test. */
struct taker {
	pthread_t thread;
	int fd;
	int err;		/* the ioctl's -errno */
	bool done;		/* set, with release, once @err is */
};

static void *taker_thread(void *arg)
{
	struct taker *t = arg;

	t->err = __svm_inject(t->fd, DRM_NVSIM_INJECT_VRAM_TAKE, sim_vram_pieces(t->fd));
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static bool taker_done(struct taker *t)
{
	return __atomic_load_n(&t->done, __ATOMIC_ACQUIRE);
}

/* Whether the kernel's "bad page" taint (a KASAN report sets it) is set. */
static bool tainted_bad_page(void)
{
	return read_u64("/proc/sys/kernel/tainted") & (1ull << 5);
}

/*
 * Kill the only mapper of a chunk while another VRAM user's eviction of it
 * waits in its slow copy back (other_user_run() set copy_delay_us): the
 * pages are unmapped then, their ptes migration entries, and the mapper's
 * exit frees what the eviction finds them through once the copy is done.
 */
static void evicted_as_mapper_dies(int fd, bool child_maps)
{
	int shared = svm_open(), out[2], hold[2], status, i;
	uint64_t delayed, size = svm_vram_size(fd), sum = 0, want;
	bool tainted = tainted_bad_page();
	struct taker t = { .fd = fd };
	int64_t copying, reaped;
	pid_t pid, mapper;
	char *p;

	delayed = sim_debugfs_stat(SIM_COPY_GLOB, "delayed");
	/* The grandchild outlives its parent: it is ours to reap. */
	if (child_maps)
		igt_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	igt_assert_eq(pipe(out), 0);
	igt_assert_eq(pipe(hold), 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		close(out[0]);
		mapper_run(shared, out[1], hold, child_maps);
	}
	close(out[1]);
	close(hold[0]);
	igt_assert_eq(read(out[0], &mapper, sizeof(mapper)), (ssize_t)sizeof(mapper));
	close(out[0]);
	if (child_maps) {
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	igt_assert_eq_u64(svm_vram_used(fd), THP_SIZE);

	igt_assert_eq(pthread_create(&t.thread, NULL, taker_thread, &t), 0);
	/* The eviction has unmapped the pages and sleeps in its copy. */
	for (i = 0; i < 10000 && !taker_done(&t) &&
	     sim_debugfs_stat(SIM_COPY_GLOB, "delayed") == delayed; i++)
		usleep(1000);
	copying = now_ms();
	kill(mapper, SIGKILL);
	igt_assert_eq(waitpid(mapper, &status, 0), mapper);
	reaped = now_ms() - copying;
	close(hold[1]);
	igt_assert_eq(pthread_join(t.thread, NULL), 0);
	igt_info("the mapper was reaped %" PRId64 " ms into the %d ms copy\n",
		 reaped, COPY_DELAY_US / 1000);
	igt_assert_f(t.err == 0, "taking VRAM: %s\n", strerror(-t.err));
	igt_assert_f(i < 10000, "the eviction never copied\n");
	/*
	 * The copy's sleep began just before the poll saw the count move: a
	 * mapper reaped within half the sleep (the other half is far more
	 * than the poll's lag) died while the pages were unmapped.  Else the
	 * window was missed, and the test proves nothing.
	 */
	igt_assert_f(reaped < COPY_DELAY_US / 1000 / 2,
		     "the mapper's exit took %" PRId64 " ms, the copy %d ms\n",
		     reaped, COPY_DELAY_US / 1000);
	igt_assert_f(tainted || !tainted_bad_page(),
		     "the kernel reported a bad page access (see its log)\n");
	igt_assert_eq_u64(sim_vram_stat("taken"), sim_vram_pieces(fd));
	igt_assert_eq_u64(svm_vram_used_wait(fd, 0, VRAM_RELEASE_MS), 0);
	close(shared);

	/*
	 * All of VRAM is there for SVM again.  The GPU checks it: a CPU read
	 * would copy it back, slowly.
	 */
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, 0);
	p = map_aligned(size, THP_SIZE);
	svm_pattern(p, size, 0x3c100000);
	want = svm_checksum(p, size);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), size / ps);
	igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
	igt_assert_eq_u64(sum, want);
	munmap(p, size);
}

static void evicted_as_its_mapper_dies(int fd)
{
	evicted_as_mapper_dies(fd, false);
}

static void evicted_as_a_child_mapper_dies(int fd)
{
	evicted_as_mapper_dies(fd, true);
}

static void shared_with_other_user(int fd)
{
	uint64_t size = svm_vram_size(fd), half = size / 2;
	char *p = map_aligned(size, THP_SIZE);
	struct svm_counters a, d;

	svm_pattern(p, size, 0x3a000000);
	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, sim_vram_pieces(fd) / 2);
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), half / ps);
	d = counters_since(fd, &a);
	igt_assert_eq_u64(d.evictions, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(svm_vram_used(fd), half);

	svm_inject(fd, DRM_NVSIM_INJECT_VRAM_TAKE, 0);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), size / ps);
	igt_assert_eq_u64(svm_vram_used(fd), size);
	svm_assert_pattern(p, size, 0x3a000000);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* Device memory under the dmem cgroup controller                      */
/* ------------------------------------------------------------------ */

#define DMEM_MAX	UINT64_MAX

/* The dmem region of the device behind @fd: drm/<its parent device>/vram. */
static void dmem_region(int fd, char *region, size_t len)
{
	char path[96], link[256];
	struct stat st;
	const char *dev;
	ssize_t n;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	igt_assert_f(n > 0, "%s: %s\n", path, strerror(errno));
	link[n] = '\0';
	dev = strrchr(link, '/');
	snprintf(region, len, "drm/%s/vram", dev ? dev + 1 : link);
}

/*
 * The value of @region in the flat-keyed dmem file @path ("max" is
 * DMEM_MAX); false when the file or the region is not there.
 */
static bool dmem_read(const char *path, const char *region, uint64_t *value)
{
	char line[384], val[32];
	size_t len = strlen(region);
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, region, len) || line[len] != ' ')
			continue;
		found = sscanf(line + len + 1, "%31s", val) == 1;
		*value = strcmp(val, "max") ? strtoull(val, NULL, 10) : DMEM_MAX;
	}
	fclose(f);
	return found;
}

/* Skip without the dmem controller; fail if the device is no region of it. */
static void dmem_require(int fd, char *region, size_t len)
{
	uint64_t capacity;

	svm_require_vram(fd);
	igt_require_f(!access(CGROOT "/cgroup.controllers", F_OK) ||
		      !mount("cgroup2", CGROOT, "cgroup2", 0, NULL),
		      "no cgroup2 at " CGROOT "\n");
	igt_require_f(!write_file(CGROOT "/cgroup.subtree_control", "+dmem"),
		      "no dmem cgroup controller\n");
	dmem_region(fd, region, len);
	igt_assert_f(dmem_read(CGROOT "/dmem.capacity", region, &capacity),
		     "the device's VRAM is no dmem region (%s)\n", region);
	igt_assert_eq_u64(capacity, svm_vram_size(fd));
}

/* The dmem tests' cgroups, removed at exit if a failed subtest left them. */
#define DMEM_CGROUPS	16
static char dmem_cgroups[DMEM_CGROUPS][128];
static unsigned int dmem_ncgroups;

static void dmem_cgroups_remove(int sig)
{
	for (unsigned int i = 0; i < dmem_ncgroups; i++)
		rmdir(dmem_cgroups[i]);
}

/*
 * A child cgroup @dir of the root (named after the subtest and @tag) whose
 * dmem.max is @max.
 */
static void dmem_cgroup_make(char *dir, size_t len, const char *tag, const char *region,
			     uint64_t max)
{
	char path[192], val[340];

	igt_assert(dmem_ncgroups < DMEM_CGROUPS);
	if (!dmem_ncgroups)
		igt_install_exit_handler(dmem_cgroups_remove);
	snprintf(dir, len, CGROOT "/svm-dmem.%d.%u.%s", getpid(), dmem_ncgroups, tag);
	snprintf(dmem_cgroups[dmem_ncgroups++], sizeof(dmem_cgroups[0]), "%s", dir);
	igt_assert_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/dmem.max", dir);
	if (max == DMEM_MAX)
		snprintf(val, sizeof(val), "%s max", region);
	else
		snprintf(val, sizeof(val), "%s %" PRIu64, region, max);
	igt_assert_eq(write_file(path, val), 0);
}

/* What cgroup @dir is charged in @region now. */
static uint64_t dmem_current(const char *dir, const char *region)
{
	char path[192];
	uint64_t v = 0;

	snprintf(path, sizeof(path), "%s/dmem.current", dir);
	igt_assert_f(dmem_read(path, region, &v), "%s: no %s\n", path, region);
	return v;
}

/*
 * Poll dmem.current of @dir until it is @bytes (device memory is released
 * a moment after its last page goes) or VRAM_RELEASE_MS have passed.
 */
static uint64_t dmem_current_wait(const char *dir, const char *region, uint64_t bytes)
{
	int64_t end = now_ms() + VRAM_RELEASE_MS;
	uint64_t v;

	while ((v = dmem_current(dir, region)) != bytes && now_ms() < end)
		usleep(1000);
	return v;
}

/* Move the calling process into cgroup @dir. */
static void dmem_cgroup_enter(const char *dir)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	igt_assert_eq(write_file(path, "0"), 0);
}

static void dmem_cgroup_remove(const char *dir)
{
	igt_assert_f(!rmdir(dir), "rmdir %s: %s\n", dir, strerror(errno));
}

/*
 * What a child of the dmem tests shares with its parent: the cgroup it
 * runs in, the device's region, and a pipe each way.
 */
struct dmem_child {
	char dir[128];
	char region[300];
	int up[2];	/* child to parent */
	int down[2];	/* parent to child */
};

static void dmem_signal(int fd)
{
	igt_assert_eq(write(fd, "s", 1), 1);
}

/* Wait for a signal on @fd; false if the other side went away (failed). */
static bool dmem_wait(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

/* Run @fn in a child (igt_fork) in cgroup @c->dir. */
static void dmem_child_start(struct dmem_child *c, void (*fn)(struct dmem_child *c))
{
	igt_assert_eq(pipe(c->up), 0);
	igt_assert_eq(pipe(c->down), 0);
	igt_fork(child, 1) {
		close(c->up[0]);
		close(c->down[1]);
		dmem_cgroup_enter(c->dir);
		fn(c);
	}
	close(c->up[1]);
	close(c->down[0]);
}

/* Reap the children of @c[0..@n) that were started: each must have passed. */
static void dmem_children_end(struct dmem_child *c, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!c[i].up[0])
			continue;
		close(c[i].down[1]);
		close(c[i].up[0]);
	}
	igt_waitchildren_timeout(120, "a child of a dmem test");
}

/*
 * Run @fn in a child in a new dmem cgroup whose dmem.max is @max, and
 * check that it passed; skip without the dmem controller, or without
 * @caps in the device's capabilities.
 */
static void dmem_run(uint64_t caps, uint64_t max, void (*fn)(struct dmem_child *c))
{
	struct dmem_child c = {};
	int fd = sim_client();

	igt_require((svm_caps(fd) & caps) == caps);
	dmem_require(fd, c.region, sizeof(c.region));
	dmem_cgroup_make(c.dir, sizeof(c.dir), "a", c.region, max);
	dmem_child_start(&c, fn);
	dmem_children_end(&c, 1);
	dmem_cgroup_remove(c.dir);
	close(fd);
}

static char *dmem_buffer(size_t size, uint64_t pattern)
{
	char *p = map_aligned(size, THP_SIZE);

	svm_pattern(p, size, pattern);
	return p;
}

static void vram_charged_child(struct dmem_child *c)
{
	const size_t size = 8 << 20;
	int fd = sim_client();
	char *p = dmem_buffer(size, 0x71000000);

	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), size / ps);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, size / ps);
	igt_assert_eq_u64(dmem_current(c->dir, c->region), size);

	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_HOST), size / ps);
	igt_assert_eq_u64(dmem_current_wait(c->dir, c->region, 0), 0);
	svm_assert_pattern(p, size, 0x71000000);
	close(fd);
}

static void vram_fault_child(struct dmem_child *c)
{
	int fd = sim_client();
	char *p = dmem_buffer(THP_SIZE, 0x72000000);
	uint64_t old = 0, pages;

	igt_assert_eq(__svm_advise_atomic(fd, p, THP_SIZE, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);
	igt_assert_eq(gpu_atomic_add(fd, p, 1, &old), 0);
	igt_assert_eq_u64(old, 0x72000000);
	pages = svm_counters(fd).vram_pages;
	igt_info("a GPU atomic moved %" PRIu64 " pages to VRAM\n", pages);
	igt_assert_cmpu64(pages, >, <=, 0);
	/* Moved by the fault worker, charged to this process's cgroup. */
	igt_assert_eq_u64(dmem_current(c->dir, c->region), pages * ps);
	close(fd);
	igt_assert_eq_u64(dmem_current_wait(c->dir, c->region, 0), 0);
}

#define DMEM_LIMIT_A	(4ull << 20)
#define DMEM_HOLD_B	(6ull << 20)

/* B: holds DMEM_HOLD_B in VRAM while A runs into its limit next to it. */
static void dmem_limit_b(struct dmem_child *c)
{
	int fd = sim_client();
	char *p = dmem_buffer(DMEM_HOLD_B, 0x73000000);
	struct svm_counters n;

	igt_assert_eq_u64(svm_migrate(fd, p, DMEM_HOLD_B, SVM_VRAM), DMEM_HOLD_B / ps);
	dmem_signal(c->up[1]);
	igt_assert(dmem_wait(c->down[0]));
	n = svm_counters(fd);
	igt_assert_eq_u64(n.evictions, 0);
	igt_assert_eq_u64(n.vram_pages, DMEM_HOLD_B / ps);
	igt_assert_eq_u64(dmem_current(c->dir, c->region), DMEM_HOLD_B);
	svm_assert_pattern(p, DMEM_HOLD_B, 0x73000000);
	close(fd);
}

/* A: three times its limit, in three requests. */
static void dmem_limit_a(struct dmem_child *c)
{
	const size_t size = DMEM_LIMIT_A;
	int fd = sim_client();
	char *a1 = dmem_buffer(size, 0x74100000);
	char *a2 = dmem_buffer(size, 0x74200000);
	char *a3 = dmem_buffer(2 * size, 0x74300000);
	uint64_t result = 0;
	struct svm_counters n;

	igt_assert_eq_u64(svm_migrate(fd, a1, size, SVM_VRAM), size / ps);
	igt_assert_eq_u64(dmem_current(c->dir, c->region), size);
	/* At its limit: its own older pages make room. */
	igt_assert_eq_u64(svm_migrate(fd, a2, size, SVM_VRAM), size / ps);
	igt_assert_eq_u64(dmem_current(c->dir, c->region), size);
	n = svm_counters(fd);
	igt_assert_eq_u64(n.evicted_pages, size / ps);
	/* Twice its limit in one request: half of it, evicting a2. */
	igt_assert_eq(__svm_migrate(fd, a3, 2 * size, SVM_VRAM, &result), 0);
	igt_info("MIGRATE of twice the limit: %" PRIu64 " pages of %zu\n",
		 result, 2 * size / ps);
	igt_assert_eq_u64(result, size / ps);
	igt_assert_cmpu64(dmem_current(c->dir, c->region), <=, >, size);
	n = svm_counters(fd);
	igt_assert_eq_u64(n.vram_pages, size / ps);
	svm_assert_pattern(a1, size, 0x74100000);
	svm_assert_pattern(a2, size, 0x74200000);
	svm_assert_pattern(a3, 2 * size, 0x74300000);
	close(fd);
	dmem_signal(c->up[1]);
}

static void vram_cgroup_limit_evicts_own(void)
{
	struct dmem_child c[2] = {}, *a = &c[0], *b = &c[1];
	int fd = sim_client();

	dmem_require(fd, a->region, sizeof(a->region));
	igt_require(svm_vram_size(fd) >= DMEM_LIMIT_A + DMEM_HOLD_B + (4 << 20));
	memcpy(b->region, a->region, sizeof(b->region));
	dmem_cgroup_make(a->dir, sizeof(a->dir), "a", a->region, DMEM_LIMIT_A);
	dmem_cgroup_make(b->dir, sizeof(b->dir), "b", b->region, DMEM_HOLD_B + (2 << 20));

	dmem_child_start(b, dmem_limit_b);
	if (dmem_wait(b->up[0])) {
		dmem_child_start(a, dmem_limit_a);
		/* A is done (or failed): B checks what it held meanwhile. */
		dmem_wait(a->up[0]);
		dmem_signal(b->down[1]);
	}
	dmem_children_end(c, 2);
	dmem_cgroup_remove(a->dir);
	dmem_cgroup_remove(b->dir);
	close(fd);
}

#define FAIR_LIMIT	(8ull << 20)

/* The smaller client: 2 MiB first, 2 MiB more once the larger one is in. */
static void fair_small(struct dmem_child *c)
{
	int fd = sim_client();
	char *p = dmem_buffer(4 << 20, 0x77100000);
	struct svm_counters n;

	igt_assert_eq_u64(svm_migrate(fd, p, 2 << 20, SVM_VRAM), (2 << 20) / ps);
	dmem_signal(c->up[1]);
	igt_assert(dmem_wait(c->down[0]));
	igt_assert_eq_u64(svm_migrate(fd, p + (2 << 20), 2 << 20, SVM_VRAM), (2 << 20) / ps);
	n = svm_counters(fd);
	igt_assert_eq_u64(n.evictions, 0);
	igt_assert_eq_u64(n.vram_pages, (4 << 20) / ps);
	svm_assert_pattern(p, 4 << 20, 0x77100000);
	close(fd);
	dmem_signal(c->up[1]);
}

/* The larger client: 6 MiB, then waits to be told to check. */
static void fair_large(struct dmem_child *c)
{
	int fd = sim_client();
	char *p = dmem_buffer(6 << 20, 0x77200000);
	struct svm_counters n;

	igt_assert_eq_u64(svm_migrate(fd, p, 6 << 20, SVM_VRAM), (6 << 20) / ps);
	dmem_signal(c->up[1]);
	igt_assert(dmem_wait(c->down[0]));
	n = svm_counters(fd);
	igt_assert_eq_u64(n.evicted_pages, (2 << 20) / ps);
	igt_assert_eq_u64(n.vram_pages, (4 << 20) / ps);
	svm_assert_pattern(p, 6 << 20, 0x77200000);
	close(fd);
}

static void vram_cgroup_fair_share(void)
{
	struct dmem_child c[2] = {}, *small = &c[0], *large = &c[1];
	int fd = sim_client();

	dmem_require(fd, small->region, sizeof(small->region));
	igt_require(svm_vram_size(fd) >= FAIR_LIMIT + (4 << 20));
	dmem_cgroup_make(small->dir, sizeof(small->dir), "a", small->region, FAIR_LIMIT);
	memcpy(large, small, sizeof(*large));

	dmem_child_start(small, fair_small);
	if (dmem_wait(small->up[0])) {
		dmem_child_start(large, fair_large);
		if (dmem_wait(large->up[0])) {
			igt_assert_eq_u64(dmem_current(small->dir, small->region), FAIR_LIMIT);
			/* The smaller one goes over: the larger one makes room. */
			dmem_signal(small->down[1]);
			dmem_wait(small->up[0]);
		}
		dmem_signal(large->down[1]);
	}
	dmem_children_end(c, 2);
	dmem_cgroup_remove(small->dir);
	close(fd);
}

static void dmem_lowered_child(struct dmem_child *c)
{
	const size_t size = 8 << 20;
	int fd = sim_client();
	char *p = dmem_buffer(size, 0x75000000);

	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), size / ps);
	dmem_signal(c->up[1]);
	igt_assert(dmem_wait(c->down[0]));
	igt_assert_eq_u64(svm_counters(fd).evicted_pages, (size - (2 << 20)) / ps);
	svm_assert_pattern(p, size, 0x75000000);
	close(fd);
}

static void vram_cgroup_max_lowered(void)
{
	struct dmem_child c = {};
	char path[192], val[340];
	int fd = sim_client();

	dmem_require(fd, c.region, sizeof(c.region));
	dmem_cgroup_make(c.dir, sizeof(c.dir), "a", c.region, DMEM_MAX);
	dmem_child_start(&c, dmem_lowered_child);
	igt_assert(dmem_wait(c.up[0]));
	igt_assert_eq_u64(dmem_current(c.dir, c.region), 8 << 20);

	snprintf(path, sizeof(path), "%s/dmem.max", c.dir);
	snprintf(val, sizeof(val), "%s %u", c.region, 2 << 20);
	igt_assert_eq(write_file(path, val), 0);
	/* Evicted before the write returned. */
	igt_assert_eq_u64(dmem_current(c.dir, c.region), 2 << 20);
	dmem_signal(c.down[1]);
	dmem_children_end(&c, 1);
	dmem_cgroup_remove(c.dir);
	close(fd);
}

static void dmem_zero_child(struct dmem_child *c)
{
	int fd = sim_client();
	char *p = dmem_buffer(THP_SIZE, 0x76000000);
	uint64_t result = 0, old = 0, sum = 0;

	igt_assert_eq(__svm_migrate(fd, p, THP_SIZE, SVM_VRAM, &result), -ENOMEM);
	igt_assert_eq_u64(result, 0);
	igt_assert_eq(gpu_read(fd, p, THP_SIZE, &sum), 0);
	igt_assert_eq_u64(sum, svm_checksum(p, THP_SIZE));
	igt_assert_eq(__svm_advise_atomic(fd, p, THP_SIZE, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);
	igt_assert_eq(gpu_atomic_add(fd, p, 1, &old), 0);
	igt_assert_eq_u64(old, 0x76000000);
	igt_assert_eq_u64(cpu_read(p), old + 1);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, 0);
	igt_assert_eq_u64(dmem_current(c->dir, c->region), 0);
	close(fd);
}

igt_main
{
	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	igt_describe("GPU atomics on pages 0 and 1 of a THP, in one batch, are granted.");
	igt_subtest("atomic-thp-neighbours-one-batch")
		atomic_thp_neighbours();

	igt_describe("GPU atomics around a page in VRAM, in one batch, are granted.");
	igt_subtest("atomic-around-vram-page")
		atomic_around_vram_page();

	igt_describe("MIGRATE of 1 TiB never touched fills VRAM, evicts nothing of its own.");
	igt_subtest("migrate-beyond-vram-untouched")
		migrate_beyond_vram_untouched();

	igt_describe("MIGRATE of memory in VRAM already moves nothing of it, evicts nothing.");
	igt_subtest("migrate-resident-moves-nothing")
		migrate_resident_moves_nothing();

	igt_describe("MIGRATE around a page no migration can move counts the pages that moved.");
	igt_subtest("migrate-counts-around-pinned-page")
		migrate_counts_around_pinned_page();

	igt_describe("MIGRATE counts what is in VRAM at its end, not what its pieces evicted.");
	igt_subtest("migrate-counts-what-stays")
		migrate_counts_what_stays();

	igt_describe("A process killed inside a PREFETCH over 1 TiB dies at once.");
	igt_subtest("bind-killable")
		bind_killable();

	igt_describe("What a PREFETCH makes the kernel allocate is charged to the caller's cgroup.");
	igt_subtest("prefetch-charged-to-cgroup")
		prefetch_charged_to_cgroup();

	igt_describe("VRAM moved with MIGRATE is charged to the process's dmem cgroup.");
	igt_subtest("vram-charged-to-cgroup")
		dmem_run(0, DMEM_MAX, vram_charged_child);

	igt_describe("VRAM a GPU atomic fault moves is charged to the process's dmem cgroup.");
	igt_subtest("vram-fault-charged-to-cgroup")
		dmem_run(NOUVEAU_SVM_CAP_ADVISE_ATOMIC, DMEM_MAX, vram_fault_child);

	igt_describe("A process over its dmem limit evicts its own VRAM, never another cgroup's.");
	igt_subtest("vram-cgroup-limit-evicts-own")
		vram_cgroup_limit_evicts_own();

	igt_describe("In a dmem cgroup at its limit, the client holding the most makes room.");
	igt_subtest("vram-cgroup-fair-share")
		vram_cgroup_fair_share();

	igt_describe("Lowering dmem.max below what a cgroup holds evicts the excess.");
	igt_subtest("vram-cgroup-max-lowered")
		vram_cgroup_max_lowered();

	igt_describe("With dmem.max 0, MIGRATE to VRAM fails and the GPU works in system memory.");
	igt_subtest("vram-cgroup-zero-limit")
		dmem_run(NOUVEAU_SVM_CAP_ADVISE_ATOMIC, 0, dmem_zero_child);

	igt_describe("A fault stuck on a FUSE file stops no other client's SVM_INIT or close.");
	igt_subtest("stuck-fault-others-go-on")
		stuck_fault_others_go_on();

	igt_describe("A parent's VRAM shared with its child after fork() goes when the parent exits.");
	igt_subtest("fork-vram-parent-exits")
		fork_vram_parent_exits();

	igt_describe("A fault fetched before its client closed is not served on the next client.");
	igt_subtest("fault-outlives-its-vm")
		fault_outlives_its_vm();

	igt_describe("Suspend and resume: every GPU mapping goes, VRAM empties, reads are right.");
	igt_subtest("vram-moves-on-resume")
		vram_moves_on_resume();

	igt_describe("VRAM chunks are borrowed when migrations need them and given back empty.");
	igt_subtest("vram-chunks-given-back")
		other_user_run(chunks_given_back, 0);

	igt_describe("Another VRAM user takes SVM's chunks back: pages evicted, data exact.");
	igt_subtest("vram-taken-back-by-other-user")
		other_user_run(taken_back, 0);

	igt_describe("Another VRAM user takes back the chunk the GPU mapped least recently.");
	igt_subtest("vram-taken-least-recently-used")
		other_user_run(taken_least_recently_used, 0);

	igt_describe("An eviction's copy back is under way as the pages' only mapper dies.");
	igt_subtest("vram-evicted-as-its-mapper-dies")
		other_user_run(evicted_as_its_mapper_dies, COPY_DELAY_US);

	igt_describe("As above, the mapper a child whose parent moved the memory and exited.");
	igt_subtest("vram-evicted-as-a-child-mapper-dies")
		other_user_run(evicted_as_a_child_mapper_dies, COPY_DELAY_US);

	igt_describe("Nothing is reserved for SVM: it gets what another VRAM user leaves.");
	igt_subtest("vram-shared-with-other-user")
		other_user_run(shared_with_other_user, 0);
}
