// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks that answer nothing, called where the program cannot be
 * waited for, run late.
 *
 * A blocking proxy cannot sleep in atomic context, so it answered
 * -EWOULDBLOCK there without running the module's function.  For a
 * callback that returns a value that is the only safe answer, and the
 * kinds that must answer at once have strategies of their own (hrtimers,
 * xtables, kprobes, ...).  A callback that returns nothing has no answer
 * to give: the kernel only asks it to act, and not running it loses the
 * act -- a console's .write under console_unlock() with interrupts off
 * printed nothing, a net device's ndo_set_rx_mode under
 * netif_addr_lock_bh() never saw its flags and addresses (probe round
 * p60), a socket's sk_data_ready in the receive softirq never woke the
 * module's reader.
 *
 * So such a callback is run late: the proxy notes the call (no sleep, no
 * lock but a leaf spinlock: the caller may hold any) and an ordered work
 * item raises the blocking upcall in process context, in the order the
 * kernel made the calls.  One argument that is a data buffer with its
 * length after it (a console's text, `const char *s, unsigned int n`),
 * which the caller reuses as soon as the callback returns, is copied with
 * the note (PAGE_SIZE at most) and the callback gets the copy; any other
 * argument is handed as it was, and the objects it points to are read
 * when the callback runs.  Nothing is lent to it: where an argument
 * pointed may be another frame's by now, so the callback writes only what
 * the program may write anyway (its own memory, objects handed to it).
 *
 * An object the late callback was given must outlive it as it outlives
 * the callback in the kernel build.  The kernel's own code keeps its
 * objects while it may call back, and the module frees its own after
 * unregistering them; so a kernel call of the program that names the
 * object (free_netdev(dev), unregister_console(con)) first waits until
 * the late callbacks given that object as their first argument have run,
 * and one that ends some object's life by its name (sock_release() of the
 * socket whose sk_data_ready was called, kfree(), ..._unregister...())
 * until every late callback noted before has run (dusk_voidlate_wait();
 * at most block_timeout_ms each), unless it is made by a late callback
 * itself (they run in order: one cannot wait for the next).  A callback
 * handed a packet is not run late at all: the kernel frees or reuses the
 * sk_buff when it returns (the rewriter gives it a blocking proxy).  One
 * handed a socket (struct sock *: sk_data_ready, sk_state_change, but
 * also sk_destruct, called as the socket is freed) holds it until it has
 * run, and is not run late when the socket is already dying (its last
 * reference gone).
 *
 * A callback raised by a kernel call of the program itself (a walk such
 * as gen_pool_for_each_chunk() calling the module under rcu_read_lock(),
 * the program's printk() reaching its console's .write) is run before
 * that call returns rather than from the work item: the call's caller
 * counts on its callbacks having run (a count kept in the caller's frame,
 * which is gone by the time a work item would run them -- the program
 * stopped on a refused write there, probe round p63), and the objects the
 * call lent are still the program's.  Each kernel call of the program
 * opens a scope on its task (dusk_voidlate_enter()); a note made in that
 * task's own context (not an interrupt or softirq that came while it ran)
 * while the scope is open is held in it and run, in order, in process
 * context, when the call is done (dusk_voidlate_leave()).
 *
 * A call that finds no memory for its note is missed (late_missed).
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include "dusk-core.h"

struct dusk_voidlate {
	struct list_head node;	/* on dusk_voidlate_flight until it has run */
	struct work_struct work;
	struct task_struct *runner;	/* the worker running it, or NULL */
	struct list_head held;	/* on a scope's notes, when a call holds it */
	struct task_struct *holder;	/* that call's task, or NULL */
	struct sock *sk;	/* held until it has run, or NULL */
	u32 proxy, nargs;
	u64 args[DUSK_MAX_ARGS];
	u8 copy[];		/* the data buffer argument's bytes */
};

/* Ordered: the kernel's order of the calls. */
static struct workqueue_struct *dusk_voidlate_wq;
/* Guards the flight list; a leaf, taken with interrupts off. */
static DEFINE_SPINLOCK(dusk_voidlate_lock);
static LIST_HEAD(dusk_voidlate_flight);
static DECLARE_WAIT_QUEUE_HEAD(dusk_voidlate_ran);
/* Kernel calls of the program in progress, innermost first; guarded by
 * dusk_voidlate_lock. */
static LIST_HEAD(dusk_voidlate_scopes);

