// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: inline assembly that is not in the table of kernel
 * primitives is reported with its line, never translated. */
#include <linux/module.h>

static int __init ia_init(void)
{
	unsigned long flags;

	asm volatile("pushf; pop %0" : "=r"(flags));
	return flags & 1;
}

module_init(ia_init);
MODULE_LICENSE("GPL");
