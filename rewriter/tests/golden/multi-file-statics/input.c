// SPDX-License-Identifier: GPL-2.0
/* A module of two files (Kbuild: ms-y := input.o other.o) that each have
 * a static counter `hits` (a tentative definition: one variable if the two
 * files were simply read as one) and a static function `bump()`: each
 * file's stay its own, other.c's spelled __dusk_f1_*, and __func__ still
 * says "bump". */
#include <linux/module.h>

int ms_other(void);
static int hits;

static int bump(void)
{
	pr_info("%s: input %d\n", __func__, ++hits);
	return hits;
}

static int __init ms_init(void)
{
	return bump() + ms_other() - 2;
}

module_init(ms_init);
MODULE_LICENSE("GPL");
