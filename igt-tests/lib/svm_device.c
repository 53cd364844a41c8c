// SPDX-License-Identifier: MIT
/*
 * svm_device.c - the device layer of the nouveau SVM IGT tests; see
 * svm_device.h.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "igt.h"
#include "svm_device.h"
#include "svm_device_nouveau.h"

#define SVM_SIM_NAME		"nouveau_svm_sim"
#define SVM_NOUVEAU_NAME	"nouveau"

static int svm_ioctl(int fd, unsigned long request, void *arg)
{
	return igt_ioctl(fd, request, arg) ? -errno : 0;
}

static bool svm_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v = {
		.name_len = len - 1,
		.name = name,
	};

	memset(name, 0, len);
	if (igt_ioctl(fd, DRM_IOCTL_VERSION, &v))
		return false;
	name[len - 1] = '\0';
	return true;
}

int __svm_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nouveau_getparam gp = { .param = param };
	int ret;

	ret = svm_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp);
	if (!ret)
		*value = gp.value;
	return ret;
}

uint64_t svm_caps(int fd)
{
	uint64_t caps = 0;

	igt_assert_eq(__svm_getparam(fd, NOUVEAU_GETPARAM_SVM_CAPS, &caps), 0);
	return caps;
}

enum svm_driver svm_driver(int fd)
{
	char name[32];
	uint64_t caps;

	if (!svm_driver_name(fd, name, sizeof(name)))
		return SVM_DRIVER_NONE;
	if (!strcmp(name, SVM_SIM_NAME))
		return SVM_DRIVER_SIM;
	if (!strcmp(name, SVM_NOUVEAU_NAME) &&
	    !__svm_getparam(fd, NOUVEAU_GETPARAM_SVM_CAPS, &caps) &&
	    (caps & NOUVEAU_SVM_CAP_MIRROR))
		return SVM_DRIVER_NOUVEAU;
	return SVM_DRIVER_NONE;
}

/*
 * IGT's choice of device: __drm_open_driver_render(DRIVER_ANY) takes the
 * render node of the device --device / IGT_DEVICE selects, or else the
 * first render node whose driver IGT_FORCE_DRIVER names (any driver
 * without it).  On a machine with several GPUs, DRM CI sets
 * IGT_FORCE_DRIVER=nouveau; IGT_FORCE_DRIVER=nouveau_svm_sim picks the
 * simulated GPU.
 */
int __svm_open(void)
{
	int fd = __drm_open_driver_render(DRIVER_ANY);

	if (fd < 0)
		return -1;
	if (svm_driver(fd) == SVM_DRIVER_NONE) {
		close(fd);
		return -1;
	}
	return fd;
}

int svm_open(void)
{
	int fd = __svm_open();

	igt_require_f(fd >= 0,
		      "no SVM device: no render node%s%s, or it is neither the "
		      "simulated GPU (%s) nor nouveau with NOUVEAU_SVM_CAP_MIRROR; "
		      "on a machine with several GPUs, set IGT_FORCE_DRIVER or "
		      "--device\n",
		      getenv("IGT_FORCE_DRIVER") ? " of IGT_FORCE_DRIVER=" : "",
		      getenv("IGT_FORCE_DRIVER") ?: "",
		      SVM_SIM_NAME);
	return fd;
}

void svm_require_gpu_ops(int fd)
{
	igt_require_f(svm_driver(fd) != SVM_DRIVER_NONE,
		      "GPU work needs the simulated GPU (%s) or nouveau with "
		      "NOUVEAU_SVM_CAP_MIRROR\n", SVM_SIM_NAME);
}

void svm_require_sim(int fd, const char *what)
{
	igt_require_f(svm_driver(fd) == SVM_DRIVER_SIM,
		      "%s: only the simulated GPU (%s) has it, not this device\n",
		      what, SVM_SIM_NAME);
}

int __svm_gpu_engine(int fd, enum svm_engine engine, const char **why)
{
	*why = NULL;
	if (svm_driver(fd) != SVM_DRIVER_NOUVEAU)
		return 0;
	return svm_nv_engine(fd, engine, why);
}

void svm_gpu_engine(int fd, enum svm_engine engine)
{
	const char *why;
	int ret = __svm_gpu_engine(fd, engine, &why);

	igt_require_f(ret != -ENODEV, "%s\n", why);
	igt_assert_eq(ret, 0);
}

bool svm_gpu_atomic_results(int fd)
{
	return svm_driver(fd) == SVM_DRIVER_SIM ||
	       svm_nv_engine_of(fd) == SVM_ENGINE_SHADER;
}

