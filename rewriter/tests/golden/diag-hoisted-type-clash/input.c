// SPDX-License-Identifier: GPL-2.0
/*
 * Two functions define `struct tally` and keep a static of it: both
 * statics are defined at file scope with their function's types, where
 * the two definitions would clash.  Refused, with the place and a remedy.
 */
#include <linux/module.h>

static int first(void)
{
	struct tally { int n; };
	static struct tally t;

	return ++t.n;
}

static int second(void)
{
	struct tally { long n; };
	static struct tally t;

	return (int)++t.n;
}

static int __init clash_init(void)
{
	return first() + second();
}
module_init(clash_init);
MODULE_LICENSE("GPL");
