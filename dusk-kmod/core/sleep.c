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
 * a timer, kthread_stop()) finds the task in the core's own sleep, or
 * running the core's code, and would be lost to the module's: its
 * schedule() would sleep past the event.  For a blocked caller whose last
 * call left it asleep in a wait loop's prepare_to_wait*() the core keeps
 * the module's state itself (the caller is a *sleeper* until its next
 * call): the entries it queued wake through dusk_wait_wake(), and direct
 * wake-ups the program asks for (wake_up_process()) are noted too, so the
 * next call runs awake when a wake-up came, and asleep when none did, as
 * the kernel build's schedule() would.  Such a sleep is *watched*; a timer
 * still wakes it after half of block_timeout_ms, so that a wake-up from a
 * source the core does not see is late, not lost, and the program's
 * request waiting for the call does not time out.
 *
 * A kernel thread's own wait loop is watched too: kthread_stop() and
 * kthread_park() set their flag before they wake it, which its next call
 * checks.
 *
 * Any other call run in a sleeping state (the module set the state itself,
 * or joined a queue with its own wake function) is bounded by a timer that
 * wakes the task after DUSK_RESCHED_MS, which the module sees as a
 * spurious wake-up (its loop checks its condition again and sleeps again),
 * as every wait loop in the kernel must allow.  Such a sleep lasts at most that much longer than
 * in the kernel and costs a wake-up and two round trips per period.  A
 * watched sleep has no such wake-ups, so a reader does not see a writer's
 * condition before the writer's wake_up() (and log its line first).
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
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include "dusk-core.h"

/* Longest a sleep put back across nested calls may miss a wake-up. */
#define DUSK_RESCHED_MS 10U

/* Blocked callers asleep between two calls in a watched sleep: the wake
 * functions of their wait entries run in any context, under their queue's
 * lock with interrupts off. */
static DEFINE_RAW_SPINLOCK(dusk_sleepers_lock);
static LIST_HEAD(dusk_sleepers);

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

/*
 * A wake-up of @p in @mode while @p may sleep between two calls: do to the
 * module's state what try_to_wake_up() would have done to the task's.
 * Return: 1 woken, 0 not in a state @mode wakes, -1 @p is no sleeper (it
 * runs a call, whose sleep is the task's own, or is none of ours).
 */
static int dusk_sleeper_wake(struct task_struct *p, unsigned int mode)
{
	struct dusk_waiter *w;
	unsigned long flags;
	int ret = -1;

	raw_spin_lock_irqsave(&dusk_sleepers_lock, flags);
	list_for_each_entry(w, &dusk_sleepers, sleeper) {
		if (w->task != p)
			continue;
		ret = 0;
		if (w->vstate & mode) {
			w->woken = true;
			list_del_init(&w->sleeper);
			ret = 1;
		}
		break;
	}
	raw_spin_unlock_irqrestore(&dusk_sleepers_lock, flags);
	return ret;
}

/*
 * The wake function of a watched sleeper's wait entries, in place of
 * autoremove_wake_function(): a wake-up that finds the caller between two
 * calls takes the entry off its queue as autoremove does.
 */
static int dusk_wait_wake(struct wait_queue_entry *e, unsigned int mode, int sync, void *key)
{
	int ret = dusk_sleeper_wake(e->private, mode);

	if (ret < 0)
		return autoremove_wake_function(e, mode, sync, key);
	if (ret)
		list_del_init_careful(&e->entry);
	return ret;
}

/* After call @c ran: a direct wake-up it made, of a sleeper between calls. */
static void dusk_sleeper_wake_direct(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;

	if (c->err || !c->nargs || !c->args[0] || name[0] != 'w')
		return;
	if (dusk_name_is(name, "wake_up_process"))
		dusk_sleeper_wake((void *)(uintptr_t)c->args[0], TASK_NORMAL);
	else if (c->nargs >= 2 && dusk_name_is(name, "wake_up_state"))
		dusk_sleeper_wake((void *)(uintptr_t)c->args[0], c->args[1]);
}

/*
 * Have wait entry @entry, which @w's call just queued on @head, wake
 * through dusk_wait_wake().  Only the kernel's autoremove entries of the
 * caller's own task: another wake function is the module's own business.
 * Return: whether it wakes through dusk_wait_wake() now.
 */
static bool dusk_wait_entry_watch(struct dusk_waiter *w, u64 head, u64 entry)
{
	struct wait_queue_head *wq = (void *)(uintptr_t)head;
	struct wait_queue_entry *e = (void *)(uintptr_t)entry;
	unsigned long flags;
	bool ok;

	/* under the queue's lock: its wakers read func under it */
	spin_lock_irqsave(&wq->lock, flags);
	ok = e->private == w->task &&
	     (e->func == autoremove_wake_function || e->func == dusk_wait_wake);
	if (ok)
		e->func = dusk_wait_wake;
	spin_unlock_irqrestore(&wq->lock, flags);
	return ok;
}

/*
 * After @w's call @c, the task still in the state the call left: is the
 * sleep it leaves a watched one?  It is when the call queued the task with
 * prepare_to_wait*() on an entry that wakes through dusk_wait_wake(), or
 * when the call ran in a watched sleep and left it as it was.
 */
