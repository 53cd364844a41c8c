// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: the device and its fault worker.  The backend says
 * faults are pending; the worker drains them in batches, serves each group
 * of a batch with one range lookup, cancels what cannot be served and
 * replays once per batch.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault service
 *
 * The worker (one per device, on an ordered workqueue) loops: fetch up to
 * &nouveau_svm_dev.fault_max faults, sort and group them (see "Fault
 * batching"), serve each group, cancel what could not be served, then one
 * replay.  The groups of different VMs are served in parallel: the batch
 * is cut, at VM boundaries, into up to NOUVEAU_SVM_SERVERS runs of whole
 * VMs (module parameter fault_servers, 8 by default); the worker serves
 * the first itself and work items on an unbound workqueue the others, and
 * it waits for all of them before it cancels and replays.  One VM's faults
 * are served by one of them, in address order, so a batch with one VM
 * costs no extra wakeup, and a VM whose faults sleep (a FUSE mapping,
 * memory.high) delays the service of only its own run's VMs, though the
 * batch's one replay still waits for it.  The servers mark the faults to
 * cancel; the worker cancels them in one pass, so that the backend sees
 * one caller.  Within a group the faults are served in address order: the
 * range around the first fault is mapped, every fault below its end is
 * then served, and the next fault starts the next range.  A fault is
 * cancelled when its address is not mirrored (no VMA, PROT_NONE, the
 * unmanaged window, a process that is exiting), when it writes to memory
 * the CPU may only read, or when it is an atomic on memory that cannot be
 * made device-exclusive (see "GPU atomics on system memory").  Transient
 * errors (-EBUSY, -ENOMEM, -EINTR) cancel nothing: the access faults
 * again after the replay.  Prefetch faults are never cancelled.
 *
 * Three tracepoints follow a batch: nouveau_svm_fault_batch once it is
 * fetched and grouped, nouveau_svm_fault_group as each group has been
 * served or, its VM gone, cancelled (by whichever server), and
 * nouveau_svm_replay just before the replay, with the number of faults
 * cancelled.  With the simulated GPU's (see "Exec engine") they time a
 * fault stage by stage.
 */

/**
 * DOC: Locking
 *
 * - &nouveau_svm_dev.vms_lock protects the table of VMs and which of them
 *   are being served (&nouveau_svm_vm.serving).  A server holds it only
 *   to look a VM up and mark it served, never while it faults user
 *   memory: a fault that sleeps for long (a FUSE or NFS mapping) must not
 *   stop other clients from creating and destroying their VMs.  VM
 *   teardown unlinks the VM under it, then waits until no server serves
 *   it, and until nouveau_svm_dev_gpu_unmap_all() no longer holds it
 *   (&nouveau_svm_dev.held, the same way).
 * - &nouveau_svm_dev.unmap_lock serialises nouveau_svm_dev_gpu_unmap_all()
 *   (there is one &nouveau_svm_dev.held); it is taken before anything
 *   else, and nothing else takes it.
 * - The worker's buffers need no lock: an ordered workqueue never runs the
 *   worker twice at once, and its servers only read them, but for
 *   &nouveau_svm_dev.cancels, whose bits they set atomically (each the
 *   bits of its own faults).  &nouveau_svm_dev.servers belong to the
 *   worker; it waits for each server it queued before the next batch.
 * - Each group is served under its VM's lock (see nouveau_svm_vm.c).
 */

#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

static unsigned int fault_servers = NOUVEAU_SVM_SERVERS;
module_param(fault_servers, uint, 0644);
MODULE_PARM_DESC(fault_servers,
		 "Most servers of one fault batch, each serving whole VMs, in parallel (1: the fault worker alone; default and most 8)");

static struct nouveau_svm_vm *nouveau_svm_dev_find_vm(struct nouveau_svm_dev *sdev,
						      u64 inst)
{
	lockdep_assert_held(&sdev->vms_lock);
	if (inst > U32_MAX)
		return NULL;
	return xa_load(&sdev->vms, inst);
}

/*
 * The VM of context @inst, marked served, so that its teardown waits
 * until the server lets go of it (see "Locking"); NULL when there is none.
 */
static struct nouveau_svm_vm *nouveau_svm_dev_serve_vm(struct nouveau_svm_dev *sdev,
						       u64 inst)
{
	struct nouveau_svm_vm *vm;

	mutex_lock(&sdev->vms_lock);
	vm = nouveau_svm_dev_find_vm(sdev, inst);
	if (vm)
		WRITE_ONCE(vm->serving, true);
	mutex_unlock(&sdev->vms_lock);
	return vm;
}

static void nouveau_svm_dev_unserve_vm(struct nouveau_svm_dev *sdev,
				       struct nouveau_svm_vm *vm)
{
	mutex_lock(&sdev->vms_lock);
	/* Everything the server did with the VM comes before its release. */
	smp_store_release(&vm->serving, false);
	mutex_unlock(&sdev->vms_lock);
	wake_up_all(&sdev->serving_wq);
}

static bool nouveau_svm_fault_is_transient(int err)
{
	return err == -EBUSY || err == -ENOMEM || err == -EINTR || err == -EAGAIN;
}

/* Whether faults @a and @b are of one page of one context. */
static bool nouveau_svm_fault_same_page(const struct nouveau_svm_fault *a,
					const struct nouveau_svm_fault *b)
{
	return a->inst == b->inst && (a->addr & PAGE_MASK) == (b->addr & PAGE_MASK);
}

/*
 * Mark fault @f of the batch for the cancel pass, counted first: the cancel
 * may end the submitter's wait.  A batch is sorted, so the duplicates of a
 * page are neighbours: they are the faults of one access, or of several in
 * flight together, and count once, for the first cancelled.  Only the
 * server of @f's VM reads or writes those bits.
 */
static void nouveau_svm_fault_cancel(struct nouveau_svm_dev *sdev,
				     struct nouveau_svm_vm *vm,
				     const struct nouveau_svm_fault *f)
{
	unsigned int i = f - sdev->faults, j;
	bool counted = false;

	if (f->access == NOUVEAU_SVM_ACCESS_PREFETCH)
		return;
	for (j = i; j-- && nouveau_svm_fault_same_page(&sdev->faults[j], f);) {
		counted = test_bit(j, sdev->cancels);
		if (counted)
			break;
	}
	if (vm && !counted)
		atomic64_inc(&vm->stats->cancels);
	set_bit(i, sdev->cancels);
}

/* How many of the @n faults at @f are on @f[0]'s page (sorted: neighbours). */
static unsigned int nouveau_svm_faults_on_page(const struct nouveau_svm_fault *f,
					       unsigned int n)
{
	unsigned int j;

	for (j = 1; j < n && (f[j].addr & PAGE_MASK) == (f[0].addr & PAGE_MASK); j++)
		;
	return j;
}

/* Cancel the atomic faults among the @n faults of one page at @f. */
static void nouveau_svm_faults_cancel_atomic(struct nouveau_svm_dev *sdev,
					     struct nouveau_svm_vm *vm,
					     const struct nouveau_svm_fault *f,
					     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (f[i].access == NOUVEAU_SVM_ACCESS_ATOMIC)
			nouveau_svm_fault_cancel(sdev, vm, &f[i]);
}

/* Whether one of the @n faults of one page at @f is an atomic. */
static bool nouveau_svm_faults_any_atomic(const struct nouveau_svm_fault *f,
					  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (f[i].access == NOUVEAU_SVM_ACCESS_ATOMIC)
			return true;
	return false;
}

/*
 * Whether an atomic fault among the @n faults at @f, all in @served's
 * range, is on a page the GPU has no atomic access to yet: the others are
 * late (see nouveau_svm_vm_atomic_held()).
 */
static bool nouveau_svm_faults_atomic_new(struct nouveau_svm_vm *vm,
					  const struct nouveau_svm_fault *f, unsigned int n,
					  const struct nouveau_svm_served *served)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (f[i].access == NOUVEAU_SVM_ACCESS_ATOMIC &&
		    !nouveau_svm_vm_atomic_held(vm, served->range, f[i].addr & PAGE_MASK))
			return true;
	return false;
}

