// SPDX-License-Identifier: GPL-2.0
/* A kernel array named in a static initializer (`.policy =
 * nft_reject_policy`) decays to its address: a relocation set before init,
 * not a read of kernel memory. */
#include <linux/module.h>
#include <net/netfilter/nf_tables.h>
#include <net/netfilter/nft_reject.h>

static struct nft_expr_type ska_type = {
	.name		= "ska",
	.policy		= nft_reject_policy,
	.maxattr	= NFTA_REJECT_MAX,
	.owner		= THIS_MODULE,
};

static int __init ska_init(void)
{
	return ska_type.policy ? 0 : -EINVAL;
}
module_init(ska_init);
MODULE_LICENSE("GPL");
