// SPDX-License-Identifier: GPL-2.0
/*
 * kwiphy: the skeleton of a FullMAC Wi-Fi driver (probe round p71): a
 * wiphy from wiphy_new() with a 2.4 GHz band, cipher suites and its
 * driver state in wiphy_priv(), a station netdev whose wireless_dev lives
 * in that private area, and a transmit path that counts and drops.
 * /proc/kwiphy reads the private area's counters.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/cfg80211.h>

struct kwiphy_priv {
	struct net_device *ndev;
	struct wireless_dev wdev;
	unsigned int opens;
	unsigned int dropped;
};

static struct wiphy *kwiphy;

static struct ieee80211_channel kwiphy_channels[] = {
	{ .band = NL80211_BAND_2GHZ, .center_freq = 2412, .hw_value = 1, .max_power = 20 },
	{ .band = NL80211_BAND_2GHZ, .center_freq = 2437, .hw_value = 6, .max_power = 20 },
};
/* 2.4 GHz: all four mandatory rates, or wiphy_register() warns */
static struct ieee80211_rate kwiphy_rates[] = {
	{ .bitrate = 10, .hw_value = 0x1 }, { .bitrate = 20, .hw_value = 0x2 },
	{ .bitrate = 55, .hw_value = 0x4 }, { .bitrate = 110, .hw_value = 0x8 },
};
static struct ieee80211_supported_band kwiphy_band = {
	.band = NL80211_BAND_2GHZ,
	.channels = kwiphy_channels, .n_channels = ARRAY_SIZE(kwiphy_channels),
	.bitrates = kwiphy_rates, .n_bitrates = ARRAY_SIZE(kwiphy_rates),
};
static const u32 kwiphy_ciphers[] = { WLAN_CIPHER_SUITE_CCMP };

static int kwiphy_scan(struct wiphy *wiphy, struct cfg80211_scan_request *req)
{
	return -EOPNOTSUPP;
}

static const struct cfg80211_ops kwiphy_cfg_ops = {
	.scan = kwiphy_scan,
};

static netdev_tx_t kwiphy_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct kwiphy_priv *p = wiphy_priv(dev->ieee80211_ptr->wiphy);

	p->dropped++;
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int kwiphy_open(struct net_device *dev)
{
	struct kwiphy_priv *p = wiphy_priv(dev->ieee80211_ptr->wiphy);

	p->opens++;
	netif_start_queue(dev);
	return 0;
}

static int kwiphy_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static const struct net_device_ops kwiphy_netdev_ops = {
	.ndo_open = kwiphy_open,
	.ndo_stop = kwiphy_stop,
	.ndo_start_xmit = kwiphy_xmit,
};

static int kwiphy_show(struct seq_file *m, void *v)
{
	struct kwiphy_priv *p = wiphy_priv(kwiphy);

	seq_printf(m, "%s modes %#x opens %u dropped %u\n", wiphy_name(kwiphy) ? "named" : "-",
		   kwiphy->interface_modes, p->opens, p->dropped);
	return 0;
}

static int __init kwiphy_init(void)
{
	static const u8 addr[ETH_ALEN] = { 0x02, 0x71, 0x00, 0x00, 0x00, 0xaa };
	struct kwiphy_priv *p;
	int err;

	kwiphy = wiphy_new(&kwiphy_cfg_ops, sizeof(*p));
	if (!kwiphy)
		return -ENOMEM;
	p = wiphy_priv(kwiphy);
	kwiphy->interface_modes = BIT(NL80211_IFTYPE_STATION);
	kwiphy->bands[NL80211_BAND_2GHZ] = &kwiphy_band;
	kwiphy->max_scan_ssids = 4;
	kwiphy->signal_type = CFG80211_SIGNAL_TYPE_MBM;
	kwiphy->cipher_suites = kwiphy_ciphers;
	kwiphy->n_cipher_suites = ARRAY_SIZE(kwiphy_ciphers);
	memcpy(kwiphy->perm_addr, addr, ETH_ALEN);
	err = wiphy_register(kwiphy);
	if (err)
		goto free_wiphy;

	p->ndev = alloc_netdev(0, "kwl%d", NET_NAME_ENUM, ether_setup);
	if (!p->ndev) {
		err = -ENOMEM;
		goto unreg_wiphy;
	}
	p->ndev->netdev_ops = &kwiphy_netdev_ops;
	eth_hw_addr_set(p->ndev, addr);
	p->wdev.wiphy = kwiphy;
	p->wdev.iftype = NL80211_IFTYPE_STATION;
	p->wdev.netdev = p->ndev;
	p->ndev->ieee80211_ptr = &p->wdev;
	SET_NETDEV_DEV(p->ndev, wiphy_dev(kwiphy));
	err = register_netdev(p->ndev);
	if (err)
		goto free_netdev;
	if (!proc_create_single("kwiphy", 0444, NULL, kwiphy_show)) {
		err = -ENOMEM;
		goto unreg_netdev;
	}
	pr_info("kwiphy: %s on a wiphy\n", p->ndev->name);
	return 0;

unreg_netdev:
	unregister_netdev(p->ndev);
free_netdev:
	free_netdev(p->ndev);
unreg_wiphy:
	wiphy_unregister(kwiphy);
free_wiphy:
	wiphy_free(kwiphy);
	return err;
}

static void __exit kwiphy_exit(void)
{
	struct kwiphy_priv *p = wiphy_priv(kwiphy);

	remove_proc_entry("kwiphy", NULL);
	unregister_netdev(p->ndev);
	free_netdev(p->ndev);
	wiphy_unregister(kwiphy);
	wiphy_free(kwiphy);
}

module_init(kwiphy_init);
module_exit(kwiphy_exit);
MODULE_LICENSE("GPL");
