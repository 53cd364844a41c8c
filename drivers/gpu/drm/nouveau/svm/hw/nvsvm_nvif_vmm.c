// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: the GPU address space of an SVM
 * VM (the client's SVM VMM) and its mappings, through nvkm's
 * NVIF_VMM_V0_PFNMAP and NVIF_VMM_V0_PFNCLR.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: GPU page tables on nvif
 *
 * SVM_INIT makes the client a MANAGED VMM with replayable faults whose
 * nvkm-managed region is the unmanaged window: everything outside it is
 * reserved for the client, which is what PFNMAP requires (nvkm rejects a
 * PFNMAP outside a client-managed region).
 *
 * A map becomes PFNMAP calls of one page size each, built by
 * nvsvm_hw_pfnmap_next() (4 KiB PTEs, 2 MiB PDE0 entries; read, write and
 * atomic bits; host or VRAM aperture).  nvkm writes the PTEs and
 * invalidates the GPU TLBs before PFNMAP and PFNCLR return, which is what
 * the core's map and unmap ops need: after unmap returns the GPU can no
 * longer reach the pages.
 *
 * nvkm takes a host entry's address as a CPU physical address and DMA
 * maps the page itself.  The core hands over DMA addresses drm_gpusvm
 * mapped; the backend turns them back into physical addresses with
 * dma_to_phys(), which is only right for direct DMA: SVM is off on a GPU
 * behind an IOMMU or bounce buffers (NOUVEAU_SVM_UNAVAILABLE__IOMMU).
 *
 * Known limits inherited from nvkm: PFNMAP may allocate page tables and
 * PFNCLR may split nvkm's region nodes, with GFP_KERNEL, although the core
 * calls map under the notifier lock and unmap from MMU notifiers.  Upstream
 * nouveau SVM has the same limits; lifting them needs nvkm changes.
 *
 * DOC: Locking
 *
 * - &nvsvm_nvif_vm.vmm is cleared by vm_fini under both the VM's lock and
 *   the notifier lock (write); map holds the first, unmap one of the two,
 *   so each sees either the VMM or NULL, never a VMM being destroyed.
 * - &nvsvm_nvif_vm.args, the PFNMAP buffer, is used by map only, under the
 *   VM's lock.
 * - nvkm serialises page-table updates of a VMM itself.
 */

#include <linux/dma-direct.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <nvif/ioctl.h>

#include "../../nouveau_drv.h"
#include "nvsvm_nvif.h"

/* Entries one PFNMAP call takes: 4 KiB of arguments. */
#define NVSVM_NVIF_PFNMAP_MAX	512

/**
 * struct nvsvm_nvif_pfnmap - the nvif ioctl of one PFNMAP call
 * @i: ioctl header
 * @m: method header
 * @p: the PFNMAP arguments, with NVSVM_NVIF_PFNMAP_MAX entries of room
 */
struct nvsvm_nvif_pfnmap {
	struct nvif_ioctl_v0_hdr i;
	struct nvif_ioctl_mthd_v0_hdr m;
	struct nvif_vmm_pfnmap_v0 p;
};

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
	struct nouveau_svm *svm = nvsvm_nvif(vm->sdev);
	struct nvsvm_nvif_vm *hvm;
	int inst;

	lockdep_assert_held(&svm->attach_lock);
	if (WARN_ON(!svm->attach))
		return -EINVAL;

	hvm = kzalloc_obj(*hvm);
	if (!hvm)
		return -ENOMEM;
	hvm->args = kvzalloc(struct_size(hvm->args, p.phys, NVSVM_NVIF_PFNMAP_MAX),
			     GFP_KERNEL);
	inst = ida_alloc_min(&svm->insts, 1, GFP_KERNEL);
	if (!hvm->args || inst < 0) {
		if (inst >= 0)
			ida_free(&svm->insts, inst);
		kvfree(hvm->args);
		kfree(hvm);
		return -ENOMEM;
	}
	hvm->svm = svm;
	hvm->vmm = svm->attach;
	vm->inst = inst;
	vm->priv = hvm;
	return 0;
}

/* Clear whatever PFN mappings are left in [@start, @end). */
static void nvsvm_nvif_clear(struct nvif_vmm *vmm, u64 start, u64 end)
{
	struct nvif_vmm_pfnclr_v0 args;

	if (!nvsvm_hw_pfnclr_encode(start, end, &args))
		nvif_object_mthd(&vmm->object, NVIF_VMM_V0_PFNCLR, &args, sizeof(args));
}

/**
 * nvsvm_nvif_vm_fini() - detach an SVM VM from its VMM
 * @vm: the core's VM
 *
 * Implements &nouveau_svm_backend_ops.vm_fini.  The core calls it when
 * the client's file is released, after nouveau has destroyed the
 * client's channels, so no work of the VM is left on the GPU.  The VM
 * stops honouring unmap, and every PFN mapping left is cleared; the VMM
 * itself goes with the client (nouveau_vmm_fini()).
 *
 * Context: Process context, no core lock held; takes the VM's lock and
 * the notifier lock; may sleep.
 */
