// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobe handlers run by the program: observed late (late.c).
 *
 * A kretprobe's entry_handler runs where the probed function is entered,
 * its handler where it returns, each with the instance the kernel took for
 * that call (struct kretprobe_instance, its data area of data_size bytes
 * shared by the two) and the registers; an entry_handler's non-zero answer
 * means "skip this call": no return handler.  Both must be done when they
 * return, so both are observed late, as kprobe handlers are (kprobe.c);
 * what ties them together is a record of this file per instance in flight:
 *
 *  - at the entry the proxy (dusk_sync_kretprobe()) takes a record, copies
 *    the kernel's instance (header and data area) into it and observes
 *    the hit with the record's copy as the instance: the entry_handler
 *    runs in the program on that copy, lent to it (dusk_late_lent()), so
 *    what it writes into ri->data stays in the record.  The proxy answers
 *    0: the kernel arms the return;
 *  - at the return the proxy finds the record by the kernel's instance and
 *    fills a hit with the return's registers, but queues it only once the
 *    entry_handler's answer is in (an ordered upcall after the entry's),
 *    with the instance's header as the kernel has it at the return
 *    (ret_addr).  If the entry_handler answered non-zero, or its hit was
 *    dropped, the return hit is dropped here: the program never sees it,
 *    as the kernel build's handler never ran;
 *  - without an entry_handler the return alone is observed, on a copy of
 *    the kernel's instance taken then.
 *
 * Misses are counted where kprobes count them, in the kretprobe's
 * nmissed (and the kmod's late_missed): an entry that finds no record or
 * no slot answers non-zero (the kernel then skips the call, as when its
 * own maxactive instances are all in use), a return that finds no slot is
 * not run.  unregister_kretprobe() waits until the program has run the
 * hits observed before (kprobe.c); the records of calls still inside the
 * probed function then expect no return any more.
 *
 * What differs from the kernel build (docs/kapi.md): both handlers run
 * after the fact, on copies of the registers and of the instance; the
 * return handler runs only after the entry handler's answer came, so
 * maxactive counts the kernel's instances and the records (64 for the
 * kmod) count calls until the program ran their return handler.
 */
#include <linux/atomic.h>
#include <linux/kprobes.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

#define DUSK_KRET_RECORDS	64	/* instances in flight, all kretprobes */
#define DUSK_KRET_DATA_MAX	512	/* the largest data_size served */

enum dusk_kret_state {
	DUSK_KRET_FREE,
	DUSK_KRET_TAKEN,	/* being filled by a proxy */
	DUSK_KRET_ENTERING,	/* the entry hit queued; the return not seen */
	DUSK_KRET_RET_HELD,	/* ... and the return hit filled, held back */
	DUSK_KRET_ENTERED,	/* the entry_handler answered 0; the return not seen */
	DUSK_KRET_SKIPPED,	/* it answered non-zero (or was dropped) */
	DUSK_KRET_RETURNING,	/* the return hit queued */
};

/* One call of a probed function, from its entry hit to its return hit's
 * REPLY.  The state moves by cmpxchg only: the proxies change it in any
 * context, resolutions in process context. */
struct dusk_kret_rec {
	atomic_t state;			/* enum dusk_kret_state */
	/* The kernel's instance while the call may still return; 0 when no
	 * return is expected any more (the kernel reused the instance, the
	 * return was missed, the kretprobe was unregistered). */
	unsigned long ri;
	u64 rp;				/* the kretprobe (a mirror of the module's) */
	u32 size;			/* of the instance: header and data area */
	struct dusk_late_hit *ret_hit;	/* DUSK_KRET_RET_HELD: the return hit */
	u8 ret_head[sizeof(struct kretprobe_instance)] __aligned(8);	/* the header at the return */
	/* The instance the program sees, lent to its handlers. */
	u8 inst[sizeof(struct kretprobe_instance) + DUSK_KRET_DATA_MAX] __aligned(8);
};

static struct dusk_kret_rec dusk_kret_recs[DUSK_KRET_RECORDS];

/* A free record, taken (DUSK_KRET_TAKEN), or NULL.  Any context. */
static struct dusk_kret_rec *dusk_kret_take(void)
{
	unsigned int i;