static void dusk_voidlate_fn(struct work_struct *work)
{
	struct dusk_voidlate *v = container_of(work, struct dusk_voidlate, work);
	unsigned long flags;

	spin_lock_irqsave(&dusk_voidlate_lock, flags);
	v->runner = current;
	spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
	/* nothing lent: what the arguments pointed to when the kernel called
	 * may be another frame's by now (a caller's stack) */
	dusk_upcall_wait(v->proxy, 0, NULL, v->args, v->nargs);
	if (v->sk)
		sock_put(v->sk);
	spin_lock_irqsave(&dusk_voidlate_lock, flags);
	list_del(&v->node);
	spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
	wake_up_all(&dusk_voidlate_ran);
	kfree(v);
}

/* The innermost kernel call of the program in progress on @task, or NULL.
 * Caller holds dusk_voidlate_lock. */
static struct dusk_voidlate_scope *dusk_voidlate_scope_of(struct task_struct *task)
{
	struct dusk_voidlate_scope *s;

	list_for_each_entry(s, &dusk_voidlate_scopes, node)
		if (s->task == task)
			return s;
	return NULL;
}

/**
 * dusk_voidlate_enter() - a kernel call of the program begins on this
 * task: the late callbacks it raises are held for dusk_voidlate_leave().
 * Context: process.
 */
void dusk_voidlate_enter(struct dusk_voidlate_scope *s)
{
	unsigned long flags;

	s->task = current;
	INIT_LIST_HEAD(&s->notes);
	spin_lock_irqsave(&dusk_voidlate_lock, flags);
	list_add(&s->node, &dusk_voidlate_scopes);
	spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
}

/**
 * dusk_voidlate_leave() - the call is done: run the late callbacks it
 * raised, in the order the kernel made them, before it returns.
 * Context: process, no dusk lock held; sleeps.
 */
void dusk_voidlate_leave(struct dusk_voidlate_scope *s)
{
	struct dusk_voidlate *v, *next;
	unsigned long flags;
	LIST_HEAD(notes);

	spin_lock_irqsave(&dusk_voidlate_lock, flags);
	list_del(&s->node);
	list_splice_init(&s->notes, &notes);
	list_for_each_entry(v, &notes, held)
		v->holder = NULL;
	spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
	list_for_each_entry_safe(v, next, &notes, held) {
		list_del(&v->held);
		dusk_voidlate_fn(&v->work);	/* frees v */
	}
}

/*
 * Note the call of @proxy and queue its late run (or hold it for the
 * program's call in progress on this task).  @buf, @len: the
 * argument that is a data buffer and the one that is its length, or -1;
 * @hold: DUSK_VOID_HOLD_SOCK when argument 0 is a struct sock.
 * Context: atomic (any but NMI).
 */
static void dusk_voidlate_defer(u32 proxy, const u64 *args, u32 nargs, int buf, int len,
				int hold)
{
	struct dusk_voidlate_scope *scope;
	struct sock *sk = NULL;
	struct dusk_voidlate *v;
	unsigned long flags;
	size_t n = 0;

	if (in_nmi() || !dusk_voidlate_wq || nargs > DUSK_MAX_ARGS) {
		dusk_count(DUSK_STAT_LATE_MISSED, 1);
		return;
	}
	if (hold == DUSK_VOID_HOLD_SOCK && nargs && args[0] >= dusk_kspace_start()) {
		sk = (struct sock *)(uintptr_t)args[0];
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			return;	/* being freed (sk_destruct): it cannot outlive this call */
	}
	if (buf >= 0 && len >= 0 && buf < nargs && len < nargs && args[buf] >= dusk_kspace_start())
		n = min_t(u64, args[len], PAGE_SIZE);
	v = kmalloc(sizeof(*v) + n, GFP_ATOMIC | __GFP_NOWARN);
	if (!v) {
		if (sk)
			sock_put(sk);
		dusk_count(DUSK_STAT_LATE_MISSED, 1);
		return;
	}
	INIT_WORK(&v->work, dusk_voidlate_fn);
	v->runner = NULL;
	v->sk = sk;
	v->proxy = proxy;
	v->nargs = nargs;
	memcpy(v->args, args, nargs * sizeof(*args));
	if (n && copy_from_kernel_nofault(v->copy, (void *)(uintptr_t)args[buf], n))
		n = 0;
	if (n) {
		v->args[buf] = (uintptr_t)v->copy;
		v->args[len] = n;
	}
	INIT_LIST_HEAD(&v->held);
	v->holder = NULL;
	spin_lock_irqsave(&dusk_voidlate_lock, flags);
	list_add_tail(&v->node, &dusk_voidlate_flight);
	/* only a call's own: an interrupt or softirq that came on this task
	 * while it runs a call is no part of it */
	scope = in_task() ? dusk_voidlate_scope_of(current) : NULL;
	if (scope) {
		v->holder = current;
		list_add_tail(&v->held, &scope->notes);
	}
	spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
	if (!scope)
		queue_work(dusk_voidlate_wq, &v->work);
}

