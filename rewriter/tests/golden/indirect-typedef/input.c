// SPDX-License-Identifier: GPL-2.0
/* Golden: an indirect call whose callee has a typedef'd function-pointer
 * type (an array of them, as act_gact's gact_rand[]; a struct member of
 * one), or function type (a call through `*fp`), gets an indirect stub with
 * the function's real result and parameter types. */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/netdevice.h>

typedef int (*it_open)(struct net_device *dev);

static it_open it_ops[2];

struct it_holder {
	it_open open;
};

static struct it_holder it_h;

static int __init it_init(void)
{
	struct net_device *dev = dev_get_by_name(&init_net, "lo");
	int r;

	if (!dev)
		return -ENODEV;
	it_ops[1] = dev->netdev_ops->ndo_open;
	it_h.open = dev->netdev_ops->ndo_stop;
	r = it_ops[1](dev);
	r += it_h.open(dev);
	r += (*it_ops[1])(dev);
	dev_put(dev);
	return r;
}

module_init(it_init);
MODULE_LICENSE("GPL");
