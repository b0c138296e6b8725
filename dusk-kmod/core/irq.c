// SPDX-License-Identifier: GPL-2.0
/*
 * A driver's hard interrupt handler, run by the program in the line's
 * interrupt thread.
 *
 * request_irq(irq, handler, flags, name, dev) has the kernel call handler
 * in hard interrupt context, where no upcall can wait for the program: a
 * blocking proxy there answered -EWOULDBLOCK without running it, and the
 * device's interrupt was never acknowledged, so a level-triggered line
 * stormed until the kernel disabled it.  Registration was refused.
 *
 * The kernel has the shape the program needs: a threaded interrupt, whose
 * primary handler runs in hard interrupt context and wakes a kernel thread
 * for the rest.  So the line is registered with the core's primary
 * handler, which masks the line (disable_irq_nosync(): the device's
 * interrupt stays asserted, or is kept pending, until acknowledged) and
 * wakes the thread, and the core's thread function, which runs the
 * module's handler (its proxy) in the program, in process context, then,
 * when it answers IRQ_WAKE_THREAD, the module's thread function, as the
 * kernel would, and unmasks the line.  The line is masked while the
 * program's handler runs as it is while a hard handler runs; the answer
 * (IRQ_HANDLED, IRQ_NONE) is accounted as the kernel accounts a thread's.
 * Masking by hand rather than with IRQF_ONESHOT lets the line be shared
 * with other drivers' handlers, which would refuse a ONESHOT one.
 *
 * Differences (docs/kapi.md): the handler runs later than the interrupt,
 * in the line's kernel thread, and the line's other handlers wait for it
 * as they wait for a hard handler; an answer the program does not give
 * (block_timeout_ms) is IRQ_NONE; a program that died leaves its line
 * masked until the session's end frees it.
 */
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "dusk-core.h"

/* A module's handler and thread function on one line, both proxies. */
struct dusk_irq {
	struct list_head node;		/* dusk_irqs, under dusk_irq_lock */
	unsigned int irq;
	void *dev_id;
	irq_handler_t handler, thread_fn;
	/* the core's primary handler masks the line (a hard handler's);
	 * else the module's first function is a thread function already */
	bool masked;
	/* the line left masked: the program died with its device's interrupt
	 * unacknowledged (dusk_irq_thread()) */
	bool held;
};

static DEFINE_SPINLOCK(dusk_irq_lock);
static LIST_HEAD(dusk_irqs);

/* The record of (@irq, @dev_id), or NULL.  Caller holds dusk_irq_lock. */
static struct dusk_irq *dusk_irq_find(unsigned int irq, const void *dev_id)
{
	struct dusk_irq *r;

	list_for_each_entry(r, &dusk_irqs, node)
		if (r->irq == irq && r->dev_id == dev_id)
			return r;
	return NULL;
}

/*
 * What the kernel gets as an interrupt's answer from a proxy's: the
 * program's own, or IRQ_NONE for one it did not give (an errno there is
 * a "bogus return value" the kernel reports with a stack dump).
 */
static irqreturn_t dusk_irq_answer(irqreturn_t ret)
{
	return (unsigned int)ret <= (IRQ_HANDLED | IRQ_WAKE_THREAD) ? ret : IRQ_NONE;
}

/* The primary handler the kernel gets for every line of the program's:
 * hard interrupt context, where the program cannot run. */
static irqreturn_t dusk_irq_primary(int irq, void *dev_id)
{
	disable_irq_nosync(irq);
	return IRQ_WAKE_THREAD;
}

/*
 * The thread function the kernel gets for every line of the program's: the
 * module's handler, then, when it answers IRQ_WAKE_THREAD, its thread
 * function, as the kernel runs them (without one, the kernel warns and
 * drops the wake-up; so do we, silently); then the line is unmasked.
 * free_irq() waits for a woken thread, so every mask is undone, but one:
 * when the program is gone, its device's interrupt stays unacknowledged,
 * and a level-triggered line unmasked would fire again at once, over and
 * over, until the kernel disabled it as one "nobody cared" for.  So the
 * line stays masked until the session's end has freed it
 * (dusk_irq_forget_all()).
 */
