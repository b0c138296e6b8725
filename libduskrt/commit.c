/* SPDX-License-Identifier: MIT */
/*
 * commit(): the program's own objects, as the kernel sees them.
 *
 * A pointer to an own object cannot be handed to the kernel as is: the
 * kernel gets a *mirror*, a kernel allocation (MIRROR_ALLOC) holding the
 * object's bytes with its pointers translated (own -> mirror, kernel ->
 * unchanged, function -> the kernel address of its generated proxy).  The
 * type table (include/dusk/typeinfo.h) says where the pointers are; the walk
 * follows them recursively, so a whole graph of own objects is mirrored,
 * each object once (cycles end at an object already translated in this
 * walk).
 *
 * Lifetime: an object on a thread's stack is mirrored for one kernel call
 * (freed after it); any other own object (module globals, string literals)
 * keeps its mirror for the session, refreshed at every commit: only the
 * bytes that differ from what the mirror was last known to hold are sent,
 * so a field the kernel changed in the mirror is not clobbered.  After the
 * call the mirrors committed for it are read back and what the kernel
 * changed is copied into the own objects (pointers translated back).
 *
 * Refused, with a message naming the type and field: a union pointer member
 * (DUSK_FF_AMBIGUOUS) that holds the address of an own object, an own
 * object of unknown size, a function without a generated proxy.
 *
 * Locking: the mirror table and every mirror are protected by mt_lock, held
 * for a whole walk (including its MIRROR_ALLOC round trips).  Refresh data
 * is copied into the committing thread's own buffers before the lock is
 * dropped.  The table is a plain array, searched linearly: modules hand the
 * kernel tens of objects, not thousands.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "rt-internal.h"

#define MAX_DEPTH 64

struct slot {
	uint32_t off;
	uint8_t fn;		/* function pointer (else data pointer) */
};

struct mirror {
	uintptr_t own;
	size_t size;
	uint64_t kaddr;
	int32_t type;		/* element type id, DUSK_TYPE_NONE or DUSK_TYPE_CSTRING */
	uint32_t nelem;		/* the object is nelem elements of type */
	int call_scoped;	/* on a stack: freed after the call */
	uint64_t gen;		/* walk that last translated it */
	uint64_t touch;		/* call serial that last listed it */
	unsigned char *sent;	/* what the kernel mirror holds, as far as we know */
	unsigned char *img;	/* scratch: the translated image */
	struct slot *slots;
	size_t nslots, slotcap;
};

struct dusk_commit_state {
	uint64_t serial;		/* this thread's current call serial */
	struct mirror **touched;	/* committed since the last call */
	size_t ntouched, touchcap;
	struct dusk_wlist pending;	/* refresh chunks, data malloc'd */
	void **bufs;			/* data of chunks handed to the last epoch */
	size_t nbufs, bufcap;
};

static pthread_mutex_t mt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mirror **mirrors;
static size_t nmirrors, mirrorcap;
static uint64_t walk_gen, call_serial;

/* One walk: the generation stamp and the committing thread. */
struct walk {
	uint64_t gen;
	struct dusk_thread *t;
	struct dusk_commit_state *cs;
};

static struct dusk_commit_state *cstate(struct dusk_thread *t)
{
	if (!t->commit) {
		t->commit = calloc(1, sizeof(*t->commit));
		if (!t->commit)
			dusk_fatal("dusk: out of memory");
		t->commit->serial = __atomic_add_fetch(&call_serial, 1, __ATOMIC_RELAXED);
	}
	return t->commit;
}

static const struct dusk_type *type_of(int32_t id)
{
	const struct dusk_typetab *tt = dusk_sess ? dusk_sess->m->types : NULL;

	if (!tt || id < 0 || (uint32_t)id >= tt->ntypes)
		return NULL;
	return &tt->types[id];
}

static const char *type_name(int32_t id)
{
	const struct dusk_type *t = type_of(id);

	if (id == DUSK_TYPE_CSTRING)
		return "char[]";
	return t ? t->name : "(untyped)";
}

