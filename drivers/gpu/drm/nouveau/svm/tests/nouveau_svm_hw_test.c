// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the nouveau SVM hardware backend's pure encoders and
 * decoders: fault buffer entries, PFNMAP arguments, copy-engine streams,
 * and the channel-recovery bookkeeping.
 * The expected values come from the class headers' field definitions;
 * nothing here ran on a GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/iommu.h>
#include <linux/sizes.h>

#include "../../include/nvif/class.h"
#include "../../include/nvhw/class/cl906f.h"
#include "../../include/nvhw/class/cla0b5.h"
#include "../hw/nvsvm_hw.h"

/* Fault buffer entries */

struct fault_case {
	const char *name;
	u32 oclass;
	u8 access_type;
	u8 access;
	int ret;
};

static const struct fault_case fault_cases[] = {
	{ "pascal-read", MAXWELL_FAULT_BUFFER_A,
	  NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_READ, NOUVEAU_SVM_ACCESS_READ, 0 },
	{ "pascal-write", MAXWELL_FAULT_BUFFER_A,
	  NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_WRITE, NOUVEAU_SVM_ACCESS_WRITE, 0 },
	{ "pascal-atomic", MAXWELL_FAULT_BUFFER_A,
	  NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_ATOMIC, NOUVEAU_SVM_ACCESS_ATOMIC, 0 },
	{ "pascal-prefetch", MAXWELL_FAULT_BUFFER_A,
	  NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_PREFETCH, NOUVEAU_SVM_ACCESS_PREFETCH, 0 },
	{ "pascal-reserved", MAXWELL_FAULT_BUFFER_A, 7, 0, -EOPNOTSUPP },
	{ "volta-read", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_READ, NOUVEAU_SVM_ACCESS_READ, 0 },
	{ "volta-write", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_WRITE, NOUVEAU_SVM_ACCESS_WRITE, 0 },
	{ "volta-atomic-strong", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_STRONG, NOUVEAU_SVM_ACCESS_ATOMIC, 0 },
	{ "volta-atomic-weak", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_ATOMIC_WEAK, NOUVEAU_SVM_ACCESS_ATOMIC, 0 },
	{ "volta-prefetch", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_PREFETCH, NOUVEAU_SVM_ACCESS_PREFETCH, 0 },
	{ "volta-phys-read", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_READ, 0, -EOPNOTSUPP },
	{ "volta-phys-write", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_WRITE, 0, -EOPNOTSUPP },
	{ "volta-phys-atomic", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_ATOMIC, 0, -EOPNOTSUPP },
	{ "volta-phys-prefetch", VOLTA_FAULT_BUFFER_A,
	  NVC369_BUF_ENTRY_ACCESS_TYPE_PHYS_PREFETCH, 0, -EOPNOTSUPP },
};

static void fault_case_desc(const struct fault_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fault, fault_cases, fault_case_desc);

#define TEST_INST	0x12345678000ULL
#define TEST_ADDR	0x7fff12345000ULL
#define TEST_TIME	0x0123456789abcdefULL

/*
 * An entry with every field of both classes set (Volta's ENGINE_ID and
 * REPLAYABLE_FAULT too, which a Pascal entry leaves reserved); @valid,
 * @access as given.
 */
static void fault_entry(u32 *e, bool valid, bool hub, u8 access)
{
	memset(e, 0, NVB069_FAULT_BUF_SIZE);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, INST, TEST_INST >> 12);
	NVDEF_MW_SET(e, NVB069, FAULT_BUF_ENTRY, INST_APERTURE, SYS_MEM_COHERENT);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, ADDR, TEST_ADDR);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, TIMESTAMP, TEST_TIME);
	NVVAL_MW_SET(e, NVC369, BUF_ENTRY, ENGINE_ID, 0x1a5);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, FAULT_TYPE, 0x2);
	NVVAL_MW_SET(e, NVC369, BUF_ENTRY, REPLAYABLE_FAULT, 1);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, CLIENT, 0x5b);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, MMU_CLIENT_TYPE, hub);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, GPC_ID, 0x13);
	NVVAL_MW_SET(e, NVC369, BUF_ENTRY, ACCESS_TYPE, access);
	NVVAL_MW_SET(e, NVB069, FAULT_BUF_ENTRY, VALID, valid);
}

/* Every access type of each class decodes to the core's access. */
static void fault_decode_access(struct kunit *test)
{
	const struct fault_case *c = test->param_value;
	u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];
	struct nvsvm_hw_fault_info info;
	struct nouveau_svm_fault f;

	fault_entry(e, true, false, c->access_type);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_decode(c->oclass, e, &info, &f), c->ret);
	KUNIT_EXPECT_EQ(test, f.access, c->access);
	KUNIT_EXPECT_EQ(test, info.access_type, c->access_type);
	KUNIT_EXPECT_EQ(test, f.addr, TEST_ADDR);
	KUNIT_EXPECT_EQ(test, f.inst, TEST_INST);
	KUNIT_EXPECT_TRUE(test, info.valid);
}

