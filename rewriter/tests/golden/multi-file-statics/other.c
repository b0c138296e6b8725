// SPDX-License-Identifier: GPL-2.0
/* The second file of ms: its own hits and bump(); a struct member of
 * another name is untouched, and so is the include path. */
#include <linux/printk.h>

struct ms_pair { int hit; };
static int hits;

static int bump(void)
{
	struct ms_pair p = { .hit = 1 };

	hits += p.hit;
	pr_info("%s: other %d\n", __func__, hits);
	return hits;
}

int ms_other(void)
{
	return bump();
}
