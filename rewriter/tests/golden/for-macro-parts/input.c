// SPDX-License-Identifier: GPL-2.0
/*
 * for loops with parts left out, written by macros (sch_etf's
 * skb_rbtree_walk_from_safe(): `for (; tmp = ..., (skb != NULL); skb = tmp)`)
 * and in the module: which parts are present is read from the header where
 * it is spelled, in the macro's definition or in the module.
 */
#include <linux/module.h>
#include <linux/skbuff.h>

struct fm_node {
	struct fm_node *next;
	int v;
};

/* a loop macro of the module's own, without init */
#define fm_walk_safe(p, n) for (; (p) && ({ n = (p)->next; 1; }); p = n)

static struct fm_node fm_nodes[3] = {
	{ .next = &fm_nodes[1], .v = 1 }, { .next = &fm_nodes[2], .v = 2 }, { .v = 3 },
};

static int fm_sum(struct fm_node *p)
{
	struct fm_node *n;
	int s = 0, i = 0;

	fm_walk_safe(p, n)
		s += p->v;
	for (; i < 2;)
		i++;
	for (;;)
		break;
	for (i = 0;; i++)
		if (i > 1)
			break;
	return s + i;
}

static unsigned int fm_count(struct sk_buff *skb, struct sk_buff_head *q)
{
	struct sk_buff *tmp;
	unsigned int n = 0;

	skb_rbtree_walk_from_safe(skb, tmp)
		n++;
	skb = skb_peek(q);
	if (skb)
		skb_queue_walk_from(q, skb)
			n++;
	return n;
}

static int __init fm_init(void)
{
	struct sk_buff_head q;

	skb_queue_head_init(&q);
	return fm_sum(fm_nodes) == 8 && !fm_count(NULL, &q) ? 0 : -EINVAL;
}
module_init(fm_init);
MODULE_LICENSE("GPL");
