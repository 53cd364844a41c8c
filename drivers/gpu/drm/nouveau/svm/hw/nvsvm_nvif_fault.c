// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: the replayable fault buffer
 * (MAXWELL_FAULT_BUFFER_A on Pascal, VOLTA_FAULT_BUFFER_A on Volta to
 * Ampere), its event, fetching entries for the core, replay, and cancel
 * with channel recovery.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault buffer on nvif
 *
 * nvkm owns the buffer's memory and interrupt; the backend creates the
 * buffer object, maps it, and reads entries through the mapping from GET
 * to PUT (registers of the device object whose offsets the object's
 * constructor returns).  Each entry is decoded by nvsvm_hw_fault_decode();
 * VALID is cleared and GET written back once the entries are copied, so
 * the GPU can reuse them.  The buffer's event only queues the core's
 * fault worker.
 *
 * A fault carries the instance block of its channel.  Channels of an SVM
 * VMM are registered when they are created (nouveau_svmm_join()), so a
 * fault is handed to the core with the context number of the channel's
 * VM, or 0 (no VM: the core cancels it) for an unknown channel.  The
 * hardware instance itself is kept by the fault's slot in the batch, which
 * its token carries, for the cancel.
 *
 * Replay and cancel are methods of any GP100-class VMM; the backend uses
 * the kernel client's.  A cancel goes through the channel-recovery
 * bookkeeping first (see "Channel recovery").
 *
 * DOC: Locking
 *
 * - &nouveau_svm.chan_lock protects the channel list and the recovery
 *   bookkeeping; it is taken for each lookup and each cancel, and
 *   nouveau_channel_kill() (a spinlock inside) runs under it.
 * - &nvsvm_nvif_fault.get and &nvsvm_nvif_fault.inst belong to the core's
 *   fault worker, which never runs twice at once; suspend and resume
 *   touch them only after blocking the event and flushing the worker.
 */

#include <linux/bitfield.h>
#include <linux/delay.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <nvif/class.h>
#include <nvif/clb069.h>
#include <nvif/ifc00d.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_chan.h"
#include "nvsvm_nvif.h"

/* Reads of an entry whose VALID bit is not set yet, 1 us apart. */
#define NVSVM_NVIF_VALID_TRIES	100

/* The instance as GP100_VMM_VN_FAULT_CANCEL takes it: aperture in 9:8. */
static u64 nvsvm_nvif_hwinst(const struct nvsvm_hw_fault_info *info)
{
	return info->inst | FIELD_PREP(GENMASK_ULL(9, 8), info->inst_aperture);
}

static struct nvsvm_nvif_chan *nvsvm_nvif_chan_find(struct nouveau_svm *svm,
						    u64 inst)
{
	struct nvsvm_nvif_chan *c;

	lockdep_assert_held(&svm->chan_lock);
	list_for_each_entry(c, &svm->chans, head)
		if (c->inst == inst)
			return c;
	return NULL;
}

/* The targeted cancel of the unit @token names, in channel @hwinst. */
static void nvsvm_nvif_cancel_hw(struct nouveau_svm *svm, u64 hwinst, u32 token)
{
	struct gp100_vmm_fault_cancel_v0 args = { .inst = hwinst };
	int ret;

	nvsvm_hw_fault_token_unpack(token, &args.hub, &args.gpc, &args.client);
	ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
			       GP100_VMM_VN_FAULT_CANCEL, &args, sizeof(args));
	if (ret)
		NV_WARN(svm->drm, "svm: fault cancel %016llx: %d\n", hwinst, ret);
}

/*
 * Cancel a fault of channel @hwinst: kill the channel first where
 * recovery says so (see "Channel recovery").
 */
static void nvsvm_nvif_cancel_inst(struct nouveau_svm *svm, u64 hwinst, u32 token)
{
	u64 inst = hwinst & ~GENMASK_ULL(11, 0);
	enum nvsvm_hw_recover_action act;
	struct nvsvm_nvif_chan *c;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find(svm, inst);
	act = nvsvm_hw_recover_cancel(&svm->recover, inst, !!c);
	if (act == NVSVM_HW_RECOVER_KILL) {
		NV_WARN(svm->drm, "svm: channel %d killed: GPU fault cancelled\n",
			c->chan->chid);
		nouveau_channel_kill(c->chan);
	}
	mutex_unlock(&svm->chan_lock);
	nvsvm_nvif_cancel_hw(svm, hwinst, token);
}