void svm_require_atomics(int fd)
{
	igt_require_f(svm_caps(fd) & NOUVEAU_SVM_CAP_ATOMIC_SYSMEM,
		      "no NOUVEAU_SVM_CAP_ATOMIC_SYSMEM: no GPU atomics\n");
}

void svm_require_vram(int fd)
{
	uint64_t want = NOUVEAU_SVM_CAP_MIGRATE_VRAM | NOUVEAU_SVM_CAP_MIGRATE_HOST;

	igt_require_f((svm_caps(fd) & want) == want,
		      "no NOUVEAU_SVM_CAP_MIGRATE_VRAM/_HOST: no device memory\n");
}

void svm_require_prefetch(int fd)
{
	igt_require_f(svm_caps(fd) & NOUVEAU_SVM_CAP_PREFETCH,
		      "no NOUVEAU_SVM_CAP_PREFETCH\n");
}

int __svm_init(int fd, uint64_t unmanaged_addr, uint64_t unmanaged_size)
{
	struct drm_nouveau_svm_init args = {
		.unmanaged_addr = unmanaged_addr,
		.unmanaged_size = unmanaged_size,
	};

	if (svm_driver(fd) == SVM_DRIVER_NOUVEAU)
		return svm_nv_init(fd, unmanaged_addr, unmanaged_size);
	return svm_ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &args);
}

void svm_init(int fd, uint64_t unmanaged_addr, uint64_t unmanaged_size)
{
	igt_assert_eq(__svm_init(fd, unmanaged_addr, unmanaged_size), 0);
}

int __svm_bind(int fd, struct drm_nouveau_svm_bind *args)
{
	return svm_ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_BIND, args);
}

/* ------------------------------------------------------------------ */
/* Device memory                                                       */
/* ------------------------------------------------------------------ */

uint64_t svm_vram_size(int fd)
{
	uint64_t size = 0;

	igt_assert_eq(__svm_getparam(fd, NOUVEAU_GETPARAM_FB_SIZE, &size), 0);
	return size;
}

uint64_t svm_vram_used(int fd)
{
	uint64_t used = 0;

	igt_assert_eq(__svm_getparam(fd, NOUVEAU_GETPARAM_SVM_VRAM_USED, &used), 0);
	return used;
}

uint64_t svm_vram_used_wait(int fd, uint64_t bytes, unsigned int timeout_ms)
{
	struct timespec start = {};
	uint64_t used;

	igt_nsec_elapsed(&start);
	for (;;) {
		used = svm_vram_used(fd);
		if (used <= bytes ||
		    igt_nsec_elapsed(&start) >= timeout_ms * 1000000ull)
			return used;
		usleep(10 * 1000);
	}
}

