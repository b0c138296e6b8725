// SPDX-License-Identifier: GPL-2.0
/*
 * kstate — sleeping the classic way: set_current_state() then
 * schedule_timeout().
 *
 *   insmod kstate.ko
 *   cat /proc/kstate               "wakes N"
 *   echo wake > /proc/kstate       wake_up_process() the thread
 *
 * module_init sleeps one jiffy in TASK_UNINTERRUPTIBLE.  A kernel thread
 * first sleeps two jiffies in TASK_INTERRUPTIBLE, then loops: it sets
 * TASK_INTERRUPTIBLE and, with nothing to do, sleeps up to 30 seconds
 * until a writer of /proc/kstate wakes it with wake_up_process() or
 * module_exit stops it with kthread_stop().  Each sleep logs whether it
 * slept its whole timeout, and the task state the module reads back
 * (get_current_state()) before and after it.
 *
 * A wake-up may come without a kick (the loop re-checks and sleeps again),
 * as every kernel wait loop allows.  Every line is logged where the kernel
 * orders it after the one before (init logs before it starts the thread;
 * the thread logs a wake before /proc shows it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* "wake" and a newline. */
#define KSTATE_CMD_LEN	8

static struct task_struct *kstate_task;
static atomic_t kstate_kicks = ATOMIC_INIT(0);	/* wake requests written */
static atomic_t kstate_wakes = ATOMIC_INIT(0);	/* kicks the thread has seen */
static struct proc_dir_entry *kstate_proc;

/* Sleep @timeout jiffies in @state; log whether the whole timeout passed
 * and what the task state reads before and after. */
static void kstate_nap(const char *who, unsigned int state, long timeout)
{
	bool set, left;

	set_current_state(state);
	set = get_current_state() == state;
	left = schedule_timeout(timeout) != 0;
	pr_info("%s: state read back %d, slept it all %d, running after %d\n", who, set, !left,
		get_current_state() == TASK_RUNNING);
}

static int kstate_fn(void *data)
{
	int seen = 0;

	pr_info("thread started\n");
	kstate_nap("thread", TASK_INTERRUPTIBLE, 2);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (atomic_read(&kstate_kicks) == seen && !kthread_should_stop())
			schedule_timeout(30 * HZ);
		__set_current_state(TASK_RUNNING);
		if (atomic_read(&kstate_kicks) != seen) {
			seen = atomic_read(&kstate_kicks);
			pr_info("thread woken: kick %d\n", seen);
			atomic_set(&kstate_wakes, seen);
		}
	}
	pr_info("thread stopping, state running %d\n", get_current_state() == TASK_RUNNING);
	return seen;
}

static int kstate_show(struct seq_file *m, void *v)
{
	seq_printf(m, "wakes %d\n", atomic_read(&kstate_wakes));
	return 0;
}

static int kstate_open(struct inode *inode, struct file *file)
{
	return single_open(file, kstate_show, NULL);
}

static ssize_t kstate_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[KSTATE_CMD_LEN + 1];

	if (count == 0 || count > KSTATE_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	if (strcmp(buf, "wake"))
		return -EINVAL;
	atomic_inc(&kstate_kicks);
	wake_up_process(kstate_task);
	return count;
}

static const struct proc_ops kstate_proc_ops = {
	.proc_open    = kstate_open,
	.proc_read    = seq_read,
	.proc_write   = kstate_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init kstate_init(void)
{
	struct task_struct *t;

	kstate_nap("init", TASK_UNINTERRUPTIBLE, 1);
	pr_info("starting the thread\n");
	t = kthread_run(kstate_fn, NULL, "kstate");
	if (IS_ERR(t))
		return PTR_ERR(t);
	kstate_task = t;
	kstate_proc = proc_create("kstate", 0644, NULL, &kstate_proc_ops);
	if (!kstate_proc) {
		kthread_stop(t);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kstate_exit(void)
{
	int ret;

	proc_remove(kstate_proc);
	ret = kthread_stop(kstate_task);
	pr_info("stopped, thread returned %d\n", ret);
}

module_init(kstate_init);
module_exit(kstate_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A kernel thread that sleeps with set_current_state() and schedule_timeout()");
