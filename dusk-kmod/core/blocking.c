// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking callbacks: the kernel calls a module function in process context
 * (a procfs read, an ioctl, a work item) and the caller sleeps in
 * dusk_upcall_blocking() until the program's REPLY.  Meanwhile it runs the
 * nested CALLs the program posts for this upcall (dusk_waiter_post()), in
 * its own context, so current and copy_to_user mean what they mean in a
 * module.  The wait ends, with an error as the callback's result, when the
 * program is silent for block_timeout_ms (-ETIMEDOUT), when the session
 * ends (-ENOTCONN) or when the caller gets a fatal signal (-EINTR).  The
 * program's request that posted a call waits for it at most
 * block_timeout_ms and killably (dusk_waiter_wait()).  The callback that is the
 * body of a kernel thread (kthread.c) has no timeout: it lives as long as
 * the thread.
 *
 * A waiter lives on the caller's stack and is on dusk_sess.waiters (under
 * qlock) while it waits; other contexts touch it only under qlock and only
 * while it is on the list.
 */
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/bio.h>
#include <linux/i2c.h>
#include <crypto/hash.h>
#include <linux/crypto.h>
#include "dusk-core.h"

/*
 * How many I2C messages argument @i of @w lends (DUSK_LENT_I2C_MSGS: their
 * count is the next argument, an int; a negative one lends none), capped.
 */
static u32 dusk_lent_i2c_nmsgs(const struct dusk_waiter *w, u32 i)
{
	s64 num;

	if (i + 1 >= w->nargs)
		return 0;
	num = (s32)w->args[i + 1];
	return num <= 0 ? 0 : min_t(s64, num, DUSK_LENT_I2C_MSGS_MAX);
}

/*
 * Is [addr, addr+len) inside the buf of one of the I2C messages argument @i
 * of @w lends?  An adapter's master_xfer() fills a read message's buf (the
 * SMBus emulation's buffers on its caller's stack, i2c-dev's copies); its
 * length is read from the message now (I2C_M_RECV_LEN lets the adapter
 * grow it).  Caller holds qlock.
 */
static bool dusk_i2c_msgs_lent(const struct dusk_waiter *w, u32 i, u64 addr, u64 len)
{
	const struct i2c_msg *msgs;
	u32 k, nmsgs;
	u64 buf;

	if (!w->lent || i >= w->nargs || w->lent[i] != DUSK_LENT_I2C_MSGS ||
	    w->args[i] < dusk_kspace_start())
		return false;
	msgs = (const struct i2c_msg *)(uintptr_t)w->args[i];
	nmsgs = dusk_lent_i2c_nmsgs(w, i);
	for (k = 0; k < nmsgs; k++) {
		buf = (u64)(uintptr_t)msgs[k].buf;
		if (buf >= dusk_kspace_start() && addr >= buf && len <= msgs[k].len &&
		    addr - buf <= msgs[k].len - len)
			return true;
	}
	return false;
}

/*
 * The bytes a crypto transform lends (DUSK_LENT_CRYPTO, its struct
 * crypto_tfm at @off): up to the end of its algorithm's context, with the
 * slack the crypto API allocates for the algorithm's alignment.
 */
static u64 dusk_crypto_lent_len(u64 arg, u32 off)
{
	struct crypto_tfm *tfm = (struct crypto_tfm *)(uintptr_t)(arg + off);
	const struct crypto_alg *alg = READ_ONCE(tfm->__crt_alg);
	u64 ctx = (u64)(uintptr_t)crypto_tfm_ctx(tfm) - arg;

	return alg ? ctx + alg->cra_ctxsize + alg->cra_alignmask : ctx;
}

/*
 * The bytes a hash's operation state lends (DUSK_LENT_SHASH_DESC): the
 * struct shash_desc and its transform's descsize bytes of context, which
 * the algorithm's init, update and final write (shash_desc_ctx()).
 */
static u64 dusk_shash_desc_lent_len(u64 arg)
{
	const struct shash_desc *desc = (const struct shash_desc *)(uintptr_t)arg;
	struct crypto_shash *tfm = READ_ONCE(desc->tfm);

	return sizeof(*desc) + (tfm ? crypto_shash_descsize(tfm) : 0);
}

