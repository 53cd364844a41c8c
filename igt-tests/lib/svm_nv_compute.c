// SPDX-License-Identifier: MIT
/*
 * svm_nv_compute.c - QMDs and compute-object method streams for the
 * nouveau device layer (see svm_nv_compute.h).
 *
 * BUILT HERE, NEVER RUN ON A GPU.  Every field position below is from
 * NVIDIA's published class headers (open-gpu-doc, classes/compute:
 * clc0c0qmd.h for V02_01, clc3c0qmd.h for V02_02, clc6c0qmd.h,
 * clc7c0qmd.h and clc9c0qmd.h for V03_00, and the class headers clc0c0.h,
 * clc3c0.h and clc7c0.h for the methods).  Where the headers leave a
 * choice open, it follows Mesa: the QMD version per class, the fields
 * always set and the carveouts as NAK (nak/qmd.rs), CWD_MEMBAR_TYPE as
 * nvc0 sets it for Pascal (gp100_compute_setup_launch_desc(), kept here
 * for every version), the setup and launch sequences as NAK's hardware
 * test runner (nak/hw_runner.rs) and NVK (nvk_cmd_dispatch.c).
 * nouveau_svm_compute checks the words against the headers' positions,
 * make check NV_CLASS_DOC=... against the headers themselves.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <errno.h>
#include <string.h>

#include "drivers/gpu/drm/nouveau/include/nvif/class.h"

#include "svm_nv_compute.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

#define F(h, l)			{ .hi = (h), .lo = (l) }

/* Fields at the same place in V02_01, V02_02 and V03_00. */
#define QMD_SM_GLOBAL_CACHING_ENABLE	134, 134
#define QMD_CWD_MEMBAR_TYPE		369, 368
#define QMD_API_VISIBLE_CALL_LIMIT	378, 378
#define QMD_SAMPLER_INDEX		382, 382
#define QMD_CTA_RASTER_WIDTH		415, 384
#define QMD_CTA_RASTER_HEIGHT		431, 416
#define QMD_CTA_RASTER_DEPTH		463, 448
#define QMD_SHARED_MEMORY_SIZE		561, 544
#define QMD_QMD_VERSION			579, 576
#define QMD_QMD_MAJOR_VERSION		583, 580
#define QMD_CTA_THREAD_DIMENSION0	607, 592
#define QMD_CTA_THREAD_DIMENSION1	623, 608
#define QMD_CTA_THREAD_DIMENSION2	639, 624
#define QMD_CONSTANT_BUFFER_VALID(i)	(640 + (i)), (640 + (i))
#define QMD_CONSTANT_BUFFER_ADDR_LOWER(i) (1055 + (i) * 64), (1024 + (i) * 64)
#define QMD_CONSTANT_BUFFER_ADDR_UPPER(i) (1072 + (i) * 64), (1056 + (i) * 64)
#define QMD_CONSTANT_BUFFER_SIZE_SHIFTED4(i) (1087 + (i) * 64), (1075 + (i) * 64)

/* API_VISIBLE_CALL_LIMIT_NO_CHECK; CWD_MEMBAR_TYPE_L1_SYSMEMBAR. */
#define QMD_NO_CHECK		1
#define QMD_L1_SYSMEMBAR	1

static const struct svm_nv_qmd_layout svm_nv_qmd_v02_01 = {
	.program_offset = F(287, 256),
	.register_count = F(991, 984),
	.shader_local_memory_low_size = F(951, 928),
	.shader_local_memory_high_size = F(983, 960),
	.shader_local_memory_crs_size = F(1015, 992),
	.barrier_count = F(959, 955),
};

static const struct svm_nv_qmd_layout svm_nv_qmd_v02_02 = {
	.program_address_lower = F(1567, 1536),
	.program_address_upper = F(1584, 1568),
	.register_count = F(656, 648),		/* REGISTER_COUNT_V */
	.min_sm_config_shared_mem_size = F(568, 562),
	.max_sm_config_shared_mem_size = F(575, 569),
	.target_sm_config_shared_mem_size = F(663, 657),
	.shader_local_memory_low_size = F(951, 928),
	.shader_local_memory_high_size = F(983, 960),
	.shader_local_memory_crs_size = F(1015, 992),
	.barrier_count = F(959, 955),
};

