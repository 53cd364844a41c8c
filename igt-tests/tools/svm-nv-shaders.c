// SPDX-License-Identifier: MIT
/*
 * svm-nv-shaders - print the shaders of the nouveau device layer's compute
 * path as svm_nv_assemble() makes them, for one ISA family or all: each
 * instruction as its description reads, beside the words it became.
 *
 *   svm-nv-shaders [--isa sm50|sm70|sm80] [--words]
 *
 * --words prints the 64-bit words alone, one per line, low word first on
 * SM70 and later: the input of envytools' "envydis -m gm107 -W" for SM50,
 * or of a disassembler of NVIDIA's on a machine that has one.  That is how
 * the SM50 shaders were checked while they were written
 * (Documentation/gpu/nouveau-svm.rst, "The IGT compute path").
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svm_nv_isa.h"

static const char *const isa_names[] = { "sm50", "sm70", "sm80" };
static const char *const isa_gpus[] = {
	"Maxwell, Pascal", "Volta, Turing", "Ampere, Ada",
};

/* A register, "RZ" for the zero register. */
static const char *reg(unsigned int r, char *buf, size_t len)
{
	if (r == SVM_NV_RZ)
		return "RZ";
	snprintf(buf, len, "R%u", r);
	return buf;
}

static const char *mem_order(unsigned int mem)
{
	static const char *const names[] = { "", ".STRONG.GPU", ".STRONG.SYS" };

	return mem < 3 ? names[mem] : ".?";
}

/* The instruction as its description in svm_nv_shaders.c reads. */
static void describe(const struct svm_nv_insn *i, char *out, size_t len)
{
	char rd[8], ra[8], rb[8], rc[8], g[8] = "";
	const char *d = reg(i->d, rd, sizeof(rd));
	const char *a = reg(i->a, ra, sizeof(ra));
	const char *b = reg(i->b, rb, sizeof(rb));
	const char *c = reg(i->c, rc, sizeof(rc));

	if (i->guard != SVM_NV_PT)
		snprintf(g, sizeof(g), "@P%u ", i->guard);
	switch (i->op) {
	case SVM_NV_OP_NOP:
		snprintf(out, len, "%sNOP", g);
		break;
	case SVM_NV_OP_S2R:
		snprintf(out, len, "%sS2R %s, SR_%s", g, d,
			 i->imm == SVM_NV_SR_TID_X ? "TID.X" :
			 i->imm == SVM_NV_SR_CTAID_X ? "CTAID.X" : "?");
		break;
	case SVM_NV_OP_MOV_CB:
		snprintf(out, len, "%sMOV %s, c[0x0][%#x]", g, d, i->cb);
		break;
	case SVM_NV_OP_MOV_IMM:
		snprintf(out, len, "%sMOV %s, %#x", g, d, (unsigned int)i->imm);
		break;
	case SVM_NV_OP_ISCADD:
		snprintf(out, len, "%sISCADD %s, %s, %s, %d", g, d, a, b, i->imm);
		break;
	case SVM_NV_OP_IADD_CC_CB:
		snprintf(out, len, "%sIADD.CC %s, %s, c[0x0][%#x]", g, d, a, i->cb);
		break;
	case SVM_NV_OP_IADD_X_CB:
		snprintf(out, len, "%sIADD.X %s, %s, c[0x0][%#x]", g, d, a, i->cb);
		break;
	case SVM_NV_OP_IMAD_IMM:
		snprintf(out, len, "%sIMAD %s, %s, %#x, %s", g, d, a, i->imm, c);
		break;
	case SVM_NV_OP_IMAD_WIDE_CB:
		snprintf(out, len, "%sIMAD.WIDE.U32 %s, %s, %s, c[0x0][%#x]", g, d,
			 a, b, i->cb);
		break;
	case SVM_NV_OP_ISETP_GE_CB:
		snprintf(out, len, "%sISETP.GE.U32.AND P%u, PT, %s, c[0x0][%#x], PT",
			 g, i->d, a, i->cb);
		break;
	case SVM_NV_OP_EXIT:
		snprintf(out, len, "%sEXIT", g);
		break;
	case SVM_NV_OP_BRA_SELF:
		snprintf(out, len, "%sBRA to itself", g);
		break;
	case SVM_NV_OP_LDG64:
		snprintf(out, len, "%sLDG.E.64%s %s, [%s+%#x]", g, mem_order(i->mem),
			 d, a, i->imm);
		break;
	case SVM_NV_OP_STG64:
		snprintf(out, len, "%sSTG.E.64%s [%s+%#x], %s", g, mem_order(i->mem),
			 a, i->imm, b);
		break;
	case SVM_NV_OP_ATOM_ADD64:
		snprintf(out, len, "%sATOM.E.ADD.64%s %s, [%s], %s", g,
			 mem_order(i->mem), d, a, b);
		break;
	case SVM_NV_OP_ATOM_CAS64:
		snprintf(out, len, "%sATOM.E.CAS.64%s %s, [%s], %s, %s", g,
			 mem_order(i->mem), d, a, b, c);
		break;
	default:
		snprintf(out, len, "?");
	}
}

