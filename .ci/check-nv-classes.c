// SPDX-License-Identifier: MIT
/*
 * check-nv-classes.c - the compute path's QMD fields and compute-class
 * methods (igt-tests/lib/svm_nv_compute.[ch]) against NVIDIA's published
 * class headers (open-gpu-doc, classes/compute), which Debian does not
 * ship: make check NV_CLASS_DOC=<open-gpu-doc>/classes/compute builds
 * and runs this (.ci/check.sh).
 *
 * It includes svm_nv_compute.c itself, to reach the field positions it
 * keeps private, and compares every one with the header's MW(hi:lo), for
 * each QMD version and each class where the header has it.  Prints each
 * difference; exit status 1 when there is one.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include "check-nv-fields.h"

#include "svm_nv_compute.c"

/* The kernel's nvif/class.h names the classes too: keep its values apart. */
static const unsigned long nvif_classes[] = {
	PASCAL_COMPUTE_A, PASCAL_COMPUTE_B, VOLTA_COMPUTE_A, TURING_COMPUTE_A,
	AMPERE_COMPUTE_A, AMPERE_COMPUTE_B, ADA_COMPUTE_A,
};

#undef PASCAL_COMPUTE_A
#undef PASCAL_COMPUTE_B
#undef VOLTA_COMPUTE_A
#undef TURING_COMPUTE_A
#undef AMPERE_COMPUTE_A
#undef AMPERE_COMPUTE_B
#undef ADA_COMPUTE_A

#include "clc0c0.h"
#include "clc0c0qmd.h"
#include "clc1c0.h"
#include "clc3c0.h"
#include "clc3c0qmd.h"
#include "clc5c0.h"
#include "clc6c0.h"
#include "clc6c0qmd.h"
#include "clc7c0.h"
#include "clc7c0qmd.h"
#include "clc9c0.h"
#include "clc9c0qmd.h"

/* The headers write a QMD field MW(hi:lo). */
#define MW(x)		x

/* A fixed field of ours ("hi, lo") against header field @h. */
#define FIXED(ours, h)	field(#h, ours, HI(h), LO(h))
/* A versioned field: @l's member @m against header field @h. */
#define LAID(l, m, h)	field(#h, (l)->m.hi, (l)->m.lo, HI(h), LO(h))
/* A field this version does not have: ours must be absent (hi 0). */
#define ABSENT(l, m)	value(#m " (absent)", (l)->m.hi, 0)

