// SPDX-License-Identifier: GPL-2.0
/*
 * hrtimer callbacks run by the program: answered late.
 *
 * An hrtimer function runs in hard interrupt context (or the hrtimer
 * softirq) and returns HRTIMER_RESTART or HRTIMER_NORESTART at once.  The
 * generated proxy (dusk_sync_hrtimer()) returns HRTIMER_NORESTART at once
 * and queues a work item that raises an ordered UPCALL {timer} (a work
 * item: netlink cannot be used from hard interrupt context).  The module's
 * function runs in the program as in the kernel: it reads the timer,
 * forwards it (hrtimer_forward_now(): a kernel call on the timer's mirror)
 * and returns.  When the REPLY says HRTIMER_RESTART the core re-arms the
 * timer at the expiry the callback set (hrtimer_start_expires(), absolute,
 * in the timer's soft/hard mode), as __run_hrtimer() would have enqueued it
 * -- unless the timer is queued again already, or the module cancelled it
 * meanwhile.
 *
 * What differs from the kernel build (docs/kapi.md): between the callback's
 * start and its REPLY the timer is not queued (hrtimer_active() and
 * hrtimer_is_queued() say so), and the next period starts from the expiry
 * the callback set, so a program slower than the period runs late, not
 * more often.  hrtimer_cancel() and hrtimer_try_to_cancel() keep a callback
 * the program is running from re-arming the timer with its RESTART (its
 * "flight" is marked cancelled before the stub runs: a REPLY that came
 * first re-armed under dusk_hrt_lock, so the stub cancels that), and
 * hrtimer_cancel() waits for that callback's REPLY (bounded by expiry),
 * as the kernel's waits for a running callback.  An
 * answer that does not come in nf_timeout_ms, or when the session ends,
 * is the policy's: the timer stops (counted in DUSK_STAT_SYNC_POLICY).
 *
 * An alarm timer's function (enum alarmtimer_restart (struct alarm *,
 * ktime_t now)) is called from its hrtimer's expiry (alarmtimer_fired()),
 * in hard interrupt context too, and answered the same way
 * (dusk_sync_alarm()): ALARMTIMER_NORESTART at once, the UPCALL {alarm,
 * now} from the work queue, and on the program's ALARMTIMER_RESTART the
 * alarm started again at the expiry its function set (alarm_forward()),
 * as alarmtimer_fired() would have enqueued it -- unless it is queued
 * again already, or alarm_cancel()/alarm_try_to_cancel() ran meanwhile.
 */
#include <linux/alarmtimer.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

/* An hrtimer or alarm callback the program runs now. */
struct dusk_hrt_flight {
	struct list_head node;		/* dusk_hrt_flights, under dusk_hrt_lock */
	void *timer;			/* struct hrtimer, or struct alarm */
	bool alarm;
	bool cancelled;			/* a cancel ran meanwhile */
};

/* The expiry, handed from interrupt context to the work queue. */
struct dusk_hrt_fire {
	struct work_struct work;
	u32 proxy;
	void *timer;			/* struct hrtimer, or struct alarm */
	bool alarm;
	s64 now;			/* an alarm's: its function's second argument */
};

static DEFINE_SPINLOCK(dusk_hrt_lock);
static LIST_HEAD(dusk_hrt_flights);
static DECLARE_WAIT_QUEUE_HEAD(dusk_hrt_landed);	/* a flight ended */
static struct workqueue_struct *dusk_hrt_wq;