/* Caller holds mt_lock. */
static struct mirror *mirror_by_own(uintptr_t p)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (p >= mirrors[i]->own && p < mirrors[i]->own + mirrors[i]->size)
			return mirrors[i];
	return NULL;
}

/* Caller holds mt_lock. */
static struct mirror *mirror_by_kaddr(uint64_t k)
{
	size_t i;

	for (i = 0; i < nmirrors; i++)
		if (k >= mirrors[i]->kaddr && k < mirrors[i]->kaddr + mirrors[i]->size)
			return mirrors[i];
	return NULL;
}

static const struct dusk_object *global_of(uintptr_t p)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned int i;

	for (i = 0; i < m->nobjects; i++) {
		uintptr_t a = (uintptr_t)m->objects[i].addr;

		if (p >= a && p < a + m->objects[i].size)
			return &m->objects[i];
	}
	return NULL;
}

/* Is @p mapped in this process?  (Unmapped: a foreign user address.) */
static int own_mapped(uintptr_t p)
{
	long pg = sysconf(_SC_PAGESIZE);

	return msync((void *)(p & ~(uintptr_t)(pg - 1)), 1, MS_ASYNC) == 0 || errno != ENOMEM;
}

static int on_stack(const struct dusk_thread *t, uintptr_t p)
{
	return p >= t->stack_lo && p < t->stack_hi;
}

/* Could @p be the address of an own object?  (For ambiguous members.) */
static int points_to_own(const struct walk *w, uintptr_t p)
{
	return p && p < dusk_sess->kbase &&
	       (mirror_by_own(p) || global_of(p) || on_stack(w->t, p));
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

static int mirror_free_kernel(uint64_t kaddr)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	int err;

	dusk_trace("[dusk] mirror free 0x%llx", (unsigned long long)kaddr);
	err = dusk_msg_new(&m, DUSK_CMD_MIRROR_FREE);
	if (err)
		return err;
	err = dusk_msg_put_u64(&m, DUSK_A_ADDR, kaddr);
	if (!err)
		err = dusk_request(&m, &ans);
	dusk_answer_free(&ans);
	dusk_msg_fini(&m);
	return err;
}

static void mirror_destroy(struct mirror *m)
{
	free(m->sent);
	free(m->img);
	free(m->slots);
	free(m);
}

/* Caller holds mt_lock. */
static void mirror_unlink(struct mirror *m)
{
	size_t i;

	for (i = 0; i < nmirrors; i++) {
		if (mirrors[i] == m) {
			mirrors[i] = mirrors[--nmirrors];
			return;
		}
	}
}

