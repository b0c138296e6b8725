// SPDX-License-Identifier: GPL-2.0
/*
 * knotif — an IPv6 address notifier (register_inet6addr_notifier(), an
 * atomic notifier chain), as monitors write one: it logs each address
 * that comes or goes.
 *
 * Its callback runs in atomic context, where a user build's blocking
 * proxy cannot run it.  What the proxy answers must still leave the chain
 * alone: before, it answered -EWOULDBLOCK, whose bits include
 * NOTIFY_STOP_MASK, and the chain stopped there, so every subscriber after
 * it (knotif_witness.c, a kernel module) missed the event (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>

static int events;

static int addr_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct inet6_ifaddr *ifa = ptr;

	events++;
	pr_info("%s %pI6c\n", event == NETDEV_UP ? "up" : "other", &ifa->addr);
	return NOTIFY_OK;
}

static struct notifier_block addr_nb = {
	.notifier_call = addr_event,
	.priority = 10,		/* ahead of the witness */
};

static int __init knotif_init(void)
{
	int ret = register_inet6addr_notifier(&addr_nb);

	if (ret)
		return ret;
	pr_info("registered\n");
	return 0;
}

static void __exit knotif_exit(void)
{
	unregister_inet6addr_notifier(&addr_nb);
	pr_info("exit\n");
}

module_init(knotif_init);
module_exit(knotif_exit);
MODULE_LICENSE("GPL");
