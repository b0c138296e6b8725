// SPDX-License-Identifier: GPL-2.0
/*
 * waitq — a one-message mailbox on a wait queue, and a completion a timer
 * completes.
 *
 *   dd if=/proc/waitq bs=32 count=1
 *                              sleeps (wait_event_interruptible) until a
 *                              message is posted, then returns it; every
 *                              read() takes one message
 *   echo hello > /proc/waitq   posts "hello" and wakes the reader; a
 *                              message that starts with "slow" is posted,
 *                              logged and woken up 200 ms apart
 *   echo tick > /proc/waitq_timer
 *                              arms a timer and sleeps in
 *                              wait_for_completion_timeout() until the
 *                              timer's callback completes it
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define WAITQ_MSG_LEN	32

static DECLARE_WAIT_QUEUE_HEAD(waitq_wq);
static DEFINE_SPINLOCK(waitq_lock);	/* protects the mailbox */
static char waitq_msg[WAITQ_MSG_LEN];
static size_t waitq_len;		/* 0: empty */

static struct timer_list waitq_timer;
static DECLARE_COMPLETION(waitq_done);

static struct proc_dir_entry *waitq_proc, *waitq_timer_proc;

static bool waitq_full(void)
{
	bool full;

	spin_lock(&waitq_lock);
	full = waitq_len != 0;
	spin_unlock(&waitq_lock);
	return full;
}

static ssize_t waitq_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	char buf[WAITQ_MSG_LEN];
	size_t n;
	int err;

	err = wait_event_interruptible(waitq_wq, waitq_full());
	if (err)
		return err;
	spin_lock(&waitq_lock);
	n = min(waitq_len, count);
	memcpy(buf, waitq_msg, n);
	waitq_len = 0;
	spin_unlock(&waitq_lock);
	if (copy_to_user(ubuf, buf, n))
		return -EFAULT;
	pr_info("read %zu bytes\n", n);
	return n;
}

static ssize_t waitq_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[WAITQ_MSG_LEN];

	if (count == 0 || count > WAITQ_MSG_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	spin_lock(&waitq_lock);
	memcpy(waitq_msg, buf, count);
	waitq_len = count;
	spin_unlock(&waitq_lock);
	/* A reader asleep in wait_event_interruptible() sleeps until the
	 * wake-up below: it does not see the message posted, nor logs its
	 * read, while the writer dawdles. */
	if (count >= 4 && !memcmp(buf, "slow", 4))
		msleep(200);
	/* Logged before the wake-up: the woken reader's line may come before
	 * any line logged after it (it preempts the writer, or runs on
	 * another CPU), in the .ko as in the user build. */
	pr_info("posting %zu bytes\n", count);
	wake_up_interruptible(&waitq_wq);
	return count;
}

static const struct proc_ops waitq_proc_ops = {
	.proc_read  = waitq_read,
	.proc_write = waitq_write,
};

static void waitq_tick(struct timer_list *t)
{
	complete(&waitq_done);
}

/* Any write: arm a 200 ms timer and wait (at most 5 s) for it. */
static ssize_t waitq_timer_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned long left;

	reinit_completion(&waitq_done);
	mod_timer(&waitq_timer, jiffies + msecs_to_jiffies(200));
	left = wait_for_completion_timeout(&waitq_done, msecs_to_jiffies(5000));
	pr_info("timer %s\n", left ? "completed" : "timed out");
	return left ? count : -ETIMEDOUT;
}

static const struct proc_ops waitq_timer_proc_ops = {
	.proc_write = waitq_timer_write,
};

static int __init waitq_init(void)
{
	timer_setup(&waitq_timer, waitq_tick, 0);
	waitq_proc = proc_create("waitq", 0644, NULL, &waitq_proc_ops);
	if (!waitq_proc)
		return -ENOMEM;
	waitq_timer_proc = proc_create("waitq_timer", 0200, NULL, &waitq_timer_proc_ops);
	if (!waitq_timer_proc) {
		proc_remove(waitq_proc);
		return -ENOMEM;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit waitq_exit(void)
{
	proc_remove(waitq_timer_proc);
	proc_remove(waitq_proc);
	del_timer_sync(&waitq_timer);
	pr_info("exit\n");
}

module_init(waitq_init);
module_exit(waitq_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A mailbox on a wait queue and a completion completed by a timer");