static int add_slot(struct mirror *m, uint32_t off, int fn)
{
	if (m->nslots == m->slotcap) {
		size_t cap = m->slotcap ? 2 * m->slotcap : 8;
		struct slot *v = realloc(m->slots, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->slots = v;
		m->slotcap = cap;
	}
	m->slots[m->nslots++] = (struct slot){ off, (uint8_t)fn };
	return 0;
}

static int commit_rec(struct walk *w, uintptr_t p, int32_t type, size_t len, uint64_t *out,
		      int depth);

/* Translate the function pointer at img offset @off of @m. */
static int xlate_fn(struct walk *w, struct mirror *m, size_t off, const char *where)
{
	const struct dusk_module *mod = dusk_sess->m;
	uint64_t v;
	unsigned int i;

	memcpy(&v, m->img + off, sizeof(v));
	if (!v || v >= dusk_sess->kbase)
		return 0;
	(void)w;
	for (i = 0; i < mod->nproxies; i++) {
		if ((uintptr_t)mod->proxies[i].fn == v) {
			v = dusk_sess->proxies[i];
			memcpy(m->img + off, &v, sizeof(v));
			return add_slot(m, off, 1);
		}
	}
	dusk_log(DUSK_LOG_ERROR, "dusk: %s: function at %p has no generated proxy "
		 "(its address reaches the kernel but dusk-rewrite did not see it taken)",
		 where, (void *)(uintptr_t)v);
	return -ENOENT;
}

/* Translate the data pointer at img offset @off of @m (pointee @pointee). */
static int xlate_ptr(struct walk *w, struct mirror *m, size_t off, int32_t pointee,
		     const char *where, int depth)
{
	uint64_t v, k;
	int err;

	memcpy(&v, m->img + off, sizeof(v));
	if (!v || v >= dusk_sess->kbase)
		return 0;	/* NULL or kernel: unchanged */
	if (!mirror_by_own((uintptr_t)v) && !global_of((uintptr_t)v) && !own_mapped((uintptr_t)v))
		return 0;	/* a foreign user address: unchanged */
	err = commit_rec(w, (uintptr_t)v, pointee, 0, &k, depth + 1);
	if (err) {
		if (err != -ELOOP || depth == 0)
			dusk_log(DUSK_LOG_ERROR, "dusk:   (reached through %s)", where);
		return err;
	}
	memcpy(m->img + off, &k, sizeof(k));
	return add_slot(m, off, 0);
}

static int xlate_type(struct walk *w, struct mirror *m, size_t off, int32_t id, int depth);

static int xlate_field(struct walk *w, struct mirror *m, size_t off, const struct dusk_type *rec,
		       const struct dusk_field *f, int depth)
{
	char where[256];
	size_t at = off + f->offset;
	uint32_t i, esz;
	int err = 0;

	snprintf(where, sizeof(where), "%s field '%s'", rec->name, f->name);
	if (at + f->size > m->size)
		return 0;	/* a tail the object does not have (flexible array) */
	switch (f->kind) {
	case DUSK_FK_PTR:
	case DUSK_FK_FNPTR:
		if (f->flags & DUSK_FF_USER_PTR || f->size != sizeof(uint64_t))
			return 0;
		if (f->flags & DUSK_FF_AMBIGUOUS || rec->kind == DUSK_TK_UNION) {
			uint64_t v;

			memcpy(&v, m->img + at, sizeof(v));
			if (!points_to_own(w, (uintptr_t)v))
				return 0;
			dusk_log(DUSK_LOG_ERROR, "dusk: %s: union member holds own address %p; "
				 "which member is live is unknown, so it cannot be translated",
				 where, (void *)(uintptr_t)v);
			return -EINVAL;
		}
		if (f->kind == DUSK_FK_FNPTR)
			return xlate_fn(w, m, at, where);
		return xlate_ptr(w, m, at, f->type, where, depth);
	case DUSK_FK_RECORD:
		return xlate_type(w, m, at, f->type, depth);
	case DUSK_FK_ARRAY:
		if (!f->count || !type_of(f->type))
			return 0;
		esz = f->size / f->count;
		for (i = 0; !err && i < f->count; i++)
			err = xlate_type(w, m, at + (size_t)i * esz, f->type, depth);
		return err;
	default:
		return 0;
	}
}

static int xlate_type(struct walk *w, struct mirror *m, size_t off, int32_t id, int depth)
{
	const struct dusk_type *t = type_of(id);
	uint32_t i;
	int err = 0;

	if (!t || off + t->size > m->size)
		return 0;
	switch (t->kind) {
	case DUSK_TK_STRUCT:
	case DUSK_TK_UNION:
		for (i = 0; !err && i < t->nfields; i++)
			err = xlate_field(w, m, off, t, &t->fields[i], depth);
		return err;
	case DUSK_TK_ARRAY: {
		const struct dusk_type *e = type_of(t->elem);

		for (i = 0; e && !err && i < t->count; i++)
			err = xlate_type(w, m, off + (size_t)i * e->size, t->elem, depth);
		return err;
	}
	case DUSK_TK_POINTER:
		return xlate_ptr(w, m, off, t->elem, t->name, depth);
	case DUSK_TK_FUNCPTR:
		return xlate_fn(w, m, off, t->name);
	default:
		return 0;
	}
}

/* Queue the bytes of @m->img that differ from @m->sent as refresh chunks. */
static int queue_refresh(struct dusk_commit_state *cs, struct mirror *m)
{
	size_t b = 0, e;
	int err;

	while (b < m->size) {
		void *copy;

		if (m->img[b] == m->sent[b]) {
			b++;
			continue;
		}
		for (e = b + 1; e < m->size && m->img[e] != m->sent[e]; e++)
			;
		copy = malloc(e - b);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, m->img + b, e - b);
		err = dusk_wlist_add(&cs->pending, m->kaddr + b, copy, (uint32_t)(e - b));
		if (err) {
			free(copy);
			return err;
		}
		b = e;
	}
	memcpy(m->sent, m->img, m->size);
	return 0;
}

