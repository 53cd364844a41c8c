// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: migration copies and clears on
 * nouveau's copy-engine channel, and the VRAM carve-out the core manages
 * as device memory.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Copy engine on nvif
 *
 * The backend uses the channel nouveau moves buffers with (drm->ttm.chan)
 * when its copy object is of a class the stream builder knows
 * (nvsvm_hw_copy_class_supported(): Pascal to Ampere).  One copy op of
 * the core, a run of pages contiguous in VRAM, is pushed as one stream:
 * both sides in physical addressing, one launch per extent of contiguous
 * system pages (nvsvm_hw_copy_encode()).  A stream is cut into pieces of
 * at most NVSVM_NVIF_COPY_PIECE system entries so each fits the push
 * buffer; one fence after the last piece, and the op waits for it.
 *
 * The copy engine's addresses have 49 bits (OFFSET_*_UPPER 16:0 in
 * clc0b5.h to clc7b5.h), more than any DMA mask nouveau sets; a page
 * beyond them would fail the copy (-ERANGE) rather than reach the wrong
 * page.
 *
 * Device memory is one pinned, contiguous VRAM buffer of svm_vram_mb MiB
 * (at most a quarter of VRAM, in whole 2 MiB pages), handed to the core
 * with nouveau_svm_devmem_init(); the core's VRAM offsets are offsets into
 * it.  Without a copy engine there is no device memory.  The buffer is
 * charged once, as a whole, in nouveau's "vram" dmem cgroup region, to
 * the cgroup of whoever loaded nouveau; the pages SVM moves into it are
 * charged to their processes in a region of the buffer's size of their
 * own, drm/<device>/svm, so that a process's dmem.max bounds its SVM VRAM
 * without counting the carve-out twice.
 */

/**
 * DOC: Locking
 *
 * The channel's push buffer belongs to its client and is protected by that
 * client's mutex (&nouveau_cli.mutex), which the backend holds while it
 * pushes and emits the fence, as nouveau's buffer moves do; the wait for
 * the fence happens after it is dropped.
 */

#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <nvif/class.h>
#include <nvif/push.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_bo.h"
#include "../../nouveau_chan.h"
#include "../../nouveau_fence.h"
#include "nvsvm_nvif.h"

/* System entries (each one extent at most) of one pushed piece. */
#define NVSVM_NVIF_COPY_PIECE	128

static unsigned int svm_vram_mb = 256;
module_param(svm_vram_mb, uint, 0444);
MODULE_PARM_DESC(svm_vram_mb,
		 "VRAM for SVM migrations in MiB, at most a quarter of VRAM (default 256, 0: none)");

/* Pages of the piece from page @i: whole entries, NVSVM_NVIF_COPY_PIECE at most. */
static unsigned long nvsvm_nvif_copy_piece(const struct drm_pagemap_addr *sys,
					   unsigned long i, unsigned long npages)
{
	unsigned long n = 0, e;

	if (!sys)
		return npages - i;
	for (e = 0; e < NVSVM_NVIF_COPY_PIECE && i + n < npages; e++)
		n += min(1UL << sys[i + n].order, npages - i - n);
	return n;
}

/* Push the stream of one piece; nothing is pushed on error. */
static int nvsvm_nvif_copy_push(struct nvsvm_nvif_copy *c,
				enum nouveau_svm_copy_dir dir, u64 vram,
				const struct drm_pagemap_addr *sys,
				unsigned long npages)
{
	struct nvif_push *push = &c->chan->chan.push;
	int size, n, ret;

	size = nvsvm_hw_copy_size(sys, npages, false);
	if (size < 0)
		return size;
	ret = PUSH_WAIT(push, size);
	if (ret)
		return ret;
	n = nvsvm_hw_copy_encode(c->oclass, dir, vram, sys, npages, NULL,
				 push->cur, size);
	if (n < 0)
		return n;
	push->cur += n;
	return 0;
}

