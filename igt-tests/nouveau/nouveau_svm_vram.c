// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm vram
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Device memory
 * Functionality: migration to and from device memory (VRAM), CPU faults
 *	on device-private pages, eviction, THP migration, failure injection
 * Description: Private anonymous memory migrates to VRAM (MIGRATE,
 *	PREFETCH, the atomic policy) and back (on request, on a CPU access,
 *	on eviction when VRAM is full) without losing a byte, across THPs,
 *	forks, munmap and exit; injected copy and allocation failures leave
 *	the data where it was.  The subtests skip on a device without VRAM
 *	for SVM.
 *
 * SUBTEST: migrate-vram-basic
 * Description: MIGRATE to VRAM moves every page of a buffer (result, pages
 *	copied, VRAM pages held, device-wide VRAM use); a second MIGRATE
 *	counts them without copying; the GPU reads them in VRAM without
 *	moving them; a CPU read brings them all back intact.
 *
 * SUBTEST: migrate-vram-then-gpu-access
 * Description: PREFETCH to VRAM migrates and maps a buffer: the GPU's first
 *	read and write fault nothing, nothing comes back, and the CPU sees
 *	what the GPU wrote.
 *
 * SUBTEST: prefetch-host-then-gpu-access
 * Description: PREFETCH to system memory maps a buffer without copying:
 *	the GPU's first read and write fault nothing.
 *
 * SUBTEST: migrate-host-basic
 * Description: MIGRATE to system memory: pages already there count without
 *	a copy; pages in VRAM are copied back once; one page brings back its
 *	whole allocation; untouched pages are faulted in and count, a hole
 *	does not.
 *
 * SUBTEST: migrate-threads-counted
 * Description: Four threads of one client move their own pages to VRAM
 *	one at a time and read them back with the CPU, many times over, so
 *	that allocations of VRAM are made and freed on one CPU while the
 *	other copies: every page is copied each way once and counted, and
 *	its data comes back intact.
 *
 * SUBTEST: migrate-roundtrip-data
 * Description: CPU data of 300 pages goes to VRAM, the GPU rewrites it
 *	there (nothing moves), MIGRATE brings it back, and the CPU sees its
 *	own words and the GPU's.
 *
 * SUBTEST: migrate-thp
 * Description: Two transparent huge pages go to VRAM as two 2 MiB folios
 *	(thp-to-vram) in at most two copies, the GPU reads them there, and
 *	they come back as THPs when the kernel has them (thp-to-host, smaps).
 *
 * SUBTEST: migrate-thp-read-from-inside
 * Description: A THP in VRAM is read by a second client whose unmanaged
 *	window covers the THP's first 64 KiB, so its GPU range starts inside
 *	the device-private PMD: the GPU reads pages 16 to 31 at their own
 *	addresses, not the THP's first pages.
 *
 * SUBTEST: migrate-mesa-maps-vram
 * Description: MIGRATE to VRAM with the exact arguments of Mesa's
 *	nvc0_svm_migrate() (npages in 4 KiB units, result left unset), of
 *	4 MiB of THPs and of a buffer the way glibc's malloc() hands out a
 *	large one (16 bytes into a mapping of its own): the GPU then reads
 *	every byte without a single fault, as nouveau's MIGRATE always
 *	mapped what it moved, and reads the right data.
 *
 * SUBTEST: migrate-after-fork-keeps-vram
 * Description: MIGRATE to VRAM of a buffer already there, after fork()
 *	shared it read-only with a child: the GPU cannot be given it
 *	writable, and the MIGRATE must leave it in VRAM (nothing moves back
 *	to the host) rather than map it; the child keeps the data of fork
 *	time.
 *
 * SUBTEST: migrate-partial-range
 * Description: MIGRATE of an unaligned middle part of a buffer, without a
 *	page count: the range is rounded out to pages, exactly those pages
 *	move, the pages around stay in system memory.
 *
 * SUBTEST: migrate-mixed-vma
 * Description: MIGRATE of one range over private anonymous memory, a
 *	shared file mapping, a hole and shared anonymous memory: success with
 *	the anonymous pages as result, every byte intact; back, every mapped
 *	page counts.
 *
 * SUBTEST: cpu-fault-migrates-back
 * Description: A CPU read of a page in VRAM brings back its whole
 *	allocation and no other; a CPU write does the same and lands.
 *
 * SUBTEST: cpu-fault-thp-whole-folio
 * Description: One CPU read of a THP in VRAM brings back all its 512 pages
 *	as one folio (thp-to-host).
 *
 * SUBTEST: evict-when-vram-full
 * Description: Four times the VRAM, migrated piece by piece, twice: every
 *	MIGRATE succeeds because the least recently used pieces are evicted
 *	(evictions, evicted pages copied back), VRAM use never exceeds its
 *	size, and the GPU and the CPU find every byte.
 *
 * SUBTEST: evict-two-processes
 * Description: Two processes, each with its own file, migrate one and a
 *	half times the VRAM each at the same time: both succeed, evict, keep
 *	their data, finish, and release their VRAM.
 *
 * SUBTEST: fork-after-migrate
 * Description: fork() with a buffer in VRAM: the child sees the data of
 *	fork time, not the parent's later GPU write, and its own writes do
 *	not reach the parent.
 *
 * SUBTEST: fork-after-migrate-snapshot-fails
 * Description: As fork-after-migrate, with the core's check of VRAM shared
 *	read-only with the child made to fail once (fault injection
 *	fail_nouveau_svm_snapshot): the GPU write must wait and retry, never
 *	be mapped writable on doubt, so the child still sees the data of
 *	fork time.
 *
 * SUBTEST: migrate-back-across-page-tables
 * Description: MIGRATE to the host of 200 pages that start 37 pages before
 *	a page-table boundary, 150 of them in VRAM, three of those zapped
 *	(MADV_DONTNEED) on each side of the boundary and on an edge of the
 *	kernel's 64-page batches: every page comes back to its own address
 *	with its own data, the zapped ones read zero, none stays in VRAM.
 *
 * SUBTEST: munmap-vram-range
 * Description: munmap() of an allocation in VRAM releases it (vram-pages)
 *	and leaves the one next to it in VRAM, intact; then all of it, and
 *	device-wide VRAM use drops back.
 *
 * SUBTEST: exit-with-vram-pages
 * Description: A process exits with pages in VRAM and its file open: its
 *	VRAM is released and the device goes on.
 *
 * SUBTEST: copy-failure-injected
 * Description: An injected copy-engine failure: MIGRATE to VRAM of one
 *	64 KiB piece fails with -EIO, result 0, one copy failure, the data
 *	intact in system memory; without injection it then goes.
 *
 * SUBTEST: copy-failure-injected-host
 * Description: An injected copy-engine failure on the way back: MIGRATE to
 *	system memory fails with -EIO and the data stays in VRAM, intact; a
 *	CPU access then brings it back.
 *
 * SUBTEST: alloc-failure-injected
 * Description: Injected device-memory allocation failures: MIGRATE to VRAM
 *	fails with -ENOMEM, result 0, nothing copied or lost; without
 *	injection it then goes.
 *
 * SUBTEST: migrate-unmapped-efault
 * Description: MIGRATE and PREFETCH of a range with nothing mapped, to
 *	either target: -EFAULT, result 0, nothing moved or mapped.
 *
 * SUBTEST: migrate-file-backed-eopnotsupp
 * Description: MIGRATE and PREFETCH to VRAM of a shared file mapping or
 *	shared anonymous memory: -EOPNOTSUPP, result 0, data intact; to
 *	system memory every page counts.
 *
 * SUBTEST: atomic-vram-no-exclusive
 * Description: GPU atomics on a buffer in VRAM are exact and run there:
 *	no device-exclusive grant, nothing comes back until the CPU reads.
 *
 * SUBTEST: atomic-policy-migrate
 * Description: ADVISE_ATOMIC MIGRATE: the next GPU atomics move the page
 *	to VRAM and run there without device-exclusive grants, exactly, and
 *	do so again after the CPU took the page back.
 *
 * SUBTEST: atomic-policy-migrate-bounded
 * Description: ADVISE_ATOMIC MIGRATE on a page a CPU thread adds to
 *	without pause while GPU atomics run: every GPU fault moves the page
 *	to VRAM, every CPU add takes it back, and the page bounces at most
 *	once a migration time slice (migrate_timeslice_ms), not as fast as
 *	the two can fault; the sum of all the adds is exact.
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

