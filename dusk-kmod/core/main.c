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
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
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

static int __init dusk_init(void)
{
	char dir[sizeof(DUSK_GENL_PREFIX) + DUSK_MAX_MODNAME];
	int err;

	err = dusk_stubclass_init();
	if (err)
		return err;
	err = dusk_session_init();
	if (err)
		goto err_stubclass;
	err = dusk_nf_init();
	if (err)
		goto err_session;
	err = dusk_xt_init();
	if (err)
		goto err_nf;
	err = dusk_xt_target_init();
	if (err)
		goto err_xt;
	err = dusk_hrtimer_init();
	if (err)
		goto err_xttg;
	err = dusk_skbh_init();
	if (err)
		goto err_hrtimer;
	err = dusk_calldefer_init();
	if (err)
		goto err_skbh;
	err = dusk_pernet_init();
	if (err)
		goto err_calldefer;
	/* single_open()'s iterator, for one-upcall reads (cannot fail) */
	dusk_seqread_init();
	err = dusk_family_register();
	if (err)
		goto err_pernet;
	snprintf(dir, sizeof(dir), "%s%s", DUSK_GENL_PREFIX, dusk_gen.modname);
	/* debugfs is a convenience: its failure does not fail the module. */
	dusk_debugfs = debugfs_create_dir(dir, NULL);
	debugfs_create_file("stats", 0444, dusk_debugfs, NULL, &dusk_stats_fops);
	dusk_stubclass_debugfs(dusk_debugfs);
	return 0;

err_pernet:
	dusk_seqread_exit();
	dusk_pernet_exit();
err_calldefer:
	dusk_calldefer_exit();
err_skbh:
	dusk_skbh_exit();
err_hrtimer:
	dusk_hrtimer_exit();
err_xttg:
	dusk_xt_target_exit();
err_xt:
	dusk_xt_exit();
err_nf:
	dusk_nf_exit();
err_session:
	dusk_session_exit();
err_stubclass:
	dusk_stubclass_exit();
	return err;
}

/*
 * Unload while a program is bound is allowed.  The family goes first, so no
 * request can bind a new session; then the session is torn down (hooks
 * unregistered, packets released, blocked callers woken).
 */
static void __exit dusk_exit(void)
{
	debugfs_remove_recursive(dusk_debugfs);
	dusk_family_unregister();
	dusk_session_end();
	/* after the session's proc entries went: their proc_ops copies */
	dusk_seqread_exit();
	dusk_pernet_exit();
	dusk_calldefer_exit();
	dusk_skbh_exit();
	dusk_hrtimer_exit();
	dusk_xt_target_exit();
	dusk_xt_exit();
	dusk_nf_exit();
	dusk_session_exit();
	dusk_stubclass_exit();
	/* Callbacks the kernel queued with the module's proxies (call_rcu,
	 * kfree_rcu-style frees) finish before its text goes away. */
	rcu_barrier();
}

module_init(dusk_init);
module_exit(dusk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK extension module: runs a kernel module's code in a user program");
