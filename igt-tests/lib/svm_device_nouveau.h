/* SPDX-License-Identifier: MIT */
/*
 * svm_device_nouveau.h - the nouveau (real hardware) GPU operations of the
 * device layer, private to svm_device.c.
 *
 * svm_device.c calls these on a file of nouveau with
 * NOUVEAU_SVM_CAP_MIRROR; they take the same commands as the simulated
 * GPU's EXEC (&struct drm_nvsim_cmd) and run them at the process's own
 * addresses, as compute shaders or as copy-engine copies and host
 * semaphore reductions (svm_nv_engine()).  See the top of
 * svm_device_nouveau.c for how, and for what is not possible.
 *
 * This path is built here but has never run: no NVIDIA GPU exists on the
 * machines this project is built on.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_DEVICE_NOUVEAU_H
#define SVM_DEVICE_NOUVEAU_H

#include <stdint.h>

#include "svm_device.h"

/*
 * DRM_NOUVEAU_SVM_INIT.  When the caller asks for no unmanaged window
 * (@size 0, @addr 0) the layer reserves one of its own, below 1 TiB, for
 * the buffers it needs (push buffer, fence, staging): 0 or -errno.
 */
int svm_nv_init(int fd, uint64_t addr, uint64_t size);

/*
 * Why @cmd cannot run on the nouveau file @fd's engine, or NULL when it
 * can.  Nothing of a job runs when one of its commands cannot.
 */
const char *svm_nv_cmd_unsupported(int fd, const struct drm_nvsim_cmd *cmd);

/*
 * Run @count commands in order and wait for the end (each wait bounded by
 * SVM_WAIT_TIMEOUT_NS): 0 with the job's status in *@status (0, or
 * -EFAULT when the kernel cancelled a fault and the channel was killed:
 * the job stopped at that command), or -errno: -ENOENT before SVM_INIT,
 * -EPERM from a process that inherited the file, -EOPNOTSUPP for a
 * command svm_nv_cmd_unsupported() refuses, -ENOSPC when the layer's
 * buffers do not fit in the unmanaged window (or lie above 1 TiB, out of
 * reach of host semaphores), -ETIME when the GPU did not
 * finish in time, or the errno of a DRM ioctl.
 */
int svm_nv_submit(int fd, struct drm_nvsim_cmd *cmds, unsigned int count,
		  int *status);

/*
 * "Asynchronous" jobs: the job runs to its end at submission (the layer
 * has one staging buffer per file), and svm_nv_wait() hands back its
 * status once, as DRM_NVSIM_WAIT does: -ENOENT for an unknown or already
 * collected @seqno.
 */
int svm_nv_submit_async(int fd, struct drm_nvsim_cmd *cmds,
			unsigned int count, uint64_t *seqno);
int svm_nv_wait(int fd, uint64_t seqno, int *status);

/*
 * Run the file's later jobs on @engine: 0, -EINVAL for an unknown
 * engine, -ENOENT before SVM_INIT, -EPERM from a process that inherited
 * the file, or -ENODEV with *@why saying why this GPU cannot (finding out
 * makes the compute objects).
 */
int svm_nv_engine(int fd, enum svm_engine engine, const char **why);

/* The engine the file's jobs run on (SVM_ENGINE_SHADER before SVM_INIT). */
enum svm_engine svm_nv_engine_of(int fd);

#endif /* SVM_DEVICE_NOUVEAU_H */
