// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the host MEM_OP streams that replay and cancel faults
 * where GSP-RM owns the MMU, and the CLEAR_FAULTED stream that resumes a
 * faulted channel on Turing there (svm/hw/nvsvm_hw_memop.c).
 *
 * Every expected dword is written out in hex, worked out by hand from
 * the field positions and values of NVIDIA's clc46f.h
 * (TURING_CHANNEL_GPFIFO_A) and clc86f.h (HOPPER_CHANNEL_GPFIFO_A), and
 * the burst header from cl906f.h; the code builds them from Linux's
 * clc36f.h, so a field that moved between the two would show here.
 * Nothing here ran on a GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../include/nvif/class.h"
#include "../hw/nvsvm_hw.h"

/*
 * The burst header: SEC_OP INC_METHOD (1 << 29), METHOD_COUNT 4 (28:16),
 * subchannel 0 (15:13), METHOD_ADDRESS MEM_OP_A 0x28 >> 2 (11:0).
 */
#define MEMOP_HDR	0x2004000a

/* MEM_OP_D OPERATION (31:27): MMU_TLB_INVALIDATE 9, _TARGETED 0xa. */
#define OP_INVALIDATE	0x48000000
#define OP_TARGETED	0x50000000

/*
 * The host classes nvkm gives the channels of GPUs that run GSP-RM:
 * Turing's, Ampere's (Ada's too), Hopper's and GB10x's.
 */
static const u32 memop_classes[] = {
	TURING_CHANNEL_GPFIFO_A, AMPERE_CHANNEL_GPFIFO_A, HOPPER_CHANNEL_GPFIFO_A,
	BLACKWELL_CHANNEL_GPFIFO_A,
};

static void memop_class_desc(const u32 *oclass, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%04x", *oclass);
}

KUNIT_ARRAY_PARAM(memop_class, memop_classes, memop_class_desc);

static void expect_memop(struct kunit *test, const u32 *got, int n,
			 u32 a, u32 b, u32 c, u32 d)
{
	KUNIT_ASSERT_EQ(test, n, NVSVM_HW_MEMOP_DW);
	KUNIT_EXPECT_EQ(test, got[0], MEMOP_HDR);
	KUNIT_EXPECT_EQ_MSG(test, got[1], a, "MEM_OP_A");
	KUNIT_EXPECT_EQ_MSG(test, got[2], b, "MEM_OP_B");
	KUNIT_EXPECT_EQ_MSG(test, got[3], c, "MEM_OP_C");
	KUNIT_EXPECT_EQ_MSG(test, got[4], d, "MEM_OP_D");
}

/*
 * Replay: a targeted invalidate of VA 0 in the PDB at VRAM address 0,
 * PTE level only (PAGE_TABLE_LEVEL 9:7 = 1), GPCs enabled, REPLAY (4:2)
 * START 1 or START_ACK_ALL 2 (uvm_hal_volta_replay_faults()).
 */
static void memop_replay(struct kunit *test)
{
	const u32 *oclass = test->param_value;
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	n = nvsvm_hw_memop_replay(*oclass, false, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0, 0, 0x00000084, OP_TARGETED);
	n = nvsvm_hw_memop_replay(*oclass, true, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0, 0, 0x00000088, OP_TARGETED);
}

/*
 * Targeted cancel of GPC 3 (MEM_OP_A 10:6), client unit 0x15 (5:0): every
 * PDB (PDB 0:0 ALL), REPLAY CANCEL_TARGETED 3, ACK_TYPE NONE, a
 * non-targeted MMU_TLB_INVALIDATE (RM's ALL_PDB and ALL_VA).
 */
static void memop_cancel_targeted(struct kunit *test)
{
	const u32 *oclass = test->param_value;
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	n = nvsvm_hw_memop_cancel_targeted(*oclass, 3, 0x15, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0x000000d5, 0, 0x0000000d, OP_INVALIDATE);
	/* The widest ids the fields hold. */
	n = nvsvm_hw_memop_cancel_targeted(*oclass, 31, 63, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0x000007ff, 0, 0x0000000d, OP_INVALIDATE);

	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_targeted(*oclass, 32, 0, buf,
							     ARRAY_SIZE(buf)),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_targeted(*oclass, 0, 64, buf,
							     ARRAY_SIZE(buf)),
			-ERANGE);
}

