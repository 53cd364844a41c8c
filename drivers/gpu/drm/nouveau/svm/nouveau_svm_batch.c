// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault batching
 *
 * A GPU that faults seldom faults alone: a warp touching a fresh buffer
 * posts one fault per page and often several per page (one per access
 * type, one per unit).  The core drains every fault the backend has, then
 * sorts them by context and address and cuts the sorted array into groups:
 * consecutive faults of one context inside one naturally aligned window of
 * the largest range size.  Each group costs one range lookup and one
 * get_pages, and the whole batch one replay, instead of one of each per
 * fault.
 *
 * This file is pure logic, with no locks and no mm calls: KUnit tests it
 * in isolation (tests/nouveau_svm_batch_test.c).  So is the decision of
 * the atomic ping-pong bound, nouveau_svm_thrash_revoke().
 */

/**
 * DOC: Locking
 *
 * None: the functions work on arrays their caller owns.
 */

#include <linux/export.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sort.h>

#include "nouveau_svm.h"

/**
 * nouveau_svm_fault_action() - what a mapped range does for a fault
 * @access: the fault's &enum nouveau_svm_access
 * @writable: whether the range is mapped writable (the CPU may write it)
 *
 * A read or prefetch is served by any mapping, a write only by a writable
 * one; an atomic needs atomic access to its page, which only writable
 * memory can get.
 *
 * Context: Any context.
 * Return: the &enum nouveau_svm_fault_action.
 */
enum nouveau_svm_fault_action nouveau_svm_fault_action(u8 access, bool writable)
{
	switch (access) {
	case NOUVEAU_SVM_ACCESS_PREFETCH:
	case NOUVEAU_SVM_ACCESS_READ:
		return NOUVEAU_SVM_FAULT_SERVED;
	case NOUVEAU_SVM_ACCESS_WRITE:
		return writable ? NOUVEAU_SVM_FAULT_SERVED : NOUVEAU_SVM_FAULT_CANCEL;
	case NOUVEAU_SVM_ACCESS_ATOMIC:
		return writable ? NOUVEAU_SVM_FAULT_ATOMIC : NOUVEAU_SVM_FAULT_CANCEL;
	default:
		return NOUVEAU_SVM_FAULT_CANCEL;
	}
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_action);

/**
 * nouveau_svm_map_flags() - the access a GPU mapping gives
 * @writable: the CPU may write the pages
 * @vram: the pages are in the device's VRAM
 *
 * The GPU reads whatever it maps and writes what the CPU may write.  It
 * does atomics on its own VRAM whenever it may write there; on system
 * memory only under a device-exclusive entry, which a plain mapping never
 * is (atomic access is added later, page by page, on an atomic fault).
 *
 * Context: Any context.
 * Return: the NOUVEAU_SVM_MAP_* flags.
 */
u32 nouveau_svm_map_flags(bool writable, bool vram)
{
	u32 flags = NOUVEAU_SVM_MAP_READ;

	if (!writable)
		return flags;
	flags |= NOUVEAU_SVM_MAP_WRITE;
	if (vram)
		flags |= NOUVEAU_SVM_MAP_ATOMIC;
	return flags;
}
EXPORT_SYMBOL_GPL(nouveau_svm_map_flags);

static int nouveau_svm_fault_cmp(const void *a, const void *b)
{
	const struct nouveau_svm_fault *fa = a, *fb = b;

	if (fa->inst != fb->inst)
		return fa->inst < fb->inst ? -1 : 1;
	if (fa->addr != fb->addr)
		return fa->addr < fb->addr ? -1 : 1;
	/* Strongest access first, so a group's first fault is its worst. */
	return (int)fb->access - (int)fa->access;
}

/**
 * nouveau_svm_fault_sort() - sort a batch of faults for grouping
 * @faults: the faults
 * @n: how many
 *
 * Sorts by context, then address, then strongest access first.
 *
 * Context: Any context.
 */
void nouveau_svm_fault_sort(struct nouveau_svm_fault *faults, unsigned int n)
{
	sort(faults, n, sizeof(*faults), nouveau_svm_fault_cmp, NULL);
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_sort);

static bool nouveau_svm_fault_joins(const struct nouveau_svm_fault_group *g,
				    const struct nouveau_svm_fault *f, u64 window)
{
	return f->inst == g->inst &&
	       (f->addr & ~(window - 1)) == (g->start & ~(window - 1));
}

