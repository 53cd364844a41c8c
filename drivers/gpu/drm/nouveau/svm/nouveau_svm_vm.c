// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: SVM VMs on drm_gpusvm.  A VM mirrors one process's
 * address space into one GPU address space: ranges are created on GPU
 * fault, their pages got with HMM and mapped through the backend, and
 * unmapped again when an MMU notifier says the CPU side changed.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Locking
 *
 * - &nouveau_svm_vm.lock is drm_gpusvm's "driver SVM lock": it serialises
 *   range creation and removal (fault service, garbage collection,
 *   teardown).  It is taken outside the mmap lock, which drm_gpusvm takes.
 * - drm_gpusvm's notifier lock protects what the GPU page table holds:
 *   the invalidation callback runs with it held for write and unmaps; the
 *   fault path maps with it held for read, after checking that the pages
 *   it got are still valid (the notifier sequence retry of HMM).
 * - &nouveau_svm_vm.gc_lock (a spinlock, taken in the notifier) protects
 *   the list of unmapped ranges waiting for the garbage collector.
 *
 * No other lock is added: races with the CPU are resolved by retrying.
 */

#include <linux/bitmap.h>
#include <linux/cgroup_dmem.h>
#include <linux/delay.h>
#include <linux/hmm.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <drm/drm_device.h>
#include <drm/drm_pagemap.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

/* Sizes a range may have, largest first (drm_gpusvm picks the largest fit). */
static const unsigned long nouveau_svm_chunk_sizes[] = { SZ_2M, SZ_64K, SZ_4K };

static unsigned int atomic_timeslice_us = 1000;
module_param(atomic_timeslice_us, uint, 0644);
MODULE_PARM_DESC(atomic_timeslice_us,
		 "Least time the GPU keeps atomic access to system memory it was granted, in us (0: none; default 1000)");

/* UVM's default thrashing threshold (uvm_perf_thrashing_threshold). */
static unsigned int atomic_thrash_threshold = 3;
module_param(atomic_thrash_threshold, uint, 0644);
MODULE_PARM_DESC(atomic_thrash_threshold,
		 "Revocations before the GPU could use its atomic access, each within 8 time slices of the last, that make a range thrashing (0: every range is; default 3; at most 255)");

/* The thrashing lapse, in time slices. */
#define NOUVEAU_SVM_THRASH_LAPSE	8
/* How often a revocation looks whether a replay on its way has returned. */
#define NOUVEAU_SVM_REPLAY_POLL_US	100

/* Retries of one fault when the CPU side keeps changing under it. */
#define NOUVEAU_SVM_FAULT_RETRIES	16

static struct drm_gpusvm_range *nouveau_svm_range_alloc(struct drm_gpusvm *gpusvm)
{
	struct nouveau_svm_vm *vm = to_nouveau_svm_vm(gpusvm);
	struct nouveau_svm_range *r;

	/* Made for the process whose memory it mirrors: charged to it. */
	r = kzalloc_obj(*r, GFP_KERNEL_ACCOUNT);
	if (!r)
		return NULL;
	drm_gpusvm_init_pages(&r->pages, vm->sdev->drm);
	INIT_LIST_HEAD(&r->gc_link);
	atomic64_inc(&vm->stats->ranges);
	return &r->base;
}

static void nouveau_svm_range_free(struct drm_gpusvm_range *range)
{
	struct nouveau_svm_vm *vm = to_nouveau_svm_vm(range->gpusvm);
	struct nouveau_svm_range *r = to_nouveau_svm_range(range);

	spin_lock(&vm->gc_lock);
	list_del(&r->gc_link);
	spin_unlock(&vm->gc_lock);
	drm_gpusvm_free_pages(range->gpusvm, &r->pages,
			      drm_gpusvm_range_size(range) >> PAGE_SHIFT);
	atomic64_dec(&vm->stats->ranges);
	bitmap_free(r->atomic_pages);
	kfree(r);
}

