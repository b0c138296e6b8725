// SPDX-License-Identifier: GPL-2.0
/*
 * The per-net data of the module's pernet_operations is the module's to
 * write.
 *
 * register_pernet_subsys() and register_pernet_device() with ops->id and
 * ops->size make the kernel kzalloc ops->size bytes for every network
 * namespace (ops_init() in net/core/net_namespace.c), reachable as
 * net_generic(net, *ops->id), before it calls ops->init(net); it frees
 * them after the namespace's exits ran (ops_free_list()), or when init
 * fails.  The .ko writes that data from its init on, and later in any
 * callback; so may the program, from the moment its pernet init is
 * entered until that net's exits ran or the ops is unregistered:
 *
 *  - the program's register CALL records its ops (a mirror: kernel memory
 *    that lives as long as the registration);
 *  - a blocking upcall of a recorded ops' init proxy adds {net, data} before
 *    it is raised and removes it again when init fails.  After a successful
 *    register, namespaces whose data is there are added too (an ops with
 *    an id and a size but no init of its own);
 *  - the core's own pernet_operations, registered at module load, sit before
 *    every ops the module registers later (subsys ops go before the first
 *    device ops), so cleanup_net() runs its exit after theirs and before
 *    the data is freed: it removes that net's data;
 *  - an unregister CALL removes its ops' data when it returns (the exits it
 *    ran may write it); session teardown removes everything once the undo
 *    records have unregistered what the program left registered.
 *
 * dusk_pernet_lock is a leaf spinlock: dusk_may_write() takes it under
 * qlock, and the core's pernet exit runs under pernet_ops_rwsem, which an
 * unregister at teardown waits for while holding dusk_sess.lock.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include "dusk-core.h"

/* A pernet_operations the program registered. */
struct dusk_pernet_ops {
	struct list_head node;
	const struct pernet_operations *ops;
};

/* The data one of them has in one namespace. */
struct dusk_pernet_data {
	struct dusk_span span;		/* on dusk_pernet_data_list */
	const struct pernet_operations *ops;
	const struct net *net;
};

static DEFINE_SPINLOCK(dusk_pernet_lock);
static LIST_HEAD(dusk_pernet_ops_list);	/* struct dusk_pernet_ops */
static LIST_HEAD(dusk_pernet_data_list);	/* struct dusk_pernet_data */
/* The program may write them (mem.c). */
const struct dusk_spans dusk_pernet_spans = { &dusk_pernet_lock, &dusk_pernet_data_list };

/* The kernel functions this file acts around (a call acts only when the
 * stub is the function itself, no variadic "fn#N"). */
static const char *const dusk_pernet_regs[] = {
	"register_pernet_subsys", "register_pernet_device",
};
static const char *const dusk_pernet_unregs[] = {
	"unregister_pernet_subsys", "unregister_pernet_device",
};

/* 1: registers pernet ops, -1: unregisters them, 0: neither. */
static int dusk_pernet_stub(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;

	if (!c->nargs)
		return 0;
	if (dusk_name_in(name, dusk_pernet_regs, ))
		return 1;
	if (dusk_name_in(name, dusk_pernet_unregs, ))
		return -1;
	return 0;
}

bool dusk_pernet_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_pernet_regs, ) ||
	       dusk_stub_in(s->name, dusk_pernet_unregs, );
}

/* Remove the data of @ops (any when NULL) in @net (any when NULL).
 * Caller holds dusk_pernet_lock. */
static void dusk_pernet_data_remove(const struct pernet_operations *ops, const struct net *net)
{
	struct dusk_pernet_data *d, *tmp;

	list_for_each_entry_safe(d, tmp, &dusk_pernet_data_list, span.node) {
		if ((!ops || d->ops == ops) && (!net || d->net == net)) {
			list_del(&d->span.node);
			kfree(d);
		}
	}
}

/* Has @ops data recorded in @net?  Caller holds dusk_pernet_lock. */
static bool dusk_pernet_data_known(const struct pernet_operations *ops, const struct net *net)
{
	struct dusk_pernet_data *d;

	list_for_each_entry(d, &dusk_pernet_data_list, span.node)
		if (d->ops == ops && d->net == net)
			return true;
	return false;
}

/* Record @ops's data in @net, if it has any; @d is a free record or NULL
 * (-ENOMEM: the data stays the kernel's).  Caller holds dusk_pernet_lock. */
static void dusk_pernet_data_add(const struct pernet_operations *ops, const struct net *net,
				 struct dusk_pernet_data *d)
{
	void *data;

	if (!ops->id || !ops->size || dusk_pernet_data_known(ops, net)) {
		kfree(d);
		return;
	}
	data = net_generic(net, READ_ONCE(*ops->id));
	if (!data || !d) {
		kfree(d);
		return;
	}
	d->ops = ops;
	d->net = net;
	d->span.start = (unsigned long)data;
	d->span.len = ops->size;
	list_add(&d->span.node, &dusk_pernet_data_list);
}

/**
 * dusk_pernet_before_call() - a register call: record the ops, so that
 * its init upcalls (during this very call, for the existing namespaces)
 * find it.
 * Context: process, the program's CALL; no dusk lock held.
 */
