// SPDX-License-Identifier: GPL-2.0
/* Kernel declarations that the generated kmod must take as the kernel's
 * own build does: an array-typed parameter (kthread_create_on_node's
 * namefmt[]), _IOC's compile-time size check, and a function declared with
 * __attribute__((warning)) (flush_scheduled_work). */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/workqueue.h>
#include <linux/ioctl.h>
#include <linux/err.h>

struct kd_req {
	int a, b;
};

#define KD_GET _IOR('k', 1, struct kd_req)
#define KD_SET _IOW('k', 2, int)

static struct task_struct *kd_task;

static int kd_thread(void *data)
{
	return 0;
}

static long kd_cmd(unsigned int cmd)
{
	switch (cmd) {
	case KD_GET:
		return 1;
	case KD_SET:
		return 2;
	}
	return (long)KD_GET + _IOC_SIZE(cmd);
}

static int __init kd_init(void)
{
	kd_task = kthread_create_on_node(kd_thread, NULL, -1, "kd-%d", 1);
	if (IS_ERR(kd_task))
		return PTR_ERR(kd_task);
	return (int)kd_cmd(KD_SET) - 2;
}

static void __exit kd_exit(void)
{
	flush_scheduled_work();
}

module_init(kd_init);
module_exit(kd_exit);
MODULE_LICENSE("GPL");
