/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM core: the interface between the hardware-agnostic core and
 * the backends that drive a GPU (nouveau's nvif/nvkm backend, the
 * simulated GPU).
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NOUVEAU_SVM_H__
#define __NOUVEAU_SVM_H__

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <drm/drm_gpusvm.h>
#include <drm/drm_pagemap.h>

#include "nouveau_svm_args.h"
#include "nouveau_svm_batch.h"

struct cgroup_subsys_state;
struct dmem_cgroup_pool_state;
struct dmem_cgroup_region;
struct drm_device;
struct drm_file;
struct nouveau_svm_vram;
struct drm_pagemap_addr;
struct drm_printer;
struct nouveau_svm_dev;
struct nouveau_svm_vm;

/* Flags of a GPU mapping, &nouveau_svm_map.flags. */
#define NOUVEAU_SVM_MAP_READ	BIT(0)	/* the GPU may read */
#define NOUVEAU_SVM_MAP_WRITE	BIT(1)	/* the GPU may write */
#define NOUVEAU_SVM_MAP_ATOMIC	BIT(2)	/* the GPU may do atomics */

/*
 * The aperture of VRAM in &drm_pagemap_addr.proto: such an entry's addr is
 * a byte offset into the device memory the backend gave the core with
 * nouveau_svm_devmem_init().
 */
#define NOUVEAU_SVM_PROTO_VRAM	DRM_INTERCONNECT_DRIVER

/**
 * enum nouveau_svm_copy_dir - direction of a copy-engine launch
 * @NOUVEAU_SVM_COPY_TO_VRAM: from system memory to VRAM
 * @NOUVEAU_SVM_COPY_TO_SYS: from VRAM to system memory
 */
enum nouveau_svm_copy_dir {
	NOUVEAU_SVM_COPY_TO_VRAM,
	NOUVEAU_SVM_COPY_TO_SYS,
};

/* The size of the VRAM chunks the core takes from the backend. */
#define NOUVEAU_SVM_CHUNK_SIZE	SZ_2M

/**
 * struct nouveau_svm_chunk - a chunk of VRAM the backend lends the core
 * @offset: its VRAM offset, NOUVEAU_SVM_CHUNK_SIZE aligned, below the size
 *	given to nouveau_svm_devmem_init(); set by the backend's chunk_alloc
 * @priv: the backend's, for instance its buffer object; set by chunk_alloc
 *
 * The core embeds it in its own chunk state; the backend must not free it.
 */
struct nouveau_svm_chunk {
	u64 offset;
	void *priv;
};

/**
 * struct nouveau_svm_map - pages to enter into a GPU page table
 * @start: GPU virtual address of the first page
 * @npages: number of 4 KiB pages
 * @dma: device addresses as drm_gpusvm_get_pages() produced them: an
 *	entry covers 1 << its .order pages, naturally aligned, and its .proto
 *	says the aperture: DRM_INTERCONNECT_SYSTEM for system memory (addr is
 *	a DMA address), NOUVEAU_SVM_PROTO_VRAM for device memory (addr is a
 *	VRAM offset); one map call has entries of one aperture only
 * @flags: NOUVEAU_SVM_MAP_*
 */
struct nouveau_svm_map {
	u64 start;
	unsigned long npages;
	const struct drm_pagemap_addr *dma;
	u32 flags;
};

/**
 * struct nouveau_svm_backend_ops - what a GPU backend does for the core
 *
 * The core calls these; a backend implements them with hardware (nvif)
 * or in software.  Backends never call HMM, migrate_vma_* or
 * make_device_exclusive(): that is the core's job.
 */
struct nouveau_svm_backend_ops {
	/**
	 * @vm_init: Required.  Create the GPU address space of a new SVM VM,
	 * whose faults are to carry the context number the core gave it
	 * (nouveau_svm_vm_inst()).  Context: process context of SVM_INIT, no
	 * core lock held; may sleep.  Return: 0 or a negative errno.
	 */
	int (*vm_init)(struct nouveau_svm_vm *vm);

