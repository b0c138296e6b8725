// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe — a kprobe on kernel_clone() that counts forks, as tutorials
 * write one; the count is logged at exit.
 *
 * A kprobe's pre_handler runs in the probed function's context and must
 * answer at once; a user build cannot run it.  The user build's
 * register_kprobe() is refused (-EOPNOTSUPP, named in the kernel log), so
 * its module_init fails cleanly, where the kernel once resumed
 * kernel_clone() one byte in and oopsed (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>

static atomic_t forks = ATOMIC_INIT(0);

static int fork_pre(struct kprobe *p, struct pt_regs *regs)
{
	atomic_inc(&forks);
	return 0;
}

static struct kprobe kp = {
	.symbol_name = "kernel_clone",
	.pre_handler = fork_pre,
};

static int __init kprobe_init(void)
{
	int ret = register_kprobe(&kp);

	if (ret < 0) {
		pr_err("register_kprobe failed: %d\n", ret);
		return ret;
	}
	pr_info("planted on %s\n", kp.symbol_name);
	return 0;
}

static void __exit kprobe_exit(void)
{
	unregister_kprobe(&kp);
	pr_info("exit: forks %s\n", atomic_read(&forks) ? "counted" : "none");
}

module_init(kprobe_init);
module_exit(kprobe_exit);
MODULE_LICENSE("GPL");
