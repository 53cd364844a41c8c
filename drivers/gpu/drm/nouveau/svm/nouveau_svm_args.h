/* SPDX-License-Identifier: MIT */
/*
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef __NOUVEAU_SVM_ARGS_H__
#define __NOUVEAU_SVM_ARGS_H__

#include <linux/types.h>

struct drm_nouveau_svm_init;
struct drm_nouveau_svm_bind;

/**
 * struct nouveau_svm_window - a half-open range of addresses
 * @start: first address
 * @end: address just past the last one; @start == @end is empty
 */
struct nouveau_svm_window {
	u64 start;
	u64 end;
};

/**
 * struct nouveau_svm_bind_req - a checked DRM_NOUVEAU_SVM_BIND request
 * @range: the page-aligned range it covers
 * @command: NOUVEAU_SVM_BIND_COMMAND__*
 * @target: NOUVEAU_SVM_BIND_TARGET__*, 0 for system memory
 * @priority: the priority hint (not used yet)
 */
struct nouveau_svm_bind_req {
	struct nouveau_svm_window range;
	u32 command;
	u32 target;
	u8 priority;
};

int nouveau_svm_init_args(const struct drm_nouveau_svm_init *args, u64 user_limit,
			  struct nouveau_svm_window *unmanaged);
int nouveau_svm_bind_range(const struct drm_nouveau_svm_bind *args, u64 page_size,
			   struct nouveau_svm_window *range);
int nouveau_svm_bind_args(const struct drm_nouveau_svm_bind *args, u64 user_limit,
			  const struct nouveau_svm_window *unmanaged,
			  struct nouveau_svm_bind_req *req);

u64 nouveau_svm_piece_size(u64 addr, u64 end);

#endif
