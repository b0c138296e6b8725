// SPDX-License-Identifier: GPL-2.0
/*
 * Net devices the kernel allocates and hands to the module's callbacks.
 *
 * alloc_netdev_mqs() (net/core/dev.c) kvzallocs a struct net_device, aligned
 * to NETDEV_ALIGN, and the driver's private area after it
 * (netdev_priv(): at ALIGN(sizeof(struct net_device), NETDEV_ALIGN), as
 * many bytes as the call was given), and calls the driver's setup()
 * before it returns: setup() sets the device's ops and flags and
 * initialises the private area (a queue head, a timer, a back pointer).
 * rtnl_create_link() (net/core/rtnetlink.c) makes the device of a link
 * type that way for "ip link add NAME type KIND" -- the type's priv_size
 * and setup -- sets dev->rtnl_link_ops, and hands it to the type's
 * newlink(), which fills it in and registers it (or, without newlink,
 * the kernel registers it).  On a failure the kernel frees it; a device
 * the kernel made is freed by the kernel after its unregistration
 * (needs_free_netdev), as is a device of the module's own making that
 * asked for it.
 *
 * handed.c records alloc_netdev()'s device from the call's return: too
 * late for setup(), and a device the kernel made is never recorded.  So:
 *
 *  - a callback handed a struct net_device (DUSK_LENT_NETDEV, the
 *    rewriter's type rule) is lent the device and, when the device is the
 *    module's and the size of its private area is known, that area, while
 *    it runs: inside the module's own alloc_netdev_mqs() call (its setup:
 *    the size the call was given, noted for the calling task while the
 *    call runs), a device being made for a link type of the module's
 *    (its setup, matched by the callback's proxy, before the kernel sets
 *    rtnl_link_ops), and a device of such a type (its newlink, dellink,
 *    ndo_*(): the type's priv_size);
 *  - a device of a link type of the module's is handed to the module from
 *    its registration (NETDEV_REGISTER: newlink's register_netdevice(),
 *    or the kernel's) until its unregistration (NETDEV_UNREGISTER with
 *    the device NETREG_UNREGISTERING, not a namespace move), after which
 *    only the callbacks it is lent to may write it; alloc_netdev()'s own
 *    record goes then too when the kernel is to free the device
 *    (handed.c).
 *
 * A link type's priv_size and setup are read from the program's
 * rtnl_link_ops mirror when rtnl_link_register() succeeds and read again
 * at each use: the smaller size counts, so a mirror the program changed
 * later never lends more than the kernel allocated.  The types are
 * forgotten when rtnl_link_unregister() returns (its dellinks are lent
 * the devices) and at the session's end, after the undo unregistered
 * them; a noted allocation lives only as long as its call.
 *
 * dusk_netdev_lock is a leaf spinlock: dusk_netdev_lent_len() takes it
 * under qlock.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/rtnetlink.h>
#include "dusk-core.h"

/* A link type the session registered. */
struct dusk_linktype {
	struct list_head node;
	const struct rtnl_link_ops *ops;	/* the program's mirror */
	size_t priv_size;	/* ops->priv_size when it was registered */
	const void *setup;	/* ops->setup then: a proxy */
	bool alloc;		/* ops->alloc: the module allocates its devices */
};

/* The module's alloc_netdev_mqs() call running in @task. */
struct dusk_netdev_alloc {
	struct list_head node;
	const struct dusk_call *call;
	struct task_struct *task;
	int priv;
};

static DEFINE_SPINLOCK(dusk_netdev_lock);
static LIST_HEAD(dusk_linktypes);
static LIST_HEAD(dusk_netdev_allocs);

/* a link type's registration (the __ forms: RTNL held) and its end */
static const char *const dusk_link_regs[] = { "rtnl_link_register", "__rtnl_link_register" };
static const char *const dusk_link_unregs[] = { "rtnl_link_unregister",
						"__rtnl_link_unregister" };
/* the allocation whose setup() is the module's (alloc_etherdev_mqs() and
 * alloc_candev_mqs() run the kernel's own) */
