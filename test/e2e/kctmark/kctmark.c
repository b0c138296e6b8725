// SPDX-License-Identifier: GPL-2.0
/*
 * kctmark: a Netfilter hook reading and marking the packet's connection.
 * The module turns conntrack on in init_net (nf_ct_netns_get); its
 * LOCAL_IN hook adds one to each ICMP packet's connection mark
 * (WRITE_ONCE(ct->mark, ...), as xt_CONNMARK does) and keeps what it read
 * back with the packet's direction and status bits; /proc/kctmark shows
 * them.  The conntrack entry is the kernel's: only its mark is the
 * callback's to write.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/ip.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/netfilter/nf_conntrack.h>

#define KCT_SEEN 8

static u32 kct_marks[KCT_SEEN];
static int kct_dirs[KCT_SEEN], kct_replied[KCT_SEEN];
static unsigned int kct_n;
static DEFINE_SPINLOCK(kct_lock);

static unsigned int kct_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	unsigned int i;

	if (ip_hdr(skb)->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || nf_ct_l3num(ct) != NFPROTO_IPV4)
		return NF_ACCEPT;
	WRITE_ONCE(ct->mark, READ_ONCE(ct->mark) + 1);
	spin_lock(&kct_lock);
	i = kct_n++ % KCT_SEEN;
	kct_marks[i] = READ_ONCE(ct->mark);
	kct_dirs[i] = CTINFO2DIR(ctinfo);
	kct_replied[i] = test_bit(IPS_SEEN_REPLY_BIT, &ct->status);
	spin_unlock(&kct_lock);
	return NF_ACCEPT;
}

static const struct nf_hook_ops kct_ops = {
	.hook = kct_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
	.priority = NF_IP_PRI_FILTER,
};

static int kct_show(struct seq_file *m, void *v)
{
	unsigned int i;

	spin_lock_bh(&kct_lock);
	seq_printf(m, "packets %u:", kct_n);
	for (i = 0; i < min(kct_n, (unsigned int)KCT_SEEN); i++)
		seq_printf(m, " mark %u dir %d replied %d;", kct_marks[i], kct_dirs[i],
			   kct_replied[i]);
	spin_unlock_bh(&kct_lock);
	seq_putc(m, '\n');
	return 0;
}

static int __init kct_init(void)
{
	int ret = nf_ct_netns_get(&init_net, NFPROTO_IPV4);

	if (ret)
		return ret;
	ret = nf_register_net_hook(&init_net, &kct_ops);
	if (ret)
		goto put;
	if (!proc_create_single("kctmark", 0444, NULL, kct_show)) {
		ret = -ENOMEM;
		goto unreg;
	}
	return 0;
unreg:
	nf_unregister_net_hook(&init_net, &kct_ops);
put:
	nf_ct_netns_put(&init_net, NFPROTO_IPV4);
	return ret;
}

static void __exit kct_exit(void)
{
	remove_proc_entry("kctmark", NULL);
	nf_unregister_net_hook(&init_net, &kct_ops);
	nf_ct_netns_put(&init_net, NFPROTO_IPV4);
}

module_init(kct_init);
module_exit(kct_exit);
MODULE_LICENSE("GPL");
