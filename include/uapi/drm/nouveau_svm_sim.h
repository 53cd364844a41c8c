/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NOUVEAU_SVM_SIM_H__
#define __NOUVEAU_SVM_SIM_H__

#include "drm.h"
#include "nouveau_drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: nouveau SVM simulated GPU uAPI
 *
 * The simulated GPU (driver name "nouveau_svm_sim") is a software GPU that
 * lets the nouveau SVM core be tested without NVIDIA hardware.  Its render
 * node answers the same SVM ioctls as nouveau, with the same numbers and
 * structures: DRM_NOUVEAU_GETPARAM (NOUVEAU_GETPARAM_SVM_CAPS, and
 * NOUVEAU_GETPARAM_FB_SIZE and NOUVEAU_GETPARAM_VRAM_USED: the size of
 * the simulated VRAM and the bytes of it in use, device wide),
 * DRM_NOUVEAU_SVM_INIT and DRM_NOUVEAU_SVM_BIND.  This header adds a
 * private uAPI that stands in for what a real GPU does through command
 * submission: execute command lists at virtual addresses (EXEC, WAIT), read
 * the per-client counters (COUNTERS), tune the engine (CONFIG) and inject
 * errors (INJECT).
 *
 * Every field is checked: reserved and padding fields must be zero, and a
 * wrong value gets -EINVAL unless a field says otherwise.  EXEC, WAIT and
 * SVM_BIND on a file whose SVM VM belongs to another process (the file was
 * inherited or passed) get -EPERM: the GPU only ever reaches the memory of
 * the process that called SVM_INIT.
 */

#define DRM_NVSIM_EXEC		0x40
#define DRM_NVSIM_WAIT		0x41
#define DRM_NVSIM_COUNTERS	0x42
#define DRM_NVSIM_CONFIG	0x43
#define DRM_NVSIM_INJECT	0x44

/**
 * enum drm_nvsim_op - what a command does
 * @DRM_NVSIM_OP_INVALID: reserved, catches uninitialised commands
 * @DRM_NVSIM_OP_READ: read @size bytes at @addr; @result gets their
 *	checksum: the sum over the little-endian 64-bit words w[i] of
 *	w[i] * (2 * i + 1), modulo 2^64
 * @DRM_NVSIM_OP_WRITE: write the 64-bit words w[i] = @value + i over @size
 *	bytes at @addr
 * @DRM_NVSIM_OP_FILL: write the 64-bit word @value over @size bytes at @addr
 * @DRM_NVSIM_OP_COPY: copy @size bytes from @src to @addr, in ascending
 *	order
 * @DRM_NVSIM_OP_ATOMIC_ADD: atomically add @value to the 64-bit word at
 *	@addr (@size must be 8); @result gets the old value
 * @DRM_NVSIM_OP_ATOMIC_CAS: atomically replace the 64-bit word at @addr
 *	with @value if it equals @compare (@size must be 8); @result gets the
 *	old value
 */
enum drm_nvsim_op {
	DRM_NVSIM_OP_INVALID = 0,
	DRM_NVSIM_OP_READ,
	DRM_NVSIM_OP_WRITE,
	DRM_NVSIM_OP_FILL,
	DRM_NVSIM_OP_COPY,
	DRM_NVSIM_OP_ATOMIC_ADD,
	DRM_NVSIM_OP_ATOMIC_CAS,
};

/** DRM_NVSIM_MAX_SIZE - the largest @size one command may have: 1 GiB */
#define DRM_NVSIM_MAX_SIZE	(1ULL << 30)

/**
 * struct drm_nvsim_cmd - one command of a command list
 * @op: in, &enum drm_nvsim_op
 * @flags: in, must be 0
 * @addr: in, GPU virtual address (the process's own address), 8-byte aligned
 * @src: in, source address of a COPY, 8-byte aligned; 0 otherwise
 * @size: in, bytes, a multiple of 8, 8 to DRM_NVSIM_MAX_SIZE
 * @value: in, the operand (see &enum drm_nvsim_op)
 * @compare: in, the expected value of a CAS; 0 otherwise
 * @result: out, the checksum or old value (see &enum drm_nvsim_op)
 */
struct drm_nvsim_cmd {
	__u32 op;
	__u32 flags;
	__u64 addr;
	__u64 src;
	__u64 size;
	__u64 value;
	__u64 compare;
	__u64 result;
};

