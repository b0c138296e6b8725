// SPDX-License-Identifier: GPL-2.0
/*
 * kpcpustats: a virtual network device counting what it sends in per-CPU
 * statistics the kernel reads, as tunnels and virtual drivers do:
 * dev->tstats from netdev_alloc_pcpu_stats(), dev_sw_netstats_tx_add() in
 * ndo_start_xmit, the stack's own dev_get_tstats64() as ndo_get_stats64
 * (sysfs statistics), and the module's own sum over the CPUs' copies in
 * /proc/kpcpustats.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static struct net_device *kpcs_dev;

static netdev_tx_t kpcs_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_sw_netstats_tx_add(dev, 1, skb->len);
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops kpcs_ops = {
	.ndo_start_xmit = kpcs_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static int kpcs_show(struct seq_file *m, void *v)
{
	u64 packets = 0, bytes = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct pcpu_sw_netstats *s = per_cpu_ptr(kpcs_dev->tstats, cpu);

		packets += u64_stats_read(&s->tx_packets);
		bytes += u64_stats_read(&s->tx_bytes);
	}
	seq_printf(m, "tx_packets %llu tx_bytes %llu\n", packets, bytes);
	return 0;
}

static int __init kpcs_init(void)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(0, "kpcs%d", NET_NAME_UNKNOWN, ether_setup);
	if (!dev)
		return -ENOMEM;
	dev->netdev_ops = &kpcs_ops;
	eth_hw_addr_set(dev, (const u8[ETH_ALEN]){ 0x02, 0, 0, 0, 0x70, 0x63 });
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats) {
		err = -ENOMEM;
		goto err_free;
	}
	err = register_netdev(dev);
	if (err)
		goto err_stats;
	kpcs_dev = dev;
	if (!proc_create_single("kpcpustats", 0444, NULL, kpcs_show)) {
		err = -ENOMEM;
		goto err_unreg;
	}
	pr_info("kpcpustats: %s registered\n", dev->name);
	return 0;

err_unreg:
	unregister_netdev(dev);
err_stats:
	free_percpu(dev->tstats);
err_free:
	free_netdev(dev);
	return err;
}

static void __exit kpcs_exit(void)
{
	remove_proc_entry("kpcpustats", NULL);
	unregister_netdev(kpcs_dev);
	free_percpu(kpcs_dev->tstats);
	free_netdev(kpcs_dev);
	pr_info("kpcpustats: gone\n");
}

module_init(kpcs_init);
module_exit(kpcs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: per-CPU statistics the kernel reads");
