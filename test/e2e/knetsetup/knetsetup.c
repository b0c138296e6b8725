// SPDX-License-Identifier: GPL-2.0
/*
 * knetsetup: net devices the kernel allocates and hands to the module's
 * callbacks, as virtual network drivers are written.
 *
 *  - kns0, LDD3 snull style: alloc_netdev() whose setup callback sets the
 *    device up and initialises a transmit ring (an sk_buff_head) and a
 *    timer in the private area; ndo_start_xmit queues each frame on the
 *    ring and the timer completes them into the device's statistics.
 *  - the link type "knslink" (rtnl_link_ops with a private size, setup,
 *    newlink, dellink, fill_info), veth/vxlan style: "ip link add NAME
 *    type knslink" makes a device the kernel allocates; setup and newlink
 *    write it and its private area, newlink links it into the module's
 *    list of devices, ndo_start_xmit counts in the private area,
 *    ndo_get_stats64 reports it and dellink unlinks it.  knl0 is made by
 *    module_init as dummy makes its devices: alloc_netdev() with the
 *    type's setup, the type set, register_netdevice() under rtnl_lock();
 *    the kernel frees it when the type goes (needs_free_netdev).
 *
 * /proc/knetsetup lists the devices and their counts.  With bug=1,
 * newlink dereferences NULL after it registered the device (a test of
 * the user build dying there; never loaded so as the .ko).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/rtnetlink.h>

#define KNS_RING 4

static int bug;
module_param(bug, int, 0444);

struct kns_priv {
	struct net_device *dev;
	struct sk_buff_head ring;
	struct timer_list done;
	unsigned int completed, setups;
};

static struct net_device *kns_dev;

/* The "completion interrupt": frames leave the ring into the statistics. */
static void kns_complete(struct timer_list *t)
{
	struct kns_priv *p = from_timer(p, t, done);
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&p->ring)) != NULL) {
		p->dev->stats.tx_packets++;
		p->dev->stats.tx_bytes += skb->len;
		p->completed++;
		dev_consume_skb_any(skb);
	}
	if (netif_queue_stopped(p->dev))
		netif_wake_queue(p->dev);
}

static netdev_tx_t kns_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kns_priv *p = netdev_priv(dev);

	skb_queue_tail(&p->ring, skb);
	if (skb_queue_len(&p->ring) >= KNS_RING)
		netif_stop_queue(dev);
	if (!timer_pending(&p->done))
		mod_timer(&p->done, jiffies + msecs_to_jiffies(10));
	return NETDEV_TX_OK;
}

static int kns_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int kns_stop(struct net_device *dev)
{
	struct kns_priv *p = netdev_priv(dev);

	netif_stop_queue(dev);
	del_timer_sync(&p->done);
	skb_queue_purge(&p->ring);
	return 0;
}

static const struct net_device_ops kns_ops = {
	.ndo_open = kns_open,
	.ndo_stop = kns_stop,
	.ndo_start_xmit = kns_xmit,
};

/* Called inside alloc_netdev(), before it returns the device. */
static void kns_setup(struct net_device *dev)
{
	static const u8 addr[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x67, 0x00, 0x01 };
	struct kns_priv *p = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &kns_ops;
	dev->flags |= IFF_NOARP;
	eth_hw_addr_set(dev, addr);
	p->dev = dev;
	p->setups++;
	skb_queue_head_init(&p->ring);
	timer_setup(&p->done, kns_complete, 0);
}

/* The link type */

enum { IFLA_KNL_UNSPEC, IFLA_KNL_MODE, __IFLA_KNL_MAX };
#define IFLA_KNL_MAX (__IFLA_KNL_MAX - 1)

struct knl_priv {
	struct list_head list;	/* knl_devs, under RTNL */
	struct net_device *dev;
	u64 tx_packets, tx_bytes;
	u32 mode;
	int id;
};

static LIST_HEAD(knl_devs);
static int knl_count;
static struct rtnl_link_ops knl_link_ops;

static netdev_tx_t knl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct knl_priv *p = netdev_priv(dev);

	p->tx_packets++;
	p->tx_bytes += skb->len;
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static void knl_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct knl_priv *p = netdev_priv(dev);

	s->tx_packets = p->tx_packets;
	s->tx_bytes = p->tx_bytes;
}

static const struct net_device_ops knl_ops = {
	.ndo_start_xmit = knl_xmit,
	.ndo_get_stats64 = knl_stats64,
};

