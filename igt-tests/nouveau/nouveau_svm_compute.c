// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm compute
 * Category: Core
 * Mega feature: SVM
 * Sub-category: Compute
 * Functionality: the words the device layer's compute path gives a GPU:
 *	shader encodings, QMDs and compute-class method streams
 * Description: Host-side checks of what can be checked without an NVIDIA
 *	GPU.  Instruction encodings are compared word for word with what
 *	NVIDIA's assembler (ptxas 13.0, SM 7.5 and 8.0) and envytools'
 *	disassembler (Maxwell/Pascal) say of the same instructions; QMDs and
 *	method streams with the field positions of NVIDIA's published class
 *	headers, written out here by hand.  No device is opened: these run
 *	anywhere, and a GPU is needed for none of them.
 *
 * SUBTEST: isa-encodings
 * Description: Each instruction form the shaders use, encoded for each
 *	ISA family, equals the reference word, one dynamic subtest per
 *	family:
 *	- sm50: Maxwell and Pascal, against words envydis -m gm107 decodes
 *	  to the same instruction.
 *	- sm70: Volta and Turing, against ptxas -arch=sm_75 output (for the
 *	  strong system-scope STG and ATOMG.ADD, which ptxas emits only in
 *	  a descriptor form, their ordering field).
 *	- sm80: Ampere and Ada, against ptxas -arch=sm_80 output where the
 *	  encoding differs from SM 7.5 (memory ordering), and IMAD.
 *
 * SUBTEST: isa-rejects
 * Description: The assembler refuses what an ISA family cannot encode:
 *	an instruction of the other family, an unaligned register pair, an
 *	SM50 compare-and-swap whose new value does not follow the compare
 *	value, an offset out of range.
 *
 * SUBTEST: shaders
 * Description: Every shader assembles for every ISA family into a
 *	128-byte multiple that ends by branching to itself; every
 *	instruction stalls 15 cycles and waits for every scoreboard, and
 *	each variable-latency one sets scoreboard 0 for its result and 1 for
 *	its sources; one dynamic subtest per family and shader, and
 *	register-count: the registers a program names, as its QMD gets them.
 *
 * SUBTEST: qmd
 * Description: The QMD of one launch, every word against the published
 *	field positions, one dynamic subtest per QMD version and GPU:
 *	- v02-01-pascal: QMD V02_01 (clc0c0qmd.h).
 *	- v02-02-volta: QMD V02_02 (clc3c0qmd.h), Volta's carveouts.
 *	- v02-02-turing: QMD V02_02 with Turing's carveouts.
 *	- v03-00-ampere: QMD V03_00 (clc6c0qmd.h, clc7c0qmd.h).
 *
 * SUBTEST: qmd-rejects
 * Description: A launch the QMD cannot describe is refused: no CTA, more
 *	than 1024 threads, unaligned program or constant buffer, a constant
 *	buffer over 64 KiB, a Pascal program offset of 32 bits or more.
 *
 * SUBTEST: compute-classes
 * Description: Each GPU from Pascal to Ada gets its compute class's QMD
 *	version, ISA family and shared-memory carveouts; a class of another
 *	generation, or a GPU outside Pascal to Ada, gets -ENODEV.
 *
 * SUBTEST: method-streams
 * Description: The method streams of compute setup and launch, word for
 *	word, one dynamic subtest per case:
 *	- setup-pascal: program region and 32-bit windows.
 *	- setup-volta: the 64-bit windows, no program region.
 *	- launch-turing: SEND_PCAS_A then SEND_SIGNALING_PCAS_B.
 *	- launch-ampere: SEND_PCAS_A then SEND_SIGNALING_PCAS2_B.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "drivers/gpu/drm/nouveau/include/nvif/class.h"

#include "igt.h"
#include "svm_nv_compute.h"
#include "svm_nv_isa.h"

IGT_TEST_DESCRIPTION("Shader encodings, QMDs and method streams of the "
		     "nouveau device layer's compute path, checked on the host");

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* ------------------------------------------------------------------ */
/* Instruction encodings                                               */
/* ------------------------------------------------------------------ */

#define X(o, ...)	{ .op = SVM_NV_OP_##o, .guard = SVM_NV_PT, __VA_ARGS__ }

struct ref_insn {
	const char *text;		/* what the reference says it is */
	struct svm_nv_insn insn;
	uint64_t lo, hi;		/* SM50: lo only */
};

/*
 * Maxwell/Pascal: each word decodes, with envydis -m gm107 -W (envytools
 * f102b823), to the instruction in @text; the same words for -V sm60.
 */
