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
 * Lifetime: an object on a thread's stack is mirrored for each kernel call
 * it is handed to; after the call the mirror is dormant until its frame
 * may be gone (mirror.c), unless it holds a `struct wait_queue_entry`: the kernel
 * keeps a wait entry on its wait queue from prepare_to_wait() to
 * finish_wait() (calls apart, a waker in another context unlinks it), so
 * its mirror is *held*: reused by the thread's later calls, refreshed like
 * a global's, and freed when the thread's callback ends (or when another
 * object of the thread's takes its place on the stack).  So is a stack
 * object whose address the program stored into kernel memory (a list
 * head with kmalloc'd entries: stack_ref()).  Any other own object (module globals, string literals)
 * keeps its mirror for the session, refreshed at every commit: only the
 * bytes that differ from what the mirror was last known to hold are sent,
 * so a field the kernel changed in the mirror is not clobbered.  After the
 * call the mirrors committed for it are read back and what the kernel
 * changed is copied into the own objects (pointers translated back).
 *
 * Refused, with a message naming the type and field: a union pointer member
 * (DUSK_FF_AMBIGUOUS) that holds the address of an own object (unless
 * every member of the union is a data pointer, or its only pointers are
 * data pointers in its first word beside plain data: word_union()), an own
 * object of unknown size that is not on a stack, a function without a
 * generated proxy.  An untyped, unsized pointer that is none of the own
 * objects we can size is a user address of the caller (foreign_user()).
 *
 * Locking: dusk_mirror_lock is held for a whole walk (including its
 * MIRROR_ALLOC round trips).  Refresh data is copied into the committing
 * thread's own buffers before the lock is dropped.  The mirror table and
 * read-back are in mirror.c.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "commit-internal.h"

#define MAX_DEPTH 64
/* Bytes mirrored for a stack object of unknown size (see object_of()); at
 * most what one READ range can carry back. */
#define UNSIZED_STACK (32 * 1024)
/* ... and of a char buffer the kernel writes (dusk_commit_text()) */
#define TEXT_EXTENT 4096

static uint64_t walk_gen, call_serial;

uint64_t dusk_commit_next_serial(void)
{
	return __atomic_add_fetch(&call_serial, 1, __ATOMIC_RELAXED);
}

/* One walk: the generation stamp and the committing thread. */
struct walk {
	uint64_t gen;
	struct dusk_thread *t;
	struct dusk_commit_state *cs;
	int kept;	/* refreshing kept mirrors at an epoch's end: what it
			 * reaches is kept too, and not listed for the call */
	int send_now;	/* made or changed a mirror another thread may use
			 * before this thread's next message lands */
	int unlisted;	/* another thread's call reads back what it reaches:
			 * list nothing for this thread's */
	int in_member;	/* walking a record member of a union (of the
			 * object being walked, not of one it points to) */
};

/* Every thread's commit state, to find whose stack an object is on.
 * Protected by dusk_mirror_lock. */
static struct dusk_commit_state *all_states;

/* Caller holds dusk_mirror_lock. */
static struct dusk_commit_state *cstate(struct dusk_thread *t)
{
	if (!t->commit) {
		t->commit = calloc(1, sizeof(*t->commit));
		if (!t->commit)
			dusk_fatal("dusk: out of memory");
		t->commit->serial = dusk_commit_next_serial();
		t->commit->t = t;
		t->commit->all_next = all_states;
		all_states = t->commit;
	}
	return t->commit;
}

/* Start a walk of thread @t's own objects.  Caller holds dusk_mirror_lock. */
static void walk_begin(struct walk *w, struct dusk_thread *t, int kept)
{
	w->gen = ++walk_gen;
	w->t = t;
	w->cs = cstate(t);
	w->kept = kept;
	w->send_now = 0;
	w->unlisted = 0;
	w->in_member = 0;
}

static const struct dusk_type *type_of(int32_t id)
{
	const struct dusk_typetab *tt = dusk_sess ? dusk_sess->m->types : NULL;

	if (!tt || id < 0 || (uint32_t)id >= tt->ntypes)
		return NULL;
	return &tt->types[id];
}

const char *dusk_type_name(int32_t id)
{
	const struct dusk_type *t = type_of(id);

	if (id == DUSK_TYPE_CSTRING)
		return "char[]";
	return t ? t->name : "(untyped)";
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

/* Is @p mapped in this process?  (Unmapped: a foreign user address.)
 * mincore() says ENOMEM for an unmapped page and reads nothing there
 * (msync() would do, but valgrind takes its range for an access). */
static int own_mapped(uintptr_t p)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char vec;

	return mincore((void *)(p & ~(uintptr_t)(pg - 1)), 1, &vec) == 0 || errno != ENOMEM;
}

static int on_stack(const struct dusk_thread *t, uintptr_t p)
{
	return p >= t->stack_lo && p < t->stack_hi;
}

/* The thread (not the walker's) on whose stack @p lies, or NULL.  Caller
 * holds dusk_mirror_lock. */
static struct dusk_commit_state *stack_owner(uintptr_t p)
{
	struct dusk_commit_state *cs;

	for (cs = all_states; cs; cs = cs->all_next)
		if (on_stack(cs->t, p))
			return cs;
	return NULL;
}

/*
 * Bytes from @p to the end of the read-only mapping it lies in (string
 * literals, const data of the program's .rodata), or 0 when @p is not in
 * one.  Read from /proc/self/maps: only for an own object of unknown size.
 */
static size_t readonly_extent(uintptr_t p)
{
	FILE *f = fopen("/proc/self/maps", "re");
	unsigned long lo, hi;
	char perms[8];
	size_t n = 0;
	int c;

	if (!f)
		return 0;
	while (fscanf(f, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
		if (p >= lo && p < hi) {
			if (perms[0] == 'r' && perms[1] != 'w' && perms[2] != 'x')
				n = hi - p;
			break;
		}
		while ((c = getc(f)) != EOF && c != '\n')
			;
	}
	fclose(f);
	return n;
}

static uintptr_t image_lo, image_hi;
static pthread_once_t image_once = PTHREAD_ONCE_INIT;

static int image_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	int i;

	(void)size;
	(void)data;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!image_lo || lo < image_lo)
			image_lo = lo;
		if (lo + ph->p_memsz > image_hi)
			image_hi = lo + ph->p_memsz;
	}
	return 1;	/* the first object is the program itself */
}

static void image_find(void)
{
	dl_iterate_phdr(image_cb, NULL);
}

/* Is @p in the program's own ELF image (where the module's code, string
 * literals and globals are)?  Cheap: a word the program stores into kernel
 * memory is tested with it before /proc/self/maps is read. */
static int in_program_image(uintptr_t p)
{
	pthread_once(&image_once, image_find);
	return p >= image_lo && p < image_hi;
}

/* Could @p be the address of an own object?  (For ambiguous members.) */
static int points_to_own(const struct walk *w, uintptr_t p)
{
	return p && p < dusk_sess->kbase &&
	       (dusk_mirror_by_own(p) || global_of(p) || on_stack(w->t, p));
}

static int commit_rec(struct walk *w, uintptr_t p, int32_t type, size_t len, uint64_t *out,
		      int depth);

/* The kernel address of the proxy of module function @fn in *@k: 1, or 0
 * when @fn is not a module function with a generated proxy. */
static int proxy_of(uint64_t fn, uint64_t *k)
{
	const struct dusk_module *mod = dusk_sess->m;
	unsigned int i;

	for (i = 0; i < mod->nproxies; i++) {
		if ((uintptr_t)mod->proxies[i].fn == fn) {
			*k = dusk_sess->proxies[i];
			return 1;
		}
	}
	return 0;
}

/*
 * A pointer in the first image of a held stack object (a wait entry) that
 * names nothing the module owns: the object is not initialised yet (the
 * module is handing it to init_wait_entry(), which writes every field).
 * The kernel gets NULL there, never a user address.  The word is a slot:
 * what the kernel stores there comes back whole, not merged byte by byte
 * with the garbage (a byte of the kernel's pointer equal to NULL's would
 * leave the garbage's byte in the program's copy, and the next commit
 * would send that half-garbage pointer to the kernel).
 */
