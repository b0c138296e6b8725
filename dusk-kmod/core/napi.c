// SPDX-License-Identifier: GPL-2.0
/*
 * A network driver's NAPI poll function, run by the program late.
 *
 * net_rx_action() calls an instance's poll(napi, budget) in the receive
 * softirq and needs its answer at once: how many packets it delivered,
 * with napi_complete_done() called when that is fewer than the budget.
 * The program cannot answer there: a blocking proxy answered -EWOULDBLOCK
 * without running the driver's poll, which so never delivered a packet nor
 * completed.  The instance stayed scheduled and off the poll list for
 * good, and the driver's napi_disable() (its ndo_stop, under rtnl_lock)
 * waited for it forever: every later network configuration hung.
 *
 * So netif_napi_add_weight() registers the core's poll function in place
 * of the module's, which is recorded with the instance.  The core's poll
 * answers 0 at once, leaving the instance scheduled, and queues a work
 * item that calls the module's poll (its proxy) in process context, where
 * the program runs it: it delivers packets (kernel calls, run with bottom
 * halves off as in the softirq) and completes the instance as in the
 * kernel.  When it used its whole budget (more to do) the work item
 * schedules the instance again, as net_rx_action() repolls it, or
 * completes it when napi_disable() is pending; when no answer comes (no
 * session, a timeout) it completes the instance, so that it can be
 * scheduled again and napi_disable() returns.  netif_napi_del() waits for
 * a poll in flight and forgets the record.
 *
 * Differences (docs/kapi.md): packets reach the stack later than in the
 * kernel build, from process context with bottom halves off; busy polling
 * and netpoll (budget 0) do not run the driver's poll.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

struct dusk_napi {
	struct list_head node;		/* dusk_napis, under dusk_napi_lock */
	struct napi_struct *napi;
	int (*poll)(struct napi_struct *napi, int budget);	/* the module's proxy */
	int budget;
	struct work_struct work;
};

static DEFINE_SPINLOCK(dusk_napi_lock);
static LIST_HEAD(dusk_napis);

/* The record of @napi, or NULL.  Caller holds dusk_napi_lock. */
static struct dusk_napi *dusk_napi_find(const struct napi_struct *napi)
{
	struct dusk_napi *n;

	list_for_each_entry(n, &dusk_napis, node)
		if (n->napi == napi)
			return n;
	return NULL;
}

/* Run the module's poll in the program, then do what net_rx_action()
 * does with its answer.  Process context (system workqueue). */
static void dusk_napi_work(struct work_struct *work)
{
	struct dusk_napi *n = container_of(work, struct dusk_napi, work);
	struct napi_struct *napi = n->napi;
	int done = n->poll(napi, n->budget);

	if (done >= 0 && done < n->budget)
		return;	/* the driver completed it (or, as in the kernel, forgot to) */
	if (done < 0)
		dusk_count(DUSK_STAT_SYNC_POLICY, 1);
	if (!test_bit(NAPI_STATE_SCHED, &napi->state))
		return;
	if (done < 0 || napi_disable_pending(napi)) {
		napi_complete_done(napi, 0);
		return;
	}
	local_bh_disable();
	__napi_schedule(napi);
	local_bh_enable();
}

/* The poll function the kernel gets for every instance of the program's. */
static int dusk_napi_poll(struct napi_struct *napi, int budget)
{
	struct dusk_napi *n;
	unsigned long flags;

	if (!budget)
		return 0;	/* netpoll's: transmit completions only */
	spin_lock_irqsave(&dusk_napi_lock, flags);
	n = dusk_napi_find(napi);
	if (n) {
		n->budget = budget;
		queue_work(system_wq, &n->work);
	}
	spin_unlock_irqrestore(&dusk_napi_lock, flags);
	if (!n)
		napi_complete_done(napi, 0);
	return 0;
}

