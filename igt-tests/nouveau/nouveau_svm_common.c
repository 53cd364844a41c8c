// SPDX-License-Identifier: MIT
/*
 * nouveau_svm_common.c - what the nouveau SVM IGT tests share; see
 * nouveau_svm_common.h.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <sys/mman.h>

#include "igt.h"
#include "nouveau_svm_common.h"

size_t ps;

int svm_open_gpu(void)
{
	int fd = svm_open();

	svm_require_gpu_ops(fd);
	svm_init(fd, 0, 0);
	return fd;
}

void *map_anon(size_t size, int prot)
{
	void *p = mmap(NULL, size, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

void assert_gpu_reads(int fd, const void *p, size_t size)
{
	uint64_t sum = 0;

	igt_assert_eq(gpu_read(fd, p, size, &sum), 0);
	igt_assert_eq_u64(sum, svm_checksum(p, size));
}

void assert_fd_works(int fd)
{
	size_t size = 4 * ps;
	void *p;

	if (svm_driver(fd) != SVM_DRIVER_SIM)
		return;
	p = map_anon(size, PROT_READ | PROT_WRITE);
	svm_pattern(p, size, 0xf00d0000);
	assert_gpu_reads(fd, p, size);
	munmap(p, size);
}

struct svm_counters counters_delta(const struct svm_counters *a,
				   const struct svm_counters *b)
{
	svm_counters_log_delta(igt_subtest_name(), a, b);
	return svm_counters_sub(b, a);
}

void assert_nothing_moved(struct svm_counters d)
{
	igt_assert_eq_u64(d.pages_to_vram, 0);
	igt_assert_eq_u64(d.pages_to_host, 0);
	igt_assert_eq_u64(d.vram_pages, 0);
}

void *cpu_hammer(void *arg)
{
	struct hammer *h = arg;

	while (!__atomic_load_n(&h->stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(h->counter, 1, __ATOMIC_SEQ_CST);
		h->adds++;
	}
	return NULL;
}