/**
 * nouveau_svm_fault_group() - cut a sorted batch into per-range groups
 * @faults: faults sorted by nouveau_svm_fault_sort()
 * @n: how many
 * @window: the largest range size, a power of two (the grouping boundary)
 * @groups: array to fill
 * @max_groups: its size; at most @n groups are ever needed
 *
 * Consecutive faults of one context whose addresses fall into one
 * naturally aligned @window form a group spanning their pages.
 *
 * Context: Any context.
 * Return: the number of groups written; grouping stops when @groups is full,
 * so a caller that passes @max_groups >= @n always gets every fault grouped.
 */
unsigned int nouveau_svm_fault_group(const struct nouveau_svm_fault *faults,
				     unsigned int n, u64 window,
				     struct nouveau_svm_fault_group *groups,
				     unsigned int max_groups)
{
	struct nouveau_svm_fault_group *g = NULL;
	unsigned int i, ng = 0;

	for (i = 0; i < n; i++) {
		const struct nouveau_svm_fault *f = &faults[i];
		u64 page = f->addr & PAGE_MASK;

		if (g && nouveau_svm_fault_joins(g, f, window)) {
			g->end = max(g->end, page + PAGE_SIZE);
			g->access = max(g->access, f->access);
			g->count++;
			continue;
		}
		if (ng == max_groups)
			break;
		g = &groups[ng++];
		*g = (struct nouveau_svm_fault_group) {
			.inst = f->inst,
			.start = page,
			.end = page + PAGE_SIZE,
			.access = f->access,
			.first = i,
			.count = 1,
		};
	}
	return ng;
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_group);

/*
 * The context boundary after @from (a group whose context differs from the
 * one before it) nearest to group @target; 0 when there is none.
 */
static unsigned int nouveau_svm_fault_boundary(const struct nouveau_svm_fault_group *groups,
					       unsigned int ngroups, unsigned int from,
					       unsigned int target)
{
	unsigned int g, best = 0;

	for (g = from + 1; g < ngroups; g++) {
		if (groups[g].inst == groups[g - 1].inst)
			continue;
		/* Past the nearest one, the boundaries only get farther. */
		if (best && abs_diff(g, target) >= abs_diff(best, target))
			break;
		best = g;
	}
	return best;
}

/**
 * nouveau_svm_fault_cut() - cut a batch's groups into runs of whole contexts
 * @groups: the groups, sorted by context (nouveau_svm_fault_group() order)
 * @ngroups: their number, at least 1
 * @runs: where the index of each run's first group goes, @max entries
 * @max: the most runs to make, at least 1
 *
 * The fault worker serves each run on its own (see "Fault service"): the
 * groups of one context stay in one run, so they are served in order, and
 * the runs are as even in groups as the context boundaries allow: run k
 * starts at the boundary nearest to k / @max of the groups, after the
 * start of run k - 1.
 *
 * Context: Any context.
 * Return: the number of runs, from 1 to @max; run i spans the groups from
 * @runs[i] to the next run's first (the last to @ngroups).
 */
unsigned int nouveau_svm_fault_cut(const struct nouveau_svm_fault_group *groups,
				   unsigned int ngroups, unsigned int *runs,
				   unsigned int max)
{
	unsigned int k, g, n = 1;

	runs[0] = 0;
	for (k = 1; k < max; k++) {
		g = nouveau_svm_fault_boundary(groups, ngroups, runs[n - 1],
					       (u64)k * ngroups / max);
		if (!g)
			break;
		runs[n++] = g;
	}
	return n;
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_cut);

/**
 * nouveau_svm_thrash_revoke() - decide whether a revocation waits
 * @t: the thrashing state of the range whose atomic access is revoked
 * @now: the time of the revocation
 * @replayed: the replay of the grant's fault batch had returned, so the
 *	GPU could have used the grant
 * @lapse_us: the thrashing lapse: events further apart start the count
 *	again
 * @threshold: events in a row that make the range thrashing; 0 makes
 *	every range thrashing
 *
 * For a revocation inside the GPU's atomic time slice (see "GPU atomics on
 * system memory"): one before the replay is a thrashing event, counted in
 * @t, and always waits; one after it waits only while the range is
 * thrashing, that is, @threshold events have come, the last within
 * @lapse_us.
 *
 * Context: Any context; @t must not change under it (the caller's lock).
 * Return: true when the revocation must wait for the end of the slice.
 */
bool nouveau_svm_thrash_revoke(struct nouveau_svm_thrash *t, ktime_t now,
			       bool replayed, s64 lapse_us, unsigned int threshold)
{
	bool recent = t->count && ktime_us_delta(now, t->last) <= lapse_us;

	if (replayed)
		return !threshold || (recent && t->count >= threshold);
	if (!recent)
		t->count = 0;
	if (t->count < U8_MAX)
		t->count++;
	t->last = now;
	return true;
}
EXPORT_SYMBOL_GPL(nouveau_svm_thrash_revoke);
