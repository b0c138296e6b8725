// SPDX-License-Identifier: GPL-2.0
/*
 * kskb: sk_buffs the kernel allocates for the module.  At load it builds a
 * packet as drivers and self-tests do (alloc_skb, skb_reserve, skb_put,
 * skb_push, writes of the sk_buff's fields and of its data), clones it,
 * copies it, moves a copy's head (pskb_expand_head) and writes the new
 * one, frees them (kfree_skb, consume_skb, dev_kfree_skb_any), and hands a
 * frame to the loopback device (dev_queue_xmit) and an IPv4/UDP datagram
 * to 127.0.0.1 to the IP stack (ip_local_out, which consumes it as
 * dev_queue_xmit does: teardown freed it again, a SLUB BUG, before the
 * output functions' sk_buff was given back).  One sk_buff is kept and
 * written again, and freed, at unload.  The same in the kernel build and
 * the DUSK user build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/init.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/net_namespace.h>

#define KSKB_PROTO 0x88b5	/* IEEE 802 local experimental: nobody takes it */

static struct sk_buff *kskb_kept;

/* The bytes of @skb's linear data, summed. */
static unsigned int kskb_sum(const struct sk_buff *skb)
{
	unsigned int i, sum = 0;

	for (i = 0; i < skb_headlen(skb); i++)
		sum += skb->data[i];
	return sum;
}

static void kskb_log(const char *what, const struct sk_buff *skb)
{
	pr_info("%s: len %u headroom %u mark %u prio %u sum %u first %02x\n", what,
		skb->len, skb_headroom(skb), skb->mark, skb->priority, kskb_sum(skb),
		skb->len ? skb->data[0] : 0);
}

/* A frame for the loopback device, handed over (dev_queue_xmit consumes it). */
static int kskb_xmit(void)
{
	struct net_device *lo;
	struct sk_buff *skb;
	struct ethhdr *eth;
	int ret;

	lo = dev_get_by_name(&init_net, "lo");
	if (!lo)
		return -ENODEV;
	skb = netdev_alloc_skb(lo, 64);
	if (!skb) {
		dev_put(lo);
		return -ENOMEM;
	}
	skb_reserve(skb, NET_IP_ALIGN);
	memset(skb_put(skb, 32), 0x5a, 32);
	eth = skb_push(skb, ETH_HLEN);
	eth_zero_addr(eth->h_dest);
	eth_zero_addr(eth->h_source);
	eth->h_proto = htons(KSKB_PROTO);
	skb_reset_mac_header(skb);
	skb->protocol = htons(KSKB_PROTO);
	skb->dev = lo;
	kskb_log("frame", skb);
	ret = dev_queue_xmit(skb);
	pr_info("dev_queue_xmit: %d\n", ret);
	dev_put(lo);
	return 0;
}

/* A UDP datagram to 127.0.0.1:9, built whole and sent by ip_local_out(). */
static int kskb_local_out(void)
{
	__be32 lo4 = htonl(INADDR_LOOPBACK);
	struct flowi4 fl4 = { .daddr = lo4, .saddr = lo4, .flowi4_proto = IPPROTO_UDP };
	int hlen = LL_MAX_HEADER + sizeof(struct iphdr) + sizeof(struct udphdr);
	struct sk_buff *skb;
	struct rtable *rt;
	struct udphdr *uh;
	struct iphdr *iph;
	int ret;

	rt = ip_route_output_key(&init_net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	skb = alloc_skb(hlen + 8, GFP_KERNEL);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(skb, hlen);
	memset(skb_put(skb, 8), 0x33, 8);
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = htons(4242);
	uh->dest = htons(9);
	uh->len = htons(skb->len);
	uh->check = 0;		/* none: allowed over IPv4 */
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->tot_len = htons(skb->len);
	iph->id = 0;
	iph->frag_off = htons(IP_DF);
	iph->ttl = 64;
	iph->protocol = IPPROTO_UDP;
	iph->saddr = lo4;
	iph->daddr = lo4;
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	skb_dst_set(skb, &rt->dst);
	kskb_log("datagram", skb);
	ret = ip_local_out(&init_net, NULL, skb);
	pr_info("ip_local_out: %d\n", ret);
	return 0;
}

static int __init kskb_init(void)
{
	struct sk_buff *skb, *clone, *copy, *moved;
	u8 *p;
	int err;

	skb = alloc_skb(256, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, 64);
	memset(skb_put(skb, 100), 0xab, 100);
	memcpy(__skb_put(skb, 4), "tail", 4);
	memcpy(skb_push(skb, 8), "headhead", 8);
	skb_reset_network_header(skb);
	skb->mark = 42;
	skb->priority = 3;
	kskb_log("built", skb);

	clone = skb_clone(skb, GFP_KERNEL);
	if (!clone)
		goto nomem;
	clone->mark = 7;
	kskb_log("clone", clone);
	kfree_skb(clone);

	copy = skb_copy(skb, GFP_KERNEL);
	if (!copy)
		goto nomem;
	copy->data[0] = 'H';
	copy->priority = 5;
	kskb_log("copy", copy);
	consume_skb(copy);

	moved = pskb_copy(skb, GFP_KERNEL);
	if (!moved)
		goto nomem;
	err = pskb_expand_head(moved, 128, 0, GFP_KERNEL);
	if (err) {
		kfree_skb(moved);
		goto fail;
	}
	p = skb_push(moved, 2);
	p[0] = 'M';
	p[1] = 'v';
	kskb_log("moved", moved);
	dev_kfree_skb_any(moved);

	err = kskb_xmit();
	if (!err)
		err = kskb_local_out();
	if (err)
		goto fail;
	kskb_kept = skb;
	return 0;

nomem:
	err = -ENOMEM;
fail:
	kfree_skb(skb);
	return err;
}

static void __exit kskb_exit(void)
{
	memset(skb_put(kskb_kept, 10), 0x11, 10);
	kskb_kept->data[1] = 'E';
	kskb_kept->mark++;
	kskb_log("kept", kskb_kept);
	kfree_skb(kskb_kept);
}

module_init(kskb_init);
module_exit(kskb_exit);
MODULE_LICENSE("GPL");
