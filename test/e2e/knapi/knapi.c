// SPDX-License-Identifier: GPL-2.0
/*
 * knapi: a virtual Ethernet device with NAPI, the pattern of real NIC
 * drivers: ndo_start_xmit loops each frame back into an RX ring and
 * schedules NAPI; the poll function (the receive softirq) delivers up to
 * its budget with netif_receive_skb() and completes with
 * napi_complete_done(); ndo_stop's napi_disable() waits for it.  The user
 * build's core runs the poll in the program late (dusk-kmod/core/napi.c);
 * before, its blocking proxy answered in softirq without running it: no
 * packet was received and napi_disable() (under rtnl_lock) hung for good.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>

#define KNAPI_RING 16

struct knapi_priv {
	struct napi_struct napi;
	struct sk_buff *ring[KNAPI_RING];
	unsigned int head, tail;
	spinlock_t lock;
	unsigned int polls, delivered;
	struct net_device *dev;
};

static struct net_device *knapi_dev;

static int knapi_poll(struct napi_struct *napi, int budget)
{
	struct knapi_priv *p = container_of(napi, struct knapi_priv, napi);
	int done = 0;

	p->polls++;
	while (done < budget) {
		struct sk_buff *skb = NULL;

		spin_lock_bh(&p->lock);
		if (p->tail != p->head) {
			skb = p->ring[p->tail % KNAPI_RING];
			p->tail++;
		}
		spin_unlock_bh(&p->lock);
		if (!skb)
			break;
		skb->protocol = eth_type_trans(skb, p->dev);
		p->dev->stats.rx_packets++;
		p->dev->stats.rx_bytes += skb->len;
		netif_receive_skb(skb);
		p->delivered++;
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

static netdev_tx_t knapi_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct knapi_priv *p = netdev_priv(dev);
	struct ethhdr *eth = (struct ethhdr *)skb->data;

	dev->stats.tx_packets++;
	dev->stats.tx_bytes += skb->len;
	/* loop it back as if from the peer: swap the addresses */
	if (skb->len >= ETH_HLEN && !skb_ensure_writable(skb, ETH_HLEN)) {
		u8 tmp[ETH_ALEN];

		eth = (struct ethhdr *)skb->data;
		memcpy(tmp, eth->h_dest, ETH_ALEN);
		memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		memcpy(eth->h_source, tmp, ETH_ALEN);
	}
	spin_lock_bh(&p->lock);
	if (p->head - p->tail < KNAPI_RING) {
		p->ring[p->head % KNAPI_RING] = skb;
		p->head++;
		skb = NULL;
	}
	spin_unlock_bh(&p->lock);
	if (skb) {
		dev->stats.tx_dropped++;
		dev_kfree_skb_any(skb);
	}
	napi_schedule(&p->napi);
	return NETDEV_TX_OK;
}

static int knapi_open(struct net_device *dev)
{
	struct knapi_priv *p = netdev_priv(dev);

	napi_enable(&p->napi);
	netif_start_queue(dev);
	return 0;
}

static int knapi_stop(struct net_device *dev)
{
	struct knapi_priv *p = netdev_priv(dev);

	netif_stop_queue(dev);
	napi_disable(&p->napi);
	while (p->tail != p->head)
		dev_kfree_skb_any(p->ring[p->tail++ % KNAPI_RING]);
	return 0;
}

static const struct net_device_ops knapi_ops = {
	.ndo_open = knapi_open,
	.ndo_stop = knapi_stop,
	.ndo_start_xmit = knapi_xmit,
};

static int __init knapi_init(void)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x10, 0x01 };
	struct knapi_priv *p;
	int err;

	knapi_dev = alloc_etherdev(sizeof(struct knapi_priv));
	if (!knapi_dev)
		return -ENOMEM;
	p = netdev_priv(knapi_dev);
	p->dev = knapi_dev;
	spin_lock_init(&p->lock);
	strscpy(knapi_dev->name, "knapi%d", IFNAMSIZ);
	knapi_dev->netdev_ops = &knapi_ops;
	eth_hw_addr_set(knapi_dev, mac);
	netif_napi_add_weight(knapi_dev, &p->napi, knapi_poll, 8);
	err = register_netdev(knapi_dev);
	if (err) {
		netif_napi_del(&p->napi);
		free_netdev(knapi_dev);
		return err;
	}
	return 0;
}

static void __exit knapi_exit(void)
{
	struct knapi_priv *p = netdev_priv(knapi_dev);

	unregister_netdev(knapi_dev);
	pr_info("knapi: polls %s, delivered %u\n", p->polls ? "some" : "none", p->delivered);
	netif_napi_del(&p->napi);
	free_netdev(knapi_dev);
}

module_init(knapi_init);
module_exit(knapi_exit);
MODULE_LICENSE("GPL");
