// SPDX-License-Identifier: MIT
/*
 * KUnit tests for nouveau SVM's NVIDIA formats (svm/hw/nvsvm_hw_*.c, in
 * nouveau.ko): module information.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for nouveau SVM's NVIDIA formats");
MODULE_LICENSE("Dual MIT/GPL");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
