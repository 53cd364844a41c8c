// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the VRAM and the copy engine that moves pages
 * between it and system memory for the core's migrations.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/bug.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>
#include <drm/drm_pagemap.h>

#include "nvsim.h"

/* The longest copy_delay_us takes effect. */
#define NVSIM_COPY_DELAY_MAX_US	(5 * USEC_PER_SEC)

static unsigned int copy_delay_us;
module_param(copy_delay_us, uint, 0644);
MODULE_PARM_DESC(copy_delay_us,
		 "Time a copy-engine launch to system memory waits before it copies, at most 5 s (default 0): a busy copy engine, for tests");

/**
 * DOC: Copy engine
 *
 * The VRAM of the simulated GPU is a carve-out of guest memory: the
 * vram_mb module parameter's worth of vmalloc'd memory.  The page at VRAM
 * offset o is vmalloc_to_page(base + o), which is what a VRAM entry of the
 * page table leads the exec engine to (see DOC: Page table).
 *
 * The VRAM is lent to the core in 2 MiB chunks, on demand, as the
 * hardware backend lends buffer objects TTM manages: the backend keeps
 * which piece is lent as which chunk and gives the first free piece, or
 * -ENOSPC when none is (the core then evicts what it holds).  It also
 * simulates another user of the VRAM, as graphics is on hardware:
 * DRM_NVSIM_INJECT_VRAM_TAKE makes it hold a number of pieces, taking free
 * ones first and then the core's chunks, lowest first, each evicted with
 * nouveau_svm_chunk_evict() as TTM evicts a buffer (a chunk that cannot be
 * evicted at the moment is passed over).  The pieces it takes are filled
 * with a poison pattern, as another user's data would be, so that a page
 * the core still maps there reads garbage rather than its old contents.
 * The core allocates, migrates and evicts within its chunks; the backend
 * only lends, copies and maps.
 *
 * One call of the copy op is one launch of the copy engine: it copies its
 * pages one by one, or clears them in VRAM when the core gives no system
 * side (pages that had no memory yet), and returns when all are done.
 * The engine can fail on demand: DRM_NVSIM_INJECT_COPY_FAIL makes the next
 * launches fail with -EIO, and DRM_NVSIM_INJECT_ALLOC_FAIL makes the
 * vram_admit op refuse the next device-memory allocations with -ENOMEM, as
 * if something else had taken the VRAM.
 *
 * Module parameter copy_delay_us makes each launch to system memory wait
 * that long (at most 5 s, and no longer once its caller is killed) before
 * it copies, as a copy engine busy with other work does:
 * the window in which an eviction holds pages unmapped, between taking
 * them and mapping their copies, becomes one a test can hit.  debugfs
 * (nvsim_copy, which takes no lock) counts the launches so slowed as each
 * begins its wait.
 *
 * Where the fake differs from hardware: a copy engine runs on its own, reads
 * and writes both sides through their bus addresses, and the driver waits
 * for its fence.  The simulated one is the CPU, in the caller's thread: it
 * asks the IOMMU for the pages behind the DMA addresses of the system side,
 * as the page table does (see DOC: IOMMU), and reaches the VRAM through
 * the backing store's kernel mapping.  A system page whose DMA address is
 * not mapped for the device (or is mapped for reading only, and the copy
 * writes it) fails the launch with -EIO and a warning: a bug of the core.
 * A failed launch may have copied part, as a real one may: the core must
 * take the destination's contents as undefined.
 */

/**
 * nvsim_vram_init() - allocate the VRAM's backing store
 * @vram: the VRAM
 * @size: bytes, a multiple of the page size; 0 for a device without VRAM
 *
 * The backing store is zeroed, so that no stale kernel data can reach a
 * client through a VRAM page that was never copied to.  No failure is
 * armed.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOMEM.
 */
int nvsim_vram_init(struct nvsim_vram *vram, u64 size)
{
	unsigned int nslots = size / NOUVEAU_SVM_CHUNK_SIZE;

	atomic_set(&vram->copy_fail, 0);
	atomic_set(&vram->alloc_fail, 0);
	atomic64_set(&vram->delayed, 0);
	mutex_init(&vram->chunk_lock);
	vram->base = NULL;
	vram->size = 0;
	vram->nslots = 0;
	vram->ntaken = 0;
	vram->refused = 0;
	atomic64_set(&vram->clock, 0);
	if (!size)
		return 0;

	vram->chunks = kcalloc(nslots, sizeof(*vram->chunks), GFP_KERNEL);
	vram->taken = bitmap_zalloc(nslots, GFP_KERNEL);
	vram->used = kcalloc(nslots, sizeof(*vram->used), GFP_KERNEL);
	vram->base = vzalloc(size);
	if (!vram->chunks || !vram->taken || !vram->used || !vram->base) {
		nvsim_vram_fini(vram);
		return -ENOMEM;
	}
	vram->size = size;
	vram->nslots = nslots;
	return 0;
}

