/* SPDX-License-Identifier: MIT */
/*
 * Mirrors: the kernel copies of the program's own objects (see commit.c
 * for how they are filled).  This file keeps the table of them, allocates
 * and frees them in the kernel (MIRROR_ALLOC / MIRROR_FREE), and after a
 * kernel call reads back the mirrors committed for it, copying what the
 * kernel changed into the own objects with pointers translated back
 * (mirror -> own object, proxy -> module function).  Stack objects' mirrors
 * are freed after the call, except those the kernel keeps across calls (a
 * wait entry: commit.c), freed when their thread's callback ends; the
 * others at the end of the session.  Kept mirrors (globals the kernel
 * reads and writes on its own: kept.c) are also read back when a callback
 * starts and after the calls of a thread that may sleep.
 *
 * The table is a plain array searched linearly: modules hand the kernel
 * tens of objects, not thousands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commit-internal.h"

pthread_mutex_t dusk_mirror_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mirror **mirrors;
static size_t nmirrors, mirrorcap;
/* Stack mirrors of threads that exited (dusk_mirror_orphan_thread()): freed
 * after the next call of any thread. */
static struct mirror **orphans;
static size_t norphans, orphancap;
static size_t nkept;		/* mirrors with ->kept (kept.c) */

struct mirror *dusk_mirror_nth(size_t i)
{
	return i < nmirrors ? mirrors[i] : NULL;
}

void dusk_mirror_keep(struct mirror *m)
{
	if (m->kept || m->call_scoped || m->held || m->readonly)
		return;
	dusk_trace("[dusk] mirror %p (%s) at 0x%llx is kept: the kernel reads and writes it "
		   "on its own", (void *)m->own, dusk_type_name(m->type),
		   (unsigned long long)m->kaddr);
	m->kept = 1;
	__atomic_add_fetch(&nkept, 1, __ATOMIC_RELAXED);
}

int dusk_mirror_any_kept(void)
{
	return __atomic_load_n(&nkept, __ATOMIC_RELAXED) != 0;
}

struct mirror *dusk_mirror_by_own(uintptr_t p)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (p >= mirrors[i]->own && p < mirrors[i]->own + mirrors[i]->size &&
		    !mirrors[i]->dormant)
			return mirrors[i];
	return NULL;
}

size_t dusk_mirror_room(uintptr_t p, size_t max)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (mirrors[i]->own > p && mirrors[i]->own - p < max && !mirrors[i]->dormant)
			max = mirrors[i]->own - p;
	return max;
}

struct mirror *dusk_mirror_empty(uintptr_t p)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (!mirrors[i]->size && mirrors[i]->own == p && !mirrors[i]->dormant)
			return mirrors[i];
	return NULL;
}

static int mirror_alloc(size_t size, uint64_t *kaddr)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	struct dusk_attrs a;
	int err;

	err = dusk_msg_new(&m, DUSK_CMD_MIRROR_ALLOC);
	if (err)
		return err;
	err = dusk_msg_put_u32(&m, DUSK_A_LEN, (uint32_t)size);
	if (!err)
		err = dusk_request(&m, &ans);
	dusk_msg_fini(&m);
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: MIRROR_ALLOC of %zu bytes failed: %s%s%s", size,
			 strerror(-err), ans.extack[0] ? ": " : "", ans.extack);
		return err;
	}
	if (!ans.nlh || dusk_msg_parse(ans.nlh, ans.len, &a) || !a.tb[DUSK_A_ADDR])
		err = -EBADMSG;
	else
		*kaddr = mnl_attr_get_u64(a.tb[DUSK_A_ADDR]);
	dusk_answer_free(&ans);
	return err;
}

int dusk_mirror_free_request(uint64_t kaddr, int percpu)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	int err;

	dusk_trace("[dusk] %smirror free 0x%llx", percpu ? "per-CPU " : "",
		   (unsigned long long)kaddr);
	err = dusk_msg_new(&m, DUSK_CMD_MIRROR_FREE);
	if (err)
		return err;
	err = dusk_msg_put_u64(&m, DUSK_A_ADDR, kaddr);
	if (!err && percpu)
		err = dusk_msg_put_u32(&m, DUSK_A_PERCPU, 1);
	if (!err)
		err = dusk_request(&m, &ans);
	dusk_answer_free(&ans);
	dusk_msg_fini(&m);
	return err;
}

