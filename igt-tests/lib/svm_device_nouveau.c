// SPDX-License-Identifier: MIT
/*
 * svm_device_nouveau.c - the device layer's GPU operations on real nouveau
 * hardware: the commands of the simulated GPU's EXEC (&struct
 * drm_nvsim_cmd) run at the process's own (SVM) addresses, as compute
 * shaders or as copy-engine copies and host semaphore reductions.
 *
 * BUILT HERE, NEVER RUN: no NVIDIA GPU exists on the machines this project
 * is built on.  Everything below follows the uAPI in nouveau_drm.h, the
 * class headers of the 7.3 tree and NVIDIA's published ones, and is meant
 * to first run on a kernel-CI GPU runner.
 *
 * Two engines (svm_nv_engine(); svm_gpu_engine() in svm_device.h):
 *  - The compute path, every file's engine by default: the SMs' loads,
 *    stores and atomics, as OpenCL and CUDA-style kernels make them.
 *    Their faults go through the replayable fault buffer, which the SVM
 *    backend serves and replays (cancels on a bad access, which kills the
 *    channel).  Pascal to Ada, with the compute class the GPU takes
 *    (svm_nv_compute.c) and shaders of our own (svm_nv_isa.c,
 *    svm_nv_shaders.c).  Hopper's and Blackwell's compute classes take
 *    QMDs of version V04_00 on, which svm_nv_compute.c does not build:
 *    there the compute path is given up and its subtests skip, saying
 *    so.
 *  - The copy path: copy-engine copies and host semaphore reductions,
 *    whose faults are not replayable.  Where the kernel says it serves
 *    them (NOUVEAU_SVM_CAP_COPY_FAULTS: Volta and newer, with or without
 *    GSP-RM) the SVM backend serves them from the non-replayable buffer,
 *    or the queue GSP-RM fills, and resumes the channel; elsewhere
 *    (Pascal, which has no such buffer, or where the kernel took none) a
 *    copy-engine fault kills the channel, and svm_nv_engine() refuses the
 *    copy path.
 *
 * How a file gets its GPU:
 *  - SVM_INIT first (the kernel puts the client's channels and buffers in
 *    the SVM VM only when they are made after it).  With no unmanaged
 *    window asked for, the layer reserves one of its own (PROT_NONE, below
 *    1 TiB, see svm_nv_init()): GEM buffers get their GPU addresses there,
 *    as Mesa's nvc0 does with its cut-out.
 *  - At the first job: a GART buffer for the push buffer and the fence,
 *    another for staging data.  The compute path adds a channel on the
 *    graphics engine (DRM_NOUVEAU_CHANNEL_ALLOC, NOUVEAU_FIFO_ENGINE_GR)
 *    with the newest compute class it accepts, ADA_COMPUTE_A down to
 *    PASCAL_COMPUTE_A, on subchannel 1, and a GART buffer for the shaders,
 *    the QMD and the launch's parameters (SVM_NV_CP_*).  The copy path adds
 *    a channel on the copy engine (NOUVEAU_FIFO_ENGINE_CE) with the newest
 *    copy class it accepts, BLACKWELL_DMA_COPY_A down to PASCAL_DMA_COPY_A,
 *    on subchannel 4.  Objects are made with DRM_NOUVEAU_GROBJ_ALLOC.
 *  - Work goes through DRM_NOUVEAU_GEM_PUSHBUF (the channel allocation has
 *    switched the client to the legacy uAPI; VM_BIND is not for SVM
 *    clients).  Each push ends with a host semaphore release of a sequence
 *    number into the fence buffer, after a wait for idle; the layer polls
 *    that word and DRM_NOUVEAU_GEM_CPU_PREP (NOWAIT), never longer than
 *    SVM_WAIT_TIMEOUT_NS.  A fence the kernel signalled without the
 *    semaphore having been written means the channel was killed: the
 *    kernel cancelled a fault of the job.  The job's status is then
 *    -EFAULT and the layer makes a new channel for the next job.
 *
 * The commands on the compute path (one launch each, one thread per
 * 64-bit word, 128 threads per CTA, so that a launch faults on all its
 * pages at once):
 *  - READ: a COPY shader from the SVM address to the staging buffer,
 *    checksum on the CPU; WRITE: the pattern on the CPU into staging, a
 *    COPY shader to the SVM address; both in staging-sized pieces.  FILL:
 *    a FILL shader.  COPY: a COPY shader between the two SVM addresses
 *    (overlap is not ordered, unlike on the simulated GPU).
 *  - ATOMIC_ADD and ATOMIC_CAS: one thread's 64-bit atomic at system
 *    scope, whose old value it stores into the compute buffer: @result.
 *    Any address a process has.
 *
 * The commands on the copy path:
 *  - READ and WRITE as above with copy-engine copies; FILL: the copy
 *    engine's remap with two 32-bit constants, straight to the SVM
 *    address; COPY: one copy-engine copy between the two SVM addresses.
 *  - ATOMIC_ADD: a host semaphore release with reduction IADD of a 64-bit
 *    payload at the SVM address (Volta and newer: SEM_EXECUTE).  It does
 *    not return the old value (@result is 0), and host semaphore addresses
 *    have 40 bits (SEM_ADDR_HI_OFFSET 7:0), so a word at or above 1 TiB
 *    (most heap and mmap addresses on x86-64) cannot be reached: refused
 *    with -EOPNOTSUPP.  Pascal's host semaphores reduce 32-bit words only,
 *    and the copy engine's semaphores carry 32-bit payloads up to
 *    AMPERE_DMA_COPY_A (only AMPERE_DMA_COPY_B's clc7b5.h adds
 *    SET_SEMAPHORE_PAYLOAD_UPPER): no 64-bit add there.
 *  - ATOMIC_CAS: nothing in the host or the copy engine compares and
 *    exchanges: refused with -EOPNOTSUPP.
 *
 * Per-file state is kept by file descriptor and told apart from a later
 * file under the same number by fdinfo's drm-client-id (a kernel without
 * it leaves only the process and the number: a test that closes a file
 * and opens another must SVM_INIT the new one before GPU work, as all do).
 * A process that inherited the file gets -EPERM, as from the simulated GPU.
 *
 * The copy classes share the method layout of KEPLER_DMA_COPY_A
 * (cla0b5.h), as the kernel's own nouveau_bo.c and nouveau_dmem.c rely
 * on, except that Pascal widened OFFSET_{IN,OUT}_UPPER to 17 bits (49-bit
 * addresses): see SVM_NV_CE_OFFSET_UPPER.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <endian.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "drivers/gpu/drm/nouveau/include/nvhw/class/cla0b5.h"
#include "drivers/gpu/drm/nouveau/include/nvhw/class/clc36f.h"
#include "drivers/gpu/drm/nouveau/include/nvif/class.h"

#include "igt.h"
#include "svm_device_nouveau.h"
#include "svm_nv_compute.h"
#include "svm_nv_isa.h"
#include "svm_nv_push.h"

/* ------------------------------------------------------------------ */
/* Method encoding                                                     */
/* ------------------------------------------------------------------ */

