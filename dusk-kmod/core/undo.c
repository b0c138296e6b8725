// SPDX-License-Identifier: GPL-2.0
/*
 * Undo records: what the program registered with the kernel, so that the
 * core can take it back when the program goes away without doing so.
 *
 * dusk_gen.undo lists register/unregister pairs.  When a stub that is the
 * `reg` of a pair succeeds (int result >= 0; RET_PTR stubs: not NULL and
 * not an ERR_PTR) the arguments its `unreg` needs are recorded; the record
 * is allocated before the call (dusk_undo_prepare()), so nothing is ever
 * registered that the core could not undo.  A call of an `unreg` with the
 * same arguments forgets the newest matching record; a registration equal
 * to a live record (mod_timer() re-arming) adds none.
 *
 * Named kernel objects -- proc and debugfs entries -- can also disappear
 * in ways that do not repeat the record's arguments, and must then be
 * forgotten too, or teardown would remove a freed object:
 *   - removal by name: remove_proc_entry(name, parent) and
 *     remove_proc_subtree(name, parent) remove the entry created with that
 *     name under that parent (and, for a subtree, everything below it);
 *   - removal of a directory: proc_remove(dir), debugfs_remove(dir) and
 *     remove_proc_subtree() remove every entry below it.
 * Deferred work -- work items, delayed work, timers, hrtimers, tasklets,
 * RCU callbacks -- fires into the module after the program died unless
 * taken back, and a module that never cancels it (it relies on its own
 * exit) has no undo pair in dusk_gen.undo.  So the core knows these calls
 * itself (dusk_implicit_regs): queueing a work item records a
 * cancel_*_sync() of it for teardown (once per object), and teardown ends
 * with rcu_barrier() when the program ever called call_rcu().  Such a
 * record whose object lies in memory the program gives back is forgotten
 * with it (dusk_undo_forget_range()): a tasklet disabled and freed, or a
 * timer that expired and was freed, is not "killed" at teardown in memory
 * that is someone else's by then (tasklet_kill() of such memory may spin
 * forever).  The core's record wins over an undo pair of the module's for
 * the same call (add_timer/del_timer_sync), which would not be forgotten.  A kernel thread is such an object too: one
 * created and never woken would wait forever with the module's function
 * as its body, so teardown kthread_stop()s every thread the program
 * created and did not stop itself; the record holds a reference on the
 * task, since a thread whose body returned is gone otherwise.
 * Registrations of core kernel objects that a module undoes only in its
 * exit -- pernet operations, netdevice notifiers, misc devices -- are
 * known the same way: left registered, their objects (the program's
 * mirrors, freed at teardown) would be walked at the next netns, device
 * event or open.
 *
 * So a record of a named registration (dusk_named_regs) also keeps the
 * object's handle (the result), its parent and a copy of its name; a
 * removal forgets the named record and, recursively, the records whose
 * parent it was.  When teardown undoes a named record through a by-name
 * remover, it passes the copy of the name (the program's string may be
 * gone by then).
 */
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/miscdevice.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <linux/sched/task.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

#define DUSK_UNDO_NAME	64	/* longest name kept (proc names are shorter in practice) */

#define DUSK_UNDO_IMPLICIT	U32_MAX	/* desc of a record of dusk_implicit_regs */

struct dusk_undo_rec {
	struct list_head node;	/* dusk_sess.undo, by seq */
	/* when its call began: a registration is undone after what was
	 * registered during it (a PCI driver's probe's line and vectors are
	 * freed before the driver is unregistered, as its remove would) */
	u64 seq;
	u32 desc;		/* index into dusk_gen.undo, or DUSK_UNDO_IMPLICIT */
	void (*undo)(u64 obj);	/* DUSK_UNDO_IMPLICIT: undo of args[0] */
	void (*release)(u64 obj);	/* DUSK_UNDO_IMPLICIT: when forgotten, or NULL */
	/* the registration, named when teardown undoes it (the module's exit
	 * should have); NULL for armed timers, queued work and threads, which
	 * may have ended on their own */
	const char *what;
	u64 args[DUSK_MAX_ARGS];
	/* an undo pair's registration: the objects it handed the kernel (its
	 * arguments, a copied name left out), which must outlive the record */
	u64 held[DUSK_MAX_ARGS];
	u32 nheld;
	bool named;		/* a named object: handle, parent, name are set */
	u64 handle;		/* the registration's result */
	u64 parent;
	char name[DUSK_UNDO_NAME];
};

