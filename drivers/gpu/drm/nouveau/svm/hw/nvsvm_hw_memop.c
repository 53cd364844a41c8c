// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: the host method streams that
 * replay and cancel replayable faults from a channel, and resume a
 * channel a non-replayable fault stopped, for GPUs whose MMU and FIFO
 * registers belong to GSP-RM firmware.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Replay, cancel and resume through host methods
 *
 * Without GSP-RM, nvkm replays and cancels faults by writing the MMU's
 * invalidate register.  Under GSP-RM that register belongs to the
 * firmware, and NVIDIA's UVM driver, which runs beside it, replays and
 * cancels with the host's MEM_OP_A..D methods pushed on a kernel channel
 * of its own: one MMU_TLB_INVALIDATE whose REPLAY field says what to do.
 * alloc_channel.h calls TLB_INVALIDATE a privileged host method; which
 * channels of nvkm's the firmware lets run it is not published.  MEM_OP_D must
 * follow MEM_OP_A..C (clc36f.h), so each operation here is the four
 * methods in one incrementing burst, five dwords.  They are host methods:
 * the host executes them whatever subchannel the header names; the
 * stream names subchannel 0, as UVM's host pushes do.
 *
 * - Replay (REPLAY_START, or START_ACK_ALL to also acknowledge what the
 *   MMU is still holding) is a targeted invalidate of VA 0 in a PDB of
 *   address 0 in VRAM at the PTE level only, with the GPCs enabled: from
 *   Volta on the MMU forwards a replay to the uTLBs even when the PDB is
 *   not cached, and a PDB no VM uses invalidates nothing that matters
 *   (UVM: uvm_hal_volta_replay_faults()).
 * - A targeted cancel (REPLAY_CANCEL_TARGETED) names the uTLB by the GPC
 *   and the client unit in MEM_OP_A and cancels its faults in every PDB
 *   and at every VA: RM's register cancel
 *   (kgmmuFaultCancelIssueInvalidate_GP100(): ALL_PDB, ALL_VA, no ack)
 *   put in MEM_OP's fields, MMU_TLB_INVALIDATE with
 *   TLB_INVALIDATE_PDB_ALL.  No NVIDIA code pushes this form: UVM cancels
 *   by VA from Volta on, and RM writes the register.  That it reaches GPC
 *   clients only is inferred: MEM_OP has no client-type field, and RM's
 *   register cancel sets CLIENT_TYPE_GPC.
 * - A VA-global cancel (REPLAY_CANCEL_VA_GLOBAL) cancels every fault of
 *   one MMU engine on one 4 KiB page of one PDB: all accesses
 *   (ACCESS_TYPE_VIRT_ALL), or only writes and atomics
 *   (VIRT_WRITE_AND_ATOMIC) for a write to a read-only page.  This is how
 *   UVM cancels from Volta on (uvm_hal_volta_cancel_faults_va(), and
 *   uvm_hal_hopper_cancel_faults_va() for the wider engine id).  It names
 *   the engine, not a GPC unit, so it reaches hub clients (copy engines)
 *   too.
 *
 * The fields are those of Linux 7.3's nvhw/class/clc36f.h
 * (VOLTA_CHANNEL_GPFIFO_A).  The copies of NVIDIA's clc46f.h
 * (TURING_CHANNEL_GPFIFO_A), clc56f.h (AMPERE_CHANNEL_GPFIFO_A, the class
 * nvkm gives Ampere's and Ada's channels), clc86f.h
 * (HOPPER_CHANNEL_GPFIFO_A) and clc96f.h (BLACKWELL_CHANNEL_GPFIFO_A) that
 * UVM builds with (kernel-open/nvidia-uvm, 570.144) keep every one of
 * them, but for TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID, which Hopper and
 * Blackwell widen from 6:0 to 8:0; make check NV_HOST_CLASSES=... compares
 * them field by field.  BLACKWELL_CHANNEL_GPFIFO_B is refused: UVM pushes
 * _A's methods on it (its host HAL is _A's in uvm_hal.c), but no
 * published clca6f.h has them.
 *
 * The host's CLEAR_FAULTED method resumes a channel that a copy engine's
 * or a PBDMA's non-replayable fault stopped, on Turing under GSP-RM,
 * where there is no CHRAM for the CPU to clear the channel's ENG_FAULTED
 * or PBDMA_FAULTED bit in (nvkm says so with NVIF_CLB069_V0_CLEAR_MTHD).
 * HANDLE names the channel by the value nvkm gives (RM's work submit
 * token, opaque to the driver), TYPE the bit to clear, as UVM pushes it
 * (uvm_hal_turing_host_clear_faulted_channel_method()).  Linux's
 * clc36f.h has no CLEAR_FAULTED (NVIDIA's has Volta's, which names the
 * channel by its id), so its fields, NVSVM_HW_C46F_CLEAR_FAULTED*, are
 * defined here as clc46f.h has them, and make check NV_HOST_CLASSES=...
 * compares them.  It is encoded for TURING_CHANNEL_GPFIFO_A only: from
 * Ampere on UVM clears through CHRAM
 * (uvm_hal_ampere_host_clear_faulted_channel_register()), and so does
 * nvkm.
 */

