// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: the bookkeeping of channel recovery, which
 * decides, for each fault the buffer yields and each cancel the core asks
 * for, whether the fault is served, cancelled, drained, or kills its
 * channel.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Channel recovery
 *
 * A fault the core cannot serve is cancelled: the access fails and the
 * work that made it must not go on.  On Pascal nvkm's targeted cancel is
 * enough: the cancelled access raises an engine fault and nvkm's recovery
 * tears the channel down.  Upstream nouveau keeps SVM off on Volta and
 * later because there the same path ends in a reset of the engine, which
 * takes every client's work with it.  So on Volta and later the backend
 * first kills the faulting channel in software (nouveau_channel_kill():
 * its fences fail with -ENODEV and its owner's next submission fails),
 * then issues the targeted cancel, so that the stalled unit lets go of
 * the access, and then has nvkm stop the channel in hardware: block it
 * and ask for a preempt off its engine, as nvkm_chan_error() does in
 * nvkm's own recovery (the channel's NVIF_CHAN_V0_ERROR method); the steps
 * and their order are nvsvm_hw_recover_cancel_steps()'s.  The preempt is
 * not waited for, and whether a channel stopped this way leaves its engine
 * without nvkm's recovery resetting it is unverified.
 *
 * Every later lookup of a fault's channel (cancel, resume, recovery)
 * also checks the channel's join generation, kept in the fault's slot
 * since the fetch: a channel destroyed meanwhile may have handed its
 * instance to a new channel, which must not pay for the old one.
 *
 * A killed channel may still have faults in the buffer, or raise more
 * before it is gone.  They are drained: cancelled without the core ever
 * seeing them, and without a second kill.  Every other fault of the batch
 * is served and replayed as usual.  The table of killed channels is
 * small; a channel leaves it when it is destroyed, and a kill that finds
 * no room only costs a second cancel later.
 *
 * Faults of an instance no SVM channel has (a channel destroyed while its
 * faults were in flight) are cancelled but not remembered: nothing would
 * ever take them out of the table.
 *
 * Non-replayable faults (copy engines and host semaphores, Volta and
 * later) stall nothing but their own channel, which the GPU marks
 * faulted and leaves off its engine: nvsvm_hw_recover_fetch_nr() decides
 * for each.  One the core serves is resumed after the batch; one of a
 * channel that is not an SVM channel goes back to nvkm's recovery, as
 * before SVM took the buffer; one of an SVM channel that no mapping can
 * serve kills the channel; one of a killed channel is drained.  Only a
 * copy engine's ENG_FAULTED and a PBDMA's PBDMA_FAULTED can be cleared
 * (UVM clears nothing else: uvm_hal_volta_host_clear_faulted_channel_method()
 * takes only those two), so a non-replayable fault of any other engine,
 * such as GR, is decided at fetch like one no mapping can serve, rather
 * than served and then found impossible to resume.  nvkm says which
 * engine ids those are (a copy engine's from the GPU's PTOP table, the
 * PBDMAs' HOSTn from nvkm's table per class; under GSP-RM both from the
 * firmware's device info table).  Every such fault that is not resumed
 * goes to nvkm's recovery, which takes the channel off its runlist
 * (under GSP-RM, hands the fault back to the firmware, which does).
 *
 * A channel is resumed once per batch and engine, however many of its
 * faults the batch held (a copy engine may have had several accesses in
 * flight): its FAULTED state is one bit, and a second clear would find it
 * clear, or clear a fault raised after the first resume before anyone
 * served it.  A channel with a cancelled fault in the batch is not
 * resumed at all: nvkm is recovering it (nvsvm_hw_slots_resume()).
 *
 * The fault can reach the buffer before the GPU marks the channel
 * FAULTED (UVM's uvm_hal_ampere_host_clear_faulted_channel_register()
 * spins on the bit for that reason, "this can race with interrupt
 * notification").  nvkm therefore answers a resume of a channel not yet
 * marked with -EAGAIN, without waiting under its spinlock, and
 * nvsvm_hw_resume() tries again, sleeping in between, up to
 * NVSVM_HW_RESUME_TRIES times.  The bit is one per channel and engine,
 * and the faults of one burst may be split over two batches: the first
 * batch's resume clears the bit, and the second finds it clear for good.
 * So recovery remembers the last resumes (nvsvm_hw_recover_resume_end()):
 * a channel whose bit never shows but that was resumed in the batch
 * before is left alone, once, since it runs; any other goes to recovery
 * like a channel whose fault was cancelled, rather than being left
 * behind, stalled with nobody to resume it, should its bit show after
 * all.  Where the backend resumes a channel with a CLEAR_FAULTED method
 * (Turing under GSP-RM) there is no bit to look at: the method is pushed
 * once, as UVM pushes it, and only its failure counts.
 *
 * Everything here is pure bookkeeping, tested by KUnit; the backend does
 * the kills and cancels (nvsvm_nvif_fault.c).
 */

/**
 * DOC: Locking
 *
 * None here: the caller serialises every call on one &struct
 * nvsvm_hw_recover (the backend holds its channel lock).
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>

#include "nvsvm_hw.h"

static int nvsvm_hw_recover_find(const struct nvsvm_hw_recover *rec, u64 inst)
{
	unsigned int i;

	for (i = 0; i < rec->nr; i++)
		if (rec->killed[i] == inst)
			return i;
	return -1;
}

/**
 * nvsvm_hw_recover_init() - start the bookkeeping of a fault buffer
 * @rec: the bookkeeping
 * @per_channel: kill faulting channels in software (Volta and later)
 *
 * Context: Any context.
 */
void nvsvm_hw_recover_init(struct nvsvm_hw_recover *rec, bool per_channel)
{
	*rec = (struct nvsvm_hw_recover) { .per_channel = per_channel };
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_init);

/**
 * nvsvm_hw_recover_fetch() - what to do with a fault read from the buffer
 * @rec: the bookkeeping
 * @inst: instance of the faulting channel
 *
 * Context: Any context; the caller serialises calls on @rec.
 * Return: NVSVM_HW_RECOVER_DRAIN for a fault of a killed channel (and it
 * is counted), NVSVM_HW_RECOVER_SERVE otherwise.
 */
enum nvsvm_hw_recover_action nvsvm_hw_recover_fetch(struct nvsvm_hw_recover *rec,
						    u64 inst)
{
	if (nvsvm_hw_recover_find(rec, inst) < 0)
		return NVSVM_HW_RECOVER_SERVE;
	rec->drained++;
	return NVSVM_HW_RECOVER_DRAIN;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_fetch);

/**
 * nvsvm_hw_recover_set_resumable() - say which engines' channels resume
 * @rec: the bookkeeping
 * @resumable: bitmap of MMU engine ids, bit n of word n / 64 for engine n:
 *	the engines whose non-replayable faults leave a channel that a
 *	resume lets go on
 *
 * Context: Any context; the caller serialises calls on @rec.
 */
void nvsvm_hw_recover_set_resumable(struct nvsvm_hw_recover *rec,
				    const u64 resumable[NVSVM_HW_FAULT_ENGINES / 64])
{
	memcpy(rec->resumable, resumable, sizeof(rec->resumable));
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_set_resumable);

/* A non-replayable fault of MMU engine @engine leaves a resumable channel. */
static bool nvsvm_hw_recover_resumable(const struct nvsvm_hw_recover *rec,
				       u16 engine)
{
	return engine < NVSVM_HW_FAULT_ENGINES &&
	       (rec->resumable[engine / 64] & BIT_ULL(engine % 64));
}

/**
 * nvsvm_hw_recover_fetch_nr() - what to do with a non-replayable fault
 * @rec: the bookkeeping
 * @inst: instance of the faulting channel
 * @engine: the MMU engine that faulted (&nvsvm_hw_fault_info.engine)
 * @known: the instance belongs to a live SVM channel of the backend
 * @servable: the access is one the core can serve (a virtual access)
 *
 * A fault is served only where its channel can be resumed afterwards:
 * one of an engine that &nvsvm_hw_recover.resumable does not name (GR,
 * whose channel holds no FAULTED bit a resume could clear) is decided
 * here, at fetch, like an unservable access.  An unservable fault of a
 * known channel remembers the channel as killed.
 *
 * Context: Any context; the caller serialises calls on @rec.
 * Return: NVSVM_HW_RECOVER_DRAIN for a fault of a killed channel (and it
 * is counted); NVSVM_HW_RECOVER_CANCEL for a channel that is not an SVM
 * channel (nvkm recovers it, as it did before SVM); NVSVM_HW_RECOVER_KILL
 * for an unservable fault of an SVM channel; NVSVM_HW_RECOVER_SERVE
 * otherwise (the core serves it, then the channel is resumed).
 */
enum nvsvm_hw_recover_action nvsvm_hw_recover_fetch_nr(struct nvsvm_hw_recover *rec,
						       u64 inst, u16 engine,
						       bool known, bool servable)
{
	if (nvsvm_hw_recover_fetch(rec, inst) == NVSVM_HW_RECOVER_DRAIN)
		return NVSVM_HW_RECOVER_DRAIN;
	if (!known)
		return NVSVM_HW_RECOVER_CANCEL;
	if (!servable || !nvsvm_hw_recover_resumable(rec, engine))
		return nvsvm_hw_recover_cancel(rec, inst, true);
	return NVSVM_HW_RECOVER_SERVE;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_fetch_nr);

/**
 * nvsvm_hw_recover_cancel() - how to cancel a fault the core gave up on
 * @rec: the bookkeeping
 * @inst: instance of the faulting channel
 * @known: the instance belongs to a live SVM channel of the backend
 *
 * The first cancel of a known channel remembers it as killed.
 *
 * Context: Any context; the caller serialises calls on @rec.
 * Return: NVSVM_HW_RECOVER_DRAIN when the channel was killed already;
 * NVSVM_HW_RECOVER_KILL for the first cancel of a known channel with
 * per-channel recovery; NVSVM_HW_RECOVER_CANCEL otherwise.
 */
enum nvsvm_hw_recover_action nvsvm_hw_recover_cancel(struct nvsvm_hw_recover *rec,
						     u64 inst, bool known)
{
	if (nvsvm_hw_recover_find(rec, inst) >= 0) {
		rec->drained++;
		return NVSVM_HW_RECOVER_DRAIN;
	}
	if (!known)
		return NVSVM_HW_RECOVER_CANCEL;
	if (rec->nr < NVSVM_HW_RECOVER_MAX)
		rec->killed[rec->nr++] = inst;
	else
		rec->overflows++;
	return rec->per_channel ? NVSVM_HW_RECOVER_KILL : NVSVM_HW_RECOVER_CANCEL;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_cancel);

/**
 * nvsvm_hw_recover_cancel_steps() - the steps of a cancel the core asked for
 * @rec: the bookkeeping
 * @inst: instance of the faulting channel
 * @known: the instance belongs to a live SVM channel of the backend, the
 *	one that had it when the fault was fetched
 * @gone: the channel that had the instance at fetch is gone (destroyed
 *	since, its instance perhaps another channel's by now)
 *
 * A channel gone since the fetch gets nothing: neither its kill nor a
 * cancel in its instance may touch a new channel that reused it, and
 * nothing is remembered of it.  Otherwise the cancel goes through
 * nvsvm_hw_recover_cancel(): a kill (the first cancel of a known
 * channel, Volta and later) kills the channel in software before the
 * unit's cancel, so that its owner learns of it, and stops it in
 * hardware after the cancel, once the stalled unit has let go (see
 * "Channel recovery"); any other cancel only cancels.
 *
 * Context: Any context; the caller serialises calls on @rec.
 * Return: the NVSVM_HW_CANCEL_* steps to take, in their order; 0 for
 * none.
 */
unsigned int nvsvm_hw_recover_cancel_steps(struct nvsvm_hw_recover *rec,
					   u64 inst, bool known, bool gone)
{
	if (gone)
		return 0;
	if (nvsvm_hw_recover_cancel(rec, inst, known) == NVSVM_HW_RECOVER_KILL)
		return NVSVM_HW_CANCEL_KILL | NVSVM_HW_CANCEL_UNIT |
		       NVSVM_HW_CANCEL_STOP;
	return NVSVM_HW_CANCEL_UNIT;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_cancel_steps);

/**
 * nvsvm_hw_recover_forget() - a channel is destroyed
 * @rec: the bookkeeping
 * @inst: its instance, which a new channel may reuse from now on
 *
 * Context: Any context; the caller serialises calls on @rec.
 */
void nvsvm_hw_recover_forget(struct nvsvm_hw_recover *rec, u64 inst)
{
	int i = nvsvm_hw_recover_find(rec, inst);
	unsigned int j;

	for (j = 0; j < NVSVM_HW_RESUMED_MAX; j++)
		if (rec->resumed[j].inst == inst)
			rec->resumed[j].used = false;
	if (i < 0)
		return;
	rec->killed[i] = rec->killed[--rec->nr];
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_forget);

/* A slot before @i resumes the channel and engine of @slots[@i]. */
static bool nvsvm_hw_slot_resumed(const struct nvsvm_hw_slot *slots, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (slots[j].state == NVSVM_HW_SLOT_RESUME &&
		    slots[j].hwinst == slots[i].hwinst &&
		    slots[j].engine == slots[i].engine)
			return true;
	return false;
}

/* A fault of the channel of @slots[@i] was cancelled in the batch. */
static bool nvsvm_hw_slot_cancelled(const struct nvsvm_hw_slot *slots,
				    unsigned int n, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < n; j++)
		if (slots[j].state == NVSVM_HW_SLOT_CANCELLED &&
		    slots[j].hwinst == slots[i].hwinst)
			return true;
	return false;
}

/**
 * nvsvm_hw_slots_resume() - which faults of a batch resume their channel
 * @slots: the slots of the batch, after the core's cancels
 * @n: slots in the batch
 *
 * Of the slots left to resume, keeps one per channel and engine, the
 * first, and merges the others into it; merges every one of a channel
 * with a cancelled fault in the batch.
 *
 * Context: Any context.
 * Return: the number of slots left to resume.
 */
unsigned int nvsvm_hw_slots_resume(struct nvsvm_hw_slot *slots, unsigned int n)
{
	unsigned int i, left = 0;

	for (i = 0; i < n; i++) {
		if (slots[i].state != NVSVM_HW_SLOT_RESUME)
			continue;
		if (nvsvm_hw_slot_resumed(slots, i) ||
		    nvsvm_hw_slot_cancelled(slots, n, i))
			slots[i].state = NVSVM_HW_SLOT_MERGED;
		else
			left++;
	}
	return left;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_slots_resume);

/**
 * nvsvm_hw_resume() - resume a channel after its served non-replayable fault
 * @try: one try: asks nvkm to clear the channel's FAULTED state (the
 *	RESUME method); returns 0, -EAGAIN while the channel is not marked
 *	FAULTED yet, -ENOENT when the channel is gone, or another error
 * @arg: passed to @try
 *
 * Calls @try until it succeeds, finds the channel gone, or fails
 * otherwise; after an -EAGAIN it sleeps NVSVM_HW_RESUME_WAIT_US and tries
 * again, NVSVM_HW_RESUME_TRIES times in all (see "Channel recovery").
 *
 * Context: Process context; may sleep.
 * Return: 0 when the channel was resumed; -ENOENT when it is gone;
 * otherwise the last try's error, -EAGAIN when the channel never showed
 * as FAULTED.  nvsvm_hw_recover_resume_end() says what follows.
 */
int nvsvm_hw_resume(nvsvm_hw_resume_try_t try, void *arg)
{
	unsigned int tries;
	int ret;

	for (tries = 1;; tries++) {
		ret = try(arg);
		if (ret != -EAGAIN || tries >= NVSVM_HW_RESUME_TRIES)
			return ret;
		usleep_range(NVSVM_HW_RESUME_WAIT_US, 2 * NVSVM_HW_RESUME_WAIT_US);
	}
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_resume);

/**
 * nvsvm_hw_recover_resume_end() - what becomes of a channel after its resume
 * @rec: the bookkeeping
 * @inst: the channel's instance
 * @engine: the engine whose fault was served
 * @batch: the number of the batch that served the fault
 * @ret: what nvsvm_hw_resume() returned
 *
 * Remembers a resume that succeeded.  A channel never marked FAULTED
 * (-EAGAIN) that was resumed for @engine after the batch before, for a
 * fault of the same burst, had its bit cleared by that resume: it runs,
 * and is left alone, once.  An older resume explains nothing: that
 * channel's bit may yet show, and the channel goes to recovery.
 *
 * Context: Any context; the caller serialises calls on @rec.
 * Return: true when the channel goes to recovery: a resume failed, or
 * the channel never showed as FAULTED and no resume explains it.
 */
bool nvsvm_hw_recover_resume_end(struct nvsvm_hw_recover *rec, u64 inst,
				 u16 engine, u64 batch, int ret)
{
	unsigned int i;

	if (!ret) {
		rec->resumed[rec->resumed_next].inst = inst;
		rec->resumed[rec->resumed_next].engine = engine;
		rec->resumed[rec->resumed_next].batch = batch;
		rec->resumed[rec->resumed_next].used = true;
		rec->resumed_next = (rec->resumed_next + 1) % NVSVM_HW_RESUMED_MAX;
		return false;
	}
	if (ret == -ENOENT)
		return false;
	if (ret != -EAGAIN)
		return true;
	for (i = 0; i < NVSVM_HW_RESUMED_MAX; i++) {
		if (!rec->resumed[i].used || rec->resumed[i].inst != inst ||
		    rec->resumed[i].engine != engine ||
		    rec->resumed[i].batch + 1 < batch)
			continue;
		rec->resumed[i].used = false;
		return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_recover_resume_end);
