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
 * constructor returns).  The ring protocol is pure code
 * (nvsvm_hw_ring_drain() and nvsvm_hw_ring_take(), see "Fault ring
 * protocol"); the glue here only gives it accessors over nvif and decides
 * what becomes of each complete entry, decoded by nvsvm_hw_fault_decode().
 * From Volta on, GET and PUT also carry the
 * OVERFLOW and GETPTR_CORRUPTED flags: the index is read with
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
 * Replay and cancel are methods of any GP100-class VMM; the backend uses
 * the kernel client's.  A cancel goes through the channel-recovery
 * bookkeeping first (see "Channel recovery").
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
 * Pascal has no such buffer: there a copy-engine fault raises nvkm's MMU
 * fault interrupt, and nvkm recovers the channel.  Userspace learns which
 * it is from NOUVEAU_SVM_CAP_COPY_FAULTS, set while the backend holds the
 * buffer.
 */

/**
 * DOC: Locking
 *
 * - &nouveau_svm.chan_lock protects the channel list and the recovery
 *   bookkeeping; it is taken for each lookup and each cancel, and a
 *   kill (nouveau_channel_kill(), a spinlock inside, and the channel's
 *   NVIF_CHAN_V0_ERROR method, nvkm's channel spinlock inside) runs
 *   under it, so that nouveau_svmm_part() waits for it.
 * - &nvsvm_nvif_fault_ring.ring, &nouveau_svm.slots and &nouveau_svm.nslots
 *   belong to the core's fault worker, which never runs twice at once;
 *   suspend and resume touch them only after blocking the events and
 *   stopping the worker (nouveau_svm_fault_stop()).
 */

#include <linux/bitfield.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <nvif/class.h>
#include <nvif/clb069.h>
#include <nvif/if0020.h>
#include <nvif/ifc00d.h>

#include "../../nouveau_drv.h"
#include "../../nouveau_chan.h"
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
 * The targeted cancel of the unit @token names, in channel @hwinst.
 * nvkm cancels a GPC unit's faults only while FECS runs the channel's
 * group (gp100_vmm_fault_cancel()) and says -EAGAIN otherwise: the fault
 * then replays and comes back, and is cancelled again then (a known
 * channel's as a fault of a killed channel, NVSVM_HW_RECOVER_DRAIN).
 */
static void nvsvm_nvif_cancel_hw(struct nouveau_svm *svm, u64 hwinst, u32 token)
{
	struct gp100_vmm_fault_cancel_v0 args = { .inst = hwinst };
	int ret;

	nvsvm_hw_fault_token_unpack(token, &args.hub, &args.gpc, &args.client);
	ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
			       GP100_VMM_VN_FAULT_CANCEL, &args, sizeof(args));
	if (ret == -EAGAIN)
		NV_DEBUG(svm->drm, "svm: fault cancel %016llx: context not resident\n",
			 hwinst);
	else if (ret)
		NV_WARN(svm->drm, "svm: fault cancel %016llx: %d\n", hwinst, ret);
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
 * Cancel a fault of channel @hwinst of generation @gen, killing the
 * channel where need be, and then stopping it.
 */
static void nvsvm_nvif_cancel_inst(struct nouveau_svm *svm, u64 hwinst,
				   u32 token, u64 gen)
{
	u64 inst = hwinst & ~GENMASK_ULL(11, 0);
	unsigned int steps = nvsvm_nvif_cancel_recover(svm, inst, gen);

	if (steps & NVSVM_HW_CANCEL_UNIT)
		nvsvm_nvif_cancel_hw(svm, hwinst, token);
	if (steps & NVSVM_HW_CANCEL_STOP)
		nvsvm_nvif_stop(svm, inst, gen);
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
	u64 hwinst = nvsvm_nvif_hwinst(info);
	enum nvsvm_hw_recover_action act;
	struct nvsvm_nvif_chan *c;
	u64 ctx, gen;

	mutex_lock(&svm->chan_lock);
	c = nvsvm_nvif_chan_find(svm, info->inst);
	ctx = c ? c->ctx : 0;
	gen = c ? c->gen : U64_MAX;
	act = nvsvm_hw_recover_fetch(&svm->recover, info->inst);
	mutex_unlock(&svm->chan_lock);

	if (act == NVSVM_HW_RECOVER_DRAIN) {
		if (fault->access != NOUVEAU_SVM_ACCESS_PREFETCH)
			nvsvm_nvif_cancel_hw(svm, hwinst, fault->token);
		return false;
	}
	if (decoded) {
		/* An access no SVM mapping can serve (a physical one). */
		nvsvm_nvif_cancel_inst(svm, hwinst, fault->token, gen);
		return false;
	}
	svm->slots[slot].state = NVSVM_HW_SLOT_REPLAYABLE;
	svm->slots[slot].gen = gen;
	nvsvm_nvif_fault_give(svm, fault, slot, ctx, hwinst);
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

/* Let every stalled replayable access retry. */
static void nvsvm_nvif_replay_all(struct nouveau_svm *svm)
{
	struct gp100_vmm_fault_replay_vn args = {};
	int ret;

	ret = nvif_object_mthd(&svm->drm->client.vmm.vmm.object,
			       GP100_VMM_VN_FAULT_REPLAY, &args, sizeof(args));
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
 * gets a targeted cancel of the faulting unit, after its channel is
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
	struct nvsvm_hw_slot *s;

	if (WARN_ON(slot >= svm->nslots))
		return;
	s = &svm->slots[slot];
	switch (s->state) {
	case NVSVM_HW_SLOT_REPLAYABLE:
		nvsvm_nvif_cancel_inst(svm, s->hwinst, fault->token, s->gen);
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
	fb->device = device;
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
 */
static int nvsvm_nvif_nr_engines(struct nouveau_svm *svm)
{
	struct nvif_clb069_engines_v0 args = {};
	int ret;

	static_assert(sizeof(args.resumable) * BITS_PER_BYTE ==
		      NVSVM_HW_FAULT_ENGINES);
	ret = nvif_object_mthd(&svm->nrfault.object, NVIF_CLB069_V0_ENGINES,
			       &args, sizeof(args));
	if (ret)
		return ret;
	mutex_lock(&svm->chan_lock);
	nvsvm_hw_recover_set_resumable(&svm->recover, args.resumable);
	mutex_unlock(&svm->chan_lock);
	return 0;
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
	if (!ret) {
		ret = nvsvm_nvif_nr_engines(svm);
		if (ret)
			nvsvm_nvif_fault_object_fini(&svm->nrfault);
	}
	if (ret)
		NV_WARN(svm->drm, "svm: copy-engine and host faults not served: %d\n",
			ret);
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
 * Pascal, or where GSP-RM owns the buffers); -ENOMEM; an nvif error.
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
 * channels of its faults until the buffer is taken again.
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
 * Takes the non-replayable buffer from nvkm, where the GPU has one; SVM
 * serves replayable faults without it.
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