/*
 * VA-global cancel of engine 0x45's faults on the page at 0x7fffdeadb000
 * of the PDB at 0x123456789000 in coherent system memory:
 * - MEM_OP_A: page number's low 20 bits in 31:12, engine in 6:0;
 * - MEM_OP_B: the page number's high bits, 0x7fff;
 * - MEM_OP_C: PDB ONE, its page number's low bits 0x56789 in 31:12,
 *   aperture SYS_MEM_COHERENT 2 in 11:10, ACCESS_TYPE (9:7) VIRT_ALL 7 or
 *   VIRT_WRITE_AND_ATOMIC 6, REPLAY CANCEL_VA_GLOBAL 5, ACK_TYPE NONE;
 * - MEM_OP_D: MMU_TLB_INVALIDATE_TARGETED, the PDB's high bits 0x1234.
 */
static void memop_cancel_va(struct kunit *test)
{
	const struct nvsvm_hw_pdb pdb = { .addr = 0x123456789000ULL, .aperture = 2 };
	const u32 *oclass = test->param_value;
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	n = nvsvm_hw_memop_cancel_va(*oclass, &pdb, 0x7fffdeadb000ULL, 0x45,
				     NVSVM_HW_CANCEL_VA_ALL, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0xdeadb045, 0x00007fff, 0x56789b94,
		     OP_TARGETED | 0x1234);
	n = nvsvm_hw_memop_cancel_va(*oclass, &pdb, 0x7fffdeadb000ULL, 0x45,
				     NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC, buf,
				     ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0xdeadb045, 0x00007fff, 0x56789b14,
		     OP_TARGETED | 0x1234);
}

/*
 * The ends of the address fields: a VA of 52 bits of page number fills
 * MEM_OP_A's 31:12 and all of MEM_OP_B; the highest PDB, 47 bits of page
 * number, fills MEM_OP_C's 31:12 and MEM_OP_D's 26:0; one page further is
 * out of range.  A PDB in VRAM (aperture 0) and non-coherent memory (3).
 */
static void memop_cancel_va_limits(struct kunit *test)
{
	struct nvsvm_hw_pdb pdb = { .addr = BIT_ULL(59) - SZ_4K, .aperture = 0 };
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	n = nvsvm_hw_memop_cancel_va(TURING_CHANNEL_GPFIFO_A, &pdb,
				     0xfffffffffffff000ULL, 0x7f,
				     NVSVM_HW_CANCEL_VA_ALL, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0xfffff07f, 0xffffffff, 0xfffff394,
		     OP_TARGETED | 0x07ffffff);

	pdb.addr = 0x1000;
	pdb.aperture = 3;
	n = nvsvm_hw_memop_cancel_va(AMPERE_CHANNEL_GPFIFO_A, &pdb, 0, 0,
				     NVSVM_HW_CANCEL_VA_ALL, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0, 0, 0x00001f94, OP_TARGETED);

	pdb.addr = BIT_ULL(59);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(TURING_CHANNEL_GPFIFO_A, &pdb,
						       0, 0, NVSVM_HW_CANCEL_VA_ALL,
						       buf, ARRAY_SIZE(buf)),
			-ERANGE);
}

/*
 * The engine id is 7 bits (6:0) in clc46f.h and clc56f.h and 9 (8:0) in
 * clc86f.h and clc96f.h: Hopper's graphics engines are numbered past 127.
 */
