// SPDX-License-Identifier: GPL-2.0
/* One file of a module built from two (Kbuild: mf-y := input.o helper.o):
 * mf_helper() lives in helper.o, made from assembly (no helper.c beside):
 * dusk-rewrite, which reads every C source of the module, refuses it. */
#include <linux/module.h>

int mf_helper(int x);

static int __init mf_init(void)
{
	return mf_helper(0);
}

module_init(mf_init);
MODULE_LICENSE("GPL");
