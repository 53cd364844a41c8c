// SPDX-License-Identifier: MIT
/*
 * nouveau SVM core: module information.  The core is a library module that
 * the nouveau driver and the simulated GPU both use.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#include <linux/module.h>

#define CREATE_TRACE_POINTS
#include "nouveau_svm_trace.h"

MODULE_DESCRIPTION("nouveau shared virtual memory core");
MODULE_LICENSE("Dual MIT/GPL");
