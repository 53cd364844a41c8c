// SPDX-License-Identifier: MIT
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */

/**
 * TEST: nouveau svm bad args
 * Category: Core
 * Mega feature: SVM
 * Sub-category: uAPI
 * Functionality: argument checks of SVM_INIT, SVM_BIND, GETPARAM and of
 *	the simulated GPU's private ioctls
 * Description: Every field of every ioctl is checked: each invalid value
 *	gets its documented errno and changes nothing, one dynamic subtest
 *	per case.  The simulated GPU's private uAPI (EXEC, WAIT, COUNTERS,
 *	CONFIG, INJECT) is checked where that device is present.
 *
 * SUBTEST: bad-svm-init
 * Description: SVM_INIT with each invalid window, one dynamic subtest per case:
 *	- addr-unaligned: SVM_INIT with an unaligned @unmanaged_addr: -EINVAL.
 *	- size-unaligned: SVM_INIT with an unaligned @unmanaged_size: -EINVAL.
 *	- overflow: SVM_INIT with a window that wraps around: -EOVERFLOW.
 *	- above-user-limit: SVM_INIT with a window above the user address
 *	  limit: -EFAULT.
 *
 * SUBTEST: bad-svm-bind
 * Description: SVM_BIND with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND with @reserved0 set: -EINVAL.
 *	- reserved1: SVM_BIND with @reserved1 set: -EINVAL.
 *	- header-high-bits: SVM_BIND with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.
 *	- command: SVM_BIND with an unknown command: -EINVAL.
 *	- target: SVM_BIND with a target neither host (0) nor GPU VRAM:
 *	  -EINVAL.
 *	- stride: SVM_BIND with @stride set: -EINVAL.
 *	- empty-range: SVM_BIND with @va_start == @va_end: -EINVAL.
 *	- end-wraps: SVM_BIND with @va_end rounding up past the top of the
 *	  address space: -EOVERFLOW.
 *	- npages: SVM_BIND with @npages larger than the range: -EINVAL.
 *	- above-user-limit: SVM_BIND with a range above the user address
 *	  limit: -EFAULT.
 *	- overlaps-unmanaged: SVM_BIND with a range overlapping the unmanaged
 *	  window: -EINVAL.
 *	- advise-policy-0: SVM_BIND ADVISE_ATOMIC with policy 0 (reserved):
 *	  -EINVAL.
 *	- advise-policy-unknown: SVM_BIND ADVISE_ATOMIC with an unknown
 *	  policy: -EINVAL.
 *
 * SUBTEST: bad-svm-bind-before-init
 * Description: SVM_BIND before SVM_INIT: -EINVAL.
 *
 * SUBTEST: bad-getparam-param
 * Description: GETPARAM of an unknown parameter: -EINVAL.
 *
 * SUBTEST: bad-exec
 * Description: DRM_NVSIM_EXEC with each invalid field, one dynamic subtest per case:
 *	- cmd-op-0: EXEC of a command with op 0 (DRM_NVSIM_OP_INVALID):
 *	  -EINVAL, nothing runs.
 *	- cmd-op-99: EXEC of a command with an unknown op: -EINVAL, nothing
 *	  runs.
 *	- second-cmd-op: EXEC of a valid WRITE followed by a command with an
 *	  unknown op: -EINVAL, and the WRITE did not run.
 *	- cmd-flags: EXEC of a command with @flags set: -EINVAL, nothing runs.
 *	- cmd-addr-unaligned: EXEC of a command with an unaligned @addr:
 *	  -EINVAL, nothing runs.
 *	- cmd-addr-overflow: EXEC of a command whose @addr + @size wraps:
 *	  -EINVAL, nothing runs.
 *	- cmd-size-0: EXEC of a command with @size 0: -EINVAL, nothing runs.
 *	- cmd-size-unaligned: EXEC of a command whose @size is not a multiple
 *	  of 8: -EINVAL, nothing runs.
 *	- cmd-size-too-big: EXEC of a command larger than DRM_NVSIM_MAX_SIZE:
 *	  -EINVAL, nothing runs.
 *	- cmd-atomic-add-size: EXEC of an ATOMIC_ADD with @size other than 8:
 *	  -EINVAL.
 *	- cmd-atomic-cas-size: EXEC of an ATOMIC_CAS with @size other than 8:
 *	  -EINVAL.
 *	- cmd-atomic-add-addr-unaligned: EXEC of an ATOMIC_ADD whose @addr is
 *	  4- but not 8-byte aligned: -EINVAL, nothing runs.
 *	- cmd-atomic-cas-addr-unaligned: EXEC of an ATOMIC_CAS whose @addr is
 *	  4- but not 8-byte aligned: -EINVAL, nothing runs.
 *	- cmd-atomic-add-compare-nonzero: EXEC of an ATOMIC_ADD with @compare
 *	  set (only a CAS has one): -EINVAL, nothing runs.
 *	- cmd-src-nonzero: EXEC of a WRITE with @src set: -EINVAL, nothing
 *	  runs.
 *	- cmd-src-unaligned: EXEC of a COPY with an unaligned @src: -EINVAL,
 *	  nothing runs.
 *	- cmd-compare-nonzero: EXEC of a WRITE with @compare set: -EINVAL,
 *	  nothing runs.
 *	- count-0: EXEC of no command: -EINVAL.
 *	- count-too-big: EXEC of more than DRM_NVSIM_MAX_CMDS commands:
 *	  -EINVAL, nothing runs.
 *	- flags: EXEC with an unknown flag: -EINVAL, nothing runs.
 *	- channel: EXEC on a channel past DRM_NVSIM_CHANNELS: -EINVAL, nothing
 *	  runs.
 *	- cmds-invalid: EXEC with an unreadable @cmds pointer: -EFAULT.
 *	- before-init: EXEC before SVM_INIT: -ENOENT, nothing runs.
 *
 * SUBTEST: bad-wait
 * Description: DRM_NVSIM_WAIT with each invalid field, one dynamic subtest per case:
 *	- seqno-unknown: WAIT for a job number never handed out: -ENOENT.
 *	- seqno-collected: WAIT for a job already collected: -ENOENT.
 *	- pad: WAIT with @pad set: -EINVAL, and the job can still be collected
 *	  with its results.
 *
 * SUBTEST: bad-counters
 * Description: DRM_NVSIM_COUNTERS with each invalid field, one dynamic subtest per case:
 *	- flags: COUNTERS with @flags set: -EINVAL.
 *	- values: COUNTERS with an unwritable @values pointer: -EFAULT.
 *	- before-init: COUNTERS before SVM_INIT: -ENOENT.
 *
 * SUBTEST: bad-config
 * Description: DRM_NVSIM_CONFIG with each invalid field, one dynamic subtest per case:
 *	- param-0: CONFIG of parameter 0 (DRM_NVSIM_PARAM_INVALID): -EINVAL,
 *	  nothing changes.
 *	- param-unknown: CONFIG of an unknown parameter: -EINVAL, nothing
 *	  changes.
 *	- wave-0: CONFIG of DRM_NVSIM_PARAM_WAVE_PAGES to 0: -EINVAL, nothing
 *	  changes.
 *	- wave-513: CONFIG of DRM_NVSIM_PARAM_WAVE_PAGES to 513: -EINVAL,
 *	  nothing changes.
 *	- pad: CONFIG with @pad set: -EINVAL, nothing changes.
 *
 * SUBTEST: bad-inject
 * Description: DRM_NVSIM_INJECT with each invalid field, one dynamic subtest per case:
 *	- what-0: INJECT of @what 0 (DRM_NVSIM_INJECT_INVALID): -EINVAL, and
 *	  nothing is armed.
 *	- what-unknown: INJECT of an unknown @what: -EINVAL, and nothing is
 *	  armed.
 *	- count: INJECT with @count above 1 << 20: -EINVAL, and nothing is
 *	  armed.
 *
 * SUBTEST: bad-migrate
 * Description: SVM_BIND MIGRATE to VRAM with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND MIGRATE to VRAM with @reserved0 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- reserved1: SVM_BIND MIGRATE to VRAM with @reserved1 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- stride: SVM_BIND MIGRATE to VRAM with @stride set: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- header-high-bits: SVM_BIND MIGRATE to VRAM with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.  Nothing moves, and the valid
 *	  request then works.
 *	- command-3: SVM_BIND MIGRATE to VRAM with command 3, the first
 *	  unknown one: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- command-255: SVM_BIND MIGRATE to VRAM with command 255: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- target-1: SVM_BIND MIGRATE to VRAM with target 1: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- target-vram-1: SVM_BIND MIGRATE to VRAM with target
 *	  NOUVEAU_SVM_BIND_TARGET__GPU_VRAM + 1: -EINVAL.  Nothing moves, and
 *	  the valid request then works.
 *	- target-all-ones: SVM_BIND MIGRATE to VRAM with every target bit set:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- empty-range: SVM_BIND MIGRATE to VRAM with @va_start == @va_end:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- reversed-range: SVM_BIND MIGRATE to VRAM with @va_end below
 *	  @va_start: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- npages: SVM_BIND MIGRATE to VRAM with @npages larger than the range:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- end-wraps: SVM_BIND MIGRATE to VRAM with @va_end rounding up past
 *	  the top of the address space: -EOVERFLOW.  Nothing moves, and the
 *	  valid request then works.
 *	- above-user-limit: SVM_BIND MIGRATE to VRAM with a range above the
 *	  user address limit: -EFAULT.  Nothing moves, and the valid request
 *	  then works.
 *	- overlaps-unmanaged: SVM_BIND MIGRATE to VRAM with a range
 *	  overlapping the unmanaged window: -EINVAL.  Nothing moves, and the
 *	  valid request then works.
 *
 * SUBTEST: bad-migrate-before-init
 * Description: SVM_BIND MIGRATE to VRAM before SVM_INIT: -EINVAL.  Nothing
 *	moves, and the valid request then works.
 *
 * SUBTEST: bad-migrate-inherited-fd
 * Description: SVM_BIND MIGRATE to VRAM from a process that inherited the file
 *	(fork): -EPERM.  Nothing moves, and the valid request then works.
 *
 * SUBTEST: bad-prefetch
 * Description: SVM_BIND PREFETCH to VRAM with each invalid field, one dynamic subtest per case:
 *	- reserved0: SVM_BIND PREFETCH to VRAM with @reserved0 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- reserved1: SVM_BIND PREFETCH to VRAM with @reserved1 set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- stride: SVM_BIND PREFETCH to VRAM with @stride set: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- header-high-bits: SVM_BIND PREFETCH to VRAM with @header bits above
 *	  NOUVEAU_SVM_BIND_VALID_MASK: -EINVAL.  Nothing moves, and the valid
 *	  request then works.
 *	- command-3: SVM_BIND PREFETCH to VRAM with command 3, the first
 *	  unknown one: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- command-255: SVM_BIND PREFETCH to VRAM with command 255: -EINVAL.
 *	  Nothing moves, and the valid request then works.
 *	- target-1: SVM_BIND PREFETCH to VRAM with target 1: -EINVAL.  Nothing
 *	  moves, and the valid request then works.
 *	- target-vram-1: SVM_BIND PREFETCH to VRAM with target
 *	  NOUVEAU_SVM_BIND_TARGET__GPU_VRAM + 1: -EINVAL.  Nothing moves, and
 *	  the valid request then works.
 *	- target-all-ones: SVM_BIND PREFETCH to VRAM with every target bit
 *	  set: -EINVAL.  Nothing moves, and the valid request then works.
 *	- empty-range: SVM_BIND PREFETCH to VRAM with @va_start == @va_end:
 *	  -EINVAL.  Nothing moves, and the valid request then works.
 *	- reversed-range: SVM_BIND PREFETCH to VRAM with @va_end below
 *	  @va_start: -EINVAL.  Nothing moves, and the valid request then
 *	  works.
 *	- npages: SVM_BIND PREFETCH to VRAM with @npages larger than the
 *	  range: -EINVAL.  Nothing moves, and the valid request then works.
 *	- end-wraps: SVM_BIND PREFETCH to VRAM with @va_end rounding up past
 *	  the top of the address space: -EOVERFLOW.  Nothing moves, and the
 *	  valid request then works.
 *	- above-user-limit: SVM_BIND PREFETCH to VRAM with a range above the
 *	  user address limit: -EFAULT.  Nothing moves, and the valid request
 *	  then works.
 *	- overlaps-unmanaged: SVM_BIND PREFETCH to VRAM with a range
 *	  overlapping the unmanaged window: -EINVAL.  Nothing moves, and the
 *	  valid request then works.
 *
 * SUBTEST: bad-prefetch-before-init
 * Description: SVM_BIND PREFETCH to VRAM before SVM_INIT: -EINVAL.  Nothing
 *	moves, and the valid request then works.
 *
 * SUBTEST: bad-prefetch-inherited-fd
 * Description: SVM_BIND PREFETCH to VRAM from a process that inherited the file
 *	(fork): -EPERM.  Nothing moves, and the valid request then works.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "igt.h"
#include "svm_device.h"
#include "nouveau_svm_common.h"

IGT_TEST_DESCRIPTION("Argument checks of the nouveau SVM uAPI.");

/* ------------------------------------------------------------------ */
/* Negative tests: SVM_INIT, SVM_BIND, GETPARAM                        */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	const char *desc;
	uint64_t addr, size;
	int err;
} bad_init[] = {
	{ "addr-unaligned", "SVM_INIT with an unaligned unmanaged_addr: -EINVAL.",
	  0x100000001ull, 0x10000, EINVAL },
	{ "size-unaligned", "SVM_INIT with an unaligned unmanaged_size: -EINVAL.",
	  0x100000000ull, 0x10001, EINVAL },
	{ "overflow", "SVM_INIT with a window that wraps around: -EOVERFLOW.",
	  0xfffffffffffff000ull, 0x2000, EOVERFLOW },
	{ "above-user-limit",
	  "SVM_INIT with a window above the user address limit: -EFAULT.",
	  ABOVE_USER_LIMIT, 0x1000, EFAULT },
};