static int fresh_garbage(struct mirror *m, size_t off, const char *where)
{
	static const uint64_t zero;

	dusk_trace("[dusk] %s: %p not initialised yet: NULL in the kernel", where,
		   (void *)m->own);
	memcpy(m->img + off, &zero, sizeof(zero));
	return dusk_mirror_add_slot(m, off);
}

/* Is img offset @off of @m outside what the program handed, in a whole
 * stack local mirrored for a pointer into it (local_of())?  Another array
 * element or the struct around a member: the kernel build's object holds
 * the same bytes, garbage included, and reads them only if the module
 * initialised them; before, they were not mirrored at all.  A pointer
 * there that cannot be translated is garbage: NULL in the kernel, not the
 * end of the program. */
static int spare_part(const struct mirror *m, size_t off)
{
	return m->local && (off < m->given_lo || off >= m->given_hi);
}

/* Translate the function pointer at img offset @off of @m. */
static int xlate_fn(struct walk *w, struct mirror *m, size_t off, const char *where)
{
	uint64_t v, k;

	memcpy(&v, m->img + off, sizeof(v));
	if (!v || v >= dusk_sess->kbase)
		return 0;
	if (proxy_of(v, &k)) {
		memcpy(m->img + off, &k, sizeof(k));
		return dusk_mirror_add_slot(m, off);
	}
	/* In a member of a union of records (struct crypto_alg's cra_u {
	 * cipher, compress }) the word may be another member's data (a
	 * cipher's two key sizes where the compressor's first function
	 * would be): read by value, as word_union() reads one.  Only an
	 * address the program maps can be one of its functions. */
	if (w->in_member && !own_mapped((uintptr_t)v))
		return 0;
	if (m->fresh || spare_part(m, off))
		return fresh_garbage(m, off, where);
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
	if (proxy_of(v, &k)) {
		/* a module function behind a data pointer (a `void *` that
		 * carries a callback): its proxy, never a copy of its code */
		dusk_trace("[dusk] %s: function %p as data: its proxy", where, (void *)(uintptr_t)v);
		memcpy(m->img + off, &k, sizeof(k));
		return dusk_mirror_add_slot(m, off);
	}
	if (!dusk_mirror_by_own((uintptr_t)v) && !global_of((uintptr_t)v) && !own_mapped((uintptr_t)v))
		return 0;	/* a foreign user address: unchanged */
	if (m->fresh && !dusk_mirror_by_own((uintptr_t)v) && !global_of((uintptr_t)v))
		return fresh_garbage(m, off, where);
	err = commit_rec(w, (uintptr_t)v, pointee, 0, &k, depth + 1);
	if (err && err != -ELOOP && spare_part(m, off))
		return fresh_garbage(m, off, where);
	if (err) {
		if (err != -ELOOP || depth == 0)
			dusk_log(DUSK_LOG_ERROR, "dusk:   (reached through %s)", where);
		return err;
	}
	memcpy(m->img + off, &k, sizeof(k));
	return dusk_mirror_add_slot(m, off);
}

static int xlate_type(struct walk *w, struct mirror *m, size_t off, int32_t id, int depth);

/*
 * Is union @u nothing but data pointers (struct kernel_param's { arg, str,
 * arr }, struct ddebug_class_param's { bits, lvl })?  Then its word is an
 * address whichever member is live, and an own address in it is translated
 * as any data pointer is: which member is live does not change the mirror
 * it names.
 */
static int data_ptr_union(const struct dusk_type *u)
{
	uint32_t i;

	for (i = 0; i < u->nfields; i++) {
		const struct dusk_field *f = &u->fields[i];

		if (f->kind != DUSK_FK_PTR || f->offset || f->size != sizeof(uint64_t) ||
		    f->flags & DUSK_FF_USER_PTR)
			return 0;
	}
	return u->nfields > 0;
}

/*
 * Is union @u data pointers some of which are __user (sockptr_t's { kernel,
 * user })?  The first member that is not __user, or NULL.  An own object's
 * address in it can only be that member's: the program never holds a
 * caller's user memory as an own object, so one (KERNEL_SOCKPTR(&opt) of
 * the program's own) is translated, and any other value (a caller's user
 * address, USER_SOCKPTR()) stays as it is.
 */
static const struct dusk_field *kernel_user_union(const struct dusk_type *u)
{
	const struct dusk_field *k = NULL;
	uint32_t i, users = 0;

	for (i = 0; i < u->nfields; i++) {
		const struct dusk_field *f = &u->fields[i];

		if (f->kind != DUSK_FK_PTR || f->offset || f->size != sizeof(uint64_t))
			return NULL;
		if (f->flags & DUSK_FF_USER_PTR)
			users++;
		else if (!k)
			k = f;
	}
	return users ? k : NULL;
}

/* The pointee type of such a union: its members' if they agree, else
 * untyped (an own global is then mirrored by its own type). */
static int32_t data_ptr_union_pointee(const struct dusk_type *u)
{
	uint32_t i;

	for (i = 1; i < u->nfields; i++)
		if (u->fields[i].type != u->fields[0].type)
			return DUSK_TYPE_NONE;
	return u->fields[0].type;
}

/*
 * The pointers of type @id placed at @base of a union: 1 when there are
 * some and every one is a data pointer (not __user, not a function) in the
 * union's first word, 0 when there are none, -1 otherwise.  *@pointee
 * collects their pointee type (DUSK_TYPE_NONE when they disagree; -2 while
 * none was seen).
 */
static int word_ptrs(int32_t id, size_t base, int32_t *pointee, int depth);

static int word_ptr_at(size_t at, uint32_t size, uint16_t flags, int32_t to, int32_t *pointee)
{
	if (at || size != sizeof(uint64_t) || flags & DUSK_FF_USER_PTR)
		return -1;
	*pointee = *pointee == -2 || *pointee == to ? to : DUSK_TYPE_NONE;
	return 1;
}

static int word_field(const struct dusk_field *f, size_t base, int32_t *pointee, int depth)
{
	const struct dusk_type *e;
	uint32_t i, esz;
	int r, any = 0;

	switch (f->kind) {
	case DUSK_FK_PTR:
		return word_ptr_at(base + f->offset, f->size, f->flags, f->type, pointee);
	case DUSK_FK_FNPTR:
		return -1;
	case DUSK_FK_RECORD:
		return word_ptrs(f->type, base + f->offset, pointee, depth);
	case DUSK_FK_ARRAY:
		e = type_of(f->type);
		if (!f->count || !e)
			return 0;
		esz = f->size / f->count;
		for (i = 0; i < f->count; i++) {
			r = word_ptrs(f->type, base + f->offset + (size_t)i * esz, pointee, depth);
			if (r <= 0) {
				if (r < 0 || !i)
					return r;	/* elements alike: none in the first, none at all */
				break;
			}
			any = 1;
		}
		return any;
	default:
		return 0;
	}
}

static int word_ptrs(int32_t id, size_t base, int32_t *pointee, int depth)
{
	const struct dusk_type *t = type_of(id);
	uint32_t i;
	int r, any = 0;

	if (!t || depth > MAX_DEPTH)
		return t ? -1 : 0;
	switch (t->kind) {
	case DUSK_TK_POINTER:
		return word_ptr_at(base, t->size, 0, t->elem, pointee);
	case DUSK_TK_FUNCPTR:
		return -1;
	case DUSK_TK_STRUCT:
	case DUSK_TK_UNION:
		for (i = 0; i < t->nfields; i++) {
			r = word_field(&t->fields[i], base, pointee, depth + 1);
			if (r < 0)
				return r;
			any |= r;
		}
		return any;
	case DUSK_TK_ARRAY: {
		const struct dusk_type *e = type_of(t->elem);

		for (i = 0; e && i < t->count; i++) {
			r = word_ptrs(t->elem, base + (size_t)i * e->size, pointee, depth + 1);
			if (r <= 0) {
				if (r < 0 || !i)
					return r;
				break;
			}
			any = 1;
		}
		return any;
	}
	default:
		return 0;
	}
}

