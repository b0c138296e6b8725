// SPDX-License-Identifier: GPL-2.0
/* Golden: a UDP tunnel's encap_err_lookup, encap_err_rcv, gro_receive and
 * gro_complete run in softirq context and must answer there at once (or
 * are handed a packet they do not own): a module function stored in one,
 * by a designated initializer or an assignment to udp_sk(sk)'s own field,
 * is refused at rewrite time.  encap_rcv is served (golden udp-encap). */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/udp_tunnel.h>

static struct socket *ue_sock;

static int ue_rcv(struct sock *sk, struct sk_buff *skb)
{
	kfree_skb(skb);
	return 0;
}

static int ue_err_lookup(struct sock *sk, struct sk_buff *skb)
{
	return 0;
}

static void ue_err_rcv(struct sock *sk, struct sk_buff *skb, unsigned int off)
{
}

static struct sk_buff *ue_gro_receive(struct sock *sk, struct list_head *head,
				      struct sk_buff *skb)
{
	return NULL;
}

static int ue_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	return 0;
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
		.encap_err_lookup = ue_err_lookup,
		.gro_receive = ue_gro_receive,
	};
	int err = udp_sock_create(&init_net, &cfg, &ue_sock);

	if (err)
		return err;
	setup_udp_tunnel_sock(&init_net, ue_sock, &tcfg);
	udp_sk(ue_sock->sk)->encap_err_rcv = ue_err_rcv;
	udp_sk(ue_sock->sk)->gro_complete = ue_gro_complete;
	/* not a store: allowed */
	if (udp_sk(ue_sock->sk)->encap_err_lookup == ue_err_lookup)
		pr_info("ue: set\n");
	return 0;
}

static void __exit ue_exit(void)
{
	udp_tunnel_sock_release(ue_sock);
}

module_init(ue_init);
module_exit(ue_exit);
MODULE_LICENSE("GPL");
