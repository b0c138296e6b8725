// kclksrc: a clocksource of the module's own, as a board's timer driver
// registers one (rated low: not selected on its own).  Timekeeping
// calls a clocksource's read() with interrupts off, under the
// timekeeper's seqcount -- every tick once it is the current one, and at
// the switch under stop_machine() -- where a user build cannot answer,
// so the user build's registration is refused; the kernel build's
// succeeds.
#include <linux/module.h>
#include <linux/clocksource.h>
#include <linux/sched/clock.h>

static u64 kclksrc_read(struct clocksource *cs)
{
	return local_clock();
}

static struct clocksource kclksrc_cs = {
	.name = "kclksrc",
	.rating = 10,
	.read = kclksrc_read,
	.mask = CLOCKSOURCE_MASK(64),
	.flags = CLOCK_SOURCE_IS_CONTINUOUS,
};

static int __init kclksrc_init(void)
{
	int err = clocksource_register_hz(&kclksrc_cs, NSEC_PER_SEC);

	pr_info("kclksrc: clocksource: %d\n", err);
	return err;
}

static void __exit kclksrc_exit(void)
{
	clocksource_unregister(&kclksrc_cs);
}

module_init(kclksrc_init);
module_exit(kclksrc_exit);
MODULE_LICENSE("GPL");
