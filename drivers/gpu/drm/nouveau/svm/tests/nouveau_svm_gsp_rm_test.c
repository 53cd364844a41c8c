// SPDX-License-Identifier: MIT
/*
 * KUnit tests for what nvkm sends GSP-RM firmware so that SVM can take
 * replayable and non-replayable faults there (nvkm/subdev/gsp/rm/r535/vmm.c
 * and the two ABIs' interrupt tables, r535/gsp.c and r570/gsp.c).
 *
 * The expected values are written out as numbers and byte offsets, read
 * by hand from NVIDIA's published headers of the two ABIs nvkm loads,
 * open-gpu-kernel-modules 535.113.01 and 570.144: nvos.h,
 * ctrl2080internal.h, ctrl2080gpu.h, containers/queue.h and
 * kernel/gpu/intr/engine_idx.h.  The payloads are
 * checked as bytes, not through nvkm's structures, so that a field of
 * nvkm's copy that moved or changed size would show.  Nothing here ran on
 * a GPU.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <rm/rm.h>

/* One ABI: its name and its GSP-RM interface. */
struct gsp_rm_abi {
	const char *name;
	const struct nvkm_rm_api_gsp *gsp;
};

static const struct gsp_rm_abi gsp_rm_r535 = { "r535", &r535_gsp };
static const struct gsp_rm_abi gsp_rm_r570 = { "r570", &r570_gsp };

/*
 * An entry of GSP-RM's kernel interrupt table, as an MC_ENGINE_IDX_* of
 * engine_idx.h, and what nvkm must make of it: its fault subdev for the
 * replayable fault buffer's vector, which SVM takes, and nothing of the
 * fault subdev's for the other fault vectors, which GSP-RM keeps.
 */
struct gsp_rm_intr_case {
	const struct gsp_rm_abi *abi;
	u32 idx;
	const char *what;
	bool fault;
};

static const struct gsp_rm_intr_case gsp_rm_intr_cases[] = {
	/* 535.113.01 */
	{ &gsp_rm_r535, 58, "REPLAYABLE_FAULT", true },
	{ &gsp_rm_r535, 57, "NVJPEG7", false },
	{ &gsp_rm_r535, 59, "ACCESS_CNTR", false },
	{ &gsp_rm_r535, 60, "NON_REPLAYABLE_FAULT", false },
	{ &gsp_rm_r535, 61, "REPLAYABLE_FAULT_ERROR", false },
	{ &gsp_rm_r535, 62, "NON_REPLAYABLE_FAULT_ERROR", false },
	{ &gsp_rm_r535, 63, "INFO_FAULT", false },
	{ &gsp_rm_r535, 164, "REPLAYABLE_FAULT_CPU", false },
	{ &gsp_rm_r535, 165, "NON_REPLAYABLE_FAULT_CPU", false },
	/* 570.144 */
	{ &gsp_rm_r570, 59, "REPLAYABLE_FAULT", true },
	{ &gsp_rm_r570, 58, "NVJPEG7", false },
	{ &gsp_rm_r570, 60, "ACCESS_CNTR", false },
	{ &gsp_rm_r570, 61, "NON_REPLAYABLE_FAULT", false },
	{ &gsp_rm_r570, 62, "REPLAYABLE_FAULT_ERROR", false },
	{ &gsp_rm_r570, 63, "NON_REPLAYABLE_FAULT_ERROR", false },
	{ &gsp_rm_r570, 64, "INFO_FAULT", false },
	{ &gsp_rm_r570, 166, "REPLAYABLE_FAULT_CPU", false },
	{ &gsp_rm_r570, 167, "NON_REPLAYABLE_FAULT_CPU", false },
};

static void gsp_rm_intr_desc(const struct gsp_rm_intr_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %u", c->abi->name, c->what,
		 c->idx);
}

KUNIT_ARRAY_PARAM(gsp_rm_intr, gsp_rm_intr_cases, gsp_rm_intr_desc);

