// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: the copy-engine method stream of one
 * migration launch (a copy between VRAM and system pages, or a clear of
 * VRAM), written into a caller's buffer.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: Copy-engine streams
 *
 * The core's copy op moves a run of pages that is contiguous in VRAM
 * between VRAM and a list of system pages.  The copy engine copies
 * rectangles: one LAUNCH_DMA copies LINE_COUNT lines of LINE_LENGTH_IN
 * bytes from a contiguous source to a contiguous destination.  So the
 * stream sets both sides to physical addressing once (LOCAL_FB for VRAM,
 * COHERENT_SYSMEM for system memory), then issues one launch per extent of
 * physically contiguous system pages, each a rectangle of 4 KiB lines, the
 * VRAM side advancing by the extent's size.  Entries of the system list
 * that continue each other are merged into one extent.
 *
 * Every launch is NON_PIPELINED with FLUSH_ENABLE, as nouveau's own
 * migrations do: a launch starts once the previous one finished and its
 * writes are visible.  When the caller gives a semaphore, only the last
 * launch releases it, so it signals the whole stream.  Without one the
 * caller fences the channel after the stream.
 *
 * A clear (no system list) fills VRAM with zeroes through the remap unit:
 * two constant 4-byte components, so a line of npages * 4096 / 8 elements.
 *
 * The methods are those of KEPLER_DMA_COPY_A's cla0b5.h, which every class
 * from PASCAL_DMA_COPY_A to BLACKWELL_DMA_COPY_A keeps at the same offsets.
 * Those classes widen the upper halves of the addresses (OFFSET_*_UPPER,
 * SET_SEMAPHORE_A) to 17 bits, HOPPER_DMA_COPY_A and BLACKWELL_DMA_COPY_A
 * to 25: the stream uses the 17 bits all have, so addresses reach
 * 512 TiB, past the DMA mask nouveau sets up to Ampere.
 */

/**
 * DOC: Locking
 *
 * None: the functions only read their arguments and write the buffer the
 * caller passes.
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/wordpart.h>

#include "../../include/nvif/class.h"
#include "../../include/nvhw/class/cla0b5.h"
#include "nvsvm_hw.h"

/* Dwords of the pieces of a stream. */
#define NVSVM_HW_COPY_PHYS_DW	2	/* two immediate PHYS_MODE methods */
#define NVSVM_HW_COPY_LAUNCH_DW	11	/* 8 offsets and sizes, LAUNCH_DMA */
#define NVSVM_HW_CLEAR_DW	12	/* PHYS_MODE, remap, offset, length, launch */
#define NVSVM_HW_SEM_DW		4	/* SET_SEMAPHORE_A, _B, _PAYLOAD */

/* Most pages one launch may cover: a clear's line length is 32 bits. */
#define NVSVM_HW_COPY_MAX_PAGES	(U32_MAX / (SZ_4K / 8))

/* Method @mthd with data @data (13 bits) inside the header. */
static void nvsvm_hw_push_immd(struct nvsvm_hw_push *p, u32 mthd, u32 data)
{
	p->buf[p->n++] = NVVAL(NV906F, DMA, METHOD_ADDRESS, mthd >> 2) |
			 NVVAL(NV906F, DMA, METHOD_SUBCHANNEL, p->subc) |
			 NVVAL(NV906F, DMA, IMMD_DATA, data) |
			 NVDEF(NV906F, DMA, SEC_OP, IMMD_DATA_METHOD);
}

/*
 * The pages of the system extent that starts at page @i of @sys: entries
 * whose DMA addresses continue each other, up to @npages pages.
 */
static unsigned long nvsvm_hw_copy_extent(const struct drm_pagemap_addr *sys,
					  unsigned long i, unsigned long npages)
{
	u64 next = sys[i].addr;
	unsigned long n = 0;

	while (i + n < npages && sys[i + n].addr == next) {
		unsigned long e = min(1UL << sys[i + n].order, npages - i - n);

		next += (u64)e * SZ_4K;
		n += e;
	}
	return n;
}

/* Whether @addr .. @addr + @size fits the 49 bits of OFFSET_*. */
static bool nvsvm_hw_copy_addr_ok(u64 addr, u64 size)
{
	const u64 limit = ((u64)NVSVM_HW_C0B5_UPPER + 1) << 32;

	return addr < limit && size <= limit - addr;
}