/* The fields at the same place in every version, in QMD @q of header @P. */
#define COMMON(P) do { \
	FIXED(QMD_SM_GLOBAL_CACHING_ENABLE, P##_SM_GLOBAL_CACHING_ENABLE); \
	FIXED(QMD_CWD_MEMBAR_TYPE, P##_CWD_MEMBAR_TYPE); \
	FIXED(QMD_API_VISIBLE_CALL_LIMIT, P##_API_VISIBLE_CALL_LIMIT); \
	FIXED(QMD_SAMPLER_INDEX, P##_SAMPLER_INDEX); \
	FIXED(QMD_CTA_RASTER_WIDTH, P##_CTA_RASTER_WIDTH); \
	FIXED(QMD_CTA_RASTER_HEIGHT, P##_CTA_RASTER_HEIGHT); \
	FIXED(QMD_CTA_RASTER_DEPTH, P##_CTA_RASTER_DEPTH); \
	FIXED(QMD_SHARED_MEMORY_SIZE, P##_SHARED_MEMORY_SIZE); \
	FIXED(QMD_QMD_VERSION, P##_QMD_VERSION); \
	FIXED(QMD_QMD_MAJOR_VERSION, P##_QMD_MAJOR_VERSION); \
	FIXED(QMD_CTA_THREAD_DIMENSION0, P##_CTA_THREAD_DIMENSION0); \
	FIXED(QMD_CTA_THREAD_DIMENSION1, P##_CTA_THREAD_DIMENSION1); \
	FIXED(QMD_CTA_THREAD_DIMENSION2, P##_CTA_THREAD_DIMENSION2); \
	FIXED(QMD_CONSTANT_BUFFER_VALID(0), P##_CONSTANT_BUFFER_VALID(0)); \
	FIXED(QMD_CONSTANT_BUFFER_ADDR_LOWER(0), P##_CONSTANT_BUFFER_ADDR_LOWER(0)); \
	FIXED(QMD_CONSTANT_BUFFER_ADDR_UPPER(0), P##_CONSTANT_BUFFER_ADDR_UPPER(0)); \
	FIXED(QMD_CONSTANT_BUFFER_SIZE_SHIFTED4(0), \
	      P##_CONSTANT_BUFFER_SIZE_SHIFTED4(0)); \
	value(#P "_API_VISIBLE_CALL_LIMIT_NO_CHECK", QMD_NO_CHECK, \
	      P##_API_VISIBLE_CALL_LIMIT_NO_CHECK); \
	value(#P "_CWD_MEMBAR_TYPE_L1_SYSMEMBAR", QMD_L1_SYSMEMBAR, \
	      P##_CWD_MEMBAR_TYPE_L1_SYSMEMBAR); \
	value(#P "_SAMPLER_INDEX_INDEPENDENTLY", 0, \
	      P##_SAMPLER_INDEX_INDEPENDENTLY); \
} while (0)

static void check_v02_01(void)
{
	const struct svm_nv_qmd_layout *l = svm_nv_qmd_layout(SVM_NV_QMD_V02_01);

	COMMON(NVC0C0_QMDV02_01);
	LAID(l, program_offset, NVC0C0_QMDV02_01_PROGRAM_OFFSET);
	LAID(l, register_count, NVC0C0_QMDV02_01_REGISTER_COUNT);
	LAID(l, shader_local_memory_low_size,
	     NVC0C0_QMDV02_01_SHADER_LOCAL_MEMORY_LOW_SIZE);
	LAID(l, shader_local_memory_high_size,
	     NVC0C0_QMDV02_01_SHADER_LOCAL_MEMORY_HIGH_SIZE);
	LAID(l, shader_local_memory_crs_size,
	     NVC0C0_QMDV02_01_SHADER_LOCAL_MEMORY_CRS_SIZE);
	LAID(l, barrier_count, NVC0C0_QMDV02_01_BARRIER_COUNT);
	ABSENT(l, program_address_lower);
	ABSENT(l, min_sm_config_shared_mem_size);
}

static void check_v02_02(void)
{
	const struct svm_nv_qmd_layout *l = svm_nv_qmd_layout(SVM_NV_QMD_V02_02);

	COMMON(NVC3C0_QMDV02_02);
	LAID(l, program_address_lower, NVC3C0_QMDV02_02_PROGRAM_ADDRESS_LOWER);
	LAID(l, program_address_upper, NVC3C0_QMDV02_02_PROGRAM_ADDRESS_UPPER);
	LAID(l, register_count, NVC3C0_QMDV02_02_REGISTER_COUNT_V);
	LAID(l, min_sm_config_shared_mem_size,
	     NVC3C0_QMDV02_02_MIN_SM_CONFIG_SHARED_MEM_SIZE);
	LAID(l, max_sm_config_shared_mem_size,
	     NVC3C0_QMDV02_02_MAX_SM_CONFIG_SHARED_MEM_SIZE);
	LAID(l, target_sm_config_shared_mem_size,
	     NVC3C0_QMDV02_02_TARGET_SM_CONFIG_SHARED_MEM_SIZE);
	LAID(l, shader_local_memory_low_size,
	     NVC3C0_QMDV02_02_SHADER_LOCAL_MEMORY_LOW_SIZE);
	LAID(l, shader_local_memory_high_size,
	     NVC3C0_QMDV02_02_SHADER_LOCAL_MEMORY_HIGH_SIZE);
	LAID(l, shader_local_memory_crs_size,
	     NVC3C0_QMDV02_02_SHADER_LOCAL_MEMORY_CRS_SIZE);
	LAID(l, barrier_count, NVC3C0_QMDV02_02_BARRIER_COUNT);
	ABSENT(l, program_offset);
}

/* V03_00 as each of the three headers that publish it has it. */
#define V03_00(P) do { \
	COMMON(P); \
	LAID(l, program_address_lower, P##_PROGRAM_ADDRESS_LOWER); \
	LAID(l, program_address_upper, P##_PROGRAM_ADDRESS_UPPER); \
	LAID(l, register_count, P##_REGISTER_COUNT_V); \
	LAID(l, min_sm_config_shared_mem_size, P##_MIN_SM_CONFIG_SHARED_MEM_SIZE); \
	LAID(l, max_sm_config_shared_mem_size, P##_MAX_SM_CONFIG_SHARED_MEM_SIZE); \
	LAID(l, target_sm_config_shared_mem_size, \
	     P##_TARGET_SM_CONFIG_SHARED_MEM_SIZE); \
	LAID(l, shader_local_memory_low_size, P##_SHADER_LOCAL_MEMORY_LOW_SIZE); \
	LAID(l, shader_local_memory_high_size, P##_SHADER_LOCAL_MEMORY_HIGH_SIZE); \
	LAID(l, barrier_count, P##_BARRIER_COUNT); \
} while (0)

static void check_v03_00(void)
{
	const struct svm_nv_qmd_layout *l = svm_nv_qmd_layout(SVM_NV_QMD_V03_00);

	V03_00(NVC6C0_QMDV03_00);
	V03_00(NVC7C0_QMDV03_00);
	V03_00(NVC9C0_QMDV03_00);
	ABSENT(l, program_offset);
	ABSENT(l, shader_local_memory_crs_size);
}

/* A method of ours against class @C's. */
#define MTHD(ours, C, m)	value(#C "_" #m, ours, C##_##m)

/* The methods every class from PASCAL_COMPUTE_A to ADA_COMPUTE_A has. */
#define ALL_CLASSES(C) do { \
	MTHD(SVM_NV_CP_WAIT_FOR_IDLE, C, WAIT_FOR_IDLE); \
	MTHD(SVM_NV_CP_INVALIDATE_SKED_CACHES, C, INVALIDATE_SKED_CACHES); \
	MTHD(SVM_NV_CP_SEND_PCAS_A, C, SEND_PCAS_A); \
	MTHD(SVM_NV_CP_INVALIDATE_SHADER_CACHES_NO_WFI, C, \
	     INVALIDATE_SHADER_CACHES_NO_WFI); \
	value(#C " INVALIDATE_SHADER_CACHES_NO_WFI bits", \
	      SVM_NV_CP_INVALIDATE_INSTRUCTION | \
	      SVM_NV_CP_INVALIDATE_GLOBAL_DATA | \
	      SVM_NV_CP_INVALIDATE_CONSTANT, \
	      C##_INVALIDATE_SHADER_CACHES_NO_WFI_INSTRUCTION_TRUE << \
	      LO(C##_INVALIDATE_SHADER_CACHES_NO_WFI_INSTRUCTION) | \
	      C##_INVALIDATE_SHADER_CACHES_NO_WFI_GLOBAL_DATA_TRUE << \
	      LO(C##_INVALIDATE_SHADER_CACHES_NO_WFI_GLOBAL_DATA) | \
	      C##_INVALIDATE_SHADER_CACHES_NO_WFI_CONSTANT_TRUE << \
	      LO(C##_INVALIDATE_SHADER_CACHES_NO_WFI_CONSTANT)); \
} while (0)

/* Pascal's 32-bit windows and program region. */
#define PASCAL(C) do { \
	ALL_CLASSES(C); \
	MTHD(SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW, C, \
	     SET_SHADER_SHARED_MEMORY_WINDOW); \
	MTHD(SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW, C, \
	     SET_SHADER_LOCAL_MEMORY_WINDOW); \
	MTHD(SVM_NV_CP_SET_PROGRAM_REGION_A, C, SET_PROGRAM_REGION_A); \
	MTHD(SVM_NV_CP_SET_PROGRAM_REGION_B, C, SET_PROGRAM_REGION_B); \
	value(#C "_SET_PROGRAM_REGION_A_ADDRESS_UPPER width", 17, \
	      HI(C##_SET_PROGRAM_REGION_A_ADDRESS_UPPER) + 1); \
} while (0)

/* Volta on: 64-bit windows. */
#define WINDOWS_AB(C) do { \
	MTHD(SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW_A, C, \
	     SET_SHADER_SHARED_MEMORY_WINDOW_A); \
	MTHD(SVM_NV_CP_SET_SHADER_SHARED_MEMORY_WINDOW_B, C, \
	     SET_SHADER_SHARED_MEMORY_WINDOW_B); \
	MTHD(SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW_A, C, \
	     SET_SHADER_LOCAL_MEMORY_WINDOW_A); \
	MTHD(SVM_NV_CP_SET_SHADER_LOCAL_MEMORY_WINDOW_B, C, \
	     SET_SHADER_LOCAL_MEMORY_WINDOW_B); \
} while (0)

/* Up to Turing: SEND_SIGNALING_PCAS_B. */
#define PCAS_B(C) do { \
	MTHD(SVM_NV_CP_SEND_SIGNALING_PCAS_B, C, SEND_SIGNALING_PCAS_B); \
	value(#C "_SEND_SIGNALING_PCAS_B INVALIDATE|SCHEDULE", \
	      SVM_NV_CP_PCAS_B_INVALIDATE_SCHEDULE, \
	      C##_SEND_SIGNALING_PCAS_B_INVALIDATE_TRUE << \
	      LO(C##_SEND_SIGNALING_PCAS_B_INVALIDATE) | \
	      C##_SEND_SIGNALING_PCAS_B_SCHEDULE_TRUE << \
	      LO(C##_SEND_SIGNALING_PCAS_B_SCHEDULE)); \
} while (0)

/* Ampere on: SEND_SIGNALING_PCAS2_B. */
#define PCAS2_B(C) do { \
	MTHD(SVM_NV_CP_SEND_SIGNALING_PCAS2_B, C, SEND_SIGNALING_PCAS2_B); \
	value(#C "_SEND_SIGNALING_PCAS2_B_PCAS_ACTION_INVALIDATE_COPY_SCHEDULE", \
	      SVM_NV_CP_PCAS2_B_INVALIDATE_COPY_SCHEDULE, \
	      C##_SEND_SIGNALING_PCAS2_B_PCAS_ACTION_INVALIDATE_COPY_SCHEDULE); \
} while (0)

static void check_methods(void)
{
	const unsigned long published[] = {
		PASCAL_COMPUTE_A, PASCAL_COMPUTE_B, VOLTA_COMPUTE_A,
		TURING_COMPUTE_A, AMPERE_COMPUTE_A, AMPERE_COMPUTE_B,
		ADA_COMPUTE_A,
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(published); i++)
		value("compute class", nvif_classes[i], published[i]);
	PASCAL(NVC0C0);
	PASCAL(NVC1C0);
	PCAS_B(NVC0C0);
	PCAS_B(NVC1C0);
	ALL_CLASSES(NVC3C0);
	WINDOWS_AB(NVC3C0);
	PCAS_B(NVC3C0);
	ALL_CLASSES(NVC5C0);
	WINDOWS_AB(NVC5C0);
	PCAS_B(NVC5C0);
	ALL_CLASSES(NVC6C0);
	WINDOWS_AB(NVC6C0);
	PCAS2_B(NVC6C0);
	ALL_CLASSES(NVC7C0);
	WINDOWS_AB(NVC7C0);
	PCAS2_B(NVC7C0);
	ALL_CLASSES(NVC9C0);
	WINDOWS_AB(NVC9C0);
	PCAS2_B(NVC9C0);
}

int main(void)
{
	check_v02_01();
	check_v02_02();
	check_v03_00();
	check_methods();
	if (!bad)
		printf("every QMD field and method matches the published headers\n");
	return bad;
}
