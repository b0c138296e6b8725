// SPDX-License-Identifier: GPL-2.0
/* Golden: the generated kmod's tables name every shared constant
 * (dusk/abi.h) instead of printing its value: each stub flag (printk,
 * allocation, krealloc, kmem_cache_free, kfree_rcu, pointer results, an
 * indirect call), each proxy kind (hook, blocking, async, both sync
 * strategies) and each undo marker (the result, an argument or the
 * result).  The kmod builds with Kbuild. */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/proc_fs.h>
#include <linux/hrtimer.h>
#include <linux/rcupdate.h>
#include <linux/timer.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/x_tables.h>
#include <net/net_namespace.h>

struct kt_item {
	struct rcu_head rcu;
	int v;
};

static struct kmem_cache *kt_cache;
static struct proc_dir_entry *kt_proc;
static struct hrtimer kt_timer;
static struct timer_list kt_slow;
static int kt_major;
static int (*kt_op)(int);

static unsigned int kt_hook(void *priv, struct sk_buff *skb,
			    const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static enum hrtimer_restart kt_tick(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

static void kt_slow_tick(struct timer_list *t)
{
}

static bool kt_match(const struct sk_buff *skb, struct xt_action_param *par)
{
	return skb->len > 100;
}

static ssize_t kt_read(struct file *f, char __user *buf, size_t len, loff_t *off)
{
	return simple_read_from_buffer(buf, len, off, "kt\n", 3);
}

static const struct proc_ops kt_pops = {
	.proc_read = kt_read,
};

static const struct file_operations kt_fops = {
	.owner = THIS_MODULE,
	.read = kt_read,
};

static struct nf_hook_ops kt_ops = {
	.hook = kt_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
	.priority = NF_IP_PRI_FIRST,
};

static struct xt_match kt_mt __read_mostly = {
	.name = "kt",
	.family = NFPROTO_IPV4,
	.match = kt_match,
	.me = THIS_MODULE,
};

static int __init kt_init(void)
{
	struct kt_item *it = kmalloc(sizeof(*it), GFP_KERNEL);
	struct kt_item *more;

	if (!it)
		return -ENOMEM;
	more = krealloc(it, 2 * sizeof(*it), GFP_KERNEL);
	if (more)
		it = more;
	kfree_rcu(it, rcu);
	kt_cache = kmem_cache_create("kt", sizeof(struct kt_item), 0, 0, NULL);
	if (kt_cache) {
		it = kmem_cache_alloc(kt_cache, GFP_KERNEL);
		if (it)
			kmem_cache_free(kt_cache, it);
	}
	if (kt_op)
		pr_info("kt: %d\n", kt_op(1));
	kt_major = register_chrdev(0, "kt", &kt_fops);
	kt_proc = proc_create("kt", 0444, NULL, &kt_pops);
	hrtimer_init(&kt_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	kt_timer.function = kt_tick;
	timer_setup(&kt_slow, kt_slow_tick, 0);
	xt_register_match(&kt_mt);
	return nf_register_net_hook(&init_net, &kt_ops);
}

static void __exit kt_exit(void)
{
	nf_unregister_net_hook(&init_net, &kt_ops);
	xt_unregister_match(&kt_mt);
	hrtimer_cancel(&kt_timer);
	del_timer_sync(&kt_slow);
	proc_remove(kt_proc);
	unregister_chrdev(kt_major, "kt");
	kmem_cache_destroy(kt_cache);
}

module_init(kt_init);
module_exit(kt_exit);
MODULE_LICENSE("GPL");
