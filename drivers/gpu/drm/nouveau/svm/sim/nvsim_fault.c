// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the fault ring, where the exec engine posts
 * replayable faults and the core's fault worker fetches them.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/lockdep.h>
#include <linux/slab.h>

#include "nvsim.h"

/**
 * DOC: Fault ring
 *
 * One ring per device holds the faults of every VM, oldest first, as a
 * GPU's replayable fault buffer does.  When it is full, or while an
 * injected overflow is armed, a new fault is dropped: the engine stalls
 * until a replay as usual and, the access still missing, faults again.
 */

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
	ring->entries = kzalloc_objs(*ring->entries, size);
	if (!ring->entries)
		return -ENOMEM;
	ring->size = size;
	ring->head = 0;
	ring->count = 0;
	ring->dropped = 0;
	ring->inject_drop = 0;
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
	kfree(ring->entries);
	ring->entries = NULL;
}

static unsigned int nvsim_fault_slot(struct nvsim_fault_ring *ring,
				     unsigned int i)
{
	lockdep_assert_held(&ring->lock);
	return (ring->head + i) % ring->size;
}

/**
 * nvsim_fault_post() - post a fault, as the GPU's MMU does on a miss
 * @ring: the ring
 * @fault: the fault
 *
 * Context: any context; takes the ring lock.
 * Return: true if the fault is in the ring, false if it was dropped.
 */
bool nvsim_fault_post(struct nvsim_fault_ring *ring,
		      const struct nouveau_svm_fault *fault)
{
	bool posted = false;

	spin_lock(&ring->lock);
	if (ring->inject_drop) {
		ring->inject_drop--;
		ring->dropped++;
	} else if (ring->count == ring->size) {
		ring->dropped++;
	} else {
		ring->entries[nvsim_fault_slot(ring, ring->count)] = *fault;
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
	struct nouveau_svm_fault *f;

	spin_lock(&ring->lock);
	for (i = 0; i < ring->count; i++) {
		f = &ring->entries[nvsim_fault_slot(ring, i)];
		if (f->inst != inst)
			ring->entries[nvsim_fault_slot(ring, kept++)] = *f;
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

/**
 * nvsim_fault_fetch() - move pending faults out of the ring
 * @sdev: the device
 * @faults: where to put them
 * @max: room in @faults
 *
 * Implements &nouveau_svm_backend_ops.fault_fetch.
 *
 * Context: the core's fault worker; takes the ring lock.
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
	for (i = 0; i < n; i++)
		faults[i] = ring->entries[nvsim_fault_slot(ring, i)];
	ring->head = nvsim_fault_slot(ring, n);
	ring->count -= n;
	spin_unlock(&ring->lock);
	return n;
}
