// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: one owner per object.  The user build takes the
 * module's locks at user level; a kernel call the tables do not know that
 * acts on one (here declared by the module itself) would ask the kernel's
 * copy, which is never locked: refused with its line, for a mutex, a
 * spinlock and an rwlock alike. */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

extern int vendor_mutex_owned(struct mutex *m);
extern int vendor_spin_owned(spinlock_t *l);
extern int vendor_rw_owned(rwlock_t *l);

static DEFINE_MUTEX(ol_mutex);
static DEFINE_SPINLOCK(ol_spin);
static DEFINE_RWLOCK(ol_rw);

static int __init ol_init(void)
{
	int r = 0;

	mutex_lock(&ol_mutex);
	r += vendor_mutex_owned(&ol_mutex);
	mutex_unlock(&ol_mutex);
	spin_lock(&ol_spin);
	r += vendor_spin_owned(&ol_spin);
	spin_unlock(&ol_spin);
	r += vendor_rw_owned(&ol_rw);
	return r;
}

module_init(ol_init);
MODULE_LICENSE("GPL");
