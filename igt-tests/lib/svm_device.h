/* SPDX-License-Identifier: MIT */
/*
 * svm_device.h - the device layer of the nouveau SVM IGT tests: find an
 * SVM-capable render node, set up SVM, run GPU work at process addresses
 * and read the per-client counters.
 *
 * Two kinds of device qualify: the simulated GPU ("nouveau_svm_sim") and
 * nouveau itself when NOUVEAU_GETPARAM_SVM_CAPS has NOUVEAU_SVM_CAP_MIRROR.
 * SVM_INIT, SVM_BIND and GETPARAM are common to both, and so are migration
 * to and from device memory (VRAM) and its size and use, where the device
 * has VRAM (svm_require_vram()).  Counters are read through the DRM fdinfo
 * convention, which both drivers implement.
 *
 * GPU work (the gpu_* helpers) runs on both.  The simulated GPU executes
 * the commands itself (its private EXEC/WAIT uAPI).  On nouveau the layer
 * runs the same commands at the SVM addresses through the ordinary
 * nouveau uAPI (channel, GEM, pushbuf; svm_device_nouveau.c), on the
 * engine the test chose (svm_gpu_engine()): by default as compute
 * shaders, which run every command, atomics with their old value
 * included, and fault through the replayable fault buffer; or as
 * copy-engine copies and host semaphore reductions (READ, WRITE, FILL,
 * COPY and, on Volta and newer for words below 1 TiB, ATOMIC_ADD without
 * its old value), which fault through the non-replayable path.  The
 * asserting helpers skip the (sub)test, with the reason, for a command
 * the device cannot run or a result it cannot give; the "__" ones return
 * -EOPNOTSUPP.  On nouveau, SVM_INIT without an unmanaged window gets one
 * of the layer's own, for its buffers.  The nouveau path is built here
 * but has never run: no NVIDIA GPU exists on the machines this project is
 * built on.
 *
 * What only the simulated GPU has: error injection (svm_inject()), the
 * counters ioctl, the engine settings and the raw EXEC/WAIT ioctls; on
 * other devices they return -EOPNOTSUPP and tests that need them call
 * svm_require_sim().
 *
 * Naming follows IGT: a function with a leading "__" returns 0 or a
 * negative errno and asserts nothing (it is safe in threads); the same name
 * without it asserts that the ioctl itself succeeded.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_DEVICE_H
#define SVM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <drm/nouveau_svm_sim.h>

enum svm_driver {
	SVM_DRIVER_NONE,
	SVM_DRIVER_SIM,		/* "nouveau_svm_sim" */
	SVM_DRIVER_NOUVEAU,	/* "nouveau" with NOUVEAU_SVM_CAP_MIRROR */
};

/* How long the helpers wait for a job, in nanoseconds. */
#define SVM_WAIT_TIMEOUT_NS	(30ll * 1000 * 1000 * 1000)

/*
 * Open the render node IGT picks for DRIVER_ANY (__drm_open_driver_render():
 * the first one, the one --device / IGT_DEVICE selects, or the first of
 * the driver IGT_FORCE_DRIVER names, "nouveau_svm_sim" or "nouveau") and
 * return it if it is an SVM device; else -1.
 */
int __svm_open(void);
/* The same, skipping the (sub)test when there is no such device. */
int svm_open(void);
/* Which kind of SVM device @fd is; SVM_DRIVER_NONE for anything else. */
enum svm_driver svm_driver(int fd);
/*
 * Skip unless @fd can run GPU work through this library: the simulated GPU,
 * or nouveau with NOUVEAU_SVM_CAP_MIRROR.
 */
void svm_require_gpu_ops(int fd);
/* Skip unless @fd is the simulated GPU: @what needs its private uAPI. */
void svm_require_sim(int fd, const char *what);
/*
 * Set the module parameter at @path (a /sys/module file) to @value;
 * returns the old value.  Skips when the file is not there.
 */
