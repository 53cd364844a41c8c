/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM core: definitions shared by the core's files, not by backends.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NOUVEAU_SVM_PRIV_H__
#define __NOUVEAU_SVM_PRIV_H__

#include "nouveau_svm.h"

struct dev_pagemap;
struct hmm_range;

/* Retries of one fault when the CPU side keeps changing under it. */
#define NOUVEAU_SVM_FAULT_RETRIES	16

/**
 * struct nouveau_svm_vm - one client's SVM address space
 * @gpusvm: the drm_gpusvm it embeds (its notifier lock protects the GPU
 *	page table's contents against invalidation)
 * @sdev: the device
 * @lock: the "driver SVM lock" of drm_gpusvm: serialises range creation
 *	and removal (fault service, garbage collection, teardown)
 * @unmanaged: the window reserved for driver buffers, never mirrored
 * @atomic_policy: NOUVEAU_SVM_ATOMIC__* of the addresses userspace
 *	advised, as xarray values; device-exclusive elsewhere (its own lock)
 * @inst: the context number the backend's faults carry, from 1
 * @priv: the backend's data
 * @batch: the last fault batch that held faults of the VM (its server)
 * @serving: a fault server serves the VM now (&nouveau_svm_dev.vms_lock);
 *	its teardown waits until none does
 * @map_epoch: bumped each time nouveau_svm_vm_gpu_unmap_all() takes the
 *	whole VM off the GPU (notifier lock): a range mapped in an older
 *	epoch is no longer mapped
 * @dead: the backend's vm_fini ran; the notifier unmaps nothing more on
 *	the GPU (notifier lock)
 * @gc_lock: protects @gc_list
 * @gc_list: unmapped ranges waiting for garbage collection
 * @gc_work: garbage collector
 * @stats: counters (see &struct nouveau_svm_stats)
 * @dmem_css: the dmem cgroup of the process that created the VM, which
 *	its VRAM is charged to, whoever migrates it (NULL without the dmem
 *	controller)
 */
struct nouveau_svm_vm {
	struct drm_gpusvm gpusvm;
	struct nouveau_svm_dev *sdev;
	struct mutex lock; /* drm_gpusvm driver lock: range tree changes */
	struct nouveau_svm_window unmanaged;
	struct maple_tree atomic_policy;
	u64 inst;
	void *priv;
	u64 batch;
	bool serving;
	u64 map_epoch;
	bool dead;

	spinlock_t gc_lock; /* protects gc_list */
	struct list_head gc_list;
	struct work_struct gc_work;

	struct nouveau_svm_stats *stats;
	struct cgroup_subsys_state *dmem_css;
};

/**
 * struct nouveau_svm_range - a drm_gpusvm range of an SVM VM
 * @base: the drm_gpusvm range it embeds
 * @pages: its pages and their DMA mappings (1:1 layout)
 * @gc_link: entry in &nouveau_svm_vm.gc_list, under its gc_lock
 * @mapped_pages: pages of the range in the GPU page table (notifier lock)
 * @atomic: some of them are mapped with atomic access, and so are
 *	device-exclusive in the CPU page tables (notifier lock)
 * @atomic_pages: which ones, a bit per page of the range, allocated at its
 *	first grant (notifier lock; cleared with @atomic)
 * @atomic_granted: when the last atomic grant was mapped (notifier lock)
 * @atomic_batch: the fault batch of that grant, whose replay starts the
 *	GPU's atomic time slice (notifier lock)
 * @thrash: whether its GPU atomics thrash (notifier lock; see "GPU atomics
 *	on system memory")
 * @read_only: the pages were got read-only (VM lock)
 * @map_epoch: the &nouveau_svm_vm.map_epoch @mapped_pages and @atomic
 *	belong to; under an older one, nothing of the range is on the GPU
 *	(notifier lock; see nouveau_svm_vm_gpu_unmap_all())
 */
struct nouveau_svm_range {
	struct drm_gpusvm_range base;
	struct drm_gpusvm_pages pages;
	struct list_head gc_link;
	u64 map_epoch;
	unsigned long mapped_pages;
	bool atomic;
	unsigned long *atomic_pages;
	ktime_t atomic_granted;
	u64 atomic_batch;
	struct nouveau_svm_thrash thrash;
	bool read_only;
};

static inline struct nouveau_svm_range *
to_nouveau_svm_range(struct drm_gpusvm_range *r)
{
	return container_of(r, struct nouveau_svm_range, base);
}

static inline struct nouveau_svm_vm *to_nouveau_svm_vm(struct drm_gpusvm *gpusvm)
{
	return container_of(gpusvm, struct nouveau_svm_vm, gpusvm);
}

