// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel call must return in the context it was made in.
 *
 * In a .ko, a kernel function may return in atomic context and leave the
 * matching call to end it: ring_buffer_lock_reserve() returns with
 * preemption off until ring_buffer_unlock_commit(), a fast socket lock
 * with bottom halves off.  In a user build those are two CALLs, and
 * between them the thread goes back to user space: with preemption off its
 * next page fault is a bad access (SIGSEGV) and the dying task's core dump
 * sleeps, "BUG: scheduling while atomic" (second probe round of the
 * thirteenth session).  No user program may leave the kernel like that.
 *
 * So every stub call is bracketed: what it left changed (the preemption
 * count, softirq-disable depth, interrupts, the RCU read depth) is put back
 * before the thread leaves, the call is named in the kernel log, and the
 * CALL fails with -ENOTRECOVERABLE: the program stops with that message
 * and its session ends.  A held spinlock cannot be given back this way;
 * calls known to take one (__lock_sock_fast()) are run another way
 * instead (klock.c).
 */
#include <linux/bottom_half.h>
#include <linux/preempt.h>
#include "dusk-core.h"

/** dusk_callctx_save() - note the context a kernel call is made in. */
void dusk_callctx_save(struct dusk_callctx *x)
{
	x->preempt = preempt_count();
	x->irqs_off = irqs_disabled();
	x->rcu = rcu_preempt_depth();
}

static bool dusk_callctx_same(const struct dusk_callctx *a, const struct dusk_callctx *b)
{
	return a->preempt == b->preempt && a->irqs_off == b->irqs_off && a->rcu == b->rcu;
}

/*
 * Put @was back, innermost first: interrupts (local_bh_enable() must not
 * run with them off), then RCU, softirqs, preemption.  A count the call
 * lowered (an unpaired unlock) is raised again: the code that counts on it
 * runs after the CALL.
 */
static void dusk_callctx_restore(const struct dusk_callctx *was)
{
	if (irqs_disabled() && !was->irqs_off)
		local_irq_enable();
	while (rcu_preempt_depth() > was->rcu)
		rcu_read_unlock();
	while (rcu_preempt_depth() < was->rcu)
		rcu_read_lock();
	while ((preempt_count() & SOFTIRQ_MASK) >= (was->preempt & SOFTIRQ_MASK) +
						   SOFTIRQ_DISABLE_OFFSET)
		local_bh_enable();
	while ((preempt_count() & SOFTIRQ_MASK) < (was->preempt & SOFTIRQ_MASK))
		local_bh_disable();
	while ((preempt_count() & PREEMPT_MASK) > (was->preempt & PREEMPT_MASK))
		preempt_enable();
	while ((preempt_count() & PREEMPT_MASK) < (was->preempt & PREEMPT_MASK))
		preempt_disable();
}

/**
 * dusk_callctx_check() - did the call of @fn return in the context @was?
 *
 * Context: right after the call, on the thread that made it.
 * Return: 0, or -ENOTRECOVERABLE when it did not (the context is put back).
 */
int dusk_callctx_check(const char *fn, const struct dusk_callctx *was)
{
	struct dusk_callctx now;

	dusk_callctx_save(&now);
	if (likely(dusk_callctx_same(&now, was)))
		return 0;
	dusk_callctx_restore(was);
	pr_err("%s: %s returned in atomic context (preempt_count %#x -> %#x, irqs %s -> %s, RCU depth %d -> %d): a user build cannot run on in it; context restored, the program is stopped\n",
	       dusk_family.name, fn, was->preempt, now.preempt, was->irqs_off ? "off" : "on",
	       now.irqs_off ? "off" : "on", was->rcu, now.rcu);
	return -ENOTRECOVERABLE;
}