/* Every field comes back, and sits where nvkm's decoder reads it. */
static void fault_decode_fields(struct kunit *test)
{
	u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];
	struct nvsvm_hw_fault_info info;
	struct nouveau_svm_fault f;
	u8 hub, gpc, client;

	fault_entry(e, true, true, NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_WRITE);
	/* The raw words, as gv100_fault_buffer_process() reads them. */
	KUNIT_EXPECT_EQ(test, ((u64)e[1] << 32 | e[0]) & ~0xfffULL, TEST_INST);
	KUNIT_EXPECT_EQ(test, (e[0] >> 8) & 3, 2);
	KUNIT_EXPECT_EQ(test, (u64)e[3] << 32 | e[2], TEST_ADDR);
	KUNIT_EXPECT_EQ(test, (u64)e[5] << 32 | e[4], TEST_TIME);
	KUNIT_EXPECT_EQ(test, e[6] & 0x1ff, 0x1a5);
	KUNIT_EXPECT_EQ(test, e[7] & 0x80, 0x80);
	KUNIT_EXPECT_EQ(test, e[7] & 0x80000000, 0x80000000);
	KUNIT_EXPECT_EQ(test, (e[7] & 0x1f000000) >> 24, 0x13);
	KUNIT_EXPECT_EQ(test, (e[7] & 0x00100000) >> 20, 1);
	KUNIT_EXPECT_EQ(test, (e[7] & 0x000f0000) >> 16, 1);
	KUNIT_EXPECT_EQ(test, (e[7] & 0x00007f00) >> 8, 0x5b);
	KUNIT_EXPECT_EQ(test, e[7] & 0x1f, 2);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(MAXWELL_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_EQ(test, info.inst, TEST_INST);
	KUNIT_EXPECT_EQ(test, info.inst_aperture,
			NVB069_FAULT_BUF_ENTRY_INST_APERTURE_SYS_MEM_COHERENT);
	KUNIT_EXPECT_EQ(test, info.addr, TEST_ADDR);
	KUNIT_EXPECT_EQ(test, info.timestamp, TEST_TIME);
	KUNIT_EXPECT_EQ(test, info.engine, 0);
	KUNIT_EXPECT_EQ(test, info.fault_type, 2);
	KUNIT_EXPECT_TRUE(test, info.replayable);
	KUNIT_EXPECT_EQ(test, info.client, 0x5b);
	KUNIT_EXPECT_EQ(test, info.gpc, 0x13);
	KUNIT_EXPECT_TRUE(test, info.hub);
	KUNIT_EXPECT_EQ(test, f.access, NOUVEAU_SVM_ACCESS_WRITE);

	nvsvm_hw_fault_token_unpack(f.token, &hub, &gpc, &client);
	KUNIT_EXPECT_EQ(test, hub, 1);
	KUNIT_EXPECT_EQ(test, gpc, 0x13);
	KUNIT_EXPECT_EQ(test, client, 0x5b);

	/* Volta has the engine and the replayable bit Pascal lacks. */
	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(VOLTA_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_EQ(test, info.inst, TEST_INST);
	KUNIT_EXPECT_EQ(test, info.addr, TEST_ADDR);
	KUNIT_EXPECT_EQ(test, info.engine, 0x1a5);
	KUNIT_EXPECT_TRUE(test, info.replayable);
	KUNIT_EXPECT_EQ(test, f.access, NOUVEAU_SVM_ACCESS_WRITE);

	/* Bit 231 is Volta's REPLAYABLE_FAULT; Pascal's faults all replay. */
	e[7] &= ~0x80;
	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(VOLTA_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_FALSE(test, info.replayable);
	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(MAXWELL_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_TRUE(test, info.replayable);
}

/*
 * The physical aperture bits of a Volta address are not the address, and
 * the core gets a 4 KiB aligned address from a Pascal entry whose address
 * word has low bits.
 */
static void fault_decode_volta_phys_aperture(struct kunit *test)
{
	u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];
	struct nvsvm_hw_fault_info info;
	struct nouveau_svm_fault f;

	fault_entry(e, true, false, NVC369_BUF_ENTRY_ACCESS_TYPE_VIRT_READ);
	NVVAL_MW_SET(e, NVC369, BUF_ENTRY, ADDR_PHYS_APERTURE, 3);
	KUNIT_EXPECT_EQ(test, e[2] & 0xfff, 3);
	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(VOLTA_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_EQ(test, f.addr, TEST_ADDR);
	KUNIT_EXPECT_FALSE(test, info.hub);

	e[2] |= 0xabc;
	KUNIT_ASSERT_EQ(test, nvsvm_hw_fault_decode(MAXWELL_FAULT_BUFFER_A, e,
						    &info, &f), 0);
	KUNIT_EXPECT_EQ(test, f.addr, TEST_ADDR);
	KUNIT_EXPECT_EQ(test, info.addr, TEST_ADDR);
}

/* An entry the GPU has not finished is not taken, but still decoded. */
static void fault_decode_invalid(struct kunit *test)
{
	u32 e[NVSVM_HW_FAULT_ENTRY_WORDS];
	struct nvsvm_hw_fault_info info;
	struct nouveau_svm_fault f;

	fault_entry(e, false, false, NVB069_FAULT_BUF_ENTRY_ACCESS_TYPE_READ);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_decode(MAXWELL_FAULT_BUFFER_A, e,
						    &info, &f), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, info.valid);
	KUNIT_EXPECT_EQ(test, f.addr, TEST_ADDR);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_decode(VOLTA_FAULT_BUFFER_A, e,
						    &info, &f), -EAGAIN);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_decode(0xc369 + 1, e, &info, &f),
			-EINVAL);
}

/* Tokens carry hub, GPC and client through unchanged. */
static void fault_token_round_trip(struct kunit *test)
{
	u8 hub, gpc, client;

	nvsvm_hw_fault_token_unpack(nvsvm_hw_fault_token(0, 0x1f, 0x7f),
				    &hub, &gpc, &client);
	KUNIT_EXPECT_EQ(test, hub, 0);
	KUNIT_EXPECT_EQ(test, gpc, 0x1f);
	KUNIT_EXPECT_EQ(test, client, 0x7f);
	nvsvm_hw_fault_token_unpack(nvsvm_hw_fault_token(1, 0, 0),
				    &hub, &gpc, &client);
	KUNIT_EXPECT_EQ(test, hub, 1);
	KUNIT_EXPECT_EQ(test, gpc, 0);
	KUNIT_EXPECT_EQ(test, client, 0);
}

/* GET/PUT arithmetic of the ring, wrapping included. */
static void fault_ring_indices(struct kunit *test)
{
	static const struct {
		u32 get, put, entries;
		int pending;
	} c[] = {
		{ 0, 0, 64, 0 },
		{ 5, 9, 64, 4 },
		{ 60, 2, 64, 6 },	/* PUT wrapped */
		{ 63, 62, 64, 63 },	/* full but one */
		{ 2, 1, 3, 2 },
		{ 64, 0, 64, -EINVAL },
		{ 0, 64, 64, -EINVAL },
		{ 0, 0, 0, -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, nvsvm_hw_fault_pending(c[i].get, c[i].put,
								 c[i].entries),
				    c[i].pending, "case %u", i);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_next(0, 64), 1);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_next(62, 64), 63);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_next(63, 64), 0);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_fault_next(0, 1), 0);
}

/* PFN entries */

#define R NOUVEAU_SVM_MAP_READ
#define W NOUVEAU_SVM_MAP_WRITE
#define A NOUVEAU_SVM_MAP_ATOMIC
#define SYS DRM_INTERCONNECT_SYSTEM
#define VRAM NOUVEAU_SVM_PROTO_VRAM
#define V_ NVIF_VMM_PFNMAP_V0_V
#define W_ NVIF_VMM_PFNMAP_V0_W
#define A_ NVIF_VMM_PFNMAP_V0_A
#define TEST_VRAM_BASE	0x100000000ULL

struct pfn_case {
	const char *name;
	u64 addr;
	u32 proto;
	u32 flags;
	u64 pfn;
};

static const struct pfn_case pfn_cases[] = {
	{ "sys-r", 0x1234000, SYS, R, 0x1234000 | V_ | NVIF_VMM_PFNMAP_V0_HOST },
	{ "sys-rw", 0x1234000, SYS, R | W, 0x1234000 | V_ | W_ },
	{ "sys-rwa", 0xfff0000200000ULL, SYS, R | W | A, 0xfff0000200000ULL | V_ | W_ | A_ },
	{ "vram-r", 0x5000, VRAM, R,
	  (TEST_VRAM_BASE + 0x5000) | V_ | NVIF_VMM_PFNMAP_V0_VRAM },
	{ "vram-rw", 0x200000, VRAM, R | W,
	  (TEST_VRAM_BASE + 0x200000) | V_ | W_ | NVIF_VMM_PFNMAP_V0_VRAM },
	{ "vram-rwa", 0x200000, VRAM, R | W | A,
	  (TEST_VRAM_BASE + 0x200000) | V_ | W_ | A_ | NVIF_VMM_PFNMAP_V0_VRAM },
	{ "none", 0x1000, SYS, 0, NVIF_VMM_PFNMAP_V0_NONE },
	{ "bad-proto", 0x1000, 7, R, NVIF_VMM_PFNMAP_V0_NONE },
};

