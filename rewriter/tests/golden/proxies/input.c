// SPDX-License-Identifier: GPL-2.0
/* Golden: module functions whose address reaches the kernel get proxies
 * and trampolines: a Netfilter hook (NF_HOOK), a timer (ASYNC), file
 * operations (BLOCKING). */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/timer.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <net/net_namespace.h>

static struct timer_list tick;
static unsigned long ticks;

static unsigned int px_hook(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static void px_tick(struct timer_list *t)
{
	ticks++;
	mod_timer(t, jiffies + HZ);
}

static ssize_t px_read(struct file *f, char __user *buf, size_t len, loff_t *off)
{
	return simple_read_from_buffer(buf, len, off, "tick\n", 5);
}

static const struct file_operations px_fops = {
	.owner = THIS_MODULE,
	.read = px_read,
};

static struct miscdevice px_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "px",
	.fops = &px_fops,
};

static struct nf_hook_ops px_ops = {
	.hook = px_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
	.priority = NF_IP_PRI_FIRST,
};

static int __init px_init(void)
{
	int err = misc_register(&px_dev);

	if (err)
		return err;
	timer_setup(&tick, px_tick, 0);
	mod_timer(&tick, jiffies + HZ);
	return nf_register_net_hook(&init_net, &px_ops);
}

static void __exit px_exit(void)
{
	nf_unregister_net_hook(&init_net, &px_ops);
	del_timer_sync(&tick);
	misc_deregister(&px_dev);
}

module_init(px_init);
module_exit(px_exit);
MODULE_LICENSE("GPL");
