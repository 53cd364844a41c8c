// SPDX-License-Identifier: MIT
/*
 * KUnit tests for nouveau SVM device memory: the map of VRAM offsets to
 * allocations, which is read without a lock.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/maple_tree.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include "../nouveau_svm_priv.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/* The allocation that stays, and 4 KiB ones made and freed on its sides. */
#define OWNERS_STABLE		SZ_2M
#define OWNERS_STABLE_SIZE	SZ_2M
#define OWNERS_CHURN_PAGES	64
#define OWNERS_ROUNDS		300

struct owners_race {
	struct kunit *test;
	struct maple_tree owners;
	/* Stand-ins: the map stores and compares them, never follows them. */
	struct nouveau_svm_devmem *stable, *churn;
	atomic_t writing;
	unsigned long lookups, misses;
	int err;
	struct completion writer_done, reader_done;
};

/* The VRAM offset of churned allocation @k: just below or above the stable one. */
static u64 owners_churn_offset(unsigned int k)
{
	if (k < OWNERS_CHURN_PAGES / 2)
		return OWNERS_STABLE - (k + 1) * SZ_4K;
	return OWNERS_STABLE + OWNERS_STABLE_SIZE + (k - OWNERS_CHURN_PAGES / 2) * SZ_4K;
}

static int owners_writer(void *data)
{
	struct owners_race *r = data;
	unsigned int round, k;

	for (round = 0; round < OWNERS_ROUNDS && !r->err; round++) {
		for (k = 0; k < OWNERS_CHURN_PAGES && !r->err; k++)
			r->err = nouveau_svm_owners_add(&r->owners, owners_churn_offset(k),
							SZ_4K, r->churn);
		for (k = 0; k < OWNERS_CHURN_PAGES; k++)
			nouveau_svm_owners_remove(&r->owners, owners_churn_offset(k), SZ_4K,
						  r->churn);
	}
	atomic_set(&r->writing, 0);
	complete(&r->writer_done);
	return 0;
}

/* Look the stable allocation up, page by page, while the writer writes. */
static int owners_reader(void *data)
{
	struct owners_race *r = data;
	u64 off;

	while (atomic_read(&r->writing)) {
		for (off = 0; off < OWNERS_STABLE_SIZE; off += SZ_64K) {
			if (nouveau_svm_owners_find(&r->owners, OWNERS_STABLE + off) != r->stable)
				r->misses++;
			r->lookups++;
		}
		cond_resched();
	}
	complete(&r->reader_done);
	return 0;
}

static bool owners_start(struct owners_race *r, int (*fn)(void *), unsigned int cpu,
			 const char *name)
{
	return !IS_ERR(kthread_run_on_cpu(fn, r, cpu, name));
}

/*
 * An allocation stays in the map while others are added and removed next
 * to it on another CPU: every lookup of its offsets finds it.  (The copy
 * hooks look allocations up while other clients allocate VRAM.)
 */
static void owners_find_while_others_change(struct kunit *test)
{
	struct owners_race *r;
	unsigned int cpu0, cpu1;
	unsigned int k;

	if (num_online_cpus() < 2)
		kunit_skip(test, "a race between CPUs needs two of them");
	cpu0 = cpumask_first(cpu_online_mask);
	cpu1 = cpumask_next(cpu0, cpu_online_mask);

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->test = test;
	r->stable = (struct nouveau_svm_devmem *)&r->stable;
	r->churn = (struct nouveau_svm_devmem *)&r->churn;
	atomic_set(&r->writing, 1);
	init_completion(&r->writer_done);
	init_completion(&r->reader_done);
	nouveau_svm_owners_init(&r->owners);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&r->owners, OWNERS_STABLE,
						     OWNERS_STABLE_SIZE, r->stable), 0);

	if (!owners_start(r, owners_reader, cpu0, "owners-reader/%u"))
		KUNIT_FAIL_AND_ABORT(test, "no reader thread");
	if (!owners_start(r, owners_writer, cpu1, "owners-writer/%u")) {
		atomic_set(&r->writing, 0);
		wait_for_completion(&r->reader_done);
		KUNIT_FAIL_AND_ABORT(test, "no writer thread");
	}
	wait_for_completion(&r->writer_done);
	wait_for_completion(&r->reader_done);

	KUNIT_EXPECT_EQ(test, r->err, 0);
	KUNIT_EXPECT_GT(test, r->lookups, 0);
	KUNIT_EXPECT_EQ_MSG(test, r->misses, 0, "%lu of %lu lookups missed",
			    r->misses, r->lookups);
	/* The churned allocations are gone, the stable one is whole. */
	for (k = 0; k < OWNERS_CHURN_PAGES; k++)
		KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&r->owners,
								owners_churn_offset(k)));
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&r->owners, OWNERS_STABLE),
			    r->stable);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&r->owners,
							  OWNERS_STABLE + OWNERS_STABLE_SIZE - 1),
			    r->stable);
	nouveau_svm_owners_remove(&r->owners, OWNERS_STABLE, OWNERS_STABLE_SIZE, r->stable);
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&r->owners, OWNERS_STABLE));
	mtree_destroy(&r->owners);
}

