// SPDX-License-Identifier: GPL-2.0
/*
 * A for loop written in a macro's body with a part left out:
 * for_each_process(p) is `for (p = &init_task ; (p = next_task(p)) !=
 * &init_task ; )`.  Its parts are told apart by the `;` of the macro's
 * definition (the module's own tokens are only `for_each_process(p)`):
 * the parts present are those with tokens there.
 * A macro of the module's own with no init (fm_until) lost its condition:
 * libclang's extent of the loop starts in the macro's definition while its
 * parts are located where the macro is used, so offsets were compared
 * across the two and `for (; (i) < (3); (i)++)` came out as `for (; ; (i)++)`.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#define fm_until(i, n) for (; (i) < (n); (i)++)
/* as skb_rbtree_walk_from_safe: the increment is the macro's arguments only */
#define fm_walk(p, t) for (; p && ({ t = p->next; 1; }); p = t)

struct fm_node {
	struct fm_node *next;
	int v;
};

int fm_count(struct fm_node *node)
{
	struct fm_node *tmp;
	struct task_struct *p;
	int n = 0, i = 0;

	rcu_read_lock();
	for_each_process(p)
		if (p->pid == 1)
			n++;
	rcu_read_unlock();
	fm_until(i, 3)
		n += i;
	fm_walk(node, tmp)
		n += node->v;
	return n;
}

static int __init fm_init(void)
{
	return 0;
}
module_init(fm_init);
MODULE_LICENSE("GPL");