static const struct ref_insn sm50_refs[] = {
	{ "S2R R0, SR_TID.X",
	  X(S2R, .d = 0, .imm = SVM_NV_SR_TID_X), 0xf0c8000002170000 },
	{ "S2R R1, SR_CTAID.X",
	  X(S2R, .d = 1, .imm = SVM_NV_SR_CTAID_X), 0xf0c8000002570001 },
	{ "MOV R2, c[0x0][0x0]", X(MOV_CB, .d = 2, .cb = 0), 0x4c98078000070002 },
	{ "MOV R8, c[0x0][0x10]", X(MOV_CB, .d = 8, .cb = 0x10), 0x4c98078000470008 },
	{ "MOV32I R3, 0xdeadbeef",
	  X(MOV_IMM, .d = 3, .imm = (int32_t)0xdeadbeef), 0x010deadbeef7f003 },
	{ "ISCADD R9, R1, R0, 0x8",
	  X(ISCADD, .d = 9, .a = 1, .b = 0, .imm = 8), 0x5c18040000070109 },
	{ "ISCADD R3, R2, RZ, 0x3",
	  X(ISCADD, .d = 3, .a = 2, .b = SVM_NV_RZ, .imm = 3), 0x5c1801800ff70203 },
	{ "IADD.CC R12, R10, c[0x0][0x10]",
	  X(IADD_CC_CB, .d = 12, .a = 10, .cb = 0x10), 0x4c10800000470a0c },
	{ "IADD.X R13, RZ, c[0x0][0x14]",
	  X(IADD_X_CB, .d = 13, .a = SVM_NV_RZ, .cb = 0x14), 0x4c1008000057ff0d },
	{ "ISETP.GE.U32.AND P0, PT, R2, c[0x0][0x28], PT",
	  X(ISETP_GE_CB, .d = 0, .a = 2, .cb = 0x28), 0x4b6c038000a70207 },
	{ "EXIT", X(EXIT), 0xe30000000007000f },
	{ "@P0 EXIT", { .op = SVM_NV_OP_EXIT, .guard = 0 }, 0xe30000000000000f },
	{ "BRA to itself", X(BRA_SELF), 0xe2400fffff87000f },
	{ "NOP", X(NOP), 0x50b0000000070f00 },
	{ "LDG.E.64 R14, [R12+0x8]",
	  X(LDG64, .d = 14, .a = 12, .imm = 8), 0xeed5200000870c0e },
	{ "STG.E.64 [R12], R14",
	  X(STG64, .a = 12, .b = 14), 0xeedd200000070c0e },
	{ "ATOM.E.ADD.U64 R16, [R12], R14",
	  X(ATOM_ADD64, .d = 16, .a = 12, .b = 14), 0xed05000000e70c10 },
	{ "ATOM.E.CAS.64 R16, [R12], R20",
	  X(ATOM_CAS64, .d = 16, .a = 12, .b = 20, .c = 22), 0xeef3000001470c10 },
};

#define GPU	.mem = SVM_NV_MEM_STRONG_GPU
#define SYS	.mem = SVM_NV_MEM_STRONG_SYS

/*
 * Volta/Turing: ptxas 13.0 -arch=sm_75 output for the same instruction
 * (the PTX: mov of %tid.x and %ctaid.x, mad.lo.u32, mul.wide.u32 + add,
 * setp.ge.u32 + @p ret, ld/st.global.u64, atom.global{,.sys}.add/cas.b64).
 * The scheduling bits (105..127) are compared in sched_refs.
 */
static const struct ref_insn sm70_refs[] = {
	{ "S2R R4, SR_TID.X", X(S2R, .d = 4, .imm = SVM_NV_SR_TID_X),
	  0x0000000000047919, 0x000e280000002100 },
	{ "S2R R3, SR_CTAID.X", X(S2R, .d = 3, .imm = SVM_NV_SR_CTAID_X),
	  0x0000000000037919, 0x000e240000002500 },
	{ "MOV R5, 0x8", X(MOV_IMM, .d = 5, .imm = 8),
	  0x0000000800057802, 0x000fca0000000f00 },
	{ "MOV R1, c[0x0][0x28]", X(MOV_CB, .d = 1, .cb = 0x28),
	  0x00000a0000017a02, 0x000fe40000000f00 },
	{ "IMAD R0, R0, 0x64, R3", X(IMAD_IMM, .d = 0, .a = 0, .imm = 100, .c = 3),
	  0x0000006400007824, 0x001fc800078e0203 },
	{ "IMAD.WIDE.U32 R2, R4, R5, c[0x0][0x168]",
	  X(IMAD_WIDE_CB, .d = 2, .a = 4, .b = 5, .cb = 0x168),
	  0x00005a0004027625, 0x000fd000078e0005 },
	{ "ISETP.GE.U32.AND P0, PT, R4, c[0x0][0x170], PT",
	  X(ISETP_GE_CB, .d = 0, .a = 4, .cb = 0x170),
	  0x00005c0004007a0c, 0x000fd80003f06070 },
	{ "@P0 EXIT", { .op = SVM_NV_OP_EXIT, .guard = 0 },
	  0x000000000000094d, 0x000fea0003800000 },
	{ "EXIT", X(EXIT), 0x000000000000794d, 0x000fea0003800000 },
	{ "BRA to itself", X(BRA_SELF),
	  0xfffffff000007947, 0x000fc0000383ffff },
	{ "NOP", X(NOP), 0x0000000000007918, 0x000fc00000000000 },
	{ "LDG.E.64 R2, [R2.64+0x10]", X(LDG64, .d = 2, .a = 2, .imm = 0x10),
	  0x0000100002027381, 0x000ea200001eeb00 },
	{ "STG.E.64 [R4.64+0x8], R2", X(STG64, .a = 4, .b = 2, .imm = 8),
	  0x0000080204007386, 0x004fe2000010eb00 },
	{ "ATOMG.E.ADD.64.STRONG.GPU PT, R6, [R2.64], R4",
	  X(ATOM_ADD64, .d = 6, .a = 2, .b = 4, GPU),
	  0x00000004020673a8, 0x000ea800001f45ff },
	{ "ATOMG.E.CAS.64.STRONG.GPU PT, R6, [R2.64+0x8], R4, R6",
	  X(ATOM_CAS64, .d = 6, .a = 2, .b = 4, .c = 6, .imm = 8, GPU),
	  0x00000804020673a9, 0x004ea200001f4506 },
	{ "ATOMG.E.CAS.64.STRONG.SYS PT, R8, [R2.64+0x18], R8, R10",
	  X(ATOM_CAS64, .d = 8, .a = 2, .b = 8, .c = 10, .imm = 0x18, SYS),
	  0x00001808020873a9, 0x004ea800001f650a },
};

