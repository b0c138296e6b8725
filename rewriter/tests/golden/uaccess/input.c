// SPDX-License-Identifier: GPL-2.0
/* Golden: get_user()/put_user() (inline asm calling __get_user_N /
 * __put_user_N) become copy_from_user/copy_to_user kernel stubs; the
 * rest of the macros' code stays as it is. */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

static long ua_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	int __user *uptr = (int __user *)arg;
	int v;

	if (get_user(v, uptr))
		return -EFAULT;
	return put_user(v + 1, uptr);
}

static const struct file_operations ua_fops = {
	.unlocked_ioctl = ua_ioctl,
};

static int __init ua_init(void)
{
	return ua_fops.unlocked_ioctl ? 0 : -EINVAL;
}

module_init(ua_init);
MODULE_LICENSE("GPL");