/* No page of @r has atomic access on the GPU any more; notifier lock held. */
static void nouveau_svm_range_atomic_clear(struct nouveau_svm_range *r)
{
	if (r->atomic && r->atomic_pages)
		bitmap_zero(r->atomic_pages, drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT);
	r->atomic = false;
}

/*
 * Forget what of @r nouveau_svm_vm_gpu_unmap_all() took off the GPU since
 * it was mapped (that counted it off the statistics already); notifier
 * lock held.
 */
static void nouveau_svm_range_sync(struct nouveau_svm_vm *vm,
				   struct nouveau_svm_range *r)
{
	lockdep_assert_held(&vm->gpusvm.notifier_lock);
	if (r->map_epoch == vm->map_epoch)
		return;
	r->map_epoch = vm->map_epoch;
	r->mapped_pages = 0;
	nouveau_svm_range_atomic_clear(r);
}

/* Take a range's pages out of the GPU page table; notifier lock held. */
static void nouveau_svm_range_gpu_unmap(struct nouveau_svm_vm *vm,
					struct nouveau_svm_range *r)
{
	nouveau_svm_range_sync(vm, r);
	if (!r->mapped_pages)
		return;
	if (!vm->dead)
		vm->sdev->ops->unmap(vm, drm_gpusvm_range_start(&r->base),
				     drm_gpusvm_range_end(&r->base));
	atomic64_sub(r->mapped_pages, &vm->stats->gpu_pages);
	r->mapped_pages = 0;
	if (r->atomic)
		atomic64_inc(&vm->stats->revocations);
	nouveau_svm_range_atomic_clear(r);
}

/**
 * nouveau_svm_replay_time() - when a fault batch's replay returned
 * @sdev: the device
 * @batch: the batch's number (&nouveau_svm_dev.batch when it was served)
 *
 * Context: process context (the fault worker, MMU notifiers); takes the
 * replay lock.
 * Return: the time, or 0 if the batch has not been replayed yet or is older
 * than the last NOUVEAU_SVM_REPLAYS batches.
 */
ktime_t nouveau_svm_replay_time(struct nouveau_svm_dev *sdev, u64 batch)
{
	const struct nouveau_svm_replay *r =
		&sdev->replays[batch & (NOUVEAU_SVM_REPLAYS - 1)];
	ktime_t at = 0;

	spin_lock(&sdev->replay_lock);
	if (r->batch == batch)
		at = r->at;
	spin_unlock(&sdev->replay_lock);
	return at;
}

/**
 * nouveau_svm_replay_returned() - whether a fault batch's replay returned
 * @sdev: the device
 * @batch: the batch's number (&nouveau_svm_dev.batch when it was served)
 *
 * Context: process context (MMU notifiers); takes the replay lock.
 * Return: true once the batch's replay has returned, the stalled accesses
 * free to retry; also for a batch older than the last NOUVEAU_SVM_REPLAYS.
 */
bool nouveau_svm_replay_returned(struct nouveau_svm_dev *sdev, u64 batch)
{
	const struct nouveau_svm_replay *r =
		&sdev->replays[batch & (NOUVEAU_SVM_REPLAYS - 1)];
	bool returned;

	/* Replays are recorded in batch order: a newer one in the slot came after. */
	spin_lock(&sdev->replay_lock);
	returned = r->batch >= batch;
	spin_unlock(&sdev->replay_lock);
	return returned;
}

/**
 * nouveau_svm_replay_issued() - whether a fault batch's replay has started
 * @sdev: the device
 * @batch: the batch's number (&nouveau_svm_dev.batch when it was served)
 *
 * Until it returns (nouveau_svm_replay_returned()), the replay is on its
 * way: it takes no lock of the core's.
 *
 * Context: Any context.
 * Return: true once the fault worker has started the batch's replay.
 */
bool nouveau_svm_replay_issued(struct nouveau_svm_dev *sdev, u64 batch)
{
	return batch <= READ_ONCE(sdev->replay_issued);
}

/*
 * The end of the GPU's atomic time slice in @r: the slice starts when the
 * replay of the batch that granted it returns, the GPU's first chance to
 * use the grant; until that replay is known, at the grant.
 */
