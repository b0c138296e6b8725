// SPDX-License-Identifier: GPL-2.0
/*
 * An irq_work function (void (struct irq_work *)) runs in hard interrupt
 * context, from the irq_work self-interrupt or the tick: it gets an async
 * proxy whose upcall the kmod raises from a work item
 * (dusk_upcall_async_irq()).  Before, a blocking proxy answered
 * -EWOULDBLOCK there and the function never ran.
 */
#include <linux/module.h>
#include <linux/irq_work.h>
#include <linux/completion.h>

static struct irq_work iw_work;
static DECLARE_COMPLETION(iw_done);

static void iw_fn(struct irq_work *w)
{
	complete(&iw_done);
}

static int __init iw_init(void)
{
	init_irq_work(&iw_work, iw_fn);
	irq_work_queue(&iw_work);
	return wait_for_completion_timeout(&iw_done, HZ) ? 0 : -ETIMEDOUT;
}
module_init(iw_init);
MODULE_LICENSE("GPL");
