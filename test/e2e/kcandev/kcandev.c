// SPDX-License-Identifier: GPL-2.0
/*
 * kcandev: a virtual CAN controller on can-dev, as CAN drivers make one
 * (alloc_candev() with the driver's state after the CAN core's, a bit
 * timing preset, open_candev()/close_candev(), an echoing
 * ndo_start_xmit).  The test kills the user build with the device
 * registered: left registered over the dead program's freed mirrors
 * (netdev_ops, the bit-timing constants), the next "ip -d link show" was
 * a general protection fault in rtnl_fill_ifinfo() (probe round p66).
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/can.h>
#include <linux/can/dev.h>
#include <linux/can/skb.h>

struct kcandev {
	struct can_priv can;	/* first: the CAN core's part */
	unsigned int opens;
};

static struct net_device *ndev;

static netdev_tx_t kcd_xmit(struct sk_buff *skb, struct net_device *dev)
{
	if (can_dropped_invalid_skb(dev, skb))
		return NETDEV_TX_OK;
	dev->stats.tx_packets++;
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static int kcd_open(struct net_device *dev)
{
	struct kcandev *p = netdev_priv(dev);
	int err = open_candev(dev);

	if (err)
		return err;
	p->opens++;
	p->can.state = CAN_STATE_ERROR_ACTIVE;
	netif_start_queue(dev);
	return 0;
}

static int kcd_stop(struct net_device *dev)
{
	struct kcandev *p = netdev_priv(dev);

	netif_stop_queue(dev);
	p->can.state = CAN_STATE_STOPPED;
	close_candev(dev);
	return 0;
}

static const struct net_device_ops kcd_ops = {
	.ndo_open = kcd_open,
	.ndo_stop = kcd_stop,
	.ndo_start_xmit = kcd_xmit,
	.ndo_change_mtu = can_change_mtu,
};

static const struct can_bittiming_const kcd_btc = {
	.name = "kcandev",
	.tseg1_min = 2, .tseg1_max = 16, .tseg2_min = 1, .tseg2_max = 8,
	.sjw_max = 4, .brp_min = 1, .brp_max = 64, .brp_inc = 1,
};

static int __init kcd_init(void)
{
	struct kcandev *p;
	int err;

	ndev = alloc_candev(sizeof(struct kcandev), 1);
	if (!ndev)
		return -ENOMEM;
	p = netdev_priv(ndev);
	ndev->netdev_ops = &kcd_ops;
	p->can.clock.freq = 8000000;
	p->can.bittiming_const = &kcd_btc;
	p->can.bittiming.bitrate = 500000;
	strscpy(ndev->name, "kcan%d", IFNAMSIZ);
	err = register_candev(ndev);
	if (err) {
		free_candev(ndev);
		return err;
	}
	pr_info("kcandev: %s registered\n", ndev->name);
	return 0;
}

static void __exit kcd_exit(void)
{
	unregister_candev(ndev);
	free_candev(ndev);
}

module_init(kcd_init);
module_exit(kcd_exit);
MODULE_LICENSE("GPL");