/*
 * Is union @u a pointer or inline data in one word (struct property_entry's
 * { pointer, value { u8_data[8] ... u64_data[1], str[1] } }, told apart by
 * its sibling is_inline; a `{ void *p; long l; }`)?  Which member is live
 * is the struct's business, which the type does not say; the word is read
 * by value, as every word the program stores into kernel memory is
 * (epoch.c) and every word read back is (rmap.c): an address of the
 * program's (an own object, a string literal, any mapped address of the
 * program) is a pointer and gets its mirror; anything else (a number, a
 * kernel address, NULL) is data and stays.  The pointee type for
 * translation in *@pointee (DUSK_TYPE_NONE when the members disagree: the
 * object is then mirrored by what it is).  Only the union's first word may
 * hold a pointer: with two words which one holds the live pointer is not
 * known.
 */
static int word_union(const struct dusk_type *u, int32_t *pointee)
{
	uint32_t i;
	int r, any = 0;

	*pointee = -2;
	for (i = 0; i < u->nfields; i++) {
		r = word_field(&u->fields[i], 0, pointee, 0);
		if (r < 0)
			return 0;
		any |= r;
	}
	if (*pointee == -2)
		*pointee = DUSK_TYPE_NONE;
	return any;
}

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
		if (rec->kind == DUSK_TK_UNION && data_ptr_union(rec)) {
			/* own -> mirror whichever member is live */
			if (f != &rec->fields[0])
				return 0;	/* the word is translated once */
			return xlate_ptr(w, m, at, data_ptr_union_pointee(rec), where, depth);
		}
		if (rec->kind == DUSK_TK_UNION && kernel_user_union(rec)) {
			uint64_t v;

			memcpy(&v, m->img + at, sizeof(v));
			if (f != kernel_user_union(rec) || !points_to_own(w, (uintptr_t)v))
				return 0;	/* translated once; a user address stays */
			return xlate_ptr(w, m, at, f->type, where, depth);
		}
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
		if (rec->kind != DUSK_TK_UNION)
			return xlate_type(w, m, at, f->type, depth);
		w->in_member++;
		err = xlate_type(w, m, at, f->type, depth);
		w->in_member--;
		return err;
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
	case DUSK_TK_UNION: {
		int32_t pointee;

		if (!data_ptr_union(t) && !kernel_user_union(t) && word_union(t, &pointee))
			return xlate_ptr(w, m, off, pointee, t->name, depth);
	}
		/* fall through */
	case DUSK_TK_STRUCT:
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

/*
 * Bytes [@lo, @hi) of @m were queued by @cs: they reach the kernel with the
 * message that ends its epoch.  Until then the kernel's mirror still holds
 * the old bytes there, and another thread's read-back must not take them
 * for the kernel's change (async_schedule(fn, &g) returns while fn's
 * stores into g ride on fn's REPLY: module_init's read-back found the old
 * state and wrote it over the callback's store).  Each thread's flight
 * lasts until its own message has gone (a CALL's until the call returns:
 * the kernel's changes to those bytes meanwhile reach the program at the
 * next read-back after it).  With every slot taken by a flight on, the
 * first is reused (that thread's bytes lose the guard: four threads
 * writing one object at once).  Caller holds dusk_mirror_lock.
 */
static void fly(struct dusk_commit_state *cs, struct mirror *m, size_t lo, size_t hi)
{
	struct dusk_flight *f = &m->flights[0];
	size_t i;

	if (dusk_mirror_flying(m)) {
		m->fly_lo = lo < m->fly_lo ? lo : m->fly_lo;
		m->fly_hi = hi > m->fly_hi ? hi : m->fly_hi;
	} else {
		m->fly_lo = lo;
		m->fly_hi = hi;
	}
	for (i = 0; i < DUSK_FLIGHTS; i++) {
		if (m->flights[i].cs == cs) {
			f = &m->flights[i];
			break;
		}
		if (!dusk_flight_on(&m->flights[i]))
			f = &m->flights[i];
	}
	f->cs = cs;
	f->mark = cs->landed;
	cs->flying = 1;
}

void dusk_commit_landed(void)
{
	struct dusk_commit_state *cs = dusk_thread()->commit;

	if (!cs || !cs->flying)
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	cs->landed++;
	cs->flying = 0;
	pthread_mutex_unlock(&dusk_mirror_lock);
}

/* Queue the bytes of @m->img that differ from @m->sent as refresh chunks:
 * 1 when there were any. */
static int queue_refresh(struct dusk_commit_state *cs, struct mirror *m)
{
	size_t b = 0, e, lo = m->size, hi = 0;
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
		lo = b < lo ? b : lo;
		hi = e;
		b = e;
		m->unsent = cs;
	}
	if (lo < hi)
		fly(cs, m, lo, hi);
	memcpy(m->sent, m->img, m->size);
	return lo < hi;
}

static int touch(struct dusk_commit_state *cs, struct mirror *m)
{
	int err;

	if (m->touch == cs->serial)
		return 0;
	err = dusk_push(cs->touched, &cs->touchcap, cs->ntouched, m, 16);
	if (!err)
		m->touch = cs->serial;
	return err;
}

/*
 * Copy an own object's bytes.  A stack object of unknown size spans the
 * frames above it (see object_of()), redzones included when the program
 * runs under ASan: read them unchecked, byte by byte.
 */
__attribute__((no_sanitize("address")))
static void copy_own(unsigned char *dst, const volatile unsigned char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i];
}

/*
 * Words of a session mirror that the type table does not call pointers (an
 * object of a type it lacks, a data or union field) but whose value names
 * a module function or a place in an own object: translated by value, as
 * the shadow write-back translates (epoch.c).  Read-back shows the program
 * the kernel's words in its own names (rmap.c): a proxy the kernel stored
 * into a `struct timer_list` of a global comes back as the function, and
 * must go out again as the proxy, never as a user address the kernel would
 * call.  Call mirrors live for one call and are not refreshed; a stack
 * object of unknown size spans frames full of such values, so they are
 * left to the type table.
 */
static int xlate_words(struct walk *w, struct mirror *m, int depth)
{
	const char *where = dusk_type_name(m->type);
	size_t off;
	int err = 0;

	/* An untyped stack extent (stack_ref()) spans frames: words naming
	 * a global there are as likely stale locals as pointers the kernel
	 * follows, so only names the kernel already knows are given. */
	int frames = m->held && m->type == DUSK_TYPE_NONE;

	if (m->call_scoped || m->type == DUSK_TYPE_CSTRING)
		return 0;
	for (off = 0; !err && off + 8 <= m->size; off += 8) {
		uint64_t v, k;

		memcpy(&v, m->img + off, sizeof(v));
		if (!v || v >= dusk_sess->kbase)
			continue;	/* NULL, kernel, or translated by the walk */
		if (proxy_of(v, &k))
			err = xlate_fn(w, m, off, where);
		else if (dusk_mirror_by_own((uintptr_t)v) || (!frames && global_of((uintptr_t)v)))
			err = xlate_ptr(w, m, off, DUSK_TYPE_NONE, where, depth);
	}
	return err;
}

static int send_first_images(struct dusk_commit_state *cs);
static int holds_queue_head(int32_t id);

/*
 * Bytes of @m that another thread queued and has not sent go out now.  A
 * worker that reaches an object of another thread's stack (container_of()
 * from a work item to the completion beside it) can find the mirror that
 * thread made for its next call before the call goes out: the image is
 * marked sent, so the worker would send nothing and its complete() would
 * meet the mirror's zeroes, not the initialised wait list.  Sending the
 * other thread's queue early keeps its order (its walk came first) and
 * leaves nothing stale for its CALL to write over the kernel's changes.
 * Caller holds dusk_mirror_lock (so does every user of a pending list).
 */
static int flush_unsent_elsewhere(struct walk *w, struct mirror *m)
{
	if (!m->unsent || m->unsent == w->cs || !m->unsent->pending.n)
		return 0;
	return send_first_images(m->unsent);
}

