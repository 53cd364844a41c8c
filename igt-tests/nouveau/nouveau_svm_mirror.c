// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm mirror
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Mirroring
 * Functionality: SVM setup, GPU faults on process memory, fault batching,
 *	fault cancellation, MMU notifier invalidation, concurrent clients
 * Description: The GPU reads and writes the process's own memory
 *	(malloc'd, mmap'd files, stacks) at the CPU's addresses through the
 *	nouveau SVM uAPI, faulting on first touch; faults the kernel cannot
 *	serve are cancelled without harming the client; CPU-side changes
 *	(munmap, mprotect, fork) reach the GPU page table; threads, clients
 *	and asynchronous jobs share a device.  GPU work runs on the simulated
 *	GPU (nouveau_svm_sim) through its private exec uAPI, and on nouveau
 *	through the device layer's copy-engine and semaphore path (built,
 *	never run here: no NVIDIA GPU); what a device cannot do skips with
 *	the reason.
 *
 * SUBTEST: basic-init
 * Description: The device reports NOUVEAU_SVM_CAP_MIRROR, SVM_INIT
 *	succeeds, every counter starts at zero and the GPU reads process
 *	memory.
 *
 * SUBTEST: init-twice
 * Description: A second SVM_INIT on the same file fails with -EBUSY and
 *	leaves the first SVM VM working.
 *
 * SUBTEST: gpu-read-malloc
 * Description: The GPU's checksum of a malloc'd buffer equals the CPU's.
 *
 * SUBTEST: gpu-write-malloc
 * Description: GPU WRITE and FILL into a malloc'd buffer; the CPU sees every
 *	word and nothing outside the commands' ranges changes.
 *
 * SUBTEST: gpu-read-mmap-file
 * Description: The GPU reads a shared mapping of a file the CPU wrote, and
 *	sees a later pwrite() to the file.
 *
 * SUBTEST: gpu-write-stack
 * Description: The GPU writes into a stack array of the calling thread; the
 *	words around it are intact.
 *
 * SUBTEST: gpu-copy-between-buffers
 * Description: GPU COPY from a malloc'd buffer to an mmap'd one; the
 *	destination equals the source, which is unchanged.  On nouveau it
 *	runs on the copy engine, whose faults are not replayable (Volta and
 *	newer; Pascal skips).
 *
 * SUBTEST: fault-batching
 * Description: One READ over 1024 fresh pages maps them all while the
 *	kernel serves the faults in far fewer batches than pages.
 *
 * SUBTEST: prot-none-cancel
 * Description: A GPU access to PROT_NONE memory is cancelled (-EFAULT, one
 *	cancel), the job stops at that command, and the file keeps working.
 *
 * SUBTEST: write-readonly-cancel
 * Description: A GPU WRITE to read-only memory is cancelled and changes
 *	nothing; a GPU READ of it works.
 *
 * SUBTEST: unmapped-address-cancel
 * Description: A GPU access to an address without a VMA is cancelled; the
 *	mapped pages around the hole are served.
 *
 * SUBTEST: munmap-invalidates
 * Description: munmap() of GPU-mapped memory invalidates the GPU mapping:
 *	the GPU faults (cancelled) on the old address, and reads new memory
 *	mapped there afterwards, not the stale pages.
 *
 * SUBTEST: mprotect-invalidates
 * Description: mprotect(PROT_READ) of GPU-mapped memory invalidates the
 *	writable GPU mapping: a GPU WRITE is cancelled and the data unchanged.
 *
 * SUBTEST: fork-child-cow
 * Description: After fork() the GPU keeps seeing the parent's pages: a GPU
 *	WRITE in the parent does not reach the child, the child's CPU writes
 *	do not reach the parent's GPU reads.
 *
 * SUBTEST: exit-with-gpu-mappings
 * Description: A process exits with GPU mappings and a job in flight, and
 *	without closing its file; the device keeps working for others.
 *
 * SUBTEST: unmanaged-window-not-mirrored
 * Description: The unmanaged window of SVM_INIT is not mirrored (GPU access
 *	cancelled) while memory around it is, and SVM_BIND may not overlap it.
 *
 * SUBTEST: threads-many-faults
 * Description: Eight threads fault their own buffers through one file
 *	concurrently; every GPU write and read is correct.
 *
 * SUBTEST: counters-fdinfo-match
 * Description: The nouveau-svm-* fdinfo counters equal DRM_NVSIM_COUNTERS,
 *	which writes exactly min(count, number of counters) values.
 *
 * SUBTEST: async-exec-wait
 * Description: Asynchronous jobs are collected by WAIT in any order, with
 *	their results written back; a second WAIT fails with -ENOENT.
 *
 * SUBTEST: inherited-fd-eperm
 * Description: A child that inherited the file can neither run GPU work
 *	(EXEC), collect the parent's job (WAIT) nor SVM_BIND: -EPERM.
 *
 * SUBTEST: unprivileged-client-isolated
 * Description: A second process, unprivileged (uid and gid nobody) and
 *	with its own file on the render node (opened as udev's 0666 mode
 *	allows), cannot reach the first client: its fdinfo and debugfs are
 *	closed to it (-EACCES), its own counters start at zero, the first
 *	client's addresses are nothing in its address space (MIGRATE and
 *	GPU reads: -EFAULT), it cannot collect the first client's job
 *	(-ENOENT) and cannot arm the device-wide error injection (-EPERM).
 *	The first client's data, VRAM pages, job and counters are untouched.
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

