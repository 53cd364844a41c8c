// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend on nvif: the fault buffers (the replayable
 * one, MAXWELL_FAULT_BUFFER_A on Pascal and VOLTA_FAULT_BUFFER_A on Volta
 * to Ampere, and from Volta on the non-replayable one), their events,
 * fetching entries for the core, replay and resume, and cancel with
 * channel recovery.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault buffer on nvif
 *
 * nvkm owns the buffer's memory and interrupt; the backend creates the
 * buffer object, maps it, and reads entries through the mapping from GET
 * to PUT (registers of the device object whose offsets the object's
 * constructor returns; under GSP-RM, for the non-replayable queue,
 * offsets in the object's own mapping).  The ring protocol is pure code
 * (nvsvm_hw_ring_drain() and nvsvm_hw_ring_take(), see "Fault ring
 * protocol"); the glue here only gives it accessors over nvif and decides
 * what becomes of each complete entry, decoded by nvsvm_hw_fault_decode().
 * From Volta on, the GPU's GET and PUT also carry the OVERFLOW and
 * GETPTR_CORRUPTED flags (the queue's never do): the index is read with
 * nvsvm_hw_fault_index(), and the replayable buffer's GET is written
 * twice (nvsvm_hw_fault_get_writes()), the index and then the flags to
 * clear, as UVM's uvm_hal_volta_fault_buffer_write_get() does; a GPU
 * whose ring overflowed delivers nothing until OVERFLOW is cleared.  The
 * non-replayable buffer's GET is written once with the flags 0, as RM
 * does, and its overflow is reported as an error: the faults it lost
 * come back with no replay.  The buffer's event only queues the core's
 * fault worker.
 *
 * A fault carries the instance block of its channel.  Channels of an SVM
 * VMM are registered when they are created (nouveau_svmm_join()), so a
 * fault is handed to the core with the context number of the channel's
 * VM, or 0 (no VM: the core cancels it) for an unknown channel.  The
 * hardware instance itself is kept in the fault's slot of the batch
 * (&nouveau_svm.slots), which its token names, for the cancel.
 *
 * Without GSP-RM, replay and cancel are methods of any GP100-class VMM;
 * the backend uses the kernel client's.  Under GSP-RM they are host
 * methods the backend pushes (see "Replay and cancel under GSP-RM").  A
 * cancel goes through the channel-recovery bookkeeping first (see
 * "Channel recovery").
 */

/**
 * DOC: Replay and cancel under GSP-RM
 *
 * Under GSP-RM firmware the backend replays and cancels replayable faults
 * with the host's MEM_OP streams (see "Replay and cancel through host
 * methods"), as NVIDIA's UVM does beside the firmware, on kernel channels
 * of its own (its MEMOPS channels).  The backend makes one channel for
 * them (nvsvm_nvif_memop_init()), privileged as nouveau makes its own
 * copy channel (``PRIVILEGE_ADMIN`` in r535_chan_alloc()), and runs
 * nothing else on it: a replay never waits behind a buffer move that
 * waits, in turn, for a channel stalled on the fault being replayed.
 *
 * A cancel is fenced and waited for (as UVM waits for its cancels), so it
 * is done before the batch's replay.  The replay is pushed and not waited
 * for: it allocates nothing and takes only the channel's lock, so that
 * the core's notifier can wait for an issued replay to return.
 *
 * A cancel names the faulting channel's VMM by its page directory, which
 * SVM_INIT reads from nvkm (GP100_VMM_VN_PDB), and cancels the faulting
 * engine's accesses to the fault's page (nvsvm_hw_memop_cancel()): all of
 * them for a read, writes and atomics for a write or an atomic, as UVM
 * cancels from Volta on.  The channel is looked up, and the cancel waited
 * for, under &nouveau_svm.chan_lock, so that the page directory cannot be
 * another VMM's by then.  A fault of a channel that is gone gets the
 * targeted cancel of its GPC unit; a hub unit's cannot be reached then,
 * and stays pending until a later replay.  After a cancel the backend
 * does not stop the killed channel: nvkm has no preempt for GSP-RM's
 * channels (NVIF_CHAN_V0_ERROR says -ENODEV there), and the firmware is
 * expected to recover a channel whose access failed, telling nvkm with
 * its RC_TRIGGERED event.
 *
 * Non-replayable faults come through the queue GSP-RM fills for a
 * client (see "Non-replayable faults"), and on Turing their channels are
 * resumed with a CLEAR_FAULTED method pushed on the same channel.
 */

/**
 * DOC: Non-replayable faults
 *
 * From Volta on, copy engines and host semaphores (a copy or a semaphore
 * release at an SVM address) raise non-replayable faults: the MMU writes
 * them to a second buffer, and the channel is marked faulted and left off
 * its engine or PBDMA, stalling nothing else.  nvkm recovers every such
 * channel by itself; the backend takes that buffer over from nvkm (a
 * VOLTA_FAULT_BUFFER_A object of type NVIF_CLB069_V0_TYPE_NON_REPLAYABLE,
 * nvkm_ufault_new()) and reads it in the same fetch as the replayable
 * one, first.  Its entries have the replayable buffer's format.
 *
 * A fault of an SVM channel goes to the core like any other, and its slot
 * keeps the entry.  After the batch, the channel of each such fault the
 * core did not cancel is resumed (NVIF_CLB069_V0_RESUME:
 * nvkm_fifo_fault_resume() clears the channel's ENG_FAULTED or
 * PBDMA_FAULTED) and retries the access, which succeeds where the core
 * mapped the page and faults again after a transient error.  A fault the
 * core cancels, a fault of a channel that is not an SVM channel, one no
 * mapping can serve, one of a killed channel and one whose channel cannot
 * be resumed go back to nvkm (NVIF_CLB069_V0_RECOVER), which recovers the
 * channel as it did before; an SVM channel is killed first (see "Channel
 * recovery").
 *
 * The backend holds the buffer from resume (the first at device init) to
 * suspend (the last at teardown); meanwhile, as without SVM, nvkm
 * recovers every channel that faults there.  While it holds it, faults of
 * other clients' channels wait for the fault worker to hand them back.
 *
 * Under GSP-RM the buffer is the firmware's, and the object is a queue
 * the firmware fills with the faults of channels whose VA space takes
 * faults (NVIF_CLB069_V0_QUEUE: nvkm's r535_fault_queue_oneinit()).  Its
 * GET and PUT are memory of the object's own mapping, which the ring
 * protocol reads and writes as it does the registers of the GPU's buffer:
 * GSP-RM writes each entry whole, VALID set, before it moves PUT, and the
 * GET write comes after the entries' reads.  RECOVER hands a fault back
 * to the firmware, which recovers the channel; RESUME clears the
 * channel's FAULTED state through its CHRAM entry, as without GSP-RM, from
 * Ampere on.  Turing has no CHRAM, and nvkm says so with
 * NVIF_CLB069_V0_CLEAR_MTHD: the backend resumes the channel itself, as
 * UVM does, by pushing the host's CLEAR_FAULTED method on its MEM_OP
 * channel (nvsvm_hw_memop_clear_faulted()), with the channel's handle and
 * the bit to clear that nvkm gives for the fault (NVIF_CLB069_V0_HANDLE),
 * and waits for it under &nouveau_svm.chan_lock, so that the handle is
 * still the faulted channel's when the method runs.  Whether the method
 * clears a bit the GPU sets only after the fault reached the queue is not
 * published; UVM pushes it once, and so does the backend.  A buffer whose
 * ENGINES names no engine is not held, nor one whose channels are resumed
 * by method without a MEM_OP channel of Turing's class.  The backend must
 * drain the queue whenever its event comes: a full queue is no overflow
 * but a GPU the firmware marks for reset.
 *
 * Pascal has no such buffer: there a copy-engine fault raises nvkm's MMU
 * fault interrupt, and nvkm recovers the channel.  Userspace learns
 * whether copy-engine faults are served from NOUVEAU_SVM_CAP_COPY_FAULTS,
 * set while the backend holds the buffer.
 */

/**
 * DOC: Locking
 *
 * - &nouveau_svm.chan_lock protects the channel list and the recovery
 *   bookkeeping; it is taken for each lookup, each cancel and each
 *   resume by CLEAR_FAULTED (both wait for their fence under it), and a
 *   kill (nouveau_channel_kill(), a spinlock inside, and the channel's
 *   NVIF_CHAN_V0_ERROR method, nvkm's channel spinlock inside) runs
 *   under it, so that nouveau_svmm_part() waits for it.
 * - &nvsvm_nvif_fault_ring.ring, &nouveau_svm.slots and &nouveau_svm.nslots
 *   belong to the core's fault worker, which never runs twice at once;
 *   suspend and resume touch them only after blocking the events and
 *   stopping the worker (nouveau_svm_fault_stop()).
 * - Under GSP-RM, &nvsvm_nvif_memop.lock protects the push buffer of
 *   SVM's MEM_OP channel, which only the fault worker pushes on; it is
 *   held while a stream and its fence are pushed (PUSH_WAIT() may wait
 *   there for room the GPU frees), never while a fence is waited for or
 *   memory allocated.  A cancel, and a resume by CLEAR_FAULTED, hold
 *   &nouveau_svm.chan_lock (taken first) from the channel's lookup until
 *   the stream has run.
 */

#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <nvif/class.h>
#include <nvif/clb069.h>
#include <nvif/fifo.h>
#include <nvif/if0020.h>
#include <nvif/ifc00d.h>
#include <nvif/push.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_chan.h"
#include "../../nouveau_fence.h"
#include "nvsvm_nvif.h"

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

/*
 * The SVM channel of instance @inst, if it is the channel of join
 * generation @gen (any channel for 0; none for U64_MAX, no channel's).
 */
static struct nvsvm_nvif_chan *nvsvm_nvif_chan_find_gen(struct nouveau_svm *svm,
							u64 inst, u64 gen)
{
	struct nvsvm_nvif_chan *c = nvsvm_nvif_chan_find(svm, inst);

	return c && (!gen || c->gen == gen) ? c : NULL;
}

/**
 * struct nvsvm_nvif_cancel - what the cancel of one replayable fault names
 * @hwinst: the faulting channel's instance, with its aperture
 * @gen: the join generation of its SVM channel when the fault was fetched,
 *	U64_MAX for none (nvsvm_nvif_chan_find_gen())
 * @addr: the faulting address
 * @token: the faulting unit (nvsvm_hw_fault_token())
 * @engine: the MMU engine that faulted
 * @access: the fault's &enum nouveau_svm_access
 */
struct nvsvm_nvif_cancel {
	u64 hwinst;
	u64 gen;
	u64 addr;
	u32 token;
	u16 engine;
	u8 access;
};

/**
 * nvsvm_nvif_memop_init() - make the channel replay and cancel are pushed on
 * @svm: the device's SVM state
 *
 * For GPUs that run GSP-RM: a privileged channel of the kernel client on
 * a copy engine's runlist, made as nouveau makes its own copy channel.
 * Nothing else runs on it, as UVM keeps its MEMOPS channels, so that no
 * buffer move and no wait for another channel's work can queue a replay
 * behind a channel that waits for that replay.  Its host class must have
 * the MEM_OP streams (nvsvm_hw_memop_class_supported()).
 *
 * Context: Process context (device init); may sleep.
 * Return: 0; -ENODEV without a copy engine or with another host class;
 * the error of nouveau_channel_new().
 */
int nvsvm_nvif_memop_init(struct nouveau_svm *svm)
{
	struct nouveau_drm *drm = svm->drm;
	u64 runm = nvif_fifo_runlist_ce(&drm->client.device);
	struct nouveau_channel *chan;
	int ret;

	if (!runm)
		return -ENODEV;
	/* No ctxdma handles: channels have them before Fermi only. */
	ret = nouveau_channel_new(&drm->client, true, runm, 0, 0, &chan);
	if (ret)
		return ret;
	if (!nvsvm_hw_memop_class_supported(chan->user.oclass)) {
		nouveau_channel_del(&chan);
		return -ENODEV;
	}
	mutex_init(&svm->memop.lock);
	svm->memop.oclass = chan->user.oclass;
	svm->memop.chan = chan;
	return 0;
}

/**
 * nvsvm_nvif_memop_fini() - free the channel of nvsvm_nvif_memop_init()
 * @svm: the device's SVM state
 *
 * Context: Process context (device teardown), the fault worker stopped.
 */
void nvsvm_nvif_memop_fini(struct nouveau_svm *svm)
{
	if (!svm->memop.chan)
		return;
	nouveau_channel_del(&svm->memop.chan);
	mutex_destroy(&svm->memop.lock);
}

/* Put the @n dwords of @buf in the MEM_OP channel's push buffer. */
static int nvsvm_nvif_memop_push(struct nouveau_svm *svm, const u32 *buf, int n)
{
	struct nvif_push *push = &svm->memop.chan->chan.push;
	int ret;

	lockdep_assert_held(&svm->memop.lock);
	/* Room for a fence after them, which then cannot fail for want of it. */
	ret = PUSH_WAIT(push, n + NVSVM_NVIF_FENCE_DWORDS);
	if (ret)
		return ret;
	memcpy(push->cur, buf, n * sizeof(*buf));
	push->cur += n;
	return 0;
}

/*
 * Run the @n dwords of @buf on the MEM_OP channel, fenced with @fence
 * (made beforehand, consumed here), and wait for them.
 */
static int nvsvm_nvif_memop_run(struct nouveau_svm *svm, const u32 *buf, int n,
				struct nouveau_fence *fence)
{
	int ret;

	mutex_lock(&svm->memop.lock);
	ret = nvsvm_nvif_memop_push(svm, buf, n);
	if (ret) {
		mutex_unlock(&svm->memop.lock);
		/* Never emitted: no dma_fence to put yet. */
		kfree(fence);
		return ret;
	}
	ret = nouveau_fence_emit(fence);
	mutex_unlock(&svm->memop.lock);
	if (!ret)
		ret = nouveau_fence_wait(fence, true, false) ?: fence->base.error;
	nouveau_fence_unref(&fence);
	return ret;
}

/*
 * The MEM_OP cancel of the fault @cx names (see "Replay and cancel under
 * GSP-RM").  &nouveau_svm.chan_lock is held from the lookup of the
 * faulting channel until the cancel is done, so that the page directory
 * it names is still that channel's VMM's: the channel parts under the
 * lock, before its VMM goes.  UVM likewise cancels by VA with the VA
 * space locked, so as not to name a PDB that was reused.
 */
static void nvsvm_nvif_memop_cancel(struct nouveau_svm *svm,
				    const struct nvsvm_nvif_cancel *cx)
{
	u64 inst = cx->hwinst & ~GENMASK_ULL(11, 0);
	struct nouveau_fence *fence;
	struct nvsvm_nvif_chan *c;
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	n = nouveau_fence_create(&fence, svm->memop.chan);
	if (n)
		goto out;
	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find_gen(svm, inst, cx->gen);
	n = nvsvm_hw_memop_cancel(svm->memop.oclass, c ? &c->pdb : NULL, cx->addr,
				  cx->engine, cx->token, cx->access, buf,
				  ARRAY_SIZE(buf));
	if (n > 0)
		n = nvsvm_nvif_memop_run(svm, buf, n, fence);
	else
		kfree(fence);
	mutex_unlock(&svm->chan_lock);
out:
	if (n == -ENOENT)
		NV_DEBUG(svm->drm, "svm: fault cancel %016llx: hub unit, channel gone\n",
			 cx->hwinst);
	else if (n)
		NV_WARN(svm->drm, "svm: fault cancel %016llx: %d\n", cx->hwinst, n);
}

/*
 * Cancel the fault @cx names.  Without GSP-RM, the targeted cancel of its
 * unit: nvkm cancels a GPC unit's faults only while FECS runs the
 * channel's group (gp100_vmm_fault_cancel()) and says -EAGAIN otherwise:
 * the fault then replays and comes back, and is cancelled again then (a
 * known channel's as a fault of a killed channel, NVSVM_HW_RECOVER_DRAIN).
 */
static void nvsvm_nvif_cancel_hw(struct nouveau_svm *svm,
				 const struct nvsvm_nvif_cancel *cx)
{
	struct gp100_vmm_fault_cancel_v0 args = { .inst = cx->hwinst };
	int ret;

	if (svm->memop.chan) {
		nvsvm_nvif_memop_cancel(svm, cx);
		return;
	}
	nvsvm_hw_fault_token_unpack(cx->token, &args.hub, &args.gpc, &args.client);
	ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
			       GP100_VMM_VN_FAULT_CANCEL, &args, sizeof(args));
	if (ret == -EAGAIN)
		NV_DEBUG(svm->drm, "svm: fault cancel %016llx: context not resident\n",
			 cx->hwinst);
	else if (ret)
		NV_WARN(svm->drm, "svm: fault cancel %016llx: %d\n", cx->hwinst, ret);
}

/* Kill SVM channel @c in software, its fault cancelled ("Channel recovery"). */
static void nvsvm_nvif_kill(struct nouveau_svm *svm, struct nvsvm_nvif_chan *c)
{
	lockdep_assert_held(&svm->chan_lock);
	NV_WARN(svm->drm, "svm: channel %d killed: GPU fault cancelled\n",
		c->chan->chid);
	nouveau_channel_kill(c->chan);
}

/*
 * Stop killed channel @inst of generation @gen in hardware, after the
 * targeted cancel let its stalled unit go: nvkm blocks it and asks for a
 * preempt off its engine, as its recovery does (the channel's
 * NVIF_CHAN_V0_ERROR method, nvkm_chan_error()).
 */
static void nvsvm_nvif_stop(struct nouveau_svm *svm, u64 inst, u64 gen)
{
	struct nvif_chan_error_v0 args = {};
	struct nvsvm_nvif_chan *c;
	int ret;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find_gen(svm, inst, gen);
	ret = c ? nvif_object_mthd(&c->chan->user, NVIF_CHAN_V0_ERROR, &args,
				   sizeof(args)) : 0;
	if (ret)
		NV_ERROR(svm->drm, "svm: channel %d not stopped: %d\n",
			 c->chan->chid, ret);
	mutex_unlock(&svm->chan_lock);
}

/*
 * Go through the bookkeeping for a cancel of a fault of channel @inst
 * of generation @gen (see "Channel recovery"), and kill the channel
 * where it says so; returns the NVSVM_HW_CANCEL_* steps, the kill done.
 */
static unsigned int nvsvm_nvif_cancel_recover(struct nouveau_svm *svm,
					      u64 inst, u64 gen)
{
	struct nvsvm_nvif_chan *c;
	unsigned int steps;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find_gen(svm, inst, gen);
	steps = nvsvm_hw_recover_cancel_steps(&svm->recover, inst, !!c,
					      !c && gen && gen != U64_MAX);
	if (steps & NVSVM_HW_CANCEL_KILL)
		nvsvm_nvif_kill(svm, c);
	mutex_unlock(&svm->chan_lock);
	return steps;
}

/*
 * Cancel the fault @cx names, killing its channel where need be, and then
 * stopping it; under GSP-RM the firmware stops it (see "Replay and cancel
 * under GSP-RM").
 */
static void nvsvm_nvif_cancel_inst(struct nouveau_svm *svm,
				   const struct nvsvm_nvif_cancel *cx)
{
	u64 inst = cx->hwinst & ~GENMASK_ULL(11, 0);
	unsigned int steps = nvsvm_nvif_cancel_recover(svm, inst, cx->gen);

	if (steps & NVSVM_HW_CANCEL_UNIT)
		nvsvm_nvif_cancel_hw(svm, cx);
	if ((steps & NVSVM_HW_CANCEL_STOP) && !svm->memop.chan)
		nvsvm_nvif_stop(svm, inst, cx->gen);
}

/* Call nvkm's @mthd (RESUME or RECOVER) on non-replayable fault @entry. */
static int nvsvm_nvif_nr_mthd(struct nouveau_svm *svm, u32 mthd, const u32 *entry)
{
	struct nvif_clb069_entry_v0 args = {};

	memcpy(args.entry, entry, sizeof(args.entry));
	return nvif_object_mthd(&svm->nrfault.object, mthd, &args, sizeof(args));
}

/* Non-replayable fault @entry goes to nvkm, which recovers its channel. */
static void nvsvm_nvif_nr_recover(struct nouveau_svm *svm, const u32 *entry)
{
	int ret = nvsvm_nvif_nr_mthd(svm, NVIF_CLB069_V0_RECOVER, entry);

	if (ret)
		NV_WARN(svm->drm, "svm: fault recovery: %d\n", ret);
}

/*
 * Cancel the non-replayable fault of @slot: kill its channel and have
 * nvkm recover it, which also stops it, unless the channel is gone (its
 * instance may be a new channel's by now).
 */
static void nvsvm_nvif_nr_cancel(struct nouveau_svm *svm,
				 struct nvsvm_hw_slot *slot)
{
	slot->state = NVSVM_HW_SLOT_CANCELLED;
	if (nvsvm_nvif_cancel_recover(svm, slot->hwinst & ~GENMASK_ULL(11, 0),
				      slot->gen) & NVSVM_HW_CANCEL_UNIT)
		nvsvm_nvif_nr_recover(svm, slot->entry);
}

/* A resume of the channel of a served non-replayable fault. */
struct nvsvm_nvif_resume {
	struct nouveau_svm *svm;
	struct nvsvm_hw_slot *slot;
};

/* nvsvm_hw_resume_try_t: one RESUME of the channel. */
static int nvsvm_nvif_nr_try_resume(void *arg)
{
	struct nvsvm_nvif_resume *r = arg;

	return nvsvm_nvif_nr_mthd(r->svm, NVIF_CLB069_V0_RESUME, r->slot->entry);
}

/*
 * A CLEAR_FAULTED that did not run (the firmware refused it, or the
 * MEM_OP channel is gone): resume no channel any more.  Later
 * non-replayable faults are then decided at fetch like those of an
 * engine no resume reaches, and go back to the firmware, which recovers
 * their channels, rather than leaving channels stalled behind a method
 * that cannot run.  Resume (nvsvm_nvif_nr_init()) tries again.
 */
static void nvsvm_nvif_nr_clear_failed(struct nouveau_svm *svm, int err)
{
	static const u64 none[NVSVM_HW_FAULT_ENGINES / 64];

	lockdep_assert_held(&svm->chan_lock);
	nvsvm_hw_recover_set_resumable(&svm->recover, none);
	WRITE_ONCE(svm->copy_faults, false);
	NV_WARN(svm->drm, "svm: CLEAR_FAULTED failed: %d: copy-engine faults not served\n",
		err);
}

/*
 * Resume the channel of the served non-replayable fault of @slot with a
 * CLEAR_FAULTED method on the MEM_OP channel, and wait for it (see
 * "Non-replayable faults").  &nouveau_svm.chan_lock is held from the
 * channel's lookup until the method ran, so that the handle nvkm gives is
 * still that channel's: the channel parts under the lock.  Returns 0,
 * -ENOENT for a channel gone, or another error.
 */
static int nvsvm_nvif_nr_clear(struct nouveau_svm *svm,
			       const struct nvsvm_hw_slot *slot)
{
	u64 inst = slot->hwinst & ~GENMASK_ULL(11, 0);
	struct nvif_clb069_handle_v0 args = {};
	u32 buf[NVSVM_HW_CLEAR_FAULTED_DW];
	struct nouveau_fence *fence;
	int n;

	memcpy(args.entry, slot->entry, sizeof(args.entry));
	n = nouveau_fence_create(&fence, svm->memop.chan);
	if (n)
		return n;
	mutex_lock(&svm->chan_lock);
	if (!nvsvm_nvif_chan_find_gen(svm, inst, slot->gen)) {
		n = -ENOENT;
	} else {
		n = nvif_object_mthd(&svm->nrfault.object, NVIF_CLB069_V0_HANDLE,
				     &args, sizeof(args));
		/* Not gone for SVM: nvkm must know the channel; recover it. */
		if (n == -ENOENT)
			n = -ENODEV;
	}
	if (!n)
		n = nvsvm_hw_memop_clear_faulted(svm->memop.oclass, args.handle,
						 args.eng, buf, ARRAY_SIZE(buf));
	if (n > 0) {
		n = nvsvm_nvif_memop_run(svm, buf, n, fence);
		if (n)
			nvsvm_nvif_nr_clear_failed(svm, n);
	} else {
		kfree(fence);
	}
	mutex_unlock(&svm->chan_lock);
	return n;
}

/*
 * Let the channel of the served non-replayable fault of @slot retry it,
 * or recover it when it cannot be resumed.
 */
static void nvsvm_nvif_nr_resume(struct nouveau_svm *svm,
				 struct nvsvm_hw_slot *slot)
{
	struct nvsvm_nvif_resume r = { .svm = svm, .slot = slot };
	u64 inst = slot->hwinst & ~GENMASK_ULL(11, 0);
	bool recover;
	int ret;

	/* A channel gone since the fetch: its instance may be another's. */
	mutex_lock(&svm->chan_lock);
	ret = nvsvm_nvif_chan_find_gen(svm, inst, slot->gen) ? 0 : -ENOENT;
	mutex_unlock(&svm->chan_lock);
	if (ret)
		return;
	if (svm->nrfault.clear_mthd)
		ret = nvsvm_nvif_nr_clear(svm, slot);
	else
		ret = nvsvm_hw_resume(nvsvm_nvif_nr_try_resume, &r);

	mutex_lock(&svm->chan_lock);
	if (!nvsvm_nvif_chan_find_gen(svm, inst, slot->gen))
		ret = -ENOENT;
	recover = nvsvm_hw_recover_resume_end(&svm->recover, inst, slot->engine,
					      svm->batches, ret);
	mutex_unlock(&svm->chan_lock);
	if (!recover)
		return;
	NV_WARN(svm->drm, "svm: channel %016llx not resumed: %d\n",
		slot->hwinst, ret);
	nvsvm_nvif_nr_cancel(svm, slot);
}

/* Hand a fault to the core in @slot, as a fault of VM @ctx. */
static void nvsvm_nvif_fault_give(struct nouveau_svm *svm,
				  struct nouveau_svm_fault *fault, unsigned int slot,
				  u64 ctx, u64 hwinst)
{
	svm->slots[slot].hwinst = hwinst;
	fault->inst = ctx;
	fault->token |= FIELD_PREP(NVSVM_NVIF_TOKEN_SLOT, slot);
}

/*
 * Decide what becomes of a replayable fault just read: true when it goes
 * to the core in slot @slot, false when it was drained or cancelled here.
 */
static bool nvsvm_nvif_fault_take(struct nouveau_svm *svm, int decoded,
				  const struct nvsvm_hw_fault_info *info,
				  struct nouveau_svm_fault *fault, unsigned int slot)
{
	struct nvsvm_nvif_cancel cx = {
		.hwinst = nvsvm_nvif_hwinst(info),
		.addr = info->addr,
		.token = fault->token,
		.engine = info->engine,
		.access = fault->access,
	};
	enum nvsvm_hw_recover_action act;
	struct nvsvm_nvif_chan *c;
	u64 ctx;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find(svm, info->inst);
	ctx = c ? c->ctx : 0;
	cx.gen = c ? c->gen : U64_MAX;
	act = nvsvm_hw_recover_fetch(&svm->recover, info->inst);
	mutex_unlock(&svm->chan_lock);

	if (act == NVSVM_HW_RECOVER_DRAIN) {
		if (fault->access != NOUVEAU_SVM_ACCESS_PREFETCH)
			nvsvm_nvif_cancel_hw(svm, &cx);
		return false;
	}
	if (decoded) {
		/* An access no SVM mapping can serve (a physical one). */
		nvsvm_nvif_cancel_inst(svm, &cx);
		return false;
	}
	svm->slots[slot].state = NVSVM_HW_SLOT_REPLAYABLE;
	svm->slots[slot].gen = cx.gen;
	svm->slots[slot].engine = info->engine;
	nvsvm_nvif_fault_give(svm, fault, slot, ctx, cx.hwinst);
	return true;
}

/*
 * Decide what becomes of non-replayable fault @e just read: true when it
 * goes to the core in slot @slot, false when nvkm recovers its channel.
 */
static bool nvsvm_nvif_nr_take(struct nouveau_svm *svm, int decoded, const u32 *e,
			       const struct nvsvm_hw_fault_info *info,
			       struct nouveau_svm_fault *fault, unsigned int slot)
{
	enum nvsvm_hw_recover_action act;
	struct nvsvm_nvif_chan *c;
	u64 ctx;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find(svm, info->inst);
	ctx = c ? c->ctx : 0;
	svm->slots[slot].gen = c ? c->gen : U64_MAX;
	act = nvsvm_hw_recover_fetch_nr(&svm->recover, info->inst, info->engine,
					!!c, !decoded);
	if (act == NVSVM_HW_RECOVER_KILL)
		nvsvm_nvif_kill(svm, c);
	mutex_unlock(&svm->chan_lock);

	if (act != NVSVM_HW_RECOVER_SERVE) {
		nvsvm_nvif_nr_recover(svm, e);
		return false;
	}
	svm->slots[slot].state = NVSVM_HW_SLOT_RESUME;
	svm->slots[slot].engine = info->engine;
	memcpy(svm->slots[slot].entry, e, sizeof(svm->slots[slot].entry));
	nvsvm_nvif_fault_give(svm, fault, slot, ctx, nvsvm_nvif_hwinst(info));
	return true;
}

/* What a drain of one buffer fills in: see nvsvm_nvif_fault_drain(). */
struct nvsvm_nvif_drain {
	struct nouveau_svm *svm;
	struct nvsvm_nvif_fault_ring *fb;
	struct nouveau_svm_fault *faults;
	unsigned int n;
};

/* nvsvm_hw_ring_take_t: decide what becomes of complete entry @e. */
static bool nvsvm_nvif_drain_take(void *arg, const u32 *e)
{
	struct nvsvm_nvif_drain *d = arg;
	struct nouveau_svm_fault *fault = &d->faults[d->n];
	struct nvsvm_hw_fault_info info;
	bool taken;
	int ret;

	ret = nvsvm_hw_fault_decode(d->fb->oclass, e, &info, fault);
	if (d->fb->nr)
		taken = nvsvm_nvif_nr_take(d->svm, ret, e, &info, fault, d->n);
	else
		taken = nvsvm_nvif_fault_take(d->svm, ret, &info, fault, d->n);
	d->n += taken;
	return taken;
}

static u32 nvsvm_nvif_ring_rd_entry(void *priv, u32 off)
{
	struct nvsvm_nvif_fault_ring *fb = priv;

	return nvif_rd32(&fb->object, off);
}

static void nvsvm_nvif_ring_wr_entry(void *priv, u32 off, u32 val)
{
	struct nvsvm_nvif_fault_ring *fb = priv;

	nvif_wr32(&fb->object, off, val);
}

static u32 nvsvm_nvif_ring_rd_get(void *priv)
{
	struct nvsvm_nvif_fault_ring *fb = priv;

	return nvif_rd32(fb->device, fb->getaddr);
}

static u32 nvsvm_nvif_ring_rd_put(void *priv)
{
	struct nvsvm_nvif_fault_ring *fb = priv;

	return nvif_rd32(fb->device, fb->putaddr);
}

static void nvsvm_nvif_ring_wr_get(void *priv, u32 val)
{
	struct nvsvm_nvif_fault_ring *fb = priv;

	nvif_wr32(fb->device, fb->getaddr, val);
}

static const struct nvsvm_hw_ring_ops nvsvm_nvif_ring_ops = {
	.rd_entry = nvsvm_nvif_ring_rd_entry,
	.wr_entry = nvsvm_nvif_ring_wr_entry,
	.rd_get = nvsvm_nvif_ring_rd_get,
	.rd_put = nvsvm_nvif_ring_rd_put,
	.wr_get = nvsvm_nvif_ring_wr_get,
};

/* Report what a drain of @fb found that is worth saying. */
static void nvsvm_nvif_drain_report(struct nouveau_svm *svm,
				    struct nvsvm_nvif_fault_ring *fb,
				    const struct nvsvm_hw_ring_stat *st)
{
	if ((st->put_flags & NVSVM_HW_FAULT_OVERFLOW) && fb->nr)
		NV_ERROR(svm->drm, "svm: non-replayable fault buffer overflowed: faults lost\n");
	else if (st->put_flags & NVSVM_HW_FAULT_OVERFLOW)
		NV_DEBUG(svm->drm, "svm: fault buffer overflowed\n");
	if (st->reset)
		NV_ERROR(svm->drm, "svm: fault buffer PUT out of the ring: reset to %u\n",
			 fb->ring.get);
	if (st->stuck)
		NV_ERROR(svm->drm, "svm: %sfault buffer entry %u not written by the GPU\n",
			 fb->nr ? "non-replayable " : "", fb->ring.get);
}

/*
 * Move the pending faults of @fb to @faults from @n on, up to @max in
 * all; returns the new @n.
 */
static unsigned int nvsvm_nvif_fault_drain(struct nouveau_svm *svm,
					   struct nvsvm_nvif_fault_ring *fb,
					   struct nouveau_svm_fault *faults,
					   unsigned int n, unsigned int max)
{
	struct nvsvm_nvif_drain d = {
		.svm = svm, .fb = fb, .faults = faults, .n = n,
	};
	struct nvsvm_hw_ring_stat st;

	nvsvm_hw_ring_drain(&fb->ring, nvsvm_nvif_drain_take, &d, max - n, &st);
	nvsvm_nvif_drain_report(svm, fb, &st);
	if (st.again)
		nouveau_svm_fault_notify(&svm->sdev);
	return d.n;
}

/*
 * The MEM_OP replay (see "Replay and cancel under GSP-RM"), not waited
 * for: nothing is allocated, and no lock but the channel's is taken, so
 * that the core's notifier may wait for an issued replay to return.
 */
static int nvsvm_nvif_memop_replay(struct nouveau_svm *svm)
{
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n, ret;

	n = nvsvm_hw_memop_replay(svm->memop.oclass, false, buf, ARRAY_SIZE(buf));
	if (n < 0)
		return n;
	mutex_lock(&svm->memop.lock);
	ret = nvsvm_nvif_memop_push(svm, buf, n);
	if (!ret)
		PUSH_KICK(&svm->memop.chan->chan.push);
	mutex_unlock(&svm->memop.lock);
	return ret;
}

/* Let every stalled replayable access retry. */
static void nvsvm_nvif_replay_all(struct nouveau_svm *svm)
{
	struct gp100_vmm_fault_replay_vn args = {};
	int ret;

	if (svm->memop.chan)
		ret = nvsvm_nvif_memop_replay(svm);
	else
		ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
				       GP100_VMM_VN_FAULT_REPLAY, &args,
				       sizeof(args));
	if (ret)
		NV_WARN(svm->drm, "svm: fault replay: %d\n", ret);
}

/**
 * nvsvm_nvif_fault_fetch() - move pending faults from the buffers to the core
 * @sdev: the core's device
 * @faults: where to put them
 * @max: room at @faults
 *
 * Implements &nouveau_svm_backend_ops.fault_fetch.  The non-replayable
 * buffer is read first, where there is one.  Faults of killed channels
 * are drained, and faults no mapping can serve (or, non-replayable, of a
 * channel that is not an SVM channel) are cancelled or handed to nvkm's
 * recovery here; none of those counts.  The ring protocol is
 * nvsvm_hw_ring_drain()'s; an entry still being written ends the fetch
 * from its buffer and queues the worker again.
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
	unsigned int n = 0, nr;

	max = min(max, svm->fault.max);
	if (svm->nrfault.entries)
		n = nvsvm_nvif_fault_drain(svm, &svm->nrfault, faults, n, max);
	nr = n;
	n = nvsvm_nvif_fault_drain(svm, &svm->fault, faults, n, max);
	svm->replay = n > nr;
	svm->nslots = n;
	svm->batches += !!n;
	return n;
}

/**
 * nvsvm_nvif_fault_replay() - let every stalled access retry
 * @sdev: the core's device
 *
 * Implements &nouveau_svm_backend_ops.fault_replay: a global replay when
 * the batch held replayable faults, and a resume of the channel of the
 * non-replayable faults that were not cancelled, once per channel and
 * engine (nvsvm_hw_slots_resume()).
 *
 * Context: The core's fault worker; may sleep.
 */
void nvsvm_nvif_fault_replay(struct nouveau_svm_dev *sdev)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	unsigned int i;

	if (svm->replay)
		nvsvm_nvif_replay_all(svm);

	if (!nvsvm_hw_slots_resume(svm->slots, svm->nslots))
		return;
	for (i = 0; i < svm->nslots; i++)
		if (svm->slots[i].state == NVSVM_HW_SLOT_RESUME)
			nvsvm_nvif_nr_resume(svm, &svm->slots[i]);
}