/* Copy entry @get; -EAGAIN while the GPU has not finished writing it. */
static int nvsvm_nvif_fault_read(struct nvsvm_nvif_fault *fb, u32 get,
				 struct nvsvm_hw_fault_info *info,
				 struct nouveau_svm_fault *fault)
{
	u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];
	u32 off = get * NVB069_FAULT_BUF_SIZE;
	unsigned int i, try;
	int ret;

	for (try = 0; try < NVSVM_NVIF_VALID_TRIES; try++) {
		for (i = 0; i < ARRAY_SIZE(e); i++)
			e[i] = nvif_rd32(&fb->object, off + i * 4);
		ret = nvsvm_hw_fault_decode(fb->oclass, e, info, fault);
		if (ret != -EAGAIN)
			break;
		udelay(1);
	}
	if (ret == -EAGAIN)
		return ret;
	/* VALID is bit 31 of the last word. */
	nvif_mask(&fb->object, off + (ARRAY_SIZE(e) - 1) * 4, BIT(31), 0);
	return ret;
}

/*
 * Decide what becomes of a fault just read: true when it goes to the core
 * in slot @slot, false when it was drained or cancelled here.
 */
static bool nvsvm_nvif_fault_take(struct nouveau_svm *svm, int decoded,
				  const struct nvsvm_hw_fault_info *info,
				  struct nouveau_svm_fault *fault, unsigned int slot)
{
	u64 hwinst = nvsvm_nvif_hwinst(info);
	enum nvsvm_hw_recover_action act;
	struct nvsvm_nvif_chan *c;
	u64 ctx;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find(svm, info->inst);
	ctx = c ? c->ctx : 0;
	act = nvsvm_hw_recover_fetch(&svm->recover, info->inst);
	mutex_unlock(&svm->chan_lock);

	if (act == NVSVM_HW_RECOVER_DRAIN) {
		if (fault->access != NOUVEAU_SVM_ACCESS_PREFETCH)
			nvsvm_nvif_cancel_hw(svm, hwinst, fault->token);
		return false;
	}
	if (decoded) {
		/* An access no SVM mapping can serve (a physical one). */
		nvsvm_nvif_cancel_inst(svm, hwinst, fault->token);
		return false;
	}
	svm->fault.inst[slot] = hwinst;
	fault->inst = ctx;
	fault->token |= FIELD_PREP(NVSVM_NVIF_TOKEN_SLOT, slot);
	return true;
}

/**
 * nvsvm_nvif_fault_fetch() - move pending faults from the buffer to the core
 * @sdev: the core's device
 * @faults: where to put them
 * @max: room at @faults
 *
 * Implements &nouveau_svm_backend_ops.fault_fetch.  Faults of killed
 * channels are drained and faults no mapping can serve are cancelled
 * here; neither counts.  An entry still being written ends the fetch and
 * queues the worker again.
 *
 * Context: The core's fault worker; takes &nouveau_svm.chan_lock; may
 * sleep.
 * Return: the number of faults put at @faults, 0 when none is pending.
 */
unsigned int nvsvm_nvif_fault_fetch(struct nouveau_svm_dev *sdev,
				    struct nouveau_svm_fault *faults,
				    unsigned int max)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	struct nvif_object *device = &svm->drm->client.device.object;
	struct nvsvm_nvif_fault *fb = &svm->fault;
	u32 put = nvif_rd32(device, fb->putaddr);
	int pending = nvsvm_hw_fault_pending(fb->get, put, fb->entries);
	unsigned int n = 0;

	if (pending < 0) {
		NV_ERROR(svm->drm, "svm: fault buffer GET %u PUT %u: resetting\n",
			 fb->get, put);
		fb->get = nvif_rd32(device, fb->getaddr) % fb->entries;
		return 0;
	}

	max = min(max, fb->max);
	while (pending-- > 0 && n < max) {
		struct nvsvm_hw_fault_info info;
		int ret;

		ret = nvsvm_nvif_fault_read(fb, fb->get, &info, &faults[n]);
		if (ret == -EAGAIN) {
			nouveau_svm_fault_notify(sdev);
			break;
		}
		fb->get = nvsvm_hw_fault_next(fb->get, fb->entries);
		if (nvsvm_nvif_fault_take(svm, ret, &info, &faults[n], n))
			n++;
	}
	nvif_wr32(device, fb->getaddr, fb->get);
	return n;
}

/**
 * nvsvm_nvif_fault_replay() - let every stalled access retry
 * @sdev: the core's device
 *
 * Implements &nouveau_svm_backend_ops.fault_replay: a global replay.
 *
 * Context: The core's fault worker; may sleep.
 */
void nvsvm_nvif_fault_replay(struct nouveau_svm_dev *sdev)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	struct gp100_vmm_fault_replay_vn args = {};
	int ret;

	ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
			       GP100_VMM_VN_FAULT_REPLAY, &args, sizeof(args));
	if (ret)
		NV_WARN(svm->drm, "svm: fault replay: %d\n", ret);
}

/**
 * nvsvm_nvif_fault_cancel() - fail the work that raised a fault
 * @sdev: the core's device
 * @fault: a fault of the batch being served
 *
 * Implements &nouveau_svm_backend_ops.fault_cancel: a targeted cancel of
 * the faulting unit, after killing the channel on Volta and later (see
 * "Channel recovery").
 *
 * Context: The core's fault worker, before the batch's replay; takes
 * &nouveau_svm.chan_lock; may sleep.
 */
