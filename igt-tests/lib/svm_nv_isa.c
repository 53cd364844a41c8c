// SPDX-License-Identifier: MIT
/*
 * svm_nv_isa.c - the encoders and the assembler of svm_nv_isa.h.
 *
 * BUILT HERE, NEVER RUN ON A GPU.  The bit layouts were derived by reading
 * public sources, not copied from them:
 *  - SM50 (Maxwell, Pascal): Mesa's codegen (nv50_ir_emit_gm107.cpp,
 *    CodeEmitterGM107), Mesa's NAK (nak/sm50.rs), envytools
 *    (envydis/gm107.c) and maxas (MaxAsGrammar.pm).  Every encoding the
 *    shaders use was disassembled with envytools' envydis -m gm107 while
 *    it was written; nouveau_svm_compute holds those words.
 *  - SM70 and SM80 (Volta to Ada): NAK (nak/sm70.rs, later
 *    sm70_encode.rs) and Mesa's codegen (nv50_ir_emit_gv100.cpp).  The
 *    words were compared with what NVIDIA's own assembler (ptxas 13.0,
 *    -arch=sm_75 and sm_80) emits for the same instructions;
 *    nouveau_svm_compute holds those words.  ptxas no longer takes
 *    sm_70: the Volta encodings rest on Mesa alone.
 * Where a source leaves a bit open the choice is said where it is made.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <errno.h>
#include <stdbool.h>

#include "svm_nv_isa.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/* Bits @lo to @lo + @width - 1 of the little-endian words @w. */
static void put(uint64_t *w, unsigned int lo, unsigned int width, uint64_t v)
{
	uint64_t mask = width == 64 ? ~0ull : (1ull << width) - 1;

	v &= mask;
	w[lo / 64] |= v << (lo % 64);
	if (lo % 64 + width > 64)
		w[lo / 64 + 1] |= v >> (64 - lo % 64);
}

/* A register pair (or quad) starting at @r: aligned, and not past R254. */
static bool is_tuple(unsigned int r, unsigned int n)
{
	return r == SVM_NV_RZ || (r % n == 0 && r + n - 1 <= 254);
}

static bool fits_signed(int64_t v, unsigned int bits)
{
	return v >= -(1ll << (bits - 1)) && v < (1ll << (bits - 1));
}

static bool is_var_latency(const struct svm_nv_insn *i)
{
	switch (i->op) {
	case SVM_NV_OP_S2R:
	case SVM_NV_OP_LDG64:
	case SVM_NV_OP_STG64:
	case SVM_NV_OP_ATOM_ADD64:
	case SVM_NV_OP_ATOM_CAS64:
		return true;
	default:
		return false;
	}
}

struct svm_nv_sched svm_nv_sched_of(const struct svm_nv_insn *insn)
{
	struct svm_nv_sched s = { .stall = 15, .wr = 7, .rd = 7, .wait = 0x3f };

	if (is_var_latency(insn)) {
		s.wr = insn->op == SVM_NV_OP_STG64 ? 7 : 0;
		s.rd = insn->op == SVM_NV_OP_S2R ? 7 : 1;
	}
	return s;
}

static uint64_t sched_bits(const struct svm_nv_sched *s)
{
	return (uint64_t)(s->stall & 0xf) | (uint64_t)(s->yield & 1) << 4 |
	       (uint64_t)(s->wr & 7) << 5 | (uint64_t)(s->rd & 7) << 8 |
	       (uint64_t)(s->wait & 0x3f) << 11 | (uint64_t)(s->reuse & 0xf) << 17;
}

/* ------------------------------------------------------------------ */
/* SM50: Maxwell and Pascal                                            */
/* ------------------------------------------------------------------ */

/*
 * One 64-bit word: opcode 48..63 (16 bits; MOV32I's is 12 bits at 52),
 * guard predicate 16..18 with its negation at 19, d 0..7, a 8..15, b
 * 20..27.  A constant-buffer operand is the word offset at 20..33 and the
 * bank at 34..38.
 */