/**
 * nvsvm_nvif_fault_cancel() - fail the work that raised a fault
 * @sdev: the core's device
 * @fault: a fault of the batch being served
 *
 * Implements &nouveau_svm_backend_ops.fault_cancel.  A replayable fault
 * gets a targeted cancel of the faulting unit (under GSP-RM, a cancel of
 * the faulting engine's accesses to its page), after its channel is
 * killed on Volta and later; a non-replayable one goes to nvkm's
 * recovery, after its channel is killed (see "Channel recovery").
 *
 * Context: The core's fault worker, before the batch's replay; takes
 * &nouveau_svm.chan_lock; may sleep.
 */
void nvsvm_nvif_fault_cancel(struct nouveau_svm_dev *sdev,
			     const struct nouveau_svm_fault *fault)
{
	struct nouveau_svm *svm = nvsvm_nvif(sdev);
	unsigned int slot = FIELD_GET(NVSVM_NVIF_TOKEN_SLOT, fault->token);
	struct nvsvm_nvif_cancel cx;
	struct nvsvm_hw_slot *s;

	if (WARN_ON(slot >= svm->nslots))
		return;
	s = &svm->slots[slot];
	switch (s->state) {
	case NVSVM_HW_SLOT_REPLAYABLE:
		cx = (struct nvsvm_nvif_cancel) {
			.hwinst = s->hwinst, .gen = s->gen, .addr = fault->addr,
			.token = fault->token, .engine = s->engine,
			.access = fault->access,
		};
		nvsvm_nvif_cancel_inst(svm, &cx);
		break;
	case NVSVM_HW_SLOT_RESUME:
		nvsvm_nvif_nr_cancel(svm, s);
		break;
	case NVSVM_HW_SLOT_CANCELLED:
	case NVSVM_HW_SLOT_MERGED:
		break;
	}
}

