// SPDX-License-Identifier: MIT
/*
 * nouveau SVM simulated GPU: its IOMMU, the only way its engines reach
 * system memory.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/bitfield.h>
#include <linux/dma-map-ops.h>
#include <linux/log2.h>
#include <linux/xarray.h>

#include "nvsim.h"

/**
 * DOC: IOMMU
 *
 * A GPU reaches system memory only through the DMA addresses its driver
 * mapped for it: behind an IOMMU, an address that was unmapped faults (or,
 * worse, reaches whatever the IOMMU maps there next); without one, it
 * reaches whatever page is at that physical address now.  Either way an
 * access through an address the core has unmapped is a bug the GPU does
 * not forgive, and one that turning DMA addresses back into pages would
 * hide.
 *
 * So the simulated GPU's platform device has its own &struct dma_map_ops:
 * map_phys hands out an I/O virtual address from a space of its own (from
 * 1 TiB up, never equal to the physical address, and never handed out
 * twice while the module is loaded, so that a stale address is never
 * valid again) and records the mapping in an XArray indexed by I/O page,
 * as an IOMMU's page table would; unmap_phys removes it, and warns if no
 * mapping starts at that address with that size.  A mapping of a power of
 * two of pages (a page, a THP) is one multi-index entry, aligned to its
 * size; another is an entry per page.  Each entry is a value: the
 * physical page, the order and the direction, so that mapping allocates
 * nothing but the XArray's nodes (charged to the caller's memory cgroup).
 *
 * The page table's entries and the copy engine's arguments hold such
 * addresses, and the engines translate them with nvsim_iommu_lookup(): an
 * address without a live mapping, or a write through a mapping made for
 * the device to read only, is an error the job (or the copy) fails with,
 * never an access.  The I/O address space has 2^36 pages: 256 TiB of
 * mappings per load of the module, after which mapping fails.
 */

/* The I/O virtual address space, in pages: 1 TiB up to 256 TiB. */
#define NVSIM_IOVA_FIRST	(SZ_1T >> PAGE_SHIFT)
#define NVSIM_IOVA_END		(1ULL << (48 - PAGE_SHIFT))

/* An entry's value: physical page, order (multi-index) and direction. */
#define NVSIM_IOMMU_DIR		GENMASK(1, 0)
#define NVSIM_IOMMU_ORDER	GENMASK(7, 2)
#define NVSIM_IOMMU_PFN_SHIFT	8

#define NVSIM_IOMMU_GFP		(GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN)

static struct nvsim_iommu *dev_to_iommu(struct device *dev)
{
	struct nvsim_device *ndev = dev_get_drvdata(dev);

	return &ndev->iommu;
}

static void *nvsim_iommu_entry(unsigned long pfn, unsigned int order,
			       enum dma_data_direction dir)
{
	return xa_mk_value(pfn << NVSIM_IOMMU_PFN_SHIFT |
			   FIELD_PREP(NVSIM_IOMMU_ORDER, order) |
			   FIELD_PREP(NVSIM_IOMMU_DIR, dir));
}

/* Reserve 2^@order I/O pages, aligned.  Return: the first, or 0 when none are left. */
static unsigned long nvsim_iommu_reserve(struct nvsim_iommu *mmu,
					 unsigned int order)
{
	unsigned long first;

	xa_lock(&mmu->maps);
	first = ALIGN(mmu->next, 1UL << order);
	if (first + (1UL << order) > NVSIM_IOVA_END)
		first = 0;
	else
		mmu->next = first + (1UL << order);
	xa_unlock(&mmu->maps);
	return first;
}

/* Store @entry over 2^@order I/O pages at @first. */
static int nvsim_iommu_store(struct nvsim_iommu *mmu, unsigned long first,
			     unsigned int order, void *entry)
{
	XA_STATE_ORDER(xas, &mmu->maps, first, order);

	do {
		xas_lock(&xas);
		xas_store(&xas, entry);
		xas_unlock(&xas);
	} while (xas_nomem(&xas, NVSIM_IOMMU_GFP));
	return xas_error(&xas);
}

/*
 * Erase the entry of 2^@order pages at @first, if one is there: one walk
 * of the XArray.  Return: whether it was there.
 */
static bool nvsim_iommu_erase_entry(struct nvsim_iommu *mmu,
				    unsigned long first, unsigned int order)
{
	XA_STATE_ORDER(xas, &mmu->maps, first, order);
	void *entry;
	bool found;

	if (!IS_ALIGNED(first, 1UL << order))
		return false;
	xas_lock(&xas);
	entry = xas_load(&xas);
	found = xa_is_value(entry) &&
		FIELD_GET(NVSIM_IOMMU_ORDER, xa_to_value(entry)) == order;
	if (found)
		xas_store(&xas, NULL);
	xas_unlock(&xas);
	return found;
}

/*
 * Erase the mapping of @npages pages at @first, as nvsim_iommu_insert()
 * made it.  Return: whether all of it was there.
 */
