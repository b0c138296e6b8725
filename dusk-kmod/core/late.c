// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks observed late: kprobe handlers (kprobe.c), kretprobe
 * handlers (kretprobe.c), keyboard notifiers (kbdnotif.c), tracepoint
 * probes (tracepoint.c) and notifiers on the kernel's atomic chains
 * (notiflate.c).
 *
 * Such a callback runs where the kernel calls it (any context, interrupts
 * often off, any lock held) and must be done when it returns, but its
 * answer changes nothing the module means: a kprobe pre_handler answers 0
 * unless it moved regs->ip, a keyboard notifier NOTIFY_OK unless it
 * swallows the key.  So its proxy answers that at once and hands the hit
 * here: a slot of a fixed pool (no allocation there) gets a copy of what
 * the callback can see (the registers, the notifier's parameter), the
 * task that `current` is there (a reference, and a copy of its fields up
 * to comm, which the program sees as `current`'s) and the CPU.  An irq_work
 * (lock-free: the probed function may hold any lock, the workqueue's
 * too) queues the slot on an ordered workqueue, which raises an ordered
 * UPCALL whose CURRENT and CPU are the observed context's, with the
 * callback's object and the copy prefetched.  The module's callback runs
 * in the program on the copy; its answer is looked at only to say what
 * the kernel build would have done differently (kbdnotif.c).
 *
 * With every slot busy a hit is missed (counted in DUSK_STAT_LATE_MISSED;
 * the caller may count it too).  Unregistration waits, after the kernel's
 * own wait for running callbacks, until the program has run the hits
 * observed before (dusk_late_drain(), bounded by nf_timeout_ms).  When the
 * session ends, hits not answered are dropped (DUSK_STAT_SYNC_POLICY).
 */
#include <linux/irq_work.h>
#include <linux/keyboard.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

#define DUSK_LATE_SLOTS 64	/* hits observed and not yet run, all callbacks */
#define DUSK_LATE_SNAP	sizeof(struct pt_regs)	/* the largest copy */
/* What of the task a callback may read as `current` is copied with the
 * hit: up to its comm, past mm, pid, tgid, real_parent and cred.  The
 * task may have exited by the time the program runs the callback (its mm
 * is NULL then: kretprobe_example's entry_handler skipped every call). */
#define DUSK_LATE_TASK	offsetofend(struct task_struct, comm)

/* One hit, from the kernel's call to the program's REPLY. */
struct dusk_late_hit {
	struct llist_node lnode;	/* dusk_late_fresh: observed, to be queued */
	struct work_struct work;
	u64 args[DUSK_LATE_MAXARGS];	/* args[snap_arg] is replaced by &snap (if any) */
	u64 key;			/* what unregistering it drains (dusk_late_drain()) */
	void *owner;			/* the kind's own record (kretprobe.c), or NULL */
	struct task_struct *task;	/* `current` there, a reference */
	u32 proxy, nargs, snap_arg, snap_len, key_len, cpu;
	u8 kind;			/* enum dusk_late_kind */
	bool dropped;			/* queued only to be released in process context */
	/* snap is a copy of what args[snap_arg] points to, shown at that
	 * address (dusk_late_copy_in_place()), not handed instead of it */
	bool in_place;
	u8 snap[DUSK_LATE_SNAP] __aligned(8);
	u8 task_snap[DUSK_LATE_TASK] __aligned(8);	/* *task when observed */
};

static struct dusk_late_hit dusk_late_pool[DUSK_LATE_SLOTS];
static DECLARE_BITMAP(dusk_late_busy, DUSK_LATE_SLOTS);
static LLIST_HEAD(dusk_late_fresh);
static DECLARE_WAIT_QUEUE_HEAD(dusk_late_landed);	/* a slot was freed */
static struct workqueue_struct *dusk_late_wq;

/* Does a hit of @kind lend its object (args[0]) to the program? */
static bool dusk_late_lends(u8 kind)
{
	return kind == DUSK_LATE_KRET_ENTRY || kind == DUSK_LATE_KRET_RET;
}

static void dusk_late_release(struct dusk_late_hit *h)
{
	put_task_struct(h->task);
	WRITE_ONCE(h->key, 0);
	clear_bit_unlock(h - dusk_late_pool, dusk_late_busy);
	wake_up_all(&dusk_late_landed);
}

/* A prefetched CHUNK (@type DUSK_A_CHUNK), or a range held for the whole
 * callback (DUSK_A_HELD), of @len bytes at kernel address @addr whose
 * bytes are @src's (a copy taken earlier).  0 or -EMSGSIZE. */
static int dusk_late_put_copy(struct sk_buff *msg, int type, u64 addr, const void *src, u32 len)
{
	struct nlattr *nest = nla_nest_start(msg, type);

	if (!nest || nla_put_u64_64bit(msg, DUSK_A_ADDR, addr, DUSK_A_PAD) ||
	    nla_put(msg, DUSK_A_DATA, len, src)) {
		if (nest)
			nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Raise the UPCALL for one hit.  Process context (dusk_late_wq, ordered). */
static void dusk_late_fire_work(struct work_struct *work)
{
	struct dusk_late_hit *h = container_of(work, struct dusk_late_hit, work);
	bool lend = dusk_late_lends(h->kind);
	size_t ranges = dusk_upcall_range_size(h->key_len, true) +
			dusk_upcall_range_size(h->snap_len, true) +
			dusk_upcall_range_size(DUSK_LATE_TASK, true) +
			(lend ? dusk_upcall_range_size(h->key_len, false) : 0);
	struct task_struct *task = h->task;
	u32 proxy = h->proxy, nargs = h->nargs, cpu = h->cpu;
	u32 key_len = h->key_len, snap_len = h->snap_len;
	u32 snap_arg = h->snap_arg;
	bool in_place = h->in_place;
	u64 args[DUSK_LATE_MAXARGS], snap;
	struct dusk_pending *p;
	struct sk_buff *msg;
	void *hdr;
	u64 ctx;

	if (h->dropped) {
		dusk_late_release(h);
		return;
	}
	memcpy(args, h->args, sizeof(args));
	snap = (u64)(uintptr_t)h->snap;
	if (snap_len && !in_place)
		args[snap_arg] = snap;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		dusk_count(DUSK_STAT_SYNC_POLICY, 1);
		dusk_late_release(h);
		return;
	}
	p->kind = DUSK_PENDING_LATE;
	p->proxy = proxy;
	p->sync = h;
	p->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));
	if (dusk_pending_add(&p, 1, &ctx)) {
		dusk_late_resolve(p, -ENOTCONN, 0);
		return;
	}
	/* From here the hit may be resolved (its slot reused) at any time:
	 * then this message is one nobody waits for. */
	msg = dusk_upcall_new_as(ctx, proxy, args, nargs, 0, ranges, GFP_KERNEL, &hdr,
				 task, cpu);
	if (msg && ((lend && dusk_upcall_put_range(msg, DUSK_A_LENT, args[0], key_len, false)) ||
		    (key_len && dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[0], key_len, true)) ||
		    (snap_len && !in_place &&
		     dusk_upcall_put_range(msg, DUSK_A_CHUNK, snap, snap_len, true)) ||
		    /* held: the object is read as it was at the hit all through
		     * the callback, not again from the kernel after its first
		     * kernel call (a FIB notifier's container_of() of the
		     * entry info on its caller's stack read the stack's later
		     * contents after a kzalloc(): probe round p64) */
		    (snap_len && in_place &&
		     dusk_late_put_copy(msg, DUSK_A_HELD, args[snap_arg], h->snap, snap_len)) ||
		    dusk_late_put_copy(msg, DUSK_A_CHUNK, (u64)(uintptr_t)task, h->task_snap,
				       DUSK_LATE_TASK))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	/* Not sent: expiry resolves it (the hit is dropped). */
	if (msg)
		dusk_upcall_send(msg, hdr);
}

/* Set on a CPU while dusk_late_flush_fresh() queues work there. */
static DEFINE_PER_CPU(bool, dusk_late_flushing);

/* Hand the hits observed to the workqueue, in the order seen.  Hard
 * interrupt context, where no lock the observed code held is held. */
static void dusk_late_flush_fresh(struct irq_work *iw)
{
	struct llist_node *list = llist_reverse_order(llist_del_all(&dusk_late_fresh));
	struct dusk_late_hit *h, *next;

	this_cpu_write(dusk_late_flushing, true);
	llist_for_each_entry_safe(h, next, list, lnode)
		queue_work(dusk_late_wq, &h->work);
	this_cpu_write(dusk_late_flushing, false);
}

/**
 * dusk_late_raising() - is this the core handing a hit on (queueing its
 * work, raising its upcall)?  What happens there, a tracepoint's hit
 * above all, has no counterpart in the kernel build.
 * Context: any; preemption off (the caller is an observed callback).
 */
bool dusk_late_raising(void)
{
	struct work_struct *w;

	if (this_cpu_read(dusk_late_flushing))
		return true;
	w = in_task() ? current_work() : NULL;
	return w && w->func == dusk_late_fire_work;
}

static DEFINE_IRQ_WORK(dusk_late_iw, dusk_late_flush_fresh);

/* A free slot of the pool, or NULL.  Lock-free: any context. */
static struct dusk_late_hit *dusk_late_take(void)
{
	unsigned int i;

	for (i = 0; i < DUSK_LATE_SLOTS; i++)
		if (!test_and_set_bit_lock(i, dusk_late_busy))
			return &dusk_late_pool[i];
	return NULL;
}

/**
 * dusk_late_fill() - copy one call of a callback into a slot, to be run
 * late once dusk_late_queue() hands it on (dusk_late_drop(): never).
 * @proxy: index into dusk_gen.proxies.
 * @kind: enum dusk_late_kind, for dusk_late_resolve().
 * @args: the call's @nargs arguments (at most DUSK_LATE_MAXARGS); args[0]
 *        is the callback's object (a mirror of the module's, or memory a
 *        kind lends: dusk_late_lent()), @key_len bytes of it prefetched
 *        (none when 0).
 * @snap_arg: the argument whose @snap_len bytes (at most a pt_regs) are
 *        copied now; the program gets the copy's address instead
 *        (DUSK_LATE_NO_SNAP: no argument is copied).
 * @key: what dusk_late_drain() waits for (the object unregistered).
 * @owner: the kind's own record, handed back to it on resolution.
 *
 * Context: any but NMI (there the hit is missed); never waits.
 * Return: the slot, or NULL when the hit is missed (no session, every
 * slot busy).
 */
struct dusk_late_hit *dusk_late_fill(u32 proxy, u8 kind, const u64 *args, u32 nargs,
				     u32 key_len, u32 snap_arg, u32 snap_len, u64 key,
				     void *owner)
{
	struct dusk_late_hit *h;

	if (snap_arg == DUSK_LATE_NO_SNAP)
		snap_len = 0;
	if (!READ_ONCE(dusk_sess.alive) || proxy >= dusk_gen.nproxies ||
	    nargs > DUSK_LATE_MAXARGS || (snap_len && snap_arg >= nargs) ||
	    snap_len > DUSK_LATE_SNAP)
		return NULL;
	h = in_nmi() ? NULL : dusk_late_take();
	if (!h) {
		dusk_count(DUSK_STAT_LATE_MISSED, 1);
		return NULL;
	}
	memset(h->args, 0, sizeof(h->args));
	memcpy(h->args, args, nargs * sizeof(*args));
	if (snap_len)
		memcpy(h->snap, (const void *)(uintptr_t)args[snap_arg], snap_len);
	h->proxy = proxy;
	h->kind = kind;
	h->dropped = false;
	h->in_place = false;
	h->owner = owner;
	h->nargs = nargs;
	h->snap_arg = snap_arg;
	h->snap_len = snap_len;
	h->key_len = key_len;
	h->cpu = raw_smp_processor_id();
	h->task = current;
	get_task_struct(h->task);
	memcpy(h->task_snap, current, DUSK_LATE_TASK);
	WRITE_ONCE(h->key, key);
	INIT_WORK(&h->work, dusk_late_fire_work);
	return h;
}

/**
 * dusk_late_copy_in_place() - add to a hit filled without a copy
 * (DUSK_LATE_NO_SNAP) a copy of what argument @arg points to, up to
 * DUSK_LATE_SNAP bytes of it and not past its page when the next page
 * cannot be read: the program reads the object at its own address as it
 * was at the hit.  An argument that points at nothing readable (an
 * integer passed as a pointer) gets no copy.
 * Context: any but NMI; never waits.
 */
void dusk_late_copy_in_place(struct dusk_late_hit *h, u32 arg)
{
	unsigned long addr;
	size_t len = DUSK_LATE_SNAP;

	if (arg >= h->nargs || h->snap_len)
		return;
	addr = h->args[arg];
	if (copy_from_kernel_nofault(h->snap, (const void *)addr, len)) {
		len = min_t(size_t, len, PAGE_SIZE - offset_in_page(addr));
		if (copy_from_kernel_nofault(h->snap, (const void *)addr, len))
			return;
	}
	h->snap_arg = arg;
	h->snap_len = len;
	h->in_place = true;
}

/**
 * dusk_late_queue() - hand a filled hit on: its upcall is raised after
 * those of the hits queued before it.  Context: any but NMI.
 */
void dusk_late_queue(struct dusk_late_hit *h)
{
	llist_add(&h->lnode, &dusk_late_fresh);
	irq_work_queue(&dusk_late_iw);
}

/**
 * dusk_late_drop() - a filled hit is not to run (a kretprobe's entry
 * handler said so): its slot is released in process context, where the
 * drainers may be woken.  Context: any but NMI.
 */
void dusk_late_drop(struct dusk_late_hit *h)
{
	h->dropped = true;
	dusk_late_queue(h);
}

/**
 * dusk_late_discard() - dusk_late_drop() in process context: released at
 * once.
 */
void dusk_late_discard(struct dusk_late_hit *h)
{
	dusk_late_release(h);
}

/**
 * dusk_late_observe() - observe one call of a callback, to be run late:
 * dusk_late_fill() with args[0] as the key, then dusk_late_queue().
 *
 * Context: any but NMI (there the hit is missed); never waits.
 * Return: false when the hit is missed (no session, every slot busy).
 */
bool dusk_late_observe(u32 proxy, u8 kind, const u64 *args, u32 nargs, u32 key_len,
		       u32 snap_arg, u32 snap_len)
{
	struct dusk_late_hit *h = dusk_late_fill(proxy, kind, args, nargs, key_len, snap_arg,
						 snap_len, nargs ? args[0] : 0, NULL);

	if (!h)
		return false;
	dusk_late_queue(h);
	return true;
}

/**
 * dusk_late_lent() - is [addr, addr + len) the object upcall @p lends
 * (a kretprobe instance's copy: kretprobe.c)?  Caller holds qlock, @p is
 * on the pending list (so its slot is its own).
 */
bool dusk_late_lent(const struct dusk_pending *p, u64 addr, u64 len)
{
	const struct dusk_late_hit *h;
	u64 base;

	if (p->kind != DUSK_PENDING_LATE)
		return false;
	h = p->sync;
	if (!dusk_late_lends(h->kind))
		return false;
	base = h->args[0];
	return addr >= base && len <= h->key_len && addr - base <= h->key_len - len;
}

/**
 * dusk_late_resolve() - the callback ran in the program, answering @ret,
 * or the hit is dropped (@err).
 * @p: off the pending list; freed here, its slot released.
 * Context: process (REPLY, expiry, teardown).
 */
void dusk_late_resolve(struct dusk_pending *p, int err, u64 ret)
{
	struct dusk_late_hit *h = p->sync;

	dusk_count(err ? DUSK_STAT_SYNC_POLICY : DUSK_STAT_SYNC_ANSWERS, 1);
	if (!err && h->kind == DUSK_LATE_KBD)
		dusk_kbd_answered(ret);
	/* before the release: a return hit it queues keeps the drainers waiting */
	if (dusk_late_lends(h->kind))
		dusk_kret_resolved(h->owner, h->kind, err, ret);
	dusk_late_release(h);
	kfree(p);
}

/* Is a hit of @key (0: of any callback) still to be run by the program? */
static bool dusk_late_pending(u64 key)
{
	unsigned int i;

	for (i = 0; i < DUSK_LATE_SLOTS; i++)
		if (test_bit(i, dusk_late_busy) &&
		    (!key || READ_ONCE(dusk_late_pool[i].key) == key))
			return true;
	return false;
}

/**
 * dusk_late_drain() - the callbacks of @key (0: of every object) were
 * unregistered and the kernel runs none any more: wait until the program
 * has run the hits observed before, as the kernel build's last ones had
 * run by then.  Bounded by nf_timeout_ms (a callback of the program that
 * unregisters its own object waits that long).  Context: process.
 */
void dusk_late_drain(u64 key)
{
	wait_event_timeout(dusk_late_landed, !dusk_late_pending(key),
			   msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms)) + 2 * HZ);
}