IGT_TEST_DESCRIPTION("GPU faults on process memory through the nouveau SVM uAPI.");

/* ------------------------------------------------------------------ */
/* Setup                                                               */
/* ------------------------------------------------------------------ */

static void basic_init(void)
{
	struct svm_counters c;
	int fd = svm_open();

	igt_assert(svm_caps(fd) & NOUVEAU_SVM_CAP_MIRROR);
	svm_init(fd, 0, 0);
	c = svm_counters(fd);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_f(svm_counter(&c, i) == 0, "%s is %" PRIu64 "\n",
			     svm_counter_name(i), svm_counter(&c, i));
	assert_fd_works(fd);
	close(fd);
}

static void init_twice(int fd)
{
	igt_assert_eq(__svm_init(fd, 0, 0), -EBUSY);
	igt_assert_eq(__svm_init(fd, 0x100000000ull, 16 * ps), -EBUSY);
	assert_fd_works(fd);
}

/* ------------------------------------------------------------------ */
/* GPU access to process memory                                        */
/* ------------------------------------------------------------------ */

static void gpu_read_malloc(int fd)
{
	/* Not a page multiple: the last page is partly read. */
	size_t size = 64 * ps + 24;
	uint64_t *p = malloc(size);

	igt_assert(p);
	svm_pattern(p, size, 0x1000000);
	assert_gpu_reads(fd, p, size);
	/* A range starting mid-page. */
	assert_gpu_reads(fd, p + 3, size - 3 * 8);
	free(p);
}

static void gpu_write_malloc(int fd)
{
	const size_t words = 9000;	/* 72000 bytes: partial pages */
	const size_t size = words * 8;
	uint64_t *p = malloc(size + 16);

	igt_assert(p);
	svm_pattern(p, size + 16, 0x2000000);

	igt_assert_eq(gpu_write(fd, p + 1, size, 0x2100000), 0);
	igt_assert_eq_u64(p[0], 0x2000000);
	svm_assert_pattern(p + 1, size, 0x2100000);
	igt_assert_eq_u64(p[words + 1], 0x2000000 + words + 1);

	/* FILL the first half over it. */
	igt_assert_eq(gpu_fill(fd, p + 1, size / 2, 0xdeadbeefcafef00dull), 0);
	for (size_t i = 1; i <= words / 2; i++)
		igt_assert_f(p[i] == 0xdeadbeefcafef00dull, "word %zu: %#" PRIx64 "\n",
			     i, p[i]);
	svm_assert_pattern(p + 1 + words / 2, size / 2, 0x2100000 + words / 2);
	igt_assert_eq_u64(p[0], 0x2000000);
	igt_assert_eq_u64(p[words + 1], 0x2000000 + words + 1);
	free(p);
}

static void gpu_read_mmap_file(int fd)
{
	char path[] = "/tmp/nouveau_svm.XXXXXX";
	size_t size = 32 * ps;
	void *data = malloc(size);
	uint64_t word = 0x5555aaaa5555aaaaull;
	int file;
	void *p;

	igt_assert(data);
	file = mkstemp(path);
	igt_assert_fd(file);
	unlink(path);
	svm_pattern(data, size, 0x3000000);
	igt_assert_eq(pwrite(file, data, size, 0), (ssize_t)size);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	igt_assert(p != MAP_FAILED);
	igt_assert(!memcmp(p, data, size));
	assert_gpu_reads(fd, p, size);
	igt_assert_eq_u64(svm_checksum(p, size), svm_checksum(data, size));

	/* A write through the file lands in the page the GPU maps. */
	igt_assert_eq(pwrite(file, &word, 8, 5 * ps + 64), 8);
	assert_gpu_reads(fd, p, size);
	igt_assert_eq_u64(((uint64_t *)p)[(5 * ps + 64) / 8], word);

	munmap(p, size);
	close(file);
	free(data);
}