static void pfn_case_desc(const struct pfn_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pfn, pfn_cases, pfn_case_desc);

/* Each aperture and permission becomes its PFNMAP bits. */
static void pfn_encode_entry(struct kunit *test)
{
	const struct pfn_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfn_encode(c->addr, c->proto, c->flags,
						  TEST_VRAM_BASE), c->pfn);
}

#define PFN_MAX 8

static struct nvif_vmm_pfnmap_v0 *pfn_args(struct kunit *test)
{
	struct nvif_vmm_pfnmap_v0 *args;

	args = kunit_kzalloc(test, struct_size(args, phys, PFN_MAX), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, args);
	return args;
}

static struct drm_pagemap_addr dma(u64 addr, u32 proto, unsigned int order)
{
	return drm_pagemap_addr_encode(addr, proto, order, DMA_BIDIRECTIONAL);
}

/* 4 KiB system pages become one call of 4 KiB entries. */
static void pfnmap_sys_4k(struct kunit *test)
{
	const struct drm_pagemap_addr d[] = {
		dma(0x10000, SYS, 0), dma(0x30000, SYS, 0), dma(0x20000, SYS, 0),
	};
	struct nouveau_svm_map map = {
		.start = SZ_1G, .npages = 3, .dma = d, .flags = R | W,
	};
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	struct nvsvm_hw_pfn_cursor cur = {};

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 3);
	KUNIT_EXPECT_EQ(test, args->version, 0);
	KUNIT_EXPECT_EQ(test, args->page, 12);
	KUNIT_EXPECT_EQ(test, args->addr, SZ_1G);
	KUNIT_EXPECT_EQ(test, args->size, 3 * SZ_4K);
	KUNIT_EXPECT_EQ(test, args->phys[0], 0x10000 | V_ | W_);
	KUNIT_EXPECT_EQ(test, args->phys[1], 0x30000 | V_ | W_);
	KUNIT_EXPECT_EQ(test, args->phys[2], 0x20000 | V_ | W_);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 0);
}

/* A 2 MiB VRAM folio becomes one 2 MiB entry, at the VRAM base. */
static void pfnmap_vram_2m(struct kunit *test)
{
	const struct drm_pagemap_addr d[] = { dma(0x400000, VRAM, 9) };
	struct nouveau_svm_map map = {
		.start = SZ_1G, .npages = 512, .dma = d, .flags = R | W | A,
	};
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	struct nvsvm_hw_pfn_cursor cur = {};

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, TEST_VRAM_BASE, &cur,
						   args, PFN_MAX), 1);
	KUNIT_EXPECT_EQ(test, args->page, 21);
	KUNIT_EXPECT_EQ(test, args->addr, SZ_1G);
	KUNIT_EXPECT_EQ(test, args->size, SZ_2M);
	KUNIT_EXPECT_EQ(test, args->phys[0], (TEST_VRAM_BASE + 0x400000) |
			V_ | W_ | A_ | NVIF_VMM_PFNMAP_V0_VRAM);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, TEST_VRAM_BASE, &cur,
						   args, PFN_MAX), 0);
}

/* Mixed orders split into one call per page size, in address order. */
static void pfnmap_mixed_orders(struct kunit *test)
{
	const struct drm_pagemap_addr d[] = {
		dma(0x7000, SYS, 0), dma(0x9000, SYS, 0),
		dma(0x40000000, SYS, 9), dma(0x3000, SYS, 0),
	};
	struct nouveau_svm_map map = {
		.start = SZ_1G - 2 * SZ_4K, .npages = 2 + 512 + 1, .dma = d,
		.flags = R,
	};
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	struct nvsvm_hw_pfn_cursor cur = {};

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 2);
	KUNIT_EXPECT_EQ(test, args->page, 12);
	KUNIT_EXPECT_EQ(test, args->addr, SZ_1G - 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, args->size, 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, args->phys[1], 0x9000 | V_);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 1);
	KUNIT_EXPECT_EQ(test, args->page, 21);
	KUNIT_EXPECT_EQ(test, args->addr, SZ_1G);
	KUNIT_EXPECT_EQ(test, args->size, SZ_2M);
	KUNIT_EXPECT_EQ(test, args->phys[0], 0x40000000 | V_);

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 1);
	KUNIT_EXPECT_EQ(test, args->page, 12);
	KUNIT_EXPECT_EQ(test, args->addr, SZ_1G + SZ_2M);
	KUNIT_EXPECT_EQ(test, args->phys[0], 0x3000 | V_);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 0);
}

/* A large entry the map holds only part of becomes 4 KiB entries. */
static void pfnmap_partial_large_entry(struct kunit *test)
{
	const struct drm_pagemap_addr d[] = { dma(0x600000, VRAM, 9) };
	struct nouveau_svm_map map = {
		.start = SZ_1G, .npages = 5, .dma = d, .flags = R | W,
	};
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	struct nvsvm_hw_pfn_cursor cur = {};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, PFN_MAX), 5);
	KUNIT_EXPECT_EQ(test, args->page, 12);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, args->phys[i], (0x600000 + i * SZ_4K) |
				V_ | W_ | NVIF_VMM_PFNMAP_V0_VRAM);
}

/* A caller's array smaller than the map takes several calls. */
static void pfnmap_splits_at_max(struct kunit *test)
{
	const struct drm_pagemap_addr d[] = {
		dma(0x1000, SYS, 0), dma(0x2000, SYS, 0), dma(0x3000, SYS, 0),
		dma(0x4000, SYS, 0), dma(0x5000, SYS, 0),
	};
	struct nouveau_svm_map map = {
		.start = 0x10000, .npages = 5, .dma = d, .flags = R,
	};
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	struct nvsvm_hw_pfn_cursor cur = {};

	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), 2);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), 2);
	KUNIT_EXPECT_EQ(test, args->addr, 0x12000);
	KUNIT_EXPECT_EQ(test, args->phys[1], 0x4000 | V_);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), 1);
	KUNIT_EXPECT_EQ(test, args->addr, 0x14000);
	KUNIT_EXPECT_EQ(test, args->size, SZ_4K);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), 0);
}

/* What nvkm cannot take is refused. */
static void pfnmap_rejects(struct kunit *test)
{
	const struct drm_pagemap_addr mixed[] = {
		dma(0x1000, SYS, 0), dma(0x2000, VRAM, 0),
	};
	const struct drm_pagemap_addr odd[] = { dma(0x1800, SYS, 0) };
	struct nvif_vmm_pfnmap_v0 *args = pfn_args(test);
	static const u32 bad_flags[] = { 0, W, R | A, A, R | BIT(7) };
	struct nvsvm_hw_pfn_cursor cur;
	struct nouveau_svm_map map;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		map = (struct nouveau_svm_map) {
			.start = 0, .npages = 1, .dma = mixed, .flags = bad_flags[i],
		};
		cur = (struct nvsvm_hw_pfn_cursor) {};
		KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 1),
				-EINVAL);
	}
	map = (struct nouveau_svm_map) {
		.start = 0, .npages = 2, .dma = mixed, .flags = R,
	};
	cur = (struct nvsvm_hw_pfn_cursor) {};
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), -EINVAL);
	map.npages = 1;
	map.start = 0x800;
	cur = (struct nvsvm_hw_pfn_cursor) {};
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), -EINVAL);
	map.start = 0;
	map.dma = odd;
	cur = (struct nvsvm_hw_pfn_cursor) {};
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 2), -EINVAL);
	map.dma = mixed;
	cur = (struct nvsvm_hw_pfn_cursor) {};
	KUNIT_EXPECT_EQ(test, nvsvm_hw_pfnmap_next(&map, 0, &cur, args, 0), -EINVAL);
}

