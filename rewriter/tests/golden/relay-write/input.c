// SPDX-License-Identifier: GPL-2.0
/*
 * relay_write() and __relay_write() are inlines that copy into a relay
 * channel's sub-buffer (the kernel's vmapped pages) with interrupts or
 * preemption off: they run in the kmod as kernel calls.  Before, the
 * rewriter refused the module at local_irq_save()'s paravirt asm.
 */
#include <linux/module.h>
#include <linux/relay.h>

static struct rchan *chan;

static void rw_log(const char *s, size_t n)
{
	relay_write(chan, s, n);
	__relay_write(chan, s, n);
}

static int __init rw_init(void)
{
	static const char hello[] = "hello\n";

	rw_log(hello, sizeof(hello) - 1);
	return 0;
}
module_init(rw_init);
MODULE_LICENSE("GPL");
