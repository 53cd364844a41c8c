// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: migration on request.  SVM_BIND MIGRATE moves a range
 * of the process to VRAM or back to system memory and says how much of it
 * ended there; PREFETCH does the same and maps the range on the GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Migration on request
 *
 * To VRAM, the range is cut at VMA boundaries, and each private anonymous
 * part into naturally aligned power-of-two pieces of at most 2 MiB, each
 * migrated into an allocation of its own (see "Device memory").  A piece
 * that drm_pagemap reports busy (part of it is in VRAM already, or the CPU
 * raced with it) is halved and tried again, down to single pages, so that
 * what can move does.  Shared and file-backed memory stays where it is:
 * migrate_vma can only move private anonymous memory.  When no VRAM can be
 * had for a piece, the request stops there: it never evicts what it has
 * moved itself, so a request larger than VRAM fills VRAM and returns the
 * partial result.
 *
 * A request may span terabytes of address space: it checks for a fatal
 * signal between pieces (the ioctl then fails with -EINTR and the process
 * dies), and lets go of the mmap lock between them when a writer waits
 * for it, looking its VMA up again afterwards.
 *
 * To system memory, the range's pages are faulted in with HMM as a CPU
 * access would, which brings every page in VRAM back through drm_pagemap's
 * migrate_to_ram (its whole allocation) and populates what was never
 * touched.
 *
 * To VRAM, each 2 MiB block of the range is looked at first with an HMM
 * snapshot that faults nothing in: pages in VRAM already stay where they
 * are (no VRAM is allocated, charged or evicted for them), and only the
 * runs of the others are migrated; the block's pages in VRAM are counted
 * then and what moves as it moves, so the request walks its range once,
 * unless an eviction during the request (by its own later pieces, which
 * spare only what it moved, or by another client) may have taken counted
 * pages out: then it counts again.
 * To system memory, the faulting walk counts.  The result is the pages
 * that are where they were asked to be, whether they moved now or were
 * there already.  A partial result is a success; only when no page ended
 * where asked does the ioctl fail, with the reason (see the uAPI).
 *
 * A GPU fault moves memory to VRAM too, under the ATOMIC__MIGRATE policy,
 * and a CPU access takes it back: a CPU thread and GPU atomics on one page
 * would bounce it between the two as fast as each can fault.  What a
 * fault moves is therefore given a time slice (module parameter
 * migrate_timeslice_ms, 1 ms by default and at most 100, counted in the
 * scheduler's ticks), as the GPU's atomic grants are: drm_pagemap makes
 * a CPU access inside it wait by faulting again until the slice is over,
 * so a range bounces at most once a slice, and the GPU gets that long to
 * use it.  What a request of userspace (MIGRATE, PREFETCH) moves has no
 * slice: it asked for the move itself, and its CPU accesses right after
 * must not wait.  Whatever else takes such memory back inside a slice
 * waits for its end too: HMM, for a MIGRATE to system memory or for a
 * fault server taking a page back from VRAM, faults again in a loop,
 * holding the locks it holds (the mmap lock, the VM's), which is why the
 * slice is capped.  Eviction ignores the slice.
 *
 * PREFETCH then maps the range as a GPU fault would, so that the GPU's
 * first access does not fault.  MIGRATE to VRAM maps what it finds in VRAM
 * afterwards, as nouveau's MIGRATE always did (Mesa's nvc0 migrates
 * before it launches work on the range, and expects no fault storm), but
 * faults nothing in for it and moves nothing back: it maps the 2 MiB
 * snapshots that are all in VRAM, each range only if all of it is there
 * and none of it is shared read-only with a child after fork()
 * (nouveau_svm_vm_map_vram()).  The first NOUVEAU_SVM_MAP_EXTENTS runs of
 * such snapshots are mapped; the GPU faults on the rest as usual.
 */

/**
 * DOC: Locking
 *
 * Migration holds the mmap lock for read and no lock of the core: HMM and
 * drm_pagemap resolve races with the CPU (a notifier sequence retry for the
 * snapshot, all-or-nothing migrations for the pieces).  Mapping, for
 * PREFETCH, takes the VM's lock range by range, as fault service does, so
 * that a fault server is never kept waiting for a whole request.  The
 * snapshot uses a notifier of its own for the duration of the ioctl.
 */

#include <linux/hmm.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "nouveau_svm_priv.h"
#include "nouveau_svm_trace.h"

static unsigned int migrate_timeslice_ms = 1;
module_param(migrate_timeslice_ms, uint, 0644);
MODULE_PARM_DESC(migrate_timeslice_ms,
		 "Least time memory a GPU fault moved to VRAM stays there before a CPU access takes it back, in ms (0: none; default 1; at most 100)");

/*
 * The longest slice: whoever touches the memory inside it (a CPU thread,
 * HMM for another device) faults again in a loop until it is over.
 */
#define NOUVEAU_SVM_MIGRATE_TIMESLICE_MAX_MS	100U

/* Pages one HMM snapshot covers at most. */
#define NOUVEAU_SVM_SNAPSHOT_PAGES	(SZ_2M >> PAGE_SHIFT)
/* Runs of snapshots all in VRAM that MIGRATE to VRAM maps. */
#define NOUVEAU_SVM_MAP_EXTENTS		32

/**
 * struct nouveau_svm_migration - the state of one migration request
 * @vm: the VM
 * @id: the request's number for device memory (to VRAM only)
 * @timeslice_ms: how long what it moves to VRAM stays there at least
 * @to_vram: the target is VRAM (else system memory)
 * @stop: no more pieces to VRAM: none could be had, or the process is
 *	dying
 * @killed: a fatal signal ended the request
 * @mapped: pages of the range that lie in a VMA
 * @resident: pages of the range that are in the target
 * @copy_failures: the client's copy failures when the migration began
 * @err: why some part did not move, the most telling error first
 * @in_vram: runs of snapshots found all in VRAM, to map; NULL when the
 *	request maps nothing of the kind
 * @nr_in_vram: runs in @in_vram
 */
struct nouveau_svm_migration {
	struct nouveau_svm_vm *vm;
	u64 id;
	unsigned long timeslice_ms;
	bool to_vram;
	bool stop;
	bool killed;
	u64 mapped;
	u64 resident;
	s64 copy_failures;
	int err;
	struct nouveau_svm_window *in_vram;
	unsigned int nr_in_vram;
};

/* How much an error says of a failed migration: the most telling wins. */
static unsigned int nouveau_svm_error_rank(int err)
{
	static const int rank[] = { 0, -EOPNOTSUPP, -EBUSY, -ENOMEM, -EIO };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rank); i++)
		if (rank[i] == err)
			return i;
	return ARRAY_SIZE(rank);
}