/*
 * OFFSET_IN_UPPER and OFFSET_OUT_UPPER of the Pascal to Blackwell copy
 * classes: 16:0 in NVIDIA's published clc0b5.h, clc1b5.h, clc3b5.h,
 * clc5b5.h, clc6b5.h and clc7b5.h, 24:0 in clc8b5.h and clc9b5.h, of which
 * these 17 bits are the low ones (the 7.3 tree has only Kepler's cla0b5.h,
 * where it is 7:0).
 */
#define SVM_NV_CE_OFFSET_UPPER	16:0

/*
 * The subchannel the copy object is bound to, as the kernel's own
 * (NVA06F_SUBCHANNEL_COPY_ENGINE in NVIDIA's published cla06fsubch.h).
 */
#define SVM_NV_SUBC_CE		4
/* Chipsets from GV100 on have the Volta host class's SEM_* methods. */
#define SVM_NV_CHIPSET_VOLTA	0x140
/* Host semaphore addresses: SEM_ADDR_HI_OFFSET 7:0 over 32 low bits. */
#define SVM_NV_SEM_ADDR_LIMIT	(1ull << 40)

/* ------------------------------------------------------------------ */
/* Per-file state                                                      */
/* ------------------------------------------------------------------ */

#define SVM_NV_MAX_FDS		1024
#define SVM_NV_CTL_SIZE		(64 << 10)	/* fence, then the push buffer */
#define SVM_NV_PUSH_OFFSET	4096
#define SVM_NV_STAGING_SIZE	(4 << 20)
/* The layer's own unmanaged window, and where it tries to put it. */
#define SVM_NV_WINDOW_SIZE	(64ull << 20)
#define SVM_NV_WINDOW_HINT	(512ull << 30)
#define SVM_NV_ASYNC_JOBS	64
/*
 * The compute buffer: the shaders (each 128-byte aligned, with at least
 * SVM_NV_CODE_PREFETCH mapped after the last), then the QMD, the launch's
 * parameters (constant buffer 0) and the word an atomic's old value goes
 * to.  One launch at a time: the jobs of a file are serialised.
 */
#define SVM_NV_CP_SIZE		(32 << 10)
#define SVM_NV_CP_CODE		0
#define SVM_NV_CP_CODE_SIZE	(16 << 10)
#define SVM_NV_CP_QMD		(20 << 10)
#define SVM_NV_CP_PARAMS	(24 << 10)
#define SVM_NV_CP_RESULT	(28 << 10)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * DRM_NOUVEAU_GROBJ_ALLOC makes an engine object on an abi16 channel.  Its
 * number is in the uAPI header (marked deprecated there, but it is still
 * how libdrm's abi16 path and Mesa's nvc0 make their objects); its
 * structure lives in the kernel's nouveau_abi16.h, so it is spelled here.
 */
struct svm_nv_grobj_alloc {
	int32_t channel;
	uint32_t handle;
	int32_t oclass;
};

#define SVM_NV_IOCTL_GROBJ_ALLOC \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NOUVEAU_GROBJ_ALLOC, \
		struct svm_nv_grobj_alloc)

struct svm_nv_bo {
	uint32_t handle;
	uint64_t gpu_addr;
	void *map;
	size_t size;
};

/* A channel and the engine object bound to its subchannel. */
struct svm_nv_chan {
	int id;			/* -1: none (yet, or killed) */
	uint32_t oclass;
};

struct svm_nv_job {
	uint64_t seqno;
	int status;
};

struct svm_nv_ctx {
	pthread_mutex_t lock;	/* serialises the jobs of the file */
	int fd;
	pid_t pid;		/* the process that called SVM_INIT */
	uint64_t client_id;	/* fdinfo drm-client-id: tells a reused fd */
	uint32_t chipset;
	void *window;		/* the layer's own window, or NULL */
	bool bos_ready;
	struct svm_nv_bo ctl, staging;
	struct svm_nv_chan ce;	/* the copy engine's channel */
	struct svm_nv_chan gr;	/* the graphics engine's, for compute */
	enum svm_engine engine;	/* where the jobs run */
	/* The compute path, once a compute object was made (cp.map set). */
	struct svm_nv_compute_cfg cfg;
	struct svm_nv_bo cp;	/* code, QMD, parameters: SVM_NV_CP_* */
	uint32_t code_off[SVM_NV_SHADERS], code_regs[SVM_NV_SHADERS];
	/* Why there is no compute path (its first use failed), or NULL. */
	const char *no_compute;
	char no_compute_buf[192];
	uint32_t fence_seqno;
	uint64_t async_seqno;
	struct svm_nv_job jobs[SVM_NV_ASYNC_JOBS];
};

static pthread_mutex_t svm_nv_table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct svm_nv_ctx *svm_nv_table[SVM_NV_MAX_FDS];

static int svm_nv_ioctl(int fd, unsigned long request, void *arg)
{
	return igt_ioctl(fd, request, arg) ? -errno : 0;
}

/* The drm-client-id of @fd in fdinfo, 0 when there is none. */
static uint64_t svm_nv_client_id(int fd)
{
	char path[64], line[128];
	uint64_t id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "drm-client-id: %" SCNu64, &id) == 1)
			break;
	fclose(f);
	return id;
}

static void svm_nv_bo_unmap(struct svm_nv_bo *bo)
{
	if (bo->map)
		munmap(bo->map, bo->size);
	bo->map = NULL;
}

/*
 * Forget a context whose file is gone (closed, or another file under the
 * same number): only the process's own mappings are undone, the kernel
 * objects went with the file.
 */
static void svm_nv_ctx_forget(struct svm_nv_ctx *c)
{
	svm_nv_bo_unmap(&c->ctl);
	svm_nv_bo_unmap(&c->staging);
	svm_nv_bo_unmap(&c->cp);
	if (c->window)
		munmap(c->window, SVM_NV_WINDOW_SIZE);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/*
 * The context of @fd, or NULL.  A context left by a closed file whose
 * number was reused is dropped; one made by another process (the file
 * was inherited) is returned, for the caller to refuse.
 */
static struct svm_nv_ctx *svm_nv_ctx_lookup(int fd)
{
	struct svm_nv_ctx *c;

	if (fd < 0 || fd >= SVM_NV_MAX_FDS)
		return NULL;
	pthread_mutex_lock(&svm_nv_table_lock);
	c = svm_nv_table[fd];
	if (c && c->client_id != svm_nv_client_id(fd)) {
		svm_nv_table[fd] = NULL;
		if (c->pid == getpid())
			svm_nv_ctx_forget(c);
		c = NULL;
	}
	pthread_mutex_unlock(&svm_nv_table_lock);
	return c;
}

static uint32_t svm_nv_chipset(int fd)
{
	struct drm_nouveau_getparam gp = {
		.param = NOUVEAU_GETPARAM_CHIPSET_ID,
	};

	return svm_nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp) ? 0 : gp.value;
}

