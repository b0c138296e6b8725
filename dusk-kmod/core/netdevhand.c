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
 * A program that dies (or times out) in a link type's callback must not
 * leave the kernel an answer that breaks it: a newlink that registered
 * its device answers 0 (on an error the kernel would free a registered
 * device: free_netdev()'s BUG_ON), and the callbacks that size and fill
 * a link's netlink message answer "nothing to add" (an error wrapped the
 * size or failed the fill: the kernel warned), get_link_net the device's
 * own namespace, until the undo takes them away (undo.c).
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

/**
 * dusk_netdev_new_args() - which of a blocking callback's arguments are
 * net devices not registered yet (bit i: argument i), when it begins.
 * Context: the arguments are live.
 */
u32 dusk_netdev_new_args(const u32 *lent, const u64 *args, u32 nargs)
{
	const struct net_device *dev;
	u32 i, bits = 0;

	for (i = 0; lent && i < nargs && i < 32; i++) {
		if (lent[i] != DUSK_LENT_NETDEV || args[i] < dusk_kspace_start())
			continue;
		dev = (const struct net_device *)(uintptr_t)args[i];
		if (READ_ONCE(dev->reg_state) == NETREG_UNINITIALIZED)
			bits |= BIT(i);
	}
	return bits;
}

/* A link type's callbacks the kernel calls to size and fill a link's
 * netlink message (RTM_NEWLINK, RTM_DELLINK, dumps): each answers a size
 * or 0/-EMSGSIZE. */
static const size_t dusk_link_msg_cbs[] = {
	offsetof(struct rtnl_link_ops, get_size),
	offsetof(struct rtnl_link_ops, fill_info),
	offsetof(struct rtnl_link_ops, get_xstats_size),
	offsetof(struct rtnl_link_ops, fill_xstats),
	offsetof(struct rtnl_link_ops, get_slave_size),
	offsetof(struct rtnl_link_ops, fill_slave_info),
	offsetof(struct rtnl_link_ops, get_linkxstats_size),
	offsetof(struct rtnl_link_ops, fill_linkxstats),
};

/*
 * Is blocked callback @w, unanswered, one of a session link type's
 * message callbacks?  Then *@ret is what it answers: 0, "nothing to add"
 * (the sizes and the contents agree); get_link_net: the device's own
 * namespace.  An error answer broke the message: a size_t -ENOTCONN
 * wrapped the message's size below what the contents took, the kernel
 * warned (rtmsg_ifinfo_build_skb(), -EMSGSIZE), and an error pointer for
 * a namespace would be dereferenced.  Between a program's death and its
 * undo (which clears them: undo.c) the kernel still calls them: the
 * RTM_NEWLINK of an "ip link add" whose newlink was left unanswered.
 */
static bool dusk_linktype_msg_cb(const struct dusk_waiter *w, const u64 *args, u32 nargs,
				 u64 *ret)
{
	const void *fn = dusk_gen.proxies[w->proxy].addr;
	const struct net_device *dev = NULL;
	const struct dusk_linktype *t;
	bool msg = false, net = false;
	size_t i;

	spin_lock(&dusk_netdev_lock);
	list_for_each_entry(t, &dusk_linktypes, node) {
		net = READ_ONCE(t->ops->get_link_net) == fn;
		for (i = 0; i < ARRAY_SIZE(dusk_link_msg_cbs); i++)
			msg |= READ_ONCE(*(const void *const *)((const char *)t->ops +
							       dusk_link_msg_cbs[i])) == fn;
		if (msg || net)
			break;
	}
	spin_unlock(&dusk_netdev_lock);
	if (nargs && args[0] >= dusk_kspace_start())
		dev = (const struct net_device *)(uintptr_t)args[0];
	if (net && dev)
		*ret = (u64)(uintptr_t)dev_net(dev);
	else if (msg)
		*ret = 0;
	return msg || (net && dev);
}

/**
 * dusk_netdev_unanswered() - what blocked callback @w answers when the
 * program did not (it died, timed out or was killed in it), @ret
 * otherwise: 0 when it registered a device it was handed unregistered.
 *
 * A link type's newlink registers the device rtnl_create_link() made;
 * on an error answer the kernel frees the device, which must then not be
 * registered (free_netdev()'s BUG_ON: a program that died after its
 * register_netdevice() left `ip link add` an invalid opcode, RTNL held
 * for good).  Answered 0, the device stays, of its type, and goes when
 * the type does (the dead session's undo unregisters it).
 * Context: process, the callback's arguments are live.
 */
u64 dusk_netdev_unanswered(const struct dusk_waiter *w, const u64 *args, u32 nargs, u64 ret)
{
	const struct net_device *dev;
	u32 i;

	if (dusk_linktype_msg_cb(w, args, nargs, &ret))
		return ret;
	for (i = 0; i < nargs && i < 32; i++) {
		if (!(w->netdev_new & BIT(i)))
			continue;
		dev = (const struct net_device *)(uintptr_t)args[i];
		if (READ_ONCE(dev->reg_state) == NETREG_UNINITIALIZED)
			continue;
		pr_warn("%s: %s did not answer after it registered %s: answered 0, the device stays\n",
			dusk_family.name, dusk_gen.proxies[w->proxy].name, dev->name);
		return 0;
	}
	return ret;
}
