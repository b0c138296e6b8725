// SPDX-License-Identifier: GPL-2.0
/*
 * klocal: a function's static variables handed to the kernel.
 *
 * Three functions each keep a static named `vals` (an int array, a struct
 * of the module's own type) or `work` (a work item), and hand it to the
 * kernel: async_schedule() takes the first two as untyped data, and the
 * kernel's async worker gives the pointer back to the module's callback;
 * schedule_work() takes the work item.  module_init logs what the
 * callbacks wrote, and module_exit runs everything once more.
 */
#include <linux/module.h>
#include <linux/async.h>
#include <linux/workqueue.h>

struct klocal_pair {
	long a;
	int b[2];
};

static int klocal_runs;

static void klocal_add(void *data, async_cookie_t cookie)
{
	int *v = data;

	*v += 10;
}

static void klocal_add_pair(void *data, async_cookie_t cookie)
{
	struct klocal_pair *p = data;

	p->a += 100;
	p->b[1] += 7;
}

static void klocal_work_fn(struct work_struct *w)
{
	klocal_runs++;
}

static int klocal_array(void)
{
	static int vals[3] = { 1, 2, 3 };
	int i;

	for (i = 0; i < 3; i++)
		async_schedule(klocal_add, &vals[i]);
	async_synchronize_full();
	pr_info("klocal: array %d %d %d\n", vals[0], vals[1], vals[2]);
	return vals[0] + vals[1] + vals[2];
}

static long klocal_struct(void)
{
	static struct klocal_pair vals = { 5, { 6, 7 } };

	async_schedule(klocal_add_pair, &vals);
	async_synchronize_full();
	pr_info("klocal: struct %ld %d %d (%zu bytes)\n", vals.a, vals.b[0], vals.b[1],
		sizeof(vals));
	return vals.a;
}

static void klocal_work(void)
{
	static struct work_struct work;

	INIT_WORK(&work, klocal_work_fn);
	schedule_work(&work);
	flush_work(&work);
	pr_info("klocal: work ran %d times\n", klocal_runs);
}

static void klocal_all(const char *when)
{
	int sum = klocal_array();
	long a = klocal_struct();

	klocal_work();
	pr_info("klocal: %s sum %d a %ld\n", when, sum, a);
}

static int __init klocal_init(void)
{
	klocal_all("init");
	return 0;
}

static void __exit klocal_exit(void)
{
	klocal_all("exit");
}

module_init(klocal_init);
module_exit(klocal_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a function's static variables handed to the kernel");