/*
 * Bytes of argument @i's pointee lent to blocked callback @w: its pointer
 * arguments' pointees (w->lent: dusk_proxy_desc.lent), a DUSK_LENT_ARG
 * size read from the argument it names; the object a constructor of the
 * session's slab caches builds.  Kernel addresses only.
 */
static u64 dusk_lent_len(const struct dusk_waiter *w, u32 i)
{
	u32 n, j;

	if (i >= w->nargs || w->args[i] < dusk_kspace_start())
		return 0;
	if (!w->lent)	/* a slab constructor's object (slab.c) */
		return dusk_slab_ctor_lent(w->proxy, i, w->args[i]);
	n = w->lent[i];
	if (n == DUSK_LENT_I2C_MSGS)	/* the array; their bufs: dusk_i2c_msgs_lent() */
		return (u64)dusk_lent_i2c_nmsgs(w, i) * sizeof(struct i2c_msg);
	if (n == DUSK_LENT_SKB)	/* the struct; its data: dusk_lent_skb_data() */
		return sizeof(struct sk_buff);
	if (n == DUSK_LENT_BIO)	/* the struct; its data: dusk_bio_lent() */
		return sizeof(struct bio);
	if (n == DUSK_LENT_RQ)	/* the struct and its pdu; its data: dusk_rq_lent() */
		return dusk_rq_span((const struct request *)(uintptr_t)w->args[i]);
	if (n == DUSK_LENT_MQ_DATA)	/* its request: dusk_rq_lent() */
		return 0;
	if ((n & DUSK_LENT_CRYPTO_MASK) == DUSK_LENT_CRYPTO(0))
		return dusk_crypto_lent_len(w->args[i], n & ~DUSK_LENT_CRYPTO_MASK);
	if (n == DUSK_LENT_SHASH_DESC)
		return dusk_shash_desc_lent_len(w->args[i]);
	if (n == DUSK_LENT_NETDEV)	/* with its private area when the module's */
		return dusk_netdev_lent_len(w, w->args[i]);
	if (!(n & DUSK_LENT_ARG(0)))
		return n;
	j = n & ~DUSK_LENT_ARG(0);
	if (j >= w->nargs)
		return 0;
	return min_t(u64, w->args[j], DUSK_LENT_ARG_MAX);
}

/* The packet argument @i of @w lends besides its struct (DUSK_LENT_SKB), or NULL. */
static const struct sk_buff *dusk_lent_skb(const struct dusk_waiter *w, u32 i)
{
	if (!w->lent || i >= w->nargs || w->lent[i] != DUSK_LENT_SKB ||
	    w->args[i] < dusk_kspace_start())
		return NULL;
	return (const struct sk_buff *)(uintptr_t)w->args[i];
}

/**
 * dusk_bio_cover() - one pass over the segments of @bio still to do (from
 * its bi_iter on, as bio_for_each_segment() walks them): move *@cur past
 * each segment's data (its page's kernel address, as bvec_kmap_local()
 * gives it) that holds *@cur.
 * Return: whether *@cur moved.
 */
bool dusk_bio_cover(const struct bio *bio, u64 *cur)
{
	struct bvec_iter iter;
	struct bio_vec bv;
	bool moved = false;

	bio_for_each_segment(bv, (struct bio *)bio, iter) {
		u64 start = (u64)(uintptr_t)page_address(bv.bv_page) + bv.bv_offset;

		if (*cur >= start && *cur - start < bv.bv_len) {
			*cur = start + bv.bv_len;
			moved = true;
		}
	}
	return moved;
}

/*
 * Is [addr, addr+len) inside the data of the segments of @bio still to do?
 * A bio-based block driver's submit_bio() copies a read's data there; the
 * program's stores into neighbouring segments (pages next to each other)
 * come as one range.  Caller holds qlock.
 */
static bool dusk_bio_lent(const struct bio *bio, u64 addr, u64 len)
{
	u64 cur = addr;

	while (cur - addr < len && dusk_bio_cover(bio, &cur))
		;
	return len && cur - addr >= len;
}

