// SPDX-License-Identifier: GPL-2.0
/* Golden: declarations that kernel macros build: DEFINE_KFIFO (a compound
 * literal of an anonymous type as a static initializer, typeof(fifo) locals),
 * DECLARE_TASKLET[_OLD] and IRQ_WORK_INIT (designators of fields in
 * anonymous unions), wait_event_interruptible (statement expressions with
 * declarations and a GNU local label, static_call_mod(): &function),
 * fallthrough; in a switch of the module and in jhash(). */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/jhash.h>
#include <linux/wait.h>
#include <linux/kfifo.h>
#include <linux/interrupt.h>
#include <linux/irq_work.h>
#include <linux/sched.h>

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int ready;
static DEFINE_KFIFO(fifo, int, 16);

static void tl_fn(struct tasklet_struct *t)
{
	ready = 1;
}
static DECLARE_TASKLET(tl, tl_fn);

static void old_fn(unsigned long data)
{
	ready = (int)data;
}
static DECLARE_TASKLET_OLD(tl_old, old_fn);

static void iw_fn(struct irq_work *w)
{
	ready = 2;
}
static struct irq_work iw = IRQ_WORK_INIT(iw_fn);

static int classify(int v)
{
	int r = 0;

	switch (v) {
	case 1:
		r++;
		fallthrough;
	case 2:
		r++;
		break;
	default:
		break;
	}
	return r;
}

static int __init m_init(void)
{
	u32 h = jhash("abc", 3, 0);
	int err;

	err = wait_event_interruptible(wq, ready != 0);
	return classify((int)h) + err + kfifo_len(&fifo);
}

static void __exit m_exit(void)
{
}

module_init(m_init);
module_exit(m_exit);
MODULE_LICENSE("GPL");