/**
 * dusk_late_forget_all() - the session ends, its callbacks unregistered
 * (undo): the hits still on their way find no session and are dropped
 * now, before a later session could take them for its own.
 * Context: process, session teardown.
 */
void dusk_late_forget_all(void)
{
	irq_work_sync(&dusk_late_iw);
	flush_workqueue(dusk_late_wq);
	/* a return hit dropped by an entry's resolution is queued again */
	irq_work_sync(&dusk_late_iw);
	flush_workqueue(dusk_late_wq);
	dusk_kbd_forget_all();
	dusk_kret_forget_all();
}

/**
 * dusk_late_init() - module init: the queue hits go through.
 */
int dusk_late_init(void)
{
	BUILD_BUG_ON(sizeof(struct keyboard_notifier_param) > DUSK_LATE_SNAP);
	dusk_late_wq = alloc_ordered_workqueue("dusk_late", WQ_HIGHPRI);
	return dusk_late_wq ? 0 : -ENOMEM;
}

/**
 * dusk_late_exit() - module exit, after the session ended (its undo
 * unregistered the callbacks): hits still on their way find no session,
 * and are dropped here.
 */
void dusk_late_exit(void)
{
	irq_work_sync(&dusk_late_iw);
	destroy_workqueue(dusk_late_wq);
}