/*
 * Give the GPU atomic access to the pages of the atomic faults among the
 * @n faults at @f, all in @served's writable range, page by page; cancel a
 * page's atomic faults if its policy refuses them or the grant cannot be
 * made.  With the MIGRATE policy the range goes to VRAM first, where
 * atomics need no grant, unless the faults are all late ones.  @f is
 * sorted by address, so the faults of one page (duplicates) are
 * neighbours.
 */
static void nouveau_svm_faults_atomic(struct nouveau_svm_dev *sdev,
				      struct nouveau_svm_vm *vm,
				      const struct nouveau_svm_fault *f, unsigned int n,
				      const struct nouveau_svm_served *served,
				      bool migrate)
{
	struct nouveau_svm_window w = {
		.start = drm_gpusvm_range_start(&served->range->base),
		.end = served->end,
	};
	unsigned int i, j;
	u64 page;
	int ret;

	if (migrate && nouveau_svm_faults_atomic_new(vm, f, n, served))
		nouveau_svm_vm_migrate_locked(vm, &w);
	for (i = 0; i < n; i = j) {
		page = f[i].addr & PAGE_MASK;
		j = i + nouveau_svm_faults_on_page(&f[i], n - i);
		if (!nouveau_svm_faults_any_atomic(&f[i], j - i))
			continue;
		if (nouveau_svm_vm_atomic_policy(vm, page) == NOUVEAU_SVM_ATOMIC__REFUSE)
			ret = -EPERM;
		else
			ret = nouveau_svm_vm_atomic(vm, page);
		if (ret && !nouveau_svm_fault_is_transient(ret))
			nouveau_svm_faults_cancel_atomic(sdev, vm, &f[i], j - i);
	}
}

