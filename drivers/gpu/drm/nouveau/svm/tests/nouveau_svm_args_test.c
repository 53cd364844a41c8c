// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the nouveau SVM ioctl argument checks and range math.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <drm/nouveau_drm.h>

#include "../nouveau_svm_args.h"

#define LIMIT	BIT_ULL(47)
#define MIGRATE	((u64)NOUVEAU_SVM_BIND_COMMAND__MIGRATE << NOUVEAU_SVM_BIND_COMMAND_SHIFT)
#define VRAM	((u64)NOUVEAU_SVM_BIND_TARGET__GPU_VRAM << NOUVEAU_SVM_BIND_TARGET_SHIFT)
#define ADVISE	((u64)NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC << NOUVEAU_SVM_BIND_COMMAND_SHIFT)
#define POLICY(p) ((u64)(p) << NOUVEAU_SVM_BIND_TARGET_SHIFT)

struct bind_case {
	const char *name;
	struct drm_nouveau_svm_bind args;
	int ret;
	u64 start, end;
};

static const struct nouveau_svm_window unmanaged = { SZ_1G, 2ULL * SZ_1G };

static const struct bind_case bind_cases[] = {
	{ "vram-aligned", { .header = MIGRATE | VRAM, .va_start = SZ_2M,
	  .va_end = SZ_4M }, 0, SZ_2M, SZ_4M },
	{ "host-target-zero", { .header = MIGRATE, .va_start = SZ_2M,
	  .va_end = SZ_4M }, 0, SZ_2M, SZ_4M },
	{ "unaligned-rounds-out", { .header = MIGRATE | VRAM, .va_start = 0x1800,
	  .va_end = 0x2800, .npages = 1 }, 0, ALIGN_DOWN(0x1800, PAGE_SIZE),
	  ALIGN(0x2800, PAGE_SIZE) },
	{ "npages-as-mesa", { .header = MIGRATE | VRAM, .va_start = 0x1800,
	  .va_end = 0x2800, .npages = 2 }, 0, ALIGN_DOWN(0x1800, PAGE_SIZE),
	  ALIGN(0x2800, PAGE_SIZE) },
	{ "priority-accepted", { .header = MIGRATE | VRAM |
	  (7ULL << NOUVEAU_SVM_BIND_PRIORITY_SHIFT), .va_start = 0,
	  .va_end = 0x1000 }, 0, 0, 0x1000 },
	{ "npages-too-big", { .header = MIGRATE | VRAM, .va_start = 0x1000,
	  .va_end = 0x2000, .npages = PAGE_SIZE / SZ_4K + 1 }, -EINVAL },
	/*
	 * Mesa's nvc0_svm_migrate(): npages = DIV_ROUND_UP(size, 0x1000) of
	 * an unaligned pointer and size.  With 64 KiB pages the range rounds
	 * out to one page, which holds 16 of Mesa's pages.
	 */
	{ "npages-mesa-4k-units", { .header = MIGRATE | VRAM, .va_start = 0x1800,
	  .va_end = 0x1800 + 0x1001, .npages = 2 }, 0,
	  ALIGN_DOWN(0x1800, PAGE_SIZE), ALIGN(0x1800 + 0x1001, PAGE_SIZE) },
	{ "npages-whole-page-in-4k-units", { .header = MIGRATE | VRAM,
	  .va_start = 0, .va_end = PAGE_SIZE, .npages = PAGE_SIZE / SZ_4K }, 0,
	  0, PAGE_SIZE },
	{ "reserved0", { .header = MIGRATE, .va_end = 0x1000, .reserved0 = 1 }, -EINVAL },
	{ "reserved1", { .header = MIGRATE, .va_end = 0x1000, .reserved1 = 1 }, -EINVAL },
	{ "header-high-bits", { .header = MIGRATE | (1ULL << 48), .va_end = 0x1000 },
	  -EINVAL },
	{ "unknown-command", { .header = 5, .va_end = 0x1000 }, -EINVAL },
	{ "advise-exclusive", { .header = ADVISE | POLICY(NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE),
	  .va_start = SZ_2M, .va_end = SZ_4M }, 0, SZ_2M, SZ_4M },
	{ "advise-refuse", { .header = ADVISE | POLICY(NOUVEAU_SVM_ATOMIC__REFUSE),
	  .va_start = SZ_2M, .va_end = SZ_4M }, 0, SZ_2M, SZ_4M },
	{ "advise-policy-0", { .header = ADVISE, .va_end = 0x1000 }, -EINVAL },
	{ "advise-policy-unknown", { .header = ADVISE | POLICY(4), .va_end = 0x1000 },
	  -EINVAL },
	{ "advise-vram-target", { .header = ADVISE | VRAM, .va_end = 0x1000 }, -EINVAL },
	{ "advise-overlaps-unmanaged", { .header = ADVISE |
	  POLICY(NOUVEAU_SVM_ATOMIC__REFUSE), .va_start = SZ_1G, .va_end = SZ_1G + 1 },
	  -EINVAL },
	{ "migrate-policy-as-target", { .header = MIGRATE |
	  POLICY(NOUVEAU_SVM_ATOMIC__REFUSE), .va_end = 0x1000 }, -EINVAL },
	{ "unknown-target", { .header = MIGRATE | (1ULL << 16), .va_end = 0x1000 },
	  -EINVAL },
	{ "stride", { .header = MIGRATE, .va_end = 0x1000, .stride = 4096 }, -EINVAL },
	{ "empty", { .header = MIGRATE, .va_start = 0x1000, .va_end = 0x1000 }, -EINVAL },
	{ "reversed", { .header = MIGRATE, .va_start = 0x3000, .va_end = 0x1000 },
	  -EINVAL },
	{ "end-wraps", { .header = MIGRATE, .va_start = 0x1000, .va_end = U64_MAX },
	  -EOVERFLOW },
	{ "above-user-limit", { .header = MIGRATE, .va_start = LIMIT - 0x1000,
	  .va_end = LIMIT + 0x1000 }, -EFAULT },
	{ "ends-at-user-limit", { .header = MIGRATE, .va_start = LIMIT - 0x1000,
	  .va_end = LIMIT }, 0, LIMIT - 0x1000, LIMIT },
	{ "overlaps-unmanaged-head", { .header = MIGRATE, .va_start = SZ_1G - 0x1000,
	  .va_end = SZ_1G + 1 }, -EINVAL },
	{ "inside-unmanaged", { .header = MIGRATE, .va_start = SZ_1G + SZ_2M,
	  .va_end = SZ_1G + SZ_4M }, -EINVAL },
	{ "touches-unmanaged-end", { .header = MIGRATE, .va_start = 2ULL * SZ_1G,
	  .va_end = 2ULL * SZ_1G + 0x1000 }, 0, 2ULL * SZ_1G, 2ULL * SZ_1G + 0x1000 },
};

