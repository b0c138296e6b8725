/* SPDX-License-Identifier: MIT */
/*
 * A KASAN for the module, without a KASAN kernel: out-of-bounds access to,
 * use after free of and double free of the kernel memory the module owns.
 *
 * Every allocation the module makes is a kernel call (a stub the rewriter
 * marks DUSK_STUB_ALLOC), every free one too (DUSK_STUB_FREE*), and every
 * access to kernel memory goes through dusk_check().  So the runtime keeps
 * each object the module allocated -- its address, the size asked for, the
 * slot the allocator gave it (a kmalloc size class, whole pages for
 * vmalloc, the aligned object size of a slab cache the module made), the
 * frames of the call that made it and, once freed, of the one
 * that freed it -- and checks, before the kernel is asked anything:
 *   - an access that overlaps a live object's slot beyond the size asked
 *     for (the slab slack, or a run past the end): out of bounds;
 *   - an access that overlaps a freed object, in the callback (or
 *     module_init, module_exit) that freed it: use after free;
 *   - a free of a freed object, or of an address inside an object: double
 *     or invalid free -- the kernel build would corrupt the slab.
 * Freed objects are remembered (a quarantine of FREED_MAX) until the
 * address is allocated again by a call the module makes, or the kernel
 * hands the module a pointer into one (a callback's argument, a call's
 * result): the kernel reuses freed memory at once, and a later callback
 * may well be handed the same slot (a sysfs store's buffer in the slot of
 * an object the module freed in a release callback).  So an access is a
 * use after free only in the callback that freed the object: a pointer the
 * module keeps across callbacks may point to the kernel's object by then.
 *
 * A bad access is not refused at once: dusk_check() returns an address in
 * a PROT_NONE guard area, so the module's own load or store faults, the
 * page-fault error code says whether it was a read or a write, and
 * dusk_kasan_fault() (from the SIGSEGV handler) reports it with the
 * module's line and dies; gdb stops at the access.  A bad free is
 * reported at once, without making the call.  The kernel never sees either.
 *
 * dusk_check()'s fast path serves a range of a shadow page without coming
 * here; dusk_kasan_access() narrows that range to the object accessed, or
 * to the gap between objects, so every access that crosses into another
 * object's slot is checked.
 *
 * Objects of a SLAB_TYPESAFE_BY_RCU cache are forgotten when freed, as the
 * kernel's KASAN leaves them unpoisoned: such memory stays an object of
 * its cache and may be read after the free (under rcu_read_lock()).
 *
 * Limits: a use after free in a later callback is not seen (see above);
 * an object whose size the allocating call does not give (kstrdup,
 * an sk_buff, any allocator not in size_table, kmem_cache_alloc() from a
 * cache the module did not create) is one byte long here: its
 * double free is caught, a use after free only at its first byte, and an
 * access from its first byte (the struct read whole, as a bitfield store
 * does) is its own, whatever its length.  An
 * access that lands wholly in the next slot is that slot's business (no
 * redzones: we do not choose where the kernel puts objects).
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rt-internal.h"

#define KASAN_FRAMES	8
#define FREED_MAX	1024	/* freed objects remembered */
#define GUARD_SIZE	(1ul << 20)

struct kobj {
	uint64_t addr;
	uint64_t size;		/* bytes asked for; 1 when not known */
	uint64_t slot;		/* bytes of the allocator's slot, >= size */
	int sized;		/* size is known (else only the first byte is) */
	int typesafe_rcu;	/* of a SLAB_TYPESAFE_BY_RCU cache */
	uint32_t stub;		/* the allocating call */
	uint32_t free_stub;
	int freed;
	/* The thread whose free of it is in flight, or NULL.  Until that
	 * call returns the object is live to its thread: the free may run
	 * module code on it (an skb destructor, a mempool's free function,
	 * which may kfree() it once more).  Another thread's allocation that
	 * gets its slot meanwhile replaces it, and the free then notes
	 * nothing. */
	const struct dusk_thread *freeing;
	/* what freed it: the thread, and the callback it served (0: none) */
	const struct dusk_thread *free_thread;
	uint64_t free_ctx;
	int nalloc, nfree;
	void *alloc_frames[KASAN_FRAMES];
	void *free_frames[KASAN_FRAMES];
};

