// SPDX-License-Identifier: GPL-2.0
/*
 * kcall - the kernel-call benchmark module.  It times N calls of a cheap
 * exported kernel function (nothing to write back), then N rounds of a call
 * followed by an 8-byte read of a kernel variable (in the user build the
 * call ends the epoch, so every read is a READ round trip), and prints the
 * cost of each in ns: once in module_init ("init"), once in a Netfilter
 * hook on the first IPv4 packet that enters ("hook": in the user build, the
 * nested calls of a packet callback).  The kernel build gives the native
 * costs; the user build the cost of a CALL and of a READ through DUSK.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>

static unsigned int n = 1000;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "iterations of each loop");

static unsigned long kcall_sink;
static atomic_t kcall_hooked = ATOMIC_INIT(0);

static void kcall_time(const char *where)
{
	unsigned long acc = 0;
	unsigned int i;
	u64 t0, t1, t2;

	t0 = ktime_get_ns();
	for (i = 0; i < n; i++)
		acc += jiffies_to_msecs(i);
	t1 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		acc += jiffies_to_msecs(i);
		acc += READ_ONCE(jiffies);
	}
	t2 = ktime_get_ns();
	kcall_sink = acc;
	/* Under a loaded host the second loop may even come out faster:
	 * the difference is signed. */
	pr_info("%s call_ns %llu read_ns %lld\n", where, (t1 - t0) / n,
		div_s64((s64)(t2 - t1) - (s64)(t1 - t0), n));
}

static unsigned int kcall_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	if (atomic_xchg(&kcall_hooked, 1) == 0)
		kcall_time("hook");
	return NF_ACCEPT;
}

static struct nf_hook_ops kcall_ops = {
	.hook     = kcall_hook,
	.pf       = NFPROTO_IPV4,
	.hooknum  = NF_INET_PRE_ROUTING,
	.priority = NF_IP_PRI_FIRST,
};

static int __init kcall_init(void)
{
	kcall_time("init");
	return nf_register_net_hook(&init_net, &kcall_ops);
}

static void __exit kcall_exit(void)
{
	nf_unregister_net_hook(&init_net, &kcall_ops);
}

module_init(kcall_init);
module_exit(kcall_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK benchmark: cost of a kernel call and of a kernel read");