static void memop_cancel_va_engine_width(struct kunit *test)
{
	const struct nvsvm_hw_pdb pdb = { .addr = 0x1000, .aperture = 0 };
	u32 buf[NVSVM_HW_MEMOP_DW];
	int n;

	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_engine_bits(TURING_CHANNEL_GPFIFO_A), 7);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_engine_bits(AMPERE_CHANNEL_GPFIFO_A), 7);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_engine_bits(HOPPER_CHANNEL_GPFIFO_A), 9);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_engine_bits(BLACKWELL_CHANNEL_GPFIFO_A), 9);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_engine_bits(VOLTA_CHANNEL_GPFIFO_A), 0);

	n = nvsvm_hw_memop_cancel_va(HOPPER_CHANNEL_GPFIFO_A, &pdb, 0, 0x1a5,
				     NVSVM_HW_CANCEL_VA_ALL, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0x000001a5, 0, 0x00001394, OP_TARGETED);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(HOPPER_CHANNEL_GPFIFO_A, &pdb,
						       0, 0x200, NVSVM_HW_CANCEL_VA_ALL,
						       buf, ARRAY_SIZE(buf)),
			-ERANGE);
	n = nvsvm_hw_memop_cancel_va(BLACKWELL_CHANNEL_GPFIFO_A, &pdb, 0, 0x1ff,
				     NVSVM_HW_CANCEL_VA_ALL, buf, ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0x000001ff, 0, 0x00001394, OP_TARGETED);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(AMPERE_CHANNEL_GPFIFO_A, &pdb,
						       0, 0x80, NVSVM_HW_CANCEL_VA_ALL,
						       buf, ARRAY_SIZE(buf)),
			-ERANGE);
}

/* One VA cancel: the fault, and MEM_OP_A and _C as they must come out. */
struct memop_va_case {
	u32 oclass;
	u64 addr;
	u16 engine;
	bool hub;
	u8 access;
	u32 a, c;
};

static const struct memop_va_case memop_va_cases[] = {
	/* A read: every access; the address aligned down to its page. */
	{ TURING_CHANNEL_GPFIFO_A, 0x7fffdeadb123ULL, 0x45, false,
	  NOUVEAU_SVM_ACCESS_READ, 0xdeadb045, 0x56789b94 },
	/* A hub unit's fault: the VA form reaches it too. */
	{ TURING_CHANNEL_GPFIFO_A, 0x7fffdeadb000ULL, 0x45, true,
	  NOUVEAU_SVM_ACCESS_READ, 0xdeadb045, 0x56789b94 },
	/* A write or an atomic: writes and atomics only. */
	{ TURING_CHANNEL_GPFIFO_A, 0x7fffdeadb000ULL, 0x45, false,
	  NOUVEAU_SVM_ACCESS_WRITE, 0xdeadb045, 0x56789b14 },
	{ HOPPER_CHANNEL_GPFIFO_A, 0x7fffdeadb000ULL, 0x1a5, false,
	  NOUVEAU_SVM_ACCESS_ATOMIC, 0xdeadb1a5, 0x56789b14 },
};

/*
 * The cancel of one fault picks its form: by VA when its channel's page
 * directory is known (the address aligned down to its page, as the MMU
 * reports it), every access for a read and only writes and atomics for a
 * write or an atomic (ACCESS_TYPE VIRT_ALL 7 or VIRT_WRITE_AND_ATOMIC 6 in
 * MEM_OP_C 9:7), as UVM does; the targeted cancel of its GPC unit when
 * not; and nothing for a hub unit of an unknown channel, which only a VA
 * cancel could reach.
 */