/* (Re)build the kernel image of @m and queue what changed. */
static int translate(struct walk *w, struct mirror *m, int depth)
{
	uint32_t i;
	int in_member, err = flush_unsent_elsewhere(w, m);

	if (err)
		return err;

	m->gen = w->gen;
	copy_own(m->img, (const volatile unsigned char *)m->own, m->size);
	/* The kernel's copy: bytes the module never set go as they are (the
	 * kernel build's object holds the same garbage), and comparing them
	 * with what was sent is no use of them by the module. */
	DUSK_VG_DEFINED(m->img, m->size);
	m->nslots = 0;
	if (w->kept)
		dusk_mirror_keep(m);
	/* A kept walk's objects are read back as kept ones; a call mirror
	 * it met (a kept global pointing into a stack) goes with the call. */
	err = (w->kept && !m->call_scoped) || w->unlisted ? 0 : touch(w->cs, m);
	/* an object a union member points to is walked by its own type */
	in_member = w->in_member;
	w->in_member = 0;
	if (m->type >= 0) {
		const struct dusk_type *t = type_of(m->type);

		for (i = 0; t && !err && i < m->nelem; i++)
			err = xlate_type(w, m, (size_t)i * t->size, m->type, depth);
	} else if (m->sub_type >= 0) {
		err = xlate_type(w, m, m->sub_off, m->sub_type, depth);
	}
	if (!err)
		err = xlate_words(w, m, depth);
	w->in_member = in_member;
	if (!err)
		err = queue_refresh(w->cs, m);
	if (err <= 0)
		return err;
	/*
	 * The bytes just queued ride in this thread's next message; a call of
	 * another thread that finds the mirror meanwhile sends nothing for
	 * them (they are marked sent) and may reach the kernel first.  So
	 * they go now when another thread is bound to use the mirror: it is
	 * that thread's stack object (a worker's complete() of the completion
	 * beside a stack work item, which the waiter's wait_for_completion()
	 * uses next: it got there first, met the zeroed wait list the worker's
	 * image was to fill, list corruption, kernel BUG; e2e kstackjob, one
	 * run in ten), or a stack object holding a queue head another context
	 * wakes (the waiter's own completion, which the worker completes).
	 */
	if ((m->call_scoped || m->held) &&
	    ((m->caller && m->caller != w->t) ||
	     holds_queue_head(m->type >= 0 ? m->type : m->sub_type)))
		w->send_now = 1;
	return 0;
}

/* Does type @id hold a record of type @name (is one, or has one among its
 * members or elements)? */
static int holds_record(int32_t id, const char *name, int depth)
{
	const struct dusk_type *t = type_of(id);
	uint16_t i;

	if (!t || depth > 8)
		return 0;
	if (!strcmp(t->name, name))
		return 1;
	if (t->kind == DUSK_TK_ARRAY)
		return holds_record(t->elem, name, depth + 1);
	for (i = 0; i < t->nfields; i++)
		if ((t->fields[i].kind == DUSK_FK_RECORD || t->fields[i].kind == DUSK_FK_ARRAY) &&
		    holds_record(t->fields[i].type, name, depth + 1))
			return 1;
	return 0;
}

/* Does type @id hold a wait queue entry (the kernel links it into a wait
 * queue across calls)? */
static int holds_wait_entry(int32_t id, int depth)
{
	return holds_record(id, "struct wait_queue_entry", depth);
}

/* Does type @id hold a queue head that another context wakes (a
 * completion's, a wait queue's)?  Asked for every stack mirror a commit
 * changes: the answers are kept per type (0 not yet asked, 1 no, 2 yes).
 * Caller holds dusk_mirror_lock. */
static int holds_queue_head(int32_t id)
{
	static const struct dusk_typetab *tab;
	static unsigned char *known;
	const struct dusk_typetab *tt = dusk_sess ? dusk_sess->m->types : NULL;

	if (!tt || id < 0 || (uint32_t)id >= tt->ntypes)
		return 0;
	if (tab != tt) {
		free(known);
		known = calloc(tt->ntypes, 1);
		tab = known ? tt : NULL;
		if (!known)
			return 1;	/* sent at once: slower, never wrong */
	}
	if (!known[id])
		known[id] = 1 + (holds_record(id, "struct swait_queue_head", 0) ||
				 holds_record(id, "struct wait_queue_head", 0));
	return known[id] == 2;
}

/*
 * Is a wait entry of type @id at @off in mirror @m on a kernel wait queue,
 * as the kernel's bytes last read back say?  Its `entry` list head points
 * at itself (list_del_init(): finish_wait(), autoremove_wake_function())
 * or is still zero (never queued) when it is not.  A type whose layout
 * does not name the list head counts as queued.
 */
static int entry_queued(const struct mirror *m, int32_t id, size_t off, int depth)
{
	const struct dusk_type *t = type_of(id);
	uint64_t next, self;
	uint32_t e;
	uint16_t i;

	if (!t || depth > 8)
		return 1;
	if (t->kind == DUSK_TK_ARRAY) {
		const struct dusk_type *et = type_of(t->elem);

		for (e = 0; et && e < t->count; e++)
			if (entry_queued(m, t->elem, off + (size_t)e * et->size, depth + 1))
				return 1;
		return !et;
	}
	if (!strcmp(t->name, "struct wait_queue_entry")) {
		for (i = 0; i < t->nfields; i++) {
			if (strcmp(t->fields[i].name, "entry"))
				continue;
			if (off + t->fields[i].offset + sizeof(next) > m->size)
				return 1;
			memcpy(&next, m->sent + off + t->fields[i].offset, sizeof(next));
			self = m->kaddr + off + t->fields[i].offset;
			return next && next != self;
		}
		return 1;
	}
	for (i = 0; i < t->nfields; i++)
		if ((t->fields[i].kind == DUSK_FK_RECORD || t->fields[i].kind == DUSK_FK_ARRAY) &&
		    holds_wait_entry(t->fields[i].type, depth + 1) &&
		    entry_queued(m, t->fields[i].type, off + t->fields[i].offset, depth + 1))
			return 1;
	return 0;
}

int dusk_commit_still_held(const struct mirror *m)
{
	const struct dusk_type *t = type_of(m->type);
	uint32_t e;

	/* stack_ref(): the kernel keeps a pointer we cannot watch */
	if (!t || !holds_wait_entry(m->type, 0))
		return 1;
	for (e = 0; e < m->nelem; e++)
		if (entry_queued(m, m->type, (size_t)e * t->size, 0))
			return 1;
	return 0;
}

/* Decide the extent and type of the own object @p points into. */
/* The bytes of @t's stack from @p up, at most UNSIZED_STACK: the extent of
 * a stack object whose size its type does not give. */
static size_t stack_extent(const struct dusk_thread *t, uintptr_t p)
{
	size_t n = t->stack_hi - p;

	return n > UNSIZED_STACK ? UNSIZED_STACK : n;
}

/* The bytes a `char *` into @t's stack at @p may name: at least its string,
 * and up to a page of the frames above.  Such a pointer is as often a
 * buffer the kernel fills (a `char buf[64]` handed to sprintf(), the
 * buffer seq_buf_init() puts in a `struct seq_buf`) as a string it reads:
 * a mirror up to the first NUL let the kernel write past it.  A page is
 * the kernel's size of a text buffer (sysfs, seq files); larger text
 * buffers on a 16 KiB kernel stack are rare (-Wframe-larger-than=2048). */
static size_t stack_text_extent(const struct dusk_thread *t, uintptr_t p)
{
	size_t n = strlen((const char *)p) + 1, len = stack_extent(t, p);

	if (len > TEXT_EXTENT)
		len = TEXT_EXTENT;
	return len < n ? n : len;
}

/* Does a record of type @t end in a flexible array (`u8 data[]`, struct
 * shash_desc's `__ctx[]`), directly or in its last member?  Then the
 * object may be larger than the type says. */
static int has_flexible_tail(const struct dusk_type *t, int depth)
{
	const struct dusk_field *last;

	if (!t || (t->kind != DUSK_TK_STRUCT && t->kind != DUSK_TK_UNION) || !t->nfields ||
	    depth > 8)
		return 0;
	last = &t->fields[t->nfields - 1];
	if (last->kind == DUSK_FK_ARRAY)
		return !last->count;
	return last->kind == DUSK_FK_RECORD && last->offset + last->size >= t->size &&
	       has_flexible_tail(type_of(last->type), depth + 1);
}

static int part_of(int32_t outer, size_t off, int32_t inner, int depth);

/*
 * The registered local (DUSK_LOCAL()) of thread @t that @p points into, the
 * latest first, or NULL.  With @type >= 0, only a local that holds an
 * object of @type at @p by the type table: a record left by a block that
 * ended may cover bytes a later object reuses, and that object is no
 * member of it.  @t runs this walk, or waits in a kernel call (its stack
 * is another thread's: stack_owner()); either way its records hold still.
 */
