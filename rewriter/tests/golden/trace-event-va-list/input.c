// SPDX-License-Identifier: GPL-2.0
/* A module's trace event taking a `va_list *` (samples/trace_events'
 * foo_bar): the probe's type reaches the program canonical, with the
 * compiler's own va_list record (`struct __va_list_tag (*)[1]`), a tag gcc
 * cannot name; it is spelled through __builtin_va_list. */
#include <linux/module.h>
#include <linux/kernel.h>

#define CREATE_TRACE_POINTS
#include "input_va.h"

static void golden_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	trace_golden_vmsg(fmt, &ap);
	va_end(ap);
}

static int __init golden_init(void)
{
	golden_log("init %d", 1);
	return 0;
}

static void __exit golden_exit(void)
{
}

module_init(golden_init);
module_exit(golden_exit);
MODULE_LICENSE("GPL");