/* Push every piece and a fence; @fence is NULL when nothing was pushed. */
static int nvsvm_nvif_copy_submit(struct nvsvm_nvif_copy *c,
				  enum nouveau_svm_copy_dir dir, u64 vram,
				  const struct drm_pagemap_addr *sys,
				  unsigned long npages, struct nouveau_fence **fence)
{
	bool pushed = false;
	unsigned long i, n;
	int ret = 0, fret;

	*fence = NULL;
	if (c->lost)
		return -ENODEV;
	for (i = 0; i < npages; i += n) {
		n = nvsvm_nvif_copy_piece(sys, i, npages);
		ret = nvsvm_nvif_copy_push(c, dir, c->base + vram + (u64)i * SZ_4K,
					   sys ? sys + i : NULL, n);
		if (ret)
			break;
		pushed = true;
	}
	if (!pushed)
		return ret;
	/* Pieces are in flight: fence them even when a later one failed. */
	fret = nouveau_fence_new(fence, c->chan);
	if (fret)
		*fence = NULL;
	return ret ?: fret;
}

/**
 * nvsvm_nvif_copy() - one migration copy or clear on the copy engine
 * @sdev: the core's device
 * @dir: direction
 * @vram: offset of the first page in the device memory
 * @sys: the system pages (see &nouveau_svm_backend_ops.copy), or NULL to
 *	clear VRAM
 * @npages: number of 4 KiB pages
 *
 * Implements &nouveau_svm_backend_ops.copy.
 *
 * Context: Process context, no core lock held; takes the copy channel's
 * client mutex; sleeps until the copy is done.
 * Return: 0; -ENODEV without a copy engine; -EINVAL for pages outside
 * the device memory; -ERANGE for an address beyond the engine's 49 bits;
 * -ENODEV or another error when the channel died or the push failed.
 */
int nvsvm_nvif_copy(struct nouveau_svm_dev *sdev, enum nouveau_svm_copy_dir dir,
		    u64 vram, const struct drm_pagemap_addr *sys,
		    unsigned long npages)
{
	struct nvsvm_nvif_copy *c = &nvsvm_nvif(sdev)->copy;
	struct nouveau_fence *fence;
	struct nouveau_cli *cli;
	int ret, wret;

	if (!c->chan || !c->bo)
		return -ENODEV;
	if (!npages || vram > c->size || npages > (c->size - vram) / SZ_4K)
		return -EINVAL;

	cli = c->chan->cli;
	mutex_lock(&cli->mutex);
	ret = nvsvm_nvif_copy_submit(c, dir, vram, sys, npages, &fence);
	mutex_unlock(&cli->mutex);
	if (!fence)
		return ret;

	wret = nouveau_fence_wait(fence, true, false);
	if (!wret)
		wret = fence->base.error;
	nouveau_fence_unref(&fence);
	return ret ?: wret;
}

/* The carve-out's size: the parameter, a quarter of VRAM at most, 2 MiB pages. */
static u64 nvsvm_nvif_vram_size(struct nouveau_drm *drm)
{
	u64 size = min_t(u64, (u64)svm_vram_mb * SZ_1M, drm->gem.vram_available / 4);

	return round_down(size, SZ_2M);
}

static int nvsvm_nvif_vram_init(struct nouveau_svm *svm)
{
	struct nouveau_drm *drm = svm->drm;
	struct nvsvm_nvif_copy *c = &svm->copy;
	u64 size = nvsvm_nvif_vram_size(drm);
	int ret;

	if (!size)
		return 0;
	ret = nouveau_bo_new(&drm->client, size, SZ_2M, NOUVEAU_GEM_DOMAIN_VRAM, 0, 0,
			     NULL, NULL, &c->bo);
	if (ret)
		return ret;
	ret = nouveau_bo_pin(c->bo, NOUVEAU_GEM_DOMAIN_VRAM, true);
	if (ret) {
		nouveau_bo_fini(c->bo);
		c->bo = NULL;
		return ret;
	}
	c->base = c->bo->offset;
	c->size = size;
	return 0;
}

