/* SPDX-License-Identifier: MIT */
/*
 * svm_jobs.h - what the fuzz suite's programs share: the READ checksum
 * of the simulated GPU's jobs (include/uapi/drm/nouveau_svm_sim.h,
 * DRM_NVSIM_OP_READ) over a pattern (over memory: svm_plain.h); the
 * random job on a buffer that holds w[i] = val + i with a counter in its
 * last word, which has one right answer whatever moved where meanwhile;
 * and their
 * "--name NUMBER" command-line options.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_JOBS_H
#define SVM_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <drm/nouveau_svm_sim.h>

#include "svm_plain.h"
#include "svm_rng.h"

/* The READ checksum of words [first, first + n) of a buffer w[i] = val + i. */
static inline uint64_t svm_pattern_checksum(uint64_t val, uint64_t first, size_t n)
{
	uint64_t sum = 0;

	for (size_t j = 0; j < n; j++)
		sum += (val + first + j) * (2 * j + 1);
	return sum;
}

#define SVM_COUNTER_JOB_MAX	3

/*
 * One to SVM_COUNTER_JOB_MAX random commands on the @words words at @buf,
 * which hold val + i but for the last, a counter: reads (@expect gets their
 * checksum), writes of the values the words hold already, and adds of 1 to
 * the counter.  Returns the number of commands.
 */
static inline uint32_t svm_counter_job(struct rng *r, volatile uint64_t *buf,
				       uint64_t words, uint64_t val,
				       struct drm_nvsim_cmd *cmds, uint64_t *expect)
{
	uint64_t last = words - 1;
	uint32_t n_cmds = 1 + below(r, SVM_COUNTER_JOB_MAX);

	for (uint32_t i = 0; i < n_cmds; i++) {
		uint64_t first = below(r, last), n = 1 + below(r, last - first);
		struct drm_nvsim_cmd *c = &cmds[i];

		*c = (struct drm_nvsim_cmd){ .addr = (uintptr_t)(buf + first), .size = n * 8 };
		switch (below(r, 3)) {
		case 0:
			c->op = DRM_NVSIM_OP_READ;
			expect[i] = svm_pattern_checksum(val, first, n);
			break;
		case 1:
			c->op = DRM_NVSIM_OP_WRITE;
			c->value = val + first;
			break;
		default:
			c->op = DRM_NVSIM_OP_ATOMIC_ADD;
			c->addr = (uintptr_t)(buf + last);
			c->size = 8;
			c->value = 1;
			break;
		}
	}
	return n_cmds;
}

/*
 * The number after option @i of @argv, the option being "--name NUMBER"
 * (decimal, or hex with 0x).  Returns false when it is missing or not a
 * number.
 */
static inline bool svm_opt_number(int argc, char **argv, int i, uint64_t *v)
{
	char *end;

	if (i + 1 >= argc)
		return false;
	*v = strtoull(argv[i + 1], &end, 0);
	return argv[i + 1][0] && !*end;
}

/*
 * Disarm every error injection of the simulated GPU on @fd: it is device
 * wide and outlives the process that armed it (a killed svm-fuzz, say).
 */
static inline void svm_sim_disarm(int fd)
{
	for (uint32_t what = DRM_NVSIM_INJECT_FAULT_OVERFLOW; what <= DRM_NVSIM_INJECT_VRAM_TAKE;
	     what++) {
		struct drm_nvsim_inject in = { .what = what };

		ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &in);
	}
}

#endif /* SVM_JOBS_H */
