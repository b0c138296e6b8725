// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls: the kernel calls a module function that lives in the program.
 *
 * A generated proxy stands where the module's function would be; it calls
 * one of
 *   dusk_upcall_blocking()  process context: the caller sleeps until the
 *                           program's REPLY, and meanwhile runs the nested
 *                           CALLs the program sends for it (so current and
 *                           copy_to_user mean what they mean in a module);
 *   dusk_upcall_async()     atomic context, void result (timers): the
 *                           upcall is sent and the caller goes on;
 *   dusk_upcall_nf_hook()   Netfilter hooks (nfq.c): steal and reinject.
 *
 * Every upcall has a fresh CTX (never 0).  Its REPLY ends it; a blocked
 * caller also ends its wait, with an error as the callback's result, when
 * the program is silent for block_timeout_ms (-ETIMEDOUT), when the session
 * ends (-ENOTCONN) or when the caller gets a fatal signal (-EINTR).
 */
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <linux/slab.h>
#include "dusk-core.h"

/* Ranges the blocked callback may write: its pointer arguments' pointees. */
static u32 dusk_lent_len(u32 proxy, u32 i)
{
	const struct dusk_proxy_desc *d = &dusk_gen.proxies[proxy];

	return d->lent && i < d->nargs ? d->lent[i] : 0;
}

/**
 * dusk_waiter_lent() - is [addr, addr+len) lent to blocked callback @w?
 * Context: caller holds qlock.
 */
bool dusk_waiter_lent(const struct dusk_waiter *w, u64 addr, u64 len)
{
	u32 i, n;

	for (i = 0; i < w->nargs; i++) {
		n = dusk_lent_len(w->proxy, i);
		if (n && w->args[i] >= dusk_kbase() && addr >= w->args[i] &&
		    len <= n && addr - w->args[i] <= n - len)
			return true;
	}
	return false;
}

/**
 * dusk_upcall_new() - start an UPCALL message.
 * @hdr: out, the genetlink header to pass to dusk_upcall_send().
 *
 * Return: the message, or NULL when out of memory.
 */
