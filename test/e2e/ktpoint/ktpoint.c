// SPDX-License-Identifier: GPL-2.0
/*
 * ktpoint — probes on the sched_process_fork and sched_process_exec
 * tracepoints, found with for_each_kernel_tracepoint() as out-of-tree
 * modules must (they are not exported): forks made by a task named
 * "tpfork" and execs of "tpexec" are logged and counted in a record the
 * probes get as their data; the counts are logged at exit.
 *
 * A tracepoint probe runs wherever the kernel hits the tracepoint, with
 * preemption off; a user build runs it later in the program with the
 * arguments of the hit and `current` as it was there
 * (dusk-kmod/core/tracepoint.c).  Before, tracepoint_probe_register() was
 * refused, and before that the probe silently never ran (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/binfmts.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

struct tp_stats {
	const char *what;
	atomic_t hits;
};

static struct tracepoint *fork_tp, *exec_tp;
static struct tp_stats forks = { "forks" }, execs = { "execs" };

static void fork_probe(void *data, struct task_struct *parent, struct task_struct *child)
{
	struct tp_stats *st = data;

	if (strcmp(parent->comm, "tpfork"))
		return;
	pr_info("%s: %s forked a child of its name %d, other pid %d\n", st->what,
		parent->comm, !strcmp(child->comm, parent->comm), child->pid != parent->pid);
	atomic_inc(&st->hits);
}

/* three arguments after the data, one an int */
static void exec_probe(void *data, struct task_struct *p, pid_t old_pid,
		       struct linux_binprm *bprm)
{
	struct tp_stats *st = data;

	if (strcmp(p->comm, "tpexec"))
		return;
	pr_info("%s: %s exec'ed, pid kept %d, is current %d\n", st->what, p->comm,
		old_pid == p->pid, p == current);
	atomic_inc(&st->hits);
}

static void find_tp(struct tracepoint *t, void *priv)
{
	if (!strcmp(t->name, "sched_process_fork"))
		fork_tp = t;
	else if (!strcmp(t->name, "sched_process_exec"))
		exec_tp = t;
}

static int __init ktpoint_init(void)
{
	int ret;

	for_each_kernel_tracepoint(find_tp, NULL);
	if (!fork_tp || !exec_tp) {
		pr_err("tracepoints not found\n");
		return -ENOENT;
	}
	ret = tracepoint_probe_register(fork_tp, fork_probe, &forks);
	if (ret) {
		pr_err("tracepoint_probe_register failed: %d\n", ret);
		return ret;
	}
	ret = tracepoint_probe_register_prio(exec_tp, exec_probe, &execs, 10);
	if (ret) {
		pr_err("tracepoint_probe_register_prio failed: %d\n", ret);
		tracepoint_probe_unregister(fork_tp, fork_probe, &forks);
		return ret;
	}
	/* the same probe and data again: the kernel's -EEXIST, no warning */
	pr_info("again: %d\n",
		tracepoint_probe_register_prio_may_exist(fork_tp, fork_probe, &forks, 10));
	pr_info("probes on %s and %s\n", fork_tp->name, exec_tp->name);
	return 0;
}

static void __exit ktpoint_exit(void)
{
	tracepoint_probe_unregister(fork_tp, fork_probe, &forks);
	tracepoint_probe_unregister(exec_tp, exec_probe, &execs);
	tracepoint_synchronize_unregister();
	pr_info("exit: forks %d, execs %d\n", atomic_read(&forks.hits), atomic_read(&execs.hits));
}

module_init(ktpoint_init);
module_exit(ktpoint_exit);
MODULE_LICENSE("GPL");
