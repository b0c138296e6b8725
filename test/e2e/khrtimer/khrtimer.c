// SPDX-License-Identifier: GPL-2.0
/*
 * khrtimer — a periodic hrtimer that counts its ticks.
 *
 *   insmod khrtimer.ko [period_ms=100] [max_ticks=10]
 *   cat /proc/khrtimer                "ticks N"
 *   echo restart > /proc/khrtimer     cancel, reset the count, tick again
 *   echo stop > /proc/khrtimer        cancel now
 *
 * The hrtimer lives in a module-global struct that its function finds with
 * container_of().  Each tick counts, forwards the timer by one period
 * (hrtimer_forward_now) and returns HRTIMER_RESTART, until max_ticks
 * ticks: then "khrtimer: done after N ticks" and HRTIMER_NORESTART.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "Timer period in milliseconds (default 100)");

static unsigned int max_ticks = 10;
module_param(max_ticks, uint, 0444);
MODULE_PARM_DESC(max_ticks, "Ticks before the timer stops (default 10)");

/* "restart" and a newline. */
#define KHRTIMER_CMD_LEN	8

static struct khr {
	struct hrtimer timer;
	spinlock_t lock;		/* protects ticks */
	unsigned int ticks;
	ktime_t period;
} kh;

static struct proc_dir_entry *khrtimer_proc;

static enum hrtimer_restart khrtimer_tick(struct hrtimer *t)
{
	struct khr *k = container_of(t, struct khr, timer);
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&k->lock, flags);
	n = ++k->ticks;
	spin_unlock_irqrestore(&k->lock, flags);
	if (n >= max_ticks) {
		pr_info("done after %u ticks\n", n);
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, k->period);
	return HRTIMER_RESTART;
}

static int khrtimer_show(struct seq_file *m, void *v)
{
	unsigned long flags;
	unsigned int ticks;

	spin_lock_irqsave(&kh.lock, flags);
	ticks = kh.ticks;
	spin_unlock_irqrestore(&kh.lock, flags);
	seq_printf(m, "ticks %u\n", ticks);
	return 0;
}

static int khrtimer_open(struct inode *inode, struct file *file)
{
	return single_open(file, khrtimer_show, NULL);
}

/* "restart": cancel, reset, tick again; "stop": cancel. */
static ssize_t khrtimer_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[KHRTIMER_CMD_LEN + 1];
	unsigned long flags;

	if (count == 0 || count > KHRTIMER_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	if (!strcmp(buf, "stop")) {
		hrtimer_cancel(&kh.timer);
		pr_info("stopped\n");
		return count;
	}
	if (strcmp(buf, "restart"))
		return -EINVAL;

	/* Waits for a tick that is running: none counts after the reset. */
	hrtimer_cancel(&kh.timer);
	spin_lock_irqsave(&kh.lock, flags);
	kh.ticks = 0;
	spin_unlock_irqrestore(&kh.lock, flags);
	hrtimer_start(&kh.timer, kh.period, HRTIMER_MODE_REL);
	return count;
}

static const struct proc_ops khrtimer_proc_ops = {
	.proc_open    = khrtimer_open,
	.proc_read    = seq_read,
	.proc_write   = khrtimer_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init khrtimer_init(void)
{
	if (!period_ms || !max_ticks)
		return -EINVAL;

	spin_lock_init(&kh.lock);
	kh.period = ms_to_ktime(period_ms);
	hrtimer_init(&kh.timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	kh.timer.function = khrtimer_tick;

	khrtimer_proc = proc_create("khrtimer", 0644, NULL, &khrtimer_proc_ops);
	if (!khrtimer_proc) {
		pr_err("cannot create /proc/khrtimer\n");
		return -ENOMEM;
	}
	hrtimer_start(&kh.timer, kh.period, HRTIMER_MODE_REL);
	pr_info("loaded, period %u ms, %u ticks\n", period_ms, max_ticks);
	return 0;
}

static void __exit khrtimer_exit(void)
{
	proc_remove(khrtimer_proc);
	hrtimer_cancel(&kh.timer);
	pr_info("exit\n");
}

module_init(khrtimer_init);
module_exit(khrtimer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A periodic hrtimer that counts its ticks");
