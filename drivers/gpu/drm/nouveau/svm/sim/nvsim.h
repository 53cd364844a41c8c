/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM simulated GPU: the structures its files share.
 *
 * The simulated GPU is a software-only GPU for testing the nouveau SVM core
 * without NVIDIA hardware.  It has a GPU page table per SVM VM
 * (nvsim_pt.c), a fault ring and an exec engine that runs command lists
 * through that page table (nvsim_exec.c, nvsim_fault.c), optional VRAM with
 * a copy engine that migrations use (nvsim_copy.c), and a DRM render node
 * with the SVM ioctls of nouveau plus a private uAPI (nvsim_drv.c).
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NVSIM_H__
#define __NVSIM_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <drm/drm_device.h>
#include <drm/nouveau_svm_sim.h>

#include "../nouveau_svm.h"

struct seq_file;

/**
 * DOC: Locking
 *
 * Locks of the simulated GPU.  The three spinlocks are never nested, and
 * nothing sleeps under them.  One mutex, &nvsim_engine.atomic_unit, comes
 * before them: a runner holds it across a GPU atomic's read, window and
 * write, and takes a VM's TLB lock under it.
 *
 * - &nvsim_engine.lock protects the job queue, the runners' jobs, every
 *   job's &nvsim_job.abort and &nvsim_job.cancel, the replay generation,
 *   the fault tokens and the dying flag of the VMs.
 * - &nvsim_vm.tlb_lock, one per VM, stands in for the GPU's TLB: it
 *   protects the contents of the VM's page-table pages and the VM's
 *   in-flight atomic.  The engine holds it while it translates a virtual
 *   address and accesses the page behind it, so that an unmap, which
 *   takes it too, returns only once no access to the unmapped pages is in
 *   flight; an atomic on system memory drops it for its window and is
 *   waited for by the unmap (see DOC: Exec engine).
 * - &nvsim_fault_ring.lock protects the ring's entries and counters and
 *   the armed fault-overflow injection.
 *
 * The IOMMU's XArray (&nvsim_iommu.maps) has its own lock, which also
 * protects the next I/O address to hand out; the engines look mappings up
 * under RCU (see DOC: IOMMU).
 *
 * &nvsim_vram.chunk_lock protects which 2 MiB pieces of the VRAM are lent
 * to the core as chunks and which the other VRAM user holds.  It is held
 * while that user takes a chunk back (nouveau_svm_chunk_evict()), so that
 * the core's chunk_free of the chunk waits, as a buffer object's
 * reservation makes TTM's eviction and the buffer's release wait for each
 * other.
 *
 * The rest of the VRAM needs no lock: its backing store
 * and size are set in probe and stay until remove, and its armed failures
 * (&nvsim_vram.copy_fail, &nvsim_vram.alloc_fail) are atomics that INJECT
 * sets and each copy launch or admission takes one from, as is the count
 * of slowed launches (&nvsim_vram.delayed).  The VRAM's
 * contents are the core's to order: it maps a VRAM page to the GPU only
 * once the copy that fills it has returned, and unmaps it before a copy
 * reads it back, as it does for system memory.
 *
 * The XArrays use their own locks:
 *
 * - The page-table XArray of a VM (&nvsim_vm.pts) holds page-table pages,
 *   which are added (map_prepare) and removed (map_release, under the
 *   TLB lock too, so that the engine never holds a page being freed)
 *   under the core's VM lock, until vm_fini frees the rest once the
 *   engine has left the VM.
 * - The job XArray of a file (&nvsim_file.jobs) uses its own lock; a job is
 *   reference counted (&nvsim_job.ref): the file holds one reference while
 *   the job is in the XArray, the engine one while the job is queued or
 *   running, and a waiter one while it waits.
 *
 * vm_fini takes the core's VM lock and then its notifier lock (the
 * drm_gpusvm order) to detach the page table from the core's VM.
 */

/* Shape of the simulated page table: a PT page maps 2 MiB. */
#define NVSIM_PDE_SHIFT		21
#define NVSIM_PT_ORDER		(NVSIM_PDE_SHIFT - PAGE_SHIFT)
#define NVSIM_PT_ENTRIES	BIT(NVSIM_PT_ORDER)

/*
 * Bits of a page-table entry; the rest is the page's address in its
 * aperture: a DMA address in system memory, a byte offset in VRAM.
 */
