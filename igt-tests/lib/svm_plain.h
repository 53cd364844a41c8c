/* SPDX-License-Identifier: MIT */
/*
 * svm_plain.h - what the plain C programs (the demo, the benchmark), which do
 * not link IGT, need of the simulated GPU: its render node, and a file's
 * nouveau SVM counters from fdinfo.  The IGT tests have lib/svm_device.c.
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

#include <drm/drm.h>

#define SVM_SIM_DRIVER	"nouveau_svm_sim"

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
