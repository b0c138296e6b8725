// SPDX-License-Identifier: GPL-2.0
/* A trampoline written in file-scope assembly (samples/ftrace's
 * ftrace-direct): refused at rewrite time with its line; before, the user
 * build stopped at run time calling it "another module's export". */
#include <linux/module.h>

extern void gold_tramp(void);

asm(
"	.pushsection	.text, \"ax\", @progbits\n"
"	.type		gold_tramp, @function\n"
"	.globl		gold_tramp\n"
"   gold_tramp:	ret\n"
"	.size		gold_tramp, .-gold_tramp\n"
"	.popsection\n"
);

static int __init gold_init(void)
{
	pr_info("tramp at %px\n", gold_tramp);
	return 0;
}

static void __exit gold_exit(void)
{
}

module_init(gold_init);
module_exit(gold_exit);
MODULE_LICENSE("GPL");