static void sm50_cb(uint64_t *w, unsigned int cb)
{
	put(w, 20, 14, cb / 4);
	put(w, 34, 5, 0);
}

static int sm50_mem(const struct svm_nv_insn *i, uint64_t *w, uint16_t op)
{
	/* LDG 0xeed0, STG 0xeed8: offset 20..43, .E 45, size 48..50 (64: 5). */
	if (!fits_signed(i->imm, 24) || !is_tuple(i->a, 2))
		return -EINVAL;
	put(w, 48, 16, op | 5);
	put(w, 45, 1, 1);
	put(w, 20, 24, i->imm);
	put(w, 8, 8, i->a);
	put(w, 0, 8, op == 0xeed0 ? i->d : i->b);
	return is_tuple(op == 0xeed0 ? i->d : i->b, 2) ? 0 : -EINVAL;
}

static int sm50_atom(const struct svm_nv_insn *i, uint64_t *w)
{
	put(w, 0, 8, i->d);
	put(w, 8, 8, i->a);
	put(w, 20, 8, i->b);
	if (i->op == SVM_NV_OP_ATOM_ADD64) {
		/* ATOM 0xed00: offset 28..47, .E 48, U64 (2) 49..51, ADD (0) 52..55. */
		if (!fits_signed(i->imm, 20))
			return -EINVAL;
		put(w, 48, 16, 0xed00);
		put(w, 28, 20, i->imm);
		put(w, 48, 1, 1);
		put(w, 49, 3, 2);
		return is_tuple(i->b, 2) ? 0 : -EINVAL;
	}
	/*
	 * ATOM.CAS 0xeef0: .E 48, 64-bit 49; no offset.  Only b is encoded:
	 * the compare value is in b, b+1 and the new one follows in b+2, b+3
	 * (maxas: "the last register needs to be in sequence"; NAK's packed
	 * AtomCmpSrc), so b is a quad, as NAK and Mesa allocate it.
	 */
	if (i->imm || i->c != i->b + 2 || !is_tuple(i->b, 4))
		return -EINVAL;
	put(w, 48, 16, 0xeef0);
	put(w, 48, 1, 1);
	put(w, 49, 1, 1);
	return 0;
}

static int sm50_encode(const struct svm_nv_insn *i, uint64_t *w)
{
	put(w, 16, 3, i->guard);
	switch (i->op) {
	case SVM_NV_OP_NOP:
		/* 0x50b0; condition code 8..11 TRUE (0xf). */
		put(w, 48, 16, 0x50b0);
		put(w, 8, 4, 0xf);
		return 0;
	case SVM_NV_OP_S2R:
		put(w, 48, 16, 0xf0c8);
		put(w, 0, 8, i->d);
		put(w, 20, 8, i->imm);
		return 0;
	case SVM_NV_OP_MOV_CB:
		/* 0x4c98; lane mask 39..42 all four. */
		put(w, 48, 16, 0x4c98);
		put(w, 0, 8, i->d);
		sm50_cb(w, i->cb);
		put(w, 39, 4, 0xf);
		return 0;
	case SVM_NV_OP_MOV_IMM:
		/* MOV32I 0x010 at 52..63; immediate 20..51; lane mask 12..15. */
		put(w, 52, 12, 0x010);
		put(w, 0, 8, i->d);
		put(w, 20, 32, (uint32_t)i->imm);
		put(w, 12, 4, 0xf);
		return 0;
	case SVM_NV_OP_ISCADD:
		/* 0x5c18: (a << shift) + b, shift 39..43. */
		if (i->imm < 0 || i->imm > 31)
			return -EINVAL;
		put(w, 48, 16, 0x5c18);
		put(w, 0, 8, i->d);
		put(w, 8, 8, i->a);
		put(w, 20, 8, i->b);
		put(w, 39, 5, i->imm);
		return 0;
	case SVM_NV_OP_IADD_CC_CB:
	case SVM_NV_OP_IADD_X_CB:
		/* 0x4c10; .CC (carry out) 47, .X (carry in) 43. */
		put(w, 48, 16, 0x4c10);
		put(w, 0, 8, i->d);
		put(w, 8, 8, i->a);
		sm50_cb(w, i->cb);
		put(w, i->op == SVM_NV_OP_IADD_CC_CB ? 47 : 43, 1, 1);
		return 0;
	case SVM_NV_OP_ISETP_GE_CB:
		/*
		 * 0x4b60: predicate d at 3..5, second destination 0..2 PT,
		 * combined with PT (39..41) by AND (45..46 = 0), unsigned
		 * (48 = 0), GE (6) at 49..51.
		 */
		if (i->d > 6)
			return -EINVAL;
		put(w, 48, 16, 0x4b60);
		put(w, 0, 3, SVM_NV_PT);
		put(w, 3, 3, i->d);
		put(w, 8, 8, i->a);
		sm50_cb(w, i->cb);
		put(w, 39, 3, SVM_NV_PT);
		put(w, 49, 3, 6);
		return 0;
	case SVM_NV_OP_EXIT:
		/* 0xe300; condition code 0..4 TRUE (0xf). */
		put(w, 48, 16, 0xe300);
		put(w, 0, 5, 0xf);
		return 0;
	case SVM_NV_OP_BRA_SELF:
		/* 0xe240; offset 20..43 from the next instruction: -8. */
		put(w, 48, 16, 0xe240);
		put(w, 0, 5, 0xf);
		put(w, 20, 24, -8);
		return 0;
	case SVM_NV_OP_LDG64:
		return sm50_mem(i, w, 0xeed0);
	case SVM_NV_OP_STG64:
		return sm50_mem(i, w, 0xeed8);
	case SVM_NV_OP_ATOM_ADD64:
	case SVM_NV_OP_ATOM_CAS64:
		if (!is_tuple(i->a, 2) || !is_tuple(i->d, 2))
			return -EINVAL;
		return sm50_atom(i, w);
	default:
		return -EINVAL;
	}
}