static ktime_t nouveau_svm_range_slice_end(struct nouveau_svm_vm *vm,
					   const struct nouveau_svm_range *r)
{
	ktime_t start = nouveau_svm_replay_time(vm->sdev, r->atomic_batch);

	if (ktime_before(start, r->atomic_granted))
		start = r->atomic_granted;
	return ktime_add_us(start, READ_ONCE(atomic_timeslice_us));
}

/*
 * Ping-pong bound: a CPU access that revokes the GPU's atomic access
 * within its time slice, when the GPU could not have used it yet or the
 * range is thrashing, waits for the slice's end (where the notifier may
 * block), so that each grant lets the GPU make progress.  The wait never
 * depends on the replay being issued (a fault server may need the
 * notifier lock before the worker gets there): a replay that returns
 * during the wait extends it once, to the slice counted from the replay.
 * One issued takes no lock of ours, so a slow one is waited for.  A page
 * that goes away (munmap, exit) is not waited for.
 */
static void nouveau_svm_range_timeslice(struct nouveau_svm_vm *vm,
					struct nouveau_svm_range *r,
					const struct mmu_notifier_range *mmu_range)
{
	struct nouveau_svm_dev *sdev = vm->sdev;
	s64 left, slice = READ_ONCE(atomic_timeslice_us);
	ktime_t now = ktime_get();
	bool returned, waited = false;

	if (!r->atomic || !slice || !mmu_notifier_range_blockable(mmu_range) ||
	    mmu_range->event == MMU_NOTIFY_UNMAP || mmu_range->event == MMU_NOTIFY_RELEASE)
		return;
	returned = nouveau_svm_replay_returned(sdev, r->atomic_batch);
	if (returned && !ktime_before(now, nouveau_svm_range_slice_end(vm, r)))
		return;
	if (!nouveau_svm_thrash_revoke(&r->thrash, now, returned,
				       slice * NOUVEAU_SVM_THRASH_LAPSE,
				       min(READ_ONCE(atomic_thrash_threshold), U8_MAX)))
		return;
	for (;;) {
		left = ktime_us_delta(nouveau_svm_range_slice_end(vm, r), ktime_get());
		if (left <= 0 && (!nouveau_svm_replay_issued(sdev, r->atomic_batch) ||
				  nouveau_svm_replay_returned(sdev, r->atomic_batch)))
			break;
		if (!waited)
			atomic64_inc(&vm->stats->atomic_backoffs);
		waited = true;
		fsleep(left > 0 ? left : min(slice, NOUVEAU_SVM_REPLAY_POLL_US));
	}
}

static void nouveau_svm_range_invalidate(struct nouveau_svm_vm *vm,
					 struct nouveau_svm_range *r,
					 const struct mmu_notifier_range *mmu_range)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = true };

	nouveau_svm_range_sync(vm, r);
	nouveau_svm_range_timeslice(vm, r, mmu_range);
	nouveau_svm_range_gpu_unmap(vm, r);
	drm_gpusvm_unmap_pages(&vm->gpusvm, &r->pages,
			       drm_gpusvm_range_size(&r->base) >> PAGE_SHIFT, &ctx);
	if (mmu_range->event != MMU_NOTIFY_UNMAP)
		return;
	drm_gpusvm_range_set_unmapped(&r->base, &r->pages, 1, mmu_range);
	spin_lock(&vm->gc_lock);
	if (list_empty(&r->gc_link))
		list_add_tail(&r->gc_link, &vm->gc_list);
	spin_unlock(&vm->gc_lock);
	queue_work(system_dfl_wq, &vm->gc_work);
}

