// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: the platform device, the DRM driver and its
 * ioctls.
 *
 * The simulated GPU is a software-only GPU for testing the nouveau SVM core
 * without NVIDIA hardware, in the spirit of test_hmm and vkms.  It is never
 * needed on a real system.  Its render node answers nouveau's SVM ioctls
 * (GETPARAM for the SVM capabilities and the size and use of the VRAM,
 * SVM_INIT, SVM_BIND), which go to the core, and the private uAPI of
 * include/uapi/drm/nouveau_svm_sim.h.  Module parameters size its fault
 * ring, its VRAM, which the core manages as device memory, and how many
 * channels its engine runs at once.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/capability.h>
#include <linux/cgroup_dmem.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "nvsim.h"

#define NVSIM_DRIVER_NAME	"nouveau_svm_sim"
/* Size of the core's fault batch. */
#define NVSIM_FAULT_MAX		1024
#define NVSIM_FAULT_RING_MIN	16
#define NVSIM_FAULT_RING_MAX	65536
#define NVSIM_INJECT_MAX	BIT(20)
#define NVSIM_VRAM_MB_MAX	4096

static unsigned int fault_ring_size = 1024;
module_param(fault_ring_size, uint, 0444);
MODULE_PARM_DESC(fault_ring_size,
		 "Slots of the fault ring, 16 to 65536 (default 1024); a full ring drops faults");

static unsigned int runners = 4;
module_param(runners, uint, 0444);
MODULE_PARM_DESC(runners,
		 "Channels the exec engine runs at the same time, 1 to 16 (default 4)");

static unsigned int vram_mb = 16;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb,
		 "Size of the simulated VRAM in MiB, even, 0 (none) to 4096 (default 16)");

static struct nvsim_device *to_nvsim(struct drm_device *drm)
{
	return container_of(drm, struct nvsim_device, drm);
}

static const struct nouveau_svm_backend_ops nvsim_backend_ops = {
	.vm_init = nvsim_vm_init,
	.vm_fini = nvsim_vm_fini,
	.fault_fetch = nvsim_fault_fetch,
	.fault_replay = nvsim_fault_replay,
	.fault_cancel = nvsim_fault_cancel,
	.map_prepare = nvsim_pt_map_prepare,
	.map_release = nvsim_pt_map_release,
	.map = nvsim_pt_map,
	.unmap = nvsim_pt_unmap,
	.copy = nvsim_copy,
	.chunk_alloc = nvsim_chunk_alloc,
	.chunk_free = nvsim_chunk_free,
	.chunk_touch = nvsim_chunk_touch,
	.vram_admit = nvsim_vram_admit,
};

/* The file's VM, and with it the check that the caller is in its mm. */
static struct nvsim_vm *nvsim_file_vm(struct nvsim_file *nfile)
{
	struct nouveau_svm_vm *vm = nouveau_svm_file_vm(&nfile->sfile);

	if (IS_ERR(vm))
		return ERR_CAST(vm);
	return nouveau_svm_vm_priv(vm);
}

static int nvsim_ioctl_getparam(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct nouveau_svm_dev *sdev = &to_nvsim(drm)->sdev;
	struct drm_nouveau_getparam *args = data;

	switch (args->param) {
	case NOUVEAU_GETPARAM_SVM_CAPS:
		args->value = nouveau_svm_dev_caps(sdev);
		return 0;
	case NOUVEAU_GETPARAM_FB_SIZE:
		args->value = nouveau_svm_devmem_size(sdev);
		return 0;
	case NOUVEAU_GETPARAM_VRAM_USED:
	case NOUVEAU_GETPARAM_SVM_VRAM_USED:
		args->value = nouveau_svm_devmem_used(sdev);
		return 0;
	default:
		return -EINVAL;
	}
}

static int nvsim_ioctl_svm_init(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;

	return nouveau_svm_ioctl_init(&to_nvsim(drm)->sdev, &nfile->sfile, data);
}

static int nvsim_ioctl_svm_bind(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;

	return nouveau_svm_ioctl_bind(&to_nvsim(drm)->sdev, &nfile->sfile, data);
}

