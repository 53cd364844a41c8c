// SPDX-License-Identifier: MIT
/*
 * svm-demo - what `make demo` shows: a GPU using a process's malloc'd
 * memory through nouveau SVM, on the simulated GPU.
 *
 * The GPU writes a malloc'd buffer it has never seen (it faults, the
 * kernel mirrors the CPU page tables and replays), the CPU checks every
 * word, the GPU reads back what the CPU changed, then the buffer is freed
 * and a GPU access to it is cancelled.  Then a CPU thread and the GPU
 * increment one counter in malloc'd memory to an exact total, through GPU
 * atomics on device-exclusive pages.  Last, where the device has VRAM, a
 * buffer goes to VRAM (MIGRATE), is mapped there (PREFETCH) and read by the
 * GPU without a fault, and comes back to system memory on a CPU read.
 * Last, two channels of the GPU write two fresh buffers at the same time,
 * and their faults are served in one batch.  The client's counters
 * (fdinfo, and the simulated GPU's own) are printed after each step.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "svm_plain.h"
#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>

#define BUF_SIZE	(4u << 20)

static uint64_t counter(int fd, unsigned int idx)
{
	uint64_t v[NCOUNTERS];

	svm_fdinfo_counters(fd, svm_counter_names, NCOUNTERS, v);
	return v[idx];
}

static void show_counters(int fd, const char *when)
{
	uint64_t v[NCOUNTERS];

	svm_fdinfo_counters(fd, svm_counter_names, NCOUNTERS, v);
	printf("   counters %s: faults %" PRIu64 ", batches %" PRIu64 ", replays %" PRIu64
	       ", cancels %" PRIu64 ",\n            pages mapped %" PRIu64
	       ", invalidations %" PRIu64 ", ranges %" PRIu64 ", GPU pages %" PRIu64 "\n",
	       when, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
	if (v[8])
		printf("            atomic faults %" PRIu64 ", exclusive grants %" PRIu64
		       ", revocations %" PRIu64 ", backoffs %" PRIu64 "\n",
		       v[8], v[9], v[10], v[11]);
	if (v[C_TO_VRAM])
		printf("            pages to VRAM %" PRIu64 ", pages to host %" PRIu64
		       ", copies %" PRIu64 ", VRAM pages held %" PRIu64 "\n",
		       v[C_TO_VRAM], v[C_TO_HOST], v[C_COPY_LAUNCHES], v[C_VRAM_PAGES]);
}

static int gpu(int fd, struct drm_nvsim_cmd *cmd)
{
	struct drm_nvsim_exec exec = {
		.cmds = (uintptr_t)cmd,
		.count = 1,
	};

	if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &exec))
		return -errno;
	return exec.status;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int step_gpu_write(int fd, uint64_t *buf, size_t n)
{
	struct drm_nvsim_cmd cmd = {
		.op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)buf,
		.size = BUF_SIZE, .value = 0x5e5e000000000000ull,
	};
	size_t bad = 0;
	double t = now_ms();
	int ret = gpu(fd, &cmd);

	printf("2. the GPU writes w[i] = 0x5e5e000000000000 + i over the whole buffer\n");
	printf("   job status %d (%s), %.0f ms\n", ret, ret ? strerror(-ret) : "ok",
	       now_ms() - t);
	for (size_t i = 0; i < n; i++)
		bad += buf[i] != 0x5e5e000000000000ull + i;
	printf("   the CPU checks all %zu words: %zu wrong\n", n, bad);
	show_counters(fd, "now");
	return ret || bad;
}

static int step_gpu_read(int fd, uint64_t *buf, size_t n)
{
	struct drm_nvsim_cmd cmd = {
		.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf, .size = BUF_SIZE,
	};
	int ret;

	for (size_t i = 0; i < n; i += 512)
		buf[i] = ~buf[i];
	ret = gpu(fd, &cmd);
	printf("3. the CPU changes one word per page; the GPU reads the buffer back\n");
	printf("   GPU checksum 0x%016llx, CPU checksum 0x%016llx: %s\n",
	       (unsigned long long)cmd.result,
	       (unsigned long long)svm_checksum_words(buf, n),
	       !ret && cmd.result == svm_checksum_words(buf, n) ? "equal" : "DIFFERENT");
	show_counters(fd, "now");
	return ret || cmd.result != svm_checksum_words(buf, n);
}

static int step_freed(int fd, uint64_t *buf)
{
	struct drm_nvsim_cmd cmd = {
		.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf, .size = 8,
	};
	int ret;

	free(buf);
	printf("4. free() returns the buffer to the kernel: the MMU notifier unmaps it\n");
	show_counters(fd, "now");
	ret = gpu(fd, &cmd);
	printf("   a GPU read of the freed address: status %d (%s), the fault is cancelled\n",
	       ret, ret ? strerror(-ret) : "ok");
	show_counters(fd, "now");
	return ret != -EFAULT;
}

#define GPU_JOBS	40
#define GPU_ADDS	50

struct cpu_adder {
	uint64_t *counter;
	uint64_t adds;
	bool stop;
};

/* Add 1 to the counter every 200 us until told to stop. */
static void *cpu_adder(void *arg)
{
	struct cpu_adder *a = arg;

	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(a->counter, 1, __ATOMIC_SEQ_CST);
		a->adds++;
		usleep(200);
	}
	return NULL;
}

