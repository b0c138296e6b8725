// SPDX-License-Identifier: GPL-2.0
/*
 * knetdev: a virtual Ethernet driver as a NIC driver is written: a
 * platform device whose probe allocates the net_device with a private
 * area (alloc_etherdev()), a coherent DMA ring for its transmit
 * descriptors (dma_alloc_coherent()), registers it, and transmits by
 * writing a descriptor, counting in its private area and freeing the
 * frame.  Two devices: knetdev0 reports its counts with ndo_get_stats64,
 * knetdev1 with LDD3 snull's ndo_get_stats (its private area's
 * net_device_stats).  The test pings through both and reads their
 * statistics in sysfs, where the stack asks under dev_base_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>

#define KN_RING 64

struct kn_desc {
	u32 len;
	u16 proto;
	u16 seq;
};

struct kn_priv {
	struct kn_desc *ring;
	dma_addr_t ring_dma;
	struct device *parent;
	u64 tx_packets, tx_bytes;
	unsigned int opened;
	struct net_device_stats stats;
};

static struct platform_device *kn_pdev[2];

static int kn_open(struct net_device *dev)
{
	struct kn_priv *p = netdev_priv(dev);

	p->opened++;
	netif_start_queue(dev);
	return 0;
}

static int kn_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

/* Bottom halves off, the queue's lock held: the user build's runs later,
 * the frame handed to it. */
static netdev_tx_t kn_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kn_priv *p = netdev_priv(dev);
	struct kn_desc *d = &p->ring[p->tx_packets % KN_RING];

	d->len = skb->len;
	d->proto = ntohs(skb->protocol);
	d->seq = p->tx_packets;
	p->tx_packets++;
	p->tx_bytes += skb->len;
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static void kn_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct kn_priv *p = netdev_priv(dev);

	s->tx_packets = p->tx_packets;
	s->tx_bytes = p->tx_bytes;
}

static struct net_device_stats *kn_get_stats(struct net_device *dev)
{
	struct kn_priv *p = netdev_priv(dev);

	p->stats.tx_packets = p->tx_packets;
	p->stats.tx_bytes = p->tx_bytes;
	return &p->stats;
}

static const struct net_device_ops kn_ops[2] = {
	{ .ndo_open = kn_open, .ndo_stop = kn_stop, .ndo_start_xmit = kn_xmit,
	  .ndo_get_stats64 = kn_stats },
	{ .ndo_open = kn_open, .ndo_stop = kn_stop, .ndo_start_xmit = kn_xmit,
	  .ndo_get_stats = kn_get_stats },
};

static int kn_probe(struct platform_device *pdev)
{
	u8 mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0x4b, 0x4e };
	struct net_device *dev;
	struct kn_priv *p;
	int ret;

	dev = alloc_etherdev(sizeof(*p));
	if (!dev)
		return -ENOMEM;
	SET_NETDEV_DEV(dev, &pdev->dev);
	strscpy(dev->name, "knetdev%d", IFNAMSIZ);
	dev->netdev_ops = &kn_ops[pdev->id & 1];
	mac[5] += pdev->id;
	dev->flags |= IFF_NOARP;
	eth_hw_addr_set(dev, mac);
	p = netdev_priv(dev);
	p->parent = &pdev->dev;
	p->ring = dma_alloc_coherent(&pdev->dev, KN_RING * sizeof(*p->ring), &p->ring_dma,
				     GFP_KERNEL);
	if (!p->ring) {
		free_netdev(dev);
		return -ENOMEM;
	}
	ret = register_netdev(dev);
	if (ret) {
		dma_free_coherent(&pdev->dev, KN_RING * sizeof(*p->ring), p->ring, p->ring_dma);
		free_netdev(dev);
		return ret;
	}
	platform_set_drvdata(pdev, dev);
	pr_info("%s registered\n", dev->name);
	return 0;
}

static int kn_remove(struct platform_device *pdev)
{
	struct net_device *dev = platform_get_drvdata(pdev);
	struct kn_priv *p = netdev_priv(dev);
	u64 i, bytes = 0;

	for (i = 0; i < p->tx_packets && i < KN_RING; i++)
		bytes += p->ring[i].len;
	pr_info("%s: opened %u, tx %llu packets, ring %llu bytes, first proto 0x%04x\n",
		dev->name, p->opened, p->tx_packets, bytes, p->ring[0].proto);
	unregister_netdev(dev);
	dma_free_coherent(p->parent, KN_RING * sizeof(*p->ring), p->ring, p->ring_dma);
	free_netdev(dev);
	return 0;
}

static struct platform_driver kn_driver = {
	.probe = kn_probe,
	.remove = kn_remove,
	.driver = { .name = "knetdev" },
};

static int __init kn_init(void)
{
	int ret = platform_driver_register(&kn_driver), i;

	if (ret)
		return ret;
	for (i = 0; i < 2; i++) {
		kn_pdev[i] = platform_device_register_simple("knetdev", i, NULL, 0);
		if (IS_ERR(kn_pdev[i])) {
			ret = PTR_ERR(kn_pdev[i]);
			while (i--)
				platform_device_unregister(kn_pdev[i]);
			platform_driver_unregister(&kn_driver);
			return ret;
		}
	}
	return 0;
}

static void __exit kn_exit(void)
{
	platform_device_unregister(kn_pdev[1]);
	platform_device_unregister(kn_pdev[0]);
	platform_driver_unregister(&kn_driver);
}

module_init(kn_init);
module_exit(kn_exit);
MODULE_LICENSE("GPL");
