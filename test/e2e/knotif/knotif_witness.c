// SPDX-License-Identifier: GPL-2.0
/*
 * knotif_witness — a kernel module on the same IPv6 address chain as
 * knotif, after it (priority 0): it logs every event it gets, so test.sh
 * sees whether knotif's callback let the chain go on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>

static int witness_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct inet6_ifaddr *ifa = ptr;

	pr_info("event %lu %pI6c\n", event, &ifa->addr);
	return NOTIFY_DONE;
}

static struct notifier_block witness_nb = { .notifier_call = witness_event };

static int __init witness_init(void)
{
	return register_inet6addr_notifier(&witness_nb);
}

static void __exit witness_exit(void)
{
	unregister_inet6addr_notifier(&witness_nb);
}

module_init(witness_init);
module_exit(witness_exit);
MODULE_LICENSE("GPL");
