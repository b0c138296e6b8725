// SPDX-License-Identifier: GPL-2.0
/*
 * Page-allocator memory the module allocates is the program's, as a
 * kmalloc()ed block is.
 *
 * alloc_pages() (alloc_page(), and alloc_pages_node() through
 * __alloc_pages()), __get_free_pages() (__get_free_page()),
 * get_zeroed_page() and alloc_pages_exact() return memory the module
 * writes through page_address() or the address itself; __free_pages()
 * (__free_page()), free_pages() (free_page()) and free_pages_exact() give
 * it back.  Their results are owned regions of mem.c (the WRITE rule, the
 * mem_max_mb budget), of their own kinds, because teardown frees what the
 * program left as the page allocator wants it: free_pages() of the
 * allocation's order, or free_pages_exact() of its length.  (Not
 * DUSK_STUB_ALLOC stubs: alloc_pages() returns a struct page, not the
 * memory, and kvfree() is no way to free pages.)  Highmem pages have no
 * address to write and stay the kernel's.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include "dusk-core.h"

/* The memory @c's result is: its address and length, and how to free it. */
static bool dusk_pages_result(const struct dusk_call *c, const char *name, unsigned long *addr,
			      size_t *len, enum dusk_region_kind *kind)
{
	unsigned int order = c->nargs >= 2 ? (unsigned int)c->args[1] : 0;

	*kind = DUSK_REGION_PAGES;
	if (dusk_stub_named(name, "alloc_pages") || dusk_stub_named(name, "__alloc_pages")) {
		*addr = (unsigned long)page_address((struct page *)(uintptr_t)c->ret);
	} else if (dusk_stub_named(name, "__get_free_pages")) {
		*addr = c->ret;
	} else if (dusk_stub_named(name, "get_zeroed_page")) {
		*addr = c->ret;
		order = 0;
	} else if (dusk_stub_named(name, "alloc_pages_exact") && c->nargs >= 1) {
		*addr = c->ret;
		*len = PAGE_ALIGN(c->args[0]);
		*kind = DUSK_REGION_PAGES_EXACT;
		return *addr;
	} else {
		return false;
	}
	if (order > MAX_ORDER)
		return false;
	*len = PAGE_SIZE << order;
	return *addr;
}

/* The address @c gives back, or 0. */
static unsigned long dusk_pages_freed(const struct dusk_call *c, const char *name)
{
	if (!c->nargs || !c->args[0])
		return 0;
	if (dusk_stub_named(name, "__free_pages"))
		return (unsigned long)page_address((struct page *)(uintptr_t)c->args[0]);
	if (dusk_stub_named(name, "free_pages") || dusk_stub_named(name, "free_pages_exact"))
		return c->args[0];
	return 0;
}

bool dusk_pages_acts_on(const struct dusk_stub_desc *s)
{
	static const char *const fns[] = {
		"__free_pages", "free_pages", "free_pages_exact",			/* freed */
		"alloc_pages", "__alloc_pages", "__get_free_pages", "get_zeroed_page",	/* result */
		"alloc_pages_exact",
	};

	return dusk_stub_in(s->name, fns, );
}

/**
 * dusk_pages_before_call() - pages the program gives back stop being its
 * own before the kernel frees them.
 * Context: process, no dusk lock held.
 */
void dusk_pages_before_call(const struct dusk_call *c)
{
	unsigned long addr = dusk_pages_freed(c, dusk_gen.stubs[c->stub].name);

	if (!addr)
		return;
	mutex_lock(&dusk_sess.lock);
	dusk_region_forget((void *)addr);
	mutex_unlock(&dusk_sess.lock);
}

/**
 * dusk_pages_after_call() - pages the program got are its own; beyond
 * mem_max_mb (or no memory to track them) they are given back and the
 * program sees an allocation failure, as for kmalloc().
 * Context: process, no dusk lock held.
 */
void dusk_pages_after_call(struct dusk_call *c)
{
	enum dusk_region_kind kind;
	unsigned long addr;
	size_t len;

	if (c->err || !c->ret || IS_ERR_VALUE((unsigned long)c->ret) ||
	    !dusk_pages_result(c, dusk_gen.stubs[c->stub].name, &addr, &len, &kind))
		return;
	mutex_lock(&dusk_sess.lock);
	if (!dusk_region_room(len) || dusk_region_add((void *)addr, len, kind)) {
		dusk_pages_free(addr, len, kind);
		c->ret = 0;
	}
	mutex_unlock(&dusk_sess.lock);
}

/**
 * dusk_pages_free() - free pages the program left, as their allocator wants.
 */
void dusk_pages_free(unsigned long addr, size_t len, enum dusk_region_kind kind)
{
	if (kind == DUSK_REGION_PAGES_EXACT)
		free_pages_exact((void *)addr, len);
	else
		free_pages(addr, get_order(len));
}
