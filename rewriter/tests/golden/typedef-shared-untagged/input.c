// SPDX-License-Identifier: GPL-2.0
/* Golden: an untagged struct declared by a typedef with several
 * declarators, none of them its plain name (`typedef struct { ... } *p_t,
 * a_t[2];`), is one type: it gets a name (`__dusk_anon_p_t`) that each
 * typedef says.  Before, each typedef printed the struct's body, two
 * different types, and `pair_p p = &g[1];` did not compile.  With a plain
 * name first (`one_t, *one_p`) the struct takes that name, as before. */
#include <linux/module.h>
#include <linux/kernel.h>

typedef struct { int a, b; } *pair_p, pair_a[2];
typedef struct { int x; } one_t, *one_p;

static pair_a g;
static one_t o = { 7 };

static int __init td_init(void)
{
	pair_p p = &g[1];
	one_p q = &o;

	p->a = 3;
	pr_info("td: %d %d\n", g[1].a, q->x);
	return 0;
}
static void __exit td_exit(void) { }
module_init(td_init);
module_exit(td_exit);
MODULE_LICENSE("GPL");