/* The replayable fault vector, and only it, goes to the fault subdev. */
static void gsp_rm_intr_fault(struct kunit *test)
{
	const struct gsp_rm_intr_case *c = test->param_value;
	enum nvkm_subdev_type type = NVKM_SUBDEV_NR;
	int inst = -1;
	bool known;

	known = c->abi->gsp->xlat_mc_engine_idx(c->idx, &type, &inst);
	if (c->fault) {
		KUNIT_EXPECT_TRUE(test, known);
		KUNIT_EXPECT_EQ(test, type, NVKM_SUBDEV_FAULT);
		KUNIT_EXPECT_EQ(test, inst, 0);
	} else {
		KUNIT_EXPECT_FALSE(test, known && type == NVKM_SUBDEV_FAULT);
	}
}

/*
 * The index just below the fault buffer's is NVJPEG7's in both ABIs (57 in
 * 535.113.01, 58 in 570.144): the table of one ABI read with the other's
 * numbers would give a JPEG engine's interrupt to the fault subdev, or
 * the fault buffer's to a JPEG engine.
 */
static const struct gsp_rm_intr_case gsp_rm_jpeg_cases[] = {
	{ &gsp_rm_r535, 57, "NVJPEG7" },
	{ &gsp_rm_r570, 58, "NVJPEG7" },
};

KUNIT_ARRAY_PARAM(gsp_rm_jpeg, gsp_rm_jpeg_cases, gsp_rm_intr_desc);

static void gsp_rm_intr_jpeg(struct kunit *test)
{
	const struct gsp_rm_intr_case *c = test->param_value;
	enum nvkm_subdev_type type = NVKM_SUBDEV_NR;
	int inst = -1;

	KUNIT_ASSERT_TRUE(test, c->abi->gsp->xlat_mc_engine_idx(c->idx, &type, &inst));
	KUNIT_EXPECT_EQ(test, type, NVKM_ENGINE_NVJPG);
	KUNIT_EXPECT_EQ(test, inst, 7);
}

/*
 * NV_VASPACE_ALLOCATION_PARAMETERS' flags (nvos.h, the same in both
 * ABIs): IS_EXTERNALLY_OWNED BIT(3), ENABLE_PAGE_FAULTING BIT(6); RM
 * refuses the second without the first.
 */
static void gsp_rm_vaspace_flags(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, r535_mmu_vaspace_flags(false, false), 0x00);
	KUNIT_EXPECT_EQ(test, r535_mmu_vaspace_flags(false, true), 0x00);
	KUNIT_EXPECT_EQ(test, r535_mmu_vaspace_flags(true, false), 0x08);
	KUNIT_EXPECT_EQ(test, r535_mmu_vaspace_flags(true, true), 0x48);
}

/*
 * NV2080_CTRL_INTERNAL_GMMU_GET_STATIC_INFO_PARAMS (0x20800a59), four
 * NvU32 in both ABIs: replayableFaultBufferSize at byte 0, then the
 * replayable shadow buffer's metadata size, nonReplayableFaultBufferSize
 * and its metadata size.
 */
struct gsp_rm_size_case {
	u32 size;
	int expect;
};

static const struct gsp_rm_size_case gsp_rm_size_cases[] = {
	{ 0, -ERANGE },
	{ 32, 32 },
	{ 48, -ERANGE },
	{ 4096 + 32, 4096 + 32 },
	/* REGISTER_FAULT_BUFFER's 256 pages: 1 MiB, or 32768 entries. */
	{ SZ_1M, SZ_1M },
	{ SZ_1M + 32, -ERANGE },
	{ U32_MAX - 31, -ERANGE },
};

static void gsp_rm_size_desc(const struct gsp_rm_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes", c->size);
}

KUNIT_ARRAY_PARAM(gsp_rm_size, gsp_rm_size_cases, gsp_rm_size_desc);

static void gsp_rm_static_info(struct kunit *test)
{
	const struct gsp_rm_size_case *c = test->param_value;
	u32 info[4] = {
		c->size,
		/* Sizes the replayable buffer must not be taken from. */
		0, SZ_64K, 0x200,
	};

	KUNIT_EXPECT_EQ(test, r535_fault_buffer_size((void *)info, 32), c->expect);
}