static void bind_case_desc(const struct bind_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bind, bind_cases, bind_case_desc);

static void bind_args_check(struct kunit *test)
{
	const struct bind_case *c = test->param_value;
	struct nouveau_svm_bind_req req = {};
	int ret;

	ret = nouveau_svm_bind_args(&c->args, LIMIT, &unmanaged, &req);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, req.range.start, c->start);
	KUNIT_EXPECT_EQ(test, req.range.end, c->end);
	KUNIT_EXPECT_EQ(test, req.command,
			(c->args.header >> NOUVEAU_SVM_BIND_COMMAND_SHIFT) &
			NOUVEAU_SVM_BIND_COMMAND_MASK);
}

/*
 * Mesa's nvc0_svm_migrate() on kernels of every page size: npages =
 * DIV_ROUND_UP(size, 0x1000) of an unaligned malloc() pointer and size,
 * checked with the page size as a parameter, so that a bound in pages
 * fails here on x86 too.  @npages 0 stands for Mesa's count.
 */
struct range_case {
	const char *name;
	u64 page_size;
	u64 ptr, size, npages;
	int ret;
	u64 start, end;
};

static const struct range_case range_cases[] = {
	{ "mesa-16k-inside-a-page", SZ_16K, 0x100010, 0x2005, 0, 0,
	  0x100000, 0x104000 },
	{ "mesa-16k-across-pages", SZ_16K, 0x103010, 0x5000, 0, 0,
	  0x100000, 0x10c000 },
	{ "mesa-64k-inside-a-page", SZ_64K, 0x100010, 0x3005, 0, 0,
	  0x100000, 0x110000 },
	{ "mesa-64k-whole-page", SZ_64K, 0x100000, SZ_64K, 0, 0,
	  0x100000, 0x110000 },
	{ "mesa-64k-across-pages", SZ_64K, 0x10f000, 0x2001, 0, 0,
	  0x100000, 0x120000 },
	{ "mesa-4k", SZ_4K, 0x100010, 0x2005, 0, 0, 0x100000, 0x103000 },
	{ "npages-past-64k-page", SZ_64K, 0x100000, 1, 17, -EINVAL },
	{ "npages-past-16k-pages", SZ_16K, 0x100000, 0x4001, 9, -EINVAL },
	{ "end-wraps-64k", SZ_64K, 0, U64_MAX - SZ_4K, 1, -EOVERFLOW },
	{ "empty-64k", SZ_64K, 0x110000, 0, 1, -EINVAL },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_case_desc);

