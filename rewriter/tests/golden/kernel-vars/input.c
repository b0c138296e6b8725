// SPDX-License-Identifier: GPL-2.0
/* Golden: kernel variables are read through dusk_ksym() + a check; their
 * address is plain; a static initializer holding a kernel address is
 * relocated before module init (THIS_MODULE, a kernel function). */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

static unsigned long seen;

static int kv_open(struct inode *inode, struct file *file)
{
	return 0;
}

static const struct file_operations kv_fops = {
	.owner = THIS_MODULE,
	.open = kv_open,
	.llseek = seq_lseek,
};

static int __init kv_init(void)
{
	struct net *net = &init_net;

	seen = jiffies;
	return net->ifindex + (kv_fops.open != NULL);
}

module_init(kv_init);
MODULE_LICENSE("GPL");
