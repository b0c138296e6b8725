// SPDX-License-Identifier: GPL-2.0
/* A goto in a branch the kernel's compiler folds away: the uninterruptible
 * wait_event_timeout()'s `if (___wait_is_interruptible(state) && __int)
 * { ... goto __out; }` is constant, folded, and its `__out:` label left
 * without a goto; the program is built with -Werror. */
#include <linux/module.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(wq);
static int ready;

static int __init ul_init(void)
{
	long left = wait_event_timeout(wq, ready, 1);

	pr_info("unused-label: %ld\n", left);
	return 0;
}

static void __exit ul_exit(void)
{
}

module_init(ul_init);
module_exit(ul_exit);
MODULE_LICENSE("GPL");