/* Objects sorted by address; their slots do not overlap. */
static struct kobj **objs;
static size_t nobjs, cap;
static struct kobj *freed_ring[FREED_MAX];	/* oldest first from freed_head */
static size_t freed_head, nfreed;
static pthread_mutex_t kasan_lock = PTHREAD_MUTEX_INITIALIZER;

int dusk_kasan_on;

/* The bad access this thread was handed the guard area for. */
struct kasan_bad {
	const char *kind;	/* "out of bounds", "use after free" */
	uint64_t addr;
	size_t len;
	long long off;		/* from the object's start */
	char object[900];	/* describe() */
	char where[512];	/* the access's line */
};
static DUSK_TLS struct kasan_bad *pending;
static char *guard;

/*
 * The allocators whose slot we know, by which argument gives the size
 * asked for, a second one it is multiplied by (kcalloc; -1: none) and the
 * slot's kind.
 */
enum slot_kind { SLOT_KMALLOC, SLOT_PAGES, SLOT_EXACT };
static const struct size_rule {
	int arg, arg2;
	enum slot_kind kind;
	const char *const *names;	/* NULL-terminated */
} size_table[] = {
	{ 0, -1, SLOT_KMALLOC, (const char *const[]){
		"kmalloc", "kzalloc", "__kmalloc", "kmalloc_large", "kmalloc_node",
		"kzalloc_node", "__kmalloc_node", "kmalloc_large_node", NULL } },
	{ 2, -1, SLOT_KMALLOC, (const char *const[]){ "kmalloc_trace", NULL } },
	{ 3, -1, SLOT_KMALLOC, (const char *const[]){ "kmalloc_node_trace", NULL } },
	{ 0, 1, SLOT_KMALLOC, (const char *const[]){
		"kcalloc", "kmalloc_array", "kcalloc_node", "kmalloc_array_node", NULL } },
	{ 1, -1, SLOT_KMALLOC, (const char *const[]){ "krealloc", "kmemdup", NULL } },
	{ 0, -1, SLOT_PAGES, (const char *const[]){
		"vmalloc", "vzalloc", "__vmalloc", "vmalloc_user", "vmalloc_32",
		"vmalloc_32_user", "vmalloc_node", "vzalloc_node", NULL } },
	{ 0, -1, SLOT_EXACT, (const char *const[]){
		"kvmalloc", "kvzalloc", "kvmalloc_node", NULL } },
	{ 0, 1, SLOT_EXACT, (const char *const[]){ "kvcalloc", "kvmalloc_array", NULL } },
};

/* The line of size_table that allocator @name (@len bytes) is on, or NULL. */
static const struct size_rule *size_rule_of(const char *name, size_t len)
{
	const char *const *n;
	size_t i;

	for (i = 0; i < sizeof(size_table) / sizeof(size_table[0]); i++)
		for (n = size_table[i].names; *n; n++)
			if (strlen(*n) == len && !strncmp(*n, name, len))
				return &size_table[i];
	return NULL;
}

/* The slot kmalloc gives @n bytes (mm/slab_common.c kmalloc_info, x86-64:
 * caches up to 8 KiB, then whole pages from the page allocator). */
static uint64_t kmalloc_slot(uint64_t n)
{
	static const uint64_t classes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024,
					    2048, 4096, 8192 };
	uint64_t s = DUSK_PAGE_SIZE;
	size_t i;

	for (i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (n <= classes[i])
			return classes[i];
	while (s < n)
		s <<= 1;
	return s;
}

