// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: the GPU address space of an SVM
 * VM (the client's SVM VMM) and its mappings, through nvkm's raw VMM
 * operations: GET and PUT for page tables, PFNMAP and UNMAP for entries.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: GPU page tables on nvif
 *
 * SVM_INIT makes the client a RAW VMM with replayable faults whose
 * nvkm-managed region is the unmanaged window: everything outside it is
 * the client's, where nvkm takes only raw operations.
 *
 * Page tables are referenced ahead of time and entries written later, so
 * that map (under the notifier lock) and unmap (in MMU notifiers, which
 * run in reclaim) allocate nothing.  map_prepare, with the VM's lock and
 * no notifier lock held, takes page-table references (NVIF_VMM_RAW_V0_GET,
 * which allocates) for each 2 MiB block the map touches, at the page size
 * the map will use there: the whole block at 2 MiB for a 2 MiB entry,
 * else the block (minus nvkm's region, nvsvm_hw_pt_spans()) at 4 KiB.  A
 * block keeps its references until the core has no range left in it
 * (map_release), the VM ends, or a map needs the other page size there:
 * the block's entries are then cleared and its references dropped (PUT),
 * before new ones are taken, since a 2 MiB entry takes the PDE0 slot
 * that points at the 4 KiB table.
 *
 * map writes entries with NVIF_VMM_RAW_V0_PFNMAP, one call per run of
 * one page size (nvsvm_hw_pfnmap_next(): 4 KiB PTEs, 2 MiB PDE0 entries;
 * read, write and atomic bits; host or VRAM aperture).  unmap clears them
 * with NVIF_VMM_RAW_V0_UNMAP, at the page size their block is held at.
 * Neither allocates nor changes references; nvkm writes the entries and
 * invalidates the GPU TLBs before they return, which is what the core's
 * map and unmap ops need: after unmap returns the GPU can no longer reach
 * the pages.
 *
 * A host entry carries the DMA address drm_gpusvm mapped the page at;
 * nvkm maps nothing itself for the raw PFNMAP (nvkm_vmm_map.pfn_dma), so
 * clearing an entry is a write of zero and a TLB flush, with no DMA
 * unmapping that could race the GPU's last accesses.
 *
 * Left to nvkm: writing an entry maps the page table's memory for the CPU
 * (nvkm_kmap()), which can allocate when nvkm's BAR2 window has evicted
 * it; nouveau's VM_BIND has the same dependency in its fence signalling
 * path.
 */

/**
 * DOC: Locking
 *
 * - The VM's backend data (nouveau_svm_vm_priv()) is cleared by vm_fini
 *   under both the VM's lock and the notifier lock (write), taken with
 *   nouveau_svm_vm_lock() and nouveau_svm_vm_notifier_lock_write(); map
 *   and map_prepare hold the first, unmap one of the two, so each sees
 *   either the backend's VM or NULL, never one being freed.
 * - &nvsvm_nvif_vm.pts, the page size each 2 MiB block is held at, is
 *   written under the VM's lock only (map_prepare, map_release, vm_fini).
 *   An entry leaves it under the notifier lock too, before its page
 *   tables go, so an unmap that finds a block finds its page tables.
 * - &nvsvm_nvif_vm.args, the PFN array, is used under the VM's lock.
 * - nvkm serialises page-table updates of a VMM itself (vmm->mutex.ref
 *   for references, vmm->mutex.map for entries; only the first is held
 *   while nvkm allocates).
 */

#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <nvif/ifc00d.h>
#include <nvif/vmm.h>

#include "../../nouveau_drv.h"
#include "nvsvm_nvif.h"

/* Entries one PFNMAP call takes: 4 KiB of PFNs. */
#define NVSVM_NVIF_PFNMAP_MAX	512

/**
 * nvsvm_nvif_vm_init() - give a new SVM VM the VMM SVM_INIT made
 * @vm: the core's new VM
 *
 * Implements &nouveau_svm_backend_ops.vm_init: takes the VMM from
 * &nouveau_svm.attach and a context number for the VM.
 *
 * Context: Process context (SVM_INIT), &nouveau_svm.attach_lock held;
 * may sleep.
 * Return: 0, -EINVAL outside SVM_INIT, or -ENOMEM.
 */
int nvsvm_nvif_vm_init(struct nouveau_svm_vm *vm)
{
	struct nouveau_svm *svm = nvsvm_nvif(nouveau_svm_vm_dev(vm));
	struct nvsvm_nvif_vm *hvm;

	lockdep_assert_held(&svm->attach_lock);
	if (WARN_ON(!svm->attach))
		return -EINVAL;

	hvm = kzalloc_obj(*hvm);
	if (!hvm)
		return -ENOMEM;
	hvm->args = kvzalloc(struct_size(hvm->args, phys, NVSVM_NVIF_PFNMAP_MAX),
			     GFP_KERNEL);
	if (!hvm->args) {
		kfree(hvm);
		return -ENOMEM;
	}
	hvm->svm = svm;
	hvm->vmm = svm->attach;
	xa_init(&hvm->pts);
	nouveau_svm_vm_set_priv(vm, hvm);
	return 0;
}

/**
 * nvsvm_nvif_vmm_pdb() - the page directory a MEM_OP cancel names a VMM by
 * @vmm: a GP100-class VMM
 * @pdb: its root page directory's address and aperture
 *
 * nvkm answers with GP100_VMM_VN_PDB; the root is the VMM's for its
 * lifetime.
 *
 * Context: Process context; may sleep.
 * Return: 0, or the method's error (-EINVAL from an nvkm without it).
 */
int nvsvm_nvif_vmm_pdb(struct nvif_vmm *vmm, struct nvsvm_hw_pdb *pdb)
{
	struct gp100_vmm_pdb_v0 args = {};
	int ret;

	ret = nvif_object_mthd(&vmm->object, GP100_VMM_VN_PDB, &args, sizeof(args));
	if (ret)
		return ret;
	pdb->addr = args.addr;
	pdb->aperture = args.aperture;
	return 0;
}

/* The spans of block @idx that page tables are held for at @shift. */
static unsigned int nvsvm_nvif_pt_spans(const struct nouveau_svm_vm *vm,
					unsigned long idx, u8 shift,
					struct nouveau_svm_window span[2])
{
	return nvsvm_hw_pt_spans((u64)idx << NVSVM_HW_PT_BLOCK_SHIFT, shift,
				 nouveau_svm_vm_unmanaged(vm), span);
}

/* Drop the page-table references of the first @n spans. */
static void nvsvm_nvif_pt_put(struct nvif_vmm *vmm, const struct nouveau_svm_window *span,
			      unsigned int n, u8 shift)
{
	int ret;

	while (n--) {
		ret = nvif_vmm_raw_put(vmm, span[n].start, span[n].end - span[n].start, shift);
		WARN_ONCE(ret, "nouveau svm: PUT %llx-%llx: %d\n",
			  span[n].start, span[n].end, ret);
	}
}

/* Take page-table references on @n spans, all or none. */
static int nvsvm_nvif_pt_get(struct nvif_vmm *vmm, const struct nouveau_svm_window *span,
			     unsigned int n, u8 shift)
{
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = nvif_vmm_raw_get(vmm, span[i].start, span[i].end - span[i].start, shift);
		if (ret) {
			nvsvm_nvif_pt_put(vmm, span, i, shift);
			return ret;
		}
	}
	return 0;
}

/*
 * Clear the entries of block @idx, held at @shift, in [@start, @end); a
 * 2 MiB entry goes whole.  Allocates nothing.
 */
static void nvsvm_nvif_pt_clear(struct nouveau_svm_vm *vm, struct nvif_vmm *vmm,
				unsigned long idx, u8 shift, u64 start, u64 end)
{
	struct nouveau_svm_window span[2];
	unsigned int n, i;
	int ret;

	if (shift == NVSVM_HW_PFN_SHIFT_2M) {
		start = 0;
		end = U64_MAX;
	}
	n = nvsvm_nvif_pt_spans(vm, idx, shift, span);
	for (i = 0; i < n; i++) {
		if (!nvsvm_hw_span_clip(&span[i], start, end))
			continue;
		ret = nvif_vmm_raw_unmap(vmm, span[i].start,
					 span[i].end - span[i].start, shift, false);
		WARN_ONCE(ret, "nouveau svm: UNMAP %llx-%llx: %d\n",
			  span[i].start, span[i].end, ret);
	}
}

/*
 * Stop holding block @idx at @shift: clear its entries and forget it
 * under the notifier lock, so that no unmap walks its page tables any
 * more, then drop the references.
 */
static void nvsvm_nvif_pt_release(struct nouveau_svm_vm *vm, unsigned long idx, u8 shift)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	struct nouveau_svm_window span[2];

	nouveau_svm_vm_assert_held(vm);
	nouveau_svm_vm_notifier_lock(vm);
	nvsvm_nvif_pt_clear(vm, hvm->vmm, idx, shift, 0, U64_MAX);
	xa_erase(&hvm->pts, idx);
	nouveau_svm_vm_notifier_unlock(vm);
	nvsvm_nvif_pt_put(hvm->vmm, span, nvsvm_nvif_pt_spans(vm, idx, shift, span), shift);
}