static int svm_nv_ctx_add(int fd, void *window)
{
	struct svm_nv_ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	c->fd = fd;
	c->pid = getpid();
	c->client_id = svm_nv_client_id(fd);
	c->chipset = svm_nv_chipset(fd);
	c->window = window;
	c->ce.id = -1;
	c->gr.id = -1;
	c->engine = SVM_ENGINE_SHADER;
	pthread_mutex_lock(&svm_nv_table_lock);
	/* A context still here is a closed file's (SVM_INIT just worked). */
	if (svm_nv_table[fd] && svm_nv_table[fd]->pid == c->pid)
		svm_nv_ctx_forget(svm_nv_table[fd]);
	svm_nv_table[fd] = c;
	pthread_mutex_unlock(&svm_nv_table_lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* SVM_INIT and the layer's window                                     */
/* ------------------------------------------------------------------ */

/*
 * Reserve SVM_NV_WINDOW_SIZE of address space below 1 TiB, where host
 * semaphores can reach the fence: NULL when there is no room.
 */
static void *svm_nv_window_reserve(void)
{
	for (uint64_t a = SVM_NV_WINDOW_HINT;
	     a + SVM_NV_WINDOW_SIZE <= SVM_NV_SEM_ADDR_LIMIT;
	     a += 16 * SVM_NV_WINDOW_SIZE) {
		void *p = mmap((void *)(uintptr_t)a, SVM_NV_WINDOW_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			       MAP_FIXED_NOREPLACE, -1, 0);

		if (p != MAP_FAILED)
			return p;
	}
	return NULL;
}

int svm_nv_init(int fd, uint64_t addr, uint64_t size)
{
	struct drm_nouveau_svm_init args = {
		.unmanaged_addr = addr,
		.unmanaged_size = size,
	};
	void *window = NULL;
	int ret;

	if (fd < 0 || fd >= SVM_NV_MAX_FDS)
		return -EBADF;
	if (!addr && !size) {
		window = svm_nv_window_reserve();
		if (!window)
			return -ENOMEM;
		args.unmanaged_addr = to_user_pointer(window);
		args.unmanaged_size = SVM_NV_WINDOW_SIZE;
	}
	ret = svm_nv_ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &args);
	if (!ret)
		ret = svm_nv_ctx_add(fd, window);
	if (ret && window)
		munmap(window, SVM_NV_WINDOW_SIZE);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Buffers and the channel                                             */
/* ------------------------------------------------------------------ */

static int svm_nv_bo_new(int fd, size_t size, struct svm_nv_bo *bo)
{
	struct drm_nouveau_gem_new req = {
		.info.size = size,
		.info.domain = NOUVEAU_GEM_DOMAIN_GART |
			       NOUVEAU_GEM_DOMAIN_COHERENT,
	};
	struct drm_gem_close close_req = {};
	int ret;

	ret = svm_nv_ioctl(fd, DRM_IOCTL_NOUVEAU_GEM_NEW, &req);
	if (ret)
		return ret;
	bo->handle = req.info.handle;
	bo->gpu_addr = req.info.offset;
	bo->size = size;
	bo->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       req.info.map_handle);
	if (bo->map != MAP_FAILED)
		return 0;
	ret = -errno;
	bo->map = NULL;
	close_req.handle = bo->handle;
	svm_nv_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_req);
	return ret;
}

/* Unmap and close @bo (the kernel object goes with the file otherwise). */
static void svm_nv_bo_close(int fd, struct svm_nv_bo *bo)
{
	struct drm_gem_close req = { .handle = bo->handle };

	if (!bo->map)
		return;
	svm_nv_bo_unmap(bo);
	svm_nv_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &req);
}

/* The fence and staging buffers, made once per file after SVM_INIT. */
static int svm_nv_bos_init(struct svm_nv_ctx *c)
{
	int ret;

	if (c->bos_ready)
		return 0;
	ret = c->ctl.map ? 0 : svm_nv_bo_new(c->fd, SVM_NV_CTL_SIZE, &c->ctl);
	if (!ret && !c->staging.map)
		ret = svm_nv_bo_new(c->fd, SVM_NV_STAGING_SIZE, &c->staging);
	if (ret)
		return ret;
	if (c->ctl.gpu_addr + SVM_NV_CTL_SIZE > SVM_NV_SEM_ADDR_LIMIT) {
		igt_debug("nouveau: fence at %#" PRIx64 ", beyond host semaphores\n",
			  c->ctl.gpu_addr);
		return -ERANGE;
	}
	c->bos_ready = true;
	return 0;
}

static void svm_nv_chan_free(struct svm_nv_ctx *c, struct svm_nv_chan *ch)
{
	struct drm_nouveau_channel_free req = { .channel = ch->id };

	if (ch->id >= 0)
		svm_nv_ioctl(c->fd, DRM_IOCTL_NOUVEAU_CHANNEL_FREE, &req);
	ch->id = -1;
}

/* Bind the first of @classes (newest first) that the channel accepts. */
static int svm_nv_chan_object(struct svm_nv_ctx *c, struct svm_nv_chan *ch,
			      const uint32_t *classes, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		struct svm_nv_grobj_alloc req = {
			.channel = ch->id,
			.handle = 0xbeef0000 | (classes[i] & 0xffff),
			.oclass = classes[i],
		};

		if (!svm_nv_ioctl(c->fd, SVM_NV_IOCTL_GROBJ_ALLOC, &req)) {
			ch->oclass = classes[i];
			igt_debug("nouveau: class %#x on channel %d\n",
				  classes[i], ch->id);
			return 0;
		}
	}
	return -ENODEV;
}

/*
 * A channel on @engine (NOUVEAU_FIFO_ENGINE_*) with an object of @classes:
 * 0 or -errno, with *@what saying which step failed.
 */
static int svm_nv_chan_open(struct svm_nv_ctx *c, struct svm_nv_chan *ch,
			    uint32_t engine, const uint32_t *classes,
			    unsigned int n, const char **what)
{
	struct drm_nouveau_channel_alloc req = {
		.fb_ctxdma_handle = ~0u,
		.tt_ctxdma_handle = engine,
	};
	int ret;

	if (ch->id >= 0)
		return 0;
	*what = "DRM_NOUVEAU_CHANNEL_ALLOC failed";
	ret = svm_nv_ioctl(c->fd, DRM_IOCTL_NOUVEAU_CHANNEL_ALLOC, &req);
	if (ret)
		return ret;
	ch->id = req.channel;
	*what = "the channel takes none of the classes tried";
	ret = svm_nv_chan_object(c, ch, classes, n);
	if (ret)
		svm_nv_chan_free(c, ch);
	return ret;
}

