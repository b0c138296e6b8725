/* SPDX-License-Identifier: MIT */
/*
 * libduskrt internals shared between its source files: the session, the
 * per-thread state, the connection (request/answer demultiplexer), the
 * shadow cache, commit's mirror table, logging and fault reporting.
 * Nothing here is exported from the shared library; unit tests link the
 * static variant and may use it.
 *
 * Threads.  The program's main thread runs module init and exit; the
 * packet thread reads the transport and serves the ordered upcalls (packets,
 * timers), a helper reads when it cannot (conn.c); a pool of workers serves
 * the upcalls that may sleep.  Every thread that runs module code has its own struct
 * dusk_thread (shadows, epoch, upcall context).  Shared state (mirror table,
 * session tables) is behind the locks named at each structure.
 */
#ifndef DUSK_RT_INTERNAL_H
#define DUSK_RT_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <dusk/runtime.h>
#include "msg.h"
#include "transport.h"

#define DUSK_API __attribute__((visibility("default")))
#define DUSK_TLS __thread __attribute__((tls_model("initial-exec")))

/*
 * memcpy() and memcmp() of the packet path's small ranges (a CHUNK into
 * the shadow, a page's valid bytes at the epoch's end), inline: under
 * QEMU's TCG a call into libc costs a code look-up on the packet thread's
 * cold start, more than the copy itself (docs/PERFORMANCE.md).  The empty
 * asm keeps the compiler from turning the loops back into those calls;
 * above DUSK_INLINE_COPY bytes (page fills) libc's are faster.
 */
#define DUSK_INLINE_COPY 512
static inline void dusk_copy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	uint64_t w;

	if (n > DUSK_INLINE_COPY) {
		memcpy(dst, src, n);
		return;
	}
	for (; n >= 8; n -= 8, d += 8, s += 8) {
		__builtin_memcpy(&w, s, 8);
		__asm__("" : "+r"(w));
		__builtin_memcpy(d, &w, 8);
	}
	for (; n; n--) {
		__asm__("" : "+r"(d));
		*d++ = *s++;
	}
}

/* memcmp() != 0, inline as dusk_copy(). */
static inline int dusk_differ(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t v, w;

	if (n > DUSK_INLINE_COPY)
		return memcmp(a, b, n) != 0;
	/* four words a test: every packet's pages are compared whole at the
	 * epoch's end, and mostly equal */
	for (; n >= 32; n -= 32, x += 32, y += 32) {
		uint64_t d = 0;
		int i;

		for (i = 0; i < 4; i++) {
			__builtin_memcpy(&v, x + 8 * i, 8);
			__builtin_memcpy(&w, y + 8 * i, 8);
			d |= v ^ w;
		}
		__asm__("" : "+r"(d));
		if (d)
			return 1;
	}
	for (; n >= 8; n -= 8, x += 8, y += 8) {
		__builtin_memcpy(&v, x, 8);
		__builtin_memcpy(&w, y, 8);
		__asm__("" : "+r"(v));
		if (v != w)
			return 1;
	}
	for (; n; n--) {
		__asm__("" : "+r"(x));
		if (*x++ != *y++)
			return 1;
	}
	return 0;
}

/* Tell valgrind's memcheck that the runtime's own copy [p, p + n) of
 * module memory counts as set (a few no-op instructions when not under
 * valgrind; nothing when built without valgrind's headers). */
#if defined(__has_include) && __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define DUSK_VG_DEFINED(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define DUSK_VG_DEFINED(p, n) ((void)0)
#endif

#define DUSK_PAGE_SHIFT 12
#define DUSK_PAGE_SIZE (1ul << DUSK_PAGE_SHIFT)

/*
 * dusk_grow() - room for one more element in array @v (*@cap elements of
 * @size bytes, @n used): @v itself while there is room, else @v moved to
 * twice the capacity (@first at the start, *@cap updated), or NULL with
 * @v left as it was.
 */
static inline void *dusk_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c = *cap ? 2 * *cap : first;

	if (n < *cap)
		return v;
	v = realloc(v, c * size);
	if (v)
		*cap = c;
	return v;
}

/*
 * dusk_push() - append @x to array @v of @n elements (*@cap allocated, grown
 * as dusk_grow() grows it from @first): 0, or -ENOMEM with nothing
 * changed.  @v and @n are lvalues, evaluated more than once.
 */
#define dusk_push(v, cap, n, x, first)							\
	({										\
		__typeof__(v) _pv = dusk_grow((v), (cap), (n), sizeof(*_pv), (first));	\
											\
		if (_pv) {								\
			(v) = _pv;							\
			(v)[(n)++] = (x);						\
		}									\
		_pv ? 0 : -ENOMEM;							\
	})

/* ---- log.c ---- */
extern int dusk_trace_on;	/* DUSK_TRACE=1 at load time, or set by tests */
void dusk_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define dusk_trace(...) \
	do { if (dusk_trace_on) dusk_log(DUSK_LOG_TRACE, __VA_ARGS__); } while (0)
/* Log what a printk-family stub printed, each line marked "<L> ". */
void dusk_log_kernel_text(const char *text);

