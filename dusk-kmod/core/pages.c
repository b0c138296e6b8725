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

/* What each function this file acts around returns or frees. */
enum dusk_pages_how {
	DUSK_PAGES_NONE = -1,
	DUSK_PAGES_STRUCT,	/* returns a struct page, of order args[1] */
	DUSK_PAGES_ADDR,	/* returns an address, of order args[1] */
	DUSK_PAGES_ZEROED,	/* returns the address of one page */
	DUSK_PAGES_EXACT,	/* returns an address, of args[0] bytes */
	DUSK_PAGES_FREE_STRUCT,	/* frees the struct page args[0] */
	DUSK_PAGES_FREE_ADDR,	/* frees the address args[0] */
};

static const struct dusk_pages_fn {
	const char *fn;
	enum dusk_pages_how how;
} dusk_pages_fns[] = {
	{ "alloc_pages", DUSK_PAGES_STRUCT },
	{ "__alloc_pages", DUSK_PAGES_STRUCT },
	{ "__get_free_pages", DUSK_PAGES_ADDR },
	{ "get_zeroed_page", DUSK_PAGES_ZEROED },
	{ "alloc_pages_exact", DUSK_PAGES_EXACT },
	{ "__free_pages", DUSK_PAGES_FREE_STRUCT },
	{ "free_pages", DUSK_PAGES_FREE_ADDR },
	{ "free_pages_exact", DUSK_PAGES_FREE_ADDR },
};

static enum dusk_pages_how dusk_pages_how(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_pages_fns); i++)
		if (dusk_stub_named(name, dusk_pages_fns[i].fn))
			return dusk_pages_fns[i].how;
	return DUSK_PAGES_NONE;
}

/* The memory @c's result is: its address and length, and how to free it. */
static bool dusk_pages_result(const struct dusk_call *c, const char *name, unsigned long *addr,
			      size_t *len, enum dusk_region_kind *kind)
{
	unsigned int order = c->nargs >= 2 ? (unsigned int)c->args[1] : 0;

	*kind = DUSK_REGION_PAGES;
	switch (dusk_pages_how(name)) {
	case DUSK_PAGES_STRUCT:
		*addr = (unsigned long)page_address((struct page *)(uintptr_t)c->ret);
		break;
	case DUSK_PAGES_ADDR:
		*addr = c->ret;
		break;
	case DUSK_PAGES_ZEROED:
		*addr = c->ret;
		order = 0;
		break;
	case DUSK_PAGES_EXACT:
		if (c->nargs < 1)
			return false;
		*addr = c->ret;
		*len = PAGE_ALIGN(c->args[0]);
		*kind = DUSK_REGION_PAGES_EXACT;
		return *addr;
	default:
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
	switch (dusk_pages_how(name)) {
	case DUSK_PAGES_FREE_STRUCT:
		return (unsigned long)page_address((struct page *)(uintptr_t)c->args[0]);
	case DUSK_PAGES_FREE_ADDR:
		return c->args[0];
	default:
		return 0;
	}
}

/** dusk_pages_freed_by() - the address a page-freeing call @c gives back, or 0. */
unsigned long dusk_pages_freed_by(const struct dusk_call *c)
{
	return dusk_pages_freed(c, dusk_gen.stubs[c->stub].name);
}

bool dusk_pages_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_pages_how(s->name) != DUSK_PAGES_NONE;
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