/* Hold block @idx at @shift, letting go of the other page size first. */
static int nvsvm_nvif_pt_hold(struct nouveau_svm_vm *vm, unsigned long idx, u8 shift)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	void *held = xa_load(&hvm->pts, idx);
	struct nouveau_svm_window span[2];
	unsigned int n;
	int ret;

	if (held && xa_to_value(held) == shift)
		return 0;
	if (held)
		nvsvm_nvif_pt_release(vm, idx, xa_to_value(held));
	n = nvsvm_nvif_pt_spans(vm, idx, shift, span);
	if (WARN_ON_ONCE(!n))
		return -EINVAL;
	ret = nvsvm_nvif_pt_get(hvm->vmm, span, n, shift);
	if (ret)
		return ret;
	ret = xa_err(xa_store(&hvm->pts, idx, xa_mk_value(shift), GFP_KERNEL));
	if (ret)
		nvsvm_nvif_pt_put(hvm->vmm, span, n, shift);
	return ret;
}

/* Whether every block of [@addr, @addr + @size) is held at @shift. */
static bool nvsvm_nvif_pt_held(struct nvsvm_nvif_vm *hvm, u64 addr, u64 size, u8 shift)
{
	unsigned long idx;

	for (idx = addr >> NVSVM_HW_PT_BLOCK_SHIFT;
	     idx <= (addr + size - 1) >> NVSVM_HW_PT_BLOCK_SHIFT; idx++) {
		if (xa_load(&hvm->pts, idx) != xa_mk_value(shift))
			return false;
	}
	return true;
}