static int step_atomics(int fd)
{
	struct drm_nvsim_cmd cmd[GPU_ADDS];
	struct cpu_adder adder = { .counter = malloc(sizeof(uint64_t)) };
	uint64_t want;
	pthread_t thread;
	int ret = 0;

	if (!adder.counter)
		return 1;
	*adder.counter = 0;
	for (int i = 0; i < GPU_ADDS; i++)
		cmd[i] = (struct drm_nvsim_cmd){ .op = DRM_NVSIM_OP_ATOMIC_ADD,
			.addr = (uintptr_t)adder.counter, .size = 8, .value = 1 };
	printf("5. a CPU thread adds 1 to a malloc'd counter every 200 us while the GPU\n"
	       "   adds 1 to it %d times (%d jobs of %d atomics)\n",
	       GPU_JOBS * GPU_ADDS, GPU_JOBS, GPU_ADDS);
	if (pthread_create(&thread, NULL, cpu_adder, &adder))
		return 1;
	for (int j = 0; j < GPU_JOBS && !ret; j++) {
		struct drm_nvsim_exec exec = { .cmds = (uintptr_t)cmd, .count = GPU_ADDS };

		ret = ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &exec) ? -errno : exec.status;
	}
	__atomic_store_n(&adder.stop, true, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	want = adder.adds + GPU_JOBS * GPU_ADDS;
	printf("   counter = %llu, expected %llu (%llu from the CPU): %s\n",
	       (unsigned long long)*adder.counter, (unsigned long long)want,
	       (unsigned long long)adder.adds,
	       !ret && *adder.counter == want ? "exact" : "WRONG");
	show_counters(fd, "now");
	ret = ret || *adder.counter != want;
	free(adder.counter);
	return ret;
}

#define VRAM_BUF_SIZE	(1u << 20)

static uint64_t getparam(int fd, uint64_t param)
{
	struct drm_nouveau_getparam gp = { .param = param };

	return ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp) ? 0 : gp.value;
}

/* SVM_BIND @command of [buf, buf + size) to VRAM: 0 or -errno, *result. */
static int bind_to_vram(int fd, uint32_t command, void *buf, size_t size,
			uint64_t *result)
{
	return svm_plain_bind(fd, command, NOUVEAU_SVM_BIND_TARGET__GPU_VRAM,
			      (uintptr_t)buf, size, result);
}

static int step_to_vram(int fd, uint64_t *buf, size_t n)
{
	uint64_t result = 0, before = counter(fd, C_TO_VRAM);
	int ret;

	ret = bind_to_vram(fd, NOUVEAU_SVM_BIND_COMMAND__MIGRATE, buf,
			   n * sizeof(*buf), &result);
	printf("6. the CPU fills an aligned_alloc'd %u KiB buffer; SVM_BIND MIGRATE moves it to VRAM\n",
	       VRAM_BUF_SIZE >> 10);
	printf("   %s: result %llu pages in VRAM, %llu pages copied; VRAM in use %llu of %llu KiB\n",
	       ret ? strerror(-ret) : "ok", (unsigned long long)result,
	       (unsigned long long)(counter(fd, C_TO_VRAM) - before),
	       (unsigned long long)getparam(fd, NOUVEAU_GETPARAM_VRAM_USED) >> 10,
	       (unsigned long long)getparam(fd, NOUVEAU_GETPARAM_FB_SIZE) >> 10);
	show_counters(fd, "now");
	return ret || result == 0;
}

