// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel address under a GNU range designator (`[0 ... 3] = &init_net`):
 * a static initializer cannot hold it, so it is assigned before init, to
 * every element of the range (it went to the first element alone: the
 * others stayed NULL).  Ranges in two dimensions, inside a braced
 * element, and a module pointer.
 */
#include <linux/module.h>
#include <net/net_namespace.h>

struct rg_slot {
	int id;
	struct net *net;
};

static struct net *rg_nets[4] = { [0 ... 3] = &init_net };
static struct rg_slot rg_slots[3][2] = { [0 ... 2][1].net = &init_net, [1][0 ... 1] = { 7, &init_net } };
static struct { const char *name; struct module *owner; } rg_own[3] = { [1 ... 2] = { "x", THIS_MODULE } };

static int __init rg_init(void)
{
	int i, j, n = 0;

	for (i = 0; i < 4; i++)
		n += rg_nets[i] == &init_net;
	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			n += 10 * (rg_slots[i][j].net == &init_net);
	pr_info("range: %d %d %d %d\n", n, rg_slots[1][0].id, rg_own[2].owner == THIS_MODULE, rg_own[0].owner == NULL);
	return 0;
}
static void __exit rg_exit(void) { }
module_init(rg_init);
module_exit(rg_exit);
MODULE_LICENSE("GPL");