uint64_t svm_bind_header(uint32_t command, uint32_t target)
{
	return (uint64_t)command << NOUVEAU_SVM_BIND_COMMAND_SHIFT |
	       (uint64_t)target << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static int svm_bind_range(int fd, uint32_t command, const void *addr,
			  size_t size, uint32_t target, uint64_t *result)
{
	uint64_t start = to_user_pointer(addr), end = start + size;
	struct drm_nouveau_svm_bind args = {
		.header = svm_bind_header(command, target),
		.va_start = start,
		.va_end = end,
	};
	uint64_t pg = getpagesize();
	int ret;

	args.npages = ((end + pg - 1) / pg) - start / pg;
	args.result = ~0ull;
	ret = __svm_bind(fd, &args);
	if (result)
		*result = args.result;
	return ret;
}

int __svm_migrate(int fd, const void *addr, size_t size, uint32_t target,
		  uint64_t *result)
{
	return svm_bind_range(fd, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, addr, size,
			      target, result);
}

uint64_t svm_migrate(int fd, const void *addr, size_t size, uint32_t target)
{
	uint64_t result = 0;

	igt_assert_eq(__svm_migrate(fd, addr, size, target, &result), 0);
	return result;
}

int __svm_advise_atomic(int fd, const void *addr, size_t size, uint32_t policy)
{
	return svm_bind_range(fd, NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC, addr, size,
			      policy, NULL);
}

int __svm_prefetch(int fd, const void *addr, size_t size, uint32_t target,
		   uint64_t *result)
{
	return svm_bind_range(fd, NOUVEAU_SVM_BIND_COMMAND__PREFETCH, addr, size,
			      target, result);
}

uint64_t svm_prefetch(int fd, const void *addr, size_t size, uint32_t target)
{
	uint64_t result = 0;

	igt_assert_eq(__svm_prefetch(fd, addr, size, target, &result), 0);
	return result;
}

/* ------------------------------------------------------------------ */
/* GPU work                                                            */
/* ------------------------------------------------------------------ */

static struct drm_nvsim_cmd gpu_cmd(uint32_t op, const void *addr, size_t size)
{
	return (struct drm_nvsim_cmd) {
		.op = op,
		.addr = to_user_pointer(addr),
		.size = size,
	};
}

struct drm_nvsim_cmd gpu_cmd_read(const void *addr, size_t size)
{
	return gpu_cmd(DRM_NVSIM_OP_READ, addr, size);
}

struct drm_nvsim_cmd gpu_cmd_write(void *addr, size_t size, uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd(DRM_NVSIM_OP_WRITE, addr, size);

	cmd.value = value;
	return cmd;
}

struct drm_nvsim_cmd gpu_cmd_fill(void *addr, size_t size, uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd(DRM_NVSIM_OP_FILL, addr, size);

	cmd.value = value;
	return cmd;
}

struct drm_nvsim_cmd gpu_cmd_copy(void *dst, const void *src, size_t size)
{
	struct drm_nvsim_cmd cmd = gpu_cmd(DRM_NVSIM_OP_COPY, dst, size);

	cmd.src = to_user_pointer(src);
	return cmd;
}

struct drm_nvsim_cmd gpu_cmd_atomic_add(void *addr, uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd(DRM_NVSIM_OP_ATOMIC_ADD, addr, 8);

	cmd.value = value;
	return cmd;
}

struct drm_nvsim_cmd gpu_cmd_atomic_cas(void *addr, uint64_t compare,
					uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd(DRM_NVSIM_OP_ATOMIC_CAS, addr, 8);

	cmd.compare = compare;
	cmd.value = value;
	return cmd;
}

static bool svm_is_sim(int fd)
{
	return svm_driver(fd) == SVM_DRIVER_SIM;
}

static bool svm_is_nouveau(int fd)
{
	return svm_driver(fd) == SVM_DRIVER_NOUVEAU;
}

int __svm_inject(int fd, uint32_t what, uint32_t count)
{
	struct drm_nvsim_inject inj = {
		.what = what,
		.count = count,
	};

	if (!svm_is_sim(fd))
		return -EOPNOTSUPP;
	return svm_ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &inj);
}

void svm_inject(int fd, uint32_t what, uint32_t count)
{
	svm_require_sim(fd, "error injection (DRM_NVSIM_INJECT)");
	igt_assert_eq(__svm_inject(fd, what, count), 0);
}

int __gpu_exec(int fd, struct drm_nvsim_exec *exec)
{
	if (!svm_is_sim(fd))
		return -EOPNOTSUPP;
	return ioctl(fd, DRM_IOCTL_NVSIM_EXEC, exec) ? -errno : 0;
}

int __gpu_wait(int fd, uint64_t seqno, int64_t timeout_ns, int *status)
{
	struct drm_nvsim_wait w = {
		.seqno = seqno,
		.timeout_ns = timeout_ns,
	};
	int ret;

	/* nouveau's "asynchronous" jobs have ended at submission. */
	if (svm_is_nouveau(fd))
		return svm_nv_wait(fd, seqno, status);
	ret = svm_ioctl(fd, DRM_IOCTL_NVSIM_WAIT, &w);
	if (!ret && status)
		*status = w.status;
	return ret;
}

int __gpu_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		 int *status)
{
	struct drm_nvsim_exec exec = {
		.cmds = to_user_pointer(cmds),
		.count = count,
	};
	int ret;

	if (svm_is_nouveau(fd))
		return svm_nv_submit(fd, cmds, count, status);
	ret = __gpu_exec(fd, &exec);
	if (ret == -EINTR && exec.seqno) {
		/* The job goes on: collect it like an asynchronous one. */
		do {
			ret = __gpu_wait(fd, exec.seqno, SVM_WAIT_TIMEOUT_NS,
					 status);
		} while (ret == -EINTR);
		return ret;
	}
	if (!ret)
		*status = exec.status;
	return ret;
}

/*
 * Skip unless every command of @cmds can run on @fd and, where @results,
 * give back its result.
 */