static bool nvsim_iommu_erase(struct nvsim_iommu *mmu, unsigned long first,
			      unsigned long npages)
{
	unsigned long i;
	bool found = true;

	if (is_power_of_2(npages))
		return nvsim_iommu_erase_entry(mmu, first, ilog2(npages));
	for (i = 0; i < npages; i++)
		found &= nvsim_iommu_erase_entry(mmu, first + i, 0);
	return found;
}

/* Map @npages pages from @pfn at I/O page @first, as one entry if it can. */
static int nvsim_iommu_insert(struct nvsim_iommu *mmu, unsigned long first,
			      unsigned long pfn, unsigned long npages,
			      enum dma_data_direction dir)
{
	unsigned long i;
	int ret;

	if (is_power_of_2(npages))
		return nvsim_iommu_store(mmu, first, ilog2(npages),
					 nvsim_iommu_entry(pfn, ilog2(npages), dir));
	for (i = 0; i < npages; i++) {
		ret = nvsim_iommu_store(mmu, first + i, 0,
					nvsim_iommu_entry(pfn + i, 0, dir));
		if (ret) {
			while (i--)
				nvsim_iommu_erase_entry(mmu, first + i, 0);
			return ret;
		}
	}
	return 0;
}

static dma_addr_t nvsim_iommu_map_phys(struct device *dev, phys_addr_t phys,
				       size_t size, enum dma_data_direction dir,
				       unsigned long attrs)
{
	struct nvsim_iommu *mmu = dev_to_iommu(dev);
	unsigned long npages = PFN_UP(offset_in_page(phys) + size);
	unsigned long first;

	/* The simulated GPU has no use for MMIO peers. */
	if (!size || (attrs & DMA_ATTR_MMIO))
		return DMA_MAPPING_ERROR;

	first = nvsim_iommu_reserve(mmu, order_base_2(npages));
	if (!first || nvsim_iommu_insert(mmu, first, PHYS_PFN(phys), npages, dir))
		return DMA_MAPPING_ERROR;
	return ((dma_addr_t)first << PAGE_SHIFT) + offset_in_page(phys);
}

static void nvsim_iommu_unmap_phys(struct device *dev, dma_addr_t addr,
				   size_t size, enum dma_data_direction dir,
				   unsigned long attrs)
{
	struct nvsim_iommu *mmu = dev_to_iommu(dev);
	unsigned long npages = PFN_UP(offset_in_page(addr) + size);
	unsigned long first = addr >> PAGE_SHIFT;

	WARN(!nvsim_iommu_erase(mmu, first, npages),
	     "nvsim: unmap of %pad size %zu that was not mapped so\n",
	     &addr, size);
}

static const struct dma_map_ops nvsim_iommu_ops = {
	.map_phys = nvsim_iommu_map_phys,
	.unmap_phys = nvsim_iommu_unmap_phys,
};

/**
 * nvsim_iommu_init() - put a device behind the simulated IOMMU
 * @mmu: the IOMMU, embedded in the device's &struct nvsim_device
 * @dev: the platform device, whose driver data is already that
 *	&struct nvsim_device
 *
 * Context: process context (probe), before anything maps for @dev.
 */
void nvsim_iommu_init(struct nvsim_iommu *mmu, struct device *dev)
{
	xa_init(&mmu->maps);
	mmu->next = NVSIM_IOVA_FIRST;
	set_dma_ops(dev, &nvsim_iommu_ops);
}

/**
 * nvsim_iommu_fini() - take a device from behind the simulated IOMMU
 * @mmu: the IOMMU
 * @dev: the platform device
 *
 * Warns about, and forgets, the mappings still live: everything mapped for
 * the device must have been unmapped by now.
 *
 * Context: process context (remove, or a failed probe).
 */
void nvsim_iommu_fini(struct nvsim_iommu *mmu, struct device *dev)
{
	WARN_ONCE(!xa_empty(&mmu->maps), "nvsim: DMA mappings still live\n");
	xa_destroy(&mmu->maps);
	set_dma_ops(dev, NULL);
}

/**
 * nvsim_iommu_lookup() - translate a DMA address as the GPU's bus would
 * @mmu: the IOMMU
 * @addr: a DMA address the simulated GPU was given
 * @write: the access writes
 *
 * The page stays the caller's to access only as long as the mapping does:
 * the core unmaps a page from the GPU's page table, under the TLB lock
 * the caller holds, before it unmaps its DMA address.
 *
 * Context: any context; takes the RCU read lock.
 * Return: the page at @addr, or NULL if no live mapping covers @addr or
 * @write goes through a mapping made for the device to read only.
 */
struct page *nvsim_iommu_lookup(struct nvsim_iommu *mmu, dma_addr_t addr,
				bool write)
{
	unsigned long idx = addr >> PAGE_SHIFT, v;
	unsigned int order;
	void *entry;

	entry = xa_load(&mmu->maps, idx);
	if (!xa_is_value(entry))
		return NULL;
	v = xa_to_value(entry);
	if (write && FIELD_GET(NVSIM_IOMMU_DIR, v) == DMA_TO_DEVICE)
		return NULL;
	order = FIELD_GET(NVSIM_IOMMU_ORDER, v);
	return pfn_to_page((v >> NVSIM_IOMMU_PFN_SHIFT) +
			   (idx & ((1UL << order) - 1)));
}
