// SPDX-License-Identifier: GPL-2.0
/*
 * kwaitthr — a kernel thread that consumes jobs, sleeping in
 * wait_event_interruptible() until a writer posts one or kthread_stop()
 * stops it, as worker threads of drivers do.
 *
 *   echo N > /proc/kwaitthr    posts job N, logs it, wakes the thread
 *                              (200 ms after posting it: the thread must
 *                              sleep through that, as in the kernel)
 *   cat /proc/kwaitthr         "done N": the last job the thread took
 *
 * module_exit stops the thread with kthread_stop(), which wakes it
 * directly.  In the user build the thread's sleep between its calls is
 * watched by the kmod (dusk-kmod/core/sleep.c): before, it was re-checked
 * every 10 ms, and the thread took a job before its writer had logged it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(kwaitthr_wq);
static DEFINE_SPINLOCK(kwaitthr_lock);
static int kwaitthr_job;		/* posted, 0: none */
static int kwaitthr_done;		/* the last one taken */
static struct task_struct *kwaitthr_task;
static struct proc_dir_entry *kwaitthr_proc;

static bool kwaitthr_pending(void)
{
	bool p;

	spin_lock(&kwaitthr_lock);
	p = kwaitthr_job != 0;
	spin_unlock(&kwaitthr_lock);
	return p;
}

static int kwaitthr_fn(void *data)
{
	int job;

	pr_info("thread started\n");
	for (;;) {
		wait_event_interruptible(kwaitthr_wq, kwaitthr_pending() || kthread_should_stop());
		if (kthread_should_stop())
			break;
		spin_lock(&kwaitthr_lock);
		job = kwaitthr_job;
		kwaitthr_job = 0;
		kwaitthr_done = job;
		spin_unlock(&kwaitthr_lock);
		if (job)
			pr_info("thread took job %d\n", job);
	}
	pr_info("thread stopping\n");
	return 7;
}

static int kwaitthr_show(struct seq_file *m, void *v)
{
	seq_printf(m, "done %d\n", READ_ONCE(kwaitthr_done));
	return 0;
}

static int kwaitthr_open(struct inode *inode, struct file *file)
{
	return single_open(file, kwaitthr_show, NULL);
}

static ssize_t kwaitthr_write(struct file *file, const char __user *ubuf, size_t count,
			      loff_t *ppos)
{
	int job, err;

	err = kstrtoint_from_user(ubuf, count, 10, &job);
	if (err)
		return err;
	if (job <= 0)
		return -EINVAL;
	spin_lock(&kwaitthr_lock);
	kwaitthr_job = job;
	spin_unlock(&kwaitthr_lock);
	msleep(200);
	/* logged before the wake-up: the thread's line comes after it */
	pr_info("posted job %d\n", job);
	wake_up_interruptible(&kwaitthr_wq);
	return count;
}

static const struct proc_ops kwaitthr_proc_ops = {
	.proc_open = kwaitthr_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kwaitthr_write,
};

static int __init kwaitthr_init(void)
{
	kwaitthr_proc = proc_create("kwaitthr", 0644, NULL, &kwaitthr_proc_ops);
	if (!kwaitthr_proc)
		return -ENOMEM;
	pr_info("starting the thread\n");
	kwaitthr_task = kthread_run(kwaitthr_fn, NULL, "kwaitthr");
	if (IS_ERR(kwaitthr_task)) {
		proc_remove(kwaitthr_proc);
		return PTR_ERR(kwaitthr_task);
	}
	return 0;
}

static void __exit kwaitthr_exit(void)
{
	int ret;

	proc_remove(kwaitthr_proc);
	ret = kthread_stop(kwaitthr_task);
	pr_info("stopped, thread returned %d\n", ret);
}

module_init(kwaitthr_init);
module_exit(kwaitthr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A kernel thread sleeping in wait_event_interruptible() for jobs");
