/* SPDX-License-Identifier: MIT */
/*
 * Leak reports: kernel memory the module allocated and did not free.
 *
 * The kmod owns what the module's allocations returned until a free gives
 * it back, and frees whatever is left when the session ends, so a leak in
 * the user build never reaches the kernel -- and would go unseen.  In the
 * kernel build the same memory stays allocated until reboot.  So the
 * runtime keeps, beside each allocation the module made (a stub the
 * rewriter marks DUSK_STUB_ALLOC, the same flags the kmod acts on), the
 * frames of the call that made it, forgets it when a freeing stub returns
 * it (DUSK_STUB_FREE, FREE_ARG1, FREE_RCU), and reports what is left with
 * the module's source line when module_exit has run, or module_init has
 * failed: either way the module should have freed everything.
 *
 * An object from one of the module's slab caches that is still allocated
 * when the module destroys the cache is reported then: in the kernel build
 * SLUB reports a BUG ("Objects remaining"); in the user build the kmod
 * frees it first (dusk-kmod/core/slab.c), so it is no leak at exit.
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

#define LEAK_FRAMES	10	/* enough to climb out of the runtime and wrappers */
#define LEAK_BUCKETS	1024	/* a power of two */
#define LEAK_REPORT_MAX	20	/* lines; the rest are counted */

struct leak {
	struct leak *next;
	uint64_t addr;
	uint64_t cache;		/* the slab cache it came from, or 0 */
	uint32_t stub;
	int nframes;
	void *frames[LEAK_FRAMES];
};

static struct leak *buckets[LEAK_BUCKETS];
static pthread_mutex_t leak_lock = PTHREAD_MUTEX_INITIALIZER;

static struct leak **bucket(uint64_t addr)
{
	return &buckets[(addr >> 4 ^ addr >> 14) & (LEAK_BUCKETS - 1)];
}

/*
 * Keep the frames from the one dusk_call() returns to (@pc: the module's
 * call, or its dusk_k_ wrapper's) up: how many runtime frames lie below it
 * depends on inlining and tail calls.  Return: how many, in @frames.
 */
static int frames_from(const void *pc, void **frames)
{
	void *bt[LEAK_FRAMES + 4];
	int n, i;

	n = backtrace(bt, LEAK_FRAMES + 4);
	for (i = 0; i < n && bt[i] != pc; i++)
		;
	if (i == n)
		i = 0;
	n = n - i < LEAK_FRAMES ? n - i : LEAK_FRAMES;
	memcpy(frames, bt + i, (size_t)n * sizeof(void *));
	return n;
}

static void leak_add(uint32_t stub, uint64_t addr, uint64_t cache, const void *pc)
{
	struct leak *l = malloc(sizeof(*l));

	if (!l)
		return;		/* a report less; the module runs on */
	l->addr = addr;
	l->cache = cache;
	l->stub = stub;
	l->nframes = frames_from(pc, l->frames);
	pthread_mutex_lock(&leak_lock);
	l->next = *bucket(addr);
	*bucket(addr) = l;
	pthread_mutex_unlock(&leak_lock);
}

static void leak_forget(uint64_t addr)
{
	struct leak **p, *l = NULL;

	pthread_mutex_lock(&leak_lock);
	for (p = bucket(addr); *p; p = &(*p)->next) {
		if ((*p)->addr == addr) {
			l = *p;
			*p = l->next;
			break;
		}
	}
	pthread_mutex_unlock(&leak_lock);
	free(l);
}

/* A pointer an allocator returned, not NULL or ERR_PTR. */
static int is_object(uint64_t v)
{
	return v && v < (uint64_t)-4095;
}

