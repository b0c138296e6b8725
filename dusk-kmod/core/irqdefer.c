// SPDX-License-Identifier: GPL-2.0
/*
 * Void callbacks called in hard interrupt context or with interrupts off:
 * irq_work functions (void (struct irq_work *)), run from the irq_work
 * self-interrupt or the tick; an input handler's .event, which
 * input_event() calls under the device's event_lock, interrupts off.
 *
 * They need no answer, so their proxy is an async one, but an upcall
 * cannot be sent from hard interrupt context (netlink, the session's
 * queue lock with bottom halves off: dusk_upcall_async() refuses it).
 * The proxy therefore records the call and returns at once; one work item
 * raises the upcalls in the order they were made.  The function runs in
 * the program later than in the kernel build, as an hrtimer function's
 * does.  Before, the proxy was a blocking one, which in hard interrupt
 * context answered -EWOULDBLOCK: the function never ran.
 */
#include <linux/llist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

struct dusk_irq_call {
	struct llist_node node;
	u32 proxy;
	u32 nargs;
	u64 args[DUSK_MAX_ARGS];
};

static LLIST_HEAD(dusk_irq_calls);

/* Raise the recorded calls' upcalls, oldest first. */
static void dusk_irq_calls_run(struct work_struct *work)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&dusk_irq_calls));
	struct dusk_irq_call *c, *next;

	llist_for_each_entry_safe(c, next, list, node) {
		dusk_upcall_async(c->proxy, c->args, c->nargs);
		kfree(c);
	}
}

static DECLARE_WORK(dusk_irq_work, dusk_irq_calls_run);

/**
 * dusk_upcall_async_irq() - dusk_upcall_async() from any context.
 * @proxy: index into dusk_gen.proxies.
 * @args:  widened arguments (copied).
 * @nargs: how many.
 *
 * Context: any; in hard interrupt context or with interrupts off the
 * upcall is raised from a work item.  Called by generated proxies.
 * Return: 0 when the upcall was sent or deferred, else a negative errno
 * (a call that could not be recorded is counted in DUSK_STAT_QUEUE_FULL).
 */
int dusk_upcall_async_irq(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_irq_call *c;

	/* with interrupts off, the session queue's bottom-half lock could
	 * not be let go either */
	if (!in_hardirq() && !irqs_disabled())
		return dusk_upcall_async(proxy, args, nargs);
	if (WARN_ON_ONCE(nargs > DUSK_MAX_ARGS))
		return -EINVAL;
	c = kmalloc(sizeof(*c), GFP_ATOMIC);
	if (!c) {
		dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		return -ENOBUFS;
	}
	c->proxy = proxy;
	c->nargs = nargs;
	memcpy(c->args, args, nargs * sizeof(*args));
	llist_add(&c->node, &dusk_irq_calls);
	schedule_work(&dusk_irq_work);
	return 0;
}

/**
 * dusk_irqdefer_flush() - wait until the calls recorded so far have been
 * raised as upcalls.
 * Context: process, no dusk lock held.
 */
void dusk_irqdefer_flush(void)
{
	flush_work(&dusk_irq_work);
}

/**
 * dusk_irqdefer_exit() - module exit, after the session ended: calls
 * still recorded find no session and are dropped.
 */
void dusk_irqdefer_exit(void)
{
	cancel_work_sync(&dusk_irq_work);
	dusk_irq_calls_run(NULL);
}