#define NVSIM_PTE_VALID		BIT_ULL(0)
#define NVSIM_PTE_WRITE		BIT_ULL(1)
#define NVSIM_PTE_ATOMIC	BIT_ULL(2)
#define NVSIM_PTE_APERTURE	GENMASK_ULL(4, 3)
#define NVSIM_PTE_APERTURE_SYS	0
#define NVSIM_PTE_APERTURE_VRAM	1
#define NVSIM_PTE_ADDR		GENMASK_ULL(63, PAGE_SHIFT)

/* &nvsim_vm.atomic_va when no atomic is in flight: not page aligned. */
#define NVSIM_NO_ATOMIC		U64_MAX

/* The wave size a client starts with, and the most it may set. */
#define NVSIM_WAVE_PAGES_DEFAULT	64
#define NVSIM_WAVE_PAGES_MAX		512
/* The misses a runner gathers before it posts them, in shuffled order. */
#define NVSIM_MISSES_MAX		(2 * NVSIM_WAVE_PAGES_MAX)
/* The most runners (channels running at once) a device may have. */
#define NVSIM_RUNNERS_MAX		16

/**
 * struct nvsim_pt - one page-table page: what a 2 MiB block of GPU virtual
 * addresses maps to
 * @pde: the 2 MiB entry; when valid, @pte is all zero and unused
 * @pte: the 4 KiB entries
 */
struct nvsim_pt {
	u64 pde;
	u64 pte[NVSIM_PT_ENTRIES];
};

/**
 * struct nvsim_ring_entry - a slot of the fault ring
 * @fault: the fault as the core fetches it
 * @nvm: the VM of the faulting job (for the batch statistics; the VM
 *	purges its entries before it goes)
 * @chan: the faulting job's channel in its file
 */
struct nvsim_ring_entry {
	struct nouveau_svm_fault fault;
	struct nvsim_vm *nvm;
	u32 chan;
};

/**
 * struct nvsim_ring_stats - what the fault batches held, device wide
 * @batches: batches the core fetched
 * @mixed: batches with faults of two or more contexts
 * @multichannel: batches with faults of two or more channels of one context
 * @duplicates: entries that named a page an earlier entry of the same
 *	batch and context named
 * @dropped: faults lost because the ring was full or overflow was injected
 * @overflows: times the ring filled up and began to drop faults
 */
struct nvsim_ring_stats {
	u64 batches;
	u64 mixed;
	u64 multichannel;
	u64 duplicates;
	u64 dropped;
	u64 overflows;
};

/**
 * struct nvsim_fault_ring - the device-wide replayable fault buffer
 * @lock: protects the other members
 * @entries: @size slots
 * @scratch: @size slots, where a fetch sorts the batch for @stats
 * @size: number of slots
 * @head: index of the oldest pending fault
 * @count: number of pending faults
 * @overflow: the ring is dropping faults; cleared when a fetch makes room,
 *	as a driver clears the overflow bit of a GPU's fault buffer
 * @inject_drop: faults still to drop, armed by DRM_NVSIM_INJECT_FAULT_OVERFLOW
 * @stats: what the batches held
 */
struct nvsim_fault_ring {
	spinlock_t lock; /* protects every other member */
	struct nvsim_ring_entry *entries;
	struct nvsim_ring_entry *scratch;
	unsigned int size;
	unsigned int head;
	unsigned int count;
	bool overflow;
	u32 inject_drop;
	struct nvsim_ring_stats stats;
};

/**
 * struct nvsim_runner - one of the engine's threads: a channel that runs
 * at a time
 * @engine: the engine
 * @thread: the thread
 * @job: the job it runs now, or NULL (under &nvsim_engine.lock)
 * @misses: the misses of the wave being probed, posted in shuffled order
 * @nmisses: entries used in @misses
 */
struct nvsim_runner {
	struct nvsim_engine *engine;
	struct task_struct *thread;
	struct nvsim_job *job;
	struct nouveau_svm_fault *misses;
	unsigned int nmisses;
};

