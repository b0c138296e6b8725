// SPDX-License-Identifier: GPL-2.0
/*
 * The session: which program is bound, and how everything it did is undone
 * when it goes away.
 *
 * A session begins with a successful HELLO and ends with BYE, with the
 * release of the program's netlink socket (exit, crash, kill -9: seen by a
 * NETLINK_URELEASE notifier) or with the unload of the module.  Ending it
 * (dusk_session_end()) is one fixed sequence:
 *
 *   1. alive = false: hooks stop stealing packets and apply the policy,
 *      blocked callers are woken and return -ENOTCONN;
 *   2. stolen packets still waiting are released by the failure policy
 *      (while the hooks are registered, so traversal resumes correctly);
 *   3. the undo records are replayed, newest first (nf hooks unregistered,
 *      proc entries removed, timers deleted ...), then /sys/module/NAME
 *      is removed (modparam.c);
 *   4. synchronize_net(): no hook or proxy runs any more on this session;
 *   5. mirrors and owned allocations are freed; the session is unbound.
 *
 * The notifier runs in atomic context, so it only does step 1 and queues
 * the rest on a work item; a new HELLO waits for that work first.
 */
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <net/sock.h>
#include "dusk-core.h"

struct dusk_core_session dusk_sess;

/**
 * dusk_kspace_start() - lowest kernel address, sent as DUSK_A_KBASE.
 *
 * The start of the upper canonical half (0xffff800000000000 with 4-level
 * paging).  Below it lie user memory and the non-canonical hole: the
 * program dereferences such addresses itself (a poisoned pointer then
 * faults in the program, where gdb sees it), at and above it the address
 * is kernel memory and goes through READ/WRITE.
 */
u64 dusk_kspace_start(void)
{
#ifdef CONFIG_ARM64
	/* arm64: TTBR1's range, the top VA_BITS of the address space */
	return ~((1ULL << VA_BITS) - 1);
#else
	return ~((1ULL << __VIRTUAL_MASK_SHIFT) - 1);
#endif
}

/* Step 1 of the teardown; safe in any context.  Returns true if it did it. */
static bool dusk_session_kill(void)
{
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&dusk_sess.qlock, flags);
	was = dusk_sess.alive;
	dusk_sess.alive = false;
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	if (was) {
		dusk_waiters_wake_all();
		dusk_async_wake();
	}
	return was;
}

/**
 * dusk_session_bind() - bind the session to the program's socket @sk, which
 * has port @portid in @net.
 *
 * The socket itself is held until the session ends: upcalls are queued on
 * it and on nothing else (dusk_upcall_send()), so that when the program
 * dies nobody who binds its port number afterwards can receive them.
 *
 * Context: process; takes dusk_sess.lock.
 * Return: 0, or -EBUSY when another session is bound.
 */
int dusk_session_bind(struct sock *sk, u32 portid, struct net *net)
{
	int err = 0;

	/* A session that just lost its socket may still be tearing down. */
	flush_work(&dusk_sess.release);
	mutex_lock(&dusk_sess.lock);
	if (dusk_sess.bound) {
		err = -EBUSY;
		goto out;
	}
	sock_hold(sk);
	spin_lock_bh(&dusk_sess.qlock);
	dusk_sess.sk = sk;
	dusk_sess.portid = portid;
	dusk_sess.tgid = current->tgid;
	dusk_sess.net = net;
	dusk_sess.bound = true;
	dusk_sess.alive = true;
	spin_unlock_bh(&dusk_sess.qlock);
out:
	mutex_unlock(&dusk_sess.lock);
	return err;
}

/**
 * dusk_session_end() - tear the session down (see the file comment).
 *
 * Context: process, may sleep; must not hold dusk_sess.use.  Nothing
 * happens when no session is bound.
 */
