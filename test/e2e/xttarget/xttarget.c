// SPDX-License-Identifier: GPL-2.0
/*
 * xttarget: two xtables targets of our own under names iptables has
 * userspace extensions for, used by `iptables -j NAME` rules (test.sh):
 *  - "TOS" revision 1 (IPv4): sets the TOS field as xt_DSCP's tos_tg()
 *    does, and continues (XT_CONTINUE): a later rule's `-m tos` sees it;
 *  - "REJECT" revision 0 (IPv4): logs the packet and drops it (NF_DROP), a
 *    terminal verdict.
 * In a DUSK user build both run in the program, called from the table in
 * softirq (docs/kapi.md, "Synchronous callbacks").
 */
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/skbuff.h>
#include <net/dsfield.h>

static unsigned int xttarget_tos(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_tos_target_info *info = par->targinfo;
	struct iphdr *iph = ip_hdr(skb);
	u8 orig, nv;

	orig = ipv4_get_dsfield(iph);
	nv = (orig & ~info->tos_mask) ^ info->tos_value;
	if (orig != nv) {
		if (skb_ensure_writable(skb, sizeof(struct iphdr)))
			return NF_DROP;
		iph = ip_hdr(skb);
		ipv4_change_dsfield(iph, 0, nv);
	}
	return XT_CONTINUE;
}

static unsigned int xttarget_reject(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct iphdr *iph = ip_hdr(skb);

	pr_info("xttarget: REJECT %pI4 -> %pI4 proto %u tos 0x%02x hook %u\n",
		&iph->saddr, &iph->daddr, iph->protocol, iph->tos, xt_hooknum(par));
	return NF_DROP;
}

static struct xt_target xttarget_regs[] __read_mostly = {
	{
		.name		= "TOS",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.target		= xttarget_tos,
		.targetsize	= sizeof(struct xt_tos_target_info),
		.me		= THIS_MODULE,
	},
	{
		.name		= "REJECT",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.target		= xttarget_reject,
		.targetsize	= sizeof(struct ipt_reject_info),
		.me		= THIS_MODULE,
	},
};

static int __init xttarget_init(void)
{
	return xt_register_targets(xttarget_regs, ARRAY_SIZE(xttarget_regs));
}

static void __exit xttarget_exit(void)
{
	xt_unregister_targets(xttarget_regs, ARRAY_SIZE(xttarget_regs));
}

module_init(xttarget_init);
module_exit(xttarget_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: xtables targets, one continuing and one terminal");