/*
 * A block driver's callback that did not answer must still see its I/O
 * end, or the submitter waits in D state for good.  When the callback
 * never ran (atomic context, no session before it was raised) or ended
 * without having ended its I/O (the program died, timed out or was killed
 * in it): a submit_bio()'s bio lent to it ends with an I/O error here, and
 * a ->queue_rq() answers what ends its request once (blkmq.c).  A link
 * type's newlink that registered the device it was handed answers 0
 * (netdevhand.c).
 * Return: what the proxy answers: @ret, or ->queue_rq()'s status.
 */
static u64 dusk_lent_unanswered(const struct dusk_waiter *w, const u32 *lent, const u64 *args,
				u32 nargs, u64 ret)
{
	const char *name = dusk_gen.proxies[w->proxy].name;
	u32 i;

	ret = dusk_netdev_unanswered(w, args, nargs, ret);
	if (!lent)
		return ret;
	for (i = 0; i < nargs; i++) {
		if (args[i] < dusk_kspace_start())
			continue;
		if (lent[i] == DUSK_LENT_MQ_DATA)
			ret = dusk_rq_unanswered(name, w->ended);
		if (lent[i] == DUSK_LENT_BIO && !w->ended) {
			pr_warn_ratelimited("%s: %s did not answer: its bio ends with an I/O error\n",
					    dusk_family.name, name);
			bio_io_error((struct bio *)(uintptr_t)args[i]);
		}
	}
	return ret;
}

/**
 * dusk_waiter_note_end() - note that nested call @c of blocked callback @w
 * ended the bio or request lent to it (see dusk_lent_unanswered()).
 */
void dusk_waiter_note_end(struct dusk_waiter *w, const struct dusk_call *c)
{
	const struct request *rq;
	u32 i;

	if (!w->lent || c->err || !c->nargs)
		return;
	for (i = 0; i < w->nargs; i++) {
		/* any bio_endio(): a clone's or a chained child's ends the
		 * lent bio through the chain, which must not end twice */
		if (w->lent[i] == DUSK_LENT_BIO &&
		    dusk_name_is(dusk_gen.stubs[c->stub].name, "bio_endio"))
			w->ended = true;
		rq = dusk_lent_rq(w->lent[i], w->args[i]);
		if (rq && dusk_rq_ended_by(c, rq))
			w->ended = true;
	}
}

/**
 * dusk_waiter_lent() - is [addr, addr+len) lent to blocked callback @w?
 * Context: caller holds qlock.
 */
bool dusk_waiter_lent(const struct dusk_waiter *w, u64 addr, u64 len)
{
	const struct request *rq;
	const struct sk_buff *skb;
	u64 n;
	u32 i;

	for (i = 0; i < w->nargs; i++) {
		if (w->lent && w->lent[i] == DUSK_LENT_BIO && w->args[i] >= dusk_kspace_start() &&
		    dusk_bio_lent((const struct bio *)(uintptr_t)w->args[i], addr, len))
			return true;
		if (dusk_i2c_msgs_lent(w, i, addr, len))
			return true;
		rq = w->lent ? dusk_lent_rq(w->lent[i], w->args[i]) : NULL;
		if (rq) {
			if (dusk_rq_lent(rq, addr, len))
				return true;
			continue;
		}
		skb = dusk_lent_skb(w, i);
		if (skb) {
			if (dusk_skb_lent(skb, addr, len))
				return true;
			continue;
		}
		n = dusk_lent_len(w, i);
		if (n && addr >= w->args[i] && len <= n && addr - w->args[i] <= n - len)
			return true;
	}
	return false;
}

/* Register @w as waiting: it gets its CTX.  -ENOTCONN when no session is
 * alive, -EBUSY when queue_max callers wait already. */
static int dusk_waiter_add(struct dusk_waiter *w)
{
	int err = 0;

	spin_lock_bh(&dusk_sess.qlock);
	if (!dusk_sess.alive)
		err = -ENOTCONN;
	else if (dusk_sess.nwaiters >= READ_ONCE(dusk_queue_max))
		err = -EBUSY;	/* as many callers as upcalls may wait */
	if (!err) {
		w->ctx = dusk_sess.next_ctx++;
		list_add_tail(&w->node, &dusk_sess.waiters);
		dusk_sess.nwaiters++;
	}
	spin_unlock_bh(&dusk_sess.qlock);
	return err;
}

