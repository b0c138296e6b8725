// SPDX-License-Identifier: GPL-2.0
/*
 * Upcalls: the kernel calls a module function that lives in the program.
 *
 * A generated proxy stands where the module's function would be; it calls
 * one of
 *   dusk_upcall_blocking()  process context: the caller sleeps until the
 *                           program's REPLY (blocking.c);
 *   dusk_upcall_async()     atomic context, void result (timers): the
 *                           upcall is sent and the caller goes on (here);
 *   dusk_upcall_nf_hook()   Netfilter hooks: steal and reinject (nfq.c).
 *
 * This file builds and sends UPCALL messages and handles REPLY, which ends
 * an upcall of any kind.  Every upcall has a fresh CTX (never 0).
 */
#include <linux/delay.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/wait.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "dusk-core.h"

/**
 * dusk_proxy_of() - the index of the proxy at kmod address @fn (a
 * function of the module's, as the kernel was handed it), or -1.
 */
int dusk_proxy_of(const void *fn)
{
	u32 i;

	for (i = 0; fn && i < dusk_gen.nproxies; i++)
		if (dusk_gen.proxies[i].addr == fn)
			return i;
	return -1;
}

/**
 * dusk_upcall_range_size() - message bytes dusk_upcall_put_range() needs
 * for a range of @len bytes (@data: a CHUNK carrying them, else a LENT).
 */
size_t dusk_upcall_range_size(u32 len, bool data)
{
	return nla_total_size(nla_total_size_64bit(sizeof(u64)) +
			      (data ? nla_total_size(len) : nla_total_size(sizeof(u32))));
}

/**
 * dusk_upcall_new() - start an UPCALL message.
 * @ranges: message bytes the caller will add (dusk_upcall_range_size()).
 * @hdr: out, the genetlink header to pass to dusk_upcall_send().
 *
 * The message is sized exactly: its truesize counts against the program's
 * receive buffer, which then holds as many upcalls as it can.
 * Return: the message, or NULL when out of memory.
 */
struct sk_buff *dusk_upcall_new(u64 ctx, u32 proxy, const u64 *args, u32 nargs,
				u32 flags, size_t ranges, gfp_t gfp, void **hdr)
{
	return dusk_upcall_new_as(ctx, proxy, args, nargs, flags, ranges, gfp, hdr,
				  current, raw_smp_processor_id());
}

/**
 * dusk_upcall_new_as() - dusk_upcall_new() for a callback observed
 * earlier: @task and @cpu are what `current` and smp_processor_id() said
 * where the kernel called it (kprobe.c).
 */
struct sk_buff *dusk_upcall_new_as(u64 ctx, u32 proxy, const u64 *args, u32 nargs,
				   u32 flags, size_t ranges, gfp_t gfp, void **hdr,
				   struct task_struct *task, u32 cpu)
{
	struct sk_buff *msg;
	size_t size;

