// SPDX-License-Identifier: GPL-2.0
/*
 * Module entry points of a generated DUSK extension module, its tunables
 * and its counters.
 *
 * Tunables are module parameters (/sys/module/dusk_<mod>/parameters/):
 *   nf_timeout_ms     how long a stolen packet waits for its verdict
 *   block_timeout_ms  how long a blocked caller waits between messages
 *   queue_max         bound of the queue of upcalls raised in atomic context,
 *                     and of the callers blocked at once
 *   mem_max_mb        bound of the mirrors and owned memory of a session
 *   fail_closed       failure policy for packets: 0 accept (default), 1 drop
 * The counters (enum dusk_stat) are answered by STATS and shown in
 * /sys/kernel/debug/dusk_<mod>/stats, one "name value" line each, followed
 * by "pending N" (upcalls from atomic context waiting now) and
 * "session bound|none".  Counters live as long as the module, across
 * sessions.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>
#include "dusk-core.h"

unsigned int dusk_nf_timeout_ms = 2000;
module_param_named(nf_timeout_ms, dusk_nf_timeout_ms, uint, 0644);
MODULE_PARM_DESC(nf_timeout_ms,
		 "ms a stolen packet waits for the program's verdict (default 2000)");

unsigned int dusk_block_timeout_ms = 10000;
module_param_named(block_timeout_ms, dusk_block_timeout_ms, uint, 0644);
MODULE_PARM_DESC(block_timeout_ms,
		 "ms a blocked caller waits for the program's next message (default 10000)");

unsigned int dusk_queue_max = 1024;
module_param_named(queue_max, dusk_queue_max, uint, 0644);
MODULE_PARM_DESC(queue_max, "upcalls from atomic context that may wait at once (default 1024)");

unsigned int dusk_mem_max_mb = 1024;
module_param_named(mem_max_mb, dusk_mem_max_mb, uint, 0644);
MODULE_PARM_DESC(mem_max_mb,
		 "MiB of mirrors and owned memory one program may hold (default 1024)");

bool dusk_fail_closed;
module_param_named(fail_closed, dusk_fail_closed, bool, 0644);
MODULE_PARM_DESC(fail_closed, "failure policy for packets: N accept (default), Y drop");

atomic64_t dusk_stats[__DUSK_STAT_MAX];

const char *const dusk_stat_names[__DUSK_STAT_MAX] = {
	[DUSK_STAT_UPCALLS] = "upcalls",
	[DUSK_STAT_REPLIES] = "replies",
	[DUSK_STAT_REQUESTS] = "requests",
	[DUSK_STAT_BYTES_READ] = "bytes_read",
	[DUSK_STAT_BYTES_WRITTEN] = "bytes_written",
	[DUSK_STAT_CALLS] = "calls",
	[DUSK_STAT_POLICY_ACCEPT] = "policy_accept",
	[DUSK_STAT_POLICY_DROP] = "policy_drop",
	[DUSK_STAT_QUEUE_FULL] = "queue_full",
	[DUSK_STAT_TIMEOUTS] = "timeouts",
	[DUSK_STAT_SYNC_ANSWERS] = "sync_answers",
	[DUSK_STAT_SYNC_POLICY] = "sync_policy",
	[DUSK_STAT_REFUSED] = "refused",
	[DUSK_STAT_DATAGRAMS] = "datagrams",
	[DUSK_STAT_DIRECT_ANSWERS] = "direct_answers",
	[DUSK_STAT_LATE_MISSED] = "late_missed",
};

static struct dentry *dusk_debugfs;

/* debugfs stats: "name value" per counter, then pending, undo records
 * (what teardown would take back) and session. */
static int dusk_stats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < __DUSK_STAT_MAX; i++)
		seq_printf(m, "%s %lld\n", dusk_stat_names[i],
			   (long long)atomic64_read(&dusk_stats[i]));
	seq_printf(m, "pending %u\n", READ_ONCE(dusk_sess.npending));
	seq_printf(m, "undo %u\n", dusk_undo_count());
	seq_printf(m, "session %s\n", READ_ONCE(dusk_sess.bound) ? "bound" : "none");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dusk_stats);