static uint64_t word64(const uint32_t *p, unsigned int i)
{
	return p[i] | (uint64_t)p[i + 1] << 32;
}

/*
 * The listing of shader @s: on SM50 each control word on a line of its
 * own, then the instructions it schedules.
 */
static void list(enum svm_nv_isa isa, enum svm_nv_shader s,
		 const uint32_t *code, int words, bool bare)
{
	unsigned int n, step = isa == SVM_NV_ISA_SM50 ? 2 : 4;
	const struct svm_nv_insn *prog = svm_nv_shader(isa, s, &n);
	unsigned int k = 0;

	if (!bare)
		printf("# %s on %s (%s): %d bytes, %u registers\n",
		       svm_nv_shader_name(s), isa_names[isa], isa_gpus[isa],
		       words * 4, svm_nv_registers(prog, n));
	for (int w = 0; w < words; w += step) {
		bool ctl = isa == SVM_NV_ISA_SM50 && w % 8 == 0;
		char text[96] = "";

		if (ctl)
			snprintf(text, sizeof(text), "(scheduling of the next three)");
		else if (k < n)
			describe(&prog[k++], text, sizeof(text));
		else
			snprintf(text, sizeof(text), k++ == n ? "BRA to itself" :
				 "NOP");
		if (bare) {
			printf("%016llx\n", (unsigned long long)word64(code, w));
			if (step == 4)
				printf("%016llx\n",
				       (unsigned long long)word64(code, w + 2));
			continue;
		}
		printf("%04x  %016llx", w * 4, (unsigned long long)word64(code, w));
		if (step == 4)
			printf(" %016llx", (unsigned long long)word64(code, w + 2));
		printf("  %s\n", text);
	}
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--isa sm50|sm70|sm80] [--words]\n", argv0);
	return 2;
}

int main(int argc, char **argv)
{
	int first = 0, last = SVM_NV_ISA_SM80;
	bool bare = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--words")) {
			bare = true;
		} else if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
			for (first = 0; first <= SVM_NV_ISA_SM80; first++)
				if (!strcmp(argv[i + 1], isa_names[first]))
					break;
			if (first > SVM_NV_ISA_SM80)
				return usage(argv[0]);
			last = first;
			i++;
		} else {
			return usage(argv[0]);
		}
	}
	for (int isa = first; isa <= last; isa++) {
		for (int s = 0; s < SVM_NV_SHADERS; s++) {
			uint32_t code[1024];
			const struct svm_nv_insn *prog;
			unsigned int n;
			int words;

			prog = svm_nv_shader(isa, s, &n);
			words = svm_nv_assemble(isa, prog, n, code, 1024);
			if (words < 0) {
				fprintf(stderr, "%s %s: %s\n", isa_names[isa],
					svm_nv_shader_name(s), strerror(-words));
				return 1;
			}
			list(isa, s, code, words, bare);
		}
	}
	return 0;
}