/*
 * A replayable buffer with metadata (Hopper's confidential computing,
 * where the GPU writes the buffer encrypted) is not taken.
 */
static void gsp_rm_static_info_metadata(struct kunit *test)
{
	u32 info[4] = { 32, 0x100, SZ_64K, 0 };

	KUNIT_EXPECT_EQ(test, r535_fault_buffer_size((void *)info, 32), -ERANGE);
}

/*
 * NV2080_CTRL_INTERNAL_GMMU_REGISTER_FAULT_BUFFER_PARAMS (0x20800a9b),
 * the same in both ABIs: hClient at byte 0, hObject at 4,
 * faultBufferSize at 8, then faultBufferPteArray, 256 NvU64 aligned to 8,
 * at 16; 2064 bytes in all.
 */
#define REGISTER_SIZE		2064
#define REGISTER_GUARD		64

static u32 rd32(const u8 *p, unsigned int off)
{
	u32 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static u64 rd64(const u8 *p, unsigned int off)
{
	u64 v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

struct gsp_rm_register_case {
	u32 size;
	u32 sent;
	u32 pages;
};

static const struct gsp_rm_register_case gsp_rm_register_cases[] = {
	{ 32, 32, 1 },
	{ 4096, 4096, 1 },
	{ 4096 + 32, 4096 + 32, 2 },
	/* The most REGISTER_FAULT_BUFFER takes... */
	{ SZ_1M, SZ_1M, 256 },
	/* ...to which a larger buffer is cut, its size with its pages. */
	{ SZ_1M + SZ_4K, SZ_1M, 256 },
	{ U32_MAX, SZ_1M, 256 },
};

static void gsp_rm_register_desc(const struct gsp_rm_register_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes", c->size);
}

KUNIT_ARRAY_PARAM(gsp_rm_register, gsp_rm_register_cases, gsp_rm_register_desc);

static void gsp_rm_register_fault_buffer(struct kunit *test)
{
	const struct gsp_rm_register_case *c = test->param_value;
	const u64 addr = 0x0000001234560000ULL;
	const u32 client = 0xc1d00042;
	unsigned int i;
	u8 *buf;

	buf = kunit_kzalloc(test, REGISTER_SIZE + REGISTER_GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	r535_fault_buffer_register_args((void *)buf, client, addr, c->size);

	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 0), client, "hClient");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 4), 0, "hObject");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 8), c->sent, "faultBufferSize");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 12), 0, "padding");
	for (i = 0; i < 256; i++) {
		u64 expect = i < c->pages ? addr + (u64)i * SZ_4K : 0;

		KUNIT_EXPECT_EQ_MSG(test, rd64(buf, 16 + 8 * i), expect,
				    "faultBufferPteArray[%u]", i);
	}
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf + REGISTER_SIZE, 0, REGISTER_GUARD),
			      "written past the control's %u bytes", REGISTER_SIZE);
}

/*
 * The non-replayable queue's size, from the same GET_STATIC_INFO reply:
 * nonReplayableFaultBufferSize at byte 8 and its metadata size at 12.
 * The queue holds one entry less than its capacity, and a queue with
 * metadata is confidential computing's, which is no RM circular queue.
 */
struct gsp_rm_queue_size_case {
	u32 size;
	u32 metadata;
	int expect;
};

static const struct gsp_rm_queue_size_case gsp_rm_queue_size_cases[] = {
	{ 0, 0, -ERANGE },
	{ 32, 0, -ERANGE },
	{ 64, 0, 64 },
	{ 80, 0, -ERANGE },
	{ SZ_64K, 0, SZ_64K },
	{ SZ_64K, 32, -ERANGE },
	/* REGISTER_CLIENT_SHADOW_FAULT_BUFFER's 3000 pages. */
	{ 3000 * SZ_4K, 0, 3000 * SZ_4K },
	{ 3000 * SZ_4K + 32, 0, -ERANGE },
	{ U32_MAX - 31, 0, -ERANGE },
};