/* Page-table spans of a 2 MiB block */

#define B(n)	((u64)(n) * SZ_2M)
#define K4	NVSVM_HW_PFN_SHIFT_4K
#define M2	NVSVM_HW_PFN_SHIFT_2M

struct span_case {
	const char *name;
	u64 block;
	u8 shift;
	struct nouveau_svm_window um;
	unsigned int n;
	struct nouveau_svm_window span[2];
};

static const struct span_case span_cases[] = {
	{ "no-window-4k", B(8), K4, { 0, 0 }, 1, { { B(8), B(9) } } },
	{ "no-window-2m", B(8), M2, { 0, 0 }, 1, { { B(8), B(9) } } },
	{ "window-below", B(8), K4, { B(2), B(8) }, 1, { { B(8), B(9) } } },
	{ "window-above", B(8), M2, { B(9), B(12) }, 1, { { B(8), B(9) } } },
	{ "window-covers", B(8), K4, { B(7), B(10) }, 0, {} },
	{ "window-head", B(8), K4, { B(7), B(8) + SZ_64K }, 1,
	  { { B(8) + SZ_64K, B(9) } } },
	{ "window-tail", B(8), K4, { B(8) + SZ_1M, B(12) }, 1,
	  { { B(8), B(8) + SZ_1M } } },
	{ "window-inside", B(8), K4, { B(8) + SZ_4K, B(8) + SZ_8K }, 2,
	  { { B(8), B(8) + SZ_4K }, { B(8) + SZ_8K, B(9) } } },
	{ "window-inside-2m", B(8), M2, { B(8) + SZ_4K, B(8) + SZ_8K }, 0, {} },
	{ "block-zero", 0, K4, { SZ_1M, B(1) }, 1, { { 0, SZ_1M } } },
	{ "unaligned", B(8) + SZ_4K, K4, { 0, 0 }, 0, {} },
	{ "bad-shift", B(8), 16, { 0, 0 }, 0, {} },
};

static void span_case_desc(const struct span_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(span, span_cases, span_case_desc);

/* A block is held where nvkm's region is not, whole for 2 MiB entries. */
static void pt_spans(struct kunit *test)
{
	const struct span_case *c = test->param_value;
	struct nouveau_svm_window span[2] = {};
	unsigned int i, n;

	n = nvsvm_hw_pt_spans(c->block, c->shift, &c->um, span);
	KUNIT_ASSERT_EQ(test, n, c->n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, span[i].start, c->span[i].start);
		KUNIT_EXPECT_EQ(test, span[i].end, c->span[i].end);
	}
}

/* Clipping keeps the overlap, and says when there is none. */
static void span_clip(struct kunit *test)
{
	struct nouveau_svm_window s = { B(8), B(9) };

	KUNIT_EXPECT_TRUE(test, nvsvm_hw_span_clip(&s, B(8) + SZ_64K, B(8) + SZ_128K));
	KUNIT_EXPECT_EQ(test, s.start, B(8) + SZ_64K);
	KUNIT_EXPECT_EQ(test, s.end, B(8) + SZ_128K);
	s = (struct nouveau_svm_window) { B(8), B(9) };
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_span_clip(&s, 0, U64_MAX));
	KUNIT_EXPECT_EQ(test, s.start, B(8));
	KUNIT_EXPECT_EQ(test, s.end, B(9));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_span_clip(&s, B(9), B(10)));
	s = (struct nouveau_svm_window) { B(8), B(9) };
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_span_clip(&s, B(2), B(8)));
}

/* Copy-engine streams */

#define INCR(m, n) (NVVAL(NV906F, DMA, METHOD_ADDRESS, (m) >> 2) | \
		    NVVAL(NV906F, DMA, METHOD_SUBCHANNEL, 4) | \
		    NVVAL(NV906F, DMA, METHOD_COUNT, (n)) | \
		    NVDEF(NV906F, DMA, SEC_OP, INC_METHOD))
#define IMMD(m, d) (NVVAL(NV906F, DMA, METHOD_ADDRESS, (m) >> 2) | \
		    NVVAL(NV906F, DMA, METHOD_SUBCHANNEL, 4) | \
		    NVVAL(NV906F, DMA, IMMD_DATA, (d)) | \
		    NVDEF(NV906F, DMA, SEC_OP, IMMD_DATA_METHOD))
#define LAUNCH_COMMON (NVDEF(NVA0B5, LAUNCH_DMA, DATA_TRANSFER_TYPE, NON_PIPELINED) | \
		       NVDEF(NVA0B5, LAUNCH_DMA, FLUSH_ENABLE, TRUE) | \
		       NVDEF(NVA0B5, LAUNCH_DMA, SRC_MEMORY_LAYOUT, PITCH) | \
		       NVDEF(NVA0B5, LAUNCH_DMA, DST_MEMORY_LAYOUT, PITCH))
#define LAUNCH_COPY (LAUNCH_COMMON | \
		     NVDEF(NVA0B5, LAUNCH_DMA, SRC_TYPE, PHYSICAL) | \
		     NVDEF(NVA0B5, LAUNCH_DMA, DST_TYPE, PHYSICAL) | \
		     NVDEF(NVA0B5, LAUNCH_DMA, MULTI_LINE_ENABLE, TRUE))
#define LAUNCH_SEM NVDEF(NVA0B5, LAUNCH_DMA, SEMAPHORE_TYPE, \
			 RELEASE_ONE_WORD_SEMAPHORE)

#define COPY_MAX 64

static void expect_stream(struct kunit *test, const u32 *got, int n,
			  const u32 *want, int nwant)
{
	int i;

	KUNIT_ASSERT_EQ(test, n, nwant);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], want[i], "dword %d", i);
}

/* The method headers are the host's incrementing and immediate forms. */
static void copy_method_headers(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, INCR(NVA0B5_OFFSET_IN_UPPER, 8), 0x20088100);
	KUNIT_EXPECT_EQ(test, IMMD(NVA0B5_SET_SRC_PHYS_MODE, 1), 0x80018098);
}

/*
 * To VRAM from three system pages, the first two contiguous: two
 * launches, the last releasing the semaphore.
 */
