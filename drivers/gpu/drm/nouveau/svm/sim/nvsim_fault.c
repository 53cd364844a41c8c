// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the fault ring, where the exec engine posts
 * replayable faults and the core's fault worker fetches them.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/delay.h>
#include <linux/lockdep.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "nvsim.h"

/**
 * DOC: Fault ring
 *
 * One ring per device holds the faults of every VM, in the order the
 * runners post them, as a GPU's replayable fault buffer does: the faults
 * of several channels interleave, and each runner posts the misses of a
 * wave in shuffled order, as the many threads of a real wave do.  When
 * the ring is full, or while an injected overflow is armed, a new fault is
 * dropped and the ring's overflow flag is set until a fetch makes room:
 * the engine stalls until a replay as usual and, the access still missing,
 * faults again.
 *
 * Each fetch is one batch of the core's.  The fetch counts what the batch
 * holds (faults of several contexts, of several channels of one context,
 * duplicates of one page) in the ring's statistics, which debugfs shows
 * (nvsim_fault_ring), and in the counters of each VM.
 *
 * Module parameter fetch_delay_us makes a fetch that found faults take
 * that long before it hands them over, as a slow read of a large fault
 * buffer does: the window between a fault's fetch and its service, in
 * which the VM it names may go away, becomes one a test can hit.
 */

static unsigned int fetch_delay_us;
module_param(fetch_delay_us, uint, 0644);
MODULE_PARM_DESC(fetch_delay_us,
		 "Time a fetch that found faults takes before it returns them, at most 1 s (default 0): a slow fault-buffer read, for tests");

/**
 * nvsim_fault_ring_init() - allocate an empty fault ring
 * @ring: the ring
 * @size: number of slots
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int nvsim_fault_ring_init(struct nvsim_fault_ring *ring, unsigned int size)
{
	spin_lock_init(&ring->lock);
	ring->entries = kvzalloc_objs(*ring->entries, size);
	ring->scratch = kvzalloc_objs(*ring->scratch, size);
	if (!ring->entries || !ring->scratch) {
		nvsim_fault_ring_fini(ring);
		return -ENOMEM;
	}
	ring->size = size;
	ring->head = 0;
	ring->count = 0;
	ring->overflow = false;
	ring->inject_drop = 0;
	ring->stats = (struct nvsim_ring_stats){};
	return 0;
}

/**
 * nvsim_fault_ring_fini() - free a fault ring
 * @ring: the ring, which nobody posts to or fetches from any more
 *
 * Context: any context.
 */
void nvsim_fault_ring_fini(struct nvsim_fault_ring *ring)
{
	kvfree(ring->entries);
	kvfree(ring->scratch);
	ring->entries = NULL;
	ring->scratch = NULL;
}

static unsigned int nvsim_fault_slot(struct nvsim_fault_ring *ring,
				     unsigned int i)
{
	lockdep_assert_held(&ring->lock);
	return (ring->head + i) % ring->size;
}

/* Whether the next fault is dropped; counts the drop if it is. */
static bool nvsim_fault_drop(struct nvsim_fault_ring *ring,
			     struct nvsim_vm *nvm)
{
	lockdep_assert_held(&ring->lock);
	if (ring->inject_drop) {
		ring->inject_drop--;
	} else if (ring->count == ring->size) {
		if (!ring->overflow)
			ring->stats.overflows++;
		ring->overflow = true;
	} else {
		return false;
	}
	ring->stats.dropped++;
	atomic64_inc(&nvm->stats.dropped_faults);
	return true;
}

/**
 * nvsim_fault_post() - post a fault, as the GPU's MMU does on a miss
 * @ring: the ring
 * @fault: the fault
 * @nvm: the VM of the faulting job
 * @chan: the faulting job's channel
 *
 * Context: any context; takes the ring lock.
 * Return: true if the fault is in the ring, false if it was dropped.
 */
bool nvsim_fault_post(struct nvsim_fault_ring *ring,
		      const struct nouveau_svm_fault *fault,
		      struct nvsim_vm *nvm, u32 chan)
{
	struct nvsim_ring_entry *e;
	bool posted = false;

	spin_lock(&ring->lock);
	if (!nvsim_fault_drop(ring, nvm)) {
		e = &ring->entries[nvsim_fault_slot(ring, ring->count)];
		e->fault = *fault;
		e->nvm = nvm;
		e->chan = chan;
		ring->count++;
		posted = true;
	}
	spin_unlock(&ring->lock);
	return posted;
}

/**
 * nvsim_fault_purge() - drop the pending faults of a context
 * @ring: the ring
 * @inst: the context number of a VM that goes away
 *
 * Context: any context; takes the ring lock.
 */
