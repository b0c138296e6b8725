// SPDX-License-Identifier: GPL-2.0
/* Golden: a callback with a parameter declared as an array (as nft's
 * `const struct nlattr * const tb[]`): its trampoline passes a pointer to
 * the element, never a cast to an array type; and the parameter is a
 * pointer, whose elements are read through a check (the kernel calls
 * with its own array: rtnl_link_ops' validate, probe round p64). */
#include <linux/module.h>
#include <net/netlink.h>

static int count_attrs(int max, const struct nlattr * const tb[])
{
	int i, n = 0;

	for (i = 0; i < max; i++)
		n += tb[i] != NULL;
	return n;
}

static int (*counter)(int, const struct nlattr * const []) = count_attrs;

static int __init ap_init(void)
{
	const struct nlattr *tb[2] = { NULL, NULL };

	return counter(2, tb);
}

module_init(ap_init);
MODULE_LICENSE("GPL");