static void test_bad_init(uint64_t addr, uint64_t size, int err)
{
	int fd = svm_open();

	igt_assert_eq(__svm_init(fd, addr, size), -err);
	/* The failed call set nothing up. */
	svm_init(fd, 0, 0);
	assert_fd_works(fd);
	close(fd);
}

struct bind_ctx {
	char *buf;		/* 16 pages outside the window */
	char *win;		/* the unmanaged window, 16 pages */
};

#define BIND_PAGES	16

static void bind_reserved0(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->reserved0 = 1;
}

static void bind_reserved1(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->reserved1 = 1;
}

static void bind_header_high(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 1ull << NOUVEAU_SVM_BIND_VALID_BITS;
}

static void bind_command(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 0x7full << NOUVEAU_SVM_BIND_COMMAND_SHIFT;
}

static void bind_advise(struct drm_nouveau_svm_bind *b, uint64_t policy)
{
	b->header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__ADVISE_ATOMIC <<
			NOUVEAU_SVM_BIND_COMMAND_SHIFT |
		    policy << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_advise_policy_0(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_advise(b, 0);
}

static void bind_advise_policy_unknown(struct drm_nouveau_svm_bind *b,
				       const struct bind_ctx *c)
{
	bind_advise(b, NOUVEAU_SVM_ATOMIC__REFUSE + 1);
}

static void bind_target(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->header |= 1ull << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_stride(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->stride = ps;
}

static void bind_empty(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_end = b->va_start;
	b->npages = 0;
}

static void bind_end_wraps(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_end = ~0ull;
}

static void bind_npages(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->npages = BIND_PAGES + 1;
}

static void bind_above_limit(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_start = ABOVE_USER_LIMIT;
	b->va_end = ABOVE_USER_LIMIT + ps;
	b->npages = 1;
}

static void bind_overlaps(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	/* The window's last page and the page after it. */
	b->va_start = to_user_pointer(c->win + (BIND_PAGES - 1) * ps);
	b->va_end = b->va_start + 2 * ps;
	b->npages = 2;
}

static const struct bind_case {
	const char *name;
	const char *desc;
	void (*mutate)(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c);
	int err;
} bad_bind[] = {
	{ "reserved0", "SVM_BIND with reserved0 set: -EINVAL.",
	  bind_reserved0, EINVAL },
	{ "reserved1", "SVM_BIND with reserved1 set: -EINVAL.",
	  bind_reserved1, EINVAL },
	{ "header-high-bits", "SVM_BIND with header bits above the valid mask: -EINVAL.",
	  bind_header_high, EINVAL },
	{ "command", "SVM_BIND with an unknown command: -EINVAL.",
	  bind_command, EINVAL },
	{ "target", "SVM_BIND with an unknown target: -EINVAL.",
	  bind_target, EINVAL },
	{ "stride", "SVM_BIND with stride set: -EINVAL.",
	  bind_stride, EINVAL },
	{ "empty-range", "SVM_BIND with va_start == va_end: -EINVAL.",
	  bind_empty, EINVAL },
	{ "end-wraps", "SVM_BIND with va_end past the top of the address space: -EOVERFLOW.",
	  bind_end_wraps, EOVERFLOW },
	{ "npages", "SVM_BIND with npages larger than the range: -EINVAL.",
	  bind_npages, EINVAL },
	{ "above-user-limit", "SVM_BIND above the user address limit: -EFAULT.",
	  bind_above_limit, EFAULT },
	{ "overlaps-unmanaged", "SVM_BIND overlapping the unmanaged window: -EINVAL.",
	  bind_overlaps, EINVAL },
	{ "advise-policy-0", "SVM_BIND ADVISE_ATOMIC with policy 0: -EINVAL.",
	  bind_advise_policy_0, EINVAL },
	{ "advise-policy-unknown", "SVM_BIND ADVISE_ATOMIC with an unknown policy: -EINVAL.",
	  bind_advise_policy_unknown, EINVAL },
};

static struct drm_nouveau_svm_bind bind_base(const struct bind_ctx *c)
{
	/* A valid migration of the buffer to system memory. */
	return (struct drm_nouveau_svm_bind) {
		.header = (uint64_t)NOUVEAU_SVM_BIND_COMMAND__MIGRATE <<
				NOUVEAU_SVM_BIND_COMMAND_SHIFT |
			  (uint64_t)NOUVEAU_SVM_BIND_TARGET__HOST <<
				NOUVEAU_SVM_BIND_TARGET_SHIFT,
		.va_start = to_user_pointer(c->buf),
		.va_end = to_user_pointer(c->buf + BIND_PAGES * ps),
		.npages = BIND_PAGES,
	};
}

static void test_bad_bind(int fd, const struct bind_ctx *c,
			  const struct bind_case *t)
{
	struct drm_nouveau_svm_bind b = bind_base(c);

	t->mutate(&b, c);
	igt_assert_eq(__svm_bind(fd, &b), -t->err);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
	assert_fd_works(fd);
	if (svm_driver(fd) == SVM_DRIVER_SIM)
		assert_gpu_reads(fd, c->buf, BIND_PAGES * ps);
}

static void test_bad_bind_before_init(const struct bind_ctx *c)
{
	struct drm_nouveau_svm_bind b = bind_base(c);
	int fd = svm_open();

	igt_assert_eq(__svm_bind(fd, &b), -EINVAL);
	svm_init(fd, 0, 0);
	assert_fd_works(fd);
	close(fd);
}

/*
 * MIGRATE and PREFETCH get the same checks as any SVM_BIND: the cases of
 * bad_bind that concern every command, with a valid request to VRAM as
 * the base, and the command and target fields on their own.
 */
static void bind_set_command(struct drm_nouveau_svm_bind *b, uint64_t command)
{
	b->header &= ~((uint64_t)NOUVEAU_SVM_BIND_COMMAND_MASK <<
		       NOUVEAU_SVM_BIND_COMMAND_SHIFT);
	b->header |= command << NOUVEAU_SVM_BIND_COMMAND_SHIFT;
}

static void bind_set_target(struct drm_nouveau_svm_bind *b, uint64_t target)
{
	b->header &= ~((uint64_t)NOUVEAU_SVM_BIND_TARGET_MASK <<
		       NOUVEAU_SVM_BIND_TARGET_SHIFT);
	b->header |= target << NOUVEAU_SVM_BIND_TARGET_SHIFT;
}

static void bind_command_3(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_command(b, NOUVEAU_SVM_BIND_COMMAND__PREFETCH + 1);
}

static void bind_command_255(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_command(b, NOUVEAU_SVM_BIND_COMMAND_MASK);
}

static void bind_target_1(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_target(b, 1);
}

static void bind_target_all(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	bind_set_target(b, NOUVEAU_SVM_BIND_TARGET_MASK);
}

static void bind_reversed(struct drm_nouveau_svm_bind *b, const struct bind_ctx *c)
{
	b->va_start = to_user_pointer(c->buf + 8 * ps);
	b->va_end = to_user_pointer(c->buf + 4 * ps);
	b->npages = 0;
}

static const struct bind_case bad_migrate[] = {
	{ "reserved0", "with reserved0 set: -EINVAL.", bind_reserved0, EINVAL },
	{ "reserved1", "with reserved1 set: -EINVAL.", bind_reserved1, EINVAL },
	{ "stride", "with stride set: -EINVAL.", bind_stride, EINVAL },
	{ "header-high-bits", "with header bits above bit 47: -EINVAL.",
	  bind_header_high, EINVAL },
	{ "command-3", "with command 3, the first unknown one: -EINVAL.",
	  bind_command_3, EINVAL },
	{ "command-255", "with command 255: -EINVAL.", bind_command_255, EINVAL },
	{ "target-1", "with target 1: -EINVAL.", bind_target_1, EINVAL },
	{ "target-vram-1", "with target GPU_VRAM + 1: -EINVAL.", bind_target, EINVAL },
	{ "target-all-ones", "with every target bit set: -EINVAL.",
	  bind_target_all, EINVAL },
	{ "empty-range", "with va_start == va_end: -EINVAL.", bind_empty, EINVAL },
	{ "reversed-range", "with va_end below va_start: -EINVAL.",
	  bind_reversed, EINVAL },
	{ "npages", "with npages larger than the range: -EINVAL.",
	  bind_npages, EINVAL },
	{ "end-wraps", "with va_end rounding past 2^64: -EOVERFLOW.",
	  bind_end_wraps, EOVERFLOW },
	{ "above-user-limit", "above the user address limit: -EFAULT.",
	  bind_above_limit, EFAULT },
	{ "overlaps-unmanaged", "overlapping the unmanaged window: -EINVAL.",
	  bind_overlaps, EINVAL },
};

/* A valid @command of the buffer to VRAM. */
static struct drm_nouveau_svm_bind bind_vram(const struct bind_ctx *c,
					     uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_base(c);

	b.header = svm_bind_header(command, SVM_VRAM);
	return b;
}

static const char *bind_command_name(uint32_t command)
{
	return command == NOUVEAU_SVM_BIND_COMMAND__PREFETCH ? "prefetch" : "migrate";
}

/*
 * After a refused @command: nothing moved since @before, the buffer is
 * intact, and the valid request goes through on @fd (to VRAM and back).
 */
static void assert_bind_refused(int fd, const struct bind_ctx *c,
				uint32_t command, const struct svm_counters *before)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters after = svm_counters(fd), d;

	d = counters_delta(before, &after);
	assert_nothing_moved(d);
	igt_assert_eq_u64(d.copy_launches, 0);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);

	igt_assert_eq(__svm_bind(fd, &b), 0);
	igt_assert_eq_u64(b.result, BIND_PAGES);
	igt_assert_eq_u64(svm_migrate(fd, c->buf, BIND_PAGES * ps, SVM_HOST),
			  BIND_PAGES);
	svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
}

