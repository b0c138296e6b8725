// SPDX-License-Identifier: GPL-2.0
/* A static variable declared in a function whose initializer holds kernel
 * addresses, as every tracepoint call's __ADDRESSABLE() declares one
 * (tun.c's trace_xdp_exception()): like every function's static it is
 * defined at file scope (peek__j), so the generated init relocates it as
 * it does the module's globals. */
#include <linux/module.h>
#include <linux/jiffies.h>

struct owner {
	const char *name;
	struct module *mod;
};

static unsigned long peek(void)
{
	static volatile unsigned long *j = &jiffies;
	static const struct owner own = { "peek", THIS_MODULE };

	return *j + (own.mod != NULL);
}

static int __init slr_init(void)
{
	return peek() == 0;
}

module_init(slr_init);
MODULE_LICENSE("GPL");