static void nouveau_svm_migration_error(struct nouveau_svm_migration *m, int err)
{
	if (nouveau_svm_error_rank(err) > nouveau_svm_error_rank(m->err))
		m->err = err;
}

static bool nouveau_svm_vma_to_vram(const struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) && (vma->vm_flags & VM_READ) &&
	       !(vma->vm_flags & (VM_SHARED | VM_IO | VM_PFNMAP)) &&
	       !is_vm_hugetlb_page(vma);
}

/*
 * Between two pieces of a request: let a writer waiting for the mmap lock
 * in, and note a fatal signal (the request ends with -EINTR).  Returns
 * whether the process is dying; the caller looks its VMA up again.
 */
static bool nouveau_svm_migration_killed(struct nouveau_svm_migration *m)
{
	struct mm_struct *mm = m->vm->gpusvm.mm;

	if (mmap_lock_is_contended(mm) || need_resched()) {
		mmap_read_unlock(mm);
		cond_resched();
		mmap_read_lock(mm);
	}
	m->killed |= fatal_signal_pending(current);
	return m->killed;
}

/*
 * The VMA of @w at or after *@addr, with *@addr moved up to its start;
 * NULL when @w has no more, or the process is dying.  mmap lock held (see
 * nouveau_svm_migration_killed()).
 */