uint64_t dusk_stub_freed(uint32_t flags, const uint64_t *args, unsigned int nargs)
{
	if ((flags & DUSK_STUB_FREE_RCU) && nargs >= 2)	/* kvfree_call_rcu(head, func) */
		return args[0] ? args[0] - args[1] : args[1];
	if ((flags & DUSK_STUB_FREE_ARG1) && nargs >= 2)
		return args[1];
	if ((flags & DUSK_STUB_FREE_LAST) && nargs >= 1)
		return args[nargs - 1];
	if ((flags & DUSK_STUB_FREE) && nargs >= 1)
		return args[0];
	return 0;
}

/* Is stub name @name ("fn", or "fn#N") kernel function @fn? */
static int named(const char *name, const char *fn)
{
	size_t n = strlen(fn);

	return !strncmp(name, fn, n) && (name[n] == '\0' || name[n] == '#');
}

/* The cache an allocating stub @name takes the object from (its first
 * argument), or 0. */
static uint64_t cache_of(const char *name, const uint64_t *args, unsigned int nargs)
{
	static const char *const allocs[] = { "kmem_cache_alloc", "kmem_cache_zalloc",
					      "kmem_cache_alloc_node", "kmem_cache_alloc_lru" };
	size_t i;

	for (i = 0; nargs >= 1 && i < sizeof(allocs) / sizeof(allocs[0]); i++)
		if (named(name, allocs[i]))
			return args[0];
	return 0;
}

/*
 * kmem_cache_destroy(@cache) at @pc: report the objects of @cache still
 * allocated, and forget them (the kmod has freed them).
 */
static void leaks_in_destroyed(uint64_t cache, const void *pc)
{
	const struct dusk_module *m = dusk_sess->m;
	struct leak **p, *l, *gone = NULL;
	void *frames[LEAK_FRAMES];
	char where[512], at[512];
	unsigned long n = 0;
	size_t b;

	pthread_mutex_lock(&leak_lock);
	for (b = 0; b < LEAK_BUCKETS; b++) {
		for (p = &buckets[b]; (l = *p);) {
			if (l->cache != cache) {
				p = &l->next;
				continue;
			}
			*p = l->next;
			l->next = gone;
			gone = l;
		}
	}
	pthread_mutex_unlock(&leak_lock);
	if (!gone)
		return;
	dusk_module_line(frames, frames_from(pc, frames), 1, at, sizeof(at));
	for (; (l = gone); n++) {
		gone = l->next;
		if (n < LEAK_REPORT_MAX) {
			dusk_module_line(l->frames, l->nframes, 1, where, sizeof(where));
			dusk_log(DUSK_LOG_WARN, "dusk: leak: kernel memory from %s%s%s was still "
				 "allocated when the module destroyed its cache (kmem_cache_destroy%s%s): "
				 "the kmod freed it first; the kernel build would report a SLUB BUG, "
				 "objects remaining in the cache",
				 l->stub < m->nstubs ? m->stubs[l->stub] : "?",
				 where[0] ? " at " : "", where, at[0] ? " at " : "", at);
		}
		free(l);
	}
	if (n > LEAK_REPORT_MAX)
		dusk_log(DUSK_LOG_WARN, "dusk: leak: %lu more objects still in the destroyed cache",
			 n - LEAK_REPORT_MAX);
}

void dusk_leaks_note(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
		     const void *pc)
{
	const struct dusk_module *m = dusk_sess->m;
	uint32_t flags = m->stub_flags && stub < m->nstubs ? m->stub_flags[stub] : 0;
	const char *name = m->stubs && stub < m->nstubs ? m->stubs[stub] : "";
	uint64_t old;

	if (named(name, "kmem_cache_destroy") && nargs >= 1 && args[0]) {
		leaks_in_destroyed(args[0], pc);
		return;
	}
	if (!(flags & (DUSK_STUB_ALLOC | DUSK_STUB_FREE_ANY)))
		return;
	/* krealloc() is both: it frees its argument only when it succeeds */
	if ((flags & DUSK_STUB_ALLOC) && !is_object(ret))
		return;
	old = dusk_stub_freed(flags, args, nargs);
	if (is_object(old))
		leak_forget(old);
	if (flags & DUSK_STUB_ALLOC)
		leak_add(stub, ret, cache_of(name, args, nargs), pc);
}

