// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: a VM's ranges got and mapped.  A GPU fault, a
 * migration or an atomic grant finds or creates the range around an
 * address, gets its pages with HMM and writes them into the GPU page
 * table through the backend, under the VM lock and, for the write, the
 * notifier lock held for read (see "Locking" in nouveau_svm_vm.c).
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <drm/drm_pagemap.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

/* The mirrored window around @addr: the VM minus the unmanaged window. */
static int nouveau_svm_vm_window(struct nouveau_svm_vm *vm, u64 addr,
				 struct nouveau_svm_window *w)
{
	const struct nouveau_svm_window *um = &vm->unmanaged;

	if (addr >= TASK_SIZE || (addr >= um->start && addr < um->end))
		return -EFAULT;
	/* An empty window is [0, 0): everything lies above it. */
	*w = addr < um->start ? (struct nouveau_svm_window){ 0, um->start } :
				(struct nouveau_svm_window){ um->end, TASK_SIZE };
	return 0;
}

/*
 * Describe in @map the run of @r's DMA entries from entry *@j (page *@i)
 * that share one aperture, and move both past it.
 */
static void nouveau_svm_range_run(struct nouveau_svm_range *r, struct nouveau_svm_map *map,
				  unsigned long *i, unsigned long *j)
{
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	const struct drm_pagemap_addr *dma = r->pages.dma_addr;
	u32 proto = dma[*j].proto;

	*map = (struct nouveau_svm_map) {
		.start = drm_gpusvm_range_start(&r->base) + (*i << PAGE_SHIFT),
		.dma = &dma[*j],
		.flags = nouveau_svm_map_flags(!r->read_only, proto == NOUVEAU_SVM_PROTO_VRAM),
	};
	for (; *i < npages && dma[*j].proto == proto; (*j)++) {
		map->npages += 1UL << dma[*j].order;
		*i += 1UL << dma[*j].order;
	}
}

/* Let the backend allocate what mapping @r needs; VM lock, no notifier lock. */
static int nouveau_svm_range_prepare(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r)
{
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	unsigned long i = 0, j = 0;
	struct nouveau_svm_map map;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	if (!vm->sdev->ops->map_prepare)
		return 0;
	while (!ret && i < npages) {
		nouveau_svm_range_run(r, &map, &i, &j);
		ret = vm->sdev->ops->map_prepare(vm, &map);
	}
	return ret;
}

/* Map all of @r, one backend call per aperture run.  Notifier lock held. */
static int nouveau_svm_range_map_all(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r)
{
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	unsigned long i = 0, j = 0, first;
	struct nouveau_svm_map map;
	int ret;

	while (i < npages) {
		first = j;
		nouveau_svm_range_run(r, &map, &i, &j);
		ret = vm->sdev->ops->map(vm, &map);
		if (ret)
			return ret;
		if (map.dma[0].proto == NOUVEAU_SVM_PROTO_VRAM)
			nouveau_svm_devmem_touch(vm->sdev->vram, map.dma, j - first);
		trace_nouveau_svm_map(vm->inst, map.start, map.npages, map.flags);
	}
	return 0;
}

/*
 * Enter a range's pages into the GPU page table, unless they are there;
 * -EAGAIN if they went stale.
 */
static int nouveau_svm_range_gpu_map(struct nouveau_svm_vm *vm,
				     struct nouveau_svm_range *r)
{
	const struct nouveau_svm_backend_ops *ops = vm->sdev->ops;
	u64 start = drm_gpusvm_range_start(&r->base);
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	int ret;

	ret = nouveau_svm_range_prepare(vm, r);
	if (ret)
		return ret;
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	if (!drm_gpusvm_pages_valid(&vm->gpusvm, &r->pages)) {
		ret = -EAGAIN;
		goto out_unlock;
	}
	/*
	 * Every invalidation clears mapped_pages: a mapped range is current,
	 * and mapping it again would drop the atomic access of its pages.
	 */
	nouveau_svm_range_sync(vm, r);
	if (r->mapped_pages)
		goto out_unlock;
	ret = nouveau_svm_range_map_all(vm, r);
	if (ret) {
		/* What was mapped of it must not stay behind. */
		ops->unmap(vm, start, drm_gpusvm_range_end(&r->base));
		goto out_unlock;
	}
	atomic64_add(npages, &vm->stats->gpu_pages);
	atomic64_add(npages, &vm->stats->pages_mapped);
	r->mapped_pages = npages;
out_unlock:
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return ret;
}