static struct vm_area_struct *nouveau_svm_migration_vma(struct nouveau_svm_migration *m,
							const struct nouveau_svm_window *w,
							u64 *addr)
{
	struct vm_area_struct *vma;

	if (nouveau_svm_migration_killed(m))
		return NULL;
	vma = find_vma(m->vm->gpusvm.mm, *addr);
	if (!vma || vma->vm_start >= w->end)
		return NULL;
	*addr = max_t(u64, *addr, vma->vm_start);
	return vma;
}

/*
 * Migrate [@start, @start + @size) to VRAM, halving busy pieces, and count
 * what moves; no more once no VRAM could be had (the request stops).
 */
static int nouveau_svm_migrate_piece(struct nouveau_svm_migration *m, u64 start, u64 size)
{
	struct nouveau_svm_vm *vm = m->vm;
	const struct nouveau_svm_devmem_client client = {
		.stats = vm->stats,
		.mm = vm->gpusvm.mm,
		.dmem_css = vm->dmem_css,
	};
	int ret, ret2;

	ret = nouveau_svm_devmem_migrate(vm->sdev->vram, &client, start, start + size,
					 m->id, m->timeslice_ms);
	/* No VRAM for this piece: none for the next ones either. */
	m->killed |= ret == -EINTR;
	m->stop |= ret == -ENOMEM || m->killed;
	if (!ret)
		m->resident += size >> PAGE_SHIFT;
	if (ret != -EBUSY || size == PAGE_SIZE)
		return ret;
	size /= 2;
	ret = nouveau_svm_migrate_piece(m, start, size);
	if (m->stop)
		return ret;
	ret2 = nouveau_svm_migrate_piece(m, start + size, size);
	return ret ?: ret2;
}

/*
 * Move the private anonymous parts of @w to VRAM, one piece per turn,
 * without looking first nor counting: for a fault, whose range is not in
 * VRAM.  mmap lock held (see nouveau_svm_migration_killed()).
 */
static void nouveau_svm_migrate_window(struct nouveau_svm_migration *m,
				       const struct nouveau_svm_window *w)
{
	struct mm_struct *mm = m->vm->gpusvm.mm;
	struct vm_area_struct *vma;
	u64 addr = w->start, end;

	mmap_assert_locked(mm);
	while (addr < w->end && !m->stop) {
		vma = nouveau_svm_migration_vma(m, w, &addr);
		if (!vma)
			break;
		end = min_t(u64, w->end, vma->vm_end);
		if (nouveau_svm_vma_to_vram(vma)) {
			end = addr + nouveau_svm_piece_size(addr, end);
			nouveau_svm_migrate_piece(m, addr, end - addr);
		}
		addr = end;
	}
}