long svm_set_param(const char *path, long value);
/*
 * Where GPU work runs on nouveau.  The compute path is what programs use
 * (OpenCL, CUDA-style kernels): shader loads, stores and atomics, whose
 * faults are replayable; it is every file's engine until it chooses
 * another.  The copy path runs the commands as copy-engine copies and
 * host semaphore reductions, whose faults are not replayable (Volta and
 * newer report them in a buffer of their own).  The simulated GPU runs
 * every command itself, whichever is chosen.
 */
enum svm_engine {
	SVM_ENGINE_SHADER,
	SVM_ENGINE_COPY,
};

/*
 * Run @fd's later GPU work on @engine (after SVM_INIT): 0, -EINVAL for an
 * unknown engine, -ENOENT before SVM_INIT, -EPERM from a process that
 * inherited the file, or -ENODEV with *@why saying why this GPU cannot
 * (no compute path: no compute class of Pascal to Ada, or its first use
 * failed; or the copy path on Pascal, where its faults kill the channel).
 * Always 0 on the simulated GPU.
 */
int __svm_gpu_engine(int fd, enum svm_engine engine, const char **why);
/* The same, skipping the (sub)test with the reason when the GPU cannot. */
void svm_gpu_engine(int fd, enum svm_engine engine);
/*
 * Whether GPU atomics on @fd give back the old value: the simulated GPU's
 * and nouveau's compute path do, the copy path's semaphores do not.
 */
bool svm_gpu_atomic_results(int fd);
/* Skip unless @fd has NOUVEAU_SVM_CAP_ATOMIC_SYSMEM (GPU atomics). */
void svm_require_atomics(int fd);
/*
 * Skip unless @fd has NOUVEAU_SVM_CAP_MIGRATE_VRAM and
 * NOUVEAU_SVM_CAP_MIGRATE_HOST: device memory that SVM_BIND MIGRATE moves
 * pages to and back from.
 */
void svm_require_vram(int fd);
/* Skip unless @fd has NOUVEAU_SVM_CAP_PREFETCH. */
void svm_require_prefetch(int fd);

/* DRM_NOUVEAU_GETPARAM: 0 or -errno. */
int __svm_getparam(int fd, uint64_t param, uint64_t *value);
/* NOUVEAU_GETPARAM_SVM_CAPS, asserting the ioctl succeeds. */
uint64_t svm_caps(int fd);

/* DRM_NOUVEAU_SVM_INIT with an unmanaged window: 0 or -errno. */
int __svm_init(int fd, uint64_t unmanaged_addr, uint64_t unmanaged_size);
void svm_init(int fd, uint64_t unmanaged_addr, uint64_t unmanaged_size);
/* DRM_NOUVEAU_SVM_BIND: 0 or -errno. */
int __svm_bind(int fd, struct drm_nouveau_svm_bind *args);

/* The bytes of VRAM (NOUVEAU_GETPARAM_FB_SIZE), asserting the ioctl works. */
uint64_t svm_vram_size(int fd);
/*
 * The bytes of VRAM SVM pages hold, device wide
 * (NOUVEAU_GETPARAM_SVM_VRAM_USED: on hardware, VRAM_USED counts every
 * buffer too).
 */
uint64_t svm_vram_used(int fd);
/*
 * Poll NOUVEAU_GETPARAM_SVM_VRAM_USED until it is at most @bytes or @timeout_ms
 * have passed (device memory is released a moment after the last user goes):
 * the last value read.
 */
uint64_t svm_vram_used_wait(int fd, uint64_t bytes, unsigned int timeout_ms);

/* SVM_BIND targets, for the helpers below. */
#define SVM_HOST	NOUVEAU_SVM_BIND_TARGET__HOST
#define SVM_VRAM	NOUVEAU_SVM_BIND_TARGET__GPU_VRAM

/* An SVM_BIND header: @command to @target, priority 0. */
uint64_t svm_bind_header(uint32_t command, uint32_t target);
/*
 * SVM_BIND MIGRATE of [addr, addr + size) (rounded out to pages, @npages
 * the pages of that range) to @target (SVM_HOST or SVM_VRAM): 0 or -errno,
 * the ioctl's @result in *@result (written whatever the outcome).
 */
int __svm_migrate(int fd, const void *addr, size_t size, uint32_t target,
		  uint64_t *result);
