/* SPDX-License-Identifier: MIT */
/*
 * svm_nv_isa.h - a tiny assembler for the few NVIDIA shader instructions
 * the nouveau device layer's compute path needs, and the shaders it runs,
 * written as readable instruction tables (svm_nv_shaders.c).
 *
 * Two encodings: Maxwell and Pascal (64-bit instructions, a scheduling
 * control word before every three), and Volta and newer (128-bit
 * instructions carrying their own control bits).  Volta/Turing and
 * Ampere/Ada differ, for these instructions, only in how a memory access
 * states its ordering and scope.  Where each bit comes from, and which
 * encodings were checked against what, is in svm_nv_isa.c and in
 * Documentation/gpu/nouveau-svm.rst ("The IGT compute path").
 *
 * Nothing here has run on a GPU: no NVIDIA GPU exists on the machines this
 * project is built on.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_NV_ISA_H
#define SVM_NV_ISA_H

#include <stdint.h>

enum svm_nv_isa {
	SVM_NV_ISA_SM50,	/* Maxwell, Pascal (SM 5.x, 6.x) */
	SVM_NV_ISA_SM70,	/* Volta, Turing (SM 7.0, 7.5) */
	SVM_NV_ISA_SM80,	/* Ampere, Ada (SM 8.0 to 8.9) */
};

/*
 * The instructions.  "c[0][off]" is a word of constant buffer 0 (the
 * launch's parameters), [a] a 64-bit address in the register pair a, a+1.
 */
enum svm_nv_op {
	SVM_NV_OP_NOP,
	SVM_NV_OP_S2R,		/* d = special register imm */
	SVM_NV_OP_MOV_CB,	/* d = c[0][cb] */
	SVM_NV_OP_MOV_IMM,	/* d = imm (MOV32I on SM50) */
	SVM_NV_OP_ISCADD,	/* SM50: d = (a << imm) + b */
	SVM_NV_OP_IADD_CC_CB,	/* SM50: d = a + c[0][cb], carry out */
	SVM_NV_OP_IADD_X_CB,	/* SM50: d = a + c[0][cb] + carry */
	SVM_NV_OP_IMAD_IMM,	/* SM70/80: d = a * imm + c (32 bits) */
	SVM_NV_OP_IMAD_WIDE_CB,	/* SM70/80: d:d+1 = a * b + c[0][cb]:c[0][cb+4] */
	SVM_NV_OP_ISETP_GE_CB,	/* P(d) = a >= c[0][cb], unsigned */
	SVM_NV_OP_EXIT,
	SVM_NV_OP_BRA_SELF,	/* branch to itself: the end of every program */
	SVM_NV_OP_LDG64,	/* d:d+1 = [a + imm] */
	SVM_NV_OP_STG64,	/* [a + imm] = b:b+1 */
	SVM_NV_OP_ATOM_ADD64,	/* d:d+1 = [a + imm]; [a + imm] += b:b+1 */
	/*
	 * d:d+1 = [a + imm]; if it equals b:b+1, [a + imm] = c:c+1.  SM50
	 * encodes b only: c must be b + 2, and b a multiple of 4.
	 */
	SVM_NV_OP_ATOM_CAS64,
};

/* Ordering and scope of a memory access (SM70 and newer encode it). */
enum svm_nv_mem {
	SVM_NV_MEM_WEAK,
	SVM_NV_MEM_STRONG_GPU,
	SVM_NV_MEM_STRONG_SYS,
};

#define SVM_NV_RZ		255	/* the zero register */
#define SVM_NV_PT		7	/* the true predicate: no guard */
/* Special registers (S2R): the same numbers on every generation here. */
#define SVM_NV_SR_TID_X		0x21
#define SVM_NV_SR_CTAID_X	0x25