/* Ampere/Ada: ptxas 13.0 -arch=sm_80, where SM 8.0 encodes differently. */
static const struct ref_insn sm80_refs[] = {
	{ "ATOMG.E.CAS.64.STRONG.GPU PT, R6, [R2.64+0x8], R4, R6",
	  X(ATOM_CAS64, .d = 6, .a = 2, .b = 4, .c = 6, .imm = 8, GPU),
	  0x00000804020673a9, 0x004ea200001ee506 },
	{ "ATOMG.E.CAS.64.STRONG.SYS PT, R8, [R2.64+0x18], R8, R10",
	  X(ATOM_CAS64, .d = 8, .a = 2, .b = 8, .c = 10, .imm = 0x18, SYS),
	  0x00001808020873a9, 0x004ea800001f450a },
	{ "IMAD R5, R5, 0x64, R2", X(IMAD_IMM, .d = 5, .a = 5, .imm = 100, .c = 2),
	  0x0000006405057824, 0x001fc800078e0202 },
};

/* Scheduling bits 105..127 of the SM70+ words: kept out of the compare. */
#define SM70_SCHED_MASK		(~0ull << 41)

/*
 * The scheduling of four of those ptxas words, decoded by hand (stall
 * 105..108, yield 109, write barrier 110..112, read barrier 113..115,
 * wait mask 116..121): given the same, the whole word must match.
 */
static const struct {
	unsigned int ref;
	struct svm_nv_sched sched;
} sched_refs[] = {
	{ 0, { .stall = 4, .yield = 1, .wr = 0, .rd = 7, .wait = 0 } },
	{ 11, { .stall = 1, .yield = 1, .wr = 2, .rd = 7, .wait = 0 } },
	{ 12, { .stall = 1, .yield = 1, .wr = 7, .rd = 7, .wait = 0x4 } },
	{ 7, { .stall = 5, .yield = 1, .wr = 7, .rd = 7, .wait = 0 } },
};

/*
 * ptxas emits a strong system-scope STG or ATOMG.ADD only in the
 * descriptor form (opcodes 0x986, 0x9a8, which read a memory descriptor
 * the CUDA driver sets up); the shaders here use the plain forms NAK
 * emits.  The ordering and scope field (bits 77..80) is the same field in
 * both: it is compared with ptxas's, (high word >> 13) & 0xf of
 * "st.global.relaxed.sys.u64" and "atom.global.sys.add.u64".
 */
static const struct {
	enum svm_nv_isa isa;
	const char *text;
	struct svm_nv_insn insn;
	uint64_t ptxas_hi;
} order_refs[] = {
	{ SVM_NV_ISA_SM70, "STG.E.64.STRONG.SYS",
	  X(STG64, .a = 2, .b = 4, SYS), 0x000fe2000c116b04 },
	{ SVM_NV_ISA_SM70, "ATOMG.E.ADD.64.STRONG.SYS",
	  X(ATOM_ADD64, .d = 2, .a = 4, .b = 6, SYS), 0x000ea800081f6544 },
	{ SVM_NV_ISA_SM80, "STG.E.64.STRONG.SYS",
	  X(STG64, .a = 2, .b = 4, SYS), 0x000fe2000c115b04 },
	{ SVM_NV_ISA_SM80, "ATOMG.E.ADD.64.STRONG.SYS",
	  X(ATOM_ADD64, .d = 2, .a = 4, .b = 6, SYS), 0x000ea800081f45c4 },
};

static void check_order_refs(enum svm_nv_isa isa)
{
	const struct svm_nv_sched none = { .wr = 7, .rd = 7 };

	for (unsigned int i = 0; i < ARRAY_SIZE(order_refs); i++) {
		uint64_t w[2];

		if (order_refs[i].isa != isa)
			continue;
		igt_assert(!svm_nv_encode(isa, &order_refs[i].insn, &none, w));
		igt_assert_f(((w[1] >> 13) & 0xf) ==
			     ((order_refs[i].ptxas_hi >> 13) & 0xf),
			     "%s: ordering %#" PRIx64 ", ptxas %#" PRIx64 "\n",
			     order_refs[i].text, (w[1] >> 13) & 0xf,
			     (order_refs[i].ptxas_hi >> 13) & 0xf);
	}
}

