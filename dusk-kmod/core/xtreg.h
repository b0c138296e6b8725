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

/* Matches or targets: how their arrays are registered and copied. */
struct dusk_xtreg_set {
	const char *reg1, *regn;	/* the register stubs: one, an array */
	const char *unreg1, *unregn;
	size_t size;			/* sizeof(struct xt_match), sizeof(struct xt_target) */
	/* Copy @i of @r was just copied from the module's: save its own
	 * checkentry and destroy in r->own[i] and put the core's in place. */
	void (*take_over)(struct dusk_xtreg *r, u32 i);
	struct mutex *lock;		/* the caller's: it guards its instances too */
	struct list_head regs;		/* struct dusk_xtreg */
};

struct dusk_xtreg *dusk_xtreg_of(struct dusk_xtreg_set *s, const void *copy, u32 *idx);
bool dusk_xtreg_acts_on(const struct dusk_xtreg_set *set, const struct dusk_stub_desc *s);
void dusk_xtreg_before_call(struct dusk_xtreg_set *s, struct dusk_call *c);
void dusk_xtreg_after_call(struct dusk_xtreg_set *s, struct dusk_call *c);
void dusk_xtreg_free_all(struct dusk_xtreg_set *s);

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
