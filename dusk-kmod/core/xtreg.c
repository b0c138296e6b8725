// SPDX-License-Identifier: GPL-2.0
/*
 * The module's xtables arrays, matches and targets alike, as the kernel
 * gets them: xt_register_match[es]() and xt_register_target[s]() register
 * a copy the core owns (before_call), whose checkentry and destroy are the
 * core's (xtmatch.c and xttarget.c record each rule's instance there and
 * call the module's own, saved per copy).  The copy outlives the
 * unregistration: a rule may still point at it until the kmod unloads (the
 * rules pin it), so copies are freed at module exit.
 *
 * While the module's own checkentry or destroy runs (a blocking proxy), the
 * rule's matchinfo or targinfo is lent to the program: checkentry writes it
 * (xt_quota, xt_statistic, xt_limit keep a pointer to their shared state
 * there: q->master = kmalloc(...)), yet it is the table's memory and the
 * call's `const struct xt_mtchk_param *` lends nothing.
 *
 * Locking: each set's registrations are under its lock (the caller's
 * mutex); the loans are under dusk_sess.qlock.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "dusk-core.h"
#include "xtreg.h"

static LIST_HEAD(dusk_xtreg_loans);

static struct dusk_xtreg_set *const dusk_xtreg_sets[] = { &dusk_xt_set, &dusk_xt_tg_set };

/**
 * dusk_xtreg_of() - the registration holding copy @copy, and its index.
 * Context: caller holds @s->lock.
 * Return: the registration with the index of @copy in *@idx, or NULL.
 */
struct dusk_xtreg *dusk_xtreg_of(struct dusk_xtreg_set *s, const void *copy, u32 *idx)
{
	struct dusk_xtreg *r;

	list_for_each_entry(r, &s->regs, node) {
		if (copy >= r->copy && copy < r->copy + r->n * s->size) {
			*idx = (copy - r->copy) / s->size;
			return r;
		}
	}
	return NULL;
}

/**
 * dusk_xtreg_destroyed() - the rule of copy @copy with @info in @net is
 * destroyed: its instance is forgotten (freed after a grace period).
 * Context: process; takes @s->lock.
 * Return: the registration holding @copy with the index of @copy in *@idx
 * (its own destroy is the caller's to run), or NULL.
 */
struct dusk_xtreg *dusk_xtreg_destroyed(struct dusk_xtreg_set *s, struct net *net,
					const void *copy, const void *info, u32 *idx)
{
	struct dusk_xtreg_inst *in;
	struct dusk_xtreg *r;

	mutex_lock(s->lock);
	r = dusk_xtreg_of(s, copy, idx);
	list_for_each_entry(in, &s->insts, node) {
		if (in->net == net && in->info == info && in->copy == copy) {
			list_del_rcu(&in->node);
			kfree_rcu(in, rcu);
			break;
		}
	}
	mutex_unlock(s->lock);
	return r;
}

/* The live registration of the module's array at @mirror.  Under @s->lock. */
static struct dusk_xtreg *dusk_xtreg_by_mirror(struct dusk_xtreg_set *s, u64 mirror)
{
	struct dusk_xtreg *r;

	list_for_each_entry(r, &s->regs, node)
		if (r->mirror == mirror && r->live)
			return r;
	return NULL;
}

static void dusk_xtreg_free(struct dusk_xtreg *r)
{
	kfree(r->copy);
	kfree(r->own);
	kfree(r);
}

/* Is stub @c @s's register call for one (1) or an array (2), or the
 * unregister ones (-1, -2)?  0 otherwise. */
static int dusk_xtreg_stub(const struct dusk_xtreg_set *s, const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;

	if (!strcmp(name, s->reg1))
		return 1;
	if (!strcmp(name, s->regn))
		return 2;
	if (!strcmp(name, s->unreg1))
		return -1;
	if (!strcmp(name, s->unregn))
		return -2;
	return 0;
}

/** dusk_xtreg_acts_on() - is @s a registration call of a match or target? */
bool dusk_xtreg_acts_on(const struct dusk_stub_desc *s)
{
	const struct dusk_xtreg_set *set;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_xtreg_sets); i++) {
		set = dusk_xtreg_sets[i];
		if (dusk_stub_named(s->name, set->reg1) || dusk_stub_named(s->name, set->regn) ||
		    dusk_stub_named(s->name, set->unreg1) || dusk_stub_named(s->name, set->unregn))
			return true;
	}
	return false;
}

/* See dusk_xtreg_before_call(), for the registrations of set @s. */
static void dusk_xtreg_set_before(struct dusk_xtreg_set *s, struct dusk_call *c)
{
	int kind = dusk_xtreg_stub(s, c);
	struct dusk_xtreg *r;
	u32 i, n;

	if (!kind || !c->nargs)
		return;
	n = abs(kind) == 2 ? (u32)c->args[1] : 1;
	if (kind < 0) {
		mutex_lock(s->lock);
		r = dusk_xtreg_by_mirror(s, c->args[0]);
		if (r && r->n == n)
			c->args[0] = (u64)(uintptr_t)r->copy;
		mutex_unlock(s->lock);
		return;
	}
	if (!n || n > 64)
		return;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return;
	r->copy = kcalloc(n, s->size, GFP_KERNEL);
	r->own = kcalloc(n, sizeof(*r->own), GFP_KERNEL);
	if (!r->copy || !r->own ||
	    copy_from_kernel_nofault(r->copy, (void *)(uintptr_t)c->args[0], n * s->size)) {
		dusk_xtreg_free(r);
		return;
	}
	r->mirror = c->args[0];
	r->n = n;
	for (i = 0; i < n; i++)
		s->take_over(r, i);
	mutex_lock(s->lock);
	list_add_tail(&r->node, &s->regs);
	mutex_unlock(s->lock);
	c->args[0] = (u64)(uintptr_t)r->copy;
}