static void gsp_rm_queue_size_desc(const struct gsp_rm_queue_size_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes, %u of metadata", c->size,
		 c->metadata);
}

KUNIT_ARRAY_PARAM(gsp_rm_queue_size, gsp_rm_queue_size_cases, gsp_rm_queue_size_desc);

static void gsp_rm_queue_static_info(struct kunit *test)
{
	const struct gsp_rm_queue_size_case *c = test->param_value;
	u32 info[4] = {
		/* The replayable buffer's, which the queue must not take. */
		SZ_64K, 0,
		c->size, c->metadata,
	};

	KUNIT_EXPECT_EQ(test, r535_fault_queue_size((void *)info, 32), c->expect);
}

/*
 * The queue's header, struct Queue of RM's containers/queue.h as
 * circularQueueInitNonManaged_IMPL() leaves it: capacity (NvLength) at
 * byte 0, pAllocator at 8 and pData at 16 NULL, msgSize at 24, getIdx at
 * 64 and putIdx at 128 (each NV_ALIGN_BYTES(64)) 0; the rest of its page
 * zero.
 */
#define QUEUE_PAGE		4096

static void gsp_rm_queue_header(struct kunit *test)
{
	static const struct {
		unsigned int off;
		u64 expect;
		const char *what;
	} fields[] = {
		{ 0, 2048, "capacity" },
		{ 8, 0, "pAllocator" },
		{ 16, 0, "pData" },
		{ 24, 32, "msgSize" },
		{ 64, 0, "getIdx" },
		{ 128, 0, "putIdx" },
	};
	unsigned int i;
	u8 *buf;

	buf = kunit_kmalloc(test, QUEUE_PAGE + REGISTER_GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xa5, QUEUE_PAGE + REGISTER_GUARD);

	r535_fault_queue_header(buf, 2048, 32);

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		KUNIT_EXPECT_EQ_MSG(test, rd64(buf, fields[i].off), fields[i].expect,
				    "%s", fields[i].what);
		memset(buf + fields[i].off, 0, 8);
	}
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf, 0, QUEUE_PAGE),
			      "the header page is not zero outside its fields");
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf + QUEUE_PAGE, 0xa5, REGISTER_GUARD),
			      "written past the header's page");
}

/*
 * NV2080_CTRL_INTERNAL_GMMU_REGISTER_CLIENT_SHADOW_FAULT_BUFFER_PARAMS
 * (0x20800a9d), the same in both ABIs: shadowFaultBufferQueuePhysAddr at
 * byte 0, shadowFaultBufferSize at 8, shadowFaultBufferMetadataSize at
 * 12, shadowFaultBufferPteArray, 3000 NvU64, at 16,
 * shadowFaultBufferType at 24016 (NV2080_CTRL_FAULT_BUFFER_NON_REPLAYABLE
 * is 0), faultBufferSharedMemoryPhysAddr, aligned to 8, at 24024; 24032
 * bytes in all.
 */
#define SHADOW_SIZE		24032
#define SHADOW_PAGES		3000
#define SHADOW_TYPE		24016
#define SHADOW_SHARED		24024

static const struct gsp_rm_register_case gsp_rm_register_queue_cases[] = {
	{ 64, 64, 1 },
	{ 4096 + 32, 4096 + 32, 2 },
	{ SZ_64K, SZ_64K, 16 },
	{ SHADOW_PAGES * SZ_4K, SHADOW_PAGES * SZ_4K, SHADOW_PAGES },
	{ U32_MAX, SHADOW_PAGES * SZ_4K, SHADOW_PAGES },
};

KUNIT_ARRAY_PARAM(gsp_rm_register_queue, gsp_rm_register_queue_cases,
		  gsp_rm_register_desc);