static const struct dusk_local *local_of(const struct dusk_thread *t, uintptr_t p, int32_t type)
{
	const struct dusk_frames *f = t ? t->frames : NULL;
	int i;

	if (!f)
		return NULL;
	for (i = f->nlocals < DUSK_LOCALS ? f->nlocals : DUSK_LOCALS; i-- > 0;) {
		const struct dusk_local *l = &f->local[i];
		uintptr_t a = (uintptr_t)l->addr;
		const struct dusk_type *e = type_of(l->type);

		if (p < a || p >= a + l->size)
			continue;
		if (!e || !e->size || (size_t)e->size * l->nelem != l->size)
			return NULL;	/* no layout to mirror it by */
		if (type >= 0 && !part_of(l->type, (p - a) % e->size, type, 0))
			return NULL;
		return l;
	}
	return NULL;
}

/* The thread on whose stack @p lies: the walker's, or one waiting in a
 * kernel call (stack_owner()), or NULL. */
static const struct dusk_thread *stack_thread(const struct walk *w, uintptr_t p)
{
	const struct dusk_commit_state *cs;

	if (on_stack(w->t, p))
		return w->t;
	cs = stack_owner(p);
	return cs ? cs->t : NULL;
}

/* Does a live mirror hold a byte of [@own, @own+@size)?  (An untyped one
 * made for a buffer inside the local, or the frames above a `void *`.)  A
 * mirror of the whole local would be a second kernel copy of those bytes:
 * the local is left to the rules for unregistered memory. */
static int overlaps_live(uintptr_t own, size_t size)
{
	return dusk_mirror_by_own(own) || dusk_mirror_room(own, size) < size;
}

/*
 * A typed pointer into a registered stack local (a list link into a stack
 * `struct spi_transfer t[2]`, platform_device_info.properties at a stack
 * `struct property_entry props[]`) names the whole local: one object of
 * the pointer's type gave the kernel a mirror of the member (16 bytes of
 * a list_head), and its container_of() read past it, or one array
 * element, and it walked off it.
 */
static int stack_local(struct walk *w, uintptr_t p, int32_t type, size_t len, uintptr_t *own,
		       size_t *size, int32_t *etype, uint32_t *nelem)
{
	const struct dusk_local *l = local_of(stack_thread(w, p), p, type);

	/* a length past the local's end: the call knows better (a cast) */
	if (!l || p + len > (uintptr_t)l->addr + l->size ||
	    overlaps_live((uintptr_t)l->addr, l->size))
		return 0;
	*own = (uintptr_t)l->addr;
	*size = l->size;
	*etype = l->type;
	*nelem = l->nelem;
	dusk_trace("[dusk] %p (%s) lies in stack local %p: %u %s", (void *)p,
		   dusk_type_name(type), l->addr, l->nelem, dusk_type_name(l->type));
	return 1;
}

static int object_of(struct walk *w, uintptr_t p, int32_t type, size_t len, uintptr_t *own,
		     size_t *size, int32_t *etype, uint32_t *nelem)
{
	const struct dusk_type *t = type_of(type);
	/* an empty object is never the global that shares its address */
	const struct dusk_object *g = t && type >= 0 && !t->size && !len ? NULL : global_of(p);

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
	if (t && type >= 0 && t->size && stack_local(w, p, type, len, own, size, etype, nelem))
		return 0;
	*own = p;
	*etype = type;
	*nelem = 1;
	if (type == DUSK_TYPE_CSTRING && !len && on_stack(w->t, p))
		/* a record's `char *` at a stack buffer (struct seq_buf's
		 * buffer): its length is nowhere but in the record */
		*size = stack_text_extent(w->t, p);
	else if (type == DUSK_TYPE_CSTRING)
		*size = len ? len : strlen((const char *)p) + 1;
	else if (t && t->size == 1 && !len && type >= 0 &&
		 (on_stack(w->t, p) || readonly_extent(p))) {
		/* A byte pointer (a u8 * field: zlib's next_in) names a
		 * buffer, not one byte: sized as behind a void pointer
		 * (below).  A one-byte mirror let the kernel read past it,
		 * and a later, longer use of the buffer found that mirror. */
		*size = 0;
		*etype = DUSK_TYPE_NONE;
		t = NULL;
	} else if (t && t->size)
		/* all @len bytes: an array of @type, or an object larger than
		 * the type it is passed as (a struct sockaddr_in6 passed as
		 * struct sockaddr: kernel_bind() reads its 28 bytes) */
		*size = len > t->size ? len : t->size;
	else
		*size = len;
	if (t && t->size)
		*nelem = *size / t->size;
	if (!len && has_flexible_tail(t, 0) && on_stack(w->t, p)) {
		/* A header and its flexible array over a stack buffer
		 * (SHASH_DESC_ON_STACK(): a char array cast to struct
		 * shash_desc, whose context the kernel writes past the
		 * struct): sizeof would give the kernel a mirror too small
		 * for what it writes, a kernel heap overflow.  Mirror the
		 * frames above, as for a void pointer (below). */
		*size = stack_extent(w->t, p);
		if (*size < t->size)
			*size = t->size;
		*nelem = 1;
		dusk_trace("[dusk] %s at %p ends in a flexible array: mirroring %zu bytes",
			   t->name, (void *)p, *size);
		return 0;
	}
	if (!*size && t && type >= 0) {
		/* A type of size zero (an empty struct: lock_class_key without
		 * lockdep, hidden in class_create()): the kernel reads no byte
		 * of it but needs an address of its own (see commit_rec()). */
		*nelem = 0;
		return 0;
	}
	if (!*size && on_stack(w->t, p)) {
		/* A stack buffer behind a void pointer (skb_header_pointer()'s
		 * `buffer`, handed on to skb_copy_bits()): the object ends
		 * somewhere in the frames above.  Mirror up to UNSIZED_STACK
		 * bytes of them; read-back copies only what the kernel wrote. */
		*size = stack_extent(w->t, p);
		dusk_trace("[dusk] size of stack object %p unknown: mirroring %zu bytes",
			   (void *)p, *size);
		return 0;
	}
	if (!*size && (*size = readonly_extent(p))) {
		/* Constant bytes behind a void pointer, their length given
		 * elsewhere (kfifo_in(&f, "hello", 5), copy_to_user() from a
		 * string literal): mirror up to UNSIZED_STACK bytes of the
		 * read-only mapping (never read back: nothing there
		 * changes).  Later pointers into the same range reuse
		 * the mirror. */
		if (*size > UNSIZED_STACK)
			*size = UNSIZED_STACK;
		*etype = DUSK_TYPE_CSTRING;
		*nelem = 1;
		dusk_trace("[dusk] size of read-only object %p unknown: mirroring %zu bytes",
			   (void *)p, *size);
		return 0;
	}
	if (!*size) {
		Dl_info di;
		int named = dladdr((void *)p, &di) && di.dli_sname;

		dusk_log(DUSK_LOG_ERROR, "dusk: own object at %p%s%s%s (%s) has unknown size%s",
			 (void *)p, named ? " (" : "", named ? di.dli_sname : "", named ? ")" : "",
			 dusk_type_name(type), named ? "; a function without a generated proxy?" : "");
		return -EINVAL;
	}
	return 0;
}

/* Keep stack mirror @m across the thread's calls, until its callback ends
 * (or another object takes its place on the stack). */
static int hold(struct walk *w, struct mirror *m)
{
	struct dusk_commit_state *cs = w->cs;
	int err = dusk_push(cs->held, &cs->heldcap, cs->nheld, m, 4);

	if (err)
		return err;
	m->held = w->t;
	m->call_scoped = 0;
	/* its frame's end drops it (dusk_frame_leave()) */
	if (w->t && w->t->frames && on_stack(w->t, m->own) &&
	    (!w->t->frames->held_low || m->own < w->t->frames->held_low))
		w->t->frames->held_low = m->own;
	return 0;
}

/*
 * A module function's frame at @frame ends (dusk_frame_leave()): the held
 * mirrors of objects in it and in the frames below are of dead objects.
 * p71_cryptouse: a request's on-stack crypto_wait, stored into the request
 * in one function, held for the callback; the next function's scatterlist
 * at its place met that mirror ("reaches past the 80 bytes mirrored") and
 * the program stopped.  A mirror the kernel still holds lives on
 * (stack_mirror_free_kernel()).
 */
