// SPDX-License-Identifier: GPL-2.0
/*
 * kfree_rcu() of the program's: freed after the program's readers too.
 *
 * kfree_rcu() expands to kvfree_call_rcu(), which frees the object after
 * a grace period of the kernel's.  In the kernel build that grace period
 * waits for every reader of the module's, each callback the kernel called
 * in atomic context (a hook's packet, a handler's, a timer's) being one.
 * In the user build those readers run in the program, later: the kernel's
 * grace period may end while one still reads the object, which the kernel
 * then frees under it.  So the stub's call is deferred until the program
 * has answered every upcall from atomic context raised before the call
 * (as synchronize_rcu()'s wait does: syncwait.c), then made, so that the
 * kernel's grace period follows the program's.  The call never waits:
 * kfree_rcu() is used where sleeping is not allowed, the packet thread's
 * callbacks included.
 *
 * Which upcalls count is settled in a work item (dusk_readers_bound()),
 * a little late: the upcalls raised meanwhile are waited for too.  The objects are
 * the kernel's once the program called kfree_rcu() (call.c forgets them);
 * when no session is alive any more nothing of the program reads them,
 * and the deferred calls are made at once.
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

struct dusk_rcufree {
	struct list_head node;
	struct rcu_head *head;
	rcu_callback_t func;
	u64 limit;		/* upcalls with a lower CTX read it; 0: not settled */
};

static LIST_HEAD(dusk_rcufree_list);
static DEFINE_SPINLOCK(dusk_rcufree_lock);

static void dusk_rcufree_run(struct work_struct *work);
static DECLARE_DELAYED_WORK(dusk_rcufree_work, dusk_rcufree_run);

/* Make the deferred calls in @list. */
static void dusk_rcufree_call(struct list_head *list)
{
	struct dusk_rcufree *r, *tmp;

	list_for_each_entry_safe(r, tmp, list, node) {
		kvfree_call_rcu(r->head, r->func);
		kfree(r);
	}
}

/*
 * Settle the new entries' bound, make the calls whose readers are done,
 * and poll again while some wait (only an async upcall's end wakes
 * anybody; a packet's does not).
 */
static void dusk_rcufree_run(struct work_struct *work)
{
	struct dusk_rcufree *r, *tmp;
	u64 limit, oldest;
	LIST_HEAD(done);
	bool more;

	limit = dusk_readers_bound();
	oldest = dusk_pending_oldest_ctx();
	spin_lock(&dusk_rcufree_lock);
	list_for_each_entry_safe(r, tmp, &dusk_rcufree_list, node) {
		if (!r->limit)
			r->limit = limit;
		if (r->limit <= oldest)
			list_move_tail(&r->node, &done);
	}
	more = !list_empty(&dusk_rcufree_list);
	spin_unlock(&dusk_rcufree_lock);
	dusk_rcufree_call(&done);
	if (more)
		schedule_delayed_work(&dusk_rcufree_work, msecs_to_jiffies(4) + 1);
}

/**
 * dusk_rcufree_defer() - if @c is the program's kvfree_call_rcu(), defer
 * it (see the file comment).
 * @a: its arguments as the stub would get them.
 * Context: process, no dusk lock held.
 * Return: true when the call was taken (c->ret set), false when the
 * caller makes it as any other.
 */
bool dusk_rcufree_defer(struct dusk_call *c, const u64 *a)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	struct dusk_rcufree *r;

	if (!(s->flags & DUSK_STUB_FREE_RCU) || s->nargs < 2)
		return false;
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return false;	/* at once, as before */
	r->head = (struct rcu_head *)(uintptr_t)a[0];
	r->func = (rcu_callback_t)(uintptr_t)a[1];
	r->limit = 0;
	spin_lock(&dusk_rcufree_lock);
	list_add_tail(&r->node, &dusk_rcufree_list);
	spin_unlock(&dusk_rcufree_lock);
	mod_delayed_work(system_wq, &dusk_rcufree_work, 0);
	c->ret = 0;
	return true;
}

/* Module exit, after the session ended: nothing of the program reads
 * them; the kernel's grace period follows (dusk_exit()'s rcu_barrier()). */
void dusk_rcufree_exit(void)
{
	LIST_HEAD(all);

	cancel_delayed_work_sync(&dusk_rcufree_work);
	spin_lock(&dusk_rcufree_lock);
	list_splice_init(&dusk_rcufree_list, &all);
	spin_unlock(&dusk_rcufree_lock);
	dusk_rcufree_call(&all);
}
