// SPDX-License-Identifier: GPL-2.0
/*
 * A network driver's ndo_start_xmit runs with bottom halves off and the
 * transmit queue's lock held, where a blocking proxy cannot wait: its
 * answer (-EWOULDBLOCK) read as "sent" and the packet leaked.  After
 * NETDEV_TX_OK the packet is the driver's anyway, so the proxy hands it
 * over to the program (dusk_upcall_skb_handover(), as for a packet_type
 * handler); open and stop, called under RTNL, stay blocking.  The queue
 * state bits are the kernel's: netif_start_queue()/netif_stop_queue() are
 * kernel calls.  ndo_get_stats and ndo_get_stats64 are asked for under
 * dev_base_lock too (sysfs statistics), where they are answered with the
 * driver's last answer (dusk_netdev_stats(), dusk_netdev_stats64()):
 * ERR_PTR(-EWOULDBLOCK) from ndo_get_stats was a kernel oops.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>

struct nx_priv {
	u64 packets;
	struct net_device_stats stats;
};

static bool legacy;
module_param(legacy, bool, 0444);

static struct net_device *nx_dev;

static int nx_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int nx_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static netdev_tx_t nx_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct nx_priv *p = netdev_priv(dev);

	p->packets++;
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static void nx_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct nx_priv *p = netdev_priv(dev);

	s->tx_packets = p->packets;
}

/* LDD3's snull: the counters in the private area */
static struct net_device_stats *nx_get_stats(struct net_device *dev)
{
	struct nx_priv *p = netdev_priv(dev);

	p->stats.tx_packets = p->packets;
	return &p->stats;
}

static const struct net_device_ops nx_ops = {
	.ndo_open = nx_open,
	.ndo_stop = nx_stop,
	.ndo_start_xmit = nx_xmit,
	.ndo_get_stats64 = nx_stats64,
};

static const struct net_device_ops nx_legacy_ops = {
	.ndo_open = nx_open,
	.ndo_stop = nx_stop,
	.ndo_start_xmit = nx_xmit,
	.ndo_get_stats = nx_get_stats,
};

static void nx_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = legacy ? &nx_legacy_ops : &nx_ops;
}

static int __init nx_init(void)
{
	int ret;

	nx_dev = alloc_netdev(sizeof(struct nx_priv), "nx%d", NET_NAME_UNKNOWN, nx_setup);
	if (!nx_dev)
		return -ENOMEM;
	ret = register_netdev(nx_dev);
	if (ret)
		free_netdev(nx_dev);
	return ret;
}

static void __exit nx_exit(void)
{
	unregister_netdev(nx_dev);
	free_netdev(nx_dev);
}

module_init(nx_init);
module_exit(nx_exit);
MODULE_LICENSE("GPL");