static void gpu_write_stack(int fd)
{
	uint64_t stack[4096 + 2];	/* 32 KiB and a guard word each side */
	const size_t size = 4096 * 8;

	svm_pattern(stack, sizeof(stack), 0x4000000);
	igt_assert_eq(gpu_write(fd, &stack[1], size, 0x4100000), 0);
	igt_assert_eq_u64(stack[0], 0x4000000);
	svm_assert_pattern(&stack[1], size, 0x4100000);
	igt_assert_eq_u64(stack[4097], 0x4000000 + 4097);
	assert_gpu_reads(fd, stack, sizeof(stack));
}

/*
 * On a file of its own that copies on the copy engine: the path whose
 * faults are not replayable, on nouveau (the other subtests take the
 * compute path, the simulated GPU runs both alike).
 */
static void gpu_copy_between_buffers(void)
{
	int fd = svm_open_gpu();
	size_t size = 48 * ps + 8;
	const char *why;
	uint64_t *last;
	void *src, *dst;
	int ret;

	ret = __svm_gpu_engine(fd, SVM_ENGINE_COPY, &why);
	if (ret)
		close(fd);
	igt_require_f(ret != -ENODEV, "%s\n", why);
	igt_assert_eq(ret, 0);
	src = malloc(size);
	dst = map_anon(size + ps, PROT_READ | PROT_WRITE);
	last = (uint64_t *)((char *)dst + size);
	igt_assert(src);
	svm_pattern(src, size, 0x5000000);
	svm_pattern(dst, size + ps, 0x5100000);

	igt_assert_eq(gpu_copy(fd, dst, src, size), 0);
	svm_assert_pattern(dst, size, 0x5000000);
	svm_assert_pattern(src, size, 0x5000000);
	/* Nothing past the end. */
	svm_assert_pattern(last, ps, 0x5100000 + size / 8);
	assert_gpu_reads(fd, dst, size + ps);

	free(src);
	munmap(dst, size + ps);
	close(fd);
}

static void fault_batching(int fd)
{
	const size_t npages = 1024;
	size_t size = npages * ps;
	struct svm_counters a, b, d;
	uint64_t sum = 0;
	void *p;

	/* Present on the CPU, never seen by the GPU. */
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x6000000);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(sum, svm_checksum(p, size));

	d = counters_delta(&a, &b);
	igt_info("%zu pages: %" PRIu64 " faults in %" PRIu64 " batches, %"
		 PRIu64 " replays, %" PRIu64 " pages mapped\n", npages,
		 d.faults, d.fault_batches, d.replays, d.pages_mapped);
	igt_assert_eq_u64(d.cancels, 0);
	assert_u64_lte(npages, d.pages_mapped);
	assert_u64_lte(npages, d.gpu_pages);
	assert_u64_lte(1, d.faults);
	assert_u64_lte(1, d.fault_batches);
	assert_u64_lte(1, d.replays);
	assert_u64_lte(d.fault_batches, d.faults);
	igt_assert_f(d.fault_batches * 8 <= npages,
		     "%" PRIu64 " batches for %zu pages\n", d.fault_batches, npages);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* Faults that cannot be served                                        */
/* ------------------------------------------------------------------ */

/*
 * Every fault of a job that touched only unservable pages was cancelled:
 * the cancels count pages, the faults entries (a page's duplicates, of
 * accesses in flight together or refaulted, count once as a cancel).
 */
static void assert_all_cancelled(struct svm_counters d)
{
	assert_u64_lte(1, d.cancels);
	assert_u64_lte(d.cancels, d.faults);
}

static void prot_none_cancel(int fd)
{
	void *none = map_anon(ps, PROT_NONE);
	size_t size = 4 * ps;
	void *ok = map_anon(size, PROT_READ | PROT_WRITE);
	void *after = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_nvsim_cmd cmds[3];
	struct svm_counters a, b;

	svm_pattern(ok, size, 0x7000000);
	svm_pattern(after, size, 0x7100000);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, none, ps, NULL), -EFAULT);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 1);

	/* The job stops at the cancelled command. */
	cmds[0] = gpu_cmd_read(ok, size);
	cmds[1] = gpu_cmd_read(none, ps);
	cmds[2] = gpu_cmd_write(after, size, 0x7200000);
	igt_assert_eq(gpu_submit(fd, cmds, 3), -EFAULT);
	a = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &a).cancels, 1);
	svm_assert_pattern(after, size, 0x7100000);

	/* The file goes on working, for the same buffers too. */
	assert_gpu_reads(fd, ok, size);
	igt_assert_eq(gpu_write(fd, after, size, 0x7200000), 0);
	svm_assert_pattern(after, size, 0x7200000);

	munmap(none, ps);
	munmap(ok, size);
	munmap(after, size);
}

static void write_readonly_cancel(int fd)
{
	size_t size = 8 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0x8000000);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_write(fd, p, size, 0x8100000), -EFAULT);
	b = svm_counters(fd);
	/* One fault per page the engine touched, each one cancelled. */
	assert_all_cancelled(counters_delta(&a, &b));
	svm_assert_pattern(p, size, 0x8000000);

	assert_gpu_reads(fd, p, size);
	/* Read-only in the GPU page table too. */
	igt_assert_eq(gpu_fill(fd, (char *)p + ps, 8, 0), -EFAULT);
	svm_assert_pattern(p, size, 0x8000000);
	munmap(p, size);
}