/* Take @w off the list; the last one out wakes a waiting teardown.  A call
 * posted meanwhile is the caller's to run now. */
static void dusk_waiter_del(struct dusk_waiter *w)
{
	spin_lock_bh(&dusk_sess.qlock);
	if (w->call)
		w->call->taken = true;
	list_del(&w->node);
	dusk_sess.nwaiters--;
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
	/* Pairs with dusk_sleeper_resume(): a caller in a watched sleep of the
	 * module's is woken (spuriously, for the module) to leave. */
	smp_mb();
	list_for_each_entry(w, &dusk_sess.waiters, node) {
		wake_up(&w->wq);
		if (READ_ONCE(w->watched))
			wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
}

/* Kernel calls that wait for a completion uninterruptibly: a fatal signal
 * does not end them. */
static const char *const dusk_completion_waits[] = {
	"wait_for_completion",
	"wait_for_completion_io",
	"wait_for_completion_timeout",
	"wait_for_completion_io_timeout",
};

#define DUSK_STUCK_WAITS_MAX 16

/*
 * Complete the completions of the dead program's that blocked callers wait
 * for uninterruptibly (a callback's wait_for_completion() for a kernel
 * thread that outlasted block_timeout_ms: the program's request gave up
 * and the program stopped).  Only the program could have completed them --
 * they are its own objects' mirrors, and its callbacks no longer run --
 * and a SIGKILL does not end such a wait: the caller would never come
 * back, nor teardown end.  The caller returns from the call into a wait
 * for a REPLY that the session's death ends.  A completion that is not a
 * live mirror's (the kernel's own, which the kernel completes) is left
 * alone.  Context: teardown, no dusk lock held.
 */
static void dusk_waiters_complete_stuck(void)
{
	struct completion *stuck[DUSK_STUCK_WAITS_MAX];
	const struct dusk_waiter *w;
	const struct dusk_call *c;
	unsigned int i, n = 0;

	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry(w, &dusk_sess.waiters, node) {
		c = w->call;
		if (!w->running || !c || !c->nargs || n == DUSK_STUCK_WAITS_MAX ||
		    !dusk_name_in(dusk_gen.stubs[c->stub].name, dusk_completion_waits, ))
			continue;
		stuck[n++] = (struct completion *)(uintptr_t)c->args[0];
	}
	spin_unlock_bh(&dusk_sess.qlock);
	/* A caller that left meanwhile leaves a mirror completed that no one
	 * waits for: teardown frees it later. */
	if (!n || !mutex_trylock(&dusk_sess.lock))
		return;
	for (i = 0; i < n; i++) {
		if (!dusk_region_is_mirror((uintptr_t)stuck[i], sizeof(*stuck[i])))
			continue;
		pr_warn("%s: a caller waits in wait_for_completion() on the dead program's "
			"completion %px: completed\n", dusk_family.name, stuck[i]);
		complete_all(stuck[i]);
	}
	mutex_unlock(&dusk_sess.lock);
}

/**
 * dusk_waiters_kill_stuck() - SIGKILL the blocked callers still inside a
 * posted call of the dead program's.
 *
 * Teardown has waited block_timeout_ms for them to leave.  One that is
 * still running the call is stuck in it: a copy_to_user() into a page that
 * never arrives (userfaultfd, FUSE) ends only on a fatal signal -- the
 * kernel-mode fault is retried on any other -- and until it ends the
 * session cannot be torn down, nor the module unloaded, nor another
 * program bound.  Kernel threads are left alone (they ignore signals;
 * their calls are their own module's doing).  One waiting for a completion
 * of the program's, which no signal ends, is released by completing it
 * (dusk_waiters_complete_stuck()).
 * Context: teardown; takes qlock, and dusk_sess.lock if it is free.
 */
void dusk_waiters_kill_stuck(void)
{
	struct dusk_waiter *w;

	dusk_waiters_complete_stuck();
	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry(w, &dusk_sess.waiters, node) {
		if (!w->running || (w->task->flags & PF_KTHREAD) ||
		    fatal_signal_pending(w->task))
			continue;
		pr_warn("%s: %s[%d] stuck in a call of the dead program's: killed\n",
			dusk_family.name, w->task->comm, task_pid_nr(w->task));
		send_sig(SIGKILL, w->task, 1);
	}
	spin_unlock_bh(&dusk_sess.qlock);
}

/**
 * dusk_waiter_post() - hand nested call @c to the upcall @ctx.
 * @pinned: set when the return is 1: the upcall, pinned until
 *          dusk_pending_unpin() (neither a REPLY nor expiry nor teardown
 *          resumes its packet while @c runs on it).
 *
 * Context: process, the program's request.
 * Return: 0 when a blocked caller took it (wait for c->done), 1 when @ctx
 * is a live upcall from atomic context (run @c in place), -ESRCH when no
 * live upcall has that CTX, -EBUSY when the caller already runs one.
 */
int dusk_waiter_post(u64 ctx, struct dusk_call *c, struct dusk_pending **pinned)
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
			p->busy++;
			*pinned = p;
			err = 1;
			break;
		}
	}
