// SPDX-License-Identifier: GPL-2.0
/*
 * typeof() of an object of an anonymous struct or union: a second `struct
 * { ... }` would be another, incompatible type, so such a type is printed
 * as __typeof__() of an object of it (the first variable printed with it,
 * or the member of a named struct that has it).  container_of() with
 * typeof(x) used to cast to `void *` and `p->a` did not compile.
 */
#include <linux/module.h>
#include <linux/list.h>

static struct { int a; struct list_head node; } thing = { 7 };
static struct { long v; } vals[2];
static int ty_more(void);

static int __init ty_init(void)
{
	typeof(thing) *p = container_of(&thing.node, typeof(thing), node);
	typeof(thing) *q = &thing;
	typeof(vals[0]) *r = (typeof(vals[0]) *)&vals[1];
	typeof(thing) copy = thing;

	r->v = 3;
	pr_info("tyanon: %d %d %ld %d %d\n", p->a, q->a, vals[1].v, copy.a, ty_more());
	return 0;
}
module_init(ty_init);
MODULE_LICENSE("GPL");

struct ty_holder {
	int id;
	struct { int x, y; } pos;
	union { struct { short lo; } half; long whole; };
};
static struct ty_holder holder = { 1, { 2, 3 } };

static int ty_more(void)
{
	typeof(holder.pos) *pp = &holder.pos;
	typeof(holder.half) h = holder.half;
	const typeof(thing) *cp = (const typeof(thing) *)&thing;
	typeof(thing) *np;
	typeof(holder.pos) *pp2;
	typeof(holder.half) *hp;

	np = &thing;
	pp2 = &holder.pos;
	hp = &holder.half;
	return pp->x + pp->y + h.lo + cp->a + np->a + pp2->y + hp->lo;
}
