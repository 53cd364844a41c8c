// SPDX-License-Identifier: MIT
/*
 * check-nv-host-classes.c - the host MEM_OP fields the SVM backend pushes
 * to replay and cancel faults under GSP-RM, and the CLEAR_FAULTED method
 * it pushes to resume a channel on Turing there
 * (drivers/gpu/drm/nouveau/svm/hw/nvsvm_hw_memop.c) against NVIDIA's
 * host class headers, which Debian does not ship: make check
 * NV_HOST_CLASSES=<dir> builds and runs this (.ci/check.sh), <dir>
 * holding clc46f.h, clc56f.h, clc86f.h and clc96f.h with their MEM_OP
 * methods: the copies UVM builds with, open-gpu-kernel-modules'
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
 * (OURS_C46F), compared with clc46f.h's.  Prints
 * each difference; exit status 1 when there is one.
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

	if (!bad)
		printf("every MEM_OP and CLEAR_FAULTED field agrees with clc46f.h, clc56f.h, clc86f.h and clc96f.h\n");
	return bad;
}