static void test_bad_migrate(int fd, const struct bind_ctx *c,
			     const struct bind_case *t, uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters before = svm_counters(fd);

	t->mutate(&b, c);
	igt_assert_eq(__svm_bind(fd, &b), -t->err);
	assert_bind_refused(fd, c, command, &before);
}

static void test_bad_migrate_before_init(const struct bind_ctx *c,
					 uint32_t command)
{
	struct drm_nouveau_svm_bind b = bind_vram(c, command);
	struct svm_counters before;
	int fd = svm_open();

	igt_assert_eq(__svm_bind(fd, &b), -EINVAL);
	svm_init(fd, 0, 0);
	before = svm_counters(fd);
	assert_bind_refused(fd, c, command, &before);
	close(fd);
}

static void test_bad_migrate_inherited(int fd, const struct bind_ctx *c,
				       uint32_t command)
{
	struct svm_counters before = svm_counters(fd);

	igt_fork(child, 1) {
		struct drm_nouveau_svm_bind b = bind_vram(c, command);

		igt_assert_eq(__svm_bind(fd, &b), -EPERM);
		svm_assert_pattern(c->buf, BIND_PAGES * ps, 0x11000000);
	}
	igt_waitchildren();
	assert_bind_refused(fd, c, command, &before);
}

