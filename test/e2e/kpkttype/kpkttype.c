// SPDX-License-Identifier: GPL-2.0
/*
 * kpkttype — a packet_type handler (dev_add_pack) counting ICMP echoes.
 *
 *   insmod kpkttype.ko [size=123] [prefix=lo]
 *   cat /proc/kpkttype          "requests N replies M on lo K"
 *
 * The handler is called in the receive softirq with a reference to every
 * IPv4 packet; it owns that reference and must free it.  It takes a
 * private copy when the packet is shared (skb_share_check(), as ip_rcv()
 * does), marks its copy, and counts the echo requests and replies whose
 * ICMP payload is @size bytes (`ping -s SIZE`).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>

static int size = 123;
module_param(size, int, 0444);
MODULE_PARM_DESC(size, "ICMP payload size of the echoes counted");

static char prefix[IFNAMSIZ] = "lo";
module_param_string(prefix, prefix, sizeof(prefix), 0444);
MODULE_PARM_DESC(prefix, "count the echoes that came in on devices named so");

static atomic_t kpkt_requests = ATOMIC_INIT(0);
static atomic_t kpkt_replies = ATOMIC_INIT(0);
static atomic_t kpkt_on_prefix = ATOMIC_INIT(0);
static struct proc_dir_entry *kpkt_proc;

static int kpkt_rcv(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt,
		    struct net_device *orig_dev)
{
	const struct iphdr *iph;
	const struct icmphdr *icmph;
	unsigned int ihl;

	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb)
		return NET_RX_DROP;
	skb->mark = 0x6b70;	/* our own copy now: writable */
	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto out;
	iph = ip_hdr(skb);
	ihl = iph->ihl * 4;
	if (iph->protocol != IPPROTO_ICMP || ihl < sizeof(*iph) ||
	    !pskb_may_pull(skb, ihl + sizeof(*icmph)))
		goto out;
	iph = ip_hdr(skb);
	icmph = (const struct icmphdr *)(skb->data + ihl);
	if (ntohs(iph->tot_len) != ihl + sizeof(*icmph) + size)
		goto out;
	if (icmph->type == ICMP_ECHO)
		atomic_inc(&kpkt_requests);
	else if (icmph->type == ICMP_ECHOREPLY)
		atomic_inc(&kpkt_replies);
	else
		goto out;
	if (!strncmp(dev->name, prefix, strlen(prefix)) && dev == orig_dev &&
	    skb->dev == dev && dev->ifindex > 0)
		atomic_inc(&kpkt_on_prefix);
out:
	kfree_skb(skb);
	return NET_RX_SUCCESS;
}

static struct packet_type kpkt_type = {
	.type = cpu_to_be16(ETH_P_IP),
	.func = kpkt_rcv,
};

static int kpkt_show(struct seq_file *m, void *v)
{
	seq_printf(m, "requests %d replies %d on %s %d\n", atomic_read(&kpkt_requests),
		   atomic_read(&kpkt_replies), prefix, atomic_read(&kpkt_on_prefix));
	return 0;
}

static int __init kpkt_init(void)
{
	kpkt_proc = proc_create_single("kpkttype", 0444, NULL, kpkt_show);
	if (!kpkt_proc)
		return -ENOMEM;
	dev_add_pack(&kpkt_type);
	pr_info("loaded, counting echoes of %d bytes\n", size);
	return 0;
}

static void __exit kpkt_exit(void)
{
	dev_remove_pack(&kpkt_type);
	proc_remove(kpkt_proc);
	pr_info("exit: requests %d replies %d\n", atomic_read(&kpkt_requests),
		atomic_read(&kpkt_replies));
}

module_init(kpkt_init);
module_exit(kpkt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a packet_type handler that owns its packets");
