// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: module information.  The core is a library module that
 * the nouveau driver and the simulated GPU both use.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/debugfs.h>
#include <linux/fault-inject.h>
#include <linux/module.h>

#include "nouveau_svm_priv.h"

#define CREATE_TRACE_POINTS
#include "nouveau_svm_trace.h"

/**
 * DOC: Fault injection
 *
 * With CONFIG_FAULT_INJECTION_DEBUG_FS, the core offers the kernel's
 * standard fault-injection attributes for failures that no uAPI call can
 * cause on purpose, because they happen in the fault worker:
 *
 * - fail_nouveau_svm_snapshot (in debugfs) fails the allocation of the
 *   HMM snapshot that tells, before a writable GPU mapping of a range
 *   with pages in VRAM, whether the CPU may only read one of them (after
 *   fork()).  The fault must then wait for the next replay, never be
 *   mapped writable on doubt.  MIGRATE to VRAM takes the same snapshot
 *   before it maps what it moved (a failure there maps nothing), and
 *   there, in the ioctl's task, the point also counts for the task's
 *   fail-nth.
 *
 * See Documentation/fault-injection/fault-injection.rst for the files in
 * each directory (probability, times, interval, task-filter, ...).
 */

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
static DECLARE_FAULT_ATTR(fail_snapshot);
static struct dentry *fail_snapshot_dir;

/**
 * nouveau_svm_fail_snapshot() - whether to fail a VRAM sharing snapshot
 *
 * See DOC: Fault injection.
 *
 * Context: any context.
 * Return: true when fail_nouveau_svm_snapshot says this one must fail.
 */
bool nouveau_svm_fail_snapshot(void)
{
	return should_fail(&fail_snapshot, 1);
}

/* Without debugfs (lockdown, debugfs=off) the core works, untestable. */
static int __init nouveau_svm_module_init(void)
{
	fail_snapshot_dir = fault_create_debugfs_attr("fail_nouveau_svm_snapshot",
						      NULL, &fail_snapshot);
	return 0;
}

static void __exit nouveau_svm_module_exit(void)
{
	debugfs_remove(fail_snapshot_dir);
}

module_init(nouveau_svm_module_init);
module_exit(nouveau_svm_module_exit);
#endif

MODULE_DESCRIPTION("nouveau shared virtual memory core");
MODULE_LICENSE("Dual MIT/GPL");