IGT_TEST_DESCRIPTION("Migration to and from VRAM through the nouveau SVM uAPI.");

/* ------------------------------------------------------------------ */
/* Device memory (VRAM)                                                */
/* ------------------------------------------------------------------ */

/* How long device memory may take to be released after its last user. */
#define VRAM_RELEASE_MS	10000

/*
 * A private anonymous mapping of @size aligned to @align (a power of two)
 * and nothing else: munmap(p, size) unmaps it all.  Migrated in one call,
 * an aligned power-of-two @size of at most 2 MiB is one piece of VRAM.
 */
static char *map_anon_aligned(size_t size, size_t align)
{
	char *raw = map_anon(size + align, PROT_READ | PROT_WRITE);
	char *p = (char *)(((uintptr_t)raw + align - 1) & ~(uintptr_t)(align - 1));
	size_t tail = raw + size + align - (p + size);

	if (p > raw)
		munmap(raw, p - raw);
	if (tail)
		munmap(p + size, tail);
	return p;
}

/*
 * @size (a multiple of 2 MiB) of transparent huge pages, 2 MiB aligned,
 * which the CPU's first touch fills with the WRITE pattern of @value;
 * skips when the kernel gives no THPs there.
 */
static char *map_thp(size_t size, uint64_t value)
{
	char *p = map_anon_aligned(size, THP_SIZE);
	bool thp = !madvise(p, size, MADV_HUGEPAGE);

	if (thp) {
		svm_pattern(p, size, value);
		thp = svm_thp_backed(p, size);
	}
	if (!thp)
		munmap(p, size);
	igt_require_f(thp, "no THP at %p (THP off, or no free 2 MiB)\n", p);
	return p;
}

/* Skip unless VRAM holds @bytes at once (the vram_mb of the sim may be small). */
static void require_vram_size(int fd, uint64_t bytes)
{
	igt_require_f(svm_vram_size(fd) >= bytes,
		      "VRAM of %" PRIu64 " KiB, %" PRIu64 " KiB needed\n",
		      svm_vram_size(fd) >> 10, bytes >> 10);
}

/* The GPU reads [p, p + size) and finds @sum, without the CPU touching it. */
static void assert_gpu_sum(int fd, const void *p, size_t size, uint64_t sum)
{
	uint64_t got = 0;

	igt_assert_eq(gpu_read(fd, p, size, &got), 0);
	igt_assert_eq_u64(got, sum);
}

/* Migrate [p, p + size) to @target: every page of it gets there. */
static void migrate_all(int fd, const void *p, size_t size, uint32_t target)
{
	igt_assert_eq_u64(svm_migrate(fd, p, size, target), size / ps);
}

/* Poll this client's vram-pages until it is @pages, for a while: the last. */
static uint64_t wait_vram_pages(int fd, uint64_t pages)
{
	struct timespec start = {};
	uint64_t now;

	igt_nsec_elapsed(&start);
	for (;;) {
		now = svm_counters(fd).vram_pages;
		if (now == pages ||
		    igt_nsec_elapsed(&start) >= VRAM_RELEASE_MS * 1000000ull)
			return now;
		usleep(10 * 1000);
	}
}

/* Disarm @what, armed by a test that may have failed before disarming. */
static void inject_disarm(int fd, uint32_t what)
{
	svm_inject(fd, what, 0);
}

static void migrate_vram_basic(int fd)
{
	const size_t npages = 64, size = npages * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;
	uint64_t sum, used;

	svm_pattern(p, size, 0x20000000);
	sum = svm_checksum(p, size);

	/* Every page goes, each copied once. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_u64_lte(1, d.copy_launches);
	assert_u64_lte(d.copy_launches, npages);
	used = svm_vram_used(fd);
	assert_u64_lte(b.vram_pages * ps, used);
	assert_u64_lte(used, svm_vram_size(fd));

	/* Again: the pages are there already; they count, nothing is copied. */
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_VRAM), npages);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.copy_launches, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The GPU reads the data in VRAM, which stays there. */
	assert_gpu_sum(fd, p, size, sum);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);
	igt_assert_eq_u64(d.cancels, 0);

	/* The CPU reads it: every page comes back, intact. */
	svm_assert_pattern(p, size, 0x20000000);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, npages);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	munmap(p, size);
}

static void migrate_vram_then_gpu_access(int fd)
{
	const size_t npages = 64, size = npages * ps;
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *p;

	svm_require_prefetch(fd);
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x21000000);
	sum = svm_checksum(p, size);

	a = svm_counters(fd);
	igt_assert_eq_u64(svm_prefetch(fd, p, size, SVM_VRAM), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	assert_u64_lte(npages, d.gpu_pages);

	/* Mapped already: the GPU reads and writes without a fault. */
	assert_gpu_sum(fd, p, size, sum);
	igt_assert_eq(gpu_write(fd, p, size, 0x21100000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.fault_batches, 0);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The CPU sees what the GPU wrote in VRAM. */
	svm_assert_pattern(p, size, 0x21100000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, npages);
	munmap(p, size);
}

static void prefetch_host_then_gpu_access(int fd)
{
	const size_t npages = 32, size = npages * ps;
	struct svm_counters a, b, c, d;
	char *p;

	svm_require_prefetch(fd);
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x21200000);

	/* In system memory already: counted and mapped, nothing copied. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_prefetch(fd, p, size, SVM_HOST), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.copy_launches, 0);
	assert_u64_lte(npages, d.gpu_pages);

	/* The GPU's first read and write: no fault. */
	assert_gpu_reads(fd, p, size);
	igt_assert_eq(gpu_write(fd, p, size, 0x21300000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(d.cancels, 0);
	svm_assert_pattern(p, size, 0x21300000);
	munmap(p, size);
}

static void migrate_host_basic(int fd)
{
	const size_t npages = 128, size = npages * ps;
	char *p = map_anon_aligned(size, size);	/* one piece of VRAM */
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *q;

	svm_pattern(p, size, 0x22000000);
	sum = svm_checksum(p, size);

	/* In system memory already: every page counts, nothing is copied. */
	a = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_HOST), npages);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.copy_launches, 0);

	/* To VRAM and back: every page copied back once. */
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p, size, SVM_HOST), npages);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_u64_lte(1, d.copy_launches);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	/* The data is in system memory: reading it copies nothing more. */
	svm_assert_pattern(p, size, 0x22000000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 0);
	assert_gpu_sum(fd, p, size, sum);

	/* One page of the range: its whole allocation comes back. */
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(svm_migrate(fd, p + 5 * ps, ps, SVM_HOST), 1);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, npages);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	svm_assert_pattern(p, size, 0x22000000);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 0);
	munmap(p, size);

	/* Untouched pages are faulted in and count; a hole does not. */
	q = map_anon(3 * ps, PROT_READ | PROT_WRITE);
	igt_assert_eq(munmap(q + ps, ps), 0);
	igt_assert_eq_u64(svm_migrate(fd, q, 3 * ps, SVM_HOST), 2);
	igt_assert_eq_u64(cpu_read((uint64_t *)q), 0);
	igt_assert_eq_u64(cpu_read((uint64_t *)(q + 2 * ps)), 0);
	munmap(q, ps);
	munmap(q + 2 * ps, ps);
}

#define MIGRATE_THREADS		4
#define MIGRATE_THREAD_PAGES	16
#define MIGRATE_THREAD_ROUNDS	64

struct migrate_thread {
	pthread_t thread;
	int fd;
	unsigned int id;
	uint64_t moved;
	char error[160];
};

/*
 * Each round: write a pattern, migrate the pages to VRAM one at a time
 * (an allocation each), read them back with the CPU (a fault and a copy
 * each, then the allocation is freed).
 */