out:
	spin_unlock_bh(&dusk_sess.qlock);
	return err;
}

/*
 * The blocked caller ran posted call @c: hand the result to the request,
 * or free @c when the request gave up waiting for it.
 */
static void dusk_call_finish(struct dusk_waiter *w, struct dusk_call *c)
{
	bool abandoned;

	spin_lock_bh(&dusk_sess.qlock);
	if (w->call == c)
		w->call = NULL;
	w->running = false;
	abandoned = c->abandoned;
	if (!abandoned)	/* under qlock: dusk_waiter_wait() decides under it too */
		complete(&c->done);
	spin_unlock_bh(&dusk_sess.qlock);
	if (abandoned)
		dusk_call_free(c);
}

/**
 * dusk_waiter_wait() - the program's request waits for the blocked caller
 * to run posted call @c.
 *
 * The caller may never get to it, or never come back from it (a
 * copy_to_user() into a page that never arrives: userfaultfd, FUSE), and
 * the program must stay killable: the wait ends after block_timeout_ms or
 * on a fatal signal.  A call nobody took yet is withdrawn; one that runs
 * is abandoned to the caller, which frees it when done.
 * Context: process, the program's request.
 * Return: 0 when @c ran (the request frees it), -ETIMEDOUT or -EINTR when
 * the request gave @c up (it must not touch @c any more).
 */
