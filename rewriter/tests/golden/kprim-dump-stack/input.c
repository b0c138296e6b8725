// SPDX-License-Identifier: GPL-2.0
/* dump_stack() in a module's sanity check: the kernel's would show the
 * kernel stack of the program's request (generic netlink), nothing of the
 * module; the user-level primitive puts the program's own frames in the
 * kernel log. */
#include <linux/module.h>
#include <linux/printk.h>

static int ds_depth = 3;

static void ds_check(int v)
{
	if (v > ds_depth)
		dump_stack();
}

static int __init ds_init(void)
{
	ds_check(4);
	return 0;
}

module_init(ds_init);
MODULE_LICENSE("GPL");