static void *thread_migrates(void *data)
{
	const size_t size = MIGRATE_THREAD_PAGES * ps;
	struct migrate_thread *t = data;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(t->error, sizeof(t->error), "mmap: %d", errno);
		return NULL;
	}
	for (unsigned int round = 0; round < MIGRATE_THREAD_ROUNDS; round++) {
		uint64_t value = (uint64_t)t->id << 48 | (uint64_t)round << 32;
		uint64_t result;
		long bad;
		int ret;

		svm_pattern(p, size, value);
		for (unsigned int i = 0; i < MIGRATE_THREAD_PAGES; i++) {
			ret = __svm_migrate(t->fd, p + i * ps, ps, SVM_VRAM, &result);
			if (ret || result != 1) {
				snprintf(t->error, sizeof(t->error),
					 "round %u page %u: migrate %d result %" PRIu64,
					 round, i, ret, result);
				goto out;
			}
			t->moved++;
		}
		bad = svm_pattern_check(p, size, value);
		if (bad >= 0) {
			snprintf(t->error, sizeof(t->error),
				 "round %u: word %ld wrong after the round trip", round, bad);
			break;
		}
	}
out:
	munmap(p, size);
	return NULL;
}

static void migrate_threads_counted(int fd)
{
	struct migrate_thread t[MIGRATE_THREADS] = {};
	struct svm_counters a, b, d;
	uint64_t moved = 0;

	require_vram_size(fd, MIGRATE_THREADS * MIGRATE_THREAD_PAGES * ps);
	a = svm_counters(fd);
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++) {
		t[i].fd = fd;
		t[i].id = i;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, thread_migrates,
					     &t[i]), 0);
	}
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (unsigned int i = 0; i < MIGRATE_THREADS; i++) {
		igt_assert_f(!t[i].error[0], "thread %u: %s\n", i, t[i].error);
		moved += t[i].moved;
	}
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(moved, MIGRATE_THREADS * MIGRATE_THREAD_PAGES *
				 MIGRATE_THREAD_ROUNDS);
	/* Each copy is counted by the allocation it copies to or from. */
	igt_assert_eq_u64(d.pages_to_vram, moved);
	igt_assert_eq_u64(d.pages_to_host, moved);
	igt_assert_eq_u64(d.copy_failures, 0);
	igt_assert_eq_u64(wait_vram_pages(fd, a.vram_pages), a.vram_pages);
}

static void migrate_roundtrip_data(int fd)
{
	/* Neither a power of two nor aligned: pieces of every size. */
	const size_t npages = 300, size = npages * ps, words = size / 8;
	uint64_t *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, c, d;

	svm_pattern(p, size, 0x23000000);
	a = svm_counters(fd);
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_vram, npages);

	/* The GPU rewrites all but the first and last words, in VRAM. */
	igt_assert_eq(gpu_write(fd, p + 1, size - 16, 0x23100000), 0);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* Back to system memory: each page copied once. */
	migrate_all(fd, p, size, SVM_HOST);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);

	/* The CPU sees the CPU's words and the GPU's, and copies nothing. */
	igt_assert_eq_u64(cpu_read(&p[0]), 0x23000000);
	svm_assert_pattern(p + 1, size - 16, 0x23100000);
	igt_assert_eq_u64(cpu_read(&p[words - 1]), 0x23000000 + words - 1);
	assert_gpu_reads(fd, p, size);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, 0);
	munmap(p, size);
}

static void migrate_thp(int fd)
{
	const size_t size = 2 * THP_SIZE, npages = size / ps;
	struct svm_counters a, b, c, d;
	uint64_t sum;
	char *p;

	require_vram_size(fd, size);
	p = map_thp(size, 0x24000000);
	sum = svm_checksum(p, size);

	/* Two THPs: two 2 MiB folios, each one piece of VRAM. */
	a = svm_counters(fd);
	migrate_all(fd, p, size, SVM_VRAM);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.thp_to_vram, 2);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.vram_pages, npages);
	assert_u64_lte(1, d.copy_launches);
	assert_u64_lte(d.copy_launches, 2);
	assert_gpu_sum(fd, p, size, sum);

	/* Back: as THPs again when the kernel has them to give. */
	migrate_all(fd, p, size, SVM_HOST);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	assert_u64_lte(d.thp_to_host, 2);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	igt_info("%" PRIu64 " of 2 folios came back as THPs\n", d.thp_to_host);
	if (d.thp_to_host == 2)
		igt_assert_f(svm_thp_backed(p, size),
			     "thp-to-host says 2, smaps has no 4 MiB of THPs\n");
	svm_assert_pattern(p, size, 0x24000000);
	munmap(p, size);
}

/*
 * An HMM walk that starts inside a device-private PMD: the second client
 * mirrors nothing below p + 64 KiB, so its range there is 64 KiB and
 * hmm_range_fault() walks the THP from its 17th page on.
 */
static void migrate_thp_read_from_inside(int fd)
{
	const size_t skip = 16 * ps, len = 16 * ps;
	struct svm_counters a, b, d;
	uint64_t sum, got = 0;
	int fd2;
	char *p;

	require_vram_size(fd, THP_SIZE);
	p = map_thp(THP_SIZE, 0x2b000000);
	sum = svm_checksum(p + skip, len);
	igt_assert(sum != svm_checksum(p, len));

	a = svm_counters(fd);
	migrate_all(fd, p, THP_SIZE, SVM_VRAM);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.thp_to_vram, 1);

	fd2 = svm_open();
	svm_init(fd2, to_user_pointer(p), skip);
	igt_assert_eq(gpu_read(fd2, p + skip, len, &got), 0);
	igt_assert_f(got == sum,
		     "GPU read %#" PRIx64 ", pages 16-31 hold %#" PRIx64
		     " (pages 0-15: %#" PRIx64 ")\n", got, sum,
		     svm_checksum(p, len));
	/* Read in place: nothing came back from VRAM. */
	igt_assert_eq_u64(svm_counters(fd2).pages_to_host, 0);
	igt_assert_eq_u64(svm_counters(fd).vram_pages, b.vram_pages);
	close(fd2);
	svm_assert_pattern(p, THP_SIZE, 0x2b000000);
	munmap(p, THP_SIZE);
}

/*
 * SVM_BIND exactly as Mesa's nvc0_svm_migrate() fills it: npages counted
 * in 4 KiB units whatever the page size, result never set.
 */
static int mesa_svm_migrate(int fd, const void *ptr, size_t size, bool to_device)
{
	struct drm_nouveau_svm_bind args;

	memset(&args, 0xa5, sizeof(args));
	args.va_start = to_user_pointer(ptr);
	args.va_end = args.va_start + size;
	args.npages = (args.va_end - args.va_start + 0xfff) / 0x1000;
	args.stride = 0;
	args.reserved0 = 0;
	args.reserved1 = 0;
	args.header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__MIGRATE <<
		      NOUVEAU_SVM_BIND_COMMAND_SHIFT;
	args.header |= (uint64_t)(to_device ? NOUVEAU_SVM_BIND_TARGET__GPU_VRAM : 0) <<
		       NOUVEAU_SVM_BIND_TARGET_SHIFT;
	return __svm_bind(fd, &args);
}

/* Mesa migrates [p, p + size) to VRAM; the GPU reads it without faults. */
static void assert_mesa_migrate_mapped(int fd, const char *p, size_t size)
{
	uint64_t sum = svm_checksum(p, size), got = 0;
	struct svm_counters a, b, c, d;

	a = svm_counters(fd);
	igt_assert_eq(mesa_svm_migrate(fd, p, size, true), 0);
	b = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p, size, &got), 0);
	c = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_f(d.pages_to_vram > 0, "nothing moved to VRAM\n");
	d = counters_delta(&b, &c);
	igt_info("%zu KiB at %p: %" PRIu64 " GPU faults after the MIGRATE\n",
		 size >> 10, p, d.faults);
	igt_assert_eq_u64(d.faults, 0);
	igt_assert_eq_u64(got, sum);
}