/* Raise the UPCALL for one expiry.  Process context (dusk_hrt_wq). */
static void dusk_hrt_fire_work(struct work_struct *work)
{
	struct dusk_hrt_fire *f = container_of(work, struct dusk_hrt_fire, work);
	u64 args[2] = { (u64)(uintptr_t)f->timer, (u64)f->now };
	u32 nargs = f->alarm ? 2 : 1;
	size_t size = f->alarm ? sizeof(struct alarm) : sizeof(struct hrtimer);
	struct dusk_hrt_flight *fl;
	struct dusk_pending *p;
	struct sk_buff *msg;
	unsigned long flags;
	void *hdr;
	u64 ctx;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	fl = kzalloc(sizeof(*fl), GFP_KERNEL);
	if (!p || !fl)
		goto policy;
	fl->timer = f->timer;
	fl->alarm = f->alarm;
	p->kind = DUSK_PENDING_HRTIMER;
	p->proxy = f->proxy;
	p->sync = fl;
	p->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));
	msg = NULL;

	spin_lock_irqsave(&dusk_hrt_lock, flags);
	list_add_tail(&fl->node, &dusk_hrt_flights);
	spin_unlock_irqrestore(&dusk_hrt_lock, flags);

	if (dusk_pending_add(&p, 1, &ctx)) {
		dusk_hrtimer_resolve(p, -ENOTCONN, 0);
		goto out;
	}

	/* From here @p may be resolved (and freed) at any time. */
	msg = dusk_upcall_new(ctx, f->proxy, args, nargs, 0,
			      dusk_upcall_range_size(size, true), GFP_KERNEL, &hdr);
	if (msg && dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[0], size, true)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	/* Not sent: expiry gives the policy's answer (the timer stops). */
	if (msg)
		dusk_upcall_send(msg, hdr);
	goto out;
policy:
	dusk_count(DUSK_STAT_SYNC_POLICY, 1);
	kfree(p);
	kfree(fl);
out:
	kfree(f);
}

/* Queue the UPCALL of one expiry of @timer (an alarm with @alarm). */
static void dusk_hrt_expired(u32 proxy, void *timer, bool alarm, s64 now)
{
	struct dusk_hrt_fire *f;

	if (!READ_ONCE(dusk_sess.alive) || proxy >= dusk_gen.nproxies) {
		dusk_count(DUSK_STAT_SYNC_POLICY, 1);
		return;
	}
	f = kmalloc(sizeof(*f), GFP_ATOMIC);
	if (!f) {
		dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		dusk_count(DUSK_STAT_SYNC_POLICY, 1);
		return;
	}
	INIT_WORK(&f->work, dusk_hrt_fire_work);
	f->proxy = proxy;
	f->timer = timer;
	f->alarm = alarm;
	f->now = now;
	queue_work(dusk_hrt_wq, &f->work);
}

/**
 * dusk_sync_hrtimer() - the body of every generated hrtimer function proxy.
 * @proxy: index into dusk_gen.proxies.
 * @timer: the expired struct hrtimer (a mirror of the module's own).
 *
 * Context: hard interrupt or the hrtimer softirq; never waits.
 * Return: HRTIMER_NORESTART; the program's RESTART re-arms it later.
 */
int dusk_sync_hrtimer(u32 proxy, void *timer)
{
	dusk_hrt_expired(proxy, timer, false, 0);
	return HRTIMER_NORESTART;
}

/**
 * dusk_sync_alarm() - the body of every generated alarm function proxy.
 * @proxy: index into dusk_gen.proxies.
 * @alarm: the expired struct alarm (a mirror of the module's own).
 * @now: the alarm base's time, the function's second argument.
 *
 * Context: hard interrupt (alarmtimer_fired()); never waits.
 * Return: ALARMTIMER_NORESTART; the program's RESTART starts it later.
 */
int dusk_sync_alarm(u32 proxy, void *alarm, s64 now)
{
	dusk_hrt_expired(proxy, alarm, true, now);
	return ALARMTIMER_NORESTART;
}

/* The program's answer @ret restarts @fl's timer, as __run_hrtimer() or
 * alarmtimer_fired() would have, at the expiry its function set -- unless
 * it is queued again already.  Under dusk_hrt_lock. */
static void dusk_hrt_restart(const struct dusk_hrt_flight *fl, u32 ret)
{
	struct hrtimer *t = fl->timer;
	struct alarm *a = fl->timer;

	if (fl->alarm) {
		if (ret == ALARMTIMER_RESTART && !(a->state & ALARMTIMER_STATE_ENQUEUED))
			alarm_start(a, a->node.expires);
	} else if (ret == HRTIMER_RESTART && !hrtimer_is_queued(t)) {
		hrtimer_start_expires(t, HRTIMER_MODE_ABS |
					 (t->is_soft ? HRTIMER_MODE_SOFT : 0) |
					 (t->is_hard ? HRTIMER_MODE_HARD : 0));
	}
}