/** DRM_NVSIM_MAX_CMDS - the most commands one EXEC may carry */
#define DRM_NVSIM_MAX_CMDS	4096

/** DRM_NVSIM_CHANNELS - channels per file, the range of &drm_nvsim_exec.channel */
#define DRM_NVSIM_CHANNELS	16

/** DRM_NVSIM_EXEC_ASYNC - return at once; WAIT for the job's end */
#define DRM_NVSIM_EXEC_ASYNC	(1 << 0)

/**
 * struct drm_nvsim_exec - submit a command list to the exec engine
 * @cmds: in, user pointer to an array of &struct drm_nvsim_cmd
 * @count: in, number of commands, 1 to DRM_NVSIM_MAX_CMDS
 * @flags: in, DRM_NVSIM_EXEC_*
 * @seqno: out, the job's number, for WAIT
 * @status: out, without DRM_NVSIM_EXEC_ASYNC: the job's status (see WAIT)
 * @channel: in, the file's channel that runs the job, 0 to
 *	DRM_NVSIM_CHANNELS - 1
 *
 * The engine runs the commands in order at the process's virtual addresses
 * through the GPU page table, faulting on a miss.  The jobs of one channel
 * run one after the other, in submission order; jobs of different
 * channels, of one file or of several, run at the same time, as many at
 * once as the device has runners (the module parameter runners, default
 * 4), and their faults meet in the device's one fault ring.  Without
 * DRM_NVSIM_EXEC_ASYNC the ioctl waits for the end of the job and writes
 * each command's @result back.  Errors: -EINVAL for a bad field or command
 * (nothing runs), -ENOENT before SVM_INIT, -EPERM from another process,
 * -EFAULT if @cmds cannot be read, -EINTR when a signal ends the wait (the
 * job goes on; WAIT for @seqno).
 */
struct drm_nvsim_exec {
	__u64 cmds;
	__u32 count;
	__u32 flags;
	__u64 seqno;
	__s32 status;
	__u32 channel;
};

/**
 * struct drm_nvsim_wait - wait for a job and collect its results
 * @seqno: in, the job's number from EXEC
 * @timeout_ns: in, how long to wait, relative, 0 to poll
 * @status: out, 0 if every command ran; -EFAULT if a fault was cancelled
 *	(the job stopped there, like a channel error: at that command, or
 *	at an earlier one whose accesses were in flight with it); -EIO if an
 *	injected engine error stopped it; -ENXIO if an access went through a
 *	DMA address the core had not mapped for the GPU, or had unmapped
 *	already (a bug of the kernel, which also warns)
 * @pad: must be 0
 *
 * Once the job has ended its commands' @result fields are written back to
 * the array EXEC read them from and the job is forgotten.  Errors: -ENOENT
 * for an unknown or already collected @seqno, or one a synchronous EXEC
 * still waits for (its EXEC collects it), -ETIME when @timeout_ns passes
 * first, -EINTR on a signal.
 */
struct drm_nvsim_wait {
	__u64 seqno;
	__s64 timeout_ns;
	__s32 status;
	__u32 pad;
};

