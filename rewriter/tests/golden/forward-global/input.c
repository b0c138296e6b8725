// SPDX-License-Identifier: GPL-2.0
/* A global declared before its definition is one object: the definition
 * keeps its initializer and size where the source defines it, a tentative
 * declaration lets earlier initializers point to it (mutually referring
 * objects: nft_reject_ipv4's ops and type; ip6t_hbh's forward array of
 * matches, used in a function before its definition). */
#include <linux/module.h>

struct fg_type;
struct fg_ops {
	const struct fg_type *type;
	int (*eval)(int);
};
struct fg_type {
	const struct fg_ops *ops;
	const char *name;
};

static struct fg_type fg_type;
static const struct fg_ops fg_ops = {
	.type	= &fg_type,
};
static struct fg_type fg_type = {
	.ops	= &fg_ops,
	.name	= "fg",
};

static const int fg_table[];

static int fg_eval(int i)
{
	return fg_table[i];
}

static const int fg_table[] = { 3, 4, 5 };

static const struct fg_ops fg_ops2;
static int (*const fg_hook)(int) = fg_eval;
static const struct fg_ops fg_ops2 = {
	.type	= &fg_type,
	.eval	= fg_eval,
};

static int __init fg_init(void)
{
	return fg_type.ops == &fg_ops && fg_ops2.eval(2) == 5 &&
	       fg_hook(0) == 3 && ARRAY_SIZE(fg_table) == 3 ? 0 : -EINVAL;
}
module_init(fg_init);
MODULE_LICENSE("GPL");
