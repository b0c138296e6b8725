/* SPDX-License-Identifier: MIT */
/*
 * Shadows: the program's view of kernel memory.
 *
 * Kernel addresses are mapped to user addresses through *windows*: for each
 * 1 GiB-aligned kernel region the thread touches, a 2 GiB reservation
 * (mmap PROT_NONE, MAP_NORESERVE) holds the region's shadow in its first
 * half and the pristine copy (what the kernel said) in its second half, at
 * the same offsets.  So [addr, addr+len) always has one contiguous shadow,
 * found with a shift, a compare against the last window used (or a small
 * hash of windows), and a page-metadata test: O(1) on a hit.  A window is
 * made accessible (mprotect) a 2 MiB chunk at a time, when a page of the
 * chunk is first filled, so a stray access far from anything checked
 * faults instead of reading zeroes silently.  Not page by page: packets
 * land on pages spread over all of the kernel's memory, and a mapping per
 * page cost two mprotect calls (and two VMA splits) every few packets
 * under a flood, most of the program's time, and would in time have run
 * into the kernel's limit on VMAs per process (vm.max_map_count).
 *
 * Validity: every page has an epoch stamp and a valid byte range [lo, hi)
 * (a first miss reads the granule around it, a second the whole page;
 * prefetched UPCALL chunks can be partial too).  A
 * page is valid iff its stamp equals the shadow's epoch, so one increment
 * invalidates everything (dusk_shadow_invalidate()).
 *
 * Write-back: the pages filled this epoch are remembered; at the epoch's
 * end each is compared with its pristine copy and only the bytes that
 * differ are sent, coalesced into runs (adjacent pages merge).  A byte the
 * program did not change is never written, so a field the kernel changed
 * meanwhile survives.  Stores that land just after their epoch ended are
 * caught too (see "Late writes" below).
 *
 * Shadows are per thread (see dusk_thread()): each thread serving an
 * upcall sees kernel memory as read at its epoch's start plus its own
 * writes, like a CPU working on its own cache lines; concurrent updates by
 * other threads are merged byte-wise at write-back.  Data the module shares
 * between threads lives in its own globals, which are not shadowed.
 *
 * Held ranges: an upcall's HELD chunks (the owner of a stolen packet, as
 * the hook saw it: dusk-kmod/core/skowner.c) stay what they were for the
 * whole callback.  The kernel build's callback reads them while their owner
 * waits for it; the program reads them later, after the sender has gone on
 * (closed the socket), so a READ after a kernel call must not replace them
 * by what the kernel holds now.  Each epoch end keeps their bytes as the
 * program sees them (its own writes, which went to the kernel, included);
 * every page READ afterwards gets them laid over what the kernel sent.
 *
 * Volatile reads: a volatile access (READ_ONCE(), `jiffies`, any volatile
 * object) says the value may change under the reader, and busy waits poll
 * so: `while (time_before(jiffies, end)) cpu_relax();`.  With the page valid
 * for the whole epoch such a loop saw the value of the epoch's start for
 * ever.  So a volatile access to kernel memory sees bytes at most
 * VOLATILE_NS old: older ones are read again (the program's own writes of
 * the epoch kept, held ranges left as they are).  A callback shorter than
 * that (a packet's) never pays for it; a loop pays one READ per VOLATILE_NS.
 *
 * Limits: a range may not cross a 1 GiB boundary (no real kernel object
 * does in practice); it is reported as a fault.  Filled pages keep their
 * memory (2 pages of RSS per kernel page ever touched by a thread).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "rt-internal.h"

#define WIN_SHIFT 30
#define WIN_SIZE (1ul << WIN_SHIFT)
#define WIN_PAGES (WIN_SIZE >> DUSK_PAGE_SHIFT)
#define NSLOTS 256	/* windows per thread: 256 GiB of distinct kernel regions */
#define CHUNK_SHIFT 21	/* made accessible 2 MiB at a time (see above) */
#define CHUNK_SIZE (1ul << CHUNK_SHIFT)
#define WIN_CHUNKS (WIN_SIZE >> CHUNK_SHIFT)

struct pmeta {
	uint32_t epoch;
	uint16_t lo, hi;	/* valid bytes of the page when epoch matches */
};

struct win {
	uint64_t idx;		/* kernel address >> WIN_SHIFT */
	char *mem;		/* shadow; pristine at mem + WIN_SIZE */
	struct pmeta *meta;	/* WIN_PAGES entries */
	uint64_t *mapped;	/* bitmap: chunk made accessible */
};

/* Volatile reads (see above): bytes seen at most this long ago. */
#define VOLATILE_NS 1000000
#define NVREAD 8
#define VREAD_MAX 256	/* bytes read again at most (larger: not again) */

/* A volatile range read again at @ns this epoch. */
struct vread {
	uint64_t addr;
	size_t len;
	int64_t ns;
};

/* A range held for the whole callback (dusk_shadow_hold()). */
struct held {
	uint64_t addr;
	uint32_t len;
	char *data;		/* as the program sees it (its names, its writes) */
};