/* MIRROR_FREE of stack mirror @m, gone from the program @after (its frame,
 * its callback).  A mirror the kernel still holds (-EBUSY) is left to BYE
 * with a warning, and counts as freed. */
static int stack_mirror_free_kernel(const struct mirror *m, const char *after)
{
	int err = dusk_mirror_free_request(m->kaddr, 0);

	if (err != -EBUSY)
		return err;
	dusk_log(DUSK_LOG_WARN, "dusk: stack object %p (%s) is still held by the kernel after "
		 "%s; its mirror lives until the session ends", (void *)m->own,
		 dusk_type_name(m->type), after);
	return 0;
}

static void mirror_destroy(struct mirror *m)
{
	if (m->kaddr)
		dusk_rmap_del(m->kaddr);
	free(m->sent);
	free(m->img);
	free(m->slots);
	free(m);
}

/* Caller holds dusk_mirror_lock. */
static void mirror_unlink(struct mirror *m)
{
	size_t i;

	for (i = 0; i < nmirrors; i++) {
		if (mirrors[i] == m) {
			mirrors[i] = mirrors[--nmirrors];
			if (m->kept)
				__atomic_sub_fetch(&nkept, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

/*
 * Dormant mirrors.  A call's stack mirror outlives its call: the kernel
 * may have kept the address for a later call of the same frame
 * (call_usermodehelper_setup() stores argv, call_usermodehelper_exec()
 * reads it; a struct handed to an init function, then to a register
 * function), as the kernel build's stack object lives until its frame
 * returns.  Freeing it after the call let the kernel read freed memory:
 * kernel_execve() oopsed on the argv of a usermode helper set up first.
 * A dormant mirror is not refreshed, so the kernel sees the object as the
 * frame last handed it, and an address inside it is not taken for it: an
 * object handed on again, with the same extent and type, takes it back
 * (the kernel knows the object by one address for the frame's life:
 * unregister_kprobe(&kp) finds the kprobe register_kprobe(&kp) added); any
 * other object there gets a mirror of its own.  It is freed when its frame
 * may be gone: the thread's stack pointer above it, a new mirror of the
 * thread covering its bytes (another frame took its place), or the
 * thread's callback (module_init, module_exit) ending.
 * Caller holds dusk_mirror_lock.
 */
static int dormant_free(struct mirror *m)
{
	int err = stack_mirror_free_kernel(m, "its frame");

	mirror_unlink(m);
	mirror_destroy(m);
	return err;
}

/* Free the dormant mirrors of @cs that start below @hi and end above @lo:
 * those a new mirror [@lo, @hi) covers, or, with @lo 0, those below a stack
 * pointer @hi, whose frames have returned (the stack grows down; a buffer
 * of unknown size is mirrored past its frame, so its start decides). */
static int dormant_drop_range(struct dusk_commit_state *cs, uintptr_t lo, uintptr_t hi)
{
	size_t i = 0;
	int err = 0, e;

	while (cs && i < cs->ndormant) {
		struct mirror *m = cs->dormant[i];

		if (m->own < hi && lo < m->own + (m->size ? m->size : 1)) {
			cs->dormant[i] = cs->dormant[--cs->ndormant];
			e = dormant_free(m);
			err = err ? err : e;
		} else {
			i++;
		}
	}
	return err;
}

/* Take @m out of the list @v of *@n mirrors (order is not kept): 1 if it
 * was there. */
static int take_out(struct mirror **v, size_t *n, const struct mirror *m)
{
	size_t i;

	for (i = 0; i < *n; i++) {
		if (v[i] == m) {
			v[i] = v[--*n];
			return 1;
		}
	}
	return 0;
}

struct mirror *dusk_mirror_dormant_at(struct dusk_commit_state *cs, uintptr_t own, size_t size)
{
	size_t i;

	for (i = 0; cs && i < cs->ndormant; i++) {
		struct mirror *m = cs->dormant[i];

		if (own >= m->own && own + size <= m->own + m->size)
			return m;
	}
	return NULL;
}

void dusk_mirror_revive(struct dusk_commit_state *cs, struct mirror *m)
{
	if (take_out(cs->dormant, &cs->ndormant, m))
		m->dormant = 0;
}

struct mirror *dusk_mirror_dormant_within(uintptr_t own, size_t size)
{
	const struct dusk_thread *self = dusk_thread_peek();
	size_t i;

	for (i = 0; i < nmirrors; i++) {
		struct mirror *m = mirrors[i];

		/* (an exited thread's orphans have no caller) */
		if (m->dormant && m->caller && m->caller != self && own >= m->own &&
		    own + size <= m->own + m->size)
			return m;
	}
	return NULL;
}

int dusk_mirror_make_dormant(struct dusk_commit_state *cs, struct mirror *m)
{
	int err = dusk_push(cs->dormant, &cs->dormantcap, cs->ndormant, m, 8);

	if (err)
		return err;
	m->caller = cs->t;
	m->call_scoped = 1;
	m->dormant = 1;
	return 0;
}

int dusk_mirror_add_slot(struct mirror *m, uint32_t off)
{
	return dusk_push(m->slots, &m->slotcap, m->nslots, off, 8);
}

int dusk_mirror_create(uintptr_t own, size_t size, int32_t type, uint32_t nelem,
		       int call_scoped, struct dusk_commit_state *stack_cs, struct mirror **out)
{
	struct mirror *m, **v;
	int err;

	v = dusk_grow(mirrors, &mirrorcap, nmirrors, sizeof(*v), 16);
	if (!v)
		return -ENOMEM;
	mirrors = v;
	/* a held (wait entry) mirror takes the place of dormant ones as a call
	 * mirror does; no other object overlaps a stack mirror */
	err = dormant_drop_range(stack_cs, own, own + (size ? size : 1));
	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->own = own;
	m->size = size;
	m->type = type;
	m->nelem = nelem;
	m->call_scoped = call_scoped;
	m->sub_type = DUSK_TYPE_NONE;
	m->sent = calloc(1, size ? size : 1);	/* MIRROR_ALLOC zero-fills */
	m->img = malloc(size ? size : 1);
	if (!m->sent || !m->img) {
		mirror_destroy(m);
		return -ENOMEM;
	}
	/* an empty object still gets an address of its own */
	err = mirror_alloc(size ? size : 1, &m->kaddr);
	if (err) {
		mirror_destroy(m);
		return err;
	}
	err = dusk_rmap_add(m->kaddr, size ? size : 1, own);
	if (err) {
		dusk_mirror_free_request(m->kaddr, 0);
		mirror_destroy(m);
		return err;
	}
	dusk_trace("[dusk] mirror %p +%zu (%s) -> 0x%llx%s", (void *)own, size,
		   dusk_type_name(type), (unsigned long long)m->kaddr, call_scoped ? " [call]" : "");
	mirrors[nmirrors++] = m;
	*out = m;
	return 0;
}

static int is_slot(const struct mirror *m, size_t off)
{
	size_t s;

	for (s = 0; s < m->nslots; s++)
		if (m->slots[s] == off)
			return 1;
	return 0;
}

/*
 * May the kernel's bytes of @m be read into its own object when a callback
 * starts?  Not a stack object's mirror (the calls' business), nor one
 * being made, nor one with bytes a thread queued and has not sent (they
 * would be read over).  Caller holds dusk_mirror_lock (it guards the
 * pending lists).
 */
static int refreshable(const struct mirror *m)
{
	return !m->call_scoped && !m->held && !m->fresh &&
	       !(m->unsent && m->unsent->pending.n);
}

/*
 * Copy what the kernel changed in bytes [@off, @off + @len) of @m (now
 * @data) into the own object.  A changed pointer word comes back whole, as
 * the program names it (see rmap.c): a slot the program had translated, or
 * any word that now holds a mirror or proxy address.  Other changes come
 * back byte by byte, so the own object's other bytes stay as the program
 * left them.  Words a thread queued for the kernel that may not be there
 * yet (dusk_mirror_flying()) are left alone, and so is what we know the
 * mirror holds there: the kernel's copy is older than the own object's.
 * Caller holds dusk_mirror_lock.
 */
static void apply_range(struct mirror *m, size_t off, const unsigned char *data, size_t len)
{
	unsigned char *own = (unsigned char *)m->own;
	const unsigned char *view;
	size_t b = off, b0, e, end = off + len, flo = 0, fhi = 0;

	if (!memcmp(data, m->sent + off, len))
		return;
	if (dusk_mirror_flying(m)) {
		flo = m->fly_lo & ~(size_t)7;
		fhi = (m->fly_hi + 7) & ~(size_t)7;
	}
	/* m->img is the walk's scratch */
	view = dusk_rmap_view(m->kaddr + off, data, len, m->img + off) - off;
	data -= off;
	while (b < end) {
		e = (b & ~(size_t)7) + 8 < end ? (b & ~(size_t)7) + 8 : end;
		b0 = b;
		if (!memcmp(data + b, m->sent + b, e - b) || (b >= flo && e <= fhi)) {
			b = e;
			continue;
		}
		if (e - b == 8 && (is_slot(m, b) || memcmp(view + b, data + b, 8))) {
			memcpy(own + b, view + b, 8);
		} else {
			for (; b < e; b++)
				if (data[b] != m->sent[b])
					own[b] = data[b];
		}
		memcpy(m->sent + b0, data + b0, e - b0);
		b = e;
	}
}

static void apply_readback(struct mirror *m, const unsigned char *data)
{
	apply_range(m, 0, data, m->size);
}

void dusk_commit_apply_chunk(uint64_t kaddr, const void *data, uint32_t n)
{
	uint64_t own = dusk_rmap_word(kaddr);
	struct mirror *m;

	if (own == kaddr || own >= dusk_kbase)
		return;		/* not in a mirror: the kernel's own memory */
	pthread_mutex_lock(&dusk_mirror_lock);
	m = dusk_mirror_by_own((uintptr_t)own);
	if (m && refreshable(m) && !m->readonly && kaddr >= m->kaddr &&
	    kaddr - m->kaddr <= m->size && n <= m->size - (kaddr - m->kaddr))
		apply_range(m, (size_t)(kaddr - m->kaddr), data, n);
	pthread_mutex_unlock(&dusk_mirror_lock);
}

/* Read back @n mirrors (none larger than DUSK_MAX_READ) with one READ. */
static int readback(struct mirror **v, size_t n)
{
	struct dusk_msg msg;
	struct dusk_answer ans;
	const struct nlattr *a;
	size_t i = 0;
	int err;

	err = dusk_msg_new(&msg, DUSK_CMD_READ);
	for (i = 0; !err && i < n; i++)
		err = dusk_msg_put_range(&msg, DUSK_A_RANGE, v[i]->kaddr, (uint32_t)v[i]->size);
	if (!err)
		err = dusk_request(&msg, &ans);
	if (msg.buf)
		dusk_msg_fini(&msg);
	if (err)
		return err;
	i = 0;
	if (ans.nlh) {
		mnl_attr_for_each(a, ans.nlh, GENL_HDRLEN) {
			if (mnl_attr_get_type(a) != DUSK_A_DATA || i == n ||
			    mnl_attr_get_payload_len(a) != v[i]->size)
				continue;
			apply_readback(v[i], mnl_attr_get_payload(a));
			i++;
		}
	}
	dusk_answer_free(&ans);
	return i == n ? 0 : -EBADMSG;
}

int dusk_mirror_drop_held(struct dusk_commit_state *cs, struct mirror *m)
{
	int err;

	take_out(cs->held, &cs->nheld, m);
	while (take_out(cs->touched, &cs->ntouched, m))
		;
	err = stack_mirror_free_kernel(m, "its callback");
	if (err)
		return err;
	mirror_unlink(m);
	mirror_destroy(m);
	return 0;
}

/* Held mirror @m of the calling thread is no longer held by the kernel (its
 * wait entry left the queue): it lives on as the call's stack mirror it
 * would have been, dormant after this call.  Caller holds dusk_mirror_lock. */
static void unhold(struct dusk_commit_state *cs, struct mirror *m)
{
	take_out(cs->held, &cs->nheld, m);
	m->caller = m->held;
	m->held = NULL;
	m->call_scoped = 1;
}

void dusk_commit_release_held(const void *frame)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;

	if (!cs || (!cs->nheld && !cs->ndormant))
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	while (cs->nheld)
		dusk_mirror_drop_held(cs, cs->held[cs->nheld - 1]);
	/* not the frames above it: a callback served inside a call of this
	 * thread (a usermode helper's init function) returns to them */
	dormant_drop_range(cs, 0, (uintptr_t)frame);
	pthread_mutex_unlock(&dusk_mirror_lock);
}

/* Mirrors to read back, sent in as few READs as fit. */
struct rb_batch {
	struct mirror *v[64];
	size_t n, bytes;
	int err;
};

static void rb_flush(struct rb_batch *b)
{
	int e;

	if (!b->n)
		return;
	e = readback(b->v, b->n);
	b->err = b->err ? b->err : e;
	b->n = b->bytes = 0;
}

/* Add @m to @b if it may have changed.  Caller holds dusk_mirror_lock. */
static void rb_add(struct rb_batch *b, struct mirror *m)
{
	/* Read-only bytes (string literals) are not changed by the kernel.
	 * Objects above 32 KiB (one DATA attribute's practical limit) are
	 * not read back. */
	if (m->readonly || !m->size || m->size > 32 * 1024)
		return;
	if (b->n == 64 || b->bytes + m->size > DUSK_MAX_READ)
		rb_flush(b);
	b->v[b->n++] = m;
	b->bytes += m->size;
}

/* Read back the mirrors @v[0..n).  Caller holds dusk_mirror_lock. */
static int readback_list(struct mirror *const *v, size_t n)
{
	struct rb_batch b = { .n = 0 };
	size_t i;

	for (i = 0; i < n; i++)
		rb_add(&b, v[i]);
	rb_flush(&b);
	return b.err;
}

/* Add the kept mirrors to @b.  Caller holds dusk_mirror_lock. */
static void rb_add_kept(struct rb_batch *b)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (mirrors[i]->kept)
			rb_add(b, mirrors[i]);
}

void dusk_commit_keep_touched(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;
	size_t i;

	if (!cs)
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	for (i = 0; i < cs->ntouched; i++)
		dusk_mirror_keep(cs->touched[i]);
	pthread_mutex_unlock(&dusk_mirror_lock);
}

int dusk_commit_refresh_kept(void)
{
	struct rb_batch b = { .n = 0 };

	if (!dusk_mirror_any_kept())
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	rb_add_kept(&b);
	rb_flush(&b);
	pthread_mutex_unlock(&dusk_mirror_lock);
	return b.err;
}

int dusk_commit_refresh_args(const uint64_t *args, unsigned int n)
{
	struct rb_batch b = { .n = 0 };
	struct mirror *m;
	unsigned int i, j;

	pthread_mutex_lock(&dusk_mirror_lock);
	for (i = 0; i < n; i++) {
		if (!args[i] || args[i] >= dusk_kbase)
			continue;
		m = dusk_mirror_by_own((uintptr_t)args[i]);
		if (!m || !refreshable(m))
			continue;
		for (j = 0; j < b.n && b.v[j] != m; j++)
			;
		if (j == b.n)
			rb_add(&b, m);
	}
	rb_flush(&b);
	pthread_mutex_unlock(&dusk_mirror_lock);
	return b.err;
}

/*
 * Threads inside a kernel call, each with the mirrors committed for it
 * (under dusk_mirror_lock).  The kernel function may call back into the
 * module before it returns, and the callback runs on another thread: the
 * pernet init that register_pernet_subsys() runs reads the id the kernel
 * has just stored through ops->id into the module's global, a notifier
 * replayed at registration reads what the registration set up.  So a
 * blocking callback first reads back what the calls in flight committed
 * (dusk_commit_refresh_calls()), as their callers will when they return.
 *
 * A call's own bytes are in flight until it returns (commit.c, fly()):
 * a callback raised elsewhere meanwhile may come before the kmod applied
 * them, and must not take the mirror's older bytes for the kernel's
 * change.  But a callback raised by the call itself comes after: the kmod
 * applied the call's chunks before it ran the kernel function.  Such a
 * callback's `current` is the task that runs the call -- the program's
 * own task for the thread that sent HELLO outside callbacks (module_init,
 * module_exit), the waiting caller's for a thread serving a blocking
 * callback, whose calls run in its context -- so a call whose task is
 * known and is the callback's, and no other call in flight's, has landed,
 * and its objects read back whole: the driver's name that
 * __auxiliary_driver_register() kasprintf()s into the module's struct
 * before driver_register() probes, which the probe reads (e2e kauxbus:
 * "(null)" before).  An unknown task (a thread outside callbacks that did
 * not send HELLO) never matches, and two calls in flight of one task (a
 * relay that runs the calls of several threads) leave both in flight.
 */
static struct dusk_commit_state *incall_head;

/* The kernel task that runs @t's next call, 0 when unknown. */
static uint64_t call_task(const struct dusk_thread *t)
{
	if (t->ctx)
		return t->blocking ? t->current : 0;
	return dusk_sess && dusk_sess->task && gettid() == dusk_sess->task_tid ? dusk_sess->task : 0;
}

/* Has @cs's call reached the kernel function that runs in @task?  Caller
 * holds dusk_mirror_lock. */
static int call_raised(const struct dusk_commit_state *cs, uint64_t task)
{
	const struct dusk_commit_state *o;

	if (!task || cs->call_task != task)
		return 0;
	for (o = incall_head; o; o = o->incall_next)
		if (o != cs && (!o->call_task || o->call_task == task))
			return 0;
	return 1;
}

void dusk_commit_call_begin(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;

	if (!cs || !cs->ntouched)
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	cs->incall_next = incall_head;
	incall_head = cs;
	cs->in_call = 1;
	cs->call_task = call_task(dusk_thread());
	pthread_mutex_unlock(&dusk_mirror_lock);
}

void dusk_commit_call_end(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit, **pp;

	if (!cs || !cs->in_call)
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	for (pp = &incall_head; *pp; pp = &(*pp)->incall_next) {
		if (*pp == cs) {
			*pp = cs->incall_next;
			break;
		}
	}
	cs->in_call = 0;
	pthread_mutex_unlock(&dusk_mirror_lock);
}

struct dusk_commit_state *dusk_mirror_incall(void)
{
	return incall_head;
}

int dusk_mirror_any_incall(void)
{
	return __atomic_load_n(&incall_head, __ATOMIC_RELAXED) != NULL;
}

int dusk_commit_refresh_calls(void)
{
	struct dusk_commit_state *own = dusk_thread()->commit, *cs;
	int err = 0, e;

	pthread_mutex_lock(&dusk_mirror_lock);
	for (cs = incall_head; cs; cs = cs->incall_next) {
		if (cs == own)
			continue;
		/* This callback was raised by that call: its bytes are in
		 * the kernel (above) */
		if (cs->flying && call_raised(cs, dusk_thread()->current)) {
			cs->landed++;
			cs->flying = 0;
		}
		/* Its caller waits in the kernel: its list stays as it is
		 * until dusk_commit_call_end(), which takes this lock. */
		e = readback_list(cs->touched, cs->ntouched);
		err = err ? err : e;
	}
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
}

/* Make @m an orphan: found by no one, freed by free_orphans().  Kept for
 * the session when the list cannot grow (as before there was one). */
static void orphan(struct mirror *m)
{
	m->held = NULL;
	m->dormant = 1;
	m->caller = NULL;
	(void)dusk_push(orphans, &orphancap, norphans, m, 8);
}

void dusk_mirror_orphan_thread(struct dusk_commit_state *cs)
{
	size_t i;

	for (i = 0; i < cs->nheld; i++)
		orphan(cs->held[i]);
	for (i = 0; i < cs->ndormant; i++)
		orphan(cs->dormant[i]);
	cs->nheld = cs->ndormant = 0;
}

/* Free the exited threads' stack mirrors.  Caller holds dusk_mirror_lock. */
static int free_orphans(void)
{
	int err = 0, e;

	while (norphans) {
		e = dormant_free(orphans[--norphans]);
		err = err ? err : e;
	}
	return err;
}

/*
 * After a call: read back what it may have changed.  A thread that may
 * sleep (outside callbacks: module_init/exit; a blocking callback: a
 * kthread's loop around msleep()) reads the kept mirrors too, in the same
 * READs: the kernel may have run anything meanwhile, a shell's write to a
 * debugfs file included.  Ordered callbacks (packets) read them when they
 * start only.
 */
int dusk_commit_after_call(const void *frame)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_commit_state *cs = t->commit;
	int kept = dusk_mirror_any_kept() && (!t->ctx || t->blocking);
	struct rb_batch b = { .n = 0 };
	size_t i;
	int err, e;

	if (__atomic_load_n(&norphans, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&dusk_mirror_lock);
		err = free_orphans();
		pthread_mutex_unlock(&dusk_mirror_lock);
		if (err)
			return err;
	}
	if ((!cs || (!cs->ntouched && !cs->ndormant)) && !kept)
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	for (i = 0; cs && i < cs->ntouched; i++)
		if (!cs->touched[i]->kept || !kept)
			rb_add(&b, cs->touched[i]);
	if (kept)
		rb_add_kept(&b);
	rb_flush(&b);
	err = b.err;
	if (!cs) {
		pthread_mutex_unlock(&dusk_mirror_lock);
		return err;
	}
	for (i = 0; i < cs->ntouched; i++) {
		struct mirror *m = cs->touched[i];

		/* Another thread's call made it and is still in the kernel:
		 * a callback that call runs here handed the caller's stack
		 * object on (rtc_read_time(rtc, &tm) in a probe, whose
		 * read_time() fills tm with rtc_time64_to_tm()).  Its mirror
		 * goes when that call ends; freeing it here let the kernel
		 * write freed memory and the caller's read-back fail. */
		if (m->held == t && !dusk_commit_still_held(m))
			unhold(cs, m);
		if (!m->call_scoped || m->caller != t || m->dormant)
			continue;
		e = dusk_push(cs->dormant, &cs->dormantcap, cs->ndormant, m, 8);
		if (e)
			e = dormant_free(m);
		else
			m->dormant = 1;
		err = err ? err : e;
	}
	e = dormant_drop_range(cs, 0, (uintptr_t)frame);
	err = err ? err : e;
	pthread_mutex_unlock(&dusk_mirror_lock);
	cs->ntouched = 0;
	cs->serial = dusk_commit_next_serial();
	return err;
}

void dusk_commit_release_all(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;

	/* Workers are gone (their state with them); the calling thread's
	 * lists must not outlive the mirrors they point at. */
	if (cs) {
		dusk_commit_thread_free(cs);
		dusk_thread()->commit = NULL;
	}
	pthread_mutex_lock(&dusk_mirror_lock);
	while (nmirrors) {
		struct mirror *m = mirrors[--nmirrors];

		dusk_mirror_free_request(m->kaddr, 0);
		mirror_destroy(m);
	}
	nkept = 0;
	free(orphans);
	orphans = NULL;
	norphans = orphancap = 0;
	free(mirrors);
	mirrors = NULL;
	mirrorcap = 0;
	pthread_mutex_unlock(&dusk_mirror_lock);
}

size_t dusk_commit_nmirrors(void)
{
	size_t n;

	pthread_mutex_lock(&dusk_mirror_lock);
	n = nmirrors;
	pthread_mutex_unlock(&dusk_mirror_lock);
	return n;
}