static void test_bad_getparam(int fd)
{
	struct drm_nouveau_getparam gp = { .param = 0x10000 };

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp), -1);
	igt_assert_eq(errno, EINVAL);
	gp.param = ~0ull;
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NOUVEAU_GETPARAM, &gp), -1);
	igt_assert_eq(errno, EINVAL);
	igt_assert(svm_caps(fd) & NOUVEAU_SVM_CAP_MIRROR);
}

/* ------------------------------------------------------------------ */
/* Negative tests: the simulated GPU's private uAPI                    */
/* ------------------------------------------------------------------ */

struct exec_ctx {
	struct drm_nvsim_exec exec;
	struct drm_nvsim_cmd *cmds;	/* DRM_NVSIM_MAX_CMDS + 1 */
	char *buf;			/* EXEC_PAGES, the WRITEs' target */
	char *unreadable;
};

#define EXEC_PAGES	4

static void exec_op_0(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_INVALID;
}

static void exec_op_99(struct exec_ctx *x)
{
	x->cmds[0].op = 99;
}

static void exec_second_op(struct exec_ctx *x)
{
	x->exec.count = 2;
	x->cmds[1].op = 99;
}

static void exec_cmd_flags(struct exec_ctx *x)
{
	x->cmds[0].flags = 1;
}