static int nvsim_ioctl_exec(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;
	struct drm_nvsim_exec *args = data;
	struct nvsim_vm *nvm;
	int status = 0;
	u32 seqno;
	int ret;

	if (args->flags & ~DRM_NVSIM_EXEC_ASYNC ||
	    args->channel >= DRM_NVSIM_CHANNELS ||
	    !args->count || args->count > DRM_NVSIM_MAX_CMDS)
		return -EINVAL;

	nvm = nvsim_file_vm(nfile);
	if (IS_ERR(nvm))
		return PTR_ERR(nvm);

	ret = nvsim_job_submit(nfile, nvm, args, &seqno);
	if (ret)
		return ret;
	args->seqno = seqno;
	args->status = 0;
	if (args->flags & DRM_NVSIM_EXEC_ASYNC)
		return 0;

	ret = nvsim_job_collect(nfile, seqno, MAX_SCHEDULE_TIMEOUT, true, &status);
	args->status = status;
	return ret;
}

static long nvsim_wait_timeout(s64 timeout_ns)
{
	u64 j;

	if (!timeout_ns)
		return 0;
	j = nsecs_to_jiffies64(timeout_ns);
	return clamp_t(u64, j, 1, MAX_SCHEDULE_TIMEOUT);
}

static int nvsim_ioctl_wait(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;
	struct drm_nvsim_wait *args = data;
	struct nvsim_vm *nvm;
	int status = 0;
	int ret;

	if (args->pad || args->timeout_ns < 0)
		return -EINVAL;

	nvm = nvsim_file_vm(nfile);
	if (IS_ERR(nvm))
		return PTR_ERR(nvm);
	if (args->seqno > U32_MAX)
		return -ENOENT;

	ret = nvsim_job_collect(nfile, args->seqno,
				nvsim_wait_timeout(args->timeout_ns), false, &status);
	args->status = status;
	return ret;
}

static void nvsim_read_sim_counters(const struct nvsim_vm *nvm, u64 *values)
{
	const struct nvsim_vm_stats *s = &nvm->stats;

	values[DRM_NVSIM_COUNTER_MIXED_BATCHES] = atomic64_read(&s->mixed_batches);
	values[DRM_NVSIM_COUNTER_CHANNEL_BATCHES] = atomic64_read(&s->channel_batches);
	values[DRM_NVSIM_COUNTER_DUPLICATE_FAULTS] = atomic64_read(&s->duplicate_faults);
	values[DRM_NVSIM_COUNTER_DROPPED_FAULTS] = atomic64_read(&s->dropped_faults);
	values[DRM_NVSIM_COUNTER_DMA_ERRORS] = atomic64_read(&s->dma_errors);
}

static void nvsim_read_counters(struct nouveau_svm_vm *vm, void *arg)
{
	const struct nouveau_svm_stats *s = nouveau_svm_vm_stats(vm);
	u64 *values = arg;

	values[DRM_NVSIM_COUNTER_FAULTS] = atomic64_read(&s->faults);
	values[DRM_NVSIM_COUNTER_FAULT_BATCHES] = atomic64_read(&s->batches);
	values[DRM_NVSIM_COUNTER_REPLAYS] = atomic64_read(&s->replays);
	values[DRM_NVSIM_COUNTER_CANCELS] = atomic64_read(&s->cancels);
	values[DRM_NVSIM_COUNTER_PAGES_MAPPED] = atomic64_read(&s->pages_mapped);
	values[DRM_NVSIM_COUNTER_INVALIDATIONS] = atomic64_read(&s->invalidations);
	values[DRM_NVSIM_COUNTER_RANGES] = atomic64_read(&s->ranges);
	values[DRM_NVSIM_COUNTER_GPU_PAGES] = atomic64_read(&s->gpu_pages);
	values[DRM_NVSIM_COUNTER_ATOMIC_FAULTS] = atomic64_read(&s->atomic_faults);
	values[DRM_NVSIM_COUNTER_EXCLUSIVE_GRANTS] = atomic64_read(&s->exclusive_grants);
	values[DRM_NVSIM_COUNTER_REVOCATIONS] = atomic64_read(&s->revocations);
	values[DRM_NVSIM_COUNTER_ATOMIC_BACKOFFS] = atomic64_read(&s->atomic_backoffs);
	values[DRM_NVSIM_COUNTER_PAGES_TO_VRAM] = atomic64_read(&s->pages_to_vram);
	values[DRM_NVSIM_COUNTER_PAGES_TO_HOST] = atomic64_read(&s->pages_to_host);
	values[DRM_NVSIM_COUNTER_THP_TO_VRAM] = atomic64_read(&s->thp_to_vram);
	values[DRM_NVSIM_COUNTER_THP_TO_HOST] = atomic64_read(&s->thp_to_host);
	values[DRM_NVSIM_COUNTER_EVICTIONS] = atomic64_read(&s->evictions);
	values[DRM_NVSIM_COUNTER_EVICTED_PAGES] = atomic64_read(&s->evicted_pages);
	values[DRM_NVSIM_COUNTER_COPY_LAUNCHES] = atomic64_read(&s->copy_launches);
	values[DRM_NVSIM_COUNTER_COPY_FAILURES] = atomic64_read(&s->copy_failures);
	values[DRM_NVSIM_COUNTER_VRAM_PAGES] = atomic64_read(&s->vram_pages);
	nvsim_read_sim_counters(nouveau_svm_vm_priv(vm), values);
}