#define DUSK_NETDEV_ALLOC	"alloc_netdev_mqs"

/**
 * dusk_netdev_span() - the bytes of a net device allocated with @priv
 * bytes of private area: the struct, and the area at its aligned end.
 * Context: any.
 */
size_t dusk_netdev_span(int priv)
{
	if (priv <= 0)
		return sizeof(struct net_device);
	return ALIGN(sizeof(struct net_device), NETDEV_ALIGN) + priv;
}

/* The private size of the session's link type @ops (the smaller of what
 * was registered and what its mirror says now); false when @ops is none
 * of its types or the type allocates its devices itself.  Caller holds
 * dusk_netdev_lock. */
static bool dusk_linktype_priv(const struct rtnl_link_ops *ops, size_t *priv)
{
	const struct dusk_linktype *t;

	if (!ops)
		return false;
	list_for_each_entry(t, &dusk_linktypes, node) {
		if (t->ops != ops)
			continue;
		if (t->alloc)
			return false;
		*priv = min_t(size_t, t->priv_size, READ_ONCE(ops->priv_size));
		return true;
	}
	return false;
}

/* The private size of a device being made for the session's link type
 * whose setup is @setup (the smallest, should two types share it).
 * Caller holds dusk_netdev_lock. */
static bool dusk_linktype_setup_priv(const void *setup, size_t *priv)
{
	const struct dusk_linktype *t;
	bool found = false;

	list_for_each_entry(t, &dusk_linktypes, node) {
		if (t->alloc || t->setup != setup || READ_ONCE(t->ops->setup) != setup)
			continue;
		*priv = min_t(size_t, found ? *priv : t->priv_size,
			      READ_ONCE(t->ops->priv_size));
		found = true;
	}
	return found;
}

/* The private size of the module's alloc_netdev_mqs() running in @task. */
static bool dusk_netdev_alloc_priv(const struct task_struct *task, size_t *priv)
{
	const struct dusk_netdev_alloc *a;

	list_for_each_entry(a, &dusk_netdev_allocs, node)
		if (a->task == task) {
			*priv = a->priv > 0 ? a->priv : 0;
			return true;
		}
	return false;
}

/**
 * dusk_netdev_lent_len() - the bytes of net device @arg lent to blocked
 * callback @w (DUSK_LENT_NETDEV): the struct, and its private area when
 * the device is the module's (see the file comment).
 * Context: the callback's argument is live; takes dusk_netdev_lock.
 */
u64 dusk_netdev_lent_len(const struct dusk_waiter *w, u64 arg)
{
	const struct net_device *dev = (const struct net_device *)(uintptr_t)arg;
	const struct rtnl_link_ops *ops = READ_ONCE(dev->rtnl_link_ops);
	size_t priv = 0;
	bool known;

	spin_lock(&dusk_netdev_lock);
	known = dusk_linktype_priv(ops, &priv);
	/* still being made: alloc_netdev_mqs() has not returned yet */
	if (!known && !ops && READ_ONCE(dev->reg_state) == NETREG_UNINITIALIZED)
		known = dusk_netdev_alloc_priv(w->task, &priv) ||
			dusk_linktype_setup_priv(dusk_gen.proxies[w->proxy].addr, &priv);
	spin_unlock(&dusk_netdev_lock);
	return dusk_netdev_span(known ? (int)min_t(size_t, priv, INT_MAX) : 0);
}

/**
 * dusk_netdev_before_call() - the module's alloc_netdev_mqs() is about to
 * run in this task: its setup() may write the private area it asks for.
 * Context: process, no dusk lock held.
 */
void dusk_netdev_before_call(const struct dusk_call *c)
{
	struct dusk_netdev_alloc *a;

	if (!dusk_stub_named(dusk_gen.stubs[c->stub].name, DUSK_NETDEV_ALLOC) || !c->nargs)
		return;
	a = kmalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return;	/* setup() is lent the struct alone, as before */
	a->call = c;
	a->task = current;
	a->priv = (int)c->args[0];
	spin_lock(&dusk_netdev_lock);
	list_add(&a->node, &dusk_netdev_allocs);
	spin_unlock(&dusk_netdev_lock);
}