DUSK_API void dusk_frame_drop_held(const void *frame)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_commit_state *cs = t->commit;
	uintptr_t low = 0;
	size_t i = 0;

	if (cs) {
		pthread_mutex_lock(&dusk_mirror_lock);
		while (i < cs->nheld) {
			struct mirror *m = cs->held[i];

			if (!on_stack(t, m->own)) {
				i++;
			} else if (m->own < (uintptr_t)frame) {
				/* out of the list either way (take_out()) */
				(void)dusk_mirror_drop_held(cs, m);
			} else {
				low = !low || m->own < low ? m->own : low;
				i++;
			}
		}
		pthread_mutex_unlock(&dusk_mirror_lock);
	}
	t->frames->held_low = low;
}

/*
 * An object at @p (of type @type, or @len bytes), handed to the kernel
 * inside the untyped mirror @m: a held stack object the program linked
 * into kernel memory before it passed it (stack_ref()), or a global of
 * the module's own type (never in the type table) that embeds a kernel
 * struct (a struct gpio_chip inside the driver's state, passed as
 * &state.chip).  It must fit, or the kernel would write past the mirror;
 * a typed one has its pointers translated by its type from now on (one
 * such object per mirror: the last one given).  Before, an embedded
 * struct's pointers reached the kernel as the program's addresses:
 * gpiochip_add_data() kstrdup()ed the chip's label at one and oopsed.
 */
static int sub_object(struct mirror *m, uintptr_t p, int32_t type, size_t len)
{
	const struct dusk_type *t = type >= 0 ? type_of(type) : NULL;
	size_t need = t && t->size > len ? t->size : len;

	if (p - m->own + need > m->size) {
		dusk_log(DUSK_LOG_ERROR, "dusk: %s at %p on the stack (%zu bytes) reaches past the "
			 "%zu bytes mirrored from %p when that address was stored into kernel "
			 "memory", dusk_type_name(type), (void *)p, need, m->size, (void *)m->own);
		return -E2BIG;
	}
	if (t && (type != m->sub_type || p - m->own != m->sub_off)) {
		m->sub_type = type;
		m->sub_off = p - m->own;
		m->gen = 0;	/* translate again, by the new type */
	}
	return 0;
}

/* Is [@own, @own+@size) of @etype a whole registered local (local_of())? */
static int is_local(struct walk *w, uintptr_t own, size_t size, int32_t etype)
{
	const struct dusk_local *l = local_of(stack_thread(w, own), own, DUSK_TYPE_NONE);

	return l && (uintptr_t)l->addr == own && l->size == size && l->type == etype;
}

/* The object of @type (@len bytes) at @p in the whole-local mirror @m was
 * handed on: its pointers must translate (spare_part()). */
static void given(struct mirror *m, uintptr_t p, int32_t type, size_t len)
{
	const struct dusk_type *t = type >= 0 ? type_of(type) : NULL;
	size_t lo = p - m->own, hi = lo + (t && t->size > len ? t->size : len);

	if (!m->local)
		return;
	if (hi > m->size)
		hi = m->size;
	if (m->given_hi <= m->given_lo) {
		m->given_lo = lo;
		m->given_hi = hi;
		return;
	}
	if (lo < m->given_lo)
		m->given_lo = lo;
	if (hi > m->given_hi)
		m->given_hi = hi;
}

/* A new mirror for the own object [@own, @own+@size) that @p, handed to
 * the kernel as @type (@len bytes), lies in; its kernel address for @p in
 * @out. */
static int commit_new(struct walk *w, uintptr_t p, int32_t type, size_t len, uintptr_t own,
		      size_t size, int32_t etype, uint32_t nelem, uint64_t *out, int depth)
{
	int mine = on_stack(w->t, own);
	int held = mine && holds_wait_entry(etype, 0);
	struct dusk_commit_state *owner = mine ? w->cs : stack_owner(own);
	struct mirror *m;
	int err;

	err = dusk_mirror_create(own, size, etype, nelem, mine && !held, owner, &m);
	if (err)
		return err;
	m->caller = w->t;
	/* Another thread's stack object (a worker's complete() of the
	 * completion beside a stack work item): its mirror lives and goes
	 * with that thread's frame, as the thread's own call's would.  A
	 * mirror for the session let the frame's next objects there be
	 * translated by its type: a stack timer's function went to the
	 * kernel as the completion's list pointer, a mirror of code. */
	if (!mine && owner)
		err = dusk_mirror_make_dormant(owner, m);
	if (err)
		return err;
	w->send_now |= !m->call_scoped;
	/* A char buffer the kernel may write (strim(), snprintf() into a
	 * local) is read back like any object; a string literal is not. */
	m->readonly = etype == DUSK_TYPE_CSTRING && !m->call_scoped && !global_of(own) &&
		      readonly_extent(own) > 0;
	if (held) {
		err = hold(w, m);
		if (err)
			return err;
		m->fresh = 1;
	}
	*out = m->kaddr + (p - own);
	if (size > 0 && is_local(w, own, size, etype)) {
		m->local = 1;
		given(m, p, type, len);
	}
	err = etype == DUSK_TYPE_NONE && type >= 0 ? sub_object(m, p, type, len) : 0;
	if (!err)
		err = translate(w, m, depth);
	m->fresh = 0;
	return err;
}

/* Does type @outer hold, @off bytes in, a member of type @inner (itself
 * when @off is 0)? */
static int part_of(int32_t outer, size_t off, int32_t inner, int depth)
{
	const struct dusk_type *t = type_of(outer), *e;
	uint16_t i;

	if (!t || depth > 8 || off >= t->size)
		return 0;
	if (!off && (outer == inner || !strcmp(t->name, dusk_type_name(inner))))
		return 1;
	if (t->kind == DUSK_TK_ARRAY) {
		e = type_of(t->elem);
		return e && e->size && part_of(t->elem, off % e->size, inner, depth + 1);
	}
	for (i = 0; i < t->nfields; i++) {
		const struct dusk_field *f = &t->fields[i];
		size_t esz = f->count ? f->size / f->count : 0;

		if (off < f->offset || off >= (size_t)f->offset + f->size)
			continue;
		if (f->kind == DUSK_FK_RECORD && part_of(f->type, off - f->offset, inner, depth + 1))
			return 1;
		if (f->kind == DUSK_FK_ARRAY && esz &&
		    part_of(f->type, (off - f->offset) % esz, inner, depth + 1))
			return 1;
	}
	return 0;
}

/* Is an object of type @type at own address @p a member of the typed
 * mirror @m (itself included), by the type table? */
static int member_of(const struct mirror *m, uintptr_t p, int32_t type)
{
	const struct dusk_type *t = type_of(m->type);

	if (!t || !t->size || type < 0)
		return 0;
	return part_of(m->type, (p - m->own) % t->size, type, 0);
}

/*
 * Is the own object [@own, @own+@size) of @nelem @etype the object the
 * dormant mirror @m holds, or a member of it (the list head of a wait queue
 * head the kernel linked a wait entry to)?  Anything else at that place is
 * a new frame's object, which gets a mirror of its own.
 */
static int same_object(const struct mirror *m, uintptr_t own, size_t size, int32_t etype,
		       uint32_t nelem)
{
	return (m->own == own && m->size == size && m->type == etype && m->nelem == nelem) ||
	       member_of(m, own, etype);
}