/*
 * Counters are readable from any process that has the file (the uAPI
 * lists no -EPERM for them), so the VM is reached with
 * nouveau_svm_file_call_vm() rather than nouveau_svm_file_vm(), which
 * checks the mm.
 */
static int nvsim_file_counters(struct nvsim_file *nfile, u64 *values)
{
	return nouveau_svm_file_call_vm(&nfile->sfile, nvsim_read_counters, values);
}

static int nvsim_ioctl_counters(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;
	struct drm_nvsim_counters *args = data;
	u64 values[DRM_NVSIM_COUNTER_COUNT];
	u32 n;
	int ret;

	if (args->flags)
		return -EINVAL;

	ret = nvsim_file_counters(nfile, values);
	if (ret)
		return ret;

	n = min_t(u32, args->count, DRM_NVSIM_COUNTER_COUNT);
	if (copy_to_user(u64_to_user_ptr(args->values), values,
			 n * sizeof(values[0])))
		return -EFAULT;
	args->count = DRM_NVSIM_COUNTER_COUNT;
	return 0;
}

static int nvsim_ioctl_config(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;
	struct drm_nvsim_config *args = data;

	if (args->pad || args->param != DRM_NVSIM_PARAM_WAVE_PAGES)
		return -EINVAL;
	if (args->value < 1 || args->value > NVSIM_WAVE_PAGES_MAX)
		return -EINVAL;

	args->value = xchg(&nfile->wave_pages, (u32)args->value);
	return 0;
}

static int nvsim_ioctl_inject(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct nvsim_device *ndev = to_nvsim(drm);
	struct drm_nvsim_inject *args = data;

	/* Injection is device wide: it fails other clients' work too. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (args->count > NVSIM_INJECT_MAX)
		return -EINVAL;

	switch (args->what) {
	case DRM_NVSIM_INJECT_FAULT_OVERFLOW:
		nvsim_fault_inject_overflow(&ndev->ring, args->count);
		return 0;
	case DRM_NVSIM_INJECT_COPY_FAIL:
		/* Without VRAM there is nothing to copy to or allocate. */
		if (!ndev->vram.size)
			return -EOPNOTSUPP;
		nvsim_copy_inject_fail(&ndev->vram, args->count);
		return 0;
	case DRM_NVSIM_INJECT_ALLOC_FAIL:
		if (!ndev->vram.size)
			return -EOPNOTSUPP;
		nvsim_vram_inject_alloc_fail(&ndev->vram, args->count);
		return 0;
	case DRM_NVSIM_INJECT_VRAM_TAKE:
		if (!ndev->vram.size)
			return -EOPNOTSUPP;
		return nvsim_vram_take(&ndev->sdev, args->count);
	default:
		return -EINVAL;
	}
}