static int step_gpu_in_vram(int fd, uint64_t *buf, size_t n, uint64_t sum,
			    bool prefetch)
{
	struct drm_nvsim_cmd cmd = {
		.op = DRM_NVSIM_OP_READ, .addr = (uintptr_t)buf,
		.size = n * sizeof(*buf),
	};
	uint64_t result = 0, faults, to_host;
	int ret = 0;

	printf("7. %sthe GPU reads the buffer where it is\n",
	       prefetch ? "PREFETCH maps it in the GPU page table, then " : "");
	if (prefetch)
		ret = bind_to_vram(fd, NOUVEAU_SVM_BIND_COMMAND__PREFETCH, buf,
				   n * sizeof(*buf), &result);
	faults = counter(fd, C_FAULTS);
	to_host = counter(fd, C_TO_HOST);
	ret = ret ? ret : gpu(fd, &cmd);
	faults = counter(fd, C_FAULTS) - faults;
	to_host = counter(fd, C_TO_HOST) - to_host;
	printf("   GPU checksum 0x%016llx, expected 0x%016llx: %s\n",
	       (unsigned long long)cmd.result, (unsigned long long)sum,
	       !ret && cmd.result == sum ? "equal" : "DIFFERENT");
	printf("   GPU faults during the read: %llu%s\n", (unsigned long long)faults,
	       prefetch ? " (PREFETCH leaves none to take)" : "");
	printf("   pages the GPU read brought back to system memory: %llu (it reads VRAM)\n",
	       (unsigned long long)to_host);
	show_counters(fd, "now");
	return ret || cmd.result != sum || to_host || (prefetch && faults);
}

static int step_cpu_back(int fd, uint64_t *buf, size_t n)
{
	uint64_t before = counter(fd, C_TO_HOST), moved;
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += buf[i] != 0x7a7a000000000000ull + i;
	moved = counter(fd, C_TO_HOST) - before;
	printf("8. the CPU reads every word: the pages come back to system memory\n");
	printf("   %llu pages copied back, %llu still in VRAM; %zu of %zu words wrong\n",
	       (unsigned long long)moved,
	       (unsigned long long)counter(fd, C_VRAM_PAGES), bad, n);
	show_counters(fd, "now");
	return bad != 0 || moved == 0;
}

/* 1 if something went wrong, 0 otherwise (or without VRAM). */
static int step_vram(int fd, uint64_t caps)
{
	size_t n = VRAM_BUF_SIZE / sizeof(uint64_t);
	uint64_t *buf, sum;
	int bad;

	if (!(caps & NOUVEAU_SVM_CAP_MIGRATE_VRAM)) {
		printf("6. no VRAM on this device (no NOUVEAU_SVM_CAP_MIGRATE_VRAM): migration not shown\n");
		return 0;
	}
	/*
	 * Whole pages of its own: a migration moves whole pages, and malloc's
	 * bookkeeping next to a plain malloc'd buffer (a CPU write on every
	 * later malloc) would take its first or last page back at once.
	 */
	buf = aligned_alloc(4096, VRAM_BUF_SIZE);
	if (!buf)
		return 1;
	for (size_t i = 0; i < n; i++)
		buf[i] = 0x7a7a000000000000ull + i;
	/* Before it moves: a CPU read of VRAM would bring it back. */
	sum = svm_checksum_words(buf, n);
	bad = step_to_vram(fd, buf, n);
	bad |= step_gpu_in_vram(fd, buf, n, sum,
				caps & NOUVEAU_SVM_CAP_PREFETCH);
	bad |= step_cpu_back(fd, buf, n);
	free(buf);
	return bad;
}

/* One of the simulated GPU's own counters: batches of several channels... */
static uint64_t sim_counter(int fd, unsigned int idx)
{
	uint64_t v[DRM_NVSIM_COUNTER_COUNT] = { 0 };
	struct drm_nvsim_counters c = {
		.values = (uintptr_t)v, .count = DRM_NVSIM_COUNTER_COUNT,
	};

	if (ioctl(fd, DRM_IOCTL_NVSIM_COUNTERS, &c) || c.count <= idx)
		return 0;
	return v[idx];
}

