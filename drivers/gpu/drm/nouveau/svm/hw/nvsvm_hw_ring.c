// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: the fault ring protocol (reading entries
 * between GET and PUT, VALID first; handing them back; overflow and
 * corrupted pointers; handing the ring over), as pure code
 * over accessors the caller supplies.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Fault ring protocol
 *
 * The GPU writes one entry per fault into a ring and moves PUT; software
 * reads from GET to PUT and writes GET back.  The protocol rests on
 * these facts, and on nothing more:
 *
 * - PUT may move before the entries it covers are written, and the
 *   entries of one batch may be written in any order, word by word.  An
 *   entry is complete when its VALID bit (bit 31 of the last word) is
 *   set, which the GPU writes last.  So nvsvm_hw_ring_drain() reads the
 *   VALID word first, then, after a read barrier, the payload, as UVM's
 *   fetch_fault_buffer_entries() does (entry_is_valid(), then
 *   smp_mb__after_atomic(), then parse_entry()).  Reading the payload
 *   first could pair an old payload with a new VALID bit.  The barrier is
 *   rmb(): the buffer may be mapped through a BAR, and rmb() orders MMIO
 *   reads as well as memory reads.
 * - The GPU does not clear VALID: software clears it in every entry it
 *   consumed, before handing it back with GET, so that the slot reads as
 *   incomplete until the GPU writes it again.
 * - The GPU does not clear VALID for a previous owner either.  Slots an
 *   owner consumed without clearing VALID read as complete when the GPU
 *   claims them again, and PUT can move over such a slot before the new
 *   entry is written: its stale payload would be read as a fault, and a
 *   wrong instance could have a channel of another client recovered.
 *   Every owner must therefore read only complete entries and clear
 *   VALID in what it consumes, and the buffer must be clear of VALID bits
 *   before the GPU writes to it, as RM does (kgmmuCopyMmuFaults_GV100()
 *   clears the packets it copied before it writes GET;
 *   kgmmuFaultBufferMap_IMPL() clears the whole buffer before
 *   kgmmuEnableFaultBuffer_GV100() enables it).  nvkm allocates the
 *   buffers cleared, and nvkm's own loop (gv100_fault_buffer_process())
 *   reads VALID first and clears it.  A live ring cannot be scrubbed
 *   from here: the slots from PUT on are the GPU's to claim at any
 *   moment.
 *   nvsvm_hw_ring_take() therefore only reads GET, as UVM does when it
 *   takes the buffer.
 * - The VALID bits software clears must reach the buffer before GET
 *   does: once GET has moved past a slot, the GPU may write it again,
 *   and a late clear would erase the new entry's VALID.  A write barrier
 *   (wmb()) comes before the GET write, as RM's
 *   portAtomicMemoryFenceStore() does in kgmmuCopyMmuFaults_GV100(), and
 *   then a read of the last VALID word cleared: nvkm's buffers are in
 *   VRAM behind a BAR, where a posted write may still be on its way when
 *   the GET register write arrives, and a read completes the writes
 *   before it.
 * - The payload reads of an entry come before its VALID clear and the GET
 *   write because MMIO reads (readl(), nvif_rd32()) complete before the
 *   accesses after them, on x86 and on arm64 (__iormb()).
 *
 * An entry between GET and PUT that stays incomplete is waited for
 * (NVSVM_HW_RING_VALID_TRIES reads, 1 us apart, in each drain).  The
 * drain then stops and says so; the caller comes back later.  An entry
 * is never skipped: its write may only be late, and a VALID bit that
 * lands after GET has passed the slot is a stale entry the next time PUT
 * passes it.  So the ring waits for it, as UVM's
 * fetch_fault_buffer_entries() spins on it without end; after
 * NVSVM_HW_RING_STALLS drains on the same entry the drain reports it once
 * (&nvsvm_hw_ring_stat.stuck, as RM's polling copy reports a timeout)
 * and from then on each drain that ends at it sleeps, so that waiting
 * costs no CPU.
 *
 * From Volta on GET and PUT also carry OVERFLOW and GETPTR_CORRUPTED; see
 * nvsvm_hw_fault_index() and nvsvm_hw_fault_get_writes().  A drain that
 * finds PUT outside the ring starts again at the GPU's GET.
 */

/**
 * DOC: Locking
 *
 * None of its own: a &struct nvsvm_hw_ring belongs to one caller at a
 * time (the core's fault worker, or suspend and resume after the worker
 * is flushed), which serializes every call on it.
 */

#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/io.h>

#include "nvsvm_hw.h"

/* Byte offset of word @word of entry @index. */
static u32 nvsvm_hw_ring_off(u32 index, unsigned int word)
{
	return index * NVB069_FAULT_BUF_SIZE + word * 4;
}

/* The entry word that holds VALID, in bit 31. */
#define NVSVM_HW_RING_VALID_WORD	(NVSVM_HW_FAULT_ENTRY_WORDS - 1)
#define NVSVM_HW_RING_VALID		BIT(31)

static u32 nvsvm_hw_ring_rd(struct nvsvm_hw_ring *ring, u32 index,
			    unsigned int word)
{
	return ring->ops->rd_entry(ring->priv, nvsvm_hw_ring_off(index, word));
}

/* Clear VALID of entry @index, given its VALID word as read. */
static void nvsvm_hw_ring_clear(struct nvsvm_hw_ring *ring, u32 index, u32 last)
{
	ring->ops->wr_entry(ring->priv,
			    nvsvm_hw_ring_off(index, NVSVM_HW_RING_VALID_WORD),
			    last & ~NVSVM_HW_RING_VALID);
}

/* The GPU's GET or PUT, as an index of the ring, or -1 when out of it. */
static s64 nvsvm_hw_ring_index(struct nvsvm_hw_ring *ring, u32 reg)
{
	u32 index = nvsvm_hw_fault_index(ring->oclass, reg);

	return index < ring->entries ? index : -1;
}

/*
 * Write GET, after the VALID bits cleared (the last in entry @cleared,
 * or none when it is negative) have reached the buffer.
 */
static void nvsvm_hw_ring_write_get(struct nvsvm_hw_ring *ring, s64 cleared)
{
	u32 w[NVSVM_HW_FAULT_GET_WRITES];
	unsigned int i, n;

	n = nvsvm_hw_fault_get_writes(ring->oclass, ring->replayable, ring->get, w);
	/* The VALID bits cleared reach the buffer before GET moves. */
	wmb();
	if (cleared >= 0)
		nvsvm_hw_ring_rd(ring, cleared, NVSVM_HW_RING_VALID_WORD);
	for (i = 0; i < n; i++)
		ring->ops->wr_get(ring->priv, w[i]);
}

/*
 * Read entry @ring->get into @e, VALID word first: 0, or -EAGAIN while
 * the GPU has not finished it.
 */
static int nvsvm_hw_ring_read(struct nvsvm_hw_ring *ring, u32 *e)
{
	unsigned int i, try;
	u32 last;

	for (try = 0;; try++) {
		last = nvsvm_hw_ring_rd(ring, ring->get, NVSVM_HW_RING_VALID_WORD);
		if (last & NVSVM_HW_RING_VALID)
			break;
		if (try + 1 >= NVSVM_HW_RING_VALID_TRIES)
			return -EAGAIN;
		udelay(1);
	}
	/* The payload was written before VALID: read it after. */
	rmb();
	for (i = 0; i < NVSVM_HW_RING_VALID_WORD; i++)
		e[i] = nvsvm_hw_ring_rd(ring, ring->get, i);
	e[NVSVM_HW_RING_VALID_WORD] = last;
	nvsvm_hw_ring_clear(ring, ring->get, last);
	return 0;
}

/*
 * Entry @ring->get stays incomplete: count the drain, report the entry
 * once it has stalled NVSVM_HW_RING_STALLS drains, and sleep from then
 * on, since the GPU is in no hurry.
 */
static void nvsvm_hw_ring_stall(struct nvsvm_hw_ring *ring,
				struct nvsvm_hw_ring_stat *st)
{
	if (ring->stall_get != ring->get) {
		ring->stall_get = ring->get;
		ring->stalls = 0;
	}
	st->again = true;
	if (++ring->stalls < NVSVM_HW_RING_STALLS)
		return;
	if (ring->stalls == NVSVM_HW_RING_STALLS)
		st->stuck = true;
	usleep_range(NVSVM_HW_RING_STUCK_SLEEP_US, 2 * NVSVM_HW_RING_STUCK_SLEEP_US);
}

/* PUT is out of the ring: start again at the GPU's GET. */
static void nvsvm_hw_ring_reset(struct nvsvm_hw_ring *ring,
				struct nvsvm_hw_ring_stat *st)
{
	s64 get = nvsvm_hw_ring_index(ring, ring->ops->rd_get(ring->priv));

	st->reset = true;
	ring->get = get < 0 ? 0 : get;
	nvsvm_hw_ring_write_get(ring, -1);
}

/**
 * nvsvm_hw_ring_drain() - read the complete entries between GET and PUT
 * @ring: the ring, taken with nvsvm_hw_ring_take()
 * @take: called for each complete entry, in ring order, with @arg and the
 *	entry (NVSVM_HW_FAULT_ENTRY_WORDS words, VALID set); returns true
 *	when the entry counts against @max
 * @arg: passed to @take
 * @max: the most entries @take may count; the drain stops there
 * @st: filled in with what the drain found
 *
 * Reads entries from the ring's GET while PUT is ahead, each VALID word
 * first (see "Fault ring protocol"), clears VALID in each, and then
 * writes GET as nvsvm_hw_fault_get_writes() says (the replayable ring's
 * twice from Volta on, to clear its flags).  It stops at @max counted
 * entries, at PUT, or at an entry the GPU has not finished
 * (&nvsvm_hw_ring_stat.again: drain again later).
 *
 * Context: Process context in which @ring's accessors may be called;
 * waits with udelay() for an incomplete entry, up to
 * NVSVM_HW_RING_VALID_TRIES us, and sleeps when that entry is stuck.
 * Return: the number of entries @take counted.
 */
unsigned int nvsvm_hw_ring_drain(struct nvsvm_hw_ring *ring,
				 nvsvm_hw_ring_take_t take, void *arg,
				 unsigned int max, struct nvsvm_hw_ring_stat *st)
{
	u32 put_reg = ring->ops->rd_put(ring->priv);
	s64 put = nvsvm_hw_ring_index(ring, put_reg);
	s64 cleared = -1;
	unsigned int n = 0;
	int pending;

	*st = (struct nvsvm_hw_ring_stat) {
		.put_flags = put_reg & ~nvsvm_hw_fault_index(ring->oclass, put_reg),
	};
	pending = put < 0 ? -EINVAL : nvsvm_hw_fault_pending(ring->get, put,
							     ring->entries);
	if (pending < 0) {
		nvsvm_hw_ring_reset(ring, st);
		return 0;
	}

	while (pending > 0 && n < max) {
		u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];

		if (nvsvm_hw_ring_read(ring, e)) {
			nvsvm_hw_ring_stall(ring, st);
			break;
		}
		cleared = ring->get;
		ring->get = nvsvm_hw_fault_next(ring->get, ring->entries);
		ring->stalls = 0;
		pending--;
		st->read++;
		n += take(arg, e);
	}
	nvsvm_hw_ring_write_get(ring, cleared);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_ring_drain);

/**
 * nvsvm_hw_ring_take() - start reading a ring another owner had
 * @ring: the ring; &nvsvm_hw_ring.ops, .priv, .oclass, .entries and
 *	.replayable set
 *
 * Starts at the GPU's GET, as UVM's fault_buffer_reinit_replayable_faults()
 * does when it takes the buffer, and touches no entry: the slots from PUT
 * on are the GPU's to claim at any moment, so clearing one could erase
 * the VALID bit of a fault just written.  Stale VALID bits are kept out
 * by every owner clearing VALID in what it consumes (see "Fault ring
 * protocol").
 *
 * Context: Any context in which @ring's accessors may be called; the
 * ring's drain does not run.
 */
void nvsvm_hw_ring_take(struct nvsvm_hw_ring *ring)
{
	s64 get = nvsvm_hw_ring_index(ring, ring->ops->rd_get(ring->priv));

	ring->get = get < 0 ? 0 : get;
	ring->stalls = 0;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_ring_take);
