// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the GPU page table of an SVM VM, and the
 * backend ops that create it, write it and tear it down.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/bitfield.h>
#include <linux/dma-direct.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <drm/drm_pagemap.h>

#include "nvsim.h"

/**
 * DOC: Page table
 *
 * Like the GPU's, the simulated page table has two levels.  An XArray
 * indexed by virtual address >> 21 holds page-table pages; each has one
 * 2 MiB entry and 512 4 KiB entries.  An entry holds the address of what
 * it maps and the bits VALID, WRITE, ATOMIC and the aperture: system
 * memory, where the address is a DMA address, or VRAM, where it is a byte
 * offset into the VRAM (NOUVEAU_SVM_PROTO_VRAM in the core's map call).
 * A valid 2 MiB entry takes precedence; writing 4 KiB entries or clearing
 * part of a 2 MiB one first splits it into 512 4 KiB entries, which needs
 * no memory because the page-table page has room for both levels.
 *
 * map_prepare allocates the page-table pages, map only writes entries,
 * unmap only clears them; map_release frees the page of a block the core
 * has no range in any more (and warns if an entry there is still valid),
 * vm_fini the rest.  The engine
 * reads entries under &nvsim_vm.tlb_lock, which map and unmap take for each
 * page-table page they change: once unmap has released it, no access to
 * the unmapped pages is in flight and none can start.
 *
 * A GPU reaches a page of system memory through its DMA address; the
 * simulated GPU has no bus, so it asks its own IOMMU for the page that
 * the DMA address maps now (see DOC: IOMMU) and accesses it through the
 * kernel's mapping; an address that maps nothing fails the job.  A VRAM
 * entry leads
 * to the page of the VRAM's backing store at its offset (see DOC: Copy
 * engine), so the engine's reads, writes and atomics work on VRAM
 * unchanged.  VRAM is the GPU's own memory, so the core needs no
 * device-exclusive access to allow atomics there and sets the ATOMIC bit
 * on every VRAM mapping; the engine checks the bit for both apertures.
 */

/*
 * The backend's VM, NULL once vm_fini has detached it: an MMU notifier may
 * still call unmap until the core has marked the VM dead.
 */
static struct nvsim_vm *to_nvsim_vm(struct nouveau_svm_vm *vm)
{
	return nouveau_svm_vm_priv(vm);
}

/**
 * nvsim_vm_init() - create the page table of a new SVM VM
 * @vm: the core's new VM
 *
 * Implements &nouveau_svm_backend_ops.vm_init: the VM's faults carry the
 * context number the core gave it.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int nvsim_vm_init(struct nouveau_svm_vm *vm)
{
	struct nvsim_device *ndev = to_nvsim_device(nouveau_svm_vm_dev(vm));
	struct nvsim_vm *nvm;

	nvm = kzalloc_obj(*nvm, GFP_KERNEL_ACCOUNT);
	if (!nvm)
		return -ENOMEM;

	nvm->vm = vm;
	nvm->ndev = ndev;
	spin_lock_init(&nvm->tlb_lock);
	xa_init(&nvm->pts);
	nvm->atomic_va = NVSIM_NO_ATOMIC;
	init_waitqueue_head(&nvm->atomic_wq);
	nouveau_svm_vm_set_priv(vm, nvm);
	return 0;
}

static void nvsim_pt_free_all(struct nvsim_vm *nvm)
{
	struct nvsim_pt *pt;
	unsigned long idx;

	xa_for_each(&nvm->pts, idx, pt)
		kfree(pt);
	xa_destroy(&nvm->pts);
}

/*
 * Every map, map_prepare and unmap call holds the VM's lock or the notifier
 * lock for write: once both have been held here no call is using the page
 * table, and later calls find no backend VM and do nothing.
 */
static void nvsim_vm_detach(struct nouveau_svm_vm *vm)
{
	nouveau_svm_vm_lock(vm);
	nouveau_svm_vm_notifier_lock_write(vm);
	nouveau_svm_vm_set_priv(vm, NULL);
	nouveau_svm_vm_notifier_unlock_write(vm);
	nouveau_svm_vm_unlock(vm);
}

