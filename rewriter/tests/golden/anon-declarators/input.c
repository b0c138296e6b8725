// SPDX-License-Identifier: GPL-2.0
/*
 * Several declarators of one anonymous struct (sch_htb's
 * `struct { ... } stk[TC_HTB_MAXDEPTH], *sp = stk;`): they share its one
 * type, so the variables printed after the first name it __typeof__(...)
 * instead of repeating `struct { ... }`, which would be another type.
 */
#include <linux/module.h>

static struct {
	int hits;
	const char *name;
} ad_stats[2], *ad_cur = ad_stats;

static int ad_walk(int n)
{
	struct {
		int depth;
		int *slot;
	} stk[4], *sp = stk, **spp = &sp;
	int v = n, i;

	sp->slot = &v;
	for (i = 0; i < 3 && i < n; i++) {
		(*spp)++;
		sp->depth = i;
		sp->slot = stk[i].slot;
	}
	return sp->depth + (sp - stk);
}

static int __init ad_init(void)
{
	ad_cur++;
	ad_cur->hits = ad_walk(2);
	return ad_stats[1].hits == 3 ? 0 : -EINVAL;
}
module_init(ad_init);
MODULE_LICENSE("GPL");