static int touch(struct dusk_commit_state *cs, struct mirror *m)
{
	if (m->touch == cs->serial)
		return 0;
	if (cs->ntouched == cs->touchcap) {
		size_t cap = cs->touchcap ? 2 * cs->touchcap : 16;
		struct mirror **v = realloc(cs->touched, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cs->touched = v;
		cs->touchcap = cap;
	}
	cs->touched[cs->ntouched++] = m;
	m->touch = cs->serial;
	return 0;
}

/* (Re)build the kernel image of @m and queue what changed. */
static int translate(struct walk *w, struct mirror *m, int depth)
{
	uint32_t i;
	int err;

	m->gen = w->gen;
	memcpy(m->img, (const void *)m->own, m->size);
	m->nslots = 0;
	err = touch(w->cs, m);
	if (m->type >= 0) {
		const struct dusk_type *t = type_of(m->type);

		for (i = 0; t && !err && i < m->nelem; i++)
			err = xlate_type(w, m, (size_t)i * t->size, m->type, depth);
	}
	return err ? err : queue_refresh(w->cs, m);
}

/* Decide the extent and type of the own object @p points into. */
static int object_of(struct walk *w, uintptr_t p, int32_t type, size_t len, uintptr_t *own,
		     size_t *size, int32_t *etype, uint32_t *nelem)
{
	const struct dusk_object *g = global_of(p);
	const struct dusk_type *t = type_of(type);

	if (g) {
		*own = (uintptr_t)g->addr;
		*size = g->size;
		*etype = g->type;
		*nelem = 1;
		if (g->type == DUSK_TYPE_NONE && t && t->size && g->size % t->size == 0 &&
		    (p - *own) % t->size == 0) {
			*etype = type;		/* an array of @type */
			*nelem = g->size / t->size;
		}
		return 0;
	}
	*own = p;
	*etype = type;
	*nelem = 1;
	if (type == DUSK_TYPE_CSTRING)
		*size = len ? len : strlen((const char *)p) + 1;
	else if (t && t->size)
		*size = len > t->size ? len - len % t->size : t->size;
	else
		*size = len;
	if (t && t->size)
		*nelem = *size / t->size;
	if (!*size) {
		Dl_info di;
		int named = dladdr((void *)p, &di) && di.dli_sname;

		dusk_log(DUSK_LOG_ERROR, "dusk: own object at %p%s%s%s (%s) has unknown size%s",
			 (void *)p, named ? " (" : "", named ? di.dli_sname : "", named ? ")" : "",
			 type_name(type), named ? "; a function without a generated proxy?" : "");
		return -EINVAL;
	}
	(void)w;
	return 0;
}

static int commit_rec(struct walk *w, uintptr_t p, int32_t type, size_t len, uint64_t *out,
		      int depth)
{
	struct mirror *m = mirror_by_own(p);
	uintptr_t own;
	size_t size;
	int32_t etype;
	uint32_t nelem;
	int err;

	if (depth > MAX_DEPTH) {
		dusk_log(DUSK_LOG_ERROR, "dusk: object graph deeper than %d levels at %p (%s)",
			 MAX_DEPTH, (void *)p, type_name(type));
		return -ELOOP;
	}
	if (m) {
		*out = m->kaddr + (p - m->own);
		return m->gen == w->gen ? 0 : translate(w, m, depth);
	}
	err = object_of(w, p, type, len, &own, &size, &etype, &nelem);
	if (err)
		return err;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->own = own;
	m->size = size;
	m->type = etype;
	m->nelem = nelem;
	m->call_scoped = on_stack(w->t, own);
	m->sent = calloc(1, size);	/* MIRROR_ALLOC zero-fills */
	m->img = malloc(size);
	if (!m->sent || !m->img) {
		mirror_destroy(m);
		return -ENOMEM;
	}
	err = mirror_alloc(size, &m->kaddr);
	if (err) {
		mirror_destroy(m);
		return err;
	}
	dusk_trace("[dusk] mirror %p +%zu (%s) -> 0x%llx%s", (void *)own, size, type_name(etype),
		   (unsigned long long)m->kaddr, m->call_scoped ? " [call]" : "");
	if (nmirrors == mirrorcap) {
		size_t cap = mirrorcap ? 2 * mirrorcap : 16;
		struct mirror **v = realloc(mirrors, cap * sizeof(*v));

		if (!v) {
			mirror_free_kernel(m->kaddr);
			mirror_destroy(m);
			return -ENOMEM;
		}
		mirrors = v;
		mirrorcap = cap;
	}
	mirrors[nmirrors++] = m;
	*out = m->kaddr + (p - own);
	return translate(w, m, depth);
}

int dusk_commit_obj(const void *p, int32_t type, size_t len, uint64_t *out)
{
	struct dusk_thread *t = dusk_thread();
	struct walk w;
	unsigned int i;
	int err;

	*out = (uintptr_t)p;
	if (!p || !dusk_sess || (uintptr_t)p >= dusk_sess->kbase)
		return 0;
	/* A module function handed to the kernel directly: its proxy. */
	for (i = 0; i < dusk_sess->m->nproxies; i++) {
		if (dusk_sess->m->proxies[i].fn == p) {
			*out = dusk_sess->proxies[i];
			return 0;
		}
	}
	if (!own_mapped((uintptr_t)p))
		return 0;
	pthread_mutex_lock(&mt_lock);
	w.gen = ++walk_gen;
	w.t = t;
	w.cs = cstate(t);
	err = commit_rec(&w, (uintptr_t)p, type, len, out, 0);
	pthread_mutex_unlock(&mt_lock);
	if (err)
		*out = 0;
	else
		dusk_trace("[dusk] commit %p (%s) = 0x%llx", p, type_name(type),
			   (unsigned long long)*out);
	return err;
}

DUSK_API uint64_t dusk_commit(const void *p, int32_t type, size_t len)
{
	uint64_t out;
	int err;

	if ((uintptr_t)p >= dusk_kbase || !p)
		return (uintptr_t)p;
	dusk_entry_pc = __builtin_return_address(0);
	err = dusk_commit_obj(p, type, len, &out);
	if (err)
		dusk_fatal("dusk: cannot hand own object %p (%s) to the kernel: %s", p,
			   type_name(type), strerror(-err));
	return out;
}

int dusk_commit_pending(struct dusk_wlist *w)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;
	size_t i;
	int err = 0;

	if (!cs)
		return 0;
	for (i = 0; i < cs->nbufs; i++)
		free(cs->bufs[i]);
	cs->nbufs = 0;
	if (cs->pending.n > cs->bufcap) {
		void **v = realloc(cs->bufs, cs->pending.n * sizeof(*v));

		if (!v)
			return -ENOMEM;
		cs->bufs = v;
		cs->bufcap = cs->pending.n;
	}
	for (i = 0; i < cs->pending.n; i++) {
		const struct dusk_write *p = &cs->pending.v[i];

		cs->bufs[cs->nbufs++] = (void *)p->data;
		if (!err)
			err = dusk_wlist_add(w, p->addr, p->data, p->len);
	}
	cs->pending.n = 0;
	return err;
}