static int commit_rec(struct walk *w, uintptr_t p, int32_t type, size_t len, uint64_t *out,
		      int depth)
{
	const struct dusk_type *t = type_of(type);
	/* An empty object may share its address with the next object: its
	 * mirror covers no byte of the program and is found by address, and
	 * only when the object is known to be empty. */
	int empty = t && type >= 0 && !t->size && !len;
	struct mirror *m = empty ? dusk_mirror_empty(p) : dusk_mirror_by_own(p);
	uintptr_t own;
	size_t size;
	int32_t etype;
	uint32_t nelem;
	int err;

	if (depth > MAX_DEPTH) {
		dusk_log(DUSK_LOG_ERROR, "dusk: object graph deeper than %d levels at %p (%s)",
			 MAX_DEPTH, (void *)p, dusk_type_name(type));
		return -ELOOP;
	}
	if (m && m->held == w->t && m->gen != w->gen && type >= 0 && type_of(m->type) &&
	    type_of(m->type)->size && !member_of(m, p, type)) {
		/* The thread's frame that held it is gone: another object
		 * lies at its place (a timer where a wait entry was, whose
		 * function would be translated as the entry's list pointer). */
		err = dusk_mirror_drop_held(w->cs, m);
		if (err)
			return err;
		m = NULL;
	}
	if (!m) {
		err = object_of(w, p, type, len, &own, &size, &etype, &nelem);
		if (err)
			return err;
		m = on_stack(w->t, own) ? dusk_mirror_dormant_at(w->cs, own, size)
					: dusk_mirror_dormant_within(own, size);
		if (m && !same_object(m, own, size, etype, nelem))
			m = NULL;
		if (m && m->caller != w->t) {
			*out = m->kaddr + (p - m->own);
			return m->gen == w->gen ? 0 : translate(w, m, depth);
		}
		if (m)
			dusk_mirror_revive(w->cs, m);
		if (!m)
			return commit_new(w, p, type, len, own, size, etype, nelem, out, depth);
		/* A wait entry queued again (the next prepare_to_wait()), or
		 * a new one in its place (the next wait_event()), which
		 * init_wait_entry() is about to fill: held, first image as
		 * a new one's. */
		if (holds_wait_entry(m->type, 0)) {
			err = hold(w, m);
			if (err)
				return err;
			*out = m->kaddr + (p - m->own);
			m->fresh = 1;
			err = translate(w, m, depth);
			m->fresh = 0;
			return err;
		}
	}
	*out = m->kaddr + (p - m->own);
	given(m, p, type, len);
	if (m->type == DUSK_TYPE_NONE && (m->held || type >= 0)) {
		err = sub_object(m, p, type, len);
		if (err)
			return err;
	}
	return m->gen == w->gen ? 0 : translate(w, m, depth);
}

/*
 * Is @p, mapped in the program, still no own object?  A callback's user
 * buffer (read()'s `char __user *buf`, handed on to
 * simple_read_from_buffer() or copy_to_user() untyped and unsized) is an
 * address in the *calling* process, which the program may have mapped too
 * (one more thread stack, a library at the same place).  An own object
 * passed without type or length is one we can size: a global, an object
 * with a mirror, a buffer on this thread's stack, code or constant bytes
 * of the program's ELF objects (see object_of()); anything else (a heap or
 * anonymous mapping, another thread's stack) is the caller's and goes to the kernel
 * unchanged, as an unmapped address does.  Caller holds dusk_mirror_lock.
 */
static int foreign_user(uintptr_t p, int32_t type, size_t len, const struct dusk_thread *t)
{
	const struct dusk_type *ty = type_of(type);
	Dl_info di;

	if (len || type == DUSK_TYPE_CSTRING || (ty && type >= 0))
		return 0;
	if (dusk_mirror_by_own(p) || global_of(p) || on_stack(t, p))
		return 0;
	/* in one of the program's ELF objects: code (a function without a
	 * proxy, refused later) or constant data */
	if (dladdr((void *)p, &di) && di.dli_fname)
		return 0;
	return !readonly_extent(p);
}

/*
 * Send the thread's queued refreshes now, in a WRITE of their own.  A new
 * mirror that other threads may find (a global's) must hold its first
 * image before the lock is let go: a refresh rides in the CALL that ends
 * the thread's epoch, and another thread that finds the mirror meanwhile
 * sends nothing for it (the image is already marked sent), so its call
 * could reach the kernel first and find the mirror zeroed.  The sixth
 * round's percpu_ref probe waited on a DECLARE_COMPLETION global while an
 * async callback completed it: the waiter's wait_for_completion() met a
 * NULL list head and the kernel BUG()ed (list_add corruption).
 * Caller holds dusk_mirror_lock.
 */
static int send_first_images(struct dusk_commit_state *cs)
{
	static const char when[] = "writing a new mirror's first image";
	struct dusk_msg m = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < cs->pending.n; i++) {
		const struct dusk_write *p = &cs->pending.v[i];
		uint32_t done = 0;

		while (!err && done < p->len) {
			uint32_t n = p->len - done > DUSK_MAX_CHUNK ? DUSK_MAX_CHUNK : p->len - done;

			err = dusk_write_put(&m, p->addr + done, (const char *)p->data + done, n, when);
			done += n;
		}
	}
	if (!err && m.buf)
		err = dusk_write_send(&m, when);
	if (m.buf)
		dusk_msg_fini(&m);
	for (i = 0; i < cs->pending.n; i++)
		free((void *)cs->pending.v[i].data);
	cs->pending.n = 0;
	return err;
}

int dusk_commit_obj(const void *p, int32_t type, size_t len, uint64_t *out)
{
	struct dusk_thread *t = dusk_thread();
	struct walk w;
	int err;

	*out = (uintptr_t)p;
	if (!p || !dusk_sess || (uintptr_t)p >= dusk_sess->kbase)
		return 0;
	/* A module function handed to the kernel directly: its proxy. */
	if (proxy_of((uintptr_t)p, out))
		return 0;
	/* An own per-CPU block: the kernel's, once handed. */
	if (dusk_percpu_handed((uintptr_t)p, out))
		return 0;
	if (!own_mapped((uintptr_t)p))
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	if (foreign_user((uintptr_t)p, type, len, t)) {
		pthread_mutex_unlock(&dusk_mirror_lock);
		dusk_trace("[dusk] %p is no own object: a user address of the caller", p);
		return 0;
	}
	walk_begin(&w, t, 0);
	err = commit_rec(&w, (uintptr_t)p, type, len, out, 0);
	if (!err && w.send_now)
		err = send_first_images(w.cs);
	pthread_mutex_unlock(&dusk_mirror_lock);
	if (err)
		*out = 0;
	else
		dusk_trace("[dusk] commit %p (%s) = 0x%llx", p, dusk_type_name(type),
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
			   dusk_type_name(type), strerror(-err));
	return out;
}

/*
 * A zeroed `char buf[64]` on the stack handed to sprintf() through a
 * pointer (its size unknown where the call is) was mirrored up to its
 * first NUL, one byte: the kernel wrote the text past that mirror (a
 * kmalloc redzone overwritten) and read-back returned one byte of it.
 */
DUSK_API uint64_t dusk_commit_text(const void *p, size_t len)
{
	const struct dusk_thread *t = dusk_thread();
	uintptr_t a = (uintptr_t)p;

	if (!len && p && a < dusk_kbase && on_stack(t, a))
		len = stack_text_extent(t, a);
	return dusk_commit(p, DUSK_TYPE_CSTRING, len);
}

/* A held mirror for the registered local @l, whose address (or a place in
 * it) the program stored into kernel memory.  (A dormant mirror of its
 * frame that holds the place was taken back before: stack_ref().) */
static int held_local(struct walk *w, const struct dusk_local *l, struct mirror **m)
{
	int err = dusk_mirror_create((uintptr_t)l->addr, l->size, l->type, l->nelem, 0, w->cs, m);

	if (!err) {
		/* the store says no type: no part of it is known handed */
		(*m)->local = 1;
		err = hold(w, *m);
	}
	if (!err)
		dusk_trace("[dusk] stack local %p (%u %s) stored into kernel memory: held mirror",
			   l->addr, l->nelem, dusk_type_name(l->type));
	return err;
}

/*
 * @v, a place on this thread's stack, was stored into kernel memory: a
 * list of kmalloc'd entries on a LIST_HEAD() local, a request that points
 * at a completion on the stack.  The kernel follows such a pointer in
 * later calls (list_sort(), __list_del_entry_valid() of the kernel's
 * inlines, complete()), so it gets a held mirror: the one the object has
 * (a call mirror becomes held), or a new one.  The store does not say the
 * object's type: the new mirror spans the frames above, as a stack object
 * of unknown size does (object_of()), up to the next mirror (never two
 * kernel copies of one byte).  It lives until the thread's callback ends,
 * as a wait entry's does, and is read back after every call that reaches
 * it.
 */
