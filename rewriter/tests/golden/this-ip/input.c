// SPDX-License-Identifier: GPL-2.0
/*
 * trace_printk()'s two constructs (samples/trace_printk):
 *  - x86's _THIS_IP_, `asm("lea 0(%%rip), %0" : "=r" (__here))`: the
 *    address of the call site, a label's address in the program;
 *  - a static initializer `__builtin_constant_p(fmt) ? fmt : NULL`, which
 *    gcc decides (0 for a variable fmt) and libclang leaves to code
 *    generation.
 */
#include <linux/module.h>
#include <linux/kernel.h>

char *ti_msg = "a string in a variable\n";

static int __init ti_init(void)
{
	static const char *fmt = __builtin_constant_p(ti_msg) ? ti_msg : NULL;
	static const char *lit = __builtin_constant_p("literal") ? "literal" : NULL;
	unsigned long ip = _THIS_IP_;

	pr_info("%lx %p %s\n", ip, fmt, lit);
	return 0;
}
module_init(ti_init);
MODULE_LICENSE("GPL");