/* Registrations of named objects: argument index of the name and parent. */
static const struct {
	const char *fn;
	s8 name, parent;
} dusk_named_regs[] = {
	{ "proc_create", 0, 2 },
	{ "proc_create_data", 0, 2 },
	{ "proc_create_seq_private", 0, 2 },
	{ "proc_create_single_data", 0, 2 },
	{ "proc_mkdir", 0, 1 },
	{ "proc_mkdir_mode", 0, 2 },
	{ "proc_mkdir_data", 0, 2 },
	{ "proc_symlink", 0, 1 },
	{ "debugfs_create_dir", 0, 1 },
	{ "debugfs_create_file", 0, 2 },
};

static void dusk_cancel_work(u64 w)
{
	cancel_work_sync((struct work_struct *)(uintptr_t)w);
}

static void dusk_cancel_dwork(u64 w)
{
	cancel_delayed_work_sync((struct delayed_work *)(uintptr_t)w);
}

static void dusk_del_timer(u64 t)
{
	del_timer_sync((struct timer_list *)(uintptr_t)t);
}

static void dusk_cancel_hrtimer(u64 t)
{
	hrtimer_cancel((struct hrtimer *)(uintptr_t)t);
}

static void dusk_kill_tasklet(u64 t)
{
	tasklet_kill((struct tasklet_struct *)(uintptr_t)t);
}

/* Registrations of core kernel objects a module takes back only in its
 * exit, which a dying program never runs. */
static void dusk_unreg_pernet_subsys(u64 ops)
{
	unregister_pernet_subsys((struct pernet_operations *)(uintptr_t)ops);
}

static void dusk_unreg_pernet_device(u64 ops)
{
	unregister_pernet_device((struct pernet_operations *)(uintptr_t)ops);
}

static void dusk_unreg_netdev_notifier(u64 nb)
{
	unregister_netdevice_notifier((struct notifier_block *)(uintptr_t)nb);
}

static void dusk_misc_deregister(u64 misc)
{
	misc_deregister((struct miscdevice *)(uintptr_t)misc);
}

/*
 * A link type the program left registered: rtnl_link_unregister() deletes
 * every device of the type through the type's dellink, the module's,
 * which a dead program cannot run (its proxy answers nothing), so the
 * devices would stay with their ops in the freed mirrors.  The kernel's
 * own default takes its place (rtnl_link_register() sets
 * unregister_netdevice_queue() for a type without dellink, and
 * __rtnl_kill_links() calls dellink unchecked).  The deletions' RTM_DELLINK
 * messages ask the type for their size and contents (get_size, fill_info
 * and the like), which the dead program answers with errors: the message
 * does not fit the size and the kernel warns (rtmsg_ifinfo_build_skb(),
 * -EMSGSIZE).  Those callbacks are optional, each checked before it is
 * called (under RTNL, held here): they go, so the messages carry no
 * type-specific data.  @ops is the session's mirror, still its own here.
 */
static void dusk_rtnl_link_before_unreg(u64 ops)
{
	struct rtnl_link_ops *o = (struct rtnl_link_ops *)(uintptr_t)ops;

	rtnl_lock();
	WRITE_ONCE(o->dellink, unregister_netdevice_queue);
	WRITE_ONCE(o->get_size, NULL);
	WRITE_ONCE(o->fill_info, NULL);
	WRITE_ONCE(o->get_xstats_size, NULL);
	WRITE_ONCE(o->fill_xstats, NULL);
	WRITE_ONCE(o->get_slave_size, NULL);
	WRITE_ONCE(o->fill_slave_info, NULL);
	WRITE_ONCE(o->get_link_net, NULL);
	WRITE_ONCE(o->get_linkxstats_size, NULL);
	WRITE_ONCE(o->fill_linkxstats, NULL);
	rtnl_unlock();
}