/* Pointer value the kernel left in a mirror, as the program sees it. */
static uint64_t untranslate(uint64_t v, int fn)
{
	const struct dusk_module *mod = dusk_sess->m;
	struct mirror *m;
	unsigned int i;

	if (v < dusk_sess->kbase)
		return v;
	if (fn) {
		for (i = 0; i < mod->nproxies; i++)
			if (dusk_sess->proxies[i] == v)
				return (uintptr_t)mod->proxies[i].fn;
		return v;
	}
	m = mirror_by_kaddr(v);
	return m ? m->own + (v - m->kaddr) : v;
}

/* Copy what the kernel changed in @m (now @data) into the own object. */
static void apply_readback(struct mirror *m, const unsigned char *data)
{
	unsigned char *own = (unsigned char *)m->own;
	size_t b, s = 0;

	if (!memcmp(data, m->sent, m->size))
		return;
	for (s = 0; s < m->nslots; s++) {
		uint32_t off = m->slots[s].off;
		uint64_t v;

		if (!memcmp(data + off, m->sent + off, sizeof(v)))
			continue;
		memcpy(&v, data + off, sizeof(v));
		v = untranslate(v, m->slots[s].fn);
		memcpy(own + off, &v, sizeof(v));
	}
	for (b = 0; b < m->size; b++) {
		if (data[b] == m->sent[b])
			continue;
		for (s = 0; s < m->nslots; s++)
			if (b >= m->slots[s].off && b < m->slots[s].off + 8)
				break;
		if (s == m->nslots)
			own[b] = data[b];
	}
	memcpy(m->sent, data, m->size);
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

int dusk_commit_after_call(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;
	struct mirror *batch[64];
	size_t i, nb = 0, bytes = 0;
	int err = 0, e;

	if (!cs || !cs->ntouched)
		return 0;
	pthread_mutex_lock(&mt_lock);
	for (i = 0; i < cs->ntouched; i++) {
		struct mirror *m = cs->touched[i];

		/* Strings are not changed by the kernel.  Objects above 32 KiB
		 * (one DATA attribute's practical limit) are not read back. */
		if (m->type == DUSK_TYPE_CSTRING || m->size > 32 * 1024)
			continue;
		if (nb == 64 || bytes + m->size > DUSK_MAX_READ) {
			e = readback(batch, nb);
			err = err ? err : e;
			nb = bytes = 0;
		}
		batch[nb++] = m;
		bytes += m->size;
	}
	if (nb) {
		e = readback(batch, nb);
		err = err ? err : e;
	}
	for (i = 0; i < cs->ntouched; i++) {
		struct mirror *m = cs->touched[i];

		if (!m->call_scoped)
			continue;
		e = mirror_free_kernel(m->kaddr);
		if (e == -EBUSY)	/* the kernel still holds it: leave it to BYE */
			dusk_log(DUSK_LOG_WARN, "dusk: stack object %p (%s) is still held by the "
				 "kernel after the call; its mirror lives until the session ends",
				 (void *)m->own, type_name(m->type));
		else
			err = err ? err : e;
		mirror_unlink(m);
		mirror_destroy(m);
	}
	pthread_mutex_unlock(&mt_lock);
	cs->ntouched = 0;
	cs->serial = __atomic_add_fetch(&call_serial, 1, __ATOMIC_RELAXED);
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
	pthread_mutex_lock(&mt_lock);
	while (nmirrors) {
		struct mirror *m = mirrors[--nmirrors];

		mirror_free_kernel(m->kaddr);
		mirror_destroy(m);
	}
	free(mirrors);
	mirrors = NULL;
	mirrorcap = 0;
	pthread_mutex_unlock(&mt_lock);
}

void dusk_commit_thread_free(struct dusk_commit_state *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < cs->nbufs; i++)
		free(cs->bufs[i]);
	for (i = 0; i < cs->pending.n; i++)
		free((void *)cs->pending.v[i].data);
	dusk_wlist_free(&cs->pending);
	free(cs->bufs);
	free(cs->touched);
	free(cs);
}

size_t dusk_commit_nmirrors(void)
{
	size_t n;

	pthread_mutex_lock(&mt_lock);
	n = nmirrors;
	pthread_mutex_unlock(&mt_lock);
	return n;
}
