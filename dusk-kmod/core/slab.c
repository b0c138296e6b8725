// SPDX-License-Identifier: GPL-2.0
/*
 * The module's slab caches: none is destroyed with the session's objects
 * still in it.
 *
 * kmem_cache_destroy() of a cache that still holds objects makes SLUB
 * report a BUG ("Objects remaining in NAME on __kmem_cache_shutdown()")
 * and kmem_cache_destroy() a WARNING.  In the kernel build that is the
 * module's own bug.  In the user build it also happens when the program
 * is late (the RCU callbacks that free the objects are upcalls it has not
 * served yet) or gone (teardown destroys the caches the program created:
 * the kmem_cache_create/kmem_cache_destroy undo pair).  So before any
 * kmem_cache_destroy() -- the program's or teardown's -- the objects the
 * session allocated from that cache and still owns are freed into it,
 * after an rcu_barrier(): a call_rcu() still pending may have its
 * rcu_head in one of them.  The program reports them as leaks (libduskrt,
 * leaks.c).
 *
 * Their addresses are remembered: a later free of one of them by the
 * program (an RCU callback served after all, or a stale pointer) is not
 * made again -- the cache and its pages are gone, and the memory may be
 * someone else's by then.  An allocation that returns such an address
 * makes it the session's again.  The list lives as long as the session.
 *
 * kmem_cache_alloc_bulk() returns a count and leaves the objects in an
 * array: each is the session's, from that cache, as one kmem_cache_alloc()
 * result is (all or none: a bulk allocation is all or nothing in the
 * kernel too); kmem_cache_free_bulk() gives them back.  Without this a
 * dead program's bulk objects stayed unknown, and teardown's destroy of
 * its cache met them (SLUB's "Objects remaining" BUG).
 */
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

struct dusk_slab_gone {
	struct list_head node;
	const void *obj;
};

/* Objects freed by dusk_slab_before_destroy(), under dusk_sess.lock. */
static LIST_HEAD(dusk_slab_gone_list);

/* The allocators whose first argument is the cache the object comes from. */
static const char *const dusk_cache_allocs[] = {
	"kmem_cache_alloc", "kmem_cache_zalloc", "kmem_cache_alloc_node",
	"kmem_cache_alloc_lru", "kmem_cache_alloc_bulk",
};

/*
 * The calls this file acts around, each with the index of the argument it
 * reads: cache creation (the constructor), the bulk calls (the array) and
 * destruction (the cache).  The single allocations (mempool_alloc() too)
 * are DUSK_STUB_ALLOC stubs (dusk_call_acts_on()).
 */
static const struct dusk_slab_fn {
	const char *fn;
	int arg;
} dusk_slab_fns[] = {
	{ "kmem_cache_create", 4 },		/* (name, size, align, flags, ctor) */
	{ "kmem_cache_create_usercopy", 6 },	/* (..., flags, useroffset, usersize, ctor) */
	{ "kmem_cache_alloc_bulk", 3 },		/* (s, flags, size, p) */
	{ "kmem_cache_free_bulk", 2 },		/* (s, size, p) */
	{ "kmem_cache_destroy", 0 },		/* (s) */
};

/* @fn's argument of dusk_slab_fns when stub @s is @fn, else -1. */
static int dusk_slab_arg(const struct dusk_stub_desc *s, const char *fn)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_slab_fns); i++)
		if (!strcmp(dusk_slab_fns[i].fn, fn))
			return dusk_stub_named(s->name, fn) ? dusk_slab_fns[i].arg : -1;
	return -1;
}

/** dusk_slab_is_destroy() - is @s kmem_cache_destroy()? */
bool dusk_slab_is_destroy(const struct dusk_stub_desc *s)
{
	return dusk_slab_arg(s, "kmem_cache_destroy") >= 0 && s->nargs >= 1;
}

bool dusk_slab_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_slab_fns, .fn);
}

/* The pool of mempool_alloc() stub @s called with @args, else NULL. */
static const mempool_t *dusk_slab_mempool(const struct dusk_stub_desc *s, const u64 *args)
{
	if (!dusk_stub_named(s->name, "mempool_alloc") || s->nargs < 1)
		return NULL;
	return (const mempool_t *)(uintptr_t)args[0];
}

static struct dusk_slab_gone *dusk_slab_find(const void *obj)
{
	struct dusk_slab_gone *g;