/**
 * nvsim_vram_fini() - free the VRAM's backing store
 * @vram: the VRAM
 *
 * The core must have given up the VRAM first (nouveau_svm_devmem_fini()
 * evicts whatever is left in it).
 *
 * Context: process context, may sleep.
 */
void nvsim_vram_fini(struct nvsim_vram *vram)
{
	vfree(vram->base);
	bitmap_free(vram->taken);
	kfree(vram->used);
	kfree(vram->chunks);
	vram->base = NULL;
	vram->taken = NULL;
	vram->used = NULL;
	vram->chunks = NULL;
	vram->size = 0;
	vram->nslots = 0;
}

/**
 * nvsim_vram_contains() - check that pages lie inside the VRAM
 * @vram: the VRAM
 * @offset: byte offset of the first page
 * @npages: number of pages
 *
 * Context: any context.
 * Return: true if @offset is page aligned and the @npages pages from it on
 * all lie inside the VRAM (without VRAM: only no pages at offset 0), false
 * otherwise.
 */
bool nvsim_vram_contains(const struct nvsim_vram *vram, u64 offset,
			 unsigned long npages)
{
	return PAGE_ALIGNED(offset) && offset <= vram->size &&
	       npages <= (vram->size - offset) >> PAGE_SHIFT;
}

/**
 * nvsim_vram_page() - the backing page of a VRAM page
 * @vram: the VRAM
 * @offset: byte offset inside the VRAM, which the caller has checked with
 *	nvsim_vram_contains()
 *
 * Context: any context; does not sleep.
 * Return: the page that holds VRAM byte @offset.
 */
struct page *nvsim_vram_page(struct nvsim_vram *vram, u64 offset)
{
	return vmalloc_to_page(vram->base + offset);
}

/**
 * nvsim_vram_move() - move the VRAM to another GPU address
 * @vram: the VRAM
 *
 * Page table entries written from now on hold the new address; those
 * written before still hold the old one, which now names another page
 * of the VRAM or none (see nvsim_pt_translate()).  The contents stay at
 * their offsets.  A test of nouveau_svm_dev_gpu_unmap_all(): a mapping it
 * missed would read the wrong page.
 *
 * Context: Any context; no page table entry written or read meanwhile.
 */
void nvsim_vram_move(struct nvsim_vram *vram)
{
	/* Half the VRAM away, 2 MiB aligned: offsets map to other pages. */
	WRITE_ONCE(vram->addr, vram->addr ? 0 : ALIGN(vram->size / 2, SZ_2M));
}

/* Take one armed failure of @armed, if any. */
static bool nvsim_inject_take(atomic_t *armed)
{
	return atomic_dec_if_positive(armed) >= 0;
}

/**
 * nvsim_vram_admit() - say whether the core may allocate device memory
 * @sdev: the device
 * @size: bytes the core is about to allocate
 *
 * Implements &nouveau_svm_backend_ops.vram_admit.  The simulated GPU keeps
 * no VRAM for itself, so it refuses only an injected failure, or any
 * allocation when it has no VRAM.
 *
 * Context: process context, no core lock held; does not sleep.
 * Return: 0; -ENOMEM if DRM_NVSIM_INJECT_ALLOC_FAIL armed a failure (this
 * takes one) or the device has no VRAM.
 */
int nvsim_vram_admit(struct nouveau_svm_dev *sdev, u64 size)
{
	struct nvsim_vram *vram = &to_nvsim_device(sdev)->vram;

	if (!vram->size || nvsim_inject_take(&vram->alloc_fail))
		return -ENOMEM;
	return 0;
}

/**
 * nvsim_chunk_alloc() - lend the core a chunk of VRAM
 * @sdev: the device
 * @chunk: the chunk to place
 *
 * Implements &nouveau_svm_backend_ops.chunk_alloc: the lowest 2 MiB piece
 * that is neither lent nor held by the other VRAM user.  The chunk counts
 * as used now, as a new buffer goes to the end of TTM's LRU list.
 *
 * Context: Process context; takes &nvsim_vram.chunk_lock.
 * Return: 0, or -ENOSPC when every piece is in use.
 */