static void gpu_require_cmds(int fd, const struct drm_nvsim_cmd *cmds,
			     unsigned int count, bool results)
{
	if (!svm_is_nouveau(fd))
		return;
	for (unsigned int i = 0; i < count; i++) {
		const char *why = svm_nv_cmd_unsupported(fd, &cmds[i]);
		bool atomic = cmds[i].op == DRM_NVSIM_OP_ATOMIC_ADD ||
			      cmds[i].op == DRM_NVSIM_OP_ATOMIC_CAS;

		igt_require_f(!why, "%s\n", why);
		igt_require_f(!results || !atomic || svm_gpu_atomic_results(fd),
			      "nouveau: GPU atomics on the copy path are "
			      "semaphore reductions, which do not return the "
			      "old value\n");
	}
}

/* gpu_submit(), the commands' results wanted only where @results. */
static int gpu_submit_checked(int fd, struct drm_nvsim_cmd *cmds,
			      unsigned int count, bool results)
{
	int status = 0, ret;

	gpu_require_cmds(fd, cmds, count, results);
	ret = __gpu_submit(fd, cmds, count, &status);
	igt_require_f(ret != -ENOSPC || !svm_is_nouveau(fd),
		      "nouveau: the layer's buffers do not fit in this file's "
		      "unmanaged window (or lie above 1 TiB)\n");
	igt_assert_eq(ret, 0);
	return status;
}

int gpu_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count)
{
	return gpu_submit_checked(fd, cmds, count, true);
}

int __gpu_submit_async(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		       uint64_t *seqno)
{
	struct drm_nvsim_exec exec = {
		.cmds = to_user_pointer(cmds),
		.count = count,
		.flags = DRM_NVSIM_EXEC_ASYNC,
	};
	int ret;

	if (svm_is_nouveau(fd))
		return svm_nv_submit_async(fd, cmds, count, seqno);
	ret = __gpu_exec(fd, &exec);
	if (!ret)
		*seqno = exec.seqno;
	return ret;
}

uint64_t gpu_submit_async(int fd, struct drm_nvsim_cmd *cmds,
			  unsigned int count)
{
	uint64_t seqno = 0;

	gpu_require_cmds(fd, cmds, count, true);
	igt_assert_eq(__gpu_submit_async(fd, cmds, count, &seqno), 0);
	return seqno;
}

int gpu_wait(int fd, uint64_t seqno)
{
	int status = 0;

	igt_assert_eq(__gpu_wait(fd, seqno, SVM_WAIT_TIMEOUT_NS, &status), 0);
	return status;
}

int __gpu_read(int fd, const void *addr, size_t size, uint64_t *checksum,
	       int *status)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_read(addr, size);
	int ret;

	ret = __gpu_submit(fd, &cmd, 1, status);
	if (!ret && checksum)
		*checksum = cmd.result;
	return ret;
}

int __gpu_write(int fd, void *addr, size_t size, uint64_t value, int *status)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_write(addr, size, value);

	return __gpu_submit(fd, &cmd, 1, status);
}

int gpu_read(int fd, const void *addr, size_t size, uint64_t *checksum)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_read(addr, size);
	int status;

	status = gpu_submit(fd, &cmd, 1);
	if (!status && checksum)
		*checksum = cmd.result;
	return status;
}

int gpu_write(int fd, void *addr, size_t size, uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_write(addr, size, value);

	return gpu_submit(fd, &cmd, 1);
}

int gpu_fill(int fd, void *addr, size_t size, uint64_t value)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_fill(addr, size, value);

	return gpu_submit(fd, &cmd, 1);
}

int gpu_copy(int fd, void *dst, const void *src, size_t size)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_copy(dst, src, size);

	return gpu_submit(fd, &cmd, 1);
}

/* Run the one atomic @cmd: the job's status, the old value in *@old. */
static int gpu_atomic(int fd, struct drm_nvsim_cmd *cmd, uint64_t *old)
{
	int status;

	status = gpu_submit_checked(fd, cmd, 1, old != NULL);
	if (!status && old)
		*old = cmd->result;
	return status;
}

int gpu_atomic_add(int fd, void *addr, uint64_t value, uint64_t *old)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_atomic_add(addr, value);

	return gpu_atomic(fd, &cmd, old);
}

int gpu_atomic_cas(int fd, void *addr, uint64_t compare, uint64_t value,
		   uint64_t *old)
{
	struct drm_nvsim_cmd cmd = gpu_cmd_atomic_cas(addr, compare, value);

	return gpu_atomic(fd, &cmd, old);
}

/* ------------------------------------------------------------------ */
/* CPU side of the commands                                            */
/* ------------------------------------------------------------------ */