static int stack_ref(struct dusk_thread *t, uintptr_t v, uint64_t *out)
{
	const struct dusk_local *l;
	struct mirror *m;
	struct walk w;
	size_t size;
	int err;

	pthread_mutex_lock(&dusk_mirror_lock);
	walk_begin(&w, t, 0);
	m = dusk_mirror_by_own(v);
	if (!m && (m = dusk_mirror_dormant_at(w.cs, v, 1)))
		/* handed to a call of this frame before (the kernel may hold
		 * that address too): one copy, kept from now on */
		dusk_mirror_revive(w.cs, m);
	if (m) {
		err = m->call_scoped ? hold(&w, m) : 0;
	} else if ((l = local_of(t, v, DUSK_TYPE_NONE)) &&
		   !overlaps_live((uintptr_t)l->addr, l->size)) {
		/* a registered local (an element of a stack array, a member
		 * of a stack struct): the whole of it, by its type */
		err = held_local(&w, l, &m);
	} else {
		size = dusk_mirror_room(v, stack_extent(t, v));
		err = dusk_mirror_create(v, size, DUSK_TYPE_NONE, 1, 0, w.cs, &m);
		if (!err)
			err = hold(&w, m);
		if (!err)
			dusk_trace("[dusk] stack object %p stored into kernel memory: held mirror",
				   (void *)v);
	}
	if (!err) {
		*out = m->kaddr + (v - m->own);
		err = translate(&w, m, 0);
	}
	if (!err && w.send_now)
		err = send_first_images(w.cs);
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
}

int dusk_commit_word(uint64_t v, uint64_t *out)
{
	struct dusk_thread *t;
	int err;

	if (!dusk_sess || !v || v >= dusk_sess->kbase)
		return 0;
	if (proxy_of(v, out))
		return 1;
	if (dusk_percpu_handed((uintptr_t)v, out))
		return 1;
	t = dusk_thread();
	if (global_of((uintptr_t)v))
		err = dusk_commit_obj((const void *)(uintptr_t)v, DUSK_TYPE_NONE, 0, out);
	else if (on_stack(t, (uintptr_t)v))
		err = stack_ref(t, (uintptr_t)v, out);
	else if (in_program_image((uintptr_t)v) && readonly_extent((uintptr_t)v))
		/* a string literal (an input_dev's name, stored before
		 * input_register_device()): its read-only mirror, kept for
		 * the session; the kernel would read the program's address */
		err = dusk_commit_obj((const void *)(uintptr_t)v, DUSK_TYPE_NONE, 0, out);
	else
		return 0;
	return err ? err : 1;
}

/*
 * Held stack objects (stack_ref(), wait entries) the program changed since
 * the last epoch end: the kernel reaches them through a pointer it holds,
 * not through a call's argument, so no commit refreshes them.  A crypto
 * request's `iv` on the stack, which the cipher overwrites with its output
 * IV and the module sets again before the next request: the store into
 * the request leaves `req->iv` as it was, and the kernel would go on with
 * its own bytes.  Each is translated again (the bytes that differ from
 * what its mirror holds are queued) and listed for the call, so what the
 * kernel writes there comes back after it.
 */
int dusk_commit_held_changes(void)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_commit_state *cs = t->commit;
	struct walk w;
	size_t i;
	int err = 0;

	if (!dusk_sess || !cs || !cs->nheld)
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	/* Below this frame the stack is the runtime's or dead: a held object
	 * there belonged to a module frame that returned, and its bytes are
	 * no longer the object's. */
	for (i = 0; !err && i < cs->nheld;) {
		if (cs->held[i]->own < (uintptr_t)__builtin_frame_address(0))
			err = dusk_mirror_drop_held(cs, cs->held[i]);
		else
			i++;
	}
	walk_begin(&w, t, 0);
	/* one committed for this call already went out with it (a wait
	 * entry handed to init_wait_entry(): its garbage was sent as NULL) */
	for (i = 0; !err && i < cs->nheld; i++)
		if (cs->held[i]->gen != w.gen && cs->held[i]->touch != cs->serial)
			err = translate(&w, cs->held[i], 0);
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
}

/*
 * A blocking callback can run while another thread's kernel call waits for
 * it, given that call's objects: iio_read_channel_processed(chan, &val)
 * has the driver's read_raw() write val, then converts what val's mirror
 * holds.  The callback reads what the kernel wrote there (its start reads
 * the calls in flight back: dispatch.c), and writes the caller's own
 * object; the mirror got the bytes only when the outer call returned, too
 * late for the kernel function that goes on with them (it converted val's
 * old value).  So at each epoch end of such a callback, the objects the
 * calls in flight committed are translated again and the bytes that differ
 * from the kernel's queued: they reach the kernel before it resumes, as
 * the kernel build's stores would have.  Not listed for this thread's next
 * call: the waiting call reads them back when it returns, and its stack
 * mirrors may be gone by then.
 */
int dusk_commit_incall_changes(void)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_commit_state *cs;
	struct mirror *m;
	struct walk w;
	size_t i;
	int err = 0;

	if (!dusk_sess || !t->ctx || !t->blocking || !dusk_mirror_any_incall())
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	walk_begin(&w, t, 0);
	w.unlisted = 1;
	for (cs = dusk_mirror_incall(); !err && cs; cs = cs->incall_next) {
		if (cs == w.cs)
			continue;
		for (i = 0; !err && i < cs->ntouched; i++) {
			m = cs->touched[i];
			if (m->gen != w.gen && !m->dormant && !m->fresh && !m->readonly)
				err = translate(&w, m, 0);
		}
	}
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
}

/*
 * Kept objects (kept.c) changed by the program since the last epoch end:
 * each is translated again and the bytes that differ from what its mirror
 * holds are queued, as a commit does, so the kernel (a reader of the
 * debugfs file) sees the module's own updates without the module passing
 * the object to a call.  The walk is not listed for the call: kept
 * mirrors are read back as such (mirror.c).
 */
int dusk_commit_kept_changes(void)
{
	struct dusk_thread *t = dusk_thread();
	struct mirror *m;
	struct walk w;
	size_t i;
	int err = 0;

	if (!dusk_sess || !dusk_mirror_any_kept())
		return 0;
	pthread_mutex_lock(&dusk_mirror_lock);
	walk_begin(&w, t, 1);
	for (i = 0; !err && (m = dusk_mirror_nth(i)); i++)
		if (m->kept && m->gen != w.gen)
			err = translate(&w, m, 0);
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
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
	/* another thread's walk may send the list (flush_unsent_elsewhere()) */
	pthread_mutex_lock(&dusk_mirror_lock);
	if (cs->pending.n > cs->bufcap) {
		void **v = realloc(cs->bufs, cs->pending.n * sizeof(*v));

		if (!v) {
			pthread_mutex_unlock(&dusk_mirror_lock);
			return -ENOMEM;
		}
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
	pthread_mutex_unlock(&dusk_mirror_lock);
	return err;
}

void dusk_commit_thread_free(struct dusk_commit_state *cs)
{
	struct dusk_commit_state **pp;
	struct mirror *m;
	size_t i, j;

	if (!cs)
		return;
	pthread_mutex_lock(&dusk_mirror_lock);
	for (i = 0; (m = dusk_mirror_nth(i)); i++) {
		if (m->unsent == cs)
			m->unsent = NULL;
		for (j = 0; j < DUSK_FLIGHTS; j++)
			if (m->flights[j].cs == cs)
				m->flights[j].cs = NULL;
	}
	dusk_mirror_orphan_thread(cs);
	for (pp = &all_states; *pp; pp = &(*pp)->all_next) {
		if (*pp == cs) {
			*pp = cs->all_next;
			break;
		}
	}
	pthread_mutex_unlock(&dusk_mirror_lock);
	for (i = 0; i < cs->nbufs; i++)
		free(cs->bufs[i]);
	for (i = 0; i < cs->pending.n; i++)
		free((void *)cs->pending.v[i].data);
	dusk_wlist_free(&cs->pending);
	free(cs->bufs);
	free(cs->touched);
	free(cs->held);
	free(cs->dormant);
	free(cs);
}

static void commit_thread_exit(struct dusk_thread *t)
{
	dusk_commit_thread_free(t->commit);
	t->commit = NULL;
}

__attribute__((constructor)) static void commit_register(void)
{
	dusk_thread_on_exit(commit_thread_exit);
}

