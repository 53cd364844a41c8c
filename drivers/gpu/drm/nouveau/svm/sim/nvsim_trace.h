/* SPDX-License-Identifier: MIT */
/*
 * nouveau SVM simulated GPU tracepoints: a job's way through the exec
 * engine, from its submission to its collection, with the stalls on its
 * faults in between.  Each event names the job by its token, which the
 * faults it raises carry too.
 *
 * Copyright (c) 2026 The nouveau SVM authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM nvsim

#if !defined(__NVSIM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __NVSIM_TRACE_H__

#include <linux/tracepoint.h>

/* A job is queued on the engine (EXEC); engine lock held. */
TRACE_EVENT(nvsim_job_queue,
	    TP_PROTO(u32 token, u32 chan, u32 count),
	    TP_ARGS(token, chan, count),
	    TP_STRUCT__entry(__field(u32, token)
				     __field(u32, chan)
				     __field(u32, count)),
	    TP_fast_assign(__entry->token = token;
			   __entry->chan = chan;
			   __entry->count = count;),
	    TP_printk("token=%u chan=%u cmds=%u",
		      __entry->token, __entry->chan, __entry->count)
);

/* A runner takes a job. */
TRACE_EVENT(nvsim_job_start,
	    TP_PROTO(u32 token, unsigned int runner),
	    TP_ARGS(token, runner),
	    TP_STRUCT__entry(__field(u32, token)
				     __field(unsigned int, runner)),
	    TP_fast_assign(__entry->token = token;
			   __entry->runner = runner;),
	    TP_printk("token=%u runner=%u", __entry->token, __entry->runner)
);

/* A job is about to post the @faults its accesses missed, then stalls. */
TRACE_EVENT(nvsim_job_stall,
	    TP_PROTO(u32 token, unsigned int faults),
	    TP_ARGS(token, faults),
	    TP_STRUCT__entry(__field(u32, token)
				     __field(unsigned int, faults)),
	    TP_fast_assign(__entry->token = token;
			   __entry->faults = faults;),
	    TP_printk("token=%u faults=%u", __entry->token, __entry->faults)
);

/* A job's @status at one of its steps. */
DECLARE_EVENT_CLASS(nvsim_job_status,
		    TP_PROTO(u32 token, int status),
		    TP_ARGS(token, status),
		    TP_STRUCT__entry(__field(u32, token)
					     __field(int, status)),
		    TP_fast_assign(__entry->token = token;
				   __entry->status = status;),
		    TP_printk("token=%u status=%d", __entry->token, __entry->status)
);

/* A stalled job runs again: a replay came, or it ended (@status). */
DEFINE_EVENT(nvsim_job_status, nvsim_job_resume,
	     TP_PROTO(u32 token, int status),
	     TP_ARGS(token, status)
);

/* A runner is done with a job, which ends with @status. */
DEFINE_EVENT(nvsim_job_status, nvsim_job_retire,
	     TP_PROTO(u32 token, int status),
	     TP_ARGS(token, status)
);

/* The submitter (EXEC or WAIT) has collected a job. */
DEFINE_EVENT(nvsim_job_status, nvsim_job_collect,
	     TP_PROTO(u32 token, int status),
	     TP_ARGS(token, status)
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nvsim_trace
#include <trace/define_trace.h>
