// SPDX-License-Identifier: MIT
/*
 * KUnit tests for nouveau SVM fault batching: sorting and grouping.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/sizes.h>

#include "../nouveau_svm.h"

#define R NOUVEAU_SVM_ACCESS_READ
#define W NOUVEAU_SVM_ACCESS_WRITE
#define A NOUVEAU_SVM_ACCESS_ATOMIC
#define P NOUVEAU_SVM_ACCESS_PREFETCH

static void fault_sort_orders_by_inst_addr_access(struct kunit *test)
{
	struct nouveau_svm_fault f[] = {
		{ .inst = 2, .addr = 0x1000, .access = R },
		{ .inst = 1, .addr = 0x5000, .access = R },
		{ .inst = 1, .addr = 0x1000, .access = R },
		{ .inst = 1, .addr = 0x1000, .access = A },
		{ .inst = 1, .addr = 0x1000, .access = W },
	};

	nouveau_svm_fault_sort(f, ARRAY_SIZE(f));
	KUNIT_EXPECT_EQ(test, f[0].inst, 1);
	KUNIT_EXPECT_EQ(test, f[0].addr, 0x1000);
	KUNIT_EXPECT_EQ(test, f[0].access, A);
	KUNIT_EXPECT_EQ(test, f[1].access, W);
	KUNIT_EXPECT_EQ(test, f[2].access, R);
	KUNIT_EXPECT_EQ(test, f[3].addr, 0x5000);
	KUNIT_EXPECT_EQ(test, f[4].inst, 2);
}

static void fault_group_merges_duplicates(struct kunit *test)
{
	struct nouveau_svm_fault f[] = {
		{ .inst = 1, .addr = 0x1008, .access = W },
		{ .inst = 1, .addr = 0x1000, .access = R },
		{ .inst = 1, .addr = 0x1ff0, .access = R },
	};
	struct nouveau_svm_fault_group g[3];
	unsigned int n;

	nouveau_svm_fault_sort(f, ARRAY_SIZE(f));
	n = nouveau_svm_fault_group(f, ARRAY_SIZE(f), SZ_2M, g, ARRAY_SIZE(g));
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, g[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, g[0].end, 0x2000);
	KUNIT_EXPECT_EQ(test, g[0].access, W);
	KUNIT_EXPECT_EQ(test, g[0].count, 3);
	KUNIT_EXPECT_EQ(test, g[0].first, 0);
}

static void fault_group_spans_pages_in_window(struct kunit *test)
{
	const unsigned int nf = 512;
	struct nouveau_svm_fault *f = kunit_kcalloc(test, nf, sizeof(*f), GFP_KERNEL);
	struct nouveau_svm_fault_group *g = kunit_kcalloc(test, nf, sizeof(*g), GFP_KERNEL);
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_ASSERT_NOT_NULL(test, g);
	/* A warp reading 512 pages of one 2 MiB window, in scattered order. */
	for (i = 0; i < nf; i++)
		f[i] = (struct nouveau_svm_fault) {
			.inst = 7,
			.addr = SZ_1G + ((i * 37) % 512) * PAGE_SIZE + 8,
			.access = R,
		};
	nouveau_svm_fault_sort(f, nf);
	n = nouveau_svm_fault_group(f, nf, SZ_2M, g, nf);
	KUNIT_ASSERT_EQ(test, n, 1);
	KUNIT_EXPECT_EQ(test, g[0].start, SZ_1G);
	KUNIT_EXPECT_EQ(test, g[0].end, SZ_1G + SZ_2M);
	KUNIT_EXPECT_EQ(test, g[0].count, 512);
}

static void fault_group_splits_at_window_and_inst(struct kunit *test)
{
	struct nouveau_svm_fault f[] = {
		{ .inst = 1, .addr = SZ_2M - PAGE_SIZE, .access = R },
		{ .inst = 1, .addr = SZ_2M, .access = R },
		{ .inst = 2, .addr = SZ_2M + PAGE_SIZE, .access = P },
		{ .inst = 2, .addr = SZ_2M + 2 * PAGE_SIZE, .access = A },
	};
	struct nouveau_svm_fault_group g[4];
	unsigned int n;

	nouveau_svm_fault_sort(f, ARRAY_SIZE(f));
	n = nouveau_svm_fault_group(f, ARRAY_SIZE(f), SZ_2M, g, ARRAY_SIZE(g));
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, g[0].end, SZ_2M);
	KUNIT_EXPECT_EQ(test, g[1].start, SZ_2M);
	KUNIT_EXPECT_EQ(test, g[1].inst, 1);
	KUNIT_EXPECT_EQ(test, g[2].inst, 2);
	KUNIT_EXPECT_EQ(test, g[2].start, SZ_2M + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, g[2].end, SZ_2M + 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, g[2].access, A);
	KUNIT_EXPECT_EQ(test, g[2].first, 2);
	KUNIT_EXPECT_EQ(test, g[2].count, 2);
}