uint64_t svm_nv_sm50_control(const struct svm_nv_sched s[3])
{
	/* Three 21-bit slots at 0, 21 and 42; bit 63 clear. */
	return sched_bits(&s[0]) | sched_bits(&s[1]) << 21 |
	       sched_bits(&s[2]) << 42;
}

/* ------------------------------------------------------------------ */
/* SM70 and SM80: Volta, Turing, Ampere, Ada                           */
/* ------------------------------------------------------------------ */

/*
 * 128 bits: opcode 0..11 (for ALU operations, 9..11 is the form: 2 b is a
 * register at 64..71 and c an immediate, 3 b a register at 64..71 and c
 * a constant, 4 b an immediate and c a register at 64..71, 5 b a
 * constant and c a register), guard 12..14 with its negation at 15, d
 * 16..23, a 24..31, b 32..39 or an immediate at 32..63 or a constant at
 * 38..53 (byte offset) and 54..58 (bank).  Scheduling at 105..125.
 */
static void sm70_cb(uint64_t *w, unsigned int cb)
{
	put(w, 38, 16, cb);
	put(w, 54, 5, 0);
}

/*
 * Ordering and scope: SM70/75 have scope at 77..78 (GPU 2, SYS 3) and
 * order at 79..80 (WEAK 1, STRONG 2); SM80 one field at 77..80 (WEAK 0,
 * STRONG.GPU 7, STRONG.SYS 0xa).  For a weak access ptxas writes scope
 * SYS on SM75, which is what is done here.
 */
static void sm70_order(enum svm_nv_isa isa, uint64_t *w, unsigned int mem)
{
	static const uint8_t sm70[] = { 0x3 | 1 << 2, 0x2 | 2 << 2, 0x3 | 2 << 2 };
	static const uint8_t sm80[] = { 0x0, 0x7, 0xa };

	put(w, 77, 4, isa == SVM_NV_ISA_SM80 ? sm80[mem] : sm70[mem]);
}

