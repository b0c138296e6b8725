// SPDX-License-Identifier: GPL-2.0
/*
 * konstack — a one-shot job run synchronously, as drivers do it: a work
 * item and a timer on the stack (INIT_WORK_ONSTACK(), timer_setup_on_stack())
 * embedded in a struct of the caller's, their functions reaching that
 * struct by container_of()/from_timer(), writing a result into it and
 * completing a completion (DECLARE_COMPLETION_ONSTACK()) or waking a wait
 * queue head (DECLARE_WAIT_QUEUE_HEAD_ONSTACK()) beside it; in module_init
 * and on every write of /proc/konstack.
 *
 * Before (thirteenth round of probes, docs/COVERAGE.md), the user build
 * hung in module_init: the stack work's mirror, made for queue_work()
 * alone, was forgotten by the program after the call though the kernel
 * still held it, so the work function got the mirror's kernel address,
 * container_of() led into kernel memory past the 32-byte mirror, and its
 * write-back was refused: complete() never ran.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct job {
	struct work_struct work;
	struct completion *done;
	int in, out;
};

struct tjob {
	struct timer_list timer;
	wait_queue_head_t *wq;
	int fired;
};

static int runs;

static void job_fn(struct work_struct *w)
{
	struct job *j = container_of(w, struct job, work);

	j->out = j->in * j->in;
	complete(j->done);
}

static void tjob_fn(struct timer_list *t)
{
	struct tjob *tj = from_timer(tj, t, timer);

	tj->fired++;
	wake_up(tj->wq);
}

static void run_jobs(int in)
{
	DECLARE_COMPLETION_ONSTACK(done);
	DECLARE_WAIT_QUEUE_HEAD_ONSTACK(wq);
	struct job j = { .done = &done, .in = in };
	struct tjob tj = { .wq = &wq };
	long left;

	INIT_WORK_ONSTACK(&j.work, job_fn);
	queue_work(system_unbound_wq, &j.work);
	wait_for_completion(&done);
	flush_work(&j.work);
	destroy_work_on_stack(&j.work);

	timer_setup_on_stack(&tj.timer, tjob_fn, 0);
	mod_timer(&tj.timer, jiffies + msecs_to_jiffies(20));
	left = wait_event_timeout(wq, tj.fired, 5 * HZ);
	del_timer_sync(&tj.timer);
	destroy_timer_on_stack(&tj.timer);

	runs++;
	pr_info("konstack: run %d: work %d -> %d, timer fired %d, in time %d\n", runs, in, j.out,
		tj.fired, left > 0);
}

static ssize_t konstack_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	int v, err = kstrtoint_from_user(buf, n, 10, &v);

	if (err)
		return err;
	run_jobs(v);
	return n;
}

static const struct proc_ops konstack_ops = {
	.proc_write = konstack_write,
};

static int __init konstack_init(void)
{
	run_jobs(3);
	if (!proc_create("konstack", 0200, NULL, &konstack_ops))
		return -ENOMEM;
	return 0;
}

static void __exit konstack_exit(void)
{
	remove_proc_entry("konstack", NULL);
	pr_info("konstack: %d runs\n", runs);
}

module_init(konstack_init);
module_exit(konstack_exit);
MODULE_LICENSE("GPL");