/* Settle the faults of @f that @served covers; returns how many it took. */
static unsigned int nouveau_svm_faults_settle(struct nouveau_svm_dev *sdev,
					      struct nouveau_svm_vm *vm,
					      const struct nouveau_svm_fault *f,
					      unsigned int n,
					      const struct nouveau_svm_served *served)
{
	bool atomic = false, migrate = false;
	unsigned int i;

	for (i = 0; i < n && f[i].addr < served->end; i++) {
		if (f[i].access == NOUVEAU_SVM_ACCESS_ATOMIC)
			atomic64_inc(&vm->stats->atomic_faults);
		switch (nouveau_svm_fault_action(f[i].access, served->writable)) {
		case NOUVEAU_SVM_FAULT_SERVED:
			break;
		case NOUVEAU_SVM_FAULT_CANCEL:
			nouveau_svm_fault_cancel(sdev, vm, &f[i]);
			break;
		case NOUVEAU_SVM_FAULT_ATOMIC:
			migrate |= nouveau_svm_vm_atomic_policy(vm, f[i].addr & PAGE_MASK) ==
				   NOUVEAU_SVM_ATOMIC__MIGRATE;
			atomic = true;
			break;
		}
	}
	if (atomic)
		nouveau_svm_faults_atomic(sdev, vm, f, i, served, migrate);
	return i;
}

static void nouveau_svm_group_serve(struct nouveau_svm_dev *sdev,
				    struct nouveau_svm_vm *vm,
				    const struct nouveau_svm_fault *f,
				    unsigned int n)
{
	struct mem_cgroup *memcg, *old_memcg;
	struct nouveau_svm_served served;
	unsigned int i = 0, j;
	bool write = false;
	int ret;

	/* Reads alone take the pages read-only, as a CPU read would. */
	for (i = 0; i < n; i++)
		write |= f[i].access >= NOUVEAU_SVM_ACCESS_WRITE;
	/*
	 * What serving the faults allocates (ranges, DMA arrays, page
	 * tables) is made for the process: charge its memory cgroup, not
	 * the server's.  A cgroup over its memory.high then throttles the
	 * server of its VM, and the batch's replay waits for it.
	 */
	memcg = get_mem_cgroup_from_mm(vm->gpusvm.mm);
	old_memcg = set_active_memcg(memcg);
	mutex_lock(&vm->lock);
	for (i = 0; i < n;) {
		ret = nouveau_svm_vm_fault(vm, f[i].addr, write, &served);
		if (!ret) {
			i += nouveau_svm_faults_settle(sdev, vm, &f[i], n - i, &served);
			continue;
		}
		/* The page's duplicates fail alike: settle them with it. */
		j = i + nouveau_svm_faults_on_page(&f[i], n - i);
		for (; i < j; i++)
			if (!nouveau_svm_fault_is_transient(ret))
				nouveau_svm_fault_cancel(sdev, vm, &f[i]);
	}
	mutex_unlock(&vm->lock);
	set_active_memcg(old_memcg);
	mem_cgroup_put(memcg);
}

static_assert((NOUVEAU_SVM_REPLAYS & (NOUVEAU_SVM_REPLAYS - 1)) == 0);

/* The batch's replay has returned: from now on the GPU uses its grants. */
static void nouveau_svm_replay_record(struct nouveau_svm_dev *sdev)
{
	struct nouveau_svm_replay *r =
		&sdev->replays[sdev->batch & (NOUVEAU_SVM_REPLAYS - 1)];

	spin_lock(&sdev->replay_lock);
	r->batch = sdev->batch;
	r->at = ktime_get();
	spin_unlock(&sdev->replay_lock);
}

/* Count a batch and its replay once for every VM it held faults of. */
static void nouveau_svm_vm_account(struct nouveau_svm_dev *sdev,
				   struct nouveau_svm_vm *vm, unsigned int faults)
{
	atomic64_add(faults, &vm->stats->faults);
	if (vm->batch == sdev->batch)
		return;
	vm->batch = sdev->batch;
	atomic64_inc(&vm->stats->batches);
	atomic64_inc(&vm->stats->replays);
}

