// SPDX-License-Identifier: GPL-2.0
/*
 * kirqwork: an irq_work function, which the kernel runs in hard interrupt
 * context, queued three times from init; each run completes a completion
 * init waits for.  The user build's proxy raises its upcall from a work
 * item (dusk-kmod/core/irqdefer.c); before, a blocking proxy answered
 * -EWOULDBLOCK there and the function never ran.
 */
#include <linux/module.h>
#include <linux/irq_work.h>
#include <linux/completion.h>

static struct irq_work kiw_work;
static DECLARE_COMPLETION(kiw_done);
static int kiw_runs;

static void kiw_fn(struct irq_work *w)
{
	kiw_runs++;
	complete(&kiw_done);
}

static int __init kiw_init(void)
{
	int i, ok = 0;

	init_irq_work(&kiw_work, kiw_fn);
	for (i = 0; i < 3; i++) {
		irq_work_queue(&kiw_work);
		if (wait_for_completion_timeout(&kiw_done, 5 * HZ))
			ok++;
	}
	irq_work_sync(&kiw_work);
	pr_info("kirqwork: %d of 3 runs completed, %d runs\n", ok, kiw_runs);
	return 0;
}

static void __exit kiw_exit(void)
{
	pr_info("kirqwork: unloaded\n");
}

module_init(kiw_init);
module_exit(kiw_exit);
MODULE_LICENSE("GPL");
