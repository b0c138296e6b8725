// SPDX-License-Identifier: GPL-2.0
/*
 * nfq_steer - the kernel half of the benchmark's NFQUEUE baseline: an IPv4
 * PRE_ROUTING hook at lwfw's priority that queues every packet to NFQUEUE
 * queue 0, where bench/pkt/nfq-lwfw decides it.  (What `iptables -t raw -A
 * PREROUTING -j NFQUEUE` does; the guest has no iptables.)  Without a
 * listener the packet passes (the bypass flag).
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/net_namespace.h>

static unsigned int nfq_steer_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	return NF_QUEUE_NR(0) | NF_VERDICT_FLAG_QUEUE_BYPASS;
}

static struct nf_hook_ops nfq_steer_ops = {
	.hook     = nfq_steer_hook,
	.pf       = NFPROTO_IPV4,
	.hooknum  = NF_INET_PRE_ROUTING,
	.priority = NF_IP_PRI_FIRST,
};

static int __init nfq_steer_init(void)
{
	return nf_register_net_hook(&init_net, &nfq_steer_ops);
}

static void __exit nfq_steer_exit(void)
{
	nf_unregister_net_hook(&init_net, &nfq_steer_ops);
}

module_init(nfq_steer_init);
module_exit(nfq_steer_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK benchmark: queue every IPv4 packet to NFQUEUE 0");
