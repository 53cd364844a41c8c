// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: nouveau's entry points (device
 * init, fini, suspend and resume, the SVM ioctls and the capability
 * query, channels joining and leaving an SVM VMM, the client's counters
 * in fdinfo) and the backend ops table the SVM core drives.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: nouveau hardware backend
 *
 * nouveau calls the functions of nouveau_svm.h; they set up the SVM core
 * (nouveau_svm_dev_init()) with the ops of this backend, and pass
 * SVM_INIT and SVM_BIND to the core's handlers.  All talk to the GPU goes
 * through nvif, in the backend's files: the fault buffers
 * (nvsvm_nvif_fault.c), the GPU page tables (nvsvm_nvif_vmm.c), the copy
 * engine and VRAM (nvsvm_nvif_copy.c).
 *
 * Supported: Pascal, Volta, Turing and Ampere GPUs that nvkm drives
 * itself, and Turing, Ampere and Ada GPUs that run GSP-RM firmware, with
 * direct DMA (no IOMMU translation nor bounce buffers).  Under GSP-RM,
 * faults are replayed and cancelled with host methods on a privileged
 * channel of SVM's own (see "Replay and cancel under GSP-RM"), and
 * non-replayable faults come through a queue the firmware fills (see
 * "Non-replayable faults").  Elsewhere SVM_INIT
 * fails with -ENODEV, NOUVEAU_GETPARAM_SVM_CAPS reads 0 and
 * NOUVEAU_GETPARAM_SVM_UNAVAILABLE says why.  None of this has run on a
 * GPU yet.
 *
 * SVM_INIT creates the client's SVM VMM (a RAW VMM with replayable
 * faults, nvkm's own region being the unmanaged window) before the core
 * creates the VM, and hands it to vm_init through &nouveau_svm.attach.
 * nouveau then uses that VMM for the client's new channels, and each
 * channel registers its instance so that its faults reach the VM.
 */

/**
 * DOC: Locking
 *
 * - &nouveau_cli.mutex (nouveau's) protects the client's VMMs; SVM_INIT
 *   holds it throughout, then &nouveau_svm.attach_lock, which serialises
 *   the hand-over of the VMM to vm_init.  Order: client mutex, attach_lock,
 *   then the core's locks.
 * - The client's &struct nouveau_svmm is set once, by SVM_INIT under the
 *   client mutex, and freed only when the file is released.  SVM_BIND and
 *   fdinfo read the pointer under the client mutex and use it after
 *   dropping it: both run with the file held, so before its release.
 * - &nouveau_svm.chan_lock protects the channel list (and the recovery
 *   bookkeeping); channels join and part under it.
 * - &nouveau_svm.unavailable and the device state are written at device
 *   init only.
 * - nouveau's VRAM dmem cgroup region calls nouveau_svm_dmem_reclaim()
 *   whenever a cgroup's dmem.max is lowered, device init and teardown
 *   included.  nvsvm_nvif_srcu keeps &nouveau_svm, and the core's device
 *   memory while &nouveau_svm.devmem is set, alive for it: teardown
 *   clears them and waits for the callbacks in progress before it frees
 *   either.
 */

#include <linux/device.h>
#include <linux/dma-map-ops.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/swiotlb.h>
#include <drm/nouveau_drm.h>
#include <nvif/class.h>
#include <nvif/ifc00d.h>
#include <subdev/gsp.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_bo.h"
#include "../../nouveau_chan.h"
#include "../../nouveau_svm.h"
#include "nvsvm_nvif.h"

/* See DOC: Locking: nouveau_svm_dmem_reclaim() against teardown. */
DEFINE_STATIC_SRCU(nvsvm_nvif_srcu);

static const struct nouveau_svm_backend_ops nvsvm_nvif_ops = {
	.vm_init = nvsvm_nvif_vm_init,
	.vm_fini = nvsvm_nvif_vm_fini,
	.fault_fetch = nvsvm_nvif_fault_fetch,
	.fault_replay = nvsvm_nvif_fault_replay,
	.fault_cancel = nvsvm_nvif_fault_cancel,
	.map_prepare = nvsvm_nvif_map_prepare,
	.map_release = nvsvm_nvif_map_release,
	.map = nvsvm_nvif_map,
	.unmap = nvsvm_nvif_unmap,
	.copy = nvsvm_nvif_copy,
	.chunk_alloc = nvsvm_nvif_chunk_alloc,
	.chunk_free = nvsvm_nvif_chunk_free,
	.chunk_touch = nvsvm_nvif_chunk_touch,
};