/**
 * nvsim_vm_fini() - stop the engine's work in an SVM VM and free its page
 * table
 * @vm: the core's VM
 *
 * Implements &nouveau_svm_backend_ops.vm_fini: the VM's queued jobs and
 * its running one fail, its faults still in the ring are dropped (so that
 * its context number can be reused), then the page table goes.  The core
 * marks the VM dead only after this returns, so an MMU notifier may still
 * call unmap meanwhile: the VM is detached under the locks that unmap's
 * callers hold before the page table is freed.
 *
 * Context: process context, no core lock held; takes the VM's lock and the
 * notifier lock; sleeps until the engine has left the VM.
 */
void nvsim_vm_fini(struct nouveau_svm_vm *vm)
{
	struct nvsim_vm *nvm = to_nvsim_vm(vm);
	struct nvsim_device *ndev = nvm->ndev;

	nvsim_engine_flush_vm(&ndev->engine, nvm);
	nvsim_fault_purge(&ndev->ring, nouveau_svm_vm_inst(vm));
	nvsim_vm_detach(vm);
	nvsim_pt_free_all(nvm);
	kfree(nvm);
}

/**
 * nvsim_pt_map_prepare() - allocate the page-table pages a mapping needs
 * @vm: the core's VM
 * @map: the mapping the core is about to make
 *
 * Implements &nouveau_svm_backend_ops.map_prepare.
 *
 * Context: the VM's lock held; may sleep and allocate.
 * Return: 0; -ENOMEM; -ENODEV once the VM is detached.
 */
int nvsim_pt_map_prepare(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map)
{
	struct nvsim_vm *nvm = to_nvsim_vm(vm);
	u64 start = map->start, end = map->start + ((u64)map->npages << PAGE_SHIFT);
	unsigned long idx;
	struct nvsim_pt *pt;
	int ret;

	nouveau_svm_vm_assert_held(vm);
	if (!nvm)
		return -ENODEV;
	if (start >= end)
		return 0;

	for (idx = start >> NVSIM_PDE_SHIFT;
	     idx <= (end - 1) >> NVSIM_PDE_SHIFT; idx++) {
		if (xa_load(&nvm->pts, idx))
			continue;
		/* The GPU page table of a process: charged to it. */
		pt = kzalloc_obj(*pt, GFP_KERNEL_ACCOUNT);
		if (!pt)
			return -ENOMEM;
		ret = xa_insert(&nvm->pts, idx, pt, GFP_KERNEL_ACCOUNT);
		if (ret) {
			kfree(pt);
			return ret;
		}
	}
	return 0;
}

/* Whether any entry of @pt is valid. */
static bool nvsim_pt_in_use(const struct nvsim_pt *pt)
{
	unsigned int i;

	if (pt->pde & NVSIM_PTE_VALID)
		return true;
	for (i = 0; i < NVSIM_PT_ENTRIES; i++) {
		if (pt->pte[i] & NVSIM_PTE_VALID)
			return true;
	}
	return false;
}

/**
 * nvsim_pt_map_release() - free the page-table pages of an unused block
 * @vm: the core's VM
 * @start: first virtual address of the block
 * @end: virtual address just past it
 *
 * Implements &nouveau_svm_backend_ops.map_release.  The core has no range
 * in [@start, @end) any more, so no entry there may be valid: a valid one
 * means the core left a mapping behind, which this reports (and clears,
 * the page being freed).
 *
 * Context: the VM's lock held; takes the TLB lock; may sleep.
 */
void nvsim_pt_map_release(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct nvsim_vm *nvm = to_nvsim_vm(vm);
	unsigned long idx;
	struct nvsim_pt *pt;

	nouveau_svm_vm_assert_held(vm);
	if (!nvm || start >= end)
		return;

	for (idx = start >> NVSIM_PDE_SHIFT;
	     idx <= (end - 1) >> NVSIM_PDE_SHIFT; idx++) {
		spin_lock(&nvm->tlb_lock);
		pt = xa_erase(&nvm->pts, idx);
		spin_unlock(&nvm->tlb_lock);
		WARN(pt && nvsim_pt_in_use(pt),
		     "nvsim: page table of %llx freed with valid entries\n",
		     (u64)idx << NVSIM_PDE_SHIFT);
		kfree(pt);
	}
}

/* The aperture of a map call's entries: one map call has one only. */
static u64 nvsim_pte_aperture(const struct nouveau_svm_map *map)
{
	if (map->dma[0].proto == NOUVEAU_SVM_PROTO_VRAM)
		return NVSIM_PTE_APERTURE_VRAM;
	return NVSIM_PTE_APERTURE_SYS;
}