/* LDG 0x381, STG 0x386, ATOMG 0x3a8, ATOMG.CAS 0x3a9. */
static int sm70_mem(enum svm_nv_isa isa, const struct svm_nv_insn *i,
		    uint64_t *w, uint16_t op)
{
	if (i->mem > SVM_NV_MEM_STRONG_SYS || !fits_signed(i->imm, 24) ||
	    !is_tuple(i->a, 2))
		return -EINVAL;
	put(w, 0, 12, op);
	put(w, 24, 8, i->a);
	put(w, 40, 24, i->imm);
	put(w, 72, 1, 1);			/* .E: 64-bit address */
	sm70_order(isa, w, i->mem);
	put(w, 84, 3, 1);			/* cache priority: normal */
	if (op == 0x386) {			/* STG: data at 32..39 */
		put(w, 32, 8, i->b);
		put(w, 73, 3, 5);		/* 64 bits */
		return is_tuple(i->b, 2) ? 0 : -EINVAL;
	}
	put(w, 16, 8, i->d);
	put(w, 81, 3, SVM_NV_PT);
	if (op == 0x381) {
		put(w, 73, 3, 5);
		return is_tuple(i->d, 2) ? 0 : -EINVAL;
	}
	/* Atomics: type U64 (2) at 73..75; op 87..90 (ADD 0); c at 64..71. */
	put(w, 73, 3, 2);
	put(w, 32, 8, i->b);
	put(w, 64, 8, op == 0x3a9 ? i->c : SVM_NV_RZ);
	return is_tuple(i->d, 2) && is_tuple(i->b, 2) &&
	       (op != 0x3a9 || is_tuple(i->c, 2)) ? 0 : -EINVAL;
}

/*
 * IMAD 0x024 (WIDE 0x025): no carry out (81..83 PT), carry in !PT (87..89
 * PT, 90 set), as ptxas writes them.  Bit 73 is signedness: clear for
 * IMAD.WIDE.U32; ptxas sets it for a plain IMAD, whose low 32 bits do not
 * depend on it.
 */
static void sm70_imad(uint64_t *w, unsigned int form, bool wide)
{
	put(w, 0, 12, form << 9 | (wide ? 0x025 : 0x024));
	put(w, 73, 1, !wide);
	put(w, 81, 3, SVM_NV_PT);
	put(w, 87, 3, SVM_NV_PT);
	put(w, 90, 1, 1);
}

static int sm70_alu(const struct svm_nv_insn *i, uint64_t *w)
{
	switch (i->op) {
	case SVM_NV_OP_MOV_CB:
	case SVM_NV_OP_MOV_IMM:
		/* MOV 0x002 (form 5: constant, 4: immediate); lane mask 72..75. */
		if (i->op == SVM_NV_OP_MOV_CB) {
			put(w, 0, 12, 0xa02);
			sm70_cb(w, i->cb);
		} else {
			put(w, 0, 12, 0x802);
			put(w, 32, 32, (uint32_t)i->imm);
		}
		put(w, 16, 8, i->d);
		put(w, 72, 4, 0xf);
		return 0;
	case SVM_NV_OP_IMAD_IMM:
		sm70_imad(w, 4, false);
		put(w, 16, 8, i->d);
		put(w, 24, 8, i->a);
		put(w, 32, 32, (uint32_t)i->imm);
		put(w, 64, 8, i->c);
		return 0;
	case SVM_NV_OP_IMAD_WIDE_CB:
		/* Form 3: b at 64..71, the 64-bit addend from the constant. */
		if (!is_tuple(i->d, 2) || i->cb % 8)
			return -EINVAL;
		sm70_imad(w, 3, true);
		put(w, 16, 8, i->d);
		put(w, 24, 8, i->a);
		put(w, 64, 8, i->b);
		sm70_cb(w, i->cb);
		return 0;
	case SVM_NV_OP_ISETP_GE_CB:
		/*
		 * ISETP 0x00c form 5: .EX input PT (68..70), unsigned (73 = 0),
		 * AND (74..75 = 0), GE (6) at 76..78, destination 81..83,
		 * second destination 84..86 PT, combined with PT at 87..89.
		 */
		if (i->d > 6)
			return -EINVAL;
		put(w, 0, 12, 0xa0c);
		put(w, 24, 8, i->a);
		sm70_cb(w, i->cb);
		put(w, 68, 3, SVM_NV_PT);
		put(w, 76, 3, 6);
		put(w, 81, 3, i->d);
		put(w, 84, 3, SVM_NV_PT);
		put(w, 87, 3, SVM_NV_PT);
		return 0;
	default:
		return -EINVAL;
	}
}

