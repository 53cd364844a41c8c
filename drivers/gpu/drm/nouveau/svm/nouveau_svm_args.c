// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * DOC: SVM ioctl argument checks
 *
 * Every field of DRM_NOUVEAU_SVM_INIT and DRM_NOUVEAU_SVM_BIND is checked
 * here, before anything is done, and a wrong value gets a fixed errno:
 *
 * DRM_NOUVEAU_SVM_INIT
 *  - @unmanaged_addr or @unmanaged_size not page aligned: -EINVAL
 *  - @unmanaged_addr + @unmanaged_size wraps around: -EOVERFLOW
 *  - the window ends above the process's user address limit: -EFAULT
 *
 * DRM_NOUVEAU_SVM_BIND
 *  - @reserved0 or @reserved1 not zero: -EINVAL
 *  - @header has bits above NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL
 *  - unknown command: -EINVAL
 *  - a target the command does not know: for MIGRATE and PREFETCH, other
 *    than system memory (0) or NOUVEAU_SVM_BIND_TARGET__GPU_VRAM; for ADVISE_ATOMIC,
 *    other than a NOUVEAU_SVM_ATOMIC__* value: -EINVAL
 *  - @stride not zero: -EINVAL
 *  - @va_end rounds up past the top of the address space: -EOVERFLOW
 *  - empty range (@va_start >= @va_end once rounded): -EINVAL
 *  - @npages larger than the rounded range in 4 KiB units: -EINVAL
 *  - the range ends above the user address limit: -EFAULT
 *  - the range overlaps the unmanaged window: -EINVAL
 *
 * @va_start and @va_end are rounded out to pages, as they always were:
 * OpenCL passes the user's pointers as they are.  For the same reason
 * @npages, which is redundant with the range, may be 0 or anything up to
 * the size of the rounded range in 4 KiB units: Mesa rounds its own count
 * up from the unrounded size, in 4 KiB units whatever the kernel's page
 * size (DIV_ROUND_UP(size, 0x1000)), which on a kernel with 16 KiB or
 * 64 KiB pages is more than the range's pages.
 */

/**
 * DOC: Locking
 *
 * None: pure functions of their arguments.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <drm/nouveau_drm.h>

#include "nouveau_svm_args.h"

static bool nouveau_svm_window_overlaps(const struct nouveau_svm_window *a,
					const struct nouveau_svm_window *b)
{
	return a->start < b->end && b->start < a->end;
}

/**
 * nouveau_svm_init_args() - check DRM_NOUVEAU_SVM_INIT arguments
 * @args: the ioctl arguments
 * @user_limit: the process's user address limit (TASK_SIZE)
 * @unmanaged: filled in with the unmanaged window on success; an empty
 *	one is [0, 0)
 *
 * Context: Any context.
 * Return: 0, or the errno listed in "SVM ioctl argument checks".
 */
int nouveau_svm_init_args(const struct drm_nouveau_svm_init *args, u64 user_limit,
			  struct nouveau_svm_window *unmanaged)
{
	u64 end;

	if (!PAGE_ALIGNED(args->unmanaged_addr) || !PAGE_ALIGNED(args->unmanaged_size))
		return -EINVAL;
	if (check_add_overflow(args->unmanaged_addr, args->unmanaged_size, &end))
		return -EOVERFLOW;
	if (end > user_limit)
		return -EFAULT;
	/* An empty window is no window, wherever it was said to be. */
	unmanaged->start = args->unmanaged_size ? args->unmanaged_addr : 0;
	unmanaged->end = args->unmanaged_size ? end : 0;
	return 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_init_args);

