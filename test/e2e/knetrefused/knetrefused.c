// knetrefused: three networking registrations whose callbacks the kernel
// calls where a user build cannot answer (probe round p64): a Netfilter
// hook on a device's ingress point and one on ARP (nf_reinject() cannot
// resume either family), a network device whose header_ops->create()
// builds its link header (under rcu_read_lock_bh() for every packet
// sent), and a conntrack event notifier (ct_event in the packet path and
// under the dying list's lock; the registration returns nothing).  The
// user build's hook and device registrations are refused with
// -EOPNOTSUPP, and the program stops at the notifier's; the kernel
// build's all succeed.
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <linux/netfilter_ipv4.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_ecache.h>

static unsigned int seen;

static unsigned int knr_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	seen++;
	return NF_ACCEPT;
}

static struct nf_hook_ops knr_ingress = {
	.hook = knr_hook, .pf = NFPROTO_NETDEV, .hooknum = NF_NETDEV_INGRESS,
};

static struct nf_hook_ops knr_pair[] = {
	{ .hook = knr_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN },
	{ .hook = knr_hook, .pf = NFPROTO_ARP, .hooknum = NF_ARP_IN },
};

static int knr_header(struct sk_buff *skb, struct net_device *dev, unsigned short type,
		      const void *daddr, const void *saddr, unsigned int len)
{
	struct ethhdr *eth = skb_push(skb, ETH_HLEN);

	eth->h_proto = htons(type);
	memcpy(eth->h_source, dev->dev_addr, ETH_ALEN);
	memcpy(eth->h_dest, dev->dev_addr, ETH_ALEN);
	return ETH_HLEN;
}

static const struct header_ops knr_header_ops = { .create = knr_header };

static netdev_tx_t knr_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops knr_ops = { .ndo_start_xmit = knr_xmit };

static void knr_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &knr_ops;
	dev->header_ops = &knr_header_ops;
	dev->needs_free_netdev = true;
}

static int knr_ct_event(unsigned int events, const struct nf_ct_event *item)
{
	seen++;
	return 0;
}

static const struct nf_ct_event_notifier knr_ct = { .ct_event = knr_ct_event };

static struct net_device *knr_dev;
static int knr_hook_err, knr_hooks_err, knr_dev_err;

static int __init knr_init(void)
{
	int err;

	knr_ingress.dev = init_net.loopback_dev;
	knr_hook_err = nf_register_net_hook(&init_net, &knr_ingress);
	pr_info("knetrefused: ingress hook: %d\n", knr_hook_err);
	knr_hooks_err = nf_register_net_hooks(&init_net, knr_pair, ARRAY_SIZE(knr_pair));
	pr_info("knetrefused: arp hooks: %d\n", knr_hooks_err);
	knr_dev = alloc_netdev(0, "knr%d", NET_NAME_UNKNOWN, knr_setup);
	if (!knr_dev)
		return -ENOMEM;
	knr_dev_err = register_netdev(knr_dev);
	pr_info("knetrefused: device: %d\n", knr_dev_err);
	if (knr_dev_err)
		free_netdev(knr_dev);
	err = nf_ct_netns_get(&init_net, NFPROTO_IPV4);
	if (err)
		return err;
	nf_conntrack_register_notifier(&init_net, &knr_ct);
	pr_info("knetrefused: conntrack notifier registered\n");
	return 0;
}

static void __exit knr_exit(void)
{
	nf_conntrack_unregister_notifier(&init_net);
	nf_ct_netns_put(&init_net, NFPROTO_IPV4);
	if (!knr_dev_err)
		unregister_netdev(knr_dev);
	if (!knr_hooks_err)
		nf_unregister_net_hooks(&init_net, knr_pair, ARRAY_SIZE(knr_pair));
	if (!knr_hook_err)
		nf_unregister_net_hook(&init_net, &knr_ingress);
}

module_init(knr_init);
module_exit(knr_exit);
MODULE_LICENSE("GPL");