	/**
	 * @vm_fini: Required.  Stop the GPU's work in the VM (work stalled on
	 * a fault fails: the core no longer serves the VM's faults) and tear
	 * down what @vm_init made.  Until @vm_fini returns an MMU notifier may
	 * still call @unmap, so the backend must stop honouring @unmap (under
	 * the drm_gpusvm notifier lock, taken for write) before it frees the
	 * page table.  The core calls no op for the VM afterwards.
	 * Context: process context (file release), no core lock held; may
	 * sleep.
	 */
	void (*vm_fini)(struct nouveau_svm_vm *vm);

	/**
	 * @fault_fetch: Required.  Move up to @max pending faults from the
	 * fault buffer into @faults.  Context: the core's fault worker, no
	 * core lock held; may sleep.  Return: the number of faults fetched,
	 * 0 when the buffer is empty.
	 */
	unsigned int (*fault_fetch)(struct nouveau_svm_dev *sdev,
				    struct nouveau_svm_fault *faults,
				    unsigned int max);

	/**
	 * @fault_replay: Required.  Let every stalled access retry, after a
	 * batch was served.  Context: the core's fault worker, no core lock
	 * held; may sleep.
	 */
	void (*fault_replay)(struct nouveau_svm_dev *sdev);

	/**
	 * @fault_cancel: Required.  Fail the work that raised @fault: the
	 * access will not be retried and its submitter sees an error; other
	 * contexts are not affected.  Called before the batch's replay.
	 * Context: the core's fault worker, no core lock held; may sleep.
	 */
	void (*fault_cancel)(struct nouveau_svm_dev *sdev,
			     const struct nouveau_svm_fault *fault);

	/**
	 * @map_prepare: Optional.  Allocate whatever page-table memory the
	 * mapping @map describes will need, so that the @map op needs none.
	 * The core calls it with each map it is about to make, with the same
	 * arguments, before it takes the notifier lock; the pages can still
	 * be invalidated in between (the core then retries), never changed.
	 * Context: process or worker context, the VM's lock held, the
	 * notifier lock not held; may sleep and allocate, and may take the
	 * notifier lock.  Return: 0 or a negative errno.
	 */
	int (*map_prepare)(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);

	/**
	 * @map_release: Optional.  Free what @map_prepare allocated for
	 * [@start, @end), a naturally aligned 2 MiB block of which the core
	 * has no range left, so nothing in it is mapped.  Context: process
	 * or worker context, the VM's lock held, the notifier lock not held;
	 * may sleep and take the notifier lock.
	 */
	void (*map_release)(struct nouveau_svm_vm *vm, u64 start, u64 end);

	/**
	 * @map: Required.  Write the entries @map describes into the GPU page
	 * table, replacing what was there.  Context: the VM's lock and the
	 * drm_gpusvm notifier lock (read) held; must not allocate memory
	 * with reclaim (use what @map_prepare made); may sleep.
	 * Return: 0 or a negative errno.
	 */
	int (*map)(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);

	/**
	 * @unmap: Required.  Clear [@start, @end) in the GPU page table and
	 * invalidate the GPU TLBs; when it returns the GPU can no longer
	 * reach those pages and no access to them is in flight.  Context:
	 * the drm_gpusvm notifier lock held (write, from an MMU notifier: in
	 * the reclaim path), or the VM's lock held; must not allocate memory
	 * nor fail; may sleep.
	 */
	void (*unmap)(struct nouveau_svm_vm *vm, u64 start, u64 end);

	/**
	 * @copy: Required with device memory.  One copy-engine launch: copy
	 * @npages pages between VRAM at offset @vram (contiguous) and system
	 * memory, in direction @dir, and wait for the copy to complete.
	 * @sys has one entry per page: an entry of order k holds the DMA
	 * address of 1 << k contiguous pages and the (1 << k) - 1 entries
	 * after it are ignored.  @sys is NULL to clear @npages pages of VRAM
	 * (NOUVEAU_SVM_COPY_TO_VRAM only: pages that had no memory yet), which
	 * counts as a launch and may fail as one.  Context: migration to
	 * VRAM (mmap lock held), eviction, or a CPU fault's migration back
	 * (mmap lock and the pages' folio locks held); no core lock held; may
	 * sleep, must not take the mmap lock.  Return: 0, or a negative errno
	 * when the copy did not complete (the destination's contents are then
	 * undefined).
	 */
	int (*copy)(struct nouveau_svm_dev *sdev, enum nouveau_svm_copy_dir dir,
		    u64 vram, const struct drm_pagemap_addr *sys,
		    unsigned long npages);

