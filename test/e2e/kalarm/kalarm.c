// SPDX-License-Identifier: GPL-2.0
/*
 * kalarm: alarm timers (the clock that keeps running in suspend): a
 * periodic alarm forwarded by its own function until it has run ten times,
 * a one-shot alarm, and one cancelled before it fires.  Their functions run
 * in hard interrupt context in the kernel build.  Counts in the kernel log
 * and in /proc/kalarm.
 */
#include <linux/alarmtimer.h>
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define PERIOD_MS 30
#define RUNS 10

static struct alarm periodic, oneshot, never;
static atomic_t periodic_runs, oneshot_runs, never_runs;

static enum alarmtimer_restart periodic_fn(struct alarm *a, ktime_t now)
{
	if (atomic_inc_return(&periodic_runs) >= RUNS)
		return ALARMTIMER_NORESTART;
	alarm_forward(a, now, ms_to_ktime(PERIOD_MS));
	return ALARMTIMER_RESTART;
}

static enum alarmtimer_restart oneshot_fn(struct alarm *a, ktime_t now)
{
	atomic_inc(&oneshot_runs);
	return ALARMTIMER_NORESTART;
}

static enum alarmtimer_restart never_fn(struct alarm *a, ktime_t now)
{
	atomic_inc(&never_runs);
	return ALARMTIMER_NORESTART;
}

static int kalarm_show(struct seq_file *m, void *v)
{
	seq_printf(m, "periodic %d oneshot %d never %d\n", atomic_read(&periodic_runs),
		   atomic_read(&oneshot_runs), atomic_read(&never_runs));
	return 0;
}

static int __init kalarm_init(void)
{
	alarm_init(&periodic, ALARM_BOOTTIME, periodic_fn);
	alarm_init(&oneshot, ALARM_BOOTTIME, oneshot_fn);
	alarm_init(&never, ALARM_BOOTTIME, never_fn);
	if (!proc_create_single("kalarm", 0444, NULL, kalarm_show))
		return -ENOMEM;
	alarm_start_relative(&periodic, ms_to_ktime(PERIOD_MS));
	alarm_start_relative(&oneshot, ms_to_ktime(100));
	alarm_start_relative(&never, ms_to_ktime(60000));
	pr_info("kalarm: armed, cancel of the long one: %d\n", alarm_try_to_cancel(&never));
	return 0;
}

static void __exit kalarm_exit(void)
{
	alarm_cancel(&periodic);
	alarm_cancel(&oneshot);
	alarm_cancel(&never);
	remove_proc_entry("kalarm", NULL);
	pr_info("kalarm: bye: periodic %d oneshot %d never %d\n", atomic_read(&periodic_runs),
		atomic_read(&oneshot_runs), atomic_read(&never_runs));
}

module_init(kalarm_init);
module_exit(kalarm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("alarm timers: periodic, one-shot, cancelled (DUSK test)");