/**
 * DOC: Locking
 *
 * None: the functions only read their arguments and write the buffer the
 * caller passes.
 */

#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/bitfield.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/sizes.h>
#include <linux/wordpart.h>

#include "../../include/nvif/class.h"
#include "../../include/nvhw/class/clc36f.h"
#include "nvsvm_hw.h"

/*
 * Widths of the fields that take an address in 4 KiB pages: the PDB's in
 * MEM_OP_C (31:12) and MEM_OP_D (26:0), the VA's in MEM_OP_A (31:12) and
 * MEM_OP_B (31:0), which hold any 64-bit address.
 */
#define NVSVM_HW_MEMOP_PDB_LO_BITS	20
#define NVSVM_HW_MEMOP_PDB_BITS		(NVSVM_HW_MEMOP_PDB_LO_BITS + 27)
#define NVSVM_HW_MEMOP_VA_LO_BITS	20

/*
 * MEM_OP_A's TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID as clc86f.h and clc96f.h
 * have it; clc36f.h to clc56f.h have 6:0, and the engine id is checked
 * against the class's width before it is put here.
 */
#define NVSVM_HW_C86F_MEM_OP_A_CANCEL_MMU_ENGINE_ID	GENMASK(8, 0)

/*
 * TURING_CHANNEL_GPFIFO_A's CLEAR_FAULTED as NVIDIA's clc46f.h has it:
 * the method, HANDLE (30:0), TYPE (31:31) and TYPE's values.
 * .ci/check.sh compares every line of this block with clc46f.h.
 */
#define NVSVM_HW_C46F_CLEAR_FAULTED				0x00000084
#define NVSVM_HW_C46F_CLEAR_FAULTED_HANDLE			GENMASK(30, 0)
#define NVSVM_HW_C46F_CLEAR_FAULTED_TYPE			GENMASK(31, 31)
#define NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_PBDMA_FAULTED		0x00000000
#define NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_ENG_FAULTED		0x00000001

/* The four MEM_OP words of one operation. */
struct nvsvm_hw_memop {
	u32 a, b, c, d;
};

/**
 * nvsvm_hw_memop_class_supported() - whether the streams suit a host class
 * @oclass: the class of the channel the stream is pushed on
 *
 * Context: Any context.
 * Return: true for TURING_CHANNEL_GPFIFO_A, AMPERE_CHANNEL_GPFIFO_A,
 * HOPPER_CHANNEL_GPFIFO_A and BLACKWELL_CHANNEL_GPFIFO_A.
 */