static void exec_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0].addr += 4;
}

static void exec_addr_overflow(struct exec_ctx *x)
{
	x->cmds[0].addr = 0xfffffffffffff000ull;
	x->cmds[0].size = 0x2000;
}

static void exec_size_0(struct exec_ctx *x)
{
	x->cmds[0].size = 0;
}

static void exec_size_unaligned(struct exec_ctx *x)
{
	x->cmds[0].size = 12;
}

static void exec_size_too_big(struct exec_ctx *x)
{
	x->cmds[0].size = DRM_NVSIM_MAX_SIZE + 8;
}

static void exec_atomic_add_size(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_ATOMIC_ADD;
	x->cmds[0].size = 16;
}

static void exec_atomic_cas_size(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_ATOMIC_CAS;
	x->cmds[0].size = 16;
}

static void exec_atomic_add_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_add(x->buf + 4, 1);
}

static void exec_atomic_cas_addr_unaligned(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_cas(x->buf + 4, 0, 1);
}

static void exec_atomic_add_compare(struct exec_ctx *x)
{
	x->cmds[0] = gpu_cmd_atomic_add(x->buf, 1);
	x->cmds[0].compare = 1;
}

static void exec_src_nonzero(struct exec_ctx *x)
{
	x->cmds[0].src = to_user_pointer(x->buf + ps);
}

static void exec_src_unaligned(struct exec_ctx *x)
{
	x->cmds[0].op = DRM_NVSIM_OP_COPY;
	x->cmds[0].size = ps;
	x->cmds[0].src = to_user_pointer(x->buf + 2 * ps + 4);
}

static void exec_compare_nonzero(struct exec_ctx *x)
{
	x->cmds[0].compare = 1;
}

static void exec_count_0(struct exec_ctx *x)
{
	x->exec.count = 0;
}

static void exec_count_too_big(struct exec_ctx *x)
{
	x->exec.count = DRM_NVSIM_MAX_CMDS + 1;
}

static void exec_flags(struct exec_ctx *x)
{
	x->exec.flags = DRM_NVSIM_EXEC_ASYNC << 1;
}

static void exec_channel(struct exec_ctx *x)
{
	x->exec.channel = DRM_NVSIM_CHANNELS;
}

static void exec_cmds_invalid(struct exec_ctx *x)
{
	x->exec.cmds = to_user_pointer(x->unreadable);
}

