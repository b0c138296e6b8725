// SPDX-License-Identifier: GPL-2.0
/* Golden: a UDP tunnel's encap_rcv, int (struct sock *, struct sk_buff *)
 * (setup_udp_tunnel_sock()), owns its packet in the receive softirq: its
 * proxy hands the packet to the program when the kernel calls it as the
 * socket's encap_rcv and answers 0, "consumed".  It was a blocking proxy,
 * whose -EWOULDBLOCK there made UDP resubmit the packet as protocol 11.
 * encap_destroy runs in process context (sock_release()): blocking. */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/udp_tunnel.h>

static struct socket *ue_sock;
static int seen;

static int ue_rcv(struct sock *sk, struct sk_buff *skb)
{
	seen++;
	kfree_skb(skb);
	return 0;
}

static void ue_destroy(struct sock *sk)
{
	pr_info("ue: destroyed\n");
}

static int __init ue_init(void)
{
	struct udp_port_cfg cfg = {
		.family = AF_INET,
		.local_udp_port = htons(4889),
	};
	struct udp_tunnel_sock_cfg tcfg = {
		.encap_type = 1,
		.encap_rcv = ue_rcv,
		.encap_destroy = ue_destroy,
	};
	int err = udp_sock_create(&init_net, &cfg, &ue_sock);

	if (err)
		return err;
	setup_udp_tunnel_sock(&init_net, ue_sock, &tcfg);
	return 0;
}

static void __exit ue_exit(void)
{
	udp_tunnel_sock_release(ue_sock);
	pr_info("ue: %d\n", seen);
}

module_init(ue_init);
module_exit(ue_exit);
MODULE_LICENSE("GPL");