bool nvsvm_hw_memop_class_supported(u32 oclass)
{
	switch (oclass) {
	case TURING_CHANNEL_GPFIFO_A:
	case AMPERE_CHANNEL_GPFIFO_A:
	case HOPPER_CHANNEL_GPFIFO_A:
	case BLACKWELL_CHANNEL_GPFIFO_A:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_class_supported);

/**
 * nvsvm_hw_memop_engine_bits() - width of a VA-global cancel's engine id
 * @oclass: a host class nvsvm_hw_memop_class_supported() accepts
 *
 * TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID is 6:0 in clc46f.h and clc56f.h and
 * 8:0 in clc86f.h and clc96f.h.
 *
 * Context: Any context.
 * Return: the number of bits, 0 for a class not supported.
 */
unsigned int nvsvm_hw_memop_engine_bits(u32 oclass)
{
	switch (oclass) {
	case HOPPER_CHANNEL_GPFIFO_A:
	case BLACKWELL_CHANNEL_GPFIFO_A:
		return hweight32(NVSVM_HW_C86F_MEM_OP_A_CANCEL_MMU_ENGINE_ID);
	default:
		if (!nvsvm_hw_memop_class_supported(oclass))
			return 0;
		return DRF_BITS(NVC36F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID);
	}
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_engine_bits);

/* The PDB's aperture, or -EINVAL for one MEM_OP_C has no value for. */
static int nvsvm_hw_memop_aperture(u8 aperture)
{
	switch (aperture) {
	case NVC36F_MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_VID_MEM:
	case NVC36F_MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_SYS_MEM_COHERENT:
	case NVC36F_MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_SYS_MEM_NONCOHERENT:
		return aperture;
	default:
		return -EINVAL;
	}
}

/* MEM_OP_C's PDB fields and MEM_OP_D's for the PDB at page @pfn. */
static void nvsvm_hw_memop_set_pdb(struct nvsvm_hw_memop *op, u64 pfn,
				   u32 aperture)
{
	op->c |= NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_PDB, ONE) |
		 NVVAL(NVC36F, MEM_OP_C, TLB_INVALIDATE_PDB_APERTURE, aperture) |
		 NVVAL(NVC36F, MEM_OP_C, TLB_INVALIDATE_PDB_ADDR_LO,
		       pfn & GENMASK_ULL(NVSVM_HW_MEMOP_PDB_LO_BITS - 1, 0));
	op->d |= NVVAL(NVC36F, MEM_OP_D, TLB_INVALIDATE_PDB_ADDR_HI,
		       pfn >> NVSVM_HW_MEMOP_PDB_LO_BITS);
}

/* MEM_OP_A's and MEM_OP_B's VA fields for the page at @pfn. */
static void nvsvm_hw_memop_set_va(struct nvsvm_hw_memop *op, u64 pfn)
{
	op->a |= NVVAL(NVC36F, MEM_OP_A, TLB_INVALIDATE_TARGET_ADDR_LO,
		       pfn & GENMASK_ULL(NVSVM_HW_MEMOP_VA_LO_BITS - 1, 0));
	op->b |= NVVAL(NVC36F, MEM_OP_B, TLB_INVALIDATE_TARGET_ADDR_HI,
		       pfn >> NVSVM_HW_MEMOP_VA_LO_BITS);
}

/* Write @op as one burst of MEM_OP_A..D: NVSVM_HW_MEMOP_DW dwords. */
static int nvsvm_hw_memop_push(const struct nvsvm_hw_memop *op, u32 *buf,
			       unsigned int max)
{
	struct nvsvm_hw_push p = { .buf = buf, .subc = NVSVM_HW_HOST_SUBC };

	if (max < NVSVM_HW_MEMOP_DW)
		return -ENOSPC;
	nvsvm_hw_push_incr(&p, NVC36F_MEM_OP_A, 4);
	nvsvm_hw_push_data(&p, op->a);
	nvsvm_hw_push_data(&p, op->b);
	nvsvm_hw_push_data(&p, op->c);
	nvsvm_hw_push_data(&p, op->d);
	return p.n;
}

