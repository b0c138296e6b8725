// SPDX-License-Identifier: GPL-2.0
/*
 * skowner: a LOCAL_OUT hook that logs who sends each TCP FIN of one port:
 * the sending socket's state and the user of its file, read as xt_owner
 * reads it (skb->sk, sk_socket, file, f_cred).  A FIN sent by close() is
 * the interesting one: the sender orphans its socket right after the hook
 * returns, so a user build that read the owner late would find none.  A
 * printk sits between the reads, so the reads after it come after a
 * kernel call.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/sock.h>

static ushort port = 5001;
module_param(port, ushort, 0444);

static unsigned int skowner_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct sock *sk = skb_to_full_sk(skb);
	const struct tcphdr *th;
	struct tcphdr _th;
	const struct file *filp;
	bool to;

	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_th), &_th);
	if (!th || !th->fin)
		return NF_ACCEPT;
	to = ntohs(th->dest) == port;
	if (!to && ntohs(th->source) != port)
		return NF_ACCEPT;
	if (!sk) {
		pr_info("skowner: FIN %s %u: no socket\n", to ? "to" : "from", port);
		return NF_ACCEPT;
	}
	pr_info("skowner: FIN %s %u: socket in state %u\n", to ? "to" : "from", port,
		sk->sk_state);

	read_lock_bh(&sk->sk_callback_lock);
	filp = sk->sk_socket ? sk->sk_socket->file : NULL;
	if (filp)
		pr_info("skowner: FIN %s %u: sent by uid %u\n", to ? "to" : "from", port,
			from_kuid(&init_user_ns, filp->f_cred->fsuid));
	else
		pr_info("skowner: FIN %s %u: no file (socket %s)\n", to ? "to" : "from", port,
			sk->sk_socket ? "without file" : "orphaned");
	read_unlock_bh(&sk->sk_callback_lock);
	return NF_ACCEPT;
}

static struct nf_hook_ops skowner_ops = {
	.hook = skowner_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_OUT,
	.priority = NF_IP_PRI_FIRST,
};

static int __init skowner_init(void)
{
	pr_info("skowner: watching FINs of port %u\n", port);
	return nf_register_net_hook(&init_net, &skowner_ops);
}

static void __exit skowner_exit(void)
{
	nf_unregister_net_hook(&init_net, &skowner_ops);
	pr_info("skowner: exit\n");
}

module_init(skowner_init);
module_exit(skowner_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: the owner of a packet sent by close()");