/**
 * dusk_hrtimer_resolve() - the callback's answer (@ret, an enum
 * hrtimer_restart, or an enum alarmtimer_restart for an alarm's flight)
 * or, when @err, the policy's (the timer stops).
 * @p: off the pending list; freed here with its flight.
 * Context: process (REPLY, expiry, teardown).
 */
void dusk_hrtimer_resolve(struct dusk_pending *p, int err, u64 ret)
{
	struct dusk_hrt_flight *fl = p->sync;
	unsigned long flags;

	dusk_count(err ? DUSK_STAT_SYNC_POLICY : DUSK_STAT_SYNC_ANSWERS, 1);
	spin_lock_irqsave(&dusk_hrt_lock, flags);
	list_del(&fl->node);
	if (!err && !fl->cancelled && READ_ONCE(dusk_sess.alive))
		dusk_hrt_restart(fl, (u32)ret);
	spin_unlock_irqrestore(&dusk_hrt_lock, flags);
	wake_up_all(&dusk_hrt_landed);
	kfree(fl);
	kfree(p);
}

/* Does the program run a callback of @timer now?  Takes dusk_hrt_lock. */
static bool dusk_hrt_flying(u64 timer)
{
	struct dusk_hrt_flight *fl;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&dusk_hrt_lock, flags);
	list_for_each_entry(fl, &dusk_hrt_flights, node)
		if ((u64)(uintptr_t)fl->timer == timer)
			found = true;
	spin_unlock_irqrestore(&dusk_hrt_lock, flags);
	return found;
}

/* The calls dusk_hrtimer_before_call() acts around (exactly these names). */
static const char *const dusk_hrt_cancels[] = { "hrtimer_cancel", "hrtimer_try_to_cancel",
						"alarm_cancel", "alarm_try_to_cancel" };

/**
 * dusk_hrtimer_before_call() - hrtimer_cancel(), hrtimer_try_to_cancel()
 * and the alarm ones: the callbacks of that timer the program still runs
 * will not re-arm it.
 * Context: process, before the stub runs.
 */
void dusk_hrtimer_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct dusk_hrt_flight *fl;
	unsigned long flags;

	if (!c->nargs || !dusk_name_in(name, dusk_hrt_cancels, ))
		return;
	spin_lock_irqsave(&dusk_hrt_lock, flags);
	list_for_each_entry(fl, &dusk_hrt_flights, node)
		if ((u64)(uintptr_t)fl->timer == c->args[0])
			fl->cancelled = true;
	spin_unlock_irqrestore(&dusk_hrt_lock, flags);
	/* hrtimer_cancel() and alarm_cancel() wait for a running callback,
	 * as in the kernel: for its REPLY, at most until expiry gives the
	 * policy's answer (a callback of the program that cancels a timer
	 * whose callback waits behind it in the ordered queue waits that
	 * long). */
	if (!strcmp(name, "hrtimer_cancel") || !strcmp(name, "alarm_cancel"))
		wait_event_timeout(dusk_hrt_landed, !dusk_hrt_flying(c->args[0]),
				   msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms)) + 2 * HZ);
}

bool dusk_hrtimer_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_hrt_cancels, );
}

/**
 * dusk_hrtimer_init() - module init: the queue expiries go through.
 */
int dusk_hrtimer_init(void)
{
	dusk_hrt_wq = alloc_workqueue("dusk_hrtimer", WQ_HIGHPRI, 0);
	return dusk_hrt_wq ? 0 : -ENOMEM;
}

/**
 * dusk_hrtimer_exit() - module exit, after the session ended (its undo
 * cancelled the timers): expiries still queued find no session.
 */
void dusk_hrtimer_exit(void)
{
	destroy_workqueue(dusk_hrt_wq);
}