static int nvsvm_nvif_fault_event(struct nvif_event *event, void *repv, u32 repc)
{
	struct nouveau_svm *svm = container_of(event, struct nouveau_svm,
					       fault.notify);

	nouveau_svm_fault_notify(&svm->sdev);
	return NVIF_EVENT_KEEP;
}

static int nvsvm_nvif_nr_event(struct nvif_event *event, void *repv, u32 repc)
{
	struct nouveau_svm *svm = container_of(event, struct nouveau_svm,
					       nrfault.notify);

	nouveau_svm_fault_notify(&svm->sdev);
	return NVIF_EVENT_KEEP;
}

/*
 * Create and map buffer object @fb of class @oclass, its event @func
 * blocked; @fb->nr says which of the GPU's buffers.
 */
static int nvsvm_nvif_fault_object(struct nouveau_svm *svm,
				   struct nvsvm_nvif_fault_ring *fb, s32 oclass,
				   nvif_event_func func)
{
	struct nvif_object *device = &svm->drm->client.device.object;
	struct nvif_clb069_v0 args = {
		.type = fb->nr ? NVIF_CLB069_V0_TYPE_NON_REPLAYABLE :
				 NVIF_CLB069_V0_TYPE_REPLAYABLE,
	};
	int ret;

	fb->oclass = oclass;
	ret = nvif_object_ctor(device, fb->nr ? "svmNrFaultBuffer" : "svmFaultBuffer",
			       0, oclass, &args, sizeof(args), &fb->object);
	if (ret)
		return ret;
	ret = nvif_object_map(&fb->object, NULL, 0);
	if (ret || !args.entries) {
		ret = ret ?: -ENODEV;
		goto err_object;
	}
	ret = nvif_event_ctor(&fb->object, fb->nr ? "svmNrFault" : "svmFault", 0,
			      func, true, NULL, 0, &fb->notify);
	if (ret)
		goto err_object;
	fb->entries = args.entries;
	fb->getaddr = args.get;
	fb->putaddr = args.put;
	/* A queue's GET and PUT are memory of its own mapping. */
	fb->device = (args.flags & NVIF_CLB069_V0_QUEUE) ? &fb->object : device;
	fb->clear_mthd = fb->nr && (args.flags & NVIF_CLB069_V0_CLEAR_MTHD);
	fb->ring = (struct nvsvm_hw_ring) {
		.ops = &nvsvm_nvif_ring_ops,
		.priv = fb,
		.oclass = oclass,
		.entries = args.entries,
		.replayable = !fb->nr,
	};
	fb->max = min_t(u32, args.entries, NVSVM_NVIF_FAULT_MAX);
	return 0;

err_object:
	nvif_object_dtor(&fb->object);
	return ret;
}

