// SPDX-License-Identifier: GPL-2.0
/* Golden: GNU and C11 expressions kernel headers use: `a ?: b` (the common
 * operand evaluated once, as in xt_dccp), _Generic whose value is not a
 * constant (container_of_const(): the association of the result's type). */
#include <linux/module.h>
#include <linux/skbuff.h>

struct item {
	int key;
	struct list_head node;
};

static struct item one = { .key = 3 };

static int step(const unsigned char *op, unsigned int i)
{
	return op[i + 1] ? : 1;
}

static const struct item *item_of(const struct list_head *n)
{
	return container_of_const(n, struct item, node);
}

static int __init ge_init(void)
{
	static const unsigned char ops[] = { 0, 0, 4 };

	return step(ops, 0) + step(ops, 1) - 5 + item_of(&one.node)->key - 3;
}

module_init(ge_init);
MODULE_LICENSE("GPL");
