// SPDX-License-Identifier: GPL-2.0
/*
 * A named struct (and enum) defined inside a struct: C gives its tag file
 * scope, so it is printed before the struct holding it (sch_netem's
 * `struct crndstate { u32 last, rho; } delay_cor, loss_cor;`), also when
 * the struct is a member of an anonymous union (sch_htb's `union { struct
 * htb_class_leaf { ... } leaf; struct htb_class_inner { ... } inner; };`).
 */
#include <linux/module.h>

struct ns_data {
	int id;
	struct ns_state {
		u32 last;
		u32 rho;
	} delay_cor, loss_cor;
	enum ns_mode { NS_OFF, NS_ON } mode;
};

struct ns_class {
	int level;
	union {
		struct ns_leaf {
			int deficit[2];
		} leaf;
		struct ns_inner {
			struct ns_prio {
				u32 quantum;
			} prio[2];
		} inner;
	};
};

static struct ns_data ns_d;
static struct ns_class ns_c;

static u32 ns_get(struct ns_state *s)
{
	return s->last + s->rho;
}

static int __init ns_init(void)
{
	ns_d.mode = NS_ON;
	ns_c.leaf.deficit[1] = 3;
	ns_c.inner.prio[0].quantum += ns_c.level;
	return ns_get(&ns_d.delay_cor) + ns_get(&ns_d.loss_cor);
}
module_init(ns_init);
MODULE_LICENSE("GPL");
