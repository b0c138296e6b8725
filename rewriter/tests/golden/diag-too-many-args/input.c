// SPDX-License-Identifier: GPL-2.0
/*
 * A kernel call with more words than one CALL carries (DUSK_MAX_ARGS):
 * refused at rewrite time, at the call, instead of stopping the program
 * when it runs ("kernel call _printk#1 with 13 arguments").  A statistics
 * line of twelve values passes (it did not: the limit was 12 words).
 */
#include <linux/module.h>

static int v[24];

static int __init tm_init(void)
{
	pr_info("tm: %d %d %d %d %d %d %d %d %d %d %d %d\n", v[0], v[1], v[2], v[3], v[4],
		v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
	pr_info("tm: %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n",
		v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
		v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19]);
	return 0;
}
module_init(tm_init);
MODULE_LICENSE("GPL");
