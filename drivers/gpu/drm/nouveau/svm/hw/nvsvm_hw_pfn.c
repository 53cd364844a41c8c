// SPDX-License-Identifier: MIT
/*
 * nouveau SVM hardware backend: encoding of a &struct nouveau_svm_map into
 * the PFN arrays of nvkm's NVIF_VMM_RAW_V0_PFNMAP operation, and the
 * spans of the address space whose page tables the backend holds.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: PFNMAP encoding
 *
 * NVIF_VMM_RAW_V0_PFNMAP (like the older NVIF_VMM_V0_PFNMAP) maps
 * [addr, addr + size) with pages of one size, 1 << shift bytes, and takes
 * one u64 per page in the NVIF_VMM_PFNMAP_V0 format: the page's address in
 * bits 63:12, its aperture (NVIF_VMM_PFNMAP_V0_HOST or _VRAM) and the V,
 * W and A bits (valid, writable, atomics allowed; nvkm sets the PTE's
 * read-only and atomic-disable bits from the last two).  nvkm accepts only
 * page sizes its page tables can hold a PFN entry of: on Pascal and later
 * the 4 KiB PTE and the 2 MiB PDE0 entry.
 *
 * A map call of the core can mix entry orders (4 KiB pages and 2 MiB
 * folios), so one map becomes several PFNMAP calls: nvsvm_hw_pfnmap_next()
 * fills one call's arguments with the longest run of one page size that
 * fits the caller's array, and a cursor carries it to the next.  An entry
 * of order 9 or more that is 2 MiB aligned (in the GPU address and in the
 * aperture) and lies whole in the map becomes 2 MiB entries; anything else
 * becomes 4 KiB entries.  A VRAM entry's address is the core's offset
 * plus the base of the backend's device memory in VRAM.
 *
 * A HOST entry's address is the DMA address drm_gpusvm mapped the page
 * at, as the core hands it over: the raw PFNMAP takes it as it is
 * (NVIF_VMM_RAW_V0_PFNMAP, nvkm_vmm_map.pfn_dma), where the older PFNMAP
 * wanted a CPU physical address and DMA mapped the page itself.
 *
 * The raw operations work on page tables the backend took references on
 * beforehand, per 2 MiB block of the address space and at one page size
 * a block; nvsvm_hw_pt_spans() says which part of a block that is, since
 * nvkm's own region (the unmanaged window) can cut through a block.
 */

/**
 * DOC: Locking
 *
 * None: the functions only read their arguments and write the arrays the
 * caller passes.
 */

#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/iommu.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/sizes.h>

#include "nvsvm_hw.h"

#define NVSVM_HW_PFN_2M_PAGES	(SZ_2M / SZ_4K)

/**
 * nvsvm_hw_pfn_encode() - one PFNMAP array entry
 * @addr: the page's address: a DMA address for DRM_INTERCONNECT_SYSTEM,
 *	an offset into the backend's device memory for NOUVEAU_SVM_PROTO_VRAM
 * @proto: the aperture, DRM_INTERCONNECT_SYSTEM or NOUVEAU_SVM_PROTO_VRAM
 * @flags: NOUVEAU_SVM_MAP_*
 * @vram_base: VRAM address of the backend's device memory, added to VRAM
 *	offsets
 *
 * Context: Any context.
 * Return: the u64 for &nvif_vmm_pfnmap_v0.phys; NVIF_VMM_PFNMAP_V0_NONE
 * (an entry nvkm leaves unmapped) without NOUVEAU_SVM_MAP_READ or for an
 * unknown @proto.
 */
u64 nvsvm_hw_pfn_encode(u64 addr, u32 proto, u32 flags, u64 vram_base)
{
	u64 pfn;

	if (!(flags & NOUVEAU_SVM_MAP_READ))
		return NVIF_VMM_PFNMAP_V0_NONE;
	switch (proto) {
	case DRM_INTERCONNECT_SYSTEM:
		pfn = (addr & NVIF_VMM_PFNMAP_V0_ADDR) | NVIF_VMM_PFNMAP_V0_HOST;
		break;
	case NOUVEAU_SVM_PROTO_VRAM:
		pfn = ((vram_base + addr) & NVIF_VMM_PFNMAP_V0_ADDR) |
		      NVIF_VMM_PFNMAP_V0_VRAM;
		break;
	default:
		return NVIF_VMM_PFNMAP_V0_NONE;
	}
	pfn |= NVIF_VMM_PFNMAP_V0_V;
	if (flags & NOUVEAU_SVM_MAP_WRITE)
		pfn |= NVIF_VMM_PFNMAP_V0_W;
	if (flags & NOUVEAU_SVM_MAP_ATOMIC)
		pfn |= NVIF_VMM_PFNMAP_V0_A;
	return pfn;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_pfn_encode);

