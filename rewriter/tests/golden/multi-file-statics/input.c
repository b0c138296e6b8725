// SPDX-License-Identifier: GPL-2.0
/* A module of two files (Kbuild: ms-y := input.o other.o) that each have
 * a static counter `hits` (a tentative definition: one variable if the two
 * files were simply read as one) and a static function `bump()`: each
 * file's stay its own, other.c's spelled __dusk_f1_*, and __func__ still
 * says "bump".  So do an enumerator, a typedef and a struct tag both files
 * define differently. */
#include <linux/module.h>

int ms_other(void);
static int hits;
enum { MS_SLOTS = 2 };
typedef u16 ms_word;
struct ms_state { ms_word w[MS_SLOTS]; };
static struct ms_state state;

static int bump(void)
{
	state.w[0] = sizeof(state);
	pr_info("%s: input %d %u\n", __func__, ++hits, state.w[0]);
	return hits;
}

static int __init ms_init(void)
{
	return bump() + ms_other() - 2;
}

module_init(ms_init);
MODULE_LICENSE("GPL");