/* ---- conn.c: one netlink conversation with the kmod ---- */
struct dusk_conn;

/* ---- lanes.c: ordered upcalls of different flows served in parallel ---- */
#define DUSK_LANE_BATCH 64	/* ordered upcalls one read serves at most */
struct dusk_lanes;
struct dusk_upcall_ops;
struct dusk_lane_key {
	uint32_t cpu;		/* raised on */
	uint32_t flow;		/* FLOW, when flowed */
	int flowed;
};
/**
 * dusk_lanes_split() - which lane serves each of @n upcalls (@k, in the
 * kernel's order): upcalls raised on one CPU, of one flow, or one of them
 * without a flow land on one lane.  Fills @lane[0..n) with lanes below
 * @nlanes (the largest class on lane 0) and returns how many are used.
 */
unsigned int dusk_lanes_split(const struct dusk_lane_key *k, unsigned int n, unsigned int nlanes,
			      uint8_t *lane);
/* Lanes for @c's packet thread, serving with @ops->serve, split by
 * @ops->key (not NULL); NULL out of memory. */
struct dusk_lanes *dusk_lanes_new(struct dusk_conn *c, const struct dusk_upcall_ops *ops);
/* Stop and join the lane threads (idle: the packet thread waits for them). */
void dusk_lanes_free(struct dusk_lanes *l);
/* In a fork()'s child: the lane threads are gone. */
void dusk_lanes_forget_threads(struct dusk_lanes *l);
/**
 * dusk_lanes_serve() - serve @v[0..n) on several lanes when they split
 * (the ops' key gives each one's place), each lane in @v's order, and
 * wait for all.  @l may be NULL (no lanes).
 * Packet thread.  1 if served (the lanes' REPLYs are sent; the calling
 * thread's wait in its outq), 0 if the caller must serve them in order.
 */
int dusk_lanes_serve(struct dusk_lanes *l, const struct nlmsghdr *const *v, unsigned int n);

/* What the connection does with the upcalls it reads. */
struct dusk_upcall_ops {
	/* Is the UPCALL @msg served in order on the packet thread (raised in
	 * atomic context), rather than by the pool? */
	int (*ordered)(const void *msg, size_t len);
	/* Serve one ordered upcall (on the packet thread). */
	void (*serve)(const void *msg, size_t len);
	/* Hand a blocking upcall to the pool; takes the malloc'd @msg. */
	void (*submit)(void *arg, void *msg, size_t len);
	/* The ordered upcall's place in the kernel's concurrency (lanes.c):
	 * 1 with @k filled, 0 when it has no flow (served in order with
	 * all).  NULL: one at a time. */
	int (*key)(const void *msg, size_t len, struct dusk_lane_key *k);
	void *arg;
};

/* REPLYs one serving thread keeps for one datagram (the packet thread's,
 * a lane's): dusk_conn_post_reply() fills the calling thread's. */
struct dusk_outq {
	struct dusk_conn *c;
	char *buf;
	size_t len;
};
int dusk_outq_init(struct dusk_outq *o, struct dusk_conn *c);
void dusk_outq_fini(struct dusk_outq *o);
/* This thread's REPLYs wait in @o. */
void dusk_outq_bind(struct dusk_outq *o);
/* Send what waits in @o. */
void dusk_outq_flush(struct dusk_outq *o);

/* The answer to a request: a data message (malloc'd, NULL for acks). */
struct dusk_answer {
	struct nlmsghdr *nlh;
	size_t len;
	char extack[256];
	uint32_t bad_off;	/* NLMSGERR_ATTR_OFFS: the refused attribute, or 0 */
};

/* Start the packet thread (the usual reader, see conn.c) and its helper. */
int dusk_conn_open(struct dusk_transport *t, const struct dusk_upcall_ops *ops,
		   struct dusk_conn **out);
/* Stop serving ordered upcalls: wait for the running ones, drop the queued
 * ones and those still to come (the kmod's policy decides them at BYE). */
void dusk_conn_stop_serving(struct dusk_conn *c);
/* Stops the reader threads, fails every waiting request with -ESHUTDOWN, frees. */
void dusk_conn_close(struct dusk_conn *c);
uint16_t dusk_conn_family(const struct dusk_conn *c);
/* 0 once the receiver has stopped (transport closed or failed). */
int dusk_conn_alive(struct dusk_conn *c);
/**
 * dusk_conn_request() - send @m and wait for its one answer.
 * Sets nlmsg_seq (and NLM_F_ACK for commands answered by an ack).
 * Returns 0 with ans->nlh set to the answer (data commands) or NULL (acks);
 * or the negative errno the kernel answered (ans->extack holds its text);
 * or -ESHUTDOWN / transport errors.  Caller frees with dusk_answer_free().
 */
int dusk_conn_request(struct dusk_conn *c, struct dusk_msg *m, struct dusk_answer *ans);
/**
 * dusk_conn_post_reply() - queue REPLY @m (for upcall @ctx of callback @fn)
 * to go without an ACK, in one datagram with the other REPLYs of the batch
 * and the packet thread's next request.  An error the kernel answers later
 * is logged naming @fn (-ESRCH as a warning unless @quiet).  Only on the
 * packet thread: -EAGAIN elsewhere (send it with dusk_conn_request()).
 */