static void unmapped_address_cancel(int fd)
{
	size_t size = 3 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0x9000000);
	igt_assert_eq(munmap(p + ps, ps), 0);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, p + ps, ps, NULL), -EFAULT);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 1);

	/* Across the hole, into it from the page before. */
	igt_assert_eq(gpu_write(fd, p, 2 * ps, 0x9100000), -EFAULT);
	a = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&b, &a).cancels, 1);
	svm_assert_pattern(p + 2 * ps, ps, 0x9000000 + 2 * ps / 8);

	assert_gpu_reads(fd, p, ps);
	assert_gpu_reads(fd, p + 2 * ps, ps);
	munmap(p, ps);
	munmap(p + 2 * ps, ps);
}

/* ------------------------------------------------------------------ */
/* CPU page table changes reach the GPU                                */
/* ------------------------------------------------------------------ */

static void munmap_invalidates(int fd)
{
	size_t size = 64 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b, d;
	void *q;

	svm_pattern(p, size, 0xa000000);
	assert_gpu_reads(fd, p, size);

	a = svm_counters(fd);
	igt_assert_eq(munmap(p, size), 0);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	assert_u64_lte(1, d.invalidations);
	igt_assert_f(b.gpu_pages < a.gpu_pages,
		     "GPU pages %" PRIu64 " -> %" PRIu64 " over munmap\n",
		     a.gpu_pages, b.gpu_pages);

	igt_assert_eq(gpu_read(fd, p, size, NULL), -EFAULT);

	/* New memory at the same address: the GPU sees it, not the old. */
	q = mmap(p, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	igt_assert(q == p);
	svm_pattern(q, size, 0xa100000);
	assert_gpu_reads(fd, q, size);
	munmap(q, size);
}

static void mprotect_invalidates(int fd)
{
	size_t size = 16 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct svm_counters a, b;

	svm_pattern(p, size, 0xb000000);
	/* Mapped writable. */
	igt_assert_eq(gpu_write(fd, p, size, 0xb100000), 0);
	svm_assert_pattern(p, size, 0xb100000);

	a = svm_counters(fd);
	igt_assert_eq(mprotect(p, size, PROT_READ), 0);
	b = svm_counters(fd);
	assert_u64_lte(1, counters_delta(&a, &b).invalidations);

	igt_assert_eq(gpu_write(fd, p, size, 0xb200000), -EFAULT);
	svm_assert_pattern(p, size, 0xb100000);
	assert_gpu_reads(fd, p, size);

	/* Writable again: the GPU writes again. */
	igt_assert_eq(mprotect(p, size, PROT_READ | PROT_WRITE), 0);
	igt_assert_eq(gpu_write(fd, p, size, 0xb300000), 0);
	svm_assert_pattern(p, size, 0xb300000);
	munmap(p, size);
}

static void fork_child_cow(int fd)
{
	size_t size = 16 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	int go[2];
	char c = 0;

	igt_assert_eq(pipe(go), 0);
	svm_pattern(p, size, 0xc000000);
	assert_gpu_reads(fd, p, size);	/* mapped on the GPU */

	igt_fork(child, 1) {
		close(go[1]);
		igt_assert_eq(read(go[0], &c, 1), 1);
		/* The parent's GPU write did not reach the child's pages. */
		svm_assert_pattern(p, size, 0xc000000);
		svm_pattern(p, size, 0xc200000);
		svm_assert_pattern(p, size, 0xc200000);
	}
	close(go[0]);

	/* The child shares the pages: a GPU write must break COW. */
	igt_assert_eq(gpu_write(fd, p, size, 0xc100000), 0);
	svm_assert_pattern(p, size, 0xc100000);
	igt_assert_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	igt_waitchildren();

	/* The child's writes reached neither the CPU nor the GPU here. */
	svm_assert_pattern(p, size, 0xc100000);
	assert_gpu_reads(fd, p, size);
	igt_assert_eq(gpu_write(fd, p, size, 0xc300000), 0);
	svm_assert_pattern(p, size, 0xc300000);
	munmap(p, size);
}

static void exit_with_gpu_mappings(int fd)
{
	igt_fork(child, 1) {
		size_t size = 64ull << 20, chunk = 4ull << 20;
		static struct drm_nvsim_cmd inflight;
		int cfd = __svm_open();
		char *p;

		igt_assert_fd(cfd);
		svm_init(cfd, 0, 0);
		p = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(p, size, 0xd000000);
		for (size_t off = 0; off < size; off += chunk)
			assert_gpu_reads(cfd, p + off, chunk);
		igt_assert_eq(gpu_write(cfd, p, chunk, 0xd100000), 0);
		svm_assert_pattern(p, chunk, 0xd100000);

		/* Leave with a job in flight, the file open, the memory mapped. */
		inflight = gpu_cmd_read(p, size);
		gpu_submit_async(cfd, &inflight, 1);
	}
	igt_waitchildren();

	assert_fd_works(fd);
	for (int i = 0; i < 2; i++) {
		int nfd = svm_open();

		svm_init(nfd, 0, 0);
		assert_fd_works(nfd);
		close(nfd);
	}
}

static void unmanaged_window_not_mirrored(void)
{
	size_t size = 16 * ps;
	char *p = map_anon(size, PROT_READ | PROT_WRITE);
	char *win = p + 4 * ps;		/* [4, 12) of 16 pages */
	size_t win_size = 8 * ps;
	struct drm_nouveau_svm_bind bind = {};
	struct svm_counters a, b;
	int fd = svm_open();

	svm_require_gpu_ops(fd);
	svm_pattern(p, size, 0xe000000);
	svm_init(fd, to_user_pointer(win), win_size);

	a = svm_counters(fd);
	igt_assert_eq(gpu_read(fd, win, win_size, NULL), -EFAULT);
	b = svm_counters(fd);
	assert_all_cancelled(counters_delta(&a, &b));
	igt_assert_eq(gpu_write(fd, win + ps, 8, 0), -EFAULT);
	igt_assert_eq(gpu_read(fd, p, 5 * ps, NULL), -EFAULT);
	svm_assert_pattern(p, size, 0xe000000);

	assert_gpu_reads(fd, p, 4 * ps);
	assert_gpu_reads(fd, win + win_size, 4 * ps);
	igt_assert_eq(gpu_write(fd, p, 4 * ps, 0xe100000), 0);
	svm_assert_pattern(p, 4 * ps, 0xe100000);
	svm_assert_pattern(win, win_size + 4 * ps, 0xe000000 + 4 * ps / 8);

	/* Neither a range across its start nor one inside may be bound. */
	bind.va_start = to_user_pointer(p + 2 * ps);
	bind.va_end = to_user_pointer(win + ps);
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);
	bind.va_start = to_user_pointer(win + ps);
	bind.va_end = to_user_pointer(win + 2 * ps);
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);
	bind.header = (uint64_t)NOUVEAU_SVM_BIND_TARGET__GPU_VRAM <<
		      NOUVEAU_SVM_BIND_TARGET_SHIFT;
	igt_assert_eq(__svm_bind(fd, &bind), -EINVAL);

	close(fd);
	munmap(p, size);
}

