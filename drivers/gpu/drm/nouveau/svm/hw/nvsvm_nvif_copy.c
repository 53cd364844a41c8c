// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: migration copies and clears on
 * nouveau's copy-engine channel, and the VRAM chunks the core borrows as
 * device memory, which are buffer objects TTM may evict.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Copy engine on nvif
 *
 * The backend uses the channel nouveau moves buffers with (drm->ttm.chan)
 * when its copy object is of a class the stream builder knows
 * (nvsvm_hw_copy_class_supported(): Pascal to GB10x).  One copy op of
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
 * Device memory is borrowed on demand: each chunk the core asks for is a
 * nouveau buffer object of NOUVEAU_SVM_CHUNK_SIZE in VRAM, contiguous and
 * 2 MiB aligned (nouveau_bo_alloc() picks 2 MiB GPU pages for it, whose
 * VRAM nvkm aligns to them), not pinned, made when a migration needs room
 * and freed when the core gives the chunk back.  The core's VRAM offsets
 * are physical VRAM addresses, which both copy-engine sides and page
 * table entries use, so its device-private pages cover all of VRAM
 * (nouveau_svm_devmem_init() with the VRAM size; their struct pages cost
 * 1/64 of it in system memory, as xe's, which cover its whole VRAM
 * region).  Nothing is reserved at load.
 *
 * Graphics wins: a chunk takes free VRAM only (nouveau_bo_new_evictable(),
 * a VRAM buffer whose owner empties it when TTM evicts it), and when TTM
 * needs VRAM, for graphics or at suspend, it evicts chunks like any other
 * buffer: a chunk buffer's evict hook asks the core to move the chunk's
 * pages back to their processes (nouveau_svm_chunk_evict()), and the
 * buffer leaves VRAM without a copy; a chunk whose pages are in the middle
 * of a migration stays and TTM evicts something else, as xe_bo_move() does
 * for xe's SVM buffers.
 * When no VRAM is free, the core makes room among its own chunks by its
 * own LRU.  NVIDIA's UVM shares VRAM with RM the same way (uvm_pmm_gpu.c
 * in open-gpu-kernel-modules): it takes 2 MiB root chunks
 * (UVM_CHUNK_SIZE_MAX) from PMA, RM's physical allocator, with
 * UVM_PMA_ALLOCATE_DONT_EVICT, splits them for smaller allocations,
 * evicts its own by its LRU (pick_and_evict_root_chunk()), and PMA calls
 * it back to evict them when RM needs the memory
 * (uvm_pmm_gpu_pma_evict_range(), uvm_pmm_gpu_pma_evict_pages(),
 * evict_root_chunk(), which moves the resident pages to the CPU); chunks
 * pinned for a migration in flight are not evicted
 * (UVM_PMM_GPU_CHUNK_STATE_TEMP_PINNED).  A chunk holds a runtime-PM
 * reference, so the device sleeps only when SVM holds no VRAM.  The
 * svm_vram_mb parameter caps what SVM holds at once (default: no cap but
 * VRAM; 0: no device memory).  Without a copy engine there is no device
 * memory.
 *
 * SVM's VRAM is charged where nouveau's other VRAM is, in nouveau's
 * "vram" dmem cgroup region (drm/<device>/vram), so that one dmem.max
 * bounds what a process holds in VRAM, buffers and SVM together.  TTM
 * charges a buffer to the task that makes it, but a chunk is made by
 * whichever task needs room first (the fault worker, in the root
 * cgroup, or one process's MIGRATE) and then holds pages of several
 * processes.  So chunk buffers are placed with TTM_PL_FLAG_UNCHARGED,
 * which TTM charges to no cgroup, and the core charges each allocation in
 * them to the cgroup of the process it is for (the cgroup at SVM_INIT,
 * whatever task migrates; nvsvm_nvif_copy_region()).  An SVM charge over a
 * limit evicts SVM allocations charged inside the cgroup whose limit it
 * hits, never buffers (the fault path must not wait for other work's
 * fences); a buffer's charge over a limit evicts buffers only, since no
 * cgroup is charged for a chunk and TTM never evicts one for a limit.
 * Lowering dmem.max evicts both: the region's reclaim callback
 * (nouveau_ttm_vram_reclaim()) evicts the cgroup's buffers, then its SVM
 * allocations for what is left (nouveau_svm_dmem_reclaim()).  Under a VRAM
 * shortage TTM evicts a chunk as unprotected memory, whatever dmem.min or
 * dmem.low the processes whose pages it holds have.
 */

/**
 * DOC: Locking
 *
 * The channel's push buffer belongs to its client and is protected by that
 * client's mutex (&nouveau_cli.mutex), which the backend holds while it
 * pushes and emits the fence, as nouveau's buffer moves do; the wait for
 * the fence happens after it is dropped.
 *
 * A chunk buffer's evict hook and private pointer are protected by its
 * reservation, which chunk_free takes before the buffer goes, so that no
 * eviction calls the core for a chunk it freed.  The hook runs under the
 * reservation and takes no lock of the backend's.
 */

#include <linux/dma-resv.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/pm_runtime.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <nvif/class.h>
#include <nvif/push.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_bo.h"
#include "../../nouveau_chan.h"
#include "../../nouveau_fence.h"
#include "../../nouveau_ttm.h"
#include "nvsvm_nvif.h"

/* System entries (each one extent at most) of one pushed piece. */
#define NVSVM_NVIF_COPY_PIECE	128

static int svm_vram_mb = -1;
module_param(svm_vram_mb, int, 0444);
MODULE_PARM_DESC(svm_vram_mb,
		 "Most VRAM SVM holds at once, in MiB (default -1: as much as TTM gives, 0: none)");

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

/*
 * Push the stream of one piece, with @room dwords more free after it;
 * nothing is pushed on error.
 */
static int nvsvm_nvif_copy_push(struct nvsvm_nvif_copy *c,
				enum nouveau_svm_copy_dir dir, u64 vram,
				const struct drm_pagemap_addr *sys,
				unsigned long npages, unsigned int room)
{
	struct nvif_push *push = &c->chan->chan.push;
	int size, n, ret;

	size = nvsvm_hw_copy_size(sys, npages, false);
	if (size < 0)
		return size;
	ret = PUSH_WAIT(push, size + room);
	if (ret)
		return ret;
	n = nvsvm_hw_copy_encode(c->oclass, dir, vram, sys, npages, NULL,
				 push->cur, size);
	if (n < 0)
		return n;
	push->cur += n;
	return 0;
}

/*
 * Push every piece and a fence; @fence is NULL when nothing was pushed.
 * The fence is made before the first piece, and the last piece leaves
 * room for it in the push buffer, so that pieces never run unfenced for
 * want of memory or room; emitting it fails then only on a channel that
 * was killed, which runs nothing more.
 */
static int nvsvm_nvif_copy_submit(struct nvsvm_nvif_copy *c,
				  enum nouveau_svm_copy_dir dir, u64 vram,
				  const struct drm_pagemap_addr *sys,
				  unsigned long npages, struct nouveau_fence **fence)
{
	bool pushed = false;
	unsigned long i, n;
	int ret, fret;

	ret = nouveau_fence_create(fence, c->chan);
	if (ret) {
		*fence = NULL;
		return ret;
	}
	for (i = 0; i < npages; i += n) {
		n = nvsvm_nvif_copy_piece(sys, i, npages);
		ret = nvsvm_nvif_copy_push(c, dir, vram + (u64)i * SZ_4K,
					   sys ? sys + i : NULL, n,
					   i + n == npages ? NVSVM_NVIF_FENCE_DWORDS : 0);
		if (ret)
			break;
		pushed = true;
	}
	if (!pushed) {
		/* Never emitted: no dma_fence to put yet. */
		kfree(*fence);
		*fence = NULL;
		return ret;
	}
	/* Pieces are in flight: fence them even when a later one failed. */
	fret = nouveau_fence_emit(*fence);
	if (fret)
		nouveau_fence_unref(fence);
	return ret ?: fret;
}

/*
 * Wait for @fence.  The pages stay the engine's until it signals, however
 * long that takes: the core frees a copy's source and destination when
 * the copy returns, and the VRAM goes back to TTM with its chunk.
 */
static int nvsvm_nvif_copy_wait(struct nouveau_svm *svm, struct nouveau_fence *fence)
{
	int ret;

	ret = nouveau_fence_wait(fence, true, false);
	if (ret == -EBUSY) {
		NV_ERROR(svm->drm, "svm: copy engine busy for 15 s, waiting on\n");
		dma_fence_wait(&fence->base, false);
		ret = -EIO;
	}
	return ret ?: fence->base.error;
}

/**
 * nvsvm_nvif_copy() - one migration copy or clear on the copy engine
 * @sdev: the core's device
 * @dir: direction
 * @vram: VRAM address of the first page, in a chunk the core holds
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

	if (!c->chan || !c->size)
		return -ENODEV;
	if (!npages || vram > c->size || npages > (c->size - vram) / SZ_4K)
		return -EINVAL;

	cli = c->chan->cli;
	mutex_lock(&cli->mutex);
	ret = nvsvm_nvif_copy_submit(c, dir, vram, sys, npages, &fence);
	mutex_unlock(&cli->mutex);
	if (!fence)
		return ret;

	wret = nvsvm_nvif_copy_wait(nvsvm_nvif(sdev), fence);
	nouveau_fence_unref(&fence);
	return ret ?: wret;
}

/* Chunks at most, from svm_vram_mb; 0 for no device memory. */
static unsigned int nvsvm_nvif_max_chunks(struct nouveau_drm *drm)
{
	u64 size = drm->gem.vram_available;

	if (svm_vram_mb >= 0)
		size = min_t(u64, size, (u64)svm_vram_mb * SZ_1M);
	return size / NOUVEAU_SVM_CHUNK_SIZE;
}

/**
 * nvsvm_nvif_copy_init() - find the copy engine and size device memory
 * @svm: the device's SVM state
 *
 * Leaves the device without device memory (@svm->copy.size 0) when
 * nouveau has no copy channel of a known class, no VRAM, or svm_vram_mb
 * is 0.  Takes no VRAM: chunks come when migrations need them.
 *
 * Context: Process context (device init).
 * Return: 0.
 */
int nvsvm_nvif_copy_init(struct nouveau_svm *svm)
{
	struct nouveau_drm *drm = svm->drm;
	struct nvsvm_nvif_copy *c = &svm->copy;

	if (!drm->ttm.chan || !nvsvm_hw_copy_class_supported(drm->ttm.copy.oclass)) {
		NV_INFO(drm, "svm: no copy engine: no migration to VRAM\n");
		return 0;
	}
	c->max_chunks = nvsvm_nvif_max_chunks(drm);
	if (!c->max_chunks)
		return 0;
	c->chan = drm->ttm.chan;
	c->oclass = drm->ttm.copy.oclass;
	/* nvkm places VRAM below the RAM size it reports. */
	c->size = ALIGN(drm->client.device.info.ram_size, NOUVEAU_SVM_CHUNK_SIZE);
	atomic_set(&c->chunks, 0);
	return 0;
}

/*
 * The evict hook of a chunk's buffer (nouveau_bo_new_evictable(); called
 * from nouveau_bo_move() instead of a copy): TTM wants the VRAM back.
 * Called with the buffer reserved; nvsvm_nvif_chunk_free() clears
 * @priv under the same reservation before the chunk goes.  A chunk the
 * core could not give back at teardown (nouveau_svm_devmem_fini() leaks
 * what is still in use) stays.
 */
static int nvsvm_nvif_chunk_evict(struct nouveau_bo *nvbo, void *priv)
{
	struct nouveau_drm *drm = nouveau_bdev(nvbo->bo.bdev);
	struct nouveau_svm *svm = READ_ONCE(drm->svm);

	if (!priv)
		return 0;
	if (!svm)
		return -EBUSY;
	return nouveau_svm_chunk_evict(&svm->sdev, priv);
}

/* Whether @bo, reserved, can be a chunk: in VRAM, 2 MiB aligned. */
static int nvsvm_nvif_chunk_check(struct nouveau_svm *svm, struct nouveau_bo *bo)
{
	if (bo->bo.resource->mem_type != TTM_PL_VRAM)
		return -ENOSPC;
	if (!IS_ALIGNED(bo->offset, NOUVEAU_SVM_CHUNK_SIZE) ||
	    bo->offset > svm->copy.size - NOUVEAU_SVM_CHUNK_SIZE) {
		NV_ERROR(svm->drm, "svm: VRAM buffer at %#llx unusable as a chunk\n", bo->offset);
		return -EIO;
	}
	return 0;
}

/**
 * nvsvm_nvif_chunk_alloc() - lend the core a chunk of VRAM
 * @sdev: the core's device
 * @chunk: the chunk to place
 *
 * Implements &nouveau_svm_backend_ops.chunk_alloc with a new buffer
 * object in free VRAM (nouveau_bo_new_evictable(): making room for it
 * evicts nothing, so the fault worker never waits for another channel's
 * fences).  A chunk holds a runtime-PM reference, as xe's device pages
 * do: the device does not sleep while SVM has pages in its VRAM.
 *
 * Context: Process context, mmap lock held for read; may sleep.
 * Return: 0; -ENOSPC when no VRAM is free or SVM holds svm_vram_mb
 * already; -EIO for VRAM not 2 MiB aligned; another errno of
 * nouveau_bo_new_evictable().
 */
int nvsvm_nvif_chunk_alloc(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	struct nvsvm_nvif_copy *c = &svm->copy;
	struct nouveau_bo *bo;
	int ret;

	if (!atomic_add_unless(&c->chunks, 1, c->max_chunks))
		return -ENOSPC;
	ret = nouveau_bo_new_evictable(&svm->drm->client, NOUVEAU_SVM_CHUNK_SIZE,
				       NOUVEAU_SVM_CHUNK_SIZE, nvsvm_nvif_chunk_evict, chunk, &bo);
	if (ret) {
		/* TTM's word for no room (TTM_ALLOCATION_PROPAGATE_ENOSPC unset). */
		ret = ret == -ENOMEM ? -ENOSPC : ret;
		goto err_count;
	}
	/* TTM may have evicted it already: then the core's chunk is closed. */
	WARN_ON(ttm_bo_reserve(&bo->bo, false, false, NULL));
	ret = nvsvm_nvif_chunk_check(svm, bo);
	if (!ret) {
		chunk->offset = bo->offset;
		chunk->priv = bo;
	} else {
		bo->evict_priv = NULL;
	}
	ttm_bo_unreserve(&bo->bo);
	if (ret) {
		nouveau_bo_fini(bo);
		goto err_count;
	}
	pm_runtime_get_noresume(svm->drm->dev->dev);
	return 0;

err_count:
	atomic_dec(&c->chunks);
	return ret;
}

/**
 * nvsvm_nvif_chunk_free() - take a chunk back from the core
 * @sdev: the core's device
 * @chunk: a chunk nvsvm_nvif_chunk_alloc() placed
 *
 * Implements &nouveau_svm_backend_ops.chunk_free: an eviction of the
 * buffer in progress finishes first, and none calls the core after.
 *
 * Context: Process context; may sleep.
 */
void nvsvm_nvif_chunk_free(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	struct nouveau_bo *bo = chunk->priv;

	/* Uninterruptible: the reservation is only ever held briefly. */
	WARN_ON(ttm_bo_reserve(&bo->bo, false, false, NULL));
	bo->evict_priv = NULL;
	ttm_bo_unreserve(&bo->bo);
	nouveau_bo_fini(bo);
	atomic_dec(&svm->copy.chunks);
	pm_runtime_put_autosuspend(svm->drm->dev->dev);
}

/**
 * nvsvm_nvif_chunk_touch() - the GPU maps pages of a chunk of VRAM
 * @sdev: the core's device
 * @chunk: a chunk nvsvm_nvif_chunk_alloc() placed
 *
 * Implements &nouveau_svm_backend_ops.chunk_touch: the chunk's buffer
 * goes to the end of TTM's LRU list, as a buffer a submission validates
 * does, so that TTM evicts VRAM the GPU mapped lately for SVM after
 * buffers idle longer, not first.  NVIDIA UVM keeps its root chunks in
 * the same order for its own evictions: a 2 MiB block that becomes
 * resident on the GPU moves its root chunk to the tail of the used list
 * (uvm_va_block.c block_mark_memory_used(), uvm_pmm_gpu.c
 * uvm_pmm_gpu_mark_root_chunk_used()).  The reservation is only tried:
 * while TTM holds it, looking at the buffer or evicting it, the touch is
 * dropped; it is advisory.
 *
 * Context: Process context, a VM's notifier lock held; does not sleep.
 */
void nvsvm_nvif_chunk_touch(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nouveau_bo *bo = chunk->priv;

	if (!dma_resv_trylock(bo->bo.base.resv))
		return;
	ttm_bo_move_to_lru_tail_unlocked(&bo->bo);
	dma_resv_unlock(bo->bo.base.resv);
}

/**
 * nvsvm_nvif_copy_region() - where SVM's VRAM is charged
 * @svm: the device's SVM state
 *
 * nouveau's VRAM dmem cgroup region, which TTM charges buffers in
 * (nouveau_ttm_init_vram()) and whose reclaim callback calls
 * nouveau_svm_dmem_reclaim(): the core charges each of its allocations
 * there, chunk buffers being uncharged (see DOC: Copy engine on nvif).
 *
 * Context: Any context.
 * Return: the region, NULL without the dmem controller.
 */
struct dmem_cgroup_region *nvsvm_nvif_copy_region(struct nouveau_svm *svm)
{
	return ttm_manager_type(&svm->drm->ttm.bdev, TTM_PL_VRAM)->cg;
}

/**
 * nvsvm_nvif_copy_fini() - forget the copy engine
 * @svm: the device's SVM state
 *
 * The core's device memory must be gone (nouveau_svm_devmem_fini()), and
 * with it every chunk.
 *
 * Context: Process context (device teardown).
 */
void nvsvm_nvif_copy_fini(struct nouveau_svm *svm)
{
	WARN_ON(atomic_read(&svm->copy.chunks));
	svm->copy = (struct nvsvm_nvif_copy) {};
}
