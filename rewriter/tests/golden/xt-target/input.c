// SPDX-License-Identifier: GPL-2.0
/* Golden: an xt_target's .target (unsigned int (struct sk_buff *, const
 * struct xt_action_param *)) gets a DUSK_PROXY_SYNC proxy calling
 * dusk_sync_xt_target(), not a blocking one (whose -EWOULDBLOCK in softirq
 * is no verdict: nf_hook_slow() leaked the packet); its checkentry stays
 * a blocking proxy. */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/skbuff.h>

static unsigned int gt_target(struct sk_buff *skb, const struct xt_action_param *par)
{
	skb->mark = 1;
	return XT_CONTINUE;
}

static int gt_check(const struct xt_tgchk_param *par)
{
	return 0;
}

static struct xt_target gt_reg __read_mostly = {
	.name		= "GOLDEN",
	.family		= NFPROTO_UNSPEC,
	.target		= gt_target,
	.checkentry	= gt_check,
	.me		= THIS_MODULE,
};

static int __init gt_init(void)
{
	return xt_register_target(&gt_reg);
}

static void __exit gt_exit(void)
{
	xt_unregister_target(&gt_reg);
}

module_init(gt_init);
module_exit(gt_exit);
MODULE_LICENSE("GPL");