/* ------------------------------------------------------------------ */
/* Concurrency, counters, asynchronous jobs                            */
/* ------------------------------------------------------------------ */

#define NTHREADS	8

struct thread_arg {
	pthread_t thread;
	int fd;
	unsigned int id;
	size_t size;
	char error[160];
};

static void *thread_faults(void *data)
{
	struct thread_arg *t = data;
	void *p = mmap(NULL, t->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(t->error, sizeof(t->error), "mmap: %d", errno);
		return NULL;
	}
	for (unsigned int iter = 0; iter < 16; iter++) {
		uint64_t value = (uint64_t)t->id << 48 | (uint64_t)iter << 32;
		uint64_t sum = 0;
		int status = 0, ret;
		long bad;

		/* Fresh pages for the GPU every other round. */
		if (iter & 1)
			madvise(p, t->size, MADV_DONTNEED);
		ret = __gpu_write(t->fd, p, t->size, value, &status);
		if (ret || status) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: write: ioctl %d status %d", iter, ret, status);
			break;
		}
		bad = svm_pattern_check(p, t->size, value);
		if (bad >= 0) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: GPU write: word %ld wrong", iter, bad);
			break;
		}
		svm_pattern(p, t->size, ~value);
		ret = __gpu_read(t->fd, p, t->size, &sum, &status);
		if (ret || status || sum != svm_checksum(p, t->size)) {
			snprintf(t->error, sizeof(t->error),
				 "iter %u: read: ioctl %d status %d sum %#" PRIx64
				 " != %#" PRIx64, iter, ret, status, sum,
				 svm_checksum(p, t->size));
			break;
		}
	}
	munmap(p, t->size);
	return NULL;
}

static void threads_many_faults(int fd)
{
	struct thread_arg t[NTHREADS] = {};
	struct svm_counters a, b;

	a = svm_counters(fd);
	for (unsigned int i = 0; i < NTHREADS; i++) {
		t[i].fd = fd;
		t[i].id = i;
		t[i].size = (64 + 16 * i) * ps;
		igt_assert_eq(pthread_create(&t[i].thread, NULL, thread_faults,
					     &t[i]), 0);
	}
	for (unsigned int i = 0; i < NTHREADS; i++)
		igt_assert_eq(pthread_join(t[i].thread, NULL), 0);
	for (unsigned int i = 0; i < NTHREADS; i++)
		igt_assert_f(!t[i].error[0], "thread %u: %s\n", i, t[i].error);
	b = svm_counters(fd);
	igt_assert_eq_u64(counters_delta(&a, &b).cancels, 0);
}

