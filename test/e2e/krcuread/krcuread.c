// SPDX-License-Identifier: GPL-2.0
/*
 * krcuread — RCU readers in atomic context against a writer that frees
 * after synchronize_rcu().
 *
 *   insmod krcuread.ko [size=77] [delay_ms=4000]
 *   echo arm > /proc/krcuread       a timer reads the configuration
 *   echo N > /proc/krcuread         a new configuration of value N; the
 *                                   old one is freed after a grace period
 *   echo rcuN > /proc/krcuread      the same, the old one freed by kfree_rcu()
 *   cat /proc/krcuread              "reads R stale S value V"
 *
 * The configuration is an RCU-protected pointer.  Its readers are a
 * LOCAL_IN hook (for ICMP echo requests of @size payload bytes) and a
 * timer: each takes the pointer, says so ("reader N started"), takes
 * @delay_ms (a slow reader), then reads the value.  The writer, a /proc
 * write, says "writer N waiting" and takes a second before it swaps, so
 * that a reader can start meanwhile.  The writer swaps the pointer, waits for a grace
 * period, marks the old configuration dead and frees it (or leaves that
 * to kfree_rcu()): a reader that started before the swap still sees the
 * old, live value, never a dead or freed one ("stale" counts those).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

static int size = 77;
module_param(size, int, 0444);
MODULE_PARM_DESC(size, "ICMP payload size of the echo requests read on");
static int delay_ms = 4000;
module_param(delay_ms, int, 0444);
MODULE_PARM_DESC(delay_ms, "how long a reader holds the configuration");

#define KRR_WRITER_LEAD_MS 1000
#define KRR_LIVE 0x6c697665	/* a configuration not yet given back */
#define KRR_DEAD 0x64656164

/* Larger than a slab's objects: pages of its own, which no other object's
 * access brings into the user build's shadow before a reader's first. */
struct krr_cfg {
	u32 magic;
	int value;
	u32 crc;		/* of data */
	struct rcu_head rcu;
	u8 data[3 * PAGE_SIZE];
};

static struct krr_cfg __rcu *krr_cfg;
static DEFINE_MUTEX(krr_lock);	/* writers */
static atomic_t krr_started = ATOMIC_INIT(0);
static atomic_t krr_reads = ATOMIC_INIT(0);
static atomic_t krr_stale = ATOMIC_INIT(0);
static struct timer_list krr_timer;
static struct proc_dir_entry *krr_proc;

/* A slow reader, in an RCU read-side section (the caller's). */
static void krr_read(void)
{
	struct krr_cfg *c = rcu_dereference(krr_cfg);
	ktime_t end = ktime_add_ms(ktime_get(), delay_ms);

	pr_info("reader %d started\n", atomic_inc_return(&krr_started));
	/* not mdelay(): in the user build its busy wait is in the kernel,
	 * where it holds off the kernel's grace period by itself */
	while (ktime_before(ktime_get(), end))
		cpu_relax();
	atomic_inc(&krr_reads);
	/* dead, or freed (slab poison, or another object by now), as this
	 * module or a kernel function reading it sees it */
	if (READ_ONCE(c->magic) != KRR_LIVE || crc32_le(0, c->data, 64) != c->crc)
		atomic_inc(&krr_stale);
}

static unsigned int krr_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct icmphdr *icmph;

	if (iph->protocol != IPPROTO_ICMP ||
	    ntohs(iph->tot_len) != iph->ihl * 4 + sizeof(*icmph) + size)
		return NF_ACCEPT;
	icmph = (const struct icmphdr *)(skb_network_header(skb) + iph->ihl * 4);
	if (icmph->type == ICMP_ECHO)
		krr_read();
	return NF_ACCEPT;
}

static const struct nf_hook_ops krr_ops = {
	.hook = krr_hook,
	.pf = NFPROTO_IPV4,
	.hooknum = NF_INET_LOCAL_IN,
	.priority = NF_IP_PRI_FIRST,
};

static void krr_timer_fn(struct timer_list *t)
{
	rcu_read_lock();
	krr_read();
	rcu_read_unlock();
}

/* Swap in a configuration of @value; free the old one once no reader
 * can hold it, by kfree_rcu() if @deferred.  Caller holds krr_lock. */
static int krr_swap(int value, bool deferred)
{
	struct krr_cfg *c = kmalloc(sizeof(*c), GFP_KERNEL), *old;

	if (!c)
		return -ENOMEM;
	c->magic = KRR_LIVE;
	c->value = value;
	memset(c->data, 0x40 + value, sizeof(c->data));
	c->crc = crc32_le(0, c->data, 64);
	old = rcu_dereference_protected(krr_cfg, lockdep_is_held(&krr_lock));
	rcu_assign_pointer(krr_cfg, c);
	if (old && deferred) {
		kfree_rcu(old, rcu);
		return 0;
	}
	synchronize_rcu();
	if (old) {
		WRITE_ONCE(old->magic, KRR_DEAD);
		kfree(old);
	}
	return 0;
}

static int krr_show(struct seq_file *m, void *v)
{
	int value;

	rcu_read_lock();
	value = rcu_dereference(krr_cfg)->value;
	rcu_read_unlock();
	seq_printf(m, "reads %d stale %d value %d\n", atomic_read(&krr_reads),
		   atomic_read(&krr_stale), value);
	return 0;
}

static int krr_open(struct inode *inode, struct file *file)
{
	return single_open(file, krr_show, NULL);
}

static ssize_t krr_write(struct file *file, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[16];
	bool deferred;
	int value, err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sysfs_streq(buf, "arm")) {
		mod_timer(&krr_timer, jiffies);
		return len;
	}
	deferred = !strncmp(buf, "rcu", 3);
	err = kstrtoint(buf + (deferred ? 3 : 0), 0, &value);
	if (err)
		return err;
	if (value <= 0)
		return -EINVAL;
	/* a slow writer: a reader may start meanwhile, on the old one */
	pr_info("writer %d waiting\n", value);
	msleep(KRR_WRITER_LEAD_MS);
	mutex_lock(&krr_lock);
	err = krr_swap(value, deferred);
	mutex_unlock(&krr_lock);
	return err ? err : len;
}

static const struct proc_ops krr_pops = {
	.proc_open = krr_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = krr_write,
};

static int __init krr_init(void)
{
	int err;

	mutex_lock(&krr_lock);
	err = krr_swap(1, false);
	mutex_unlock(&krr_lock);
	if (err)
		return err;
	timer_setup(&krr_timer, krr_timer_fn, 0);
	krr_proc = proc_create("krcuread", 0644, NULL, &krr_pops);
	if (!krr_proc) {
		err = -ENOMEM;
		goto free_cfg;
	}
	err = nf_register_net_hook(&init_net, &krr_ops);
	if (err)
		goto remove_proc;
	pr_info("loaded, size %d delay %d ms\n", size, delay_ms);
	return 0;

remove_proc:
	proc_remove(krr_proc);
free_cfg:
	kfree(rcu_dereference_protected(krr_cfg, 1));
	return err;
}

static void __exit krr_exit(void)
{
	nf_unregister_net_hook(&init_net, &krr_ops);
	proc_remove(krr_proc);
	del_timer_sync(&krr_timer);
	pr_info("exit: reads %d stale %d\n", atomic_read(&krr_reads),
		atomic_read(&krr_stale));
	kfree(rcu_dereference_protected(krr_cfg, 1));
}

module_init(krr_init);
module_exit(krr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: slow RCU readers in atomic context and a freeing writer");
