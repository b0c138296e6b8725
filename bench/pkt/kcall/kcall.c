// SPDX-License-Identifier: GPL-2.0
/*
 * kcall - the kernel-call benchmark module: its init times N calls of a
 * cheap exported kernel function (nothing to write back), then N rounds of
 * a call followed by an 8-byte read of a kernel variable (in the user build
 * the call ends the epoch, so every read is a READ round trip), and prints
 * the cost of each in ns.  The kernel build gives the native costs; the
 * user build the cost of a CALL and of a READ through DUSK.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/timekeeping.h>

static unsigned int n = 2000;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "iterations of each loop");

static unsigned long kcall_sink;

static int __init kcall_init(void)
{
	unsigned long acc = 0;
	unsigned int i;
	u64 t0, t1, t2;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		acc += jiffies_to_msecs(i);
	t1 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		acc += jiffies_to_msecs(i);
		acc += READ_ONCE(jiffies);
	}
	t2 = ktime_get_ns();
	kcall_sink = acc;
	pr_info("call_ns %llu read_ns %llu\n", (t1 - t0) / n,
		((t2 - t1) - (t1 - t0)) / n);
	return 0;
}

static void __exit kcall_exit(void)
{
}

module_init(kcall_init);
module_exit(kcall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK benchmark: cost of a kernel call and of a kernel read");
