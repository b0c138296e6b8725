// SPDX-License-Identifier: GPL-2.0
/* Golden: a GNU local label (`__label__ name;`) declared in a statement
 * expression, as ___wait_event() (every wait_event*()) declares __out:
 * printed as it is, so two expansions in one function keep apart. */
#include <linux/module.h>
#include <linux/kernel.h>

#define first_nonzero(a, b) ({			\
	__label__ __found;			\
	int __v = (a);				\
	if (__v)				\
		goto __found;			\
	__v = (b);				\
__found:					\
	__v;					\
})

static int local_label(int x, int y)
{
	return first_nonzero(x, y) + first_nonzero(y, x);
}

static int __init ll_init(void)
{
	return local_label(0, 1) == 2 ? 0 : -EINVAL;
}
module_init(ll_init);
MODULE_LICENSE("GPL");