/*
 * Element @i of the pointer array the module handed a bulk slab call at
 * kernel address @arr: a mirror of the module's own array (read in the
 * program, where the read-back after the call has put the kernel's
 * stores), or kernel memory (read through its shadow).  0 if unreadable.
 */
static uint64_t bulk_elem(uint64_t arr, uint64_t i)
{
	uint64_t own = dusk_rmap_word(arr), v;
	const void *p;

	if (arr < dusk_kbase || i > (UINT64_MAX - arr) / sizeof(v) - 1)
		return 0;
	if (own != arr)
		p = (const void *)(uintptr_t)(own + i * sizeof(v));
	else
		p = dusk_check_kernel((uintptr_t)(arr + i * sizeof(v)), sizeof(v));
	if (!p)
		return 0;
	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * kmem_cache_alloc_bulk(cache, flags, size, p) returns how many objects it
 * put in p[] (all or none), kmem_cache_free_bulk(cache, size, p) frees
 * p[0..size): the objects are the module's as one kmem_cache_alloc()'s
 * are, so they are noted and forgotten one by one.
 */
void dusk_leaks_bulk_free(uint32_t stub, const uint64_t *args, unsigned int nargs)
{
	const struct dusk_module *m = dusk_sess->m;
	const char *name = m->stubs && stub < m->nstubs ? m->stubs[stub] : "";
	uint64_t i, obj;

	if (!named(name, "kmem_cache_free_bulk") || nargs != 3)
		return;
	for (i = 0; i < args[1] && i < DUSK_MAX_BULK; i++)
		if (is_object(obj = bulk_elem(args[2], i)))
			leak_forget(obj);
}

void dusk_leaks_bulk_alloc(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
			   const void *pc)
{
	const struct dusk_module *m = dusk_sess->m;
	const char *name = m->stubs && stub < m->nstubs ? m->stubs[stub] : "";
	uint64_t i, obj;

	if (!named(name, "kmem_cache_alloc_bulk") || nargs != 4 || ret > args[2])
		return;
	for (i = 0; i < ret; i++) {
		if (!is_object(obj = bulk_elem(args[3], i)))
			continue;
		leak_add(stub, obj, args[0], pc);
		/* a fresh object where KASAN may remember a freed one */
		dusk_kasan_kernel_gave(obj);
	}
}

unsigned long dusk_leaks_report(const char *who)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned long n = 0;
	struct leak *l;
	char where[512];
	size_t b;

	pthread_mutex_lock(&leak_lock);
	for (b = 0; b < LEAK_BUCKETS; b++) {
		for (l = buckets[b]; l; l = l->next, n++) {
			if (n >= LEAK_REPORT_MAX)
				continue;
			dusk_module_line(l->frames, l->nframes, 1, where, sizeof(where));
			dusk_log(DUSK_LOG_WARN, "dusk: leak: kernel memory from %s%s%s was never "
				 "freed: %s did not free it (the kmod frees it at teardown; the "
				 "kernel build would keep it until reboot)",
				 l->stub < m->nstubs ? m->stubs[l->stub] : "?",
				 where[0] ? " at " : "", where, who);
		}
	}
	pthread_mutex_unlock(&leak_lock);
	if (n > LEAK_REPORT_MAX)
		dusk_log(DUSK_LOG_WARN, "dusk: leak: %lu more allocations never freed",
			 n - LEAK_REPORT_MAX);
	return n;
}

void dusk_leaks_reset(void)
{
	struct leak *l, *next;
	size_t b;

	pthread_mutex_lock(&leak_lock);
	for (b = 0; b < LEAK_BUCKETS; b++) {
		for (l = buckets[b]; l; l = next) {
			next = l->next;
			free(l);
		}
		buckets[b] = NULL;
	}
	pthread_mutex_unlock(&leak_lock);
}