static bool nouveau_svm_snapshot_invalidate(struct mmu_interval_notifier *mni,
					    const struct mmu_notifier_range *range,
					    unsigned long cur_seq)
{
	/* Nothing is mapped from a snapshot: the sequence is all it needs. */
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops nouveau_svm_snapshot_ops = {
	.invalidate = nouveau_svm_snapshot_invalidate,
};

/* Whether a snapshot's @pfn is a page in @vram (none without VRAM). */
static bool nouveau_svm_pfn_in_vram(struct nouveau_svm_vram *vram, unsigned long pfn)
{
	return (pfn & HMM_PFN_VALID) && vram &&
	       nouveau_svm_devmem_owns(vram, hmm_pfn_to_page(pfn));
}

/* Count the pages of a snapshot that are in the target. */
static u64 nouveau_svm_snapshot_count(struct nouveau_svm_migration *m,
				      const unsigned long *pfns, unsigned long npages)
{
	struct nouveau_svm_vram *vram = m->vm->sdev->vram;
	unsigned long i;
	u64 n = 0;

	for (i = 0; i < npages; i++) {
		if (m->to_vram)
			n += nouveau_svm_pfn_in_vram(vram, pfns[i]);
		else
			n += (pfns[i] & HMM_PFN_VALID) &&
			     !is_zone_device_page(hmm_pfn_to_page(pfns[i]));
	}
	return n;
}

/* Note [@start, @end) as all in VRAM, to map, if @m maps such runs. */
static void nouveau_svm_migration_note_vram(struct nouveau_svm_migration *m,
					    u64 start, u64 end)
{
	struct nouveau_svm_window *last;

	if (!m->in_vram)
		return;
	last = m->nr_in_vram ? &m->in_vram[m->nr_in_vram - 1] : NULL;
	if (last && last->end == start)
		last->end = end;
	else if (m->nr_in_vram < NOUVEAU_SVM_MAP_EXTENTS)
		m->in_vram[m->nr_in_vram++] = (struct nouveau_svm_window){ start, end };
}

/*
 * Snapshot [@start, @end), which lies in one VMA, faulting it to system
 * memory when the target is system memory; mmap lock held (see
 * nouveau_svm_hmm_range_fault()).  Returns 0 or HMM's error.
 */
static int nouveau_svm_snapshot(struct nouveau_svm_migration *m,
				struct mmu_interval_notifier *notifier,
				u64 start, u64 end, unsigned long *pfns)
{
	struct hmm_range range = {
		.notifier = notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = m->to_vram ? 0 : HMM_PFN_REQ_FAULT,
		.dev_private_owner = m->to_vram ? m->vm->sdev : NULL,
	};
	u64 n;
	int ret;

	ret = nouveau_svm_hmm_range_fault(m->vm->gpusvm.mm, &range);
	if (ret)
		return ret;
	n = nouveau_svm_snapshot_count(m, pfns, (end - start) >> PAGE_SHIFT);
	m->resident += n;
	if (m->to_vram && n == (end - start) >> PAGE_SHIFT)
		nouveau_svm_migration_note_vram(m, start, end);
	return 0;
}

/* Whether [@start, @end) still lies in one VMA whose memory can move to VRAM. */
static bool nouveau_svm_block_movable(struct mm_struct *mm, u64 start, u64 end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start <= start && vma->vm_end >= end &&
	       nouveau_svm_vma_to_vram(vma);
}

/*
 * Migrate the pages of the block [@start, @end) that @pfns, its snapshot,
 * does not show in VRAM, run by run, in naturally aligned pieces; count
 * what moves.  Returns whether all of the block is in VRAM now.
 */
static bool nouveau_svm_migrate_block(struct nouveau_svm_migration *m, u64 start, u64 end,
				      const unsigned long *pfns)
{
	struct nouveau_svm_vram *vram = m->vm->sdev->vram;
	unsigned long i = 0, n = (end - start) >> PAGE_SHIFT, run;
	bool all = true;
	u64 addr, size;
	int ret;

	while (i < n && !m->stop) {
		if (nouveau_svm_pfn_in_vram(vram, pfns[i])) {
			i++;
			continue;
		}
		for (run = i + 1; run < n && !nouveau_svm_pfn_in_vram(vram, pfns[run]); run++)
			;
		for (addr = start + ((u64)i << PAGE_SHIFT);
		     addr < start + ((u64)run << PAGE_SHIFT) && !m->stop; addr += size) {
			size = nouveau_svm_piece_size(addr, start + ((u64)run << PAGE_SHIFT));
			/* Counts what moves, down to the pieces it halves into. */
			ret = nouveau_svm_migrate_piece(m, addr, size);
			if (ret)
				nouveau_svm_migration_error(m, ret);
			all &= !ret;
		}
		i = run;
	}
	return all && i == n;
}

/*
 * Count the block [@start, @end) again, with a snapshot, after some of its
 * pieces failed: drm_pagemap may have moved part of a piece when it says
 * -EBUSY (a page raced while it finalised), and the halves of that piece
 * may have found no VRAM.  @before: the count before the block.
 */
static void nouveau_svm_migration_recount(struct nouveau_svm_migration *m,
					  struct mmu_interval_notifier *notifier,
					  u64 start, u64 end, unsigned long *pfns, u64 before)
{
	m->resident = before;
	nouveau_svm_snapshot(m, notifier, start, end, pfns);
}

/*
 * Move the private anonymous parts of @w to VRAM and count what is there,
 * block by block (2 MiB, or less at a VMA's edges): a snapshot of the
 * block first, without faulting anything in, counts the pages that are in
 * VRAM already, which stay where they are, and the others are migrated
 * (see nouveau_svm_migrate_block()); once no VRAM can be had, the blocks
 * left are only counted.  What a piece moves is counted as it moves, so a
 * request looks at its range once, unless a piece of a block failed (the
 * block is counted again) or something was evicted meanwhile (see
 * nouveau_svm_migration_vram()).  mmap lock held (it may be dropped
 * meanwhile, see nouveau_svm_migration_killed()).
 */
static void nouveau_svm_migrate_to_vram(struct nouveau_svm_migration *m,
					struct mmu_interval_notifier *notifier,
					const struct nouveau_svm_window *w,
					unsigned long *pfns)
{
	struct mm_struct *mm = m->vm->gpusvm.mm;
	struct vm_area_struct *vma;
	u64 addr = w->start, end;
	u64 before;
	int ret;

	while (addr < w->end) {
		vma = nouveau_svm_migration_vma(m, w, &addr);
		if (!vma)
			break;
		end = min3(w->end, vma->vm_end, ALIGN(addr + 1, SZ_2M));
		m->mapped += (end - addr) >> PAGE_SHIFT;
		if (!nouveau_svm_vma_to_vram(vma)) {
			nouveau_svm_migration_error(m, -EOPNOTSUPP);
			addr = end;
			continue;
		}
		/* The snapshot may drop the mmap lock: @vma is not to be used after. */
		before = m->resident;
		ret = nouveau_svm_snapshot(m, notifier, addr, end, pfns);
		if (ret) {
			if (ret != -EFAULT)
				nouveau_svm_migration_error(m, ret);
		} else if (m->resident - before < (end - addr) >> PAGE_SHIFT && !m->stop &&
			   nouveau_svm_block_movable(mm, addr, end)) {
			if (nouveau_svm_migrate_block(m, addr, end, pfns))
				nouveau_svm_migration_note_vram(m, addr, end);
			else
				nouveau_svm_migration_recount(m, notifier, addr, end, pfns, before);
		}
		addr = end;
	}
}

/* Snapshot (or fault in) @w piece by piece, VMA by VMA; mmap lock held. */
static void nouveau_svm_migration_count(struct nouveau_svm_migration *m,
					struct mmu_interval_notifier *notifier,
					const struct nouveau_svm_window *w,
					unsigned long *pfns)
{
	struct vm_area_struct *vma;
	u64 addr = w->start, end;
	bool copy_back;
	int ret;

	while (addr < w->end) {
		vma = nouveau_svm_migration_vma(m, w, &addr);
		if (!vma)
			break;
		end = min3(w->end, vma->vm_end,
			   addr + ((u64)NOUVEAU_SVM_SNAPSHOT_PAGES << PAGE_SHIFT));
		m->mapped += (end - addr) >> PAGE_SHIFT;
		/* The snapshot may drop the mmap lock: @vma is not to be used after. */
		copy_back = !m->to_vram && vma_is_anonymous(vma) && (vma->vm_flags & VM_READ);
		ret = nouveau_svm_snapshot(m, notifier, addr, end, pfns);
		/*
		 * A fault that failed in readable anonymous memory: the copy of
		 * a page in VRAM back failed, or memory for it (or for a page
		 * never touched) could not be had; HMM says -EFAULT for both.
		 */
		if (ret == -EFAULT && copy_back)
			ret = atomic64_read(&m->vm->stats->copy_failures) != m->copy_failures ?
			      -EIO : -ENOMEM;
		if (ret && ret != -EFAULT)
			nouveau_svm_migration_error(m, ret);
		addr = end;
	}
}

/*
 * Move @w to VRAM and count the pages there.  The pages a snapshot found
 * in VRAM were counted then; an eviction since, for this request's later
 * pieces (which spare only what the request moved) or another client's,
 * may have taken some out: then count again, with a snapshot of the
 * whole range.  mmap lock held.
 */
static void nouveau_svm_migration_vram(struct nouveau_svm_migration *m,
				       struct mmu_interval_notifier *notifier,
				       const struct nouveau_svm_window *w,
				       unsigned long *pfns)
{
	struct nouveau_svm_vram *vram = m->vm->sdev->vram;
	u64 evictions = nouveau_svm_devmem_evictions(vram);

	nouveau_svm_migrate_to_vram(m, notifier, w, pfns);
	if (m->killed || nouveau_svm_devmem_evictions(vram) == evictions)
		return;
	m->resident = 0;
	m->mapped = 0;
	m->nr_in_vram = 0;
	nouveau_svm_migration_count(m, notifier, w, pfns);
}

/* Migrate @w as @m says and count the result. */
static int nouveau_svm_migration_run(struct nouveau_svm_migration *m,
				     const struct nouveau_svm_window *w)
{
	struct mm_struct *mm = m->vm->gpusvm.mm;
	struct mmu_interval_notifier notifier;
	unsigned long *pfns;
	int ret;

	pfns = kvmalloc_array(NOUVEAU_SVM_SNAPSHOT_PAGES, sizeof(*pfns), GFP_KERNEL_ACCOUNT);
	if (!pfns)
		return -ENOMEM;
	ret = mmu_interval_notifier_insert(&notifier, mm, w->start, w->end - w->start,
					   &nouveau_svm_snapshot_ops);
	if (ret)
		goto out_free;
	mmap_read_lock(mm);
	if (m->to_vram)
		nouveau_svm_migration_vram(m, &notifier, w, pfns);
	else
		nouveau_svm_migration_count(m, &notifier, w, pfns);
	mmap_read_unlock(mm);
	mmu_interval_notifier_remove(&notifier);
out_free:
	kvfree(pfns);
	return ret;
}

/*
 * Where to go on mapping after a failure at @addr: the end of its 2 MiB
 * block inside a VMA, the next VMA across a hole.
 */
static u64 nouveau_svm_map_skip(struct mm_struct *mm, u64 addr, u64 end)
{
	struct vm_area_struct *vma;
	u64 next;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma)
		next = end;
	else if (vma->vm_start > addr)
		next = vma->vm_start;
	else
		next = min_t(u64, vma->vm_end, ALIGN(addr + 1, SZ_2M));
	mmap_read_unlock(mm);
	return min(next, end);
}