/* The copy engine's channel with the newest copy class of Pascal to GB10x. */
static int svm_nv_ce_open(struct svm_nv_ctx *c)
{
	static const uint32_t classes[] = {
		BLACKWELL_DMA_COPY_A, HOPPER_DMA_COPY_A,
		AMPERE_DMA_COPY_B, AMPERE_DMA_COPY_A, TURING_DMA_COPY_A,
		VOLTA_DMA_COPY_A, PASCAL_DMA_COPY_B, PASCAL_DMA_COPY_A,
	};
	const char *what;

	return svm_nv_chan_open(c, &c->ce, NOUVEAU_FIFO_ENGINE_CE, classes,
				ARRAY_SIZE(classes), &what);
}

/* Assemble every shader into the compute buffer: 0 or -errno. */
static int svm_nv_code_load(struct svm_nv_ctx *c)
{
	uint32_t *code = (uint32_t *)((char *)c->cp.map + SVM_NV_CP_CODE);
	unsigned int off = 0;

	for (unsigned int s = 0; s < SVM_NV_SHADERS; s++) {
		const struct svm_nv_insn *prog;
		unsigned int n;
		int words;

		prog = svm_nv_shader(c->cfg.isa, s, &n);
		words = svm_nv_assemble(c->cfg.isa, prog, n, code + off / 4,
					(SVM_NV_CP_CODE_SIZE - off) / 4);
		if (words < 0)
			return words;
		for (int i = 0; i < words; i++)
			code[off / 4 + i] = htole32(code[off / 4 + i]);
		c->code_off[s] = SVM_NV_CP_CODE + off;
		c->code_regs[s] = svm_nv_registers(prog, n);
		off += words * 4;
	}
	/* The instruction prefetch reads up to 2 KiB past the last one. */
	igt_assert(off + SVM_NV_CODE_PREFETCH <= SVM_NV_CP_QMD);
	return 0;
}

/* Give up the compute path for good: @what failed with @err. */
static int svm_nv_no_compute(struct svm_nv_ctx *c, const char *what, int err)
{
	snprintf(c->no_compute_buf, sizeof(c->no_compute_buf),
		 "nouveau: no compute path: %s (%s)", what, strerror(-err));
	c->no_compute = c->no_compute_buf;
	return -ENODEV;
}

/*
 * The compute path's first use: the configuration of the class the GPU
 * took, the compute buffer, the shaders.  0, or -ENODEV with
 * c->no_compute saying why there is no compute path.
 */
static int svm_nv_compute_init(struct svm_nv_ctx *c)
{
	int ret;

	if (svm_nv_compute_cfg(c->chipset, c->gr.oclass, &c->cfg))
		return svm_nv_no_compute(c, "the compute class is not the one "
					 "this chipset's generation has", -ENODEV);
	ret = svm_nv_bo_new(c->fd, SVM_NV_CP_SIZE, &c->cp);
	if (ret)
		return svm_nv_no_compute(c, "DRM_NOUVEAU_GEM_NEW of the compute "
					 "buffer failed", ret);
	if (c->cp.gpu_addr + SVM_NV_CP_SIZE > SVM_NV_QMD_ADDR_LIMIT) {
		svm_nv_bo_close(c->fd, &c->cp);
		return svm_nv_no_compute(c, "the compute buffer lies above 1 TiB, "
					 "out of SEND_PCAS_A's reach", -ENOSPC);
	}
	ret = svm_nv_code_load(c);
	if (ret) {
		svm_nv_bo_close(c->fd, &c->cp);
		return svm_nv_no_compute(c, "the shaders do not assemble", ret);
	}
	return 0;
}

/*
 * The graphics channel with the newest compute class the GPU takes, and
 * the compute path behind it.  0 or -errno; when its first use fails the
 * compute path is given up (-ENODEV from then on, the reason in
 * c->no_compute), so that the subtests skip rather than retry and fail.
 */
static int svm_nv_gr_open(struct svm_nv_ctx *c)
{
	bool first = !c->cp.map;
	const char *what;
	int ret;

	if (c->no_compute)
		return -ENODEV;
	ret = svm_nv_chan_open(c, &c->gr, NOUVEAU_FIFO_ENGINE_GR,
			       svm_nv_compute_classes, svm_nv_compute_nclasses,
			       &what);
	if (ret)
		return first ? svm_nv_no_compute(c, what, ret) : ret;
	if (!first)
		return 0;
	ret = svm_nv_compute_init(c);
	if (ret)
		svm_nv_chan_free(c, &c->gr);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Push buffer                                                         */
/* ------------------------------------------------------------------ */

static void svm_nv_push_begin(struct svm_nv_ctx *c, struct svm_nv_push *p)
{
	p->start = (uint32_t *)((char *)c->ctl.map + SVM_NV_PUSH_OFFSET);
	p->cur = p->start;
	p->end = (uint32_t *)((char *)c->ctl.map + SVM_NV_CTL_SIZE);
}

static uint32_t svm_nv_upper(uint64_t addr)
{
	return NV_FIELD(SVM_NV_CE_OFFSET_UPPER, addr >> 32);
}

/*
 * LAUNCH_DMA of a one-line pitch copy at virtual addresses.  Bit 11,
 * cla0b5.h's BYPASS_L2, is FORCE_RMWDISABLE from clc0b5.h on: it stays 0.
 */
static uint32_t svm_nv_launch(bool remap)
{
	return NV_DEF(NVA0B5, LAUNCH_DMA, DATA_TRANSFER_TYPE, NON_PIPELINED) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, FLUSH_ENABLE, TRUE) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, SEMAPHORE_TYPE, NONE) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, INTERRUPT_TYPE, NONE) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, SRC_MEMORY_LAYOUT, PITCH) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, DST_MEMORY_LAYOUT, PITCH) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, MULTI_LINE_ENABLE, FALSE) |
	       (remap ? NV_DEF(NVA0B5, LAUNCH_DMA, REMAP_ENABLE, TRUE) :
			NV_DEF(NVA0B5, LAUNCH_DMA, REMAP_ENABLE, FALSE)) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, SRC_TYPE, VIRTUAL) |
	       NV_DEF(NVA0B5, LAUNCH_DMA, DST_TYPE, VIRTUAL);
}

/* Copy @len bytes from @src to @dst, both GPU virtual addresses. */
static void svm_nv_ce_copy(struct svm_nv_push *p, uint64_t dst, uint64_t src,
			   uint32_t len)
{
	const uint32_t regs[] = {
		[0] = svm_nv_upper(src),		/* OFFSET_IN_UPPER */
		[1] = (uint32_t)src,			/* OFFSET_IN_LOWER */
		[2] = svm_nv_upper(dst),		/* OFFSET_OUT_UPPER */
		[3] = (uint32_t)dst,			/* OFFSET_OUT_LOWER */
		[4] = NV_VAL(NVA0B5, PITCH_IN, VALUE, len),
		[5] = NV_VAL(NVA0B5, PITCH_OUT, VALUE, len),
		[6] = NV_VAL(NVA0B5, LINE_LENGTH_IN, VALUE, len),
		[7] = NV_VAL(NVA0B5, LINE_COUNT, VALUE, 1),
	};

	svm_nv_mthd(p, SVM_NV_SUBC_CE, NVA0B5_OFFSET_IN_UPPER, regs,
		    ARRAY_SIZE(regs));
	svm_nv_mthd1(p, SVM_NV_SUBC_CE, NVA0B5_LAUNCH_DMA, svm_nv_launch(false));
}

