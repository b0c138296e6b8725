// SPDX-License-Identifier: GPL-2.0
/*
 * knotif — an IPv6 address notifier (register_inet6addr_notifier(), an
 * atomic notifier chain), as monitors write one: it logs each address
 * that comes or goes.
 *
 * Its callback runs in atomic context, where a user build's blocking
 * proxy cannot wait for it: the call is observed and the callback runs
 * later in the program (dusk-kmod/core/notiflate.c), with a copy of the
 * address record as it was at the event; before, it never ran.  What the
 * proxy answers must leave the chain alone: before that, it answered
 * -EWOULDBLOCK, whose bits include NOTIFY_STOP_MASK, and the chain stopped
 * there, so every subscriber after it (knotif_witness.c, a kernel module)
 * missed the event (test.sh).
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
	pr_info("%s %pI6c/%u\n", event == NETDEV_UP ? "up" : event == NETDEV_DOWN ? "down" : "other",
		&ifa->addr, ifa->prefix_len);
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
	pr_info("exit: %d events\n", events);
}

module_init(knotif_init);
module_exit(knotif_exit);
MODULE_LICENSE("GPL");
