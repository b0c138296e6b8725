// SPDX-License-Identifier: GPL-2.0
/* A module function whose name looks like module_param's type check
 * (lib/test_xarray.c's `__check_store_iter`): it is the module's own code,
 * not moduleparam.h's `__check_NAME`, and must not become a kernel stub. */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

static int depth = 2;
module_param(depth, int, 0444);

static noinline int __check_range(int lo, int hi)
{
	return lo <= depth && depth <= hi;
}

static int __init ocn_init(void)
{
	pr_info("ocn: %d\n", __check_range(0, 4));
	return 0;
}

static void __exit ocn_exit(void)
{
}

module_init(ocn_init);
module_exit(ocn_exit);
MODULE_LICENSE("GPL");