int dusk_conn_post_reply(struct dusk_conn *c, struct dusk_msg *m, uint64_t ctx, const char *fn,
			 int quiet);
void dusk_answer_free(struct dusk_answer *ans);

/* ---- wlist.c: the write list an epoch's end sends ---- */
struct dusk_write {
	uint64_t addr;
	const void *data;
	uint32_t len;
};
struct dusk_wlist {
	struct dusk_write *v;
	size_t n, cap;
};
int dusk_wlist_add(struct dusk_wlist *w, uint64_t addr, const void *data, uint32_t len);
void dusk_wlist_free(struct dusk_wlist *w);

/* ---- epoch.c: pending kernel writes ---- */

/**
 * dusk_epoch_end() - end this thread's epoch into message @final (a CALL or
 * REPLY being built): its dirty shadow bytes and pending mirror refreshes
 * become CHUNKs of @final, overflow goes first in WRITE requests.  @reserve
 * bytes of room are kept in @final for the attributes still to come.
 * Invalidates the thread's shadows.  0 or -errno (a refused overflow WRITE
 * is reported as a fault before returning).
 */
int dusk_epoch_end(struct dusk_msg *final, size_t reserve);
/* The kernel refused the writes request @req carried (its answer @ans):
 * report the refused chunk (the one @ans names, else @req's first), the
 * chunks @req carried and the kernel's reason, and die. */
void dusk_write_refused(const char *when, const struct dusk_answer *ans,
			const struct dusk_msg *req) __attribute__((noreturn));
/* Send WRITE @m and finish it; a refusal is a fault of the module,
 * reported as @when.  0 or -errno. */
int dusk_write_send(struct dusk_msg *m, const char *when);
/* Add CHUNK {@addr, @data, @len} (at most DUSK_MAX_CHUNK bytes) to WRITE
 * @m, started if @m has no buffer and sent first (dusk_write_send()) when
 * it has no room left.  0 or -errno. */
int dusk_write_put(struct dusk_msg *m, uint64_t addr, const void *data, uint32_t len,
		   const char *when);
/* Send what module code left dirty outside any call (the end of init or
 * exit, a call --fail keeps from the kernel); @when for reports. */
int dusk_epoch_flush(const char *when);

/* CLOCK_MONOTONIC in ns: request timing, busy polling, the shadow's clock. */
static inline int64_t dusk_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* ---- shadow.c: per-thread shadows of kernel memory ---- */
struct dusk_shadow;
/* The clock, in ns, that volatile reads age kernel bytes by: CLOCK_MONOTONIC
 * (a unit test sets its own, so that no assertion rides on the host's
 * timing). */
extern int64_t (*dusk_shadow_clock)(void);
struct dusk_shadow *dusk_shadow_new(void);
void dusk_shadow_free(struct dusk_shadow *s);
/* Invalidate every shadow of @s (one counter bump). */
void dusk_shadow_invalidate(struct dusk_shadow *s);
/* Undo the last invalidate (no page read since): what was valid before is
 * valid again, for a callback whose kernel memory may be gone. */
void dusk_shadow_reopen(struct dusk_shadow *s);
/* Append the bytes changed this epoch (vs. the pristine copies) to @w;
 * data points into the shadow, valid until the next invalidate. */
int dusk_shadow_collect(struct dusk_shadow *s, struct dusk_wlist *w);
/* The pristine copy (what the kernel held, in the program's names) of the
 * shadow bytes at @shadow, a pointer dusk_shadow_peek/get returned. */
const void *dusk_shadow_pristine(const void *shadow);
/* Run @run of dusk_shadow_collect() is on its way to the kernel: its
 * pristine copy becomes what the shadow says. */
void dusk_shadow_settle(const struct dusk_write *run);
/* Pre-fill: bytes the kernel sent along (UPCALL CHUNKs), valid this epoch. */
int dusk_shadow_install(struct dusk_shadow *s, uint64_t addr, const void *data, uint32_t len);
/* Install, and hold for the whole callback: a READ after an epoch end
 * keeps these bytes (an upcall's HELD chunks; see shadow.c).  0 or -errno. */
int dusk_shadow_hold(struct dusk_shadow *s, uint64_t addr, const void *data, uint32_t len);
/* Forget the held ranges (the callback is over). */
void dusk_shadow_unhold(struct dusk_shadow *s);
/* Shadow of [addr, addr+len) if it is valid this epoch or was in the one
 * before (where late writes land: what dusk_shadow_collect() returns),
 * else NULL; never reads from the kernel. */
void *dusk_shadow_peek(struct dusk_shadow *s, uint64_t addr, size_t len);
/* Shadow of [addr, addr+len) in @s, filling it; NULL and *err on failure. */
void *dusk_shadow_get(struct dusk_shadow *s, uint64_t addr, size_t len, int *err);

