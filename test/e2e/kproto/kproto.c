// kproto: a handler of its own IP protocol number (253, RFC 3692's
// experimentation number) for IPv4 (inet_add_protocol) and IPv6
// (inet6_add_protocol), the way out-of-tree tunnel and test protocols are
// written: it owns each packet it is given, counts it, sums its payload's
// first byte and frees it.  /proc/kproto says what it saw.
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/protocol.h>
#include <net/dst.h>

#define KPROTO 253

struct kproto_count {
	atomic_t packets, routed, first_sum;
};

static struct kproto_count v4, v6;

static void kproto_count(struct kproto_count *c, struct sk_buff *skb)
{
	atomic_inc(&c->packets);
	if (skb_dst(skb))
		atomic_inc(&c->routed);
	if (pskb_may_pull(skb, 1))
		atomic_add(skb->data[0], &c->first_sum);
}

static int kproto_rcv(struct sk_buff *skb)
{
	kproto_count(&v4, skb);
	consume_skb(skb);
	return 0;
}

static int kproto6_rcv(struct sk_buff *skb)
{
	kproto_count(&v6, skb);
	kfree_skb(skb);
	return 0;
}

static const struct net_protocol kproto_v4 = {
	.handler = kproto_rcv,
	.no_policy = 1,
};

static const struct inet6_protocol kproto_v6 = {
	.handler = kproto6_rcv,
	.flags = INET6_PROTO_NOPOLICY | INET6_PROTO_FINAL,
};

static int kproto_show(struct seq_file *m, void *v)
{
	seq_printf(m, "v4 %d routed %d sum %d v6 %d routed %d sum %d\n",
		   atomic_read(&v4.packets), atomic_read(&v4.routed),
		   atomic_read(&v4.first_sum), atomic_read(&v6.packets),
		   atomic_read(&v6.routed), atomic_read(&v6.first_sum));
	return 0;
}

static int __init kproto_init(void)
{
	int err = inet_add_protocol(&kproto_v4, KPROTO);

	if (err) {
		pr_err("kproto: inet_add_protocol: %d\n", err);
		return err;
	}
	err = inet6_add_protocol(&kproto_v6, KPROTO);
	if (err) {
		pr_err("kproto: inet6_add_protocol: %d\n", err);
		inet_del_protocol(&kproto_v4, KPROTO);
		return err;
	}
	proc_create_single("kproto", 0444, NULL, kproto_show);
	pr_info("kproto: protocol %d registered\n", KPROTO);
	return 0;
}

static void __exit kproto_exit(void)
{
	remove_proc_entry("kproto", NULL);
	inet6_del_protocol(&kproto_v6, KPROTO);
	inet_del_protocol(&kproto_v4, KPROTO);
	pr_info("kproto: exit: v4 %d v6 %d\n", atomic_read(&v4.packets),
		atomic_read(&v6.packets));
}
module_init(kproto_init);
module_exit(kproto_exit);
MODULE_LICENSE("GPL");