/* A kernel thread's record holds its task (see the file comment). */
static void dusk_hold_task(u64 t)
{
	get_task_struct((struct task_struct *)(uintptr_t)t);
}

static void dusk_put_task(u64 t)
{
	put_task_struct((struct task_struct *)(uintptr_t)t);
}

/* Wakes a thread never woken (it exits without running its body) or
 * reaps one whose body ended with the session. */
static void dusk_stop_kthread(u64 t)
{
	kthread_stop((struct task_struct *)(uintptr_t)t);
	dusk_put_task(t);
}

#define DUSK_IMPLICIT_RESULT	(-1)	/* the object is the call's result */

/* Deferred work and core registrations the core takes back itself: the
 * object's argument index; hold/release when the record keeps a reference
 * on it; `deferred` for work that may end on its own (teardown undoes it
 * without a word). */
static const struct {
	const char *fn;
	s8 arg;
	void (*undo)(u64 obj);
	void (*hold)(u64 obj);
	void (*release)(u64 obj);
	bool deferred;
} dusk_implicit_regs[] = {
	{ "queue_work_on", 2, dusk_cancel_work, .deferred = true },
	{ "queue_delayed_work_on", 2, dusk_cancel_dwork, .deferred = true },
	{ "mod_delayed_work_on", 2, dusk_cancel_dwork, .deferred = true },
	{ "hrtimer_start_range_ns", 0, dusk_cancel_hrtimer, .deferred = true },
	{ "add_timer", 0, dusk_del_timer, .deferred = true },
	{ "mod_timer", 0, dusk_del_timer, .deferred = true },
	{ "add_timer_on", 0, dusk_del_timer, .deferred = true },
	{ "tasklet_schedule", 0, dusk_kill_tasklet, .deferred = true },
	{ "tasklet_hi_schedule", 0, dusk_kill_tasklet, .deferred = true },
	{ "register_pernet_subsys", 0, dusk_unreg_pernet_subsys },
	{ "register_pernet_device", 0, dusk_unreg_pernet_device },
	{ "register_netdevice_notifier", 0, dusk_unreg_netdev_notifier },
	{ "misc_register", 0, dusk_misc_deregister },
	{ "kthread_create_on_node", DUSK_IMPLICIT_RESULT, dusk_stop_kthread,
	  dusk_hold_task, dusk_put_task, .deferred = true },
	{ "kthread_create_on_cpu", DUSK_IMPLICIT_RESULT, dusk_stop_kthread,
	  dusk_hold_task, dusk_put_task, .deferred = true },
};

/* Calls after which the object needs no undo: (name, argument index). */
static const struct {
	const char *fn;
	u8 arg;
} dusk_implicit_unregs[] = {
	{ "cancel_work_sync", 0 },
	{ "flush_work", 0 },
	{ "cancel_delayed_work_sync", 0 },
	{ "flush_delayed_work", 0 },
	{ "hrtimer_cancel", 0 },
	{ "del_timer_sync", 0 },
	{ "timer_delete_sync", 0 },
	{ "timer_shutdown_sync", 0 },
	{ "tasklet_kill", 0 },
	{ "kthread_stop", 0 },
	{ "unregister_pernet_subsys", 0 },
	{ "unregister_pernet_device", 0 },
	{ "unregister_netdevice_notifier", 0 },
	{ "misc_deregister", 0 },
};

static bool dusk_rcu_used;	/* the session called call_rcu(): rcu_barrier() at teardown */

static int dusk_implicit_reg(u32 stub)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[stub];
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_implicit_regs); i++)
		if (dusk_stub_named(s->name, dusk_implicit_regs[i].fn) &&
		    dusk_implicit_regs[i].arg < (s8)s->nargs)
			return i;
	return -1;
}