struct sk_buff *dusk_upcall_new(u64 ctx, u32 proxy, const u64 *args, u32 nargs,
				u32 flags, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg;

	msg = genlmsg_new(NLMSG_GOODSIZE, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &dusk_family, 0, DUSK_CMD_UPCALL);
	if (!*hdr ||
	    nla_put_u64_64bit(msg, DUSK_A_CTX, ctx, DUSK_A_PAD) ||
	    nla_put_u32(msg, DUSK_A_PROXY, proxy) ||
	    nla_put(msg, DUSK_A_ARGS, nargs * sizeof(u64), args) ||
	    nla_put_u64_64bit(msg, DUSK_A_CURRENT, (u64)(uintptr_t)current, DUSK_A_PAD) ||
	    nla_put_u32(msg, DUSK_A_CPU, raw_smp_processor_id()) ||
	    nla_put_u32(msg, DUSK_A_FLAGS, flags)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * dusk_upcall_put_range() - add a LENT {ADDR, LEN} or a prefetched CHUNK
 * {ADDR, DATA} (@data true: the bytes are read with
 * copy_from_kernel_nofault; an unreadable range is skipped).
 * Return: 0 or -EMSGSIZE.
 */
int dusk_upcall_put_range(struct sk_buff *msg, int type, u64 addr, u32 len,
			  bool data)
{
	struct nlattr *nest, *d;

	nest = nla_nest_start(msg, type);
	if (!nest || nla_put_u64_64bit(msg, DUSK_A_ADDR, addr, DUSK_A_PAD))
		goto cancel;
	if (!data) {
		if (nla_put_u32(msg, DUSK_A_LEN, len))
			goto cancel;
	} else {
		d = nla_reserve(msg, DUSK_A_DATA, len);
		if (!d)
			goto cancel;
		if (copy_from_kernel_nofault(nla_data(d), (void *)(uintptr_t)addr, len)) {
			nla_nest_cancel(msg, nest);
			return 0;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
cancel:
	nla_nest_cancel(msg, nest);
	return -EMSGSIZE;
}

/**
 * dusk_upcall_send() - finish and unicast an upcall to the session's port.
 * Context: any (netlink_unicast with MSG_DONTWAIT); consumes @msg.
 * Return: 0, or -EAGAIN and friends when the program's socket is full or gone.
 */
int dusk_upcall_send(struct sk_buff *msg, void *hdr, u32 portid, struct net *net)
{
	int err;

	genlmsg_end(msg, hdr);
	err = genlmsg_unicast(net, msg, portid);
	if (!err)
		dusk_count(DUSK_STAT_UPCALLS, 1);
	return err;
}

/* Register @w as waiting: it gets its CTX.  False when no session is alive. */
static bool dusk_waiter_add(struct dusk_waiter *w, u32 *portid, struct net **net)
{
	bool alive;

	spin_lock_bh(&dusk_sess.qlock);
	alive = dusk_sess.alive;
	if (alive) {
		w->ctx = dusk_sess.next_ctx++;
		*portid = dusk_sess.portid;
		*net = dusk_sess.net;
		list_add_tail(&w->node, &dusk_sess.waiters);
	}
	spin_unlock_bh(&dusk_sess.qlock);
	return alive;
}

static void dusk_waiter_del(struct dusk_waiter *w)
{
	spin_lock_bh(&dusk_sess.qlock);
	list_del(&w->node);
	if (list_empty(&dusk_sess.waiters))
		wake_up_all(&dusk_sess.waiters_gone);
	spin_unlock_bh(&dusk_sess.qlock);
}

/**
 * dusk_waiters_wake_all() - wake every blocked caller (the session died).
 * Context: any.
 */
void dusk_waiters_wake_all(void)
{
	struct dusk_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	list_for_each_entry(w, &dusk_sess.waiters, node)
		wake_up(&w->wq);
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
}

/**
 * dusk_waiter_post() - hand nested call @c to the upcall @ctx.
 *
 * Context: process, the program's request.
 * Return: 0 when a blocked caller took it (wait for c->done), 1 when @ctx
 * is a live upcall from atomic context (run @c in place), -ESRCH when no
 * live upcall has that CTX, -EBUSY when the caller already runs one.
 */
int dusk_waiter_post(u64 ctx, struct dusk_call *c)
{
	struct dusk_waiter *w;
	struct dusk_pending *p;
	int err = -ESRCH;

	spin_lock_bh(&dusk_sess.qlock);
	if (!dusk_sess.alive)
		goto out;
	list_for_each_entry(w, &dusk_sess.waiters, node) {
		if (w->ctx != ctx)
			continue;
		if (w->call || w->replied) {
			err = w->replied ? -ESRCH : -EBUSY;
			goto out;
		}
		w->call = c;
		wake_up(&w->wq);
		err = 0;
		goto out;
	}
	list_for_each_entry(p, &dusk_sess.pending, node) {
		if (p->ctx == ctx) {
			err = 1;
			break;
		}
	}
out:
	spin_unlock_bh(&dusk_sess.qlock);
	return err;
}

/* Condition of the blocked caller's sleep; takes qlock. */
static bool dusk_waiter_event(struct dusk_waiter *w)
{
	bool ev;

	spin_lock_bh(&dusk_sess.qlock);
	ev = w->call || w->replied || !dusk_sess.alive;
	spin_unlock_bh(&dusk_sess.qlock);
	return ev;
}

static int dusk_upcall_blocking_send(struct dusk_waiter *w, u32 portid, struct net *net)
{
	struct sk_buff *msg;
	void *hdr;
	u32 i, n;

	msg = dusk_upcall_new(w->ctx, w->proxy, w->args, w->nargs,
			      DUSK_UPCALL_BLOCKING, GFP_KERNEL, &hdr);
	if (!msg)
		return -ENOMEM;
	for (i = 0; i < w->nargs; i++) {
		n = dusk_lent_len(w->proxy, i);
		if (!n || w->args[i] < dusk_kbase())
			continue;
		if (dusk_upcall_put_range(msg, DUSK_A_LENT, w->args[i], n, false))
			goto full;
		if (n <= DUSK_PREFETCH_LENT &&
		    dusk_upcall_put_range(msg, DUSK_A_CHUNK, w->args[i], n, true))
			goto full;
	}
	return dusk_upcall_send(msg, hdr, portid, net);
full:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/**
 * dusk_upcall_blocking() - call module function @proxy in the program and
 * wait for its result.
 * @proxy: index into dusk_gen.proxies (a DUSK_PROXY_BLOCKING one).
 * @args:  the proxy's arguments widened to u64; must stay valid until we
 *         return (they live in the proxy's frame).
 *
 * Context: process, may sleep; called by generated proxies.  While waiting
 * it runs the nested calls the program posts for this upcall.
 * Return: the REPLY's RET, or a negative errno cast to u64: -ENOTCONN (no
 * session, or it ended), -ETIMEDOUT, -EINTR (fatal signal), -ENOMEM.
 */
u64 dusk_upcall_blocking(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_waiter w = {
		.proxy = proxy, .args = args, .nargs = nargs,
	};
	struct dusk_call *c;
	bool replied, alive;
	struct net *net;
	long left, tmo;
	u32 portid;
	int err;

	might_sleep();
	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies || nargs > DUSK_MAX_ARGS))
		return (u64)-EINVAL;
	init_waitqueue_head(&w.wq);
	if (!dusk_waiter_add(&w, &portid, &net))
		return (u64)-ENOTCONN;
	err = dusk_upcall_blocking_send(&w, portid, net);
	if (err)
		goto out;

	for (;;) {
		tmo = msecs_to_jiffies(READ_ONCE(dusk_block_timeout_ms));
		left = wait_event_killable_timeout(w.wq, dusk_waiter_event(&w), tmo);

		spin_lock_bh(&dusk_sess.qlock);
		c = w.call;
		replied = w.replied;
		alive = dusk_sess.alive;
		spin_unlock_bh(&dusk_sess.qlock);
		if (c) {	/* a posted call is always run, even when leaving */
			dusk_call_exec(c);
			spin_lock_bh(&dusk_sess.qlock);
			w.call = NULL;
			spin_unlock_bh(&dusk_sess.qlock);
			complete(&c->done);
			continue;
		}
		if (replied) {
			err = 0;
			break;
		}
		if (!alive) {
			err = -ENOTCONN;
			break;
		}
		if (left == 0) {
			dusk_count(DUSK_STAT_TIMEOUTS, 1);
			err = -ETIMEDOUT;
			break;
		}
		if (left < 0) {
			err = -EINTR;
			break;
		}
	}
out:
	dusk_waiter_del(&w);
	/* A call posted between the last look and the removal is run too. */
	if (w.call) {
		dusk_call_exec(w.call);
		complete(&w.call->done);
	}
	return err ? (u64)(s64)err : w.ret;
}
EXPORT_SYMBOL_GPL(dusk_upcall_blocking);

/**
 * dusk_upcall_async() - call void module function @proxy in the program
 * without waiting.
 *
 * Context: process or softirq (timer_list callbacks), not hardirq (an
 * hrtimer proxy must defer to a work item first); called by generated
 * proxies.  The upcall is queued
 * like a stolen packet, so that the program's nested calls for it are
 * accepted until its REPLY or until nf_timeout_ms; a full queue or socket
 * drops the call (counted in DUSK_STAT_QUEUE_FULL).
 */
void dusk_upcall_async(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_pending *p;
	struct sk_buff *msg;
	unsigned long flags;
	struct net *net;
	u32 portid;
	void *hdr;

	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies || nargs > DUSK_MAX_ARGS ||
			 in_hardirq()))
		return;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		goto full;
	p->kind = DUSK_PENDING_ASYNC;
	p->proxy = proxy;
	p->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	if (!dusk_sess.alive || dusk_sess.npending >= READ_ONCE(dusk_queue_max)) {
		spin_unlock_irqrestore(&dusk_sess.qlock, flags);
		kfree(p);
		goto full;
	}
	p->ctx = dusk_sess.next_ctx++;
	portid = dusk_sess.portid;
	net = dusk_sess.net;
	list_add_tail(&p->node, &dusk_sess.pending);
	dusk_sess.npending++;
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	mod_delayed_work(system_wq, &dusk_sess.expire,
			 msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms)));

	msg = dusk_upcall_new(p->ctx, proxy, args, nargs, 0, GFP_ATOMIC, &hdr);
	if (msg && !dusk_upcall_send(msg, hdr, portid, net))
		return;
	/* Not sent: the expiry work forgets it. */
	return;
