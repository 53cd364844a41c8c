// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: the per-file state and the SVM ioctls
 * (DRM_NOUVEAU_SVM_INIT, DRM_NOUVEAU_SVM_BIND) that nouveau and the
 * simulated GPU share, and the per-client counters in fdinfo.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Locking
 *
 * &nouveau_svm_file.lock protects &nouveau_svm_file.vm: SVM_INIT sets it
 * once, file release clears it.  A VM is used by ioctls of its file only,
 * which cannot run concurrently with the file's release, so a VM pointer
 * read under the lock stays valid for the rest of the ioctl.
 */

#include <linux/mm.h>
#include <linux/sched.h>
#include <drm/drm_print.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_priv.h"

/**
 * nouveau_svm_file_init() - initialise the SVM state of a new DRM file
 * @sfile: the state, embedded in the driver's file private data
 *
 * Context: Any context.
 */
void nouveau_svm_file_init(struct nouveau_svm_file *sfile)
{
	mutex_init(&sfile->lock);
	sfile->vm = NULL;
}
EXPORT_SYMBOL_GPL(nouveau_svm_file_init);

/**
 * nouveau_svm_file_fini() - tear down the SVM state of a DRM file
 * @sfile: the state
 *
 * Destroys the file's SVM VM, if it has one.
 *
 * Context: Process context (file release); may sleep.
 */