static void counters_fdinfo_match(int fd)
{
	bool atomics = svm_caps(fd) & NOUVEAU_SVM_CAP_ATOMIC_SYSMEM;
	bool vram = svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	uint64_t values[SVM_COUNTERS_NUM + 4];
	struct svm_counters a, b;
	void *none;
	char *vram_keep = NULL;

	svm_require_sim(fd, "DRM_NVSIM_COUNTERS");
	none = map_anon(ps, PROT_NONE);
	uint32_t count;
	int tries = 0;

	/* Something in every cumulative counter. */
	assert_fd_works(fd);
	igt_assert_eq(gpu_read(fd, none, 8, NULL), -EFAULT);
	munmap(none, ps);
	if (atomics) {
		/* A grant, and a CPU read that revokes it. */
		uint64_t *w = map_anon(ps, PROT_READ | PROT_WRITE);

		igt_assert_eq(gpu_atomic_add(fd, w, 1, NULL), 0);
		igt_assert_eq_u64(cpu_read(w), 1);
		munmap(w, ps);
	}
	if (vram) {
		/* To VRAM and back, and a page left there (vram-pages). */
		char *v = map_anon(4 * ps, PROT_READ | PROT_WRITE);

		svm_pattern(v, 4 * ps, 0xf1f0000);
		igt_assert_eq_u64(svm_migrate(fd, v, 4 * ps, SVM_VRAM), 4);
		igt_assert_eq_u64(svm_migrate(fd, v, 4 * ps, SVM_HOST), 4);
		igt_assert_eq_u64(svm_migrate(fd, v, ps, SVM_VRAM), 1);
		vram_keep = v;
	}

	do {
		a = svm_counters(fd);
		count = SVM_COUNTERS_NUM;
		igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
		b = svm_counters(fd);
	} while (memcmp(&a, &b, sizeof(a)) && ++tries < 10);
	igt_assert_f(!memcmp(&a, &b, sizeof(a)), "counters keep changing\n");

	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_f(values[i] == svm_counter(&a, i),
			     "%s: ioctl %" PRIu64 ", fdinfo %" PRIu64 "\n",
			     svm_counter_name(i), values[i], svm_counter(&a, i));
	assert_u64_lte(1, a.faults);
	assert_u64_lte(1, a.cancels);
	assert_u64_lte(1, a.pages_mapped);
	if (atomics) {
		assert_u64_lte(1, a.atomic_faults);
		assert_u64_lte(1, a.exclusive_grants);
		assert_u64_lte(1, a.revocations);
	}
	if (vram) {
		assert_u64_lte(5, a.pages_to_vram);
		assert_u64_lte(4, a.pages_to_host);
		assert_u64_lte(2, a.copy_launches);
		assert_u64_lte(1, a.vram_pages);
		munmap(vram_keep, 4 * ps);
	}

	/* No room: only the number of counters comes back. */
	memset(values, 0xa5, sizeof(values));
	count = 0;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 0; i < ARRAY_SIZE(values); i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);

	/* Room for three: three come back. */
	count = 3;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_lte(DRM_NVSIM_COUNTER_COUNT, count);
	for (unsigned int i = 3; i < ARRAY_SIZE(values); i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);
	assert_u64_lte(a.faults, values[DRM_NVSIM_COUNTER_FAULTS]);
	assert_u64_lte(a.replays, values[DRM_NVSIM_COUNTER_REPLAYS]);
}

#define NJOBS	4

static void async_exec_wait(int fd)
{
	size_t size = 16 * ps;
	struct drm_nvsim_cmd cmds[NJOBS][2];
	uint64_t seqno[NJOBS], expect[NJOBS];
	void *buf[NJOBS];

	for (int i = 0; i < NJOBS; i++) {
		buf[i] = map_anon(size, PROT_READ | PROT_WRITE);
		svm_pattern(buf[i], size, 0xf000000 + (i << 20));
		expect[i] = svm_checksum(buf[i], size);
		/* Read what the CPU wrote, then overwrite it. */
		cmds[i][0] = gpu_cmd_read(buf[i], size);
		cmds[i][1] = gpu_cmd_write(buf[i], size, 0xf800000 + (i << 20));
	}
	for (int i = 0; i < NJOBS; i++) {
		seqno[i] = gpu_submit_async(fd, cmds[i], 2);
		for (int j = 0; j < i; j++)
			igt_assert(seqno[i] != seqno[j]);
	}

	/* Newest first. */
	for (int i = NJOBS - 1; i >= 0; i--) {
		igt_assert_eq(gpu_wait(fd, seqno[i]), 0);
		igt_assert_eq_u64(cmds[i][0].result, expect[i]);
		svm_assert_pattern(buf[i], size, 0xf800000 + (i << 20));
		igt_assert_eq(__gpu_wait(fd, seqno[i], 0, NULL), -ENOENT);
	}
	for (int i = 0; i < NJOBS; i++)
		munmap(buf[i], size);
}

