// SPDX-License-Identifier: MIT
/*
 * check-nv-host-classes.c - the host MEM_OP fields the SVM backend pushes
 * to replay and cancel faults under GSP-RM, and the CLEAR_FAULTED method
 * it pushes to resume a channel on Turing there
 * (drivers/gpu/drm/nouveau/svm/hw/nvsvm_hw_memop.c), and the copy-engine
 * methods it migrates with (nvsvm_hw_copy.c), against NVIDIA's class
 * headers, which Debian does not ship: make check NV_HOST_CLASSES=<dir>
 * builds and runs this (.ci/check.sh), <dir> holding clc46f.h, clc56f.h,
 * clc86f.h and clc96f.h with their MEM_OP methods, and clc0b5.h to
 * clc9b5.h: the copies UVM builds with, open-gpu-kernel-modules'
 * kernel-open/nvidia-uvm of 570.144 or later (its SDK copies of
 * clc86f.h in 535 and clc96f.h in 570 leave the methods out).
 *
 * The encoder writes every field with the names of Linux's
 * nvhw/class/clc36f.h (VOLTA_CHANNEL_GPFIFO_A), and claims that the
 * classes of the GPUs GSP-RM runs keep each at the same place with the
 * same values; this compares each one, class by class.  Hopper's and
 * Blackwell's engine id is the exception the encoder knows of: check.sh
 * passes the field the encoder defines for it (OURS_ENGINE_HI,
 * OURS_ENGINE_LO).  clc36f.h has no CLEAR_FAULTED of Turing's form, so the
 * encoder defines it too; check.sh passes the encoder's lines in a header
 * (OURS_C46F), compared with clc46f.h's.
 *
 * The copy stream is written with the names of Linux's cla0b5.h
 * (KEPLER_DMA_COPY_A), and claims that every copy class from
 * PASCAL_DMA_COPY_A to BLACKWELL_DMA_COPY_A keeps each method and field it
 * uses; the semaphore methods and the upper address field, which
 * cla0b5.h lacks or has narrower, come from the backend's nvsvm_hw.h
 * (OURS_C0B5), whose upper field must be the low bits of each class's.
 * Prints each difference; exit status 1 when there is one.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include "check-nv-fields.h"

#include LINUX_CLC36F
#include "clc46f.h"
#include "clc56f.h"
#include "clc86f.h"
#include "clc96f.h"
#include OURS_C46F

#include LINUX_CLA0B5
#include "clc0b5.h"
#include "clc1b5.h"
#include "clc3b5.h"
#include "clc5b5.h"
#include "clc6b5.h"
#include "clc7b5.h"
#include "clc8b5.h"
#include "clc9b5.h"
#include OURS_C0B5

/* Field @f of MEM_OP_* in class @P, against clc36f.h's. */
#define F(P, f)	field(#P "_" #f, HI(NVC36F_##f), LO(NVC36F_##f), \
		      HI(P##_##f), LO(P##_##f))
/* Method or value @v. */
#define V(P, v)	value(#P "_" #v, NVC36F_##v, P##_##v)

/* Every field and value nvsvm_hw_memop.c uses but the engine id. */
#define MEMOP(P) do { \
	V(P, MEM_OP_A); V(P, MEM_OP_B); V(P, MEM_OP_C); V(P, MEM_OP_D); \
	F(P, MEM_OP_A_TLB_INVALIDATE_CANCEL_TARGET_CLIENT_UNIT_ID); \
	F(P, MEM_OP_A_TLB_INVALIDATE_CANCEL_TARGET_GPC_ID); \
	F(P, MEM_OP_A_TLB_INVALIDATE_SYSMEMBAR); \
	V(P, MEM_OP_A_TLB_INVALIDATE_SYSMEMBAR_DIS); \
	F(P, MEM_OP_A_TLB_INVALIDATE_TARGET_ADDR_LO); \
	F(P, MEM_OP_B_TLB_INVALIDATE_TARGET_ADDR_HI); \
	F(P, MEM_OP_C_TLB_INVALIDATE_PDB); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PDB_ONE); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PDB_ALL); \
	F(P, MEM_OP_C_TLB_INVALIDATE_GPC); \
	V(P, MEM_OP_C_TLB_INVALIDATE_GPC_ENABLE); \
	F(P, MEM_OP_C_TLB_INVALIDATE_REPLAY); \
	V(P, MEM_OP_C_TLB_INVALIDATE_REPLAY_START); \
	V(P, MEM_OP_C_TLB_INVALIDATE_REPLAY_START_ACK_ALL); \
	V(P, MEM_OP_C_TLB_INVALIDATE_REPLAY_CANCEL_TARGETED); \
	V(P, MEM_OP_C_TLB_INVALIDATE_REPLAY_CANCEL_VA_GLOBAL); \
	F(P, MEM_OP_C_TLB_INVALIDATE_ACK_TYPE); \
	V(P, MEM_OP_C_TLB_INVALIDATE_ACK_TYPE_NONE); \
	F(P, MEM_OP_C_TLB_INVALIDATE_ACCESS_TYPE); \
	V(P, MEM_OP_C_TLB_INVALIDATE_ACCESS_TYPE_VIRT_ALL); \
	V(P, MEM_OP_C_TLB_INVALIDATE_ACCESS_TYPE_VIRT_WRITE_AND_ATOMIC); \
	F(P, MEM_OP_C_TLB_INVALIDATE_PAGE_TABLE_LEVEL); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PAGE_TABLE_LEVEL_PTE_ONLY); \
	F(P, MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_VID_MEM); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_SYS_MEM_COHERENT); \
	V(P, MEM_OP_C_TLB_INVALIDATE_PDB_APERTURE_SYS_MEM_NONCOHERENT); \
	F(P, MEM_OP_C_TLB_INVALIDATE_PDB_ADDR_LO); \
	F(P, MEM_OP_D_TLB_INVALIDATE_PDB_ADDR_HI); \
	F(P, MEM_OP_D_OPERATION); \
	V(P, MEM_OP_D_OPERATION_MMU_TLB_INVALIDATE); \
	V(P, MEM_OP_D_OPERATION_MMU_TLB_INVALIDATE_TARGETED); \
} while (0)