void nouveau_svm_file_fini(struct nouveau_svm_file *sfile)
{
	struct nouveau_svm_vm *vm;

	mutex_lock(&sfile->lock);
	vm = sfile->vm;
	sfile->vm = NULL;
	mutex_unlock(&sfile->lock);
	if (vm)
		nouveau_svm_vm_destroy(vm);
	mutex_destroy(&sfile->lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_file_fini);

/**
 * nouveau_svm_file_call_vm() - call a function with a file's SVM VM
 * @sfile: the file's SVM state
 * @fn: the function; the VM cannot go away while it runs
 * @arg: its argument
 *
 * For what any holder of the file may do with the VM, such as read its
 * counters: unlike nouveau_svm_file_vm(), the caller need not be the
 * process the VM mirrors.
 *
 * Context: Process context; takes the file's lock around @fn, which must
 * not call back into the file's SVM state.
 * Return: 0 after calling @fn; -ENOENT before SVM_INIT (@fn not called).
 */
int nouveau_svm_file_call_vm(struct nouveau_svm_file *sfile,
			     void (*fn)(struct nouveau_svm_vm *vm, void *arg), void *arg)
{
	int ret = 0;

	mutex_lock(&sfile->lock);
	if (sfile->vm)
		fn(sfile->vm, arg);
	else
		ret = -ENOENT;
	mutex_unlock(&sfile->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nouveau_svm_file_call_vm);

/**
 * nouveau_svm_file_vm() - the SVM VM an ioctl of this file may use
 * @sfile: the file's SVM state
 *
 * The GPU only ever reaches the memory of the process that called
 * SVM_INIT: another process holding the file (inherited or passed) may not
 * use the VM.
 *
 * Context: Process context (an ioctl of the file).
 * Return: the VM; ERR_PTR(-ENOENT) before SVM_INIT; ERR_PTR(-EPERM) when
 * the caller is not the process the VM mirrors.
 */
struct nouveau_svm_vm *nouveau_svm_file_vm(struct nouveau_svm_file *sfile)
{
	struct nouveau_svm_vm *vm;

	mutex_lock(&sfile->lock);
	vm = sfile->vm;
	mutex_unlock(&sfile->lock);
	if (!vm)
		return ERR_PTR(-ENOENT);
	if (vm->gpusvm.mm != current->mm)
		return ERR_PTR(-EPERM);
	return vm;
}
EXPORT_SYMBOL_GPL(nouveau_svm_file_vm);

static void nouveau_svm_print(struct drm_printer *p, const char *name,
			      atomic64_t *value)
{
	drm_printf(p, "nouveau-svm-%s:\t%lld\n", name, atomic64_read(value));
}

/**
 * nouveau_svm_file_show_fdinfo() - print the client's SVM counters
 * @sfile: the file's SVM state
 * @p: the fdinfo printer
 *
 * Prints one "nouveau-svm-<counter>:" line per counter of
 * &struct nouveau_svm_stats, after SVM_INIT; nothing before.
 *
 * Context: Process context.
 */
void nouveau_svm_file_show_fdinfo(struct nouveau_svm_file *sfile,
				  struct drm_printer *p)
{
	struct nouveau_svm_stats *s;

	mutex_lock(&sfile->lock);
	if (!sfile->vm)
		goto out_unlock;
	s = sfile->vm->stats;
	nouveau_svm_print(p, "faults", &s->faults);
	nouveau_svm_print(p, "fault-batches", &s->batches);
	nouveau_svm_print(p, "replays", &s->replays);
	nouveau_svm_print(p, "cancels", &s->cancels);
	nouveau_svm_print(p, "pages-mapped", &s->pages_mapped);
	nouveau_svm_print(p, "invalidations", &s->invalidations);
	nouveau_svm_print(p, "ranges", &s->ranges);
	nouveau_svm_print(p, "gpu-pages", &s->gpu_pages);
	nouveau_svm_print(p, "atomic-faults", &s->atomic_faults);
	nouveau_svm_print(p, "exclusive-grants", &s->exclusive_grants);
	nouveau_svm_print(p, "revocations", &s->revocations);
	nouveau_svm_print(p, "atomic-backoffs", &s->atomic_backoffs);
	nouveau_svm_print(p, "pages-to-vram", &s->pages_to_vram);
	nouveau_svm_print(p, "pages-to-host", &s->pages_to_host);
	nouveau_svm_print(p, "thp-to-vram", &s->thp_to_vram);
	nouveau_svm_print(p, "thp-to-host", &s->thp_to_host);
	nouveau_svm_print(p, "evictions", &s->evictions);
	nouveau_svm_print(p, "evicted-pages", &s->evicted_pages);
	nouveau_svm_print(p, "copy-launches", &s->copy_launches);
	nouveau_svm_print(p, "copy-failures", &s->copy_failures);
	nouveau_svm_print(p, "vram-pages", &s->vram_pages);
out_unlock:
	mutex_unlock(&sfile->lock);
}
EXPORT_SYMBOL_GPL(nouveau_svm_file_show_fdinfo);

/**
 * nouveau_svm_ioctl_init() - DRM_NOUVEAU_SVM_INIT
 * @sdev: the device
 * @sfile: the calling file's SVM state
 * @args: the ioctl arguments
 *
 * Creates the file's SVM VM, mirroring the calling process.
 *
 * Context: Process context (ioctl); may sleep.
 * Return: 0; -ENODEV when the device has no SVM; -EBUSY when the file has
 * a VM already; the argument errors of "SVM ioctl argument checks";
 * -ENOMEM; an error of the backend.
 */
int nouveau_svm_ioctl_init(struct nouveau_svm_dev *sdev,
			   struct nouveau_svm_file *sfile,
			   struct drm_nouveau_svm_init *args)
{
	struct nouveau_svm_window unmanaged;
	struct nouveau_svm_vm *vm;
	int ret;

	if (!(sdev->caps & NOUVEAU_SVM_CAP_MIRROR))
		return -ENODEV;
	ret = nouveau_svm_init_args(args, TASK_SIZE, &unmanaged);
	if (ret)
		return ret;

	mutex_lock(&sfile->lock);
	if (sfile->vm) {
		ret = -EBUSY;
		goto out_unlock;
	}
	vm = nouveau_svm_vm_create(sdev, &unmanaged);
	if (IS_ERR(vm)) {
		ret = PTR_ERR(vm);
		goto out_unlock;
	}
	sfile->vm = vm;
out_unlock:
	mutex_unlock(&sfile->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(nouveau_svm_ioctl_init);

/**
 * nouveau_svm_ioctl_bind() - DRM_NOUVEAU_SVM_BIND
 * @sdev: the device
 * @sfile: the calling file's SVM state
 * @args: the ioctl arguments
 *
 * Checks every field, then carries out the command.  MIGRATE moves the
 * range to VRAM or to system memory (to VRAM, it maps what it finds all
 * in VRAM, as nouveau's MIGRATE always did) and PREFETCH also maps the
 * whole range on the GPU (see "Migration on request"); result is the
 * number of pages that ended where asked.  ADVISE_ATOMIC sets how GPU
 * atomics in the range are served.  What needs VRAM returns -EOPNOTSUPP
 * on a device without any, and NOUVEAU_GETPARAM_SVM_CAPS says so.
 *
 * Context: Process context (ioctl); may sleep.
 * Return: 0; the argument errors of "SVM ioctl argument checks"; -EINVAL
 * before SVM_INIT (as it always was); -EPERM from a process other than
 * the one the VM mirrors; -EOPNOTSUPP for a migration the device cannot do;
 * -ENOMEM; the errors of nouveau_svm_vm_migrate() when no page of a
 * migration ended where asked.
 */
int nouveau_svm_ioctl_bind(struct nouveau_svm_dev *sdev,
			   struct nouveau_svm_file *sfile,
			   struct drm_nouveau_svm_bind *args)
{
	static const struct nouveau_svm_window none;
	struct nouveau_svm_bind_req req;
	struct nouveau_svm_vm *vm;
	int ret;

	vm = nouveau_svm_file_vm(sfile);
	ret = nouveau_svm_bind_args(args, TASK_SIZE, IS_ERR(vm) ? &none : &vm->unmanaged,
				    &req);
	if (ret)
		return ret;
	if (IS_ERR(vm))
		return PTR_ERR(vm) == -ENOENT ? -EINVAL : PTR_ERR(vm);

	switch (req.command) {
	case NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC:
		if (req.target == NOUVEAU_SVM_ATOMIC__MIGRATE &&
		    !(sdev->caps & NOUVEAU_SVM_CAP_MIGRATE_VRAM))
			return -EOPNOTSUPP;
		args->result = 0;
		return nouveau_svm_vm_advise_atomic(vm, &req.range, req.target);
	default:
		if (req.target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM &&
		    !(sdev->caps & NOUVEAU_SVM_CAP_MIGRATE_VRAM))
			return -EOPNOTSUPP;
		return nouveau_svm_vm_migrate(vm, &req.range,
					      req.target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM,
					      req.command == NOUVEAU_SVM_BIND_COMMAND__PREFETCH,
					      &args->result);
	}
}
EXPORT_SYMBOL_GPL(nouveau_svm_ioctl_bind);
