/* SPDX-License-Identifier: MIT */
/*
 * svm_nv_push.h - method encoding for the nouveau device layer: fields of
 * NVIDIA class headers, and a push buffer of incrementing methods.
 *
 * Shared by the layer (svm_device_nouveau.c), the compute path
 * (svm_nv_compute.c) and their host-side checks, which compare the words
 * pushed here with what NVIDIA's published headers define.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#ifndef SVM_NV_PUSH_H
#define SVM_NV_PUSH_H

#include <stdint.h>

#include "drivers/gpu/drm/nouveau/include/nvhw/class/cl906f.h"

#include "igt.h"

/*
 * A field of a class header is written "hi:lo"; (0 ? hi:lo) is lo and
 * (1 ? hi:lo) is hi.
 */
#define NV_LO(f)		(0 ? f)
#define NV_HI(f)		(1 ? f)
#define NV_MASK(f)		(0xffffffffu >> (31 - (NV_HI(f) - NV_LO(f))))
#define NV_FIELD(f, v)		(((uint32_t)(v) & NV_MASK(f)) << NV_LO(f))
/* Class @c, method @m, field @f: the value @v, or the named value @d. */
#define NV_VAL(c, m, f, v)	NV_FIELD(c##_##m##_##f, v)
#define NV_DEF(c, m, f, d)	NV_VAL(c, m, f, c##_##m##_##f##_##d)

/* Method 0 of a subchannel binds an object; Kepler and newer take its class. */
#define SVM_NV_SET_OBJECT	0x0000

/* Words pushed from @start to @cur, never past @end. */
struct svm_nv_push {
	uint32_t *start, *cur, *end;
};

/* An incrementing method header: @count data words follow. */
static inline uint32_t svm_nv_hdr(unsigned int subc, uint32_t mthd,
				  unsigned int count)
{
	return NV_DEF(NV906F, DMA, SEC_OP, INC_METHOD) |
	       NV_VAL(NV906F, DMA, METHOD_COUNT, count) |
	       NV_VAL(NV906F, DMA, METHOD_SUBCHANNEL, subc) |
	       NV_VAL(NV906F, DMA, METHOD_ADDRESS, mthd >> 2);
}

/* @count methods from @mthd on @subc with the data @data. */
static inline void svm_nv_mthd(struct svm_nv_push *p, unsigned int subc,
			       uint32_t mthd, const uint32_t *data,
			       unsigned int count)
{
	/* Every job pushes at most a few hundred words into 60 KiB. */
	igt_assert(p->cur + 1 + count <= p->end);
	*p->cur++ = svm_nv_hdr(subc, mthd, count);
	for (unsigned int i = 0; i < count; i++)
		*p->cur++ = data[i];
}

static inline void svm_nv_mthd1(struct svm_nv_push *p, unsigned int subc,
				uint32_t mthd, uint32_t data)
{
	svm_nv_mthd(p, subc, mthd, &data, 1);
}

#endif /* SVM_NV_PUSH_H */