/* ---- commit.c: own objects in the kernel ---- */
struct dusk_commit_state;
/**
 * dusk_commit_obj() - what dusk_commit() does, reporting errors instead of
 * dying: 0 with the kernel address in *out, or -errno after logging why
 * (-EINVAL ambiguous union / unknown size, -ENOENT function without proxy,
 * -ELOOP graph too deep, kernel errors from MIRROR_ALLOC).
 */
int dusk_commit_obj(const void *p, int32_t type, size_t len, uint64_t *out);
/*
 * The own objects a callback's arguments name (own addresses, @n of
 * them): the kernel may have written their mirrors on its own since the
 * program last read them (the pending bit the workqueue clears before it
 * runs a work item, a timer the expiry took off its list, a completion's
 * count): read back the bytes it changed, one READ for all.  Not a stack
 * object's mirror, nor one with bytes another thread queued.  0 or -errno.
 */
int dusk_commit_refresh_args(const uint64_t *args, unsigned int n);
/*
 * An upcall's CHUNK of @n bytes at @kaddr that lies in a mirror (a work
 * item lent to its function): what the kernel changed there goes into
 * the own object, as a read-back's would.  Any other CHUNK is left alone.
 */
void dusk_commit_apply_chunk(uint64_t kaddr, const void *data, uint32_t n);

/* Before a kernel call ends the epoch: refresh chunks of the mirrors
 * committed since the last call are in @w (owned by the thread state). */
int dusk_commit_pending(struct dusk_wlist *w);
/* dusk_commit_landed(): the message ending this thread's epoch (its CALL,
 * REPLY or WRITE) has gone out, so the refreshes dusk_commit_pending()
 * handed it are in the kernel's mirrors now (commit.c, fly()). */
void dusk_commit_landed(void);
/* dusk_commit_kept_changes(): queue the program's changes to kept objects
 * (kept.c) as refresh chunks of this epoch's end.  0 or -errno. */
int dusk_commit_kept_changes(void);
/**
 * dusk_commit_held_changes() - queue the program's changes to the thread's
 * held stack mirrors (reached by the kernel through pointers it holds) as
 * refresh chunks of this epoch's end, and list them for the call's
 * read-back.  0 or -errno.
 */
int dusk_commit_held_changes(void);
/**
 * dusk_commit_incall_changes() - in a blocking callback: queue the
 * program's changes to the objects other threads' kernel calls in flight
 * committed (the callback was handed one of them) as refresh chunks of
 * this epoch's end.  0 or -errno.
 */
int dusk_commit_incall_changes(void);
/**
 * dusk_commit_word() - the kernel's form of a pointer-sized value @v the
 * program stored into kernel memory: a module function with a proxy ->
 * the proxy's address, an address inside a module global -> inside its
 * mirror (committed now), a string literal or other constant of the
 * program -> its read-only mirror.  Returns 1 with *out set, 0 when @v is not such
 * an address (left alone), or -errno.
 */
int dusk_commit_word(uint64_t v, uint64_t *out);
void dusk_commit_thread_free(struct dusk_commit_state *cs);

/* ---- mirror.c: the mirrors' life around kernel calls ---- */
/* After the call: read mirrors back into own objects; the call's stack
 * mirrors go dormant, and those of frames below @frame (the runtime's call
 * entry: the module's live frames are above it) are freed. */
int dusk_commit_after_call(const void *frame);
/* This thread enters / leaves a kernel call with the mirrors it committed
 * for it; a blocking callback raised meanwhile reads those back first. */
void dusk_commit_call_begin(void);
void dusk_commit_call_end(void);
int dusk_commit_refresh_calls(void);
/* A callback called from the function whose frame is @frame has ended:
 * free the calling thread's held stack mirrors and the dormant mirrors of
 * its calls below @frame. */
void dusk_commit_release_held(const void *frame);
/* dusk_commit_keep_touched(): the mirrors committed for the call just made
 * are kept from now on.  dusk_commit_refresh_kept(): copy the kernel's
 * changes to kept mirrors into the own objects (a callback starts). */
void dusk_commit_keep_touched(void);
int dusk_commit_refresh_kept(void);
/* Session end: free every mirror (kernel and user side). */
void dusk_commit_release_all(void);
/* Number of live mirrors (tests). */
size_t dusk_commit_nmirrors(void);

/* ---- kept.c: kept mirrors ---- */
/*
 * Kept mirrors: globals the kernel reads and writes on its own (a debugfs
 * value file, a sysctl's .data).  dusk_kept_by(): does kernel function @fn
 * (a stub's name) keep what it is handed?  dusk_kept_table(): that answer
 * for each stub of @m (malloc'd; NULL without memory), asked once per
 * session rather than by name on every kernel call.
 */
int dusk_kept_by(const char *fn);
uint8_t *dusk_kept_table(const struct dusk_module *m);

/* ---- seqfill.c: a seq_file read's records in one upcall ---- */
struct dusk_upcall;
/* Serve DUSK_UPCALL_SEQFILL @up: RET as DUSK_SEQFILL_*; *fn names it. */
uint64_t dusk_serve_seqfill(const struct dusk_upcall *up, const char **fn);

