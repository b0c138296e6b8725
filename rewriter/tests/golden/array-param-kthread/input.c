// SPDX-License-Identifier: GPL-2.0
/* Golden: a kernel function whose parameter is declared as an array
 * (kthread_create_on_node()'s `const char namefmt[]`) takes a pointer:
 * the argument is committed (a string: its mirror), never passed as the
 * program's address (the kernel's vsnprintf() read it: an oops). */
#include <linux/module.h>
#include <linux/err.h>
#include <linux/kthread.h>

static int ap_fn(void *data)
{
	return 0;
}

static int __init ap_init(void)
{
	struct task_struct *t = kthread_create(ap_fn, NULL, "ap");

	return PTR_ERR_OR_ZERO(t);
}
module_init(ap_init);
MODULE_LICENSE("GPL");
