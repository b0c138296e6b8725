// SPDX-License-Identifier: GPL-2.0
/*
 * A compound literal of an unnamed struct type assigned to an object of
 * that type (genradix_init(): `*(_radix) = (typeof(*_radix))
 * __GENRADIX_INITIALIZER`): the cast is printed as __typeof__ of the
 * assigned expression, since `struct { ... }` printed again would be
 * another type and the assignment would not compile.
 */
#include <linux/module.h>
#include <linux/generic-radix-tree.h>

struct al_obj {
	u32 id;
};

static struct {
	int a, b;
} al_pair;

static int __init al_init(void)
{
	GENRADIX(struct al_obj) objs;
	struct al_obj *o;

	genradix_init(&objs);
	o = genradix_ptr_alloc(&objs, 3, GFP_KERNEL);
	if (o)
		o->id = 3;
	genradix_free(&objs);
	al_pair = (typeof(al_pair)){ .a = 1, .b = 2 };
	return 0;
}
module_init(al_init);
MODULE_LICENSE("GPL");