static void memop_cancel_fault(struct kunit *test)
{
	const struct nvsvm_hw_pdb pdb = { .addr = 0x123456789000ULL, .aperture = 2 };
	u32 gpc_unit = nvsvm_hw_fault_token(0, 3, 0x15);
	u32 hub_unit = nvsvm_hw_fault_token(1, 0, 0x15);
	u32 buf[NVSVM_HW_MEMOP_DW];
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(memop_va_cases); i++) {
		const struct memop_va_case *t = &memop_va_cases[i];

		n = nvsvm_hw_memop_cancel(t->oclass, &pdb, t->addr, t->engine,
					  t->hub ? hub_unit : gpc_unit, t->access,
					  buf, ARRAY_SIZE(buf));
		expect_memop(test, buf, n, t->a, 0x00007fff, t->c,
			     OP_TARGETED | 0x1234);
	}

	n = nvsvm_hw_memop_cancel(AMPERE_CHANNEL_GPFIFO_A, NULL, 0x7fffdeadb000ULL,
				  0x45, gpc_unit, NOUVEAU_SVM_ACCESS_WRITE, buf,
				  ARRAY_SIZE(buf));
	expect_memop(test, buf, n, 0x000000d5, 0, 0x0000000d, OP_INVALIDATE);

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel(AMPERE_CHANNEL_GPFIFO_A, NULL,
						    0x7fffdeadb000ULL, 0x45,
						    hub_unit, NOUVEAU_SVM_ACCESS_READ,
						    buf, ARRAY_SIZE(buf)),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, buf[0], 0xa5a5a5a5);
	/* The token's client is 7 bits; the targeted cancel's field 6. */
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel(AMPERE_CHANNEL_GPFIFO_A, NULL, 0,
						    0, nvsvm_hw_fault_token(0, 0, 0x40),
						    NOUVEAU_SVM_ACCESS_READ, buf,
						    ARRAY_SIZE(buf)),
			-ERANGE);
}

/*
 * What is refused: classes without these methods (Volta never runs
 * GSP-RM; no published clca6f.h has them; nvkm gives no channel
 * AMPERE_CHANNEL_GPFIFO_B), an
 * aperture MEM_OP_C has no value for, unaligned addresses, an unknown
 * mode, and a buffer too small, which is left untouched.
 */
static void memop_rejects(struct kunit *test)
{
	const struct nvsvm_hw_pdb pdb = { .addr = 0x1000, .aperture = 2 };
	struct nvsvm_hw_pdb bad = pdb;
	u32 buf[NVSVM_HW_MEMOP_DW];
	const u32 tu = TURING_CHANNEL_GPFIFO_A;
	const u32 max = ARRAY_SIZE(buf);
	unsigned int i;

	KUNIT_EXPECT_FALSE(test, nvsvm_hw_memop_class_supported(VOLTA_CHANNEL_GPFIFO_A));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_memop_class_supported(AMPERE_CHANNEL_GPFIFO_B));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_memop_class_supported(BLACKWELL_CHANNEL_GPFIFO_B));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_memop_class_supported(TURING_DMA_COPY_A));
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_replay(VOLTA_CHANNEL_GPFIFO_A, false,
						    buf, max), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_targeted(BLACKWELL_CHANNEL_GPFIFO_B,
							     0, 0, buf, max), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(BLACKWELL_CHANNEL_GPFIFO_B, &pdb,
						       0, 0, NVSVM_HW_CANCEL_VA_ALL,
						       buf, max), -EINVAL);

	bad.aperture = 1;
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &bad, 0, 0,
						       NVSVM_HW_CANCEL_VA_ALL,
						       buf, max), -EINVAL);
	bad.aperture = 4;
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &bad, 0, 0,
						       NVSVM_HW_CANCEL_VA_ALL,
						       buf, max), -EINVAL);
	bad = pdb;
	bad.addr = 0x1800;
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &bad, 0, 0,
						       NVSVM_HW_CANCEL_VA_ALL,
						       buf, max), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &pdb, 0x10010, 0,
						       NVSVM_HW_CANCEL_VA_ALL,
						       buf, max), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &pdb, 0, 0,
						       NVSVM_HW_CANCEL_VA_WRITE_AND_ATOMIC + 1,
						       buf, max), -EINVAL);

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_replay(tu, false, buf, max - 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_targeted(tu, 0, 0, buf, max - 1),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_cancel_va(tu, &pdb, 0, 0,
						       NVSVM_HW_CANCEL_VA_ALL,
						       buf, max - 1), -ENOSPC);
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], 0xa5a5a5a5, "dword %u", i);
}

