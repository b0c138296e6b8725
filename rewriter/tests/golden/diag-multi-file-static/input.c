// SPDX-License-Identifier: GPL-2.0
/* A module of two files (Kbuild: md-y := input.o other.o) that each have
 * a static `count`; other.c also names a member `count`, so the static
 * cannot be spelled apart there by its tokens: refused, naming both files. */
#include <linux/module.h>

int md_other(void);
static int count;

static int __init md_init(void)
{
	return md_other() + count;
}

module_init(md_init);
MODULE_LICENSE("GPL");