	for (i = 0; i < DUSK_KRET_RECORDS; i++)
		if (atomic_cmpxchg(&dusk_kret_recs[i].state, DUSK_KRET_FREE,
				   DUSK_KRET_TAKEN) == DUSK_KRET_FREE)
			return &dusk_kret_recs[i];
	return NULL;
}

static void dusk_kret_put(struct dusk_kret_rec *r)
{
	atomic_set_release(&r->state, DUSK_KRET_FREE);
}

/* Free @r if it still waits for a return in state @st. */
static void dusk_kret_put_if(struct dusk_kret_rec *r, int st)
{
	atomic_cmpxchg(&r->state, st, DUSK_KRET_FREE);
}

/*
 * No return will come for @r any more: free it now if its entry was
 * answered, else its entry's resolution does (it reads ri after its own
 * cmpxchg; this writes ri before reading the state).  Any context.
 */
static void dusk_kret_orphan(struct dusk_kret_rec *r)
{
	int st;

	WRITE_ONCE(r->ri, 0);
	smp_mb();
	st = atomic_read(&r->state);
	if (st == DUSK_KRET_ENTERED || st == DUSK_KRET_SKIPPED)
		dusk_kret_put_if(r, st);
}

/* The record of the kernel's instance @ri still expecting its return,
 * or NULL.  Any context. */
static struct dusk_kret_rec *dusk_kret_find(unsigned long ri)
{
	struct dusk_kret_rec *r;
	unsigned int i;
	int st;

	for (i = 0; i < DUSK_KRET_RECORDS; i++) {
		r = &dusk_kret_recs[i];
		st = atomic_read_acquire(&r->state);
		if ((st == DUSK_KRET_ENTERING || st == DUSK_KRET_ENTERED ||
		     st == DUSK_KRET_SKIPPED) && READ_ONCE(r->ri) == ri)
			return r;
	}
	return NULL;
}

/* Raise @r's return hit @h: the instance as the kernel had it at the
 * return, the data area as the entry_handler left it. */
static void dusk_kret_raise_return(struct dusk_kret_rec *r, struct dusk_late_hit *h)
{
	memcpy(r->inst, r->ret_head, sizeof(r->ret_head));
	dusk_late_queue(h);
}

/* A kretprobe hit that was not observed: count it where kprobes do. */
static void dusk_kret_missed(struct kretprobe *rp)
{
	if (READ_ONCE(dusk_sess.alive))
		rp->nmissed++;
}

/*
 * The probed function is entered: observe the entry_handler's call on a
 * record of its own.  Return: 0 (the kernel arms the return), or 1 when
 * it was missed (the kernel skips this call).
 */
static int dusk_kret_entry(u32 proxy, struct kretprobe *rp, struct kretprobe_instance *ri,
			   struct pt_regs *regs)
{
	u32 size = sizeof(*ri) + rp->data_size;
	struct dusk_kret_rec *r, *stale;
	struct dusk_late_hit *h;
	u64 args[2];

	/* A record still expecting this instance's return never gets it:
	 * its task left the function another way (rethook_flush_task()). */
	while ((stale = dusk_kret_find((unsigned long)ri)))
		dusk_kret_orphan(stale);
	if (!READ_ONCE(dusk_sess.alive))
		return 0;
	r = size <= sizeof(r->inst) ? dusk_kret_take() : NULL;
	if (!r) {
		dusk_count(DUSK_STAT_LATE_MISSED, 1);
		dusk_kret_missed(rp);
		return 1;
	}
	r->ri = (unsigned long)ri;
	r->rp = (u64)(uintptr_t)rp;
	r->size = size;
	r->ret_hit = NULL;
	memcpy(r->inst, ri, size);
	args[0] = (u64)(uintptr_t)r->inst;
	args[1] = (u64)(uintptr_t)regs;
	h = dusk_late_fill(proxy, DUSK_LATE_KRET_ENTRY, args, 2, size, 1, sizeof(*regs),
			   r->rp, r);
	if (!h) {
		dusk_kret_put(r);
		dusk_kret_missed(rp);
		return 1;
	}
	atomic_set_release(&r->state, DUSK_KRET_ENTERING);
	dusk_late_queue(h);
	return 0;
}

