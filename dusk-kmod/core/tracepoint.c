// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoint probes run by the program: observed late (late.c).
 *
 * A probe registered with tracepoint_probe_register[_prio[_may_exist]]()
 * (register_trace_NAME() is an inline of it) is called wherever the kernel
 * hits its tracepoint, with preemption off and often with the scheduler's
 * or a subsystem's locks held; it answers nothing.  A blocking proxy there
 * answered -EWOULDBLOCK without running, so registration was refused.  The
 * shape of the call makes a late run exact but for its timing: the core
 * registers its own probe, dusk_tp_probe(), with a record of the module's
 * as its data; on a hit it takes the tracepoint's arguments from the
 * registers (a probe's arguments are integers and pointers, passed in
 * registers on x86-64 and arm64) and hands them with `current` and the CPU
 * to late.c, whose upcall runs the module's probe in the program with the
 * module's data and those arguments.  What the probe reads through them is
 * read when it runs (`current`'s fields up to comm excepted: copied with
 * the hit).
 *
 * The kernel tells probes apart by (function, data): the core's record is
 * the data, so a registration twice of the module's (tp, probe, data) is
 * refused here with the kernel's -EEXIST.  tracepoint_probe_unregister()
 * of the module's pair unregisters the core's, waits until no hit is still
 * in the core's probe (tracepoint_synchronize_unregister()) and until the
 * program has run the hits observed before (dusk_late_drain()), as the
 * kernel build's last probes had run by then.  Probes the session leaves
 * registered are unregistered when it ends (dusk_tp_forget_all()).
 *
 * A hit raised by the program's own threads, or by late.c's worker
 * raising an upcall, is not observed: in the kernel build neither exists.
 * Probes with more arguments than registers carry are refused.
 */
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

/* Arguments a probe gets in registers, its data included. */
#if defined(CONFIG_X86_64)
#define DUSK_TP_REGS 6
#elif defined(CONFIG_ARM64)
#define DUSK_TP_REGS 8
#else
#define DUSK_TP_REGS 0	/* not known here: every probe is refused */
#endif

/* One registration of the module's: its probe (a proxy) on a tracepoint. */
struct dusk_tp {
	struct list_head node;		/* dusk_tps, under dusk_tp_lock */
	struct tracepoint *tp;
	u64 probe, data;		/* as the module passed them */
	u32 proxy, nargs;		/* the proxy's index and arguments */
};

static DEFINE_MUTEX(dusk_tp_lock);
static LIST_HEAD(dusk_tps);

/* A hit of one of the module's probes: any context but NMI. */
static void dusk_tp_hit(struct dusk_tp *r, const u64 *regs)
{
	u64 args[DUSK_LATE_MAXARGS];
	struct dusk_late_hit *h;
	u32 i;

	if (current->tgid == READ_ONCE(dusk_sess.tgid) || dusk_late_raising())
		return;
	args[0] = r->data;
	for (i = 1; i < r->nargs; i++)
		args[i] = regs[i - 1];
	h = dusk_late_fill(r->proxy, DUSK_LATE_TP, args, r->nargs, 0, DUSK_LATE_NO_SNAP, 0,
			   (u64)(uintptr_t)r, NULL);
	if (h)
		dusk_late_queue(h);
}

/* The probe the kernel calls for each of the module's: @data is the
 * record, the rest the tracepoint's arguments in their registers (only
 * the first r->nargs - 1 are the probe's). */
#if DUSK_TP_REGS == 8
static void dusk_tp_probe(void *data, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7)
{
	u64 regs[] = { a1, a2, a3, a4, a5, a6, a7 };

	dusk_tp_hit(data, regs);
}
#else
static void dusk_tp_probe(void *data, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
	u64 regs[] = { a1, a2, a3, a4, a5 };

	dusk_tp_hit(data, regs);
}
#endif

/* The record of the module's (tp, probe, data), or NULL.  Caller holds
 * dusk_tp_lock. */
static struct dusk_tp *dusk_tp_find(u64 tp, u64 probe, u64 data)
{
	struct dusk_tp *r;

	list_for_each_entry(r, &dusk_tps, node)
		if ((u64)(uintptr_t)r->tp == tp && r->probe == probe && r->data == data)
			return r;
	return NULL;
}

static const char *const dusk_tp_regs[] = {
	"tracepoint_probe_register",
	"tracepoint_probe_register_prio",
	"tracepoint_probe_register_prio_may_exist",
};

/*
 * A registration of the module's probe: a record, and the core's probe
 * with it in the call.  Return: 0 (the stub runs with them), 1 (c->ret is
 * the answer: -EEXIST, -EOPNOTSUPP, -ENOMEM).
 */