static u64 nvsim_pte_flags(u32 map_flags, u64 aperture)
{
	/* The GPU cannot have a write-only page: any entry is readable. */
	u64 pte = NVSIM_PTE_VALID | FIELD_PREP(NVSIM_PTE_APERTURE, aperture);

	if (map_flags & NOUVEAU_SVM_MAP_WRITE)
		pte |= NVSIM_PTE_WRITE;
	if (map_flags & NOUVEAU_SVM_MAP_ATOMIC)
		pte |= NVSIM_PTE_ATOMIC;
	return pte;
}

/* Turn a valid 2 MiB entry into the 512 4 KiB entries it stands for. */
static void nvsim_pt_split(struct nvsim_vm *nvm, struct nvsim_pt *pt)
{
	unsigned int i;

	lockdep_assert_held(&nvm->tlb_lock);
	if (!(pt->pde & NVSIM_PTE_VALID))
		return;
	for (i = 0; i < NVSIM_PT_ENTRIES; i++)
		pt->pte[i] = pt->pde + ((u64)i << PAGE_SHIFT);
	pt->pde = 0;
}

/*
 * Write the entries for @npages pages from @va on, mapping addresses (DMA
 * addresses or VRAM offsets, as @flags says) from @addr on: one 2 MiB
 * entry if they cover exactly the page-table page, 4 KiB entries
 * otherwise.  The pages lie in one page-table page.
 */
static void nvsim_pt_write(struct nvsim_vm *nvm, struct nvsim_pt *pt, u64 va,
			   unsigned long npages, u64 addr, u64 flags)
{
	unsigned int first = (va >> PAGE_SHIFT) & (NVSIM_PT_ENTRIES - 1);
	unsigned long i;

	spin_lock(&nvm->tlb_lock);
	if (npages == NVSIM_PT_ENTRIES) {
		memset(pt->pte, 0, sizeof(pt->pte));
		pt->pde = (addr & NVSIM_PTE_ADDR) | flags;
	} else {
		nvsim_pt_split(nvm, pt);
		for (i = 0; i < npages; i++)
			pt->pte[first + i] = ((addr + (i << PAGE_SHIFT)) &
					      NVSIM_PTE_ADDR) | flags;
	}
	spin_unlock(&nvm->tlb_lock);
}

/*
 * Write one DMA entry of @map, mapping @npages pages from @va on; it may
 * span several page-table pages (an order above 9), each of which exists.
 */
static void nvsim_pt_map_entry(struct nvsim_vm *nvm, u64 va,
			       unsigned long npages, u64 addr, u64 flags)
{
	unsigned long n;
	struct nvsim_pt *pt;

	while (npages) {
		n = min_t(unsigned long, npages, NVSIM_PT_ENTRIES -
			  ((va >> PAGE_SHIFT) & (NVSIM_PT_ENTRIES - 1)));
		pt = xa_load(&nvm->pts, va >> NVSIM_PDE_SHIFT);
		nvsim_pt_write(nvm, pt, va, n, addr, flags);
		va += (u64)n << PAGE_SHIFT;
		addr += (u64)n << PAGE_SHIFT;
		npages -= n;
	}
}

/*
 * Check one DMA entry of @map, which covers @npages pages: it has the
 * aperture of the map call's first entry, and a VRAM one lies inside the
 * VRAM.
 */
static bool nvsim_pt_entry_valid(struct nvsim_vm *nvm,
				 const struct nouveau_svm_map *map,
				 const struct drm_pagemap_addr *dma,
				 unsigned long npages)
{
	if (dma->proto != map->dma[0].proto)
		return false;
	switch (dma->proto) {
	case DRM_INTERCONNECT_SYSTEM:
		return true;
	case NOUVEAU_SVM_PROTO_VRAM:
		return nvsim_vram_contains(&nvm->ndev->vram, dma->addr, npages);
	default:
		return false;
	}
}

/* Check that @map can be written without allocating: see nvsim_pt_map(). */
static int nvsim_pt_map_check(struct nvsim_vm *nvm,
			      const struct nouveau_svm_map *map)
{
	u64 end = map->start + ((u64)map->npages << PAGE_SHIFT);
	unsigned long i, j, n;
	unsigned long idx;

	for (i = 0, j = 0; i < map->npages; i += n, j++) {
		n = min(1UL << map->dma[j].order, map->npages - i);
		if (!nvsim_pt_entry_valid(nvm, map, &map->dma[j], n))
			return -EINVAL;
	}

	for (idx = map->start >> NVSIM_PDE_SHIFT;
	     idx <= (end - 1) >> NVSIM_PDE_SHIFT; idx++)
		if (!xa_load(&nvm->pts, idx))
			return -ENOMEM;
	return 0;
}

