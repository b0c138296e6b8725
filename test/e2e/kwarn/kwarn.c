// SPDX-License-Identifier: GPL-2.0
/*
 * kwarn: the kernel's complaint macros.  Each WARN reports in the kernel
 * log as "WARNING: ... at FILE:LINE FUNCTION" after a cut line and is
 * closed by an end-of-trace line; a WARN_ON_ONCE() site reports once
 * (x86 keeps that flag in the site's bug table entry, not in the module),
 * a WARN_ONCE() prints its message once.  test.sh counts the reports per
 * source line (the line numbers below are its).  dump_stack() shows the
 * module's own frames (the user build's, not its kernel call's).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/printk.h>

static noinline int kwarn_check(int v)
{
	int n = 0;

	n += WARN_ON(v > 1);					/* line 20 */
	n += WARN_ON_ONCE(v > 1);				/* line 21 */
	n += WARN_ONCE(v > 1, "kwarn: %d over 1\n", v);		/* line 22 */
	if (v == 3)
		dump_stack();
	return n;
}

static int __init kwarn_init(void)
{
	int v, n = 0;

	for (v = 0; v < 4; v++)
		n += kwarn_check(v);
	pr_info("conditions true %d\n", n);
	return 0;
}

static void __exit kwarn_exit(void)
{
	pr_info("exit\n");
}

module_init(kwarn_init);
module_exit(kwarn_exit);
MODULE_LICENSE("GPL");