/* GB20x: chipsets from 0x1b0 on (nvkm's GB20x card type; GB202 is 0x1b2). */
#define NVSVM_NVIF_CHIPSET_GB20X	0x1b0

static const char *const nvsvm_nvif_reasons[] = {
	[NOUVEAU_SVM_UNAVAILABLE__GPU] = "GPU family without usable replayable faults",
	[NOUVEAU_SVM_UNAVAILABLE__IOMMU] = "DMA translated by an IOMMU, or bounce buffers",
	[NOUVEAU_SVM_UNAVAILABLE__INIT_FAILED] = "setup failed",
};

/*
 * Why SVM cannot run on @drm's GPU, 0 when it can.  GB20x is left out:
 * its channel class, BLACKWELL_CHANNEL_GPFIFO_B, has no published MEM_OP
 * methods to replay and cancel with, and nvkm gives it no fault subdev.
 * Ada, Hopper and GB10x run GSP-RM only; Turing and Ampere either way.
 */
static u32 nvsvm_nvif_check(struct nouveau_drm *drm)
{
	struct device *dev = drm->dev->dev;
	u8 family = drm->client.device.info.family;

	if (family < NV_DEVICE_INFO_V0_PASCAL ||
	    family > NV_DEVICE_INFO_V0_BLACKWELL ||
	    drm->client.device.info.chipset >= NVSVM_NVIF_CHIPSET_GB20X)
		return NOUVEAU_SVM_UNAVAILABLE__GPU;
	if (!nvsvm_hw_dma_direct(device_iommu_mapped(dev),
				 iommu_get_domain_for_dev(dev),
				 is_swiotlb_force_bounce(dev)))
		return NOUVEAU_SVM_UNAVAILABLE__IOMMU;
	return 0;
}

/* Device memory is optional: SVM runs without it. */
static void nvsvm_nvif_start_devmem(struct nouveau_svm *svm)
{
	int ret;

	ret = nvsvm_nvif_copy_init(svm);
	/* Charged in nouveau's VRAM region: see DOC: Copy engine on nvif. */
	if (!ret && svm->copy.size)
		ret = nouveau_svm_devmem_init(&svm->sdev, svm->copy.size,
					      nvsvm_nvif_copy_region(svm));
	if (ret) {
		NV_WARN(svm->drm, "svm: no device memory: %d\n", ret);
		nvsvm_nvif_copy_fini(svm);
		return;
	}
	if (!svm->copy.size)
		return;
	/* Pairs with nouveau_svm_dmem_reclaim(): the device memory is set up. */
	smp_store_release(&svm->devmem, true);
}

/* No reclaim reaches the core's device memory once it returns. */
static void nvsvm_nvif_stop_devmem(struct nouveau_svm *svm)
{
	WRITE_ONCE(svm->devmem, false);
	synchronize_srcu(&nvsvm_nvif_srcu);
	nouveau_svm_devmem_fini(&svm->sdev);
}

static int nvsvm_nvif_start(struct nouveau_svm *svm)
{
	struct nouveau_drm *drm = svm->drm;
	int ret;

	if (nvkm_gsp_rm(nvxx_device(drm)->gsp)) {
		ret = nvsvm_nvif_memop_init(svm);
		if (ret) {
			NV_WARN(drm, "svm: no channel to replay and cancel faults on: %d\n",
				ret);
			return ret;
		}
	}
	ret = nvsvm_nvif_fault_init(svm);
	if (ret) {
		nvsvm_nvif_memop_fini(svm);
		return ret;
	}
	nvsvm_hw_recover_init(&svm->recover, drm->client.device.info.family >=
					     NV_DEVICE_INFO_V0_VOLTA);
	ret = nouveau_svm_dev_init(&svm->sdev, drm->dev, &nvsvm_nvif_ops,
				   svm->fault.max);
	if (ret) {
		nvsvm_nvif_fault_fini(svm);
		nvsvm_nvif_memop_fini(svm);
		return ret;
	}
	nvsvm_nvif_start_devmem(svm);
	nvsvm_nvif_fault_resume(svm);
	return 0;
}