static void check_refs(enum svm_nv_isa isa, const struct ref_insn *refs,
		       unsigned int n)
{
	const struct svm_nv_sched none = { .wr = 7, .rd = 7 };

	for (unsigned int i = 0; i < n; i++) {
		uint64_t w[2];

		igt_assert_f(!svm_nv_encode(isa, &refs[i].insn, &none, w),
			     "%s: refused\n", refs[i].text);
		igt_debug("%-56s %016" PRIx64 " %016" PRIx64 "\n",
			  refs[i].text, w[0], w[1]);
		igt_assert_f(w[0] == refs[i].lo,
			     "%s: %#018" PRIx64 ", reference %#018" PRIx64 "\n",
			     refs[i].text, w[0], refs[i].lo);
		if (isa == SVM_NV_ISA_SM50)
			continue;
		igt_assert_f((w[1] & ~SM70_SCHED_MASK) ==
			     (refs[i].hi & ~SM70_SCHED_MASK),
			     "%s: high word %#018" PRIx64 ", reference %#018"
			     PRIx64 "\n", refs[i].text, w[1], refs[i].hi);
	}
}

static void check_sm70_sched(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(sched_refs); i++) {
		const struct ref_insn *r = &sm70_refs[sched_refs[i].ref];
		uint64_t w[2];

		igt_assert(!svm_nv_encode(SVM_NV_ISA_SM70, &r->insn,
					  &sched_refs[i].sched, w));
		igt_assert_f(w[1] == r->hi, "%s: %#018" PRIx64 ", ptxas %#018"
			     PRIx64 "\n", r->text, w[1], r->hi);
	}
}

/*
 * The SM50 control word of three slots, from envydis's reading of
 * 0x07ffbc3fe1e1ff0f: "(st 0xf wr 0x0 wt 0x3f) (st 0xf wr 0x0 wt 0x3f)
 * (st 0xf wt 0x3f)", no read barriers.
 */
static void check_sm50_control(void)
{
	const struct svm_nv_sched s[3] = {
		{ .stall = 15, .wr = 0, .rd = 7, .wait = 0x3f },
		{ .stall = 15, .wr = 0, .rd = 7, .wait = 0x3f },
		{ .stall = 15, .wr = 7, .rd = 7, .wait = 0x3f },
	};

	igt_assert_eq_u64(svm_nv_sm50_control(s), 0x07ffbc3fe1e1ff0full);
}

static void test_isa_encodings(void)
{
	igt_dynamic("sm50") {
		check_refs(SVM_NV_ISA_SM50, sm50_refs, ARRAY_SIZE(sm50_refs));
		check_sm50_control();
	}
	igt_dynamic("sm70") {
		check_refs(SVM_NV_ISA_SM70, sm70_refs, ARRAY_SIZE(sm70_refs));
		check_order_refs(SVM_NV_ISA_SM70);
		check_sm70_sched();
	}
	igt_dynamic("sm80") {
		check_refs(SVM_NV_ISA_SM80, sm80_refs, ARRAY_SIZE(sm80_refs));
		check_order_refs(SVM_NV_ISA_SM80);
	}
}

static int encode(enum svm_nv_isa isa, struct svm_nv_insn insn)
{
	struct svm_nv_sched s = svm_nv_sched_of(&insn);
	uint64_t w[2];

	return svm_nv_encode(isa, &insn, &s, w);
}

static void test_isa_rejects(void)
{
	/* Each family's own arithmetic. */
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(IMAD_IMM, .d = 2, .a = 1, .imm = 128, .c = 0)),
		      -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM80, (struct svm_nv_insn)
			     X(ISCADD, .d = 2, .a = 1, .b = 0, .imm = 7)),
		      -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM70, (struct svm_nv_insn)
			     X(IADD_CC_CB, .d = 4, .a = 3, .cb = 8)), -EINVAL);
	/* 64-bit operands are aligned pairs. */
	igt_assert_eq(encode(SVM_NV_ISA_SM70, (struct svm_nv_insn)
			     X(LDG64, .d = 3, .a = 4)), -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(STG64, .a = 5, .b = 8)), -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM70, (struct svm_nv_insn)
			     X(IMAD_WIDE_CB, .d = 3, .a = 2, .b = 3, .cb = 8)),
		      -EINVAL);
	/* SM50's CAS: compare in a quad, new value right after it. */
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(ATOM_CAS64, .d = 8, .a = 2, .b = 4, .c = 8)),
		      -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(ATOM_CAS64, .d = 8, .a = 2, .b = 6, .c = 8)),
		      -EINVAL);
	/* Offsets and constants out of their fields. */
	igt_assert_eq(encode(SVM_NV_ISA_SM70, (struct svm_nv_insn)
			     X(LDG64, .d = 2, .a = 4, .imm = 1 << 23)), -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(MOV_CB, .d = 2, .cb = 6)), -EINVAL);
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(ISETP_GE_CB, .d = 7, .a = 2, .cb = 8)), -EINVAL);
	/* What is accepted, for contrast. */
	igt_assert_eq(encode(SVM_NV_ISA_SM50, (struct svm_nv_insn)
			     X(ATOM_CAS64, .d = 8, .a = 2, .b = 4, .c = 6)), 0);
	igt_assert_eq(encode(SVM_NV_ISA_SM70, (struct svm_nv_insn)
			     X(LDG64, .d = 2, .a = 4, .imm = -(1 << 23))), 0);
}

/* ------------------------------------------------------------------ */
/* Shaders                                                             */
/* ------------------------------------------------------------------ */

