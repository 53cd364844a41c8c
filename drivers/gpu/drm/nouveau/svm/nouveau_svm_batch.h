/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NOUVEAU_SVM_BATCH_H__
#define __NOUVEAU_SVM_BATCH_H__

#include <linux/ktime.h>
#include <linux/types.h>

/**
 * enum nouveau_svm_access - what a faulting GPU access wanted
 * @NOUVEAU_SVM_ACCESS_PREFETCH: a prefetch; nothing fails if it is dropped
 * @NOUVEAU_SVM_ACCESS_READ: a read
 * @NOUVEAU_SVM_ACCESS_WRITE: a write (implies read)
 * @NOUVEAU_SVM_ACCESS_ATOMIC: an atomic read-modify-write (implies write)
 *
 * Ordered from weakest to strongest, so that the strongest of several
 * faults on one page is their maximum.  0 is not a valid access.
 */
enum nouveau_svm_access {
	NOUVEAU_SVM_ACCESS_PREFETCH = 1,
	NOUVEAU_SVM_ACCESS_READ,
	NOUVEAU_SVM_ACCESS_WRITE,
	NOUVEAU_SVM_ACCESS_ATOMIC,
};

/**
 * struct nouveau_svm_fault - one replayable GPU fault, as a backend decodes it
 * @addr: faulting GPU virtual address (the same as the CPU's for SVM)
 * @inst: the faulting context (channel instance), in the backend's numbering;
 *	the core maps it to an SVM VM
 * @token: backend cookie that names the fault's source for a targeted cancel
 * @access: &enum nouveau_svm_access
 */
struct nouveau_svm_fault {
	u64 addr;
	u64 inst;
	u32 token;
	u8 access;
};

/**
 * struct nouveau_svm_fault_group - faults that one range lookup serves
 * @inst: faulting context of every fault in the group
 * @start: page-aligned address of the lowest faulting page
 * @end: address just past the highest faulting page
 * @access: strongest &enum nouveau_svm_access in the group
 * @first: index of the group's first fault in the sorted array
 * @count: number of faults in the group (duplicates included)
 */
struct nouveau_svm_fault_group {
	u64 inst;
	u64 start;
	u64 end;
	u8 access;
	u32 first;
	u32 count;
};

/**
 * enum nouveau_svm_fault_action - what to do with a fault whose range is
 * mapped
 * @NOUVEAU_SVM_FAULT_SERVED: nothing more: the mapping serves it
 * @NOUVEAU_SVM_FAULT_CANCEL: cancel it: the mapping cannot serve it
 * @NOUVEAU_SVM_FAULT_ATOMIC: grant atomic access to its page
 */
enum nouveau_svm_fault_action {
	NOUVEAU_SVM_FAULT_SERVED,
	NOUVEAU_SVM_FAULT_CANCEL,
	NOUVEAU_SVM_FAULT_ATOMIC,
};

/**
 * struct nouveau_svm_thrash - thrashing state of one range's GPU atomics
 * @last: when the last revocation before the GPU could use its grant came
 * @count: such revocations, each within the thrashing lapse of the one
 *	before (saturates)
 */
struct nouveau_svm_thrash {
	ktime_t last;
	u8 count;
};

enum nouveau_svm_fault_action nouveau_svm_fault_action(u8 access, bool writable);
unsigned int nouveau_svm_fault_cut(const struct nouveau_svm_fault_group *groups,
				   unsigned int ngroups, unsigned int *runs,
				   unsigned int max);
bool nouveau_svm_thrash_revoke(struct nouveau_svm_thrash *t, ktime_t now,
			       bool replayed, s64 lapse_us, unsigned int threshold);
u32 nouveau_svm_map_flags(bool writable, bool vram);
void nouveau_svm_fault_sort(struct nouveau_svm_fault *faults, unsigned int n);
unsigned int nouveau_svm_fault_group(const struct nouveau_svm_fault *faults,
				     unsigned int n, u64 window,
				     struct nouveau_svm_fault_group *groups,
				     unsigned int max_groups);

#endif