/**
 * nvsvm_hw_memop_replay() - the stream that replays the stalled faults
 * @oclass: the channel's host class (nvsvm_hw_memop_class_supported())
 * @ack_all: REPLAY_START_ACK_ALL rather than REPLAY_START
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (NVSVM_HW_MEMOP_DW is enough)
 *
 * Context: Any context.
 * Return: the number of dwords written; -EINVAL for an unsupported
 * @oclass; -ENOSPC when @max is too small (nothing is written then).
 */
int nvsvm_hw_memop_replay(u32 oclass, bool ack_all, u32 *buf, unsigned int max)
{
	struct nvsvm_hw_memop op = {
		.a = NVDEF(NVC36F, MEM_OP_A, TLB_INVALIDATE_SYSMEMBAR, DIS),
		.c = NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_GPC, ENABLE) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_PAGE_TABLE_LEVEL, PTE_ONLY),
		.d = NVDEF(NVC36F, MEM_OP_D, OPERATION, MMU_TLB_INVALIDATE_TARGETED),
	};

	if (!nvsvm_hw_memop_class_supported(oclass))
		return -EINVAL;
	op.c |= ack_all ?
		NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_REPLAY, START_ACK_ALL) :
		NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_REPLAY, START);
	nvsvm_hw_memop_set_pdb(&op, 0,
			       NVC36F_MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_VID_MEM);
	nvsvm_hw_memop_set_va(&op, 0);
	return nvsvm_hw_memop_push(&op, buf, max);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_replay);

/**
 * nvsvm_hw_memop_cancel_targeted() - the stream that cancels one uTLB's faults
 * @oclass: the channel's host class (nvsvm_hw_memop_class_supported())
 * @gpc: the GPC of the faulting unit (&nvsvm_hw_fault_info.gpc)
 * @client: its client unit (&nvsvm_hw_fault_info.client)
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (NVSVM_HW_MEMOP_DW is enough)
 *
 * The unit must be a GPC client: a hub client's faults are cancelled by
 * VA (nvsvm_hw_memop_cancel_va()).
 *
 * Context: Any context.
 * Return: the number of dwords written; -EINVAL for an unsupported
 * @oclass; -ERANGE when @gpc or @client is wider than its field (5 and 6
 * bits); -ENOSPC when @max is too small (nothing is written then).
 */
int nvsvm_hw_memop_cancel_targeted(u32 oclass, u8 gpc, u8 client, u32 *buf,
				   unsigned int max)
{
	struct nvsvm_hw_memop op = {
		.a = NVVAL(NVC36F, MEM_OP_A, TLB_INVALIDATE_CANCEL_TARGET_GPC_ID, gpc) |
		     NVVAL(NVC36F, MEM_OP_A, TLB_INVALIDATE_CANCEL_TARGET_CLIENT_UNIT_ID,
			   client) |
		     NVDEF(NVC36F, MEM_OP_A, TLB_INVALIDATE_SYSMEMBAR, DIS),
		.c = NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_PDB, ALL) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_GPC, ENABLE) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_REPLAY, CANCEL_TARGETED) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_ACK_TYPE, NONE),
		.d = NVDEF(NVC36F, MEM_OP_D, OPERATION, MMU_TLB_INVALIDATE),
	};

	if (!nvsvm_hw_memop_class_supported(oclass))
		return -EINVAL;
	if (gpc > DRF_MASK(NVC36F_MEM_OP_A_TLB_INVALIDATE_CANCEL_TARGET_GPC_ID) ||
	    client > DRF_MASK(NVC36F_MEM_OP_A_TLB_INVALIDATE_CANCEL_TARGET_CLIENT_UNIT_ID))
		return -ERANGE;
	return nvsvm_hw_memop_push(&op, buf, max);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_cancel_targeted);