/*
 * Find or create the range around @addr.  A write wants writable pages; a
 * read takes them as the CPU would, read-only: a fresh anonymous page is
 * then the zero page, which costs no allocation nor clearing.  A later
 * write upgrades the range (see nouveau_svm_range_get_pages()).  -EPERM
 * from a read-only VMA falls back to read-only.
 */
static struct nouveau_svm_range *
nouveau_svm_vm_range(struct nouveau_svm_vm *vm, u64 addr, bool write,
		     struct drm_gpusvm_ctx *ctx)
{
	struct nouveau_svm_window w;
	struct drm_gpusvm_range *range;
	int ret;

	ret = nouveau_svm_vm_window(vm, addr, &w);
	if (ret)
		return ERR_PTR(ret);
	ctx->read_only = !write;
	range = drm_gpusvm_range_find_or_insert(&vm->gpusvm, addr, w.start, w.end, ctx);
	if (IS_ERR(range) && PTR_ERR(range) == -EPERM) {
		ctx->read_only = true;
		range = drm_gpusvm_range_find_or_insert(&vm->gpusvm, addr, w.start,
							w.end, ctx);
	}
	if (IS_ERR(range))
		return ERR_CAST(range);
	return to_nouveau_svm_range(range);
}

static bool nouveau_svm_range_unmapped(const struct nouveau_svm_range *r)
{
	struct drm_gpusvm_range_flags flags = {
		.__flags = READ_ONCE(r->base.flags.__flags),
	};

	return flags.unmapped;
}

/**
 * nouveau_svm_hmm_range_fault() - hmm_range_fault() until the CPU side holds still
 * @mm: the process, its mmap lock held for read
 * @range: what to get, with its notifier; notifier_seq is set here
 *
 * Retries while an invalidation races with the walk (-EBUSY), dropping the
 * mmap lock between tries, for at most HMM_RANGE_DEFAULT_TIMEOUT.  The
 * caller must not use a VMA it looked up before: the lock may have been
 * dropped.
 *
 * Context: Process context, mmap lock held for read (held again on return);
 * may sleep.
 * Return: 0, or hmm_range_fault()'s error (-EBUSY when the time ran out).
 */
int nouveau_svm_hmm_range_fault(struct mm_struct *mm, struct hmm_range *range)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	int ret;

	mmap_assert_locked(mm);
	do {
		range->notifier_seq = mmu_interval_read_begin(range->notifier);
		ret = hmm_range_fault(range);
		if (ret != -EBUSY)
			break;
		mmap_read_unlock(mm);
		cond_resched();
		mmap_read_lock(mm);
	} while (time_before(jiffies, timeout));
	return ret;
}

/*
 * Whether the range has pages in VRAM that the CPU may only read: HMM
 * reports the device's own pages as they are, and after fork() a page in
 * VRAM is shared, read-only, with the child until one of them writes.
 * Returns 1 if it has, 0 if not, or a negative errno when that could not
 * be told (-ENOMEM, -EBUSY, -EFAULT): the range must not be mapped
 * writable then.
 */
static int nouveau_svm_range_vram_readonly(struct nouveau_svm_vm *vm,
					   struct nouveau_svm_range *r)
{
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	struct mm_struct *mm = vm->gpusvm.mm;
	struct hmm_range range = {
		.notifier = &r->base.notifier->notifier,
		.start = drm_gpusvm_range_start(&r->base),
		.end = drm_gpusvm_range_end(&r->base),
		.dev_private_owner = vm->sdev,
	};
	bool found = false;
	unsigned long i;
	int ret;