/**
 * struct nvsim_engine - the exec engine: runners that run the jobs of
 * several channels at the same time
 * @lock: protects @queue, the runners' &nvsim_runner.job, @replay_seq,
 *	@next_token, the jobs' &nvsim_job.abort and &nvsim_job.cancel and the
 *	VMs' &nvsim_vm.dying
 * @queue: jobs waiting to run, by &nvsim_job.link, in submission order
 * @runners: @nr_runners runners
 * @nr_runners: how many channels run at the same time
 * @replay_seq: bumped by every replay; a stalled job waits for a change
 * @next_token: the fault token of the next job
 * @work_wq: idle runners wait here for jobs, woken one at a time
 * @stall_wq: a stalled job waits here for a replay or its end
 * @idle_wq: vm_fini waits here for the runners to leave its VM
 * @atomic_unit: held by a runner across one GPU atomic on system memory,
 *	its read, window and write, so that the GPU's own atomics are atomic
 *	to each other, in every VM, as a GPU's L2 makes them
 */
struct nvsim_engine {
	/* protects queue, runner jobs, replay_seq, next_token, job abort and cancel, vm dying */
	spinlock_t lock;
	struct list_head queue;
	struct nvsim_runner *runners;
	unsigned int nr_runners;
	u64 replay_seq;
	u32 next_token;
	wait_queue_head_t work_wq;
	wait_queue_head_t stall_wq;
	wait_queue_head_t idle_wq;
	struct mutex atomic_unit; /* serializes GPU atomics on system memory */
};

/**
 * struct nvsim_vram - the simulated VRAM and the armed failures of its copy
 * engine
 * @base: the backing store, vmalloc'd: the page at offset o is
 *	vmalloc_to_page(@base + o); NULL without VRAM
 * @size: bytes, 0 without VRAM
 * @addr: the GPU address the VRAM sits at, which page table entries
 *	hold (an entry for offset o holds @addr + o): 0 at probe; a
 *	simulated resume moves it, its contents with it, so that a GPU
 *	mapping that outlived the suspend would read the wrong page
 *	(nvsim_vram_move())
 * @copy_fail: copy-engine launches still to fail, armed by
 *	DRM_NVSIM_INJECT_COPY_FAIL
 * @alloc_fail: device-memory allocations still to refuse, armed by
 *	DRM_NVSIM_INJECT_ALLOC_FAIL
 * @delayed: launches to system memory that the copy_delay_us module
 *	parameter slowed down, counted as each begins its wait
 * @chunk_lock: protects @chunks, @taken, @ntaken and @refused
 * @nslots: the VRAM's 2 MiB pieces
 * @chunks: per piece, the core's chunk lent there, or NULL
 * @taken: the pieces the simulated other VRAM user holds
 *	(DRM_NVSIM_INJECT_VRAM_TAKE)
 * @ntaken: their number
 * @refused: chunk_alloc calls refused for want of a free piece
 * @used: per piece, when the GPU last mapped the chunk lent there (a tick
 *	of @clock, set by chunk_alloc and chunk_touch, read under
 *	@chunk_lock): the other user takes back the least recently used
 *	first, as TTM evicts buffers
 * @clock: the ticks of @used
 * @region: the VRAM's dmem cgroup region, drm/<device>/vram as nouveau
 *	names its own, in which the core charges SVM's allocations; NULL
 *	without the dmem controller
 */
struct nvsim_vram {
	void *base;
	u64 size;
	u64 addr;
	atomic_t copy_fail;
	atomic_t alloc_fail;
	atomic64_t delayed;
	struct mutex chunk_lock; /* protects chunks, taken, ntaken, refused */
	unsigned int nslots;
	struct nouveau_svm_chunk **chunks;
	unsigned long *taken;
	unsigned int ntaken;
	u64 refused;
	u64 *used;
	atomic64_t clock;
	struct dmem_cgroup_region *region;
};

/**
 * struct nvsim_iommu - the simulated GPU's IOMMU
 * @maps: the live DMA mappings by I/O page (see DOC: IOMMU); its lock
 *	also protects @next
 * @next: the I/O page from which the next mapping is placed
 */
struct nvsim_iommu {
	struct xarray maps;
	unsigned long next;
};

/**
 * struct nvsim_device - a simulated GPU
 * @drm: the DRM device
 * @sdev: the SVM core's state of the device
 * @ring: the fault ring
 * @engine: the exec engine
 * @vram: the VRAM and its copy engine
 * @iommu: the IOMMU through which both engines reach system memory
 */
struct nvsim_device {
	struct drm_device drm;
	struct nouveau_svm_dev sdev;
	struct nvsim_fault_ring ring;
	struct nvsim_engine engine;
	struct nvsim_vram vram;
	struct nvsim_iommu iommu;
};