static void copy_to_vram_two_extents(struct kunit *test)
{
	const struct drm_pagemap_addr sys[] = {
		dma(0x1000, SYS, 0), dma(0x2000, SYS, 0), dma(0xab0009000ULL, SYS, 0),
	};
	const struct nvsvm_hw_copy_sem sem = { .addr = 0x12345678f0ULL, .payload = 7 };
	const u64 vram = 0x3400000000ULL;
	const u32 want[] = {
		IMMD(NVA0B5_SET_SRC_PHYS_MODE, NVA0B5_SET_SRC_PHYS_MODE_TARGET_COHERENT_SYSMEM),
		IMMD(NVA0B5_SET_DST_PHYS_MODE, NVA0B5_SET_DST_PHYS_MODE_TARGET_LOCAL_FB),
		INCR(NVA0B5_OFFSET_IN_UPPER, 8),
		0, 0x1000, 0x34, 0, SZ_4K, SZ_4K, SZ_4K, 2,
		INCR(NVA0B5_LAUNCH_DMA, 1), LAUNCH_COPY,
		INCR(NVA0B5_OFFSET_IN_UPPER, 8),
		0xa, 0xb0009000, 0x34, 0x2000, SZ_4K, SZ_4K, SZ_4K, 1,
		INCR(NVSVM_HW_C0B5_SET_SEMAPHORE_A, 3), 0x12, 0x345678f0, 7,
		INCR(NVA0B5_LAUNCH_DMA, 1), LAUNCH_COPY | LAUNCH_SEM,
	};
	u32 *buf = kunit_kcalloc(test, COPY_MAX, sizeof(u32), GFP_KERNEL);
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_size(sys, 3, true), ARRAY_SIZE(want));
	n = nvsvm_hw_copy_encode(VOLTA_DMA_COPY_A, NOUVEAU_SVM_COPY_TO_VRAM, vram,
				 sys, 3, &sem, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));
}

/* To system memory from a 2 MiB run: the order-9 entry is one extent. */
static void copy_to_sys_large_entry(struct kunit *test)
{
	struct drm_pagemap_addr *sys;
	const u32 want[] = {
		IMMD(NVA0B5_SET_SRC_PHYS_MODE, NVA0B5_SET_SRC_PHYS_MODE_TARGET_LOCAL_FB),
		IMMD(NVA0B5_SET_DST_PHYS_MODE,
		     NVA0B5_SET_DST_PHYS_MODE_TARGET_COHERENT_SYSMEM),
		INCR(NVA0B5_OFFSET_IN_UPPER, 8),
		0, 0x200000, 0, 0x80000000, SZ_4K, SZ_4K, SZ_4K, 512,
		INCR(NVA0B5_LAUNCH_DMA, 1), LAUNCH_COPY,
	};
	u32 *buf = kunit_kcalloc(test, COPY_MAX, sizeof(u32), GFP_KERNEL);
	int n;

	sys = kunit_kcalloc(test, 512, sizeof(*sys), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, sys);
	/* The 511 entries after an order-9 entry are ignored: leave them 0. */
	sys[0] = dma(0x80000000, SYS, 9);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_size(sys, 512, false), ARRAY_SIZE(want));
	n = nvsvm_hw_copy_encode(PASCAL_DMA_COPY_A, NOUVEAU_SVM_COPY_TO_SYS,
				 0x200000, sys, 512, NULL, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));
}

/* A clear zeroes VRAM through the remap unit: one 8-byte element per 8 bytes. */
static void copy_clear_vram(struct kunit *test)
{
	const u32 want[] = {
		IMMD(NVA0B5_SET_DST_PHYS_MODE, NVA0B5_SET_DST_PHYS_MODE_TARGET_LOCAL_FB),
		INCR(NVA0B5_SET_REMAP_CONST_A, 3), 0, 0,
		NVDEF(NVA0B5, SET_REMAP_COMPONENTS, DST_X, CONST_A) |
		NVDEF(NVA0B5, SET_REMAP_COMPONENTS, DST_Y, CONST_B) |
		NVDEF(NVA0B5, SET_REMAP_COMPONENTS, COMPONENT_SIZE, FOUR) |
		NVDEF(NVA0B5, SET_REMAP_COMPONENTS, NUM_DST_COMPONENTS, TWO),
		INCR(NVA0B5_OFFSET_OUT_UPPER, 2), 0x1, 0x00600000,
		INCR(NVA0B5_LINE_LENGTH_IN, 1), 16 * SZ_4K / 8,
		INCR(NVA0B5_LAUNCH_DMA, 1),
		LAUNCH_COMMON | NVDEF(NVA0B5, LAUNCH_DMA, DST_TYPE, PHYSICAL) |
		NVDEF(NVA0B5, LAUNCH_DMA, REMAP_ENABLE, TRUE),
	};
	u32 *buf = kunit_kcalloc(test, COPY_MAX, sizeof(u32), GFP_KERNEL);
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_size(NULL, 16, false), ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_size(NULL, 16, true), ARRAY_SIZE(want) + 4);
	n = nvsvm_hw_copy_encode(AMPERE_DMA_COPY_B, NOUVEAU_SVM_COPY_TO_VRAM,
				 0x100600000ULL, NULL, 16, NULL, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));
}

/*
 * Pascal's copy classes and later take 49-bit addresses (17 upper bits,
 * where Kepler's cla0b5.h has 8): system pages and a semaphore above
 * 1 TiB, and the last page below 512 TiB, are encoded whole.
 */
static void copy_above_1tib(struct kunit *test)
{
	const struct drm_pagemap_addr sys[] = { dma(0x123456789a000ULL, SYS, 0) };
	const struct drm_pagemap_addr top[] = { dma(0x1fffffffff000ULL, SYS, 0) };
	const struct nvsvm_hw_copy_sem sem = { .addr = 0xfedc12345678ULL, .payload = 9 };
	const u32 want[] = {
		IMMD(NVA0B5_SET_SRC_PHYS_MODE, NVA0B5_SET_SRC_PHYS_MODE_TARGET_LOCAL_FB),
		IMMD(NVA0B5_SET_DST_PHYS_MODE,
		     NVA0B5_SET_DST_PHYS_MODE_TARGET_COHERENT_SYSMEM),
		INCR(NVA0B5_OFFSET_IN_UPPER, 8),
		0x100, 0x00200000, 0x12345, 0x6789a000, SZ_4K, SZ_4K, SZ_4K, 1,
		INCR(NVSVM_HW_C0B5_SET_SEMAPHORE_A, 3), 0xfedc, 0x12345678, 9,
		INCR(NVA0B5_LAUNCH_DMA, 1), LAUNCH_COPY | LAUNCH_SEM,
	};
	u32 *buf = kunit_kcalloc(test, COPY_MAX, sizeof(u32), GFP_KERNEL);
	int n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = nvsvm_hw_copy_encode(PASCAL_DMA_COPY_A, NOUVEAU_SVM_COPY_TO_SYS,
				 0x10000200000ULL, sys, 1, &sem, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));
	/*
	 * HOPPER_DMA_COPY_A's and BLACKWELL_DMA_COPY_A's 25 upper bits
	 * (clc8b5.h, clc9b5.h) take the same stream.
	 */
	n = nvsvm_hw_copy_encode(HOPPER_DMA_COPY_A, NOUVEAU_SVM_COPY_TO_SYS,
				 0x10000200000ULL, sys, 1, &sem, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));
	n = nvsvm_hw_copy_encode(BLACKWELL_DMA_COPY_A, NOUVEAU_SVM_COPY_TO_SYS,
				 0x10000200000ULL, sys, 1, &sem, buf, COPY_MAX);
	expect_stream(test, buf, n, want, ARRAY_SIZE(want));

	n = nvsvm_hw_copy_encode(AMPERE_DMA_COPY_B, NOUVEAU_SVM_COPY_TO_VRAM, 0,
				 top, 1, NULL, buf, COPY_MAX);
	KUNIT_ASSERT_GT(test, n, 4);
	KUNIT_EXPECT_EQ(test, buf[3], 0x1ffff);
	KUNIT_EXPECT_EQ(test, buf[4], 0xfffff000);
}

