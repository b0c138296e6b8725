// SPDX-License-Identifier: GPL-2.0
/*
 * The pending queue: every upcall the kernel does not wait for in place
 * -- a stolen packet (nfq.c), a target's packet (xttarget.c), a match asked
 * ahead (xtmatch.c), an hrtimer answered late (hrtimer.c), an async call
 * (upcall.c) -- waits on dusk_sess.pending until one of three things ends
 * it: the program's REPLY (upcall.c), expiry after nf_timeout_ms, or
 * teardown.  Whoever takes an upcall off the list ends it, once, by its
 * kind (dusk_pending_end()); the failure policy answers when the program
 * did not.
 *
 * An upcall may be busy: a nested call of the program's runs on it
 * (blocking.c pins it) and may still use what ending it frees (the stolen
 * sk_buff).  Taking it off the list then only marks it; the last nested
 * call ends it (dusk_pending_unpin()).
 *
 * Locking: dusk_sess.qlock guards the list, npending and each upcall's
 * busy/ended state.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

/**
 * dusk_pending_add() - publish @n upcalls on the pending list, all or none.
 * @ps: the upcalls; one whose ctx is 0 gets the next CTX here, under the
 *      lock, so that CTX order is list order (dusk_async_wait() relies on it).
 * @ctx: NULL, or where to store the CTX of @ps[0].
 *
 * Once listed, an upcall may be ended and freed at any time (its REPLY,
 * expiry, teardown): the caller reads nothing of it afterwards (its CTX
 * comes back in *@ctx) and takes it back only with dusk_pending_unlink().
 * Context: any but hardirq; takes qlock.
 * Return: 0; -ENOTCONN when no session is alive; -ENOBUFS when queue_max
 * upcalls would be exceeded (counted in QUEUE_FULL).
 */
int dusk_pending_add(struct dusk_pending **ps, u32 n, u64 *ctx)
{
	unsigned long flags;
	u32 i;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	if (!dusk_sess.alive) {
		spin_unlock_irqrestore(&dusk_sess.qlock, flags);
		return -ENOTCONN;
	}
	if (dusk_sess.npending + n > READ_ONCE(dusk_queue_max)) {
		dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		spin_unlock_irqrestore(&dusk_sess.qlock, flags);
		return -ENOBUFS;
	}
	for (i = 0; i < n; i++) {
		if (!ps[i]->ctx)
			ps[i]->ctx = dusk_sess.next_ctx++;
		list_add_tail(&ps[i]->node, &dusk_sess.pending);
	}
	dusk_sess.npending += n;
	if (ctx)
		*ctx = ps[0]->ctx;
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	/* schedule, not mod: an earlier expiry must not be pushed back; the
	 * expiry work re-arms for the oldest left. */
	schedule_delayed_work(&dusk_sess.expire,
			      msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms)) + 1);
	return 0;
}

/**
 * dusk_pending_ctx() - reserve @n consecutive CTXs for upcalls whose
 * messages are built before they are published (dusk_pending_add()).
 * Context: any but hardirq; takes qlock.
 * Return: the first of them.
 */
u64 dusk_pending_ctx(u32 n)
{
	unsigned long flags;
	u64 ctx;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	ctx = dusk_sess.next_ctx;
	dusk_sess.next_ctx += n;
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	return ctx;
}

/**
 * dusk_pending_next_ctx() - the CTX the next upcall will get: every upcall
 * raised so far has a lower one.
 * Context: any but hardirq; takes qlock.
 */
u64 dusk_pending_next_ctx(void)
{
	u64 ctx;

	spin_lock_bh(&dusk_sess.qlock);
	ctx = dusk_sess.next_ctx;
	spin_unlock_bh(&dusk_sess.qlock);
	return ctx;
}

/**
 * dusk_pending_oldest_ctx() - the lowest CTX of the upcalls still waiting
 * for the live program, or U64_MAX when none does.
 * Context: any but hardirq; takes qlock.
 */
u64 dusk_pending_oldest_ctx(void)
{
	struct dusk_pending *p;
	u64 oldest = U64_MAX;

	spin_lock_bh(&dusk_sess.qlock);
	if (dusk_sess.alive)
		list_for_each_entry(p, &dusk_sess.pending, node)
			oldest = min(oldest, p->ctx);
	spin_unlock_bh(&dusk_sess.qlock);
	return oldest;
}

/**
 * dusk_pending_steal() - publish the stolen packet @p and send its upcall
 * @msg (built for p->ctx, its genetlink header @hdr).
 *
 * Once published, expiry or teardown may resume the packet at once.
 * Context: softirq or process context with BH disabled; takes qlock.
 * Return: true when the packet is the program's (the hook returns
 * NF_STOLEN); false when it never reached the program (@msg is freed,
 * QUEUE_FULL counted when the program's socket was full) and the caller
 * still owns @p and its queue entry.
 */
bool dusk_pending_steal(struct dusk_pending *p, struct sk_buff *msg, void *hdr)
{
	if (dusk_pending_add(&p, 1, NULL)) {
		nlmsg_free(msg);
		return false;
	}
	if (!dusk_upcall_send(msg, hdr))
		return true;
	if (!dusk_pending_unlink(p, -EAGAIN, 0))
		return true;	/* ended by teardown or expiry, or will be */
	dusk_count(DUSK_STAT_QUEUE_FULL, 1);	/* the program's socket is full */
	return false;
}

/**
 * dusk_pending_free() - forget a finished async upcall, releasing what it
 * holds.
 * Context: process, or any when it holds nothing.
 */
void dusk_pending_free(struct dusk_pending *p)
{
	if (p->pins)
		dusk_pins_drop(p->pins);
	kfree(p);
}