/* Write the 64-bit @value over @len bytes at @dst: remap of two constants. */
static void svm_nv_ce_fill(struct svm_nv_push *p, uint64_t dst, uint32_t len,
			   uint64_t value)
{
	const uint32_t remap[] = {
		NV_VAL(NVA0B5, SET_REMAP_CONST_A, V, value),
		NV_VAL(NVA0B5, SET_REMAP_CONST_B, V, value >> 32),
		NV_DEF(NVA0B5, SET_REMAP_COMPONENTS, DST_X, CONST_A) |
		NV_DEF(NVA0B5, SET_REMAP_COMPONENTS, DST_Y, CONST_B) |
		NV_DEF(NVA0B5, SET_REMAP_COMPONENTS, COMPONENT_SIZE, FOUR) |
		NV_DEF(NVA0B5, SET_REMAP_COMPONENTS, NUM_SRC_COMPONENTS, TWO) |
		NV_DEF(NVA0B5, SET_REMAP_COMPONENTS, NUM_DST_COMPONENTS, TWO),
	};
	const uint32_t out[] = {
		svm_nv_upper(dst),			/* OFFSET_OUT_UPPER */
		(uint32_t)dst,				/* OFFSET_OUT_LOWER */
	};
	/* With remap, the line length counts 8-byte (2 x 4) elements. */
	const uint32_t line[] = {
		NV_VAL(NVA0B5, LINE_LENGTH_IN, VALUE, len / 8),
		NV_VAL(NVA0B5, LINE_COUNT, VALUE, 1),
	};

	svm_nv_mthd(p, SVM_NV_SUBC_CE, NVA0B5_SET_REMAP_CONST_A, remap,
		    ARRAY_SIZE(remap));
	svm_nv_mthd(p, SVM_NV_SUBC_CE, NVA0B5_OFFSET_OUT_UPPER, out,
		    ARRAY_SIZE(out));
	svm_nv_mthd(p, SVM_NV_SUBC_CE, NVA0B5_LINE_LENGTH_IN, line,
		    ARRAY_SIZE(line));
	svm_nv_mthd1(p, SVM_NV_SUBC_CE, NVA0B5_LAUNCH_DMA, svm_nv_launch(true));
}

/*
 * A Volta-and-newer host semaphore at @addr: @op (SEM_EXECUTE's
 * OPERATION, with its other fields) of the 32- or 64-bit @payload.  The
 * address's low word goes in as it is: SEM_ADDR_LO_OFFSET is 31:2 in place.
 */
static void svm_nv_sem_c36f(struct svm_nv_push *p, uint64_t addr,
			    uint64_t payload, uint32_t execute)
{
	const uint32_t regs[] = {
		(uint32_t)addr,					/* SEM_ADDR_LO */
		NV_VAL(NVC36F, SEM_ADDR_HI, OFFSET, addr >> 32),
		NV_VAL(NVC36F, SEM_PAYLOAD_LO, PAYLOAD, payload),
		NV_VAL(NVC36F, SEM_PAYLOAD_HI, PAYLOAD, payload >> 32),
		execute,					/* SEM_EXECUTE */
	};

	svm_nv_mthd(p, 0, NVC36F_SEM_ADDR_LO, regs, ARRAY_SIZE(regs));
}

/* Release @seqno into the fence word once everything before is done. */
static void svm_nv_fence(struct svm_nv_ctx *c, struct svm_nv_push *p,
			 uint32_t seqno)
{
	uint64_t addr = c->ctl.gpu_addr;
	uint32_t regs[4];

	if (c->chipset >= SVM_NV_CHIPSET_VOLTA) {
		svm_nv_sem_c36f(p, addr, seqno,
				NV_DEF(NVC36F, SEM_EXECUTE, OPERATION, RELEASE) |
				NV_DEF(NVC36F, SEM_EXECUTE, RELEASE_WFI, EN) |
				NV_DEF(NVC36F, SEM_EXECUTE, PAYLOAD_SIZE, 32BIT) |
				NV_DEF(NVC36F, SEM_EXECUTE, RELEASE_TIMESTAMP, DIS));
		return;
	}
	/* Pascal: the Fermi-style SEMAPHOREA..D, a 4-byte release. */
	regs[0] = NV_VAL(NV906F, SEMAPHOREA, OFFSET_UPPER, addr >> 32);
	regs[1] = (uint32_t)addr;	/* SEMAPHOREB_OFFSET_LOWER: 31:2 in place */
	regs[2] = NV_VAL(NV906F, SEMAPHOREC, PAYLOAD, seqno);
	regs[3] = NV_DEF(NV906F, SEMAPHORED, OPERATION, RELEASE) |
		  NV_DEF(NV906F, SEMAPHORED, RELEASE_WFI, EN) |
		  NV_DEF(NV906F, SEMAPHORED, RELEASE_SIZE, 4BYTE);
	svm_nv_mthd(p, 0, NV906F_SEMAPHOREA, regs, ARRAY_SIZE(regs));
}

/* ------------------------------------------------------------------ */
/* Submission and completion                                           */
/* ------------------------------------------------------------------ */

/* What svm_nv_kick() says of a job besides an ioctl's -errno. */
enum svm_nv_end {
	SVM_NV_DONE,
	SVM_NV_KILLED,	/* the channel died: a cancelled fault */
};

static volatile uint32_t *svm_nv_fence_word(struct svm_nv_ctx *c)
{
	return (volatile uint32_t *)c->ctl.map;
}

static int svm_nv_pushbuf(struct svm_nv_ctx *c, struct svm_nv_chan *ch,
			  const struct svm_nv_push *p)
{
	const uint32_t gart = NOUVEAU_GEM_DOMAIN_GART;
	struct drm_nouveau_gem_pushbuf_bo bos[] = {
		{ .handle = c->ctl.handle, .read_domains = gart,
		  .write_domains = gart, .valid_domains = gart },
		{ .handle = c->staging.handle, .read_domains = gart,
		  .write_domains = gart, .valid_domains = gart },
		{ .handle = c->cp.handle, .read_domains = gart,
		  .write_domains = gart, .valid_domains = gart },
	};
	struct drm_nouveau_gem_pushbuf_push push = {
		.bo_index = 0,
		.offset = SVM_NV_PUSH_OFFSET,
		.length = (p->cur - p->start) * sizeof(uint32_t),
	};
	struct drm_nouveau_gem_pushbuf req = {
		.channel = ch->id,
		/* The compute buffer, once there is one. */
		.nr_buffers = c->cp.map ? 3 : 2,
		.buffers = to_user_pointer(bos),
		.nr_push = 1,
		.push = to_user_pointer(&push),
	};

	return svm_nv_ioctl(c->fd, DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &req);
}

