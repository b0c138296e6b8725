// SPDX-License-Identifier: GPL-2.0
/*
 * kwaitdead: a write to /proc/kwaitdead starts a kernel thread and waits
 * for it with wait_for_completion(): the thread sleeps delay_ms, then
 * completes.  (test_kmod's trigger_config does the same with 50 threads.)
 * In a user build that wait is a kernel call run by the blocked writer,
 * uninterruptibly; the program gives it block_timeout_ms and stops when it
 * takes longer, and then only the dead program could have completed it.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/proc_fs.h>

static unsigned int delay_ms = 100;
module_param(delay_ms, uint, 0644);
MODULE_PARM_DESC(delay_ms, "how long the kernel thread sleeps before it completes");

static DECLARE_COMPLETION(done);
static struct proc_dir_entry *entry;

static int slow_fn(void *data)
{
	msleep(delay_ms);
	pr_info("kwaitdead: thread done after %u ms\n", delay_ms);
	complete(&done);
	return 0;
}

static ssize_t kwaitdead_write(struct file *f, const char __user *buf, size_t len, loff_t *off)
{
	struct task_struct *t;

	reinit_completion(&done);
	t = kthread_run(slow_fn, NULL, "kwaitdead");
	if (IS_ERR(t))
		return PTR_ERR(t);
	wait_for_completion(&done);
	pr_info("kwaitdead: the thread completed\n");
	return len;
}

static const struct proc_ops kwaitdead_ops = {
	.proc_write = kwaitdead_write,
};

static int __init kwaitdead_init(void)
{
	entry = proc_create("kwaitdead", 0200, NULL, &kwaitdead_ops);
	if (!entry)
		return -ENOMEM;
	pr_info("kwaitdead: loaded\n");
	return 0;
}

static void __exit kwaitdead_exit(void)
{
	proc_remove(entry);
	pr_info("kwaitdead: unloaded\n");
}

module_init(kwaitdead_init);
module_exit(kwaitdead_exit);
MODULE_LICENSE("GPL");
