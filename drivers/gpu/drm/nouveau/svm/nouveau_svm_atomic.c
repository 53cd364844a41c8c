// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: GPU atomics on system memory, granted with
 * device-exclusive entries and taken back by the MMU notifier; locking
 * as in nouveau_svm_vm.c.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <linux/bitmap.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <drm/drm_pagemap.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

/**
 * DOC: GPU atomics on system memory
 *
 * A GPU atomic on system memory needs the page to itself: the CPU must
 * not write it behind the GPU's back.  An atomic fault is served by making
 * the faulting pages device-exclusive with make_device_exclusive(), which
 * replaces their CPU page-table entries with device-exclusive entries, and
 * mapping them with atomic access in the GPU page table:
 *
 * 1. the range around the fault is mapped as for any fault;
 * 2. under the mmap read lock, the faulting page is made device-exclusive
 *    (owner: the device), its folio kept locked;
 * 3. under the notifier lock, if the range's pages are still valid, the
 *    page is mapped with atomic access; then the folio is released, and
 *    the mmap lock after it (fork() fails with -ENOMEM on a
 *    device-exclusive entry whose folio is locked, so it must wait for
 *    step 3 to end).
 *
 * The faulting pages of a batch are granted one by one, each through all
 * three steps, so that at most one folio is locked at a time: two pages
 * of one large folio (a THP, or an mTHP) would otherwise wait for a lock
 * the fault server holds itself.  A page in VRAM among them needs no
 * grant and is skipped, and so is a page whose grant is still in place
 * (the range keeps a bit per page granted, cleared with every
 * invalidation): its fault is stale, an access in flight while the grant
 * was made, or faulted again by a replay of another batch before this
 * one's; granting it again would first take it from the GPU, since
 * make_device_exclusive() faults a device-exclusive entry back in, and
 * faults that come late keep doing so to each other's grants.
 *
 * The invalidation callback ignores MMU_NOTIFY_EXCLUSIVE events whose owner
 * is the device (our own grant, step 2); anything else in between (munmap,
 * a CPU access, a THP split) clears the range's pages and step 3 retries
 * from step 1.  Once the folio is released, a CPU access to such a page
 * faults, restores the CPU entry and calls the notifier, which takes the
 * whole range out of the GPU page table (a revocation): the next GPU atomic
 * faults and is granted again.
 *
 * A page that flips between CPU and GPU must not livelock either side: a
 * grant gives the GPU a time slice (module parameter atomic_timeslice_us,
 * 1 ms by default), and a revocation inside the slice waits for its end,
 * where the notifier may block (counted as an atomic backoff), when the
 * page is thrashing.  The detection follows NVIDIA UVM's
 * (uvm_perf_thrashing.c: events on a page, each within a lapse of the
 * last, and a threshold of 3), with one difference: UVM counts every
 * migration or revocation, so a CPU and a GPU taking turns at a high rate
 * look to it like two fighting over the page.  What livelocks the GPU is
 * a revocation before the GPU could use its grant, and before the replay
 * of the grant's batch has returned it cannot have.  Such a revocation
 * always waits, and is the event counted: at atomic_thrash_threshold (3,
 * at most 255) of them, each within 8 slices of the last, the range is
 * thrashing, and until that lapse has passed after the last one, every
 * revocation inside the slice waits, also after the replay (where a GPU
 * slow to retry would otherwise lose the page again).  A CPU that takes
 * the page back once the GPU's job is done pays nothing; with
 * atomic_thrash_threshold 0 every revocation inside the slice waits.
 * munmap and the process's exit never wait: the page goes away.
 *
 * The slice starts when the replay of the grant's fault batch returns,
 * since the GPU cannot use the grant before: a batch that takes longer
 * than the slice would otherwise have spent it.  A revocation before that
 * replay waits for the slice counted from the grant; then, if the replay
 * has been issued, for it to return (an issued replay takes no lock of
 * the core's, so this cannot deadlock; one not issued yet is never waited
 * for, since a fault server may need the notifier lock before the worker
 * gets there); then for the rest of the slice counted from the replay.
 * The GPU makes progress with every grant, and the CPU waits less than
 * two slices per flip, plus what an issued replay still takes.  The
 * replay times of the last 32 batches of the device are kept; a grant
 * older than that counts its slice from the grant.  A slice rather than a
 * switch to device memory, because it needs no VRAM and bounds both
 * sides; the counter shows what it costs.
 *
 * The kernel makes only private anonymous memory device-exclusive: an
 * atomic on shared or file-backed memory is cancelled (the job fails), as
 * is one on memory the CPU may not write.
 *
 * Pages in VRAM need none of this: the GPU owns them, and they are mapped
 * with atomic access whenever they are mapped writable.
 *
 * Userspace chooses per range how atomics are served, with SVM_BIND
 * ADVISE_ATOMIC: device-exclusive (the default), migrate to VRAM first
 * (devices with VRAM; memory that cannot move, shared or file-backed, is
 * then served device-exclusive, or cancelled where that fails too), or
 * refuse (the atomic is cancelled).  The
 * advice is kept in a maple tree per VM; setting it revokes the atomic
 * access the GPU holds in the range, so its next atomic meets the advice.
 */