/* Whether nvkm can take @flags: readable, atomics only with writes. */
static bool nvsvm_hw_pfn_flags_valid(u32 flags)
{
	const u32 all = NOUVEAU_SVM_MAP_READ | NOUVEAU_SVM_MAP_WRITE |
			NOUVEAU_SVM_MAP_ATOMIC;

	if ((flags & ~all) || !(flags & NOUVEAU_SVM_MAP_READ))
		return false;
	return !(flags & NOUVEAU_SVM_MAP_ATOMIC) || (flags & NOUVEAU_SVM_MAP_WRITE);
}

/*
 * The page shift at the cursor: 2 MiB where the entry is large, the GPU
 * address and the aperture address are 2 MiB aligned and 2 MiB of the
 * entry are left in the map; 4 KiB otherwise.
 */
static u8 nvsvm_hw_pfn_shift(const struct nouveau_svm_map *map,
			     const struct nvsvm_hw_pfn_cursor *cur,
			     unsigned long left, u64 addr)
{
	const struct drm_pagemap_addr *d = &map->dma[cur->entry];
	u64 va = map->start + ((u64)cur->page << NVSVM_HW_PFN_SHIFT_4K);

	if (d->order >= ilog2(NVSVM_HW_PFN_2M_PAGES) &&
	    left >= NVSVM_HW_PFN_2M_PAGES &&
	    IS_ALIGNED(va, SZ_2M) && IS_ALIGNED(addr, SZ_2M))
		return NVSVM_HW_PFN_SHIFT_2M;
	return NVSVM_HW_PFN_SHIFT_4K;
}

/* Move @cur on by @pages pages of an entry that has @left pages left. */
static void nvsvm_hw_pfn_advance(struct nvsvm_hw_pfn_cursor *cur,
				 unsigned long pages, unsigned long left)
{
	cur->page += pages;
	cur->sub += pages;
	if (pages == left) {
		cur->entry++;
		cur->sub = 0;
	}
}

/**
 * nvsvm_hw_pfnmap_next() - the arguments of the next PFNMAP call of a map
 * @map: what the core asked to map
 * @vram_base: VRAM address of the backend's device memory
 * @cur: where the previous call stopped; zeroed before the first call
 * @args: the PFNMAP arguments to fill: version, page, addr, size, and
 *	@max entries of phys
 * @max: room in @args->phys, at least 1
 *
 * Fills @args with the longest run of entries of one page size, from
 * @cur on, that @max allows, and moves @cur past it.  Call it until it
 * returns 0, issuing one PFNMAP per positive return.  Every entry has the
 * aperture of @map->dma[0] and the permissions of @map->flags.
 *
 * Context: Any context.
 * Return: the number of phys entries written (@args->size is that many
 * pages of 1 << @args->page bytes), 0 when the map is done, or -EINVAL for
 * a map nvkm cannot take: no READ, ATOMIC without WRITE, unknown flags, a
 * start that is not 4 KiB aligned, an entry of another or an unknown
 * aperture, or an address not aligned to its page.  @cur is undefined
 * after an error.
 */
int nvsvm_hw_pfnmap_next(const struct nouveau_svm_map *map, u64 vram_base,
			 struct nvsvm_hw_pfn_cursor *cur,
			 struct nvif_vmm_pfnmap_v0 *args, unsigned int max)
{
	u32 proto = map->npages ? map->dma[0].proto : DRM_INTERCONNECT_SYSTEM;
	unsigned int n = 0;

	if (!max || !nvsvm_hw_pfn_flags_valid(map->flags) ||
	    !IS_ALIGNED(map->start, SZ_4K) ||
	    (proto != DRM_INTERCONNECT_SYSTEM && proto != NOUVEAU_SVM_PROTO_VRAM))
		return -EINVAL;
	if (cur->page >= map->npages)
		return 0;

