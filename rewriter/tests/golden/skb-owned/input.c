// SPDX-License-Identifier: GPL-2.0
/*
 * sk_buffs the kernel allocates for the module are the session's: the
 * stubs that allocate one (behind alloc_skb, netdev_alloc_skb, skb_clone,
 * skb_copy, pskb_copy) are DUSK_STUB_ALLOC | DUSK_STUB_SKB, those that free
 * one (kfree_skb, consume_skb, dev_kfree_skb_any) or hand it to the kernel
 * (dev_queue_xmit, netif_rx, netlink_unicast: its second argument) give it
 * back (DUSK_STUB_FREE, DUSK_STUB_FREE_ARG1).  So does an output function
 * of the okfn contract, int (struct net *, struct sock *, struct sk_buff *),
 * called by name (ip_local_out) or through a pointer (a route's ->output
 * behind dst_output()): its last argument (DUSK_STUB_FREE_LAST).  Before,
 * teardown freed a packet sent by ip_local_out() again after the kernel
 * had: a SLUB "Poison overwritten" BUG in skbuff_head_cache.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/dst.h>

int so_send(struct net_device *dev, struct sock *nl, u32 portid)
{
	struct sk_buff *skb = alloc_skb(128, GFP_KERNEL), *c, *d, *e, *f;

	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, 16);
	c = skb_clone(skb, GFP_KERNEL);
	d = skb_copy(skb, GFP_KERNEL);
	e = pskb_copy(skb, GFP_KERNEL);
	f = netdev_alloc_skb(dev, 64);
	kfree_skb(c);
	consume_skb(d);
	dev_kfree_skb_any(e);
	if (f)
		netif_rx(f);
	skb->dev = dev;
	if (!nl && !dev)
		return ip_local_out(dev_net(skb->dev), NULL, skb);
	if (!nl && skb_dst(skb))
		return dst_output(dev_net(skb->dev), NULL, skb);
	if (nl)
		return netlink_unicast(nl, skb, portid, 0);
	return dev_queue_xmit(skb);
}

static int __init so_init(void)
{
	return 0;
}
module_init(so_init);
MODULE_LICENSE("GPL");