/* Object sizes of the slab caches the module made (kmem_cache_create()),
 * for the objects it allocates from them.  Caller holds lock. */
#define CACHES_MAX 32
static struct {
	uint64_t cache, size, slot;
	int typesafe_rcu;
} caches[CACHES_MAX];

/* include/linux/slab.h: a freed object may be read until a grace period
 * ends (the memory stays an object of the cache). */
#define SLAB_TYPESAFE_BY_RCU	0x00080000u

/* @cache's object size and slot, or 0; whether it is typesafe by RCU. */
static uint64_t cache_size(uint64_t cache, uint64_t *slot, int *typesafe_rcu)
{
	size_t i;

	for (i = 0; i < CACHES_MAX; i++) {
		if (caches[i].cache && caches[i].cache == cache) {
			*slot = caches[i].slot;
			*typesafe_rcu = caches[i].typesafe_rcu;
			return caches[i].size;
		}
	}
	return 0;
}

/* Remember @cache's object size, its objects aligned to @align (the slab
 * aligns to at least a word: mm/slab_common.c calculate_alignment()), and
 * its SLAB_* @flags; @size 0: forget it. */
static void cache_note(uint64_t cache, uint64_t size, uint64_t align, uint64_t flags)
{
	size_t i, free_slot = CACHES_MAX;

	for (i = 0; i < CACHES_MAX; i++) {
		if (caches[i].cache == cache) {
			free_slot = i;
			break;
		}
		if (!caches[i].cache && free_slot == CACHES_MAX)
			free_slot = i;
	}
	if (free_slot == CACHES_MAX)
		return;		/* a size less: its objects count as one byte */
	if (align < sizeof(void *) || (align & (align - 1)))
		align = sizeof(void *);
	caches[free_slot].cache = size ? cache : 0;
	caches[free_slot].size = size;
	caches[free_slot].slot = (size + align - 1) & ~(align - 1);
	caches[free_slot].typesafe_rcu = !!(flags & SLAB_TYPESAFE_BY_RCU);
}

/* The kernel function a stub calls: its name up to '#'. */
static size_t fn_len(const char *stub)
{
	return strcspn(stub, "#");
}

static const char *stub_name(uint32_t stub)
{
	const struct dusk_module *m = dusk_sess->m;

	return m->stubs && stub < m->nstubs ? m->stubs[stub] : "?";
}

static uint32_t stub_flags(uint32_t stub)
{
	const struct dusk_module *m = dusk_sess->m;

	return m->stub_flags && stub < m->nstubs ? m->stub_flags[stub] : 0;
}

/* Is stub @name the kernel function @fn? */
static int is_fn(const char *name, const char *fn)
{
	return strlen(fn) == fn_len(name) && !strncmp(fn, name, fn_len(name));
}

/* Size asked for and slot of what @stub(@args) returned; size 1 and slot 1
 * when the call does not say.  Returns whether it said.  Caller holds lock. */
static int object_extent(uint32_t stub, const uint64_t *args, unsigned int nargs,
			 uint64_t *size, uint64_t *slot, int *typesafe_rcu)
{
	const char *name = stub_name(stub);
	const struct size_rule *rule;
	size_t len = fn_len(name);
	uint64_t n;

	*size = *slot = 1;
	/* kmem_cache_alloc(cache, flags), _zalloc, _node, _lru: the cache's
	 * object size (its slot may be larger: alignment) */
	if (!strncmp(name, "kmem_cache_alloc", 16) || is_fn(name, "kmem_cache_zalloc")) {
		n = nargs ? cache_size(args[0], slot, typesafe_rcu) : 0;
		if (n)
			*size = n;
		else
			*slot = 1;
		return n != 0;
	}
	rule = size_rule_of(name, len);
	if (!rule || (unsigned int)rule->arg >= nargs ||
	    (rule->arg2 >= 0 && (unsigned int)rule->arg2 >= nargs))
		return 0;
	n = args[rule->arg];
	if (rule->arg2 >= 0 && __builtin_mul_overflow(n, args[rule->arg2], &n))
		return 0;
	if (!n || n > (1ull << 40))
		return 0;
	*size = n;
	switch (rule->kind) {
	case SLOT_KMALLOC:
		*slot = kmalloc_slot(n);
		break;
	case SLOT_PAGES:
		*slot = (n + DUSK_PAGE_SIZE - 1) & ~(uint64_t)(DUSK_PAGE_SIZE - 1);
		break;
	default:
		*slot = n;
	}
	return 1;
}

