// SPDX-License-Identifier: GPL-2.0
/* Golden: kernel-only primitives get their user-level meaning from
 * include/dusk/kprim.h: locks, RCU, atomics, bitops, current, barriers. */
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

static DEFINE_SPINLOCK(lock);
static DEFINE_MUTEX(mtx);
static atomic_t hits = ATOMIC_INIT(0);
static unsigned long bits[2];

static int kp_run(void)
{
	unsigned long flags;
	int pid;

	spin_lock_irqsave(&lock, flags);
	set_bit(3, bits);
	spin_unlock_irqrestore(&lock, flags);
	mutex_lock(&mtx);
	atomic_inc(&hits);
	mutex_unlock(&mtx);
	rcu_read_lock();
	pid = current->pid;
	rcu_read_unlock();
	barrier();
	return pid + test_bit(3, bits) + atomic_read(&hits);
}

static int __init kp_init(void)
{
	return kp_run() < 0;
}

module_init(kp_init);
MODULE_LICENSE("GPL");