/**
 * enum drm_nvsim_counter - per-client counters, indices into
 * &drm_nvsim_counters.values
 * @DRM_NVSIM_COUNTER_FAULTS: GPU fault entries served for this client
 * @DRM_NVSIM_COUNTER_FAULT_BATCHES: fault batches that held this client's
 *	faults
 * @DRM_NVSIM_COUNTER_REPLAYS: replays after a batch with this client's faults
 * @DRM_NVSIM_COUNTER_CANCELS: faulting pages cancelled (duplicate faults of
 *	one page in one batch count once)
 * @DRM_NVSIM_COUNTER_PAGES_MAPPED: 4 KiB pages written to the GPU page table
 * @DRM_NVSIM_COUNTER_INVALIDATIONS: MMU notifier invalidations that unmapped
 *	GPU pages of this client
 * @DRM_NVSIM_COUNTER_RANGES: SVM ranges the client has now
 * @DRM_NVSIM_COUNTER_GPU_PAGES: 4 KiB pages mapped in the GPU page table now
 * @DRM_NVSIM_COUNTER_ATOMIC_FAULTS: atomic fault entries taken
 * @DRM_NVSIM_COUNTER_EXCLUSIVE_GRANTS: pages made device-exclusive for GPU
 *	atomics
 * @DRM_NVSIM_COUNTER_REVOCATIONS: invalidations that took atomic access
 *	away from the GPU (a CPU access, munmap, mprotect, fork...)
 * @DRM_NVSIM_COUNTER_ATOMIC_BACKOFFS: revocations that waited for the end
 *	of the GPU's atomic time slice (ping-pong between CPU and GPU)
 * @DRM_NVSIM_COUNTER_PAGES_TO_VRAM: 4 KiB pages copied to VRAM
 * @DRM_NVSIM_COUNTER_PAGES_TO_HOST: 4 KiB pages copied back to system
 *	memory (on request, on CPU fault, on eviction)
 * @DRM_NVSIM_COUNTER_THP_TO_VRAM: 2 MiB folios moved to VRAM whole
 * @DRM_NVSIM_COUNTER_THP_TO_HOST: 2 MiB folios moved back whole
 * @DRM_NVSIM_COUNTER_EVICTIONS: device-memory allocations of this client
 *	evicted to system memory (to make room, or on teardown)
 * @DRM_NVSIM_COUNTER_EVICTED_PAGES: 4 KiB pages those evictions covered
 * @DRM_NVSIM_COUNTER_COPY_LAUNCHES: copy-engine launches for this client
 * @DRM_NVSIM_COUNTER_COPY_FAILURES: copy-engine launches that failed
 * @DRM_NVSIM_COUNTER_VRAM_PAGES: 4 KiB pages of VRAM the client holds now
 * @DRM_NVSIM_COUNTER_MIXED_BATCHES: fault batches that held faults of this
 *	client and of another context
 * @DRM_NVSIM_COUNTER_CHANNEL_BATCHES: fault batches that held faults of
 *	two or more of this client's channels
 * @DRM_NVSIM_COUNTER_DUPLICATE_FAULTS: fault entries of this client that
 *	repeated a page an earlier entry of the same batch already named
 * @DRM_NVSIM_COUNTER_DROPPED_FAULTS: faults of this client that the fault
 *	ring dropped because it was full (an overflow) or an overflow was
 *	injected; the accesses fault again after the next replay
 * @DRM_NVSIM_COUNTER_DMA_ERRORS: accesses of this client's jobs through a
 *	DMA address that was not mapped for the GPU (see
 *	&drm_nvsim_wait.status -ENXIO)
 * @DRM_NVSIM_COUNTER_COUNT: number of counters this header knows
 */
enum drm_nvsim_counter {
	DRM_NVSIM_COUNTER_FAULTS,
	DRM_NVSIM_COUNTER_FAULT_BATCHES,
	DRM_NVSIM_COUNTER_REPLAYS,
	DRM_NVSIM_COUNTER_CANCELS,
	DRM_NVSIM_COUNTER_PAGES_MAPPED,
	DRM_NVSIM_COUNTER_INVALIDATIONS,
	DRM_NVSIM_COUNTER_RANGES,
	DRM_NVSIM_COUNTER_GPU_PAGES,
	DRM_NVSIM_COUNTER_ATOMIC_FAULTS,
	DRM_NVSIM_COUNTER_EXCLUSIVE_GRANTS,
	DRM_NVSIM_COUNTER_REVOCATIONS,
	DRM_NVSIM_COUNTER_ATOMIC_BACKOFFS,
	DRM_NVSIM_COUNTER_PAGES_TO_VRAM,
	DRM_NVSIM_COUNTER_PAGES_TO_HOST,
	DRM_NVSIM_COUNTER_THP_TO_VRAM,
	DRM_NVSIM_COUNTER_THP_TO_HOST,
	DRM_NVSIM_COUNTER_EVICTIONS,
	DRM_NVSIM_COUNTER_EVICTED_PAGES,
	DRM_NVSIM_COUNTER_COPY_LAUNCHES,
	DRM_NVSIM_COUNTER_COPY_FAILURES,
	DRM_NVSIM_COUNTER_VRAM_PAGES,
	DRM_NVSIM_COUNTER_MIXED_BATCHES,
	DRM_NVSIM_COUNTER_CHANNEL_BATCHES,
	DRM_NVSIM_COUNTER_DUPLICATE_FAULTS,
	DRM_NVSIM_COUNTER_DROPPED_FAULTS,
	DRM_NVSIM_COUNTER_DMA_ERRORS,
	DRM_NVSIM_COUNTER_COUNT,
};