/*
 * The DMA entries of pages [@first, @last) of a range: the one of @first
 * when all of them are 4 KiB pages of system memory, else NULL; *@vram
 * says whether some of them are in VRAM.
 */
static const struct drm_pagemap_addr *
nouveau_svm_range_dma(const struct nouveau_svm_range *r, unsigned long first,
		      unsigned long last, bool *vram)
{
	const struct drm_pagemap_addr *dma = r->pages.dma_addr, *found = NULL;
	bool small = true;
	unsigned long i, j;

	*vram = false;
	for (i = 0, j = 0; i < last; i += 1UL << dma[j].order, j++) {
		if (i + (1UL << dma[j].order) <= first)
			continue;
		*vram |= dma[j].proto == NOUVEAU_SVM_PROTO_VRAM;
		small &= !dma[j].order;
		if (i == first)
			found = &dma[j];
	}
	return small && !*vram ? found : NULL;
}

/* Add atomic access to [@start, @end) of @r; -EAGAIN if the pages went stale. */
static int nouveau_svm_range_map_atomic(struct nouveau_svm_vm *vm,
					struct nouveau_svm_range *r, u64 start, u64 end)
{
	u64 base = drm_gpusvm_range_start(&r->base);
	struct nouveau_svm_map map = {
		.start = start,
		.npages = (end - start) >> PAGE_SHIFT,
		.flags = NOUVEAU_SVM_MAP_READ | NOUVEAU_SVM_MAP_WRITE |
			 NOUVEAU_SVM_MAP_ATOMIC,
	};
	int ret = -EAGAIN;
	bool vram;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	nouveau_svm_range_sync(vm, r);
	if (!drm_gpusvm_pages_valid(&vm->gpusvm, &r->pages) || !r->mapped_pages)
		goto out_unlock;
	map.dma = nouveau_svm_range_dma(r, (start - base) >> PAGE_SHIFT,
					(end - base) >> PAGE_SHIFT, &vram);
	if (!map.dma)
		goto out_unlock;
	ret = vm->sdev->ops->map(vm, &map);
	if (ret)
		goto out_unlock;
	bitmap_set(r->atomic_pages, (start - base) >> PAGE_SHIFT, map.npages);
	r->atomic = true;
	r->atomic_granted = ktime_get();
	r->atomic_batch = vm->sdev->batch;
	atomic64_add(map.npages, &vm->stats->exclusive_grants);
	trace_nouveau_svm_map(vm->inst, map.start, map.npages, map.flags);
out_unlock:
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return ret;
}

/*
 * The record of @r's pages with atomic access, made at its first grant (a
 * fault server, VM lock held: the only one that makes it).
 */
static int nouveau_svm_range_atomic_pages(struct nouveau_svm_vm *vm,
					  struct nouveau_svm_range *r)
{
	unsigned long *pages;