	/**
	 * @chunk_alloc: Required with device memory.  Find
	 * NOUVEAU_SVM_CHUNK_SIZE bytes of VRAM, contiguous and naturally
	 * aligned, for @chunk: set its offset and, if the backend needs it,
	 * its priv.  The backend's memory manager may evict other chunks to
	 * find room, as for any other VRAM user.  From then on until
	 * @chunk_free returns, the backend may take the chunk back with
	 * nouveau_svm_chunk_evict().  Context: process context (a migration,
	 * maybe in the fault worker), the mmap lock held for read, no core
	 * lock held; may sleep.  Return: 0; -ENOSPC when VRAM is full (the
	 * core then evicts what it holds and asks again); -ENOMEM or another
	 * errno to fail the migration.
	 */
	int (*chunk_alloc)(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);

	/**
	 * @chunk_free: Required with device memory.  Take back @chunk, which
	 * holds no device page any more; once it returns, the backend no
	 * longer calls nouveau_svm_chunk_evict() on it.  Context: process
	 * context, no core lock held; may sleep.
	 */
	void (*chunk_free)(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);

	/**
	 * @chunk_touch: Optional.  The GPU has just mapped pages of @chunk:
	 * a memory manager that evicts the least recently used VRAM first
	 * should count the chunk as used now (as TTM does a buffer that is
	 * validated for a submission).  Advisory: it may do nothing when it
	 * cannot tell at once.  Context: process context, a VM's notifier
	 * lock held, so that the chunk's pages stay; must not sleep, nor
	 * wait for a lock it holds while it calls nouveau_svm_chunk_evict().
	 */
	void (*chunk_touch)(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);

	/**
	 * @vram_admit: Optional.  Say whether the core may take @size more
	 * bytes of device memory now (the backend's own allocations, or an
	 * injected failure, may need it to refuse).  Context: process context
	 * (a migration, maybe in the fault worker), mmap lock held,
	 * no core lock held; may sleep.  Return: 0, or -ENOMEM to refuse.
	 */
	int (*vram_admit)(struct nouveau_svm_dev *sdev, u64 size);
};

/**
 * struct nouveau_svm_stats - per-client counters
 * @faults: fault entries served
 * @batches: fault batches that held faults of the client
 * @replays: replays after a batch with faults of the client
 * @cancels: faulting pages cancelled (the duplicate faults of a page in
 *	one batch count once)
 * @pages_mapped: 4 KiB pages entered into the GPU page table
 * @invalidations: MMU notifier invalidations that unmapped GPU pages
 * @ranges: SVM ranges now
 * @gpu_pages: 4 KiB pages now mapped in the GPU page table
 * @atomic_faults: atomic fault entries taken
 * @exclusive_grants: pages made device-exclusive for GPU atomics
 * @revocations: invalidations that took atomic access away from the GPU
 * @atomic_backoffs: revocations that waited for the GPU's time slice
 * @pages_to_vram: 4 KiB pages copied to VRAM
 * @pages_to_host: 4 KiB pages copied back to system memory (on request,
 *	on CPU fault, on eviction)
 * @thp_to_vram: 2 MiB folios moved to VRAM whole
 * @thp_to_host: 2 MiB folios moved back to system memory whole
 * @evictions: device-memory allocations evicted to system memory (to make
 *	room, or because the VM or the device went away)
 * @evicted_pages: 4 KiB pages those evictions covered
 * @copy_launches: copy-engine launches for the client's migrations
 * @copy_failures: copy-engine launches that failed
 * @vram_pages: 4 KiB pages of VRAM the client holds now
 * @ref: references: the VM's, and one per device-memory allocation
 *
 * The device-memory allocations of a client may outlive its VM for a
 * moment (a page still in flight), so the counters are reference counted.
 */