/* Index of the first object whose address is > @addr.  Caller holds lock. */
static size_t upper(uint64_t addr)
{
	size_t lo = 0, hi = nobjs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (objs[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Was @o freed in another callback, or by another thread, than the
 * running one?  Then its slot may be the kernel's object by now. */
static int freed_elsewhere(const struct kobj *o)
{
	const struct dusk_thread *t = dusk_thread();

	return o->freed && (o->free_thread != t || o->free_ctx != t->ctx);
}

/* The object whose slot holds @addr, or NULL.  Caller holds lock. */
static struct kobj *holding(uint64_t addr)
{
	size_t i = upper(addr);

	if (i && addr - objs[i - 1]->addr < objs[i - 1]->slot)
		return objs[i - 1];
	return NULL;
}

static void ring_drop(struct kobj *o)
{
	size_t i;

	for (i = 0; i < nfreed; i++) {
		size_t k = (freed_head + i) % FREED_MAX;

		if (freed_ring[k] == o) {
			freed_ring[k] = NULL;	/* its turn passes empty */
			return;
		}
	}
}

/* Stop tracking objs[i].  Caller holds lock. */
static void remove_at(size_t i)
{
	struct kobj *o = objs[i];

	memmove(objs + i, objs + i + 1, (nobjs - i - 1) * sizeof(*objs));
	nobjs--;
	if (o->freed)
		ring_drop(o);
	free(o);
}

/* Keep @n frames from return address @pc up (see leaks.c). */
static int frames_from(const void *pc, void **out, int n)
{
	void *bt[KASAN_FRAMES + 6];
	int got = backtrace(bt, KASAN_FRAMES + 6), i;

	for (i = 0; i < got && bt[i] != pc; i++)
		;
	if (i == got)
		i = 0;
	got -= i;
	if (got > n)
		got = n;
	memcpy(out, bt + i, (size_t)got * sizeof(void *));
	return got;
}

/* A new object at @addr: what we tracked under its slot was freed, or
 * given to the kernel, behind our back.  Caller holds lock. */
static void add_object(struct kobj *o)
{
	size_t i = upper(o->addr);

	while (i && objs[i - 1]->addr + objs[i - 1]->slot > o->addr)
		remove_at(--i);
	while (i < nobjs && objs[i]->addr < o->addr + o->slot)
		remove_at(i);
	if (nobjs == cap) {
		size_t ncap = cap ? cap * 2 : 256;
		struct kobj **n = realloc(objs, ncap * sizeof(*objs));

		if (!n) {
			free(o);	/* a check less; the module runs on */
			return;
		}
		objs = n;
		cap = ncap;
	}
	memmove(objs + i + 1, objs + i, (nobjs - i) * sizeof(*objs));
	objs[i] = o;
	nobjs++;
	dusk_kasan_on = 1;
}

/* Remember objs' freed object @o, forgetting the oldest beyond FREED_MAX.
 * Caller holds lock. */
static void quarantine(struct kobj *o)
{
	struct kobj *old;
	size_t i;

	if (nfreed == FREED_MAX) {
		old = freed_ring[freed_head];
		freed_head = (freed_head + 1) % FREED_MAX;
		nfreed--;
		if (old) {
			i = upper(old->addr);
			old->freed = 0;	/* not in the ring any more */
			remove_at(i - 1);
		}
	}
	freed_ring[(freed_head + nfreed++) % FREED_MAX] = o;
}

/* "a 20-byte kmalloc() region allocated at mymod.c:39 (in f)" into @buf. */
static void describe(const struct kobj *o, char *buf, size_t cap)
{
	char at[512], fat[512];
	const char *fn = stub_name(o->stub);
	int n;

	dusk_module_line(o->alloc_frames, o->nalloc, 1, at, sizeof(at));
	if (o->size > 1 || o->slot > 1)
		n = snprintf(buf, cap, "a %llu-byte %.*s() region", (unsigned long long)o->size,
			     (int)fn_len(fn), fn);
	else
		n = snprintf(buf, cap, "a %.*s() region", (int)fn_len(fn), fn);
	if (at[0] && n >= 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " allocated at %s", at);
	if (o->freed && n >= 0 && (size_t)n < cap) {
		fn = stub_name(o->free_stub);
		dusk_module_line(o->free_frames, o->nfree, 1, fat, sizeof(fat));
		snprintf(buf + n, cap - (size_t)n, ", freed by %.*s()%s%s", (int)fn_len(fn), fn,
			 fat[0] ? " at " : "", fat);
	}
}

/*
 * The verdict on an access [addr, addr + len), before the kernel is asked
 * for it.  0 when fine, with [*lo, *hi) narrowed to what dusk_check()'s
 * fast path may serve without coming back; else 1, and the report in @bad
 * (all but its line).  Caller holds lock.
 */
static int judge(uint64_t addr, size_t len, uint64_t *lo, uint64_t *hi, struct kasan_bad *bad)
{
	uint64_t end = addr + (len ? len : 1);
	size_t i = upper(addr);
	struct kobj *o = NULL, *next = i < nobjs ? objs[i] : NULL;

	if (i && addr - objs[i - 1]->addr < objs[i - 1]->slot)
		o = objs[i - 1];
	if (o && freed_elsewhere(o)) {
		if (o->addr > *lo)
			*lo = o->addr;
		if (o->addr + o->slot < *hi)
			*hi = o->addr + o->slot;
		return 0;
	}
	if (!o) {
		/* Between objects: fine unless it runs into the next one. */
		if (!next || end <= next->addr || freed_elsewhere(next)) {
			if (i && objs[i - 1]->addr + objs[i - 1]->slot > *lo)
				*lo = objs[i - 1]->addr + objs[i - 1]->slot;
			if (next && next->addr < *hi)
				*hi = next->addr;
			return 0;
		}
		o = next;
	} else if (!o->freed && (!o->sized || end <= o->addr + o->size)) {
		/* Of an object of unknown size, only its first byte is known:
		 * an access from there (a struct read whole) is its own. */
		if (o->addr > *lo)
			*lo = o->addr;
		if (o->addr + o->size < *hi)
			*hi = o->addr + o->size;
		return 0;
	}
	bad->kind = o->freed ? "use after free" : "out of bounds";
	bad->addr = addr;
	bad->len = len;
	bad->off = (long long)(addr - o->addr);
	describe(o, bad->object, sizeof(bad->object));
	return 1;
}

/* Log the bad access @b as a @how ("read", "write", "access"). */
static void report_access(const struct kasan_bad *b, const char *how)
{
	dusk_log(DUSK_LOG_ERROR, "dusk: KASAN: %s: %s of %zu bytes at offset %lld of %s, at %s "
		 "(kernel address 0x%llx; the kernel was not touched)", b->kind, how, b->len,
		 b->off, b->object, b->where[0] ? b->where : "an unknown line",
		 (unsigned long long)b->addr);
}

void *dusk_kasan_access(uint64_t addr, size_t len, const void *pc, uint64_t *lo, uint64_t *hi)
{
	struct kasan_bad b;
	void *frames[6];
	char *g;
	int hit, n;

	pthread_mutex_lock(&kasan_lock);
	hit = judge(addr, len, lo, hi, &b);
	pthread_mutex_unlock(&kasan_lock);
	if (!hit)
		return NULL;
	n = frames_from(pc, frames, 6);
	dusk_module_line(frames, n, 1, b.where, sizeof(b.where));
	/* The access itself, in the module's code, is to say read or write:
	 * hand it memory that faults (dusk_kasan_fault()).  The thread dies
	 * of it, so what it faults on is never freed. */
	pending = malloc(sizeof(*pending));
	g = guard ? guard : mmap(NULL, GUARD_SIZE, PROT_NONE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!pending || g == MAP_FAILED || len > GUARD_SIZE) {
		report_access(&b, "access");
		dusk_die();
	}
	*pending = b;
	guard = g;
	return guard;
}

int dusk_kasan_fault(const void *fault_addr, int write)
{
	if (!guard || !pending || (const char *)fault_addr < guard ||
	    (const char *)fault_addr >= guard + GUARD_SIZE)
		return 0;
	report_access(pending, write ? "write" : "read");
	return 1;
}

/* A free of @p the kernel build would get wrong: report and die. */
static void bad_free(uint32_t stub, uint64_t p, const void *pc)
{
	struct kobj *o;
	char desc[900], where[512], msg[1800];
	const char *fn = stub_name(stub);
	void *frames[6];
	int n;

	pthread_mutex_lock(&kasan_lock);
	o = holding(p);
	if (!o || (!o->freed && o->addr == p && (!o->freeing || o->freeing == dusk_thread()))) {
		pthread_mutex_unlock(&kasan_lock);
		return;
	}
	describe(o, desc, sizeof(desc));
	if (o->addr == p)
		snprintf(msg, sizeof(msg), "double free: %.*s() of %s", (int)fn_len(fn), fn, desc);
	else
		snprintf(msg, sizeof(msg), "invalid free: %.*s() of offset %llu of %s",
			 (int)fn_len(fn), fn, (unsigned long long)(p - o->addr), desc);
	pthread_mutex_unlock(&kasan_lock);
	n = frames_from(pc, frames, 6);
	dusk_module_line(frames, n, 1, where, sizeof(where));
	dusk_log(DUSK_LOG_ERROR, "dusk: KASAN: %s, at %s (kernel address 0x%llx; the call was not "
		 "made)", msg, where[0] ? where : "an unknown line", (unsigned long long)p);
	dusk_die();
}

/* The module gave @p back with @stub: it is freed (quarantined), or, for
 * a SLAB_TYPESAFE_BY_RCU object, forgotten (as the kernel's KASAN: it may
 * be read after its free under rcu_read_lock(), the reader checking it is
 * still the one it wanted, so it is neither poisoned nor checked for a
 * double free).  With @in_flight, only if @p is still the object this
 * thread's free began with (freeing()): checked and noted under one lock,
 * as another thread may be given the slot as soon as the free returned. */
static void note_free(uint32_t stub, uint64_t p, const void *pc, int in_flight)
{
	struct kobj *o;

	pthread_mutex_lock(&kasan_lock);
	o = holding(p);
	if (!o || o->addr != p || o->freed || (in_flight && o->freeing != dusk_thread())) {
		pthread_mutex_unlock(&kasan_lock);
		return;
	}
	o->freeing = NULL;
	if (o->typesafe_rcu) {
		remove_at(upper(p) - 1);
	} else {
		o->freed = 1;
		o->free_stub = stub;
		o->free_thread = dusk_thread();
		o->free_ctx = dusk_thread()->ctx;
		o->nfree = frames_from(pc, o->free_frames, KASAN_FRAMES);
		quarantine(o);
	}
	pthread_mutex_unlock(&kasan_lock);
}

/* The running thread's free of @p is about to be made. */
static void freeing(uint64_t p)
{
	struct kobj *o;

	pthread_mutex_lock(&kasan_lock);
	o = holding(p);
	if (o && o->addr == p && !o->freed)
		o->freeing = dusk_thread();
	pthread_mutex_unlock(&kasan_lock);
}

void dusk_kasan_before_call(uint32_t stub, const uint64_t *args, unsigned int nargs,
			    const void *pc)
{
	uint32_t flags = stub_flags(stub);
	uint64_t p;

	if (!dusk_kasan_on || !(flags & DUSK_STUB_FREE_ANY))
		return;
	p = dusk_stub_freed(flags, args, nargs);
	if (p < dusk_kbase)
		return;
	bad_free(stub, p, pc);
	if (!(flags & DUSK_STUB_ALLOC))
		freeing(p);
}

/* kmem_cache_create(name, size, ...) made a cache, kmem_cache_destroy()
 * ended one. */
static void note_caches(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret)
{
	const char *name = stub_name(stub);

	pthread_mutex_lock(&kasan_lock);
	if ((is_fn(name, "kmem_cache_create") || is_fn(name, "kmem_cache_create_usercopy")) &&
	    nargs >= 4 && ret >= dusk_kbase && ret < (uint64_t)-4095 && args[1] &&
	    args[1] <= (1u << 30) && args[2] <= 4096)
		cache_note(ret, args[1], args[2], args[3]);
	else if (is_fn(name, "kmem_cache_destroy") && nargs >= 1 && args[0])
		cache_note(args[0], 0, 0, 0);
	pthread_mutex_unlock(&kasan_lock);
}

void dusk_kasan_after_call(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
			   const void *pc)
{
	uint32_t flags = stub_flags(stub);
	struct kobj *o;
	uint64_t p;

	if ((flags & DUSK_STUB_ALLOC) && (ret < dusk_kbase || ret >= (uint64_t)-4095))
		return;		/* failed: krealloc() freed nothing either */
	p = dusk_stub_freed(flags, args, nargs);
	/* krealloc() had no free in flight: it may fail or keep its block */
	if (p >= dusk_kbase)
		note_free(stub, p, pc, !(flags & DUSK_STUB_ALLOC));
	if (!(flags & DUSK_STUB_ALLOC)) {
		note_caches(stub, args, nargs, ret);
		dusk_kasan_kernel_gave(ret);
		return;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return;
	o->addr = ret;
	o->stub = stub;
	o->nalloc = frames_from(pc, o->alloc_frames, KASAN_FRAMES);
	pthread_mutex_lock(&kasan_lock);
	o->sized = object_extent(stub, args, nargs, &o->size, &o->slot, &o->typesafe_rcu);
	add_object(o);
	pthread_mutex_unlock(&kasan_lock);
}

/*
 * An object the kernel hands over is the kernel's again when it was freed,
 * and also when another thread's free of it is still in flight: the kernel
 * had the slot back when that free began, and may pass it on before the
 * free returns (a packet the program's dev_queue_xmit() sent on one end of
 * a veth pair, handed to a packet_type handler on the other end while that
 * call still runs: the handler's kfree_skb() was taken for a double free).
 * A callback the freeing call itself raises on its own thread (an sk_buff
 * destructor) still sees its object live, and frees it as its own.
 */
void dusk_kasan_kernel_gave_on(uint64_t p)
{
	struct kobj *o;

	pthread_mutex_lock(&kasan_lock);
	o = holding(p);
	if (o && (o->freed || (o->freeing && o->freeing != dusk_thread())))
		remove_at(upper(o->addr) - 1);
	pthread_mutex_unlock(&kasan_lock);
}

void dusk_kasan_reset(void)
{
	pthread_mutex_lock(&kasan_lock);
	while (nobjs)
		remove_at(nobjs - 1);
	memset(freed_ring, 0, sizeof(freed_ring));
	memset(caches, 0, sizeof(caches));
	freed_head = nfreed = 0;
	pthread_mutex_unlock(&kasan_lock);
}
