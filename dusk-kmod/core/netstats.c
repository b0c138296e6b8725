// SPDX-License-Identifier: GPL-2.0
/*
 * A network driver's statistics callbacks, answered where they cannot run.
 *
 * The stack asks a driver for its counters in atomic context too:
 * /sys/class/net/DEV/statistics/ (netstat_show() holds dev_base_lock),
 * /proc/net/dev (under rcu_read_lock()).  A blocking proxy cannot wait
 * there and answers -EWOULDBLOCK without running the callback:
 *
 *  - ndo_get_stats (struct net_device_stats *(struct net_device *)):
 *    dev_get_stats() dereferences the answer.  ERR_PTR(-EWOULDBLOCK) was
 *    a kernel oops for every driver written after LDD3's snull, which
 *    returns its private area's counters;
 *  - ndo_get_stats64 (void (struct net_device *, struct rtnl_link_stats64 *)):
 *    the counters read as zero.
 *
 * So each device keeps here the driver's last answer: the pointer
 * ndo_get_stats returned (used again only while it still lies inside that
 * device's net_device and private area, which the module owns until
 * free_netdev(): handed.c), and a copy of what ndo_get_stats64 filled in.
 * Where the callback cannot run the last answer is given (else what the
 * kernel gives a driver without the callback: dev->stats), and a work item
 * asks the program again, so the next read is as fresh as the program's
 * counters.  A few devices per module: a small fixed table, its slots
 * reused oldest first.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

#define DUSK_NETSTATS_SLOTS 8

struct dusk_netstats {
	struct net_device *dev;		/* NULL: free slot */
	u32 proxy;
	u64 last;			/* ndo_get_stats's answer, 0 if none */
	struct rtnl_link_stats64 copy;	/* ndo_get_stats64's, valid if @have */
	bool have;
	bool refresh;			/* asked again; holds a reference on @dev */
	unsigned long used;		/* jiffies: the oldest slot is reused */
};

static struct dusk_netstats dusk_netstats[DUSK_NETSTATS_SLOTS];
static DEFINE_SPINLOCK(dusk_netstats_lock);

static void dusk_netstats_work_fn(struct work_struct *w);
static DECLARE_WORK(dusk_netstats_work, dusk_netstats_work_fn);

/* @dev's slot, made if needed.  Caller holds dusk_netstats_lock. */
static struct dusk_netstats *dusk_netstats_slot(struct net_device *dev, u32 proxy)
{
	struct dusk_netstats *s, *old = NULL;

	for (s = dusk_netstats; s < dusk_netstats + DUSK_NETSTATS_SLOTS; s++) {
		if (s->dev == dev && s->proxy == proxy)
			goto found;
		if (s->refresh)
			continue;	/* its device is held: keep it */
		if (!old || (old->dev && (!s->dev || time_before(s->used, old->used))))
			old = s;
	}
	if (!old)
		return NULL;	/* every slot waits for the program */
	s = old;
	memset(s, 0, sizeof(*s));
	s->dev = dev;
	s->proxy = proxy;
found:
	s->used = jiffies;
	return s;
}

/* Ask the program again from process context: a reference on @dev is
 * held until the work has run.  Caller holds dusk_netstats_lock. */
static void dusk_netstats_ask(struct dusk_netstats *s)
{
	if (s->refresh || !READ_ONCE(dusk_sess.alive))
		return;
	s->refresh = true;
	dev_hold(s->dev);
	/* it waits for the program: not on system_wq */
	queue_work(system_long_wq, &dusk_netstats_work);
}

/* Run ndo_get_stats[64]'s upcall for @dev and keep its answer. */
static void dusk_netstats_run(u32 proxy, struct net_device *dev, bool is64)
{
	struct rtnl_link_stats64 *buf = NULL;
	struct dusk_netstats *s;
	u64 args[2] = { (u64)(uintptr_t)dev };
	u64 ret;

	if (is64) {
		buf = kzalloc(sizeof(*buf), GFP_KERNEL);
		if (!buf)
			return;
		args[1] = (u64)(uintptr_t)buf;
	}
	ret = dusk_upcall_blocking(proxy, args, is64 ? 2 : 1);
	spin_lock(&dusk_netstats_lock);
	s = dusk_netstats_slot(dev, proxy);
	if (s && !IS_ERR_VALUE((unsigned long)ret)) {
		if (is64) {
			s->copy = *buf;
			s->have = true;
		} else {
			s->last = ret;
		}
	}
	spin_unlock(&dusk_netstats_lock);
	kfree(buf);
}