/* Has the kernel's fence of the last push signalled?  1, 0 or -errno. */
static int svm_nv_idle(struct svm_nv_ctx *c)
{
	struct drm_nouveau_gem_cpu_prep req = {
		.handle = c->ctl.handle,
		.flags = NOUVEAU_GEM_CPU_PREP_NOWAIT | NOUVEAU_GEM_CPU_PREP_WRITE,
	};
	int ret = svm_nv_ioctl(c->fd, DRM_IOCTL_NOUVEAU_GEM_CPU_PREP, &req);

	return ret == -EBUSY ? 0 : ret ? ret : 1;
}

/*
 * Wait for @seqno in the fence word, at most SVM_WAIT_TIMEOUT_NS: DONE,
 * KILLED when the kernel's fence signalled without it, or -ETIME.
 */
static int svm_nv_wait_fence(struct svm_nv_ctx *c, uint32_t seqno)
{
	struct timespec start = {};
	useconds_t nap = 10;

	igt_nsec_elapsed(&start);
	for (;;) {
		int idle;

		if (*svm_nv_fence_word(c) == seqno)
			return SVM_NV_DONE;
		idle = svm_nv_idle(c);
		if (idle < 0 && idle != -EINTR)
			return idle;
		if (idle > 0)
			return *svm_nv_fence_word(c) == seqno ? SVM_NV_DONE :
								SVM_NV_KILLED;
		if (igt_nsec_elapsed(&start) >= SVM_WAIT_TIMEOUT_NS)
			return -ETIME;
		usleep(nap);
		nap = nap < 1000 ? nap * 2 : nap;
	}
}

/*
 * Fence and submit @p on @ch, wait for it: DONE, KILLED or -errno.  A
 * killed or timed-out channel is freed: the next job gets a new one.
 */
static int svm_nv_kick(struct svm_nv_ctx *c, struct svm_nv_chan *ch,
		       struct svm_nv_push *p)
{
	uint32_t seqno = ++c->fence_seqno;
	int ret;

	svm_nv_fence(c, p, seqno);
	ret = svm_nv_pushbuf(c, ch, p);
	if (ret == -ENODEV) {
		/* Killed by an earlier job's fault we did not see end. */
		svm_nv_chan_free(c, ch);
		return SVM_NV_KILLED;
	}
	if (ret)
		return ret;
	ret = svm_nv_wait_fence(c, seqno);
	if (ret != SVM_NV_DONE)
		svm_nv_chan_free(c, ch);
	return ret;
}

