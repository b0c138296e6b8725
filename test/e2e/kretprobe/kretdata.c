// SPDX-License-Identifier: GPL-2.0
/*
 * kretdata — two kretprobes on __x64_sys_sethostname(), which only the
 * scenario calls, for what kretprobe_example.c does not show:
 *
 *  - skip_rp: an entry_handler that numbers the calls and skips every
 *    second one (answers 1: the kernel runs no return handler for it),
 *    and writes the call's number into the instance's data area for the
 *    return handler, which prints it with the return value and whether
 *    get_kretprobe() names this kretprobe;
 *  - plain_rp: a return handler alone, which counts the returns and sums
 *    their values (printed at exit: its lines would interleave with the
 *    other's differently from run to run).
 *
 * In the user build both run late in the program: the entry_handler on a
 * copy of the instance lent to it, the return handler after the entry
 * handler's answer on what it wrote, or not at all (dusk-kmod/core/
 * kretprobe.c, docs/kapi.md "Synchronous callbacks").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>

#define CALL_MAGIC 0x6b726574

struct call {
	int seq;
	u32 magic;
};

static atomic_t entries = ATOMIC_INIT(0);
static atomic_t plain_returns = ATOMIC_INIT(0);
static atomic_long_t plain_sum = ATOMIC_LONG_INIT(0);
static struct kretprobe skip_rp;

static int skip_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call *c = (struct call *)ri->data;
	int seq = atomic_inc_return(&entries);

	if (seq % 2 == 0)
		return 1;	/* this call gets no return handler */
	c->seq = seq;
	c->magic = CALL_MAGIC;
	return 0;
}

static int skip_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct call *c = (struct call *)ri->data;

	pr_info("call %d returned %ld, data %s, kretprobe ok %d\n", c->seq,
		(long)regs_return_value(regs), c->magic == CALL_MAGIC ? "ok" : "lost",
		get_kretprobe(ri) == &skip_rp);
	c->magic = 0;	/* the instance reused must not look written */
	return 0;
}

static int plain_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_inc(&plain_returns);
	atomic_long_add((long)regs_return_value(regs), &plain_sum);
	return 0;
}

static struct kretprobe skip_rp = {
	.kp.symbol_name = "__x64_sys_sethostname",
	.entry_handler = skip_entry,
	.handler = skip_return,
	.data_size = sizeof(struct call),
	.maxactive = 4,
};

static struct kretprobe plain_rp = {
	.kp.symbol_name = "__x64_sys_sethostname",
	.handler = plain_return,
};

static int __init kretdata_init(void)
{
	int ret = register_kretprobe(&skip_rp);

	if (ret < 0) {
		pr_err("register_kretprobe skip_rp failed: %d\n", ret);
		return ret;
	}
	ret = register_kretprobe(&plain_rp);
	if (ret < 0) {
		pr_err("register_kretprobe plain_rp failed: %d\n", ret);
		unregister_kretprobe(&skip_rp);
		return ret;
	}
	pr_info("planted two kretprobes at %s\n", skip_rp.kp.symbol_name);
	return 0;
}

static void __exit kretdata_exit(void)
{
	unregister_kretprobe(&plain_rp);
	unregister_kretprobe(&skip_rp);
	pr_info("entries %d, plain returns %d summing %ld, missed %d and %d\n",
		atomic_read(&entries), atomic_read(&plain_returns), atomic_long_read(&plain_sum),
		skip_rp.nmissed, plain_rp.nmissed);
}

module_init(kretdata_init);
module_exit(kretdata_exit);
MODULE_LICENSE("GPL");