/**
 * nouveau_svm_init() - set SVM up on a nouveau device
 * @drm: the device
 *
 * Always leaves drm->svm set (unless out of memory), so that the
 * capability query can say why SVM is unavailable.
 *
 * Context: Process context (device init); may sleep.
 */
void nouveau_svm_init(struct nouveau_drm *drm)
{
	struct nouveau_svm *svm;

	svm = kzalloc_obj(*svm);
	if (!svm)
		return;
	svm->drm = drm;
	mutex_init(&svm->attach_lock);
	mutex_init(&svm->chan_lock);
	INIT_LIST_HEAD(&svm->chans);
	nouveau_svm_file_init(&svm->idle);
	/* Published to nouveau_svm_dmem_reclaim(), which may run already. */
	smp_store_release(&drm->svm, svm);

	svm->unavailable = nvsvm_nvif_check(drm);
	if (!svm->unavailable && nvsvm_nvif_start(svm))
		svm->unavailable = NOUVEAU_SVM_UNAVAILABLE__INIT_FAILED;
	if (svm->unavailable) {
		NV_INFO(drm, "svm: unavailable: %s\n",
			nvsvm_nvif_reasons[svm->unavailable] ?: "unknown");
		return;
	}
	NV_INFO(drm, "svm: %u replayable and %u non-replayable fault entries\n",
		svm->fault.entries, svm->nrfault.entries);
	if (svm->copy.size)
		NV_INFO(drm, "svm: migration to VRAM, %u MiB at most\n",
			svm->copy.max_chunks * (NOUVEAU_SVM_CHUNK_SIZE >> 20));
}

/**
 * nouveau_svm_fini() - tear SVM down on a nouveau device
 * @drm: the device
 *
 * Every client's SVM VM must be gone (nouveau destroys its clients
 * first); device memory still in use is evicted by the core.
 *
 * Context: Process context (device teardown); may sleep.
 */
void nouveau_svm_fini(struct nouveau_drm *drm)
{
	struct nouveau_svm *svm = drm->svm;

	if (!svm)
		return;
	if (!svm->unavailable) {
		if (svm->copy.size)
			nvsvm_nvif_stop_devmem(svm);
		nvsvm_nvif_fault_fini(svm);
		nouveau_svm_dev_fini(&svm->sdev);
		nvsvm_nvif_memop_fini(svm);
		nvsvm_nvif_copy_fini(svm);
	}
	nouveau_svm_file_fini(&svm->idle);
	WARN_ON(!list_empty(&svm->chans));
	mutex_destroy(&svm->chan_lock);
	mutex_destroy(&svm->attach_lock);
	/*
	 * A chunk buffer leaked at teardown looks for it in its evict hook,
	 * nouveau_svm_dmem_reclaim() until the callbacks in progress end.
	 */
	WRITE_ONCE(drm->svm, NULL);
	synchronize_srcu(&nvsvm_nvif_srcu);
	kfree(svm);
}

/**
 * nouveau_svm_dmem_reclaim() - make a cgroup give back SVM's VRAM
 * @drm: the device
 * @pool: the pool, in nouveau's VRAM dmem cgroup region, of the cgroup
 *	whose dmem.max was set below what it holds
 * @target_bytes: how much SVM should give back
 *
 * For the reclaim callback of nouveau's VRAM region, which SVM charges
 * its processes' VRAM in: evicts allocations charged inside @pool to
 * system memory until @target_bytes have gone
 * (nouveau_svm_devmem_reclaim()).  It may run at any time, device init
 * and teardown included.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOSPC when SVM holds nothing there it can evict.
 */
int nouveau_svm_dmem_reclaim(struct nouveau_drm *drm,
			     struct dmem_cgroup_pool_state *pool, u64 target_bytes)
{
	struct nouveau_svm *svm;
	int idx, ret = -ENOSPC;

	idx = srcu_read_lock(&nvsvm_nvif_srcu);
	/* Pairs with the release in nouveau_svm_init(). */
	svm = smp_load_acquire(&drm->svm);
	if (!svm)
		goto out;
	/* Pairs with the release in nvsvm_nvif_start_devmem(). */
	if (smp_load_acquire(&svm->devmem))
		ret = nouveau_svm_devmem_reclaim(&svm->sdev, pool, target_bytes);
out:
	srcu_read_unlock(&nvsvm_nvif_srcu, idx);
	return ret;
}