	size = 2 * nla_total_size_64bit(sizeof(u64)) +	/* CTX, CURRENT */
	       3 * nla_total_size(sizeof(u32)) +	/* PROXY, CPU, FLAGS */
	       nla_total_size(nargs * sizeof(u64)) + ranges;
	msg = genlmsg_new(size, gfp);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &dusk_family, 0, DUSK_CMD_UPCALL);
	/* FLAGS and CPU first: the program's packet thread peeks at them
	 * before it parses an upcall (where to serve it: libduskrt's
	 * dusk_upcall_ordered() and lane key), and a peek walks from the
	 * first attribute. */
	if (!*hdr ||
	    nla_put_u32(msg, DUSK_A_FLAGS, flags) ||
	    nla_put_u32(msg, DUSK_A_CPU, cpu) ||
	    nla_put_u64_64bit(msg, DUSK_A_CTX, ctx, DUSK_A_PAD) ||
	    nla_put_u32(msg, DUSK_A_PROXY, proxy) ||
	    nla_put(msg, DUSK_A_ARGS, nargs * sizeof(u64), args) ||
	    nla_put_u64_64bit(msg, DUSK_A_CURRENT, (u64)(uintptr_t)task, DUSK_A_PAD)) {
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

/*
 * Queue @skb on the program's socket @sk, as netlink_unicast() would once
 * it has found the socket by port -- but without looking the port up: when
 * the program dies, netlink frees its port before NETLINK_URELEASE tells
 * us, and anyone (any user) may bind that port number meanwhile.  The
 * socket object is ours until the session ends; once orphaned (SOCK_DEAD,
 * set under sk_callback_lock by sock_orphan()) nothing is queued on it.
 * A full receive buffer is -EAGAIN, as netlink_attachskb() says with
 * MSG_DONTWAIT.  Context: any but hardirq; consumes @skb.
 */
static int dusk_sock_deliver(struct sock *sk, struct sk_buff *skb)
{
	int err = 0;

	read_lock_bh(&sk->sk_callback_lock);
	if (sock_flag(sk, SOCK_DEAD) || !sk->sk_socket)
		err = -ECONNREFUSED;
	else if (atomic_read(&sk->sk_rmem_alloc) > READ_ONCE(sk->sk_rcvbuf))
		err = -EAGAIN;
	if (!err) {
		skb_set_owner_r(skb, sk);
		skb_queue_tail(&sk->sk_receive_queue, skb);
		sk->sk_data_ready(sk);
	}
	read_unlock_bh(&sk->sk_callback_lock);
	if (err)
		kfree_skb(skb);
	return err;
}

/**
 * dusk_session_deliver() - queue finished message @msg on the live
 * session's socket (never on a port number: see dusk_sock_deliver()).
 * Context: any but hardirq; consumes @msg.
 * Return: 0; -ENOTCONN when no session is alive; -EAGAIN when the
 * program's socket is full; -ECONNREFUSED when it is gone.
 */
int dusk_session_deliver(struct sk_buff *msg)
{
	struct sock *sk = NULL;
	unsigned long flags;
	int err;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	if (dusk_sess.alive && dusk_sess.sk) {
		sk = dusk_sess.sk;
		sock_hold(sk);
	}
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	if (!sk) {
		nlmsg_free(msg);
		return -ENOTCONN;
	}
	err = dusk_sock_deliver(sk, msg);
	sock_put(sk);
	return err;
}

/**
 * dusk_upcall_send() - finish an upcall and queue it on the live
 * session's socket (dusk_session_deliver()).
 * Context: any but hardirq; consumes @msg.
 */
int dusk_upcall_send(struct sk_buff *msg, void *hdr)
{
	int err;

	genlmsg_end(msg, hdr);
	err = dusk_session_deliver(msg);
	if (!err)
		dusk_count(DUSK_STAT_UPCALLS, 1);
	return err;
}

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
 * Return: 0 when the upcall was sent, or a negative errno when it was not
 * (it never will be).
 */
int dusk_upcall_async(u32 proxy, const u64 *args, u32 nargs)
{
	return dusk_upcall_async_skb(proxy, args, nargs, NULL, NULL);
}

/**
 * dusk_upcall_async_skb() - dusk_upcall_async() for a handed-over packet.
 * @skb: the packet if the module's non-zero answer gives it back to the
 *       kernel (a UDP tunnel's encap_rcv: skbhand.c), or NULL.
 * @pins: what the upcall holds until it ends (the upcall takes them over,
 *        also when it fails: they are dropped then), or NULL.
 */
int dusk_upcall_async_skb(u32 proxy, const u64 *args, u32 nargs, struct sk_buff *skb,
			  const struct dusk_pins *pins)
{
	struct dusk_pending *p;
	struct sk_buff *msg;
	void *hdr;
	u64 ctx;
	int err;

	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies || nargs > DUSK_MAX_ARGS ||
			 in_hardirq())) {
		err = -EINVAL;
		goto drop_pins;
	}
	/* the pins ride behind the upcall, freed with it */
	p = kzalloc(sizeof(*p) + (pins ? sizeof(*pins) : 0), GFP_ATOMIC);
	if (!p) {
		dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		err = -ENOBUFS;
		goto drop_pins;
	}
	p->kind = DUSK_PENDING_ASYNC;
	p->proxy = proxy;
	p->key = nargs ? args[0] : 0;
	p->sync = skb;
	p->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));
	if (pins) {
		p->pins = (struct dusk_pins *)(p + 1);
		*p->pins = *pins;
	}

	err = dusk_pending_add(&p, 1, &ctx);
	if (err) {
		dusk_pending_free(p);
		/* a full queue is counted there; no session counts here */
		if (err == -ENOTCONN)
			dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		return -ENOBUFS;
	}

	msg = dusk_upcall_new(ctx, proxy, args, nargs, 0, 0, GFP_ATOMIC, &hdr);
	err = msg ? dusk_upcall_send(msg, hdr) : -ENOMEM;
	/* Never sent: forget it now (a pinned one would never expire).
	 * Gone from the list already, teardown ended it. */
	if (err && dusk_pending_unlink(p, err, 0))
		dusk_pending_free(p);
	return err;