static void dusk_netstats_work_fn(struct work_struct *w)
{
	int i;

	for (i = 0; i < DUSK_NETSTATS_SLOTS; i++) {
		struct net_device *dev;
		u32 proxy;

		spin_lock(&dusk_netstats_lock);
		dev = dusk_netstats[i].refresh ? dusk_netstats[i].dev : NULL;
		proxy = dusk_netstats[i].proxy;
		spin_unlock(&dusk_netstats_lock);
		if (!dev)
			continue;
		dusk_netstats_run(proxy, dev, dusk_gen.proxies[proxy].nargs == 2);
		spin_lock(&dusk_netstats_lock);
		dusk_netstats[i].refresh = false;
		spin_unlock(&dusk_netstats_lock);
		dev_put(dev);
	}
}

/**
 * dusk_netdev_stats() - the body of an ndo_get_stats proxy.
 * @proxy: index into dusk_gen.proxies.
 * @dev: the device.
 *
 * Context: any; waits for the program only where it may sleep.
 * Return: the driver's answer, else its last one while it still lies in
 * the device's memory, else &dev->stats: never an error pointer.
 */
struct net_device_stats *dusk_netdev_stats(u32 proxy, struct net_device *dev)
{
	struct dusk_netstats *s;
	u64 last = 0;

	if (!dusk_cannot_wait()) {
		u64 a[1] = { (u64)(uintptr_t)dev };
		u64 ret = dusk_upcall_blocking(proxy, a, 1);

		if (ret && !IS_ERR_VALUE((unsigned long)ret)) {
			spin_lock(&dusk_netstats_lock);
			s = dusk_netstats_slot(dev, proxy);
			if (s)
				s->last = ret;
			spin_unlock(&dusk_netstats_lock);
			return (struct net_device_stats *)(uintptr_t)ret;
		}
	}
	spin_lock(&dusk_netstats_lock);
	s = dusk_netstats_slot(dev, proxy);
	if (s) {
		last = s->last;
		if (dusk_cannot_wait())
			dusk_netstats_ask(s);
	}
	spin_unlock(&dusk_netstats_lock);
	if (last && dusk_handed_owned_by((u64)(uintptr_t)dev, last, sizeof(struct net_device_stats)))
		return (struct net_device_stats *)(uintptr_t)last;
	return &dev->stats;
}

/**
 * dusk_netdev_stats64() - the body of an ndo_get_stats64 proxy.
 * @proxy: index into dusk_gen.proxies.
 * @dev: the device.
 * @stats: what to fill in (dev_get_stats() zeroed it).
 *
 * Context: any; waits for the program only where it may sleep.  Where it
 * may not, @stats gets the driver's last answer (else dev->stats, as for a
 * driver without the callback) and the program is asked again.
 */
void dusk_netdev_stats64(u32 proxy, struct net_device *dev, struct rtnl_link_stats64 *stats)
{
	struct dusk_netstats *s;
	bool have = false;

	if (!dusk_cannot_wait()) {
		u64 a[2] = { (u64)(uintptr_t)dev, (u64)(uintptr_t)stats };

		if (!IS_ERR_VALUE((unsigned long)dusk_upcall_blocking(proxy, a, 2))) {
			spin_lock(&dusk_netstats_lock);
			s = dusk_netstats_slot(dev, proxy);
			if (s) {
				s->copy = *stats;
				s->have = true;
			}
			spin_unlock(&dusk_netstats_lock);
			return;
		}
	}
	spin_lock(&dusk_netstats_lock);
	s = dusk_netstats_slot(dev, proxy);
	if (s) {
		have = s->have;
		if (have)
			*stats = s->copy;
		if (dusk_cannot_wait())
			dusk_netstats_ask(s);
	}
	spin_unlock(&dusk_netstats_lock);
	if (!have)
		netdev_stats_to_stats64(stats, &dev->stats);
}

/* Module exit, after the session ended: the refreshes still queued find
 * no session and drop their references. */
void dusk_netstats_exit(void)
{
	flush_work(&dusk_netstats_work);
}