/* ---- rmap.c: kernel names of the program's things, back to the program's ---- */
/* Mirror [kaddr, kaddr+size) holds own object @own.  0 or -ENOMEM. */
int dusk_rmap_add(uint64_t kaddr, size_t size, uintptr_t own);
void dusk_rmap_del(uint64_t kaddr);
/* The session's proxies: kaddrs[i] is the kernel's name of proxies[i].fn. */
int dusk_rmap_set_proxies(const uint64_t *kaddrs, const struct dusk_proxy *proxies,
			  unsigned int n);
/* Session end: forget everything. */
void dusk_rmap_clear(void);
/*
 * The reverse map's first test, without the lock, inline (rmap.c): the
 * packet path passes here for every CHUNK, and under QEMU's TCG a call
 * costs a code look-up on a cold start (docs/PERFORMANCE.md).  The hull of
 * all names and a bitmap of their pages, hashed, read under a sequence
 * count (odd while rmap.c rewrites them).
 */
#define DUSK_RMAP_PAGEBITS 4096
extern uint64_t dusk_rmap_pages[DUSK_RMAP_PAGEBITS / 64];
extern uint64_t dusk_rmap_span_lo, dusk_rmap_span_len;
extern unsigned int dusk_rmap_seq;

static inline unsigned int dusk_rmap_hash(uint64_t v)
{
	return (unsigned int)(((v >> 12) * 0x9E3779B97F4A7C15ull) >> 52);
}

/* Is no 8-byte word of @data from byte @first to @len on a named page?
 * 0 when one is, or when a writer was at work meanwhile: the caller asks
 * again under the lock. */
