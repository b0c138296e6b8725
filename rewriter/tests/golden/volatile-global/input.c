// SPDX-License-Identifier: GPL-2.0
/* Module globals declared volatile (old drivers' dummy reads, applicom.c's
 * Dummy): the descriptor's object table takes their addresses. */
#include <linux/module.h>

static volatile unsigned char dummy;
static volatile int regs[4];

static int __init vg_init(void)
{
	regs[1] = 2;
	dummy = (unsigned char)regs[1];
	return dummy != 2;
}

module_init(vg_init);
MODULE_LICENSE("GPL");
