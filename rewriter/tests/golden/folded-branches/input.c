// SPDX-License-Identifier: GPL-2.0
/* Code the kernel's compiler folds away before it links: an `if` whose
 * test is constant, and `0 && x` / `1 || x`.  put_task_struct()'s
 * `IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()`: the dead operand
 * reaches inline assembly (arch_local_save_flags), and the user build must
 * not keep what gcc never compiles.  A dead branch a goto can enter is
 * kept. */
#include <linux/module.h>
#include <linux/sched.h>

static int n;

/* preemptible() reaches irqs_disabled()'s inline assembly: code only a
 * PREEMPT_RT kernel compiles (put_task_struct() had it). */
static void fb_rt(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible())
		pr_info("folded: rt\n");
}

static int __init fb_init(void)
{
	int x = n;

	if (IS_ENABLED(CONFIG_DUSK_NOT_SET) && x > 1)
		pr_info("folded: never\n");
	if (!IS_ENABLED(CONFIG_DUSK_NOT_SET) || x > 2)
		pr_info("folded: always\n");
	else
		pr_info("folded: never either\n");
	if (0) {
again:
		x--;
	}
	if (x > 0)
		goto again;
	fb_rt();
	return 0;
}

static void __exit fb_exit(void)
{
}

module_init(fb_init);
module_exit(fb_exit);
MODULE_LICENSE("GPL");