/**
 * nvsvm_hw_memop_cancel_va() - the stream that cancels the faults on a page
 * @oclass: the channel's host class (nvsvm_hw_memop_class_supported())
 * @pdb: page directory base of the faulting VM
 * @addr: the faulting address (4 KiB aligned, as the fault buffer has it)
 * @engine: the MMU engine that faulted (&nvsvm_hw_fault_info.engine)
 * @mode: which of its accesses to cancel
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (NVSVM_HW_MEMOP_DW is enough)
 *
 * Context: Any context.
 * Return: the number of dwords written; -EINVAL for an unsupported
 * @oclass or @mode, an aperture MEM_OP_C has no value for, or an @addr or
 * PDB address not 4 KiB aligned; -ERANGE when @engine is wider than the
 * class's field (nvsvm_hw_memop_engine_bits()) or the PDB beyond the 47
 * bits of page number MEM_OP_C and MEM_OP_D hold; -ENOSPC when @max is too
 * small (nothing is written then).
 */
int nvsvm_hw_memop_cancel_va(u32 oclass, const struct nvsvm_hw_pdb *pdb,
			     u64 addr, u16 engine,
			     enum nvsvm_hw_cancel_va_mode mode, u32 *buf,
			     unsigned int max)
{
	struct nvsvm_hw_memop op = {
		.a = NVDEF(NVC36F, MEM_OP_A, TLB_INVALIDATE_SYSMEMBAR, DIS),
		.c = NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_GPC, ENABLE) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_REPLAY, CANCEL_VA_GLOBAL) |
		     NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_ACK_TYPE, NONE),
		.d = NVDEF(NVC36F, MEM_OP_D, OPERATION, MMU_TLB_INVALIDATE_TARGETED),
	};
	int aperture = nvsvm_hw_memop_aperture(pdb->aperture);
	unsigned int bits = nvsvm_hw_memop_engine_bits(oclass);

	if (!bits || aperture < 0 || !IS_ALIGNED(addr, SZ_4K) ||
	    !IS_ALIGNED(pdb->addr, SZ_4K))
		return -EINVAL;
	switch (mode) {
	case NVSVM_HW_CANCEL_VA_ALL:
		op.c |= NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_ACCESS_TYPE, VIRT_ALL);
		break;
	case NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC:
		op.c |= NVDEF(NVC36F, MEM_OP_C, TLB_INVALIDATE_ACCESS_TYPE,
			      VIRT_WRITE_AND_ATOMIC);
		break;
	default:
		return -EINVAL;
	}
	if (engine >= BIT(bits) ||
	    pdb->addr >> NVSVM_HW_PFN_SHIFT_4K >= BIT_ULL(NVSVM_HW_MEMOP_PDB_BITS))
		return -ERANGE;

	op.a |= FIELD_PREP(NVSVM_HW_C86F_MEM_OP_A_CANCEL_MMU_ENGINE_ID, engine);
	nvsvm_hw_memop_set_va(&op, addr >> NVSVM_HW_PFN_SHIFT_4K);
	nvsvm_hw_memop_set_pdb(&op, pdb->addr >> NVSVM_HW_PFN_SHIFT_4K, aperture);
	return nvsvm_hw_memop_push(&op, buf, max);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_cancel_va);

/**
 * nvsvm_hw_memop_cancel() - the stream that cancels one replayable fault
 * @oclass: the channel's host class (nvsvm_hw_memop_class_supported())
 * @pdb: page directory base of the faulting channel's VM, NULL when the
 *	channel is not known (it went with its faults still pending)
 * @addr: the faulting address (its 4 KiB page is cancelled)
 * @engine: the MMU engine that faulted (&nvsvm_hw_fault_info.engine)
 * @token: the unit that faulted (nvsvm_hw_fault_token())
 * @access: the fault's &enum nouveau_svm_access
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (NVSVM_HW_MEMOP_DW is enough)
 *
 * With @pdb, a VA-global cancel of @engine's accesses to the page
 * (nvsvm_hw_memop_cancel_va()), as UVM cancels from Volta on: every
 * access for a read, whose page cannot be read; only writes and atomics
 * for a write or an atomic, whose page may be readable, so that reads of
 * it by other channels of the VM go on (uvm_gpu_replayable_faults.c picks
 * the mode the same way).  Without @pdb, the targeted cancel of the
 * faulting GPC unit (nvsvm_hw_memop_cancel_targeted()).
 *
 * Context: Any context.
 * Return: the number of dwords written; -ENOENT for a hub unit's fault
 * without @pdb, which no stream here reaches; otherwise as the stream's
 * encoder returns.  Nothing is written on error.
 */
