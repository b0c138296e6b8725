// SPDX-License-Identifier: GPL-2.0
/*
 * nf_ct_set_acct() is an inline function that writes the network
 * namespace's net->ct.sysctl_acct: the program may not write a struct net,
 * so it runs in the kmod as a kernel call (xt_connbytes' checkentry turns
 * conntrack accounting on when it is off).
 */
#include <linux/module.h>
#include <net/netfilter/nf_conntrack_acct.h>

void ks_acct_on(struct net *net)
{
	if (!nf_ct_acct_enabled(net))
		nf_ct_set_acct(net, true);
}

static int __init ks_init(void)
{
	return 0;
}
module_init(ks_init);
MODULE_LICENSE("GPL");
