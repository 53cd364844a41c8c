/* SPDX-License-Identifier: MIT */
/*
 * svm_nv_compute.h - compute launches for the nouveau device layer: which
 * compute class, QMD version and shader ISA a GPU takes, the QMD (the
 * launch descriptor SEND_PCAS_A points the compute engine at), and the
 * method streams that set a compute object up and launch a QMD.
 *
 * Pure code: it fills memory and push buffers and touches no device, so
 * that nouveau_svm_compute checks every word against NVIDIA's published
 * class headers on a machine without a GPU.  Nothing here has run on a
 * GPU: no NVIDIA GPU exists on the machines this project is built on.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_NV_COMPUTE_H
#define SVM_NV_COMPUTE_H

#include <stdint.h>

#include "svm_nv_isa.h"
#include "svm_nv_push.h"

/* A QMD is 64 words in every version used here (256 bytes, 256-aligned). */
#define SVM_NV_QMD_WORDS	64
#define SVM_NV_QMD_ALIGN	256
/* SEND_PCAS_A takes the QMD's address >> 8 in 32 bits: below 1 TiB. */
#define SVM_NV_QMD_ADDR_LIMIT	(1ull << 40)
/* Instructions start 128-byte aligned, and 2 KiB after them stay mapped. */
#define SVM_NV_CODE_ALIGN	128
#define SVM_NV_CODE_PREFETCH	2048
/* Constant buffers bound through the QMD: 256-byte aligned and sized. */
#define SVM_NV_CB_ALIGN		256
/* The subchannel of the compute object (Mesa's nvc0 and NVK use 1 too). */
#define SVM_NV_SUBC_COMPUTE	1

/*
 * Compute class methods (NVIDIA's published clc0c0.h, clc3c0.h, clc7c0.h;
 * the same offsets in every class from PASCAL_COMPUTE_A to ADA_COMPUTE_A
 * unless marked).
 */
#define SVM_NV_CP_WAIT_FOR_IDLE			0x0110
#define SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW 0x0214	/* c0c0, c1c0 */
#define SVM_NV_CP_INVALIDATE_SKED_CACHES	0x0298
#define SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW_A 0x02a0	/* c3c0 on */
#define SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW_B 0x02a4	/* c3c0 on */
#define SVM_NV_CP_SEND_PCAS_A			0x02b4
#define SVM_NV_CP_SEND_SIGNALING_PCAS_B		0x02bc	/* to c5c0 */
#define SVM_NV_CP_SEND_SIGNALING_PCAS2_B	0x02c0	/* c6c0 on */
#define SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW 0x077c	/* c0c0, c1c0 */
#define SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW_A 0x07b0	/* c3c0 on */
#define SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW_B 0x07b4	/* c3c0 on */
#define SVM_NV_CP_SET_PROGRAM_REGION_A		0x1608	/* c0c0, c1c0 */
#define SVM_NV_CP_SET_PROGRAM_REGION_B		0x160c	/* c0c0, c1c0 */
#define SVM_NV_CP_INVALIDATE_SHADER_CACHES_NO_WFI 0x1698

/* SEND_SIGNALING_PCAS_B: INVALIDATE (0:0) and SCHEDULE (1:1). */
#define SVM_NV_CP_PCAS_B_INVALIDATE_SCHEDULE	0x3
/* SEND_SIGNALING_PCAS2_B PCAS_ACTION (3:0): INVALIDATE_COPY_SCHEDULE. */
#define SVM_NV_CP_PCAS2_B_INVALIDATE_COPY_SCHEDULE 0x3
/* INVALIDATE_SHADER_CACHES_NO_WFI: INSTRUCTION 0:0, GLOBAL_DATA 4:4, CONSTANT 12:12. */
#define SVM_NV_CP_INVALIDATE_INSTRUCTION	(1u << 0)
#define SVM_NV_CP_INVALIDATE_GLOBAL_DATA	(1u << 4)
#define SVM_NV_CP_INVALIDATE_CONSTANT		(1u << 12)

/*
 * Where shared and local (generic) addresses are windowed: 0xfe000000 and
 * 0xff000000, as Mesa's nvc0 and NVK put them.  The shaders here use
 * global loads and stores only, which no window redirects.
 */
#define SVM_NV_SHARED_WINDOW	0xfe000000u
#define SVM_NV_LOCAL_WINDOW	0xff000000u

enum svm_nv_qmd_version {
	SVM_NV_QMD_V02_01,	/* Pascal: clc0c0qmd.h, clc1c0qmd.h */
	SVM_NV_QMD_V02_02,	/* Volta, Turing: clc3c0qmd.h */
	SVM_NV_QMD_V03_00,	/* Ampere, Ada: clc6c0qmd.h, clc7c0qmd.h, clc9c0qmd.h */
};

