// SPDX-License-Identifier: MIT
/*
 * KUnit tests for the nouveau SVM core: module information.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for the nouveau SVM core");
MODULE_LICENSE("Dual MIT/GPL");
