// SPDX-License-Identifier: GPL-2.0
/*
 * `*array`, the first element of an array through its decayed pointer
 * (ipt_CLUSTERIP's `*buffer == '+'` on a local buffer), and refcount
 * dec-and-lock on the module's own lock (its refcount_dec_and_lock()):
 * the user-level lock, as atomic_dec_and_lock().
 */
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

static DEFINE_SPINLOCK(da_lock);
static refcount_t da_refs = REFCOUNT_INIT(1);
static char da_names[2][8];

int da_parse(const char __user *input, size_t size)
{
	char buffer[11];

	if (size > 10 || copy_from_user(buffer, input, size))
		return -EFAULT;
	buffer[size] = 0;
	return *buffer == '+' || **da_names == '-';
}

void da_put(void)
{
	if (refcount_dec_and_lock(&da_refs, &da_lock))
		spin_unlock(&da_lock);
}

static int __init da_init(void)
{
	return 0;
}
module_init(da_init);
MODULE_LICENSE("GPL");