static void migrate_mesa_maps_vram(int fd)
{
	const size_t len = (1 << 20) + 104, map_len = (16 + len + ps - 1) / ps * ps;
	char *thp, *guard, *buf;

	require_vram_size(fd, 2 * THP_SIZE + map_len);
	thp = map_thp(2 * THP_SIZE, 0x2c000000);
	assert_mesa_migrate_mapped(fd, thp, 2 * THP_SIZE);
	svm_assert_pattern(thp, 2 * THP_SIZE, 0x2c000000);
	munmap(thp, 2 * THP_SIZE);

	/* A large malloc(): a mapping of its own, the data 16 bytes in. */
	guard = mmap(NULL, map_len + 2 * ps, PROT_NONE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(guard != MAP_FAILED);
	buf = mmap(guard + ps, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(buf == guard + ps);
	svm_pattern(buf, map_len, 0x2d000000);
	assert_mesa_migrate_mapped(fd, buf + 16, len);
	svm_assert_pattern(buf, map_len, 0x2d000000);
	munmap(guard, map_len + 2 * ps);
}

static void migrate_after_fork_keeps_vram(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	struct svm_counters a, b, d;
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x2e000000);
	migrate_all(fd, p, size, SVM_VRAM);
	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		svm_assert_pattern(p, size, 0x2e000000);
	}
	close(go[0]);

	a = svm_counters(fd);
	igt_assert_eq(mesa_svm_migrate(fd, p, size, true), 0);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.evicted_pages, 0);

	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();
	svm_assert_pattern(p, size, 0x2e000000);
	munmap(p, size);
}

static void migrate_partial_range(int fd)
{
	const size_t npages = 64, size = npages * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	/* Pages [16, 48), given unaligned and without a page count. */
	struct drm_nouveau_svm_bind bind = {
		.header = svm_bind_header(NOUVEAU_SVM_BIND_COMMAND__MIGRATE, SVM_VRAM),
		.va_start = to_user_pointer(p + 16 * ps + 100),
		.va_end = to_user_pointer(p + 48 * ps - 100),
	};
	struct svm_counters a, b, c, d;
	uint64_t sum;

	svm_pattern(p, size, 0x25000000);
	sum = svm_checksum(p, size);

	a = svm_counters(fd);
	igt_assert_eq(__svm_bind(fd, &bind), 0);
	igt_assert_eq_u64(bind.result, 32);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, 32);
	igt_assert_eq_u64(d.vram_pages, 32);

	/* The pages around it stayed: reading them copies nothing. */
	svm_assert_pattern(p, 16 * ps, 0x25000000);
	svm_assert_pattern(p + 48 * ps, 16 * ps, 0x25000000 + 48 * ps / 8);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The GPU reads across both; the CPU brings back exactly the middle. */
	assert_gpu_sum(fd, p, size, sum);
	svm_assert_pattern(p + 16 * ps, 32 * ps, 0x25000000 + 16 * ps / 8);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, 32);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);
	munmap(p, size);
}

/* A new unlinked file of @size bytes holding @value's WRITE pattern. */
static int file_with_pattern(size_t size, uint64_t value)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	void *data = malloc(size);
	int file;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, value);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);
	free(data);
	return file;
}

/* A MAP_SHARED mapping of @file at @addr (0: anywhere), @size bytes. */
static char *map_file(int file, size_t size, void *addr)
{
	char *p = mmap(addr, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (addr ? MAP_FIXED : 0), file, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/* The file holds @value's pattern over @size bytes. */
static void assert_file_pattern(int file, size_t size, uint64_t value)
{
	void *data = malloc(size);

	igt_assert(data);
	igt_assert_eq(pread(file, data, size, 0), (ssize_t)size);
	svm_assert_pattern(data, size, value);
	free(data);
}

static void migrate_mixed_vma(int fd)
{
	/* [anon 16][shared file 8][hole 8][shared anon 8][anon 16] pages */
	const size_t total = 56 * ps;
	char *r = map_anon(total, PROT_NONE);
	char *anon1 = r, *filep = r + 16 * ps, *shm = r + 32 * ps;
	char *anon2 = r + 40 * ps, *q;
	struct svm_counters a, b, d;
	uint64_t sum1, sum2, result = 0;
	int file;

	q = mmap(anon1, 16 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == anon1);
	file = file_with_pattern(8 * ps, 0x26100000);
	igt_assert(map_file(file, 8 * ps, filep) == filep);
	igt_assert_eq(munmap(r + 24 * ps, 8 * ps), 0);
	q = mmap(shm, 8 * ps, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == shm);
	q = mmap(anon2, 16 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(q == anon2);
	svm_pattern(anon1, 16 * ps, 0x26000000);
	svm_pattern(shm, 8 * ps, 0x26200000);
	svm_pattern(anon2, 16 * ps, 0x26300000);
	sum1 = svm_checksum(anon1, 16 * ps);
	sum2 = svm_checksum(anon2, 16 * ps);

	/* Only the private anonymous pages can go: a partial success. */
	a = svm_counters(fd);
	igt_assert_eq(__svm_migrate(fd, r, total, SVM_VRAM, &result), 0);
	igt_assert_eq_u64(result, 32);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.pages_to_vram, 32);
	igt_assert_eq_u64(d.vram_pages, 32);

	/* Everything reads right: the anon pages in VRAM, the rest where it was. */
	assert_gpu_sum(fd, anon1, 16 * ps, sum1);
	assert_gpu_sum(fd, anon2, 16 * ps, sum2);
	svm_assert_pattern(filep, 8 * ps, 0x26100000);
	assert_file_pattern(file, 8 * ps, 0x26100000);
	svm_assert_pattern(shm, 8 * ps, 0x26200000);
	assert_gpu_reads(fd, filep, 8 * ps);
	assert_gpu_reads(fd, shm, 8 * ps);

	/* Back: every mapped page is in system memory, the hole does not count. */
	igt_assert_eq(__svm_migrate(fd, r, total, SVM_HOST, &result), 0);
	igt_assert_eq_u64(result, 48);
	a = svm_counters(fd);
	d = counters_delta(&b, &a);
	igt_assert_eq_u64(d.pages_to_host, 32);
	svm_assert_pattern(anon1, 16 * ps, 0x26000000);
	svm_assert_pattern(anon2, 16 * ps, 0x26300000);
	assert_file_pattern(file, 8 * ps, 0x26100000);

	munmap(anon1, 24 * ps);
	munmap(shm, 24 * ps);
	close(file);
}

static void cpu_fault_migrates_back(int fd)
{
	const size_t half = 64 * ps, size = 2 * half;
	char *p = map_anon_aligned(size, half);
	struct svm_counters a, b, c;
	uint64_t *w;

	svm_pattern(p, size, 0x27000000);
	/* Two allocations of 64 pages each. */
	migrate_all(fd, p, half, SVM_VRAM);
	migrate_all(fd, p + half, half, SVM_VRAM);

	/* One CPU read: the first allocation comes back whole, only it. */
	a = svm_counters(fd);
	w = (uint64_t *)(p + 5 * ps + 64);
	igt_assert_eq_u64(cpu_read(w), 0x27000000 + (5 * ps + 64) / 8);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_host, half / ps);
	igt_assert_eq_u64(a.vram_pages - b.vram_pages, half / ps);
	svm_assert_pattern(p, half, 0x27000000);
	c = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &c).pages_to_host, 0);

	/* One CPU write into the second: it comes back, the write lands. */
	w = (uint64_t *)(p + half + 7 * ps);
	cpu_write(w, 0xc0ffee);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&c, &b).pages_to_host, half / ps);
	igt_assert_eq_u64(a.vram_pages - b.vram_pages, 2 * half / ps);
	igt_assert_eq_u64(cpu_read(w), 0xc0ffee);
	cpu_write(w, 0x27000000 + (half + 7 * ps) / 8);
	svm_assert_pattern(p, size, 0x27000000);
	assert_gpu_reads(fd, p, size);
	munmap(p, size);
}