static const struct drm_ioctl_desc nvsim_ioctls[] = {
	DRM_IOCTL_DEF_DRV(NOUVEAU_GETPARAM, nvsim_ioctl_getparam, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOUVEAU_SVM_INIT, nvsim_ioctl_svm_init, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NOUVEAU_SVM_BIND, nvsim_ioctl_svm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NVSIM_EXEC, nvsim_ioctl_exec, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NVSIM_WAIT, nvsim_ioctl_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NVSIM_COUNTERS, nvsim_ioctl_counters, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NVSIM_CONFIG, nvsim_ioctl_config, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(NVSIM_INJECT, nvsim_ioctl_inject, DRM_RENDER_ALLOW),
};

static int nvsim_open(struct drm_device *drm, struct drm_file *file)
{
	struct nvsim_file *nfile;

	nfile = kzalloc_obj(*nfile, GFP_KERNEL_ACCOUNT);
	if (!nfile)
		return -ENOMEM;

	nfile->ndev = to_nvsim(drm);
	nouveau_svm_file_init(&nfile->sfile);
	xa_init_flags(&nfile->jobs, XA_FLAGS_ALLOC1);
	nfile->wave_pages = NVSIM_WAVE_PAGES_DEFAULT;
	file->driver_priv = nfile;
	return 0;
}

static void nvsim_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;

	/* Ends the VM, whose vm_fini ends the file's jobs. */
	nouveau_svm_file_fini(&nfile->sfile);
	nvsim_file_jobs_fini(nfile);
	kfree(nfile);
}

static void nvsim_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct nvsim_file *nfile = file->driver_priv;

	nouveau_svm_file_show_fdinfo(&nfile->sfile, p);
}

static const struct file_operations nvsim_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.show_fdinfo = drm_show_fdinfo,
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver nvsim_driver = {
	.driver_features = DRIVER_RENDER,
	.open = nvsim_open,
	.postclose = nvsim_postclose,
	.show_fdinfo = nvsim_show_fdinfo,
	.ioctls = nvsim_ioctls,
	.num_ioctls = ARRAY_SIZE(nvsim_ioctls),
	.fops = &nvsim_fops,
	.name = NVSIM_DRIVER_NAME,
	.desc = "Simulated GPU for testing nouveau SVM",
	.major = 1,
	.minor = 0,
};

static int nvsim_debugfs_vram_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	nvsim_vram_show(&to_nvsim(entry->dev)->vram, m);
	return 0;
}

static int nvsim_debugfs_copy_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	nvsim_copy_show(&to_nvsim(entry->dev)->vram, m);
	return 0;
}

static int nvsim_debugfs_ring_show(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct nvsim_fault_ring *ring = &to_nvsim(entry->dev)->ring;
	const struct nvsim_ring_stats *st = &ring->stats;

	spin_lock(&ring->lock);
	seq_printf(m, "size %u\npending %u\noverflow %u\ninject_drop %u\n",
		   ring->size, ring->count, ring->overflow, ring->inject_drop);
	seq_printf(m, "batches %llu\nmixed_batches %llu\nchannel_batches %llu\n",
		   st->batches, st->mixed, st->multichannel);
	seq_printf(m, "duplicates %llu\ndropped %llu\noverflows %llu\n",
		   st->duplicates, st->dropped, st->overflows);
	spin_unlock(&ring->lock);
	return 0;
}

/*
 * A write does what the hardware backend's suspend and resume do
 * (nouveau_svm_suspend() and nouveau_svm_resume() in nvsvm_nvif.c): the
 * fault worker stops, every GPU mapping goes, and everything in VRAM goes
 * back to system memory (-EBUSY when it could not: the suspend would
 * fail); and the VRAM's GPU address moves, so that a mapping that did not
 * go would read the wrong page; then faults are taken again.  For tests,
 * with no SVM call and no GPU job in flight, as none is on a suspended
 * device; a job that runs meanwhile may fail.
 */
