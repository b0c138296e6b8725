// SPDX-License-Identifier: GPL-2.0
/*
 * ktimer — a periodic timer that hands every second tick to a work item.
 *
 *   insmod ktimer.ko [period_ms=100] [max_ticks=10]
 *   cat /proc/ktimer                     "ticks N" and "works N"
 *   echo restart > /proc/ktimer          reset both counters, tick again
 *
 * The timer and the work item live in one module-global struct; their
 * callbacks find it with from_timer() and container_of().  The timer ticks
 * every period_ms milliseconds until it has ticked max_ticks times
 * ("ktimer: done after N ticks"); every second tick schedules the work
 * item, which counts and logs itself ("ktimer: work N").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);
MODULE_PARM_DESC(period_ms, "Timer period in milliseconds (default 100)");

static unsigned int max_ticks = 10;
module_param(max_ticks, uint, 0444);
MODULE_PARM_DESC(max_ticks, "Ticks before the timer stops (default 10)");

/* "restart" and a newline. */
#define KTIMER_CMD_LEN	8

static struct ticker {
	struct timer_list timer;
	struct work_struct work;
	spinlock_t lock;		/* protects the fields below */
	unsigned int ticks, works;
	unsigned int period_ms;
	bool stopping;
} tk;

static struct proc_dir_entry *ktimer_proc;

/* Arm the timer for the next tick; the caller holds t->lock. */
static void ktimer_arm(struct ticker *t)
{
	mod_timer(&t->timer, jiffies + msecs_to_jiffies(t->period_ms));
}

static void ktimer_tick(struct timer_list *tm)
{
	struct ticker *t = from_timer(t, tm, timer);
	unsigned int n;
	bool done;

	spin_lock(&t->lock);
	if (t->stopping) {
		spin_unlock(&t->lock);
		return;
	}
	n = ++t->ticks;
	if (n % 2 == 0)
		schedule_work(&t->work);
	done = n >= max_ticks;
	if (!done)
		ktimer_arm(t);
	spin_unlock(&t->lock);

	if (done)
		pr_info("done after %u ticks\n", n);
}

static void ktimer_work(struct work_struct *w)
{
	struct ticker *t = container_of(w, struct ticker, work);
	unsigned int n;

	spin_lock_bh(&t->lock);
	n = ++t->works;
	spin_unlock_bh(&t->lock);
	pr_info("work %u\n", n);
}

static int ktimer_show(struct seq_file *m, void *v)
{
	unsigned int ticks, works;

	spin_lock_bh(&tk.lock);
	ticks = tk.ticks;
	works = tk.works;
	spin_unlock_bh(&tk.lock);
	seq_printf(m, "ticks %u\nworks %u\n", ticks, works);
	return 0;
}

static int ktimer_open(struct inode *inode, struct file *file)
{
	return single_open(file, ktimer_show, NULL);
}

/* "restart": stop the timer and the work item, reset, tick again. */
static ssize_t ktimer_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char buf[KTIMER_CMD_LEN + 1];

	if (count == 0 || count > KTIMER_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';
	if (strcmp(buf, "restart"))
		return -EINVAL;

	del_timer_sync(&tk.timer);
	cancel_work_sync(&tk.work);
	spin_lock_bh(&tk.lock);
	tk.ticks = 0;
	tk.works = 0;
	if (!tk.stopping)
		ktimer_arm(&tk);
	spin_unlock_bh(&tk.lock);
	return count;
}

static const struct proc_ops ktimer_proc_ops = {
	.proc_open    = ktimer_open,
	.proc_read    = seq_read,
	.proc_write   = ktimer_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init ktimer_init(void)
{
	if (!period_ms || !max_ticks)
		return -EINVAL;

	spin_lock_init(&tk.lock);
	tk.period_ms = period_ms;
	timer_setup(&tk.timer, ktimer_tick, 0);
	INIT_WORK(&tk.work, ktimer_work);

	ktimer_proc = proc_create("ktimer", 0644, NULL, &ktimer_proc_ops);
	if (!ktimer_proc) {
		pr_err("cannot create /proc/ktimer\n");
		return -ENOMEM;
	}

	spin_lock_bh(&tk.lock);
	ktimer_arm(&tk);
	spin_unlock_bh(&tk.lock);
	pr_info("loaded, period %u ms, %u ticks\n", period_ms, max_ticks);
	return 0;
}

static void __exit ktimer_exit(void)
{
	proc_remove(ktimer_proc);

	spin_lock_bh(&tk.lock);
	tk.stopping = true;
	spin_unlock_bh(&tk.lock);
	/* No tick re-arms the timer or schedules the work any more. */
	del_timer_sync(&tk.timer);
	cancel_work_sync(&tk.work);
	pr_info("exit ticks=%u works=%u\n", tk.ticks, tk.works);
}

module_init(ktimer_init);
module_exit(ktimer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A periodic timer that hands every second tick to a work item");