static void nvsvm_nvif_fault_object_fini(struct nvsvm_nvif_fault_ring *fb)
{
	if (!fb->entries)
		return;
	nvif_event_dtor(&fb->notify);
	nvif_object_dtor(&fb->object);
	fb->entries = 0;
}

/*
 * Learn from nvkm which engines' non-replayable faults leave a channel it
 * can resume (copy engines and PBDMAs: their ids are the GPU's own).
 * Returns how many, or an nvif error.
 */
static int nvsvm_nvif_nr_engines(struct nouveau_svm *svm)
{
	struct nvif_clb069_engines_v0 args = {};
	unsigned int i;
	int ret, n = 0;

	static_assert(sizeof(args.resumable) * BITS_PER_BYTE ==
		      NVSVM_HW_FAULT_ENGINES);
	ret = nvif_object_mthd(&svm->nrfault.object, NVIF_CLB069_V0_ENGINES,
			       &args, sizeof(args));
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(args.resumable); i++)
		n += hweight64(args.resumable[i]);
	mutex_lock(&svm->chan_lock);
	nvsvm_hw_recover_set_resumable(&svm->recover, args.resumable);
	mutex_unlock(&svm->chan_lock);
	return n;
}

/*
 * The non-replayable buffer is optional: without it, SVM still serves
 * every replayable fault, and nvkm keeps recovering the rest.
 */
