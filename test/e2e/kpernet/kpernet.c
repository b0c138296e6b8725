// SPDX-License-Identifier: GPL-2.0
/*
 * kpernet: per-net data the kernel allocates for the module.  Two
 * pernet_operations with .id and .size, one registered as a subsystem and
 * one as a device, as xt_recent and most protocol modules do: the kernel
 * kzallocs .size bytes per network namespace and the module's init writes
 * them (INIT_LIST_HEAD, strscpy, counters); a write() to /proc/kpernet
 * adds to the init namespace's data later, and each namespace's exit logs
 * what its data holds and writes it once more.  The same in the kernel
 * build and the DUSK user build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

struct kpernet_item {
	struct list_head node;
	unsigned int n;
};

struct kpernet_data {
	struct list_head items;
	unsigned int writes;
	unsigned long sum;
	char name[16];
};

static unsigned int kpernet_subsys_id, kpernet_dev_id;

static void kpernet_data_init(struct kpernet_data *d, struct net *net, const char *kind)
{
	INIT_LIST_HEAD(&d->items);
	d->sum = net_eq(net, &init_net) ? 100 : 7;
	strscpy(d->name, net_eq(net, &init_net) ? "init" : "other", sizeof(d->name));
	pr_info("%s init %s: sum %lu\n", kind, d->name, d->sum);
}

static void kpernet_data_exit(struct kpernet_data *d, const char *kind)
{
	struct kpernet_item *it, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(it, tmp, &d->items, node) {
		list_del(&it->node);
		kfree(it);
		n++;
	}
	pr_info("%s exit %s: writes %u sum %lu items %u\n", kind, d->name, d->writes, d->sum, n);
	d->writes = 0;
}

static int __net_init kpernet_subsys_init(struct net *net)
{
	kpernet_data_init(net_generic(net, kpernet_subsys_id), net, "subsys");
	return 0;
}

static void __net_exit kpernet_subsys_exit(struct net *net)
{
	kpernet_data_exit(net_generic(net, kpernet_subsys_id), "subsys");
}

static int __net_init kpernet_dev_init(struct net *net)
{
	kpernet_data_init(net_generic(net, kpernet_dev_id), net, "device");
	return 0;
}

static void __net_exit kpernet_dev_exit(struct net *net)
{
	kpernet_data_exit(net_generic(net, kpernet_dev_id), "device");
}

static struct pernet_operations kpernet_subsys_ops = {
	.init = kpernet_subsys_init,
	.exit = kpernet_subsys_exit,
	.id   = &kpernet_subsys_id,
	.size = sizeof(struct kpernet_data),
};

static struct pernet_operations kpernet_dev_ops = {
	.init = kpernet_dev_init,
	.exit = kpernet_dev_exit,
	.id   = &kpernet_dev_id,
	.size = sizeof(struct kpernet_data),
};

static int kpernet_show(struct seq_file *m, void *v)
{
	struct kpernet_data *d = net_generic(&init_net, kpernet_subsys_id);
	struct kpernet_item *it;

	seq_printf(m, "%s writes %u sum %lu items", d->name, d->writes, d->sum);
	list_for_each_entry(it, &d->items, node)
		seq_printf(m, " %u", it->n);
	seq_putc(m, '\n');
	return 0;
}

static int kpernet_open(struct inode *inode, struct file *file)
{
	return single_open(file, kpernet_show, NULL);
}

static ssize_t kpernet_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct kpernet_data *d = net_generic(&init_net, kpernet_subsys_id);
	struct kpernet_data *dev = net_generic(&init_net, kpernet_dev_id);
	struct kpernet_item *it;
	unsigned int n;
	int err;

	err = kstrtouint_from_user(ubuf, count, 10, &n);
	if (err)
		return err;
	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return -ENOMEM;
	it->n = n;
	list_add_tail(&it->node, &d->items);
	d->writes++;
	d->sum += n;
	dev->writes++;
	return count;
}

static const struct proc_ops kpernet_proc_ops = {
	.proc_open    = kpernet_open,
	.proc_read    = seq_read,
	.proc_write   = kpernet_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static struct proc_dir_entry *kpernet_proc;

static int __init kpernet_init(void)
{
	int err;

	err = register_pernet_subsys(&kpernet_subsys_ops);
	if (err)
		return err;
	err = register_pernet_device(&kpernet_dev_ops);
	if (err)
		goto err_subsys;
	kpernet_proc = proc_create("kpernet", 0644, NULL, &kpernet_proc_ops);
	if (!kpernet_proc) {
		err = -ENOMEM;
		goto err_dev;
	}
	return 0;

err_dev:
	unregister_pernet_device(&kpernet_dev_ops);
err_subsys:
	unregister_pernet_subsys(&kpernet_subsys_ops);
	return err;
}

static void __exit kpernet_exit(void)
{
	proc_remove(kpernet_proc);
	unregister_pernet_device(&kpernet_dev_ops);
	unregister_pernet_subsys(&kpernet_subsys_ops);
}

module_init(kpernet_init);
module_exit(kpernet_exit);
MODULE_LICENSE("GPL");