static int dusk_tp_register(struct dusk_call *c, u64 *a, struct dusk_bounce *b)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	int proxy = dusk_proxy_of((const void *)(uintptr_t)a[1]);
	struct dusk_tp *r;
	u32 nargs;

	if (proxy < 0)
		return 0;	/* not the module's function: the kernel's to judge */
	nargs = dusk_gen.proxies[proxy].nargs;
	if (!nargs || nargs > DUSK_TP_REGS || nargs > DUSK_LATE_MAXARGS) {
		pr_err("%s: %s: probe %s takes %u arguments, more than a user build can observe: refused, -EOPNOTSUPP\n",
		       dusk_family.name, name, dusk_gen.proxies[proxy].name, nargs);
		c->ret = (u64)(s64)-EOPNOTSUPP;
		return 1;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r) {
		c->ret = (u64)(s64)-ENOMEM;
		return 1;
	}
	r->tp = (struct tracepoint *)(uintptr_t)a[0];
	r->probe = a[1];
	r->data = a[2];
	r->proxy = proxy;
	r->nargs = nargs;
	mutex_lock(&dusk_tp_lock);
	if (dusk_tp_find(a[0], a[1], a[2])) {
		mutex_unlock(&dusk_tp_lock);
		kfree(r);
		c->ret = (u64)(s64)-EEXIST;	/* func_add()'s answer */
		return 1;
	}
	list_add_tail(&r->node, &dusk_tps);
	mutex_unlock(&dusk_tp_lock);
	a[1] = (u64)(uintptr_t)dusk_tp_probe;
	a[2] = (u64)(uintptr_t)r;
	b->replaced |= BIT(1) | BIT(2);
	return 0;
}

/**
 * dusk_tp_before_call() - a registration or unregistration of one of the
 * module's tracepoint probes is made with the core's probe and record.
 * @c: the call; its ret is set when the core answers it.
 * @a, @b: the stub's arguments and which of them are replaced.
 * Return: 0 (the stub runs), 1 (c->ret is the answer).
 * Context: process, no dusk lock held.
 */
int dusk_tp_before_call(struct dusk_call *c, u64 *a, struct dusk_bounce *b)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct dusk_tp *r;

	if (c->nargs < 3)
		return 0;
	if (dusk_name_in(name, dusk_tp_regs, ))
		return dusk_tp_register(c, a, b);
	if (!dusk_name_is(name, "tracepoint_probe_unregister"))
		return 0;
	mutex_lock(&dusk_tp_lock);
	r = dusk_tp_find(a[0], a[1], a[2]);
	mutex_unlock(&dusk_tp_lock);
	if (r) {
		a[1] = (u64)(uintptr_t)dusk_tp_probe;
		a[2] = (u64)(uintptr_t)r;
		b->replaced |= BIT(1) | BIT(2);
	}
	return 0;
}

/* Forget @r, which the kernel no longer calls: once no hit is in the
 * core's probe any more and the program has run those observed. */
static void dusk_tp_release(struct dusk_tp *r)
{
	tracepoint_synchronize_unregister();
	dusk_late_drain((u64)(uintptr_t)r);
	kfree(r);
}

/**
 * dusk_tp_after_call() - a registration the kernel refused leaves no
 * record; an unregistration frees the record once its hits have run.
 * @a: the arguments the stub ran with (the core's probe and record).
 * Context: process, no dusk lock held.
 */
void dusk_tp_after_call(const struct dusk_call *c, const u64 *a)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	bool unreg = dusk_name_is(name, "tracepoint_probe_unregister");
	struct dusk_tp *r;

	/* the core's probe is in the call only when it has a record: dropped
	 * when the kernel refused its registration or made its unregistration */
	if (c->nargs < 3 || a[1] != (u64)(uintptr_t)dusk_tp_probe || unreg != !c->ret)
		return;
	r = (struct dusk_tp *)(uintptr_t)a[2];
	mutex_lock(&dusk_tp_lock);
	list_del(&r->node);
	mutex_unlock(&dusk_tp_lock);
	if (unreg)
		dusk_tp_release(r);
	else
		kfree(r);	/* never registered: no hit can hold it */
}

bool dusk_tp_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_name_in(s->name, dusk_tp_regs, ) ||
	       dusk_name_is(s->name, "tracepoint_probe_unregister");
}

/**
 * dusk_tp_forget_all() - the session ended: the probes it left registered
 * are unregistered (the core's probe is this kmod's code, and the kernel
 * build would have oopsed on a probe left behind by its module), and their
 * records freed once no hit is in them.  Before dusk_late_forget_all(),
 * which drops the hits still queued.
 * Context: process, session teardown.
 */
void dusk_tp_forget_all(void)
{
	struct dusk_tp *r, *n;
	LIST_HEAD(gone);

	mutex_lock(&dusk_tp_lock);
	list_splice_init(&dusk_tps, &gone);
	mutex_unlock(&dusk_tp_lock);
	if (list_empty(&gone))
		return;
	list_for_each_entry_safe(r, n, &gone, node) {
		int err = tracepoint_probe_unregister(r->tp, dusk_tp_probe, r);

		pr_info("%s: tracepoint %s: probe %s left registered by the program: unregister: %d\n",
			dusk_family.name, r->tp->name, dusk_gen.proxies[r->proxy].name, err);
		/* the kernel may still call it with this record: kept */
		if (err)
			list_del(&r->node);
	}
	tracepoint_synchronize_unregister();
	list_for_each_entry_safe(r, n, &gone, node)
		kfree(r);
}