/*
 * Map @w as GPU faults would, taking the VM's lock range by range.  What
 * cannot be mapped is skipped.  Returns -EINTR when the process is killed.
 */
static int nouveau_svm_migration_map(struct nouveau_svm_vm *vm,
				     const struct nouveau_svm_window *w)
{
	struct nouveau_svm_served served;
	u64 addr = w->start;
	int ret;

	while (addr < w->end) {
		if (fatal_signal_pending(current))
			return -EINTR;
		mutex_lock(&vm->lock);
		ret = nouveau_svm_vm_fault(vm, addr, true, &served);
		mutex_unlock(&vm->lock);
		if (ret)
			addr = nouveau_svm_map_skip(vm->gpusvm.mm, addr, w->end);
		else
			addr = served.end;
		cond_resched();
	}
	return 0;
}

/*
 * Map what of the runs @m found all in VRAM is covered by ranges that can
 * be mapped as they are, taking the VM's lock range by range.  Returns
 * -EINTR when the process is killed.
 */
static int nouveau_svm_migration_map_vram(struct nouveau_svm_migration *m)
{
	struct nouveau_svm_vm *vm = m->vm;
	struct nouveau_svm_served served;
	const struct nouveau_svm_window *w;
	unsigned int i;
	u64 addr;
	int ret;

	for (i = 0; i < m->nr_in_vram; i++) {
		w = &m->in_vram[i];
		for (addr = w->start; addr < w->end; addr = served.end) {
			if (fatal_signal_pending(current))
				return -EINTR;
			served.end = addr;
			mutex_lock(&vm->lock);
			ret = nouveau_svm_vm_map_vram(vm, addr, &served);
			mutex_unlock(&vm->lock);
			/* What cannot be mapped now, the GPU faults on. */
			if (ret && (ret != -ENOENT || served.end <= addr))
				served.end = nouveau_svm_map_skip(vm->gpusvm.mm, addr, w->end);
			cond_resched();
		}
	}
	return 0;
}

