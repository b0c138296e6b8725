// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: a header that does not exist in KDIR. */
#include <linux/module.h>
#include <linux/no_such_header.h>

MODULE_LICENSE("GPL");
