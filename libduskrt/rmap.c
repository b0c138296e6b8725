/* SPDX-License-Identifier: MIT */
/*
 * The reverse map: kernel values that are the kernel's names for things of
 * the program's.  An address inside a mirror is the kernel's name for the
 * same place in the own object; a proxy's address is the kernel's name for
 * the module function behind it.
 *
 * epoch.c and commit.c translate the program's names into the kernel's
 * whenever the program stores them into kernel memory.  This file does the
 * opposite for what the program reads: every aligned word of kernel memory
 * filled into a shadow that holds such a kernel name is shown to the
 * program as its own name.  So a pointer reads back as what was stored: a
 * list of kernel-allocated entries hung on a list head in the module's
 * globals ends where list_for_each_entry() expects, at &head, not at the
 * head's mirror; a function pointer the module put into a kernel object
 * compares equal to the function and can be called.
 *
 * The test is by value, like the forward one: a data word equal to the
 * address of a mirror byte would be translated too.  Mirrors are a few
 * kernel allocations of the module's objects, so no real data does.
 *
 * Readers are every thread filling shadows; writers are mirror creation
 * and release (under dusk_mirror_lock, which is taken before this lock)
 * and session start and end.  Kernel pages are full of pointers to other
 * slab objects near the mirrors, so a word is first tested against the
 * hull of all names and a bitmap of the pages the mirrors and proxies
 * occupy (hashed): most words cost a load and two tests, and only the few
 * on a named page are looked up.
 *
 * That first test needs no lock: the hull and the bitmap are read under a
 * sequence count (dusk_rmap_seq, odd while pages_rebuild() rewrites them; the
 * test itself is inline, rt-internal.h: dusk_rmap_none_named()), and
 * only a word that passes it, or a read that met a writer, takes the read
 * lock.  The packet path's CHUNKs and arguments rarely hold a name, and
 * under QEMU's TCG each lock call costs a code look-up on a cold start
 * (docs/PERFORMANCE.md).  A name the kernel can show us was added before
 * the system call that carried it to the kernel, and our receive of it is
 * another: the reader cannot see an older hull than that name's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

struct name {
	uint64_t k;		/* the kernel's name: start of the range */
	uint64_t size;		/* bytes (1 for a function) */
	uint64_t own;		/* the program's name of k */
};

struct names {
	struct name *v;		/* sorted by k, ranges disjoint */
	size_t n, cap;
};

static pthread_rwlock_t rmap_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct names mirrors;	/* mirror ranges -> own objects */
static struct names fns;	/* proxy addresses -> module functions */

/* Hashed pages holding a mirror byte (rt-internal.h: dusk_rmap_hash()). */
uint64_t dusk_rmap_pages[DUSK_RMAP_PAGEBITS / 64];

static int page_maybe(uint64_t v)
{
	unsigned int h = dusk_rmap_hash(v);

	return (dusk_rmap_pages[h / 64] >> (h % 64)) & 1;
}

/* The hull of every name, mirrors and proxies: a word outside it is
 * none (v - dusk_rmap_span_lo >= dusk_rmap_span_len; never when there are none). */
uint64_t dusk_rmap_span_lo, dusk_rmap_span_len;
unsigned int dusk_rmap_seq;	/* even: hull and pages stable */

static int pages_mark(const struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++) {
		uint64_t p = ns->v[i].k >> 12, last = (ns->v[i].k + ns->v[i].size - 1) >> 12;

		if (last - p >= DUSK_RMAP_PAGEBITS)
			return -1;
		for (; p <= last; p++) {
			unsigned int h = dusk_rmap_hash(p << 12);

			dusk_rmap_pages[h / 64] |= 1ull << (h % 64);
		}
	}
	return 0;
}

/* Recompute the page bitmap and the hull from the mirror ranges and the
 * proxies, after any change of either. */
static void pages_rebuild(void)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	const struct names *sets[2] = { &mirrors, &fns };
	int i;

	__atomic_fetch_add(&dusk_rmap_seq, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memset(dusk_rmap_pages, 0, sizeof(dusk_rmap_pages));
	for (i = 0; i < 2; i++) {
		const struct names *ns = sets[i];

		if (!ns->n)
			continue;
		if (ns->v[0].k < lo)
			lo = ns->v[0].k;
		if (ns->v[ns->n - 1].k + ns->v[ns->n - 1].size > hi)
			hi = ns->v[ns->n - 1].k + ns->v[ns->n - 1].size;
		if (pages_mark(ns))
			memset(dusk_rmap_pages, 0xff, sizeof(dusk_rmap_pages));
	}
	dusk_rmap_span_lo = hi ? lo : 0;
	dusk_rmap_span_len = hi ? hi - lo : 0;
	__atomic_fetch_add(&dusk_rmap_seq, 1, __ATOMIC_RELEASE);
}

