// SPDX-License-Identifier: GPL-2.0
/* A module's own trace events (CREATE_TRACE_POINTS before its trace
 * header): the kmod defines them as the module does, so the kernel
 * registers them, and the program's trace_NAME() reaches the tracepoint,
 * its static call's key and trampoline as kernel symbols (not another
 * module's exports); trace_set_clr_event() is declared in the kmod. */
#include <linux/module.h>
#include <linux/kernel.h>

#define CREATE_TRACE_POINTS
#include "input_ev.h"

static int __init golden_init(void)
{
	int err = trace_set_clr_event("golden_ev", "golden_tick", 1);

	trace_golden_tick(err, "init");
	return trace_golden_tick_enabled() ? 0 : -ENODEV;
}

static void __exit golden_exit(void)
{
	trace_set_clr_event("golden_ev", "golden_tick", 0);
}

module_init(golden_init);
module_exit(golden_exit);
MODULE_LICENSE("GPL");