/* Serve groups [@first, @first + @count) of the batch. */
static void nouveau_svm_groups_serve(struct nouveau_svm_dev *sdev,
				     unsigned int first, unsigned int count)
{
	unsigned int g, i;

	for (g = first; g < first + count; g++) {
		const struct nouveau_svm_fault_group *grp = &sdev->groups[g];
		const struct nouveau_svm_fault *f = &sdev->faults[grp->first];
		struct nouveau_svm_vm *vm = nouveau_svm_dev_serve_vm(sdev, grp->inst);

		if (vm) {
			nouveau_svm_vm_account(sdev, vm, grp->count);
			nouveau_svm_group_serve(sdev, vm, f, grp->count);
			nouveau_svm_dev_unserve_vm(sdev, vm);
		} else {
			for (i = 0; i < grp->count; i++)
				nouveau_svm_fault_cancel(sdev, NULL, &f[i]);
		}
		trace_nouveau_svm_fault_group(grp->inst, grp->start, grp->end, grp->count);
	}
}

static void nouveau_svm_server_work(struct work_struct *work)
{
	struct nouveau_svm_server *srv = container_of(work, typeof(*srv), work);

	nouveau_svm_groups_serve(srv->sdev, srv->first, srv->count);
}

/* Serve the groups on the servers; the worker is the first. */
static void nouveau_svm_servers_run(struct nouveau_svm_dev *sdev,
				    unsigned int ngroups)
{
	unsigned int runs[NOUVEAU_SVM_SERVERS], s, n;

	if (!ngroups)
		return;
	n = nouveau_svm_fault_cut(sdev->groups, ngroups, runs,
				  clamp(READ_ONCE(fault_servers), 1U, NOUVEAU_SVM_SERVERS));
	for (s = 0; s < n; s++) {
		sdev->servers[s].first = runs[s];
		sdev->servers[s].count = (s + 1 < n ? runs[s + 1] : ngroups) - runs[s];
		if (s)
			queue_work(sdev->serve_wq, &sdev->servers[s].work);
	}
	nouveau_svm_groups_serve(sdev, runs[0], sdev->servers[0].count);
	for (s = 1; s < n; s++)
		flush_work(&sdev->servers[s].work);
}

static void nouveau_svm_fault_batch(struct nouveau_svm_dev *sdev, unsigned int n)
{
	struct nouveau_svm_fault *faults = sdev->faults;
	unsigned int i, ngroups, cancels = 0;

	nouveau_svm_fault_sort(faults, n);
	ngroups = nouveau_svm_fault_group(faults, n, SZ_2M, sdev->groups, sdev->fault_max);
	trace_nouveau_svm_fault_batch(n, ngroups);
	sdev->batch++;

	nouveau_svm_servers_run(sdev, ngroups);
	for_each_set_bit(i, sdev->cancels, n) {
		sdev->ops->fault_cancel(sdev, &faults[i]);
		cancels++;
	}
	bitmap_zero(sdev->cancels, n);
	/* From here on, waiting for the replay to return cannot deadlock. */
	WRITE_ONCE(sdev->replay_issued, sdev->batch);
	trace_nouveau_svm_replay(sdev->batch, cancels);
	sdev->ops->fault_replay(sdev);
	nouveau_svm_replay_record(sdev);
}

static void nouveau_svm_fault_work(struct work_struct *work)
{
	struct nouveau_svm_dev *sdev = container_of(work, typeof(*sdev), fault_work);
	unsigned int n;

	while ((n = sdev->ops->fault_fetch(sdev, sdev->faults, sdev->fault_max)))
		nouveau_svm_fault_batch(sdev, n);
}

/**
 * nouveau_svm_fault_notify() - tell the core that faults are pending
 * @sdev: the device
 *
 * The backend calls this from its fault interrupt or event; the core's
 * worker then fetches and serves every pending fault.
 *
 * Context: Any context, interrupts included.
 */
void nouveau_svm_fault_notify(struct nouveau_svm_dev *sdev)
{
	queue_work(sdev->wq, &sdev->fault_work);
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_notify);

/**
 * nouveau_svm_fault_stop() - wait for the fault worker, and keep it stopped
 * @sdev: the device
 *
 * The backend calls this once its fault events can no longer call
 * nouveau_svm_fault_notify() (suspend, teardown).  A worker that is
 * running is waited for, and one it queued again meanwhile (a fetch that
 * found an entry still being written queues the worker again) is
 * cancelled, so no fetch runs once this returns: flush_work() alone
 * would let that one run.  The next nouveau_svm_fault_notify() (resume)
 * starts the worker again; the faults it left stay in the buffer.
 *
 * Context: Process context, not the fault worker; may sleep.
 */