static const struct svm_nv_qmd_layout svm_nv_qmd_v03_00 = {
	.program_address_lower = F(1567, 1536),
	.program_address_upper = F(1584, 1568),
	.register_count = F(656, 648),		/* REGISTER_COUNT_V */
	.min_sm_config_shared_mem_size = F(567, 562),
	.max_sm_config_shared_mem_size = F(574, 569),
	.target_sm_config_shared_mem_size = F(662, 657),
	.shader_local_memory_low_size = F(759, 736),
	.shader_local_memory_high_size = F(1623, 1600),
	.barrier_count = F(767, 763),
};

const struct svm_nv_qmd_layout *svm_nv_qmd_layout(enum svm_nv_qmd_version v)
{
	switch (v) {
	case SVM_NV_QMD_V02_01:
		return &svm_nv_qmd_v02_01;
	case SVM_NV_QMD_V02_02:
		return &svm_nv_qmd_v02_02;
	default:
		return &svm_nv_qmd_v03_00;
	}
}

const uint32_t svm_nv_compute_classes[] = {
	ADA_COMPUTE_A, AMPERE_COMPUTE_B, AMPERE_COMPUTE_A, TURING_COMPUTE_A,
	VOLTA_COMPUTE_A, PASCAL_COMPUTE_B, PASCAL_COMPUTE_A,
};
const unsigned int svm_nv_compute_nclasses = ARRAY_SIZE(svm_nv_compute_classes);

/*
 * The GPUs: chipsets, their compute classes, ISA, and the most shared
 * memory a CTA may have (KiB), from which the QMD's largest carveout is
 * taken (Volta 96, Turing 64; Ampere and Ada have more, capped at 96 as
 * below).
 */
struct svm_nv_family {
	uint32_t first, last;		/* chipsets */
	uint32_t class_a, class_b;	/* the compute classes they expose */
	enum svm_nv_qmd_version qmd;
	enum svm_nv_isa isa;
	uint16_t smem_max_kib;
};

static const struct svm_nv_family svm_nv_families[] = {
	{ 0x130, 0x13b, PASCAL_COMPUTE_A, PASCAL_COMPUTE_B,
	  SVM_NV_QMD_V02_01, SVM_NV_ISA_SM50, 48 },
	{ 0x140, 0x140, VOLTA_COMPUTE_A, VOLTA_COMPUTE_A,
	  SVM_NV_QMD_V02_02, SVM_NV_ISA_SM70, 96 },
	{ 0x160, 0x168, TURING_COMPUTE_A, TURING_COMPUTE_A,
	  SVM_NV_QMD_V02_02, SVM_NV_ISA_SM70, 64 },
	{ 0x170, 0x170, AMPERE_COMPUTE_A, AMPERE_COMPUTE_A,
	  SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 164 },
	{ 0x172, 0x177, AMPERE_COMPUTE_B, AMPERE_COMPUTE_B,
	  SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 100 },
	{ 0x190, 0x197, ADA_COMPUTE_A, ADA_COMPUTE_A,
	  SVM_NV_QMD_V03_00, SVM_NV_ISA_SM80, 100 },
};

/*
 * An SM_CONFIG_SHARED_MEM_SIZE value: the smallest split of 8, 16, 32, 64
 * or 96 KiB that holds @kib (96 for more), as KiB / 4 + 1.  This is what
 * Mesa's NAK (qmd.rs, gv100_sm_config_smem_size()) and nvc0
 * (gv100_sm_config_smem_size()) program: MIN and TARGET from the CTA's
 * shared memory (none here: 8 KiB, 3), MAX from the most a CTA may have.
 */
static uint8_t svm_nv_smem_config(unsigned int kib)
{
	static const uint8_t splits[] = { 8, 16, 32, 64 };
	unsigned int split = 96;

	for (unsigned int i = 0; i < ARRAY_SIZE(splits); i++) {
		if (kib <= splits[i]) {
			split = splits[i];
			break;
		}
	}
	return split / 4 + 1;
}

int svm_nv_compute_cfg(uint32_t chipset, uint32_t oclass,
		       struct svm_nv_compute_cfg *cfg)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(svm_nv_families); i++) {
		const struct svm_nv_family *f = &svm_nv_families[i];

		if (chipset < f->first || chipset > f->last)
			continue;
		if (oclass != f->class_a && oclass != f->class_b)
			return -ENODEV;
		*cfg = (struct svm_nv_compute_cfg) {
			.oclass = oclass,
			.qmd = f->qmd,
			.isa = f->isa,
			.smem_config_min = svm_nv_smem_config(0),
			.smem_config_max = svm_nv_smem_config(f->smem_max_kib),
		};
		return 0;
	}
	return -ENODEV;
}