static void cpu_fault_thp_whole_folio(int fd)
{
	const size_t npages = THP_SIZE / ps;
	struct svm_counters a, b, d;
	uint64_t *w;
	char *p;

	require_vram_size(fd, THP_SIZE);
	p = map_thp(THP_SIZE, 0x28000000);
	w = (uint64_t *)(p + 100 * ps);

	a = svm_counters(fd);
	migrate_all(fd, p, THP_SIZE, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).thp_to_vram, 1);

	/* One CPU read: the whole folio comes back, as one. */
	igt_assert_eq_u64(cpu_read(w), 0x28000000 + 100 * ps / 8);
	a = svm_counters(fd);
	d = counters_delta(&b, &a);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.thp_to_host, 1);
	igt_assert_eq_u64(b.vram_pages - a.vram_pages, npages);
	svm_assert_pattern(p, THP_SIZE, 0x28000000);
	assert_gpu_reads(fd, p, THP_SIZE);
	munmap(p, THP_SIZE);
}

/* The size of the pieces eviction tests migrate: 2 MiB, or an eighth of VRAM. */
static size_t evict_piece(uint64_t vram)
{
	return vram / 8 < THP_SIZE ? vram / 8 : THP_SIZE;
}

/* The pattern value of piece @i in round @round of process @id. */
static uint64_t evict_value(unsigned int id, unsigned int round, size_t i)
{
	return (uint64_t)id << 48 | (uint64_t)round << 40 | (uint64_t)i << 28;
}

/*
 * Fill @n pieces of @piece bytes at @p with the patterns of round @round,
 * migrate each to VRAM (each must get there entirely, whatever it takes to
 * make room) and check them all from the GPU.  @sums holds @n checksums.
 */
static void evict_round(int fd, char *p, size_t piece, size_t n,
			unsigned int id, unsigned int round, uint64_t *sums)
{
	uint64_t vram = svm_vram_size(fd), result;
	int ret;

	for (size_t i = 0; i < n; i++) {
		svm_pattern(p + i * piece, piece, evict_value(id, round, i));
		sums[i] = svm_checksum(p + i * piece, piece);
	}
	for (size_t i = 0; i < n; i++) {
		result = 0;
		ret = __svm_migrate(fd, p + i * piece, piece, SVM_VRAM, &result);
		igt_assert_f(ret == 0 && result == piece / ps,
			     "piece %zu of %zu: ret %d, result %" PRIu64 " of %zu\n",
			     i, n, ret, result, piece / ps);
		assert_u64_lte(svm_vram_used(fd), vram);
	}
	for (size_t i = 0; i < n; i++)
		assert_gpu_sum(fd, p + i * piece, piece, sums[i]);
}

static void evict_when_vram_full(int fd)
{
	uint64_t vram = svm_vram_size(fd);
	size_t piece = evict_piece(vram), size = 4 * vram, n = size / piece;
	uint64_t *sums = calloc(n, sizeof(*sums));
	char *p = map_anon_aligned(size, piece);
	struct svm_counters a, b, c, d;

	igt_assert(sums);
	igt_info("VRAM %" PRIu64 " MiB: %zu pieces of %zu KiB\n", vram >> 20, n,
		 piece >> 10);

	a = svm_counters(fd);
	evict_round(fd, p, piece, n, 0, 0, sums);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_info("%" PRIu64 " evictions of %" PRIu64 " pages\n", d.evictions,
		 d.evicted_pages);
	igt_assert_eq_u64(d.pages_to_vram, size / ps);
	assert_u64_lte(1, d.evictions);
	/* At most all of VRAM stays: the rest was evicted, copied back. */
	assert_u64_lte((size - vram) / ps, d.evicted_pages);
	igt_assert_eq_u64(d.pages_to_host, d.evicted_pages);
	assert_u64_lte(b.vram_pages, vram / ps);

	/* Every byte is found again, by the CPU, wherever it was. */
	for (size_t i = 0; i < n; i++)
		svm_assert_pattern(p + i * piece, piece, evict_value(0, 0, i));

	/* Once more, then the GPU rewrites everything and the CPU checks. */
	evict_round(fd, p, piece, n, 0, 1, sums);
	for (size_t i = 0; i < n; i++)
		igt_assert_eq(gpu_write(fd, p + i * piece, piece,
					evict_value(0, 2, i)), 0);
	for (size_t i = 0; i < n; i++)
		svm_assert_pattern(p + i * piece, piece, evict_value(0, 2, i));
	c = svm_counters(fd);
	igt_assert_eq_u64(c.vram_pages, a.vram_pages);
	igt_assert_eq_u64(counters_delta(&b, &c).copy_failures, 0);
	munmap(p, size);
	free(sums);
}

/* Child @id of evict-two-processes: its own file, 1.5 times VRAM, 2 rounds. */
static void evict_child(unsigned int id)
{
	int cfd = __svm_open();
	uint64_t vram, *sums;
	size_t piece, size, n;
	char *p;

	igt_assert_fd(cfd);
	svm_init(cfd, 0, 0);
	vram = svm_vram_size(cfd);
	piece = evict_piece(vram);
	size = vram + vram / 2;
	n = size / piece;
	sums = calloc(n, sizeof(*sums));
	igt_assert(sums);
	p = map_anon_aligned(size, piece);

	for (unsigned int round = 0; round < 2; round++) {
		evict_round(cfd, p, piece, n, id + 1, round, sums);
		for (size_t i = 0; i < n; i++)
			svm_assert_pattern(p + i * piece, piece,
					   evict_value(id + 1, round, i));
	}
	/* More than VRAM by itself: it evicted its own pages at least. */
	assert_u64_lte(1, svm_counters(cfd).evictions);
	munmap(p, size);
	free(sums);
	close(cfd);
}

static void evict_two_processes(int fd)
{
	uint64_t used0 = svm_vram_used(fd), used;

	igt_fork(child, 2)
		evict_child(child);
	igt_waitchildren_timeout(120, "two processes evicting each other");

	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after, %" PRIu64
		     " before\n", used, used0);
}

static void fork_after_migrate(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x29000000);
	migrate_all(fd, p, size, SVM_VRAM);

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		/* The data of fork time, not the parent's GPU write. */
		svm_assert_pattern(p, size, 0x29000000);
		svm_pattern(p, size, 0x29200000);
		svm_assert_pattern(p, size, 0x29200000);
	}
	close(go[0]);

	/* The parent's GPU write must not reach the child's copy. */
	igt_assert_eq(gpu_write(fd, p, size, 0x29100000), 0);
	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* Nor the child's CPU writes the parent. */
	svm_assert_pattern(p, size, 0x29100000);
	assert_gpu_reads(fd, p, size);
	migrate_all(fd, p, size, SVM_VRAM);
	igt_assert_eq(gpu_write(fd, p, size, 0x29300000), 0);
	svm_assert_pattern(p, size, 0x29300000);
	munmap(p, size);
}

#define FAIL_SNAPSHOT_DIR "/sys/kernel/debug/fail_nouveau_svm_snapshot"

/* Write @value to @file of the core's fail_nouveau_svm_snapshot attribute. */
static void fail_snapshot_set(const char *file, const char *value)
{
	char path[128];
	int f;

	snprintf(path, sizeof(path), FAIL_SNAPSHOT_DIR "/%s", file);
	f = open(path, O_WRONLY);
	igt_require_f(f >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(write(f, value, strlen(value)), (ssize_t)strlen(value));
	close(f);
}

static long fail_snapshot_get(const char *file)
{
	char path[128], buf[32] = "";
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), FAIL_SNAPSHOT_DIR "/%s", file);
	f = open(path, O_RDONLY);
	igt_assert_f(f >= 0, "%s: %s\n", path, strerror(errno));
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	igt_assert(n > 0);
	return strtol(buf, NULL, 0);
}

static void fork_after_migrate_snapshot_fails(int fd)
{
	const size_t size = 16 * ps;
	char *p = map_anon_aligned(size, size);
	long left;
	int go[2], ret;
	char c = 0;

	fail_snapshot_set("probability", "0");
	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0x29400000);
	migrate_all(fd, p, size, SVM_VRAM);

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		svm_assert_pattern(p, size, 0x29400000);
	}
	close(go[0]);

	/* The first check fails, in the fault worker: any task. */
	fail_snapshot_set("task-filter", "N");
	fail_snapshot_set("verbose", "0");
	fail_snapshot_set("interval", "1");
	fail_snapshot_set("times", "1");
	fail_snapshot_set("probability", "100");
	ret = gpu_write(fd, p, size, 0x29500000);
	left = fail_snapshot_get("times");
	fail_snapshot_set("probability", "0");
	igt_assert_eq(ret, 0);
	igt_assert_f(left == 0, "the injected failure did not happen\n");

	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();
	svm_assert_pattern(p, size, 0x29500000);
	munmap(p, size);
}

