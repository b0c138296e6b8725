// SPDX-License-Identifier: GPL-2.0
/*
 * A user page the module pinned for writing is the module's to write
 * until it lets the page go.
 *
 * Zero-copy drivers pin the caller's buffer (get_user_pages_fast(),
 * pin_user_pages_fast() and the rest of the family, FOLL_WRITE in their
 * flags) and write into its pages through kmap_local_page() or
 * page_address(), then release them: unpin_user_pages_dirty_lock(),
 * unpin_user_pages(), unpin_user_page(), put_page(), release_pages().
 * The pages are the calling process's (a blocking callback's kernel calls
 * run in its context), not the program's memory, so each pinned page's
 * direct-map address is recorded here from the call's return as
 * writable, and the record goes before the call that releases it.  A
 * page pinned without FOLL_WRITE is recorded too, writable by nobody
 * (the kernel could be handing out a page-cache or zero page): a release
 * takes one record of the page, so a page pinned twice stays writable as
 * long as a write pin is left, up to the order of the releases.
 * Highmem pages have no direct-map address and are not recorded.
 * Nothing is released at teardown: a pin the program left is the
 * caller's leak, as the kernel build's would be.
 *
 * dusk_gup_lock is a leaf spinlock: dusk_may_write() takes it under qlock.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include "dusk-core.h"

/* Calls that pin pages into the array @pages_arg, @flags_arg their
 * gup flags; they answer how many pages they pinned. */
static const struct {
	const char *fn;
	u8 flags_arg;
	u8 pages_arg;
} dusk_gup_pins[] = {
	{ "get_user_pages_fast", 2, 3 },
	{ "pin_user_pages_fast", 2, 3 },
	{ "get_user_pages_fast_only", 2, 3 },
	{ "pin_user_pages_fast_only", 2, 3 },
	{ "get_user_pages", 2, 3 },
	{ "pin_user_pages", 2, 3 },
	{ "get_user_pages_unlocked", 3, 2 },
	{ "pin_user_pages_unlocked", 3, 2 },
	{ "get_user_pages_remote", 3, 4 },
	{ "pin_user_pages_remote", 3, 4 },
};

/* What a release names: one page (args[0]), an array of args[1] pages
 * (args[0]), or args[1] consecutive pages from args[0]. */
enum dusk_gup_release {
	DUSK_GUP_ONE,
	DUSK_GUP_ARRAY,
	DUSK_GUP_RANGE,
};

static const struct {
	const char *fn;
	enum dusk_gup_release what;
} dusk_gup_releases[] = {
	{ "unpin_user_page", DUSK_GUP_ONE },
	{ "put_page", DUSK_GUP_ONE },
	{ "unpin_user_pages", DUSK_GUP_ARRAY },
	{ "unpin_user_pages_dirty_lock", DUSK_GUP_ARRAY },
	{ "release_pages", DUSK_GUP_ARRAY },
	{ "unpin_user_page_range_dirty_lock", DUSK_GUP_RANGE },
};

/* One pin of one page: its direct-map span, length 0 when pinned for
 * reading only. */
struct dusk_gup {
	struct dusk_span span;	/* first: the list's entries are spans */
	unsigned long page;	/* the page's address, the record's key */
};

static DEFINE_SPINLOCK(dusk_gup_lock);
static LIST_HEAD(dusk_gup_list);
/* The program may write them (mem.c). */
const struct dusk_spans dusk_gup_spans = { &dusk_gup_lock, &dusk_gup_list };

/* Most pages one call's records are read for: a bound on the kernel
 * memory read, not on what the module may pin (the rest stay the
 * kernel's, the program's writes there refused). */
#define DUSK_GUP_MAX 4096

bool dusk_gup_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_gup_pins, .fn) ||
	       dusk_stub_in(s->name, dusk_gup_releases, .fn);
}

