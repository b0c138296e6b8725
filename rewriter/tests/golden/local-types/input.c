// SPDX-License-Identifier: GPL-2.0
/*
 * Types defined inside a function body are printed where they stand: a
 * named struct (with a kernel type in it), a named enum, a typedef, and a
 * tag one function defines while another function and file scope use
 * another struct of that name.  An anonymous struct stays spelled with its
 * variable.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/list.h>

struct loc { char c; };

static LIST_HEAD(items);

static int __init lt_init(void)
{
	struct loc { int a; long b; struct list_head node; } l = { 1, 2 };
	struct { int x; } anon = { 3 };
	enum lk { LK_A = 4, LK_B } e = LK_B;
	typedef unsigned short lt_short;
	lt_short z = 7;

	list_add(&l.node, &items);
	list_del(&l.node);
	pr_info("lt: %d %ld %d %d %u %zu\n", l.a, l.b, anon.x, e, z, sizeof(l));
	return 0;
}

static void __exit lt_exit(void)
{
	struct loc g = { 'x' };

	pr_info("lt exit %c %zu\n", g.c, sizeof(g));
}

module_init(lt_init);
module_exit(lt_exit);
MODULE_LICENSE("GPL");