static void migrate_back_across_page_tables(int fd)
{
	const size_t span = 200 * ps, moved = 150 * ps;
	char *base = map_anon_aligned(2 * THP_SIZE, THP_SIZE);
	/* Page 37 of the range is the first of the next page table. */
	char *p = base + THP_SIZE - 37 * ps;
	const size_t zap[] = { 36, 37, 101 };
	struct svm_counters a, b;
	size_t i, w, from = 0;
	uint64_t vram0;

	igt_assert_eq(madvise(base, 2 * THP_SIZE, MADV_NOHUGEPAGE), 0);
	svm_pattern(p, span, 0x2b000000);
	a = svm_counters(fd);
	vram0 = a.vram_pages;
	migrate_all(fd, p, moved, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages - vram0, moved / ps);
	for (i = 0; i < ARRAY_SIZE(zap); i++)
		igt_assert_eq(madvise(p + zap[i] * ps, ps, MADV_DONTNEED), 0);

	a = svm_counters(fd);
	svm_migrate(fd, p, span, SVM_HOST);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.pages_to_host - a.pages_to_host, moved / ps - ARRAY_SIZE(zap));
	igt_assert_eq_u64(wait_vram_pages(fd, vram0), vram0);

	for (i = 0; i <= ARRAY_SIZE(zap); i++) {
		size_t to = i < ARRAY_SIZE(zap) ? zap[i] : span / ps;

		svm_assert_pattern(p + from * ps, (to - from) * ps,
				   0x2b000000 + from * ps / 8);
		for (w = 0; i < ARRAY_SIZE(zap) && w < ps / 8; w++)
			igt_assert_eq_u64(((const uint64_t *)(p + to * ps))[w], 0);
		from = to + 1;
	}
	munmap(base, 2 * THP_SIZE);
}

static void munmap_vram_range(int fd)
{
	const size_t half = 64 * ps, size = 2 * half;
	char *p = map_anon_aligned(size, half);
	uint64_t used0 = svm_vram_used(fd), used, sum2, left;
	struct svm_counters a, b;

	svm_pattern(p, size, 0x2a000000);
	sum2 = svm_checksum(p + half, half);
	a = svm_counters(fd);
	migrate_all(fd, p, half, SVM_VRAM);
	migrate_all(fd, p + half, half, SVM_VRAM);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages - a.vram_pages, size / ps);
	assert_u64_lte(size, svm_vram_used(fd));

	/* The first allocation's VRAM goes with its mapping... */
	igt_assert_eq(munmap(p, half), 0);
	left = wait_vram_pages(fd, a.vram_pages + half / ps);
	igt_assert_eq_u64(left, a.vram_pages + half / ps);
	/* ...the second stays, in VRAM, intact. */
	assert_gpu_sum(fd, p + half, half, sum2);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages + half / ps);

	igt_assert_eq(munmap(p + half, half), 0);
	left = wait_vram_pages(fd, a.vram_pages);
	igt_assert_eq_u64(left, a.vram_pages);
	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after munmap, %"
		     PRIu64 " before\n", used, used0);
}

static void exit_with_vram_pages(int fd)
{
	uint64_t used0, used;
	char *p;

	require_vram_size(fd, 4ull << 20);
	used0 = svm_vram_used(fd);
	igt_fork(child, 1) {
		size_t size = 4ull << 20;
		int cfd = __svm_open();
		char *q;

		igt_assert_fd(cfd);
		svm_init(cfd, 0, 0);
		q = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(q, size, 0x2b000000);
		migrate_all(cfd, q, size, SVM_VRAM);
		assert_u64_lte(size, svm_vram_used(cfd));
		igt_assert_eq_u64(svm_counters(cfd).vram_pages, size / ps);
		/* Leave with the memory mapped, in VRAM, and the file open. */
	}
	igt_waitchildren();

	used = svm_vram_used_wait(fd, used0, VRAM_RELEASE_MS);
	igt_assert_f(used <= used0, "VRAM used %" PRIu64 " after the exit, %"
		     PRIu64 " before\n", used, used0);

	/* The device goes on. */
	p = map_anon(16 * ps, PROT_READ | PROT_WRITE);
	svm_pattern(p, 16 * ps, 0x2b100000);
	migrate_all(fd, p, 16 * ps, SVM_VRAM);
	assert_gpu_reads(fd, p, 16 * ps);
	svm_assert_pattern(p, 16 * ps, 0x2b100000);
	munmap(p, 16 * ps);
}

/* 64 KiB, aligned: one piece of VRAM, one copy-engine launch. */
#define PIECE_64K	(64u << 10)

/*
 * MIGRATE [@p, @p + @size) to @target with the next @count failures of
 * @what armed: it must fail with @err and move nothing.  Returns what the
 * counters did meanwhile.
 */
static struct svm_counters migrate_injected(int fd, void *p, size_t size,
					    uint32_t target, uint32_t what,
					    uint32_t count, int err)
{
	struct svm_counters a, b, d;
	uint64_t result = ~0ull;
	int ret;

	inject_disarm(fd, what);
	svm_inject(fd, what, count);
	a = svm_counters(fd);
	ret = __svm_migrate(fd, p, size, target, &result);
	b = svm_counters(fd);
	inject_disarm(fd, what);
	igt_assert_eq(ret, err);
	igt_assert_eq_u64(result, 0);
	d = counters_delta(&a, &b);
	assert_nothing_moved(d);
	return d;
}

/*
 * After a migration to VRAM that failed: the data is intact in system
 * memory (reading it copies nothing back), and without the injection the
 * migration goes.
 */
static void assert_still_host_then_migrates(int fd, char *p, uint64_t sum,
					    uint64_t pattern)
{
	const size_t npages = PIECE_64K / ps;
	struct svm_counters a, b, c, d;

	a = svm_counters(fd);
	svm_assert_pattern(p, PIECE_64K, pattern);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).pages_to_host, 0);

	migrate_all(fd, p, PIECE_64K, SVM_VRAM);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_vram, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	svm_assert_pattern(p, PIECE_64K, pattern);
}

static void copy_failure_injected(int fd)
{
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2c000000);
	sum = svm_checksum(p, PIECE_64K);
	d = migrate_injected(fd, p, PIECE_64K, SVM_VRAM,
			     DRM_NVSIM_INJECT_COPY_FAIL, 1, -EIO);
	igt_assert_eq_u64(d.copy_failures, 1);
	igt_assert_eq_u64(d.copy_launches, 1);
	assert_still_host_then_migrates(fd, p, sum, 0x2c000000);
	munmap(p, PIECE_64K);
}

static void copy_failure_injected_host(int fd)
{
	const size_t npages = PIECE_64K / ps;
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters b, c, d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2d000000);
	sum = svm_checksum(p, PIECE_64K);
	migrate_all(fd, p, PIECE_64K, SVM_VRAM);
	d = migrate_injected(fd, p, PIECE_64K, SVM_HOST,
			     DRM_NVSIM_INJECT_COPY_FAIL, 1, -EIO);
	igt_assert_eq_u64(d.copy_failures, 1);

	/* Still in VRAM, intact; a CPU access then brings it back. */
	b = svm_counters(fd);
	assert_gpu_sum(fd, p, PIECE_64K, sum);
	svm_assert_pattern(p, PIECE_64K, 0x2d000000);
	c = svm_counters(fd);
	d = counters_delta(&b, &c);
	igt_assert_eq_u64(d.pages_to_host, npages);
	igt_assert_eq_u64(d.copy_failures, 0);
	igt_assert_eq_u64(c.vram_pages, b.vram_pages - npages);
	munmap(p, PIECE_64K);
}

