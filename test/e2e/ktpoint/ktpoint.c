// SPDX-License-Identifier: GPL-2.0
/*
 * ktpoint — a probe on the sched_process_fork tracepoint, found with
 * for_each_kernel_tracepoint() as out-of-tree modules must (the
 * tracepoint is not exported), counting forks; the count is logged at
 * exit.
 *
 * A tracepoint probe runs in atomic context wherever the kernel hits the
 * tracepoint; a user build cannot run it.  Its
 * tracepoint_probe_register() is refused (-EOPNOTSUPP, named in the
 * kernel log), so module_init fails cleanly, where before the load
 * succeeded and the probe silently never ran (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

static struct tracepoint *tp;
static atomic_t forks = ATOMIC_INIT(0);

static void fork_probe(void *data, struct task_struct *parent, struct task_struct *child)
{
	atomic_inc(&forks);
}

static void find_tp(struct tracepoint *t, void *priv)
{
	if (!strcmp(t->name, "sched_process_fork"))
		tp = t;
}

static int __init ktpoint_init(void)
{
	int ret;

	for_each_kernel_tracepoint(find_tp, NULL);
	if (!tp) {
		pr_err("sched_process_fork not found\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(tp, fork_probe, NULL);
	if (ret) {
		pr_err("tracepoint_probe_register failed: %d\n", ret);
		return ret;
	}
	pr_info("probe on %s\n", tp->name);
	return 0;
}

static void __exit ktpoint_exit(void)
{
	tracepoint_probe_unregister(tp, fork_probe, NULL);
	tracepoint_synchronize_unregister();
	pr_info("exit: forks %s\n", atomic_read(&forks) ? "counted" : "none");
}

module_init(ktpoint_init);
module_exit(ktpoint_exit);
MODULE_LICENSE("GPL");
