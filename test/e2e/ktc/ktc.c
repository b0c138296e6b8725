// SPDX-License-Identifier: GPL-2.0
/*
 * ktc — a tc queueing discipline ("ktcfifo", a FIFO of at most 64
 * packets) that counts what it queued; the count is logged at exit.
 *
 * A qdisc's enqueue() and dequeue() run with the qdisc lock held in
 * softirq or transmit context, wherever a device sends; so do a classifier's
 * classify() and an action's act().  A user build cannot run them: its
 * register_qdisc() is refused (-EOPNOTSUPP, named in the kernel log), so
 * module_init fails cleanly, where before the load succeeded and a qdisc
 * attached to a device would have had its enqueue() answered with an
 * error code without running, its packet leaked (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/pkt_sched.h>
#include <net/sch_generic.h>

static atomic_t queued = ATOMIC_INIT(0);

static int ktc_enqueue(struct sk_buff *skb, struct Qdisc *sch, struct sk_buff **to_free)
{
	if (unlikely(sch->q.qlen >= 64))
		return qdisc_drop(skb, sch, to_free);
	atomic_inc(&queued);
	return qdisc_enqueue_tail(skb, sch);
}

static struct sk_buff *ktc_dequeue(struct Qdisc *sch)
{
	return qdisc_dequeue_head(sch);
}

static struct Qdisc_ops ktc_qdisc_ops __read_mostly = {
	.id		= "ktcfifo",
	.priv_size	= 0,
	.enqueue	= ktc_enqueue,
	.dequeue	= ktc_dequeue,
	.peek		= qdisc_peek_head,
	.owner		= THIS_MODULE,
};

static int __init ktc_init(void)
{
	int ret = register_qdisc(&ktc_qdisc_ops);

	if (ret) {
		pr_err("register_qdisc failed: %d\n", ret);
		return ret;
	}
	pr_info("qdisc %s registered\n", ktc_qdisc_ops.id);
	return 0;
}

static void __exit ktc_exit(void)
{
	unregister_qdisc(&ktc_qdisc_ops);
	pr_info("exit: packets %s\n", atomic_read(&queued) ? "queued" : "none");
}

module_init(ktc_init);
module_exit(ktc_exit);
MODULE_LICENSE("GPL");
