// SPDX-License-Identifier: GPL-2.0
/* Golden: static inline header functions the module reaches are kept and
 * instrumented (ip_hdr, tcp_hdr, skb_header_pointer and what they call);
 * the kernel functions they call become stubs. */
#include <linux/module.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/skbuff.h>

static int ih_ports(struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	struct tcphdr _th;
	const struct tcphdr *th;

	if (iph->protocol != IPPROTO_TCP)
		return tcp_hdr(skb)->doff;
	th = skb_header_pointer(skb, iph->ihl * 4, sizeof(_th), &_th);
	return th ? ntohs(th->dest) : -1;
}

static int __init ih_init(void)
{
	return ih_ports(NULL) < 0;
}

module_init(ih_init);
MODULE_LICENSE("GPL");