static bool dusk_sleeper_watch(struct dusk_waiter *w, const struct dusk_call *c)
{
	if (c->err)
		return false;
	if (c->nargs >= 2 && !strncmp(dusk_gen.stubs[c->stub].name, "prepare_to_wait", 15)) {
		dusk_waiter_joined(w, c->args[0], c->args[1]);
		return dusk_wait_entry_watch(w, c->args[0], c->args[1]);
	}
	return READ_ONCE(w->watched) && READ_ONCE(current->__state) == c->state;
}

/* @w sleeps between calls in the state its task has now, watched. */
static void dusk_sleeper_add(struct dusk_waiter *w)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&dusk_sleepers_lock, flags);
	w->vstate = READ_ONCE(current->__state);
	w->woken = false;
	if (w->vstate & TASK_NORMAL)
		list_move(&w->sleeper, &dusk_sleepers);
	raw_spin_unlock_irqrestore(&dusk_sleepers_lock, flags);
}

/**
 * dusk_sleeper_forget() - @w does not sleep between calls (any more).
 * Context: any; the caller before its dusk_waiter goes.
 */
void dusk_sleeper_forget(struct dusk_waiter *w)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&dusk_sleepers_lock, flags);
	list_del_init(&w->sleeper);
	w->woken = false;
	raw_spin_unlock_irqrestore(&dusk_sleepers_lock, flags);
}

/*
 * @w's next call runs in sleeping state @state, set already: @w is no
 * sleeper between calls any more, the call's sleep is the task's own.
 * Return: how long the call may sleep before a timer wakes it, in ms; 0
 * when it runs awake (a wake-up came while it slept between calls, or the
 * session is going).
 */
static unsigned int dusk_sleeper_resume(struct dusk_waiter *w, u32 state)
{
	unsigned long flags;
	bool watched, woken;

	raw_spin_lock_irqsave(&dusk_sleepers_lock, flags);
	watched = !list_empty(&w->sleeper) && w->vstate == state;
	woken = w->woken;
	list_del_init(&w->sleeper);
	w->woken = false;
	raw_spin_unlock_irqrestore(&dusk_sleepers_lock, flags);
	if (woken) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	if (!watched)
		return DUSK_RESCHED_MS;
	WRITE_ONCE(w->watched, true);
	/* Pairs with dusk_waiters_wake_all(): it sees watched, or we see the
	 * session gone; its wake-up then finds the state set. */
	smp_mb();
	if (!READ_ONCE(dusk_sess.alive)) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	/* A kernel thread is woken directly by kthread_stop() and
	 * kthread_park(), which set their flag first, then wake it inside
	 * their stub: the flag, checked with the state set, tells of one that
	 * came between calls; a later one finds the task asleep. */
	if (w->thread && (kthread_should_stop() || kthread_should_park())) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	return max(READ_ONCE(dusk_block_timeout_ms) / 2, DUSK_RESCHED_MS);
}

/*
 * Run @c in the task state c->state and note in c->left the state it left;
 * the task runs again after.  @w: the blocked caller running it, or NULL
 * (the program's own request, or an upcall from atomic context).
 */
static void dusk_call_exec_sleep(struct dusk_call *c, struct dusk_waiter *w)
{
	struct dusk_resched r;
	unsigned int ms = 0;
	bool watch;

	if (c->state != TASK_RUNNING) {
		set_current_state(c->state);
		ms = w ? dusk_sleeper_resume(w, c->state) : DUSK_RESCHED_MS;
		if (ms) {
			r.task = current;
			timer_setup_on_stack(&r.timer, dusk_resched_fn, 0);
			mod_timer(&r.timer, jiffies + msecs_to_jiffies(ms));
		}
	}
	dusk_call_exec(c);
	dusk_sleeper_wake_direct(c);
	/* Registered before the state is read: a wake-up of the task from
	 * here on is seen either by the read (it runs) or by the sleeper. */
	watch = w && dusk_sleeper_watch(w, c);
	if (watch)
		dusk_sleeper_add(w);
	c->left = READ_ONCE(current->__state);
	if (watch && c->left == TASK_RUNNING)
		dusk_sleeper_forget(w);
	__set_current_state(TASK_RUNNING);
	if (w)
		WRITE_ONCE(w->watched, false);
	if (ms) {
		del_timer_sync(&r.timer);
		destroy_timer_on_stack(&r.timer);
	}
}

/**
 * dusk_call_exec_state() - run call @c in the task state c->state, and
 * note in c->left the state it left.  The task runs again after.
 *
 * Context: process, the program in its own request, or an upcall from
 * atomic context running a nested call in place; no lock held.
 */
void dusk_call_exec_state(struct dusk_call *c)
{
	dusk_call_exec_sleep(c, NULL);
}

/**
 * dusk_waiter_exec() - run nested call @c for blocked caller @w in the task
 * state the program sent with it, and remember the wait queues it joins.
 *
 * Context: process, the blocked caller, no lock held.
 */
void dusk_waiter_exec(struct dusk_waiter *w, struct dusk_call *c)
{
	dusk_call_exec_sleep(c, w);
	dusk_waiter_note_end(w, c);
}