static void bind_range_check(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct drm_nouveau_svm_bind args = {
		.header = MIGRATE | VRAM,
		.va_start = c->ptr,
		.va_end = c->ptr + c->size,
		.npages = c->npages ?: DIV_ROUND_UP(c->size, 0x1000),
	};
	struct nouveau_svm_window range = {};
	int ret;

	ret = nouveau_svm_bind_range(&args, c->page_size, &range);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, range.start, c->start);
	KUNIT_EXPECT_EQ(test, range.end, c->end);
}

struct init_case {
	const char *name;
	struct drm_nouveau_svm_init args;
	int ret;
};

static const struct init_case init_cases[] = {
	{ "window", { SZ_1G, SZ_1G }, 0 },
	{ "no-window", { 0, 0 }, 0 },
	{ "empty-window-anywhere", { SZ_1G, 0 }, 0 },
	{ "window-at-limit", { LIMIT - SZ_1G, SZ_1G }, 0 },
	{ "addr-unaligned", { SZ_1G + 8, SZ_1G }, -EINVAL },
	{ "size-unaligned", { SZ_1G, SZ_1G + 8 }, -EINVAL },
	{ "wraps", { U64_MAX - 0xfff, 0x2000 }, -EOVERFLOW },
	{ "above-limit", { LIMIT, 0x1000 }, -EFAULT },
};

static void init_case_desc(const struct init_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(init, init_cases, init_case_desc);

static void init_args_check(struct kunit *test)
{
	const struct init_case *c = test->param_value;
	struct nouveau_svm_window w = {};

	KUNIT_ASSERT_EQ(test, nouveau_svm_init_args(&c->args, LIMIT, &w), c->ret);
	if (c->ret)
		return;
	if (!c->args.unmanaged_size) {
		KUNIT_EXPECT_EQ(test, w.start, 0);
		KUNIT_EXPECT_EQ(test, w.end, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, w.start, c->args.unmanaged_addr);
	KUNIT_EXPECT_EQ(test, w.end, c->args.unmanaged_addr + c->args.unmanaged_size);
}

static void piece_size_splits(struct kunit *test)
{
	/* Aligned with room: a whole 2 MiB block. */
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_2M, 2 * SZ_2M), (u64)SZ_2M);
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(0, SZ_1G), (u64)SZ_2M);
	/* The alignment of the start bounds it... */
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_64K, SZ_2M), (u64)SZ_64K);
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_4K, SZ_2M), (u64)SZ_4K);
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_2M + SZ_8K, 2 * SZ_2M), (u64)SZ_8K);
	/* ...and so does the room left. */
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_2M, SZ_2M + 3 * SZ_4K), (u64)SZ_8K);
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(0, SZ_4K), (u64)SZ_4K);
	KUNIT_EXPECT_EQ(test, nouveau_svm_piece_size(SZ_1M, SZ_2M + SZ_1M), (u64)SZ_1M);
}

static void piece_size_covers_range(struct kunit *test)
{
	u64 start = SZ_2M - 5 * SZ_4K, end = 3 * SZ_2M + 7 * SZ_4K, addr, size;
	unsigned int pieces = 0;

	/* Consecutive pieces tile the range exactly, each aligned. */
	for (addr = start; addr < end; addr += size, pieces++) {
		size = nouveau_svm_piece_size(addr, end);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED(addr, size));
		KUNIT_EXPECT_LE(test, addr + size, end);
	}
	KUNIT_EXPECT_EQ(test, addr, end);
	/* 4K + 16K, two 2 MiB blocks, 16K + 8K + 4K. */
	KUNIT_EXPECT_EQ(test, pieces, 7);
}

static struct kunit_case nouveau_svm_args_cases[] = {
	KUNIT_CASE(piece_size_splits),
	KUNIT_CASE(piece_size_covers_range),
	KUNIT_CASE_PARAM(bind_args_check, bind_gen_params),
	KUNIT_CASE_PARAM(bind_range_check, range_gen_params),
	KUNIT_CASE_PARAM(init_args_check, init_gen_params),
	{}
};

static struct kunit_suite nouveau_svm_args_suite = {
	.name = "nouveau_svm_args",
	.test_cases = nouveau_svm_args_cases,
};

kunit_test_suite(nouveau_svm_args_suite);