int dusk_waiter_wait(struct dusk_call *c)
{
	unsigned long tmo = msecs_to_jiffies(READ_ONCE(dusk_block_timeout_ms));
	struct dusk_waiter *w;
	long left;
	bool own = false;

	left = wait_for_completion_killable_timeout(&c->done, tmo);
	if (left > 0)
		return 0;
	spin_lock_bh(&dusk_sess.qlock);
	if (completion_done(&c->done)) {
		spin_unlock_bh(&dusk_sess.qlock);
		return 0;
	}
	if (!c->taken) {
		list_for_each_entry(w, &dusk_sess.waiters, node) {
			if (w->call == c) {
				w->call = NULL;
				own = true;
				break;
			}
		}
	}
	if (!own)
		c->abandoned = true;
	spin_unlock_bh(&dusk_sess.qlock);
	if (own)
		dusk_call_free(c);
	if (!left)
		dusk_count(DUSK_STAT_TIMEOUTS, 1);
	return left ? -EINTR : -ETIMEDOUT;
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

/* Send the UPCALL of @w: args, lent pointees, small ones prefetched. */
static int dusk_upcall_blocking_send(struct dusk_waiter *w)
{
	const struct sk_buff *skb;
	struct sk_buff *msg;
	size_t size = 0;
	void *hdr;
	u64 n;
	u32 i;

	for (i = 0; i < w->nargs; i++) {
		n = dusk_lent_len(w, i);
		if (!n)
			continue;
		size += dusk_upcall_range_size(n, false);
		if (n <= DUSK_PREFETCH_LENT)
			size += dusk_upcall_range_size(n, true);
		if (dusk_lent_skb(w, i))	/* its data area */
			size += dusk_upcall_range_size(0, false);
	}
	msg = dusk_upcall_new(w->ctx, w->proxy, w->args, w->nargs,
			      DUSK_UPCALL_BLOCKING | w->flags, size, GFP_KERNEL, &hdr);
	if (!msg)
		return -ENOMEM;
	for (i = 0; i < w->nargs; i++) {
		n = dusk_lent_len(w, i);
		if (!n)
			continue;
		if (dusk_upcall_put_range(msg, DUSK_A_LENT, w->args[i], n, false))
			goto full;
		if (n <= DUSK_PREFETCH_LENT &&
		    dusk_upcall_put_range(msg, DUSK_A_CHUNK, w->args[i], n, true))
			goto full;
		skb = dusk_lent_skb(w, i);
		if (skb && dusk_upcall_put_range(msg, DUSK_A_LENT, (uintptr_t)skb->head,
						 skb_end_offset(skb), false))
			goto full;
	}
	return dusk_upcall_send(msg, hdr);
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
 * Context: process, may sleep; called by generated proxies.
 * Return: as dusk_upcall_wait().
 */
u64 dusk_upcall_blocking(u32 proxy, const u64 *args, u32 nargs)
{
	u64 ret;

	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies))
		return (u64)-EINVAL;
	/* a call through a dma-buf whose session ended (dmabuf.c) */
	if (dusk_dmabuf_enter(proxy, args, nargs, &ret))
		return ret;
	/* a pernet init: the net's data becomes the program's (pernet.c) */
	dusk_pernet_enter(proxy, args, nargs);
	/* a seq callback: its file's private state is lent (seqfile.c) */
	dusk_seqfile_enter(proxy, args, nargs);
	ret = dusk_upcall_wait(proxy, 0, dusk_gen.proxies[proxy].lent, args, nargs);
	dusk_seqfile_leave(args, nargs);
	dusk_pernet_leave(proxy, args, nargs, ret);
	dusk_dmabuf_leave(proxy, args, nargs);
	return ret;
}

/**
 * dusk_notifier_answer() - what a notifier callback's proxy answers.
 * @ret: dusk_upcall_blocking()'s result.
 *
 * The program's own answer (NOTIFY_* or notifier_from_errno(), never
 * negative) as it is.  A call that did not run (an atomic notifier chain,
 * where blocking proxies answer -EWOULDBLOCK; no session; a timeout) is
 * NOTIFY_DONE, "not interested": an errno there has NOTIFY_STOP_MASK set,
 * which would end the chain for every later subscriber (the kernel's own
 * too) and veto what the chain announces.
 */
int dusk_notifier_answer(u64 ret)
{
	return IS_ERR_VALUE((unsigned long)ret) ? NOTIFY_DONE : (int)ret;
}

/**
 * dusk_enum_answer() - what a proxy of a callback returning an enum
 * answers.
 * @ret: dusk_upcall_blocking()'s result.
 *
 * The program's own answer as it is.  A call that did not run (atomic
 * context, no session, a timeout) answers 0, the enum's first value: an
 * errno is no enumerator, and the kernel reads it as whichever case is not
 * the "nothing to do" one -- an alarm function's -EWOULDBLOCK was
 * ALARMTIMER_RESTART, re-armed at the same, past expiry for ever, in hard
 * interrupt context (probe round p60).  The kernel's callback enums put
 * that case first (ALARMTIMER_NORESTART, HRTIMER_NORESTART, IRQ_NONE).
 */
u64 dusk_enum_answer(u64 ret)
{
	return IS_ERR_VALUE((unsigned long)ret) ? 0 : ret;
}

/**
 * dusk_upcall_wait() - raise a blocking upcall and wait for its REPLY.
 * @proxy: index into dusk_gen.proxies, or what @flags say it is
 *         (DUSK_UPCALL_PARAM: a parameter's index).
 * @flags: DUSK_UPCALL_* besides DUSK_UPCALL_BLOCKING.
 * @lent:  nargs entries as dusk_proxy_desc.lent, or NULL.
 * @args:  widened arguments; must stay valid until we return.
 *
 * Context: process, may sleep.  While waiting it runs the nested calls
 * the program posts for this upcall.
 * Return: the REPLY's RET, or a negative errno cast to u64: -ENOTCONN (no
 * session, or it ended), -ETIMEDOUT, -EINTR (fatal signal), -ENOMEM,
 * -EWOULDBLOCK (called in atomic context, where it cannot wait; a blk-mq
 * ->complete() is run late there instead, answering 0).
 */
