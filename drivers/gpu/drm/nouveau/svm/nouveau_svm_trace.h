/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM core tracepoints: fault batches, the fault groups served
 * and the replays, GPU maps, invalidations, migrations (copy-engine
 * launches) and evictions.
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

TRACE_EVENT(nouveau_svm_fault_group,
	    TP_PROTO(u64 inst, u64 start, u64 end, unsigned int faults),
	    TP_ARGS(inst, start, end, faults),
	    TP_STRUCT__entry(__field(u64, inst)
				     __field(u64, start)
				     __field(u64, end)
				     __field(unsigned int, faults)),
	    TP_fast_assign(__entry->inst = inst;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->faults = faults;),
	    TP_printk("inst=%llu start=0x%llx end=0x%llx faults=%u",
		      __entry->inst, __entry->start, __entry->end, __entry->faults)
);

TRACE_EVENT(nouveau_svm_replay,
	    TP_PROTO(u64 batch, unsigned int cancels),
	    TP_ARGS(batch, cancels),
	    TP_STRUCT__entry(__field(u64, batch)
				     __field(unsigned int, cancels)),
	    TP_fast_assign(__entry->batch = batch;
			   __entry->cancels = cancels;),
	    TP_printk("batch=%llu cancels=%u", __entry->batch, __entry->cancels)
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

TRACE_EVENT(nouveau_svm_copy,
	    TP_PROTO(int dir, u64 vram, unsigned long npages, int ret),
	    TP_ARGS(dir, vram, npages, ret),
	    TP_STRUCT__entry(__field(int, dir)
				     __field(u64, vram)
				     __field(unsigned long, npages)
				     __field(int, ret)),
	    TP_fast_assign(__entry->dir = dir;
			   __entry->vram = vram;
			   __entry->npages = npages;
			   __entry->ret = ret;),
	    TP_printk("%s vram=0x%llx npages=%lu ret=%d",
		      __entry->dir ? "to-sys" : "to-vram", __entry->vram,
		      __entry->npages, __entry->ret)
);

TRACE_EVENT(nouveau_svm_evict,
	    TP_PROTO(u64 vram, unsigned long npages, int ret),
	    TP_ARGS(vram, npages, ret),
	    TP_STRUCT__entry(__field(u64, vram)
				     __field(unsigned long, npages)
				     __field(int, ret)),
	    TP_fast_assign(__entry->vram = vram;
			   __entry->npages = npages;
			   __entry->ret = ret;),
	    TP_printk("vram=0x%llx npages=%lu ret=%d",
		      __entry->vram, __entry->npages, __entry->ret)
);

TRACE_EVENT(nouveau_svm_migrate,
	    TP_PROTO(u64 inst, u64 start, u64 end, bool to_vram, u64 resident, int ret),
	    TP_ARGS(inst, start, end, to_vram, resident, ret),
	    TP_STRUCT__entry(__field(u64, inst)
				     __field(u64, start)
				     __field(u64, end)
				     __field(bool, to_vram)
				     __field(u64, resident)
				     __field(int, ret)),
	    TP_fast_assign(__entry->inst = inst;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->to_vram = to_vram;
			   __entry->resident = resident;
			   __entry->ret = ret;),
	    TP_printk("inst=%llu start=0x%llx end=0x%llx %s resident=%llu ret=%d",
		      __entry->inst, __entry->start, __entry->end,
		      __entry->to_vram ? "to-vram" : "to-sys", __entry->resident,
		      __entry->ret)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nouveau_svm_trace
#include <trace/define_trace.h>