/**
 * nvsvm_nvif_copy_init() - find the copy engine and carve out VRAM
 * @svm: the device's SVM state
 *
 * Leaves the device without device memory (and returns 0) when nouveau
 * has no copy channel of a known class or svm_vram_mb is 0.
 *
 * Context: Process context (device init); may sleep.
 * Return: 0, or an error allocating or pinning the VRAM.
 */
int nvsvm_nvif_copy_init(struct nouveau_svm *svm)
{
	struct nouveau_drm *drm = svm->drm;
	struct nvsvm_nvif_copy *c = &svm->copy;

	if (!drm->ttm.chan || !nvsvm_hw_copy_class_supported(drm->ttm.copy.oclass)) {
		NV_INFO(drm, "svm: no copy engine: no migration to VRAM\n");
		return 0;
	}
	c->chan = drm->ttm.chan;
	c->oclass = drm->ttm.copy.oclass;
	return nvsvm_nvif_vram_init(svm);
}

/*
 * Set the base and the lost state of @svm's carve-out under the copy
 * channel's client mutex, which every copy holds while it pushes, then
 * drop every GPU mapping: one made with the old state may point at VRAM
 * that is another buffer's now.
 */
static void nvsvm_nvif_copy_rebase(struct nouveau_svm *svm, u64 base, bool lost)
{
	struct nvsvm_nvif_copy *c = &svm->copy;

	if (c->chan)
		mutex_lock(&c->chan->cli->mutex);
	WRITE_ONCE(c->base, base);
	WRITE_ONCE(c->lost, lost);
	if (c->chan)
		mutex_unlock(&c->chan->cli->mutex);
	nouveau_svm_dev_gpu_unmap_all(&svm->sdev);
}

/**
 * nvsvm_nvif_copy_moved() - follow a VRAM carve-out that moved on resume
 * @svm: the device's SVM state, its carve-out pinned again at a new place
 *
 * Device pages are offsets into the carve-out, and its contents moved
 * with it, so only the base changes: copies and page table entries made
 * from now on use the new one.  The GPU's entries were all dropped at
 * suspend; any made since, with the old base, go too.
 *
 * Context: Process context (resume), before faults are taken again;
 * takes the copy channel's client mutex, then the core's notifier locks.
 */
void nvsvm_nvif_copy_moved(struct nouveau_svm *svm)
{
	NV_INFO(svm->drm, "svm: VRAM carve-out moved on resume: %#llx to %#llx\n",
		svm->copy.base, svm->copy.bo->offset);
	nvsvm_nvif_copy_rebase(svm, svm->copy.bo->offset, false);
}

/**
 * nvsvm_nvif_copy_lost() - give up device memory that did not come back
 * @svm: the device's SVM state, its carve-out not pinned in VRAM again
 *
 * The VRAM at the old base now belongs to whoever TTM gave it to: no
 * copy and no GPU mapping may reach it.  Copies fail from now on, and
 * no GPU mapping of device memory is made: the data of a page that was
 * there is lost, and an access to it fails rather than reach another
 * buffer's memory.  Every GPU mapping goes, as it did at suspend.
 *
 * Context: Process context (resume), before faults are taken again;
 * takes the copy channel's client mutex, then the core's notifier locks.
 */
void nvsvm_nvif_copy_lost(struct nouveau_svm *svm)
{
	NV_ERROR(svm->drm, "svm: VRAM carve-out lost on resume: device memory gone\n");
	nvsvm_nvif_copy_rebase(svm, svm->copy.base, true);
}

/**
 * nvsvm_nvif_copy_fini() - give the VRAM carve-out back
 * @svm: the device's SVM state
 *
 * The core's device memory must be gone (nouveau_svm_devmem_fini()).
 *
 * Context: Process context (device teardown); may sleep.
 */
void nvsvm_nvif_copy_fini(struct nouveau_svm *svm)
{
	/* A lost carve-out, or one of a suspended device, is not pinned. */
	if ((svm->copy.lost || svm->suspended) && svm->copy.bo)
		nouveau_bo_fini(svm->copy.bo);
	else
		nouveau_bo_unpin_del(&svm->copy.bo);
	svm->copy = (struct nvsvm_nvif_copy) {};
}