/**
 * nvsvm_hw_copy_class_supported() - whether the stream suits a copy class
 * @oclass: the copy engine's class
 *
 * Context: Any context.
 * Return: true for PASCAL_DMA_COPY_A/B, VOLTA_DMA_COPY_A, TURING_DMA_COPY_A,
 * AMPERE_DMA_COPY_A/B, HOPPER_DMA_COPY_A and BLACKWELL_DMA_COPY_A (not
 * BLACKWELL_DMA_COPY_B, whose published clcab5.h has none of the methods).
 */
bool nvsvm_hw_copy_class_supported(u32 oclass)
{
	switch (oclass) {
	case PASCAL_DMA_COPY_A:
	case PASCAL_DMA_COPY_B:
	case VOLTA_DMA_COPY_A:
	case TURING_DMA_COPY_A:
	case AMPERE_DMA_COPY_A:
	case AMPERE_DMA_COPY_B:
	case HOPPER_DMA_COPY_A:
	case BLACKWELL_DMA_COPY_A:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_copy_class_supported);

/**
 * nvsvm_hw_copy_size() - dwords of the stream nvsvm_hw_copy_encode() writes
 * @sys: the system pages, one entry per page as the core's copy op has
 *	them (an entry of order k covers 1 << k pages, the next (1 << k) - 1
 *	are ignored), or NULL for a clear
 * @npages: number of 4 KiB pages
 * @sem: whether the stream releases a semaphore
 *
 * Context: Any context.
 * Return: the number of dwords, or -EINVAL when @npages is 0 or more than
 * one launch may cover, or an entry of @sys is not system memory or has an
 * order of 64 or more.
 */
int nvsvm_hw_copy_size(const struct drm_pagemap_addr *sys,
		       unsigned long npages, bool sem)
{
	unsigned long i, extents = 0;
	int extra = sem ? NVSVM_HW_SEM_DW : 0;

	if (!npages || npages > NVSVM_HW_COPY_MAX_PAGES)
		return -EINVAL;
	if (!sys)
		return NVSVM_HW_CLEAR_DW + extra;

	for (i = 0; i < npages; i += 1UL << sys[i].order)
		if (sys[i].proto != DRM_INTERCONNECT_SYSTEM ||
		    sys[i].order >= BITS_PER_LONG - 1)
			return -EINVAL;
	for (i = 0; i < npages; i += nvsvm_hw_copy_extent(sys, i, npages))
		extents++;
	if (extents > (INT_MAX - NVSVM_HW_COPY_PHYS_DW - extra) /
		      NVSVM_HW_COPY_LAUNCH_DW)
		return -EINVAL;
	return NVSVM_HW_COPY_PHYS_DW + extents * NVSVM_HW_COPY_LAUNCH_DW + extra;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_copy_size);

/* SET_SEMAPHORE_A, _B, _PAYLOAD for @sem. */
static void nvsvm_hw_push_sem(struct nvsvm_hw_push *p,
			      const struct nvsvm_hw_copy_sem *sem)
{
	nvsvm_hw_push_incr(p, NVSVM_HW_C0B5_SET_SEMAPHORE_A, 3);
	nvsvm_hw_push_data(p, FIELD_PREP(NVSVM_HW_C0B5_UPPER,
					 upper_32_bits(sem->addr)));
	nvsvm_hw_push_data(p, lower_32_bits(sem->addr));
	nvsvm_hw_push_data(p, sem->payload);
}

/*
 * LAUNCH_DMA, releasing @sem if there is one.  Bit 11, cla0b5.h's
 * BYPASS_L2, is FORCE_RMWDISABLE from clc0b5.h on and COMPRESSION_ENABLE
 * in clc9b5.h: it stays 0.
 */
static void nvsvm_hw_push_launch(struct nvsvm_hw_push *p, u32 launch,
				 const struct nvsvm_hw_copy_sem *sem)
{
	if (sem) {
		nvsvm_hw_push_sem(p, sem);
		launch |= NVDEF(NVA0B5, LAUNCH_DMA, SEMAPHORE_TYPE,
				RELEASE_ONE_WORD_SEMAPHORE);
	} else {
		launch |= NVDEF(NVA0B5, LAUNCH_DMA, SEMAPHORE_TYPE, NONE);
	}
	nvsvm_hw_push_incr(p, NVA0B5_LAUNCH_DMA, 1);
	nvsvm_hw_push_data(p, launch |
			   NVDEF(NVA0B5, LAUNCH_DMA, DATA_TRANSFER_TYPE, NON_PIPELINED) |
			   NVDEF(NVA0B5, LAUNCH_DMA, FLUSH_ENABLE, TRUE) |
			   NVDEF(NVA0B5, LAUNCH_DMA, INTERRUPT_TYPE, NONE) |
			   NVDEF(NVA0B5, LAUNCH_DMA, SRC_MEMORY_LAYOUT, PITCH) |
			   NVDEF(NVA0B5, LAUNCH_DMA, DST_MEMORY_LAYOUT, PITCH));
}

/* One launch copying @npages pages from @src to @dst. */
static void nvsvm_hw_push_copy(struct nvsvm_hw_push *p, u64 src, u64 dst,
			       unsigned long npages,
			       const struct nvsvm_hw_copy_sem *sem)
{
	nvsvm_hw_push_incr(p, NVA0B5_OFFSET_IN_UPPER, 8);
	nvsvm_hw_push_data(p, FIELD_PREP(NVSVM_HW_C0B5_UPPER, upper_32_bits(src)));
	nvsvm_hw_push_data(p, lower_32_bits(src));
	nvsvm_hw_push_data(p, FIELD_PREP(NVSVM_HW_C0B5_UPPER, upper_32_bits(dst)));
	nvsvm_hw_push_data(p, lower_32_bits(dst));
	nvsvm_hw_push_data(p, SZ_4K);		/* PITCH_IN */
	nvsvm_hw_push_data(p, SZ_4K);		/* PITCH_OUT */
	nvsvm_hw_push_data(p, SZ_4K);		/* LINE_LENGTH_IN */
	nvsvm_hw_push_data(p, npages);		/* LINE_COUNT */
	nvsvm_hw_push_launch(p, NVDEF(NVA0B5, LAUNCH_DMA, SRC_TYPE, PHYSICAL) |
			     NVDEF(NVA0B5, LAUNCH_DMA, DST_TYPE, PHYSICAL) |
			     NVDEF(NVA0B5, LAUNCH_DMA, MULTI_LINE_ENABLE, TRUE) |
			     NVDEF(NVA0B5, LAUNCH_DMA, REMAP_ENABLE, FALSE), sem);
}

/* The clear of @npages pages of VRAM at @vram. */
static void nvsvm_hw_push_clear(struct nvsvm_hw_push *p, u64 vram,
				unsigned long npages,
				const struct nvsvm_hw_copy_sem *sem)
{
	nvsvm_hw_push_immd(p, NVA0B5_SET_DST_PHYS_MODE,
			   NVDEF(NVA0B5, SET_DST_PHYS_MODE, TARGET, LOCAL_FB));
	nvsvm_hw_push_incr(p, NVA0B5_SET_REMAP_CONST_A, 3);
	nvsvm_hw_push_data(p, 0);
	nvsvm_hw_push_data(p, 0);
	nvsvm_hw_push_data(p, NVDEF(NVA0B5, SET_REMAP_COMPONENTS, DST_X, CONST_A) |
			   NVDEF(NVA0B5, SET_REMAP_COMPONENTS, DST_Y, CONST_B) |
			   NVDEF(NVA0B5, SET_REMAP_COMPONENTS, COMPONENT_SIZE, FOUR) |
			   NVDEF(NVA0B5, SET_REMAP_COMPONENTS, NUM_DST_COMPONENTS, TWO));
	nvsvm_hw_push_incr(p, NVA0B5_OFFSET_OUT_UPPER, 2);
	nvsvm_hw_push_data(p, FIELD_PREP(NVSVM_HW_C0B5_UPPER, upper_32_bits(vram)));
	nvsvm_hw_push_data(p, lower_32_bits(vram));
	nvsvm_hw_push_incr(p, NVA0B5_LINE_LENGTH_IN, 1);
	nvsvm_hw_push_data(p, npages * (SZ_4K / 8));
	nvsvm_hw_push_launch(p, NVDEF(NVA0B5, LAUNCH_DMA, DST_TYPE, PHYSICAL) |
			     NVDEF(NVA0B5, LAUNCH_DMA, MULTI_LINE_ENABLE, FALSE) |
			     NVDEF(NVA0B5, LAUNCH_DMA, REMAP_ENABLE, TRUE), sem);
}

/* A copy between VRAM at @vram and the system pages @sys. */
static void nvsvm_hw_push_migrate(struct nvsvm_hw_push *p,
				  enum nouveau_svm_copy_dir dir, u64 vram,
				  const struct drm_pagemap_addr *sys,
				  unsigned long npages,
				  const struct nvsvm_hw_copy_sem *sem)
{
	const u32 fb = NVA0B5_SET_SRC_PHYS_MODE_TARGET_LOCAL_FB;
	const u32 sysmem = NVA0B5_SET_SRC_PHYS_MODE_TARGET_COHERENT_SYSMEM;
	bool to_vram = dir == NOUVEAU_SVM_COPY_TO_VRAM;
	unsigned long i, n;

	nvsvm_hw_push_immd(p, NVA0B5_SET_SRC_PHYS_MODE,
			   NVVAL(NVA0B5, SET_SRC_PHYS_MODE, TARGET, to_vram ? sysmem : fb));
	nvsvm_hw_push_immd(p, NVA0B5_SET_DST_PHYS_MODE,
			   NVVAL(NVA0B5, SET_DST_PHYS_MODE, TARGET, to_vram ? fb : sysmem));
	for (i = 0; i < npages; i += n) {
		u64 v = vram + (u64)i * SZ_4K;

		n = nvsvm_hw_copy_extent(sys, i, npages);
		nvsvm_hw_push_copy(p, to_vram ? sys[i].addr : v,
				   to_vram ? v : sys[i].addr, n,
				   i + n == npages ? sem : NULL);
	}
}

/* Whether every address the stream names fits the copy engine. */
static bool nvsvm_hw_copy_addrs_ok(u64 vram, const struct drm_pagemap_addr *sys,
				   unsigned long npages,
				   const struct nvsvm_hw_copy_sem *sem)
{
	unsigned long i, n;

	if (!nvsvm_hw_copy_addr_ok(vram, (u64)npages * SZ_4K))
		return false;
	if (sem && !nvsvm_hw_copy_addr_ok(sem->addr, 4))
		return false;
	for (i = 0; sys && i < npages; i += n) {
		n = nvsvm_hw_copy_extent(sys, i, npages);
		if (!nvsvm_hw_copy_addr_ok(sys[i].addr, (u64)n * SZ_4K))
			return false;
	}
	return true;
}

/**
 * nvsvm_hw_copy_encode() - the method stream of one copy-engine launch
 * @oclass: the copy engine's class (nvsvm_hw_copy_class_supported())
 * @dir: direction of the copy
 * @vram: VRAM address of the first page (the core's offset plus the base
 *	of the backend's device memory), contiguous for @npages pages
 * @sys: the system pages, one entry per page as for the core's copy op,
 *	DMA addresses of DRM_INTERCONNECT_SYSTEM; NULL to clear VRAM
 * @npages: number of 4 KiB pages
 * @sem: the semaphore the stream releases when it is done, or NULL (the
 *	caller then fences the channel after the stream)
 * @buf: where to write the stream
 * @max: room at @buf, in dwords (nvsvm_hw_copy_size() says how many)
 *
 * Writes pushbuffer dwords (method headers for subchannel
 * NVSVM_HW_COPY_SUBC, and their data) as the DOC above describes.
 *
 * Context: Any context.
 * Return: the number of dwords written; -EINVAL for an unsupported
 * @oclass, a clear towards system memory, or what nvsvm_hw_copy_size()
 * refuses; -ERANGE when an address is beyond the engine's 49 bits;
 * -ENOSPC when @max is too small (nothing is written then).
 */
int nvsvm_hw_copy_encode(u32 oclass, enum nouveau_svm_copy_dir dir, u64 vram,
			 const struct drm_pagemap_addr *sys,
			 unsigned long npages,
			 const struct nvsvm_hw_copy_sem *sem,
			 u32 *buf, unsigned int max)
{
	struct nvsvm_hw_push p = { .buf = buf, .subc = NVSVM_HW_COPY_SUBC };
	int size;

	if (!nvsvm_hw_copy_class_supported(oclass) ||
	    (dir != NOUVEAU_SVM_COPY_TO_VRAM && dir != NOUVEAU_SVM_COPY_TO_SYS) ||
	    (!sys && dir != NOUVEAU_SVM_COPY_TO_VRAM))
		return -EINVAL;
	size = nvsvm_hw_copy_size(sys, npages, sem);
	if (size < 0)
		return size;
	if (!nvsvm_hw_copy_addrs_ok(vram, sys, npages, sem))
		return -ERANGE;
	if ((unsigned int)size > max)
		return -ENOSPC;

	if (sys)
		nvsvm_hw_push_migrate(&p, dir, vram, sys, npages, sem);
	else
		nvsvm_hw_push_clear(&p, vram, npages, sem);
	return p.n;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_copy_encode);