struct dusk_shadow {
	uint32_t epoch;
	struct held *held;	/* this callback's held ranges */
	size_t nheld, heldcap;
	struct win *last;
	struct win *slots[NSLOTS];
	uint64_t *filled;	/* kernel page addresses valid this epoch */
	size_t nfilled, cap;
	uint64_t *prev;		/* ... and those of the epoch before (late writes) */
	size_t nprev, prevcap;
	int64_t epoch_ns;	/* CLOCK_MONOTONIC when this epoch began */
	struct vread vread[NVREAD];	/* volatile ranges read again this epoch */
	unsigned int nvread;
};

/*
 * The last page this thread found valid, as a kernel range and the offset
 * to its shadow (runtime.h): dusk_check()'s inline fast path for kernel
 * memory is two compares and an add.  Shadows are per thread and only their
 * own thread invalidates them, so resetting it in dusk_shadow_invalidate()
 * keeps it exact.
 */
DUSK_API __thread struct dusk_hit dusk_hit __attribute__((tls_model("initial-exec")));

/* The few ranges before it (runtime.h), reset with it. */
DUSK_API __thread struct dusk_hit dusk_hit_recent[DUSK_HIT_RECENT]
	__attribute__((tls_model("initial-exec")));
static DUSK_TLS unsigned int recent_next;

/* @h becomes the newest of the recent ranges, in place of the oldest. */
static void hit_push(struct dusk_hit h)
{
	dusk_hit_recent[recent_next++ % DUSK_HIT_RECENT] = h;
}

static void hit_reset(void)
{
	dusk_hit.lo = dusk_hit.hi = 0;
	memset(dusk_hit_recent, 0, sizeof(dusk_hit_recent));
}

static int64_t monotonic_ns(void)
{
	return dusk_mono_ns();
}

int64_t (*dusk_shadow_clock)(void) = monotonic_ns;

static int64_t now_ns(void)
{
	return dusk_shadow_clock();
}

struct dusk_shadow *dusk_shadow_new(void)
{
	struct dusk_shadow *s = calloc(1, sizeof(*s));

	if (s) {
		s->epoch = 1;
		s->epoch_ns = now_ns();
	}
	return s;
}

static void win_free(struct win *w)
{
	munmap(w->mem, 2 * WIN_SIZE);
	munmap(w->meta, WIN_PAGES * sizeof(struct pmeta));
	free(w->mapped);
	free(w);
}

void dusk_shadow_free(struct dusk_shadow *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < NSLOTS; i++)
		if (s->slots[i])
			win_free(s->slots[i]);
	dusk_shadow_unhold(s);
	free(s->held);
	free(s->filled);
	free(s->prev);
	free(s);
}