/* The same, asserting it returns 0: the result. */
uint64_t svm_migrate(int fd, const void *addr, size_t size, uint32_t target);
/* SVM_BIND PREFETCH, as __svm_migrate() and svm_migrate(). */
/* SVM_BIND ADVISE_ATOMIC of @policy over the pages of the range: 0 or -errno. */
int __svm_advise_atomic(int fd, const void *addr, size_t size, uint32_t policy);
int __svm_prefetch(int fd, const void *addr, size_t size, uint32_t target,
		   uint64_t *result);
uint64_t svm_prefetch(int fd, const void *addr, size_t size, uint32_t target);

/*
 * DRM_NVSIM_INJECT: arm @what (&enum drm_nvsim_inject_what) for the next
 * @count times, device wide; 0 disarms.  0 or -errno (-EOPNOTSUPP on a
 * device other than the simulated GPU).
 */
int __svm_inject(int fd, uint32_t what, uint32_t count);
/* The same, asserting success; skips on a device other than the sim. */
void svm_inject(int fd, uint32_t what, uint32_t count);

/* Command builders: one command at @addr, every other field zero. */
struct drm_nvsim_cmd gpu_cmd_read(const void *addr, size_t size);
struct drm_nvsim_cmd gpu_cmd_write(void *addr, size_t size, uint64_t value);
struct drm_nvsim_cmd gpu_cmd_fill(void *addr, size_t size, uint64_t value);
struct drm_nvsim_cmd gpu_cmd_copy(void *dst, const void *src, size_t size);
/* Atomics on the 64-bit word at @addr (8-byte aligned): size 8. */
struct drm_nvsim_cmd gpu_cmd_atomic_add(void *addr, uint64_t value);
struct drm_nvsim_cmd gpu_cmd_atomic_cas(void *addr, uint64_t compare,
					uint64_t value);

/*
 * DRM_NVSIM_EXEC as given (no retry: a restarted EXEC would run the job
 * twice): 0 or -errno, -EOPNOTSUPP on a device other than the simulated
 * GPU.  An EXEC that a signal interrupted is finished with __gpu_wait() by
 * the synchronous helpers below.
 */
int __gpu_exec(int fd, struct drm_nvsim_exec *exec);
/*
 * Run @count commands and wait for the end: 0 or the ioctl's -errno, with
 * the job's status in *@status and the commands' results written back.
 * On nouveau: -EOPNOTSUPP (nothing runs) when a command cannot run there,
 * -ENOSPC when the layer's buffers do not fit in the unmanaged window
 * (gpu_submit() and the one-command helpers skip then), -ETIME when the
 * GPU did not finish within SVM_WAIT_TIMEOUT_NS, and the
 * status -EFAULT when the kernel cancelled a fault and killed the channel.
 */
int __gpu_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		 int *status);
/* The same, asserting the ioctl succeeds: returns the job's status. */
int gpu_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count);
/*
 * Submit asynchronously: 0 or -errno, the job's number in *@seqno.  @cmds
 * must stay valid until the job is collected: WAIT writes the results there.
 * On nouveau the job has run to its end when this returns, results
 * written; __gpu_wait() hands back its status, once.
 */
int __gpu_submit_async(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		       uint64_t *seqno);
uint64_t gpu_submit_async(int fd, struct drm_nvsim_cmd *cmds,
			  unsigned int count);
/* DRM_NVSIM_WAIT: 0 or -errno, the job's status in *@status. */
int __gpu_wait(int fd, uint64_t seqno, int64_t timeout_ns, int *status);
/* Wait up to SVM_WAIT_TIMEOUT_NS, asserting success: the job's status. */
int gpu_wait(int fd, uint64_t seqno);

/*
 * One-command jobs, asserting the ioctl succeeds; each returns the job's
 * status (0, -EFAULT for a cancelled fault, -EIO for an injected engine
 * error).  They skip where the device cannot run the command.
 */
