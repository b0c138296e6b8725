// SPDX-License-Identifier: GPL-2.0
/* Golden: a struct (and an enum) defined inside a file-scope variable
 * declaration is printed once (libclang shows it both as a child of the
 * translation unit and inside the VarDecl); a forward declaration does not
 * hide the definition after it; INIT_WORK's `static __maybe_unused struct
 * lock_class_key __key;` keeps its unused attribute (its one use is
 * lockdep's, compiled out), so the output compiles with -Wall -Werror. */
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

struct later;

static struct x {
	int a;
	struct timer_list t;
	struct work_struct w;
	struct later *next;
} v;

static enum mode { IDLE, RUNNING } mode;

struct later {
	int b;
};

static struct later l;

static void x_tick(struct timer_list *t)
{
	struct x *p = from_timer(p, t, t);

	p->a++;
	mode = RUNNING;
}

static void x_work(struct work_struct *w)
{
	struct x *p = container_of(w, struct x, w);

	p->a += p->next ? p->next->b : 0;
}

static int __init x_init(void)
{
	v.a = 1;
	v.next = &l;
	timer_setup(&v.t, x_tick, 0);
	INIT_WORK(&v.w, x_work);
	return mode == IDLE ? 0 : -EINVAL;
}

module_init(x_init);
MODULE_LICENSE("GPL");