/* Classes, directions, sizes and addresses the stream cannot have. */
static void copy_rejects(struct kunit *test)
{
	const struct drm_pagemap_addr sys[] = { dma(0x1000, SYS, 0) };
	const struct drm_pagemap_addr two[] = { dma(0x1000, SYS, 1), {} };
	const struct drm_pagemap_addr far[] = { dma(1ULL << 49, SYS, 0) };
	const struct drm_pagemap_addr vram[] = { dma(0x1000, VRAM, 0) };
	u32 buf[COPY_MAX];
	int size = nvsvm_hw_copy_size(sys, 1, false);

	KUNIT_EXPECT_TRUE(test, nvsvm_hw_copy_class_supported(PASCAL_DMA_COPY_B));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_copy_class_supported(TURING_DMA_COPY_A));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_copy_class_supported(AMPERE_DMA_COPY_A));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_copy_class_supported(KEPLER_DMA_COPY_A));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_copy_class_supported(HOPPER_DMA_COPY_A));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_copy_class_supported(BLACKWELL_DMA_COPY_A));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_copy_class_supported(BLACKWELL_DMA_COPY_B));

	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(KEPLER_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, sys,
						   1, NULL, buf, COPY_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_SYS, 0, NULL,
						   1, NULL, buf, COPY_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, sys,
						   0, NULL, buf, COPY_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, vram,
						   1, NULL, buf, COPY_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, far,
						   1, NULL, buf, COPY_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM,
						   (1ULL << 49) - SZ_4K, two, 2, NULL,
						   buf, COPY_MAX), -ERANGE);
	KUNIT_ASSERT_GT(test, size, 0);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, sys,
						   1, NULL, buf, size - 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_copy_encode(TURING_DMA_COPY_A,
						   NOUVEAU_SVM_COPY_TO_VRAM, 0, sys,
						   1, NULL, buf, size), size);
}

/* DMA: only addresses that are the pages' own go to the GPU. */
static void dma_direct_iommu(struct kunit *test)
{
	struct iommu_domain identity = { .type = IOMMU_DOMAIN_IDENTITY };
	struct iommu_domain dma = { .type = IOMMU_DOMAIN_DMA };
	struct iommu_domain blocked = { .type = IOMMU_DOMAIN_BLOCKED };

	KUNIT_EXPECT_TRUE(test, nvsvm_hw_dma_direct(false, NULL, false));
	/* iommu=pt: an identity domain translates nothing. */
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_dma_direct(true, &identity, false));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_dma_direct(true, &dma, false));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_dma_direct(true, &blocked, false));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_dma_direct(true, NULL, false));
	/* Bounce buffers hand the GPU a copy, with or without an IOMMU. */
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_dma_direct(false, NULL, true));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_dma_direct(true, &identity, true));
}

/* Channel recovery */

enum recover_op {
	RECOVER_FETCH, RECOVER_CANCEL, RECOVER_CANCEL_UNKNOWN, RECOVER_FORGET,
	/*
	 * A non-replayable fault of a copy engine: of a known channel,
	 * servable or not; of an unknown one.  A servable one of a known
	 * channel from a PBDMA, and from GR.
	 */
	RECOVER_NR, RECOVER_NR_UNSERVABLE, RECOVER_NR_UNKNOWN,
	RECOVER_NR_HOST, RECOVER_NR_GR,
	/* One from an engine id of the bitmap's third word, and from BAR2. */
	RECOVER_NR_HIGH, RECOVER_NR_BAR2,
};

/*
 * MMU engine ids of a gv100 (NVIDIA's dev_fault.h: NV_PFAULT_MMU_ENG_ID_*):
 * CE0, HOST0, GRAPHICS.  Only the first two are resumable.
 */
#define ENGINE_CE0	0x0f
#define ENGINE_HOST0	0x20
#define ENGINE_GR	0x40
/* An id above 127 named resumable, to test the bitmap's words; tu102's BAR2. */
#define ENGINE_HIGH	0x85
#define ENGINE_BAR2	0xc0

struct recover_step {
	enum recover_op op;
	u64 inst;
	enum nvsvm_hw_recover_action expect;	/* not checked for FORGET */
};

#define RECOVER_STEPS	8

struct recover_case {
	const char *name;
	bool per_channel;
	struct recover_step steps[RECOVER_STEPS];
	unsigned int nsteps;
	u64 drained;
};

#define INST_A	0x0000000123456000ULL	/* two channel instances */
#define INST_B	0x0000000000fff000ULL

static const struct recover_case recover_cases[] = {
	{ "pascal-cancel-leaves-recovery-to-nvkm", false, {
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_CANCEL },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FETCH, INST_B, NVSVM_HW_RECOVER_SERVE } }, 4, 1 },
	{ "volta-first-cancel-kills", true, {
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FETCH, INST_B, NVSVM_HW_RECOVER_SERVE } }, 5, 2 },
	{ "volta-other-channel-unharmed", true, {
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_FETCH, INST_B, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL, INST_B, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FETCH, INST_B, NVSVM_HW_RECOVER_DRAIN } }, 5, 2 },
	{ "volta-unknown-instance-only-cancelled", true, {
		{ RECOVER_CANCEL_UNKNOWN, INST_A, NVSVM_HW_RECOVER_CANCEL },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL_UNKNOWN, INST_A, NVSVM_HW_RECOVER_CANCEL } }, 3, 0 },
	{ "volta-instance-reused-after-destroy", true, {
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_FORGET, INST_A },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL } }, 4, 0 },
	{ "volta-nonreplayable-served", true, {
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_NR, INST_B, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_SERVE } }, 4, 0 },
	{ "volta-nonreplayable-of-other-channel-to-nvkm", true, {
		{ RECOVER_NR_UNKNOWN, INST_A, NVSVM_HW_RECOVER_CANCEL },
		{ RECOVER_NR_UNKNOWN, INST_A, NVSVM_HW_RECOVER_CANCEL },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_SERVE } }, 3, 0 },
	{ "volta-nonreplayable-unservable-kills", true, {
		{ RECOVER_NR_UNSERVABLE, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_NR_UNSERVABLE, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_NR, INST_B, NVSVM_HW_RECOVER_SERVE } }, 5, 3 },
	{ "volta-nonreplayable-after-cancel-drained", true, {
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_NR_UNKNOWN, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_FORGET, INST_A },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_SERVE } }, 6, 2 },
	{ "volta-nonreplayable-gr-decided-at-fetch", true, {
		{ RECOVER_NR_GR, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_NR, INST_A, NVSVM_HW_RECOVER_DRAIN },
		{ RECOVER_NR_HOST, INST_B, NVSVM_HW_RECOVER_SERVE },
		{ RECOVER_NR, INST_B, NVSVM_HW_RECOVER_SERVE } }, 4, 1 },
	{ "volta-nonreplayable-engine-bitmap-words", true, {
		{ RECOVER_NR_BAR2, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_NR_HIGH, INST_B, NVSVM_HW_RECOVER_SERVE } }, 2, 0 },
	{ "forget-unknown-is-harmless", true, {
		{ RECOVER_FORGET, INST_B },
		{ RECOVER_CANCEL, INST_A, NVSVM_HW_RECOVER_KILL },
		{ RECOVER_FORGET, INST_B },
		{ RECOVER_FETCH, INST_A, NVSVM_HW_RECOVER_DRAIN } }, 4, 1 },
};