int gpu_read(int fd, const void *addr, size_t size, uint64_t *checksum);
int gpu_write(int fd, void *addr, size_t size, uint64_t value);
int gpu_fill(int fd, void *addr, size_t size, uint64_t value);
int gpu_copy(int fd, void *dst, const void *src, size_t size);
/*
 * One GPU atomic on the 64-bit word at @addr, asserting the ioctl succeeds:
 * the job's status as above; when it is 0 and @old is not NULL, *@old gets
 * the word's value before the atomic (a device that cannot give it, see
 * svm_gpu_atomic_results(), skips).  gpu_atomic_cas() stores @value only
 * if the word equals @compare.
 */
int gpu_atomic_add(int fd, void *addr, uint64_t value, uint64_t *old);
int gpu_atomic_cas(int fd, void *addr, uint64_t compare, uint64_t value,
		   uint64_t *old);
/* Non-asserting variants for threads: 0 or -errno of the ioctl. */
int __gpu_read(int fd, const void *addr, size_t size, uint64_t *checksum,
	       int *status);
int __gpu_write(int fd, void *addr, size_t size, uint64_t value, int *status);

/*
 * The CPU side of the commands: svm_checksum() is DRM_NVSIM_OP_READ's
 * checksum (the sum of w[i] * (2 * i + 1) modulo 2^64 over the 64-bit
 * little-endian words), svm_pattern() writes what DRM_NVSIM_OP_WRITE does
 * (w[i] = value + i), svm_pattern_check() returns the index of the first
 * word that differs from that pattern, or -1.
 */
uint64_t svm_checksum(const void *addr, size_t size);
void svm_pattern(void *addr, size_t size, uint64_t value);
long svm_pattern_check(const void *addr, size_t size, uint64_t value);
/* Assert that [addr, addr + size) holds the WRITE pattern of @value. */
void svm_assert_pattern(const void *addr, size_t size, uint64_t value);

/*
 * Whether the mapping at @addr has at least @size bytes of transparent huge
 * pages (its AnonHugePages in /proc/self/smaps).
 */
bool svm_thp_backed(const void *addr, size_t size);

/* The per-client counters, in &enum drm_nvsim_counter order. */
struct svm_counters {
	uint64_t faults;
	uint64_t fault_batches;
	uint64_t replays;
	uint64_t cancels;
	uint64_t pages_mapped;
	uint64_t invalidations;
	uint64_t ranges;
	uint64_t gpu_pages;
	uint64_t atomic_faults;
	uint64_t exclusive_grants;
	uint64_t revocations;
	uint64_t atomic_backoffs;
	uint64_t pages_to_vram;
	uint64_t pages_to_host;
	uint64_t thp_to_vram;
	uint64_t thp_to_host;
	uint64_t evictions;
	uint64_t evicted_pages;
	uint64_t copy_launches;
	uint64_t copy_failures;
	uint64_t vram_pages;
};

#define SVM_COUNTERS_NUM	21

/* The counter with index @idx (&enum drm_nvsim_counter). */
uint64_t svm_counter(const struct svm_counters *c, unsigned int idx);
/* Its fdinfo key without the "nouveau-svm-" prefix, e.g. "faults". */
const char *svm_counter_name(unsigned int idx);
/*
 * Parse /proc/self/fdinfo/<fd>: the number of nouveau-svm-* counters found
 * (SVM_COUNTERS_NUM when all are there), or -errno.
 */
int __svm_counters(int fd, struct svm_counters *c);
/* The same, asserting every counter is there. */
struct svm_counters svm_counters(int fd);
/*
 * DRM_NVSIM_COUNTERS: 0 or -errno (-EOPNOTSUPP on a device other than the
 * simulated GPU); *@count in and out as in the uAPI.
 */
int __svm_counters_ioctl(int fd, uint64_t *values, uint32_t *count,
			 uint32_t flags);
/*
 * @b - @a for every counter (modulo 2^64: a gauge that went down, like
 * gpu_pages or vram_pages, wraps).
 */
struct svm_counters svm_counters_sub(const struct svm_counters *b,
				     const struct svm_counters *a);
/* Log @b - @a of every counter at debug level, under @what. */
void svm_counters_log_delta(const char *what, const struct svm_counters *a,
			    const struct svm_counters *b);

#endif /* SVM_DEVICE_H */