static int sm70_encode(enum svm_nv_isa isa, const struct svm_nv_insn *i,
		       uint64_t *w)
{
	put(w, 12, 3, i->guard);
	switch (i->op) {
	case SVM_NV_OP_NOP:
		put(w, 0, 12, 0x918);
		return 0;
	case SVM_NV_OP_S2R:
		/* 0x919: special register at 72..79. */
		put(w, 0, 12, 0x919);
		put(w, 16, 8, i->d);
		put(w, 72, 8, i->imm);
		return 0;
	case SVM_NV_OP_EXIT:
		/* 0x94d: 87..89 PT (else the exit is also gated on P0). */
		put(w, 0, 12, 0x94d);
		put(w, 87, 3, SVM_NV_PT);
		return 0;
	case SVM_NV_OP_BRA_SELF:
		/* 0x947: 48-bit word offset at 34..81 from the next: -16 / 4. */
		put(w, 0, 12, 0x947);
		put(w, 34, 48, -4);
		put(w, 87, 3, SVM_NV_PT);
		return 0;
	case SVM_NV_OP_LDG64:
		return sm70_mem(isa, i, w, 0x381);
	case SVM_NV_OP_STG64:
		return sm70_mem(isa, i, w, 0x386);
	case SVM_NV_OP_ATOM_ADD64:
		return sm70_mem(isa, i, w, 0x3a8);
	case SVM_NV_OP_ATOM_CAS64:
		return sm70_mem(isa, i, w, 0x3a9);
	default:
		return sm70_alu(i, w);
	}
}