void nouveau_svm_fault_stop(struct nouveau_svm_dev *sdev)
{
	cancel_work_sync(&sdev->fault_work);
}
EXPORT_SYMBOL_GPL(nouveau_svm_fault_stop);

/**
 * nouveau_svm_dev_init() - set up the SVM state of a GPU
 * @sdev: the device state to initialise (embedded in the driver's device)
 * @drm: the DRM device
 * @ops: the backend
 * @fault_max: the most faults one batch takes (the fault buffer's size)
 *
 * Context: Process context; may sleep.
 * Return: 0, -EINVAL for a zero @fault_max, or -ENOMEM.
 */
int nouveau_svm_dev_init(struct nouveau_svm_dev *sdev, struct drm_device *drm,
			 const struct nouveau_svm_backend_ops *ops,
			 unsigned int fault_max)
{
	unsigned int i;

	if (!fault_max)
		return -EINVAL;
	*sdev = (struct nouveau_svm_dev) {
		.drm = drm,
		.ops = ops,
		.caps = NOUVEAU_SVM_CAP_MIRROR | NOUVEAU_SVM_CAP_ATOMIC_SYSMEM |
			NOUVEAU_SVM_CAP_ADVISE_ATOMIC | NOUVEAU_SVM_CAP_MIGRATE_HOST |
			NOUVEAU_SVM_CAP_PREFETCH,
		.fault_max = fault_max,
	};
	mutex_init(&sdev->vms_lock);
	mutex_init(&sdev->unmap_lock);
	xa_init_flags(&sdev->vms, XA_FLAGS_ALLOC1);
	init_waitqueue_head(&sdev->serving_wq);
	spin_lock_init(&sdev->replay_lock);
	INIT_WORK(&sdev->fault_work, nouveau_svm_fault_work);
	for (i = 0; i < NOUVEAU_SVM_SERVERS; i++) {
		sdev->servers[i].sdev = sdev;
		INIT_WORK(&sdev->servers[i].work, nouveau_svm_server_work);
	}
	sdev->faults = kvcalloc(fault_max, sizeof(*sdev->faults), GFP_KERNEL);
	sdev->groups = kvcalloc(fault_max, sizeof(*sdev->groups), GFP_KERNEL);
	sdev->cancels = bitmap_zalloc(fault_max, GFP_KERNEL);
	sdev->wq = alloc_ordered_workqueue("nouveau-svm-fault", 0);
	sdev->serve_wq = alloc_workqueue("nouveau-svm-serve", WQ_UNBOUND,
					 NOUVEAU_SVM_SERVERS);
	if (!sdev->faults || !sdev->groups || !sdev->cancels || !sdev->wq ||
	    !sdev->serve_wq) {
		nouveau_svm_dev_fini(sdev);
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_dev_init);

/**
 * nouveau_svm_dev_fini() - tear down the SVM state of a GPU
 * @sdev: the device state
 *
 * Every SVM VM must be gone (their files closed) and the backend must no
 * longer call nouveau_svm_fault_notify().
 *
 * Context: Process context; may sleep.
 */
void nouveau_svm_dev_fini(struct nouveau_svm_dev *sdev)
{
	if (sdev->wq)
		destroy_workqueue(sdev->wq);
	if (sdev->serve_wq)
		destroy_workqueue(sdev->serve_wq);
	bitmap_free(sdev->cancels);
	kvfree(sdev->groups);
	kvfree(sdev->faults);
	WARN_ON(!xa_empty(&sdev->vms));
	xa_destroy(&sdev->vms);
	mutex_destroy(&sdev->unmap_lock);
	mutex_destroy(&sdev->vms_lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_dev_fini);

/**
 * nouveau_svm_dev_caps() - what SVM a device offers
 * @sdev: the device
 *
 * Context: Any context, after nouveau_svm_dev_init(); read without a
 * lock, it may race with the device memory's init and fini, which set
 * and clear NOUVEAU_SVM_CAP_MIGRATE_VRAM.
 * Return: NOUVEAU_SVM_CAP_* bits, as NOUVEAU_GETPARAM_SVM_CAPS reports them.
 */
u64 nouveau_svm_dev_caps(const struct nouveau_svm_dev *sdev)
{
	return sdev->caps;
}
EXPORT_SYMBOL_GPL(nouveau_svm_dev_caps);
