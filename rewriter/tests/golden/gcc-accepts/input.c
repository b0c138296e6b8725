// SPDX-License-Identifier: GPL-2.0
/* Golden: what gcc 12 under Kbuild accepts, libclang must accept too, and
 * the printed C must compile -Wall-clean with plain cc: old-style
 * definitions after a prototype (printed with `(void)`), qualifiers
 * discarded, pointer targets of another signedness, integer <-> pointer
 * conversions without a cast (printed with the cast); a variable whose
 * only use folds to a constant, an exported function the module never
 * calls (no unused warnings in the user build). */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/string.h>

static const unsigned char key[] = "abc";
static char *name;
static unsigned long addr;

static int helper(char *s)
{
	if (!strncmp(key, s, 2))	/* u8 * for const char *: -Wno-pointer-sign */
		return 1;
	return s[0];
}

int init_module()
{
	char *p = key;		/* discards const, changes signedness */
	int *ip = addr;		/* integer to pointer without a cast */

	name = key;
	addr = p;
	return helper(key) + (ip != 0);
}

int gcc_accepts_exported(void)
{
	long folded;

	return sizeof(folded);
}
EXPORT_SYMBOL(gcc_accepts_exported);

void cleanup_module()
{
}

MODULE_LICENSE("GPL");