struct nouveau_svm_stats {
	atomic64_t faults;
	atomic64_t batches;
	atomic64_t replays;
	atomic64_t cancels;
	atomic64_t pages_mapped;
	atomic64_t invalidations;
	atomic64_t ranges;
	atomic64_t gpu_pages;
	atomic64_t atomic_faults;
	atomic64_t exclusive_grants;
	atomic64_t revocations;
	atomic64_t atomic_backoffs;
	atomic64_t pages_to_vram;
	atomic64_t pages_to_host;
	atomic64_t thp_to_vram;
	atomic64_t thp_to_host;
	atomic64_t evictions;
	atomic64_t evicted_pages;
	atomic64_t copy_launches;
	atomic64_t copy_failures;
	atomic64_t vram_pages;
	struct kref ref;
};

/* Replays whose time the core keeps: see &nouveau_svm_dev.replays. */
#define NOUVEAU_SVM_REPLAYS	32

/**
 * struct nouveau_svm_replay - when a fault batch was replayed
 * @batch: the batch's number (&nouveau_svm_dev.batch)
 * @at: when its replay returned
 */
struct nouveau_svm_replay {
	u64 batch;
	ktime_t at;
};

/* Servers of one fault batch at most: see "Fault service". */
#define NOUVEAU_SVM_SERVERS	8U

/**
 * struct nouveau_svm_server - serves the faults of some VMs of a batch
 * @work: serves them on &nouveau_svm_dev.serve_wq (all servers but the
 *	first, which is the fault worker itself)
 * @sdev: the device
 * @first: its first group in &nouveau_svm_dev.groups
 * @count: its groups: all the groups of the VMs it serves
 */
struct nouveau_svm_server {
	struct work_struct work;
	struct nouveau_svm_dev *sdev;
	unsigned int first;
	unsigned int count;
};

/**
 * struct nouveau_svm_dev - the SVM state of one GPU
 * @drm: the DRM device (DMA mappings are made for its device)
 * @ops: the backend
 * @caps: NOUVEAU_SVM_CAP_* the device has
 * @vms_lock: protects what @vms holds, &nouveau_svm_vm.serving and @held
 * @vms: every SVM VM of the device, by context number
 *	(&nouveau_svm_vm.inst); numbers are handed out cyclically, so that
 *	faults fetched before a VM went away never reach the next VM
 * @next_inst: the next context number to try (@vms's lock)
 * @held: the VM nouveau_svm_dev_gpu_unmap_all() works on now, or NULL;
 *	its teardown waits for it as for a fault server
 * @unmap_lock: serialises nouveau_svm_dev_gpu_unmap_all() (@held is one)
 * @serving_wq: woken when a fault server or nouveau_svm_dev_gpu_unmap_all()
 *	lets go of a VM
 * @wq: ordered workqueue of the fault worker
 * @fault_work: the fault worker
 * @serve_wq: unbound workqueue of the fault worker's other servers
 * @servers: the servers of one batch (fault worker)
 * @faults: the fault worker's batch buffer
 * @groups: the fault worker's group buffer
 * @cancels: which faults of the batch to cancel, a bit each (servers)
 * @fault_max: size of @faults, @groups and @cancels
 * @batch: number of the current fault batch (fault worker)
 * @replay_issued: the last batch whose replay the worker has started
 *	(written by the fault worker, read anywhere)
 * @replay_lock: protects @replays
 * @replays: the last NOUVEAU_SVM_REPLAYS replays, at index batch number
 *	modulo their count: an atomic grant's time slice starts at the
 *	replay of its batch
 * @vram: the device memory the core manages, NULL without any
 */
struct nouveau_svm_dev {
	struct drm_device *drm;
	const struct nouveau_svm_backend_ops *ops;
	u64 caps;

	struct mutex vms_lock; /* protects vms entries, vm->serving, held */
	struct xarray vms;
	u32 next_inst;
	struct nouveau_svm_vm *held;
	struct mutex unmap_lock; /* serialises nouveau_svm_dev_gpu_unmap_all() */
	wait_queue_head_t serving_wq;

	struct workqueue_struct *wq;
	struct work_struct fault_work;
	struct workqueue_struct *serve_wq;
	struct nouveau_svm_server servers[NOUVEAU_SVM_SERVERS];
	struct nouveau_svm_fault *faults;
	struct nouveau_svm_fault_group *groups;
	unsigned long *cancels;
	unsigned int fault_max;
	u64 batch;
	u64 replay_issued;
	spinlock_t replay_lock; /* protects replays */
	struct nouveau_svm_replay replays[NOUVEAU_SVM_REPLAYS];
	struct nouveau_svm_vram *vram;
};