static uint64_t svm_word(const void *addr, size_t i)
{
	const unsigned char *p = (const unsigned char *)addr + i * 8;
	uint64_t w = 0;

	/* Little-endian whatever the CPU, as the uAPI defines it. */
	for (int b = 7; b >= 0; b--)
		w = (w << 8) | p[b];
	return w;
}

uint64_t svm_checksum(const void *addr, size_t size)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < size / 8; i++)
		sum += svm_word(addr, i) * (2 * (uint64_t)i + 1);
	return sum;
}

void svm_pattern(void *addr, size_t size, uint64_t value)
{
	unsigned char *p = addr;

	for (size_t i = 0; i < size / 8; i++) {
		uint64_t w = value + i;

		for (int b = 0; b < 8; b++)
			p[i * 8 + b] = w >> (8 * b);
	}
}

long svm_pattern_check(const void *addr, size_t size, uint64_t value)
{
	for (size_t i = 0; i < size / 8; i++)
		if (svm_word(addr, i) != value + i)
			return i;
	return -1;
}

void svm_assert_pattern(const void *addr, size_t size, uint64_t value)
{
	long i = svm_pattern_check(addr, size, value);

	igt_assert_f(i < 0, "word %ld at %p: %#" PRIx64 ", expected %#" PRIx64 "\n",
		     i, (const char *)addr + 8 * i,
		     i < 0 ? 0 : svm_word(addr, i), value + i);
}

/* ------------------------------------------------------------------ */
/* Counters                                                            */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	size_t offset;
} svm_counter_desc[SVM_COUNTERS_NUM] = {
	[DRM_NVSIM_COUNTER_FAULTS] =
		{ "faults", offsetof(struct svm_counters, faults) },
	[DRM_NVSIM_COUNTER_FAULT_BATCHES] =
		{ "fault-batches", offsetof(struct svm_counters, fault_batches) },
	[DRM_NVSIM_COUNTER_REPLAYS] =
		{ "replays", offsetof(struct svm_counters, replays) },
	[DRM_NVSIM_COUNTER_CANCELS] =
		{ "cancels", offsetof(struct svm_counters, cancels) },
	[DRM_NVSIM_COUNTER_PAGES_MAPPED] =
		{ "pages-mapped", offsetof(struct svm_counters, pages_mapped) },
	[DRM_NVSIM_COUNTER_INVALIDATIONS] =
		{ "invalidations", offsetof(struct svm_counters, invalidations) },
	[DRM_NVSIM_COUNTER_RANGES] =
		{ "ranges", offsetof(struct svm_counters, ranges) },
	[DRM_NVSIM_COUNTER_GPU_PAGES] =
		{ "gpu-pages", offsetof(struct svm_counters, gpu_pages) },
	[DRM_NVSIM_COUNTER_ATOMIC_FAULTS] =
		{ "atomic-faults", offsetof(struct svm_counters, atomic_faults) },
	[DRM_NVSIM_COUNTER_EXCLUSIVE_GRANTS] =
		{ "exclusive-grants",
		  offsetof(struct svm_counters, exclusive_grants) },
	[DRM_NVSIM_COUNTER_REVOCATIONS] =
		{ "revocations", offsetof(struct svm_counters, revocations) },
	[DRM_NVSIM_COUNTER_ATOMIC_BACKOFFS] =
		{ "atomic-backoffs", offsetof(struct svm_counters, atomic_backoffs) },
	[DRM_NVSIM_COUNTER_PAGES_TO_VRAM] =
		{ "pages-to-vram", offsetof(struct svm_counters, pages_to_vram) },
	[DRM_NVSIM_COUNTER_PAGES_TO_HOST] =
		{ "pages-to-host", offsetof(struct svm_counters, pages_to_host) },
	[DRM_NVSIM_COUNTER_THP_TO_VRAM] =
		{ "thp-to-vram", offsetof(struct svm_counters, thp_to_vram) },
	[DRM_NVSIM_COUNTER_THP_TO_HOST] =
		{ "thp-to-host", offsetof(struct svm_counters, thp_to_host) },
	[DRM_NVSIM_COUNTER_EVICTIONS] =
		{ "evictions", offsetof(struct svm_counters, evictions) },
	[DRM_NVSIM_COUNTER_EVICTED_PAGES] =
		{ "evicted-pages", offsetof(struct svm_counters, evicted_pages) },
	[DRM_NVSIM_COUNTER_COPY_LAUNCHES] =
		{ "copy-launches", offsetof(struct svm_counters, copy_launches) },
	[DRM_NVSIM_COUNTER_COPY_FAILURES] =
		{ "copy-failures", offsetof(struct svm_counters, copy_failures) },
	[DRM_NVSIM_COUNTER_VRAM_PAGES] =
		{ "vram-pages", offsetof(struct svm_counters, vram_pages) },
};