/**
 * struct nouveau_svm_served - what serving one fault address achieved
 * @range: the range that was mapped (valid under the VM lock)
 * @end: end of the range; faults below it are served
 * @writable: the GPU may write the range
 */
struct nouveau_svm_served {
	struct nouveau_svm_range *range;
	u64 end;
	bool writable;
};

struct nouveau_svm_vm *nouveau_svm_vm_create(struct nouveau_svm_dev *sdev,
					     const struct nouveau_svm_window *unmanaged);
void nouveau_svm_vm_destroy(struct nouveau_svm_vm *vm);
void nouveau_svm_vm_gc(struct nouveau_svm_vm *vm);
void nouveau_svm_range_sync(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r);
void nouveau_svm_range_gpu_unmap(struct nouveau_svm_vm *vm,
				 struct nouveau_svm_range *r);
int nouveau_svm_vm_fault(struct nouveau_svm_vm *vm, u64 addr, bool write,
			 struct nouveau_svm_served *served);
int nouveau_svm_vm_map_vram(struct nouveau_svm_vm *vm, u64 addr,
			    struct nouveau_svm_served *served);
int nouveau_svm_vm_atomic(struct nouveau_svm_vm *vm, u64 addr);
bool nouveau_svm_vm_atomic_held(struct nouveau_svm_vm *vm, struct nouveau_svm_range *r,
				u64 addr);
u32 nouveau_svm_vm_atomic_policy(struct nouveau_svm_vm *vm, u64 addr);
int nouveau_svm_vm_advise_atomic(struct nouveau_svm_vm *vm,
				 const struct nouveau_svm_window *w, u32 policy);
int nouveau_svm_vm_migrate(struct nouveau_svm_vm *vm, const struct nouveau_svm_window *w,
			   bool to_vram, bool map, u64 *result);
int nouveau_svm_hmm_range_fault(struct mm_struct *mm, struct hmm_range *range);
int nouveau_svm_vm_migrate_locked(struct nouveau_svm_vm *vm,
				  const struct nouveau_svm_window *w);

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
bool nouveau_svm_fail_snapshot(void);
#else
static inline bool nouveau_svm_fail_snapshot(void)
{
	return false;
}
#endif

struct nouveau_svm_stats *nouveau_svm_stats_get(struct nouveau_svm_stats *stats);
void nouveau_svm_stats_put(struct nouveau_svm_stats *stats);

/**
 * struct nouveau_svm_devmem_client - whom a migration to VRAM is for
 * @stats: the client's counters
 * @mm: its process
 * @dmem_css: the dmem cgroup its VRAM is charged to; NULL: none
 */
struct nouveau_svm_devmem_client {
	struct nouveau_svm_stats *stats;
	struct mm_struct *mm;
	struct cgroup_subsys_state *dmem_css;
};

int nouveau_svm_devmem_get(struct nouveau_svm_vram *vram);
void nouveau_svm_devmem_unhold(struct nouveau_svm_vram *vram);
u64 nouveau_svm_devmem_migration(struct nouveau_svm_vram *vram);
u64 nouveau_svm_devmem_evictions(struct nouveau_svm_vram *vram);
int nouveau_svm_devmem_migrate(struct nouveau_svm_vram *vram,
			       const struct nouveau_svm_devmem_client *client,
			       u64 start, u64 end, u64 migration, unsigned long timeslice_ms);
void nouveau_svm_devmem_touch(struct nouveau_svm_vram *vram,
			      const struct drm_pagemap_addr *dma, unsigned long n);
bool nouveau_svm_devmem_owns(struct nouveau_svm_vram *vram, struct page *page);
const struct dev_pagemap *nouveau_svm_devmem_pagemap(struct nouveau_svm_vram *vram);
void nouveau_svm_devmem_evict_client(struct nouveau_svm_vram *vram,
				     const struct nouveau_svm_stats *stats);

#if IS_ENABLED(CONFIG_KUNIT)
struct maple_tree;
struct nouveau_svm_devmem;

void nouveau_svm_owners_init(struct maple_tree *owners);
int nouveau_svm_owners_add(struct maple_tree *owners, u64 offset, u64 size,
			   struct nouveau_svm_devmem *d);
void nouveau_svm_owners_remove(struct maple_tree *owners, u64 offset, u64 size,
			       struct nouveau_svm_devmem *d);
struct nouveau_svm_devmem *nouveau_svm_owners_find(struct maple_tree *owners, u64 offset);
unsigned long nouveau_svm_chunk_find(unsigned long *used, unsigned int npages);
#endif

#endif