drop_pins:
	if (pins)
		dusk_pins_drop(pins);
	return err;
}

/* Ended async upcalls and the session's death wake dusk_async_wait(). */
static DECLARE_WAIT_QUEUE_HEAD(dusk_async_landed);

/**
 * dusk_async_wake() - wake dusk_async_wait() (an async upcall ended, or
 * the session died).  Context: any.
 */
void dusk_async_wake(void)
{
	wake_up_all(&dusk_async_landed);
}

/* Is an upcall older than @limit (a CTX) that @which waits for, with
 * first argument @key for DUSK_WAIT_KEY, still waiting for the live
 * program?  Takes qlock. */
static bool dusk_async_waiting(u64 limit, enum dusk_wait_for which, u64 key)
{
	struct dusk_pending *p;
	bool found = false;

	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry(p, &dusk_sess.pending, node) {
		if (p->ctx < limit &&
		    (which == DUSK_WAIT_READERS ||
		     (p->kind == DUSK_PENDING_ASYNC && (which == DUSK_WAIT_ASYNC || p->key == key)))) {
			found = dusk_sess.alive;
			break;
		}
	}
	spin_unlock_bh(&dusk_sess.qlock);
	return found;
}

/**
 * dusk_readers_bound() - a CTX above every upcall from atomic context raised
 * so far: the packets still being handed over and the calls deferred from
 * hard interrupt context, readers already, are made upcalls first.
 * Context: process, no dusk lock held; sleeps.
 */
u64 dusk_readers_bound(void)
{
	dusk_skbh_flush();
	dusk_irqdefer_flush();
	return dusk_pending_next_ctx();
}

/**
 * dusk_async_wait() - wait until the program has served the upcalls raised
 * so far that @which names: the async upcalls whose first argument is @key
 * (the timer, the tasklet or its data), every async upcall, or every
 * upcall from atomic context (DUSK_WAIT_READERS: a packet's, a timer's...,
 * each an RCU reader in the kernel build) -- until their REPLY came, or
 * nf_timeout_ms expired them, or the session died.
 * @end: jiffies after which it waits no more.
 *
 * A kernel call that waits for the module's callbacks (del_timer_sync(),
 * rcu_barrier(), synchronize_rcu(): syncwait.c) returns in the kernel once
 * the proxies have queued their upcalls; the module relies on the
 * callbacks having *run*.  The program serves those upcalls on its packet
 * thread, so this must not be called on that thread's behalf (a call with
 * c->ordered).  A fatal signal ends the wait too: a stuck program never
 * holds a caller forever.
 * Context: process, no dusk lock held; sleeps.
 * Return: true when such an upcall was still waiting when called.
 */
bool dusk_async_wait(enum dusk_wait_for which, u64 key, unsigned long end)
{
	/* only an async upcall's end wakes the waiters: others are polled */
	long poll = which == DUSK_WAIT_READERS ? msecs_to_jiffies(4) + 1 : LONG_MAX;
	u64 limit;
	long left;

	/* the calls deferred from hard interrupt context (a USB request's
	 * completion) are upcalls of their own too, once raised; the packets
	 * still being handed over matter to readers alone */
	if (which == DUSK_WAIT_READERS) {
		limit = dusk_readers_bound();
	} else {
		dusk_irqdefer_flush();
		limit = dusk_pending_next_ctx();
	}
	if (!dusk_async_waiting(limit, which, key))
		return false;
	while ((left = (long)(end - jiffies)) > 0 && !fatal_signal_pending(current) &&
	       !wait_event_killable_timeout(dusk_async_landed,
					    !dusk_async_waiting(limit, which, key),
					    min(left, poll)))
		;
	return true;
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

	/* Not a preemption point: see dusk_nl_session_request(). */
	if (!mutex_trylock(&dusk_sess.lock))
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
			if (dusk_pending_take(p, err, ret))
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
	if (found)
		dusk_pending_end(found, err, ret);
	return err;
}