static void knl_setup(struct net_device *dev)
{
	struct knl_priv *p = netdev_priv(dev);

	ether_setup(dev);
	dev->netdev_ops = &knl_ops;
	dev->needs_free_netdev = true;
	dev->flags |= IFF_NOARP;
	INIT_LIST_HEAD(&p->list);
	p->dev = dev;
	p->mode = 1;
}

/* A device of the type gets its number and address, is registered and
 * joins the module's list (RTNL held: by the caller, or knl_add()). */
static int knl_register(struct net_device *dev)
{
	struct knl_priv *p = netdev_priv(dev);
	u8 addr[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x67, 0x01, 0x00 };
	int err;

	p->id = knl_count++;
	addr[5] = (u8)p->id;
	eth_hw_addr_set(dev, addr);
	err = register_netdevice(dev);
	if (!err)
		list_add_tail(&p->list, &knl_devs);
	return err;
}

static int knl_newlink(struct net *src_net, struct net_device *dev, struct nlattr *tb[],
		       struct nlattr *data[], struct netlink_ext_ack *extack)
{
	struct knl_priv *p = netdev_priv(dev);
	int err;

	p->mode = 2;
	err = knl_register(dev);
	if (bug && !err)
		p->mode = *(volatile u32 *)NULL;
	pr_info("newlink %s id %d mode %u: %d\n", dev->name, p->id, p->mode, err);
	return err;
}

static void knl_dellink(struct net_device *dev, struct list_head *head)
{
	struct knl_priv *p = netdev_priv(dev);

	pr_info("dellink %s id %d tx %llu\n", dev->name, p->id, p->tx_packets);
	list_del(&p->list);
	unregister_netdevice_queue(dev, head);
}

static size_t knl_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u32));
}

static int knl_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct knl_priv *p = netdev_priv(dev);

	return nla_put_u32(skb, IFLA_KNL_MODE, p->mode) ? -EMSGSIZE : 0;
}

static struct rtnl_link_ops knl_link_ops = {
	.kind = "knslink",
	.priv_size = sizeof(struct knl_priv),
	.maxtype = IFLA_KNL_MAX,
	.setup = knl_setup,
	.newlink = knl_newlink,
	.dellink = knl_dellink,
	.get_size = knl_get_size,
	.fill_info = knl_fill_info,
};

/* As dummy makes its devices at load. */
static int knl_add(void)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct knl_priv), "knl%d", NET_NAME_ENUM, knl_setup);
	if (!dev)
		return -ENOMEM;
	dev->rtnl_link_ops = &knl_link_ops;
	rtnl_lock();
	err = knl_register(dev);
	rtnl_unlock();
	if (err)
		free_netdev(dev);
	return err;
}

static int knetsetup_show(struct seq_file *m, void *v)
{
	const struct kns_priv *q = netdev_priv(kns_dev);
	const struct knl_priv *p;

	seq_printf(m, "%s: setups %u completed %u\n", kns_dev->name, q->setups, q->completed);
	rtnl_lock();
	list_for_each_entry(p, &knl_devs, list)
		seq_printf(m, "%s: id %d mode %u tx %llu bytes %llu\n", p->dev->name, p->id,
			   p->mode, p->tx_packets, p->tx_bytes);
	rtnl_unlock();
	return 0;
}

static int __init knetsetup_init(void)
{
	int err;

	kns_dev = alloc_netdev(sizeof(struct kns_priv), "kns%d", NET_NAME_UNKNOWN, kns_setup);
	if (!kns_dev)
		return -ENOMEM;
	err = register_netdev(kns_dev);
	if (err)
		goto free;
	err = rtnl_link_register(&knl_link_ops);
	if (err)
		goto unreg;
	err = knl_add();
	if (err)
		goto link;
	if (!proc_create_single("knetsetup", 0444, NULL, knetsetup_show)) {
		err = -ENOMEM;
		goto link;
	}
	return 0;
link:
	rtnl_link_unregister(&knl_link_ops);
unreg:
	unregister_netdev(kns_dev);
free:
	free_netdev(kns_dev);
	return err;
}

static void __exit knetsetup_exit(void)
{
	const struct kns_priv *q = netdev_priv(kns_dev);

	remove_proc_entry("knetsetup", NULL);
	/* every device of the type: dellink, then the kernel frees it */
	rtnl_link_unregister(&knl_link_ops);
	pr_info("%s: setups %u completed %u\n", kns_dev->name, q->setups, q->completed);
	unregister_netdev(kns_dev);
	free_netdev(kns_dev);
}

module_init(knetsetup_init);
module_exit(knetsetup_exit);
MODULE_LICENSE("GPL");
MODULE_ALIAS_RTNL_LINK("knslink");