static void fault_group_stops_when_full(struct kunit *test)
{
	struct nouveau_svm_fault f[] = {
		{ .inst = 1, .addr = 0, .access = R },
		{ .inst = 2, .addr = 0, .access = R },
		{ .inst = 3, .addr = 0, .access = R },
	};
	struct nouveau_svm_fault_group g[2];

	KUNIT_EXPECT_EQ(test, nouveau_svm_fault_group(f, 3, SZ_2M, g, 2), 2);
	KUNIT_EXPECT_EQ(test, g[1].inst, 2);
	KUNIT_EXPECT_EQ(test, nouveau_svm_fault_group(f, 0, SZ_2M, g, 2), 0);
}

static void fault_group_small_window(struct kunit *test)
{
	struct nouveau_svm_fault f[] = {
		{ .inst = 1, .addr = 0x10000, .access = R },
		{ .inst = 1, .addr = 0x1f000, .access = R },
		{ .inst = 1, .addr = 0x20000, .access = R },
	};
	struct nouveau_svm_fault_group g[3];

	KUNIT_EXPECT_EQ(test, nouveau_svm_fault_group(f, 3, SZ_64K, g, 3), 2);
	KUNIT_EXPECT_EQ(test, g[0].end, 0x20000);
	KUNIT_EXPECT_EQ(test, g[1].start, 0x20000);
}

struct action_case {
	const char *name;
	u8 access;
	bool writable;
	enum nouveau_svm_fault_action action;
};

static const struct action_case action_cases[] = {
	{ "read-ro", R, false, NOUVEAU_SVM_FAULT_SERVED },
	{ "read-rw", R, true, NOUVEAU_SVM_FAULT_SERVED },
	{ "prefetch-ro", P, false, NOUVEAU_SVM_FAULT_SERVED },
	{ "write-ro", W, false, NOUVEAU_SVM_FAULT_CANCEL },
	{ "write-rw", W, true, NOUVEAU_SVM_FAULT_SERVED },
	{ "atomic-ro", A, false, NOUVEAU_SVM_FAULT_CANCEL },
	{ "atomic-rw", A, true, NOUVEAU_SVM_FAULT_ATOMIC },
	{ "invalid-access", 0, true, NOUVEAU_SVM_FAULT_CANCEL },
	{ "unknown-access", 99, true, NOUVEAU_SVM_FAULT_CANCEL },
};

static void action_case_desc(const struct action_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(action, action_cases, action_case_desc);

static void fault_action_decides(struct kunit *test)
{
	const struct action_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, nouveau_svm_fault_action(c->access, c->writable),
			c->action);
}

static void map_flags_decide(struct kunit *test)
{
	const u32 r = NOUVEAU_SVM_MAP_READ, w = NOUVEAU_SVM_MAP_WRITE;

	KUNIT_EXPECT_EQ(test, nouveau_svm_map_flags(false, false), r);
	KUNIT_EXPECT_EQ(test, nouveau_svm_map_flags(true, false), r | w);
	/* VRAM: atomics need no device-exclusive entry, but write access. */
	KUNIT_EXPECT_EQ(test, nouveau_svm_map_flags(false, true), r);
	KUNIT_EXPECT_EQ(test, nouveau_svm_map_flags(true, true),
			r | w | NOUVEAU_SVM_MAP_ATOMIC);
}

/*
 * A backend whose every fetch finds an entry still being written, and so
 * queues the fault worker again, as nvsvm_hw_ring_drain()'s caller does.
 */
struct stop_backend {
	struct nouveau_svm_dev sdev;
	atomic_t fetches;
};

static unsigned int stop_fetch(struct nouveau_svm_dev *sdev,
			       struct nouveau_svm_fault *faults, unsigned int max)
{
	struct stop_backend *b = container_of(sdev, struct stop_backend, sdev);

	atomic_inc(&b->fetches);
	usleep_range(100, 200);
	nouveau_svm_fault_notify(sdev);
	return 0;
}

static const struct nouveau_svm_backend_ops stop_ops = {
	.fault_fetch = stop_fetch,
};

/*
 * Suspend stops the worker: no fetch runs after nouveau_svm_fault_stop()
 * returns, though the worker keeps queueing itself (#16 defect 8: with
 * flush_work() the queued one ran after suspend freed the buffer).
 */