/**
 * nvsvm_nvif_vm_fini() - detach an SVM VM from its VMM
 * @vm: the core's VM
 *
 * Implements &nouveau_svm_backend_ops.vm_fini.  The core calls it when
 * the client's file is released, after nouveau has destroyed the
 * client's channels, so no work of the VM is left on the GPU.  Every
 * entry left is cleared and the VM detached (unmap does nothing more)
 * under the notifier lock, then every page-table reference is dropped;
 * the VMM itself goes with the client (nouveau_vmm_fini()).
 *
 * Context: Process context, no core lock held; takes the VM's lock and
 * the notifier lock; may sleep.
 */
void nvsvm_nvif_vm_fini(struct nouveau_svm_vm *vm)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	struct nvif_vmm *vmm = hvm->vmm;
	struct nouveau_svm_window span[2];
	unsigned long idx;
	void *held;

	nouveau_svm_vm_lock(vm);
	nouveau_svm_vm_notifier_lock_write(vm);
	xa_for_each(&hvm->pts, idx, held)
		nvsvm_nvif_pt_clear(vm, vmm, idx, xa_to_value(held), 0, U64_MAX);
	nouveau_svm_vm_set_priv(vm, NULL);
	nouveau_svm_vm_notifier_unlock_write(vm);

	xa_for_each(&hvm->pts, idx, held) {
		u8 shift = xa_to_value(held);

		nvsvm_nvif_pt_put(vmm, span, nvsvm_nvif_pt_spans(vm, idx, shift, span), shift);
	}
	xa_destroy(&hvm->pts);
	nouveau_svm_vm_unlock(vm);

	kvfree(hvm->args);
	kfree(hvm);
}

/* Call @run with each PFNMAP run of @map, in the VM's PFN array. */
static int nvsvm_nvif_map_runs(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map,
			       int (*run)(struct nouveau_svm_vm *vm,
					  const struct nvif_vmm_pfnmap_v0 *args))
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	struct nvsvm_hw_pfn_cursor cur = {};
	int n, ret;

	if (!hvm)
		return -ENODEV;
	/* The core's VRAM offsets are VRAM addresses (DOC: Copy engine on nvif). */
	while ((n = nvsvm_hw_pfnmap_next(map, 0, &cur, hvm->args,
					 NVSVM_NVIF_PFNMAP_MAX)) > 0) {
		ret = run(vm, hvm->args);
		if (ret)
			return ret;
	}
	return n;
}

