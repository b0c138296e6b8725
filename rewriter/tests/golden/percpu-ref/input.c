// SPDX-License-Identifier: GPL-2.0
/*
 * A percpu_ref counts in the kernel's per-cpu memory (its percpu_ref_data
 * once killed): get, put and tryget run there as kernel calls, and the
 * last put there calls release.  Its callbacks (percpu_ref_func_t) run
 * from an RCU callback, in softirq: a confirm_switch always, a release
 * when the switch to atomic mode drops the last reference.  They are
 * async upcalls (a blocking proxy would answer at once there, and the
 * callback would never run).
 */
#include <linux/module.h>
#include <linux/percpu-refcount.h>
#include <linux/completion.h>

static struct percpu_ref ref;
static DECLARE_COMPLETION(released);
static DECLARE_COMPLETION(confirmed);

static void pr_release(struct percpu_ref *r)
{
	complete(&released);
}

static void pr_confirm(struct percpu_ref *r)
{
	complete(&confirmed);
}

static int __init pr_init(void)
{
	int ret = percpu_ref_init(&ref, pr_release, 0, GFP_KERNEL);

	if (ret)
		return ret;
	percpu_ref_get(&ref);
	if (percpu_ref_tryget_live(&ref))
		percpu_ref_put(&ref);
	percpu_ref_kill_and_confirm(&ref, pr_confirm);
	wait_for_completion(&confirmed);
	percpu_ref_put(&ref);
	wait_for_completion(&released);
	percpu_ref_exit(&ref);
	return 0;
}
module_init(pr_init);
MODULE_LICENSE("GPL");
