// SPDX-License-Identifier: GPL-2.0
/* offsetof() with a run-time index, as container_of()/rb_entry() on an
 * array member spell it (act_ct.c, sch_htb.c) */
#include <linux/module.h>
#include <linux/kernel.h>

struct slot { int x; };
struct flow {
	int kind;
	struct slot slots[2];
	union { struct slot spare[2]; long raw; };
};

static struct flow one;

static struct flow *flow_of(struct slot *s, int dir)
{
	return container_of(s, struct flow, slots[dir]);
}

static struct flow *flow_of_x(int *x, int dir)
{
	return container_of(x, struct flow, spare[dir].x);
}

static int __init oi_init(void)
{
	return (flow_of(&one.slots[1], 1) != &one) + (flow_of_x(&one.spare[0].x, 0) != &one);
}
module_init(oi_init);
MODULE_LICENSE("GPL");