int nvsim_chunk_alloc(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nvsim_vram *vram = &to_nvsim_device(sdev)->vram;
	unsigned int i;
	int ret = -ENOSPC;

	mutex_lock(&vram->chunk_lock);
	for (i = 0; i < vram->nslots; i++) {
		if (vram->chunks[i] || test_bit(i, vram->taken))
			continue;
		vram->chunks[i] = chunk;
		chunk->offset = (u64)i * NOUVEAU_SVM_CHUNK_SIZE;
		WRITE_ONCE(vram->used[i], atomic64_inc_return(&vram->clock));
		ret = 0;
		break;
	}
	vram->refused += !!ret;
	mutex_unlock(&vram->chunk_lock);
	return ret;
}

/**
 * nvsim_chunk_free() - take a chunk back from the core
 * @sdev: the device
 * @chunk: a chunk nvsim_chunk_alloc() placed
 *
 * Implements &nouveau_svm_backend_ops.chunk_free.  The piece stays with
 * the other VRAM user if it took the chunk back meanwhile.
 *
 * Context: Process context; takes &nvsim_vram.chunk_lock.
 */
void nvsim_chunk_free(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nvsim_vram *vram = &to_nvsim_device(sdev)->vram;
	unsigned int i = chunk->offset / NOUVEAU_SVM_CHUNK_SIZE;

	mutex_lock(&vram->chunk_lock);
	if (!WARN_ON_ONCE(i >= vram->nslots) && vram->chunks[i] == chunk)
		vram->chunks[i] = NULL;
	mutex_unlock(&vram->chunk_lock);
}

/**
 * nvsim_chunk_touch() - the GPU maps pages of a chunk of VRAM
 * @sdev: the device
 * @chunk: a chunk nvsim_chunk_alloc() placed
 *
 * Implements &nouveau_svm_backend_ops.chunk_touch: the chunk counts as
 * used now, and the other VRAM user takes it back after the others.
 *
 * Context: Any context; does not sleep.
 */
void nvsim_chunk_touch(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nvsim_vram *vram = &to_nvsim_device(sdev)->vram;
	unsigned int i = chunk->offset / NOUVEAU_SVM_CHUNK_SIZE;

	if (!WARN_ON_ONCE(i >= vram->nslots))
		WRITE_ONCE(vram->used[i], atomic64_inc_return(&vram->clock));
}

/*
 * The piece lent to the core that the GPU mapped least recently, and that
 * the core gives back; nslots when none.  A chunk that is busy is passed
 * over for the next least recently used, one try per piece at most (a
 * busy chunk touched again meanwhile would come round again).
 */
static unsigned int nvsim_vram_evict_lru(struct nouveau_svm_dev *sdev, struct nvsim_vram *vram)
{
	unsigned int i, lru, tries;
	u64 seen = 0, oldest, t;

	lockdep_assert_held(&vram->chunk_lock);
	for (tries = 0; tries < vram->nslots; tries++) {
		lru = vram->nslots;
		oldest = U64_MAX;
		for (i = 0; i < vram->nslots; i++) {
			t = READ_ONCE(vram->used[i]);
			if (vram->chunks[i] && t > seen && t < oldest) {
				oldest = t;
				lru = i;
			}
		}
		if (lru == vram->nslots || !nouveau_svm_chunk_evict(sdev, vram->chunks[lru]))
			return lru;
		seen = oldest;
	}
	return vram->nslots;
}

/* The other user holds piece @i now, and writes its own data there. */
static void nvsim_vram_take_slot(struct nvsim_vram *vram, unsigned int i)
{
	lockdep_assert_held(&vram->chunk_lock);
	vram->chunks[i] = NULL;
	__set_bit(i, vram->taken);
	vram->ntaken++;
	memset(vram->base + (u64)i * NOUVEAU_SVM_CHUNK_SIZE, 0x5a, NOUVEAU_SVM_CHUNK_SIZE);
}

/*
 * Take one more piece: a free one, or else a chunk the core gives back.
 * Returns false when every piece left is lent and busy.
 */
static bool nvsim_vram_take_one(struct nouveau_svm_dev *sdev, struct nvsim_vram *vram)
{
	unsigned int i;

	lockdep_assert_held(&vram->chunk_lock);
	for (i = 0; i < vram->nslots; i++) {
		if (!vram->chunks[i] && !test_bit(i, vram->taken)) {
			nvsim_vram_take_slot(vram, i);
			return true;
		}
	}
	i = nvsim_vram_evict_lru(sdev, vram);
	if (i == vram->nslots)
		return false;
	nvsim_vram_take_slot(vram, i);
	return true;
}