/**
 * nvsim_pt_map() - write GPU page-table entries
 * @vm: the core's VM
 * @map: what to map
 *
 * Implements &nouveau_svm_backend_ops.map.  The entries of @map are all
 * system memory (DRM_INTERCONNECT_SYSTEM, DMA addresses) or all VRAM
 * (NOUVEAU_SVM_PROTO_VRAM, VRAM offsets).  An order-9 entry that maps a
 * 2 MiB-aligned block becomes a 2 MiB entry; anything else becomes 4 KiB
 * entries.  Nothing is written unless all of @map can be.
 *
 * Context: the VM's lock and the notifier lock held; takes the TLB lock;
 * does not allocate.
 * Return: 0; -EINVAL for an entry of another aperture than system memory
 * or VRAM, entries of both apertures in one call, or VRAM entries that do
 * not lie inside the VRAM; -ENOMEM if map_prepare did not allocate a
 * page-table page that @map needs; -ENODEV once the VM is detached.
 */
int nvsim_pt_map(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map)
{
	struct nvsim_vm *nvm = to_nvsim_vm(vm);
	unsigned long i, j, n;
	u64 flags, base = 0;
	int ret;

	nouveau_svm_vm_assert_held(vm);
	nouveau_svm_vm_assert_notifier_held(vm);
	if (!nvm)
		return -ENODEV;
	if (!map->npages)
		return 0;

	ret = nvsim_pt_map_check(nvm, map);
	if (ret)
		return ret;

	flags = nvsim_pte_flags(map->flags, nvsim_pte_aperture(map));

	/* A VRAM entry holds the VRAM's GPU address plus the offset. */
	if (nvsim_pte_aperture(map) == NVSIM_PTE_APERTURE_VRAM)
		base = READ_ONCE(nvm->ndev->vram.addr);
	for (i = 0, j = 0; i < map->npages; i += n, j++) {
		n = min(1UL << map->dma[j].order, map->npages - i);
		nvsim_pt_map_entry(nvm, map->start + ((u64)i << PAGE_SHIFT), n,
				   base + map->dma[j].addr, flags);
	}
	return 0;
}

/* Clear [@start, @end) of one page-table page. */
static void nvsim_pt_clear(struct nvsim_vm *nvm, struct nvsim_pt *pt,
			   u64 start, u64 end)
{
	unsigned int first = (start >> PAGE_SHIFT) & (NVSIM_PT_ENTRIES - 1);
	unsigned int n = (end - start) >> PAGE_SHIFT;

	spin_lock(&nvm->tlb_lock);
	if (n == NVSIM_PT_ENTRIES) {
		pt->pde = 0;
		memset(pt->pte, 0, sizeof(pt->pte));
	} else {
		nvsim_pt_split(nvm, pt);
		memset(&pt->pte[first], 0, n * sizeof(pt->pte[0]));
	}
	spin_unlock(&nvm->tlb_lock);
}

/* Whether the VM's in-flight atomic (if any) lies in [@start, @end). */
static bool nvsim_atomic_in(struct nvsim_vm *nvm, u64 start, u64 end)
{
	bool in;

	spin_lock(&nvm->tlb_lock);
	in = nvm->atomic_va >= start && nvm->atomic_va < end;
	spin_unlock(&nvm->tlb_lock);
	return in;
}

/**
 * nvsim_pt_unmap() - clear GPU page-table entries
 * @vm: the core's VM
 * @start: first virtual address to clear, page aligned
 * @end: virtual address just past the range, page aligned
 *
 * Implements &nouveau_svm_backend_ops.unmap.  Each page-table page is
 * cleared under the TLB lock, which the engine holds across each access;
 * a GPU atomic on system memory that read a page of the range before it
 * was cleared is waited for (one window at most), as a GPU's TLB
 * invalidation completes only once the accesses through the old entries
 * have: when this returns no access to the range is in flight.
 *
 * Context: the notifier lock held for write (possibly in reclaim) or the
 * VM's lock held; takes the TLB lock; does not allocate; may sleep.
 */