/* The return of a call whose entry was observed (record @r): fill its
 * hit, raise it if the entry_handler answered 0, hold it until it does. */
static void dusk_kret_return_of(u32 proxy, struct kretprobe *rp, struct dusk_kret_rec *r,
				struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 args[2] = { (u64)(uintptr_t)r->inst, (u64)(uintptr_t)regs };
	struct dusk_late_hit *h = NULL;
	int st;

	memcpy(r->ret_head, ri, sizeof(r->ret_head));
	for (;;) {
		st = atomic_read(&r->state);
		if (st == DUSK_KRET_SKIPPED) {
			if (h)
				dusk_late_drop(h);
			dusk_kret_put_if(r, st);
			return;
		}
		if (!h) {
			h = dusk_late_fill(proxy, DUSK_LATE_KRET_RET, args, 2, r->size, 1,
					   sizeof(*regs), r->rp, r);
			if (!h) {
				dusk_kret_missed(rp);
				dusk_kret_orphan(r);
				return;
			}
			r->ret_hit = h;
			continue;	/* the state may have moved meanwhile */
		}
		if (st == DUSK_KRET_ENTERING &&
		    atomic_cmpxchg(&r->state, st, DUSK_KRET_RET_HELD) == st)
			return;		/* the entry's resolution raises it */
		if (st == DUSK_KRET_ENTERED &&
		    atomic_cmpxchg(&r->state, st, DUSK_KRET_RETURNING) == st) {
			dusk_kret_raise_return(r, h);
			return;
		}
		if (st != DUSK_KRET_ENTERING && st != DUSK_KRET_ENTERED) {
			dusk_late_drop(h);	/* not ours any more (teardown) */
			return;
		}
	}
}

/* The return of a call of a kretprobe without entry_handler: observed on
 * a copy of the instance taken now. */
static void dusk_kret_return_alone(u32 proxy, struct kretprobe *rp,
				   struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u32 size = sizeof(*ri) + rp->data_size;
	struct dusk_kret_rec *r;
	struct dusk_late_hit *h;
	u64 args[2];

	r = size <= sizeof(r->inst) ? dusk_kret_take() : NULL;
	if (!r) {
		dusk_count(DUSK_STAT_LATE_MISSED, 1);
		dusk_kret_missed(rp);
		return;
	}
	r->ri = 0;
	r->rp = (u64)(uintptr_t)rp;
	r->size = size;
	r->ret_hit = NULL;
	memcpy(r->inst, ri, size);
	args[0] = (u64)(uintptr_t)r->inst;
	args[1] = (u64)(uintptr_t)regs;
	h = dusk_late_fill(proxy, DUSK_LATE_KRET_RET, args, 2, size, 1, sizeof(*regs), r->rp, r);
	if (!h) {
		dusk_kret_put(r);
		dusk_kret_missed(rp);
		return;
	}
	atomic_set_release(&r->state, DUSK_KRET_RETURNING);
	dusk_late_queue(h);
}

/**
 * dusk_sync_kretprobe() - the body of every generated kretprobe handler
 * proxy (int (struct kretprobe_instance *, struct pt_regs *)).
 * @proxy: index into dusk_gen.proxies.
 * @ri: the kernel's instance of this call.
 * @regs: the probed context's registers.
 *
 * Which handler the kernel calls is told by the kretprobe's fields (a
 * mirror of the module's, whose handlers are the proxies); a function
 * that is both is the entry_handler unless the instance is in flight.
 *
 * Context: where the probed function is entered or returns (kprobe
 * context, any); never waits, never allocates.
 * Return: 0, or 1 for an entry that was missed (the kernel skips it).
 */
int dusk_sync_kretprobe(u32 proxy, void *ri, void *regs)
{
	struct kretprobe_instance *inst = ri;
	struct kretprobe *rp = NULL;
	const void *self;

#ifdef CONFIG_KRETPROBES
	rp = get_kretprobe(inst);
#endif

	if (!rp || proxy >= dusk_gen.nproxies)
		return 0;
	self = dusk_gen.proxies[proxy].addr;
	if ((void *)rp->entry_handler == self &&
	    ((void *)rp->handler != self || !dusk_kret_find((unsigned long)ri)))
		return dusk_kret_entry(proxy, rp, inst, regs);
	if (!rp->entry_handler) {
		dusk_kret_return_alone(proxy, rp, inst, regs);
		return 0;
	}
	{
		struct dusk_kret_rec *r = dusk_kret_find((unsigned long)ri);

		/* none: its entry came without a session, or was missed */
		if (r)
			dusk_kret_return_of(proxy, rp, r, inst, regs);
	}
	return 0;
}