u64 dusk_upcall_wait(u32 proxy, u32 flags, const u32 *lent, const u64 *args, u32 nargs)
{
	bool ended;

	return dusk_upcall_wait_ended(proxy, flags, lent, args, nargs, &ended);
}

/**
 * dusk_upcall_wait_ended() - dusk_upcall_wait(), telling in *@ended
 * whether a nested call ended the bio or request lent to the callback.
 */
u64 dusk_upcall_wait_ended(u32 proxy, u32 flags, const u32 *lent, const u64 *args, u32 nargs,
			   bool *ended)
{
	struct dusk_waiter w = {
		.proxy = proxy, .flags = flags, .lent = lent, .args = args, .nargs = nargs,
		.task = current, .netdev_new = dusk_netdev_new_args(lent, args, nargs),
	};
	struct dusk_call *c;
	bool replied, alive, thread;
	long left, tmo;
	int err;

	*ended = false;
	if (WARN_ON_ONCE(nargs > DUSK_MAX_ARGS))
		return (u64)-EINVAL;
	if (dusk_cannot_wait()) {
		/* a blk-mq ->complete(): run late, in process context */
		if (!flags && dusk_blkmq_defer_complete(proxy, lent, args, nargs))
			return 0;
		/* A callback the rewriter took for a blocking one runs in
		 * atomic context, or in an RCU read section (preemptible
		 * with PREEMPT_RCU, so in_atomic() misses it): sleeping
		 * here would be a kernel bug. */
		pr_warn_once("%s: blocking proxy %s called in atomic context: -EWOULDBLOCK\n",
			     dusk_family.name,
			     flags & DUSK_UPCALL_PARAM ? "(parameter)" :
			     flags & DUSK_UPCALL_SEQFILL ? "(seq_file read)" :
			     dusk_gen.proxies[proxy].name);
		return flags ? (u64)-EWOULDBLOCK :
			dusk_lent_unanswered(&w, lent, args, nargs, (u64)-EWOULDBLOCK);
	}
	thread = !flags && dusk_upcall_is_thread(proxy);
	w.thread = thread;
	INIT_LIST_HEAD(&w.sleeper);
	init_waitqueue_head(&w.wq);
	err = dusk_waiter_add(&w);
	if (err)	/* no session: nothing ran, the I/O must end all the same */
		return flags ? (u64)(s64)err :
			dusk_lent_unanswered(&w, lent, args, nargs, (u64)(s64)err);
	err = dusk_upcall_blocking_send(&w);
	if (err)
		goto out;

	for (;;) {
		tmo = thread ? MAX_SCHEDULE_TIMEOUT :
			msecs_to_jiffies(READ_ONCE(dusk_block_timeout_ms));
		left = wait_event_killable_timeout(w.wq, dusk_waiter_event(&w), tmo);

		spin_lock_bh(&dusk_sess.qlock);
		c = w.call;
		if (c) {
			c->taken = true;
			w.running = true;	/* dusk_waiters_kill_stuck() may see it */
		}
		replied = w.replied;
		alive = dusk_sess.alive;
		spin_unlock_bh(&dusk_sess.qlock);
		if (c) {	/* a posted call is always run, even when leaving */
			dusk_waiter_exec(&w, c);
			dusk_call_finish(&w, c);
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
	/* A call posted between the last look and the removal is run too
	 * (dusk_waiter_del() marked it taken: only we touch w.call now). */
	c = w.call;
	if (c) {
		dusk_waiter_exec(&w, c);
		w.call = NULL;
		dusk_call_finish(&w, c);
	}
	dusk_sleeper_forget(&w);	/* w goes with this frame */
	/* Left without the module's REPLY: its wait loop will not finish. */
	*ended = w.ended;
	if (err) {
		dusk_waiter_unjoin(&w);
		if (!flags)
			return dusk_lent_unanswered(&w, lent, args, nargs, (u64)(s64)err);
	}
	return err ? (u64)(s64)err : w.ret;
}