static const struct exec_case {
	const char *name;
	const char *desc;
	void (*mutate)(struct exec_ctx *x);
	int err;
} bad_exec[] = {
	{ "cmd-op-0", "EXEC of a command with op 0: -EINVAL.", exec_op_0, EINVAL },
	{ "cmd-op-99", "EXEC of a command with an unknown op: -EINVAL.",
	  exec_op_99, EINVAL },
	{ "second-cmd-op", "EXEC of a valid command and one with an unknown op: "
	  "-EINVAL and nothing runs.", exec_second_op, EINVAL },
	{ "cmd-flags", "EXEC of a command with flags set: -EINVAL.",
	  exec_cmd_flags, EINVAL },
	{ "cmd-addr-unaligned", "EXEC of a command with an unaligned addr: -EINVAL.",
	  exec_addr_unaligned, EINVAL },
	{ "cmd-addr-overflow", "EXEC of a command whose addr + size wraps: -EINVAL.",
	  exec_addr_overflow, EINVAL },
	{ "cmd-size-0", "EXEC of a command with size 0: -EINVAL.",
	  exec_size_0, EINVAL },
	{ "cmd-size-unaligned", "EXEC of a command with a size not a multiple of 8: "
	  "-EINVAL.", exec_size_unaligned, EINVAL },
	{ "cmd-size-too-big", "EXEC of a command above DRM_NVSIM_MAX_SIZE: -EINVAL.",
	  exec_size_too_big, EINVAL },
	{ "cmd-atomic-add-size", "EXEC of an ATOMIC_ADD of 16 bytes: -EINVAL.",
	  exec_atomic_add_size, EINVAL },
	{ "cmd-atomic-cas-size", "EXEC of an ATOMIC_CAS of 16 bytes: -EINVAL.",
	  exec_atomic_cas_size, EINVAL },
	{ "cmd-atomic-add-addr-unaligned",
	  "EXEC of an ATOMIC_ADD at a 4-byte aligned addr: -EINVAL.",
	  exec_atomic_add_addr_unaligned, EINVAL },
	{ "cmd-atomic-cas-addr-unaligned",
	  "EXEC of an ATOMIC_CAS at a 4-byte aligned addr: -EINVAL.",
	  exec_atomic_cas_addr_unaligned, EINVAL },
	{ "cmd-atomic-add-compare-nonzero",
	  "EXEC of an ATOMIC_ADD with compare set: -EINVAL.",
	  exec_atomic_add_compare, EINVAL },
	{ "cmd-src-nonzero", "EXEC of a WRITE with src set: -EINVAL.",
	  exec_src_nonzero, EINVAL },
	{ "cmd-src-unaligned", "EXEC of a COPY with an unaligned src: -EINVAL.",
	  exec_src_unaligned, EINVAL },
	{ "cmd-compare-nonzero", "EXEC of a WRITE with compare set: -EINVAL.",
	  exec_compare_nonzero, EINVAL },
	{ "count-0", "EXEC of no command: -EINVAL.", exec_count_0, EINVAL },
	{ "count-too-big", "EXEC of more than DRM_NVSIM_MAX_CMDS commands: -EINVAL.",
	  exec_count_too_big, EINVAL },
	{ "flags", "EXEC with an unknown flag: -EINVAL.", exec_flags, EINVAL },
	{ "channel", "EXEC on a channel past DRM_NVSIM_CHANNELS: -EINVAL.", exec_channel, EINVAL },
	{ "cmds-invalid", "EXEC with an unreadable cmds pointer: -EFAULT.",
	  exec_cmds_invalid, EFAULT },
	{ "before-init", "EXEC before SVM_INIT: -ENOENT.", NULL, ENOENT },
};

static void exec_ctx_init(struct exec_ctx *x)
{
	x->cmds = calloc(DRM_NVSIM_MAX_CMDS + 1, sizeof(*x->cmds));
	igt_assert(x->cmds);
	x->buf = map_anon(EXEC_PAGES * ps, PROT_READ | PROT_WRITE);
	x->unreadable = map_anon(ps, PROT_NONE);
}

static void exec_ctx_fini(struct exec_ctx *x)
{
	free(x->cmds);
	munmap(x->buf, EXEC_PAGES * ps);
	munmap(x->unreadable, ps);
}

static void test_bad_exec(int fd, struct exec_ctx *x, const struct exec_case *t)
{
	size_t size = EXEC_PAGES * ps;
	int efd = fd;

	/* Every command a valid WRITE of the whole buffer. */
	svm_pattern(x->buf, size, 0x12000000);
	for (unsigned int i = 0; i <= DRM_NVSIM_MAX_CMDS; i++)
		x->cmds[i] = gpu_cmd_write(x->buf, size, 0x12100000);
	x->exec = (struct drm_nvsim_exec) {
		.cmds = to_user_pointer(x->cmds),
		.count = 1,
	};

	if (t->mutate) {
		t->mutate(x);
	} else {
		efd = svm_open();
		svm_require_gpu_ops(efd);
	}
	igt_assert_eq(__gpu_exec(efd, &x->exec), -t->err);

	/* Nothing ran. */
	svm_assert_pattern(x->buf, size, 0x12000000);
	if (efd != fd) {
		svm_init(efd, 0, 0);
		assert_gpu_reads(efd, x->buf, size);
		close(efd);
	}
	assert_gpu_reads(fd, x->buf, size);
}

enum wait_kind { WAIT_UNKNOWN, WAIT_COLLECTED, WAIT_PAD };

static const struct {
	const char *name;
	const char *desc;
	enum wait_kind kind;
	int err;
} bad_wait[] = {
	{ "seqno-unknown", "WAIT for a job number never handed out: -ENOENT.",
	  WAIT_UNKNOWN, ENOENT },
	{ "seqno-collected", "WAIT for a job already collected: -ENOENT.",
	  WAIT_COLLECTED, ENOENT },
	{ "pad", "WAIT with pad set: -EINVAL; the job is collected afterwards.",
	  WAIT_PAD, EINVAL },
};

static void test_bad_wait(int fd, enum wait_kind kind, int err)
{
	size_t size = 4 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	struct drm_nvsim_cmd cmd;
	struct drm_nvsim_wait w = { .timeout_ns = SVM_WAIT_TIMEOUT_NS };
	uint64_t seqno;

	svm_pattern(p, size, 0x13000000);
	cmd = gpu_cmd_read(p, size);
	seqno = gpu_submit_async(fd, &cmd, 1);

	switch (kind) {
	case WAIT_UNKNOWN:
		w.seqno = seqno + 1000000;
		break;
	case WAIT_COLLECTED:
		igt_assert_eq(gpu_wait(fd, seqno), 0);
		w.seqno = seqno;
		break;
	case WAIT_PAD:
		w.seqno = seqno;
		w.pad = 1;
		break;
	}
	do_ioctl_err(fd, DRM_IOCTL_NVSIM_WAIT, &w, err);

	if (kind != WAIT_COLLECTED)
		igt_assert_eq(gpu_wait(fd, seqno), 0);
	igt_assert_eq_u64(cmd.result, svm_checksum(p, size));
	munmap(p, size);
}

