// SPDX-License-Identifier: GPL-2.0
/* Golden: a helper the module exports to other modules (external linkage,
 * EXPORT_SYMBOL) and never calls itself.  The program has no importers:
 * the function is kept, static like every kept function, and marked
 * unused, so the program builds -Wall -Werror clean as the .ko does. */
#include <linux/module.h>

int expfn_scale(int v, int by)
{
	return v * by;
}
EXPORT_SYMBOL_GPL(expfn_scale);

static int __init expfn_init(void)
{
	return 0;
}

module_init(expfn_init);
MODULE_LICENSE("GPL");
