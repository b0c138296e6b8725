// SPDX-License-Identifier: GPL-2.0
/*
 * kcandev: a virtual CAN controller on can-dev, as CAN drivers make one
 * (alloc_candev() with the driver's state after the CAN core's, a bit
 * timing preset, open_candev()/close_candev(), an ndo_start_xmit), and
 * received frames made with alloc_can_skb() from /proc/kcandev writes
 * (the CAN id written), counted in /proc/kcandev.  Before (probe round
 * p66), the user build's first store into the frame alloc_can_skb()
 * put in its skb was refused and the program stopped; and, killed with
 * the device registered, the device stayed over the dead program's freed
 * mirrors (netdev_ops, the bit-timing constants): the next "ip -d link
 * show" was a general protection fault in rtnl_fill_ifinfo().
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/can.h>
#include <linux/can/dev.h>
#include <linux/can/skb.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

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

static int kcd_show(struct seq_file *m, void *v)
{
	struct kcandev *p = netdev_priv(ndev);

	seq_printf(m, "opens %u rx %lu bytes %lu\n", p->opens, ndev->stats.rx_packets,
		   ndev->stats.rx_bytes);
	return 0;
}

static int kcd_popen(struct inode *i, struct file *f)
{
	return single_open(f, kcd_show, NULL);
}

/* a frame "received" with the id written and four bytes of data */
static ssize_t kcd_pwrite(struct file *f, const char __user *ubuf, size_t n, loff_t *off)
{
	struct can_frame *cf;
	struct sk_buff *skb;
	unsigned int id;
	int err = kstrtouint_from_user(ubuf, n, 0, &id);

	if (err)
		return err;
	if (!(ndev->flags & IFF_UP))
		return -ENETDOWN;
	skb = alloc_can_skb(ndev, &cf);
	if (!skb)
		return -ENOMEM;
	cf->can_id = id & CAN_SFF_MASK;
	cf->len = 4;
	memcpy(cf->data, "\xde\xad\xbe\xef", 4);
	ndev->stats.rx_packets++;
	ndev->stats.rx_bytes += cf->len;
	netif_rx(skb);
	return n;
}

static const struct proc_ops kcd_pops = {
	.proc_open = kcd_popen,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kcd_pwrite,
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
	if (!proc_create("kcandev", 0666, NULL, &kcd_pops)) {
		unregister_candev(ndev);
		free_candev(ndev);
		return -ENOMEM;
	}
	pr_info("kcandev: %s registered\n", ndev->name);
	return 0;
}

static void __exit kcd_exit(void)
{
	remove_proc_entry("kcandev", NULL);
	unregister_candev(ndev);
	free_candev(ndev);
}

module_init(kcd_init);
module_exit(kcd_exit);
MODULE_LICENSE("GPL");