enum counters_kind { COUNTERS_FLAGS, COUNTERS_VALUES, COUNTERS_BEFORE_INIT };

static const struct {
	const char *name;
	const char *desc;
	enum counters_kind kind;
	int err;
} bad_counters[] = {
	{ "flags", "COUNTERS with flags set: -EINVAL.", COUNTERS_FLAGS, EINVAL },
	{ "values", "COUNTERS with an unwritable values pointer: -EFAULT.",
	  COUNTERS_VALUES, EFAULT },
	{ "before-init", "COUNTERS before SVM_INIT: -ENOENT.",
	  COUNTERS_BEFORE_INIT, ENOENT },
};

static void test_bad_counters(int fd, enum counters_kind kind, int err)
{
	uint64_t values[SVM_COUNTERS_NUM];
	void *ro = map_anon(ps, PROT_READ);
	uint32_t count = SVM_COUNTERS_NUM;
	int cfd = fd;

	memset(values, 0xa5, sizeof(values));
	switch (kind) {
	case COUNTERS_FLAGS:
		igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 1), -err);
		break;
	case COUNTERS_VALUES:
		igt_assert_eq(__svm_counters_ioctl(fd, ro, &count, 0), -err);
		igt_assert_eq_u64(*(uint64_t *)ro, 0);
		break;
	case COUNTERS_BEFORE_INIT:
		cfd = svm_open();
		igt_assert_eq(__svm_counters_ioctl(cfd, values, &count, 0), -err);
		break;
	}
	for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
		igt_assert_eq_u64(values[i], 0xa5a5a5a5a5a5a5a5ull);

	if (cfd != fd) {
		svm_init(cfd, 0, 0);
		count = SVM_COUNTERS_NUM;
		igt_assert_eq(__svm_counters_ioctl(cfd, values, &count, 0), 0);
		for (unsigned int i = 0; i < SVM_COUNTERS_NUM; i++)
			igt_assert_eq_u64(values[i], 0);
		close(cfd);
	}
	count = SVM_COUNTERS_NUM;
	igt_assert_eq(__svm_counters_ioctl(fd, values, &count, 0), 0);
	igt_assert_eq_u64(values[DRM_NVSIM_COUNTER_FAULTS], svm_counters(fd).faults);
	munmap(ro, ps);
}