/* Method or field @f of copy class @P, against cla0b5.h's. */
#define CF(P, f) field(#P "_" #f, HI(NVA0B5_##f), LO(NVA0B5_##f), \
		       HI(P##_##f), LO(P##_##f))
#define CV(P, v) value(#P "_" #v, NVA0B5_##v, P##_##v)
/* @f of class @P holds the backend's upper address bits as its low ones. */
#define UPPER(P, f) do { \
	if (LO(P##_##f) != LO(NVSVM_HW_C0B5_UPPER) || \
	    HI(P##_##f) < HI(NVSVM_HW_C0B5_UPPER)) \
		field(#P "_" #f, HI(NVSVM_HW_C0B5_UPPER), \
		      LO(NVSVM_HW_C0B5_UPPER), HI(P##_##f), LO(P##_##f)); \
} while (0)

/* Every method, field and value nvsvm_hw_copy.c uses. */
#define COPY(P) do { \
	CV(P, OFFSET_IN_UPPER); CV(P, OFFSET_IN_LOWER); \
	CV(P, OFFSET_OUT_UPPER); CV(P, OFFSET_OUT_LOWER); \
	CV(P, PITCH_IN); CV(P, PITCH_OUT); CV(P, LINE_LENGTH_IN); \
	CV(P, LINE_COUNT); \
	UPPER(P, OFFSET_IN_UPPER_UPPER); UPPER(P, OFFSET_OUT_UPPER_UPPER); \
	value(#P "_SET_SEMAPHORE_A", NVSVM_HW_C0B5_SET_SEMAPHORE_A, \
	      P##_SET_SEMAPHORE_A); \
	value(#P "_SET_SEMAPHORE_B", NVSVM_HW_C0B5_SET_SEMAPHORE_B, \
	      P##_SET_SEMAPHORE_B); \
	value(#P "_SET_SEMAPHORE_PAYLOAD", \
	      NVSVM_HW_C0B5_SET_SEMAPHORE_PAYLOAD, P##_SET_SEMAPHORE_PAYLOAD); \
	UPPER(P, SET_SEMAPHORE_A_UPPER); \
	CV(P, SET_SRC_PHYS_MODE); CF(P, SET_SRC_PHYS_MODE_TARGET); \
	CV(P, SET_SRC_PHYS_MODE_TARGET_LOCAL_FB); \
	CV(P, SET_SRC_PHYS_MODE_TARGET_COHERENT_SYSMEM); \
	CV(P, SET_DST_PHYS_MODE); CF(P, SET_DST_PHYS_MODE_TARGET); \
	CV(P, SET_DST_PHYS_MODE_TARGET_LOCAL_FB); \
	CV(P, SET_DST_PHYS_MODE_TARGET_COHERENT_SYSMEM); \
	CV(P, SET_REMAP_CONST_A); CV(P, SET_REMAP_CONST_B); \
	CV(P, SET_REMAP_COMPONENTS); \
	CF(P, SET_REMAP_COMPONENTS_DST_X); \
	CV(P, SET_REMAP_COMPONENTS_DST_X_CONST_A); \
	CF(P, SET_REMAP_COMPONENTS_DST_Y); \
	CV(P, SET_REMAP_COMPONENTS_DST_Y_CONST_B); \
	CF(P, SET_REMAP_COMPONENTS_COMPONENT_SIZE); \
	CV(P, SET_REMAP_COMPONENTS_COMPONENT_SIZE_FOUR); \
	CF(P, SET_REMAP_COMPONENTS_NUM_DST_COMPONENTS); \
	CV(P, SET_REMAP_COMPONENTS_NUM_DST_COMPONENTS_TWO); \
	CV(P, LAUNCH_DMA); \
	CF(P, LAUNCH_DMA_DATA_TRANSFER_TYPE); \
	CV(P, LAUNCH_DMA_DATA_TRANSFER_TYPE_NON_PIPELINED); \
	CF(P, LAUNCH_DMA_FLUSH_ENABLE); CV(P, LAUNCH_DMA_FLUSH_ENABLE_TRUE); \
	CF(P, LAUNCH_DMA_SEMAPHORE_TYPE); \
	CV(P, LAUNCH_DMA_SEMAPHORE_TYPE_NONE); \
	CV(P, LAUNCH_DMA_SEMAPHORE_TYPE_RELEASE_ONE_WORD_SEMAPHORE); \
	CF(P, LAUNCH_DMA_INTERRUPT_TYPE); \
	CV(P, LAUNCH_DMA_INTERRUPT_TYPE_NONE); \
	CF(P, LAUNCH_DMA_SRC_MEMORY_LAYOUT); \
	CV(P, LAUNCH_DMA_SRC_MEMORY_LAYOUT_PITCH); \
	CF(P, LAUNCH_DMA_DST_MEMORY_LAYOUT); \
	CV(P, LAUNCH_DMA_DST_MEMORY_LAYOUT_PITCH); \
	CF(P, LAUNCH_DMA_MULTI_LINE_ENABLE); \
	CV(P, LAUNCH_DMA_MULTI_LINE_ENABLE_FALSE); \
	CV(P, LAUNCH_DMA_MULTI_LINE_ENABLE_TRUE); \
	CF(P, LAUNCH_DMA_REMAP_ENABLE); \
	CV(P, LAUNCH_DMA_REMAP_ENABLE_FALSE); \
	CV(P, LAUNCH_DMA_REMAP_ENABLE_TRUE); \
	CF(P, LAUNCH_DMA_SRC_TYPE); CV(P, LAUNCH_DMA_SRC_TYPE_PHYSICAL); \
	CF(P, LAUNCH_DMA_DST_TYPE); CV(P, LAUNCH_DMA_DST_TYPE_PHYSICAL); \
} while (0)

int main(void)
{
	MEMOP(NVC46F);
	MEMOP(NVC56F);
	MEMOP(NVC86F);
	MEMOP(NVC96F);

	/* Turing to Ada: clc36f.h's engine id; Hopper, Blackwell: the encoder's. */
	F(NVC46F, MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID);
	F(NVC56F, MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID);
	field("NVC86F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID",
	      OURS_ENGINE_HI, OURS_ENGINE_LO,
	      HI(NVC86F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID),
	      LO(NVC86F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID));
	field("NVC96F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID",
	      OURS_ENGINE_HI, OURS_ENGINE_LO,
	      HI(NVC96F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID),
	      LO(NVC96F_MEM_OP_A_TLB_INVALIDATE_CANCEL_MMU_ENGINE_ID));

	/* Turing's CLEAR_FAULTED, which only the encoder defines. */
	value("NVC46F_CLEAR_FAULTED", NVSVM_HW_C46F_CLEAR_FAULTED, NVC46F_CLEAR_FAULTED);
	field("NVC46F_CLEAR_FAULTED_HANDLE",
	      HI(NVSVM_HW_C46F_CLEAR_FAULTED_HANDLE), LO(NVSVM_HW_C46F_CLEAR_FAULTED_HANDLE),
	      HI(NVC46F_CLEAR_FAULTED_HANDLE), LO(NVC46F_CLEAR_FAULTED_HANDLE));
	field("NVC46F_CLEAR_FAULTED_TYPE",
	      HI(NVSVM_HW_C46F_CLEAR_FAULTED_TYPE), LO(NVSVM_HW_C46F_CLEAR_FAULTED_TYPE),
	      HI(NVC46F_CLEAR_FAULTED_TYPE), LO(NVC46F_CLEAR_FAULTED_TYPE));
	value("NVC46F_CLEAR_FAULTED_TYPE_PBDMA_FAULTED",
	      NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_PBDMA_FAULTED,
	      NVC46F_CLEAR_FAULTED_TYPE_PBDMA_FAULTED);
	value("NVC46F_CLEAR_FAULTED_TYPE_ENG_FAULTED",
	      NVSVM_HW_C46F_CLEAR_FAULTED_TYPE_ENG_FAULTED,
	      NVC46F_CLEAR_FAULTED_TYPE_ENG_FAULTED);

	COPY(NVC0B5);
	COPY(NVC1B5);
	COPY(NVC3B5);
	COPY(NVC5B5);
	COPY(NVC6B5);
	COPY(NVC7B5);
	COPY(NVC8B5);
	COPY(NVC9B5);

	if (!bad)
		printf("every MEM_OP and CLEAR_FAULTED field agrees with clc46f.h, clc56f.h, clc86f.h and clc96f.h, every copy method and field with clc0b5.h to clc9b5.h\n");
	return bad;
}