static void alloc_failure_injected(int fd)
{
	char *p = map_anon_aligned(PIECE_64K, PIECE_64K);
	struct svm_counters d;
	uint64_t sum;

	svm_pattern(p, PIECE_64K, 0x2e000000);
	sum = svm_checksum(p, PIECE_64K);
	/* More failures than any retry could use up. */
	d = migrate_injected(fd, p, PIECE_64K, SVM_VRAM,
			     DRM_NVSIM_INJECT_ALLOC_FAIL, 64, -ENOMEM);
	igt_assert_eq_u64(d.copy_launches, 0);
	assert_still_host_then_migrates(fd, p, sum, 0x2e000000);
	munmap(p, PIECE_64K);
}

/*
 * MIGRATE (and PREFETCH, where the device has it) of [p, p + size) to both
 * targets fails with -@err, result 0, and moves nothing.
 */
static void assert_migrate_fails(int fd, const void *p, size_t size, int err)
{
	bool prefetch = svm_caps(fd) & NOUVEAU_SVM_CAP_PREFETCH;
	const uint32_t targets[] = { SVM_VRAM, SVM_HOST };
	struct svm_counters a, b, d;
	uint64_t result;

	a = svm_counters(fd);
	for (int i = 0; i < ARRAY_SIZE(targets); i++) {
		result = ~0ull;
		igt_assert_eq(__svm_migrate(fd, p, size, targets[i], &result), -err);
		igt_assert_eq_u64(result, 0);
		if (!prefetch)
			continue;
		result = ~0ull;
		igt_assert_eq(__svm_prefetch(fd, p, size, targets[i], &result), -err);
		igt_assert_eq_u64(result, 0);
	}
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_nothing_moved(d);
	igt_assert_eq_u64(d.copy_launches, 0);
	igt_assert_eq_u64(d.gpu_pages, 0);
}

static void migrate_unmapped_efault(int fd)
{
	const size_t size = 8 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);

	igt_assert_eq(munmap(p, size), 0);
	assert_migrate_fails(fd, p, size, EFAULT);
	assert_fd_works(fd);
}

static void migrate_file_backed_eopnotsupp(int fd)
{
	const size_t npages = 16, size = npages * ps;
	struct svm_counters a, b;
	char *filep, *shm;
	uint64_t result;
	int file;

	file = file_with_pattern(size, 0x2f000000);
	filep = map_file(file, size, NULL);
	svm_assert_pattern(filep, size, 0x2f000000);
	shm = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(shm != MAP_FAILED);
	svm_pattern(shm, size, 0x2f100000);

	/* Neither a shared file mapping nor shared anonymous memory can go. */
	a = svm_counters(fd);
	result = ~0ull;
	igt_assert_eq(__svm_migrate(fd, filep, size, SVM_VRAM, &result), -EOPNOTSUPP);
	igt_assert_eq_u64(result, 0);
	result = ~0ull;
	igt_assert_eq(__svm_migrate(fd, shm, size, SVM_VRAM, &result), -EOPNOTSUPP);
	igt_assert_eq_u64(result, 0);
	if (svm_caps(fd) & NOUVEAU_SVM_CAP_PREFETCH) {
		result = ~0ull;
		igt_assert_eq(__svm_prefetch(fd, filep, size, SVM_VRAM, &result),
			      -EOPNOTSUPP);
		igt_assert_eq_u64(result, 0);
	}
	b = svm_counters(fd);
	assert_nothing_moved(counters_delta(&a, &b));
	igt_assert_eq_u64(counters_delta(&a, &b).copy_launches, 0);

	/* Their pages are in system memory: to host, they all count. */
	igt_assert_eq_u64(svm_migrate(fd, filep, size, SVM_HOST), npages);
	igt_assert_eq_u64(svm_migrate(fd, shm, size, SVM_HOST), npages);

	svm_assert_pattern(filep, size, 0x2f000000);
	assert_file_pattern(file, size, 0x2f000000);
	svm_assert_pattern(shm, size, 0x2f100000);
	assert_gpu_reads(fd, filep, size);
	assert_gpu_reads(fd, shm, size);
	munmap(filep, size);
	munmap(shm, size);
	close(file);
}

static void atomic_vram_no_exclusive(int fd)
{
	struct drm_nvsim_cmd *cmds;
	const size_t size = 16 * ps;
	const uint64_t base = 0x30000000000ull;
	struct svm_counters a, b, d;
	uint64_t *w, *v, old = 0;

	svm_require_atomics(fd);
	cmds = calloc(ATOMIC_N, sizeof(*cmds));
	igt_assert(cmds);
	w = (uint64_t *)map_anon_aligned(size, size);
	v = w + 3 * ps / 8;
	svm_pattern(w, size, base);
	migrate_all(fd, w, size, SVM_VRAM);

	/* N adds in one job on a word in VRAM, and a CAS on another page. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 3);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 3ull * i);
	igt_assert_eq(gpu_atomic_cas(fd, v, base + 3 * ps / 8, 0xca5, &old), 0);
	igt_assert_eq_u64(old, base + 3 * ps / 8);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	/* Served in VRAM: no device-exclusive entry, no trip back. */
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.revocations, 0);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);

	/* The CPU reads the exact results; every other word is intact. */
	igt_assert_eq_u64(cpu_read(w), base + 3ull * ATOMIC_N);
	igt_assert_eq_u64(cpu_read(v), 0xca5);
	svm_assert_pattern(w + 1, 3 * ps - 8, base + 1);
	svm_assert_pattern(v + 1, size - 3 * ps - 8, base + 3 * ps / 8 + 1);
	munmap(w, size);
	free(cmds);
}