static void inherited_fd_eperm(int fd)
{
	size_t size = 4 * ps;
	struct drm_nvsim_cmd job;
	uint64_t seqno;
	void *p;

	svm_require_sim(fd, "the private EXEC and WAIT uAPI");
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x10000000);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);

	igt_fork(child, 1) {
		struct drm_nvsim_cmd cmd = gpu_cmd_write(p, size, 0x10100000);
		struct drm_nvsim_exec exec = {
			.cmds = to_user_pointer(&cmd),
			.count = 1,
		};
		struct drm_nouveau_svm_bind bind = {
			.va_start = to_user_pointer(p),
			.va_end = to_user_pointer(p) + size,
		};

		igt_assert_eq(__gpu_exec(fd, &exec), -EPERM);
		exec.flags = DRM_NVSIM_EXEC_ASYNC;
		igt_assert_eq(__gpu_exec(fd, &exec), -EPERM);
		igt_assert_eq(__gpu_wait(fd, seqno, 0, NULL), -EPERM);
		igt_assert_eq(__svm_bind(fd, &bind), -EPERM);
		svm_assert_pattern(p, size, 0x10000000);
	}
	igt_waitchildren();

	/* The parent's job was not collected by the child. */
	igt_assert_eq(gpu_wait(fd, seqno), 0);
	igt_assert_eq_u64(job.result, svm_checksum(p, size));
	svm_assert_pattern(p, size, 0x10000000);
	munmap(p, size);
}

/* The render node @fd was opened from. */
static void render_node_path(int fd, char *path, size_t len)
{
	struct stat st, node;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, len, "/dev/dri/renderD%u", minor(st.st_rdev));
	igt_assert_eq(stat(path, &node), 0);
	igt_assert(node.st_rdev == st.st_rdev);
}

static void drop_to_nobody(void)
{
	igt_assert_eq(setgroups(0, NULL), 0);
	igt_assert_eq(setgid(65534), 0);
	igt_assert_eq(setuid(65534), 0);
	igt_assert(geteuid() != 0 && getegid() != 0);
	/* Dumpable, as a program nobody ran is: /proc/self is its own. */
	igt_assert_eq(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
}

static void assert_open_eacces(const char *path, int flags)
{
	int f = open(path, flags);

	igt_assert_f(f < 0 && errno == EACCES, "%s: %d, %s\n", path, f,
		     strerror(errno));
}

/* What the unprivileged second client tries, and what it must get. */
static void nobody_client(pid_t first, int first_fd, const char *node,
			  const void *p, size_t size, uint64_t seqno)
{
	struct drm_nvsim_inject inj = {
		.what = DRM_NVSIM_INJECT_COPY_FAIL,
		.count = 1,
	};
	struct svm_counters c;
	uint64_t result = 1;
	char path[64];
	int own;

	drop_to_nobody();
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", first, first_fd);
	assert_open_eacces(path, O_RDONLY);
	if (access("/sys/kernel/debug", F_OK) == 0)
		assert_open_eacces("/sys/kernel/debug/dri", O_RDONLY | O_DIRECTORY);

	own = open(node, O_RDWR | O_CLOEXEC);
	igt_assert_f(own >= 0, "%s: %s\n", node, strerror(errno));
	svm_init(own, 0, 0);
	c = svm_counters(own);
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_eq_u64(svm_counter(&c, i), 0);

	igt_assert_eq(__svm_migrate(own, p, size, SVM_VRAM, &result), -EFAULT);
	igt_assert_eq(gpu_read(own, p, size, NULL), -EFAULT);
	igt_assert_eq(__gpu_wait(own, seqno, 0, NULL), -ENOENT);
	igt_assert_eq(igt_ioctl(own, DRM_IOCTL_NVSIM_INJECT, &inj), -1);
	igt_assert_eq(errno, EPERM);
	close(own);
}

static void unprivileged_client_isolated(int fd)
{
	bool vram = svm_caps(fd) & NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	size_t size = 8 * ps;
	struct svm_counters a, b;
	struct drm_nvsim_cmd job;
	pid_t first = getpid();
	struct stat st;
	uint64_t seqno;
	char node[64];
	void *p;

	svm_require_sim(fd, "the private WAIT and INJECT uAPI");
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0x12000000);
	assert_gpu_reads(fd, p, size);
	if (vram)
		igt_assert_eq_u64(svm_migrate(fd, p, size / 2, SVM_VRAM), size / 2 / ps);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);
	igt_assert_eq(gpu_wait(fd, seqno), 0);
	job = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &job, 1);

	/* Open to everyone, as udev's rule for render nodes makes it. */
	render_node_path(fd, node, sizeof(node));
	igt_assert_eq(stat(node, &st), 0);
	igt_assert_eq(chmod(node, 0666), 0);
	a = svm_counters(fd);
	igt_fork(child, 1) {
		/* A process of its own: neither the file nor the buffer. */
		close(fd);
		igt_assert_eq(munmap(p, size), 0);
		nobody_client(first, fd, node, p, size, seqno);
	}
	igt_waitchildren();
	igt_assert_eq(chmod(node, st.st_mode & 07777), 0);

	igt_assert_eq(gpu_wait(fd, seqno), 0);
	b = svm_counters(fd);
	igt_assert_eq_u64(b.cancels, a.cancels);
	igt_assert_eq_u64(b.vram_pages, a.vram_pages);
	igt_assert_eq_u64(b.pages_to_host, a.pages_to_host);
	if (vram)
		igt_assert_eq_u64(b.vram_pages, size / 2 / ps);
	igt_assert_eq_u64(job.result, svm_checksum(p, size));
	svm_assert_pattern(p, size, 0x12000000);
	munmap(p, size);
}