static void fault_worker_stops(struct kunit *test)
{
	struct stop_backend *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	unsigned int i, n;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, nouveau_svm_dev_init(&b->sdev, NULL, &stop_ops, 16), 0);
	nouveau_svm_fault_notify(&b->sdev);
	for (i = 0; i < 1000 && atomic_read(&b->fetches) < 3; i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_GE(test, atomic_read(&b->fetches), 3);

	nouveau_svm_fault_stop(&b->sdev);
	n = atomic_read(&b->fetches);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->fetches), n);

	/* A notify after the stop (resume) starts it again. */
	nouveau_svm_fault_notify(&b->sdev);
	for (i = 0; i < 1000 && atomic_read(&b->fetches) == n; i++)
		usleep_range(1000, 2000);
	KUNIT_EXPECT_GT(test, atomic_read(&b->fetches), n);
	nouveau_svm_fault_stop(&b->sdev);
	nouveau_svm_dev_fini(&b->sdev);
}

/* Groups with these contexts, in order. */
static unsigned int cut(const u64 *inst, unsigned int n, unsigned int *runs,
			unsigned int max)
{
	struct nouveau_svm_fault_group g[16] = {};
	unsigned int i;

	for (i = 0; i < n; i++)
		g[i].inst = inst[i];
	return nouveau_svm_fault_cut(g, n, runs, max);
}

static void fault_cut_one_context_one_run(struct kunit *test)
{
	static const u64 inst[] = { 3, 3, 3, 3, 3 };
	unsigned int runs[8];

	KUNIT_EXPECT_EQ(test, cut(inst, ARRAY_SIZE(inst), runs, 8), 1);
	KUNIT_EXPECT_EQ(test, runs[0], 0);
}

static void fault_cut_one_run_per_context(struct kunit *test)
{
	static const u64 inst[] = { 1, 1, 2, 2, 3, 3, 4, 4 };
	unsigned int runs[8];

	KUNIT_ASSERT_EQ(test, cut(inst, ARRAY_SIZE(inst), runs, 8), 4);
	KUNIT_EXPECT_EQ(test, runs[0], 0);
	KUNIT_EXPECT_EQ(test, runs[1], 2);
	KUNIT_EXPECT_EQ(test, runs[2], 4);
	KUNIT_EXPECT_EQ(test, runs[3], 6);
}

/* More contexts than runs: whole contexts, about even, never split. */
static void fault_cut_more_contexts_than_runs(struct kunit *test)
{
	static const u64 inst[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	unsigned int runs[3], n, i;

	n = cut(inst, ARRAY_SIZE(inst), runs, 3);
	KUNIT_ASSERT_EQ(test, n, 3);
	KUNIT_EXPECT_EQ(test, runs[0], 0);
	KUNIT_EXPECT_EQ(test, runs[1], 3);
	KUNIT_EXPECT_EQ(test, runs[2], 6);
	for (i = 1; i < n; i++)
		KUNIT_EXPECT_NE(test, inst[runs[i]], inst[runs[i] - 1]);
}

/* A context of many groups keeps them all in one run. */
static void fault_cut_big_context_whole(struct kunit *test)
{
	static const u64 inst[] = { 1, 2, 2, 2, 2, 2, 2, 2, 2, 3, 4 };
	unsigned int runs[4];

	KUNIT_ASSERT_EQ(test, cut(inst, ARRAY_SIZE(inst), runs, 4), 4);
	KUNIT_EXPECT_EQ(test, runs[0], 0);
	KUNIT_EXPECT_EQ(test, runs[1], 1);
	KUNIT_EXPECT_EQ(test, runs[2], 9);
	KUNIT_EXPECT_EQ(test, runs[3], 10);
	/* One run at most: the worker serves it all. */
	KUNIT_EXPECT_EQ(test, cut(inst, ARRAY_SIZE(inst), runs, 1), 1);
}

/* Two runs: the boundary nearest the middle, not the first one. */
static void fault_cut_nearest_boundary(struct kunit *test)
{
	static const u64 inst[] = { 1, 2, 2, 2, 2, 3, 4, 5 };
	unsigned int runs[2];

	KUNIT_ASSERT_EQ(test, cut(inst, ARRAY_SIZE(inst), runs, 2), 2);
	KUNIT_EXPECT_EQ(test, runs[0], 0);
	KUNIT_EXPECT_EQ(test, runs[1], 5);
}

#define LAPSE_US	8000

/* At @us microseconds, a revocation: must it wait? */
static bool revoke_at(struct nouveau_svm_thrash *t, s64 us, bool replayed,
		      unsigned int threshold)
{
	return nouveau_svm_thrash_revoke(t, us_to_ktime(us), replayed, LAPSE_US,
					 threshold);
}

/* Before the replay the GPU cannot have used its grant: always wait. */
static void thrash_before_replay_waits(struct kunit *test)
{
	struct nouveau_svm_thrash t = {};

	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 1000, false, 3));
	KUNIT_EXPECT_EQ(test, t.count, 1);
	KUNIT_EXPECT_EQ(test, ktime_to_us(t.last), 1000);
	/* Far apart: each one is the first of its run. */
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 1000 + LAPSE_US + 1, false, 3));
	KUNIT_EXPECT_EQ(test, t.count, 1);
}