/* Set bits @hi:@lo of @qmd to @v; a field never spans two words. */
static void qmd_set(uint32_t *qmd, unsigned int hi, unsigned int lo,
		    uint64_t v)
{
	unsigned int w = lo / 32, shift = lo % 32, width = hi - lo + 1;
	uint32_t mask = width == 32 ? ~0u : ((1u << width) - 1);

	igt_assert(hi / 32 == w && hi >= lo);
	qmd[w] = (qmd[w] & ~(mask << shift)) | (((uint32_t)v & mask) << shift);
}

static void qmd_setf(uint32_t *qmd, struct svm_nv_qmd_field f, uint64_t v)
{
	if (f.hi)
		qmd_set(qmd, f.hi, f.lo, v);
}

uint32_t svm_nv_qmd_get(const uint32_t *qmd, unsigned int hi, unsigned int lo)
{
	unsigned int width = hi - lo + 1;
	uint32_t mask = width == 32 ? ~0u : ((1u << width) - 1);

	igt_assert(hi / 32 == lo / 32 && hi >= lo);
	return (qmd[lo / 32] >> (lo % 32)) & mask;
}

static bool svm_nv_grid_valid(const struct svm_nv_compute_cfg *cfg,
			      const struct svm_nv_grid *g)
{
	/* QMD_MAJOR_VERSION 2: PROGRAM_OFFSET; 3: the 49-bit address. */
	uint64_t program_limit = cfg->qmd == SVM_NV_QMD_V02_01 ?
				 1ull << 32 : 1ull << 49;

	return g->ctas && g->threads && g->threads <= 1024 &&
	       g->registers && g->registers <= 253 &&
	       g->program < program_limit && !(g->program % SVM_NV_CODE_ALIGN) &&
	       g->cb0 < 1ull << 49 && !(g->cb0 % SVM_NV_CB_ALIGN) &&
	       g->cb0_size && g->cb0_size <= 64 << 10 &&
	       !(g->cb0_size % SVM_NV_CB_ALIGN);
}

/*
 * REGISTER_COUNT(_V): Volta and newer burn two GPRs for the program
 * counter, and at least 4 are allocated (NAK's sm70.rs hw_reserved_gprs,
 * qmd.rs).
 */
static uint32_t svm_nv_qmd_registers(const struct svm_nv_compute_cfg *cfg,
				     uint32_t used)
{
	uint32_t n = used + (cfg->isa != SVM_NV_ISA_SM50 ? 2 : 0);

	return n < 4 ? 4 : n;
}

static void svm_nv_qmd_version(const struct svm_nv_compute_cfg *cfg,
			       uint32_t *qmd)
{
	static const uint8_t major[] = { 2, 2, 3 }, minor[] = { 1, 2, 0 };

	qmd_set(qmd, QMD_QMD_MAJOR_VERSION, major[cfg->qmd]);
	qmd_set(qmd, QMD_QMD_VERSION, minor[cfg->qmd]);
}