static void atomic_policy_migrate(int fd)
{
	const size_t size = 16 * ps;
	const uint64_t base = 0x31000000000ull;
	struct svm_counters a, b, c, d;
	struct drm_nvsim_cmd *cmds;
	uint64_t *w;

	svm_require_atomics(fd);
	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	cmds = calloc(ATOMIC_N, sizeof(*cmds));
	igt_assert(cmds);
	w = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(w, size, base);
	igt_assert_eq(__svm_advise_atomic(fd, w, size, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);

	/* The first atomic takes the page to VRAM; all run there. */
	for (int i = 0; i < ATOMIC_N; i++)
		cmds[i] = gpu_cmd_atomic_add(w, 5);
	a = svm_counters(fd);
	igt_assert_eq(gpu_submit(fd, cmds, ATOMIC_N), 0);
	b = svm_counters(fd);
	for (int i = 0; i < ATOMIC_N; i++)
		igt_assert_eq_u64(cmds[i].result, base + 5ull * i);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.pages_to_vram);
	assert_u64_lte(1, d.vram_pages);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(d.cancels, 0);

	/* The CPU takes it back, exact; the next atomic takes it again. */
	igt_assert_eq_u64(cpu_read(w), base + 5ull * ATOMIC_N);
	c = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&b, &c).pages_to_host);
	igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), 0);
	b = svm_counters(fd);
	d = counters_delta(&c, &b);
	assert_u64_lte(1, d.pages_to_vram);
	igt_assert_eq_u64(d.exclusive_grants, 0);
	igt_assert_eq_u64(cpu_read(w), base + 5ull * ATOMIC_N + 1);
	svm_assert_pattern(w + 1, size - 8, base + 1);

	igt_assert_eq(__svm_advise_atomic(fd, w, size, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	munmap(w, size);
	free(cmds);
}

#define MIGRATE_SLICE_PARAM "/sys/module/nouveau_svm_core/parameters/migrate_timeslice_ms"

/* One page, a VMA of its own between two PROT_NONE guards. */
static uint64_t *map_lone_page(void)
{
	char *p = map_anon(3 * ps, PROT_READ | PROT_WRITE);

	igt_assert_eq(mprotect(p, ps, PROT_NONE), 0);
	igt_assert_eq(mprotect(p + 2 * ps, ps, PROT_NONE), 0);
	return (uint64_t *)(p + ps);
}

static void atomic_policy_migrate_bounded(int fd)
{
	/* Static: a failed assert must not leave the thread on a dead stack. */
	static struct hammer h;
	/* The longest slice: the bound is furthest from the unbounded rate. */
	const long slice_ms = 100;
	uint64_t *counter, jobs = 0, bounces, limit;
	struct svm_counters a, b, d;
	struct timespec start = {};
	double elapsed_ms;
	pthread_t thread;
	long old_slice;

	svm_require_atomics(fd);
	svm_require_vram(fd);
	igt_require(svm_caps(fd) & NOUVEAU_SVM_CAP_ADVISE_ATOMIC);
	old_slice = svm_set_param(MIGRATE_SLICE_PARAM, slice_ms);
	counter = map_lone_page();
	cpu_write(counter, 0);
	igt_assert_eq(__svm_advise_atomic(fd, counter, ps, NOUVEAU_SVM_ATOMIC__MIGRATE), 0);

	/* GPU jobs of one add for ten slices, against the CPU thread. */
	h = (struct hammer){ .counter = counter };
	a = svm_counters(fd);
	igt_nsec_elapsed(&start);
	igt_assert_eq(pthread_create(&thread, NULL, cpu_hammer, &h), 0);
	do {
		igt_assert_eq(gpu_atomic_add(fd, counter, 1, NULL), 0);
		jobs++;
	} while (igt_nsec_elapsed(&start) < 10 * slice_ms * 1000000ull);
	__atomic_store_n(&h.stop, true, __ATOMIC_RELEASE);
	igt_assert_eq(pthread_join(thread, NULL), 0);
	elapsed_ms = igt_nsec_elapsed(&start) / 1e6;
	b = svm_counters(fd);
	svm_set_param(MIGRATE_SLICE_PARAM, old_slice);

	igt_assert_eq_u64(cpu_read(counter), h.adds + jobs);
	d = counters_delta(&a, &b);
	/* The page is a piece of its own: one page to VRAM a bounce. */
	bounces = d.pages_to_vram;
	/*
	 * A slice is counted in ticks from the tick the migration falls in,
	 * so it may be short of its length by one tick (10 ms at HZ 100):
	 * it lasts half its length at least.
	 */
	limit = elapsed_ms / (slice_ms / 2) + 1;
	igt_info("%" PRIu64 " GPU jobs, %" PRIu64 " CPU adds in %.0f ms: %" PRIu64
		 " bounces (at most %" PRIu64 "), %" PRIu64 " pages back\n", jobs, h.adds,
		 elapsed_ms, bounces, limit, d.pages_to_host);
	assert_u64_lte(1, bounces);
	assert_u64_lte(bounces, limit);
	assert_u64_lte(1, h.adds);
	igt_assert_eq_u64(d.cancels, 0);
	igt_assert_eq(__svm_advise_atomic(fd, counter, ps, NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE), 0);
	munmap(counter - ps / 8, 3 * ps);
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

		/* Device memory: migration to VRAM and back. */
		igt_subtest_group {
			igt_fixture
				svm_require_vram(fd);

			igt_describe("MIGRATE to VRAM moves every page, once.");
			igt_subtest("migrate-vram-basic")
				migrate_vram_basic(fd);

			igt_describe("PREFETCH to VRAM: the GPU's first access does not fault.");
			igt_subtest("migrate-vram-then-gpu-access")
				migrate_vram_then_gpu_access(fd);

			igt_describe("PREFETCH to system memory: the GPU's first access does not fault.");
			igt_subtest("prefetch-host-then-gpu-access")
				prefetch_host_then_gpu_access(fd);

			igt_describe("MIGRATE to system memory brings back whole allocations.");
			igt_subtest("migrate-host-basic")
				migrate_host_basic(fd);

			igt_describe("Threads move pages both ways at once: each copy counted.");
			igt_subtest("migrate-threads-counted")
				migrate_threads_counted(fd);

			igt_describe("CPU data, to VRAM, GPU writes, back: the CPU sees both.");
			igt_subtest("migrate-roundtrip-data")
				migrate_roundtrip_data(fd);

			igt_describe("Transparent huge pages move as 2 MiB folios.");
			igt_subtest("migrate-thp")
				migrate_thp(fd);

			igt_describe("A THP in VRAM read from a range inside it: the right pages.");
			igt_subtest("migrate-thp-read-from-inside")
				migrate_thp_read_from_inside(fd);

			igt_describe("MIGRATE to VRAM as Mesa sends it maps what it moved: no GPU fault after.");
			igt_subtest("migrate-mesa-maps-vram")
				migrate_mesa_maps_vram(fd);

			igt_describe("MIGRATE to VRAM after fork() leaves shared VRAM where it is.");
			igt_subtest("migrate-after-fork-keeps-vram")
				migrate_after_fork_keeps_vram(fd);

			igt_describe("MIGRATE of the middle of a buffer moves exactly that.");
			igt_subtest("migrate-partial-range")
				migrate_partial_range(fd);

			igt_describe("MIGRATE across anon, file, a hole and shared memory: a partial success.");
			igt_subtest("migrate-mixed-vma")
				migrate_mixed_vma(fd);

			igt_describe("A CPU access brings back its page's allocation, only it.");
			igt_subtest("cpu-fault-migrates-back")
				cpu_fault_migrates_back(fd);

			igt_describe("A CPU access brings back a whole THP as one.");
			igt_subtest("cpu-fault-thp-whole-folio")
				cpu_fault_thp_whole_folio(fd);

			igt_describe("Four times VRAM migrated: eviction makes room, nothing lost.");
			igt_subtest("evict-when-vram-full")
				evict_when_vram_full(fd);

			igt_describe("Two processes evict each other, both keep their data.");
			igt_subtest("evict-two-processes")
				evict_two_processes(fd);

			igt_describe("fork() with pages in VRAM: copy-on-write keeps them apart.");
			igt_subtest("fork-after-migrate")
				fork_after_migrate(fd);

			igt_describe("fork() with VRAM, the sharing check failing once: never mapped writable.");
			igt_subtest("fork-after-migrate-snapshot-fails")
				fork_after_migrate_snapshot_fails(fd);

			igt_describe("MIGRATE back across a page table, with holes: each page to its place.");
			igt_subtest("migrate-back-across-page-tables")
				migrate_back_across_page_tables(fd);

			igt_describe("munmap() of memory in VRAM releases the VRAM.");
			igt_subtest("munmap-vram-range")
				munmap_vram_range(fd);

			igt_describe("A process exits with pages in VRAM: the VRAM is released.");
			igt_subtest("exit-with-vram-pages")
				exit_with_vram_pages(fd);

			igt_describe("A failed copy to VRAM: -EIO, the data stays in system memory.");
			igt_subtest("copy-failure-injected")
				copy_failure_injected(fd);

			igt_describe("A failed copy back: -EIO, the data stays in VRAM.");
			igt_subtest("copy-failure-injected-host")
				copy_failure_injected_host(fd);

			igt_describe("VRAM that cannot be had: -ENOMEM, nothing lost.");
			igt_subtest("alloc-failure-injected")
				alloc_failure_injected(fd);

			igt_describe("MIGRATE and PREFETCH of unmapped memory: -EFAULT.");
			igt_subtest("migrate-unmapped-efault")
				migrate_unmapped_efault(fd);

			igt_describe("MIGRATE of shared memory to VRAM: -EOPNOTSUPP.");
			igt_subtest("migrate-file-backed-eopnotsupp")
				migrate_file_backed_eopnotsupp(fd);

			igt_describe("GPU atomics on pages in VRAM: exact, no device-exclusive entry.");
			igt_subtest("atomic-vram-no-exclusive")
				atomic_vram_no_exclusive(fd);

			igt_describe("ADVISE_ATOMIC MIGRATE: GPU atomics move the pages to VRAM.");
			igt_subtest("atomic-policy-migrate")
				atomic_policy_migrate(fd);

			igt_describe("ADVISE_ATOMIC MIGRATE under a CPU thread: a bounce a slice at most.");
			igt_subtest("atomic-policy-migrate-bounded")
				atomic_policy_migrate_bounded(fd);
		}

		igt_fixture
			close(fd);
	}
}
