// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: SVM VMs on drm_gpusvm.  A VM mirrors one process's
 * address space into one GPU address space: ranges are created on GPU
 * fault, their pages got with HMM and mapped through the backend
 * (nouveau_svm_range.c), and unmapped again when an MMU notifier says the
 * CPU side changed.  This file holds a VM's life (creation, teardown, a
 * device's hold on its VMs), its notifier, with the GPU's atomic time
 * slice the notifier keeps (nouveau_svm_atomic.c grants the atomics), and
 * the garbage collection of unmapped ranges.
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
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/slab.h>

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

/**
 * nouveau_svm_range_sync() - catch a range up with a device-wide unmap
 * @vm: the range's VM
 * @r: the range
 *
 * Forget what of @r nouveau_svm_vm_gpu_unmap_all() took off the GPU since
 * it was mapped (that counted it off the statistics already).
 *
 * Context: The VM's notifier lock held for write, or for read with the
 * VM lock held (the range's state is written).
 */
void nouveau_svm_range_sync(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r)
{
	lockdep_assert_held(&vm->gpusvm.notifier_lock);
	if (r->map_epoch == vm->map_epoch)
		return;
	r->map_epoch = vm->map_epoch;
	r->mapped_pages = 0;
	nouveau_svm_range_atomic_clear(r);
}

/**
 * nouveau_svm_range_gpu_unmap() - take a range's pages out of the GPU page table
 * @vm: the range's VM
 * @r: the range
 *
 * Context: The VM's notifier lock held for write.
 */