static const char *const isa_names[] = { "sm50", "sm70", "sm80" };

static uint64_t word64(const uint32_t *p, unsigned int i)
{
	return p[i] | (uint64_t)p[i + 1] << 32;
}

/*
 * The scoreboards instruction @k must set (7: none): a variable-latency
 * one (S2R, loads, stores, atomics) hands its result over through 0 and
 * frees its source registers through 1; the padding sets none.
 */
static unsigned int want_wr(const struct svm_nv_insn *prog, unsigned int n,
			    unsigned int k)
{
	if (k >= n)
		return 7;
	switch (prog[k].op) {
	case SVM_NV_OP_S2R:
	case SVM_NV_OP_LDG64:
	case SVM_NV_OP_ATOM_ADD64:
	case SVM_NV_OP_ATOM_CAS64:
		return 0;
	default:
		return 7;
	}
}

static unsigned int want_rd(const struct svm_nv_insn *prog, unsigned int n,
			    unsigned int k)
{
	if (k >= n)
		return 7;
	switch (prog[k].op) {
	case SVM_NV_OP_LDG64:
	case SVM_NV_OP_STG64:
	case SVM_NV_OP_ATOM_ADD64:
	case SVM_NV_OP_ATOM_CAS64:
		return 1;
	default:
		return 7;
	}
}

/* The SM50 program's scheduling: every slot of every control word. */
static void check_sm50_program(const uint32_t *code, int words,
			       const struct svm_nv_insn *prog, unsigned int n)
{
	for (int g = 0; g < words; g += 8) {
		uint64_t ctl = word64(code, g);

		igt_assert_f(!(ctl >> 63), "control word at %d: bit 63 set\n", g * 4);
		for (unsigned int j = 0; j < 3; j++) {
			unsigned int k = g / 8 * 3 + j;
			uint32_t slot = (ctl >> (21 * j)) & 0x1fffff;

			/* Stall 15, waits on every scoreboard. */
			igt_assert_eq_u32(slot & 0xf, 15);
			igt_assert_eq_u32((slot >> 11) & 0x3f, 0x3f);
			/* Write scoreboard 5..7, read scoreboard 8..10. */
			igt_assert_eq_u32((slot >> 5) & 7, want_wr(prog, n, k));
			igt_assert_eq_u32((slot >> 8) & 7, want_rd(prog, n, k));
		}
	}
	/* The instruction after the last is the branch to itself. */
	igt_assert_eq_u64(word64(code, (n / 3) * 8 + 2 + 2 * (n % 3)),
			  0xe2400fffff87000full);
}

static void check_sm70_program(const uint32_t *code,
			       const struct svm_nv_insn *prog, unsigned int n)
{
	for (unsigned int k = 0; k < n; k++) {
		uint64_t hi = word64(code, 4 * k + 2);

		/* Stall 105..108, waits 116..121 on every scoreboard. */
		igt_assert_eq_u64((hi >> 41) & 0xf, 15);
		igt_assert_eq_u64((hi >> 52) & 0x3f, 0x3f);
		/* Write scoreboard 110..112, read scoreboard 113..115. */
		igt_assert_eq_u64((hi >> 46) & 7, want_wr(prog, n, k));
		igt_assert_eq_u64((hi >> 49) & 7, want_rd(prog, n, k));
	}
	igt_assert_eq_u64(word64(code, 4 * n) & 0xfff, 0x947);
}

static void check_shader(enum svm_nv_isa isa, enum svm_nv_shader s)
{
	uint32_t code[512];
	const struct svm_nv_insn *prog;
	unsigned int n, regs;
	int words;

	prog = svm_nv_shader(isa, s, &n);
	igt_assert(prog && n);
	words = svm_nv_assemble(isa, prog, n, code, ARRAY_SIZE(code));
	igt_assert_f(words > 0, "assembly failed: %d\n", words);
	igt_assert_eq(words % (128 / 4), 0);
	regs = svm_nv_registers(prog, n);
	igt_debug("%s %s: %d bytes, %u registers\n", isa_names[isa],
		  svm_nv_shader_name(s), words * 4, regs);
	/* The last pair each names: R8:R9 (copy, fill, add), R10:R11 (cas). */
	igt_assert_eq_u32(regs, s == SVM_NV_SHADER_ATOMIC_CAS ? 12 : 10);
	if (isa == SVM_NV_ISA_SM50)
		check_sm50_program(code, words, prog, n);
	else
		check_sm70_program(code, prog, n);
	/* Too little room is refused, not overrun. */
	igt_assert_eq(svm_nv_assemble(isa, prog, n, code, words - 1), -ENOSPC);
}

/*
 * The register count of one-instruction programs: each operand counts as
 * wide as it is (a 64-bit one is a pair), a predicate destination and RZ
 * not at all.
 */