void nvsim_fault_purge(struct nvsim_fault_ring *ring, u64 inst)
{
	unsigned int i, kept = 0;
	struct nvsim_ring_entry *e;

	spin_lock(&ring->lock);
	for (i = 0; i < ring->count; i++) {
		e = &ring->entries[nvsim_fault_slot(ring, i)];
		if (e->fault.inst != inst)
			ring->entries[nvsim_fault_slot(ring, kept++)] = *e;
	}
	ring->count = kept;
	spin_unlock(&ring->lock);
}

/**
 * nvsim_fault_inject_overflow() - arm or disarm fault-ring overflow
 * @ring: the ring
 * @count: how many of the next faults to drop, 0 to disarm
 *
 * Context: any context; takes the ring lock.
 */
void nvsim_fault_inject_overflow(struct nvsim_fault_ring *ring, u32 count)
{
	spin_lock(&ring->lock);
	ring->inject_drop = count;
	spin_unlock(&ring->lock);
}

/* Order by context, then page, then channel. */
static int nvsim_entry_cmp(const void *a, const void *b)
{
	const struct nvsim_ring_entry *x = a, *y = b;

	if (x->fault.inst != y->fault.inst)
		return x->fault.inst < y->fault.inst ? -1 : 1;
	if ((x->fault.addr >> PAGE_SHIFT) != (y->fault.addr >> PAGE_SHIFT))
		return x->fault.addr < y->fault.addr ? -1 : 1;
	if (x->chan != y->chan)
		return x->chan < y->chan ? -1 : 1;
	return 0;
}

/*
 * Count the faults of one context, @e[0] to @e[n - 1] sorted: its
 * duplicates, and whether several of its channels faulted.
 */
static void nvsim_fault_stat_vm(struct nvsim_fault_ring *ring,
				const struct nvsim_ring_entry *e,
				unsigned int n, bool mixed)
{
	struct nvsim_vm *nvm = e[0].nvm;
	unsigned int i, dups = 0;
	bool channels = false;

	for (i = 1; i < n; i++) {
		if ((e[i].fault.addr >> PAGE_SHIFT) ==
		    (e[i - 1].fault.addr >> PAGE_SHIFT))
			dups++;
		if (e[i].chan != e[0].chan)
			channels = true;
	}
	ring->stats.duplicates += dups;
	atomic64_add(dups, &nvm->stats.duplicate_faults);
	if (channels) {
		ring->stats.multichannel++;
		atomic64_inc(&nvm->stats.channel_batches);
	}
	if (mixed)
		atomic64_inc(&nvm->stats.mixed_batches);
}

/* Count what the batch of @ring->scratch[0] to [@n - 1] holds. */
static void nvsim_fault_stat(struct nvsim_fault_ring *ring, unsigned int n)
{
	struct nvsim_ring_entry *e = ring->scratch;
	unsigned int i, first = 0;
	bool mixed;

	lockdep_assert_held(&ring->lock);
	sort(e, n, sizeof(*e), nvsim_entry_cmp, NULL);
	mixed = e[0].fault.inst != e[n - 1].fault.inst;
	ring->stats.batches++;
	if (mixed)
		ring->stats.mixed++;
	for (i = 1; i <= n; i++) {
		if (i < n && e[i].fault.inst == e[first].fault.inst)
			continue;
		nvsim_fault_stat_vm(ring, &e[first], i - first, mixed);
		first = i;
	}
}

/**
 * nvsim_fault_fetch() - move pending faults out of the ring
 * @sdev: the device
 * @faults: where to put them
 * @max: room in @faults
 *
 * Implements &nouveau_svm_backend_ops.fault_fetch; waits fetch_delay_us
 * before it returns faults (see DOC: Fault ring).
 *
 * Context: the core's fault worker; takes the ring lock; may sleep.
 * Return: the number of faults fetched, 0 when the ring is empty.
 */
unsigned int nvsim_fault_fetch(struct nouveau_svm_dev *sdev,
			       struct nouveau_svm_fault *faults,
			       unsigned int max)
{
	struct nvsim_fault_ring *ring = &to_nvsim_device(sdev)->ring;
	unsigned int i, n;

	spin_lock(&ring->lock);
	n = min(max, ring->count);
	for (i = 0; i < n; i++) {
		ring->scratch[i] = ring->entries[nvsim_fault_slot(ring, i)];
		faults[i] = ring->scratch[i].fault;
	}
	ring->head = nvsim_fault_slot(ring, n);
	ring->count -= n;
	if (n) {
		ring->overflow = false;
		nvsim_fault_stat(ring, n);
	}
	spin_unlock(&ring->lock);
	if (n && READ_ONCE(fetch_delay_us))
		fsleep(min_t(unsigned int, READ_ONCE(fetch_delay_us), USEC_PER_SEC));
	return n;
}