/* Write two fresh buffers from channels 0 and 1 at once; 0 if both right. */
static int two_channels_write(int fd, uint64_t *a, uint64_t *b, size_t n,
			      uint64_t value)
{
	struct drm_nvsim_cmd cmd[2] = {
		{ .op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)a, .size = BUF_SIZE,
		  .value = value },
		{ .op = DRM_NVSIM_OP_WRITE, .addr = (uintptr_t)b, .size = BUF_SIZE,
		  .value = value + n },
	};
	struct drm_nvsim_wait w = { .timeout_ns = 30000000000ll };
	struct drm_nvsim_exec ex;
	uint64_t seq[2];
	size_t bad = 0;

	for (int c = 0; c < 2; c++) {
		ex = (struct drm_nvsim_exec){
			.cmds = (uintptr_t)&cmd[c], .count = 1,
			.flags = DRM_NVSIM_EXEC_ASYNC, .channel = c,
		};
		if (ioctl(fd, DRM_IOCTL_NVSIM_EXEC, &ex))
			return -errno;
		seq[c] = ex.seqno;
	}
	for (int c = 0; c < 2; c++) {
		w.seqno = seq[c];
		if (ioctl(fd, DRM_IOCTL_NVSIM_WAIT, &w))
			return -errno;
		if (w.status)
			return w.status;
	}
	for (size_t i = 0; i < n; i++)
		bad += a[i] != value + i || b[i] != value + n + i;
	return bad ? -EIO : 0;
}

static int step_channels(int fd, const char *num)
{
	size_t n = BUF_SIZE / sizeof(uint64_t);
	uint64_t before = sim_counter(fd, DRM_NVSIM_COUNTER_CHANNEL_BATCHES);
	uint64_t *a, *b, now = before;
	int ret = 0, round;

	printf("%s two channels of the GPU write two fresh %u MiB buffers at the same time\n",
	       num, BUF_SIZE >> 20);
	for (round = 0; round < 20 && now == before && !ret; round++) {
		a = malloc(BUF_SIZE);
		b = malloc(BUF_SIZE);
		if (!a || !b)
			return 1;
		ret = two_channels_write(fd, a, b, n, (uint64_t)round << 40);
		now = sim_counter(fd, DRM_NVSIM_COUNTER_CHANNEL_BATCHES);
		free(a);
		free(b);
	}
	printf("   %d round%s, jobs %s; fault batches with faults of both channels: %" PRIu64
	       "\n   (the ring's totals: /sys/kernel/debug/dri/*/nvsim_fault_ring)\n",
	       round, round == 1 ? "" : "s", ret ? strerror(-ret) : "ok", now - before);
	show_counters(fd, "now");
	return ret || now == before;
}

int main(void)
{
	struct drm_nouveau_getparam caps = { .param = NOUVEAU_GETPARAM_SVM_CAPS };
	struct drm_nouveau_svm_init init = {};
	uint64_t *buf;
	size_t n = BUF_SIZE / sizeof(*buf);
	int fd, bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("nouveau SVM demo: the simulated GPU uses malloc'd memory\n\n");
	fd = svm_open_sim();
	if (fd < 0) {
		fprintf(stderr, "no %s render node (is the module loaded?)\n", SVM_SIM_DRIVER);
		return 1;
	}
	if (ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &caps) ||
	    ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_INIT, &init)) {
		perror("SVM_CAPS / SVM_INIT");
		return 1;
	}
	printf("1. the %s render node: SVM caps 0x%llx; SVM_INIT done\n", SVM_SIM_DRIVER,
	       (unsigned long long)caps.value);
	buf = malloc(BUF_SIZE);
	if (!buf)
		return 1;
	printf("   malloc(%u MiB) = %p, never touched by the CPU\n", BUF_SIZE >> 20,
	       (void *)buf);
	show_counters(fd, "before");

	bad = step_gpu_write(fd, buf, n);
	bad |= step_gpu_read(fd, buf, n);
	bad |= step_freed(fd, buf);
	bad |= step_atomics(fd);
	bad |= step_vram(fd, caps.value);
	bad |= step_channels(fd, caps.value & NOUVEAU_SVM_CAP_MIGRATE_VRAM ? "9." : "7.");
	close(fd);
	printf("\n%s\n", bad ? "demo FAILED" :
	       caps.value & NOUVEAU_SVM_CAP_MIGRATE_VRAM ?
	       "demo done: the GPU used malloc'd memory, lost it cleanly, shared a counter with the CPU, used it from VRAM, and served two channels in one batch" :
	       "demo done: the GPU used malloc'd memory, lost it cleanly, shared a counter with the CPU, and served two channels in one batch");
	return bad;
}
