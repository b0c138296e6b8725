// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe — a kprobe on kernel_clone() as samples/kprobes/kprobe_example.c
 * writes one: a pre_handler and a post_handler that print what they see.
 * Only forks of the scenario's own script ("kpfork") are printed and
 * counted, and only what is the same in every run: the probe's name, the
 * task's name, where regs->ip stands from the probe's address, whether
 * smp_processor_id() names a CPU; the counts and misses at exit.
 *
 * A kprobe's handlers must be done when they return, where the probed
 * function runs.  In the user build the kmod answers 0 at once and the
 * handlers run later in the program on a copy of the registers, with
 * `current` and smp_processor_id() the probed context's
 * (dusk-kmod/core/kprobe.c, docs/kapi.md "Synchronous callbacks").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>

static atomic_t pre_hits = ATOMIC_INIT(0);
static atomic_t post_hits = ATOMIC_INIT(0);

static bool ours(void)
{
	return !strcmp(current->comm, "kpfork");
}

static int __kprobes handler_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (!ours())
		return 0;
	pr_info("<%s> p->symbol_name = %s, pre_handler: ip - addr = %ld, cpu ok %d\n",
		current->comm, p->symbol_name, (long)(regs->ip - (unsigned long)p->addr),
		smp_processor_id() < nr_cpu_ids);
	atomic_inc(&pre_hits);
	return 0;
}

static void __kprobes handler_post(struct kprobe *p, struct pt_regs *regs,
				   unsigned long flags)
{
	if (!ours())
		return;
	pr_info("<%s> p->symbol_name = %s, post_handler: flags 0x%lx, args given %d\n",
		current->comm, p->symbol_name, flags, regs->di != 0);
	atomic_inc(&post_hits);
}

static struct kprobe kp = {
	.symbol_name = "kernel_clone",
	.pre_handler = handler_pre,
	.post_handler = handler_post,
};

/*
 * A symbol's address found the way modules find unexported ones: a kprobe
 * on the stack registered, its address read, unregistered in the same
 * frame.  The user build once handed unregister_kprobe() another mirror
 * than register_kprobe() got: the probe stayed planted until the program
 * ended (the test reads the kprobes list meanwhile).
 */
static unsigned long symbol_address(const char *name)
{
	struct kprobe probe = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&probe) < 0)
		return 0;
	addr = (unsigned long)probe.addr;
	unregister_kprobe(&probe);
	return addr;
}

static int __init kprobe_init(void)
{
	int ret;

	pr_info("kallsyms_lookup_name found %d\n", symbol_address("kallsyms_lookup_name") != 0);
	ret = register_kprobe(&kp);

	if (ret < 0) {
		pr_err("register_kprobe failed: %d\n", ret);
		return ret;
	}
	pr_info("planted kprobe at %s, address known %d\n", kp.symbol_name, kp.addr != NULL);
	return 0;
}

static void __exit kprobe_exit(void)
{
	unregister_kprobe(&kp);
	pr_info("kprobe at %s unregistered: pre %d, post %d, missed %lu\n", kp.symbol_name,
		atomic_read(&pre_hits), atomic_read(&post_hits), kp.nmissed);
}

module_init(kprobe_init);
module_exit(kprobe_exit);
MODULE_LICENSE("GPL");