/* rtnl_link_register(@ops) succeeded: a type of the session's. */
static void dusk_linktype_add(const struct rtnl_link_ops *ops)
{
	struct dusk_linktype *t = kmalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return;	/* its devices are lent and handed the struct alone */
	t->ops = ops;
	t->priv_size = READ_ONCE(ops->priv_size);
	t->setup = READ_ONCE(ops->setup);
	t->alloc = READ_ONCE(ops->alloc);
	spin_lock(&dusk_netdev_lock);
	list_add(&t->node, &dusk_linktypes);
	spin_unlock(&dusk_netdev_lock);
}

/* Forget the link type @ops (every one when NULL). */
static void dusk_linktype_forget(const struct rtnl_link_ops *ops)
{
	struct dusk_linktype *t, *tmp;
	LIST_HEAD(gone);

	spin_lock(&dusk_netdev_lock);
	list_for_each_entry_safe(t, tmp, &dusk_linktypes, node)
		if (!ops || t->ops == ops)
			list_move(&t->node, &gone);
	spin_unlock(&dusk_netdev_lock);
	list_for_each_entry_safe(t, tmp, &gone, node)
		kfree(t);
}

/* The allocation @c returned: its note goes. */
static void dusk_netdev_alloc_done(const struct dusk_call *c)
{
	struct dusk_netdev_alloc *a, *found = NULL;

	spin_lock(&dusk_netdev_lock);
	list_for_each_entry(a, &dusk_netdev_allocs, node)
		if (a->call == c) {
			found = a;
			list_del(&a->node);
			break;
		}
	spin_unlock(&dusk_netdev_lock);
	kfree(found);
}

/**
 * dusk_netdev_after_call() - a call of the module's returned: its
 * allocation's note goes; a link type it registered is the session's, one
 * it unregistered (and deleted the devices of) is not any more.
 * Context: process, no dusk lock held.
 */
void dusk_netdev_after_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	const struct rtnl_link_ops *ops;

	if (dusk_stub_named(name, DUSK_NETDEV_ALLOC)) {
		dusk_netdev_alloc_done(c);
		return;
	}
	if (c->err || !c->nargs || !c->args[0])
		return;
	ops = (const struct rtnl_link_ops *)(uintptr_t)c->args[0];
	if (dusk_stub_in(name, dusk_link_regs, ) && !c->ret)
		dusk_linktype_add(ops);
	else if (dusk_stub_in(name, dusk_link_unregs, ))
		dusk_linktype_forget(ops);
}

bool dusk_netdev_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_named(s->name, DUSK_NETDEV_ALLOC) ||
	       dusk_stub_in(s->name, dusk_link_regs, ) ||
	       dusk_stub_in(s->name, dusk_link_unregs, );
}

/**
 * dusk_netdev_forget_all() - the session ends: its link types were
 * unregistered by the undo, its devices with them.
 */
void dusk_netdev_forget_all(void)
{
	dusk_linktype_forget(NULL);
}

/* A device of the session's link types registered is the module's until
 * its unregistration; any device the kernel is about to free is not. */
static int dusk_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	size_t priv = 0;
	bool ours;

	switch (event) {
	case NETDEV_REGISTER:
		spin_lock(&dusk_netdev_lock);
		ours = dusk_linktype_priv(dev->rtnl_link_ops, &priv);
		spin_unlock(&dusk_netdev_lock);
		if (ours)
			dusk_handed_netdev((unsigned long)dev,
					   dusk_netdev_span((int)min_t(size_t, priv, INT_MAX)));
		break;
	case NETDEV_UNREGISTER:
		if (dev->reg_state == NETREG_UNREGISTERING)
			dusk_handed_netdev_going((unsigned long)dev, dev->needs_free_netdev);
		break;
	}
	return NOTIFY_DONE;
}

struct notifier_block dusk_netdev_nb = { .notifier_call = dusk_netdev_event };
