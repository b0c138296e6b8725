// SPDX-License-Identifier: GPL-2.0
/* Golden: kernel calls become typed wrappers (pointer arguments committed,
 * with the object's size when the rewriter sees it); printk gets one stub
 * per call-site signature; an indirect call through a pointer read from
 * kernel memory becomes an indirect stub. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/netdevice.h>

static char name[IFNAMSIZ];

static int kc_run(struct net_device *dev)
{
	char buf[32];
	int n, *p;

	n = snprintf(buf, sizeof(buf), "%s", dev->name);
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	*p = n;
	pr_info("kc: %s %d\n", buf, *p);
	pr_info("kc: %lu\n", (unsigned long)n);
	kfree(p);
	strscpy(name, buf, sizeof(name));
	return dev->netdev_ops->ndo_open(dev);
}

static int __init kc_init(void)
{
	struct net_device *dev = dev_get_by_name(&init_net, "lo");
	int r;

	if (!dev)
		return -ENODEV;
	r = kc_run(dev);
	dev_put(dev);
	return r;
}

module_init(kc_init);
MODULE_LICENSE("GPL");