void nouveau_svm_range_gpu_unmap(struct nouveau_svm_vm *vm,
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
static ktime_t nouveau_svm_replay_time(struct nouveau_svm_dev *sdev, u64 batch)
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
static bool nouveau_svm_replay_returned(struct nouveau_svm_dev *sdev, u64 batch)
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
static bool nouveau_svm_replay_issued(struct nouveau_svm_dev *sdev, u64 batch)
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
static void nouveau_svm_vm_gpu_unmap_all(struct nouveau_svm_vm *vm)
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
 * unmapped, so that its teardown waits (see "Locking" in
 * nouveau_svm_fault.c).  No VM's lock is taken, only its notifier lock
 * (nouveau_svm_vm_gpu_unmap_all()): suspend and resume call this while
 * tasks are frozen, and a frozen task may hold a VM's lock.
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
static void nouveau_svm_dev_wait_unserved(struct nouveau_svm_dev *sdev,
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

/**
 * nouveau_svm_vm_gc() - remove the ranges the CPU unmapped
 * @vm: the VM
 *
 * Context: Process context, the VM lock held; takes the VM's gc_lock and
 * (through drm_gpusvm_range_remove()) its notifier lock; may sleep.
 */
void nouveau_svm_vm_gc(struct nouveau_svm_vm *vm)
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

/**
 * nouveau_svm_vm_priv() - the backend's data of a VM
 * @vm: the VM
 *
 * Context: Any context; the backend decides what keeps the data alive
 * (set in @vm_init, cleared with nouveau_svm_vm_set_priv() under the VM
 * lock and the notifier lock for write).
 * Return: what the backend last set, NULL before @vm_init set it.
 */
void *nouveau_svm_vm_priv(const struct nouveau_svm_vm *vm)
{
	return vm->priv;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_priv);

/**
 * nouveau_svm_vm_set_priv() - set the backend's data of a VM
 * @vm: the VM
 * @priv: the data
 *
 * Context: In @vm_init, before the VM is in use, no lock needed;
 * afterwards, with the VM lock and the notifier lock for write held
 * (nouveau_svm_vm_lock(), nouveau_svm_vm_notifier_lock_write()), so that
 * no op of the VM's runs meanwhile.
 */
void nouveau_svm_vm_set_priv(struct nouveau_svm_vm *vm, void *priv)
{
	vm->priv = priv;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_set_priv);

/**
 * nouveau_svm_vm_dev() - the device of a VM
 * @vm: the VM
 *
 * Context: Any context.
 * Return: the device.
 */
struct nouveau_svm_dev *nouveau_svm_vm_dev(const struct nouveau_svm_vm *vm)
{
	return vm->sdev;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_dev);

/**
 * nouveau_svm_vm_inst() - the context number of a VM
 * @vm: the VM
 *
 * The number the backend's faults of the VM must carry
 * (&nouveau_svm_fault.inst), given before @vm_init and kept for the VM's
 * life.
 *
 * Context: Any context.
 * Return: the number, from 1.
 */
u64 nouveau_svm_vm_inst(const struct nouveau_svm_vm *vm)
{
	return vm->inst;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_inst);

/**
 * nouveau_svm_vm_unmanaged() - the window of a VM that is never mirrored
 * @vm: the VM
 *
 * Context: Any context; the window is set before @vm_init and never
 * changes.
 * Return: the window SVM_INIT reserved for the driver's own buffers.
 */
const struct nouveau_svm_window *nouveau_svm_vm_unmanaged(const struct nouveau_svm_vm *vm)
{
	return &vm->unmanaged;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_unmanaged);

/**
 * nouveau_svm_vm_stats() - the counters of a VM's client
 * @vm: the VM
 *
 * Context: Any context, for as long as the VM lives.
 * Return: the counters, to read with atomic64_read().
 */
const struct nouveau_svm_stats *nouveau_svm_vm_stats(const struct nouveau_svm_vm *vm)
{
	return vm->stats;
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_stats);

/**
 * nouveau_svm_vm_lock() - take a VM's lock
 * @vm: the VM
 *
 * The VM lock is drm_gpusvm's driver lock (see "Locking"): while a backend
 * holds it, no range is created or removed and no @map_prepare, @map or
 * @map_release of the VM runs.
 *
 * Context: Process context, no lock of the VM held; may sleep.
 */
void nouveau_svm_vm_lock(struct nouveau_svm_vm *vm)
{
	mutex_lock(&vm->lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_lock);

/**
 * nouveau_svm_vm_unlock() - release a VM's lock
 * @vm: the VM
 *
 * Context: The VM lock held (nouveau_svm_vm_lock()).
 */
void nouveau_svm_vm_unlock(struct nouveau_svm_vm *vm)
{
	mutex_unlock(&vm->lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_unlock);

/**
 * nouveau_svm_vm_notifier_lock() - take a VM's notifier lock for read
 * @vm: the VM
 *
 * drm_gpusvm's notifier lock: held for read, no MMU notifier of the VM
 * unmaps anything meanwhile.  Taken after the VM lock when both are; the
 * notifier lock is taken in reclaim, so nothing that may enter reclaim
 * (allocating with GFP_KERNEL) may be done while it is held.
 *
 * Context: Process context; may sleep.
 */
void nouveau_svm_vm_notifier_lock(struct nouveau_svm_vm *vm)
{
	drm_gpusvm_notifier_lock(&vm->gpusvm);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_notifier_lock);

/**
 * nouveau_svm_vm_notifier_unlock() - release a VM's notifier lock (read)
 * @vm: the VM
 *
 * Context: The notifier lock held for read.
 */
void nouveau_svm_vm_notifier_unlock(struct nouveau_svm_vm *vm)
{
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_notifier_unlock);

/**
 * nouveau_svm_vm_notifier_lock_write() - take a VM's notifier lock for write
 * @vm: the VM
 *
 * Held for write, neither an MMU notifier's @unmap nor a @map of the VM
 * runs meanwhile.  The same order and allocation rules as
 * nouveau_svm_vm_notifier_lock() apply.
 *
 * Context: Process context; may sleep.
 */
void nouveau_svm_vm_notifier_lock_write(struct nouveau_svm_vm *vm)
{
	down_write(&vm->gpusvm.notifier_lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_notifier_lock_write);

/**
 * nouveau_svm_vm_notifier_unlock_write() - release a VM's notifier lock (write)
 * @vm: the VM
 *
 * Context: The notifier lock held for write.
 */
void nouveau_svm_vm_notifier_unlock_write(struct nouveau_svm_vm *vm)
{
	up_write(&vm->gpusvm.notifier_lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_notifier_unlock_write);

#ifdef CONFIG_LOCKDEP
/**
 * nouveau_svm_vm_assert_held() - check that a VM's lock is held
 * @vm: the VM
 *
 * Context: Any context; a lockdep check (an empty inline without lockdep).
 */
void nouveau_svm_vm_assert_held(struct nouveau_svm_vm *vm)
{
	lockdep_assert_held(&vm->lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_assert_held);

/**
 * nouveau_svm_vm_assert_notifier_held() - check that a VM's notifier lock is held
 * @vm: the VM
 *
 * Context: Any context; a lockdep check of the lock held for read or
 * write (an empty inline without lockdep).
 */
void nouveau_svm_vm_assert_notifier_held(struct nouveau_svm_vm *vm)
{
	lockdep_assert_held(&vm->gpusvm.notifier_lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_assert_notifier_held);

/**
 * nouveau_svm_vm_assert_unmap_held() - check the context of an @unmap call
 * @vm: the VM
 *
 * An @unmap runs with the VM lock held or the notifier lock held for
 * write (see &nouveau_svm_backend_ops.unmap).
 *
 * Context: Any context; a lockdep check (an empty inline without lockdep).
 */
void nouveau_svm_vm_assert_unmap_held(struct nouveau_svm_vm *vm)
{
	lockdep_assert(lockdep_is_held(&vm->lock) ||
		       lockdep_is_held_type(&vm->gpusvm.notifier_lock, 0));
}
EXPORT_SYMBOL_GPL(nouveau_svm_vm_assert_unmap_held);
#endif
