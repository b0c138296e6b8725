// krxh: an rx_handler on a network device (a sniffer counting frames by
// protocol and passing them on), a kind third-party modules write.  Its user
// build cannot answer in the receive softirq: the registration is refused.
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/if_ether.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/rtnetlink.h>

static char *ifname = "lo";
module_param(ifname, charp, 0444);

static struct net_device *dev;
static atomic_t n_ip, n_other;

static rx_handler_result_t sniff(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;

	if (skb->protocol == htons(ETH_P_IP))
		atomic_inc(&n_ip);
	else
		atomic_inc(&n_other);
	return RX_HANDLER_PASS;
}

static int show(struct seq_file *m, void *v)
{
	seq_printf(m, "ip %d other %d\n", atomic_read(&n_ip) > 0, atomic_read(&n_other));
	return 0;
}

static int __init rxh_init(void)
{
	int err;

	dev = dev_get_by_name(&init_net, ifname);
	if (!dev)
		return -ENODEV;
	rtnl_lock();
	err = netdev_rx_handler_register(dev, sniff, NULL);
	rtnl_unlock();
	if (err) {
		pr_err("krxh: rx_handler on %s: %d\n", ifname, err);
		dev_put(dev);
		return err;
	}
	proc_create_single("krxh", 0444, NULL, show);
	pr_info("krxh: watching %s\n", ifname);
	return 0;
}

static void __exit rxh_exit(void)
{
	remove_proc_entry("krxh", NULL);
	rtnl_lock();
	netdev_rx_handler_unregister(dev);
	rtnl_unlock();
	dev_put(dev);
	pr_info("krxh: saw ip %d\n", atomic_read(&n_ip) > 0);
}
module_init(rxh_init);
module_exit(rxh_exit);
MODULE_LICENSE("GPL");