/* A field of a QMD: bits @lo to @hi of the 2048, as the headers' MW(hi:lo). */
struct svm_nv_qmd_field {
	uint16_t hi, lo;
};

/* The fields whose place depends on the QMD version (hi 0: not there). */
struct svm_nv_qmd_layout {
	struct svm_nv_qmd_field program_offset;		/* V02_01 */
	struct svm_nv_qmd_field program_address_lower;	/* V02_02 on */
	struct svm_nv_qmd_field program_address_upper;
	struct svm_nv_qmd_field register_count;
	struct svm_nv_qmd_field min_sm_config_shared_mem_size;
	struct svm_nv_qmd_field max_sm_config_shared_mem_size;
	struct svm_nv_qmd_field target_sm_config_shared_mem_size;
	struct svm_nv_qmd_field shader_local_memory_low_size;
	struct svm_nv_qmd_field shader_local_memory_high_size;
	struct svm_nv_qmd_field shader_local_memory_crs_size;	/* V02_0x */
	struct svm_nv_qmd_field barrier_count;
};

/* The layout of QMD version @v. */
const struct svm_nv_qmd_layout *svm_nv_qmd_layout(enum svm_nv_qmd_version v);

/* What launching on a given GPU takes. */
struct svm_nv_compute_cfg {
	uint32_t oclass;		/* PASCAL_COMPUTE_A ... ADA_COMPUTE_A */
	enum svm_nv_qmd_version qmd;
	enum svm_nv_isa isa;
	/*
	 * V02_02 on: the SM_CONFIG_SHARED_MEM_SIZE encodings (KiB / 4 + 1)
	 * of the smallest carveout, which is also the target, and the largest.
	 */
	uint8_t smem_config_min, smem_config_max;
};

/*
 * The configuration for compute class @oclass on a GPU of @chipset
 * (NOUVEAU_GETPARAM_CHIPSET_ID): 0, or -ENODEV for a class or chipset
 * outside Pascal to Ada.
 */
int svm_nv_compute_cfg(uint32_t chipset, uint32_t oclass,
		       struct svm_nv_compute_cfg *cfg);

/* The compute classes, newest first, as the layer tries them. */
extern const uint32_t svm_nv_compute_classes[];
extern const unsigned int svm_nv_compute_nclasses;

/* A one-dimensional launch of one program. */
struct svm_nv_grid {
	/*
	 * GPU address of the program's first instruction; for V02_01 its
	 * offset from the program region (SET_PROGRAM_REGION) instead.
	 */
	uint64_t program;
	uint32_t registers;	/* GPRs the program names: highest + 1 */
	uint32_t ctas;		/* CTAs along x, at least 1 */
	uint32_t threads;	/* threads per CTA along x, 1 to 1024 */
	uint64_t cb0;		/* constant buffer 0: the program's parameters */
	uint32_t cb0_size;	/* bytes, a multiple of SVM_NV_CB_ALIGN */
};

/*
 * Fill @qmd for @g on @cfg's GPU: every word, the unused ones zero.
 * Returns 0, or -EINVAL for a grid outside the fields or limits.
 */
int svm_nv_qmd_pack(const struct svm_nv_compute_cfg *cfg,
		    const struct svm_nv_grid *g, uint32_t qmd[SVM_NV_QMD_WORDS]);

/* Bits @hi:@lo of @qmd (a field within one word), for the checks. */
uint32_t svm_nv_qmd_get(const uint32_t *qmd, unsigned int hi, unsigned int lo);

/*
 * Push what a new compute object needs before its first launch: bind it
 * to SVM_NV_SUBC_COMPUTE, set the shared and local windows, on Pascal the
 * program region @code (the GPU address program offsets are taken from),
 * and invalidate SKED's caches.
 */
void svm_nv_compute_setup(struct svm_nv_push *p,
			  const struct svm_nv_compute_cfg *cfg, uint64_t code);

/*
 * Push a launch of the QMD at GPU address @qmd (SVM_NV_QMD_ALIGN aligned):
 * invalidate the instruction, constant and global-data caches (the layer
 * rewrites parameters and QMD in place), send the QMD, and wait for the
 * compute engine to go idle.
 */
void svm_nv_compute_launch(struct svm_nv_push *p,
			   const struct svm_nv_compute_cfg *cfg, uint64_t qmd);

#endif /* SVM_NV_COMPUTE_H */
