// SPDX-License-Identifier: GPL-2.0
/* x86 xchg/cmpxchg/try_cmpxchg/smp_mb asm (macros, not functions) as __atomic builtins */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/sched.h>
struct st { unsigned long prev; u8 b; u64 q; };
static struct st s;
static unsigned long *kp;
static int __init t_init(void)
{
	unsigned long old = 5, o2;
	u8 ob;
	o2 = xchg(&s.prev, 7UL);
	ob = cmpxchg(&s.b, 0, 1);
	if (!try_cmpxchg(&s.q, &old, 9))
		o2++;
	smp_mb();
	if (kp)
		xchg(kp, 3UL);
	set_current_state(TASK_INTERRUPTIBLE);
	return (int)(o2 + ob);
}
module_init(t_init);
MODULE_LICENSE("GPL");