static void gsp_rm_register_queue(struct kunit *test)
{
	const struct gsp_rm_register_case *c = test->param_value;
	const u64 hdr = 0x0000004321000000ULL;
	const u64 data = 0x0000001234560000ULL;
	unsigned int i;
	u8 *buf;

	buf = kunit_kzalloc(test, SHADOW_SIZE + REGISTER_GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Set by the encoder, not left as the zeroed control has it. */
	memset(buf + SHADOW_TYPE, 0xff, 4);

	r535_fault_queue_register_args((void *)buf, hdr, data, c->size);

	KUNIT_EXPECT_EQ_MSG(test, rd64(buf, 0), hdr, "shadowFaultBufferQueuePhysAddr");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 8), c->sent, "shadowFaultBufferSize");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 12), 0, "shadowFaultBufferMetadataSize");
	for (i = 0; i < SHADOW_PAGES; i++) {
		u64 expect = i < c->pages ? data + (u64)i * SZ_4K : 0;

		KUNIT_EXPECT_EQ_MSG(test, rd64(buf, 16 + 8 * i), expect,
				    "shadowFaultBufferPteArray[%u]", i);
	}
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, SHADOW_TYPE), 0, "shadowFaultBufferType");
	KUNIT_EXPECT_EQ_MSG(test, rd32(buf, SHADOW_TYPE + 4), 0, "padding");
	KUNIT_EXPECT_EQ_MSG(test, rd64(buf, SHADOW_SHARED), 0,
			    "faultBufferSharedMemoryPhysAddr");
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf + SHADOW_SIZE, 0, REGISTER_GUARD),
			      "written past the control's %u bytes", SHADOW_SIZE);
}

/*
 * NV2080_CTRL_GPU_REPORT_NON_REPLAYABLE_FAULT_PARAMS (0x20800177,
 * ctrl2080gpu.h, the same in both ABIs): the 32-byte fault packet as the
 * GPU wrote it, and nothing else.
 */
#define REPORT_SIZE		32

static void gsp_rm_report_fault(struct kunit *test)
{
	static const u32 entry[8] = {
		0x89abc000, 0x00000012, 0x00345000, 0x00000001,
		0x76543210, 0x0000fedc, 0x1f000a02, 0x80000031,
	};
	unsigned int i;
	u8 *buf;

	buf = kunit_kzalloc(test, REPORT_SIZE + REGISTER_GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	r535_fault_report_args((void *)buf, entry);

	for (i = 0; i < ARRAY_SIZE(entry); i++)
		KUNIT_EXPECT_EQ_MSG(test, rd32(buf, 4 * i), entry[i], "packet word %u", i);
	KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf + REPORT_SIZE, 0, REGISTER_GUARD),
			      "written past the control's %u bytes", REPORT_SIZE);
}

static struct kunit_case nouveau_svm_gsp_rm_cases[] = {
	KUNIT_CASE_PARAM(gsp_rm_intr_fault, gsp_rm_intr_gen_params),
	KUNIT_CASE_PARAM(gsp_rm_intr_jpeg, gsp_rm_jpeg_gen_params),
	KUNIT_CASE(gsp_rm_vaspace_flags),
	KUNIT_CASE_PARAM(gsp_rm_static_info, gsp_rm_size_gen_params),
	KUNIT_CASE(gsp_rm_static_info_metadata),
	KUNIT_CASE_PARAM(gsp_rm_register_fault_buffer, gsp_rm_register_gen_params),
	KUNIT_CASE_PARAM(gsp_rm_queue_static_info, gsp_rm_queue_size_gen_params),
	KUNIT_CASE(gsp_rm_queue_header),
	KUNIT_CASE_PARAM(gsp_rm_register_queue, gsp_rm_register_queue_gen_params),
	KUNIT_CASE(gsp_rm_report_fault),
	{}
};

static struct kunit_suite nouveau_svm_gsp_rm_suite = {
	.name = "nouveau_svm_gsp_rm",
	.test_cases = nouveau_svm_gsp_rm_cases,
};

kunit_test_suite(nouveau_svm_gsp_rm_suite);
