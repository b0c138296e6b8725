// SPDX-License-Identifier: GPL-2.0
/*
 * dusk_vmpin: the test guest's Netfilter hook keys, held on for its life.
 *
 * Not part of DUSK: a work-around for the emulator the tests run on.
 * QEMU 7.2's multi-threaded TCG (Debian bookworm) can keep executing a
 * stale translation of kernel text that another vCPU has just patched.
 * When a test unregistered the last hook of a point while packets crossed
 * it, the static key behind nf_hook() (nf_hooks_needed) was switched off
 * with text_poke_bp(); the vCPU running the hook site kept hitting the
 * patch's int3, which the kernel backs up over since it is no longer in
 * memory (kprobe_int3_handler(): "the breakpoint instruction was
 * removed") -- for ever: a soft lockup at ip_local_deliver+0x5c with RIP
 * and registers unchanged for minutes (kmod-crash, once in about ten
 * runs).  A no-op hook at every IPv4, IPv6 and ARP point of init_net keeps
 * each key on, so no test's registration or removal patches a hook site.
 * The keys are global: hooks of other namespaces need no pin of their own.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_arp.h>
#include <net/net_namespace.h>

static unsigned int dusk_vmpin_accept(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

#define PIN(pf_, hook_) { .hook = dusk_vmpin_accept, .pf = (pf_), .hooknum = (hook_), \
			  .priority = INT_MIN + 1 }

static const struct nf_hook_ops dusk_vmpin_ops[] = {
	/* NFPROTO_INET: registered for IPv4 and IPv6 both */
	PIN(NFPROTO_INET, NF_INET_PRE_ROUTING),
	PIN(NFPROTO_INET, NF_INET_LOCAL_IN),
	PIN(NFPROTO_INET, NF_INET_FORWARD),
	PIN(NFPROTO_INET, NF_INET_LOCAL_OUT),
	PIN(NFPROTO_INET, NF_INET_POST_ROUTING),
	PIN(NFPROTO_ARP, NF_ARP_IN),
	PIN(NFPROTO_ARP, NF_ARP_OUT),
	PIN(NFPROTO_ARP, NF_ARP_FORWARD),
};

static int __init dusk_vmpin_init(void)
{
	return nf_register_net_hooks(&init_net, dusk_vmpin_ops, ARRAY_SIZE(dusk_vmpin_ops));
}

static void __exit dusk_vmpin_exit(void)
{
	nf_unregister_net_hooks(&init_net, dusk_vmpin_ops, ARRAY_SIZE(dusk_vmpin_ops));
}

module_init(dusk_vmpin_init);
module_exit(dusk_vmpin_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test guests: Netfilter hook keys held on (a QEMU TCG work-around)");