static irqreturn_t dusk_irq_thread(int irq, void *dev_id)
{
	irq_handler_t handler = NULL, thread_fn = NULL;
	irqreturn_t ret = IRQ_NONE, raw = IRQ_NONE;
	struct dusk_irq *r;
	bool held = false, masked = true;

	spin_lock(&dusk_irq_lock);
	r = dusk_irq_find(irq, dev_id);
	if (r) {
		handler = r->handler;
		thread_fn = r->thread_fn;
		masked = r->masked;
	}
	spin_unlock(&dusk_irq_lock);
	if (handler)
		ret = dusk_irq_answer(raw = handler(irq, dev_id));
	if (ret & IRQ_WAKE_THREAD) {
		ret &= ~IRQ_WAKE_THREAD;
		if (thread_fn)
			ret |= dusk_irq_answer(raw = thread_fn(irq, dev_id)) & ~IRQ_WAKE_THREAD;
	}
	/* -ENOTCONN: no program (it may have died before the session knows) */
	if ((int)raw == -ENOTCONN || !READ_ONCE(dusk_sess.alive)) {
		spin_lock(&dusk_irq_lock);
		r = dusk_irq_find(irq, dev_id);
		if (r && !r->held)
			held = r->held = true;
		spin_unlock(&dusk_irq_lock);
	}
	if (held && !masked)
		disable_irq_nosync(irq);	/* IRQF_ONESHOT or a nested line unmasks it */
	else if (!held && masked)
		enable_irq(irq);
	return ret;
}

static void dusk_irq_forget(unsigned int irq, const void *dev_id)
{
	struct dusk_irq *r;

	spin_lock(&dusk_irq_lock);
	r = dusk_irq_find(irq, dev_id);
	if (r)
		list_del(&r->node);
	spin_unlock(&dusk_irq_lock);
	kfree(r);
}

/*
 * Record @handler and @thread_fn for (@irq, @dev_id) ahead of older
 * records of the pair, which dusk_irq_find() then no longer finds: the
 * request made next may fail (a second request of a registered pair), and
 * then dusk_irq_forget() drops this one and the older is found again.
 * 0 or -ENOMEM.
 */
static int dusk_irq_remember(unsigned int irq, void *dev_id, irq_handler_t handler,
			     irq_handler_t thread_fn, bool masked)
{
	struct dusk_irq *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->irq = irq;
	r->dev_id = dev_id;
	r->handler = handler;
	r->thread_fn = thread_fn;
	r->masked = masked;
	spin_lock(&dusk_irq_lock);
	list_add(&r->node, &dusk_irqs);
	spin_unlock(&dusk_irq_lock);
	return 0;
}

/* The request of (@irq, @dev_id) succeeded: older records of the pair (a
 * devm interrupt freed with its device leaves one) go. */
static void dusk_irq_forget_older(unsigned int irq, const void *dev_id)
{
	struct dusk_irq *r, *n, *first = NULL;
	LIST_HEAD(gone);

	spin_lock(&dusk_irq_lock);
	list_for_each_entry_safe(r, n, &dusk_irqs, node) {
		if (r->irq != irq || r->dev_id != dev_id)
			continue;
		if (first)
			list_move(&r->node, &gone);
		else
			first = r;
	}
	spin_unlock(&dusk_irq_lock);
	list_for_each_entry_safe(r, n, &gone, node)
		kfree(r);
}

/* Where the arguments of a request_threaded_irq() call are: devm_ puts the
 * device first. */
struct dusk_irq_args {
	const char *name;
	u8 irq, handler, thread_fn, flags, dev_id, nargs;
};

static const struct dusk_irq_args dusk_irq_calls[] = {
	{ "request_threaded_irq", 0, 1, 2, 3, 5, 6 },
	{ "devm_request_threaded_irq", 1, 2, 3, 4, 6, 7 },
};

/* Where @c's arguments are, if it is one of dusk_irq_calls with all of them. */
static const struct dusk_irq_args *dusk_irq_call_of(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_irq_calls); i++)
		if (dusk_name_is(name, dusk_irq_calls[i].name))
			return c->nargs >= dusk_irq_calls[i].nargs ? &dusk_irq_calls[i] : NULL;
	return NULL;
}

/*
 * request_any_context_irq(irq, handler, flags, name, dev_id), made by the
 * core: a nested line (its parent's thread calls the handler, in process
 * context) gets the core's thread function alone, any other line the
 * core's primary handler and thread function.  The answer is the kernel's:
 * IRQC_IS_NESTED, IRQC_IS_HARDIRQ (what the module asked for took that
 * form), or -errno.
 */
static int dusk_irq_any_context(const u64 *a)
{
	unsigned int irq = a[0];
	void *dev_id = (void *)(uintptr_t)a[4];
	bool nested;
	int err;

	if (irq == IRQ_NOTCONNECTED)
		return -ENOTCONN;
	nested = irq_check_status_bit(irq, IRQ_NESTED_THREAD);
	err = dusk_irq_remember(irq, dev_id, (irq_handler_t)(uintptr_t)a[1], NULL, !nested);
	if (err)
		return err;
	err = request_threaded_irq(irq, nested ? NULL : dusk_irq_primary, dusk_irq_thread,
				   (unsigned long)a[2], (const char *)(uintptr_t)a[3], dev_id);
	if (err) {
		dusk_irq_forget(irq, dev_id);
		return err;
	}
	dusk_irq_forget_older(irq, dev_id);
	return nested ? IRQC_IS_NESTED : IRQC_IS_HARDIRQ;
}