void nvsim_pt_unmap(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct nvsim_vm *nvm = to_nvsim_vm(vm);
	struct nvsim_pt *pt;
	unsigned long idx;
	u64 pt_start;

	nouveau_svm_vm_assert_unmap_held(vm);
	if (!nvm || start >= end)
		return;

	xa_for_each_range(&nvm->pts, idx, pt, start >> NVSIM_PDE_SHIFT,
			  (end - 1) >> NVSIM_PDE_SHIFT) {
		pt_start = (u64)idx << NVSIM_PDE_SHIFT;
		nvsim_pt_clear(nvm, pt, max(start, pt_start),
			       min(end, pt_start + SZ_2M));
	}
	wait_event(nvm->atomic_wq, !nvsim_atomic_in(nvm, start, end));
}

/* The page behind a system-memory entry's DMA address, through the IOMMU. */
static int nvsim_pt_sys_page(struct nvsim_vm *nvm, dma_addr_t addr, u64 need,
			     struct page **page)
{
	*page = nvsim_iommu_lookup(&nvm->ndev->iommu, addr,
				   need & NVSIM_PTE_WRITE);
	if (*page)
		return 0;
	WARN_ONCE(1, "nvsim: GPU access through unmapped DMA address %pad\n",
		  &addr);
	atomic64_inc(&nvm->stats.dma_errors);
	return -ENXIO;
}

/*
 * The page of VRAM GPU address @addr; -ENXIO, with a warning, for an
 * address outside the VRAM (an entry written before the VRAM moved that
 * the core did not drop: see nvsim_vram_move()).
 */
static int nvsim_pt_vram_page(struct nvsim_vm *nvm, u64 addr, struct page **page)
{
	struct nvsim_vram *vram = &nvm->ndev->vram;
	u64 offset = addr - READ_ONCE(vram->addr);

	if (offset >= vram->size) {
		WARN_ONCE(1, "nvsim: GPU access outside the VRAM at %#llx\n", addr);
		return -ENXIO;
	}
	*page = nvsim_vram_page(vram, offset);
	return 0;
}

/**
 * nvsim_pt_translate() - look a virtual address up as the GPU's MMU would
 * @nvm: the VM
 * @va: the virtual address
 * @need: the NVSIM_PTE_* bits the access needs
 * @page: out, on a hit, the page @va lies in
 * @vram: out, on a hit, whether that page is VRAM
 *
 * The page is only valid while the caller keeps holding the TLB lock: an
 * unmap may clear the entry as soon as the caller drops it, unless the
 * page is the VM's in-flight GPU atomic (&nvsim_vm.atomic_va), whose end
 * an unmap waits for.  For an entry
 * in system memory it is the page the IOMMU maps at the entry's DMA
 * address (see DOC: IOMMU); for one in VRAM, the page of the VRAM's
 * backing store at the entry's address less the VRAM's
 * (&nvsim_vram.addr).
 *
 * Context: &nvsim_vm.tlb_lock held.
 * Return: 0 on a hit; -EFAULT if the entry misses a bit of @need (the
 * access faults); -ENXIO, with a warning, if the entry holds a DMA address
 * that is not mapped for the GPU, or a VRAM address outside the VRAM (a
 * bug of the core: the job fails).
 */
int nvsim_pt_translate(struct nvsim_vm *nvm, u64 va, u64 need,
		       struct page **page, bool *vram)
{
	unsigned long off = 0;
	struct nvsim_pt *pt;
	u64 addr;
	u64 pte;

	lockdep_assert_held(&nvm->tlb_lock);
	pt = xa_load(&nvm->pts, va >> NVSIM_PDE_SHIFT);
	if (!pt)
		return -EFAULT;

	if (pt->pde & NVSIM_PTE_VALID) {
		pte = pt->pde;
		off = (va >> PAGE_SHIFT) & (NVSIM_PT_ENTRIES - 1);
	} else {
		pte = pt->pte[(va >> PAGE_SHIFT) & (NVSIM_PT_ENTRIES - 1)];
	}
	if ((pte & need) != need)
		return -EFAULT;

	addr = (pte & NVSIM_PTE_ADDR) + ((u64)off << PAGE_SHIFT);
	*vram = FIELD_GET(NVSIM_PTE_APERTURE, pte) == NVSIM_PTE_APERTURE_VRAM;
	if (*vram)
		return nvsim_pt_vram_page(nvm, addr, page);
	return nvsim_pt_sys_page(nvm, addr, need, page);
}