	list_for_each_entry(g, &dusk_slab_gone_list, node)
		if (g->obj == obj)
			return g;
	return NULL;
}

/* Remember @obj as freed by the core (no memory: it is just not
 * remembered, and a later free of it is the module's to answer for). */
static void dusk_slab_note_gone(const void *obj)
{
	struct dusk_slab_gone *g = kmalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return;
	g->obj = obj;
	list_add(&g->node, &dusk_slab_gone_list);
}

/**
 * dusk_slab_before_destroy() - free the session's objects still in @cache.
 * Context: process, caller holds dusk_sess.lock (rcu_barrier() takes no
 * dusk lock: the RCU callbacks of the module are proxies that only queue
 * an upcall).
 */
void dusk_slab_before_destroy(struct kmem_cache *cache)
{
	unsigned int n;

	lockdep_assert_held(&dusk_sess.lock);
	if (!cache)
		return;
	rcu_barrier();
	n = dusk_regions_free_cache(cache, dusk_slab_note_gone);
	if (n)
		pr_info("%s: kmem_cache_destroy: %u object%s of the program still in the cache: freed first\n",
			THIS_MODULE->name, n, n == 1 ? "" : "s");
}

#define DUSK_SLAB_MAX_CTOR	1024	/* proxy indices tracked as constructors */

/* Proxies that construct objects of the session's caches (set bits only:
 * a constructor stays one for the session's life, and a later cache may
 * use it too). */
static DECLARE_BITMAP(dusk_slab_ctors, DUSK_SLAB_MAX_CTOR);

/**
 * dusk_slab_after_create() - after call @c: when it created a cache with a
 * constructor that is one of the module's proxies, remember that proxy.
 */
void dusk_slab_after_create(const struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	u64 ctor;
	int i;
	int arg;

	arg = dusk_slab_arg(s, "kmem_cache_create");
	if (arg < 0)
		arg = dusk_slab_arg(s, "kmem_cache_create_usercopy");
	if (arg < 0 || !c->ret || c->nargs <= arg || !(ctor = c->args[arg]))
		return;
	i = dusk_proxy_of((const void *)(uintptr_t)ctor);
	if (i >= 0 && i < DUSK_SLAB_MAX_CTOR)
		set_bit(i, dusk_slab_ctors);
}

/**
 * dusk_slab_ctor_lent() - bytes of argument @i lent to a blocked call of
 * proxy @proxy with @arg: the whole slab object when @proxy constructs a
 * cache of the session's and @arg is a slab object, else 0.
 * Context: any (qlock held).
 */
u64 dusk_slab_ctor_lent(u32 proxy, u32 i, u64 arg)
{
	const void *p = (const void *)(uintptr_t)arg;

	if (i || proxy >= DUSK_SLAB_MAX_CTOR || !test_bit(proxy, dusk_slab_ctors) ||
	    !virt_addr_valid(p) || !PageSlab(virt_to_head_page(p)))
		return 0;
	return ksize(p);
}

/**
 * dusk_slab_alloc_not_owned() - does allocator stub @s, called with @args,
 * return something the session does not own?  mempool_alloc() of a pool
 * whose elements are not slab objects (a page pool's struct page).
 */
bool dusk_slab_alloc_not_owned(const struct dusk_stub_desc *s, const u64 *args)
{
	const mempool_t *pool = dusk_slab_mempool(s, args);

	return pool && pool->alloc != mempool_alloc_slab && pool->alloc != mempool_kmalloc;
}

/**
 * dusk_slab_after_alloc() - @obj, which stub @s just returned and the
 * session now owns, is the session's again, and came from the cache in
 * args[0] when @s allocates from a cache.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_slab_after_alloc(const struct dusk_stub_desc *s, const u64 *args, void *obj)
{
	const mempool_t *pool = dusk_slab_mempool(s, args);
	struct dusk_slab_gone *g = dusk_slab_find(obj);
	int i;

	lockdep_assert_held(&dusk_sess.lock);
	if (g) {
		list_del(&g->node);
		kfree(g);
	}
	for (i = 0; i < ARRAY_SIZE(dusk_cache_allocs); i++)
		if (dusk_stub_named(s->name, dusk_cache_allocs[i]) && s->nargs >= 1)
			dusk_region_set_cache(obj, (struct kmem_cache *)(uintptr_t)args[0]);
	if (pool && pool->alloc == mempool_alloc_slab)
		dusk_region_set_cache(obj, pool->pool_data);
}

/* kmem_cache_alloc_bulk(s, flags, size, p) / kmem_cache_free_bulk(s, size, p):
 * the index of the array argument, or -1 when @s is neither. */