static void nouveau_svm_invalidate(struct drm_gpusvm *gpusvm,
				   struct drm_gpusvm_notifier *notifier,
				   const struct mmu_notifier_range *mmu_range)
{
	struct nouveau_svm_vm *vm = to_nouveau_svm_vm(gpusvm);
	unsigned long start = max(drm_gpusvm_notifier_start(notifier), mmu_range->start);
	unsigned long end = min(drm_gpusvm_notifier_end(notifier), mmu_range->end);
	struct drm_gpusvm_range *range;
	bool hit = false;

	lockdep_assert_held_write(&gpusvm->notifier_lock);

	/*
	 * Our own grant of device-exclusive access: the pages stay mapped,
	 * the fault path is about to add atomic access to them.
	 */
	if (mmu_range->event == MMU_NOTIFY_EXCLUSIVE && mmu_range->owner == vm->sdev)
		return;

	range = drm_gpusvm_range_find(notifier, start, end);
	if (!range)
		return;
	drm_gpusvm_for_each_range(range, notifier, start, end) {
		nouveau_svm_range_sync(vm, to_nouveau_svm_range(range));
		hit |= to_nouveau_svm_range(range)->mapped_pages != 0;
		nouveau_svm_range_invalidate(vm, to_nouveau_svm_range(range), mmu_range);
	}
	if (hit)
		atomic64_inc(&vm->stats->invalidations);
	trace_nouveau_svm_invalidate(vm->inst, start, end, mmu_range->event);
}

static const struct drm_gpusvm_ops nouveau_svm_gpusvm_ops = {
	.range_alloc = nouveau_svm_range_alloc,
	.range_free = nouveau_svm_range_free,
	.invalidate = nouveau_svm_invalidate,
};

/**
 * nouveau_svm_vm_gpu_unmap_all() - take every range of a VM off the GPU
 * @vm: the VM
 *
 * One unmap of the whole mirrored address space (the backends walk only
 * the page tables they hold), and a new map epoch: every range mapped
 * before counts as unmapped from now on (nouveau_svm_range_sync()), so
 * the next GPU access to it faults and maps it again.  The pages stay,
 * mapped for DMA.  The VM's lock is not taken: a task frozen for
 * suspend may hold it (a MIGRATE waiting on NFS), and the ranges need
 * not be walked.
 *
 * Context: Process context; takes the VM's notifier lock (write).
 */
void nouveau_svm_vm_gpu_unmap_all(struct nouveau_svm_vm *vm)
{
	struct drm_gpusvm *gpusvm = &vm->gpusvm;

	down_write(&gpusvm->notifier_lock);
	if (!vm->dead)
		vm->sdev->ops->unmap(vm, gpusvm->mm_start,
				     gpusvm->mm_start + gpusvm->mm_range);
	vm->map_epoch++;
	atomic64_set(&vm->stats->gpu_pages, 0);
	up_write(&gpusvm->notifier_lock);
}

/**
 * nouveau_svm_dev_gpu_unmap_all() - take every SVM mapping off the GPU
 * @sdev: the device
 *
 * For a backend whose GPU page tables, or whose device memory's
 * addresses, may not survive while the device sleeps: every GPU page
 * table entry the core wrote goes, so that nothing the GPU reaches later
 * depends on them.  The pages themselves, in system or device memory,
 * stay; the next GPU access faults and maps them again at the backend's
 * current addresses.  Each VM is held as &nouveau_svm_dev.held while it is
 * unmapped, so that its teardown waits (see "Locking").  No VM's lock
 * is taken, only its notifier lock (nouveau_svm_vm_gpu_unmap_all()):
 * suspend and resume call this while tasks are frozen, and a frozen task
 * may hold a VM's lock.
 *
 * Context: Process context; takes &nouveau_svm_dev.unmap_lock, then
 * &nouveau_svm_dev.vms_lock briefly and each VM's notifier lock in turn.
 */