void nvsvm_nvif_fault_cancel(struct nouveau_svm_dev *sdev,
			     const struct nouveau_svm_fault *fault)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	unsigned int slot = FIELD_GET(NVSVM_NVIF_TOKEN_SLOT, fault->token);

	if (WARN_ON(slot >= svm->fault.max))
		return;
	nvsvm_nvif_cancel_inst(svm, svm->fault.inst[slot], fault->token);
}

static int nvsvm_nvif_fault_event(struct nvif_event *event, void *repv, u32 repc)
{
	struct nouveau_svm *svm = container_of(event, struct nouveau_svm,
					       fault.notify);

	nouveau_svm_fault_notify(&svm->sdev);
	return NVIF_EVENT_KEEP;
}

/* Create and map the buffer object of the newest class the GPU has. */
static int nvsvm_nvif_fault_object(struct nouveau_svm *svm)
{
	static const struct nvif_mclass buffers[] = {
		{ VOLTA_FAULT_BUFFER_A, 0 },
		{ MAXWELL_FAULT_BUFFER_A, 0 },
		{}
	};
	struct nvif_object *device = &svm->drm->client.device.object;
	struct nvsvm_nvif_fault *fb = &svm->fault;
	struct nvif_clb069_v0 args = {};
	int cid, ret;

	cid = nvif_mclass(device, buffers);
	if (cid < 0)
		return -ENODEV;
	fb->oclass = buffers[cid].oclass;
	ret = nvif_object_ctor(device, "svmFaultBuffer", 0, fb->oclass, &args,
			       sizeof(args), &fb->object);
	if (ret)
		return ret;
	ret = nvif_object_map(&fb->object, NULL, 0);
	if (ret || !args.entries) {
		nvif_object_dtor(&fb->object);
		return ret ?: -ENODEV;
	}
	fb->entries = args.entries;
	fb->getaddr = args.get;
	fb->putaddr = args.put;
	fb->max = min_t(u32, args.entries, NVSVM_NVIF_FAULT_MAX);
	return 0;
}

/**
 * nvsvm_nvif_fault_init() - set up the fault buffer, its event blocked
 * @svm: the device's SVM state
 *
 * nvsvm_nvif_fault_resume() then starts it, once the core can take faults.
 *
 * Context: Process context (device init); may sleep.
 * Return: 0; -ENODEV without a fault buffer class nvkm exposes (before
 * Pascal, or where GSP-RM owns the buffers); -ENOMEM; an nvif error.
 */
int nvsvm_nvif_fault_init(struct nouveau_svm *svm)
{
	struct nvsvm_nvif_fault *fb = &svm->fault;
	int ret;

	ret = nvsvm_nvif_fault_object(svm);
	if (ret)
		return ret;
	fb->inst = kvcalloc(fb->max, sizeof(*fb->inst), GFP_KERNEL);
	if (!fb->inst) {
		ret = -ENOMEM;
		goto err_object;
	}
	ret = nvif_event_ctor(&fb->object, "svmFault", 0, nvsvm_nvif_fault_event,
			      true, NULL, 0, &fb->notify);
	if (ret)
		goto err_inst;
	return 0;

err_inst:
	kvfree(fb->inst);
err_object:
	nvif_object_dtor(&fb->object);
	return ret;
}

/**
 * nvsvm_nvif_fault_suspend() - stop taking faults
 * @svm: the device's SVM state
 *
 * Context: Process context; waits for the core's fault worker.
 */
void nvsvm_nvif_fault_suspend(struct nouveau_svm *svm)
{
	nvif_event_block(&svm->fault.notify);
	flush_work(&svm->sdev.fault_work);
}

/**
 * nvsvm_nvif_fault_resume() - start taking faults again
 * @svm: the device's SVM state
 *
 * Context: Process context; the fault worker is idle (after suspend, or
 * before the first resume).
 */
void nvsvm_nvif_fault_resume(struct nouveau_svm *svm)
{
	struct nvif_object *device = &svm->drm->client.device.object;
	struct nvsvm_nvif_fault *fb = &svm->fault;

	fb->get = nvif_rd32(device, fb->getaddr) % fb->entries;
	nvif_event_allow(&fb->notify);
	/* Faults may have come while the event was blocked. */
	nouveau_svm_fault_notify(&svm->sdev);
}

/**
 * nvsvm_nvif_fault_fini() - tear the fault buffer down
 * @svm: the device's SVM state
 *
 * Context: Process context (device teardown); waits for the fault worker.
 */
void nvsvm_nvif_fault_fini(struct nouveau_svm *svm)
{
	struct nvsvm_nvif_fault *fb = &svm->fault;

	nvsvm_nvif_fault_suspend(svm);
	nvif_event_dtor(&fb->notify);
	kvfree(fb->inst);
	nvif_object_dtor(&fb->object);
}
