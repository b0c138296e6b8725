// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobe — a kretprobe on do_sys_openat2() with an entry handler and a
 * per-instance data area, as samples/kprobes/kretprobe_example.c writes
 * one.  Its handlers share the instance's data between the function's
 * entry and its return; the user build does not run them yet: its
 * register_kretprobe() is refused (-EOPNOTSUPP, named in the kernel log),
 * so module_init fails cleanly (refused.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>

struct stamp {
	ktime_t entry;
};

static int entry_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	((struct stamp *)ri->data)->entry = ktime_get();
	return 0;
}

static int ret_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return ktime_get() < ((struct stamp *)ri->data)->entry;
}

static struct kretprobe rp = {
	.kp.symbol_name = "do_sys_openat2",
	.entry_handler = entry_handler,
	.handler = ret_handler,
	.data_size = sizeof(struct stamp),
	.maxactive = 20,
};

static int __init kretprobe_init(void)
{
	int ret = register_kretprobe(&rp);

	if (ret < 0) {
		pr_err("register_kretprobe failed: %d\n", ret);
		return ret;
	}
	return 0;
}

static void __exit kretprobe_exit(void)
{
	unregister_kretprobe(&rp);
}

module_init(kretprobe_init);
module_exit(kretprobe_exit);
MODULE_LICENSE("GPL");
