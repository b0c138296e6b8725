// SPDX-License-Identifier: GPL-2.0
/* Reference counts of the kernel's own objects, taken and dropped by
 * inline functions around an atomic (get_task_struct, put_task_struct,
 * sock_hold, get_net...): kernel calls, run where the object is.  Kept in
 * the program, the increment was a store to its copy of a task_struct that
 * the kernel refused (test/e2e/curtask). */
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/pid.h>
#include <net/sock.h>

static int n;

static int kr_pid(int pid)
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

void kr_sock(struct sock *sk)
{
	sock_hold(sk);
	sock_put(sk);
}

static int __init kr_init(void)
{
	return kr_pid(1);
}

module_init(kr_init);
MODULE_LICENSE("GPL");
