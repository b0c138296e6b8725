// SPDX-License-Identifier: GPL-2.0
/* Golden: macro-expanded code is printed expanded and instrumented:
 * list_for_each_entry, skb_queue_walk, min(). */
#include <linux/module.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/skbuff.h>

struct item {
	struct list_head node;
	int value;
};

static LIST_HEAD(items);

static int sum_items(struct list_head *head)
{
	struct item *it;
	int sum = 0;

	list_for_each_entry(it, head, node)
		sum += it->value;
	return sum;
}

static unsigned int queue_bytes(struct sk_buff_head *q)
{
	struct sk_buff *skb;
	unsigned int n = 0;

	skb_queue_walk(q, skb)
		n += min(skb->len, 1500U);
	return n;
}

static int __init mc_init(void)
{
	return sum_items(&items) + queue_bytes(NULL);
}

module_init(mc_init);
MODULE_LICENSE("GPL");
