// SPDX-License-Identifier: GPL-2.0
/* Golden: code that is warning-free under Kbuild only because Kbuild turns
 * some of -Wall's warnings off (-Wno-pointer-sign, -Wno-unused-but-set-
 * variable...).  The program's compiler is told the same (pragmas atop
 * input.decls.h), so the user build is -Wall -Werror clean as the .ko. */
#include <linux/module.h>
#include <linux/string.h>

static unsigned char name[16];

static int kw_run(const char *src)
{
	int set_only;

	set_only = 1;
	strscpy(name, src, sizeof(name));	/* char * from unsigned char * */
	return strlen(name);
}

static int __init kw_init(void)
{
	return kw_run("dusk") < 0;
}

module_init(kw_init);
MODULE_LICENSE("GPL");
