/* SPDX-License-Identifier: MIT */
/*
 * What commit.c (walking own objects, translating pointers) and mirror.c
 * (the mirror table, kernel allocations, read-back after calls) share.
 *
 * Locking: dusk_mirror_lock protects the mirror table and every struct
 * mirror; a commit walk holds it from start to end, read-back after a call
 * holds it too.  struct dusk_commit_state is the owning thread's alone.
 */
#ifndef DUSK_COMMIT_INTERNAL_H
#define DUSK_COMMIT_INTERNAL_H

#include "rt-internal.h"

/* Threads whose queued bytes one mirror tracks at once (commit.c, fly()). */
#define DUSK_FLIGHTS 4

struct mirror {
	uintptr_t own;
	size_t size;
	uint64_t kaddr;
	int32_t type;		/* element type id, DUSK_TYPE_NONE or DUSK_TYPE_CSTRING */
	uint32_t nelem;		/* the object is nelem elements of type */
	int call_scoped;	/* on a stack: freed after the call */
	const struct dusk_thread *caller;	/* call_scoped: the thread whose call made it */
	int readonly;		/* own bytes in a read-only mapping: never read back */
	struct dusk_thread *held;	/* on this thread's stack, held by the kernel
					 * across calls (a wait entry): freed when
					 * the thread's callback ends */
	/* A call's stack mirror after its call (mirror.c, "Dormant"): never
	 * found by own address, never refreshed, freed once its frame may be
	 * gone. */
	int dormant;
	int kept;		/* the kernel reads and writes it on its own (kept.c):
				 * read back at callback starts, its own changes
				 * sent at every epoch end */
	int fresh;		/* being created: may be uninitialised (commit.c) */
	/* An untyped held mirror (a stack object whose address the program
	 * stored into kernel memory, commit.c stack_ref()): the object last
	 * handed to the kernel with a type inside it, translated by that type. */
	int32_t sub_type;
	size_t sub_off;
	/* The thread that last queued a refresh of it: until that thread's
	 * epoch ends, the bytes wait in its pending list (commit.c,
	 * unsent_elsewhere()). */
	struct dusk_commit_state *unsent;
	/* Bytes [fly_lo, fly_hi) that threads queued for the kernel and that
	 * may not be there yet: in flight while one of the flights' threads
	 * has not landed past its mark (dusk_mirror_flying(); commit.c,
	 * fly()).  A read-back meeting other bytes there met the kernel's
	 * past, not a change. */
	struct dusk_flight {
		struct dusk_commit_state *cs;
		uint64_t mark;
	} flights[DUSK_FLIGHTS];
	size_t fly_lo, fly_hi;
	uint64_t gen;		/* walk that last translated it */
	uint64_t touch;		/* call serial that last listed it */
	unsigned char *sent;	/* what the kernel mirror holds, as far as we know */
	unsigned char *img;	/* scratch: the translated image */
	uint32_t *slots;	/* offsets of translated pointers (for read-back) */
	size_t nslots, slotcap;
	/* A whole registered stack local (commit.c, local_of()): the bytes
	 * [given_lo, given_hi) are the objects the program handed on; the
	 * rest (other elements, the struct around a member) the kernel may
	 * never read, and may hold garbage never initialised. */
	int local;
	size_t given_lo, given_hi;
};

struct dusk_commit_state {
	uint64_t serial;		/* this thread's current call serial */
	struct mirror **touched;	/* committed since the last call */
	size_t ntouched, touchcap;
	struct dusk_wlist pending;	/* refresh chunks, data malloc'd */
	void **bufs;			/* data of chunks handed to the last epoch */
	size_t nbufs, bufcap;
	struct mirror **held;		/* this thread's held stack mirrors */
	size_t nheld, heldcap;
	struct mirror **dormant;	/* its calls' stack mirrors, calls ended */
	size_t ndormant, dormantcap;
	struct dusk_thread *t;		/* the thread it is of */
	struct dusk_commit_state *all_next;	/* every thread's (commit.c) */
	/* on the list of threads inside a kernel call (mirror.c) */
	struct dusk_commit_state *incall_next;
	int in_call;
	/* The kernel task that runs this thread's call in flight, 0 when
	 * unknown (mirror.c, dusk_commit_call_begin()) */
	uint64_t call_task;
	/* Epochs of this thread whose message has gone out: a mirror's
	 * flight marked with an older count has landed.  Written under
	 * dusk_mirror_lock; @flying says a flight waits for the next. */
	uint64_t landed;
	int flying;
};

/* Is flight @f (of a mirror) still on its way?  Caller holds
 * dusk_mirror_lock. */
static inline int dusk_flight_on(const struct dusk_flight *f)
{
	return f->cs && f->cs->landed == f->mark;
}

/* Are @m's bytes [fly_lo, fly_hi) still on their way to the kernel?
 * Caller holds dusk_mirror_lock. */
static inline int dusk_mirror_flying(const struct mirror *m)
{
	size_t i;

	for (i = 0; i < DUSK_FLIGHTS; i++)
		if (dusk_flight_on(&m->flights[i]))
			return 1;
	return 0;
}

