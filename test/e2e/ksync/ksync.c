// SPDX-License-Identifier: GPL-2.0
/*
 * ksync — "wait for the callback" primitives, then read what it did.
 *
 *   echo run > /proc/ksync      run every scenario once more
 *
 * Each scenario starts a deferred callback (timer, self-re-arming timer,
 * work item, delayed work, tasklet of both callback types) on a kmalloc'd
 * record, waits until the callback has *started* (it completes a
 * completion first thing), then calls the primitive whose contract is
 * "when this returns, the callback has completed and will not run again"
 * (del_timer_sync(), cancel_work_sync(), flush_work(),
 * cancel_delayed_work_sync(), tasklet_kill(), tasklet_disable()), prints
 * what the callback recorded and frees the record.  The callback takes a
 * while (mdelay) between its start and its record, so a primitive that
 * returns early prints an unfinished record (and the callback writes into
 * freed memory).  Module init runs every scenario once, a write to
 * /proc/ksync once more (from another context: a process's write()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/workqueue.h>

#define KSYNC_STEPS 3
#define KSYNC_STEP_MS 40

struct ksync_rec {
	struct completion started;
	int steps;		/* of KSYNC_STEPS, done by the callback */
	int runs;		/* times the callback ran */
	bool rearm;		/* the timer re-arms itself */
	struct timer_list timer;
	struct work_struct work;
	struct delayed_work dwork;
	struct tasklet_struct tasklet;
};

/* The callback's body: start, then take a while, then record. */
static void ksync_body(struct ksync_rec *r)
{
	int i;

	r->runs++;
	complete(&r->started);
	for (i = 0; i < KSYNC_STEPS; i++) {
		mdelay(KSYNC_STEP_MS);
		r->steps++;
	}
}

static void ksync_timer_fn(struct timer_list *t)
{
	struct ksync_rec *r = from_timer(r, t, timer);

	ksync_body(r);
	if (r->rearm)
		mod_timer(&r->timer, jiffies + 1);
}

static void ksync_work_fn(struct work_struct *w)
{
	ksync_body(container_of(w, struct ksync_rec, work));
}

static void ksync_dwork_fn(struct work_struct *w)
{
	ksync_body(container_of(to_delayed_work(w), struct ksync_rec, dwork));
}

static void ksync_tasklet_fn(struct tasklet_struct *t)
{
	struct ksync_rec *r = from_tasklet(r, t, tasklet);

	ksync_body(r);
}

static void ksync_tasklet_old_fn(unsigned long data)
{
	ksync_body((struct ksync_rec *)data);
}

static struct ksync_rec *ksync_new(void)
{
	struct ksync_rec *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (r)
		init_completion(&r->started);
	return r;
}

/* Wait (bounded) for the callback to start; false if it never did. */
static bool ksync_started(struct ksync_rec *r)
{
	return wait_for_completion_timeout(&r->started, msecs_to_jiffies(10000)) != 0;
}

static void ksync_report(const char *what, const char *how, struct ksync_rec *r, bool started)
{
	pr_info("%s: %s: %s, steps %d of %d\n", what, how,
		started ? "started" : "never started", r->steps, KSYNC_STEPS);
	kfree(r);
}

static void ksync_timer(bool rearm)
{
	struct ksync_rec *r = ksync_new();
	bool started;
	int steps, runs;

	if (!r)
		return;
	r->rearm = rearm;
	timer_setup(&r->timer, ksync_timer_fn, 0);
	mod_timer(&r->timer, jiffies + 1);
	started = ksync_started(r);
	del_timer_sync(&r->timer);
	if (!rearm) {
		ksync_report("timer", "del_timer_sync", r, started);
		return;
	}
	/* It re-arms itself: after del_timer_sync() it runs no more. */
	steps = r->steps;
	runs = r->runs;
	msleep(200);
	pr_info("rearming timer: del_timer_sync: %s, %s, %s\n",
		started ? "started" : "never started",
		steps % KSYNC_STEPS ? "stopped mid-run" : "whole runs",
		r->runs == runs && r->steps == steps ? "then still" : "then ran again");
	kfree(r);
}

static void ksync_work(bool flush)
{
	struct ksync_rec *r = ksync_new();
	bool started;

	if (!r)
		return;
	INIT_WORK(&r->work, ksync_work_fn);
	schedule_work(&r->work);
	started = ksync_started(r);
	if (flush) {
		flush_work(&r->work);
		ksync_report("work", "flush_work", r, started);
	} else {
		cancel_work_sync(&r->work);
		ksync_report("work", "cancel_work_sync", r, started);
	}
}

static void ksync_dwork(void)
{
	struct ksync_rec *r = ksync_new();
	bool started;

	if (!r)
		return;
	INIT_DELAYED_WORK(&r->dwork, ksync_dwork_fn);
	schedule_delayed_work(&r->dwork, 1);
	started = ksync_started(r);
	cancel_delayed_work_sync(&r->dwork);
	ksync_report("delayed work", "cancel_delayed_work_sync", r, started);
}

static void ksync_tasklet(bool old, bool disable)
{
	struct ksync_rec *r = ksync_new();
	bool started;

	if (!r)
		return;
	if (old)
		tasklet_init(&r->tasklet, ksync_tasklet_old_fn, (unsigned long)r);
	else
		tasklet_setup(&r->tasklet, ksync_tasklet_fn);
	tasklet_schedule(&r->tasklet);
	started = ksync_started(r);
	if (disable) {
		tasklet_disable(&r->tasklet);
		ksync_report(old ? "old tasklet" : "tasklet", "tasklet_disable", r, started);
		return;
	}
	tasklet_kill(&r->tasklet);
	ksync_report(old ? "old tasklet" : "tasklet", "tasklet_kill", r, started);
}

static void ksync_run_all(void)
{
	ksync_timer(false);
	ksync_timer(true);
	ksync_work(false);
	ksync_work(true);
	ksync_dwork();
	ksync_tasklet(false, false);
	ksync_tasklet(true, false);
	ksync_tasklet(false, true);
}

static ssize_t ksync_write(struct file *file, const char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	ksync_run_all();
	return count;
}

static const struct proc_ops ksync_proc_ops = {
	.proc_write = ksync_write,
};

static struct proc_dir_entry *ksync_proc;

static int __init ksync_init(void)
{
	ksync_run_all();
	ksync_proc = proc_create("ksync", 0200, NULL, &ksync_proc_ops);
	if (!ksync_proc)
		return -ENOMEM;
	pr_info("loaded\n");
	return 0;
}

static void __exit ksync_exit(void)
{
	proc_remove(ksync_proc);
	pr_info("exit\n");
}

module_init(ksync_init);
module_exit(ksync_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Wait-for-the-callback primitives, then read the record");
