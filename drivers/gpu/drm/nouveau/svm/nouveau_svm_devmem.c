// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: device memory.  VRAM becomes device-private pages
 * behind a drm_pagemap; the core borrows it from the backend in chunks when
 * a migration needs it, moves process memory into it and back with
 * drm_pagemap and the backend's copy engine, evicts the least recently
 * used allocation when it is full, and gives chunks back when they empty.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Device memory
 *
 * The backend tells the core, with nouveau_svm_devmem_init(), how much VRAM
 * its chunks may come from.  The core makes all of it a
 * MEMORY_DEVICE_PRIVATE dev_pagemap, whose pages stand for VRAM one to one
 * (page i is the VRAM at offset i * PAGE_SIZE; their struct pages cost
 * 1/64 of that in system memory, as xe's do), owned by the device, with
 * drm_pagemap's page operations: a CPU access to such a page migrates it
 * back (drm_pagemap's migrate_to_ram), and the last reference to a page
 * releases its allocation.
 *
 * Nothing is reserved: the core borrows VRAM from the backend in chunks of
 * NOUVEAU_SVM_CHUNK_SIZE (&nouveau_svm_backend_ops.chunk_alloc) when a
 * migration finds no room in the chunks it holds, and gives a chunk back
 * (chunk_free) when the last allocation in it is freed, at once, as NVIDIA
 * UVM gives a root chunk back to RM's allocator when it is all free
 * (uvm_pmm_gpu.c, free_chunk() and free_next_available_root_chunk()):
 * VRAM SVM does not use is never kept from graphics.  The hardware
 * backend lends nouveau buffer objects in VRAM, which TTM evicts like any
 * other; the simulated GPU lends 2 MiB pieces of its VRAM, which another
 * VRAM user it simulates takes back the same way.  A backend takes a chunk
 * back with nouveau_svm_chunk_evict(): its allocations are evicted to
 * system memory first.  Whenever the GPU maps pages of a chunk, the core
 * tells the backend (chunk_touch), so that a memory manager that evicts
 * the least recently used first (TTM; the simulated other user too)
 * takes back chunks the GPU mapped lately after those it did not, as TTM
 * does buffers that submissions validated lately.  Within its chunks the
 * core allocates naturally aligned power-of-two pieces of 4 KiB to 2 MiB,
 * one per allocation (&struct nouveau_svm_devmem), and each allocation
 * holds one naturally aligned piece of a process's address space.  A
 * piece of 2 MiB whose memory is a transparent huge page moves as one
 * 2 MiB device-private folio, and back as one folio when a THP can be
 * had.  drm_pagemap brings back a whole allocation when the CPU touches
 * one of its pages: the faulting page and the rest of its piece, at most
 * 2 MiB.
 *
 * The copy hooks turn drm_pagemap's page arrays into runs of contiguous
 * VRAM and hand each run to the backend's copy engine in one launch.  Pages
 * that had no memory yet (never touched) are cleared in VRAM, never copied.
 *
 * With the dmem cgroup controller, each allocation is charged in the
 * backend's region of the device's VRAM (drm/<device>/vram: nouveau's,
 * where TTM charges buffers too, or the simulated GPU's of the same name)
 * to the dmem cgroup of the process whose VM it is for: the cgroup that
 * process was in at SVM_INIT, taken then, since the fault worker that
 * migrates for an ADVISE_ATOMIC MIGRATE fault is no task of the process
 * (dmem_cgroup_try_charge_css()); a process moved to another cgroup later
 * keeps charging that one, as a buffer object stays charged where it was
 * made.  A charge over a dmem.max evicts the least recently used
 * allocations charged inside the cgroup whose limit it hit (that cgroup or
 * its descendants: the charging one's own, or its siblings' under a common
 * ancestor's limit, never outside it) and fails with -ENOMEM when none of
 * them is on the LRU list (those being migrated or evicted at the moment
 * are not); lowering dmem.max evicts the excess the same way (the region's
 * reclaim callback calls nouveau_svm_devmem_reclaim()).  Such an eviction
 * is fair between the clients the limit covers: it takes the least
 * recently used allocation of the client that holds the most, the one over
 * its fair share if any is, so that a client in a cgroup full of another's
 * memory gets room by evicting the other's, not its own.
 *
 * When an allocation finds no room in the core's chunks and the backend
 * has no chunk to lend, the least recently used allocation
 * (of any client) is evicted to system memory with
 * drm_pagemap_evict_to_ram() and the allocation tried again; a cgroup's
 * dmem.min protects its allocations, and its dmem.low does until nothing
 * else is left, as in TTM's eviction.  An
 * allocation never evicts one that its own migration request made (see
 * nouveau_svm_devmem_migration()): a request larger than VRAM fills what
 * it can and stops, instead of evicting what it has just moved, page by
 * page, into system memory it did not use before (never-touched memory
 * would become resident that way).  Eviction finds the pages through their
 * PFNs, so it works whoever maps them: after fork() and the allocating
 * process's exit, a child's pages are evicted like any others.  Allocations
 * are used when they are made and whenever the GPU maps their pages.  A
 * VM's allocations are evicted when the VM goes away while its process
 * lives on, and every allocation when the device goes away.
 *
 * The drm_pagemap holds a reference on the DRM device and its module while
 * it lives, so the core keeps it alive only while it is used: each VM and
 * each device page holds a reference, and the next VM brings it back to
 * life once it has died (drm_pagemap_reinit()).
 */

/**
 * DOC: Locking
 *
 * - &nouveau_svm_vram.lock protects the list of chunks and what is
 *   allocated in each.  It is never held across a backend call: the
 *   backend's memory manager may evict a chunk (nouveau_svm_chunk_evict())
 *   from inside chunk_alloc, and serialises that against its chunk_free
 *   with its own locks (a buffer object's reservation).
 * - &nouveau_svm_vram.lru_lock protects the LRU list and the allocations'
 *   &nouveau_svm_devmem.released.  It is taken with interrupts off: an
 *   allocation is released when its last device page is freed, wherever
 *   the page's last reference goes.
 * - &nouveau_svm_vram.pagemap_lock serialises bringing the drm_pagemap back
 *   to life.
 * - The owner map (VRAM offset to allocation) is changed under
 *   &nouveau_svm_vram.owners_lock (its own lock, which a store may drop
 *   to allocate, is not enough to keep two writers apart; the chunk lock
 *   would do, but a store allocates with reclaim, and a backend evicts a
 *   chunk under its buffer's reservation, which reclaim may take) and
 *   read without
 *   one, under RCU, while other CPUs change it; an allocation is in it
 *   from before its first page exists to after its last page is gone.
 * - An allocation is reference counted (&nouveau_svm_devmem.ref): one
 *   reference for its pages (dropped by drm_pagemap's devmem_release), one
 *   for whoever migrates or evicts it at the moment.  The last one queues
 *   it for freeing, which happens in process context.
 * - A chunk lives while an allocation in it is not freed
 *   (&nouveau_svm_vram_chunk.allocs); it counts those whose pages may
 *   still exist apart (&nouveau_svm_vram_chunk.holding, an atomic), since
 *   its VRAM may be used again as soon as they are all gone.
 *
 * No lock is held while pages are migrated, copied or evicted: races with
 * the CPU are resolved by drm_pagemap, whose migrations are all or nothing
 * and report -EBUSY, and by retrying.  The copy hooks take no lock at all.
 */

#include <kunit/visibility.h>
#include <linux/cgroup_dmem.h>
#include <linux/dma-mapping.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/ioport.h>
#include <linux/jiffies.h>
#include <linux/llist.h>
#include <linux/maple_tree.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/wait_bit.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <drm/drm_device.h>
#include <drm/drm_pagemap.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

/* How long an allocation keeps evicting others to find room. */
#define NOUVEAU_SVM_VRAM_ALLOC_TIMEOUT	(2 * HZ)

/* How long device teardown waits for the last device page to be freed. */
#define NOUVEAU_SVM_VRAM_DRAIN_TIMEOUT	(10 * HZ)

/*
 * How long a chunk's eviction waits for the pages of its allocations to be
 * freed once they are out of VRAM (drm_pagemap completes an allocation's
 * detachment just before it releases it).
 */
#define NOUVEAU_SVM_CHUNK_DRAIN_TIMEOUT	msecs_to_jiffies(20)

#define NOUVEAU_SVM_CHUNK_PAGES	(NOUVEAU_SVM_CHUNK_SIZE >> PAGE_SHIFT)

/**
 * struct nouveau_svm_vram - the device memory of a GPU
 * @sdev: the device
 * @size: bytes of VRAM
 * @pfn_first: the pfn of the device-private page for VRAM offset 0
 * @used: bytes allocated now
 * @pagemap: the device-private pages
 * @dpagemap: the drm_pagemap around @pagemap
 * @lock: protects @chunks, @nchunks and the chunks' allocation state
 * @chunks: the chunks the backend lent, in the order they came
 * @nchunks: their number
 * @lru_lock: protects @lru and the allocations' lru and released members
 * @lru: live allocations, least recently used first
 * @owners: VRAM offset ranges to their allocation
 * @owners_lock: serialises the writers of @owners
 * @pagemap_lock: serialises bringing @dpagemap back to life
 * @dpagemap_live: @dpagemap was initialised once
 * @dpagemap_dead: completed when @dpagemap's last reference went
 * @free_list: allocations waiting to be freed
 * @free_work: frees them
 * @migrations: the number of the latest migration request
 * @evictions: allocations evicted so far
 * @region: the dmem cgroup region allocations are charged to, the
 *	backend's; NULL when the kernel has no dmem controller
 */
struct nouveau_svm_vram {
	struct nouveau_svm_dev *sdev;
	u64 size;
	unsigned long pfn_first;
	atomic64_t used;
	struct dev_pagemap pagemap;
	struct drm_pagemap dpagemap;

	struct mutex lock; /* protects chunks, nchunks, chunk allocation state */
	struct list_head chunks;
	unsigned int nchunks;

	spinlock_t lru_lock; /* protects lru, devmem lru and released */
	struct list_head lru;

	struct maple_tree owners;
	struct mutex owners_lock; /* serialises owners writers */

	struct mutex pagemap_lock; /* serialises dpagemap revival */
	bool dpagemap_live;
	struct completion dpagemap_dead;

	struct llist_head free_list;
	struct work_struct free_work;

	atomic64_t migrations;
	atomic64_t evictions;
	struct dmem_cgroup_region *region;
};

/**
 * struct nouveau_svm_vram_chunk - a chunk of VRAM and the core's use of it
 * @base: what the backend knows of it
 * @vram: the device memory
 * @link: entry in &nouveau_svm_vram.chunks (lock)
 * @used: its pages that allocations hold (lock)
 * @allocs: its allocations not yet freed (lock); the chunk goes back to the
 *	backend when the last one is freed
 * @closed: takes no allocation any more: the backend is taking it back, or
 *	has (lock)
 * @holding: its allocations whose device pages may still exist (neither
 *	released nor freed unused)
 */
struct nouveau_svm_vram_chunk {
	struct nouveau_svm_chunk base;
	struct nouveau_svm_vram *vram;
	struct list_head link;
	DECLARE_BITMAP(used, NOUVEAU_SVM_CHUNK_PAGES);
	unsigned int allocs;
	bool closed;
	atomic_t holding;
};

/**
 * struct nouveau_svm_devmem - one allocation of device memory
 * @base: what drm_pagemap knows of it
 * @vram: the device memory it comes from
 * @stats: the counters of the client it belongs to (a reference)
 * @chunk: the chunk it lies in
 * @offset: its VRAM offset
 * @lru: entry in &nouveau_svm_vram.lru while it holds pages (lru_lock)
 * @released: its pages are all gone (lru_lock)
 * @ref: references, see DOC: Locking
 * @free_link: entry in &nouveau_svm_vram.free_list
 * @migration: the migration request that made it
 * @pool: the dmem cgroup pool it is charged to until it is released (NULL:
 *	charged nowhere)
 */
struct nouveau_svm_devmem {
	struct drm_pagemap_devmem base;
	struct nouveau_svm_vram *vram;
	struct nouveau_svm_stats *stats;
	struct nouveau_svm_vram_chunk *chunk;
	u64 offset;
	struct list_head lru;
	bool released;
	struct kref ref;
	struct llist_node free_link;
	u64 migration;
	struct dmem_cgroup_pool_state *pool;
};

/**
 * nouveau_svm_owners_init() - an empty map of VRAM offsets to allocations
 * @owners: the map
 *
 * The copy hooks and the fault path look allocations up without a lock
 * while other CPUs add and remove allocations.  A maple tree allows that
 * only in RCU mode: outside it, a store may rewrite a node in place, and a
 * lookup running at the same time can miss an entry that was there all
 * along.
 *
 * Context: Any context.
 */
VISIBLE_IF_KUNIT void nouveau_svm_owners_init(struct maple_tree *owners)
{
	mt_init_flags(owners, MT_FLAGS_USE_RCU);
}
EXPORT_SYMBOL_IF_KUNIT(nouveau_svm_owners_init);

/**
 * nouveau_svm_owners_add() - map a range of VRAM to its allocation
 * @owners: the map
 * @offset: the range's VRAM offset
 * @size: its bytes, not 0
 * @d: the allocation
 *
 * The tree's nodes are charged to the memory cgroup of the process whose
 * migration makes the allocation, as the allocation itself is.  Writers
 * of the map are serialised by the caller.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
VISIBLE_IF_KUNIT int nouveau_svm_owners_add(struct maple_tree *owners, u64 offset, u64 size,
					    struct nouveau_svm_devmem *d)
{
	return mtree_store_range(owners, offset, offset + size - 1, d, GFP_KERNEL_ACCOUNT);
}
EXPORT_SYMBOL_IF_KUNIT(nouveau_svm_owners_add);

/**
 * nouveau_svm_owners_remove() - unmap the range of an allocation
 * @owners: the map
 * @offset: the VRAM offset of the range
 * @size: its bytes, not 0
 * @d: the allocation
 *
 * Leaves whatever part of the range is no longer @d's alone: once the
 * pages of an allocation are gone, the backend may take its chunk back
 * and lend the same VRAM again, and new allocations there may be mapped
 * before the old one is freed.  Writers of the map are serialised by the
 * caller (a lookup or a store may drop the tree's own lock to allocate).
 *
 * Context: Process context.
 */
VISIBLE_IF_KUNIT void nouveau_svm_owners_remove(struct maple_tree *owners, u64 offset, u64 size,
						struct nouveau_svm_devmem *d)
{
	MA_STATE(mas, owners, offset, offset);
	u64 index = offset, last = offset + size - 1, next;
	void *entry;

	mtree_lock(owners);
	while (index <= last) {
		mas_set(&mas, index);
		entry = mas_find(&mas, last);
		if (!entry)
			break;
		next = mas.last + 1;
		if (entry == d)
			mas_erase(&mas);
		if (!next)
			break;
		index = next;
	}
	mtree_unlock(owners);
}
EXPORT_SYMBOL_IF_KUNIT(nouveau_svm_owners_remove);

/**
 * nouveau_svm_owners_find() - the allocation that holds a VRAM offset
 * @owners: the map
 * @offset: the offset
 *
 * The caller keeps the allocation alive otherwise, for instance by holding
 * one of its pages.
 *
 * Context: Any context; takes no lock.
 * Return: the allocation, or NULL.
 */
VISIBLE_IF_KUNIT struct nouveau_svm_devmem *
nouveau_svm_owners_find(struct maple_tree *owners, u64 offset)
{
	return mtree_load(owners, offset);
}
EXPORT_SYMBOL_IF_KUNIT(nouveau_svm_owners_find);

/**
 * nouveau_svm_chunk_find() - where an allocation fits in a chunk
 * @used: the chunk's pages in use, NOUVEAU_SVM_CHUNK_PAGES bits
 * @npages: the allocation's pages, a power of two up to a chunk's
 *
 * Context: Any context; the caller keeps @used stable.
 * Return: the index of the first of @npages free pages aligned to @npages,
 * or NOUVEAU_SVM_CHUNK_PAGES or more when there is none.
 */
VISIBLE_IF_KUNIT unsigned long nouveau_svm_chunk_find(unsigned long *used, unsigned int npages)
{
	return bitmap_find_next_zero_area(used, NOUVEAU_SVM_CHUNK_PAGES, 0, npages,
					  npages - 1);
}
EXPORT_SYMBOL_IF_KUNIT(nouveau_svm_chunk_find);

static struct nouveau_svm_vram_chunk *to_vram_chunk(struct nouveau_svm_chunk *chunk)
{
	return container_of(chunk, struct nouveau_svm_vram_chunk, base);
}

/* Take @npages pages of @c for an allocation, at *@offset; lock held. */
static bool nouveau_svm_chunk_take(struct nouveau_svm_vram_chunk *c, unsigned int npages,
				   u64 *offset)
{
	unsigned long i;

	lockdep_assert_held(&c->vram->lock);
	if (c->closed)
		return false;
	i = nouveau_svm_chunk_find(c->used, npages);
	if (i >= NOUVEAU_SVM_CHUNK_PAGES)
		return false;
	bitmap_set(c->used, i, npages);
	c->allocs++;
	atomic_inc(&c->holding);
	*offset = c->base.offset + ((u64)i << PAGE_SHIFT);
	return true;
}

/* The pages of an allocation in @c are gone, or never came. */
static void nouveau_svm_chunk_unhold(struct nouveau_svm_vram_chunk *c)
{
	if (atomic_dec_and_test(&c->holding))
		wake_up_var(&c->holding);
}

/*
 * Give the @size bytes at @offset back to @c, and @c back to the backend
 * when it was its last allocation.  Process context.
 */
static void nouveau_svm_chunk_put(struct nouveau_svm_vram_chunk *c, u64 offset, u64 size)
{
	struct nouveau_svm_vram *vram = c->vram;
	bool empty;

	mutex_lock(&vram->lock);
	bitmap_clear(c->used, (offset - c->base.offset) >> PAGE_SHIFT, size >> PAGE_SHIFT);
	empty = !--c->allocs;
	if (empty) {
		list_del(&c->link);
		vram->nchunks--;
	}
	mutex_unlock(&vram->lock);
	if (!empty)
		return;
	vram->sdev->ops->chunk_free(vram->sdev, &c->base);
	kfree(c);
}

/*
 * Place @npages pages in a chunk the core holds; lock taken.  NULL when
 * none has room.
 */
static struct nouveau_svm_vram_chunk *
nouveau_svm_chunks_take(struct nouveau_svm_vram *vram, unsigned int npages, u64 *offset)
{
	struct nouveau_svm_vram_chunk *c, *found = NULL;

	mutex_lock(&vram->lock);
	list_for_each_entry(c, &vram->chunks, link) {
		if (nouveau_svm_chunk_take(c, npages, offset)) {
			found = c;
			break;
		}
	}
	mutex_unlock(&vram->lock);
	return found;
}

/*
 * Borrow a new chunk from the backend and place @npages pages in it.
 * -ENOSPC when VRAM is full, or the backend took the chunk back at once.
 */
static int nouveau_svm_chunk_new(struct nouveau_svm_vram *vram, unsigned int npages,
				 struct nouveau_svm_vram_chunk **chunk, u64 *offset)
{
	struct nouveau_svm_dev *sdev = vram->sdev;
	struct nouveau_svm_vram_chunk *c;
	bool taken;
	int ret;

	c = kzalloc_obj(*c, GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	c->vram = vram;
	ret = sdev->ops->chunk_alloc(sdev, &c->base);
	if (ret)
		goto err_free;
	if (WARN_ON_ONCE(!IS_ALIGNED(c->base.offset, NOUVEAU_SVM_CHUNK_SIZE) ||
			 c->base.offset > vram->size - NOUVEAU_SVM_CHUNK_SIZE)) {
		ret = -EIO;
		goto err_chunk;
	}
	mutex_lock(&vram->lock);
	/* Closed already if the backend wanted it back meanwhile. */
	taken = nouveau_svm_chunk_take(c, npages, offset);
	if (taken) {
		list_add_tail(&c->link, &vram->chunks);
		vram->nchunks++;
	}
	mutex_unlock(&vram->lock);
	if (taken) {
		*chunk = c;
		return 0;
	}
	ret = -ENOSPC;
err_chunk:
	sdev->ops->chunk_free(sdev, &c->base);
err_free:
	kfree(c);
	return ret;
}

static struct nouveau_svm_devmem *to_devmem(struct drm_pagemap_devmem *base)
{
	return container_of(base, struct nouveau_svm_devmem, base);
}

static struct nouveau_svm_vram *page_to_vram(struct page *page)
{
	return container_of(page_pgmap(page), struct nouveau_svm_vram, pagemap);
}

static u64 nouveau_svm_vram_offset(const struct nouveau_svm_vram *vram, struct page *page)
{
	return (u64)(page_to_pfn(page) - vram->pfn_first) << PAGE_SHIFT;
}

static u64 nouveau_svm_devmem_bytes(const struct nouveau_svm_devmem *d)
{
	return d->base.size;
}

/* The allocation no longer holds VRAM for its client: its pages are gone. */
static void nouveau_svm_devmem_unaccount(struct nouveau_svm_devmem *d)
{
	u64 size = nouveau_svm_devmem_bytes(d);

	atomic64_sub(size, &d->vram->used);
	atomic64_sub(size >> PAGE_SHIFT, &d->stats->vram_pages);
	dmem_cgroup_uncharge(d->pool, size);
	nouveau_svm_chunk_unhold(d->chunk);
}

static void nouveau_svm_stats_release(struct kref *ref)
{
	kfree(container_of(ref, struct nouveau_svm_stats, ref));
}

/**
 * nouveau_svm_stats_get() - take a reference on a client's counters
 * @stats: the counters
 *
 * Context: Any context.
 * Return: @stats.
 */
struct nouveau_svm_stats *nouveau_svm_stats_get(struct nouveau_svm_stats *stats)
{
	kref_get(&stats->ref);
	return stats;
}

/**
 * nouveau_svm_stats_put() - drop a reference on a client's counters
 * @stats: the counters, freed with their last reference
 *
 * Context: Any context.
 */
void nouveau_svm_stats_put(struct nouveau_svm_stats *stats)
{
	kref_put(&stats->ref, nouveau_svm_stats_release);
}

static void nouveau_svm_vram_free_work(struct work_struct *work)
{
	struct nouveau_svm_vram *vram = container_of(work, typeof(*vram), free_work);
	struct llist_node *list = llist_del_all(&vram->free_list);
	struct nouveau_svm_devmem *d, *next;

	llist_for_each_entry_safe(d, next, list, free_link) {
		mutex_lock(&vram->owners_lock);
		nouveau_svm_owners_remove(&vram->owners, d->offset,
					  nouveau_svm_devmem_bytes(d), d);
		mutex_unlock(&vram->owners_lock);
		/* Counted as used until released, or freed unused. */
		if (!d->released)
			nouveau_svm_devmem_unaccount(d);
		nouveau_svm_chunk_put(d->chunk, d->offset, nouveau_svm_devmem_bytes(d));
		nouveau_svm_stats_put(d->stats);
		mmdrop(d->base.mm);
		kfree(d);
	}
}

/* Any context: the last reference may go where a page's last one goes. */
static void nouveau_svm_devmem_free(struct kref *ref)
{
	struct nouveau_svm_devmem *d = container_of(ref, typeof(*d), ref);
	struct nouveau_svm_vram *vram = d->vram;

	/* Once on the list, a running free work may free @d at any time. */
	llist_add(&d->free_link, &vram->free_list);
	queue_work(system_dfl_wq, &vram->free_work);
}

static void nouveau_svm_devmem_put(struct nouveau_svm_devmem *d)
{
	kref_put(&d->ref, nouveau_svm_devmem_free);
}

/* drm_pagemap: the allocation's last page is gone.  Any context. */
static void nouveau_svm_devmem_release(struct drm_pagemap_devmem *base)
{
	struct nouveau_svm_devmem *d = to_devmem(base);
	unsigned long flags;

	spin_lock_irqsave(&d->vram->lru_lock, flags);
	d->released = true;
	list_del_init(&d->lru);
	spin_unlock_irqrestore(&d->vram->lru_lock, flags);
	nouveau_svm_devmem_unaccount(d);
	nouveau_svm_devmem_put(d);
}

static int nouveau_svm_devmem_populate_pfn(struct drm_pagemap_devmem *base,
					   unsigned long npages, unsigned long *pfn)
{
	struct nouveau_svm_devmem *d = to_devmem(base);
	unsigned long first = d->vram->pfn_first + (d->offset >> PAGE_SHIFT);
	unsigned long i;

	if (WARN_ON_ONCE(npages > nouveau_svm_devmem_bytes(d) >> PAGE_SHIFT))
		return -EINVAL;
	for (i = 0; i < npages; i++)
		pfn[i] = first + i;
	return 0;
}

/**
 * struct nouveau_svm_copy_run - pages for one copy-engine launch
 * @vram: VRAM offset of the first page
 * @sys: the system side, one entry per page (NULL: clear VRAM)
 * @npages: pages in the run
 * @thps: 2 MiB folios among them
 */
struct nouveau_svm_copy_run {
	u64 vram;
	const struct drm_pagemap_addr *sys;
	unsigned long npages;
	unsigned long thps;
};

static void nouveau_svm_copy_account(struct nouveau_svm_vram *vram,
				     enum nouveau_svm_copy_dir dir,
				     const struct nouveau_svm_copy_run *run, int ret)
{
	struct nouveau_svm_devmem *d = nouveau_svm_owners_find(&vram->owners, run->vram);
	struct nouveau_svm_stats *s;

	trace_nouveau_svm_copy(dir, run->vram, run->npages, ret);
	if (WARN_ON_ONCE(!d))
		return;
	s = d->stats;
	atomic64_inc(&s->copy_launches);
	if (ret) {
		atomic64_inc(&s->copy_failures);
		return;
	}
	if (dir == NOUVEAU_SVM_COPY_TO_VRAM) {
		atomic64_add(run->npages, &s->pages_to_vram);
		atomic64_add(run->thps, &s->thp_to_vram);
	} else {
		atomic64_add(run->npages, &s->pages_to_host);
		atomic64_add(run->thps, &s->thp_to_host);
	}
}

static int nouveau_svm_copy_launch(struct nouveau_svm_vram *vram,
				   enum nouveau_svm_copy_dir dir,
				   const struct nouveau_svm_copy_run *run)
{
	struct nouveau_svm_dev *sdev = vram->sdev;
	int ret;

	if (!run->npages)
		return 0;
	ret = sdev->ops->copy(sdev, dir, run->vram, run->sys, run->npages);
	nouveau_svm_copy_account(vram, dir, run, ret);
	return ret;
}

/*
 * The pages entry @i covers: for a copy to VRAM the destination folio's
 * (a page that had no memory has no source entry), for a copy back the
 * destination entry's order.
 */
static unsigned long nouveau_svm_copy_step(enum nouveau_svm_copy_dir dir,
					   struct page *page,
					   const struct drm_pagemap_addr *addr)
{
	if (dir == NOUVEAU_SVM_COPY_TO_VRAM && !addr->addr)
		return folio_nr_pages(page_folio(page));
	return 1UL << addr->order;
}

/*
 * Copy what drm_pagemap asks for in runs: a run is as long as the VRAM side
 * stays contiguous and the system side stays of one kind (pages with data,
 * or pages to clear).
 */
static int nouveau_svm_devmem_copy(enum nouveau_svm_copy_dir dir, struct page **pages,
				   struct drm_pagemap_addr *addr, unsigned long npages)
{
	struct nouveau_svm_copy_run run = {};
	struct nouveau_svm_vram *vram = NULL;
	unsigned long i, n;
	u64 off;
	int ret;

	for (i = 0; i < npages; i += n) {
		n = 1;
		if (!pages[i] || (dir == NOUVEAU_SVM_COPY_TO_SYS && !addr[i].addr))
			continue;
		vram = page_to_vram(pages[i]);
		off = nouveau_svm_vram_offset(vram, pages[i]);
		n = nouveau_svm_copy_step(dir, pages[i], &addr[i]);
		if (!run.npages || off != run.vram + (run.npages << PAGE_SHIFT) ||
		    !run.sys != !addr[i].addr) {
			ret = nouveau_svm_copy_launch(vram, dir, &run);
			if (ret)
				return ret;
			run = (struct nouveau_svm_copy_run){
				.vram = off,
				.sys = addr[i].addr ? &addr[i] : NULL,
			};
		}
		run.npages += n;
		run.thps += n == HPAGE_PMD_NR;
	}
	return vram ? nouveau_svm_copy_launch(vram, dir, &run) : 0;
}

static int nouveau_svm_devmem_copy_to_vram(struct page **pages,
					   struct drm_pagemap_addr *addr,
					   unsigned long npages,
					   struct dma_fence *pre_migrate_fence)
{
	return nouveau_svm_devmem_copy(NOUVEAU_SVM_COPY_TO_VRAM, pages, addr, npages);
}

static int nouveau_svm_devmem_copy_to_ram(struct page **pages,
					  struct drm_pagemap_addr *addr,
					  unsigned long npages,
					  struct dma_fence *pre_migrate_fence)
{
	return nouveau_svm_devmem_copy(NOUVEAU_SVM_COPY_TO_SYS, pages, addr, npages);
}

static const struct drm_pagemap_devmem_ops nouveau_svm_devmem_ops = {
	.devmem_release = nouveau_svm_devmem_release,
	.populate_devmem_pfn = nouveau_svm_devmem_populate_pfn,
	.copy_to_devmem = nouveau_svm_devmem_copy_to_vram,
	.copy_to_ram = nouveau_svm_devmem_copy_to_ram,
};

/**
 * struct nouveau_svm_victims - which allocations an eviction may take
 * @owner: only this client's, if not NULL
 * @chunk: only those in this chunk, if not NULL
 * @limit: only those charged inside this dmem pool (the limit a charge
 *	hit), if not NULL
 * @fair: only those of the client that holds the most VRAM among the
 *	allowed ones (the one over its fair share, if any is)
 * @ignore_low: take allocations of cgroups below their dmem.low too
 * @all: whatever dmem.min and dmem.low say (the client or the device goes)
 * @spare: not those of this migration request, if not 0
 * @spared: set when some were spared for @spare
 * @hit_low: set when some were spared for their dmem.low
 * @protected: set when some were spared for their dmem.min or dmem.low,
 *	or for being outside the limit
 * @evicted: set when the last eviction moved its allocation out of VRAM
 * @bytes: the size of that allocation, when @evicted
 */
struct nouveau_svm_victims {
	const struct nouveau_svm_stats *owner;
	const struct nouveau_svm_vram_chunk *chunk;
	struct dmem_cgroup_pool_state *limit;
	bool fair;
	bool ignore_low;
	bool all;
	u64 spare;
	bool spared;
	bool hit_low;
	bool protected;
	bool evicted;
	u64 bytes;
};

/* Whether @d may be evicted for @v; LRU lock held. */
static bool nouveau_svm_victim_ok(struct nouveau_svm_devmem *d, struct nouveau_svm_victims *v)
{
	lockdep_assert_held(&d->vram->lru_lock);
	if (v->owner && d->stats != v->owner)
		return false;
	if (v->chunk && d->chunk != v->chunk)
		return false;
	if (v->spare && d->migration == v->spare) {
		v->spared = true;
		return false;
	}
	if (v->all)
		return true;
	/* Charged nowhere: no limit's to evict. */
	if (!d->pool)
		return !v->limit;
	/* A cgroup's dmem.min and dmem.low protect it as TTM's eviction does. */
	if (dmem_cgroup_state_evict_valuable(v->limit, d->pool, v->ignore_low, &v->hit_low))
		return true;
	v->protected = true;
	return false;
}

/*
 * The client that holds the most VRAM among those whose allocations @v
 * allows, NULL if none; LRU lock held.
 */
static const struct nouveau_svm_stats *
nouveau_svm_vram_largest(struct nouveau_svm_vram *vram, struct nouveau_svm_victims *v)
{
	const struct nouveau_svm_stats *largest = NULL;
	struct nouveau_svm_devmem *d;

	lockdep_assert_held(&vram->lru_lock);
	list_for_each_entry(d, &vram->lru, lru)
		if (d->stats != largest && nouveau_svm_victim_ok(d, v) &&
		    (!largest || atomic64_read(&d->stats->vram_pages) >
				 atomic64_read(&largest->vram_pages)))
			largest = d->stats;
	return largest;
}

/*
 * Take the least recently used allocation that @v allows off the LRU
 * list, with a reference.  NULL if none is left.
 */
static struct nouveau_svm_devmem *
nouveau_svm_vram_lru_take(struct nouveau_svm_vram *vram, struct nouveau_svm_victims *v)
{
	const struct nouveau_svm_stats *client = NULL;
	struct nouveau_svm_devmem *d;

	spin_lock_irq(&vram->lru_lock);
	if (v->fair)
		client = nouveau_svm_vram_largest(vram, v);
	list_for_each_entry(d, &vram->lru, lru) {
		if (client && d->stats != client)
			continue;
		if (!nouveau_svm_victim_ok(d, v))
			continue;
		list_del_init(&d->lru);
		kref_get(&d->ref);
		spin_unlock_irq(&vram->lru_lock);
		return d;
	}
	spin_unlock_irq(&vram->lru_lock);
	return NULL;
}

/*
 * Evict the least recently used allocation that @v allows; allocations
 * that only their dmem.low protects are taken when nothing else is.
 * Returns false when there was none to evict.
 */
static bool nouveau_svm_vram_evict_one(struct nouveau_svm_vram *vram,
				       struct nouveau_svm_victims *v)
{
	struct nouveau_svm_devmem *victim;
	int ret;

	v->ignore_low = false;
	v->spared = false;
	v->hit_low = false;
	v->protected = false;
	v->evicted = false;
	victim = nouveau_svm_vram_lru_take(vram, v);
	if (!victim && v->hit_low) {
		v->ignore_low = true;
		victim = nouveau_svm_vram_lru_take(vram, v);
	}
	if (!victim)
		return false;

	ret = drm_pagemap_evict_to_ram(&victim->base);
	trace_nouveau_svm_evict(victim->offset, nouveau_svm_devmem_bytes(victim) >> PAGE_SHIFT,
				ret);
	v->evicted = !ret;
	v->bytes = nouveau_svm_devmem_bytes(victim);
	if (!ret) {
		atomic64_inc(&vram->evictions);
		atomic64_inc(&victim->stats->evictions);
		atomic64_add(nouveau_svm_devmem_bytes(victim) >> PAGE_SHIFT,
			     &victim->stats->evicted_pages);
	} else {
		/* Pages still in VRAM: it stays a candidate. */
		spin_lock_irq(&vram->lru_lock);
		if (!victim->released)
			list_add_tail(&victim->lru, &vram->lru);
		spin_unlock_irq(&vram->lru_lock);
	}
	nouveau_svm_devmem_put(victim);
	return true;
}

/* The allocations on the LRU list that @v (with .all set) allows. */
static unsigned long nouveau_svm_vram_lru_count(struct nouveau_svm_vram *vram,
						struct nouveau_svm_victims *v)
{
	struct nouveau_svm_devmem *d;
	unsigned long n = 0;

	spin_lock_irq(&vram->lru_lock);
	list_for_each_entry(d, &vram->lru, lru)
		n += nouveau_svm_victim_ok(d, v);
	spin_unlock_irq(&vram->lru_lock);
	return n;
}

/* Evict what @v allows; each allocation gets one try, and one more if it failed. */
static void nouveau_svm_vram_evict_each(struct nouveau_svm_vram *vram,
					struct nouveau_svm_victims *v)
{
	unsigned long n = 2 * nouveau_svm_vram_lru_count(vram, v);

	while (n-- && nouveau_svm_vram_evict_one(vram, v))
		;
}

/*
 * Evict every allocation (of @owner only, if not NULL).  Freed VRAM is
 * back with the backend after.
 */
static void nouveau_svm_vram_evict_all(struct nouveau_svm_vram *vram,
				       const struct nouveau_svm_stats *owner)
{
	struct nouveau_svm_victims v = { .owner = owner, .all = true };

	nouveau_svm_vram_evict_each(vram, &v);
	flush_work(&vram->free_work);
}

/*
 * Charge @size bytes to the dmem cgroup @css.  While a limit stops it,
 * evict the least recently used allocations, of the client that holds
 * the most, charged inside the cgroup whose limit it is (that cgroup's or
 * its descendants', never outside it), not those of migration
 * @migration, until NOUVEAU_SVM_VRAM_ALLOC_TIMEOUT has passed or the
 * caller is killed (an ioctl's process; the fault worker only has the
 * timeout).  *@pool is the pool charged, NULL without a dmem region.
 */
static int nouveau_svm_vram_charge(struct nouveau_svm_vram *vram,
				   struct cgroup_subsys_state *css, u64 size,
				   u64 migration, struct dmem_cgroup_pool_state **pool)
{
	unsigned long deadline = jiffies + NOUVEAU_SVM_VRAM_ALLOC_TIMEOUT;
	struct nouveau_svm_victims v = { .fair = true, .spare = migration };
	bool evicted;
	int ret;

	*pool = NULL;
	if (!vram->region || !css)
		return 0;
	for (;;) {
		ret = dmem_cgroup_try_charge_css(css, vram->region, size, pool, &v.limit);
		if (ret != -EAGAIN)
			return ret;
		evicted = !time_after(jiffies, deadline) && !fatal_signal_pending(current) &&
			  nouveau_svm_vram_evict_one(vram, &v);
		dmem_cgroup_pool_state_put(v.limit);
		if (!evicted)
			return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
		flush_work(&vram->free_work);
	}
}

/* Whether the core holds a chunk. */
static bool nouveau_svm_vram_holds_chunks(struct nouveau_svm_vram *vram)
{
	bool held;

	mutex_lock(&vram->lock);
	held = vram->nchunks;
	mutex_unlock(&vram->lock);
	return held;
}

/*
 * @size bytes of VRAM in a chunk the core holds, or else in a new one:
 * -ENOSPC when the backend has none to lend.
 */
static int nouveau_svm_vram_try_alloc(struct nouveau_svm_vram *vram, u64 size,
				      struct nouveau_svm_vram_chunk **chunk, u64 *offset)
{
	unsigned int npages = size >> PAGE_SHIFT;

	*chunk = nouveau_svm_chunks_take(vram, npages, offset);
	if (*chunk)
		return 0;
	return nouveau_svm_chunk_new(vram, npages, chunk, offset);
}

/*
 * @size bytes of VRAM for migration @migration, evicting least recently
 * used allocations (not the migration's own) while VRAM is full and no
 * released allocation has room to give back (the free work).  Other
 * clients allocate and evict at the same time: the room an eviction made
 * may go to one of them, and allocations being migrated or evicted are off
 * the LRU list for a moment.  So it keeps evicting, and waits a little when
 * there is nothing to evict, until NOUVEAU_SVM_VRAM_ALLOC_TIMEOUT has
 * passed or the process is killed; but when all that is left to evict is
 * the migration's own, or the core holds no chunk at all, there is no
 * room to wait for.
 */
static int nouveau_svm_vram_alloc(struct nouveau_svm_vram *vram, u64 size, u64 migration,
				  struct nouveau_svm_vram_chunk **chunk, u64 *offset)
{
	unsigned long deadline = jiffies + NOUVEAU_SVM_VRAM_ALLOC_TIMEOUT;
	struct nouveau_svm_victims v = { .spare = migration };
	int ret;

	if (vram->sdev->ops->vram_admit) {
		ret = vram->sdev->ops->vram_admit(vram->sdev, size);
		if (ret)
			return ret;
	}
	for (;;) {
		ret = nouveau_svm_vram_try_alloc(vram, size, chunk, offset);
		if (ret != -ENOSPC || time_after(jiffies, deadline))
			break;
		if (fatal_signal_pending(current))
			return -EINTR;
		/*
		 * Released allocations give their room back in the free work:
		 * take that before evicting anything (a range just migrated
		 * to system memory left it).
		 */
		if (flush_work(&vram->free_work))
			continue;
		if (!nouveau_svm_vram_evict_one(vram, &v)) {
			/*
			 * Nothing else to evict will come: no room to wait for.
			 * Without a chunk, no allocation is in flight either:
			 * another VRAM user holds all of it.
			 */
			if (v.spared || v.protected || !nouveau_svm_vram_holds_chunks(vram))
				break;
			usleep_range(500, 1000);
		}
		flush_work(&vram->free_work);
	}
	return ret == -ENOSPC ? -ENOMEM : ret;
}

static struct nouveau_svm_devmem *
nouveau_svm_devmem_alloc(struct nouveau_svm_vram *vram,
			 const struct nouveau_svm_devmem_client *client, u64 size,
			 u64 migration)
{
	struct nouveau_svm_devmem *d;
	int ret;

	d = kzalloc_obj(*d, GFP_KERNEL_ACCOUNT);
	if (!d)
		return ERR_PTR(-ENOMEM);
	ret = nouveau_svm_vram_charge(vram, client->dmem_css, size, migration, &d->pool);
	if (ret)
		goto err_free;
	ret = nouveau_svm_vram_alloc(vram, size, migration, &d->chunk, &d->offset);
	if (ret)
		goto err_uncharge;
	mutex_lock(&vram->owners_lock);
	ret = nouveau_svm_owners_add(&vram->owners, d->offset, size, d);
	mutex_unlock(&vram->owners_lock);
	if (ret)
		goto err_chunk;

	d->vram = vram;
	d->migration = migration;
	d->stats = nouveau_svm_stats_get(client->stats);
	INIT_LIST_HEAD(&d->lru);
	kref_init(&d->ref);
	mmgrab(client->mm);
	drm_pagemap_devmem_init(&d->base, vram->sdev->drm->dev, client->mm,
				&nouveau_svm_devmem_ops, &vram->dpagemap, size, NULL);
	atomic64_add(size, &vram->used);
	atomic64_add(size >> PAGE_SHIFT, &client->stats->vram_pages);
	return d;

err_chunk:
	nouveau_svm_chunk_unhold(d->chunk);
	nouveau_svm_chunk_put(d->chunk, d->offset, size);
err_uncharge:
	dmem_cgroup_uncharge(d->pool, size);
err_free:
	kfree(d);
	return ERR_PTR(ret);
}

/**
 * nouveau_svm_devmem_migration() - number a new migration request
 * @vram: the device memory
 *
 * The allocations a request makes carry its number, and the request's
 * later allocations never evict them.
 *
 * Context: Any context.
 * Return: a number no earlier request had, never 0.
 */
u64 nouveau_svm_devmem_migration(struct nouveau_svm_vram *vram)
{
	return atomic64_inc_return(&vram->migrations);
}

/**
 * nouveau_svm_devmem_evictions() - how many allocations were evicted
 * @vram: the device memory
 *
 * For a migration request that counted pages in VRAM before its own
 * allocations, or another client's, may have evicted some.
 *
 * Context: Any context.
 * Return: the allocations evicted so far, device wide.
 */
u64 nouveau_svm_devmem_evictions(struct nouveau_svm_vram *vram)
{
	return atomic64_read(&vram->evictions);
}

/**
 * nouveau_svm_devmem_migrate() - move a piece of a process to VRAM
 * @vram: the device memory
 * @client: the client asking; its process's mmap lock held for read
 * @start: the piece's start, aligned to its size
 * @end: its end; the size is a power of two from 4 KiB to 2 MiB, and the
 *	piece lies in one private anonymous VMA
 * @migration: the request it is part of (nouveau_svm_devmem_migration())
 * @timeslice_ms: how long the piece stays in VRAM at least: a CPU access
 *	before then faults again until it is over (0: none)
 *
 * Charges the piece to the client's dmem cgroup, evicting allocations
 * charged inside the limit it hits, if any; allocates VRAM for it,
 * evicting other allocations while VRAM is full; and migrates the piece
 * into it, all of it or nothing.  Neither eviction takes allocations of
 * @migration.
 *
 * Context: Process context, mmap lock held for read; may sleep.
 * Return: 0 when the piece is in VRAM (it may have been already); -ENOMEM
 * when no VRAM could be had, or the dmem cgroup's limit allows no more;
 * -EINTR when the process was killed; -EBUSY
 * when pages were busy or only part of the piece is in VRAM already; -EIO
 * or another copy error; the errors of drm_pagemap_migrate_to_devmem().
 */
int nouveau_svm_devmem_migrate(struct nouveau_svm_vram *vram,
			       const struct nouveau_svm_devmem_client *client,
			       u64 start, u64 end, u64 migration, unsigned long timeslice_ms)
{
	struct mm_struct *mm = client->mm;
	const struct drm_pagemap_migrate_details details = {
		.timeslice_ms = timeslice_ms,
	};
	struct nouveau_svm_devmem *d;
	int ret;

	mmap_assert_locked(mm);
	d = nouveau_svm_devmem_alloc(vram, client, end - start, migration);
	if (IS_ERR(d))
		return PTR_ERR(d);
	/* Ours across the migration; the first is consumed by it. */
	kref_get(&d->ref);
	ret = drm_pagemap_migrate_to_devmem(&d->base, mm, start, end, &details);
	spin_lock_irq(&vram->lru_lock);
	if (!d->released)
		list_add_tail(&d->lru, &vram->lru);
	spin_unlock_irq(&vram->lru_lock);
	nouveau_svm_devmem_put(d);
	return ret;
}

/**
 * nouveau_svm_devmem_touch() - the GPU uses pages of VRAM
 * @vram: the device memory
 * @dma: the pages, as drm_gpusvm_get_pages() gave them (VRAM entries only)
 * @n: the number of entries
 *
 * Moves the allocations that hold the pages to the end of the LRU list,
 * and tells the backend, chunk by chunk, that the GPU maps pages of their
 * chunks (&nouveau_svm_backend_ops.chunk_touch), so that its memory
 * manager, which takes back the least recently used VRAM first, keeps
 * them longer.
 *
 * Context: Process context where the pages cannot be freed (the notifier
 * lock held over valid pages); takes the LRU lock; does not sleep.
 */
void nouveau_svm_devmem_touch(struct nouveau_svm_vram *vram,
			      const struct drm_pagemap_addr *dma, unsigned long n)
{
	struct nouveau_svm_dev *sdev = vram->sdev;
	struct nouveau_svm_vram_chunk *touched = NULL;
	struct nouveau_svm_devmem *d = NULL;
	unsigned long flags, j;

	for (j = 0; j < n; j++) {
		/* Neighbours mostly share an allocation. */
		if (d && dma[j].addr >= d->offset &&
		    dma[j].addr < d->offset + nouveau_svm_devmem_bytes(d))
			continue;
		d = nouveau_svm_owners_find(&vram->owners, dma[j].addr);
		if (WARN_ON_ONCE(!d))
			return;
		spin_lock_irqsave(&vram->lru_lock, flags);
		if (!list_empty(&d->lru))
			list_move_tail(&d->lru, &vram->lru);
		spin_unlock_irqrestore(&vram->lru_lock, flags);
		/* The pages, and so their chunk, stay while the caller maps them. */
		if (sdev->ops->chunk_touch && d->chunk != touched) {
			touched = d->chunk;
			sdev->ops->chunk_touch(sdev, &touched->base);
		}
	}
}

/**
 * nouveau_svm_devmem_owns() - whether a page is VRAM of this device
 * @vram: the device memory
 * @page: the page
 *
 * Context: Any context.
 * Return: true for a device-private page of @vram.
 */
bool nouveau_svm_devmem_owns(struct nouveau_svm_vram *vram, struct page *page)
{
	return is_device_private_page(page) && page_pgmap(page) == &vram->pagemap;
}

/**
 * nouveau_svm_devmem_pagemap() - the dev_pagemap of a device's VRAM
 * @vram: the device memory
 *
 * For drm_gpusvm_scan_mm(), which tells whether a range is all in it.
 *
 * Context: Any context.
 * Return: the pagemap of @vram's device-private pages.
 */
const struct dev_pagemap *nouveau_svm_devmem_pagemap(struct nouveau_svm_vram *vram)
{
	return &vram->pagemap;
}

/**
 * nouveau_svm_devmem_evict_client() - evict what a client holds in VRAM
 * @vram: the device memory
 * @stats: the client's counters, which its allocations point to
 *
 * Moves every allocation of the client back to system memory; used when its
 * VM goes away while its process may live on.
 *
 * Context: Process context, no core lock held; may sleep.
 */
void nouveau_svm_devmem_evict_client(struct nouveau_svm_vram *vram,
				     const struct nouveau_svm_stats *stats)
{
	nouveau_svm_vram_evict_all(vram, stats);
}

/* Open or close @c to new allocations. */
static void nouveau_svm_chunk_close(struct nouveau_svm_vram_chunk *c, bool closed)
{
	mutex_lock(&c->vram->lock);
	c->closed = closed;
	mutex_unlock(&c->vram->lock);
}

/**
 * nouveau_svm_chunk_evict() - move a chunk's pages out of VRAM
 * @sdev: the device
 * @chunk: a chunk the backend lent the core and wants back, for instance
 *	because its memory manager needs the VRAM for something else
 *
 * Closes the chunk to new allocations and evicts every allocation in it
 * to system memory, whoever it belongs to and whatever its dmem cgroup
 * protection (the backend's memory manager has chosen the chunk, as TTM
 * chooses a buffer to evict).  Allocations being migrated at the moment,
 * or whose pages cannot all be moved, make it fail; the chunk takes
 * allocations again then.  The caller serialises it against its own
 * @chunk_free of the chunk, which may come at any time.
 *
 * Context: Process context, no core lock held; may sleep.  Must not wait
 * for a chunk's @chunk_free (the core frees chunks in a worker).
 * Return: 0 when no device page of the chunk is left: its VRAM may be
 * used again at once, though &nouveau_svm_backend_ops.chunk_free comes
 * later; -EBUSY otherwise.
 */
int nouveau_svm_chunk_evict(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk)
{
	struct nouveau_svm_vram_chunk *c = to_vram_chunk(chunk);
	struct nouveau_svm_victims v = { .chunk = c, .all = true };

	nouveau_svm_chunk_close(c, true);
	nouveau_svm_vram_evict_each(c->vram, &v);
	/* drm_pagemap completes a detachment just before the release. */
	if (wait_var_event_timeout(&c->holding, !atomic_read(&c->holding),
				   NOUVEAU_SVM_CHUNK_DRAIN_TIMEOUT))
		return 0;
	nouveau_svm_chunk_close(c, false);
	return -EBUSY;
}
EXPORT_SYMBOL_GPL(nouveau_svm_chunk_evict);

static struct drm_pagemap_addr
nouveau_svm_vram_device_map(struct drm_pagemap *dpagemap, struct device *dev,
			    struct page *page, unsigned int order,
			    enum dma_data_direction dir)
{
	struct nouveau_svm_vram *vram = container_of(dpagemap, typeof(*vram), dpagemap);

	/* No peer access: only the device itself reaches its VRAM. */
	if (dev != vram->sdev->drm->dev)
		return drm_pagemap_addr_encode(DMA_MAPPING_ERROR, NOUVEAU_SVM_PROTO_VRAM,
					       order, dir);
	return drm_pagemap_addr_encode(nouveau_svm_vram_offset(vram, page),
				       NOUVEAU_SVM_PROTO_VRAM, order, dir);
}

static void nouveau_svm_vram_device_unmap(struct drm_pagemap *dpagemap,
					  struct device *dev,
					  const struct drm_pagemap_addr *addr)
{
	/* A VRAM offset is no mapping: nothing to undo. */
}

/* The last reference went (any context): the next user brings it back. */
static void nouveau_svm_vram_destroy(struct drm_pagemap *dpagemap,
				     bool is_atomic_or_reclaim)
{
	struct nouveau_svm_vram *vram = container_of(dpagemap, typeof(*vram), dpagemap);

	complete_all(&vram->dpagemap_dead);
}

static const struct drm_pagemap_ops nouveau_svm_vram_pagemap_ops = {
	.device_map = nouveau_svm_vram_device_map,
	.device_unmap = nouveau_svm_vram_device_unmap,
	.destroy = nouveau_svm_vram_destroy,
};

/**
 * nouveau_svm_devmem_get() - hold the device memory for a VM
 * @vram: the device memory
 *
 * Takes a reference on the drm_pagemap, bringing it back to life if its
 * last reference went.
 *
 * Context: Process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int nouveau_svm_devmem_get(struct nouveau_svm_vram *vram)
{
	struct drm_device *drm = vram->sdev->drm;
	int ret = 0;

	mutex_lock(&vram->pagemap_lock);
	if (!vram->dpagemap_live) {
		ret = drm_pagemap_init(&vram->dpagemap, &vram->pagemap, drm,
				       &nouveau_svm_vram_pagemap_ops);
		vram->dpagemap_live = !ret;
	} else if (!drm_pagemap_get_unless_zero(&vram->dpagemap)) {
		/* drm_pagemap_release() is done with it once destroy ran. */
		wait_for_completion(&vram->dpagemap_dead);
		reinit_completion(&vram->dpagemap_dead);
		ret = drm_pagemap_reinit(&vram->dpagemap);
		if (ret)
			complete_all(&vram->dpagemap_dead);
	}
	mutex_unlock(&vram->pagemap_lock);
	return ret;
}

/**
 * nouveau_svm_devmem_unhold() - let go of the device memory a VM held
 * @vram: the device memory
 *
 * Context: Process context.
 */
void nouveau_svm_devmem_unhold(struct nouveau_svm_vram *vram)
{
	drm_pagemap_put(&vram->dpagemap);
}

static int nouveau_svm_vram_pagemap(struct nouveau_svm_vram *vram)
{
	struct device *dev = vram->sdev->drm->dev;
	struct resource *res;
	void *addr;

	res = request_free_mem_region(&iomem_resource, vram->size, "nouveau-svm-vram");
	if (IS_ERR(res))
		return PTR_ERR(res);
	vram->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vram->pagemap.range.start = res->start;
	vram->pagemap.range.end = res->start + vram->size - 1;
	vram->pagemap.nr_range = 1;
	vram->pagemap.ops = drm_pagemap_pagemap_ops_get();
	vram->pagemap.owner = vram->sdev;
	addr = memremap_pages(&vram->pagemap, dev_to_node(dev));
	if (IS_ERR(addr)) {
		release_mem_region(res->start, resource_size(res));
		return PTR_ERR(addr);
	}
	vram->pfn_first = PHYS_PFN(res->start);
	return 0;
}

static void nouveau_svm_vram_unpagemap(struct nouveau_svm_vram *vram)
{
	memunmap_pages(&vram->pagemap);
	release_mem_region(vram->pagemap.range.start, range_len(&vram->pagemap.range));
}

/**
 * nouveau_svm_devmem_reclaim() - make a cgroup give back SVM's VRAM
 * @sdev: the device
 * @pool: the pool of the cgroup whose dmem.max was set below what it uses,
 *	in the region given to nouveau_svm_devmem_init()
 * @target_bytes: how much to give back
 *
 * For the reclaim callback of the backend's dmem cgroup region: evicts
 * the least recently used allocations, of the client that holds the most,
 * charged inside @pool (the cgroup's own or its children's), until
 * @target_bytes have left VRAM, an eviction fails or the caller is
 * killed.  dmem calls the callback again while the cgroup is over its
 * limit.  Nothing happens while the core has no device memory (before
 * nouveau_svm_devmem_init() returns); the backend must not call it once
 * nouveau_svm_devmem_fini() has begun.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -ENOSPC when nothing could be evicted (dmem gives up after
 * a few of those).
 */
int nouveau_svm_devmem_reclaim(struct nouveau_svm_dev *sdev,
			       struct dmem_cgroup_pool_state *pool, u64 target_bytes)
{
	/* Pairs with the release in nouveau_svm_devmem_init(). */
	struct nouveau_svm_vram *vram = smp_load_acquire(&sdev->vram);
	struct nouveau_svm_victims v = { .limit = pool, .fair = true };
	u64 freed = 0;

	if (!vram)
		return -ENOSPC;
	do {
		if (!nouveau_svm_vram_evict_one(vram, &v) || !v.evicted)
			break;
		freed += v.bytes;
	} while (freed < target_bytes && !fatal_signal_pending(current));
	if (!freed)
		return -ENOSPC;
	flush_work(&vram->free_work);
	return 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_reclaim);

/**
 * nouveau_svm_devmem_init() - let the core migrate to VRAM
 * @sdev: the device, set up by nouveau_svm_dev_init(), its backend with
 *	the chunk_alloc and chunk_free ops
 * @size: bytes of VRAM, a multiple of NOUVEAU_SVM_CHUNK_SIZE, that the
 *	backend's chunks come from and that it reaches at offsets 0 to
 *	@size - 1 with its copy engine and page tables
 * @region: the dmem cgroup region of the device's VRAM, NULL for none: the
 *	backend's, whose reclaim callback calls nouveau_svm_devmem_reclaim()
 *
 * Makes the VRAM device-private pages and announces migration to VRAM in
 * the device's SVM capabilities; no VRAM is taken until a migration needs
 * it.  Call it before the device is registered.
 * Each allocation is charged in @region to the dmem cgroup of the process
 * whose VM it is for, as the device's other VRAM users are charged there
 * to theirs.
 *
 * Context: Process context; may sleep.
 * Return: 0; -EINVAL for a bad @size or a backend without a copy engine
 * or chunk ops;
 * -ENOMEM; the errors of request_free_mem_region() and memremap_pages().
 */
int nouveau_svm_devmem_init(struct nouveau_svm_dev *sdev, u64 size,
			    struct dmem_cgroup_region *region)
{
	struct nouveau_svm_vram *vram;
	int ret;

	if (!size || !IS_ALIGNED(size, NOUVEAU_SVM_CHUNK_SIZE) || !sdev->ops->copy ||
	    !sdev->ops->chunk_alloc || !sdev->ops->chunk_free || sdev->vram)
		return -EINVAL;
	vram = kzalloc_obj(*vram);
	if (!vram)
		return -ENOMEM;
	vram->sdev = sdev;
	vram->size = size;
	mutex_init(&vram->lock);
	INIT_LIST_HEAD(&vram->chunks);
	spin_lock_init(&vram->lru_lock);
	INIT_LIST_HEAD(&vram->lru);
	nouveau_svm_owners_init(&vram->owners);
	mutex_init(&vram->owners_lock);
	mutex_init(&vram->pagemap_lock);
	init_completion(&vram->dpagemap_dead);
	init_llist_head(&vram->free_list);
	INIT_WORK(&vram->free_work, nouveau_svm_vram_free_work);

	vram->region = region;

	ret = nouveau_svm_vram_pagemap(vram);
	if (ret)
		goto err_free;
	/* A reclaim of the backend's region may look at it from now on. */
	smp_store_release(&sdev->vram, vram);
	sdev->caps |= NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	return 0;

err_free:
	kfree(vram);
	return ret;
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_init);

/**
 * nouveau_svm_devmem_fini() - take the device memory back
 * @sdev: the device
 *
 * Evicts every allocation to system memory and waits for the last device
 * page to be freed.  Every SVM VM of the device must be gone, and the
 * backend's region must call nouveau_svm_devmem_reclaim() no more.
 *
 * Context: Process context; may sleep.
 */
void nouveau_svm_devmem_fini(struct nouveau_svm_dev *sdev)
{
	struct nouveau_svm_vram *vram = sdev->vram;

	if (!vram)
		return;
	sdev->caps &= ~NOUVEAU_SVM_CAP_MIGRATE_VRAM;
	nouveau_svm_vram_evict_all(vram, NULL);
	if (vram->dpagemap_live &&
	    !wait_for_completion_timeout(&vram->dpagemap_dead,
					 NOUVEAU_SVM_VRAM_DRAIN_TIMEOUT)) {
		/* Freeing the pages under their users would be worse. */
		WARN(1, "nouveau SVM: device pages still in use, leaking VRAM state\n");
		return;
	}
	flush_work(&vram->free_work);
	/* The last allocation of a chunk gives it back. */
	WARN_ON(vram->nchunks);
	nouveau_svm_vram_unpagemap(vram);
	mtree_destroy(&vram->owners);
	WRITE_ONCE(sdev->vram, NULL);
	kfree(vram);
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_fini);

/**
 * nouveau_svm_devmem_evict() - move everything out of VRAM
 * @sdev: the device
 *
 * For a backend whose VRAM does not keep its contents while the device
 * sleeps: every allocation is evicted to system memory, and every chunk
 * given back, however it is protected, trying again while pages are busy
 * until NOUVEAU_SVM_VRAM_DRAIN_TIMEOUT has passed.  Migrations that start
 * meanwhile may take VRAM again: the caller stops them first (the fault
 * worker stopped, tasks frozen or no ioctl running).
 *
 * Context: Process context, no core lock held; may sleep long.
 * Return: 0 when the core holds no VRAM (or has none); -EBUSY when some
 * could not be evicted.
 */
int nouveau_svm_devmem_evict(struct nouveau_svm_dev *sdev)
{
	unsigned long deadline = jiffies + NOUVEAU_SVM_VRAM_DRAIN_TIMEOUT;
	struct nouveau_svm_vram *vram = sdev->vram;

	if (!vram)
		return 0;
	for (;;) {
		nouveau_svm_vram_evict_all(vram, NULL);
		if (!nouveau_svm_vram_holds_chunks(vram))
			return 0;
		if (time_after(jiffies, deadline))
			return -EBUSY;
		msleep(20);
	}
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_evict);

/**
 * nouveau_svm_devmem_size() - bytes of device memory the core manages
 * @sdev: the device
 *
 * Context: Any context.
 * Return: the size given to nouveau_svm_devmem_init(), 0 without VRAM.
 */
u64 nouveau_svm_devmem_size(struct nouveau_svm_dev *sdev)
{
	return sdev->vram ? sdev->vram->size : 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_size);

/**
 * nouveau_svm_devmem_used() - bytes of device memory in use now
 * @sdev: the device
 *
 * Context: Any context.
 * Return: the bytes allocated, for all clients; 0 without VRAM.
 */
u64 nouveau_svm_devmem_used(struct nouveau_svm_dev *sdev)
{
	return sdev->vram ? atomic64_read(&sdev->vram->used) : 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_devmem_used);
