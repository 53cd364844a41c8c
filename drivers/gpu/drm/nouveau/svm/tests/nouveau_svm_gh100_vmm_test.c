// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the PFN entries nvkm writes into GH100's page tables
 * (nvkm/subdev/mmu/vmmgh100.c), where SVM maps the pages of a GPU fault
 * on Hopper.
 *
 * The expected entries are written out as numbers, worked out by hand
 * from the VER3 PTE and dual PDE of NVIDIA's published
 * hopper/gh100/dev_mmu.h (VALID 0:0, APERTURE 2:1, PCF 7:3, KIND 11:8,
 * ADDRESS 51:12 for system memory and 39:12 for VRAM; a PD0 entry's low
 * half IS_PTE 0:0, APERTURE_BIG 2:1, PCF_BIG 5:3), not through the
 * header's macros nvkm writes them with.  Nothing here ran on a GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "../../nvkm/subdev/mmu/vmm.h"

/* The PFN flags of NVIF_VMM_V0_PFNMAP, which nvkm's entries carry. */
#define V	NVKM_VMM_PFN_V
#define W	NVKM_VMM_PFN_W
#define A	NVKM_VMM_PFN_A
#define VRAM	NVKM_VMM_PFN_VRAM

struct gh100_pfn_case {
	const char *name;
	u64 pfn;
	u64 addr;
	u64 pte;
};

/*
 * PCF, bits 7:3: 0x10 REGULAR_RW_ATOMIC_CACHED_ACD, + 0x1 UNCACHED, + 0x4
 * RO, + 0x8 NO_ATOMIC.  System memory is aperture 2 (SYSTEM_COHERENT),
 * uncached; VRAM aperture 0, cached.
 */
static const struct gh100_pfn_case gh100_pfn_cases[] = {
	/* PCF 0x11 << 3 = 0x88, aperture 2 << 1 = 0x4, VALID. */
	{ "host rw atomic", V | W | A, 0x123456789000ULL, 0x12345678908dULL },
	/* PCF 0x19: 0xc8. */
	{ "host rw", V | W, 0x1000, 0x10cd },
	/* PCF 0x15: 0xa8. */
	{ "host ro atomic", V | A, 0x2000, 0x20ad },
	/* PCF 0x1d: 0xe8. */
	{ "host ro", V, 0x3000, 0x30ed },
	/* The highest page ADDRESS_SYS (51:12) holds. */
	{ "host top", V | W, 0xffffffffff000ULL, 0xffffffffff0cdULL },
	{ "host past 52 bits", V | W, 0x10000000000000ULL, 0 },
	/* PCF 0x10: 0x80, aperture 0. */
	{ "vram rw atomic", V | W | A | VRAM, 0x200000, 0x200081 },
	/* PCF 0x18: 0xc0. */
	{ "vram rw", V | W | VRAM, 0x201000, 0x2010c1 },
	/* PCF 0x1c: 0xe0. */
	{ "vram ro", V | VRAM, 0x202000, 0x2020e1 },
	/* The highest page ADDRESS_VID (39:12) holds. */
	{ "vram top", V | W | VRAM, 0xfffffff000ULL, 0xfffffff0c1ULL },
	{ "vram past 40 bits", V | W | VRAM, 0x10000000000ULL, 0 },
};

static void gh100_pfn_desc(const struct gh100_pfn_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gh100_pfn, gh100_pfn_cases, gh100_pfn_desc);

static void gh100_pfn_pte(struct kunit *test)
{
	const struct gh100_pfn_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_pte(c->pfn, c->addr), c->pte);
}

/*
 * A system-memory entry, cleared before its page is DMA-unmapped, reads
 * as invalid both as a PTE (VALID 0, PCF 0: INVALID) and as a PD0 entry's
 * low half (IS_PTE 0, APERTURE_BIG 0: an invalid PDE), and still gives
 * the unmap its address.
 */
static void gh100_pfn_clear(struct kunit *test)
{
	u64 pte = gh100_vmm_pfn_pte(V | W | A, 0x123456789000ULL);
	u64 cleared = gh100_vmm_pfn_cleared(pte);

	KUNIT_EXPECT_EQ(test, cleared, 0x123456789000ULL);
	KUNIT_EXPECT_EQ(test, cleared & 0xff, 0);
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(cleared), 0x123456789000ULL);

	/* 2 MiB: the same in PD0's low half. */
	pte = gh100_vmm_pfn_pte(V, 0x40000000ULL);
	KUNIT_EXPECT_EQ(test, pte, 0x400000edULL);
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(gh100_vmm_pfn_cleared(pte)),
			0x40000000ULL);
}

/* What gh100_vmm_pfn_cleared_addr() must not take for a cleared entry. */
static void gh100_pfn_not_cleared(struct kunit *test)
{
	/* Valid entries, of system memory and of VRAM. */
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0x12345678908dULL), 0);
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0x200081), 0);
	/* Never mapped. */
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0), 0);
	/* Sparse (PCF 1), and a big PTE's NO_VALID_4KB_PAGE (PCF 3). */
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0x08), 0);
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0x18), 0);
	/* A PD0 entry pointing at a page table: aperture 1, VRAM. */
	KUNIT_EXPECT_EQ(test, gh100_vmm_pfn_cleared_addr(0x300012), 0);
}

static struct kunit_case nouveau_svm_gh100_vmm_cases[] = {
	KUNIT_CASE_PARAM(gh100_pfn_pte, gh100_pfn_gen_params),
	KUNIT_CASE(gh100_pfn_clear),
	KUNIT_CASE(gh100_pfn_not_cleared),
	{}
};

static struct kunit_suite nouveau_svm_gh100_vmm_suite = {
	.name = "nouveau_svm_gh100_vmm",
	.test_cases = nouveau_svm_gh100_vmm_cases,
};

kunit_test_suite(nouveau_svm_gh100_vmm_suite);