/* One instruction.  Registers are 0..254 or SVM_NV_RZ. */
struct svm_nv_insn {
	uint8_t op;		/* enum svm_nv_op */
	uint8_t guard;		/* predicate that must hold, SVM_NV_PT for none */
	uint8_t d, a, b, c;
	uint8_t mem;		/* enum svm_nv_mem, for memory accesses */
	uint16_t cb;		/* byte offset in constant buffer 0 */
	int32_t imm;
};

/*
 * Scheduling of one instruction: stall cycles, write and read scoreboards
 * (7: none) and the scoreboards it waits for.  The same fields on both
 * encodings (SM50: a 21-bit slot of the control word; SM70: bits 105 to
 * 121 of the instruction).
 */
struct svm_nv_sched {
	uint8_t stall, yield, wr, rd, wait, reuse;
};

/*
 * The scheduling the assembler gives @insn: every instruction stalls 15
 * cycles and waits for every scoreboard; a variable-latency one (S2R,
 * memory accesses) also sets scoreboard 0 for its result and 1 for its
 * sources.  Slow, and safe without any latency table.
 */
struct svm_nv_sched svm_nv_sched_of(const struct svm_nv_insn *insn);

/*
 * Encode one instruction for @isa with @sched into @w (one 64-bit word on
 * SM50, whose control word the caller builds, two on SM70/80): 0, or
 * -EINVAL for an instruction @isa does not have or a field out of range.
 */
int svm_nv_encode(enum svm_nv_isa isa, const struct svm_nv_insn *insn,
		  const struct svm_nv_sched *sched, uint64_t w[2]);

/* An SM50 control word: @s[0] for the first of the three instructions. */
uint64_t svm_nv_sm50_control(const struct svm_nv_sched s[3]);

/*
 * Assemble @n instructions for @isa into @out (room for @max 32-bit
 * words), 128-byte aligned and padded: the program then branches to
 * itself, and NOPs fill it to a multiple of 128 bytes.  Returns the
 * number of words, -EINVAL for an instruction @isa cannot encode, or
 * -ENOSPC.
 */
int svm_nv_assemble(enum svm_nv_isa isa, const struct svm_nv_insn *prog,
		    unsigned int n, uint32_t *out, unsigned int max);

/* The highest register @prog names (pairs and quads counted), plus one. */
unsigned int svm_nv_registers(const struct svm_nv_insn *prog, unsigned int n);

/* ------------------------------------------------------------------ */
/* The shaders                                                         */
/* ------------------------------------------------------------------ */

/* Threads per CTA of every launch: thread i of CTA j handles word 128j + i. */
#define SVM_NV_CTA_THREADS	128

/* Constant buffer 0 of a launch: what every shader reads, little endian. */
struct svm_nv_params {
	uint64_t dst;		/* 0x00: COPY, FILL: words written; atomics: the word */
	uint64_t src;		/* 0x08: COPY: words read */
	uint64_t value;		/* 0x10: FILL: the word; ADD: addend; CAS: new */
	uint64_t compare;	/* 0x18: CAS: the expected word */
	uint64_t result;	/* 0x20: atomics: where the old word goes (the layer's) */
	uint32_t count;		/* 0x28: COPY, FILL: words, one per thread */
	uint32_t pad;
};

enum svm_nv_shader {
	SVM_NV_SHADER_COPY,		/* dst[i] = src[i], i < count */
	SVM_NV_SHADER_FILL,		/* dst[i] = value, i < count */
	SVM_NV_SHADER_ATOMIC_ADD,	/* *result = atomic add(dst, value): one thread */
	SVM_NV_SHADER_ATOMIC_CAS,	/* *result = atomic cas(dst, compare, value) */
	SVM_NV_SHADERS,
};

/* The instructions of shader @s for @isa; their number in *@n. */
const struct svm_nv_insn *svm_nv_shader(enum svm_nv_isa isa,
					enum svm_nv_shader s, unsigned int *n);
/* "copy", "fill", "atomic-add", "atomic-cas". */
const char *svm_nv_shader_name(enum svm_nv_shader s);

#endif /* SVM_NV_ISA_H */
