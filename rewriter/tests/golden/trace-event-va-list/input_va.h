/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM golden_va

#if !defined(_GOLDEN_VA_H) || defined(TRACE_HEADER_MULTI_READ)
#define _GOLDEN_VA_H

#include <linux/tracepoint.h>

TRACE_EVENT(golden_vmsg,
	TP_PROTO(const char *fmt, va_list *va),
	TP_ARGS(fmt, va),
	TP_STRUCT__entry(
		__vstring(msg, fmt, va)
	),
	TP_fast_assign(
		__assign_vstr(msg, fmt, va);
	),
	TP_printk("%s", __get_str(msg))
);

#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE input_va
#include <trace/define_trace.h>