/* Index of the first entry of @ns whose range ends after @k. */
static size_t lower(const struct names *ns, uint64_t k)
{
	size_t lo = 0, hi = ns->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ns->v[mid].k + ns->v[mid].size <= k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The hull of @ns: v is inside iff v - *lo < *hi - *lo (never when empty). */
static void hull(const struct names *ns, uint64_t *lo, uint64_t *hi)
{
	*lo = ns->n ? ns->v[0].k : 0;
	*hi = ns->n ? ns->v[ns->n - 1].k + ns->v[ns->n - 1].size : 0;
}

static const struct name *find(const struct names *ns, uint64_t k)
{
	uint64_t lo, hi;
	size_t i;

	hull(ns, &lo, &hi);
	if (k - lo >= hi - lo)
		return NULL;
	i = lower(ns, k);
	return i < ns->n && k >= ns->v[i].k ? &ns->v[i] : NULL;
}

static int insert(struct names *ns, struct name e)
{
	struct name *v = dusk_grow(ns->v, &ns->cap, ns->n, sizeof(*v), 32);
	size_t i;

	if (!v)
		return -ENOMEM;
	ns->v = v;
	i = lower(ns, e.k);
	memmove(&ns->v[i + 1], &ns->v[i], (ns->n - i) * sizeof(*ns->v));
	ns->v[i] = e;
	ns->n++;
	return 0;
}

static void names_free(struct names *ns)
{
	free(ns->v);
	*ns = (struct names){ 0 };
}

int dusk_rmap_add(uint64_t kaddr, size_t size, uintptr_t own)
{
	int err;

	if (!size)
		return 0;
	pthread_rwlock_wrlock(&rmap_lock);
	err = insert(&mirrors, (struct name){ kaddr, size, own });
	pages_rebuild();
	pthread_rwlock_unlock(&rmap_lock);
	return err;
}

void dusk_rmap_del(uint64_t kaddr)
{
	size_t i;

	pthread_rwlock_wrlock(&rmap_lock);
	i = lower(&mirrors, kaddr);
	if (i < mirrors.n && mirrors.v[i].k == kaddr) {
		memmove(&mirrors.v[i], &mirrors.v[i + 1], (mirrors.n - i - 1) * sizeof(*mirrors.v));
		mirrors.n--;
		pages_rebuild();
	}
	pthread_rwlock_unlock(&rmap_lock);
}

int dusk_rmap_set_proxies(const uint64_t *kaddrs, const struct dusk_proxy *proxies,
			  unsigned int n)
{
	unsigned int i;
	int err = 0;

	pthread_rwlock_wrlock(&rmap_lock);
	fns.n = 0;
	for (i = 0; !err && i < n; i++) {
		/* Two proxies never share an address; one the kmod did not
		 * export (0) names nothing. */
		if (kaddrs[i] && !find(&fns, kaddrs[i]))
			err = insert(&fns, (struct name){ kaddrs[i], 1, (uintptr_t)proxies[i].fn });
	}
	pages_rebuild();
	pthread_rwlock_unlock(&rmap_lock);
	return err;
}

void dusk_rmap_clear(void)
{
	pthread_rwlock_wrlock(&rmap_lock);
	names_free(&mirrors);
	names_free(&fns);
	pages_rebuild();
	pthread_rwlock_unlock(&rmap_lock);
}

/* The program's name for kernel value @v, or @v.  Caller holds the lock. */
static uint64_t to_program(uint64_t v)
{
	const struct name *e;

	if (v - dusk_rmap_span_lo >= dusk_rmap_span_len || !page_maybe(v))
		return v;	/* on no named page: most words */
	e = find(&fns, v);
	if (e)
		return e->own;
	e = find(&mirrors, v);
	return e ? e->own + (v - e->k) : v;
}

uint64_t dusk_rmap_word_locked(uint64_t v)
{
	pthread_rwlock_rdlock(&rmap_lock);
	v = to_program(v);
	pthread_rwlock_unlock(&rmap_lock);
	return v;
}

const void *dusk_rmap_view_locked(uint64_t kaddr, const void *data, size_t len, void *tmp)
{
	size_t skip = (size_t)(-kaddr & 7), off;
	const unsigned char *in = data;
	unsigned char *out = NULL;
	uint64_t lo, n;

	pthread_rwlock_rdlock(&rmap_lock);
	lo = dusk_rmap_span_lo;
	n = dusk_rmap_span_len;
	/* Every word of every CHUNK of every upcall passes here: one range
	 * test and one bit, and only a word on a page of a name is looked up. */
	for (off = skip; off + 8 <= len; off += 8) {
		uint64_t v, p;

		memcpy(&v, in + off, 8);
		if (v - lo >= n || !page_maybe(v))
			continue;
		p = to_program(v);
		if (p == v)
			continue;
		if (!out) {
			out = tmp;
			memcpy(out, data, len);
		}
		memcpy(out + off, &p, 8);
	}
	pthread_rwlock_unlock(&rmap_lock);
	return out ? (const void *)out : data;
}

void dusk_rmap_words(uint64_t *v, unsigned int n)
{
	unsigned int i;

	if (dusk_rmap_none_named(v, 0, (size_t)n * 8))
		return;
	pthread_rwlock_rdlock(&rmap_lock);
	for (i = 0; i < n; i++)
		v[i] = to_program(v[i]);
	pthread_rwlock_unlock(&rmap_lock);
}

int dusk_rmap_is_program_name(uint64_t v)
{
	size_t i;
	int hit = 0;

	pthread_rwlock_rdlock(&rmap_lock);
	for (i = 0; !hit && i < fns.n; i++)
		hit = fns.v[i].own == v;
	for (i = 0; !hit && i < mirrors.n; i++)
		hit = v >= mirrors.v[i].own && v - mirrors.v[i].own < mirrors.v[i].size;
	pthread_rwlock_unlock(&rmap_lock);
	return hit;
}
