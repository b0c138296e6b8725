// SPDX-License-Identifier: GPL-2.0
/* An array declared before its definition (ip6t_hbh.c): one object, with
 * the definition's size and initializer. */
#include <linux/module.h>
#include <linux/kernel.h>

struct entry { int key; const char *name; };

static struct entry table[] __read_mostly;

static const char *first(void)
{
	return table[0].name;
}

static struct entry table[] __read_mostly = {
	{ 1, "one" },
	{ 2, "two" },
};

static int count(void)
{
	return first() ? ARRAY_SIZE(table) : 0;
}

static int __init af_init(void)
{
	return count() == 2 ? 0 : -EINVAL;
}
module_init(af_init);
MODULE_LICENSE("GPL");