/**
 * nvsim_vram_take() - let the simulated other VRAM user hold VRAM
 * @sdev: the device
 * @count: how many 2 MiB pieces it holds from now on; 0 gives all back
 *
 * Takes pieces, free ones first, then the core's chunks, the least
 * recently used first (evicted first), or gives pieces back, the highest
 * first, until it holds @count.
 *
 * Context: Process context; takes &nvsim_vram.chunk_lock; may sleep long
 * (evictions) or be killed.
 * Return: 0; -EINVAL for more pieces than the VRAM has; -EBUSY when
 * chunks could not be evicted (it keeps what it took); -EINTR when killed.
 */
int nvsim_vram_take(struct nouveau_svm_dev *sdev, unsigned int count)
{
	struct nvsim_vram *vram = &to_nvsim_device(sdev)->vram;
	unsigned int i;
	int ret = 0;

	if (count > vram->nslots)
		return -EINVAL;
	mutex_lock(&vram->chunk_lock);
	while (vram->ntaken > count) {
		i = find_last_bit(vram->taken, vram->nslots);
		__clear_bit(i, vram->taken);
		vram->ntaken--;
	}
	while (vram->ntaken < count) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!nvsim_vram_take_one(sdev, vram)) {
			ret = -EBUSY;
			break;
		}
	}
	mutex_unlock(&vram->chunk_lock);
	return ret;
}

/**
 * nvsim_vram_show() - print who holds the VRAM, for debugfs
 * @vram: the VRAM
 * @m: where to
 *
 * Context: Process context; takes &nvsim_vram.chunk_lock.
 */
void nvsim_vram_show(struct nvsim_vram *vram, struct seq_file *m)
{
	unsigned int i, chunks = 0;

	mutex_lock(&vram->chunk_lock);
	for (i = 0; i < vram->nslots; i++)
		chunks += !!vram->chunks[i];
	seq_printf(m, "pieces %u\nchunks %u\ntaken %u\nrefused %llu\n", vram->nslots, chunks,
		   vram->ntaken, vram->refused);
	mutex_unlock(&vram->chunk_lock);
}

/**
 * nvsim_copy_show() - print the copy engine's statistics, for debugfs
 * @vram: the VRAM
 * @m: where to
 *
 * Takes no lock, so that a test can watch a copy while an eviction holds
 * &nvsim_vram.chunk_lock around it.
 *
 * Context: Process context.
 */
void nvsim_copy_show(struct nvsim_vram *vram, struct seq_file *m)
{
	seq_printf(m, "delayed %lld\n", atomic64_read(&vram->delayed));
}

/**
 * nvsim_vram_inject_alloc_fail() - arm device-memory allocation failures
 * @vram: the VRAM
 * @count: how many of the next allocations vram_admit refuses; 0 disarms
 *
 * Replaces what was armed before.
 *
 * Context: any context.
 */
void nvsim_vram_inject_alloc_fail(struct nvsim_vram *vram, u32 count)
{
	atomic_set(&vram->alloc_fail, count);
}

/**
 * nvsim_copy_inject_fail() - arm copy-engine failures
 * @vram: the VRAM
 * @count: how many of the next launches fail; 0 disarms
 *
 * Replaces what was armed before.
 *
 * Context: any context.
 */
void nvsim_copy_inject_fail(struct nvsim_vram *vram, u32 count)
{
	atomic_set(&vram->copy_fail, count);
}

/* Pages @e stands for, of the @left pages still to copy. */
static unsigned long nvsim_copy_entry_pages(const struct drm_pagemap_addr *e,
					    unsigned long left)
{
	if (e->order >= BITS_PER_LONG)
		return left;
	return min(1UL << e->order, left);
}

/* Check a launch before it touches anything: a failure is a core bug. */
static bool nvsim_copy_valid(const struct nvsim_vram *vram,
			     enum nouveau_svm_copy_dir dir, u64 offset,
			     const struct drm_pagemap_addr *sys,
			     unsigned long npages)
{
	unsigned long i;

	if (dir != NOUVEAU_SVM_COPY_TO_VRAM && dir != NOUVEAU_SVM_COPY_TO_SYS)
		return false;
	if (!nvsim_vram_contains(vram, offset, npages))
		return false;
	if (!sys)
		return dir == NOUVEAU_SVM_COPY_TO_VRAM;
	for (i = 0; i < npages; i += nvsim_copy_entry_pages(&sys[i], npages - i))
		if (sys[i].proto != DRM_INTERCONNECT_SYSTEM)
			return false;
	return true;
}