/* The core's counters, which fdinfo shows on nouveau and the simulated GPU. */
_Static_assert(DRM_NVSIM_COUNTER_VRAM_PAGES + 1 == SVM_COUNTERS_NUM,
	       "struct svm_counters does not match enum drm_nvsim_counter");
_Static_assert(sizeof(struct svm_counters) == SVM_COUNTERS_NUM * sizeof(uint64_t),
	       "struct svm_counters is not one uint64_t per counter");

static uint64_t *svm_counter_ptr(struct svm_counters *c, unsigned int idx)
{
	return (uint64_t *)((char *)c + svm_counter_desc[idx].offset);
}

uint64_t svm_counter(const struct svm_counters *c, unsigned int idx)
{
	igt_assert(idx < SVM_COUNTERS_NUM);
	return *svm_counter_ptr((struct svm_counters *)c, idx);
}

const char *svm_counter_name(unsigned int idx)
{
	igt_assert(idx < SVM_COUNTERS_NUM);
	return svm_counter_desc[idx].name;
}

int __svm_counters(int fd, struct svm_counters *c)
{
	static const char prefix[] = "nouveau-svm-";
	unsigned int found = 0;
	char path[64], line[256];
	FILE *f;

	memset(c, 0, sizeof(*c));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *key = line, *colon, *end;
		uint64_t value;

		if (strncmp(key, prefix, sizeof(prefix) - 1))
			continue;
		key += sizeof(prefix) - 1;
		colon = strchr(key, ':');
		if (!colon)
			continue;
		*colon = '\0';
		value = strtoull(colon + 1, &end, 10);
		if (end == colon + 1)
			continue;
		for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++) {
			if (strcmp(key, svm_counter_desc[i].name))
				continue;
			found |= 1u << i;
			*svm_counter_ptr(c, i) = value;
		}
	}
	fclose(f);
	return __builtin_popcount(found);
}

struct svm_counters svm_counters(int fd)
{
	struct svm_counters c;
	int n = __svm_counters(fd, &c);

	igt_assert_f(n == SVM_COUNTERS_NUM,
		     "/proc/self/fdinfo/%d has %d of the %d nouveau-svm-* counters\n",
		     fd, n, SVM_COUNTERS_NUM);
	return c;
}

int __svm_counters_ioctl(int fd, uint64_t *values, uint32_t *count,
			 uint32_t flags)
{
	struct drm_nvsim_counters args = {
		.values = to_user_pointer(values),
		.count = *count,
		.flags = flags,
	};
	int ret;

	if (!svm_is_sim(fd))
		return -EOPNOTSUPP;
	ret = svm_ioctl(fd, DRM_IOCTL_NVSIM_COUNTERS, &args);
	if (!ret)
		*count = args.count;
	return ret;
}

struct svm_counters svm_counters_sub(const struct svm_counters *b,
				     const struct svm_counters *a)
{
	struct svm_counters d;

	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		*svm_counter_ptr(&d, i) = svm_counter(b, i) - svm_counter(a, i);
	return d;
}

void svm_counters_log_delta(const char *what, const struct svm_counters *a,
			    const struct svm_counters *b)
{
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_debug("%s: %s %+" PRId64 " (now %" PRIu64 ")\n", what,
			  svm_counter_name(i),
			  (int64_t)(svm_counter(b, i) - svm_counter(a, i)),
			  svm_counter(b, i));
}

bool svm_thp_backed(const void *addr, size_t size)
{
	unsigned long start, end, kb, va = (uintptr_t)addr;
	bool in = false, ret = false;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/smaps", "re");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start <= va && va < end;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1) {
			ret = kb * 1024 >= size;
			break;
		}
	}
	fclose(f);
	return ret;
}

long svm_set_param(const char *path, long value)
{
	long old = -1;
	FILE *f = fopen(path, "r+");

	igt_require_f(f, "%s: %s\n", path, strerror(errno));
	igt_assert_eq(fscanf(f, "%ld", &old), 1);
	rewind(f);
	igt_assert(fprintf(f, "%ld\n", value) > 0);
	igt_assert_eq(fclose(f), 0);
	return old;
}
