// SPDX-License-Identifier: GPL-2.0
/*
 * sweepbug — a module with the two classic bugs of untested error paths:
 * the result of kstrdup() is used without a check, and when proc_create
 * fails the table is not freed.  Every run of its kernel build works, until
 * the day kstrdup() fails and the kernel oopses, or memory leaks; the
 * fault-injection sweep (dusk-run --fail-sweep) finds both, in a program
 * that crashes alone.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

static int *sweepbug_table;
static char *sweepbug_name;

static int sweepbug_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s %d\n", sweepbug_name, sweepbug_table[0]);
	return 0;
}

static int __init sweepbug_init(void)
{
	sweepbug_table = kcalloc(16, sizeof(*sweepbug_table), GFP_KERNEL);
	if (!sweepbug_table)
		return -ENOMEM;
	sweepbug_name = kstrdup("sweepbug", GFP_KERNEL);
	sweepbug_name[0] = 'S';		/* the bug: kstrdup() can fail */
	if (!proc_create_single("sweepbug", 0444, NULL, sweepbug_show)) {
		kfree(sweepbug_name);	/* the other bug: the table leaks */
		return -ENOMEM;
	}
	return 0;
}

static void __exit sweepbug_exit(void)
{
	remove_proc_entry("sweepbug", NULL);
	kfree(sweepbug_name);
	kfree(sweepbug_table);
}

module_init(sweepbug_init);
module_exit(sweepbug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("an error path no run of the kernel build takes");