extern pthread_mutex_t dusk_mirror_lock;

/* The mirror holding own address @p, or NULL (kernel addresses: rmap.c).
 * Caller holds dusk_mirror_lock. */
struct mirror *dusk_mirror_by_own(uintptr_t p);
/* Bytes from own address @p up to the next mirror's start, at most @max
 * (a new mirror at @p must not overlap one: the kernel would see two
 * copies of the same bytes).  Caller holds dusk_mirror_lock. */
size_t dusk_mirror_room(uintptr_t p, size_t max);
/* The mirror of the empty object (size 0) at @p, or NULL: such a mirror
 * covers no own byte, so dusk_mirror_by_own() never finds it. */
struct mirror *dusk_mirror_empty(uintptr_t p);
/* The dormant mirror of @cs's thread that holds the own bytes [@own,
 * @own+@size), or NULL.  Whether it is the same object (commit.c,
 * same_object()) is the caller's to decide.  Caller holds
 * dusk_mirror_lock. */
struct mirror *dusk_mirror_dormant_at(struct dusk_commit_state *cs, uintptr_t own, size_t size);
/* Make @cs's dormant mirror @m live again: the same frame hands the same
 * object on (register_kprobe(&kp), then unregister_kprobe(&kp); a wait
 * entry's link to the wait queue head the frame initialised).  Caller holds
 * dusk_mirror_lock. */
void dusk_mirror_revive(struct dusk_commit_state *cs, struct mirror *m);
/* Another thread's dormant mirror that holds the own bytes [@own,
 * @own+@size), or NULL (same_object() decides, as for
 * dusk_mirror_dormant_at()).  A worker that reaches the stack of a thread blocked
 * in a kernel call (a timer's callback waking the wait queue head its caller
 * sleeps on) reaches a live frame, whose objects the kernel knows by their
 * dormant mirrors; the mirror stays dormant for its own thread.  Caller
 * holds dusk_mirror_lock. */
struct mirror *dusk_mirror_dormant_within(uintptr_t own, size_t size);
/**
 * dusk_mirror_create() - allocate a kernel mirror (MIRROR_ALLOC) for the
 * own object [own, own+size) of @nelem elements of @type and enter it in
 * the table; the dormant mirrors of @stack_cs's thread it covers go (their
 * frames are gone: a new object is where they were).  Caller holds
 * dusk_mirror_lock.  0 or -errno (logged).
 */
int dusk_mirror_create(uintptr_t own, size_t size, int32_t type, uint32_t nelem,
		       int call_scoped, struct dusk_commit_state *stack_cs, struct mirror **out);
/* Make the new mirror @m of an object on the stack of @cs's thread a
 * dormant one of that thread, as its own call would have left it.  Caller
 * holds dusk_mirror_lock.  0 or -ENOMEM. */
int dusk_mirror_make_dormant(struct dusk_commit_state *cs, struct mirror *m);
/* Free the held stack mirror @m (MIRROR_FREE, table, rmap) and forget it
 * in its thread's list.  Caller holds dusk_mirror_lock.  0 or -errno. */
int dusk_mirror_drop_held(struct dusk_commit_state *cs, struct mirror *m);
/* Does the kernel still hold the held stack mirror @m?  No when every wait
 * entry in it is off its queue (as last read back): the program's frame may
 * end without telling us, so the mirror goes dormant, not refreshed, until
 * the entry is queued again.  Caller holds dusk_mirror_lock. */
int dusk_commit_still_held(const struct mirror *m);
/* @cs's thread exits: its held and dormant stack mirrors are no one's now
 * (a new thread may get the same stack) and go after the next call of any
 * thread.  Caller holds dusk_mirror_lock. */
void dusk_mirror_orphan_thread(struct dusk_commit_state *cs);
/* Mark @m kept (kept.c) unless it lives for a call only.  Caller holds
 * dusk_mirror_lock. */
void dusk_mirror_keep(struct mirror *m);
/* The @i-th mirror of the table, NULL past its end (the table may grow
 * while it is walked).  Caller holds dusk_mirror_lock. */
struct mirror *dusk_mirror_nth(size_t i);
/* The threads inside a kernel call (dusk_commit_call_begin()), linked by
 * ->incall_next; each one's touched list stays as it is until its
 * dusk_commit_call_end().  Caller holds dusk_mirror_lock. */
struct dusk_commit_state *dusk_mirror_incall(void);
/* Is any thread inside a kernel call?  (Unlocked: a hint.) */
int dusk_mirror_any_incall(void);
/* Are there kept mirrors?  (Unlocked: a hint for the fast path.) */
int dusk_mirror_any_kept(void);
/* Record a translated pointer slot of @m (for read-back).  0 or -ENOMEM. */
int dusk_mirror_add_slot(struct mirror *m, uint32_t off);

/* C spelling of type @id for messages. */
const char *dusk_type_name(int32_t id);
/* A fresh call serial (marks which mirrors a thread listed for a call). */
uint64_t dusk_commit_next_serial(void);

#endif /* DUSK_COMMIT_INTERNAL_H */
