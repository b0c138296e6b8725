// SPDX-License-Identifier: GPL-2.0
/*
 * ktasklet — tasklets scheduled from a write().
 *
 *   echo N > /proc/ktasklet     schedule both tasklets N times (1..100),
 *                               each time after the last run has ended
 *   cat /proc/ktasklet          "new N" and "old N"
 *
 * One tasklet has the new callback type (struct tasklet_struct *, found
 * with from_tasklet()), one the old (unsigned long data, tasklet_init()).
 * Each run counts in the module's global struct; the writer waits for
 * both runs on a completion the second one completes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

static struct ktasklet {
	struct tasklet_struct new_style, old_style;
	atomic_t nnew, nold;
	struct completion ran;		/* one run of each ended */
	atomic_t pending;
} kt;

static struct proc_dir_entry *ktasklet_proc;

static void ktasklet_count(void)
{
	if (atomic_dec_and_test(&kt.pending))
		complete(&kt.ran);
}

static void ktasklet_new(struct tasklet_struct *t)
{
	struct ktasklet *k = from_tasklet(k, t, new_style);

	atomic_inc(&k->nnew);
	ktasklet_count();
}

static void ktasklet_old(unsigned long data)
{
	struct ktasklet *k = (struct ktasklet *)data;

	atomic_inc(&k->nold);
	ktasklet_count();
}

static int ktasklet_show(struct seq_file *m, void *v)
{
	seq_printf(m, "new %d\nold %d\n", atomic_read(&kt.nnew), atomic_read(&kt.nold));
	return 0;
}

static int ktasklet_open(struct inode *inode, struct file *file)
{
	return single_open(file, ktasklet_show, NULL);
}

static ssize_t ktasklet_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	unsigned int n, i;
	int err;

	err = kstrtouint_from_user(ubuf, count, 10, &n);
	if (err)
		return err;
	if (n == 0 || n > 100)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		reinit_completion(&kt.ran);
		atomic_set(&kt.pending, 2);
		tasklet_schedule(&kt.new_style);
		tasklet_schedule(&kt.old_style);
		if (!wait_for_completion_timeout(&kt.ran, msecs_to_jiffies(5000)))
			return -ETIMEDOUT;
	}
	pr_info("ran %u times\n", n);
	return count;
}

static const struct proc_ops ktasklet_proc_ops = {
	.proc_open    = ktasklet_open,
	.proc_read    = seq_read,
	.proc_write   = ktasklet_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init ktasklet_init(void)
{
	init_completion(&kt.ran);
	tasklet_setup(&kt.new_style, ktasklet_new);
	tasklet_init(&kt.old_style, ktasklet_old, (unsigned long)&kt);
	ktasklet_proc = proc_create("ktasklet", 0644, NULL, &ktasklet_proc_ops);
	if (!ktasklet_proc)
		return -ENOMEM;
	pr_info("loaded\n");
	return 0;
}

static void __exit ktasklet_exit(void)
{
	proc_remove(ktasklet_proc);
	tasklet_kill(&kt.new_style);
	tasklet_kill(&kt.old_style);
	pr_info("exit new=%d old=%d\n", atomic_read(&kt.nnew), atomic_read(&kt.nold));
}

module_init(ktasklet_init);
module_exit(ktasklet_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Tasklets scheduled from a write");