static struct win *win_new(uint64_t idx)
{
	struct win *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->idx = idx;
	w->mem = mmap(NULL, 2 * WIN_SIZE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	w->meta = mmap(NULL, WIN_PAGES * sizeof(struct pmeta), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	w->mapped = calloc(WIN_CHUNKS / 64, sizeof(uint64_t));
	if (w->mem == MAP_FAILED || w->meta == MAP_FAILED || !w->mapped) {
		if (w->mem != MAP_FAILED)
			munmap(w->mem, 2 * WIN_SIZE);
		if (w->meta != MAP_FAILED)
			munmap(w->meta, WIN_PAGES * sizeof(struct pmeta));
		free(w->mapped);
		free(w);
		return NULL;
	}
	return w;
}

/* The window for kernel region @idx, created on first use. */
static struct win *find_win(struct dusk_shadow *s, uint64_t idx, int create)
{
	unsigned int h = (unsigned int)(idx * 0x9E3779B1u) % NSLOTS, i;

	for (i = 0; i < NSLOTS; i++) {
		struct win **slot = &s->slots[(h + i) % NSLOTS];

		if (*slot && (*slot)->idx == idx)
			return s->last = *slot;
		if (!*slot) {
			if (!create)
				return NULL;
			*slot = win_new(idx);
			return s->last = *slot;
		}
	}
	return NULL;
}

/* Make the chunk of page @pi accessible, the first time (page_map()). */
static __attribute__((noinline)) int chunk_map(struct win *w, size_t ci)
{
	if (mprotect(w->mem + (ci << CHUNK_SHIFT), CHUNK_SIZE, PROT_READ | PROT_WRITE) ||
	    mprotect(w->mem + WIN_SIZE + (ci << CHUNK_SHIFT), CHUNK_SIZE, PROT_READ | PROT_WRITE))
		return -errno;
	w->mapped[ci / 64] |= 1ull << (ci % 64);
	return 0;
}

/* Page @pi's chunk accessible: mostly already, a bit's test inline on
 * every CHUNK of the packet path. */
static inline __attribute__((always_inline)) int page_map(struct win *w, size_t pi)
{
	size_t ci = pi >> (CHUNK_SHIFT - DUSK_PAGE_SHIFT);

	if (w->mapped[ci / 64] & (1ull << (ci % 64)))
		return 0;
	return chunk_map(w, ci);
}

static int note_filled(struct dusk_shadow *s, uint64_t kpage)
{
	return dusk_push(s->filled, &s->cap, s->nfilled, kpage, 64);
}

/* Copy the bytes of @h that are valid this epoch from the shadow. */
static void held_capture(struct dusk_shadow *s, struct held *h)
{
	uint64_t a = h->addr, end = h->addr + h->len;

	while (a < end) {
		uint64_t pend = (a | (DUSK_PAGE_SIZE - 1)) + 1;
		struct win *w = find_win(s, a >> WIN_SHIFT, 0);
		size_t woff = a & (WIN_SIZE - 1), pi = woff >> DUSK_PAGE_SHIFT;
		size_t po = woff & (DUSK_PAGE_SIZE - 1), lo, hi;

		if (pend > end)
			pend = end;
		if (w && w->meta[pi].epoch == s->epoch) {
			lo = po > w->meta[pi].lo ? po : w->meta[pi].lo;
			hi = po + (pend - a) < w->meta[pi].hi ? po + (pend - a) : w->meta[pi].hi;
			if (lo < hi)
				memcpy(h->data + (a - h->addr) + (lo - po),
				       w->mem + (pi << DUSK_PAGE_SHIFT) + lo, hi - lo);
		}
		a = pend;
	}
}

/*
 * Lay the held bytes over page @pi of @w, just filled by a READ, except
 * over [keep_lo, keep_hi), which was valid before the READ (the program
 * may have written it this epoch).
 */
static void held_overlay(struct dusk_shadow *s, struct win *w, size_t pi, size_t keep_lo,
			 size_t keep_hi)
{
	uint64_t k = (w->idx << WIN_SHIFT) + (pi << DUSK_PAGE_SHIFT);
	char *sh = w->mem + (pi << DUSK_PAGE_SHIFT), *pr = sh + WIN_SIZE;
	char view[DUSK_PAGE_SIZE] __attribute__((aligned(8)));
	size_t i, b;

	for (i = 0; i < s->nheld; i++) {
		const struct held *h = &s->held[i];
		uint64_t lo = h->addr > k ? h->addr : k;
		uint64_t hi = h->addr + h->len < k + DUSK_PAGE_SIZE ? h->addr + h->len
								    : k + DUSK_PAGE_SIZE;
		const char *d;

		if (lo >= hi)
			continue;
		/* Bytes never seen through the shadow are still the kernel's. */
		d = dusk_rmap_view(lo, h->data + (lo - h->addr), hi - lo, view);
		for (b = lo - k; b < hi - k; b++) {
			if (b >= keep_lo && b < keep_hi)
				continue;
			sh[b] = pr[b] = d[b - (lo - k)];
		}
	}
}

int dusk_shadow_hold(struct dusk_shadow *s, uint64_t addr, const void *data, uint32_t len)
{
	struct held *h = dusk_grow(s->held, &s->heldcap, s->nheld, sizeof(*h), 8);
	int err;

	if (!h)
		return -ENOMEM;
	s->held = h;
	h = &s->held[s->nheld];
	h->data = malloc(len ? len : 1);
	if (!h->data)
		return -ENOMEM;
	h->addr = addr;
	h->len = len;
	memcpy(h->data, data, len);
	s->nheld++;
	err = dusk_shadow_install(s, addr, data, len);
	held_capture(s, h);
	return err;
}

void dusk_shadow_unhold(struct dusk_shadow *s)
{
	size_t i;

	for (i = 0; i < s->nheld; i++)
		free(s->held[i].data);
	s->nheld = 0;
}

/* Swap this epoch's filled pages with the previous epoch's. */
static void swap_epochs(struct dusk_shadow *s)
{
	uint64_t *v = s->filled;
	size_t cap = s->cap, n = s->nfilled;

	s->filled = s->prev;
	s->cap = s->prevcap;
	s->nfilled = s->nprev;
	s->prev = v;
	s->prevcap = cap;
	s->nprev = n;
}

void dusk_shadow_invalidate(struct dusk_shadow *s)
{
	unsigned int i;

	for (i = 0; i < s->nheld; i++)
		held_capture(s, &s->held[i]);

	/* This epoch's pages become the previous epoch's (see late writes). */
	swap_epochs(s);
	s->nfilled = 0;
	s->nvread = 0;
	s->epoch_ns = now_ns();
	hit_reset();
	if (++s->epoch != 0)
		return;
	s->nprev = 0;
	/* Wrapped after 2^32 epochs: forget every stamp, start again at 1. */
	for (i = 0; i < NSLOTS; i++)
		if (s->slots[i])
			madvise(s->slots[i]->meta, WIN_PAGES * sizeof(struct pmeta), MADV_DONTNEED);
	s->epoch = 1;
}

void dusk_shadow_reopen(struct dusk_shadow *s)
{
	if (s->epoch <= 1 || s->nfilled)
		return;	/* wrapped, or read again since: nothing to go back to */
	s->epoch--;
	swap_epochs(s);
	/* The late writes of the epoch before that were diffed by the epoch
	 * end being undone. */
	s->nprev = 0;
	hit_reset();
}

/*
 * Were bytes [lo, hi) of page @m (shadow at @sh) written late: is the page
 * of the epoch before this one, and do its shadow and pristine differ
 * there (see "Late writes")?
 */
static inline __attribute__((always_inline)) int late_written(const struct dusk_shadow *s,
							       const struct pmeta *m,
							       const char *sh, size_t lo, size_t hi)
{
	return m->epoch && m->epoch == s->epoch - 1 && lo < hi &&
	       dusk_differ(sh + lo, sh + WIN_SIZE + lo, hi - lo);
}

/*
 * Merge @len bytes at page offset @off of page @pi from @data into shadow
 * and pristine, keeping the bytes already valid this epoch (the program may
 * have written them), and extend the page's valid range.  The result must
 * be one contiguous range: @whole says [off, off+len) covers the page.
 */
static inline __attribute__((always_inline)) int page_merge(struct dusk_shadow *s, struct win *w,
							     size_t pi, size_t off,
							     const char *data, size_t len)
{
	struct pmeta *m = &w->meta[pi];
	char *sh = w->mem + (pi << DUSK_PAGE_SHIFT);
	char *pr = sh + WIN_SIZE;
	size_t end = off + len;
	uint64_t kaddr = (w->idx << WIN_SHIFT) + (pi << DUSK_PAGE_SHIFT) + off;
	char view[DUSK_PAGE_SIZE] __attribute__((aligned(8)));
	int err, late, fresh = m->epoch != s->epoch;
	size_t b, lo, hi;

	err = page_map(w, pi);
	if (err)
		return err;
	/* a page new this epoch: what of the new bytes was valid before,
	 * where the program may have written late (see above) */
	lo = m->lo > off ? m->lo : off;
	hi = m->hi < end ? m->hi : end;
	late = fresh && late_written(s, m, sh, lo, hi);
	/* A page new this epoch, the common case (a packet's CHUNKs): its
	 * bytes are tested and copied in one pass (a page's fill: libc's
	 * copies are faster). */
	if (fresh && !late && len <= DUSK_INLINE_COPY &&
	    dusk_rmap_copy2(sh + off, pr + off, data, (size_t)(-kaddr & 7), len))
		goto filled;
	/* Shadow and pristine hold the program's names of kernel values
	 * (rmap.c), so an untouched translated word is not written back. */
	data = dusk_rmap_view(kaddr, data, len, view);
	if (fresh) {
		if (late) {
			/* Late writes (see above): keep them over the new data. */
			for (b = off; b < end; b++) {
				if (b < lo || b >= hi || sh[b] == pr[b])
					sh[b] = data[b - off];
				pr[b] = data[b - off];
			}
		} else {
			dusk_copy(sh + off, data, len);
			dusk_copy(pr + off, data, len);
		}
		goto filled;
	}
	if (end < m->lo || off > m->hi)
		return 0;	/* disjoint from what is valid: leave it to a READ */
	if (off < m->lo) {
		dusk_copy(sh + off, data, m->lo - off);
		dusk_copy(pr + off, data, m->lo - off);
		m->lo = off;
	}
	if (end > m->hi) {
		dusk_copy(sh + m->hi, data + (m->hi - off), end - m->hi);
		dusk_copy(pr + m->hi, data + (m->hi - off), end - m->hi);
		m->hi = end;
	}
	return 0;
filled:
	m->lo = off;
	m->hi = end;
	m->epoch = s->epoch;
	return note_filled(s, (w->idx << WIN_SHIFT) + (pi << DUSK_PAGE_SHIFT));
}

/*
 * A CHUNK just installed is what the callback reads first (its sk_buff, the
 * packet's headers, its hook state): its page's valid range becomes one of
 * the recent ranges, so that the first access finds it inline, not through
 * a call into the library and a window look-up (docs/PERFORMANCE.md).  Only
 * in the shadow of the calling thread, whose ranges these are, and not
 * under KASAN, which narrows a range to the object it checked.
 */
static void hit_remember(const struct dusk_shadow *s, const struct win *w, size_t pi,
			 size_t off, size_t len)
{
	const struct dusk_thread *t = dusk_tls_thread;
	const struct pmeta *m = &w->meta[pi];
	uintptr_t page = (uintptr_t)((w->idx << WIN_SHIFT) + (pi << DUSK_PAGE_SHIFT));

	/* the CHUNK may have been left to a READ (page_merge()) */
	if (!t || t->shadow != s || dusk_kasan_on || m->epoch != s->epoch ||
	    off < m->lo || off + len > m->hi)
		return;
	hit_push((struct dusk_hit){
		.lo = page + m->lo,
		.hi = page + m->hi,
		.delta = (intptr_t)(w->mem + (pi << DUSK_PAGE_SHIFT)) - (intptr_t)page,
	});
}

int dusk_shadow_install(struct dusk_shadow *s, uint64_t addr, const void *data, uint32_t len)
{
	const char *d = data;

	while (len) {
		struct win *w = s->last;
		size_t woff = addr & (WIN_SIZE - 1);
		size_t pi = woff >> DUSK_PAGE_SHIFT;
		size_t poff = woff & (DUSK_PAGE_SIZE - 1);
		size_t n = DUSK_PAGE_SIZE - poff;
		int err;

		/* a packet's CHUNKs are mostly in the window of the last */
		if (!w || w->idx != addr >> WIN_SHIFT)
			w = find_win(s, addr >> WIN_SHIFT, 1);
		if (!w)
			return -ENOMEM;
		if (n > len)
			n = len;
		err = page_merge(s, w, pi, poff, d, n);
		if (err)
			return err;
		hit_remember(s, w, pi, poff, n);
		addr += n;
		d += n;
		len -= n;
	}
	return 0;
}

/* A run of pages to READ: bytes [lo, hi) of a single page (a first
 * miss, see fill()), else whole pages (lo 0, hi DUSK_PAGE_SIZE). */
struct run {
	struct win *w;
	size_t first, n;
	size_t lo, hi;
};

/* Kernel bytes the run reads. */
static size_t run_bytes(const struct run *r)
{
	return ((r->n - 1) << DUSK_PAGE_SHIFT) + r->hi - r->lo;
}

/* Read @nruns runs of pages with one READ request and merge them. */
static int fill_runs(struct dusk_shadow *s, const struct run *runs, unsigned int nruns)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	const struct nlattr *a;
	unsigned int i = 0;
	int err;

	err = dusk_msg_new(&m, DUSK_CMD_READ);
	if (err)
		return err;
	for (i = 0; i < nruns; i++) {
		uint64_t k = (runs[i].w->idx << WIN_SHIFT) + (runs[i].first << DUSK_PAGE_SHIFT) +
			     runs[i].lo;

		dusk_trace("[dusk] read 0x%llx +%zu", (unsigned long long)k, run_bytes(&runs[i]));
		err = dusk_msg_put_range(&m, DUSK_A_RANGE, k, (uint32_t)run_bytes(&runs[i]));
		if (err)
			goto out;
	}
	err = dusk_request(&m, &ans);
	if (err)
		goto out;
	err = -EBADMSG;
	i = 0;
	if (!ans.nlh)
		goto out_ans;
	mnl_attr_for_each(a, ans.nlh, GENL_HDRLEN) {
		const struct run *r = &runs[i];
		size_t j;

		if (mnl_attr_get_type(a) != DUSK_A_DATA)
			continue;
		if (i == nruns || mnl_attr_get_payload_len(a) != run_bytes(r))
			goto out_ans;
		for (j = 0; j < r->n; j++) {
			const struct pmeta *pm = &r->w->meta[r->first + j];
			size_t keep_lo = 0, keep_hi = 0;
			size_t off = j ? 0 : r->lo, end = j == r->n - 1 ? r->hi : DUSK_PAGE_SIZE;

			if (pm->epoch == s->epoch) {
				keep_lo = pm->lo;
				keep_hi = pm->hi;
			}
			err = page_merge(s, r->w, r->first + j, off,
					 (const char *)mnl_attr_get_payload(a) +
						 (j << DUSK_PAGE_SHIFT) + off - r->lo,
					 end - off);
			if (err)
				goto out_ans;
			if (s->nheld)
				held_overlay(s, r->w, r->first + j, keep_lo, keep_hi);
		}
		i++;
	}
	err = i == nruns ? 0 : -EBADMSG;
out_ans:
	dusk_answer_free(&ans);
out:
	dusk_msg_fini(&m);
	return err;
}

#define MAX_RUNS 16
/* Pages per RANGE: a DATA attribute's length is 16 bits, so one range
 * stays well below 64 KiB even though a READ may carry DUSK_MAX_READ. */
#define RUN_MAX_PAGES 8

/*
 * What a first miss on a page reads: the aligned granule around the
 * access, not the page.  A module reading one kernel variable after each
 * kernel call (every call ends the epoch) would otherwise move a page per
 * read, and a page-sized answer is most of a READ's cost (the kernel
 * zeroes an 8 KiB buffer for it, and the program copies and reverse-maps
 * every word).  A second miss on the page reads the rest of it.
 */
#define GRANULE 512

static int page_valid_for(const struct dusk_shadow *s, const struct win *w, size_t pi,
			  size_t lo, size_t hi)
{
	const struct pmeta *m = &w->meta[pi];

	return m->epoch == s->epoch && m->lo <= lo && hi <= m->hi;
}

/*
 * A first miss on page @pi of @w over its bytes [lo, hi): read the
 * granules around them.  A page of the epoch before with late writes on it
 * (stores that landed after that epoch ended, see "Late writes") keeps its
 * valid range in the read, so that page_merge() sees every one of them.
 */
static int fill_first(struct dusk_shadow *s, struct win *w, size_t pi, size_t lo, size_t hi)
{
	const struct pmeta *m = &w->meta[pi];
	const char *sh = w->mem + (pi << DUSK_PAGE_SHIFT);
	struct run r = { w, pi, 1, lo & ~(size_t)(GRANULE - 1),
			 (hi + GRANULE - 1) & ~(size_t)(GRANULE - 1) };

	if (late_written(s, m, sh, m->lo, m->hi)) {
		if (m->lo < r.lo)
			r.lo = m->lo;
		if (m->hi > r.hi)
			r.hi = m->hi;
	}
	return fill_runs(s, &r, 1);
}

/* Slow path: make pages [p0, p1] of @w valid over the bytes [off, end). */
static int fill(struct dusk_shadow *s, struct win *w, size_t off, size_t end)
{
	size_t p0 = off >> DUSK_PAGE_SHIFT, p1 = (end - 1) >> DUSK_PAGE_SHIFT, pi;
	struct run runs[MAX_RUNS];
	unsigned int nruns = 0;
	size_t bytes = 0;
	int err;

	if (p0 == p1 && w->meta[p0].epoch != s->epoch)
		return fill_first(s, w, p0, off & (DUSK_PAGE_SIZE - 1),
				  ((end - 1) & (DUSK_PAGE_SIZE - 1)) + 1);
	for (pi = p0; pi <= p1; pi++) {
		size_t lo = pi == p0 ? off & (DUSK_PAGE_SIZE - 1) : 0;
		size_t hi = pi == p1 ? ((end - 1) & (DUSK_PAGE_SIZE - 1)) + 1 : DUSK_PAGE_SIZE;

		if (page_valid_for(s, w, pi, lo, hi))
			continue;
		if (bytes + DUSK_PAGE_SIZE > DUSK_MAX_READ || nruns == MAX_RUNS) {
			err = fill_runs(s, runs, nruns);
			if (err)
				return err;
			nruns = 0;
			bytes = 0;
		}
		if (nruns && runs[nruns - 1].first + runs[nruns - 1].n == pi &&
		    runs[nruns - 1].n < RUN_MAX_PAGES)
			runs[nruns - 1].n++;
		else
			runs[nruns++] = (struct run){ w, pi, 1, 0, DUSK_PAGE_SIZE };
		bytes += DUSK_PAGE_SIZE;
	}
	return nruns ? fill_runs(s, runs, nruns) : 0;
}

void *dusk_shadow_get(struct dusk_shadow *s, uint64_t addr, size_t len, int *err)
{
	struct win *w = s->last;
	uint64_t idx = addr >> WIN_SHIFT;
	size_t off = addr & (WIN_SIZE - 1), end;

	if (len == 0)
		len = 1;
	if (__builtin_expect(!w || w->idx != idx, 0)) {
		w = find_win(s, idx, 1);
		if (!w) {
			*err = -ENOMEM;
			return NULL;
		}
	}
	end = off + len;
	if (__builtin_expect(end <= WIN_SIZE && ((off ^ (end - 1)) >> DUSK_PAGE_SHIFT) == 0, 1)) {
		/* The common case: within one page. */
		const struct pmeta *m = &w->meta[off >> DUSK_PAGE_SHIFT];
		size_t po = off & (DUSK_PAGE_SIZE - 1);

		if (__builtin_expect(m->epoch == s->epoch && m->lo <= po && po + len <= m->hi, 1))
			goto hit;
	}
	if (end > WIN_SIZE || len > WIN_SIZE) {
		*err = -E2BIG;
		return NULL;
	}
	*err = fill(s, w, off, end);
	if (*err)
		return NULL;
hit:
	{
		const struct pmeta *m = &w->meta[(end - 1) >> DUSK_PAGE_SHIFT];
		uintptr_t page = (uintptr_t)addr + len - 1 - ((end - 1) & (DUSK_PAGE_SIZE - 1));

		dusk_hit.lo = page + m->lo;
		dusk_hit.hi = page + m->hi;
		dusk_hit.delta = (intptr_t)(w->mem + off) - (intptr_t)addr;
	}
	return w->mem + off;
}

/* Stop the program: the module's access at @ret of [addr, addr + len)
 * found no kernel memory (@err from filling the shadow). */
static __attribute__((noreturn, noinline)) void shadow_fault(uintptr_t addr, size_t len,
							    const void *ret, int err)
{
	dusk_entry_pc = ret;
	if (err == -EFAULT)
		dusk_fault("read of unmapped kernel memory", addr, len, dusk_entry_pc, NULL);
	if (err == -E2BIG)
		dusk_fault("access crossing a 1 GiB shadow window", addr, len, dusk_entry_pc, NULL);
	dusk_fault("kernel memory unavailable", addr, len, dusk_entry_pc, strerror(-err));
}

/* dusk_check_kernel() past the ranges it remembers: KASAN's objects, the
 * shadow, a fault.  @ret is the module's code that made the access. */
static __attribute__((noinline)) void *check_shadow(uintptr_t addr, size_t len, const void *ret)
{
	uint64_t lo = 0, hi = UINT64_MAX;
	void *p;
	int err;

	/* Kernel memory the module allocated: checked before the kernel is
	 * asked for it (kasan.c). */
	if (dusk_kasan_on) {
		p = dusk_kasan_access(addr, len, ret, &lo, &hi);
		if (p)
			return p;
	}
	p = dusk_shadow_get(dusk_thread()->shadow, addr, len, &err);
	if (__builtin_expect(p != NULL, 1)) {
		if (dusk_hit.lo < lo)
			dusk_hit.lo = lo;
		if (dusk_hit.hi > hi)
			dusk_hit.hi = hi;
		hit_push(dusk_hit);
		return p;
	}
	shadow_fault(addr, len, ret, err);
}

/* The inline check's miss: first the few ranges before its one (a
 * callback going back and forth between its pages), kept small enough to
 * need no stack frame. */
DUSK_API void *dusk_check_kernel(uintptr_t addr, size_t len)
{
	void *p;

	if (addr >= dusk_hit.lo && addr + len <= dusk_hit.hi)
		return (void *)(addr + dusk_hit.delta);
	p = dusk_hit_recall(addr, len);
	return p ? p : check_shadow(addr, len, __builtin_return_address(0));
}

/* Is a held range's byte at kernel address @a (they stay as they were)? */
static int held_byte(const struct dusk_shadow *s, uint64_t a)
{
	size_t i;

	for (i = 0; i < s->nheld; i++)
		if (a >= s->held[i].addr && a - s->held[i].addr < s->held[i].len)
			return 1;
	return 0;
}

/*
 * Merge bytes [lo, hi) just read from the kernel (@data, from kernel
 * address @lo) into the valid bytes of their pages: a byte the program did
 * not change this epoch takes the kernel's value, shadow and pristine; one
 * it changed keeps its value, and its pristine the kernel's (so the write
 * still goes back at the epoch's end).
 */
static void vread_merge(struct dusk_shadow *s, uint64_t lo, uint64_t hi, const char *data)
{
	char view[VREAD_MAX] __attribute__((aligned(8)));
	const char *d = dusk_rmap_view(lo, data, hi - lo, view);
	uint64_t a;

	for (a = lo; a < hi; a++) {
		struct win *w = find_win(s, a >> WIN_SHIFT, 0);
		size_t woff = a & (WIN_SIZE - 1), pi = woff >> DUSK_PAGE_SHIFT;
		size_t b = woff & (DUSK_PAGE_SIZE - 1);
		char *sh;

		if (!w || w->meta[pi].epoch != s->epoch || b < w->meta[pi].lo ||
		    b >= w->meta[pi].hi || held_byte(s, a))
			continue;
		sh = w->mem + woff;
		if (sh[0] == sh[WIN_SIZE])
			sh[0] = d[a - lo];
		sh[WIN_SIZE] = d[a - lo];
	}
}

/* Read [addr, addr+len) again (its aligned words whole, so that a pointer
 * among them is translated: dusk_rmap_view()) and merge it. */
static int vread_again(struct dusk_shadow *s, uint64_t addr, size_t len)
{
	uint64_t lo = addr & ~7ull, hi = (addr + len + 7) & ~7ull;
	struct dusk_msg m;
	struct dusk_answer ans;
	const struct nlattr *a;
	int err;

	if (hi - lo > VREAD_MAX)
		return 0;	/* a whole volatile object: as the epoch read it */
	err = dusk_msg_new(&m, DUSK_CMD_READ);
	if (err)
		return err;
	dusk_trace("[dusk] read 0x%llx +%llu (volatile)", (unsigned long long)lo,
		   (unsigned long long)(hi - lo));
	err = dusk_msg_put_range(&m, DUSK_A_RANGE, lo, (uint32_t)(hi - lo));
	if (!err)
		err = dusk_request(&m, &ans);
	if (err)
		goto out;
	err = -EBADMSG;
	if (ans.nlh) {
		mnl_attr_for_each(a, ans.nlh, GENL_HDRLEN) {
			if (mnl_attr_get_type(a) != DUSK_A_DATA)
				continue;
			if (mnl_attr_get_payload_len(a) == hi - lo) {
				vread_merge(s, lo, hi, mnl_attr_get_payload(a));
				err = 0;
			}
			break;
		}
	}
	dusk_answer_free(&ans);
out:
	dusk_msg_fini(&m);
	return err;
}

/* The volatile range [addr, addr+len) this epoch, or NULL. */
static struct vread *vread_find(struct dusk_shadow *s, uint64_t addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < s->nvread && i < NVREAD; i++)
		if (s->vread[i].addr == addr && s->vread[i].len >= len)
			return &s->vread[i];
	return NULL;
}