/* Taking turns: after the replay, never a wait, nothing counted. */
static void thrash_turns_never_wait(struct kunit *test)
{
	struct nouveau_svm_thrash t = {};
	s64 us;

	for (us = 1000; us < 1000 + 100 * 37; us += 37)
		KUNIT_EXPECT_FALSE(test, revoke_at(&t, us, true, 3));
	KUNIT_EXPECT_EQ(test, t.count, 0);
}

/* Three events within the lapse of each other: thrashing until the lapse. */
static void thrash_threshold_then_lapse(struct kunit *test)
{
	struct nouveau_svm_thrash t = {};

	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 1000, false, 3));
	KUNIT_EXPECT_FALSE(test, revoke_at(&t, 1500, true, 3));
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2000, false, 3));
	KUNIT_EXPECT_FALSE(test, revoke_at(&t, 2500, true, 3));
	/* The third comes a whole lapse after the second: still in the run. */
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2000 + LAPSE_US, false, 3));
	KUNIT_EXPECT_EQ(test, t.count, 3);
	/* Thrashing: after the replay too, up to a lapse after the last. */
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2500 + LAPSE_US, true, 3));
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2000 + 2 * LAPSE_US, true, 3));
	KUNIT_EXPECT_FALSE(test, revoke_at(&t, 2001 + 2 * LAPSE_US, true, 3));
	/* A late event starts the count again. */
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2002 + 2 * LAPSE_US, false, 3));
	KUNIT_EXPECT_EQ(test, t.count, 1);
	KUNIT_EXPECT_FALSE(test, revoke_at(&t, 2003 + 2 * LAPSE_US, true, 3));
}

/* Threshold 0: every revocation waits; the count saturates. */
static void thrash_threshold_zero_and_saturation(struct kunit *test)
{
	struct nouveau_svm_thrash t = {};
	int i;

	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 1000, true, 0));
	KUNIT_EXPECT_EQ(test, t.count, 0);
	for (i = 0; i < 300; i++)
		KUNIT_EXPECT_TRUE(test, revoke_at(&t, 2000 + i, false, 0));
	KUNIT_EXPECT_EQ(test, t.count, U8_MAX);
	KUNIT_EXPECT_TRUE(test, revoke_at(&t, 3000, true, U8_MAX));
}

static struct kunit_case nouveau_svm_batch_cases[] = {
	KUNIT_CASE(map_flags_decide),
	KUNIT_CASE_PARAM(fault_action_decides, action_gen_params),
	KUNIT_CASE(fault_sort_orders_by_inst_addr_access),
	KUNIT_CASE(fault_group_merges_duplicates),
	KUNIT_CASE(fault_group_spans_pages_in_window),
	KUNIT_CASE(fault_group_splits_at_window_and_inst),
	KUNIT_CASE(fault_group_stops_when_full),
	KUNIT_CASE(fault_group_small_window),
	KUNIT_CASE(fault_worker_stops),
	KUNIT_CASE(fault_cut_one_context_one_run),
	KUNIT_CASE(fault_cut_one_run_per_context),
	KUNIT_CASE(fault_cut_more_contexts_than_runs),
	KUNIT_CASE(fault_cut_big_context_whole),
	KUNIT_CASE(fault_cut_nearest_boundary),
	KUNIT_CASE(thrash_before_replay_waits),
	KUNIT_CASE(thrash_turns_never_wait),
	KUNIT_CASE(thrash_threshold_then_lapse),
	KUNIT_CASE(thrash_threshold_zero_and_saturation),
	{}
};

static struct kunit_suite nouveau_svm_batch_suite = {
	.name = "nouveau_svm_batch",
	.test_cases = nouveau_svm_batch_cases,
};

kunit_test_suite(nouveau_svm_batch_suite);