igt_main
{
	int fd = -1;

	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	igt_describe("SVM_INIT works on an SVM device, counters start at zero.");
	igt_subtest("basic-init")
		basic_init();

	/* GPU work: the simulated GPU, or nouveau through the device layer. */
	igt_subtest_group {
		igt_fixture
			fd = svm_open_gpu();


		igt_describe("A second SVM_INIT on a file: -EBUSY.");
		igt_subtest("init-twice")
			init_twice(fd);

		igt_describe("The GPU reads malloc'd memory.");
		igt_subtest("gpu-read-malloc")
			gpu_read_malloc(fd);

		igt_describe("The GPU writes malloc'd memory.");
		igt_subtest("gpu-write-malloc")
			gpu_write_malloc(fd);

		igt_describe("The GPU reads a shared file mapping.");
		igt_subtest("gpu-read-mmap-file")
			gpu_read_mmap_file(fd);

		igt_describe("The GPU writes the calling thread's stack.");
		igt_subtest("gpu-write-stack")
			gpu_write_stack(fd);

		igt_describe("The GPU copies between two buffers.");
		igt_subtest("gpu-copy-between-buffers")
			gpu_copy_between_buffers();

		igt_describe("Faults on fresh pages are served in batches.");
		igt_subtest("fault-batching")
			fault_batching(fd);

		igt_describe("A GPU access to PROT_NONE memory is cancelled.");
		igt_subtest("prot-none-cancel")
			prot_none_cancel(fd);

		igt_describe("A GPU write to read-only memory is cancelled.");
		igt_subtest("write-readonly-cancel")
			write_readonly_cancel(fd);

		igt_describe("A GPU access to an address without a VMA is cancelled.");
		igt_subtest("unmapped-address-cancel")
			unmapped_address_cancel(fd);

		igt_describe("munmap() invalidates GPU mappings.");
		igt_subtest("munmap-invalidates")
			munmap_invalidates(fd);

		igt_describe("mprotect() invalidates writable GPU mappings.");
		igt_subtest("mprotect-invalidates")
			mprotect_invalidates(fd);

		igt_describe("fork() copy-on-write keeps parent and child apart.");
		igt_subtest("fork-child-cow")
			fork_child_cow(fd);

		igt_describe("A process exits with GPU mappings; the device survives.");
		igt_subtest("exit-with-gpu-mappings")
			exit_with_gpu_mappings(fd);

		igt_describe("The unmanaged window is not mirrored nor bindable.");
		igt_subtest("unmanaged-window-not-mirrored")
			unmanaged_window_not_mirrored();

		igt_describe("Threads fault their own buffers through one file.");
		igt_subtest("threads-many-faults")
			threads_many_faults(fd);

		igt_describe("fdinfo counters equal DRM_NVSIM_COUNTERS.");
		igt_subtest("counters-fdinfo-match")
			counters_fdinfo_match(fd);

		igt_describe("Asynchronous EXEC, collected by WAIT.");
		igt_subtest("async-exec-wait")
			async_exec_wait(fd);

		igt_describe("An inherited file cannot run GPU work: -EPERM.");
		igt_subtest("inherited-fd-eperm")
			inherited_fd_eperm(fd);

		igt_describe("An unprivileged second client cannot reach the first one.");
		igt_subtest("unprivileged-client-isolated")
			unprivileged_client_isolated(fd);

		igt_fixture
			close(fd);
	}
}
