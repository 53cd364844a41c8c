/* SPDX-License-Identifier: MIT */
/*
 * nouveau_svm_common.h - what the nouveau SVM IGT tests
 * (igt-tests/nouveau/nouveau_svm_*.c) share: the page size, anonymous
 * mappings, CPU accesses the compiler keeps, GPU read checks and counter
 * deltas.  The device layer itself is lib/svm_device.h.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef NOUVEAU_SVM_COMMON_H
#define NOUVEAU_SVM_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svm_device.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define assert_u64_lte(a, b)	igt_assert_cmpu64(a, <=, >, b)

/*
 * An address whose first page already lies above the user address limit
 * (TASK_SIZE) of x86-64 with 4-level (1 << 47) and 5-level (1 << 56) page
 * tables, yet far from wrapping around.
 */
#define ABOVE_USER_LIMIT	(1ULL << 57)

/* GPU atomic adds per job in the atomics tests. */
#define ATOMIC_N	1000

#define THP_SIZE	(2ull << 20)

/*
 * igt_fixture, igt_subtest and igt_subtest_group arm sigsetjmp() in the
 * tests' igt_main; gcc then flags every local that lives across them (the
 * loop indices, the group counters of the macros, fd).  None is changed
 * between a sigsetjmp() and the siglongjmp() back to it, so the warning is
 * noise: upstream IGT builds with -Wno-clobbered for the same reason.
 */
#pragma GCC diagnostic ignored "-Wclobbered"

/* The CPU's page size; each test's first fixture sets it. */
extern size_t ps;

/*
 * The SVM device, skipping unless it can run GPU work through the device
 * layer, after SVM_INIT without an unmanaged window: the fixture of the
 * tests that run GPU work.
 */
int svm_open_gpu(void);

/* A private anonymous mapping of @size bytes with @prot; asserts it worked. */
void *map_anon(size_t size, int prot);

/*
 * A CPU load or store that the compiler neither drops nor merges: the tests
 * count the CPU accesses to device-exclusive pages.
 */
static inline uint64_t cpu_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void cpu_write(uint64_t *p, uint64_t value)
{
	__atomic_store_n(p, value, __ATOMIC_RELAXED);
}

/* The GPU reads [p, p + size) and sees what the CPU sees. */
void assert_gpu_reads(int fd, const void *p, size_t size);

/* The file works: a GPU read of a fresh buffer, where GPU work is here. */
void assert_fd_works(int fd);

/* @b - @a, logged at debug level under the subtest's name. */
struct svm_counters counters_delta(const struct svm_counters *a,
				   const struct svm_counters *b);

/* A failed migration moved nothing and left nothing in VRAM. */
void assert_nothing_moved(struct svm_counters d);

/* A CPU thread adding to *@counter until @stop (cpu_hammer()). */
struct hammer {
	uint64_t *counter;
	uint64_t adds;
	bool stop;
};

/* Add to the counter as fast as possible until told to stop. */
void *cpu_hammer(void *arg);

#endif /* NOUVEAU_SVM_COMMON_H */