int svm_nv_qmd_pack(const struct svm_nv_compute_cfg *cfg,
		    const struct svm_nv_grid *g, uint32_t qmd[SVM_NV_QMD_WORDS])
{
	const struct svm_nv_qmd_layout *l = svm_nv_qmd_layout(cfg->qmd);

	if (!svm_nv_grid_valid(cfg, g))
		return -EINVAL;
	memset(qmd, 0, SVM_NV_QMD_WORDS * sizeof(*qmd));
	svm_nv_qmd_version(cfg, qmd);
	qmd_set(qmd, QMD_API_VISIBLE_CALL_LIMIT, QMD_NO_CHECK);
	qmd_set(qmd, QMD_SAMPLER_INDEX, 0);	/* INDEPENDENTLY */
	qmd_set(qmd, QMD_SM_GLOBAL_CACHING_ENABLE, 1);
	/* As nvc0 on Pascal: the CTAs' stores reach memory before the end. */
	qmd_set(qmd, QMD_CWD_MEMBAR_TYPE, QMD_L1_SYSMEMBAR);
	qmd_set(qmd, QMD_CTA_RASTER_WIDTH, g->ctas);
	qmd_set(qmd, QMD_CTA_RASTER_HEIGHT, 1);
	qmd_set(qmd, QMD_CTA_RASTER_DEPTH, 1);
	qmd_set(qmd, QMD_CTA_THREAD_DIMENSION0, g->threads);
	qmd_set(qmd, QMD_CTA_THREAD_DIMENSION1, 1);
	qmd_set(qmd, QMD_CTA_THREAD_DIMENSION2, 1);
	qmd_set(qmd, QMD_SHARED_MEMORY_SIZE, 0);
	qmd_setf(qmd, l->program_offset, g->program);
	qmd_setf(qmd, l->program_address_lower, g->program);
	qmd_setf(qmd, l->program_address_upper, g->program >> 32);
	qmd_setf(qmd, l->register_count, svm_nv_qmd_registers(cfg, g->registers));
	qmd_setf(qmd, l->min_sm_config_shared_mem_size, cfg->smem_config_min);
	qmd_setf(qmd, l->target_sm_config_shared_mem_size, cfg->smem_config_min);
	qmd_setf(qmd, l->max_sm_config_shared_mem_size, cfg->smem_config_max);
	/* No local memory, no call-return stack, no barriers: all zero. */
	qmd_set(qmd, QMD_CONSTANT_BUFFER_VALID(0), 1);
	qmd_set(qmd, QMD_CONSTANT_BUFFER_ADDR_LOWER(0), g->cb0);
	qmd_set(qmd, QMD_CONSTANT_BUFFER_ADDR_UPPER(0), g->cb0 >> 32);
	qmd_set(qmd, QMD_CONSTANT_BUFFER_SIZE_SHIFTED4(0), g->cb0_size >> 4);
	return 0;
}

void svm_nv_compute_setup(struct svm_nv_push *p,
			  const struct svm_nv_compute_cfg *cfg, uint64_t code)
{
	const unsigned int s = SVM_NV_SUBC_COMPUTE;

	svm_nv_mthd1(p, s, SVM_NV_SET_OBJECT, cfg->oclass);
	if (cfg->qmd == SVM_NV_QMD_V02_01) {
		const uint32_t region[] = {
			(code >> 32) & 0x1ffff,	/* ADDRESS_UPPER 16:0 */
			(uint32_t)code,		/* ADDRESS_LOWER */
		};

		svm_nv_mthd(p, s, SVM_NV_CP_SET_PROGRAM_REGION_A, region,
			    ARRAY_SIZE(region));
		svm_nv_mthd1(p, s, SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW,
			     SVM_NV_SHARED_WINDOW);
		svm_nv_mthd1(p, s, SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW,
			     SVM_NV_LOCAL_WINDOW);
	} else {
		const uint32_t shared[] = { 0, SVM_NV_SHARED_WINDOW };
		const uint32_t local[] = { 0, SVM_NV_LOCAL_WINDOW };

		svm_nv_mthd(p, s, SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW_A,
			    shared, ARRAY_SIZE(shared));
		svm_nv_mthd(p, s, SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW_A,
			    local, ARRAY_SIZE(local));
	}
	svm_nv_mthd1(p, s, SVM_NV_CP_INVALIDATE_SKED_CACHES, 0);
}

void svm_nv_compute_launch(struct svm_nv_push *p,
			   const struct svm_nv_compute_cfg *cfg, uint64_t qmd)
{
	const unsigned int s = SVM_NV_SUBC_COMPUTE;

	igt_assert(qmd < SVM_NV_QMD_ADDR_LIMIT && !(qmd % SVM_NV_QMD_ALIGN));
	svm_nv_mthd1(p, s, SVM_NV_CP_INVALIDATE_SHADER_CACHES_NO_WFI,
		     SVM_NV_CP_INVALIDATE_INSTRUCTION |
		     SVM_NV_CP_INVALIDATE_GLOBAL_DATA |
		     SVM_NV_CP_INVALIDATE_CONSTANT);
	svm_nv_mthd1(p, s, SVM_NV_CP_SEND_PCAS_A, qmd >> 8);
	if (cfg->qmd == SVM_NV_QMD_V03_00)
		svm_nv_mthd1(p, s, SVM_NV_CP_SEND_SIGNALING_PCAS2_B,
			     SVM_NV_CP_PCAS2_B_INVALIDATE_COPY_SCHEDULE);
	else
		svm_nv_mthd1(p, s, SVM_NV_CP_SEND_SIGNALING_PCAS_B,
			     SVM_NV_CP_PCAS_B_INVALIDATE_SCHEDULE);
	svm_nv_mthd1(p, s, SVM_NV_CP_WAIT_FOR_IDLE, 0);
}
