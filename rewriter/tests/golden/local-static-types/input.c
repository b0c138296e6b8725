// SPDX-License-Identifier: GPL-2.0
/*
 * A function's static of a type the function defines: the static is
 * defined at file scope (local-statics), so the function's types go there
 * too, ahead of it, and its body no longer prints them.  Also a typedef of
 * an untagged struct made in the function, and a pointer to a local type.
 * A function without such a static keeps its types in place.
 */
#include <linux/module.h>
#include <linux/list.h>

static int ls_counter(void)
{
	struct ls_tally { int n; struct list_head node; };
	typedef struct { short lo, hi; } ls_range_t;
	static struct ls_tally t = { .n = 1 };
	static ls_range_t range = { 1, 2 };
	static struct ls_tally *last;

	t.n += range.hi;
	last = &t;
	return last->n;
}

static int ls_plain(void)
{
	struct ls_pair { int a, b; } p = { 1, 2 };

	return p.a + p.b;
}

static int __init ls_init(void)
{
	return ls_counter() + ls_plain();
}
module_init(ls_init);
MODULE_LICENSE("GPL");