/*
 * The core's parts, set up in this order at load and taken down in the
 * reverse order (at unload, or when a later part fails to set up).  A part
 * that watches namespaces (@net) or devices (@netdev) going has its ops
 * registered after its @init and unregistered before its @exit.
 */
struct dusk_part {
	int (*init)(void);
	void (*exit)(void);
	struct pernet_operations *net;
	struct notifier_block *netdev;
};

static const struct dusk_part dusk_parts[] = {
	{ .init = dusk_stubclass_init, .exit = dusk_stubclass_exit },
	{ .init = dusk_session_init, .exit = dusk_session_exit },
	{ .netdev = &dusk_nf_netdev_nb },
	/* devices of the session's link types (netdevhand.c) */
	{ .netdev = &dusk_netdev_nb },
	{ .net = &dusk_xtreg_net_ops, .exit = dusk_xtreg_exit },
	{ .init = dusk_hrtimer_init, .exit = dusk_hrtimer_exit },
	{ .init = dusk_late_init, .exit = dusk_late_exit },
	{ .exit = dusk_irqdefer_exit },
	{ .init = dusk_skbh_init, .exit = dusk_skbh_exit },
	/* taken down before the handovers (parts go last first): its
	 * work flushes their queue */
	{ .exit = dusk_rcufree_exit },
	{ .exit = dusk_netstats_exit },
	{ .init = dusk_calldefer_init, .exit = dusk_calldefer_exit },
	{ .init = dusk_blkmq_init, .exit = dusk_blkmq_exit },
	{ .init = dusk_voidlate_init, .exit = dusk_voidlate_exit },
	{ .net = &dusk_pernet_net_ops, .exit = dusk_pernet_forget_all },
	/* single_open()'s iterator, for one-upcall reads; its proc_ops
	 * copies go after the session's proc entries did */
	{ .init = dusk_seqread_init, .exit = dusk_seqread_exit },
};

static int dusk_part_init(const struct dusk_part *p)
{
	int err = p->init ? p->init() : 0;

	if (err)
		return err;
	if (p->net)
		err = register_pernet_subsys(p->net);
	else if (p->netdev)
		err = register_netdevice_notifier(p->netdev);
	if (err && p->exit)
		p->exit();
	return err;
}

/* Take down the first @n parts, last first. */
static void dusk_parts_exit(size_t n)
{
	const struct dusk_part *p;

	while (n--) {
		p = &dusk_parts[n];
		if (p->net)
			unregister_pernet_subsys(p->net);
		else if (p->netdev)
			unregister_netdevice_notifier(p->netdev);
		if (p->exit)
			p->exit();
	}
}

static int __init dusk_init(void)
{
	char dir[sizeof(DUSK_GENL_PREFIX) + DUSK_MAX_MODNAME];
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(dusk_parts); i++) {
		err = dusk_part_init(&dusk_parts[i]);
		if (err) {
			dusk_parts_exit(i);
			return err;
		}
	}
	err = dusk_family_register();
	if (err) {
		dusk_parts_exit(ARRAY_SIZE(dusk_parts));
		return err;
	}
	snprintf(dir, sizeof(dir), "%s%s", DUSK_GENL_PREFIX, dusk_gen.modname);
	/* debugfs is a convenience: its failure does not fail the module. */
	dusk_debugfs = debugfs_create_dir(dir, NULL);
	debugfs_create_file("stats", 0444, dusk_debugfs, NULL, &dusk_stats_fops);
	dusk_stubclass_debugfs(dusk_debugfs);
	return 0;
}

/*
 * Unload while a program is bound is allowed.  The family goes first, so no
 * request can bind a new session; then the session is torn down (hooks
 * unregistered, packets released, blocked callers woken), then the parts.
 */
static void __exit dusk_exit(void)
{
	debugfs_remove_recursive(dusk_debugfs);
	dusk_family_unregister();
	dusk_session_end();
	dusk_parts_exit(ARRAY_SIZE(dusk_parts));
	/* Callbacks the kernel queued with the module's proxies (call_rcu,
	 * kfree_rcu-style frees) finish before its text goes away. */
	rcu_barrier();
}

module_init(dusk_init);
module_exit(dusk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK extension module: runs a kernel module's code in a user program");
