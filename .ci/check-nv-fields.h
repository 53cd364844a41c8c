/* SPDX-License-Identifier: MIT */
/*
 * check-nv-fields.h - what the checks of our fields against NVIDIA's
 * class headers share (.ci/check-nv-classes.c, .ci/check-nv-host-classes.c):
 * reading a header's hi:lo field, and reporting a difference.  Each
 * difference is printed; bad is then 1, the program's exit status.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef CHECK_NV_FIELDS_H
#define CHECK_NV_FIELDS_H

#include <stdio.h>

/* The headers write a method field hi:lo. */
#define HI(f)	(1 ? f)
#define LO(f)	(0 ? f)

static int bad;

static void field(const char *name, unsigned int hi, unsigned int lo,
		  unsigned int want_hi, unsigned int want_lo)
{
	if (hi == want_hi && lo == want_lo)
		return;
	printf("%s: ours %u:%u, the header's %u:%u\n", name, hi, lo,
	       want_hi, want_lo);
	bad = 1;
}

static void value(const char *name, unsigned long ours, unsigned long want)
{
	if (ours == want)
		return;
	printf("%s: ours %#lx, the header's %#lx\n", name, ours, want);
	bad = 1;
}

#endif
