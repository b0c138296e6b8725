// SPDX-License-Identifier: GPL-2.0
/* Golden: x86's asm checksum helpers (csum_fold, add32_with_carry,
 * csum_tcpudp_nofold, ip_fast_csum) get their one's-complement sums in C. */
#include <linux/module.h>
#include <linux/ip.h>
#include <net/checksum.h>
#include <net/ip.h>

static struct iphdr hdr = { .version = 4, .ihl = 5, .ttl = 64 };

static int kc_run(__wsum sum, unsigned int a, unsigned int b)
{
	__sum16 c = csum_fold(sum);

	c ^= csum_tcpudp_magic(1, 2, 20, IPPROTO_UDP, sum);
	c ^= ip_fast_csum(&hdr, hdr.ihl);
	return c + add32_with_carry(a, b);
}

static int __init kc_init(void)
{
	return kc_run(0, 1, 2) < 0;
}

module_init(kc_init);
MODULE_LICENSE("GPL");