full:
	dusk_count(DUSK_STAT_QUEUE_FULL, 1);
}
EXPORT_SYMBOL_GPL(dusk_upcall_async);

/**
 * dusk_pending_free() - forget a finished async upcall.
 */
void dusk_pending_free(struct dusk_pending *p)
{
	kfree(p);
}

/*
 * REPLY: CTX RET [CHUNK...].  The chunks are written while the upcall is
 * still live (they may target its lent ranges); then the upcall ends.
 */
int dusk_nl_reply(struct sk_buff *skb, struct genl_info *info)
{
	struct dusk_pending *p, *found = NULL;
	struct dusk_waiter *w;
	u64 ctx, ret;
	int err;

	if (!info->attrs[DUSK_A_CTX] || !info->attrs[DUSK_A_RET]) {
		NL_SET_ERR_MSG(info->extack, "REPLY needs CTX and RET");
		return -EINVAL;
	}
	ctx = nla_get_u64(info->attrs[DUSK_A_CTX]);
	ret = nla_get_u64(info->attrs[DUSK_A_RET]);

	mutex_lock(&dusk_sess.lock);
	spin_lock_bh(&dusk_sess.qlock);
	err = -ESRCH;
	list_for_each_entry(w, &dusk_sess.waiters, node) {
		if (w->ctx == ctx && !w->replied) {
			err = dusk_chunks_apply_locked(info);
			/* A refused reply still ends the wait: with the error. */
			w->ret = err ? (u64)(s64)err : ret;
			w->replied = true;
			wake_up(&w->wq);
			goto unlock;
		}
	}
	list_for_each_entry(p, &dusk_sess.pending, node) {
		if (p->ctx == ctx) {
			err = dusk_chunks_apply_locked(info);
			list_del(&p->node);
			dusk_sess.npending--;
			found = p;
			break;
		}
	}
unlock:
	spin_unlock_bh(&dusk_sess.qlock);
	mutex_unlock(&dusk_sess.lock);

	if (err == -ESRCH) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DUSK_A_CTX],
				    "unknown or expired CTX");
		return err;
	}
	dusk_count(DUSK_STAT_REPLIES, 1);
	if (found) {
		if (found->kind == DUSK_PENDING_NF)
			dusk_nf_finish(found, err ? dusk_policy_verdict() : (u32)ret);
		else
			dusk_pending_free(found);
	}
	return err;
}
