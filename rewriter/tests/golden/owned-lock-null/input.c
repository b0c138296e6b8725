// SPDX-License-Identifier: GPL-2.0
/*
 * One owner per object, but a null lock is no object: a kernel call whose
 * spinlock parameter gets NULL takes no lock of the program's
 * (sch_drr's gen_replace_estimator(..., NULL, true, opt)), so it is a
 * kernel call like any other; diag-owned-lock has the refused case.
 */
#include <linux/module.h>
#include <net/gen_stats.h>

static struct gnet_stats_basic_sync oln_bstats;
static struct net_rate_estimator __rcu *oln_est;

int oln_set_rate(struct nlattr *opt)
{
	return gen_replace_estimator(&oln_bstats, NULL, &oln_est, NULL, true, opt);
}

static int __init oln_init(void)
{
	gnet_stats_basic_sync_init(&oln_bstats);
	return 0;
}
module_init(oln_init);
MODULE_LICENSE("GPL");