/**
 * dusk_pending_end() - end upcall @p, off the pending list and not busy:
 * resume its packet, resolve its synchronous wait, or forget it.
 * @err: 0 with the program's answer @ret, or why it ends without one (the
 *       failure policy answers).
 * Context: process, no dusk lock held.
 */
void dusk_pending_end(struct dusk_pending *p, int err, u64 ret)
{
	switch (p->kind) {
	case DUSK_PENDING_NF:
		dusk_nf_finish(p, err ? dusk_policy_verdict() : (u32)ret);
		break;
	case DUSK_PENDING_XT_TARGET:
		dusk_xt_target_end(p, err, ret);
		break;
	case DUSK_PENDING_XT:
	case DUSK_PENDING_HRTIMER:
	case DUSK_PENDING_LATE:
		dusk_sync_resolve(p, err, ret);
		break;
	default:
		/* a UDP tunnel's encap_rcv answered the packet is not its
		 * own: no longer the module's (skbhand.c) */
		if (p->sync && !err && (int)ret)
			dusk_skbh_given_back(p->sync);
		dusk_pending_free(p);
		dusk_async_wake();
	}
}

/**
 * dusk_pending_take() - take @p off the pending list; may the caller end
 * it now?
 *
 * Not while a nested call of the program's runs on it: the stub may still
 * use the sk_buff that resuming the packet would free.  Then the last such
 * call ends it, as @err and @ret say (dusk_pending_unpin()).
 * Context: caller holds qlock.
 */
bool dusk_pending_take(struct dusk_pending *p, int err, u64 ret)
{
	lockdep_assert_held(&dusk_sess.qlock);
	list_del(&p->node);
	dusk_sess.npending--;
	if (!p->busy)
		return true;
	p->ended = true;
	p->end_err = err;
	p->end_ret = ret;
	return false;
}

/**
 * dusk_pending_unlink() - take @p off the pending list if it is still
 * there.
 * Context: any; takes qlock.
 * Return: true if it was there and the caller may end it now; a busy one
 * is ended later as @err and @ret say (dusk_pending_take()).
 */
bool dusk_pending_unlink(struct dusk_pending *p, int err, u64 ret)
{
	struct dusk_pending *it;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	list_for_each_entry(it, &dusk_sess.pending, node) {
		if (it == p) {
			found = dusk_pending_take(p, err, ret);
			break;
		}
	}
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	return found;
}

/**
 * dusk_pending_unpin() - a nested call on @p (pinned by dusk_waiter_post())
 * is done; the last one ends @p if it left the list meanwhile.
 * Context: process, no dusk lock held.
 */
void dusk_pending_unpin(struct dusk_pending *p)
{
	unsigned long flags;
	bool end;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	end = !--p->busy && p->ended;
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	if (end)
		dusk_pending_end(p, p->end_err, p->end_ret);
}

/*
 * Take @p off the pending list onto @list, to be ended by the failure
 * policy, unless a nested call runs on it (it ends it then).
 * Context: caller holds qlock.
 */
static void dusk_pending_take_failed(struct dusk_pending *p, struct list_head *list)
{
	if (dusk_pending_take(p, -ETIMEDOUT, 0))
		list_add_tail(&p->node, list);
}

/* Resume or forget every pending upcall in @list by the failure policy. */
static void dusk_pending_fail(struct list_head *list)
{
	struct dusk_pending *p, *tmp;

	list_for_each_entry_safe(p, tmp, list, node) {
		list_del(&p->node);
		dusk_pending_end(p, -ETIMEDOUT, 0);
	}
}

/* Release every waiting upcall by the policy, or only the stolen packets. */
static void dusk_pending_flush_some(bool packets)
{
	struct dusk_pending *p, *tmp;
	LIST_HEAD(list);

	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry_safe(p, tmp, &dusk_sess.pending, node)
		if (!packets || p->kind == DUSK_PENDING_NF)
			dusk_pending_take_failed(p, &list);
	spin_unlock_bh(&dusk_sess.qlock);
	dusk_pending_fail(&list);
}

/**
 * dusk_pending_flush() - release every waiting upcall by the policy.
 * Context: process, no dusk lock needed.
 */
void dusk_pending_flush(void)
{
	dusk_pending_flush_some(false);
}

/**
 * dusk_pending_flush_packets() - resume every packet a hook stole that
 * still waits, by the policy (the hooks are about to go).
 * Context: process, no dusk lock needed.
 */
void dusk_pending_flush_packets(void)
{
	dusk_pending_flush_some(true);
}

/**
 * dusk_pending_expire() - work item: release the upcalls whose
 * nf_timeout_ms passed (the program is slow, stopped in gdb, or gone),
 * then re-arm for the oldest one left.  A handed-over packet's upcall
 * holding pins (skbhand.c) is not released: the program may run its
 * handler whenever it resumes.
 */
void dusk_pending_expire(struct work_struct *work)
{
	struct dusk_pending *p, *tmp;
	unsigned long next = 0;
	LIST_HEAD(list);
	u64 n = 0;

	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry_safe(p, tmp, &dusk_sess.pending, node) {
		/* Its handler may still run in the program with what it
		 * pins: only the answer or teardown ends it. */
		if (p->pins)
			continue;
		if (time_before(jiffies, p->deadline)) {
			next = p->deadline;
			break;
		}
		dusk_pending_take_failed(p, &list);
		n++;
	}
	spin_unlock_bh(&dusk_sess.qlock);
	dusk_count(DUSK_STAT_TIMEOUTS, n);
	dusk_pending_fail(&list);
	if (next)
		schedule_delayed_work(&dusk_sess.expire, next - jiffies + 1);
}