/**
 * struct nvsim_vm_stats - the simulated GPU's own counters of a VM
 * @mixed_batches: DRM_NVSIM_COUNTER_MIXED_BATCHES
 * @channel_batches: DRM_NVSIM_COUNTER_CHANNEL_BATCHES
 * @duplicate_faults: DRM_NVSIM_COUNTER_DUPLICATE_FAULTS
 * @dropped_faults: DRM_NVSIM_COUNTER_DROPPED_FAULTS
 * @dma_errors: DRM_NVSIM_COUNTER_DMA_ERRORS
 */
struct nvsim_vm_stats {
	atomic64_t mixed_batches;
	atomic64_t channel_batches;
	atomic64_t duplicate_faults;
	atomic64_t dropped_faults;
	atomic64_t dma_errors;
};

/**
 * struct nvsim_vm - the simulated GPU's side of an SVM VM
 * @vm: the core's VM
 * @ndev: the device
 * @tlb_lock: protects the contents of the page-table pages; held by the
 *	engine across translation and access of one page
 * @pts: page-table pages (&struct nvsim_pt) by virtual address >> 21
 * @atomic_va: the page of the GPU atomic on system memory that is between
 *	its read and its write in this VM, NVSIM_NO_ATOMIC if none (under
 *	@tlb_lock; one at most, see &nvsim_engine.atomic_unit)
 * @atomic_wq: unmap waits here for the atomic at @atomic_va to end
 * @dying: vm_fini has begun: no job may be queued on the VM
 * @stats: the simulated GPU's counters of the VM
 */
struct nvsim_vm {
	struct nouveau_svm_vm *vm;
	struct nvsim_device *ndev;
	spinlock_t tlb_lock; /* protects the entries of every page in pts */
	struct xarray pts;
	u64 atomic_va;
	wait_queue_head_t atomic_wq;
	bool dying;
	struct nvsim_vm_stats stats;
};

/**
 * struct nvsim_file - an open file of the simulated GPU
 * @sfile: the core's SVM state of the file
 * @ndev: the device
 * @jobs: the file's jobs not yet collected, by &nvsim_job.seqno
 * @next_seqno: where the cyclic seqno allocation goes on
 * @wave_pages: DRM_NVSIM_PARAM_WAVE_PAGES of jobs submitted from now on
 */
struct nvsim_file {
	struct nouveau_svm_file sfile;
	struct nvsim_device *ndev;
	struct xarray jobs;
	u32 next_seqno;
	u32 wave_pages;
};

/**
 * struct nvsim_job - one EXEC: a command list on its way through the engine
 * @ref: references, see DOC: Locking
 * @link: entry in &nvsim_engine.queue while queued
 * @nvm: the VM the commands run in
 * @nfile: the file that submitted the job (compared, never dereferenced by
 *	the engine)
 * @cmds: kernel copy of the commands; the engine writes their results
 * @ucmds: where EXEC read the commands from, for the results
 * @count: number of commands
 * @wave_pages: pages the engine walks before it stalls on their faults
 * @chan: the channel of @nfile that runs the job
 * @runner: the runner that runs the job, once it runs
 * @token: fault token that names the job in its faults
 * @seqno: the job's number in @nfile
 * @abort: set under &nvsim_engine.lock to stop the job with that status
 *	(a cancelled fault, the VM going away); 0 otherwise
 * @cancel: a fault of the job was cancelled in the batch being served:
 *	the batch's replay turns it into @abort (under &nvsim_engine.lock)
 * @status: the job's final status, valid once @done is complete
 * @done: completed when the job has ended
 * @atomic_slept: the job's first GPU atomic on system memory has had its
 *	sleeping window (runner only; see DOC: Exec engine)
 * @exec_owned: a synchronous EXEC waits for the job: no WAIT may collect
 *	it (under the lock of &nvsim_file.jobs)
 */
struct nvsim_job {
	struct kref ref;
	struct list_head link;
	struct nvsim_vm *nvm;
	struct nvsim_file *nfile;
	struct drm_nvsim_cmd *cmds;
	struct drm_nvsim_cmd __user *ucmds;
	u32 count;
	u32 wave_pages;
	u32 chan;
	struct nvsim_runner *runner;
	u32 token;
	u32 seqno;
	int abort;
	int cancel;
	int status;
	struct completion done;
	bool atomic_slept;
	bool exec_owned;
};

