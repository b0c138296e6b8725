// SPDX-License-Identifier: GPL-2.0
/*
 * kpoll: busy waits on kernel memory that changes under the module with no
 * kernel call in the loop -- jiffies (time_before() and cpu_relax(), the
 * way drivers wait for a deadline) and a sysctl another process changes
 * (READ_ONCE()).  In the kernel build each loop sees its value move and
 * ends; so must the user build's.
 */
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <net/net_namespace.h>

static int __init kpoll_init(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(100), limit;
	unsigned int spins = 0;

	while (time_before(jiffies, end)) {
		cpu_relax();
		spins++;
	}
	pr_info("kpoll: jiffies passed the deadline (%s)\n", spins ? "after spinning" : "at once");

	pr_info("kpoll: waiting for ttl 77\n");
	limit = jiffies + 10 * HZ;
	while (READ_ONCE(init_net.ipv4.sysctl_ip_default_ttl) != 77 && time_before(jiffies, limit))
		cpu_relax();
	pr_info("kpoll: default ttl %u\n", READ_ONCE(init_net.ipv4.sysctl_ip_default_ttl));
	return 0;
}

static void __exit kpoll_exit(void)
{
	pr_info("kpoll: bye\n");
}

module_init(kpoll_init);
module_exit(kpoll_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("busy waits on jiffies and on a sysctl (DUSK test)");