/**
 * dusk_upcall_void() - the body of a proxy of a callback that returns
 * nothing: a blocking upcall, or, where the caller cannot be made to wait,
 * the same upcall raised late (see the file comment).
 * @buf, @len: the argument that is a data buffer, copied for a late run,
 *             and the argument that is its length; -1 when none.
 * @hold: what argument 0 is, to be held for a late run (DUSK_VOID_HOLD_*).
 *
 * Context: any but NMI; called by generated proxies.
 */
void dusk_upcall_void(u32 proxy, const u64 *args, u32 nargs, int buf, int len, int hold)
{
	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies))
		return;
	if (!dusk_cannot_wait())
		dusk_upcall_blocking(proxy, args, nargs);
	else if (!dusk_blkmq_defer_complete(proxy, dusk_gen.proxies[proxy].lent, args, nargs))
		dusk_voidlate_defer(proxy, args, nargs, buf, len, hold);
}

/* Words of kernel function names that say they end an object's life. */
static const char *const dusk_voidlate_enders[] = {
	"release", "unregister", "deregister", "destroy", "remove", "put", "del", "close",
	"shutdown", "stop",
};

/* Is @w, of @n characters, such a word, or one ending in "free" (kfree,
 * vfree, free_netdev's free)? */
static bool dusk_voidlate_ender_word(const char *w, size_t n)
{
	int i;

	if (n >= 4 && !strncmp(w + n - 4, "free", 4))
		return true;
	for (i = 0; i < ARRAY_SIZE(dusk_voidlate_enders); i++)
		if (strlen(dusk_voidlate_enders[i]) == n && !strncmp(w, dusk_voidlate_enders[i], n))
			return true;
	return false;
}

/* Does stub name @name ("fn" or "fn#N") have such a word between its
 * underscores (sock_release, kfree, dev_put, led_classdev_unregister)? */
static bool dusk_voidlate_ender(const char *name)
{
	size_t n;

	while (*name) {
		n = strcspn(name, "_#");
		if (n && dusk_voidlate_ender_word(name, n))
			return true;
		if (name[n] == '#' || !name[n])
			return false;
		name += n + 1;
	}
	return false;
}

/* Must call @c wait for a late callback: one given an object @c names, or
 * any, for an ender?  Not when it is a late callback's own (*@mine).
 * Caller holds dusk_voidlate_lock. */
static bool dusk_voidlate_named(const struct dusk_call *c, bool ender, bool *mine)
{
	struct dusk_voidlate *v;
	bool named = false;
	u32 i;

	*mine = false;
	list_for_each_entry(v, &dusk_voidlate_flight, node) {
		if (v->runner == current) {
			*mine = true;
			return false;
		}
		/* held by a call of this task: it runs when that call is done */
		if (v->holder == current)
			continue;
		named = named || ender;
		for (i = 0; i < c->nargs && v->nargs && !named; i++)
			named = c->args[i] && c->args[i] == v->args[0];
	}
	return named;
}

/**
 * dusk_voidlate_wait() - before a kernel call of the program: wait until
 * the late callbacks given an object the call names (as their first
 * argument) have run, or all of them, when the call ends an object's life.
 * Context: process, no dusk lock held; sleeps.
 */
void dusk_voidlate_wait(const struct dusk_call *c)
{
	unsigned long flags, end;
	bool named, mine, ender;

	if (list_empty_careful(&dusk_voidlate_flight) || c->ordered)
		return;
	ender = dusk_voidlate_ender(dusk_gen.stubs[c->stub].name);
	end = jiffies + msecs_to_jiffies(READ_ONCE(dusk_block_timeout_ms));
	for (;;) {
		spin_lock_irqsave(&dusk_voidlate_lock, flags);
		named = dusk_voidlate_named(c, ender, &mine);
		spin_unlock_irqrestore(&dusk_voidlate_lock, flags);
		if (!named || mine || time_after(jiffies, end))
			return;
		wait_event_timeout(dusk_voidlate_ran, list_empty_careful(&dusk_voidlate_flight),
				   HZ / 50);
	}
}

int dusk_voidlate_init(void)
{
	dusk_voidlate_wq = alloc_ordered_workqueue("dusk_voidlate", WQ_MEM_RECLAIM);
	return dusk_voidlate_wq ? 0 : -ENOMEM;
}

/* Before the module's text goes: every late callback has run (the session
 * ended first, so each ended at once). */
void dusk_voidlate_exit(void)
{
	destroy_workqueue(dusk_voidlate_wq);
	dusk_voidlate_wq = NULL;
}