#undef INST_A
#undef INST_B

static void recover_case_desc(const struct recover_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(recover, recover_cases, recover_case_desc);

static enum nvsvm_hw_recover_action recover_do(struct nvsvm_hw_recover *rec,
					       const struct recover_step *s)
{
	switch (s->op) {
	case RECOVER_FETCH:
		return nvsvm_hw_recover_fetch(rec, s->inst);
	case RECOVER_CANCEL:
		return nvsvm_hw_recover_cancel(rec, s->inst, true);
	case RECOVER_CANCEL_UNKNOWN:
		return nvsvm_hw_recover_cancel(rec, s->inst, false);
	case RECOVER_NR:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_CE0, true, true);
	case RECOVER_NR_UNSERVABLE:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_CE0, true, false);
	case RECOVER_NR_UNKNOWN:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_CE0, false, true);
	case RECOVER_NR_HOST:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_HOST0, true, true);
	case RECOVER_NR_GR:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_GR, true, true);
	case RECOVER_NR_HIGH:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_HIGH, true, true);
	case RECOVER_NR_BAR2:
		return nvsvm_hw_recover_fetch_nr(rec, s->inst, ENGINE_BAR2, true, true);
	default:
		nvsvm_hw_recover_forget(rec, s->inst);
		return s->expect;
	}
}

/* Each script of fetches, cancels and destroys gets the expected actions. */
static void recover_script(struct kunit *test)
{
	const u64 resumable[NVSVM_HW_FAULT_ENGINES / 64] = {
		BIT_ULL(ENGINE_CE0) | BIT_ULL(ENGINE_HOST0),
		0,
		BIT_ULL(ENGINE_HIGH - 128),
	};
	const struct recover_case *c = test->param_value;
	struct nvsvm_hw_recover rec;
	unsigned int i;

	nvsvm_hw_recover_init(&rec, c->per_channel);
	nvsvm_hw_recover_set_resumable(&rec, resumable);
	for (i = 0; i < c->nsteps; i++)
		KUNIT_EXPECT_EQ_MSG(test, recover_do(&rec, &c->steps[i]),
				    c->steps[i].expect, "step %u", i);
	KUNIT_EXPECT_EQ(test, rec.drained, c->drained);
}

/*
 * The steps of a cancel: a kill stops the channel in hardware after the
 * unit's cancel; a channel gone since the fetch gets nothing, and its
 * instance stays free for the channel that reuses it.
 */
static void recover_cancel_steps(struct kunit *test)
{
	const unsigned int kill = NVSVM_HW_CANCEL_KILL | NVSVM_HW_CANCEL_UNIT |
				  NVSVM_HW_CANCEL_STOP;
	struct nvsvm_hw_recover rec;

	nvsvm_hw_recover_init(&rec, true);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x1000, true, false),
			kill);
	/* Killed already: only the unit's cancel, so the stalled unit goes on. */
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x1000, true, false),
			NVSVM_HW_CANCEL_UNIT);
	/* Not an SVM channel: only cancelled, nothing remembered. */
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x2000, false, false),
			NVSVM_HW_CANCEL_UNIT);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_fetch(&rec, 0x2000), NVSVM_HW_RECOVER_SERVE);
	/* Gone since the fetch: nothing at all, nothing remembered. */
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x3000, false, true), 0);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_fetch(&rec, 0x3000), NVSVM_HW_RECOVER_SERVE);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x3000, true, false),
			kill);

	/* Pascal: the cancel alone, nvkm's recovery ends the channel. */
	nvsvm_hw_recover_init(&rec, false);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x1000, true, false),
			NVSVM_HW_CANCEL_UNIT);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel_steps(&rec, 0x1000, true, false),
			NVSVM_HW_CANCEL_UNIT);
}

/* A full table still kills, and only costs a second cancel later. */
static void recover_overflow(struct kunit *test)
{
	struct nvsvm_hw_recover rec;
	u64 inst;

	nvsvm_hw_recover_init(&rec, true);
	for (inst = 1; inst <= NVSVM_HW_RECOVER_MAX; inst++)
		KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel(&rec, inst << 12, true),
				NVSVM_HW_RECOVER_KILL);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_cancel(&rec, inst << 12, true),
			NVSVM_HW_RECOVER_KILL);
	KUNIT_EXPECT_EQ(test, rec.overflows, 1);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_fetch(&rec, inst << 12),
			NVSVM_HW_RECOVER_SERVE);
	nvsvm_hw_recover_forget(&rec, 1ULL << 12);
	KUNIT_EXPECT_EQ(test, rec.nr, NVSVM_HW_RECOVER_MAX - 1);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_fetch(&rec, 2ULL << 12),
			NVSVM_HW_RECOVER_DRAIN);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_recover_fetch(&rec, 1ULL << 12),
			NVSVM_HW_RECOVER_SERVE);
}

/* Resuming the channels of a batch's non-replayable faults */

#define SLOTS_MAX	6

struct slots_case {
	const char *name;
	struct { u64 inst; u16 engine; enum nvsvm_hw_slot_state in, out; } s[SLOTS_MAX];
	unsigned int n;
	unsigned int left;
};

#define CH_A	0x0000000123456200ULL	/* instances, aperture bits included */
#define CH_B	0x0000000000fff000ULL
#define CE0	0x0f			/* gv100's MMU engine IDs */
#define HOST0	0x20
#define SR	NVSVM_HW_SLOT_RESUME
#define SM	NVSVM_HW_SLOT_MERGED
#define SC	NVSVM_HW_SLOT_CANCELLED
#define SP	NVSVM_HW_SLOT_REPLAYABLE

static const struct slots_case slots_cases[] = {
	{ "empty-batch", {}, 0, 0 },
	{ "once-per-channel-and-engine", {
		{ CH_A, CE0, SR, SR }, { CH_A, CE0, SR, SM }, { CH_A, HOST0, SR, SR },
		{ CH_B, CE0, SR, SR }, { CH_A, CE0, SR, SM }, { CH_B, HOST0, SR, SR } }, 6, 4 },
	{ "cancelled-channel-not-resumed", {
		{ CH_A, CE0, SR, SM }, { CH_B, CE0, SR, SR }, { CH_A, HOST0, SC, SC },
		{ CH_A, HOST0, SR, SM } }, 4, 1 },
	{ "replayable-slots-untouched", {
		{ CH_A, 0, SP, SP }, { CH_A, CE0, SR, SR }, { CH_A, CE0, SP, SP } }, 3, 1 },
	{ "merged-slots-stay-merged", {
		{ CH_B, CE0, SM, SM }, { CH_B, CE0, SR, SR } }, 2, 1 },
};

