// SPDX-License-Identifier: GPL-2.0
/*
 * A function's static whose declaration defines its type (lib/test_string's
 * `static const struct strspn_test { ... } tests[] __initconst = ...`):
 * libclang shows the struct twice, in the function's body and again inside
 * the static's declaration.  It is one definition, hoisted once with the
 * static to file scope (before, it was refused as "defined in two
 * functions").  A second static in the same function declares two
 * variables of its own record at once.
 */
#include <linux/module.h>
#include <linux/string.h>

static int __init spn_init(void)
{
	static const struct spn_test {
		const char str[16];
		unsigned int len;
	} tests[] __initconst = {
		{ "foobar", 6 },
		{ "abba", 4 },
	};
	static struct spn_tally { int pass, fail; } tally, *last;
	const struct spn_test *s = tests;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tests); ++i, ++s) {
		if (strlen(s->str) == s->len)
			tally.pass++;
		else
			tally.fail++;
	}
	last = &tally;
	return last->fail ? -EINVAL : 0;
}
module_init(spn_init);
MODULE_LICENSE("GPL");