static void nvsvm_nvif_nr_init(struct nouveau_svm *svm)
{
	int ret;

	if (svm->fault.oclass != VOLTA_FAULT_BUFFER_A)
		return;
	svm->nrfault.nr = true;
	ret = nvsvm_nvif_fault_object(svm, &svm->nrfault, VOLTA_FAULT_BUFFER_A,
				      nvsvm_nvif_nr_event);
	/* Under GSP-RM, a queue the firmware's sizes ruled out, or none at all. */
	if (ret == -ENODEV) {
		NV_DEBUG(svm->drm, "svm: no non-replayable buffer: copy faults not served\n");
		return;
	}
	if (ret) {
		NV_WARN(svm->drm, "svm: copy-engine and host faults not served: %d\n",
			ret);
		return;
	}
	/* Turing under GSP-RM: channels are resumed on the MEM_OP channel. */
	if (svm->nrfault.clear_mthd &&
	    (!svm->memop.chan || !nvsvm_hw_memop_clear_supported(svm->memop.oclass))) {
		nvsvm_nvif_fault_object_fini(&svm->nrfault);
		NV_WARN(svm->drm,
			"svm: no channel for CLEAR_FAULTED: copy-engine faults not served\n");
		return;
	}
	ret = nvsvm_nvif_nr_engines(svm);
	if (ret > 0)
		return;
	/* A buffer whose faults no channel survives is not worth holding. */
	nvsvm_nvif_fault_object_fini(&svm->nrfault);
	if (ret)
		NV_WARN(svm->drm, "svm: copy-engine and host faults not served: %d\n",
			ret);
	else
		NV_DEBUG(svm->drm, "svm: no channel resumes: copy-engine faults not served\n");
}