/* [addr, addr+len) was seen as the kernel holds it at @ns. */
static void vread_note(struct dusk_shadow *s, uint64_t addr, size_t len, int64_t ns)
{
	struct vread *v = vread_find(s, addr, len);

	if (!v)
		v = &s->vread[s->nvread++ % NVREAD];
	*v = (struct vread){ addr, len, ns };
}

/*
 * The volatile access's miss and hit: its bytes at most VOLATILE_NS old
 * (see "Volatile reads" above).  A miss reads them now; a hit older than
 * that reads them again.
 */
DUSK_API void *dusk_check_kernel_volatile(uintptr_t addr, size_t len)
{
	const void *ret = __builtin_return_address(0);
	struct dusk_shadow *s = dusk_thread()->shadow;
	const struct vread *v;
	int64_t now;
	void *p;
	int err;

	if (addr >= dusk_hit.lo && addr + len <= dusk_hit.hi)
		p = (void *)(addr + dusk_hit.delta);
	else if (!(p = dusk_hit_recall(addr, len))) {
		p = check_shadow(addr, len, ret);
		vread_note(s, addr, len, now_ns());
		return p;
	}
	now = now_ns();
	v = vread_find(s, addr, len);
	if (now - (v ? v->ns : s->epoch_ns) < VOLATILE_NS)
		return p;
	err = vread_again(s, addr, len);
	if (err)
		shadow_fault(addr, len, ret, err);
	vread_note(s, addr, len, now);
	return p;
}