void nouveau_svm_dev_gpu_unmap_all(struct nouveau_svm_dev *sdev)
{
	struct nouveau_svm_vm *vm;
	unsigned long inst = 0;

	mutex_lock(&sdev->unmap_lock);
	for (;; inst++) {
		mutex_lock(&sdev->vms_lock);
		vm = xa_find(&sdev->vms, &inst, ULONG_MAX, XA_PRESENT);
		WRITE_ONCE(sdev->held, vm);
		mutex_unlock(&sdev->vms_lock);
		if (!vm)
			break;
		nouveau_svm_vm_gpu_unmap_all(vm);
		mutex_lock(&sdev->vms_lock);
		/* Everything done with the VM comes before its release. */
		smp_store_release(&sdev->held, NULL);
		mutex_unlock(&sdev->vms_lock);
		wake_up_all(&sdev->serving_wq);
	}
	mutex_unlock(&sdev->unmap_lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_dev_gpu_unmap_all);

/* Neither a server nor nouveau_svm_dev_gpu_unmap_all() holds @vm. */
static bool nouveau_svm_dev_lets_go(struct nouveau_svm_dev *sdev,
				    struct nouveau_svm_vm *vm)
{
	/* Pairs with the release in nouveau_svm_dev_unserve_vm(). */
	if (smp_load_acquire(&vm->serving))
		return false;
	/* Pairs with the release in nouveau_svm_dev_gpu_unmap_all(). */
	return smp_load_acquire(&sdev->held) != vm;
}

/**
 * nouveau_svm_dev_wait_unserved() - wait until the fault servers let go of a VM
 * @sdev: the device
 * @vm: a VM already taken off &nouveau_svm_dev.vms, so that no server
 *	can take it up again
 *
 * Context: Process context, no lock of the VM held; sleeps until the
 * server of @vm's faults, if any, has finished them, and
 * nouveau_svm_dev_gpu_unmap_all() has done with @vm.
 */
void nouveau_svm_dev_wait_unserved(struct nouveau_svm_dev *sdev,
				   struct nouveau_svm_vm *vm)
{
	wait_event(sdev->serving_wq, nouveau_svm_dev_lets_go(sdev, vm));
}

/*
 * Let the backend free the page tables of the 2 MiB block around @addr
 * once no range is left in it (ranges never cross a block); VM lock held.
 */
static void nouveau_svm_vm_release(struct nouveau_svm_vm *vm, u64 addr)
{
	u64 start = ALIGN_DOWN(addr, SZ_2M), end = start + SZ_2M;
	struct drm_gpusvm_notifier *notifier;

	lockdep_assert_held(&vm->lock);
	if (!vm->sdev->ops->map_release)
		return;
	notifier = drm_gpusvm_notifier_find(&vm->gpusvm, start, end);
	if (notifier && drm_gpusvm_range_find(notifier, start, end))
		return;
	vm->sdev->ops->map_release(vm, start, end);
}

/* Remove the ranges the CPU unmapped; VM lock held. */
static void nouveau_svm_vm_gc(struct nouveau_svm_vm *vm)
{
	struct nouveau_svm_range *r;
	u64 start;

	lockdep_assert_held(&vm->lock);
	for (;;) {
		spin_lock(&vm->gc_lock);
		r = list_first_entry_or_null(&vm->gc_list, typeof(*r), gc_link);
		if (r)
			list_del_init(&r->gc_link);
		spin_unlock(&vm->gc_lock);
		if (!r)
			break;
		start = drm_gpusvm_range_start(&r->base);
		drm_gpusvm_range_remove(&vm->gpusvm, &r->base);
		nouveau_svm_vm_release(vm, start);
	}
}

static void nouveau_svm_vm_gc_work(struct work_struct *work)
{
	struct nouveau_svm_vm *vm = container_of(work, typeof(*vm), gc_work);

	mutex_lock(&vm->lock);
	nouveau_svm_vm_gc(vm);
	mutex_unlock(&vm->lock);
}

/*
 * Give @vm a context number: reserved in the device's VM table until the
 * VM is ready, handed out cyclically (see &nouveau_svm_dev.vms).
 */
static int nouveau_svm_vm_inst_alloc(struct nouveau_svm_vm *vm)
{
	struct nouveau_svm_dev *sdev = vm->sdev;
	u32 inst;
	int ret;

	/* The device's table: charged to no one client. */
	ret = xa_alloc_cyclic(&sdev->vms, &inst, NULL, xa_limit_31b, &sdev->next_inst,
			      GFP_KERNEL);
	if (ret < 0)
		return ret;
	vm->inst = inst;
	return 0;
}

/**
 * nouveau_svm_vm_create() - create the SVM VM of the calling process
 * @sdev: the device
 * @unmanaged: the window reserved for driver buffers, never mirrored
 *
 * Context: Process context; takes &nouveau_svm_dev.vms_lock.
 * Return: the VM, or an ERR_PTR: -ENOMEM, -EBUSY when every context number
 * is in use, or the backend's vm_init error.
 */
struct nouveau_svm_vm *nouveau_svm_vm_create(struct nouveau_svm_dev *sdev,
					     const struct nouveau_svm_window *unmanaged)
{
	struct nouveau_svm_vm *vm;
	int ret;

	vm = kzalloc_obj(*vm);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->stats = kzalloc_obj(*vm->stats);
	if (!vm->stats) {
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&vm->stats->ref);
	vm->dmem_css = dmem_cgroup_get_task_css(current);
	vm->sdev = sdev;
	vm->unmanaged = *unmanaged;
	mt_init(&vm->atomic_policy);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->gc_lock);
	INIT_LIST_HEAD(&vm->gc_list);
	INIT_WORK(&vm->gc_work, nouveau_svm_vm_gc_work);

	ret = drm_gpusvm_init(&vm->gpusvm, "nouveau SVM", current->mm, 0, TASK_SIZE,
			      SZ_512M, &nouveau_svm_gpusvm_ops, nouveau_svm_chunk_sizes,
			      ARRAY_SIZE(nouveau_svm_chunk_sizes));
	if (ret)
		goto err_free;
	drm_gpusvm_driver_set_lock(&vm->gpusvm, &vm->lock);

	if (sdev->vram) {
		ret = nouveau_svm_devmem_get(sdev->vram);
		if (ret)
			goto err_gpusvm;
	}
	ret = nouveau_svm_vm_inst_alloc(vm);
	if (ret)
		goto err_devmem;
	ret = sdev->ops->vm_init(vm);
	if (ret)
		goto err_inst;

	/* The slot is reserved: storing in it allocates nothing. */
	mutex_lock(&sdev->vms_lock);
	WARN_ON(xa_is_err(xa_store(&sdev->vms, vm->inst, vm, GFP_KERNEL)));
	mutex_unlock(&sdev->vms_lock);
	return vm;

err_inst:
	xa_erase(&sdev->vms, vm->inst);
err_devmem:
	if (sdev->vram)
		nouveau_svm_devmem_unhold(sdev->vram);
err_gpusvm:
	drm_gpusvm_fini(&vm->gpusvm);
err_free:
	mtree_destroy(&vm->atomic_policy);
	dmem_cgroup_put_css(vm->dmem_css);
	nouveau_svm_stats_put(vm->stats);
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * nouveau_svm_vm_destroy() - tear down an SVM VM
 * @vm: the VM
 *
 * Stops serving the VM's faults, moves what the client holds in VRAM back
 * to system memory (its process may live on), lets the backend stop its
 * GPU work and drops every range, GPU mapping and DMA mapping.
 *
 * Context: Process context; takes the VM's locks.
 */
void nouveau_svm_vm_destroy(struct nouveau_svm_vm *vm)
{
	struct nouveau_svm_dev *sdev = vm->sdev;

	mutex_lock(&sdev->vms_lock);
	xa_erase(&sdev->vms, vm->inst);
	mutex_unlock(&sdev->vms_lock);
	nouveau_svm_dev_wait_unserved(sdev, vm);

	if (sdev->vram)
		nouveau_svm_devmem_evict_client(sdev->vram, vm->stats);
	sdev->ops->vm_fini(vm);
	down_write(&vm->gpusvm.notifier_lock);
	vm->dead = true;
	up_write(&vm->gpusvm.notifier_lock);

	mutex_lock(&vm->lock);
	drm_gpusvm_fini(&vm->gpusvm);
	mutex_unlock(&vm->lock);
	cancel_work_sync(&vm->gc_work);
	mtree_destroy(&vm->atomic_policy);
	if (sdev->vram)
		nouveau_svm_devmem_unhold(sdev->vram);
	dmem_cgroup_put_css(vm->dmem_css);
	nouveau_svm_stats_put(vm->stats);
	kfree(vm);
}

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