/**
 * struct drm_nvsim_counters - read this client's counters
 * @values: in, user pointer to an array of @count __u64
 * @count: in, room in @values; out, the number of counters the kernel has
 *	(it writes the first min(in, out) of them)
 * @flags: in, must be 0
 *
 * Errors: -ENOENT before SVM_INIT, -EFAULT if @values cannot be written.
 */
struct drm_nvsim_counters {
	__u64 values;
	__u32 count;
	__u32 flags;
};

/**
 * enum drm_nvsim_param - engine settings of a client
 * @DRM_NVSIM_PARAM_INVALID: reserved
 * @DRM_NVSIM_PARAM_WAVE_PAGES: how many pages the engine walks before it
 *	stalls on the faults they raised, 1 to 512 (default 64): a real GPU
 *	has that many accesses in flight.  When a command faults, the first
 *	pages of the commands after it count in the same wave: their faults
 *	go into the same batch
 */
enum drm_nvsim_param {
	DRM_NVSIM_PARAM_INVALID = 0,
	DRM_NVSIM_PARAM_WAVE_PAGES,
};

/**
 * struct drm_nvsim_config - change an engine setting for this client's jobs
 * @param: in, &enum drm_nvsim_param
 * @pad: must be 0
 * @value: in, the new value; out, the old one
 */
struct drm_nvsim_config {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/**
 * enum drm_nvsim_inject_what - errors the simulated GPU can inject
 * @DRM_NVSIM_INJECT_INVALID: reserved
 * @DRM_NVSIM_INJECT_FAULT_OVERFLOW: the next @count faults are dropped as if
 *	the fault ring had overflowed (the engine faults again on replay)
 * @DRM_NVSIM_INJECT_COPY_FAIL: the next @count copy-engine launches fail
 *	(-EIO): a migration to VRAM fails and leaves the data in system
 *	memory; a migration back fails and the data stays in VRAM
 * @DRM_NVSIM_INJECT_ALLOC_FAIL: the next @count device-memory allocations
 *	fail (-ENOMEM), as if VRAM were taken by something else
 * @DRM_NVSIM_INJECT_VRAM_TAKE: another user of the VRAM (graphics, on a
 *	real GPU) holds @count 2 MiB pieces of it from now on, 0 for none:
 *	it takes free pieces first, then SVM's, whose pages are evicted to
 *	system memory first, or gives pieces back.  -EINVAL for more pieces
 *	than the VRAM has; -EBUSY when SVM's pieces could not be evicted at
 *	the moment (the pieces taken so far stay taken); -EINTR when killed
 */
enum drm_nvsim_inject_what {
	DRM_NVSIM_INJECT_INVALID = 0,
	DRM_NVSIM_INJECT_FAULT_OVERFLOW,
	DRM_NVSIM_INJECT_COPY_FAIL,
	DRM_NVSIM_INJECT_ALLOC_FAIL,
	DRM_NVSIM_INJECT_VRAM_TAKE,
};

/**
 * struct drm_nvsim_inject - arm error injection on the device
 * @what: in, &enum drm_nvsim_inject_what
 * @count: in, how many times, 0 to disarm; at most 1 << 20
 *
 * Injection is device wide (the next failures hit whichever client gets
 * there first), so it needs CAP_SYS_ADMIN: -EPERM without.
 */
struct drm_nvsim_inject {
	__u32 what;
	__u32 count;
};

#define DRM_IOCTL_NVSIM_EXEC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVSIM_EXEC, struct drm_nvsim_exec)
#define DRM_IOCTL_NVSIM_WAIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVSIM_WAIT, struct drm_nvsim_wait)
#define DRM_IOCTL_NVSIM_COUNTERS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVSIM_COUNTERS, struct drm_nvsim_counters)
#define DRM_IOCTL_NVSIM_CONFIG \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NVSIM_CONFIG, struct drm_nvsim_config)
#define DRM_IOCTL_NVSIM_INJECT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NVSIM_INJECT, struct drm_nvsim_inject)

#if defined(__cplusplus)
}
#endif

#endif