/* Removers: by handle (args[0]) or by (name, parent) = (args[0], args[1]). */
static const char *const dusk_remove_by_handle[] = { "proc_remove", "debugfs_remove" };
static const char *const dusk_remove_by_name[] = { "remove_proc_entry", "remove_proc_subtree" };

static int dusk_named_reg(u32 stub)
{
	const char *name = dusk_gen.stubs[stub].name;
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_named_regs); i++)
		if (!strcmp(name, dusk_named_regs[i].fn))
			return i;
	return -1;
}

/* Did a register stub succeed?  (See the file comment.) */
static bool dusk_reg_ok(const struct dusk_stub_desc *s, u64 ret)
{
	if (s->flags & DUSK_STUB_RET_PTR)
		return !IS_ERR_OR_NULL((void *)(uintptr_t)ret);
	return (s32)ret >= 0;
}

/* The undo pair whose reg is @stub, or -1. */
static int dusk_undo_of_reg(u32 stub)
{
	u32 i;

	for (i = 0; i < dusk_gen.nundo; i++)
		if (dusk_gen.undo[i].reg == stub)
			return i;
	return -1;
}

/* Is @stub the unreg of some undo pair? */
static bool dusk_is_unreg(u32 stub)
{
	u32 i;

	for (i = 0; i < dusk_gen.nundo; i++)
		if (dusk_gen.undo[i].unreg == stub)
			return true;
	return false;
}

/* Does @rec stand for a call of stub @unreg with @args? */
static bool dusk_undo_is(const struct dusk_undo_rec *rec, u32 unreg, const u64 *args)
{
	const struct dusk_undo_desc *u;

	if (rec->desc == DUSK_UNDO_IMPLICIT)
		return false;
	u = &dusk_gen.undo[rec->desc];
	return u->unreg == unreg && !memcmp(rec->args, args, u->nargs * sizeof(u64));
}

static u32 dusk_undo_nargs(const struct dusk_undo_rec *rec)
{
	return rec->desc == DUSK_UNDO_IMPLICIT ? 1 : dusk_gen.undo[rec->desc].nargs;
}

static void dusk_undo_drop(struct dusk_undo_rec *rec)
{
	list_del(&rec->node);
	kfree(rec);
}

/* Forget a record without undoing it: drop the reference it held. */
static void dusk_undo_forget(struct dusk_undo_rec *rec)
{
	if (rec->desc == DUSK_UNDO_IMPLICIT && rec->release)
		rec->release(rec->args[0]);
	dusk_undo_drop(rec);
}

/* Read the NUL-terminated kernel string at @addr into @buf; false if unreadable. */
static bool dusk_read_name(char *buf, u64 addr)
{
	const char *p = (const char *)(uintptr_t)addr;
	int i;

	if (addr < dusk_kspace_start())
		return false;
	/* strncpy_from_kernel_nofault() is not exported to modules */
	for (i = 0; i < DUSK_UNDO_NAME - 1; i++) {
		if (copy_from_kernel_nofault(&buf[i], p + i, 1))
			return false;
		if (!buf[i])
			return i > 0;
	}
	buf[i] = '\0';
	return true;
}

/**
 * dusk_undo_prepare() - allocate the record a call of @stub may need.
 * Return: 0 (@rec is NULL when @stub registers nothing) or -ENOMEM.
 */
int dusk_undo_prepare(u32 stub, struct dusk_undo_rec **rec)
{
	static atomic64_t seq;

	*rec = NULL;
	if (dusk_undo_of_reg(stub) < 0 && dusk_implicit_reg(stub) < 0)
		return 0;
	*rec = kzalloc(sizeof(**rec), GFP_KERNEL);
	if (!*rec)
		return -ENOMEM;
	(*rec)->seq = atomic64_inc_return(&seq);
	return 0;
}