static ssize_t nvsim_debugfs_resume_moved(struct file *file,
					  const char __user *buf, size_t len,
					  loff_t *ppos)
{
	struct nvsim_device *ndev = file->private_data;
	int ret;

	if (!ndev->vram.size)
		return -ENODEV;
	nouveau_svm_fault_stop(&ndev->sdev);
	nouveau_svm_dev_gpu_unmap_all(&ndev->sdev);
	ret = nouveau_svm_devmem_evict(&ndev->sdev);
	if (!ret)
		nvsim_vram_move(&ndev->vram);
	nouveau_svm_fault_notify(&ndev->sdev);
	return ret ?: len;
}

static const struct file_operations nvsim_resume_moved_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = nvsim_debugfs_resume_moved,
	.llseek = noop_llseek,
};

/*
 * The engines reach system memory through the simulated IOMMU's dma_map_ops
 * (see DOC: IOMMU), which a real IOMMU in front of the device would bypass.
 */
static int nvsim_dma_init(struct device *dev)
{
	int ret;

	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	if (device_iommu_mapped(dev)) {
		dev_err(dev, "must not be behind a real IOMMU\n");
		return -ENODEV;
	}
	return 0;
}

/*
 * dmem.max was set below what a cgroup holds in the VRAM: the core evicts
 * SVM's allocations, the VRAM's only user the cgroup can be charged for.
 */
static int nvsim_vram_reclaim(struct dmem_cgroup_pool_state *pool, u64 target_bytes,
			      void *priv)
{
	struct nvsim_device *ndev = priv;

	return nouveau_svm_devmem_reclaim(&ndev->sdev, pool, target_bytes);
}

static const struct dmem_cgroup_ops nvsim_vram_dmem_ops = {
	.reclaim = nvsim_vram_reclaim,
};

/*
 * The VRAM's dmem cgroup region, as nouveau registers one for its VRAM
 * (nouveau_ttm_init_vram()); unregistered before the core lets go of the
 * VRAM, so that no reclaim reaches it after.
 */
static int nvsim_vram_region_init(struct nvsim_device *ndev)
{
	const struct dmem_cgroup_init init = {
		.size = ndev->vram.size,
		.ops = &nvsim_vram_dmem_ops,
		.reclaim_priv = ndev,
	};

	ndev->vram.region = dmem_cgroup_register_region(&init, "drm/%s/vram",
							ndev->drm.unique);
	return PTR_ERR_OR_ZERO(ndev->vram.region);
}

/* Device memory, charged in the VRAM's region. */
static int nvsim_devmem_init(struct nvsim_device *ndev)
{
	int ret;

	ret = nvsim_vram_region_init(ndev);
	if (ret)
		return ret;
	ret = nouveau_svm_devmem_init(&ndev->sdev, ndev->vram.size, ndev->vram.region);
	if (ret)
		dmem_cgroup_unregister_region(ndev->vram.region);
	return ret;
}

/* Evicts what processes still have in VRAM, with the copy engine. */
static void nvsim_devmem_fini(struct nvsim_device *ndev)
{
	dmem_cgroup_unregister_region(ndev->vram.region);
	nouveau_svm_devmem_fini(&ndev->sdev);
}