/* A lookup finds the allocation at each of its offsets and nowhere else. */
static void owners_find_covers_ranges(struct kunit *test)
{
	struct nouveau_svm_devmem *a = (struct nouveau_svm_devmem *)&a;
	struct nouveau_svm_devmem *b = (struct nouveau_svm_devmem *)&b;
	struct maple_tree owners;

	nouveau_svm_owners_init(&owners);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, 0, SZ_4K, a), 0);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_4K, SZ_64K, b), 0);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, 0), a);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_4K - 1), a);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_4K), b);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_64K + SZ_4K - 1), b);
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_64K + SZ_4K));
	/* Removing the range removes all of it, not its neighbours. */
	nouveau_svm_owners_remove(&owners, SZ_4K, SZ_64K, b);
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_4K));
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_64K));
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, 0), a);
	mtree_destroy(&owners);
}

/*
 * Once an allocation's pages are gone, the backend may lend its VRAM again
 * and new allocations there may be mapped before the old one is freed:
 * freeing the old one removes what is still its own and leaves theirs.
 */
static void owners_remove_leaves_newer_owners(struct kunit *test)
{
	struct nouveau_svm_devmem *old = (struct nouveau_svm_devmem *)&old;
	struct nouveau_svm_devmem *same = (struct nouveau_svm_devmem *)&same;
	struct nouveau_svm_devmem *inner = (struct nouveau_svm_devmem *)&inner;
	struct maple_tree owners;

	nouveau_svm_owners_init(&owners);
	/* The same range again. */
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_2M, SZ_64K, old), 0);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_2M, SZ_64K, same), 0);
	nouveau_svm_owners_remove(&owners, SZ_2M, SZ_64K, old);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_2M), same);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_2M + SZ_64K - 1), same);
	nouveau_svm_owners_remove(&owners, SZ_2M, SZ_64K, same);
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_2M));

	/* A smaller one inside it, at its start and in its middle. */
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_2M, SZ_64K, old), 0);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_2M, SZ_4K, same), 0);
	KUNIT_ASSERT_EQ(test, nouveau_svm_owners_add(&owners, SZ_2M + SZ_32K, SZ_4K, inner), 0);
	nouveau_svm_owners_remove(&owners, SZ_2M, SZ_64K, old);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_2M), same);
	KUNIT_EXPECT_PTR_EQ(test, nouveau_svm_owners_find(&owners, SZ_2M + SZ_32K), inner);
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_2M + SZ_4K));
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_2M + SZ_32K + SZ_4K));
	KUNIT_EXPECT_NULL(test, nouveau_svm_owners_find(&owners, SZ_2M + SZ_64K - 1));
	mtree_destroy(&owners);
}

#define CHUNK_PAGES	(SZ_2M / PAGE_SIZE)

/*
 * Allocations land in a chunk naturally aligned, in the first hole that
 * fits, and not at all when none does.
 */
static void chunk_find_aligned_first_fit(struct kunit *test)
{
	DECLARE_BITMAP(used, CHUNK_PAGES);
	unsigned int n64k = SZ_64K / PAGE_SIZE;

	bitmap_zero(used, CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, CHUNK_PAGES), 0);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, 1), 0);

	/* One page at 0: 64 KiB goes to the next 64 KiB boundary. */
	bitmap_set(used, 0, 1);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, 1), 1);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, n64k), n64k);
	KUNIT_EXPECT_GE(test, nouveau_svm_chunk_find(used, CHUNK_PAGES), CHUNK_PAGES);

	/* Full but for one 64 KiB hole, not aligned: no 64 KiB fits. */
	bitmap_fill(used, CHUNK_PAGES);
	bitmap_clear(used, n64k + 1, n64k);
	KUNIT_EXPECT_GE(test, nouveau_svm_chunk_find(used, n64k), CHUNK_PAGES);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, 1), n64k + 1);

	/* The last pages only. */
	bitmap_fill(used, CHUNK_PAGES);
	bitmap_clear(used, CHUNK_PAGES - n64k, n64k);
	KUNIT_EXPECT_EQ(test, nouveau_svm_chunk_find(used, n64k), CHUNK_PAGES - n64k);
	KUNIT_EXPECT_GE(test, nouveau_svm_chunk_find(used, 2 * n64k), CHUNK_PAGES);
}

static struct kunit_case nouveau_svm_devmem_cases[] = {
	KUNIT_CASE(chunk_find_aligned_first_fit),
	KUNIT_CASE(owners_find_covers_ranges),
	KUNIT_CASE(owners_remove_leaves_newer_owners),
	KUNIT_CASE(owners_find_while_others_change),
	{}
};

static struct kunit_suite nouveau_svm_devmem_suite = {
	.name = "nouveau_svm_devmem",
	.test_cases = nouveau_svm_devmem_cases,
};

kunit_test_suite(nouveau_svm_devmem_suite);