/*
 * Keep @rec on the list in the order the calls began, not ended: records
 * of calls made during @rec's (its callbacks' calls) come after it, so
 * dusk_undo_all(), newest first, undoes them before it.
 */
static void dusk_undo_insert(struct dusk_undo_rec *rec)
{
	struct list_head *pos = dusk_sess.undo.prev;

	while (pos != &dusk_sess.undo &&
	       list_entry(pos, struct dusk_undo_rec, node)->seq > rec->seq)
		pos = pos->prev;
	list_add(&rec->node, pos);
}

/*
 * Fill @rec after reg succeeded and keep it; false when a record with the
 * same unreg call exists already (the caller frees @rec): re-arming a
 * timer with mod_timer() registers nothing new, and one del_timer_sync()
 * undoes every arming, so a periodic timer must not grow the list.
 */
static bool dusk_undo_record(struct dusk_undo_rec *rec, u32 stub, const u64 *args, u64 ret)
{
	int d = dusk_undo_of_reg(stub), n = dusk_named_reg(stub), i = dusk_implicit_reg(stub);
	const struct dusk_undo_desc *u;
	struct dusk_undo_rec *old;
	u8 from;

	/* Deferred work: one record per object, the core's even when the
	 * module has an undo pair for it (add_timer/del_timer_sync), so that
	 * it is forgotten with the memory that holds the object. */
	if (d < 0 || (i >= 0 && dusk_implicit_regs[i].deferred)) {
		rec->desc = DUSK_UNDO_IMPLICIT;
		rec->what = dusk_implicit_regs[i].deferred ? NULL : dusk_implicit_regs[i].fn;
		rec->undo = dusk_implicit_regs[i].undo;
		rec->release = dusk_implicit_regs[i].release;
		rec->args[0] = dusk_implicit_regs[i].arg == DUSK_IMPLICIT_RESULT ? ret :
			       args[dusk_implicit_regs[i].arg];
		list_for_each_entry(old, &dusk_sess.undo, node)
			if (old->desc == DUSK_UNDO_IMPLICIT && old->args[0] == rec->args[0])
				return false;
		if (dusk_implicit_regs[i].hold)
			dusk_implicit_regs[i].hold(rec->args[0]);
		dusk_undo_insert(rec);
		return true;
	}
	u = &dusk_gen.undo[d];

	rec->desc = d;
	rec->what = dusk_gen.stubs[stub].name;
	for (i = 0; i < u->nargs && i < ARRAY_SIZE(u->from); i++) {
		from = u->from[i];
		if (from == DUSK_UNDO_RET)
			rec->args[i] = ret;
		else if (from & DUSK_UNDO_ARG_OR_RET_BIT) {
			u8 arg = from & ~DUSK_UNDO_ARG_OR_RET_BIT;

			rec->args[i] = args[arg] ? args[arg] : ret;
		} else if (from & DUSK_UNDO_DEREF_U32_BIT) {
			u32 v;

			/* the stub just wrote it: only a program that passed
			 * kernel memory it cannot see gets here with a fault */
			if (copy_from_kernel_nofault(&v, (const void *)(uintptr_t)
						     args[from & ~DUSK_UNDO_DEREF_U32_BIT],
						     sizeof(v)))
				return false;
			rec->args[i] = v;
		} else {
			rec->args[i] = args[from];
		}
	}
	for (i = 0; i < (int)dusk_gen.stubs[stub].nargs && i < DUSK_MAX_ARGS; i++)
		if (n < 0 || i != dusk_named_regs[n].name)	/* proc and debugfs copy the name */
			rec->held[rec->nheld++] = args[i];
	if (n >= 0 && dusk_read_name(rec->name, args[dusk_named_regs[n].name])) {
		rec->named = true;
		rec->handle = ret;
		rec->parent = args[dusk_named_regs[n].parent];
	}
	list_for_each_entry(old, &dusk_sess.undo, node)
		if (dusk_undo_is(old, u->unreg, rec->args))
			return false;
	dusk_undo_insert(rec);
	return true;
}