/**
 * nvsvm_nvif_fault_init() - set up the replayable fault buffer, its event blocked
 * @svm: the device's SVM state
 *
 * nvsvm_nvif_fault_resume() then starts them, once the core can take
 * faults; it also takes the non-replayable buffer, where there is one.
 *
 * Context: Process context (device init); may sleep.
 * Return: 0; -ENODEV without a fault buffer class nvkm exposes (before
 * Pascal) or a buffer nvkm could set up (under GSP-RM, when the firmware
 * took none); -ENOMEM; an nvif error.
 */
int nvsvm_nvif_fault_init(struct nouveau_svm *svm)
{
	static const struct nvif_mclass buffers[] = {
		{ VOLTA_FAULT_BUFFER_A, 0 },
		{ MAXWELL_FAULT_BUFFER_A, 0 },
		{}
	};
	struct nvsvm_nvif_fault_ring *fb = &svm->fault;
	int cid, ret;

	cid = nvif_mclass(&svm->drm->client.device.object, buffers);
	if (cid < 0)
		return -ENODEV;
	ret = nvsvm_nvif_fault_object(svm, fb, buffers[cid].oclass,
				      nvsvm_nvif_fault_event);
	if (ret)
		return ret;
	svm->slots = kvcalloc(fb->max, sizeof(*svm->slots), GFP_KERNEL);
	if (!svm->slots) {
		nvsvm_nvif_fault_object_fini(fb);
		return -ENOMEM;
	}
	return 0;
}