void nvsvm_nvif_vm_fini(struct nouveau_svm_vm *vm)
{
	struct nvsvm_nvif_vm *hvm = vm->priv;
	const struct nouveau_svm_window *um = &vm->unmanaged;
	struct nvif_vmm *vmm;

	mutex_lock(&vm->lock);
	drm_gpusvm_notifier_lock(&vm->gpusvm);
	vmm = hvm->vmm;
	hvm->vmm = NULL;
	drm_gpusvm_notifier_unlock(&vm->gpusvm);
	mutex_unlock(&vm->lock);

	if (vmm) {
		nvsvm_nvif_clear(vmm, 0, um->start);
		nvsvm_nvif_clear(vmm, um->end, TASK_SIZE);
	}
	ida_free(&hvm->svm->insts, vm->inst);
	kvfree(hvm->args);
	kfree(hvm);
}

/*
 * nvkm wants a CPU physical address for a host page; the core gives the
 * DMA address of a direct mapping (see "GPU page tables on nvif").
 */
static void nvsvm_nvif_host_phys(struct device *dev, struct nvif_vmm_pfnmap_v0 *p,
				 unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 e = p->phys[i];
		phys_addr_t phys;

		if (!(e & NVIF_VMM_PFNMAP_V0_V) ||
		    (e & NVIF_VMM_PFNMAP_V0_APER) != NVIF_VMM_PFNMAP_V0_HOST)
			continue;
		phys = dma_to_phys(dev, e & NVIF_VMM_PFNMAP_V0_ADDR);
		p->phys[i] = (e & ~NVIF_VMM_PFNMAP_V0_ADDR) |
			     (phys & NVIF_VMM_PFNMAP_V0_ADDR);
	}
}

/**
 * nvsvm_nvif_map() - enter pages into the GPU page table
 * @vm: the core's VM
 * @map: what to map
 *
 * Implements &nouveau_svm_backend_ops.map: one PFNMAP per run of one page
 * size, at most NVSVM_NVIF_PFNMAP_MAX entries each.
 *
 * Context: The VM's lock and the notifier lock (read) held; may sleep.
 * Return: 0; -ENODEV once the VM is detached; -EINVAL for a map nvkm
 * cannot take; an nvif error.
 */
int nvsvm_nvif_map(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map)
{
	struct nvsvm_nvif_vm *hvm = vm->priv;
	struct nvsvm_nvif_pfnmap *args = hvm->args;
	struct device *dev = hvm->svm->drm->dev->dev;
	struct nvsvm_hw_pfn_cursor cur = {};
	int n, ret;

	lockdep_assert_held(&vm->lock);
	if (!hvm->vmm)
		return -ENODEV;

	while ((n = nvsvm_hw_pfnmap_next(map, hvm->svm->copy.base, &cur, &args->p,
					 NVSVM_NVIF_PFNMAP_MAX)) > 0) {
		nvsvm_nvif_host_phys(dev, &args->p, n);
		args->i = (struct nvif_ioctl_v0_hdr) { .type = NVIF_IOCTL_V0_MTHD };
		args->m = (struct nvif_ioctl_mthd_v0_hdr) { .method = NVIF_VMM_V0_PFNMAP };
		ret = nvif_object_ioctl(&hvm->vmm->object, args,
					struct_size(args, p.phys, n), NULL);
		if (ret)
			return ret;
	}
	return n;
}

/**
 * nvsvm_nvif_unmap() - clear GPU mappings and invalidate the TLBs
 * @vm: the core's VM
 * @start: first address
 * @end: address just past the last
 *
 * Implements &nouveau_svm_backend_ops.unmap with one PFNCLR, which
 * returns once nvkm has cleared the PTEs and invalidated the TLBs.  The
 * arguments live on the stack: nvif_object_mthd() copies them to its own
 * stack buffer.
 *
 * Context: The notifier lock (write) or the VM's lock held; may sleep.
 */
void nvsvm_nvif_unmap(struct nouveau_svm_vm *vm, u64 start, u64 end)
{
	struct nvsvm_nvif_vm *hvm = vm->priv;
	struct nvif_vmm_pfnclr_v0 args;
	int ret;

	if (!hvm || !hvm->vmm || nvsvm_hw_pfnclr_encode(start, end, &args))
		return;
	ret = nvif_object_mthd(&hvm->vmm->object, NVIF_VMM_V0_PFNCLR, &args,
			       sizeof(args));
	WARN_ONCE(ret, "nouveau svm: PFNCLR %llx-%llx: %d\n", start, end, ret);
}