/* The named object @handle is gone, and with it everything below it. */
static void dusk_undo_forget_tree(u64 handle)
{
	struct dusk_undo_rec *rec;
	u64 child;

	if (!handle)
		return;
restart:
	list_for_each_entry(rec, &dusk_sess.undo, node) {
		if (!rec->named)
			continue;
		if (rec->handle == handle) {
			dusk_undo_drop(rec);
			goto restart;
		}
		if (rec->parent == handle) {
			child = rec->handle;
			dusk_undo_drop(rec);
			dusk_undo_forget_tree(child);
			goto restart;
		}
	}
}

/* remove_proc_entry(name, parent) and friends: forget that entry's tree. */
static void dusk_undo_forget_name(u64 name_addr, u64 parent)
{
	char name[DUSK_UNDO_NAME];
	struct dusk_undo_rec *rec;

	if (!dusk_read_name(name, name_addr))
		return;
	list_for_each_entry(rec, &dusk_sess.undo, node) {
		if (rec->named && rec->parent == parent && !strcmp(rec->name, name)) {
			dusk_undo_forget_tree(rec->handle);
			return;
		}
	}
}

/* The module cancelled or flushed deferred work itself: nothing to undo. */
static void dusk_undo_forget_implicit(const struct dusk_stub_desc *s, const u64 *args)
{
	struct dusk_undo_rec *rec;
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_implicit_unregs); i++)
		if (dusk_stub_named(s->name, dusk_implicit_unregs[i].fn) &&
		    dusk_implicit_unregs[i].arg < s->nargs)
			break;
	if (i == ARRAY_SIZE(dusk_implicit_unregs))
		return;
	list_for_each_entry(rec, &dusk_sess.undo, node) {
		if (rec->desc == DUSK_UNDO_IMPLICIT &&
		    rec->args[0] == args[dusk_implicit_unregs[i].arg]) {
			dusk_undo_forget(rec);
			return;
		}
	}
}

/**
 * dusk_undo_forget_range() - forget the deferred-work records of objects
 * inside [start, start + len): memory the program gave back (a timer or
 * work item freed with what holds it; cancelling it at teardown would
 * write into memory that may be someone else's by then).  Records of
 * undo pairs stay: their arguments may merely point into the memory (a
 * name), and the object itself is the kernel's.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_undo_forget_range(unsigned long start, size_t len)
{
	struct dusk_undo_rec *rec, *tmp;

	list_for_each_entry_safe(rec, tmp, &dusk_sess.undo, node)
		if (rec->desc == DUSK_UNDO_IMPLICIT &&
		    rec->args[0] >= start && rec->args[0] - start < len)
			dusk_undo_forget(rec);
}

/**
 * dusk_undo_after() - the bookkeeping of a stub call that returned @ret:
 * keep @rec (from dusk_undo_prepare()) when the call registered something,
 * forget the records of what it unregistered.  Frees @rec when unused.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_undo_after(u32 stub, const u64 *args, u64 ret, struct dusk_undo_rec *rec)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[stub];
	struct dusk_undo_rec *it;

	lockdep_assert_held(&dusk_sess.lock);
	if (rec && dusk_reg_ok(s, ret) && dusk_undo_record(rec, stub, args, ret))
		rec = NULL;
	kfree(rec);
	if (dusk_is_unreg(stub)) {
		list_for_each_entry_reverse(it, &dusk_sess.undo, node) {
			if (dusk_undo_is(it, stub, args)) {
				if (it->named)
					dusk_undo_forget_tree(it->handle);
				else
					dusk_undo_drop(it);
				break;
			}
		}
	}
	if (s->nargs >= 1 &&
	    dusk_name_in(s->name, dusk_remove_by_handle, ))
		dusk_undo_forget_tree(args[0]);
	if (s->nargs >= 2 &&
	    dusk_name_in(s->name, dusk_remove_by_name, ))
		dusk_undo_forget_name(args[0], args[1]);
	if (!strcmp(s->name, "call_rcu"))
		dusk_rcu_used = true;
	dusk_undo_forget_implicit(s, args);
}

/* Registrations it records and the calls that end or forget them. */
bool dusk_undo_acts_on(const struct dusk_stub_desc *s)
{
	u32 stub = s - dusk_gen.stubs;

	return dusk_undo_of_reg(stub) >= 0 || dusk_is_unreg(stub) ||
	       dusk_stub_in(s->name, dusk_implicit_regs, .fn) ||
	       dusk_stub_in(s->name, dusk_implicit_unregs, .fn) ||
	       dusk_stub_in(s->name, dusk_remove_by_handle, ) ||
	       dusk_stub_in(s->name, dusk_remove_by_name, ) ||
	       dusk_stub_named(s->name, "call_rcu");
}

