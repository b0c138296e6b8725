// SPDX-License-Identifier: GPL-2.0
/* Golden: a protocol handler, int (struct sk_buff *) (inet_add_protocol's
 * net_protocol .handler), owns its packet in the receive softirq: its
 * proxy hands the packet to the program with its route held and answers
 * 0, "consumed".  It was a blocking proxy, whose -EWOULDBLOCK there made
 * IPv4 resubmit the packet as protocol 11. */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/protocol.h>

static int seen;

static int ph_rcv(struct sk_buff *skb)
{
	seen++;
	kfree_skb(skb);
	return 0;
}

static const struct net_protocol ph_proto = {
	.handler = ph_rcv,
	.no_policy = 1,
};

static int __init ph_init(void)
{
	return inet_add_protocol(&ph_proto, 253);
}

static void __exit ph_exit(void)
{
	inet_del_protocol(&ph_proto, 253);
	pr_info("ph: %d\n", seen);
}

module_init(ph_init);
module_exit(ph_exit);
MODULE_LICENSE("GPL");
