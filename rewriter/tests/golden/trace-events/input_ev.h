/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM golden_ev

#if !defined(_GOLDEN_EV_H) || defined(TRACE_HEADER_MULTI_READ)
#define _GOLDEN_EV_H

#include <linux/tracepoint.h>

TRACE_EVENT(golden_tick,
	TP_PROTO(int n, const char *what),
	TP_ARGS(n, what),
	TP_STRUCT__entry(
		__field(int, n)
		__string(what, what)
	),
	TP_fast_assign(
		__entry->n = n;
		__assign_str(what, what);
	),
	TP_printk("n=%d what=%s", __entry->n, __get_str(what))
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE input_ev
#include <trace/define_trace.h>