void dusk_session_end(void)
{
	struct sock *sk = NULL;

	dusk_session_kill();
	/* Packets still being handed over hold devices (skbhand.c) and wait
	 * for dusk_sess.lock: let them find the session dead now, before
	 * the undo under that lock unregisters a device they hold. */
	dusk_skbh_flush();
	/* Blocked callers leave first: they may hold a posted nested call.
	 * One stuck inside such a call is killed after block_timeout_ms
	 * (dusk_waiters_kill_stuck()), so teardown ends in bounded time. */
	while (!wait_event_timeout(dusk_sess.waiters_gone, list_empty_careful(&dusk_sess.waiters),
				   msecs_to_jiffies(READ_ONCE(dusk_block_timeout_ms)) + 1))
		dusk_waiters_kill_stuck();
	/* memory mapped into processes: before the lock, which looking a
	 * mapping up must not be taken under (usermap.c) */
	dusk_usermap_settle();
	down_write(&dusk_sess.use);
	mutex_lock(&dusk_sess.lock);
	if (!dusk_sess.bound)
		goto out;
	dusk_pending_flush();
	dusk_klock_release_all();	/* the undo records may take them */
	dusk_socklock_release_all();
	dusk_undo_all();
	dusk_ksocket_release_all();	/* after what used them */
	/* the kernel freed the per-net data with the unregistered ops */
	dusk_pernet_forget_all();
	dusk_seqfile_forget_all();
	dusk_devres_forget_all();
	dusk_netdev_forget_all();	/* the undo unregistered its link types */
	dusk_handed_forget_all();
	dusk_gup_forget_all();
	dusk_tp_forget_all();	/* the probes undo does not know */
	dusk_late_forget_all();	/* after undo: no callback observed any more */
	dusk_napi_forget_all();
	dusk_irq_forget_all();
	dusk_params_remove();
	synchronize_net();
	dusk_pending_flush();	/* anything stolen while the hooks went away */
	cancel_delayed_work_sync(&dusk_sess.expire);
	dusk_dmabuf_orphan_all();	/* what live dma-bufs use is not freed */
	dusk_regions_free_all();
	dusk_slab_forget_all();
	spin_lock_bh(&dusk_sess.qlock);
	dusk_sess.bound = false;
	dusk_sess.portid = 0;
	dusk_sess.net = NULL;
	sk = dusk_sess.sk;
	dusk_sess.sk = NULL;
	spin_unlock_bh(&dusk_sess.qlock);
out:
	mutex_unlock(&dusk_sess.lock);
	up_write(&dusk_sess.use);
	if (sk)
		sock_put(sk);
}

static void dusk_session_release_work(struct work_struct *work)
{
	dusk_session_end();
}

/*
 * NETLINK_URELEASE: a netlink socket with a port went away.  Atomic
 * context (netlink_chain is an atomic notifier chain).
 */
static int dusk_netlink_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	const struct netlink_notify *n = ptr;
	unsigned long flags;
	bool ours;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	spin_lock_irqsave(&dusk_sess.qlock, flags);
	ours = dusk_sess.bound && dusk_sess.portid == n->portid &&
	       net_eq(dusk_sess.net, n->net);
	spin_unlock_irqrestore(&dusk_sess.qlock, flags);
	if (ours) {
		dusk_session_kill();
		schedule_work(&dusk_sess.release);
	}
	return NOTIFY_DONE;
}

static struct notifier_block dusk_netlink_nb = {
	.notifier_call = dusk_netlink_event,
};

/**
 * dusk_session_init() - set up the (unbound) session; module init.
 */
int dusk_session_init(void)
{
	mutex_init(&dusk_sess.lock);
	spin_lock_init(&dusk_sess.qlock);
	init_rwsem(&dusk_sess.use);
	INIT_LIST_HEAD(&dusk_sess.pending);
	INIT_LIST_HEAD(&dusk_sess.waiters);
	init_waitqueue_head(&dusk_sess.waiters_gone);
	dusk_sess.regions = RB_ROOT;
	INIT_LIST_HEAD(&dusk_sess.undo);
	INIT_LIST_HEAD(&dusk_sess.skbs);
	INIT_DELAYED_WORK(&dusk_sess.expire, dusk_pending_expire);
	INIT_WORK(&dusk_sess.release, dusk_session_release_work);
	dusk_sess.next_ctx = 1;
	return netlink_register_notifier(&dusk_netlink_nb);
}

/**
 * dusk_session_exit() - module exit, after dusk_session_end().
 */
void dusk_session_exit(void)
{
	netlink_unregister_notifier(&dusk_netlink_nb);
	cancel_work_sync(&dusk_sess.release);
	cancel_delayed_work_sync(&dusk_sess.expire);
	dusk_kept_free();
	dusk_dmabuf_free_all();
}