static void dusk_napi_forget(struct napi_struct *napi)
{
	struct dusk_napi *n;

	spin_lock_irq(&dusk_napi_lock);
	n = dusk_napi_find(napi);
	if (n)
		list_del(&n->node);
	spin_unlock_irq(&dusk_napi_lock);
	if (!n)
		return;
	cancel_work_sync(&n->work);
	kfree(n);
}

/* Forget the instances of @dev (free_netdev() deletes them). */
static void dusk_napi_forget_dev(const struct net_device *dev)
{
	struct dusk_napi *n;

	for (;;) {
		struct napi_struct *napi = NULL;

		spin_lock_irq(&dusk_napi_lock);
		list_for_each_entry(n, &dusk_napis, node)
			if (n->napi->dev == dev) {
				napi = n->napi;
				break;
			}
		spin_unlock_irq(&dusk_napi_lock);
		if (!napi)
			return;
		dusk_napi_forget(napi);
	}
}

/**
 * dusk_napi_before_call() - netif_napi_add_weight(dev, napi, poll, weight):
 * the kernel gets the core's poll, the module's is recorded;
 * netif_napi_del() (__netif_napi_del()), or free_netdev(), which deletes
 * its device's instances: the record goes (a poll in flight is waited for).
 * @a, @b: the stub's arguments and which of them are replaced.
 * Context: process, no dusk lock held.
 */
void dusk_napi_before_call(const struct dusk_call *c, u64 *a, struct dusk_bounce *b)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct dusk_napi *n;

	if (c->nargs >= 1 && dusk_name_is(name, "__netif_napi_del") && a[0]) {
		dusk_napi_forget((struct napi_struct *)(uintptr_t)a[0]);
		return;
	}
	if (c->nargs >= 1 && dusk_name_is(name, "free_netdev") && a[0]) {
		dusk_napi_forget_dev((struct net_device *)(uintptr_t)a[0]);
		return;
	}
	if (!dusk_name_is(name, "netif_napi_add_weight") || c->nargs < 3 || !a[1] || !a[2])
		return;
	dusk_napi_forget((struct napi_struct *)(uintptr_t)a[1]);	/* added again */
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return;	/* the module's poll is registered: it cannot run (as before) */
	n->napi = (struct napi_struct *)(uintptr_t)a[1];
	n->poll = (void *)(uintptr_t)a[2];
	INIT_WORK(&n->work, dusk_napi_work);
	spin_lock_irq(&dusk_napi_lock);
	list_add(&n->node, &dusk_napis);
	spin_unlock_irq(&dusk_napi_lock);
	a[2] = (u64)(uintptr_t)dusk_napi_poll;
	b->replaced |= BIT(2);
}

/* Delivering packets, as a poll does: with bottom halves off, as in the
 * receive softirq (the stack's socket locks assume it). */
static const char *const dusk_napi_bh_calls[] = {
	"netif_receive_skb", "netif_receive_skb_list", "napi_gro_receive", "napi_gro_frags",
	"netif_receive_skb_core",
};

/** dusk_napi_bh() - must the stub of @c run with bottom halves off? */
bool dusk_napi_bh(const struct dusk_call *c)
{
	return dusk_name_in(dusk_gen.stubs[c->stub].name, dusk_napi_bh_calls, );
}

bool dusk_napi_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_name_is(s->name, "netif_napi_add_weight") ||
	       dusk_name_is(s->name, "__netif_napi_del") || dusk_name_is(s->name, "free_netdev") ||
	       dusk_name_in(s->name, dusk_napi_bh_calls, );
}

/**
 * dusk_napi_forget_all() - the session ended (its devices unregistered by
 * undo): no poll of the program runs any more.  Context: process.
 */
void dusk_napi_forget_all(void)
{
	struct dusk_napi *n;

	for (;;) {
		spin_lock_irq(&dusk_napi_lock);
		n = list_first_entry_or_null(&dusk_napis, struct dusk_napi, node);
		if (n)
			list_del(&n->node);
		spin_unlock_irq(&dusk_napi_lock);
		if (!n)
			return;
		cancel_work_sync(&n->work);
		kfree(n);
	}
}
