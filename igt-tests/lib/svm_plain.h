/* SPDX-License-Identifier: MIT */
/*
 * svm_plain.h - what the plain C programs (the demo, the benchmark, the
 * fuzz suite), which do not link IGT, need of the simulated GPU: its
 * render node, the READ command's checksum, SVM_BIND, and a file's
 * nouveau SVM counters from fdinfo.
 * The IGT tests have lib/svm_device.c.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_PLAIN_H
#define SVM_PLAIN_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <errno.h>

#include <drm/drm.h>
#include <drm/nouveau_drm.h>
#include <drm/nouveau_svm_sim.h>

#define SVM_SIM_DRIVER	"nouveau_svm_sim"

/* Short names of the counters, in the uAPI's order (DRM_NVSIM_COUNTER_*). */
enum svm_plain_counter {
	C_FAULTS = DRM_NVSIM_COUNTER_FAULTS,
	C_BATCHES = DRM_NVSIM_COUNTER_FAULT_BATCHES,
	C_REPLAYS = DRM_NVSIM_COUNTER_REPLAYS,
	C_CANCELS = DRM_NVSIM_COUNTER_CANCELS,
	C_PAGES_MAPPED = DRM_NVSIM_COUNTER_PAGES_MAPPED,
	C_INVALIDATIONS = DRM_NVSIM_COUNTER_INVALIDATIONS,
	C_RANGES = DRM_NVSIM_COUNTER_RANGES,
	C_GPU_PAGES = DRM_NVSIM_COUNTER_GPU_PAGES,
	C_ATOMIC_FAULTS = DRM_NVSIM_COUNTER_ATOMIC_FAULTS,
	C_GRANTS = DRM_NVSIM_COUNTER_EXCLUSIVE_GRANTS,
	C_REVOCATIONS = DRM_NVSIM_COUNTER_REVOCATIONS,
	C_BACKOFFS = DRM_NVSIM_COUNTER_ATOMIC_BACKOFFS,
	C_TO_VRAM = DRM_NVSIM_COUNTER_PAGES_TO_VRAM,
	C_TO_HOST = DRM_NVSIM_COUNTER_PAGES_TO_HOST,
	C_THP_TO_VRAM = DRM_NVSIM_COUNTER_THP_TO_VRAM,
	C_THP_TO_HOST = DRM_NVSIM_COUNTER_THP_TO_HOST,
	C_EVICTIONS = DRM_NVSIM_COUNTER_EVICTIONS,
	C_EVICTED_PAGES = DRM_NVSIM_COUNTER_EVICTED_PAGES,
	C_COPY_LAUNCHES = DRM_NVSIM_COUNTER_COPY_LAUNCHES,
	C_COPY_FAILURES = DRM_NVSIM_COUNTER_COPY_FAILURES,
	C_VRAM_PAGES = DRM_NVSIM_COUNTER_VRAM_PAGES,
	/* The core's counters, in fdinfo; the simulated GPU's own follow. */
	NCOUNTERS = DRM_NVSIM_COUNTER_VRAM_PAGES + 1,
};

/* Their fdinfo names: "nouveau-svm-<name>:". */
static const char *const svm_counter_names[NCOUNTERS] = {
	[C_FAULTS] = "faults",
	[C_BATCHES] = "fault-batches",
	[C_REPLAYS] = "replays",
	[C_CANCELS] = "cancels",
	[C_PAGES_MAPPED] = "pages-mapped",
	[C_INVALIDATIONS] = "invalidations",
	[C_RANGES] = "ranges",
	[C_GPU_PAGES] = "gpu-pages",
	[C_ATOMIC_FAULTS] = "atomic-faults",
	[C_GRANTS] = "exclusive-grants",
	[C_REVOCATIONS] = "revocations",
	[C_BACKOFFS] = "atomic-backoffs",
	[C_TO_VRAM] = "pages-to-vram",
	[C_TO_HOST] = "pages-to-host",
	[C_THP_TO_VRAM] = "thp-to-vram",
	[C_THP_TO_HOST] = "thp-to-host",
	[C_EVICTIONS] = "evictions",
	[C_EVICTED_PAGES] = "evicted-pages",
	[C_COPY_LAUNCHES] = "copy-launches",
	[C_COPY_FAILURES] = "copy-failures",
	[C_VRAM_PAGES] = "vram-pages",
};

/* Open the simulated GPU's render node; -1 if there is none. */
static inline int svm_open_sim(void)
{
	for (int minor = 128; minor < 192; minor++) {
		char path[32], name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, SVM_SIM_DRIVER))
			return fd;
		close(fd);
	}
	return -1;
}

/* The READ checksum of @n words at @w. */
static inline uint64_t svm_checksum_words(const volatile uint64_t *w, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += w[i] * (2 * i + 1);
	return sum;
}

/*
 * SVM_BIND @command (NOUVEAU_SVM_BIND_COMMAND__*) with @target over
 * [@start, @start + @size), npages left 0: 0 or -errno.  *@result, when
 * @result is not NULL, gets what the kernel wrote there.
 */
static inline int svm_plain_bind(int fd, uint64_t command, uint64_t target,
				 uint64_t start, uint64_t size, uint64_t *result)
{
	struct drm_nouveau_svm_bind b = {
		.header = command << NOUVEAU_SVM_BIND_COMMAND_SHIFT |
			  target << NOUVEAU_SVM_BIND_TARGET_SHIFT,
		.va_start = start,
		.va_end = start + size,
	};
	int ret = ioctl(fd, DRM_IOCTL_NOUVEAU_SVM_BIND, &b) ? -errno : 0;

	if (result)
		*result = b.result;
	return ret;
}

/*
 * Fill val[i] with the "nouveau-svm-<names[i]>:" line of fd's fdinfo, 0 for
 * a counter that is not there.  Returns 0, or -1 if fdinfo cannot be read.
 */
static inline int svm_fdinfo_counters(int fd, const char *const *names,
				      unsigned int n, uint64_t *val)
{
	const char prefix[] = "nouveau-svm-";
	const size_t plen = sizeof(prefix) - 1;
	char path[64], line[256];
	FILE *f;

	memset(val, 0, sizeof(*val) * n);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, prefix, plen))
			continue;
		for (unsigned int i = 0; i < n; i++) {
			size_t len = strlen(names[i]);

			if (!strncmp(line + plen, names[i], len) && line[plen + len] == ':')
				val[i] = strtoull(line + plen + len + 1, NULL, 10);
		}
	}
	fclose(f);
	return 0;
}

#endif