static inline __attribute__((always_inline)) int dusk_rmap_none_named(const void *data,
								       size_t first, size_t len)
{
	unsigned int seq = __atomic_load_n(&dusk_rmap_seq, __ATOMIC_ACQUIRE);
	const unsigned char *in = data;
	uint64_t lo, n, v;
	size_t off;
	int none = 1;

	if (seq & 1)
		return 0;
	lo = __atomic_load_n(&dusk_rmap_span_lo, __ATOMIC_RELAXED);
	n = __atomic_load_n(&dusk_rmap_span_len, __ATOMIC_RELAXED);
	for (off = first; none && off + 8 <= len; off += 8) {
		unsigned int h;

		__builtin_memcpy(&v, in + off, 8);
		if (v - lo >= n)
			continue;
		h = dusk_rmap_hash(v);
		none = !((__atomic_load_n(&dusk_rmap_pages[h / 64], __ATOMIC_RELAXED) >> (h % 64)) & 1);
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return none && __atomic_load_n(&dusk_rmap_seq, __ATOMIC_RELAXED) == seq;
}

/*
 * dusk_rmap_none_named() and two copies in one pass: @len bytes of @data
 * into @d1 and @d2 (a page's shadow and pristine), testing each aligned
 * word (from byte @first) as it goes.  1 when none is named and no writer
 * was at work: both copies are done.  0 otherwise, the copies partial: the
 * caller translates (dusk_rmap_view()) and copies again.  A prefetched
 * CHUNK's bytes were walked three times (test, shadow, pristine) on every
 * packet (docs/PERFORMANCE.md).
 */
static inline __attribute__((always_inline)) int dusk_rmap_copy2(void *d1, void *d2,
								  const void *data, size_t first,
								  size_t len)
{
	unsigned int seq = __atomic_load_n(&dusk_rmap_seq, __ATOMIC_ACQUIRE);
	const unsigned char *in = data;
	unsigned char *a = d1, *b = d2;
	uint64_t lo, n, v;
	size_t off;

	if (seq & 1)
		return 0;
	lo = __atomic_load_n(&dusk_rmap_span_lo, __ATOMIC_RELAXED);
	n = __atomic_load_n(&dusk_rmap_span_len, __ATOMIC_RELAXED);
	for (off = 0; off < first && off < len; off++)
		a[off] = b[off] = in[off];
	for (; off + 8 <= len; off += 8) {
		unsigned int h;

		__builtin_memcpy(&v, in + off, 8);
		__asm__("" : "+r"(v));
		__builtin_memcpy(a + off, &v, 8);
		__builtin_memcpy(b + off, &v, 8);
		if (v - lo >= n)
			continue;
		h = dusk_rmap_hash(v);
		if ((__atomic_load_n(&dusk_rmap_pages[h / 64], __ATOMIC_RELAXED) >> (h % 64)) & 1)
			return 0;
	}
	for (; off < len; off++) {
		__asm__("" : "+r"(a));
		a[off] = b[off] = in[off];
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&dusk_rmap_seq, __ATOMIC_RELAXED) == seq;
}

uint64_t dusk_rmap_word_locked(uint64_t v);
const void *dusk_rmap_view_locked(uint64_t kaddr, const void *data, size_t len, void *tmp);

/* The program's name for kernel value @v (own address, module function),
 * or @v itself. */
static inline uint64_t dusk_rmap_word(uint64_t v)
{
	return dusk_rmap_none_named(&v, 0, 8) ? v : dusk_rmap_word_locked(v);
}
/* The same for each of @n words at @v, in place, under one lock (an
 * upcall's arguments). */
void dusk_rmap_words(uint64_t *v, unsigned int n);
/**
 * dusk_rmap_view() - @len bytes read from kernel address @kaddr, as the
 * program must see them: @data itself if no aligned 8-byte word in it is a
 * kernel name of the program's, else @tmp (@len bytes) holding a copy with
 * those words translated.
 */
static inline const void *dusk_rmap_view(uint64_t kaddr, const void *data, size_t len, void *tmp)
{
	size_t skip = (size_t)(-kaddr & 7);

	if (len < skip + 8 || dusk_rmap_none_named(data, skip, len))
		return data;
	return dusk_rmap_view_locked(kaddr, data, len, tmp);
}
/* Is @v the program's name of something the kernel knows by another name
 * (so a shadow word holding it may differ from the kernel's bytes)?  A
 * linear scan: for the few dirty words of an epoch's end. */
int dusk_rmap_is_program_name(uint64_t v);

/* ---- thread.c: per-thread state ---- */
struct dusk_thread {
	uint64_t ctx;		/* upcall being served, 0 if none */
	uint64_t current;	/* kernel `current` of that upcall */
	uint32_t cpu;
	uint8_t blocking;	/* that upcall may sleep: its caller waits */
	uint8_t ctx_gone;	/* the kernel stopped waiting for it (timeout) */
	uint32_t task_state;	/* `current->__state` as the module set it (TASK_RUNNING
				 * is 0): sent with the next CALL, which answers the
				 * state the call left (call.c) */
	uint8_t param_op;	/* running a module parameter's set or get: its
				 * kernel calls go with PARAM_LOCK (params.c) */
	struct dusk_shadow *shadow;
	struct dusk_commit_state *commit;
	uintptr_t stack_lo, stack_hi;	/* this thread's stack: own objects there live one call */
	/* the thread's frame records (DUSK_FRAME, DUSK_LOCAL(): its
	 * address-taken locals), read by other threads only while it waits
	 * in a kernel call */
	struct dusk_frames *frames;
	void *answer_buf;	/* where the kmod writes this thread's answers (conn.c) */
};
/* This thread's state, created on first use (never NULL: aborts on ENOMEM).
 * Inline: the packet path asks for it a dozen times per packet, and under
 * QEMU's TCG each call is a code look-up on a cold start. */
extern DUSK_TLS struct dusk_thread *dusk_tls_thread;
struct dusk_thread *dusk_thread_new(void);
static inline struct dusk_thread *dusk_thread(void)
{
	struct dusk_thread *t = dusk_tls_thread;

	return __builtin_expect(t != NULL, 1) ? t : dusk_thread_new();
}
/*
 * Run @fn on a thread's state when the thread exits, after its shadows
 * and before the state itself are freed: each part of the state made after
 * the thread's first use frees its own (commit.c registers its hook from a
 * constructor; the parts are independent, so order does not matter).  At most DUSK_THREAD_HOOKS; call before threads run.
 */
#define DUSK_THREAD_HOOKS 8
void dusk_thread_on_exit(void (*fn)(struct dusk_thread *t));
/* The calling thread's state if it has one yet, else NULL. */
struct dusk_thread *dusk_thread_peek(void);
/* Innermost module function running on this thread, or NULL. */
const char *dusk_thread_fn(void);

/* ---- request.c: the session's state, and requests on it ---- */
struct dusk_pool;
struct dusk_session {
	const struct dusk_module *m;
	struct dusk_transport *t;
	struct dusk_conn *conn;
	uint64_t kbase;
	uint64_t *syms;		/* HELLO's SYMS, m->nsyms entries */
	uint64_t *proxies;	/* HELLO's PROXIES, m->nproxies entries */
	uint8_t *kept;		/* per stub: its kernel function keeps what it is
				 * handed (dusk_kept_by()), decided once */
	uint64_t task;		/* HELLO's CURRENT: the program's task, `current`
				 * outside callbacks (0 from an older kmod) */
	pid_t task_tid;		/* the thread that sent HELLO: its calls outside
				 * callbacks run in @task */
	struct dusk_pool *pool;
	struct dusk_upcall_ops upcall_ops;
};
/* The open session (session.c sets it), or NULL. */
extern struct dusk_session *dusk_sess;
/* Send a request on the session; see dusk_conn_request(). */
int dusk_request(struct dusk_msg *m, struct dusk_answer *ans);
/* Start a message to the session's family. */
int dusk_msg_new(struct dusk_msg *m, uint8_t cmd);

/* ---- session.c: the top (main.c opens, runs and closes the session) ---- */
/**
 * dusk_session_open() - HELLO over @t for @m and start serving upcalls
 * with @nworkers threads.  Takes ownership of @t (destroyed on failure
 * too).  Logs a clear message and returns -errno on failure: -EPROTO for a
 * handshake mismatch, -ENOENT/-EBUSY/-EPERM as the kernel said.
 */
int dusk_session_open(const struct dusk_module *m, struct dusk_transport *t,
		      unsigned int nworkers);
/* Free all mirrors, BYE, stop workers and receiver, destroy the transport. */
void dusk_session_close(void);
/**
 * dusk_session_run() - the program's life on an open session: init, wait
 * for SIGINT/SIGTERM (blocked by the caller before threads started), exit.
 * Returns the exit status (0, or 1 when init failed).
 */
int dusk_session_run(void);

/* ---- dispatch.c: serving upcalls, the worker pool ---- */
int dusk_pool_start(unsigned int nworkers, struct dusk_pool **out);
/* Reader-side entry for a blocking upcall (takes the malloc'd @msg). */
void dusk_pool_submit(void *pool, void *msg, size_t len);
/* Is UPCALL @msg ordered (raised in atomic context)? */
int dusk_upcall_ordered(const void *msg, size_t len);
/* The upcall_ops key of an ordered upcall (lanes.c): its CPU and FLOW. */
int dusk_upcall_lane_key(const void *msg, size_t len, struct dusk_lane_key *k);
/* Stop accepting, drop queued upcalls, let running ones finish, join, free. */
void dusk_pool_stop(struct dusk_pool *p);
/* Serve one upcall message on the calling thread (the packet thread's and
 * the workers' body). */
void dusk_serve_upcall(const void *msg, size_t len);

/* ---- params.c ---- */
/**
 * dusk_params_parse() - set module parameters from argv[1..] (name=value,
 * as insmod takes them).  Sets *help when --help/-h is given.  Returns 0
 * or -errno after logging the offending argument.
 */
int dusk_params_parse(const struct dusk_module *m, int argc, char **argv, int *help);
/* param_get_*(): the text of @p into @buf (@cap bytes, NUL-terminated);
 * its length or -errno. */
int dusk_param_get(const struct dusk_param *p, char *buf, size_t cap);
/* param_set_*(): set @p from @v (NULL: no '='); 0 or the kernel's -errno. */
int dusk_param_set(const struct dusk_param *p, const char *v);
/* module_param_cb()'s own get, into the kernel's sysfs page @kbuf (lent). */
int dusk_param_get_ops(const struct dusk_param *p, uint64_t kbuf);
/* A value given at load the kernel refused: the kernel's log lines. */
void dusk_param_refused(const struct dusk_module *m, const struct dusk_param *p, const char *v,
			int err);
/* param_set_<type>/param_get_<type> (@type "int", "charp"...) on the
 * variable at @addr; -EOPNOTSUPP for a type the kernel does not have. */
/* Is @type ("int") one of the kernel's param_ops_<type> re-implemented here? */
int dusk_param_std_type(const char *type);
int dusk_param_std_set(const char *name, const char *type, void *addr, const char *v);
int dusk_param_std_get(const char *type, const void *addr, char *buf, size_t cap);

/* paramops.c: module_param_cb() with the module's own kernel_param_ops */
int dusk_paramops_set(const struct dusk_param *p, const char *v);
int dusk_paramops_get(const struct dusk_param *p, uint64_t kbuf);
int dusk_paramops_defer(const struct dusk_param *p, const char *v);

/* ---- params.c: sysfs files, --help, the kernel's load messages ---- */
/* The @k-th parameter with a sysfs file (perm != 0), or NULL. */
const struct dusk_param *dusk_param_visible(const struct dusk_module *m, uint32_t k);
/**
 * dusk_params_publish() - ask the kmod for /sys/module/NAME with a file
 * under parameters/ for each visible parameter (PARAMS).  A failure is
 * warned about (the program runs on without the files); returns 0 or
 * -errno.
 */
int dusk_params_publish(const struct dusk_module *m);
/* Write --help text (usage, modinfo, parameters) for @m into a malloc'd
 * string. */
char *dusk_params_help(const struct dusk_module *m, const char *argv0);
/**
 * dusk_kmsg() - a line in the kernel log, as the kernel itself would print
 * it while loading the module ("lwfw: unknown parameter 'x' ignored"):
 * written to /dev/kmsg at syslog level @level (KERN_ERR = 3, KERN_WARNING
 * = 4), and logged through dusk_log() as well.  Without /dev/kmsg (not
 * root), or with a remote kernel (dusk_remote), only the latter.
 */
void dusk_kmsg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The kernel is another machine's (DUSK_TARGET, main.c): dusk_kmsg() logs
 * through dusk_log() only. */
extern int dusk_remote;
/* The reason insmod (kmod) gives for a load that failed with -@err. */
const char *dusk_insmod_strerror(int err);

/* ---- kfail.c: fault injection (dusk-run --fail) ---- */
/* Parse SPEC (DUSK_FAIL) against module @m; reported, -EINVAL when bad. */
int dusk_kfail_setup(const struct dusk_module *m, const char *spec);
/* Should this call of @m's stub @stub fail?  0 if not; else its result in
 * *@ret, which call of the rule's it is in *@nth, and 1 for a NAME@N rule
 * (@nth counts calls of NAME), 2 for #K (@nth counts all that can fail). */
int dusk_kfail_check(const struct dusk_module *m, uint32_t stub, const uint64_t *args,
		     unsigned int nargs, uint64_t *ret, unsigned long *nth);
/* Log how many calls that can fail were made (under --fail only). */
void dusk_kfail_report(void);

/* ---- leaks.c: kernel memory the module never freed ---- */
/* What kernel call with stub flags @flags and @nargs arguments @args gives
 * back (DUSK_STUB_FREE_ANY, include/dusk/abi.h), or 0; the kmod's
 * dusk_freed_arg() reads the same flags the same way. */
uint64_t dusk_stub_freed(uint32_t flags, const uint64_t *args, unsigned int nargs);
/* After kernel call @stub returned @ret to @pc: remember an allocation
 * with the frames from @pc up, forget what a free gave back. */
void dusk_leaks_note(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
		     const void *pc);
/* kmem_cache_free_bulk()'s objects, before the call (its array is
 * still whole); kmem_cache_alloc_bulk()'s, after the call's read-back
 * (which filled its array). */
#define DUSK_MAX_BULK	65536	/* objects a bulk free is searched for */
void dusk_leaks_bulk_free(uint32_t stub, const uint64_t *args, unsigned int nargs);
void dusk_leaks_bulk_alloc(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
			   const void *pc);
/* Log each allocation still remembered, saying @who ("module_exit") did
 * not free it; returns how many. */
unsigned long dusk_leaks_report(const char *who);
void dusk_leaks_reset(void);

/* ---- kasan.c: misuse of the kernel memory the module owns ---- */
/* Set once the module has allocated kernel memory: checks are on. */
extern int dusk_kasan_on;
/* Before kernel call @stub from @pc: a free of a freed object, or of an
 * address inside one, is reported and the program dies. */
void dusk_kasan_before_call(uint32_t stub, const uint64_t *args, unsigned int nargs,
			    const void *pc);
/* After it returned @ret: remember an allocation, mark a freed object. */
void dusk_kasan_after_call(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
			   const void *pc);
/* An access [addr, addr + len) from @pc (dusk_check_kernel()'s return
 * address): NULL when fine, with [*lo, *hi) narrowed to what the fast path
 * may serve; else a guard address to hand the module, whose access faults
 * into dusk_kasan_fault(). */
void *dusk_kasan_access(uint64_t addr, size_t len, const void *pc, uint64_t *lo, uint64_t *hi);
/* The kernel handed the module @p (a callback's argument, a call's
 * result): a freed object holding it is the kernel's again. */
void dusk_kasan_kernel_gave_on(uint64_t p);
/* The kernel handed the program @p (an upcall's argument): with KASAN on,
 * a freed object at it is live again.  Inline: off, it costs no call. */
static inline void dusk_kasan_kernel_gave(uint64_t p)
{
	if (dusk_kasan_on && p >= dusk_kbase)
		dusk_kasan_kernel_gave_on(p);
}
/* From the SIGSEGV handler: was @fault_addr the guard?  Then the report is
 * logged (a read or @write) and 1 returned. */
int dusk_kasan_fault(const void *fault_addr, int write);
void dusk_kasan_reset(void);

/* ---- symfmt.c ---- */
/* A return address @ret in the program's own code as a kernel call trace
 * shows a frame ("p8_init+0x1c/0x90 [p8]", %pB), in @out; 0 when @ret is
 * not in the program's symbol table (a shared library's, or no session). */
int dusk_own_frame(const void *ret, char *out, size_t cap);

/* ---- fault.c ---- */
/* Die with SIGSEGV (its default action: a core, gdb stops). */
void dusk_die(void) __attribute__((noreturn));
/**
 * dusk_fault() - report a fault the program cannot survive and die with
 * SIGSEGV.  @what says what happened ("read of unmapped kernel memory"),
 * @addr/@len the kernel range, @pc a return address inside module code
 * (resolved to file:line), @detail an optional extra (kernel extack).
 */
void dusk_fault(const char *what, uint64_t addr, size_t len, const void *pc,
		const char *detail) __attribute__((noreturn));
/* mirror.c: MIRROR_FREE of the mirror at @kaddr (@percpu: the per-CPU
 * block whose __percpu pointer it is).  0 or -errno. */
int dusk_mirror_free_request(uint64_t kaddr, int percpu);
/* percpu.c: @p handed to the kernel; if it is in an own alloc_percpu()
 * block, the block moves into the kernel and @out is the kernel's pointer
 * for @p (1), else 0 */
int dusk_percpu_handed(uintptr_t p, uint64_t *out);
/* Fatal error (not a memory fault): log and abort(). */
void dusk_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Resolve @pc to "file:line (function)" in @buf; "" if unknown. */
void dusk_symbolize(const void *pc, char *buf, size_t cap);
/* The module's line among frames @pcs[0..n) (each symbolized at pc - @back:
 * 1 for return addresses taken earlier): the first that symbolizes and is
 * not a generated dusk_k_ wrapper or dusk_check(), and when that is in a
 * header, ", called from" the first frame outside one.  1 when found, else 0
 * with @buf empty. */
int dusk_module_line(void *const *pcs, int n, size_t back, char *buf, size_t cap);
/* Install the SIGSEGV/SIGBUS reporter (module NULL dereferences). */
void dusk_fault_install(void);
/* Return address of the module code that entered the runtime on this
 * thread (set at each public entry point), for reports. */
extern DUSK_TLS const void *dusk_entry_pc;

#endif /* DUSK_RT_INTERNAL_H */
