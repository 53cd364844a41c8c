// SPDX-License-Identifier: MIT
/*
 * svm_nv_shaders.c - the shaders of the nouveau device layer's compute
 * path, one table per ISA family, in the order the instructions run.
 * svm_nv_assemble() turns a table into the program; the parameters are
 * in constant buffer 0 as &struct svm_nv_params lays them out.
 *
 * COPY and FILL run one thread per 64-bit word (thread i of CTA j takes
 * word 128j + i; threads past @count exit), so that one launch touches
 * every page of its range at once and the GPU raises many faults
 * together.  The atomics run one thread, on one word.  Loads and stores
 * are weak (the launch ends with a system membar, QMD CWD_MEMBAR_TYPE);
 * the atomics and the store of their result are strong at system scope,
 * as a word shared with CPU threads needs.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <stddef.h>

#include "svm_nv_isa.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define P(f)	((uint16_t)offsetof(struct svm_nv_params, f))
#define RZ	SVM_NV_RZ
#define PT	SVM_NV_PT

#define I(o, ...) { .op = SVM_NV_OP_##o, .guard = PT, __VA_ARGS__ }
#define S2R(rd, sr)		I(S2R, .d = rd, .imm = SVM_NV_SR_##sr)
#define MOV_CB(rd, off)		I(MOV_CB, .d = rd, .cb = off)
#define MOV_IMM(rd, v)		I(MOV_IMM, .d = rd, .imm = v)
#define ISCADD(rd, ra, rb, sh)	I(ISCADD, .d = rd, .a = ra, .b = rb, .imm = sh)
#define IADD_CC_CB(rd, ra, off)	I(IADD_CC_CB, .d = rd, .a = ra, .cb = off)
#define IADD_X_CB(rd, ra, off)	I(IADD_X_CB, .d = rd, .a = ra, .cb = off)
#define IMAD_IMM(rd, ra, v, rc)	I(IMAD_IMM, .d = rd, .a = ra, .imm = v, .c = rc)
#define IMAD_WIDE_CB(rd, ra, rb, off) \
	I(IMAD_WIDE_CB, .d = rd, .a = ra, .b = rb, .cb = off)
#define ISETP_GE_CB(p, ra, off)	I(ISETP_GE_CB, .d = p, .a = ra, .cb = off)
#define EXIT_IF(p)		{ .op = SVM_NV_OP_EXIT, .guard = p }
#define EXIT()			I(EXIT)
#define LDG64(rd, ra, m)	I(LDG64, .d = rd, .a = ra, .mem = SVM_NV_MEM_##m)
#define STG64(ra, rb, m)	I(STG64, .a = ra, .b = rb, .mem = SVM_NV_MEM_##m)
#define ATOM_ADD64(rd, ra, rb) \
	I(ATOM_ADD64, .d = rd, .a = ra, .b = rb, .mem = SVM_NV_MEM_STRONG_SYS)
#define ATOM_CAS64(rd, ra, rb, rc) \
	I(ATOM_CAS64, .d = rd, .a = ra, .b = rb, .c = rc, \
	  .mem = SVM_NV_MEM_STRONG_SYS)

/* SM50: i = (ctaid << 7) + tid; addresses by a carried 32-bit add. */
#define SM50_INDEX \
	S2R(0, TID_X), \
	S2R(1, CTAID_X), \
	ISCADD(2, 1, 0, 7),		/* R2 = i (128 threads per CTA) */ \
	ISETP_GE_CB(0, 2, P(count)), \
	EXIT_IF(0), \
	ISCADD(3, 2, RZ, 3)		/* R3 = 8i: count < 2^27 */

#define SM50_ADDR(rd, field) \
	IADD_CC_CB(rd, 3, P(field)), \
	IADD_X_CB((rd) + 1, RZ, P(field) + 4)

static const struct svm_nv_insn sm50_copy[] = {
	SM50_INDEX,
	SM50_ADDR(4, src),
	SM50_ADDR(6, dst),
	LDG64(8, 4, WEAK),
	STG64(6, 8, WEAK),
	EXIT(),
};