#undef CH_A
#undef CH_B
#undef CE0
#undef HOST0
#undef SR
#undef SM
#undef SC
#undef SP

static void slots_case_desc(const struct slots_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(slots, slots_cases, slots_case_desc);

/* One resume per channel and engine, none for a channel being recovered. */
static void slots_resume(struct kunit *test)
{
	const struct slots_case *c = test->param_value;
	struct nvsvm_hw_slot slots[SLOTS_MAX] = {};
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		slots[i].hwinst = c->s[i].inst;
		slots[i].engine = c->s[i].engine;
		slots[i].state = c->s[i].in;
	}
	KUNIT_EXPECT_EQ(test, nvsvm_hw_slots_resume(slots, c->n), c->left);
	for (i = 0; i < c->n; i++)
		KUNIT_EXPECT_EQ_MSG(test, slots[i].state, c->s[i].out, "slot %u", i);
}

/*
 * A channel as nvkm's RESUME sees it: marked FAULTED only from try
 * @late on (never with ~0), or gone, or failing with @err.
 */
struct resume_model {
	unsigned int late;
	int err;
	unsigned int tries;
	bool resumed;
};

static int resume_try(void *arg)
{
	struct resume_model *m = arg;

	m->tries++;
	if (m->err)
		return m->err;
	if (m->tries <= m->late)
		return -EAGAIN;
	m->resumed = true;
	return 0;
}

/*
 * The FAULTED bit shows after the fault is in the buffer: a few tries
 * late, the channel is still resumed; never, it goes to recovery rather
 * than being left stalled.
 */
static void resume_late_faulted(struct kunit *test)
{
	struct resume_model m = { .late = 5 };

	KUNIT_EXPECT_EQ(test, nvsvm_hw_resume(resume_try, &m), 0);
	KUNIT_EXPECT_TRUE(test, m.resumed);
	KUNIT_EXPECT_EQ(test, m.tries, 6);

	m = (struct resume_model) { .late = NVSVM_HW_RESUME_TRIES - 1 };
	KUNIT_EXPECT_EQ(test, nvsvm_hw_resume(resume_try, &m), 0);
	KUNIT_EXPECT_TRUE(test, m.resumed);

	m = (struct resume_model) { .late = ~0U };
	KUNIT_EXPECT_EQ(test, nvsvm_hw_resume(resume_try, &m), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, m.resumed);
	KUNIT_EXPECT_EQ(test, m.tries, NVSVM_HW_RESUME_TRIES);
}

/*
 * A channel gone is nothing to resume, and no other error is tried
 * again; the first is left alone, the second recovered.
 */
static void resume_gone_or_failed(struct kunit *test)
{
	struct resume_model m = { .err = -ENOENT };
	struct nvsvm_hw_recover rec;

	nvsvm_hw_recover_init(&rec, true);
	KUNIT_EXPECT_EQ(test, nvsvm_hw_resume(resume_try, &m), -ENOENT);
	KUNIT_EXPECT_EQ(test, m.tries, 1);
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 1, -ENOENT));

	m = (struct resume_model) { .err = -EINVAL };
	KUNIT_EXPECT_EQ(test, nvsvm_hw_resume(resume_try, &m), -EINVAL);
	KUNIT_EXPECT_EQ(test, m.tries, 1);
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 1, -EINVAL));
}

/*
 * One burst of a copy engine's faults split over two batches: the first
 * batch's resume clears the channel's bit, and the second finds it clear
 * for good.  That channel runs and is left alone, once.  A channel never
 * resumed, resumed for another engine, resumed two batches ago, or
 * destroyed since, goes to recovery when its bit never shows.
 */
static void resume_split_burst(struct kunit *test)
{
	struct nvsvm_hw_recover rec;
	unsigned int i;

	nvsvm_hw_recover_init(&rec, true);
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 1, 0));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 15, 2, -EAGAIN));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x2000, 14, 2, -EAGAIN));
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 2, -EAGAIN));
	/* Once only: a second miss has no resume left to explain it. */
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 2, -EAGAIN));

	/* A resume two batches back explains nothing. */
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 3, 0));
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 5, -EAGAIN));

	/* Nor one of a channel destroyed since. */
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 6, 0));
	nvsvm_hw_recover_forget(&rec, 0x1000);
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x1000, 14, 6, -EAGAIN));

	/* The oldest resume is forgotten first. */
	KUNIT_EXPECT_FALSE(test, nvsvm_hw_recover_resume_end(&rec, 0x3000, 14, 7, 0));
	for (i = 0; i < NVSVM_HW_RESUMED_MAX; i++)
		nvsvm_hw_recover_resume_end(&rec, 0x10000 + i * 0x1000, 14, 7, 0);
	KUNIT_EXPECT_TRUE(test, nvsvm_hw_recover_resume_end(&rec, 0x3000, 14, 7, -EAGAIN));
}

static struct kunit_case nouveau_svm_hw_cases[] = {
	KUNIT_CASE_PARAM(fault_decode_access, fault_gen_params),
	KUNIT_CASE(fault_decode_fields),
	KUNIT_CASE(fault_decode_volta_phys_aperture),
	KUNIT_CASE(fault_decode_invalid),
	KUNIT_CASE(fault_token_round_trip),
	KUNIT_CASE(fault_ring_indices),
	KUNIT_CASE_PARAM(pfn_encode_entry, pfn_gen_params),
	KUNIT_CASE(pfnmap_sys_4k),
	KUNIT_CASE(pfnmap_vram_2m),
	KUNIT_CASE(pfnmap_mixed_orders),
	KUNIT_CASE(pfnmap_partial_large_entry),
	KUNIT_CASE(pfnmap_splits_at_max),
	KUNIT_CASE(pfnmap_rejects),
	KUNIT_CASE_PARAM(pt_spans, span_gen_params),
	KUNIT_CASE(span_clip),
	KUNIT_CASE(copy_method_headers),
	KUNIT_CASE(copy_to_vram_two_extents),
	KUNIT_CASE(copy_to_sys_large_entry),
	KUNIT_CASE(copy_clear_vram),
	KUNIT_CASE(copy_above_1tib),
	KUNIT_CASE(copy_rejects),
	KUNIT_CASE(dma_direct_iommu),
	KUNIT_CASE_PARAM(recover_script, recover_gen_params),
	KUNIT_CASE(recover_cancel_steps),
	KUNIT_CASE(recover_overflow),
	KUNIT_CASE_PARAM(slots_resume, slots_gen_params),
	KUNIT_CASE(resume_late_faulted),
	KUNIT_CASE(resume_gone_or_failed),
	KUNIT_CASE(resume_split_burst),
	{}
};

static struct kunit_suite nouveau_svm_hw_suite = {
	.name = "nouveau_svm_hw",
	.test_cases = nouveau_svm_hw_cases,
};

kunit_test_suite(nouveau_svm_hw_suite);
