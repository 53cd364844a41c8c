// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: hmm substrate
 * Category: Core
 * Mega feature: SVM
 * Sub-category: HMM
 * Functionality: mirroring, migration, device-exclusive entries
 * Description: The kernel mm features that nouveau SVM is built on,
 *	exercised through lib/test_hmm's device: mirroring process memory with
 *	hmm_range_fault(), migrating anonymous memory to device-private pages
 *	and back on CPU fault, and device-exclusive entries revoked by a CPU
 *	access.  A failure here means the kernel or its configuration cannot
 *	carry SVM; it is not a failure of the SVM core.
 *
 * SUBTEST: mirror-read-malloc
 * Description: The device reads a malloc'd buffer through its mirror of the
 *	process page tables and sees exactly what the CPU wrote.
 *
 * SUBTEST: migrate-roundtrip-data
 * Description: Anonymous memory migrates to device-private pages; the device
 *	snapshot shows them local; a CPU read migrates them back with the data
 *	intact.
 *
 * SUBTEST: exclusive-revoked-on-cpu-write
 * Description: The device takes exclusive access to anonymous pages; CPU
 *	writes revoke it page by page, and the data is what the CPU wrote.
 */

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "igt.h"
#include <lib/test_hmm_uapi.h>

IGT_TEST_DESCRIPTION("The mm substrate of nouveau SVM, through test_hmm.");

#define NPAGES 64

struct buf {
	size_t size;
	unsigned int *cpu;	/* the process's mapping */
	unsigned int *mirror;	/* what the device read or writes */
	unsigned char *snap;	/* per-page protection bytes */
};

static long page_size;

static struct buf buf_alloc(void)
{
	struct buf b = { .size = NPAGES * page_size };

	b.cpu = mmap(NULL, b.size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(b.cpu != MAP_FAILED);
	b.mirror = calloc(1, b.size);
	b.snap = calloc(1, NPAGES);
	igt_assert(b.mirror && b.snap);
	return b;
}

static void buf_free(struct buf *b)
{
	munmap(b->cpu, b->size);
	free(b->mirror);
	free(b->snap);
}

static int dmirror(int fd, unsigned long req, void *addr, void *ptr,
		   struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uintptr_t)addr;
	cmd->ptr = (uintptr_t)ptr;
	cmd->npages = NPAGES;
	return ioctl(fd, req, cmd) ? -errno : 0;
}

static void fill(unsigned int *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = seed + i;
}

static void check(const unsigned int *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		igt_assert_f(p[i] == seed + i, "word %zu: %u != %u\n",
			     i, p[i], seed + (unsigned int)i);
}

static void mirror_read_malloc(int fd)
{
	struct hmm_dmirror_cmd cmd;
	struct buf b = buf_alloc();
	size_t n = b.size / sizeof(*b.cpu);

	fill(b.cpu, n, 0x1000);
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_READ, b.cpu, b.mirror, &cmd), 0);
	igt_assert_eq_u64(cmd.cpages, NPAGES);
	igt_assert_lte(1, (int)cmd.faults);
	check(b.mirror, n, 0x1000);
	buf_free(&b);
}

static void migrate_roundtrip_data(int fd)
{
	struct hmm_dmirror_cmd cmd;
	struct buf b = buf_alloc();
	size_t n = b.size / sizeof(*b.cpu);

	fill(b.cpu, n, 0x2000);
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_MIGRATE_TO_DEV, b.cpu, b.mirror, &cmd), 0);
	igt_assert_eq_u64(cmd.cpages, NPAGES);

	igt_assert_eq(dmirror(fd, HMM_DMIRROR_SNAPSHOT, b.cpu, b.snap, &cmd), 0);
	for (int i = 0; i < NPAGES; i++)
		igt_assert_eq(b.snap[i], HMM_DMIRROR_PROT_DEV_PRIVATE_LOCAL |
					 HMM_DMIRROR_PROT_WRITE);

	/* The CPU read faults every page back to system memory. */
	check(b.cpu, n, 0x2000);
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_SNAPSHOT, b.cpu, b.snap, &cmd), 0);
	for (int i = 0; i < NPAGES; i++)
		igt_assert_eq(b.snap[i], HMM_DMIRROR_PROT_WRITE);
	buf_free(&b);
}

static void exclusive_revoked_on_cpu_write(int fd)
{
	struct hmm_dmirror_cmd cmd;
	struct buf b = buf_alloc();
	size_t n = b.size / sizeof(*b.cpu);

	fill(b.cpu, n, 0x3000);
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_EXCLUSIVE, b.cpu, b.mirror, &cmd), 0);
	igt_assert_eq_u64(cmd.cpages, NPAGES);
	/* CHECK_EXCLUSIVE fails with EPERM while the device holds any page. */
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_CHECK_EXCLUSIVE, b.cpu, b.mirror, &cmd),
		      -EPERM);

	/* CPU writes to every page revoke the device's access to them all. */
	for (size_t i = 0; i < n; i++)
		b.cpu[i]++;
	igt_assert_eq(dmirror(fd, HMM_DMIRROR_CHECK_EXCLUSIVE, b.cpu, b.mirror, &cmd), 0);
	check(b.cpu, n, 0x3001);
	buf_free(&b);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		fd = open("/dev/hmm_dmirror0", O_RDWR);
		igt_require_f(fd >= 0, "test_hmm is not loaded (/dev/hmm_dmirror0)\n");
	}

	igt_describe("The device reads malloc'd memory through its mirror.");
	igt_subtest("mirror-read-malloc")
		mirror_read_malloc(fd);

	igt_describe("Migration to device-private pages and back on CPU fault.");
	igt_subtest("migrate-roundtrip-data")
		migrate_roundtrip_data(fd);

	igt_describe("A CPU write revokes device-exclusive access.");
	igt_subtest("exclusive-revoked-on-cpu-write")
		exclusive_revoked_on_cpu_write(fd);

	igt_fixture
		close(fd);
}
