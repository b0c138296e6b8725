// SPDX-License-Identifier: GPL-2.0
/*
 * kpsym: printk's symbol conversions of the module's own code.  %ps of a
 * module function prints "helper_fn [kpsym]" and %pS of an address inside
 * one "helper_fn+0x4/0x.. [kpsym]"; kernel addresses print as the kernel's
 * symbols.  Symbol sizes differ between builds: the module cuts them out
 * of what snprintf() gave before printing it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

static noinline int helper_fn(int x)
{
	return x * 3 + 1;
}

static int (*hook)(int) = helper_fn;

/* "name+0xOFF/0xSIZE [mod]" -> "name+0xOFF [mod]" */
static void cut_size(char *s)
{
	char *slash = strchr(s, '/'), *sp;

	if (!slash)
		return;
	sp = strchr(slash, ' ');
	memmove(slash, sp ? sp : slash + strlen(slash), strlen(sp ? sp : slash) + 1);
}

static int __init kpsym_init(void)
{
	char buf[128];

	pr_info("ps %ps\n", helper_fn);
	pr_info("ps through a pointer %ps = %d\n", hook, hook(2));
	pr_info("two %ps and %ps, 100%% %s\n", kpsym_init, helper_fn, "done");
	pr_info("padded [%-20ps] [%20ps]\n", helper_fn, helper_fn);
	pr_info("kernel %ps\n", kfree);
	snprintf(buf, sizeof(buf), "%pS", (void *)helper_fn + 4);
	cut_size(buf);
	pr_info("pS %s\n", buf);
	snprintf(buf, sizeof(buf), "%pB", (void *)helper_fn + 5);
	cut_size(buf);
	pr_info("pB %s\n", buf);
	snprintf(buf, sizeof(buf), "%pSR", (void *)helper_fn);
	cut_size(buf);
	pr_info("pSR %s\n", buf);
	snprintf(buf, sizeof(buf), "%pS", (void *)kfree);
	cut_size(buf);
	pr_info("kernel pS %s\n", buf);
	return 0;
}

static void __exit kpsym_exit(void)
{
	pr_info("exit %ps\n", kpsym_exit);
}

module_init(kpsym_init);
module_exit(kpsym_exit);
MODULE_LICENSE("GPL");