static int dusk_slab_bulk_array(const struct dusk_stub_desc *s, const char *fn, u32 nargs)
{
	int arg = dusk_slab_arg(s, fn);

	return arg >= 0 && s->nargs == arg + 1 && nargs == arg + 1 ? arg : -1;
}

/* Element @i of the kernel array at @arr, or NULL when it cannot be read. */
static void *dusk_slab_elem(u64 arr, size_t i)
{
	void *p;

	if (copy_from_kernel_nofault(&p, (void **)(uintptr_t)arr + i, sizeof(p)))
		return NULL;
	return p;
}

/**
 * dusk_slab_after_bulk_alloc() - after kmem_cache_alloc_bulk() call @c:
 * the session owns the objects it returned, or, when they cannot all be
 * tracked, none: they are given back and the call returns 0.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_slab_after_bulk_alloc(struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	int arg = dusk_slab_bulk_array(s, "kmem_cache_alloc_bulk", c->nargs);
	struct kmem_cache *cache = (struct kmem_cache *)(uintptr_t)c->args[0];
	size_t i, n = (size_t)c->ret;
	void *p;

	lockdep_assert_held(&dusk_sess.lock);
	if (arg < 0 || !n || n > c->args[2])
		return;
	for (i = 0; i < n; i++) {
		p = dusk_slab_elem(c->args[arg], i);
		if (!p || !dusk_region_room(ksize(p)) ||
		    dusk_region_add(p, ksize(p), DUSK_REGION_ALLOC))
			break;
		dusk_slab_after_alloc(s, c->args, p);
	}
	if (i == n)
		return;
	while (i--)
		dusk_region_forget(dusk_slab_elem(c->args[arg], i));
	kmem_cache_free_bulk(cache, n, (void **)(uintptr_t)c->args[arg]);
	c->ret = 0;
}

/**
 * dusk_slab_before_bulk_free() - before kmem_cache_free_bulk() call @c:
 * its objects stop being the session's.  When the core freed one of them
 * already (dusk_slab_before_destroy()), the others are freed one by one
 * here and the stub must not run.
 * Context: process; takes dusk_sess.lock, only for that stub (every
 * kernel call passes here).
 * Return: true when the stub must not run.
 */
bool dusk_slab_before_bulk_free(struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	int arg = dusk_slab_bulk_array(s, "kmem_cache_free_bulk", c->nargs);
	size_t i, n = (size_t)c->args[1];
	bool gone = false;
	void *p;

	if (arg < 0 || n > DUSK_MAX_MIRROR / sizeof(void *))
		return false;
	mutex_lock(&dusk_sess.lock);
	for (i = 0; i < n; i++) {
		p = dusk_slab_elem(c->args[arg], i);
		gone |= p && dusk_slab_find(p);
		dusk_region_forget(p);
	}
	for (i = 0; gone && i < n; i++) {
		p = dusk_slab_elem(c->args[arg], i);
		if (p && !dusk_slab_find(p))
			kmem_cache_free((struct kmem_cache *)(uintptr_t)c->args[0], p);
	}
	mutex_unlock(&dusk_sess.lock);
	return gone;
}

/**
 * dusk_slab_freed_already() - was @obj freed by dusk_slab_before_destroy()
 * (and not allocated again since)?  Then the program's free of it is
 * answered without the kernel, every time.
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_slab_freed_already(const void *obj)
{
	lockdep_assert_held(&dusk_sess.lock);
	return dusk_slab_find(obj) != NULL;
}

/**
 * dusk_slab_forget_all() - the session ends: forget the freed objects.
 * Context: teardown, caller holds dusk_sess.lock.
 */
void dusk_slab_forget_all(void)
{
	struct dusk_slab_gone *g, *tmp;

	list_for_each_entry_safe(g, tmp, &dusk_slab_gone_list, node)
		kfree(g);
	INIT_LIST_HEAD(&dusk_slab_gone_list);
}