	args->version = 0;
	args->addr = map->start + ((u64)cur->page << NVSVM_HW_PFN_SHIFT_4K);
	while (cur->page < map->npages && n < max) {
		const struct drm_pagemap_addr *d = &map->dma[cur->entry];
		unsigned long begin = cur->page - cur->sub, left;
		u64 addr;
		u8 shift;

		if (d->proto != proto || d->order >= BITS_PER_LONG - 1)
			return -EINVAL;
		left = min(1UL << d->order, map->npages - begin) - cur->sub;
		addr = d->addr + ((u64)cur->sub << NVSVM_HW_PFN_SHIFT_4K);
		shift = nvsvm_hw_pfn_shift(map, cur, left, addr);
		if (!IS_ALIGNED(addr, 1ULL << shift))
			return -EINVAL;
		if (n && shift != args->page)
			break;
		args->page = shift;
		args->phys[n++] = nvsvm_hw_pfn_encode(addr, proto, map->flags,
						      vram_base);
		nvsvm_hw_pfn_advance(cur, 1UL << (shift - NVSVM_HW_PFN_SHIFT_4K),
				     left);
	}
	args->size = (u64)n << args->page;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_pfnmap_next);

/**
 * nvsvm_hw_pt_spans() - where page tables are held in a 2 MiB block
 * @block: the block's first address, 2 MiB aligned
 * @shift: the page size they are held at, NVSVM_HW_PFN_SHIFT_4K or _2M
 * @um: nvkm's own region (the unmanaged window), which the raw
 *	operations refuse; empty when @um->start >= @um->end
 * @span: room for two spans, filled in address order
 *
 * At 4 KiB the block minus @um: none, one or two spans.  At 2 MiB the
 * whole block, or nothing when @um reaches into it (no 2 MiB entry can be
 * made there).
 *
 * Context: Any context.
 * Return: the number of spans written, 0 to 2; 0 for an unaligned @block
 * or an unknown @shift.
 */
unsigned int nvsvm_hw_pt_spans(u64 block, u8 shift, const struct nouveau_svm_window *um,
			       struct nouveau_svm_window span[2])
{
	u64 end = block + SZ_2M;
	unsigned int n = 0;

	if (!IS_ALIGNED(block, SZ_2M) || end < block ||
	    (shift != NVSVM_HW_PFN_SHIFT_4K && shift != NVSVM_HW_PFN_SHIFT_2M))
		return 0;
	if (um->start >= um->end || um->end <= block || um->start >= end) {
		span[0] = (struct nouveau_svm_window) { block, end };
		return 1;
	}
	if (shift == NVSVM_HW_PFN_SHIFT_2M)
		return 0;
	if (um->start > block)
		span[n++] = (struct nouveau_svm_window) { block, um->start };
	if (um->end < end)
		span[n++] = (struct nouveau_svm_window) { um->end, end };
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_pt_spans);

/**
 * nvsvm_hw_span_clip() - narrow a span to [@start, @end)
 * @span: the span, narrowed in place
 * @start: first address to keep
 * @end: address just past the last to keep
 *
 * Context: Any context.
 * Return: whether anything of @span is left.
 */
bool nvsvm_hw_span_clip(struct nouveau_svm_window *span, u64 start, u64 end)
{
	span->start = max(span->start, start);
	span->end = min(span->end, end);
	return span->start < span->end;
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_span_clip);

/**
 * nvsvm_hw_dma_direct() - whether SVM may hand a device's DMA addresses to
 *	the GPU
 * @iommu_mapped: the device sits behind an IOMMU (device_iommu_mapped())
 * @domain: its IOMMU domain (iommu_get_domain_for_dev()), NULL for none
 * @bounce: swiotlb bounces all of its DMA (is_swiotlb_force_bounce())
 *
 * Bounce buffers would hand the GPU a copy, not the process's page.
 * Page tables and copies take drm_gpusvm's DMA addresses as they are,
 * but DMA translated by an IOMMU stays off until it has run on a GPU.
 * An identity domain (``iommu=pt``) translates nothing: its DMA
 * addresses are physical ones, as amdgpu's
 * amdgpu_device_check_iommu_direct_map() also decides.
 *
 * Context: Any context.
 * Return: true when the device's DMA is direct: no IOMMU, or an identity
 * domain, and no forced bouncing.
 */
bool nvsvm_hw_dma_direct(bool iommu_mapped, const struct iommu_domain *domain,
			 bool bounce)
{
	if (bounce)
		return false;
	return !iommu_mapped || (domain && domain->type == IOMMU_DOMAIN_IDENTITY);
}
EXPORT_SYMBOL_IF_KUNIT(nvsvm_hw_dma_direct);