void dusk_pernet_before_call(const struct dusk_call *c)
{
	struct dusk_pernet_ops *o;

	if (dusk_pernet_stub(c) != 1)
		return;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return;	/* its data stays the kernel's */
	o->ops = (const struct pernet_operations *)(uintptr_t)c->args[0];
	spin_lock(&dusk_pernet_lock);
	list_add(&o->node, &dusk_pernet_ops_list);
	spin_unlock(&dusk_pernet_lock);
}

/* Forget the registration of @ops and all its data. */
static void dusk_pernet_ops_remove(const struct pernet_operations *ops)
{
	struct dusk_pernet_ops *o, *tmp;

	spin_lock(&dusk_pernet_lock);
	list_for_each_entry_safe(o, tmp, &dusk_pernet_ops_list, node) {
		if (o->ops == ops) {
			list_del(&o->node);
			kfree(o);
		}
	}
	dusk_pernet_data_remove(ops, NULL);
	spin_unlock(&dusk_pernet_lock);
}

/**
 * dusk_pernet_after_call() - a register call that failed, or an unregister:
 * the kernel freed the data; a register that took: add the namespaces
 * whose data no init upcall added.
 * Context: process, the program's CALL; no dusk lock held.
 */
void dusk_pernet_after_call(const struct dusk_call *c)
{
	const struct pernet_operations *ops;
	struct dusk_pernet_data *d;
	struct net *net;
	int kind = dusk_pernet_stub(c);

	if (!kind)
		return;
	ops = (const struct pernet_operations *)(uintptr_t)c->args[0];
	if (kind < 0 || (int)c->ret) {
		dusk_pernet_ops_remove(ops);
		return;
	}
	rcu_read_lock();
	for_each_net_rcu(net) {
		d = kmalloc(sizeof(*d), GFP_ATOMIC);
		spin_lock(&dusk_pernet_lock);
		dusk_pernet_data_add(ops, net, d);
		spin_unlock(&dusk_pernet_lock);
	}
	rcu_read_unlock();
}

/* The recorded ops whose init is @proxy, or NULL.  Caller holds lock. */
static const struct pernet_operations *dusk_pernet_init_of(u32 proxy)
{
	const void *fn = dusk_gen.proxies[proxy].addr;
	struct dusk_pernet_ops *o;

	list_for_each_entry(o, &dusk_pernet_ops_list, node)
		if ((const void *)READ_ONCE(o->ops->init) == fn)
			return o->ops;
	return NULL;
}

/**
 * dusk_pernet_enter() - a blocking upcall is about to be raised: when it
 * is the init of a recorded ops, its data in that net (args[0]) becomes
 * the program's.
 * Context: process, the kernel's caller of the proxy.
 */
void dusk_pernet_enter(u32 proxy, const u64 *args, u32 nargs)
{
	const struct pernet_operations *ops;
	struct dusk_pernet_data *d;

	if (nargs != 1 || list_empty(&dusk_pernet_ops_list))
		return;
	d = kmalloc(sizeof(*d), GFP_KERNEL);
	spin_lock(&dusk_pernet_lock);
	ops = dusk_pernet_init_of(proxy);
	if (ops)
		dusk_pernet_data_add(ops, (const struct net *)(uintptr_t)args[0], d);
	else
		kfree(d);
	spin_unlock(&dusk_pernet_lock);
}

/**
 * dusk_pernet_leave() - the upcall of dusk_pernet_enter() returned @ret:
 * a failed pernet init (the kernel frees the data now) gives it back.
 * Context: process.
 */
void dusk_pernet_leave(u32 proxy, const u64 *args, u32 nargs, u64 ret)
{
	const struct pernet_operations *ops;

	if (nargs != 1 || !(int)ret || list_empty(&dusk_pernet_ops_list))
		return;
	spin_lock(&dusk_pernet_lock);
	ops = dusk_pernet_init_of(proxy);
	if (ops)
		dusk_pernet_data_remove(ops, (const struct net *)(uintptr_t)args[0]);
	spin_unlock(&dusk_pernet_lock);
}

/**
 * dusk_pernet_forget_all() - the session ends: its ops are unregistered
 * (undo records), the data was freed with them.  Also the core's exit
 * (main.c), after dusk_pernet_net_ops went.
 * Context: teardown, after dusk_undo_all().
 */
void dusk_pernet_forget_all(void)
{
	struct dusk_pernet_ops *o, *tmp;

	spin_lock(&dusk_pernet_lock);
	list_for_each_entry_safe(o, tmp, &dusk_pernet_ops_list, node) {
		list_del(&o->node);
		kfree(o);
	}
	dusk_pernet_data_remove(NULL, NULL);
	spin_unlock(&dusk_pernet_lock);
}

/* A namespace goes: every module ops' exit has run, its data goes next. */
static void dusk_pernet_net_exit(struct net *net)
{
	spin_lock(&dusk_pernet_lock);
	dusk_pernet_data_remove(NULL, net);
	spin_unlock(&dusk_pernet_lock);
}

/* Registered for the core's life (main.c). */
struct pernet_operations dusk_pernet_net_ops = {
	.exit = dusk_pernet_net_exit,
};
