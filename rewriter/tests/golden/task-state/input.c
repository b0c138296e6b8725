// SPDX-License-Identifier: GPL-2.0
/*
 * The task state: set_current_state() (smp_store_mb: an xchg),
 * __set_current_state() (WRITE_ONCE), get_current_state() and
 * task_is_running() (READ_ONCE): every access to a task's __state goes
 * through dusk_task_state(), which gives the program thread's copy when
 * the task is current (also through a parameter, ts_other_sleeps()) and
 * the kernel's field otherwise.
 */
#include <linux/module.h>
#include <linux/sched.h>

static int ts_other_sleeps(struct task_struct *p)
{
	return READ_ONCE(p->__state) != TASK_RUNNING;
}

static int __init ts_init(void)
{
	long left;

	set_current_state(TASK_UNINTERRUPTIBLE);
	if (get_current_state() != TASK_UNINTERRUPTIBLE)
		return -EINVAL;
	left = schedule_timeout(1);
	if (!task_is_running(current))
		__set_current_state(TASK_RUNNING);
	return left + ts_other_sleeps(current);
}
module_init(ts_init);
MODULE_LICENSE("GPL");