static int nouveau_svm_bind_header(u64 header, struct nouveau_svm_bind_req *req)
{
	if (header & ~NOUVEAU_SVM_BIND_VALID_MASK)
		return -EINVAL;
	req->command = (header >> NOUVEAU_SVM_BIND_COMMAND_SHIFT) &
		       NOUVEAU_SVM_BIND_COMMAND_MASK;
	req->priority = (header >> NOUVEAU_SVM_BIND_PRIORITY_SHIFT) &
			NOUVEAU_SVM_BIND_PRIORITY_MASK;
	req->target = (header >> NOUVEAU_SVM_BIND_TARGET_SHIFT) &
		      NOUVEAU_SVM_BIND_TARGET_MASK;
	switch (req->command) {
	case NOUVEAU_SVM_BIND_COMMAND__MIGRATE:
	case NOUVEAU_SVM_BIND_COMMAND__PREFETCH:
		return req->target == NOUVEAU_SVM_BIND_TARGET__HOST ||
		       req->target == NOUVEAU_SVM_BIND_TARGET__GPU_VRAM ? 0 : -EINVAL;
	case NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC:
		return req->target >= NOUVEAU_SVM_ATOMIC__DEVICE_EXCLUSIVE &&
		       req->target <= NOUVEAU_SVM_ATOMIC__REFUSE ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/**
 * nouveau_svm_bind_range() - the range of SVM_BIND arguments, in pages
 * @args: the ioctl arguments
 * @page_size: the kernel's page size: PAGE_SIZE, a parameter so that the
 *	checks of kernels with 16 KiB and 64 KiB pages can be tested on any
 * @range: filled in with [@va_start, @va_end) rounded out to pages
 *
 * Checks @va_end, the range and @npages (in 4 KiB units whatever
 * @page_size, see "SVM ioctl argument checks").
 *
 * Context: Any context.
 * Return: 0, -EOVERFLOW or -EINVAL.
 */
int nouveau_svm_bind_range(const struct drm_nouveau_svm_bind *args, u64 page_size,
			   struct nouveau_svm_window *range)
{
	if (args->va_end > round_down(U64_MAX, page_size))
		return -EOVERFLOW;
	range->start = round_down(args->va_start, page_size);
	range->end = round_up(args->va_end, page_size);
	if (range->start >= range->end)
		return -EINVAL;
	if (args->npages > (range->end - range->start) / SZ_4K)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_bind_range);

/**
 * nouveau_svm_bind_args() - check DRM_NOUVEAU_SVM_BIND arguments
 * @args: the ioctl arguments
 * @user_limit: the process's user address limit (TASK_SIZE)
 * @unmanaged: the client's unmanaged window
 * @req: filled in with the decoded request on success
 *
 * Context: Any context.
 * Return: 0, or the errno listed in "SVM ioctl argument checks".
 */
int nouveau_svm_bind_args(const struct drm_nouveau_svm_bind *args, u64 user_limit,
			  const struct nouveau_svm_window *unmanaged,
			  struct nouveau_svm_bind_req *req)
{
	int ret;

	if (args->reserved0 || args->reserved1)
		return -EINVAL;
	ret = nouveau_svm_bind_header(args->header, req);
	if (ret)
		return ret;
	if (args->stride)
		return -EINVAL;
	ret = nouveau_svm_bind_range(args, PAGE_SIZE, &req->range);
	if (ret)
		return ret;
	if (req->range.end > user_limit)
		return -EFAULT;
	if (nouveau_svm_window_overlaps(&req->range, unmanaged))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(nouveau_svm_bind_args);

/**
 * nouveau_svm_piece_size() - the next piece of a range to migrate
 * @addr: where the piece starts, page aligned
 * @end: the end of the range, page aligned, above @addr
 *
 * Device memory is allocated in naturally aligned power-of-two blocks of
 * 4 KiB to 2 MiB, one per piece of address space.
 *
 * Context: Any context.
 * Return: the largest such size at @addr that ends at or before @end.
 */
u64 nouveau_svm_piece_size(u64 addr, u64 end)
{
	u64 size = SZ_2M;

	while (size > PAGE_SIZE && (!IS_ALIGNED(addr, size) || addr + size > end))
		size /= 2;
	return size;
}
EXPORT_SYMBOL_GPL(nouveau_svm_piece_size);