/* The entry hit of @r resolved: the entry_handler answered @ok, or not. */
static void dusk_kret_entry_resolved(struct dusk_kret_rec *r, bool ok)
{
	int st, to = ok ? DUSK_KRET_ENTERED : DUSK_KRET_SKIPPED;

	for (;;) {
		st = atomic_read(&r->state);
		if (st == DUSK_KRET_RET_HELD) {
			/* only this resolution moves it on */
			if (ok) {
				atomic_set(&r->state, DUSK_KRET_RETURNING);
				dusk_kret_raise_return(r, r->ret_hit);
			} else {
				dusk_late_discard(r->ret_hit);
				dusk_kret_put(r);
			}
			return;
		}
		if (st != DUSK_KRET_ENTERING)
			return;		/* not ours (teardown reset it) */
		if (atomic_cmpxchg(&r->state, st, to) == st)
			break;
	}
	/* a return that will not come: orphaned meanwhile */
	smp_mb();
	if (!READ_ONCE(r->ri))
		dusk_kret_put_if(r, to);
}

/**
 * dusk_kret_resolved() - a kretprobe hit ran in the program, answering
 * @ret, or was dropped (@err): its record moves on (late.c).
 * @owner: the hit's record.
 * Context: process.
 */
void dusk_kret_resolved(void *owner, u8 kind, int err, u64 ret)
{
	struct dusk_kret_rec *r = owner;

	if (kind == DUSK_LATE_KRET_ENTRY)
		dusk_kret_entry_resolved(r, !err && !(int)ret);
	else
		dusk_kret_put_if(r, DUSK_KRET_RETURNING);
}

/**
 * dusk_kret_unregistered() - unregister_kretprobe(@rp) returned: the
 * kernel calls its handlers no more, so the calls still inside the
 * probed function expect no return; their records go once their entry
 * hits ran.  Context: process, before dusk_late_drain(@rp).
 */
void dusk_kret_unregistered(u64 rp)
{
	struct dusk_kret_rec *r;
	unsigned int i;
	int st;

	for (i = 0; i < DUSK_KRET_RECORDS; i++) {
		r = &dusk_kret_recs[i];
		st = atomic_read(&r->state);
		if ((st == DUSK_KRET_ENTERING || st == DUSK_KRET_ENTERED ||
		     st == DUSK_KRET_SKIPPED) && READ_ONCE(r->rp) == rp)
			dusk_kret_orphan(r);
	}
}

/**
 * dusk_kret_forget_all() - the session ended, its kretprobes unregistered
 * and every hit resolved (late.c): no record is in use any more.
 * Context: process, session teardown.
 */
void dusk_kret_forget_all(void)
{
	unsigned int i;

	for (i = 0; i < DUSK_KRET_RECORDS; i++)
		atomic_set(&dusk_kret_recs[i].state, DUSK_KRET_FREE);
}

/**
 * dusk_kret_refused() - register_kretprobe() of a kretprobe whose data
 * area a record cannot hold: refused with a kernel log line (call.c).
 * Context: process, before the stub.
 * Return: true when refused.
 */
bool dusk_kret_refused(const struct dusk_call *c)
{
	const struct kretprobe *rp;
	size_t size;

	if (!c->nargs || strcmp(dusk_gen.stubs[c->stub].name, "register_kretprobe"))
		return false;
	rp = (const struct kretprobe *)(uintptr_t)c->args[0];
	if (copy_from_kernel_nofault(&size, &rp->data_size, sizeof(size)) ||
	    size <= DUSK_KRET_DATA_MAX)
		return false;
	pr_err("%s: register_kretprobe: a data_size of %zu bytes cannot run in a user build "
	       "(at most %d): refused, -EOPNOTSUPP\n", dusk_family.name, size, DUSK_KRET_DATA_MAX);
	return true;
}
