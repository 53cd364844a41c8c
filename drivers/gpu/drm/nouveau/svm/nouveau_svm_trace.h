/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM core tracepoints: fault batches, GPU maps, invalidations.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nouveau_svm

#if !defined(__NOUVEAU_SVM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __NOUVEAU_SVM_TRACE_H__

#include <linux/tracepoint.h>

TRACE_EVENT(nouveau_svm_fault_batch,
	    TP_PROTO(unsigned int faults, unsigned int groups),
	    TP_ARGS(faults, groups),
	    TP_STRUCT__entry(__field(unsigned int, faults)
				     __field(unsigned int, groups)),
	    TP_fast_assign(__entry->faults = faults;
			   __entry->groups = groups;),
	    TP_printk("faults=%u groups=%u", __entry->faults, __entry->groups)
);

TRACE_EVENT(nouveau_svm_map,
	    TP_PROTO(u64 inst, u64 start, unsigned long npages, u32 flags),
	    TP_ARGS(inst, start, npages, flags),
	    TP_STRUCT__entry(__field(u64, inst)
				     __field(u64, start)
				     __field(unsigned long, npages)
				     __field(u32, flags)),
	    TP_fast_assign(__entry->inst = inst;
			   __entry->start = start;
			   __entry->npages = npages;
			   __entry->flags = flags;),
	    TP_printk("inst=%llu start=0x%llx npages=%lu flags=0x%x",
		      __entry->inst, __entry->start, __entry->npages, __entry->flags)
);

TRACE_EVENT(nouveau_svm_invalidate,
	    TP_PROTO(u64 inst, u64 start, u64 end, int event),
	    TP_ARGS(inst, start, end, event),
	    TP_STRUCT__entry(__field(u64, inst)
				     __field(u64, start)
				     __field(u64, end)
				     __field(int, event)),
	    TP_fast_assign(__entry->inst = inst;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->event = event;),
	    TP_printk("inst=%llu start=0x%llx end=0x%llx event=%d",
		      __entry->inst, __entry->start, __entry->end, __entry->event)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nouveau_svm_trace
#include <trace/define_trace.h>