static int nvsim_probe(struct platform_device *pdev)
{
	struct nvsim_device *ndev;
	int ret;

	if (fault_ring_size < NVSIM_FAULT_RING_MIN ||
	    fault_ring_size > NVSIM_FAULT_RING_MAX)
		return -EINVAL;
	if (!runners || runners > NVSIM_RUNNERS_MAX) {
		dev_err(&pdev->dev, "runners=%u: must be 1 to %u\n", runners,
			NVSIM_RUNNERS_MAX);
		return -EINVAL;
	}
	/* The core takes VRAM in whole 2 MiB pages. */
	if (vram_mb > NVSIM_VRAM_MB_MAX || vram_mb % 2) {
		dev_err(&pdev->dev, "vram_mb=%u: must be even, 0 to %u\n",
			vram_mb, NVSIM_VRAM_MB_MAX);
		return -EINVAL;
	}

	ret = nvsim_dma_init(&pdev->dev);
	if (ret)
		return ret;

	ndev = devm_drm_dev_alloc(&pdev->dev, &nvsim_driver,
				  struct nvsim_device, drm);
	if (IS_ERR(ndev))
		return PTR_ERR(ndev);
	/* The IOMMU's dma_map_ops find the device through its driver data. */
	platform_set_drvdata(pdev, ndev);
	nvsim_iommu_init(&ndev->iommu, &pdev->dev);

	ret = nvsim_fault_ring_init(&ndev->ring, fault_ring_size);
	if (ret)
		goto err_iommu_fini;
	ret = nvsim_engine_init(&ndev->engine, runners, "nvsim-engine");
	if (ret)
		goto err_ring_fini;
	ret = nvsim_vram_init(&ndev->vram, (u64)vram_mb * SZ_1M);
	if (ret)
		goto err_engine_fini;
	ret = nouveau_svm_dev_init(&ndev->sdev, &ndev->drm, &nvsim_backend_ops,
				   NVSIM_FAULT_MAX);
	if (ret)
		goto err_vram_fini;
	if (ndev->vram.size) {
		ret = nvsim_devmem_init(ndev);
		if (ret)
			goto err_svm_fini;
	}

	drm_debugfs_add_file(&ndev->drm, "nvsim_fault_ring",
			     nvsim_debugfs_ring_show, NULL);
	drm_debugfs_add_file(&ndev->drm, "nvsim_vram", nvsim_debugfs_vram_show, NULL);
	drm_debugfs_add_file(&ndev->drm, "nvsim_copy", nvsim_debugfs_copy_show, NULL);
	if (!IS_ERR_OR_NULL(ndev->drm.debugfs_root))
		debugfs_create_file("nvsim_resume_moved", 0200,
				    ndev->drm.debugfs_root, ndev,
				    &nvsim_resume_moved_fops);
	ret = drm_dev_register(&ndev->drm, 0);
	if (ret)
		goto err_devmem_fini;
	return 0;

err_devmem_fini:
	if (ndev->vram.size)
		nvsim_devmem_fini(ndev);
err_svm_fini:
	nouveau_svm_dev_fini(&ndev->sdev);
err_vram_fini:
	nvsim_vram_fini(&ndev->vram);
err_engine_fini:
	nvsim_engine_fini(&ndev->engine);
err_ring_fini:
	nvsim_fault_ring_fini(&ndev->ring);
err_iommu_fini:
	nvsim_iommu_fini(&ndev->iommu, &pdev->dev);
	return ret;
}

static void nvsim_remove(struct platform_device *pdev)
{
	struct nvsim_device *ndev = platform_get_drvdata(pdev);

	drm_dev_unregister(&ndev->drm);
	if (ndev->vram.size)
		nvsim_devmem_fini(ndev);
	nouveau_svm_dev_fini(&ndev->sdev);
	nvsim_vram_fini(&ndev->vram);
	nvsim_engine_fini(&ndev->engine);
	nvsim_fault_ring_fini(&ndev->ring);
	nvsim_iommu_fini(&ndev->iommu, &pdev->dev);
}

static struct platform_driver nvsim_platform_driver = {
	.probe = nvsim_probe,
	.remove = nvsim_remove,
	.driver = {
		.name = NVSIM_DRIVER_NAME,
		/*
		 * Open files keep the module, hence the device, alive; an
		 * unbind through sysfs would take the device from under them.
		 */
		.suppress_bind_attrs = true,
	},
};

static struct platform_device *nvsim_pdev;

static int __init nvsim_init(void)
{
	int ret;

	ret = platform_driver_register(&nvsim_platform_driver);
	if (ret)
		return ret;

	nvsim_pdev = platform_device_register_simple(NVSIM_DRIVER_NAME, -1,
						     NULL, 0);
	if (IS_ERR(nvsim_pdev)) {
		ret = PTR_ERR(nvsim_pdev);
		goto err_unregister_driver;
	}
	return 0;

err_unregister_driver:
	platform_driver_unregister(&nvsim_platform_driver);
	return ret;
}

static void __exit nvsim_exit(void)
{
	platform_device_unregister(nvsim_pdev);
	platform_driver_unregister(&nvsim_platform_driver);
}

module_init(nvsim_init);
module_exit(nvsim_exit);

MODULE_DESCRIPTION("Simulated GPU for testing nouveau SVM");
MODULE_LICENSE("Dual MIT/GPL");
