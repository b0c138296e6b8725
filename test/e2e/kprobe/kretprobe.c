// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobe — two kretprobes registered as an array (register_kretprobes),
 * each on a function every process enters, with an entry handler and a
 * per-instance data area as samples/kprobes/kretprobe_example.c writes
 * one.  A user build runs a kretprobe registered alone
 * (test/e2e/kretprobe); an array has no undo pair, so it is refused
 * (-EOPNOTSUPP, named in the kernel log) and module_init fails cleanly
 * (refused.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
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

static struct kretprobe open_rp = {
	.kp.symbol_name = "do_sys_openat2",
	.entry_handler = entry_handler,
	.handler = ret_handler,
	.data_size = sizeof(struct stamp),
	.maxactive = 20,
};

static struct kretprobe clone_rp = {
	.kp.symbol_name = "kernel_clone",
	.entry_handler = entry_handler,
	.handler = ret_handler,
	.data_size = sizeof(struct stamp),
	.maxactive = 20,
};

static struct kretprobe *rps[] = { &open_rp, &clone_rp };

static int __init kretprobe_init(void)
{
	int ret = register_kretprobes(rps, ARRAY_SIZE(rps));

	if (ret < 0) {
		pr_err("register_kretprobes failed: %d\n", ret);
		return ret;
	}
	return 0;
}

static void __exit kretprobe_exit(void)
{
	unregister_kretprobes(rps, ARRAY_SIZE(rps));
}

module_init(kretprobe_init);
module_exit(kretprobe_exit);
MODULE_LICENSE("GPL");