static const struct svm_nv_insn sm50_fill[] = {
	SM50_INDEX,
	SM50_ADDR(6, dst),
	MOV_CB(8, P(value)),
	MOV_CB(9, P(value) + 4),
	STG64(6, 8, WEAK),
	EXIT(),
};

/* SM70/80: i = ctaid * 128 + tid; addresses by one wide multiply-add. */
#define SM70_INDEX \
	S2R(0, TID_X), \
	S2R(1, CTAID_X), \
	IMAD_IMM(2, 1, SVM_NV_CTA_THREADS, 0),	/* R2 = i */ \
	ISETP_GE_CB(0, 2, P(count)), \
	EXIT_IF(0), \
	MOV_IMM(3, 8)

static const struct svm_nv_insn sm70_copy[] = {
	SM70_INDEX,
	IMAD_WIDE_CB(4, 2, 3, P(src)),		/* R4:R5 = src + 8i */
	IMAD_WIDE_CB(6, 2, 3, P(dst)),
	LDG64(8, 4, WEAK),
	STG64(6, 8, WEAK),
	EXIT(),
};

static const struct svm_nv_insn sm70_fill[] = {
	SM70_INDEX,
	IMAD_WIDE_CB(6, 2, 3, P(dst)),
	MOV_CB(8, P(value)),
	MOV_CB(9, P(value) + 4),
	STG64(6, 8, WEAK),
	EXIT(),
};

/* The atomics are the same instructions on every family. */
static const struct svm_nv_insn any_atomic_add[] = {
	MOV_CB(2, P(dst)),
	MOV_CB(3, P(dst) + 4),
	MOV_CB(4, P(value)),
	MOV_CB(5, P(value) + 4),
	ATOM_ADD64(6, 2, 4),			/* R6:R7 = old */
	MOV_CB(8, P(result)),
	MOV_CB(9, P(result) + 4),
	STG64(8, 6, STRONG_SYS),
	EXIT(),
};

static const struct svm_nv_insn any_atomic_cas[] = {
	MOV_CB(2, P(dst)),
	MOV_CB(3, P(dst) + 4),
	MOV_CB(4, P(compare)),
	MOV_CB(5, P(compare) + 4),
	MOV_CB(6, P(value)),
	MOV_CB(7, P(value) + 4),
	ATOM_CAS64(8, 2, 4, 6),			/* R8:R9 = old */
	MOV_CB(10, P(result)),
	MOV_CB(11, P(result) + 4),
	STG64(10, 8, STRONG_SYS),
	EXIT(),
};

struct svm_nv_shader_def {
	const struct svm_nv_insn *insns;
	unsigned int n;
};

#define DEF(t)	{ t, ARRAY_SIZE(t) }

static const struct svm_nv_shader_def shaders[][SVM_NV_SHADERS] = {
	[SVM_NV_ISA_SM50] = {
		DEF(sm50_copy), DEF(sm50_fill),
		DEF(any_atomic_add), DEF(any_atomic_cas),
	},
	[SVM_NV_ISA_SM70] = {
		DEF(sm70_copy), DEF(sm70_fill),
		DEF(any_atomic_add), DEF(any_atomic_cas),
	},
	[SVM_NV_ISA_SM80] = {
		DEF(sm70_copy), DEF(sm70_fill),
		DEF(any_atomic_add), DEF(any_atomic_cas),
	},
};

const struct svm_nv_insn *svm_nv_shader(enum svm_nv_isa isa,
					enum svm_nv_shader s, unsigned int *n)
{
	if (isa > SVM_NV_ISA_SM80 || s >= SVM_NV_SHADERS)
		return NULL;
	*n = shaders[isa][s].n;
	return shaders[isa][s].insns;
}

const char *svm_nv_shader_name(enum svm_nv_shader s)
{
	static const char *const names[SVM_NV_SHADERS] = {
		"copy", "fill", "atomic-add", "atomic-cas",
	};

	return s < SVM_NV_SHADERS ? names[s] : "?";
}