static void check_register_count(void)
{
	static const struct {
		struct svm_nv_insn insn;
		unsigned int regs;
	} cases[] = {
		{ X(S2R, .d = 20, .imm = SVM_NV_SR_TID_X), 21 },
		{ X(MOV_CB, .d = 9, .cb = 0x10), 10 },
		{ X(ISCADD, .d = 1, .a = 2, .b = 11, .imm = 3), 12 },
		{ X(ISETP_GE_CB, .d = 6, .a = 3, .cb = 8), 4 },
		{ X(IMAD_IMM, .d = 1, .a = 2, .imm = 8, .c = 7), 8 },
		{ X(IMAD_WIDE_CB, .d = 30, .a = 2, .b = 3, .cb = 8), 32 },
		{ X(LDG64, .d = 8, .a = 2), 10 },
		{ X(STG64, .a = SVM_NV_RZ, .b = 4), 6 },
		{ X(IADD_X_CB, .d = 5, .a = SVM_NV_RZ, .cb = 4), 6 },
		{ X(ATOM_CAS64, .d = 2, .a = 4, .b = 8, .c = 12), 14 },
		{ X(EXIT), 0 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		igt_assert_f(svm_nv_registers(&cases[i].insn, 1) == cases[i].regs,
			     "case %u: %u registers, want %u\n", i,
			     svm_nv_registers(&cases[i].insn, 1), cases[i].regs);
}

static void test_shaders(void)
{
	igt_dynamic("register-count")
		check_register_count();
	for (unsigned int isa = 0; isa < ARRAY_SIZE(isa_names); isa++)
		for (unsigned int s = 0; s < SVM_NV_SHADERS; s++)
			igt_dynamic_f("%s-%s", isa_names[isa],
				      svm_nv_shader_name(s))
				check_shader(isa, s);
}

/* ------------------------------------------------------------------ */
/* QMDs                                                                */
/* ------------------------------------------------------------------ */

/* The launch every QMD case describes. */
static const struct svm_nv_grid grid = {
	.program = 0x123456780ull,
	.registers = 10,
	.ctas = 0x1234,
	.threads = 128,
	.cb0 = 0x123456700ull,
	.cb0_size = 256,
};

struct qmd_word {
	unsigned int w;
	uint32_t v;
};

/*
 * The expected words, worked out by hand from the MW(hi:lo) positions of
 * NVIDIA's published headers (word = lo / 32, shift = lo % 32).  Words
 * not listed are zero.
 */
static const struct qmd_word qmd_common[] = {
	/* SM_GLOBAL_CACHING_ENABLE MW(134) */
	{ 4, 1u << 6 },
	/* CWD_MEMBAR_TYPE MW(369:368) L1_SYSMEMBAR; API_VISIBLE_CALL_LIMIT MW(378) NO_CHECK */
	{ 11, 1u << 16 | 1u << 26 },
	{ 12, 0x1234 },		/* CTA_RASTER_WIDTH MW(415:384) */
	{ 13, 1 },		/* CTA_RASTER_HEIGHT MW(431:416) */
	{ 14, 1 },		/* CTA_RASTER_DEPTH MW(463:448) */
	/* CTA_THREAD_DIMENSION1 MW(623:608), DIMENSION2 MW(639:624) */
	{ 19, 1 | 1u << 16 },
	{ 32, 0x23456700 },	/* CONSTANT_BUFFER_ADDR_LOWER(0) MW(1055:1024) */
	/* ADDR_UPPER(0) MW(1072:1056); SIZE_SHIFTED4(0) MW(1087:1075) = 16 */
	{ 33, 0x1 | 16u << 19 },
};

struct qmd_case {
	const char *name;
	uint32_t chipset, oclass;
	struct qmd_word words[6];
};

static const struct qmd_case qmd_cases[] = {
	{ "v02-01-pascal", 0x134, PASCAL_COMPUTE_B, {
		{ 8, 0x23456780 },	/* PROGRAM_OFFSET MW(287:256) */
		/* QMD_VERSION MW(579:576) 1, MAJOR MW(583:580) 2; DIMENSION0 MW(607:592) */
		{ 18, 0x21 | 128u << 16 },
		{ 20, 1 },		/* CONSTANT_BUFFER_VALID(0) MW(640) */
		{ 30, 10u << 24 },	/* REGISTER_COUNT MW(991:984): 10 */
	} },
	{ "v02-02-volta", 0x140, VOLTA_COMPUTE_A, {
		/* MIN_SM_CONFIG MW(568:562) 3 (8 KiB), MAX MW(575:569) 25 (96 KiB) */
		{ 17, 3u << 18 | 25u << 25 },
		{ 18, 0x22 | 128u << 16 },
		/* VALID(0); REGISTER_COUNT_V MW(656:648) 10 + 2; TARGET MW(663:657) 3 */
		{ 20, 1 | 12u << 8 | 3u << 17 },
		{ 48, 0x23456780 },	/* PROGRAM_ADDRESS_LOWER MW(1567:1536) */
		{ 49, 0x1 },		/* PROGRAM_ADDRESS_UPPER MW(1584:1568) */
	} },
	{ "v02-02-turing", 0x164, TURING_COMPUTE_A, {
		/* MIN 3 (8 KiB), MAX 17 (64 KiB) */
		{ 17, 3u << 18 | 17u << 25 },
		{ 18, 0x22 | 128u << 16 },
		{ 20, 1 | 12u << 8 | 3u << 17 },
		{ 48, 0x23456780 },
		{ 49, 0x1 },
	} },
	{ "v03-00-ampere", 0x174, AMPERE_COMPUTE_B, {
		/* MIN MW(567:562) 3, MAX MW(574:569) 25 (96 KiB: the cap) */
		{ 17, 3u << 18 | 25u << 25 },
		{ 18, 0x30 | 128u << 16 },
		/* VALID(0); REGISTER_COUNT_V 12; TARGET MW(662:657) 3 */
		{ 20, 1 | 12u << 8 | 3u << 17 },
		{ 48, 0x23456780 },
		{ 49, 0x1 },
	} },
};

static void check_qmd(const struct qmd_case *c)
{
	uint32_t qmd[SVM_NV_QMD_WORDS], want[SVM_NV_QMD_WORDS] = { 0 };
	struct svm_nv_compute_cfg cfg;
	struct svm_nv_grid g = grid;

	igt_assert_eq(svm_nv_compute_cfg(c->chipset, c->oclass, &cfg), 0);
	if (cfg.qmd == SVM_NV_QMD_V02_01)
		g.program &= 0xffffffff;	/* an offset in the region */
	memset(qmd, 0xa5, sizeof(qmd));
	igt_assert_eq(svm_nv_qmd_pack(&cfg, &g, qmd), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(qmd_common); i++)
		want[qmd_common[i].w] = qmd_common[i].v;
	for (unsigned int i = 0; i < ARRAY_SIZE(c->words) && c->words[i].w; i++)
		want[c->words[i].w] = c->words[i].v;
	for (unsigned int w = 0; w < SVM_NV_QMD_WORDS; w++)
		igt_assert_f(qmd[w] == want[w], "%s word %u: %#010x, want %#010x\n",
			     c->name, w, qmd[w], want[w]);
}

static void test_qmd(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(qmd_cases); i++)
		igt_dynamic(qmd_cases[i].name)
			check_qmd(&qmd_cases[i]);
}

static void test_qmd_rejects(void)
{
	struct svm_nv_compute_cfg pascal, ampere;
	uint32_t qmd[SVM_NV_QMD_WORDS];
	struct svm_nv_grid g;

	igt_assert_eq(svm_nv_compute_cfg(0x134, PASCAL_COMPUTE_B, &pascal), 0);
	igt_assert_eq(svm_nv_compute_cfg(0x174, AMPERE_COMPUTE_B, &ampere), 0);
#define REJECT(cfg, field, value) do { \
		g = grid; \
		g.field = value; \
		igt_assert_eq(svm_nv_qmd_pack(&(cfg), &g, qmd), -EINVAL); \
	} while (0)
	REJECT(ampere, ctas, 0);
	REJECT(ampere, threads, 0);
	REJECT(ampere, threads, 1025);
	REJECT(ampere, registers, 0);
	REJECT(ampere, program, grid.program + 0x40);
	REJECT(ampere, program, 1ull << 49);
	REJECT(ampere, cb0, grid.cb0 + 0x80);
	REJECT(ampere, cb0_size, 0);
	REJECT(ampere, cb0_size, 100);
	REJECT(ampere, cb0_size, (64 << 10) + 256);
	REJECT(pascal, program, 1ull << 32);
#undef REJECT
	g = grid;
	igt_assert_eq(svm_nv_qmd_pack(&ampere, &g, qmd), 0);
}

