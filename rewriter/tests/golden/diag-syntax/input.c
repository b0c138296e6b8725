// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: a syntax error is reported like clang reports it. */
#include <linux/module.h>

static int __init sx_init(void)
{
	return 0
}

module_init(sx_init);
MODULE_LICENSE("GPL");