/** dusk_undo_count() - number of live undo records (debugfs). */
unsigned int dusk_undo_count(void)
{
	struct dusk_undo_rec *rec;
	unsigned int n = 0;

	mutex_lock(&dusk_sess.lock);
	list_for_each_entry(rec, &dusk_sess.undo, node)
		n++;
	mutex_unlock(&dusk_sess.lock);
	return n;
}

static bool dusk_in(u64 p, unsigned long start, size_t len)
{
	return p >= start && p - start < len;
}

/**
 * dusk_undo_refers() - does a live undo record point into [start, start+len)?
 * Its unreg's arguments, and what its registration handed the kernel: a
 * proc_create()'s proc_ops is called through until proc_remove(), though
 * only the entry is the undo's argument.
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_undo_refers(unsigned long start, size_t len)
{
	struct dusk_undo_rec *rec;
	u32 i;

	list_for_each_entry(rec, &dusk_sess.undo, node) {
		for (i = 0; i < dusk_undo_nargs(rec); i++)
			if (dusk_in(rec->args[i], start, len))
				return true;
		for (i = 0; i < rec->nheld; i++)
			if (dusk_in(rec->held[i], start, len))
				return true;
	}
	return false;
}

/**
 * dusk_undo_all() - call every recorded unreg, newest first.  A by-name
 * remover of a named record gets the kept copy of the name.  Then, if the
 * session used call_rcu(), rcu_barrier().
 * Context: teardown, caller holds dusk_sess.lock.
 */
void dusk_undo_all(void)
{
	struct dusk_undo_rec *rec, *tmp;
	const struct dusk_stub_desc *s;

	list_for_each_entry_safe_reverse(rec, tmp, &dusk_sess.undo, node) {
		/* after an orderly exit, the module's own bug: in its kernel
		 * build the registration would point into unloaded code */
		if (rec->what)
			pr_info("%s: teardown: %.*s%s%s%s was still registered: undone\n",
				THIS_MODULE->name, (int)strcspn(rec->what, "#"), rec->what,
				rec->named ? " \"" : "", rec->named ? rec->name : "",
				rec->named ? "\"" : "");
		if (rec->desc == DUSK_UNDO_IMPLICIT) {
			rec->undo(rec->args[0]);
			dusk_undo_drop(rec);
			continue;
		}
		s = &dusk_gen.stubs[dusk_gen.undo[rec->desc].unreg];
		if (rec->named &&
		    dusk_name_in(s->name, dusk_remove_by_name, ))
			rec->args[0] = (u64)(uintptr_t)rec->name;
		if (dusk_slab_is_destroy(s))	/* no object of the session left in it */
			dusk_slab_before_destroy((struct kmem_cache *)(uintptr_t)rec->args[0]);
		if (!strcmp(s->name, "rtnl_link_unregister"))
			dusk_rtnl_link_before_unreg(rec->args[0]);
		s->fn(rec->args);
		dusk_undo_drop(rec);
	}
	if (dusk_rcu_used) {
		rcu_barrier();	/* no call_rcu() callback runs into the module */
		dusk_rcu_used = false;
	}
}