/* ------------------------------------------------------------------ */
/* Classes and method streams                                          */
/* ------------------------------------------------------------------ */

static void test_compute_classes(void)
{
	static const struct {
		uint32_t chipset, oclass;
		int ret;
		enum svm_nv_qmd_version qmd;
		enum svm_nv_isa isa;
		uint8_t min, max;
	} cases[] = {
		{ 0x130, PASCAL_COMPUTE_A, 0, SVM_NV_QMD_V02_01, SVM_NV_ISA_SM50 },
		{ 0x136, PASCAL_COMPUTE_B, 0, SVM_NV_QMD_V02_01, SVM_NV_ISA_SM50 },
		{ 0x140, VOLTA_COMPUTE_A, 0, SVM_NV_QMD_V02_02, SVM_NV_ISA_SM70, 3, 25 },
		{ 0x168, TURING_COMPUTE_A, 0, SVM_NV_QMD_V02_02, SVM_NV_ISA_SM70, 3, 17 },
		{ 0x170, AMPERE_COMPUTE_A, 0, SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 3, 25 },
		{ 0x177, AMPERE_COMPUTE_B, 0, SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 3, 25 },
		{ 0x194, ADA_COMPUTE_A, 0, SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 3, 25 },
		{ 0x134, VOLTA_COMPUTE_A, -ENODEV },
		{ 0x174, TURING_COMPUTE_A, -ENODEV },
		{ 0x124, MAXWELL_COMPUTE_B, -ENODEV },
		{ 0x1a2, HOPPER_COMPUTE_A, -ENODEV },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct svm_nv_compute_cfg cfg = { 0 };
		int ret = svm_nv_compute_cfg(cases[i].chipset, cases[i].oclass,
					     &cfg);

		igt_assert_f(ret == cases[i].ret, "chipset %#x class %#x: %d\n",
			     cases[i].chipset, cases[i].oclass, ret);
		if (ret)
			continue;
		igt_assert_eq_u32(cfg.oclass, cases[i].oclass);
		igt_assert_eq(cfg.qmd, cases[i].qmd);
		igt_assert_eq(cfg.isa, cases[i].isa);
		if (cfg.qmd == SVM_NV_QMD_V02_01)
			continue;
		igt_assert_eq(cfg.smem_config_min, cases[i].min);
		igt_assert_eq(cfg.smem_config_max, cases[i].max);
	}
}