/* A push on a live channel with its copy object bound to subchannel 4. */
static int svm_nv_push_open(struct svm_nv_ctx *c, struct svm_nv_push *p)
{
	int ret = svm_nv_ce_open(c);

	if (ret)
		return ret;
	svm_nv_push_begin(c, p);
	svm_nv_mthd1(p, SVM_NV_SUBC_CE, SVM_NV_SET_OBJECT, c->ce.oclass);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Commands                                                            */
/* ------------------------------------------------------------------ */

/* The READ checksum of @n words from word @first on. */
static uint64_t svm_nv_checksum(const void *buf, size_t n, uint64_t first)
{
	const uint64_t *w = buf;
	uint64_t sum = 0;

	/* The GART buffer holds the GPU's little-endian words as they are. */
	for (size_t i = 0; i < n; i++)
		sum += le64toh(w[i]) * (2 * (first + i) + 1);
	return sum;
}

/* One copy-engine copy of @len bytes from @src to @dst: DONE, KILLED or -errno. */
static int svm_nv_ce_copy_job(struct svm_nv_ctx *c, uint64_t dst, uint64_t src,
			      uint64_t len)
{
	struct svm_nv_push p;
	int ret = svm_nv_push_open(c, &p);

	if (ret)
		return ret;
	svm_nv_ce_copy(&p, dst, src, len);
	return svm_nv_kick(c, &c->ce, &p);
}

static int svm_nv_cp_copy_job(struct svm_nv_ctx *c, uint64_t dst, uint64_t src,
			      uint64_t len);

/* Copy @len bytes on the file's engine: DONE, KILLED or -errno. */
static int svm_nv_copy(struct svm_nv_ctx *c, uint64_t dst, uint64_t src,
		       uint64_t len)
{
	if (c->engine == SVM_ENGINE_SHADER)
		return svm_nv_cp_copy_job(c, dst, src, len);
	return svm_nv_ce_copy_job(c, dst, src, len);
}

/* READ and WRITE: through the staging buffer, a piece at a time. */
static int svm_nv_staged(struct svm_nv_ctx *c, struct drm_nvsim_cmd *cmd,
			 bool write)
{
	uint64_t sum = 0;

	for (uint64_t off = 0; off < cmd->size; off += SVM_NV_STAGING_SIZE) {
		uint64_t len = cmd->size - off, svm = cmd->addr + off;
		int ret;

		len = len < SVM_NV_STAGING_SIZE ? len : SVM_NV_STAGING_SIZE;
		if (write)
			svm_pattern(c->staging.map, len, cmd->value + off / 8);
		ret = svm_nv_copy(c, write ? svm : c->staging.gpu_addr,
				  write ? c->staging.gpu_addr : svm, len);
		if (ret != SVM_NV_DONE)
			return ret;
		if (!write)
			sum += svm_nv_checksum(c->staging.map, len / 8, off / 8);
	}
	if (!write)
		cmd->result = sum;
	return SVM_NV_DONE;
}

static int svm_nv_atomic_add(struct svm_nv_ctx *c, struct svm_nv_push *p,
			     const struct drm_nvsim_cmd *cmd)
{
	svm_nv_sem_c36f(p, cmd->addr, cmd->value,
			NV_DEF(NVC36F, SEM_EXECUTE, OPERATION, REDUCTION) |
			NV_DEF(NVC36F, SEM_EXECUTE, RELEASE_WFI, EN) |
			NV_DEF(NVC36F, SEM_EXECUTE, PAYLOAD_SIZE, 64BIT) |
			NV_DEF(NVC36F, SEM_EXECUTE, RELEASE_TIMESTAMP, DIS) |
			NV_DEF(NVC36F, SEM_EXECUTE, REDUCTION, IADD) |
			NV_DEF(NVC36F, SEM_EXECUTE, REDUCTION_FORMAT, UNSIGNED));
	return svm_nv_kick(c, &c->ce, p);
}

/* One command that needs no staging: one push. */
static int svm_nv_direct(struct svm_nv_ctx *c, struct drm_nvsim_cmd *cmd)
{
	struct svm_nv_push p;
	int ret = svm_nv_push_open(c, &p);

	if (ret)
		return ret;
	switch (cmd->op) {
	case DRM_NVSIM_OP_FILL:
		svm_nv_ce_fill(&p, cmd->addr, cmd->size, cmd->value);
		break;
	case DRM_NVSIM_OP_COPY:
		svm_nv_ce_copy(&p, cmd->addr, cmd->src, cmd->size);
		break;
	case DRM_NVSIM_OP_ATOMIC_ADD:
		/* The old value is not to be had: see the top of the file. */
		cmd->result = 0;
		return svm_nv_atomic_add(c, &p, cmd);
	default:
		return -EINVAL;
	}
	return svm_nv_kick(c, &c->ce, &p);
}

/* ------------------------------------------------------------------ */
/* Commands on the compute engine                                      */
/* ------------------------------------------------------------------ */

static bool svm_nv_shader_is_atomic(enum svm_nv_shader s)
{
	return s == SVM_NV_SHADER_ATOMIC_ADD || s == SVM_NV_SHADER_ATOMIC_CAS;
}

/* The word of the compute buffer an atomic's old value goes to. */
static volatile uint64_t *svm_nv_cp_result(struct svm_nv_ctx *c)
{
	return (volatile uint64_t *)((char *)c->cp.map + SVM_NV_CP_RESULT);
}

/*
 * Constant buffer 0 of the next launch: @prm, little endian, with the
 * result word's address (the word cleared).
 */
static void svm_nv_cp_params(struct svm_nv_ctx *c,
			     const struct svm_nv_params *prm)
{
	struct svm_nv_params *cb0;

	cb0 = (struct svm_nv_params *)((char *)c->cp.map + SVM_NV_CP_PARAMS);
	memset(cb0, 0, SVM_NV_CB_ALIGN);
	cb0->dst = htole64(prm->dst);
	cb0->src = htole64(prm->src);
	cb0->value = htole64(prm->value);
	cb0->compare = htole64(prm->compare);
	cb0->result = htole64(c->cp.gpu_addr + SVM_NV_CP_RESULT);
	cb0->count = htole32(prm->count);
	*svm_nv_cp_result(c) = 0;
}

/* The QMD of shader @s over @count words (one thread for an atomic). */
static int svm_nv_cp_qmd(struct svm_nv_ctx *c, enum svm_nv_shader s,
			 uint32_t count)
{
	uint32_t *qmd = (uint32_t *)((char *)c->cp.map + SVM_NV_CP_QMD);
	bool one = svm_nv_shader_is_atomic(s);
	/* Pascal takes an offset from the program region: the buffer. */
	uint64_t base = c->cfg.qmd == SVM_NV_QMD_V02_01 ? 0 : c->cp.gpu_addr;
	struct svm_nv_grid g = {
		.program = base + c->code_off[s],
		.registers = c->code_regs[s],
		.ctas = one ? 1 : (count + SVM_NV_CTA_THREADS - 1) /
				  SVM_NV_CTA_THREADS,
		.threads = one ? 1 : SVM_NV_CTA_THREADS,
		.cb0 = c->cp.gpu_addr + SVM_NV_CP_PARAMS,
		.cb0_size = SVM_NV_CB_ALIGN,
	};
	int ret = svm_nv_qmd_pack(&c->cfg, &g, qmd);

	for (unsigned int i = 0; !ret && i < SVM_NV_QMD_WORDS; i++)
		qmd[i] = htole32(qmd[i]);
	return ret;
}

/*
 * Launch shader @s with @prm and wait for its end: DONE, KILLED or
 * -errno.  The shader's faults are the SMs': replayable.
 */
static int svm_nv_cp_launch(struct svm_nv_ctx *c, enum svm_nv_shader s,
			    const struct svm_nv_params *prm)
{
	struct svm_nv_push p;
	int ret = svm_nv_gr_open(c);

	if (ret)
		return ret;
	svm_nv_cp_params(c, prm);
	ret = svm_nv_cp_qmd(c, s, prm->count);
	if (ret)
		return ret;
	svm_nv_push_begin(c, &p);
	svm_nv_compute_setup(&p, &c->cfg, c->cp.gpu_addr);
	svm_nv_compute_launch(&p, &c->cfg, c->cp.gpu_addr + SVM_NV_CP_QMD);
	return svm_nv_kick(c, &c->gr, &p);
}

static int svm_nv_cp_copy_job(struct svm_nv_ctx *c, uint64_t dst, uint64_t src,
			      uint64_t len)
{
	const struct svm_nv_params prm = {
		.dst = dst, .src = src, .count = len / 8,
	};

	return svm_nv_cp_launch(c, SVM_NV_SHADER_COPY, &prm);
}

/* An atomic on the word at @cmd->addr; its old value in @cmd->result. */
static int svm_nv_cp_atomic(struct svm_nv_ctx *c, struct drm_nvsim_cmd *cmd)
{
	const struct svm_nv_params prm = {
		.dst = cmd->addr,
		.value = cmd->value,
		.compare = cmd->compare,
		.count = 1,
	};
	int ret;

	ret = svm_nv_cp_launch(c, cmd->op == DRM_NVSIM_OP_ATOMIC_ADD ?
				  SVM_NV_SHADER_ATOMIC_ADD :
				  SVM_NV_SHADER_ATOMIC_CAS, &prm);
	if (ret == SVM_NV_DONE)
		cmd->result = le64toh(*svm_nv_cp_result(c));
	return ret;
}

static int svm_nv_cp_run_cmd(struct svm_nv_ctx *c, struct drm_nvsim_cmd *cmd)
{
	struct svm_nv_params fill = {
		.dst = cmd->addr, .value = cmd->value, .count = cmd->size / 8,
	};

	switch (cmd->op) {
	case DRM_NVSIM_OP_READ:
		return svm_nv_staged(c, cmd, false);
	case DRM_NVSIM_OP_WRITE:
		return svm_nv_staged(c, cmd, true);
	case DRM_NVSIM_OP_FILL:
		return svm_nv_cp_launch(c, SVM_NV_SHADER_FILL, &fill);
	case DRM_NVSIM_OP_COPY:
		return svm_nv_cp_copy_job(c, cmd->addr, cmd->src, cmd->size);
	default:
		return svm_nv_cp_atomic(c, cmd);
	}
}

static int svm_nv_run_cmd(struct svm_nv_ctx *c, struct drm_nvsim_cmd *cmd)
{
	if (c->engine == SVM_ENGINE_SHADER)
		return svm_nv_cp_run_cmd(c, cmd);
	switch (cmd->op) {
	case DRM_NVSIM_OP_READ:
		return svm_nv_staged(c, cmd, false);
	case DRM_NVSIM_OP_WRITE:
		return svm_nv_staged(c, cmd, true);
	default:
		return svm_nv_direct(c, cmd);
	}
}

/* Why the copy engine and host cannot run @cmd, or NULL. */
static const char *svm_nv_ce_unsupported(uint32_t chipset,
					 const struct drm_nvsim_cmd *cmd)
{
	switch (cmd->op) {
	case DRM_NVSIM_OP_ATOMIC_CAS:
		return "nouveau: no compare-and-swap on the copy engine: host and "
		       "copy-engine semaphores of Pascal to Blackwell have no "
		       "compare-exchange (the compute path has)";
	case DRM_NVSIM_OP_ATOMIC_ADD:
		if (chipset < SVM_NV_CHIPSET_VOLTA)
			return "nouveau: no 64-bit atomic add on Pascal's copy "
			       "engine: its semaphores reduce 32-bit words";
		if (cmd->addr + 8 > SVM_NV_SEM_ADDR_LIMIT)
			return "nouveau: atomics on the copy engine are host "
			       "semaphore reductions, whose addresses have 40 "
			       "bits: this word is above 1 TiB";
		return NULL;
	default:
		return NULL;
	}
}

/*
 * Why the file's engine cannot run @cmd, or NULL: the compute path runs
 * every command where the GPU has one (finding out makes the compute
 * objects).
 */
static const char *svm_nv_unsupported(struct svm_nv_ctx *c,
				      const struct drm_nvsim_cmd *cmd)
{
	if (c->engine == SVM_ENGINE_COPY)
		return svm_nv_ce_unsupported(c->chipset, cmd);
	if (!c->cp.map)
		svm_nv_gr_open(c);
	return c->no_compute;
}

const char *svm_nv_cmd_unsupported(int fd, const struct drm_nvsim_cmd *cmd)
{
	struct svm_nv_ctx *c = svm_nv_ctx_lookup(fd);
	const char *why;

	/* Before SVM_INIT, or inherited: the submission says so. */
	if (!c || c->pid != getpid())
		return NULL;
	pthread_mutex_lock(&c->lock);
	why = svm_nv_unsupported(c, cmd);
	pthread_mutex_unlock(&c->lock);
	return why;
}

/* The checks of the simulated GPU's EXEC, where they apply here. */
static int svm_nv_cmds_check(const struct drm_nvsim_cmd *cmds,
			     unsigned int count)
{
	if (!count || count > DRM_NVSIM_MAX_CMDS)
		return -EINVAL;
	for (unsigned int i = 0; i < count; i++) {
		const struct drm_nvsim_cmd *cmd = &cmds[i];

		if (cmd->op == DRM_NVSIM_OP_INVALID ||
		    cmd->op > DRM_NVSIM_OP_ATOMIC_CAS || cmd->flags ||
		    cmd->addr % 8 || cmd->src % 8 || cmd->size % 8 ||
		    !cmd->size || cmd->size > DRM_NVSIM_MAX_SIZE)
			return -EINVAL;
		if ((cmd->op == DRM_NVSIM_OP_ATOMIC_ADD ||
		     cmd->op == DRM_NVSIM_OP_ATOMIC_CAS) && cmd->size != 8)
			return -EINVAL;
	}
	return 0;
}

/* -EOPNOTSUPP when a command of the job cannot run on the file's engine. */
static int svm_nv_cmds_runnable(struct svm_nv_ctx *c,
				const struct drm_nvsim_cmd *cmds,
				unsigned int count)
{
	for (unsigned int i = 0; i < count; i++)
		if (svm_nv_unsupported(c, &cmds[i]))
			return -EOPNOTSUPP;
	return 0;
}

/* The context that may run jobs on @fd now, or NULL with -errno in *@err. */
static struct svm_nv_ctx *svm_nv_ctx_for_job(int fd, int *err)
{
	struct svm_nv_ctx *c = svm_nv_ctx_lookup(fd);

	*err = !c ? -ENOENT : c->pid != getpid() ? -EPERM : 0;
	return *err ? NULL : c;
}

int svm_nv_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		  int *status)
{
	struct svm_nv_ctx *c;
	int ret;

	c = svm_nv_ctx_for_job(fd, &ret);
	if (!c)
		return ret;
	ret = svm_nv_cmds_check(cmds, count);
	if (ret)
		return ret;
	pthread_mutex_lock(&c->lock);
	/* No room for them in the caller's unmanaged window, or above 1 TiB. */
	ret = svm_nv_bos_init(c) ? -ENOSPC : 0;
	if (!ret)
		ret = svm_nv_cmds_runnable(c, cmds, count);
	*status = 0;
	for (unsigned int i = 0; !ret && i < count; i++) {
		ret = svm_nv_run_cmd(c, &cmds[i]);
		if (ret == SVM_NV_KILLED) {
			/* The job stops at the command whose fault was cancelled. */
			*status = -EFAULT;
			ret = 0;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int svm_nv_submit_async(int fd, struct drm_nvsim_cmd *cmds,
			unsigned int count, uint64_t *seqno)
{
	struct svm_nv_job *job = NULL;
	struct svm_nv_ctx *c;
	int status, ret;

	ret = svm_nv_submit(fd, cmds, count, &status);
	if (ret)
		return ret;
	c = svm_nv_ctx_lookup(fd);
	if (!c)
		return -ENOENT;
	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; !job && i < SVM_NV_ASYNC_JOBS; i++)
		if (!c->jobs[i].seqno)
			job = &c->jobs[i];
	if (job) {
		job->seqno = ++c->async_seqno;
		job->status = status;
		*seqno = job->seqno;
	}
	pthread_mutex_unlock(&c->lock);
	return job ? 0 : -EBUSY;
}

int svm_nv_wait(int fd, uint64_t seqno, int *status)
{
	struct svm_nv_ctx *c;
	int ret;

	c = svm_nv_ctx_for_job(fd, &ret);
	if (!c)
		return ret;
	ret = -ENOENT;
	pthread_mutex_lock(&c->lock);
	for (unsigned int i = 0; seqno && i < SVM_NV_ASYNC_JOBS; i++) {
		if (c->jobs[i].seqno != seqno)
			continue;
		if (status)
			*status = c->jobs[i].status;
		c->jobs[i].seqno = 0;
		ret = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int svm_nv_engine(int fd, enum svm_engine engine, const char **why)
{
	struct svm_nv_ctx *c;
	uint64_t caps = 0;
	int ret;

	*why = NULL;
	if (engine != SVM_ENGINE_SHADER && engine != SVM_ENGINE_COPY)
		return -EINVAL;
	c = svm_nv_ctx_for_job(fd, &ret);
	if (!c)
		return ret;
	/* Asked before the lock: a failed query reads as no capability. */
	if (__svm_getparam(fd, NOUVEAU_GETPARAM_SVM_CAPS, &caps))
		caps = 0;
	pthread_mutex_lock(&c->lock);
	if (engine == SVM_ENGINE_SHADER) {
		if (!c->cp.map)
			svm_nv_gr_open(c);
		*why = c->no_compute;
	} else if (!(caps & NOUVEAU_SVM_CAP_COPY_FAULTS)) {
		*why = "nouveau: copy-engine and host faults are not served "
		       "here (no NOUVEAU_SVM_CAP_COPY_FAULTS: Pascal has no "
		       "buffer for them, and elsewhere the kernel log says "
		       "why it took none): they kill the channel";
	}
	if (!*why)
		c->engine = engine;
	pthread_mutex_unlock(&c->lock);
	return *why ? -ENODEV : 0;
}

enum svm_engine svm_nv_engine_of(int fd)
{
	struct svm_nv_ctx *c = svm_nv_ctx_lookup(fd);

	return c ? c->engine : SVM_ENGINE_SHADER;
}