	if (nouveau_svm_fail_snapshot())
		return -ENOMEM;
	range.hmm_pfns = kvmalloc_array(npages, sizeof(*range.hmm_pfns), GFP_KERNEL_ACCOUNT);
	if (!range.hmm_pfns)
		return -ENOMEM;
	ret = -EFAULT;
	if (!mmget_not_zero(mm))
		goto out_free;
	mmap_read_lock(mm);
	ret = nouveau_svm_hmm_range_fault(mm, &range);
	mmap_read_unlock(mm);
	mmput(mm);
	for (i = 0; !ret && !found && i < npages; i++)
		found = (range.hmm_pfns[i] & (HMM_PFN_VALID | HMM_PFN_WRITE)) ==
			HMM_PFN_VALID &&
			is_device_private_page(hmm_pfn_to_page(range.hmm_pfns[i]));
out_free:
	kvfree(range.hmm_pfns);
	return ret ?: found;
}

static bool nouveau_svm_range_pages_valid(struct nouveau_svm_vm *vm,
					  struct nouveau_svm_range *r)
{
	bool valid;

	drm_gpusvm_notifier_lock(&vm->gpusvm);
	valid = drm_gpusvm_pages_valid(&vm->gpusvm, &r->pages);
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	return valid;
}

/* Get a range's pages; -EAGAIN when the CPU side changed under us. */
static int nouveau_svm_range_get_pages(struct nouveau_svm_vm *vm,
				       struct nouveau_svm_range *r,
				       struct drm_gpusvm_ctx *ctx)
{
	unsigned long npages = drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT;
	int ret;

	/* A read keeps using the writable pages a write got, while they last. */
	if (ctx->read_only && !r->read_only && nouveau_svm_range_pages_valid(vm, r))
		ctx->read_only = false;
	/*
	 * Pages got read-only must not be reused for a writable mapping: drop
	 * them, and their read-only GPU mapping, which a valid range keeps.
	 */
	if (r->read_only && !ctx->read_only) {
		down_write(&vm->gpusvm.notifier_lock);
		nouveau_svm_range_gpu_unmap(vm, r);
		up_write(&vm->gpusvm.notifier_lock);
		drm_gpusvm_unmap_pages(&vm->gpusvm, &r->pages, npages,
				       &(struct drm_gpusvm_ctx){});
	}
	ret = drm_gpusvm_get_pages(&vm->gpusvm, &r->pages, vm->gpusvm.mm,
				   &r->base.notifier->notifier,
				   drm_gpusvm_range_start(&r->base),
				   drm_gpusvm_range_end(&r->base), ctx);
	if (ret == -EOPNOTSUPP) {
		drm_gpusvm_range_evict(&vm->gpusvm, &r->base);
		return -EAGAIN;
	}
	if (ret == -EFAULT && nouveau_svm_range_unmapped(r))
		return -EAGAIN;
	/*
	 * The GPU must not write a page in VRAM that the CPU may only read:
	 * back to system memory with it, where the write faults and breaks
	 * the sharing as a CPU write does.  When that cannot be told, the
	 * fault waits (a transient error): never a writable mapping on doubt.
	 */
	if (!ret && !ctx->read_only && r->pages.flags.has_devmem_pages) {
		ret = nouveau_svm_range_vram_readonly(vm, r);
		if (ret > 0) {
			drm_gpusvm_range_evict(&vm->gpusvm, &r->base);
			return -EAGAIN;
		}
		if (ret)
			return ret;
	}
	if (!ret)
		r->read_only = ctx->read_only;
	return ret;
}

/*
 * Whether @r may be mapped as it is, for MIGRATE: all of it in this
 * device's VRAM, and none of it shared read-only with a child after
 * fork(), which a writable mapping would move back to system memory,
 * undoing the migration.  Advisory: a fork() that comes between this and
 * the mapping still moves the range back, as a GPU write fault would.
 */
static bool nouveau_svm_range_vram_as_is(struct nouveau_svm_vm *vm,
					 struct nouveau_svm_range *r)
{
	struct nouveau_svm_vram *vram = vm->sdev->vram;

	return vram && drm_gpusvm_scan_mm(&r->base, vm->sdev,
					  nouveau_svm_devmem_pagemap(vram)) ==
		       DRM_GPUSVM_SCAN_EQUAL &&
	       !nouveau_svm_range_vram_readonly(vm, r);
}