/* See dusk_xtreg_after_call(), for the registrations of set @s. */
static void dusk_xtreg_set_after(struct dusk_xtreg_set *s, struct dusk_call *c)
{
	int kind = dusk_xtreg_stub(s, c);
	struct dusk_xtreg *r;
	u32 idx;

	if (!kind || !c->nargs)
		return;
	mutex_lock(s->lock);
	r = dusk_xtreg_of(s, (const void *)(uintptr_t)c->args[0], &idx);
	if (r && kind > 0) {
		if ((s32)c->ret >= 0) {
			r->live = true;
		} else {
			list_del(&r->node);
			dusk_xtreg_free(r);
		}
	} else if (r) {
		r->live = false;
	}
	mutex_unlock(s->lock);
}

/**
 * dusk_xtreg_before_call() - xt_[un]register_match[es]() and
 * xt_[un]register_target[s](): a register call gets the core's copy of the
 * module's array, an unregister call the copy it registered.  When the
 * copy cannot be made the call goes on with the mirror: its rules are then
 * the module's alone (nothing asked ahead, no instance recorded).
 * Context: process, the program's CALL; no dusk lock held.
 */
void dusk_xtreg_before_call(struct dusk_call *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_xtreg_sets); i++)
		dusk_xtreg_set_before(dusk_xtreg_sets[i], c);
}

/**
 * dusk_xtreg_after_call() - the registration took (live), failed
 * (forgotten) or was undone (kept: rules may still point at the copy until
 * the kmod unloads).
 */
void dusk_xtreg_after_call(struct dusk_call *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_xtreg_sets); i++)
		dusk_xtreg_set_after(dusk_xtreg_sets[i], c);
}

/* A namespace goes away: each set's instances in it (and what else the
 * set keeps there: the matches' pre-hooks) with it. */
static void __net_exit dusk_xtreg_net_exit(struct net *net)
{
	struct dusk_xtreg_inst *in, *ti;
	struct dusk_xtreg_set *s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_xtreg_sets); i++) {
		s = dusk_xtreg_sets[i];
		mutex_lock(s->lock);
		list_for_each_entry_safe(in, ti, &s->insts, node) {
			if (in->net == net) {
				list_del_rcu(&in->node);
				kfree_rcu(in, rcu);
			}
		}
		if (s->net_exit)
			s->net_exit(net);
		mutex_unlock(s->lock);
	}
}

/* Registered for the core's life (main.c). */
struct pernet_operations dusk_xtreg_net_ops = {
	.exit = dusk_xtreg_net_exit,
};

/**
 * dusk_xtreg_exit() - module exit, after the session ended and
 * dusk_xtreg_net_ops went (every namespace's instances and pre-hooks with
 * it): no rule uses a copy any more (they pin the kmod), so the copies are
 * freed once the instances' RCU frees have run.
 */
void dusk_xtreg_exit(void)
{
	struct dusk_xtreg *r, *tr;
	size_t i;

	rcu_barrier();
	for (i = 0; i < ARRAY_SIZE(dusk_xtreg_sets); i++) {
		list_for_each_entry_safe(r, tr, &dusk_xtreg_sets[i]->regs, node) {
			list_del(&r->node);
			dusk_xtreg_free(r);
		}
	}
}

/**
 * dusk_xtreg_lend() - lend the @size bytes at @info (a matchinfo or
 * targinfo) to the program until dusk_xtreg_unlend(@l).
 * Context: process; takes dusk_sess.qlock.
 */
void dusk_xtreg_lend(struct dusk_xtreg_loan *l, const void *info, unsigned int size)
{
	l->addr = (u64)(uintptr_t)info;
	l->len = size;
	spin_lock_bh(&dusk_sess.qlock);
	list_add(&l->node, &dusk_xtreg_loans);
	spin_unlock_bh(&dusk_sess.qlock);
}

void dusk_xtreg_unlend(struct dusk_xtreg_loan *l)
{
	spin_lock_bh(&dusk_sess.qlock);
	list_del(&l->node);
	spin_unlock_bh(&dusk_sess.qlock);
}

/**
 * dusk_xtreg_loaned() - is [addr, addr+len) the matchinfo or targinfo of a
 * checkentry or destroy running now?  Context: caller holds qlock.
 */
bool dusk_xtreg_loaned(u64 addr, u64 len)
{
	const struct dusk_xtreg_loan *l;

	list_for_each_entry(l, &dusk_xtreg_loans, node)
		if (addr >= l->addr && len <= l->len && addr - l->addr <= l->len - len)
			return true;
	return false;
}