/**
 * nouveau_svm_suspend() - stop serving faults, empty SVM's VRAM
 * @drm: the device
 *
 * Every GPU mapping the core made goes, so that nothing the GPU reaches
 * after resume depends on what its page tables kept: the GPU faults and
 * the core maps again.  Then every page SVM holds in VRAM goes back to
 * its process and every chunk to TTM (nouveau_svm_devmem_evict()), since
 * VRAM does not keep its contents while the device sleeps, and
 * ttm_resource_manager_evict_all() in nouveau's suspend stops at the
 * first buffer it cannot evict.  A chunk holds a runtime-PM reference, so
 * a runtime suspend finds none; a system suspend finds tasks frozen and
 * the fault worker stopped, so nothing migrates meanwhile.
 *
 * Once only: a second call before nouveau_svm_resume() does nothing.
 *
 * Context: Process context (system or runtime suspend); may sleep.
 * Return: 0; -EBUSY when pages could not leave VRAM: SVM is resumed and
 * the suspend must fail (nouveau_do_suspend() then fails it).
 */
int nouveau_svm_suspend(struct nouveau_drm *drm)
{
	struct nouveau_svm *svm = drm->svm;
	int ret;

	if (!svm || svm->unavailable || svm->suspended)
		return 0;
	svm->suspended = true;
	nvsvm_nvif_fault_suspend(svm);
	nouveau_svm_dev_gpu_unmap_all(&svm->sdev);
	ret = nouveau_svm_devmem_evict(&svm->sdev);
	if (ret) {
		NV_ERROR(drm, "svm: %llu KiB could not leave VRAM: no suspend\n",
			 nouveau_svm_devmem_used(&svm->sdev) >> 10);
		nouveau_svm_resume(drm);
	}
	return ret;
}

/**
 * nouveau_svm_resume() - serve faults again
 * @drm: the device
 *
 * Does nothing unless nouveau_svm_suspend() ran: nouveau also calls it
 * when a suspend fails, wherever it failed (every error exit of
 * nouveau_do_suspend()).
 *
 * Context: Process context (resume); may sleep.
 */
void nouveau_svm_resume(struct nouveau_drm *drm)
{
	struct nouveau_svm *svm = drm->svm;

	if (!svm || svm->unavailable || !svm->suspended)
		return;
	svm->suspended = false;
	nvsvm_nvif_fault_resume(svm);
}

/* The device's SVM capabilities: the core's, and the backend's own. */
static u64 nvsvm_nvif_caps(struct nouveau_svm *svm)
{
	u64 caps = nouveau_svm_dev_caps(&svm->sdev);

	if (READ_ONCE(svm->copy_faults))
		caps |= NOUVEAU_SVM_CAP_COPY_FAULTS;
	return caps;
}

/**
 * nouveau_svm_getparam() - answer the SVM parameters of GETPARAM
 * @drm: the device
 * @param: NOUVEAU_GETPARAM_SVM_CAPS, NOUVEAU_GETPARAM_SVM_UNAVAILABLE or
 *	NOUVEAU_GETPARAM_SVM_VRAM_USED
 * @value: the answer
 *
 * The capabilities are the core's (nouveau_svm_dev_caps()) and
 * NOUVEAU_SVM_CAP_COPY_FAULTS while the backend holds the non-replayable
 * fault buffer (see "Non-replayable faults").
 *
 * Context: Process context (ioctl).
 * Return: 0, or -EINVAL for another @param.
 */