/* Hold every block of a run at the run's page size. */
static int nvsvm_nvif_prepare_run(struct nouveau_svm_vm *vm,
				  const struct nvif_vmm_pfnmap_v0 *args)
{
	unsigned long idx;
	int ret;

	for (idx = args->addr >> NVSVM_HW_PT_BLOCK_SHIFT;
	     idx <= (args->addr + args->size - 1) >> NVSVM_HW_PT_BLOCK_SHIFT; idx++) {
		ret = nvsvm_nvif_pt_hold(vm, idx, args->page);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * nvsvm_nvif_map_prepare() - take the page tables a map will write
 * @vm: the core's VM
 * @map: what the core is about to map
 *
 * Implements &nouveau_svm_backend_ops.map_prepare: holds every 2 MiB
 * block @map touches at the page size @map will use there (see "GPU page
 * tables on nvif").
 *
 * Context: Process or worker context, the VM's lock held, not the
 * notifier lock; takes the notifier lock to change a block's page size;
 * may sleep and allocate.
 * Return: 0; -ENODEV once the VM is detached; -EINVAL for a map nvkm
 * cannot take; -ENOMEM or another nvif error.
 */
int nvsvm_nvif_map_prepare(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map)
{
	nouveau_svm_vm_assert_held(vm);
	return nvsvm_nvif_map_runs(vm, map, nvsvm_nvif_prepare_run);
}

/**
 * nvsvm_nvif_map_release() - drop the page tables of an unused block
 * @vm: the core's VM
 * @start: first address of a 2 MiB block the core has no range in
 * @end: address just past it
 *
 * Implements &nouveau_svm_backend_ops.map_release: clears and forgets the
 * block under the notifier lock, then drops its page-table references.
 *
 * Context: Process or worker context, the VM's lock held, not the
 * notifier lock; takes it; may sleep.
 */
void nvsvm_nvif_map_release(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	unsigned long idx;
	void *held;

	nouveau_svm_vm_assert_held(vm);
	if (!hvm || start >= end)
		return;
	for (idx = start >> NVSVM_HW_PT_BLOCK_SHIFT;
	     idx <= (end - 1) >> NVSVM_HW_PT_BLOCK_SHIFT; idx++) {
		held = xa_load(&hvm->pts, idx);
		if (held)
			nvsvm_nvif_pt_release(vm, idx, xa_to_value(held));
	}
}

/* Write a run's entries, on blocks held at its page size. */
static int nvsvm_nvif_map_run(struct nouveau_svm_vm *vm,
			      const struct nvif_vmm_pfnmap_v0 *args)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);

	if (WARN_ON_ONCE(!nvsvm_nvif_pt_held(hvm, args->addr, args->size, args->page)))
		return -EINVAL;
	return nvif_vmm_raw_pfnmap(hvm->vmm, args->addr, args->size, args->page,
				   args->phys);
}

/**
 * nvsvm_nvif_map() - enter pages into the GPU page table
 * @vm: the core's VM
 * @map: what to map
 *
 * Implements &nouveau_svm_backend_ops.map: one NVIF_VMM_RAW_V0_PFNMAP per
 * run of one page size, at most NVSVM_NVIF_PFNMAP_MAX entries each, on
 * the page tables nvsvm_nvif_map_prepare() took for the same @map.
 *
 * Context: The VM's lock and the notifier lock (read) held; allocates
 * nothing; may sleep.
 * Return: 0; -ENODEV once the VM is detached; -EINVAL for a map nvkm
 * cannot take or one that was not prepared; an nvif error.
 */
int nvsvm_nvif_map(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map)
{
	nouveau_svm_vm_assert_held(vm);
	nouveau_svm_vm_assert_notifier_held(vm);
	return nvsvm_nvif_map_runs(vm, map, nvsvm_nvif_map_run);
}

/**
 * nvsvm_nvif_unmap() - clear GPU mappings and invalidate the TLBs
 * @vm: the core's VM
 * @start: first address
 * @end: address just past the last
 *
 * Implements &nouveau_svm_backend_ops.unmap: one NVIF_VMM_RAW_V0_UNMAP
 * per held block part in [@start, @end), which returns once nvkm has
 * cleared the entries and invalidated the TLBs.  Blocks that hold no page
 * tables have no entries.  The arguments live on the stack:
 * nvif_object_mthd() copies them to its own stack buffer.
 *
 * Context: The notifier lock (write, from an MMU notifier) or the VM's
 * lock held; allocates nothing; may sleep.
 */
void nvsvm_nvif_unmap(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct nvsvm_nvif_vm *hvm = nouveau_svm_vm_priv(vm);
	unsigned long idx;
	void *held;

	if (!hvm || start >= end)
		return;
	xa_for_each_range(&hvm->pts, idx, held, start >> NVSVM_HW_PT_BLOCK_SHIFT,
			  (end - 1) >> NVSVM_HW_PT_BLOCK_SHIFT)
		nvsvm_nvif_pt_clear(vm, hvm->vmm, idx, xa_to_value(held), start, end);
}