/**
 * nouveau_svm_vm_migrate() - SVM_BIND MIGRATE and PREFETCH
 * @vm: the VM
 * @w: the range, page aligned, outside the unmanaged window
 * @to_vram: migrate to VRAM (the device has some), else to system memory
 * @map: map the range on the GPU afterwards (PREFETCH)
 * @result: the pages of @w that are in the target afterwards
 *
 * See "Migration on request": without @map, a migration to VRAM maps what
 * it finds all in VRAM.
 *
 * Context: Process context (ioctl) of the process the VM mirrors; takes
 * the mmap lock, and the VM's lock with @map or to VRAM; may sleep.
 * Return: 0 when some page ended where asked (@result may be short of the
 * range); -EINTR when a fatal signal ended it; otherwise -EFAULT when
 * nothing in the range is mapped, -EOPNOTSUPP when nothing mapped there
 * can move to VRAM, -ENOMEM, -EIO when the copy engine failed, -EBUSY
 * when the pages were busy.
 */
int nouveau_svm_vm_migrate(struct nouveau_svm_vm *vm, const struct nouveau_svm_window *w,
			   bool to_vram, bool map, u64 *result)
{
	struct nouveau_svm_migration m = {
		.vm = vm,
		.id = to_vram ? nouveau_svm_devmem_migration(vm->sdev->vram) : 0,
		.to_vram = to_vram,
		.copy_failures = atomic64_read(&vm->stats->copy_failures),
	};
	struct mm_struct *mm = vm->gpusvm.mm;
	int ret;

	*result = 0;
	if (to_vram && !map) {
		m.in_vram = kmalloc_objs(*m.in_vram, NOUVEAU_SVM_MAP_EXTENTS,
					 GFP_KERNEL_ACCOUNT);
		if (!m.in_vram)
			return -ENOMEM;
	}
	if (!mmget_not_zero(mm)) {
		kfree(m.in_vram);
		return -EFAULT;
	}
	ret = nouveau_svm_migration_run(&m, w);
	if (!ret && m.killed)
		ret = -EINTR;
	if (!ret && map && m.resident)
		ret = nouveau_svm_migration_map(vm, w);
	if (!ret && m.nr_in_vram)
		ret = nouveau_svm_migration_map_vram(&m);
	mmput(mm);
	kfree(m.in_vram);
	trace_nouveau_svm_migrate(vm->inst, w->start, w->end, to_vram, m.resident, ret);
	if (ret)
		return ret;
	*result = m.resident;
	if (m.resident)
		return 0;
	if (!m.mapped)
		return -EFAULT;
	return m.err ?: -EOPNOTSUPP;
}

