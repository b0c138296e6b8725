// SPDX-License-Identifier: GPL-2.0
/*
 * kthr — a kernel thread that counts ticks until it is told to stop.
 *
 *   insmod kthr.ko [period_ms=20]
 *   cat /proc/kthr                 "running 1" and "ticks N"
 *   echo stop > /proc/kthr         kthread_stop() the thread
 *
 * The thread sleeps period_ms milliseconds (msleep) between ticks and
 * leaves its loop when kthread_should_stop() says so; its return value
 * (the number of ticks) is what kthread_stop() returns and is logged.
 *
 * Every line is logged where the kernel orders it after the one before:
 * init logs before it starts the thread, not after (a new thread runs on
 * another CPU at once, or preempts its creator: "thread started" and a
 * later line of init are not ordered, and a differential test compares
 * the order).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static unsigned int period_ms = 20;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "Sleep between ticks in milliseconds (default 20)");

/* "stop" and a newline. */
#define KTHR_CMD_LEN	8

static DEFINE_MUTEX(kthr_lock);		/* protects kthr_task */
static struct task_struct *kthr_task;
static atomic_t kthr_ticks = ATOMIC_INIT(0);
static struct proc_dir_entry *kthr_proc;

static int kthr_fn(void *data)
{
	unsigned int *period = data;

	pr_info("thread started\n");
	while (!kthread_should_stop()) {
		atomic_inc(&kthr_ticks);
		msleep(*period);
	}
	pr_info("thread stopping\n");
	return atomic_read(&kthr_ticks) > 0 ? 42 : -1;
}

/* Stop the thread if it runs; log what it returned.  Caller holds kthr_lock. */
static void kthr_stop(void)
{
	int ret;

	if (!kthr_task)
		return;
	ret = kthread_stop(kthr_task);
	kthr_task = NULL;
	pr_info("stopped, thread returned %d\n", ret);
}

static int kthr_show(struct seq_file *m, void *v)
{
	mutex_lock(&kthr_lock);
	seq_printf(m, "running %d\nticks %s\n", kthr_task != NULL,
		   atomic_read(&kthr_ticks) > 0 ? "some" : "none");
	mutex_unlock(&kthr_lock);
	return 0;
}

static int kthr_open(struct inode *inode, struct file *file)
{
	return single_open(file, kthr_show, NULL);
}

static ssize_t kthr_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	char buf[KTHR_CMD_LEN + 1];

	if (count == 0 || count > KTHR_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	if (strcmp(buf, "stop"))
		return -EINVAL;
	mutex_lock(&kthr_lock);
	kthr_stop();
	mutex_unlock(&kthr_lock);
	return count;
}

static const struct proc_ops kthr_proc_ops = {
	.proc_open    = kthr_open,
	.proc_read    = seq_read,
	.proc_write   = kthr_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init kthr_init(void)
{
	struct task_struct *t;

	if (!period_ms)
		return -EINVAL;
	kthr_proc = proc_create("kthr", 0644, NULL, &kthr_proc_ops);
	if (!kthr_proc)
		return -ENOMEM;
	pr_info("starting the thread\n");
	t = kthread_run(kthr_fn, &period_ms, "kthr");
	if (IS_ERR(t)) {
		proc_remove(kthr_proc);
		return PTR_ERR(t);
	}
	mutex_lock(&kthr_lock);
	kthr_task = t;
	mutex_unlock(&kthr_lock);
	return 0;
}

static void __exit kthr_exit(void)
{
	proc_remove(kthr_proc);
	mutex_lock(&kthr_lock);
	kthr_stop();
	mutex_unlock(&kthr_lock);
	pr_info("exit\n");
}

module_init(kthr_init);
module_exit(kthr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A kernel thread that counts ticks until it is stopped");
