// SPDX-License-Identifier: GPL-2.0
/*
 * fortify-string.h's strcpy(), strncpy(), strcat() and strncat() are
 * inline functions the program keeps; they end in __builtin_strcpy() & co.,
 * which gcc would emit as calls to strcpy(): the program's own copy, a
 * recursion (test_hexdump).  The builtins become kprim functions.
 */
#include <linux/module.h>
#include <linux/string.h>

static char buf[32];

void ks_strings(const char *s)
{
	strncpy(buf, s, sizeof(buf));
	strcpy(buf, "ab");
	strcat(buf, "cd");
	strncat(buf, s, 4);
}

static int __init ks_init(void)
{
	return 0;
}
module_init(ks_init);
MODULE_LICENSE("GPL");