/*
 * CLEAR_FAULTED (clc46f.h): one incrementing method (SEC_OP 1 << 29,
 * METHOD_COUNT 1, subchannel 0, METHOD_ADDRESS 0x84 >> 2 = 0x21), then
 * HANDLE (30:0) with TYPE (31:31) ENG_FAULTED 1 or PBDMA_FAULTED 0.  The
 * handle is that of channel 3 of runlist 5 as nvkm makes it on Turing
 * (tu102_chan_doorbell_handle(): runlist << 16 | channel), and the
 * widest HANDLE holds.
 */
static void memop_clear_faulted(struct kunit *test)
{
	const u32 tu = TURING_CHANNEL_GPFIFO_A;
	u32 buf[NVSVM_HW_CLEAR_FAULTED_DW];
	const u32 max = ARRAY_SIZE(buf);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_memop_clear_faulted(tu, 0x00050003, true,
							   buf, max), 2);
	KUNIT_EXPECT_EQ(test, buf[0], 0x20010021);
	KUNIT_EXPECT_EQ(test, buf[1], 0x80050003);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_memop_clear_faulted(tu, 0x00050003, false,
							   buf, max), 2);
	KUNIT_EXPECT_EQ(test, buf[0], 0x20010021);
	KUNIT_EXPECT_EQ(test, buf[1], 0x00050003);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_memop_clear_faulted(tu, 0x7fffffff, false,
							   buf, max), 2);
	KUNIT_EXPECT_EQ(test, buf[1], 0x7fffffff);
}

/*
 * CLEAR_FAULTED is refused on every class but Turing's (Ampere on, the
 * CPU clears through CHRAM, and Volta's method names a channel id), for a
 * handle wider than HANDLE, and for a buffer too small, which is left
 * untouched.
 */
static void memop_clear_faulted_rejects(struct kunit *test)
{
	static const u32 others[] = {
		VOLTA_CHANNEL_GPFIFO_A, AMPERE_CHANNEL_GPFIFO_A,
		HOPPER_CHANNEL_GPFIFO_A, BLACKWELL_CHANNEL_GPFIFO_A,
		BLACKWELL_CHANNEL_GPFIFO_B, TURING_DMA_COPY_A,
	};
	const u32 tu = TURING_CHANNEL_GPFIFO_A;
	u32 buf[NVSVM_HW_CLEAR_FAULTED_DW];
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, nvsvm_hw_memop_clear_supported(tu));
	memset(buf, 0xa5, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(others); i++)
		KUNIT_EXPECT_FALSE_MSG(test, nvsvm_hw_memop_clear_supported(others[i]),
				       "class %04x", others[i]);
	for (i = 0; i < ARRAY_SIZE(others); i++)
		KUNIT_EXPECT_EQ_MSG(test, nvsvm_hw_memop_clear_faulted(others[i], 1, true,
								       buf, ARRAY_SIZE(buf)),
				    -EINVAL, "class %04x", others[i]);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_clear_faulted(tu, 0x80000000, true, buf,
							   ARRAY_SIZE(buf)), -ERANGE);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_memop_clear_faulted(tu, 1, true, buf,
							   ARRAY_SIZE(buf) - 1), -ENOSPC);
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], 0xa5a5a5a5, "dword %u", i);
}

static struct kunit_case nouveau_svm_memop_cases[] = {
	KUNIT_CASE_PARAM(memop_replay, memop_class_gen_params),
	KUNIT_CASE_PARAM(memop_cancel_targeted, memop_class_gen_params),
	KUNIT_CASE_PARAM(memop_cancel_va, memop_class_gen_params),
	KUNIT_CASE(memop_cancel_va_limits),
	KUNIT_CASE(memop_cancel_va_engine_width),
	KUNIT_CASE(memop_cancel_fault),
	KUNIT_CASE(memop_rejects),
	KUNIT_CASE(memop_clear_faulted),
	KUNIT_CASE(memop_clear_faulted_rejects),
	{}
};

static struct kunit_suite nouveau_svm_memop_suite = {
	.name = "nouveau_svm_memop",
	.test_cases = nouveau_svm_memop_cases,
};

kunit_test_suite(nouveau_svm_memop_suite);