/**
 * nouveau_svm_vm_migrate_locked() - move a range to VRAM for the GPU
 * @vm: the VM, its lock held
 * @w: the range, page aligned, in one VMA or not
 *
 * Moves what can move of @w to VRAM (the ATOMIC__MIGRATE policy), without
 * counting; what stays behind is served from system memory.  What moves
 * stays in VRAM for migrate_timeslice_ms at least (see "Migration on
 * request").
 *
 * Context: A fault server, VM lock held; takes the mmap lock; may sleep.
 * Return: 0, or -EFAULT when the process is exiting.
 */
int nouveau_svm_vm_migrate_locked(struct nouveau_svm_vm *vm,
				  const struct nouveau_svm_window *w)
{
	struct nouveau_svm_migration m = { .vm = vm, .to_vram = true };
	struct mm_struct *mm = vm->gpusvm.mm;

	lockdep_assert_held(&vm->lock);
	if (!vm->sdev->vram || !mmget_not_zero(mm))
		return -EFAULT;
	m.id = nouveau_svm_devmem_migration(vm->sdev->vram);
	m.timeslice_ms = min(READ_ONCE(migrate_timeslice_ms),
			     NOUVEAU_SVM_MIGRATE_TIMESLICE_MAX_MS);
	mmap_read_lock(mm);
	nouveau_svm_migrate_window(&m, w);
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}