	lockdep_assert_held(&vm->lock);
	if (r->atomic_pages)
		return 0;
	pages = bitmap_zalloc(drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT,
			      GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	r->atomic_pages = pages;
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return 0;
}

/*
 * Make the page at @addr of @r device-exclusive and map it with atomic
 * access.  make_device_exclusive() returns the folio locked, and it stays
 * locked until the GPU page table has the atomic entry; only one folio is
 * held at a time: the pages of one large folio (a THP, whose PMD the grant
 * remaps with PTEs while the folio stays large, or an mTHP) are made
 * exclusive one after the other, and make_device_exclusive() takes the
 * folio lock itself.  The mmap lock is held until the folio is released:
 * fork() copies a device-exclusive entry by taking its folio lock without
 * waiting, and fails with -ENOMEM when it cannot, so it must not meet a
 * grant half done.
 */
static int nouveau_svm_grant_exclusive(struct nouveau_svm_vm *vm,
				       struct nouveau_svm_range *r, u64 addr)
{
	struct mm_struct *mm = vm->gpusvm.mm;
	struct folio *folio;
	struct page *page;
	int ret;

	ret = nouveau_svm_range_atomic_pages(vm, r);
	if (ret)
		return ret;
	if (!mmget_not_zero(mm))
		return -EFAULT;
	mmap_read_lock(mm);
	page = make_device_exclusive(mm, addr, vm->sdev, &folio);
	ret = PTR_ERR_OR_ZERO(page);
	if (!ret) {
		ret = nouveau_svm_range_map_atomic(vm, r, addr, addr + PAGE_SIZE);
		folio_unlock(folio);
		folio_put(folio);
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/*
 * Whether the page at @addr of @r has the atomic access a grant gave it
 * still: nothing invalidated the range since, so the page is
 * device-exclusive and the GPU may use it.  A fault on such a page is
 * stale (its access was in flight while the grant was made, or it
 * faulted again before the replay) and needs nothing: granting the page
 * again would first take it from the GPU, since make_device_exclusive()
 * faults a device-exclusive entry back in.  NVIDIA UVM skips the faults
 * of pages the GPU is authorized for in the same way
 * (service_fault_batch_block_locked(), uvm_va_block_page_is_gpu_authorized()).
 */
static bool nouveau_svm_range_page_granted(struct nouveau_svm_vm *vm,
					   struct nouveau_svm_range *r, u64 addr)
{
	unsigned long i = (addr - drm_gpusvm_range_start(&r->base)) >> PAGE_SHIFT;
	bool granted;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	nouveau_svm_range_sync(vm, r);
	granted = r->atomic && drm_gpusvm_pages_valid(&vm->gpusvm, &r->pages) &&
		  test_bit(i, r->atomic_pages);
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return granted;
}

/* Whether the page at @addr of @r is in VRAM. */
static bool nouveau_svm_range_page_in_vram(struct nouveau_svm_range *r, u64 addr)
{
	unsigned long i = (addr - drm_gpusvm_range_start(&r->base)) >> PAGE_SHIFT;
	bool vram;

	nouveau_svm_range_dma(r, i, i + 1, &vram);
	return vram;
}

/**
 * nouveau_svm_vm_atomic_held() - whether the GPU has atomic access to a page
 * @vm: the VM
 * @r: the range of the page, just mapped by nouveau_svm_vm_fault()
 * @addr: the page, page aligned
 *
 * A GPU atomic fault on such a page is late: an access in flight while
 * its grant or its move to VRAM was made.  It needs nothing, and must get
 * nothing: granting the page again or migrating its range again takes it
 * off the GPU first.
 *
 * Context: A fault server, VM lock held.
 * Return: true if the page is in VRAM, or granted and not invalidated since.
 */
bool nouveau_svm_vm_atomic_held(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r,
				u64 addr)
{
	lockdep_assert_held(&vm->lock);
	return nouveau_svm_range_page_in_vram(r, addr) ||
	       nouveau_svm_range_page_granted(vm, r, addr);
}

/* One try at atomic access to the page at @addr. */
static int nouveau_svm_vm_atomic_once(struct nouveau_svm_vm *vm, u64 addr)
{
	struct nouveau_svm_served served;
	int ret;

	ret = nouveau_svm_vm_fault(vm, addr, true, &served);
	if (ret)
		return ret;
	if (!served.writable)
		return -EPERM;
	/*
	 * A page in VRAM was just mapped with atomic access: the GPU owns it.
	 * make_device_exclusive() would move it back.
	 */
	if (nouveau_svm_vm_atomic_held(vm, served.range, addr))
		return 0;
	return nouveau_svm_grant_exclusive(vm, served.range, addr);
}

/**
 * nouveau_svm_vm_atomic() - give the GPU atomic access to a page
 * @vm: the VM
 * @addr: the page, page aligned
 *
 * Maps the range around @addr as nouveau_svm_vm_fault() does; a page in
 * VRAM is then mapped with atomic access already.  A page of system memory
 * is made device-exclusive, and mapped with atomic access under the
 * notifier lock while its folio is still locked, if nothing invalidated it
 * meanwhile (the invalidation callback ignores our own grant, any other
 * event clears the range's pages, and the whole sequence is retried).
 * The folio is released once the GPU page table holds the atomic entry: a
 * CPU access afterwards restores the page and the notifier revokes the
 * GPU's access.  Pages are granted one at a time, so that the grant never
 * holds two folio locks: two pages of one large folio would deadlock.
 *
 * Context: A fault server, VM lock held; may sleep.
 * Return: 0; -EPERM for memory the CPU may not write; -EOPNOTSUPP for
 * memory that cannot be made device-exclusive (shared or file-backed,
 * hugetlb); the errors of nouveau_svm_vm_fault().
 */
int nouveau_svm_vm_atomic(struct nouveau_svm_vm *vm, u64 addr)
{
	int ret, tries = 0;

	lockdep_assert_held(&vm->lock);
	do {
		ret = nouveau_svm_vm_atomic_once(vm, addr);
	} while (ret == -EAGAIN && ++tries < NOUVEAU_SVM_FAULT_RETRIES);
	return ret;
}

/**
 * nouveau_svm_vm_atomic_policy() - how GPU atomics at an address are served
 * @vm: the VM
 * @addr: the address
 *
 * Context: Any context.
 * Return: the NOUVEAU_SVM_ATOMIC__* value userspace advised for @addr,
 * NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE if it advised none.
 */
u32 nouveau_svm_vm_atomic_policy(struct nouveau_svm_vm *vm, u64 addr)
{
	void *entry = mtree_load(&vm->atomic_policy, addr);

	return entry ? xa_to_value(entry) : NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE;
}

/* Take atomic access in [@start, @end) away from the GPU; VM lock held. */
static void nouveau_svm_vm_revoke_atomic(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct drm_gpusvm_notifier *notifier;
	struct drm_gpusvm_range *range;

	lockdep_assert_held(&vm->lock);
	down_write(&vm->gpusvm.notifier_lock);
	drm_gpusvm_for_each_notifier(notifier, &vm->gpusvm, start, end) {
		range = drm_gpusvm_range_find(notifier, start, end);
		if (!range)
			continue;
		drm_gpusvm_for_each_range(range, notifier, start, end) {
			nouveau_svm_range_sync(vm, to_nouveau_svm_range(range));
			if (to_nouveau_svm_range(range)->atomic)
				nouveau_svm_range_gpu_unmap(vm, to_nouveau_svm_range(range));
		}
	}
	up_write(&vm->gpusvm.notifier_lock);
}

/**
 * nouveau_svm_vm_advise_atomic() - set how GPU atomics in a range are served
 * @vm: the VM
 * @w: the range, page aligned
 * @policy: a NOUVEAU_SVM_ATOMIC__* value the device supports
 *
 * Records @policy for the atomic faults to come and revokes the atomic
 * access the GPU holds in @w, so that its next atomic there faults and
 * meets the new policy.
 *
 * Context: Process context (ioctl); takes the VM's locks; may sleep.
 * Return: 0 or -ENOMEM.
 */
int nouveau_svm_vm_advise_atomic(struct nouveau_svm_vm *vm,
				 const struct nouveau_svm_window *w, u32 policy)
{
	void *entry = policy == NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE ?
		      NULL : xa_mk_value(policy);
	int ret;

	mutex_lock(&vm->lock);
	ret = mtree_store_range(&vm->atomic_policy, w->start, w->end - 1, entry,
				GFP_KERNEL_ACCOUNT);
	if (!ret)
		nouveau_svm_vm_revoke_atomic(vm, w->start, w->end);
	mutex_unlock(&vm->lock);
	return ret;
}
