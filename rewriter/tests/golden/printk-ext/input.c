// SPDX-License-Identifier: GPL-2.0
/* What a literal printf format reads through a pointer argument sizes the
 * object the program hands the kernel: `%*phN` of a u8 pointer with 32 is
 * 32 bytes (as a string, the mirror would end at its first zero byte and
 * vsnprintf() would read past it), `%pM` 6, `%pI4` 4, a `%*ph` whose width
 * is a variable what that variable says at run time, one whose width
 * would be evaluated twice (a call) its most (64), a bare `%ph` 1; `%s`
 * stays a string.  64 for a variable width was more than a 32-byte digest
 * that a stack mirror already held (an ahash request's result): the
 * program died ("reaches past the 32 bytes mirrored"). */
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/seq_file.h>

static int pe_len(int n)
{
	return n * 2;
}

static void show(struct seq_file *m, const u8 *digest, const u8 *mac, const __be32 *ip,
		 int n, const char *name)
{
	u8 local[8] = { 0 };

	pr_info("pe: %s %*phN %pM %pI4\n", name, 32, digest, mac, ip);
	pr_info("pe: %*ph %4ph %ph\n", n, digest, mac, local);
	pr_info("pe: %*phN %*pE\n", n + 1, digest, pe_len(n), mac);
	seq_printf(m, "%pM %s\n", mac, name);
}

static int __init pe_init(void)
{
	static const u8 d[32], mac[6];
	static const __be32 ip;

	show(NULL, d, mac, &ip, 3, "x");
	return 0;
}
module_init(pe_init);
MODULE_LICENSE("GPL");