static void dusk_gup_add(struct page *page, bool write)
{
	struct dusk_gup *g;

	if (!page || PageHighMem(page))
		return;
	g = kmalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return;	/* the program's writes are refused, as before */
	g->page = (unsigned long)page_address(page);
	g->span.start = g->page;
	g->span.len = write ? PAGE_SIZE : 0;
	spin_lock(&dusk_gup_lock);
	list_add(&g->span.node, &dusk_gup_list);
	spin_unlock(&dusk_gup_lock);
}

/* One record of @page goes, the latest pin's. */
static void dusk_gup_drop(struct page *page)
{
	struct dusk_gup *g, *found = NULL;

	if (!page || PageHighMem(page))
		return;
	spin_lock(&dusk_gup_lock);
	list_for_each_entry(g, &dusk_gup_list, span.node)
		if (g->page == (unsigned long)page_address(page)) {
			found = g;
			list_del(&g->span.node);
			break;
		}
	spin_unlock(&dusk_gup_lock);
	kfree(found);
}

/* The page pointer at @array[@i] (kernel memory: the mirror of the
 * module's array), NULL when it cannot be read. */
static struct page *dusk_gup_page_at(u64 array, unsigned long i)
{
	struct page *page;

	if (copy_from_kernel_nofault(&page, (void *)(uintptr_t)(array + i * sizeof(page)),
				     sizeof(page)))
		return NULL;
	return page;
}

/**
 * dusk_gup_before_call() - the module releases pinned pages: they are no
 * longer its to write (the chunks it wrote there went before the call).
 * Context: process, no dusk lock held.
 */
void dusk_gup_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	unsigned long i, n;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(dusk_gup_releases); k++)
		if (dusk_stub_named(name, dusk_gup_releases[k].fn))
			break;
	if (k == ARRAY_SIZE(dusk_gup_releases) || !c->nargs || !c->args[0])
		return;
	if (dusk_gup_releases[k].what == DUSK_GUP_ONE) {
		dusk_gup_drop((struct page *)(uintptr_t)c->args[0]);
		return;
	}
	if (c->nargs < 2)
		return;
	n = min_t(unsigned long, c->args[1], DUSK_GUP_MAX);
	for (i = 0; i < n; i++) {
		if (dusk_gup_releases[k].what == DUSK_GUP_RANGE)
			dusk_gup_drop(nth_page((struct page *)(uintptr_t)c->args[0], i));
		else
			dusk_gup_drop(dusk_gup_page_at(c->args[0], i));
	}
}

/**
 * dusk_gup_after_call() - the module pinned pages: the ones pinned for
 * writing are its to write.  The array is the mirror of the module's, the
 * reply not sent yet: it holds what the call stored.
 * Context: process, no dusk lock held.
 */
void dusk_gup_after_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	long got = (long)c->ret;
	bool write;
	size_t k;
	long i;

	for (k = 0; k < ARRAY_SIZE(dusk_gup_pins); k++)
		if (dusk_stub_named(name, dusk_gup_pins[k].fn))
			break;
	if (k == ARRAY_SIZE(dusk_gup_pins) || c->err || got <= 0 ||
	    dusk_gup_pins[k].pages_arg >= c->nargs || !c->args[dusk_gup_pins[k].pages_arg])
		return;
	write = c->args[dusk_gup_pins[k].flags_arg] & FOLL_WRITE;
	got = min_t(long, got, DUSK_GUP_MAX);
	for (i = 0; i < got; i++)
		dusk_gup_add(dusk_gup_page_at(c->args[dusk_gup_pins[k].pages_arg], i), write);
}

/**
 * dusk_gup_forget_all() - the session ends: no page is the program's.
 * Context: teardown (process).
 */
void dusk_gup_forget_all(void)
{
	struct dusk_gup *g, *tmp;
	LIST_HEAD(gone);

	spin_lock(&dusk_gup_lock);
	list_splice_init(&dusk_gup_list, &gone);
	spin_unlock(&dusk_gup_lock);
	list_for_each_entry_safe(g, tmp, &gone, span.node)
		kfree(g);
}
