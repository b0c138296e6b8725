// SPDX-License-Identifier: GPL-2.0
/*
 * curtask: a module that asks about `current` where the kernel runs it:
 * get_task_comm(current) in module_init and module_exit (insmod's and
 * rmmod's task in the kernel build, the program's own task in the user
 * build), current->comm of a /proc reader and writer, and a
 * for_each_process walk from a /proc read, and a task looked up by the
 * pid a writer names ("pid N"), held with get_task_struct(), signalled and
 * put back with put_task_struct().  Test module of DUSK
 * (test/e2e/curtask): the output of both builds must be identical.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/pid.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

static char last_writer[TASK_COMM_LEN];

/* What module code can tell about its task without naming it (insmod or
 * the program): a name, a pid, a user address space. */
static void tell_task(const char *when)
{
	char comm[TASK_COMM_LEN];

	get_task_comm(comm, current);
	pr_info("curtask: %s: named %d, pid %d, user task %d\n", when, comm[0] != '\0',
		task_pid_nr(current) > 1, current->mm != NULL);
}

static ssize_t curtask_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char buf[160];
	int n = 0, init_found = 0, tasks = 0;
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		tasks++;
		if (p->pid == 1) {
			init_found = 1;
			n += scnprintf(buf + n, sizeof(buf) - n, "pid 1 is %s\n", p->comm);
		}
	}
	rcu_read_unlock();
	n += scnprintf(buf + n, sizeof(buf) - n, "reader %s, init found %d, tasks %d\n",
		       current->comm, init_found, tasks > 1);
	n += scnprintf(buf + n, sizeof(buf) - n, "last writer %s\n",
		       last_writer[0] ? last_writer : "none");
	return simple_read_from_buffer(ubuf, len, off, buf, n);
}

/* The task whose pid the writer names: its name, whether its thread group
 * is that pid, and a SIGUSR1 for it. */
static void tell_pid(int pid)
{
	struct task_struct *t;

	rcu_read_lock();
	t = pid_task(find_vpid(pid), PIDTYPE_PID);
	if (t)
		get_task_struct(t);
	rcu_read_unlock();
	if (!t) {
		pr_info("curtask: pid lookup: none\n");
		return;
	}
	pr_info("curtask: pid lookup: %s, tgid matches %d\n", t->comm, task_tgid_nr(t) == pid);
	send_sig(SIGUSR1, t, 0);
	put_task_struct(t);
}

static ssize_t curtask_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[16];
	int pid;

	if (len < sizeof(buf) && !copy_from_user(buf, ubuf, len)) {
		buf[len] = '\0';
		if (sscanf(buf, "pid %d", &pid) == 1)
			tell_pid(pid);
	}
	get_task_comm(last_writer, current);
	pr_info("curtask: %zu bytes from %s\n", len, current->comm);
	return len;
}

static const struct proc_ops curtask_ops = {
	.proc_read = curtask_read,
	.proc_write = curtask_write,
};

static int __init curtask_init(void)
{
	tell_task("init");
	if (!proc_create("curtask", 0666, NULL, &curtask_ops))
		return -ENOMEM;
	return 0;
}

static void __exit curtask_exit(void)
{
	remove_proc_entry("curtask", NULL);
	tell_task("exit");
}

module_init(curtask_init);
module_exit(curtask_exit);
MODULE_LICENSE("GPL");
