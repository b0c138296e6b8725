// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: the kernel build tree does not exist (see cmd). */
#include <linux/module.h>

MODULE_LICENSE("GPL");
