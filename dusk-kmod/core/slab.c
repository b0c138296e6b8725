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
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
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
	"kmem_cache_alloc_lru",
};

/** dusk_slab_is_destroy() - is @s kmem_cache_destroy()? */
bool dusk_slab_is_destroy(const struct dusk_stub_desc *s)
{
	return dusk_stub_named(s->name, "kmem_cache_destroy") && s->nargs >= 1;
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

/**
 * dusk_slab_after_alloc() - @obj, which stub @s just returned and the
 * session now owns, is the session's again, and came from the cache in
 * args[0] when @s allocates from a cache.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_slab_after_alloc(const struct dusk_stub_desc *s, const u64 *args, void *obj)
{
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
