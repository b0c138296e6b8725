// SPDX-License-Identifier: GPL-2.0
/*
 * The task state of the module's code across nested calls.
 *
 * At user level a task's state is the program's: set_current_state() and
 * get_current_state() store and load the program thread's copy of
 * current->__state (libduskrt: dusk_task_state()), which travels with the
 * thread's next CALL as TASK_STATE.  The task that runs the call takes
 * that state right before the stub, so schedule_timeout() or schedule()
 * sleeps in it and wake_up_process(), kthread_stop() or a wait queue wakes
 * it as in the kernel build; the state the stub leaves is answered back
 * (prepare_to_wait_event() sets it, schedule() returns running) and the
 * task runs again.  wait_event*() loops are module code too: a loop of
 * prepare_to_wait_event() (the task joins the wait queue and takes the
 * state TASK_INTERRUPTIBLE/UNINTERRUPTIBLE), the module's condition, then
 * schedule(); each kernel call is a separate nested call run by the
 * blocked caller (blocking.c), in the state the last one left unless the
 * module changed it.  Between two calls the caller sleeps in
 * dusk_upcall_blocking() (the program's own calls: in its own request)
 * waiting for the program, a sleep that needs the task state itself.
 *
 * A wake-up the module's waker sends meanwhile (wake_up() from a write(),
 * a timer, kthread_stop()) may find the task in the core's own sleep and be
 * lost to the module's: its schedule() would then sleep past the event.
 * Hence a call run in a sleeping state is bounded: a timer wakes the task
 * after DUSK_RESCHED_MS, which the module sees as a spurious wake-up (its
 * loop checks its condition again and sleeps again), as every wait loop in
 * the kernel must allow.  A module that sleeps waits at most that much
 * longer than in the kernel; a task that waits long costs one wake-up and
 * two round trips per period.
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

/* The states a module may set for its task, and that a call runs in:
 * a sleep, with the modifiers set_current_state() callers use. */
#ifndef TASK_FREEZABLE
#define TASK_FREEZABLE 0
#endif
#define DUSK_SLEEP_STATES (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)
#define DUSK_TASK_STATES (DUSK_SLEEP_STATES | TASK_WAKEKILL | TASK_NOLOAD | TASK_FREEZABLE)

/**
 * dusk_task_state_parse() - the task state a CALL runs in, into c->state.
 *
 * TASK_STATE absent is TASK_RUNNING.  Anything but running or a sleep
 * (TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE, with TASK_WAKEKILL,
 * TASK_NOLOAD or TASK_FREEZABLE) is refused: the program must not make the
 * kernel's task stopped, traced, parked or dead.
 * Return: 0 or -EINVAL (extack set).
 */
int dusk_task_state_parse(struct genl_info *info, struct dusk_call *c)
{
	struct nlattr *a = info->attrs[DUSK_A_TASK_STATE];
	u32 state = a ? nla_get_u32(a) : TASK_RUNNING;

	if (state != TASK_RUNNING &&
	    (!(state & DUSK_SLEEP_STATES) || (state & ~DUSK_TASK_STATES))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "TASK_STATE is not a sleeping state");
		return -EINVAL;
	}
	c->state = state;
	return 0;
}

/**
 * dusk_call_exec_state() - run call @c in the task state c->state, and
 * note in c->left the state it left.  The task runs again after.
 *
 * Context: process, the task that runs @c (a blocked caller, or the
 * program in its own request), no lock held.
 */
void dusk_call_exec_state(struct dusk_call *c)
{
	struct dusk_resched r;
	bool armed = c->state != TASK_RUNNING;

	if (armed) {
		r.task = current;
		timer_setup_on_stack(&r.timer, dusk_resched_fn, 0);
		mod_timer(&r.timer, jiffies + msecs_to_jiffies(DUSK_RESCHED_MS));
		set_current_state(c->state);
	}
	dusk_call_exec(c);
	c->left = READ_ONCE(current->__state);
	__set_current_state(TASK_RUNNING);
	if (armed) {
		del_timer_sync(&r.timer);
		destroy_timer_on_stack(&r.timer);
	}
}

/**
 * dusk_waiter_exec() - run nested call @c for blocked caller @w in the task
 * state the program sent with it, and remember the wait queues it joins.
 *
 * Context: process, the blocked caller, no lock held.
 */
void dusk_waiter_exec(struct dusk_waiter *w, struct dusk_call *c)
{
	dusk_call_exec_state(c);
	if (!c->err && c->nargs >= 2 &&
	    !strncmp(dusk_gen.stubs[c->stub].name, "prepare_to_wait", 15))
		dusk_waiter_joined(w, c->args[0], c->args[1]);
	if (!c->err && c->nargs >= 1 && dusk_name_is(dusk_gen.stubs[c->stub].name, "bio_endio"))
		w->bio_ended = true;
}