/*
 * Map the drm_gpusvm range around @addr, retrying while the CPU side
 * changes under it (notifier sequence numbers); with @vram_only, only if
 * it can be mapped as it is, all in VRAM: -ENOENT otherwise, with
 * @served->end set past the range.
 */
static int nouveau_svm_vm_map(struct nouveau_svm_vm *vm, u64 addr, bool write,
			      struct drm_gpusvm_ctx *ctx, bool vram_only,
			      struct nouveau_svm_served *served)
{
	struct nouveau_svm_range *r;
	int ret, tries = 0;

	lockdep_assert_held(&vm->lock);
	do {
		nouveau_svm_vm_gc(vm);
		r = nouveau_svm_vm_range(vm, addr, write, ctx);
		if (IS_ERR(r))
			return PTR_ERR(r) == -ENOENT ? -EFAULT : PTR_ERR(r);
		if (vram_only && !nouveau_svm_range_vram_as_is(vm, r)) {
			served->end = drm_gpusvm_range_end(&r->base);
			return -ENOENT;
		}
		ret = nouveau_svm_range_get_pages(vm, r, ctx);
		if (!ret)
			ret = nouveau_svm_range_gpu_map(vm, r);
	} while (ret == -EAGAIN && ++tries < NOUVEAU_SVM_FAULT_RETRIES);
	if (ret)
		return ret;
	served->range = r;
	served->end = drm_gpusvm_range_end(&r->base);
	served->writable = !r->read_only;
	return 0;
}

/**
 * nouveau_svm_vm_fault() - serve a GPU fault at one address
 * @vm: the VM
 * @addr: the faulting address
 * @write: the GPU wants to write (or do atomics): get the pages writable
 *	where the CPU may write them; a read takes them as they are
 * @served: filled in on success: the end of the mapped range, and
 *	whether the mapping is writable
 *
 * Maps the whole drm_gpusvm range around @addr, retrying while the CPU
 * side changes under it (notifier sequence numbers).
 *
 * Context: A fault server, VM lock held; may sleep.
 * Return: 0; -EFAULT for an address that is not mirrored (no VMA,
 * PROT_NONE, the unmanaged window, a dying process); another negative
 * errno when the pages could not be got (-EBUSY, -ENOMEM: transient).
 */
int nouveau_svm_vm_fault(struct nouveau_svm_vm *vm, u64 addr, bool write,
			 struct nouveau_svm_served *served)
{
	/*
	 * No check_pages_threshold: shrinking a chunk whose CPU pages are not
	 * present yet helps migration to device memory, but a mirror maps a
	 * fresh malloc'd buffer best in the largest chunks.  A range may be
	 * partly in VRAM (allow_mixed): a migration moves what was asked.
	 */
	struct drm_gpusvm_ctx ctx = {
		.device_private_page_owner = vm->sdev,
		.allow_mixed = true,
	};

	return nouveau_svm_vm_map(vm, addr, write, &ctx, false, served);
}

/**
 * nouveau_svm_vm_map_vram() - map the range around an address if it is
 *	all in VRAM
 * @vm: the VM
 * @addr: an address whose page is in VRAM
 * @served: filled in: the end of the range looked at; on success also
 *	the range and whether its mapping is writable
 *
 * What MIGRATE to VRAM maps of what it moved, so that the GPU does not
 * fault on it, as nouveau's MIGRATE always did.  The range is the one a
 * GPU fault at @addr would map, and it is mapped only if all its pages
 * are in VRAM and none is shared read-only with a child: nothing is
 * faulted into system memory for it, and nothing moves back.
 *
 * Context: Process context, VM lock held; takes the mmap lock; may sleep.
 * Return: 0 when mapped; -ENOENT when the range cannot be mapped as it is
 * (a page not in VRAM, one shared read-only, or the check itself failed;
 * nothing mapped); otherwise as nouveau_svm_vm_fault().
 */
int nouveau_svm_vm_map_vram(struct nouveau_svm_vm *vm, u64 addr,
			    struct nouveau_svm_served *served)
{
	struct drm_gpusvm_ctx ctx = {
		.device_private_page_owner = vm->sdev,
		.allow_mixed = true,
	};

	return nouveau_svm_vm_map(vm, addr, true, &ctx, true, served);
}