static const struct {
	const char *name;
	const char *desc;
	struct drm_nvsim_config config;
} bad_config[] = {
	{ "param-0", "CONFIG of parameter 0: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_INVALID, .value = 64 } },
	{ "param-unknown", "CONFIG of an unknown parameter: -EINVAL.",
	  { .param = 99, .value = 64 } },
	{ "wave-0", "CONFIG of WAVE_PAGES to 0: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .value = 0 } },
	{ "wave-513", "CONFIG of WAVE_PAGES to 513: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .value = 513 } },
	{ "pad", "CONFIG with pad set: -EINVAL.",
	  { .param = DRM_NVSIM_PARAM_WAVE_PAGES, .pad = 1, .value = 64 } },
};

/* Set WAVE_PAGES to @value: the old value. */
static uint64_t set_wave_pages(int fd, uint64_t value)
{
	struct drm_nvsim_config c = {
		.param = DRM_NVSIM_PARAM_WAVE_PAGES,
		.value = value,
	};

	do_ioctl(fd, DRM_IOCTL_NVSIM_CONFIG, &c);
	return c.value;
}

static void test_bad_config(int fd, const struct drm_nvsim_config *bad)
{
	struct drm_nvsim_config c = *bad;
	uint64_t old;
	int ret;

	old = set_wave_pages(fd, 32);
	igt_assert(old >= 1 && old <= 512);
	ret = igt_ioctl(fd, DRM_IOCTL_NVSIM_CONFIG, &c) ? -errno : 0;
	if (!ret)	/* do not leave a wrong setting behind */
		set_wave_pages(fd, old);
	igt_assert_eq(ret, -EINVAL);
	/* Unchanged, and the engine runs with it. */
	igt_assert_eq_u64(set_wave_pages(fd, 32), 32);
	assert_fd_works(fd);
	igt_assert_eq_u64(set_wave_pages(fd, old), 32);
}

static const struct {
	const char *name;
	const char *desc;
	struct drm_nvsim_inject inject;
} bad_inject[] = {
	{ "what-0", "INJECT of what 0: -EINVAL.",
	  { .what = DRM_NVSIM_INJECT_INVALID, .count = 1 } },
	{ "what-unknown", "INJECT of an unknown what: -EINVAL.",
	  { .what = 99, .count = 1 } },
	{ "count", "INJECT with count above 1 << 20: -EINVAL.",
	  { .what = DRM_NVSIM_INJECT_FAULT_OVERFLOW, .count = (1u << 20) + 1 } },
};

static void test_bad_inject(int fd, const struct drm_nvsim_inject *bad)
{
	struct drm_nvsim_inject inj = *bad;
	struct svm_counters a, b, d;
	size_t size = 32 * ps;
	void *p = map_anon(size, PROT_READ | PROT_WRITE);
	int ret;

	ret = igt_ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &inj) ? -errno : 0;
	if (!ret) {
		/* Disarm what was armed: it is device-wide. */
		inj.count = 0;
		igt_ioctl(fd, DRM_IOCTL_NVSIM_INJECT, &inj);
	}
	igt_assert_eq(ret, -EINVAL);

	/* Nothing armed: faults are served without drops or retries. */
	svm_pattern(p, size, 0x14000000);
	a = svm_counters(fd);
	assert_gpu_reads(fd, p, size);
	b = svm_counters(fd);
	d = counters_delta(&a, &b);
	igt_assert_eq_u64(d.cancels, 0);
	assert_u64_lte(size / ps, d.pages_mapped);
	munmap(p, size);
}

/* The bad-migrate or bad-prefetch subtests of @command. */
static void bad_migrate_subtests(int fd, const struct bind_ctx *c,
				 uint32_t command)
{
	const char *name = bind_command_name(command);

	igt_describe_f("SVM_BIND %s to VRAM with each invalid field: its errno, nothing moves.",
		       name);
	igt_subtest_with_dynamic_f("bad-%s", name) {
		for (int i = 0; i < ARRAY_SIZE(bad_migrate); i++) {
			igt_debug("%s: SVM_BIND %s to VRAM %s\n", bad_migrate[i].name,
				  name, bad_migrate[i].desc);
			igt_dynamic(bad_migrate[i].name)
				test_bad_migrate(fd, c, &bad_migrate[i], command);
		}
	}

	igt_describe_f("SVM_BIND %s to VRAM before SVM_INIT: -EINVAL.", name);
	igt_subtest_f("bad-%s-before-init", name)
		test_bad_migrate_before_init(c, command);

	igt_describe_f("SVM_BIND %s to VRAM from a process that inherited the file: -EPERM.",
		       name);
	igt_subtest_f("bad-%s-inherited-fd", name)
		test_bad_migrate_inherited(fd, c, command);
}
igt_main
{
	int fd = -1;

	igt_fixture
		ps = sysconf(_SC_PAGESIZE);

	/* What needs an SVM device, but no GPU work. */
	igt_subtest_group {
		struct bind_ctx bc = {};

		igt_fixture {
			fd = svm_open();
			bc.buf = map_anon(BIND_PAGES * ps, PROT_READ | PROT_WRITE);
			svm_pattern(bc.buf, BIND_PAGES * ps, 0x11000000);
			bc.win = map_anon(BIND_PAGES * ps, PROT_NONE);
			svm_init(fd, to_user_pointer(bc.win), BIND_PAGES * ps);
		}

		igt_describe("SVM_INIT with each invalid window: its errno.");
		igt_subtest_with_dynamic("bad-svm-init") {
			for (int i = 0; i < ARRAY_SIZE(bad_init); i++) {
				igt_debug("%s: %s\n", bad_init[i].name, bad_init[i].desc);
				igt_dynamic(bad_init[i].name)
					test_bad_init(bad_init[i].addr, bad_init[i].size,
						      bad_init[i].err);
			}
		}

		igt_describe("SVM_BIND with each invalid field: its errno.");
		igt_subtest_with_dynamic("bad-svm-bind") {
			for (int i = 0; i < ARRAY_SIZE(bad_bind); i++) {
				igt_debug("%s: %s\n", bad_bind[i].name, bad_bind[i].desc);
				igt_dynamic(bad_bind[i].name)
					test_bad_bind(fd, &bc, &bad_bind[i]);
			}
		}

		igt_describe("SVM_BIND before SVM_INIT: -EINVAL.");
		igt_subtest("bad-svm-bind-before-init")
			test_bad_bind_before_init(&bc);

		/* The device memory commands get the same checks. */
		igt_subtest_group {
			igt_fixture
				svm_require_vram(fd);

			bad_migrate_subtests(fd, &bc,
					     NOUVEAU_SVM_BIND_COMMAND__MIGRATE);

			igt_subtest_group {
				igt_fixture
					svm_require_prefetch(fd);

				bad_migrate_subtests(fd, &bc,
						     NOUVEAU_SVM_BIND_COMMAND__PREFETCH);
			}
		}

		igt_describe("GETPARAM of an unknown parameter: -EINVAL.");
		igt_subtest("bad-getparam-param")
			test_bad_getparam(fd);

		igt_fixture {
			munmap(bc.buf, BIND_PAGES * ps);
			munmap(bc.win, BIND_PAGES * ps);
			close(fd);
		}
	}

	/* GPU work: the simulated GPU, or nouveau through the device layer. */
	igt_subtest_group {
		struct exec_ctx ec = {};

		igt_fixture {
			fd = svm_open_gpu();
			exec_ctx_init(&ec);
		}

		/* The simulated GPU's private uAPI. */
		igt_subtest_group {
			igt_fixture
				svm_require_sim(fd, "the simulated GPU's private uAPI");

			igt_describe("DRM_NVSIM_EXEC with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-exec") {
				for (int i = 0; i < ARRAY_SIZE(bad_exec); i++) {
					igt_debug("%s: %s\n", bad_exec[i].name, bad_exec[i].desc);
					igt_dynamic(bad_exec[i].name)
						test_bad_exec(fd, &ec, &bad_exec[i]);
				}
			}

			igt_describe("DRM_NVSIM_WAIT with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-wait") {
				for (int i = 0; i < ARRAY_SIZE(bad_wait); i++) {
					igt_debug("%s: %s\n", bad_wait[i].name, bad_wait[i].desc);
					igt_dynamic(bad_wait[i].name)
						test_bad_wait(fd, bad_wait[i].kind,
							      bad_wait[i].err);
				}
			}

			igt_describe("DRM_NVSIM_COUNTERS with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-counters") {
				for (int i = 0; i < ARRAY_SIZE(bad_counters); i++) {
					igt_debug("%s: %s\n", bad_counters[i].name,
						  bad_counters[i].desc);
					igt_dynamic(bad_counters[i].name)
						test_bad_counters(fd, bad_counters[i].kind,
								  bad_counters[i].err);
				}
			}

			igt_describe("DRM_NVSIM_CONFIG with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-config") {
				for (int i = 0; i < ARRAY_SIZE(bad_config); i++) {
					igt_debug("%s: %s\n", bad_config[i].name,
						  bad_config[i].desc);
					igt_dynamic(bad_config[i].name)
						test_bad_config(fd, &bad_config[i].config);
				}
			}

			igt_describe("DRM_NVSIM_INJECT with each invalid field: its errno.");
			igt_subtest_with_dynamic("bad-inject") {
				for (int i = 0; i < ARRAY_SIZE(bad_inject); i++) {
					igt_debug("%s: %s\n", bad_inject[i].name,
						  bad_inject[i].desc);
					igt_dynamic(bad_inject[i].name)
						test_bad_inject(fd, &bad_inject[i].inject);
				}
			}
		}

		igt_fixture {
			exec_ctx_fini(&ec);
			close(fd);
		}
	}
}