static inline struct nvsim_device *to_nvsim_device(struct nouveau_svm_dev *sdev)
{
	return container_of(sdev, struct nvsim_device, sdev);
}

/* nvsim_pt.c: the GPU page table */
int nvsim_vm_init(struct nouveau_svm_vm *vm);
void nvsim_vm_fini(struct nouveau_svm_vm *vm);
int nvsim_pt_map_prepare(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);
void nvsim_pt_map_release(struct nouveau_svm_vm *vm, u64 start, u64 end);
int nvsim_pt_map(struct nouveau_svm_vm *vm, const struct nouveau_svm_map *map);
void nvsim_pt_unmap(struct nouveau_svm_vm *vm, u64 start, u64 end);
int nvsim_pt_translate(struct nvsim_vm *nvm, u64 va, u64 need,
		       struct page **page, bool *vram);

/* nvsim_fault.c: the fault ring */
int nvsim_fault_ring_init(struct nvsim_fault_ring *ring, unsigned int size);
void nvsim_fault_ring_fini(struct nvsim_fault_ring *ring);
bool nvsim_fault_post(struct nvsim_fault_ring *ring,
		      const struct nouveau_svm_fault *fault,
		      struct nvsim_vm *nvm, u32 chan);
void nvsim_fault_purge(struct nvsim_fault_ring *ring, u64 inst);
void nvsim_fault_inject_overflow(struct nvsim_fault_ring *ring, u32 count);
unsigned int nvsim_fault_fetch(struct nouveau_svm_dev *sdev,
			       struct nouveau_svm_fault *faults,
			       unsigned int max);

/* nvsim_exec.c: the exec engine, its jobs, replay and cancel */
void nvsim_fault_replay(struct nouveau_svm_dev *sdev);
void nvsim_fault_cancel(struct nouveau_svm_dev *sdev,
			const struct nouveau_svm_fault *fault);
int nvsim_engine_init(struct nvsim_engine *engine, unsigned int nr_runners,
		      const char *name);
void nvsim_engine_fini(struct nvsim_engine *engine);
void nvsim_engine_flush_vm(struct nvsim_engine *engine, struct nvsim_vm *nvm);
int nvsim_job_submit(struct nvsim_file *nfile, struct nvsim_vm *nvm,
		     const struct drm_nvsim_exec *args, u32 *seqno);
int nvsim_job_collect(struct nvsim_file *nfile, u32 seqno, long timeout,
		      bool exec, int *status);
void nvsim_file_jobs_fini(struct nvsim_file *nfile);

/* nvsim_iommu.c: the IOMMU */
void nvsim_iommu_init(struct nvsim_iommu *mmu, struct device *dev);
void nvsim_iommu_fini(struct nvsim_iommu *mmu, struct device *dev);
struct page *nvsim_iommu_lookup(struct nvsim_iommu *mmu, dma_addr_t addr,
				bool write);

/* nvsim_copy.c: the VRAM and the copy engine */
int nvsim_vram_init(struct nvsim_vram *vram, u64 size);
void nvsim_vram_fini(struct nvsim_vram *vram);
struct page *nvsim_vram_page(struct nvsim_vram *vram, u64 offset);
void nvsim_vram_move(struct nvsim_vram *vram);
bool nvsim_vram_contains(const struct nvsim_vram *vram, u64 offset,
			 unsigned long npages);
int nvsim_vram_admit(struct nouveau_svm_dev *sdev, u64 size);
int nvsim_chunk_alloc(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
void nvsim_chunk_free(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
void nvsim_chunk_touch(struct nouveau_svm_dev *sdev, struct nouveau_svm_chunk *chunk);
int nvsim_vram_take(struct nouveau_svm_dev *sdev, unsigned int count);
void nvsim_vram_show(struct nvsim_vram *vram, struct seq_file *m);
void nvsim_copy_show(struct nvsim_vram *vram, struct seq_file *m);
void nvsim_vram_inject_alloc_fail(struct nvsim_vram *vram, u32 count);
int nvsim_copy(struct nouveau_svm_dev *sdev, enum nouveau_svm_copy_dir dir,
	       u64 vram, const struct drm_pagemap_addr *sys,
	       unsigned long npages);
void nvsim_copy_inject_fail(struct nvsim_vram *vram, u32 count);

#endif
