/* SPDX-License-Identifier: MIT */
/*
 * svm_fdinfo.h - read a DRM file's nouveau SVM counters from fdinfo, for the
 * plain C programs (the demo, the benchmark) that do not link IGT.  The
 * IGT tests read them through lib/svm_device.c.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_FDINFO_H
#define SVM_FDINFO_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