/**
 * struct nouveau_svm_file - SVM state of an open DRM file
 * @lock: protects @vm
 * @vm: the file's SVM VM, NULL before SVM_INIT
 */
struct nouveau_svm_file {
	struct mutex lock; /* protects vm */
	struct nouveau_svm_vm *vm;
};

int nouveau_svm_dev_init(struct nouveau_svm_dev *sdev, struct drm_device *drm,
			 const struct nouveau_svm_backend_ops *ops,
			 unsigned int fault_max);
void nouveau_svm_dev_fini(struct nouveau_svm_dev *sdev);
void nouveau_svm_fault_notify(struct nouveau_svm_dev *sdev);
void nouveau_svm_fault_stop(struct nouveau_svm_dev *sdev);
void nouveau_svm_dev_gpu_unmap_all(struct nouveau_svm_dev *sdev);

int nouveau_svm_devmem_init(struct nouveau_svm_dev *sdev, u64 size,
			    struct dmem_cgroup_region *region);
int nouveau_svm_devmem_reclaim(struct nouveau_svm_dev *sdev,
			       struct dmem_cgroup_pool_state *pool, u64 target_bytes);
void nouveau_svm_devmem_fini(struct nouveau_svm_dev *sdev);
u64 nouveau_svm_devmem_size(struct nouveau_svm_dev *sdev);
u64 nouveau_svm_devmem_used(struct nouveau_svm_dev *sdev);
int nouveau_svm_chunk_evict(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
int nouveau_svm_devmem_evict(struct nouveau_svm_dev *sdev);

u64 nouveau_svm_dev_caps(const struct nouveau_svm_dev *sdev);

void *nouveau_svm_vm_priv(const struct nouveau_svm_vm *vm);
void nouveau_svm_vm_set_priv(struct nouveau_svm_vm *vm, void *priv);
struct nouveau_svm_dev *nouveau_svm_vm_dev(const struct nouveau_svm_vm *vm);
u64 nouveau_svm_vm_inst(const struct nouveau_svm_vm *vm);
const struct nouveau_svm_window *nouveau_svm_vm_unmanaged(const struct nouveau_svm_vm *vm);
const struct nouveau_svm_stats *nouveau_svm_vm_stats(const struct nouveau_svm_vm *vm);
void nouveau_svm_vm_lock(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_unlock(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_notifier_lock(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_notifier_unlock(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_notifier_lock_write(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_notifier_unlock_write(struct nouveau_svm_vm *vm);
#ifdef CONFIG_LOCKDEP
void nouveau_svm_vm_assert_held(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_assert_notifier_held(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_assert_unmap_held(struct nouveau_svm_vm *vm);
#else
static inline void nouveau_svm_vm_assert_held(struct nouveau_svm_vm *vm) { }
static inline void nouveau_svm_vm_assert_notifier_held(struct nouveau_svm_vm *vm) { }
static inline void nouveau_svm_vm_assert_unmap_held(struct nouveau_svm_vm *vm) { }
#endif

void nouveau_svm_file_init(struct nouveau_svm_file *sfile);
void nouveau_svm_file_fini(struct nouveau_svm_file *sfile);
struct nouveau_svm_vm *nouveau_svm_file_vm(struct nouveau_svm_file *sfile);
int nouveau_svm_file_call_vm(struct nouveau_svm_file *sfile,
			     void (*fn)(struct nouveau_svm_vm *vm, void *arg), void *arg);
void nouveau_svm_file_show_fdinfo(struct nouveau_svm_file *sfile,
				  struct drm_printer *p);

int nouveau_svm_ioctl_init(struct nouveau_svm_dev *sdev,
			   struct nouveau_svm_file *sfile,
			   struct drm_nouveau_svm_init *args);
int nouveau_svm_ioctl_bind(struct nouveau_svm_dev *sdev,
			   struct nouveau_svm_file *sfile,
			   struct drm_nouveau_svm_bind *args);

#endif
