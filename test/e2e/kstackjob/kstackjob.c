// SPDX-License-Identifier: GPL-2.0
/*
 * One-shot jobs on a helper's stack, waited for before it returns: a work
 * item with a completion, a timer with wait_event_timeout(), and a wait
 * entry queued by hand in a loop (prepare_to_wait()/finish_wait()).  Each
 * helper runs more than once, so a later frame reuses the stack of an
 * earlier one; module_init and module_exit both run them.  The timer
 * re-arms itself from its callback until it has fired as often as asked.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/timer.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/jiffies.h>

struct job {
	struct work_struct work;
	struct completion done;
	int in, out;
};

static void job_fn(struct work_struct *w)
{
	struct job *j = container_of(w, struct job, work);

	j->out = j->in * 3;
	complete(&j->done);
}

static noinline int run_job(int in)
{
	struct job j = { .in = in };

	INIT_WORK_ONSTACK(&j.work, job_fn);
	init_completion(&j.done);
	queue_work(system_wq, &j.work);
	wait_for_completion(&j.done);
	flush_work(&j.work);
	destroy_work_on_stack(&j.work);
	return j.out;
}

struct tick {
	struct timer_list t;
	wait_queue_head_t wq;
	int fired;
	int want;
};

static void tick_fn(struct timer_list *t)
{
	struct tick *k = from_timer(k, t, t);

	k->fired++;
	wake_up(&k->wq);
	if (k->fired < k->want)
		mod_timer(&k->t, jiffies + msecs_to_jiffies(5));
}

/* wait_event_timeout(): the macro's wait entry lives in this frame */
static noinline int run_tick(int want)
{
	struct tick k = { .fired = 0, .want = want };
	long left;

	init_waitqueue_head(&k.wq);
	timer_setup_on_stack(&k.t, tick_fn, 0);
	mod_timer(&k.t, jiffies + msecs_to_jiffies(10));
	left = wait_event_timeout(k.wq, k.fired >= want, 5 * HZ);
	del_timer_sync(&k.t);
	destroy_timer_on_stack(&k.t);
	return left > 0 ? k.fired : -1;
}

/* one wait entry, queued again on each pass of the loop */
static noinline int run_loop(int want)
{
	struct tick k = { .fired = 0, .want = want };
	DEFINE_WAIT(w);
	int passes = 0;

	init_waitqueue_head(&k.wq);
	timer_setup_on_stack(&k.t, tick_fn, 0);
	/* far enough that the loop waits at least once in both builds (a
	 * kernel call of the user build can take 10 ms on a loaded host) */
	mod_timer(&k.t, jiffies + msecs_to_jiffies(200));
	for (;;) {
		prepare_to_wait(&k.wq, &w, TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(k.fired) >= want || passes > 1000)
			break;
		schedule_timeout(HZ / 10);
		passes++;
	}
	finish_wait(&k.wq, &w);
	del_timer_sync(&k.t);
	destroy_timer_on_stack(&k.t);
	return passes > 0 && passes <= 1000 ? k.fired : -1;
}

static int __init kstackjob_init(void)
{
	pr_info("kstackjob: job 5 -> %d\n", run_job(5));
	pr_info("kstackjob: job 7 -> %d\n", run_job(7));
	pr_info("kstackjob: tick fired %d\n", run_tick(1));
	pr_info("kstackjob: tick again fired %d\n", run_tick(3));
	pr_info("kstackjob: loop fired %d\n", run_loop(2));
	pr_info("kstackjob: job 8 -> %d\n", run_job(8));
	return 0;
}

static void __exit kstackjob_exit(void)
{
	pr_info("kstackjob: exit loop fired %d\n", run_loop(1));
	pr_info("kstackjob: exit tick fired %d\n", run_tick(2));
	pr_info("kstackjob: exit job 9 -> %d\n", run_job(9));
}

module_init(kstackjob_init);
module_exit(kstackjob_exit);
MODULE_LICENSE("GPL");
