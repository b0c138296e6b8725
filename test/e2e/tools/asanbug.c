// SPDX-License-Identifier: GPL-2.0
/*
 * asanbug — writes one element past the end of its own global table when
 * slot=4 is given: a bug the kernel build does not notice (the write lands
 * in whatever the linker put next) and the user build, compiled with
 * `dusk-build --sanitize=address`, has AddressSanitizer report with this
 * file's line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

static int slot;
module_param(slot, int, 0444);
MODULE_PARM_DESC(slot, "the table entry module_init sets (4: one past the end)");

static int asanbug_table[4];

static int __init asanbug_init(void)
{
	asanbug_table[slot] = 1;	/* ASAN-LINE: slot=4 overflows the table */
	pr_info("table[%d] set\n", slot);
	return 0;
}

static void __exit asanbug_exit(void)
{
	pr_info("unloaded\n");
}

module_init(asanbug_init);
module_exit(asanbug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An overflow of a module global, for the ASan test");