/**
 * nvsvm_nvif_fault_suspend() - stop taking faults
 * @svm: the device's SVM state
 *
 * The non-replayable buffer goes back to nvkm, which recovers the
 * channels of its faults until the buffer is taken again; under GSP-RM
 * the queue is unregistered, and the firmware recovers them.
 *
 * Context: Process context; waits for the core's fault worker.
 */
void nvsvm_nvif_fault_suspend(struct nouveau_svm *svm)
{
	nvif_event_block(&svm->fault.notify);
	if (svm->nrfault.entries)
		nvif_event_block(&svm->nrfault.notify);
	nouveau_svm_fault_stop(&svm->sdev);
	WRITE_ONCE(svm->copy_faults, false);
	nvsvm_nvif_fault_object_fini(&svm->nrfault);
}

/* Take @fb over from nvkm, and allow its event. */
static void nvsvm_nvif_fault_start(struct nouveau_svm *svm,
				   struct nvsvm_nvif_fault_ring *fb)
{
	if (!fb->entries)
		return;
	nvsvm_hw_ring_take(&fb->ring);
	nvif_event_allow(&fb->notify);
}

/**
 * nvsvm_nvif_fault_resume() - start taking faults again
 * @svm: the device's SVM state
 *
 * Takes the non-replayable buffer from nvkm (under GSP-RM, the queue the
 * firmware fills), where there is one; SVM serves replayable faults
 * without it.
 *
 * Context: Process context; the fault worker is idle (after suspend, or
 * before the first resume).
 */
void nvsvm_nvif_fault_resume(struct nouveau_svm *svm)
{
	nvsvm_nvif_nr_init(svm);
	nvsvm_nvif_fault_start(svm, &svm->fault);
	nvsvm_nvif_fault_start(svm, &svm->nrfault);
	/* Read by GETPARAM without a lock (nvsvm_nvif_caps()). */
	WRITE_ONCE(svm->copy_faults, svm->nrfault.entries != 0);
	/* Faults may have come while the events were blocked. */
	nouveau_svm_fault_notify(&svm->sdev);
}

/**
 * nvsvm_nvif_fault_fini() - tear the fault buffers down
 * @svm: the device's SVM state
 *
 * Context: Process context (device teardown); waits for the fault worker.
 */
void nvsvm_nvif_fault_fini(struct nouveau_svm *svm)
{
	nvsvm_nvif_fault_suspend(svm);
	kvfree(svm->slots);
	svm->slots = NULL;
	nvsvm_nvif_fault_object_fini(&svm->fault);
}