/* Copy one page between system memory at DMA address @addr and @vptr. */
static int nvsim_copy_page(struct nvsim_iommu *mmu,
			   enum nouveau_svm_copy_dir dir, void *vptr,
			   dma_addr_t addr)
{
	bool to_sys = dir == NOUVEAU_SVM_COPY_TO_SYS;
	struct page *page;
	void *sptr;

	page = nvsim_iommu_lookup(mmu, addr, to_sys);
	if (WARN_ONCE(!page, "nvsim: copy through unmapped DMA address %pad\n",
		      &addr))
		return -EIO;

	sptr = kmap_local_page(page);
	if (to_sys)
		copy_page(sptr, vptr);
	else
		copy_page(vptr, sptr);
	kunmap_local(sptr);
	return 0;
}

/* Copy @npages pages between @vptr in VRAM and @sys. */
static int nvsim_copy_pages(struct nvsim_iommu *mmu,
			    enum nouveau_svm_copy_dir dir, void *vptr,
			    const struct drm_pagemap_addr *sys,
			    unsigned long npages)
{
	unsigned long i, k, n;
	int ret;

	for (i = 0; i < npages; i += n) {
		n = nvsim_copy_entry_pages(&sys[i], npages - i);
		for (k = 0; k < n; k++) {
			ret = nvsim_copy_page(mmu, dir, vptr, sys[i].addr +
					      ((dma_addr_t)k << PAGE_SHIFT));
			if (ret)
				return ret;
			vptr += PAGE_SIZE;
		}
		cond_resched();
	}
	return 0;
}

/* Clear @npages pages at @vptr in VRAM. */
static void nvsim_copy_clear(void *vptr, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++) {
		clear_page(vptr);
		vptr += PAGE_SIZE;
		if (!(i % NVSIM_PT_ENTRIES))
			cond_resched();
	}
}

/*
 * A launch to system memory waits copy_delay_us first, if set, or until
 * its caller is killed (the copy is then made at once).
 */
static void nvsim_copy_delay(struct nvsim_vram *vram)
{
	unsigned int us = min_t(unsigned int, READ_ONCE(copy_delay_us),
				NVSIM_COPY_DELAY_MAX_US);
	long left = usecs_to_jiffies(us);

	if (!us)
		return;
	atomic64_inc(&vram->delayed);
	while (left > 0 && !fatal_signal_pending(current))
		left = schedule_timeout_killable(left);
}

/**
 * nvsim_copy() - launch the copy engine and wait for it
 * @sdev: the device
 * @dir: NOUVEAU_SVM_COPY_TO_VRAM or NOUVEAU_SVM_COPY_TO_SYS
 * @vram: byte offset of the first VRAM page; the VRAM side is contiguous
 * @sys: one entry per page: an entry of order k holds the DMA address of
 *	1 << k contiguous pages of system memory, and the (1 << k) - 1
 *	entries after it are not read; NULL with NOUVEAU_SVM_COPY_TO_VRAM
 *	to clear the VRAM pages instead
 * @npages: number of pages to copy
 *
 * Implements &nouveau_svm_backend_ops.copy: one call is one launch, which
 * is complete when this returns (see DOC: Copy engine); a launch to system
 * memory first waits the copy_delay_us module parameter's time, if set.
 *
 * Context: process or worker context, the mmap lock and folio locks
 * possibly held by the caller, and &nvsim_vram.chunk_lock when the other
 * VRAM user evicts; takes no lock; may sleep, with copy_delay_us set up to
 * 5 s (killable) before a copy to system memory, with those locks held.
 * Return: 0; -EIO if DRM_NVSIM_INJECT_COPY_FAIL armed a failure (this
 * takes one; nothing was copied), or, with a warning, if a system page's
 * DMA address is not mapped for the copy; -EINVAL, with a warning, if the VRAM
 * side does not lie inside the VRAM, an entry of @sys is not system memory,
 * @sys is NULL for a copy to system memory or @dir is unknown (nothing was
 * copied).
 */
int nvsim_copy(struct nouveau_svm_dev *sdev, enum nouveau_svm_copy_dir dir,
	       u64 vram, const struct drm_pagemap_addr *sys,
	       unsigned long npages)
{
	struct nvsim_device *ndev = to_nvsim_device(sdev);
	void *vptr;

	if (WARN_ON_ONCE(!nvsim_copy_valid(&ndev->vram, dir, vram, sys, npages)))
		return -EINVAL;
	if (nvsim_inject_take(&ndev->vram.copy_fail))
		return -EIO;

	vptr = ndev->vram.base + vram;
	if (dir == NOUVEAU_SVM_COPY_TO_SYS)
		nvsim_copy_delay(&ndev->vram);
	if (sys)
		return nvsim_copy_pages(&ndev->iommu, dir, vptr, sys, npages);
	nvsim_copy_clear(vptr, npages);
	return 0;
}
