// SPDX-License-Identifier: GPL-2.0
/*
 * A type-dispatching _Generic whose associations all have the result's
 * type (seqlock.h's __seqprop(), here through read_seqbegin(), and one of
 * the module's own): the association printed is the one calling the
 * helper whose parameter points to the controlling expression's type.
 */
#include <linux/module.h>
#include <linux/seqlock.h>

struct gd_a { int v; };
struct gd_b { int v; };

static int gd_a_get(const struct gd_a *a) { return a->v; }
static int gd_b_get(const struct gd_b *b) { return b->v + 1; }

#define gd_get(x) _Generic(*(x),				\
	struct gd_a: gd_a_get((void *)(x)),			\
	struct gd_b: gd_b_get((void *)(x)))

static DEFINE_SEQLOCK(gd_lock);
static struct gd_b gd_value;

static int __init gd_init(void)
{
	unsigned int seq;
	int v;

	do {
		seq = read_seqbegin(&gd_lock);
		v = gd_get(&gd_value);
	} while (read_seqretry(&gd_lock, seq));
	return v;
}
module_init(gd_init);
MODULE_LICENSE("GPL");
