// SPDX-License-Identifier: GPL-2.0
/*
 * A `static` variable a header defines, reached from one of its inline
 * functions: net/sctp/checksum.h's sctp_csum_ops, passed to the kernel's
 * __skb_checksum().  The program uses the kmod's copy (a kernel symbol),
 * whose function pointers are the kernel's.
 */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/sctp/checksum.h>

__le32 hs_sctp_cksum(struct sk_buff *skb)
{
	return sctp_compute_cksum(skb, 0);
}

static int __init hs_init(void)
{
	return 0;
}
module_init(hs_init);
MODULE_LICENSE("GPL");