int nouveau_svm_getparam(struct nouveau_drm *drm, u64 param, u64 *value)
{
	struct nouveau_svm *svm = drm->svm;

	switch (param) {
	case NOUVEAU_GETPARAM_SVM_CAPS:
		*value = svm && !svm->unavailable ? nvsvm_nvif_caps(svm) : 0;
		return 0;
	case NOUVEAU_GETPARAM_SVM_UNAVAILABLE:
		*value = svm ? svm->unavailable : NOUVEAU_SVM_UNAVAILABLE__INIT_FAILED;
		return 0;
	case NOUVEAU_GETPARAM_SVM_VRAM_USED:
		*value = svm && !svm->unavailable ? nouveau_svm_devmem_used(&svm->sdev) : 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/* The client's SVM VMM, replayable faults on, nvkm's region @um. */
static int nvsvm_nvif_vmm_new(struct nouveau_cli *cli,
			      const struct nouveau_svm_window *um)
{
	struct gp100_vmm_v0 args = { .fault_replay = true };

	return nvif_vmm_ctor(&cli->mmu, "svmVmm", cli->vmm.vmm.object.oclass, RAW,
			     um->start, um->end - um->start, &args, sizeof(args),
			     &cli->svm.vmm);
}

/* The client's SVM VMM, and its page directory where cancels name it. */
static int nvsvm_nvif_svmm_vmm(struct nouveau_svm *svm, struct nouveau_cli *cli,
			       struct nouveau_svmm *svmm,
			       const struct nouveau_svm_window *um)
{
	int ret;

	ret = nvsvm_nvif_vmm_new(cli, um);
	if (ret || !svm->memop.chan)
		return ret;
	ret = nvsvm_nvif_vmm_pdb(&cli->svm.vmm, &svmm->pdb);
	if (ret)
		nvif_vmm_dtor(&cli->svm.vmm);
	return ret;
}

/* Create the VMM, then the core's VM on it; the client's mutex held. */
static int nvsvm_nvif_svmm_init(struct nouveau_svm *svm, struct nouveau_cli *cli,
				struct nouveau_svmm *svmm,
				struct drm_nouveau_svm_init *args,
				const struct nouveau_svm_window *um)
{
	int ret;

	lockdep_assert_held(&cli->mutex);
	if (cli->svm.cli)
		return -EBUSY;
	ret = nvsvm_nvif_svmm_vmm(svm, cli, svmm, um);
	if (ret)
		return ret;

	mutex_lock(&svm->attach_lock);
	svm->attach = &cli->svm.vmm;
	ret = nouveau_svm_ioctl_init(&svm->sdev, &svmm->sfile, args);
	svm->attach = NULL;
	mutex_unlock(&svm->attach_lock);
	if (ret) {
		nvif_vmm_dtor(&cli->svm.vmm);
		return ret;
	}
	cli->svm.svmm = svmm;
	cli->svm.cli = cli;
	return 0;
}

/**
 * nouveau_svmm_init() - DRM_NOUVEAU_SVM_INIT
 * @dev: the DRM device
 * @data: &struct drm_nouveau_svm_init
 * @file: the calling file
 *
 * Makes the client's SVM VMM and the core's SVM VM mirroring the caller;
 * the client's channels created from now on use that VMM.
 *
 * Context: Process context (ioctl); may sleep.
 * Return: 0; -ENODEV when SVM is unavailable on the device; -EBUSY when
 * the client has SVM already; the errors of nouveau_svm_ioctl_init();
 * -ENOMEM; an nvif error creating the VMM or, under GSP-RM, reading its
 * page directory.
 */
int nouveau_svmm_init(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct nouveau_svm *svm = nouveau_drm(dev)->svm;
	struct nouveau_cli *cli = nouveau_cli(file);
	struct nouveau_svm_window um;
	struct nouveau_svmm *svmm;
	int ret;

	if (!svm || svm->unavailable)
		return -ENODEV;
	ret = nouveau_svm_init_args(data, TASK_SIZE, &um);
	if (ret)
		return ret;
	svmm = kzalloc_obj(*svmm);
	if (!svmm)
		return -ENOMEM;
	svmm->svm = svm;
	nouveau_svm_file_init(&svmm->sfile);

	mutex_lock(&cli->mutex);
	ret = nvsvm_nvif_svmm_init(svm, cli, svmm, data, &um);
	mutex_unlock(&cli->mutex);
	if (ret) {
		nouveau_svm_file_fini(&svmm->sfile);
		kfree(svmm);
	}
	return ret;
}

/**
 * nouveau_svmm_bind() - DRM_NOUVEAU_SVM_BIND
 * @dev: the DRM device
 * @data: &struct drm_nouveau_svm_bind
 * @file: the calling file
 *
 * Context: Process context (ioctl); may sleep.
 * Return: -ENODEV when SVM is unavailable on the device, else what
 * nouveau_svm_ioctl_bind() returns (-EINVAL before SVM_INIT).
 */
int nouveau_svmm_bind(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct nouveau_svm *svm = nouveau_drm(dev)->svm;
	struct nouveau_cli *cli = nouveau_cli(file);
	struct nouveau_svmm *svmm;

	if (!svm || svm->unavailable)
		return -ENODEV;
	/* Set once by SVM_INIT, freed only when the file is released. */
	mutex_lock(&cli->mutex);
	svmm = cli->svm.svmm;
	mutex_unlock(&cli->mutex);
	return nouveau_svm_ioctl_bind(&svm->sdev, svmm ? &svmm->sfile : &svm->idle,
				      data);
}

/**
 * nouveau_svm_show_fdinfo() - print a client's SVM counters in fdinfo
 * @p: the fdinfo printer
 * @file: the client's file
 *
 * Prints the core's nouveau-svm-* lines (nouveau_svm_file_show_fdinfo())
 * for a client that did SVM_INIT; nothing for one that did not, which
 * includes every client of a device where SVM is unavailable.
 *
 * Context: Process context (&drm_driver.show_fdinfo, the file held);
 * takes &nouveau_cli.mutex, drops it, then takes the core's
 * &nouveau_svm_file.lock.
 */
void nouveau_svm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct nouveau_cli *cli = nouveau_cli(file);
	struct nouveau_svmm *svmm;

	/* Set once by SVM_INIT, freed only when the file is released. */
	mutex_lock(&cli->mutex);
	svmm = cli->svm.svmm;
	mutex_unlock(&cli->mutex);
	if (svmm)
		nouveau_svm_file_show_fdinfo(&svmm->sfile, p);
}

/**
 * nouveau_svmm_fini() - end a client's SVM
 * @psvmm: the client's SVM state, NULL when it has none; set to NULL
 *
 * Destroys the client's SVM VM (the core evicts its VRAM); the caller
 * destroys the VMM afterwards.
 *
 * Context: Process context (client teardown, its channels destroyed);
 * may sleep.
 */
void nouveau_svmm_fini(struct nouveau_svmm **psvmm)
{
	struct nouveau_svmm *svmm = *psvmm;

	if (!svmm)
		return;
	nouveau_svm_file_fini(&svmm->sfile);
	kfree(svmm);
	*psvmm = NULL;
}

/* The context number of a channel's VM (nouveau_svm_file_call_vm()). */
static void nvsvm_nvif_chan_ctx(struct nouveau_svm_vm *vm, void *ctx)
{
	*(u64 *)ctx = nouveau_svm_vm_inst(vm);
}

/**
 * nouveau_svmm_join() - a channel of an SVM VMM is created
 * @svmm: the client's SVM state, NULL for a VMM without SVM
 * @chan: the channel
 *
 * Its faults are served in the client's SVM VM from now on.
 *
 * Context: Process context (channel creation); takes
 * &nouveau_svm.chan_lock.
 * Return: 0 or -ENOMEM.
 */
int nouveau_svmm_join(struct nouveau_svmm *svmm, struct nouveau_channel *chan)
{
	struct nouveau_svm *svm;
	struct nvsvm_nvif_chan *c;

	if (!svmm)
		return 0;
	svm = svmm->svm;
	c = kzalloc_obj(*c);
	if (!c)
		return -ENOMEM;
	c->chan = chan;
	c->inst = chan->inst;
	c->pdb = svmm->pdb;
	nouveau_svm_file_call_vm(&svmm->sfile, nvsvm_nvif_chan_ctx, &c->ctx);

	mutex_lock(&svm->chan_lock);
	c->gen = ++svm->chan_gen;
	list_add_tail(&c->head, &svm->chans);
	mutex_unlock(&svm->chan_lock);
	return 0;
}

/**
 * nouveau_svmm_part() - a channel of an SVM VMM is destroyed
 * @svmm: the client's SVM state, NULL for a VMM without SVM
 * @chan: the channel
 *
 * Its instance is forgotten, by the fault lookup and by channel recovery,
 * so that a new channel may reuse it.
 *
 * Context: Process context (channel teardown); takes
 * &nouveau_svm.chan_lock.
 */
void nouveau_svmm_part(struct nouveau_svmm *svmm, struct nouveau_channel *chan)
{
	struct nouveau_svm *svm;
	struct nvsvm_nvif_chan *c, *found = NULL;

	if (!svmm)
		return;
	svm = svmm->svm;
	mutex_lock(&svm->chan_lock);
	list_for_each_entry(c, &svm->chans, head) {
		if (c->chan == chan) {
			found = c;
			list_del(&c->head);
			nvsvm_hw_recover_forget(&svm->recover, c->inst);
			break;
		}
	}
	mutex_unlock(&svm->chan_lock);
	kfree(found);
}
