// kudpencap: the receive side of a UDP tunnel as out-of-tree tunnel
// modules write it: a kernel UDP socket per family on port 4889 of the
// loopback address (udp_sock_create()), made an encapsulation socket by
// setup_udp_tunnel_sock().  Its encap_rcv finds the tunnel through the
// socket's sk_user_data, counts the packet, checks its route, sums its
// payload's first byte and consumes it -- unless that byte is 0, "not a
// tunnel packet", which it gives back to UDP (answer 1: queued on the
// socket, as a tunnel does with what it cannot decapsulate).  Writing N to
// /proc/kudpencap sends N packets to each socket from a second kernel
// socket, then one to give back; reading it says what encap_rcv saw.
// encap_destroy runs when a socket is released.
#include <linux/module.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#define KUE_PORT 4889

struct kue_tunnel {
	int family;
	struct socket *rx, *tx;
	atomic_t packets, routed, first_sum, back;
};

static struct kue_tunnel *v4, *v6;
static atomic_t destroyed;

static int kue_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct kue_tunnel *t = rcu_dereference_sk_user_data(sk);

	if (!t)
		goto drop;
	atomic_inc(&t->packets);
	if (skb_dst(skb))
		atomic_inc(&t->routed);
	/* the UDP header is still in front of the payload */
	if (pskb_may_pull(skb, sizeof(struct udphdr) + 1)) {
		if (!skb->data[sizeof(struct udphdr)]) {
			atomic_inc(&t->back);
			return 1;
		}
		atomic_add(skb->data[sizeof(struct udphdr)], &t->first_sum);
	}
drop:
	kfree_skb(skb);
	return 0;
}

static void kue_encap_destroy(struct sock *sk)
{
	atomic_inc(&destroyed);
}

static int kue_send(struct kue_tunnel *t, unsigned char byte)
{
	struct sockaddr_in to4 = {
		.sin_family = AF_INET,
		.sin_port = htons(KUE_PORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr_in6 to6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(KUE_PORT),
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	unsigned char payload[4] = { byte, 'u', 'd', 'p' };
	struct kvec iov = { .iov_base = payload, .iov_len = sizeof(payload) };
	struct msghdr msg = { 0 };

	if (t->family == AF_INET) {
		msg.msg_name = &to4;
		msg.msg_namelen = sizeof(to4);
	} else {
		msg.msg_name = &to6;
		msg.msg_namelen = sizeof(to6);
	}
	return kernel_sendmsg(t->tx, &msg, &iov, 1, sizeof(payload));
}

static int kue_show(struct seq_file *m, void *v)
{
	seq_printf(m, "v4 %d routed %d sum %d back %d v6 %d routed %d sum %d back %d\n",
		   atomic_read(&v4->packets), atomic_read(&v4->routed),
		   atomic_read(&v4->first_sum), atomic_read(&v4->back),
		   atomic_read(&v6->packets), atomic_read(&v6->routed),
		   atomic_read(&v6->first_sum), atomic_read(&v6->back));
	return 0;
}

static int kue_open(struct inode *inode, struct file *file)
{
	return single_open(file, kue_show, NULL);
}

static ssize_t kue_write(struct file *file, const char __user *buf, size_t len, loff_t *off)
{
	unsigned int n, i;
	int err = kstrtouint_from_user(buf, len, 10, &n);

	if (err)
		return err;
	for (i = 0; i < n && i < 16; i++) {
		err = kue_send(v4, i + 1);
		if (err >= 0)
			err = kue_send(v6, 10 * (i + 1));
		if (err < 0)
			return err;
	}
	err = kue_send(v4, 0);
	if (err >= 0)
		err = kue_send(v6, 0);
	return err < 0 ? err : len;
}

static const struct proc_ops kue_fops = {
	.proc_open = kue_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kue_write,
};

static struct kue_tunnel *kue_open_tunnel(int family)
{
	struct udp_port_cfg rx_cfg = { .family = family, .local_udp_port = htons(KUE_PORT) };
	struct udp_port_cfg tx_cfg = { .family = family };
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = kue_encap_rcv,
		.encap_destroy = kue_encap_destroy,
	};
	struct kue_tunnel *t = kzalloc(sizeof(*t), GFP_KERNEL);
	int err;

	if (!t)
		return ERR_PTR(-ENOMEM);
	t->family = family;
	if (family == AF_INET) {
		rx_cfg.local_ip.s_addr = htonl(INADDR_LOOPBACK);
		tx_cfg.local_ip.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		rx_cfg.local_ip6 = in6addr_loopback;
		tx_cfg.local_ip6 = in6addr_loopback;
		rx_cfg.ipv6_v6only = 1;
	}
	err = udp_sock_create(&init_net, &rx_cfg, &t->rx);
	if (err)
		goto free;
	err = udp_sock_create(&init_net, &tx_cfg, &t->tx);
	if (err)
		goto rx;
	tcfg.sk_user_data = t;
	setup_udp_tunnel_sock(&init_net, t->rx, &tcfg);
	return t;
rx:
	udp_tunnel_sock_release(t->rx);
free:
	kfree(t);
	return ERR_PTR(err);
}

static void kue_close_tunnel(struct kue_tunnel *t)
{
	udp_tunnel_sock_release(t->tx);
	udp_tunnel_sock_release(t->rx);
}

static int __init kue_init(void)
{
	v4 = kue_open_tunnel(AF_INET);
	if (IS_ERR(v4)) {
		pr_err("kudpencap: IPv4 socket: %ld\n", PTR_ERR(v4));
		return PTR_ERR(v4);
	}
	v6 = kue_open_tunnel(AF_INET6);
	if (IS_ERR(v6)) {
		pr_err("kudpencap: IPv6 socket: %ld\n", PTR_ERR(v6));
		kue_close_tunnel(v4);
		synchronize_rcu();
		kfree(v4);
		return PTR_ERR(v6);
	}
	proc_create("kudpencap", 0644, NULL, &kue_fops);
	pr_info("kudpencap: tunnel sockets on port %d\n", KUE_PORT);
	return 0;
}

static void __exit kue_exit(void)
{
	remove_proc_entry("kudpencap", NULL);
	kue_close_tunnel(v6);
	kue_close_tunnel(v4);
	synchronize_rcu();
	pr_info("kudpencap: exit: v4 %d v6 %d destroyed %d\n", atomic_read(&v4->packets),
		atomic_read(&v6->packets), atomic_read(&destroyed));
	kfree(v6);
	kfree(v4);
}
module_init(kue_init);
module_exit(kue_exit);
MODULE_LICENSE("GPL");