/*
 * An incrementing method header as NVIDIA's published cl906f.h lays it
 * out: SEC_OP 31:29 INC_METHOD (1), METHOD_COUNT 28:16,
 * METHOD_SUBCHANNEL 15:13, METHOD_ADDRESS 11:0 in words.
 */
#define HDR(subc, mthd, count) \
	(1u << 29 | (count) << 16 | (subc) << 13 | (mthd) >> 2)

struct stream_case {
	const char *name;
	uint32_t chipset, oclass;
	bool launch;
	uint32_t want[16];
	unsigned int n;
};

/* Compute class methods: NVIDIA's clc0c0.h, clc3c0.h, clc7c0.h. */
static const struct stream_case streams[] = {
	{ "setup-pascal", 0x134, PASCAL_COMPUTE_B, false, {
		HDR(1, 0x0000, 1), PASCAL_COMPUTE_B,	/* SET_OBJECT */
		HDR(1, 0x1608, 2), 0x12, 0x34567800,	/* SET_PROGRAM_REGION_A/B */
		HDR(1, 0x0214, 1), 0xfe000000,	/* SET_SHADER_SHARED_MEMORY_WINDOW */
		HDR(1, 0x077c, 1), 0xff000000,	/* SET_SHADER_LOCAL_MEMORY_WINDOW */
		HDR(1, 0x0298, 1), 0,		/* INVALIDATE_SKED_CACHES */
	}, 11 },
	{ "setup-volta", 0x140, VOLTA_COMPUTE_A, false, {
		HDR(1, 0x0000, 1), VOLTA_COMPUTE_A,
		HDR(1, 0x02a0, 2), 0, 0xfe000000,	/* SHARED_MEMORY_WINDOW_A/B */
		HDR(1, 0x07b0, 2), 0, 0xff000000,	/* LOCAL_MEMORY_WINDOW_A/B */
		HDR(1, 0x0298, 1), 0,
	}, 10 },
	{ "launch-turing", 0x164, TURING_COMPUTE_A, true, {
		/* INVALIDATE_SHADER_CACHES_NO_WFI: INSTRUCTION, GLOBAL_DATA, CONSTANT */
		HDR(1, 0x1698, 1), 0x1011,
		HDR(1, 0x02b4, 1), 0x12345678,		/* SEND_PCAS_A: address >> 8 */
		HDR(1, 0x02bc, 1), 0x3,		/* SEND_SIGNALING_PCAS_B: INVALIDATE, SCHEDULE */
		HDR(1, 0x0110, 1), 0,		/* WAIT_FOR_IDLE */
	}, 8 },
	{ "launch-ampere", 0x174, AMPERE_COMPUTE_B, true, {
		HDR(1, 0x1698, 1), 0x1011,
		HDR(1, 0x02b4, 1), 0x12345678,
		/* SEND_SIGNALING_PCAS2_B: INVALIDATE_COPY_SCHEDULE */
		HDR(1, 0x02c0, 1), 0x3,
		HDR(1, 0x0110, 1), 0,
	}, 8 },
};

static void check_stream(const struct stream_case *c)
{
	uint32_t buf[64];
	struct svm_nv_push p = { buf, buf, buf + ARRAY_SIZE(buf) };
	struct svm_nv_compute_cfg cfg;

	igt_assert_eq(svm_nv_compute_cfg(c->chipset, c->oclass, &cfg), 0);
	if (c->launch)
		svm_nv_compute_launch(&p, &cfg, 0x1234567800ull);
	else
		svm_nv_compute_setup(&p, &cfg, 0x1234567800ull);
	igt_assert_eq(p.cur - p.start, c->n);
	for (unsigned int i = 0; i < c->n; i++)
		igt_assert_f(buf[i] == c->want[i], "%s word %u: %#010x, want %#010x\n",
			     c->name, i, buf[i], c->want[i]);
}

static void test_method_streams(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(streams); i++)
		igt_dynamic(streams[i].name)
			check_stream(&streams[i]);
}

igt_main
{
	igt_describe("Each instruction form the shaders use equals the "
		     "reference encoding of its ISA family.");
	igt_subtest_with_dynamic("isa-encodings")
		test_isa_encodings();

	igt_describe("The assembler refuses what a family cannot encode.");
	igt_subtest("isa-rejects")
		test_isa_rejects();

	igt_describe("Every shader assembles, padded, ending in a branch to "
		     "itself, with its scoreboards.");
	igt_subtest_with_dynamic("shaders")
		test_shaders();

	igt_describe("The QMD of a launch, word for word, per QMD version.");
	igt_subtest_with_dynamic("qmd")
		test_qmd();

	igt_describe("A launch the QMD cannot describe is refused.");
	igt_subtest("qmd-rejects")
		test_qmd_rejects();

	igt_describe("The compute class, QMD, ISA and carveouts of each GPU.");
	igt_subtest("compute-classes")
		test_compute_classes();

	igt_describe("Compute setup and launch method streams, word for word.");
	igt_subtest_with_dynamic("method-streams")
		test_method_streams();
}