/**
 * dusk_irq_before_call() - request_threaded_irq() and its devm_ form: the
 * kernel gets the core's thread function, which runs the module's, and,
 * for a hard handler, the core's primary handler; request_any_context_irq()
 * is made by the core itself.
 * @c: the call; its ret is set when the core made it.
 * @a, @b: the stub's arguments and which of them are replaced.
 * Return: 0 (the stub runs), 1 (the core made the call: c->ret is its
 * answer), or -ENOMEM (the call is not made).
 * Context: process, no dusk lock held.
 */
int dusk_irq_before_call(struct dusk_call *c, u64 *a, struct dusk_bounce *b)
{
	const struct dusk_irq_args *w = dusk_irq_call_of(c);
	bool hard;
	int err;

	if (dusk_name_is(dusk_gen.stubs[c->stub].name, "request_any_context_irq") &&
	    c->nargs >= 5) {
		c->ret = (u64)(s64)dusk_irq_any_context(a);
		return 1;
	}
	if (!w || (!a[w->handler] && !a[w->thread_fn]))
		return 0;	/* the kernel refuses it */
	/* a thread function alone runs in a thread already: the core's runs
	 * it, so that its answer is an irqreturn_t and a dead program's
	 * line stays masked */
	hard = a[w->handler];
	err = dusk_irq_remember(a[w->irq], (void *)(uintptr_t)a[w->dev_id],
				(irq_handler_t)(uintptr_t)(hard ? a[w->handler] : a[w->thread_fn]),
				hard ? (irq_handler_t)(uintptr_t)a[w->thread_fn] : NULL, hard);
	if (err)
		return err;
	if (hard)
		a[w->handler] = (u64)(uintptr_t)dusk_irq_primary;
	a[w->thread_fn] = (u64)(uintptr_t)dusk_irq_thread;
	b->replaced |= BIT(w->handler) | BIT(w->thread_fn);
	return 0;
}

/**
 * dusk_irq_after_call() - a registration that failed leaves no record (the
 * pair's older one is found again), one that succeeded only its own; nor
 * does a line free_irq() or devm_free_irq() freed leave one (after the
 * call: the kernel waited for the thread function in flight, which needs
 * it).
 */
void dusk_irq_after_call(const struct dusk_call *c, const u64 *a)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	const struct dusk_irq_args *w = dusk_irq_call_of(c);

	if (dusk_name_is(name, "free_irq") && c->nargs >= 2) {
		dusk_irq_forget(a[0], (void *)(uintptr_t)a[1]);
		return;
	}
	if (dusk_name_is(name, "devm_free_irq") && c->nargs >= 3) {
		dusk_irq_forget(a[1], (void *)(uintptr_t)a[2]);
		return;
	}
	/* the core's thread function is in the call once its record is made */
	if (!w || a[w->thread_fn] != (u64)(uintptr_t)dusk_irq_thread)
		return;
	if (c->ret)
		dusk_irq_forget(a[w->irq], (void *)(uintptr_t)a[w->dev_id]);
	else
		dusk_irq_forget_older(a[w->irq], (void *)(uintptr_t)a[w->dev_id]);
}

bool dusk_irq_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_name_in(s->name, dusk_irq_calls, .name) || dusk_name_is(s->name, "free_irq") ||
	       dusk_name_is(s->name, "devm_free_irq") ||
	       dusk_name_is(s->name, "request_any_context_irq");
}

/**
 * dusk_irq_forget_all() - the session ended (its interrupts freed by undo
 * or with their devices): no record is needed any more.  A line left
 * masked for a dead program is unmasked if other drivers' handlers share
 * it (their interrupts must come again; the program's device may still
 * assert its own, which the kernel then treats as any unhandled one).  A
 * line no one holds any more was shut down by free_irq().
 * Context: process, after dusk_undo_all().
 */
void dusk_irq_forget_all(void)
{
	struct dusk_irq *r, *n;
	LIST_HEAD(gone);

	spin_lock(&dusk_irq_lock);
	list_splice_init(&dusk_irqs, &gone);
	spin_unlock(&dusk_irq_lock);
	list_for_each_entry_safe(r, n, &gone, node) {
		if (r->held && irq_has_action(r->irq))
			enable_irq(r->irq);
		kfree(r);
	}
}
