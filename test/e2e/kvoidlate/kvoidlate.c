// SPDX-License-Identifier: GPL-2.0
/*
 * kvoidlate: two callbacks that answer nothing and that the kernel calls
 * where nothing may sleep.
 *   - A console (register_console(), enabled without a console= line, as
 *     netconsole is): its .write is called under console_unlock() with
 *     interrupts off, handed printk's line; it keeps the lines that are
 *     this module's own ("kvoidlate: ...").
 *   - A virtual net device kvl0: its ndo_set_rx_mode is called under
 *     netif_addr_lock_bh() when the device goes up or its flags or
 *     multicast list change; it notes the promiscuous and all-multicast
 *     flags and the multicast addresses.
 *   - A kernel UDP socket on 127.0.0.1:4711 whose sk_data_ready (called in
 *     the receive softirq) counts the datagrams; writing N to
 *     /proc/kvoidlate sends it N datagrams from a second kernel socket.
 * /proc/kvoidlate shows what all three saw.
 */
#include <linux/console.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <net/sock.h>

#define KV_TEXT 2048

static char kv_lines[KV_TEXT];
static size_t kv_used;
static DEFINE_SPINLOCK(kv_lock);
static struct net_device *kv_dev;
static unsigned int kv_flags;
static int kv_mc;
static char kv_mc_last[32];
static bool kv_rx_mode_ran;
static struct socket *kv_rx, *kv_tx;
static atomic_t kv_datagrams = ATOMIC_INIT(0);

static void kv_data_ready(struct sock *sk)
{
	atomic_inc(&kv_datagrams);
}

static const struct sockaddr_in kv_addr = {
	.sin_family = AF_INET,
	.sin_port = htons(4711),
	.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
};

static int kv_sockets(void)
{
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &kv_rx);
	if (err)
		return err;
	err = kernel_bind(kv_rx, (struct sockaddr *)&kv_addr, sizeof(kv_addr));
	if (!err)
		err = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &kv_tx);
	if (err) {
		sock_release(kv_rx);
		return err;
	}
	write_lock_bh(&kv_rx->sk->sk_callback_lock);
	kv_rx->sk->sk_data_ready = kv_data_ready;
	write_unlock_bh(&kv_rx->sk->sk_callback_lock);
	return 0;
}

static int kv_send(void)
{
	struct msghdr m = { .msg_name = (void *)&kv_addr, .msg_namelen = sizeof(kv_addr) };
	struct kvec v = { .iov_base = "datagram", .iov_len = 8 };

	return kernel_sendmsg(kv_tx, &m, &v, 1, v.iov_len);
}

/* Keep the line if it is one of this module's: after printk's optional
 * "[ time] " prefix, it starts with "kvoidlate: ".  No printk here. */
static void kv_write(struct console *con, const char *s, unsigned int n)
{
	const char *p = s, *end = s + n;
	unsigned long flags;
	size_t len;

	if (p < end && *p == '[') {
		p = memchr(p, ']', end - p);
		if (!p || end - p < 2)
			return;
		p += 2;
	}
	if (end - p < 11 || memcmp(p, "kvoidlate: ", 11))
		return;
	len = end - p;
	spin_lock_irqsave(&kv_lock, flags);
	if (kv_used + len < KV_TEXT) {
		memcpy(kv_lines + kv_used, p, len);
		kv_used += len;
		if (kv_lines[kv_used - 1] != '\n')
			kv_lines[kv_used++] = '\n';
	}
	spin_unlock_irqrestore(&kv_lock, flags);
}

static struct console kv_console = {
	.name = "kvcon",
	.write = kv_write,
	.flags = CON_ENABLED,
	.index = -1,
};

static void kv_set_rx_mode(struct net_device *dev)
{
	struct netdev_hw_addr *ha;

	kv_rx_mode_ran = true;
	kv_flags = dev->flags & (IFF_PROMISC | IFF_ALLMULTI);
	kv_mc = netdev_mc_count(dev);
	kv_mc_last[0] = 0;
	netdev_for_each_mc_addr(ha, dev)
		snprintf(kv_mc_last, sizeof(kv_mc_last), "%pM", ha->addr);
}

static int kv_open(struct net_device *dev)
{
	netif_start_queue(dev);
	return 0;
}

static int kv_stop(struct net_device *dev)
{
	netif_stop_queue(dev);
	return 0;
}

static netdev_tx_t kv_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops kv_ops = {
	.ndo_open = kv_open,
	.ndo_stop = kv_stop,
	.ndo_start_xmit = kv_xmit,
	.ndo_set_rx_mode = kv_set_rx_mode,
};

static void kv_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &kv_ops;
	eth_hw_addr_set(dev, (const u8[]){ 0x02, 0, 0, 0, 0x4b, 0x56 });
}

static int kv_show(struct seq_file *m, void *v)
{
	seq_printf(m, "rx_mode ran: %s\n", kv_rx_mode_ran ? "yes" : "no");
	seq_printf(m, "promisc: %d, allmulti: %d\n", !!(kv_flags & IFF_PROMISC),
		   !!(kv_flags & IFF_ALLMULTI));
	seq_printf(m, "multicast addresses: %d, last %s\n", kv_mc, kv_mc_last[0] ? kv_mc_last : "-");
	seq_printf(m, "datagrams seen by sk_data_ready: %d\n", atomic_read(&kv_datagrams));
	seq_printf(m, "console lines:\n%.*s", (int)kv_used, kv_lines);
	return 0;
}

static int kv_open_proc(struct inode *inode, struct file *f)
{
	return single_open(f, kv_show, NULL);
}

/* "N": send N datagrams to the socket */
static ssize_t kv_write_proc(struct file *f, const char __user *buf, size_t len, loff_t *ppos)
{
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(buf, len, 10, &n);
	if (err)
		return err;
	for (i = 0; i < n && i < 100; i++) {
		err = kv_send();
		if (err < 0)
			return err;
	}
	return len;
}

static const struct proc_ops kv_proc_ops = {
	.proc_open = kv_open_proc,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kv_write_proc,
};

static int __init kv_init(void)
{
	int err;

	kv_dev = alloc_netdev(0, "kvl%d", NET_NAME_UNKNOWN, kv_setup);
	if (!kv_dev)
		return -ENOMEM;
	err = register_netdev(kv_dev);
	if (err) {
		free_netdev(kv_dev);
		return err;
	}
	err = kv_sockets();
	if (err) {
		unregister_netdev(kv_dev);
		free_netdev(kv_dev);
		return err;
	}
	if (!proc_create("kvoidlate", 0644, NULL, &kv_proc_ops)) {
		sock_release(kv_tx);
		sock_release(kv_rx);
		unregister_netdev(kv_dev);
		free_netdev(kv_dev);
		return -ENOMEM;
	}
	register_console(&kv_console);
	pr_info("kvoidlate: console %s registered\n", kv_console.name);
	pr_info("kvoidlate: device %s ready\n", kv_dev->name);
	return 0;
}

static void __exit kv_exit(void)
{
	pr_info("kvoidlate: going\n");
	unregister_console(&kv_console);
	remove_proc_entry("kvoidlate", NULL);
	sock_release(kv_tx);
	sock_release(kv_rx);
	unregister_netdev(kv_dev);
	free_netdev(kv_dev);
}

module_init(kv_init);
module_exit(kv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: callbacks that answer nothing, called in atomic context");