int nvsvm_hw_memop_cancel(u32 oclass, const struct nvsvm_hw_pdb *pdb,
			  u64 addr, u16 engine, u32 token, u8 access, u32 *buf,
			  unsigned int max)
{
	enum nvsvm_hw_cancel_va_mode mode = NVSVM_HW_CANCEL_VA_ALL;
	u8 hub, gpc, client;

	if (access == NOUVEAU_SVM_ACCESS_WRITE || access == NOUVEAU_SVM_ACCESS_ATOMIC)
		mode = NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC;
	if (pdb)
		return nvsvm_hw_memop_cancel_va(oclass, pdb, ALIGN_DOWN(addr, SZ_4K),
						engine, mode, buf, max);
	nvsvm_hw_fault_token_unpack(token, &hub, &gpc, &client);
	if (hub)
		return -ENOENT;
	return nvsvm_hw_memop_cancel_targeted(oclass, gpc, client, buf, max);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_cancel);

/**
 * nvsvm_hw_memop_clear_supported() - whether a host class has CLEAR_FAULTED
 * @oclass: the class of the channel the stream would be pushed on
 *
 * Context: Any context.
 * Return: true for TURING_CHANNEL_GPFIFO_A, the one class the backend
 * pushes CLEAR_FAULTED on (see "Replay, cancel and resume through host
 * methods").
 */
bool nvsvm_hw_memop_clear_supported(u32 oclass)
{
	return oclass == TURING_CHANNEL_GPFIFO_A;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_clear_supported);

/**
 * nvsvm_hw_memop_clear_faulted() - the stream that resumes a faulted channel
 * @oclass: the host class of the channel the stream is pushed on
 * @handle: the faulted channel's CLEAR_FAULTED handle, as nvkm gives it
 *	(NVIF_CLB069_V0_HANDLE)
 * @eng: clear ENG_FAULTED (a copy engine's fault) rather than
 *	PBDMA_FAULTED (a host access's, such as a semaphore's)
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (NVSVM_HW_CLEAR_FAULTED_DW is enough)
 *
 * One CLEAR_FAULTED method, as UVM pushes it on Turing
 * (uvm_hal_turing_host_clear_faulted_channel_method()).
 *
 * Context: Any context.
 * Return: the number of dwords written; -EINVAL for a class
 * nvsvm_hw_memop_clear_supported() refuses; -ERANGE for a @handle wider
 * than HANDLE's 31 bits; -ENOSPC when @max is too small (nothing is
 * written then).
 */
int nvsvm_hw_memop_clear_faulted(u32 oclass, u32 handle, bool eng, u32 *buf,
				 unsigned int max)
{
	struct nvsvm_hw_push p = { .buf = buf, .subc = NVSVM_HW_HOST_SUBC };
	u32 data;

	if (!nvsvm_hw_memop_clear_supported(oclass))
		return -EINVAL;
	if (handle > FIELD_MAX(NVSVM_HW_C46F_CLEAR_FAULTED_HANDLE))
		return -ERANGE;
	if (max < NVSVM_HW_CLEAR_FAULTED_DW)
		return -ENOSPC;
	data = FIELD_PREP(NVSVM_HW_C46F_CLEAR_FAULTED_HANDLE, handle) |
	       FIELD_PREP(NVSVM_HW_C46F_CLEAR_FAULTED_TYPE,
			  eng ? NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_ENG_FAULTED :
				NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_PBDMA_FAULTED);
	nvsvm_hw_push_incr(&p, NVSVM_HW_C46F_CLEAR_FAULTED, 1);
	nvsvm_hw_push_data(&p, data);
	return p.n;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_memop_clear_faulted);