int svm_nv_encode(enum svm_nv_isa isa, const struct svm_nv_insn *insn,
		  const struct svm_nv_sched *sched, uint64_t w[2])
{
	w[0] = w[1] = 0;
	/* Every 8-bit register number is one: R0..R254, or RZ. */
	if (insn->guard > SVM_NV_PT || insn->cb % 4 || insn->cb > 0xfffc)
		return -EINVAL;
	switch (isa) {
	case SVM_NV_ISA_SM50:
		if (insn->op == SVM_NV_OP_IMAD_IMM ||
		    insn->op == SVM_NV_OP_IMAD_WIDE_CB)
			return -EINVAL;
		return sm50_encode(insn, w);
	case SVM_NV_ISA_SM70:
	case SVM_NV_ISA_SM80:
		if (insn->op == SVM_NV_OP_ISCADD ||
		    insn->op == SVM_NV_OP_IADD_CC_CB ||
		    insn->op == SVM_NV_OP_IADD_X_CB)
			return -EINVAL;
		put(w, 105, 21, sched_bits(sched));
		return sm70_encode(isa, insn, w);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* The assembler                                                       */
/* ------------------------------------------------------------------ */

#define PROGRAM_ALIGN_WORDS	(128 / 4)

static const struct svm_nv_insn nop = { .op = SVM_NV_OP_NOP, .guard = SVM_NV_PT };
static const struct svm_nv_insn bra_self = {
	.op = SVM_NV_OP_BRA_SELF, .guard = SVM_NV_PT,
};

/* Instruction @k of @prog followed by BRA_SELF, then NOPs. */
static const struct svm_nv_insn *insn_at(const struct svm_nv_insn *prog,
					 unsigned int n, unsigned int k)
{
	return k < n ? &prog[k] : k == n ? &bra_self : &nop;
}

static void emit64(uint32_t *out, unsigned int at, uint64_t v)
{
	out[at] = (uint32_t)v;
	out[at + 1] = v >> 32;
}

/* SM50: a control word, then three instructions, per 32 bytes. */
static int assemble_sm50(const struct svm_nv_insn *prog, unsigned int n,
			 uint32_t *out, unsigned int max)
{
	unsigned int words = 0;

	for (unsigned int k = 0; k <= n || words % PROGRAM_ALIGN_WORDS; k += 3) {
		struct svm_nv_sched s[3];
		uint64_t w[2];

		if (words + 8 > max)
			return -ENOSPC;
		for (unsigned int j = 0; j < 3; j++) {
			const struct svm_nv_insn *i = insn_at(prog, n, k + j);
			int ret;

			s[j] = svm_nv_sched_of(i);
			ret = svm_nv_encode(SVM_NV_ISA_SM50, i, &s[j], w);
			if (ret)
				return ret;
			emit64(out, words + 2 + 2 * j, w[0]);
		}
		emit64(out, words, svm_nv_sm50_control(s));
		words += 8;
	}
	return words;
}

static int assemble_sm70(enum svm_nv_isa isa, const struct svm_nv_insn *prog,
			 unsigned int n, uint32_t *out, unsigned int max)
{
	unsigned int words = 0;

	for (unsigned int k = 0; k <= n || words % PROGRAM_ALIGN_WORDS; k++) {
		const struct svm_nv_insn *i = insn_at(prog, n, k);
		struct svm_nv_sched s = svm_nv_sched_of(i);
		uint64_t w[2];
		int ret;

		if (words + 4 > max)
			return -ENOSPC;
		ret = svm_nv_encode(isa, i, &s, w);
		if (ret)
			return ret;
		emit64(out, words, w[0]);
		emit64(out, words + 2, w[1]);
		words += 4;
	}
	return words;
}

int svm_nv_assemble(enum svm_nv_isa isa, const struct svm_nv_insn *prog,
		    unsigned int n, uint32_t *out, unsigned int max)
{
	if (isa == SVM_NV_ISA_SM50)
		return assemble_sm50(prog, n, out, max);
	return assemble_sm70(isa, prog, n, out, max);
}

/* One past the last register of the @width registers from @r; 0 for RZ. */
static unsigned int reg_end(unsigned int r, unsigned int width)
{
	return r == SVM_NV_RZ ? 0 : r + width;
}

/* How many registers each operand names (d, a, b, c), 0 for none. */
static const uint8_t operand_regs[][4] = {
	[SVM_NV_OP_S2R] = { 1 },
	[SVM_NV_OP_MOV_CB] = { 1 },
	[SVM_NV_OP_MOV_IMM] = { 1 },
	[SVM_NV_OP_ISCADD] = { 1, 1, 1 },
	[SVM_NV_OP_IADD_CC_CB] = { 1, 1 },
	[SVM_NV_OP_IADD_X_CB] = { 1, 1 },
	[SVM_NV_OP_IMAD_IMM] = { 1, 1, 0, 1 },
	[SVM_NV_OP_IMAD_WIDE_CB] = { 2, 1, 1 },
	[SVM_NV_OP_ISETP_GE_CB] = { 0, 1 },	/* d is a predicate */
	[SVM_NV_OP_LDG64] = { 2, 2 },
	[SVM_NV_OP_STG64] = { 0, 2, 2 },
	[SVM_NV_OP_ATOM_ADD64] = { 2, 2, 2 },
	[SVM_NV_OP_ATOM_CAS64] = { 2, 2, 2, 2 },
};

/* One past the last register @i names. */
static unsigned int insn_reg_end(const struct svm_nv_insn *i)
{
	const unsigned int r[4] = { i->d, i->a, i->b, i->c };
	unsigned int end = 0;

	if (i->op >= ARRAY_SIZE(operand_regs))
		return 0;
	for (unsigned int k = 0; k < 4; k++) {
		unsigned int e = reg_end(r[k], operand_regs[i->op][k]);

		end = operand_regs[i->op][k] && e > end ? e : end;
	}
	return end;
}

unsigned int svm_nv_registers(const struct svm_nv_insn *prog, unsigned int n)
{
	unsigned int top = 0;

	for (unsigned int k = 0; k < n; k++) {
		unsigned int e = insn_reg_end(&prog[k]);

		top = e > top ? e : top;
	}
	return top;
}
