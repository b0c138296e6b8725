/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's copies of the module's xtables arrays (xtreg.c), shared by
 * matches (xtmatch.c) and targets (xttarget.c): xt_register_match[es]() and
 * xt_register_target[s]() register a copy whose checkentry and destroy are
 * the core's, and the core calls the module's own with the rule's data lent.
 */
#ifndef DUSK_XTREG_H
#define DUSK_XTREG_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netfilter/x_tables.h>

struct dusk_call;

/* The module's own checkentry and destroy of one copy (its proxies, or NULL). */
struct dusk_xtreg_own {
	union {
		int (*mt)(const struct xt_mtchk_param *);
		int (*tg)(const struct xt_tgchk_param *);
	} check;
	union {
		void (*mt)(const struct xt_mtdtor_param *);
		void (*tg)(const struct xt_tgdtor_param *);
	} destroy;
};

/* One xt_register_match[es]() or xt_register_target[s]() call: the copy the
 * kernel holds. */
struct dusk_xtreg {
	struct list_head node;		/* dusk_xtreg_set.regs, under its lock */
	u64 mirror;			/* the array the module registered */
	u32 n;
	bool live;			/* registered now (not yet unregistered) */
	void *copy;			/* n struct xt_match or xt_target; freed at exit */
	struct dusk_xtreg_own *own;	/* n */
};

/*
 * One rule's use of a copy, recorded by the core's checkentry: the first
 * member of xtmatch.c's and xttarget.c's instances, which add what their
 * hooks need (xtreg.c frees the whole instance through it).  On its set's
 * insts under RCU; updates under the set's lock.
 */
struct dusk_xtreg_inst {
	struct list_head node;
	struct rcu_head rcu;
	struct net *net;
	union {				/* a copy */
		const struct xt_match *match;
		const struct xt_target *target;
		const void *copy;
	};
	const void *info;		/* the rule's matchinfo or targinfo */
};

/* Matches or targets: how their arrays are registered and copied. */
struct dusk_xtreg_set {
	const char *reg1, *regn;	/* the register stubs: one, an array */
	const char *unreg1, *unregn;
	size_t size;			/* sizeof(struct xt_match), sizeof(struct xt_target) */
	/* Copy @i of @r was just copied from the module's: save its own
	 * checkentry and destroy in r->own[i] and put the core's in place. */
	void (*take_over)(struct dusk_xtreg *r, u32 i);
	/* Namespace @net goes, its instances went: what else the caller
	 * keeps per namespace goes too (NULL: nothing).  Under @lock. */
	void (*net_exit)(struct net *net);
	struct mutex *lock;		/* the caller's: it guards its instances too */
	struct list_head regs;		/* struct dusk_xtreg */
	struct list_head insts;		/* struct dusk_xtreg_inst, first in the caller's */
};

/* The two sets xtreg.c serves. */
extern struct dusk_xtreg_set dusk_xt_set;	/* xtmatch.c */
extern struct dusk_xtreg_set dusk_xt_tg_set;	/* xttarget.c */

struct dusk_xtreg *dusk_xtreg_of(struct dusk_xtreg_set *s, const void *copy, u32 *idx);
struct dusk_xtreg *dusk_xtreg_destroyed(struct dusk_xtreg_set *s, struct net *net,
					const void *copy, const void *info, u32 *idx);

/* The matchinfo or targinfo of a rule whose checkentry or destroy (the
 * module's own, a blocking proxy) runs now, lent to the program for it. */
struct dusk_xtreg_loan {
	struct list_head node;		/* the loans, under dusk_sess.qlock */
	u64 addr;
	u64 len;
};

void dusk_xtreg_lend(struct dusk_xtreg_loan *l, const void *info, unsigned int size);
void dusk_xtreg_unlend(struct dusk_xtreg_loan *l);

#endif /* DUSK_XTREG_H */