void *dusk_shadow_peek(struct dusk_shadow *s, uint64_t addr, size_t len)
{
	struct win *w = find_win(s, addr >> WIN_SHIFT, 0);
	size_t off = addr & (WIN_SIZE - 1), end = off + len, pi;

	if (!w || !len || end > WIN_SIZE)
		return NULL;
	for (pi = off >> DUSK_PAGE_SHIFT; pi <= (end - 1) >> DUSK_PAGE_SHIFT; pi++) {
		size_t lo = pi == off >> DUSK_PAGE_SHIFT ? off & (DUSK_PAGE_SIZE - 1) : 0;
		size_t hi = pi == (end - 1) >> DUSK_PAGE_SHIFT ?
			    ((end - 1) & (DUSK_PAGE_SIZE - 1)) + 1 : DUSK_PAGE_SIZE;

		const struct pmeta *m = &w->meta[pi];

		/* Late writes land in pages of the epoch before (see below). */
		if (!(m->epoch == s->epoch || (m->epoch && m->epoch == s->epoch - 1)) ||
		    lo < m->lo || hi > m->hi)
			return NULL;
	}
	return w->mem + off;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort the pages filled this epoch.  A packet's upcall fills a handful
 * (its CHUNKs'), which an insertion sort orders in a few dozen
 * instructions where qsort() spends hundreds; a long list is qsort()'s.
 */
static void sort_pages(uint64_t *v, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (i = 1; i < n; i++) {
		uint64_t x = v[i];

		for (j = i; j && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Runs of bytes that differ between shadow and pristine, page by page. */
struct runs {
	struct dusk_wlist *wl;
	uint64_t addr;
	const char *data;
	size_t len;
};

static int run_flush(struct runs *r)
{
	int err = r->len ? dusk_wlist_add(r->wl, r->addr, r->data, (uint32_t)r->len) : 0;

	r->len = 0;
	return err;
}

static int diff_page(struct runs *r, uint64_t kp, const char *sh, const char *pr, size_t lo,
		     size_t hi)
{
	size_t b = lo, e;
	int err;

	if (!dusk_differ(sh + lo, pr + lo, hi - lo))
		return 0;
	while (b < hi) {
		if (sh[b] == pr[b]) {
			b++;
			continue;
		}
		for (e = b + 1; e < hi && sh[e] != pr[e]; e++)
			;
		if (r->len && r->addr + r->len == kp + b && r->data + r->len == sh + b) {
			r->len += e - b;
		} else {
			err = run_flush(r);
			if (err)
				return err;
			r->addr = kp + b;
			r->data = sh + b;
			r->len = e - b;
		}
		b = e;
	}
	return 0;
}

/*
 * Late writes.  Generated code may compute a shadow address before a
 * kernel call and store through it after (`p->x = f()` evaluates `p->x`'s
 * address first, and C leaves the order open), so a store can land in a
 * page of the epoch that just ended.  Every epoch end therefore leaves
 * pristine == shadow on the pages it collected; a byte that differs later
 * was written late.  At the next epoch end the previous epoch's pages that
 * were not read again are diffed too, and page_merge() keeps late bytes
 * over the kernel's when such a page is read again.  One epoch of lateness
 * is covered, which is what a single expression can produce.
 */
int dusk_shadow_collect(struct dusk_shadow *s, struct dusk_wlist *wl)
{
	struct runs r = { wl, 0, NULL, 0 };
	size_t i;
	int err = 0;

	sort_pages(s->filled, s->nfilled);
	for (i = 0; !err && i < s->nfilled + s->nprev; i++) {
		uint64_t kp = i < s->nfilled ? s->filled[i] : s->prev[i - s->nfilled];
		struct win *w = find_win(s, kp >> WIN_SHIFT, 0);
		size_t pi = (kp & (WIN_SIZE - 1)) >> DUSK_PAGE_SHIFT;
		const struct pmeta *m = &w->meta[pi];
		const char *sh = w->mem + (pi << DUSK_PAGE_SHIFT);

		if (i == s->nfilled)
			err = run_flush(&r);	/* late runs are not merged with these */
		if (i >= s->nfilled && (m->epoch == s->epoch || m->epoch != s->epoch - 1))
			continue;	/* read again this epoch: done above */
		if (!err)
			err = diff_page(&r, kp, sh, sh + WIN_SIZE, m->lo, m->hi);
	}
	return err ? err : run_flush(&r);
}

const void *dusk_shadow_pristine(const void *shadow)
{
	return (const char *)shadow + WIN_SIZE;
}

void dusk_shadow_settle(const struct dusk_write *run)
{
	memcpy((char *)run->data + WIN_SIZE, run->data, run->len);
}
