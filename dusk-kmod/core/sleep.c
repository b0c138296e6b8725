// SPDX-License-Identifier: GPL-2.0
/*
 * A module's own sleeps across nested calls.
 *
 * wait_event*() and friends are module code at user level: a loop of
 * prepare_to_wait_event() (the task joins the wait queue and takes the
 * state TASK_INTERRUPTIBLE/UNINTERRUPTIBLE), the module's condition, then
 * schedule(); each kernel call is a separate nested call run by the blocked
 * caller (blocking.c).  Between two nested calls the caller sleeps in
 * dusk_upcall_blocking() waiting for the program, a sleep that needs the
 * task state itself.  So the state a call leaves (@w->mstate) is put aside
 * and the task runs again; before the next nested call it is put back, as
 * if the task had never left the module's code.
 *
 * A wake-up the module's waker sends meanwhile (wake_up() from a write(),
 * a timer, kthread_stop()) may find the task in the core's own sleep and be
 * lost to the module's: its schedule() would then sleep past the event.
 * Hence a nested call run in a put-back sleeping state is bounded: a timer
 * wakes the task after DUSK_RESCHED_MS, which the module sees as a
 * spurious wake-up (its loop checks its condition again and sleeps again),
 * as every wait loop in the kernel must allow.  A module that sleeps waits
 * at most that much longer than in the kernel; a task that waits long
 * costs one wake-up and two round trips per period.
 *
 * The wait entry of such a loop is a mirror of the program's stack object
 * (libduskrt keeps it for the whole callback).  When the caller leaves
 * without its REPLY (block_timeout_ms, a fatal signal, the session's end:
 * the module's loop never reaches its finish_wait()), the entries its
 * prepare_to_wait*() calls queued are taken off their wait queues here,
 * before the mirrors can go, so that no waker walks into freed memory or
 * wakes a task that is gone.
 */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include "dusk-core.h"

/* Longest a sleep put back across nested calls may miss a wake-up. */
#define DUSK_RESCHED_MS 10

struct dusk_resched {
	struct timer_list timer;
	struct task_struct *task;
};

static void dusk_resched_fn(struct timer_list *t)
{
	struct dusk_resched *r = from_timer(r, t, timer);

	wake_up_process(r->task);
}

/* Remember that @w's task queued wait entry @entry on wait queue @head. */
static void dusk_waiter_joined(struct dusk_waiter *w, u64 head, u64 entry)
{
	u32 i;

	for (i = 0; i < w->njoined; i++)
		if (w->joined[i][1] == entry)
			return;
	if (w->njoined == DUSK_WAIT_JOINED) {
		pr_warn_once("%s: a callback waits on more than %d wait queues at once\n",
			     dusk_family.name, DUSK_WAIT_JOINED);
		return;
	}
	w->joined[w->njoined][0] = head;
	w->joined[w->njoined][1] = entry;
	w->njoined++;
}

/**
 * dusk_waiter_unjoin() - take @w's wait entries off their wait queues.
 *
 * Called when the blocked caller leaves without the module's REPLY.  Only
 * entries that are still mirrors of the session are touched (under
 * dusk_sess.lock, so MIRROR_FREE cannot race); finish_wait() does nothing
 * to an entry already off its queue.
 * Context: process, the blocked caller, no lock held.
 */
void dusk_waiter_unjoin(struct dusk_waiter *w)
{
	u32 i;

	/* Nothing joined (most callers): no lock.  Teardown holds
	 * dusk_sess.lock while it wakes and waits for the blocked callers. */
	if (!w->njoined)
		return;
	mutex_lock(&dusk_sess.lock);
	for (i = 0; i < w->njoined; i++) {
		struct wait_queue_entry *e = (void *)(uintptr_t)w->joined[i][1];

		if (dusk_region_is_mirror(w->joined[i][1], sizeof(*e)))
			finish_wait((void *)(uintptr_t)w->joined[i][0], e);
	}
	mutex_unlock(&dusk_sess.lock);
	w->njoined = 0;
}

/**
 * dusk_waiter_exec() - run nested call @c for blocked caller @w in the task
 * state the caller's previous nested call left.
 *
 * Context: process, the blocked caller, no lock held.
 */
void dusk_waiter_exec(struct dusk_waiter *w, struct dusk_call *c)
{
	struct dusk_resched r;
	bool armed = w->mstate != TASK_RUNNING;

	if (armed) {
		r.task = current;
		timer_setup_on_stack(&r.timer, dusk_resched_fn, 0);
		mod_timer(&r.timer, jiffies + msecs_to_jiffies(DUSK_RESCHED_MS));
		set_current_state(w->mstate);
	}
	dusk_call_exec(c);
	w->mstate = READ_ONCE(current->__state);
	if (!c->err && c->nargs >= 2 &&
	    !strncmp(dusk_gen.stubs[c->stub].name, "prepare_to_wait", 15))
		dusk_waiter_joined(w, c->args[0], c->args[1]);
	__set_current_state(TASK_RUNNING);
	if (armed) {
		del_timer_sync(&r.timer);
		destroy_timer_on_stack(&r.timer);
	}
}
