// SPDX-License-Identifier: GPL-2.0
/* Code the kernel's compiler folds away before it links: an `if` whose
 * test is constant, and `0 && x` / `1 || x`.  put_task_struct() hides
 * `IS_ENABLED(CONFIG_PREEMPT_RT) && !preemptible()`, whose dead operand
 * reaches inline assembly (arch_local_save_flags): the user build must not
 * keep what gcc never compiles.  A dead branch a goto can enter is kept. */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/pid.h>

static int n;

static int fb_pid(int pid)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t)
		return -ESRCH;
	n = task_tgid_nr(t);
	put_task_struct(t);
	return 0;
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
	return fb_pid(1);
}

static void __exit fb_exit(void)
{
}

module_init(fb_init);
module_exit(fb_exit);
MODULE_LICENSE("GPL");
