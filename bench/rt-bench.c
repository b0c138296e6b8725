/* SPDX-License-Identifier: MIT */
/*
 * libduskrt microbenchmark, against the in-process simulated kernel:
 *   - dusk_check() on own memory and on an already-filled kernel page, each
 *     as a ratio to a plain load measured in the same run (targets: own
 *     <= 1.5x, cached kernel <= 5x);
 *   - dusk_commit() of a three-level struct graph before a kernel call:
 *     a global graph (mirrors exist: refresh only) and a stack graph
 *     (mirrors allocated and freed every call), each net of the bare call;
 *   - the reverse map's share of filling a shadow page: dusk_rmap_view()
 *     over a page of kernel pointers (one in eight naming a mirror, 64
 *     mirrors live), as a ratio to copying the page, which a fill does
 *     anyway; and a whole page fill (one READ round trip) for scale.
 * Prints "key value" lines (bench/run-rt turns them into a report).
 *
 * Fairness: every loop passes its pointer through an empty asm so the
 * compiler can neither hoist the check nor the load out of the loop, and
 * every loop does the same volatile load; only the check differs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt-internal.h"
#include "sim-kernel.h"

#define KPAGE 0xffff888000040000ull
#define ITERS 50000000L
#define CALLS 3000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

#define OPAQUE(p) __asm__ volatile("" : "+r"(p))

static __attribute__((noinline)) long loop_plain(int *p, long n)
{
	long s = 0;

	for (long i = 0; i < n; i++) {
		int *q = p;

		OPAQUE(q);
		s += *(volatile int *)q;
	}
	return s;
}

static __attribute__((noinline)) long loop_check(int *p, long n)
{
	long s = 0;

	for (long i = 0; i < n; i++) {
		int *q = p;

		OPAQUE(q);
		s += *(volatile int *)dusk_check(q, sizeof(int));
	}
	return s;
}

/* Best of 5 runs, ns per iteration. */
static double best(long (*fn)(int *, long), int *p, long n)
{
	double b = 1e99;
	int r;

	for (r = 0; r < 5; r++) {
		double t0 = now_ns();
		volatile long sink = fn(p, n);

		(void)sink;
		t0 = (now_ns() - t0) / n;
		if (t0 < b)
			b = t0;
	}
	return b;
}

/* ---- a module with a three-level graph ---- */

struct b_leaf {
	int v;
	int w;
	uint64_t (*fn)(const uint64_t *);
};
struct b_mid {
	struct b_leaf *leaf;
	long x;
};
struct b_top {
	struct b_mid *mid;
	struct b_leaf *leaf;
	char name[16];
};

static uint64_t b_hook(const uint64_t *args)
{
	/* Read like a Netfilter hook: fields of the "sk_buff" and headers. */
	if (args[0] >= 0xffff888000000000ull) {
		const uint32_t *skb = dusk_check((const void *)(uintptr_t)args[0], 232);
		const uint8_t *h = dusk_check((const void *)(uintptr_t)(args[0] + 0x2800), 40);

		return skb[3] + h[9] + h[22];
	}
	return args[0];
}

static const struct dusk_field leaf_f[] = {
	{ "v", 0, 4, DUSK_FK_DATA, 0, DUSK_TYPE_NONE, 1 },
	{ "w", 4, 4, DUSK_FK_DATA, 0, DUSK_TYPE_NONE, 1 },
	{ "fn", 8, 8, DUSK_FK_FNPTR, 0, 0, 1 },
};
static const struct dusk_field mid_f[] = {
	{ "leaf", 0, 8, DUSK_FK_PTR, 0, 0, 1 },
	{ "x", 8, 8, DUSK_FK_DATA, 0, DUSK_TYPE_NONE, 1 },
};
static const struct dusk_field top_f[] = {
	{ "mid", 0, 8, DUSK_FK_PTR, 0, 1, 1 },
	{ "leaf", 8, 8, DUSK_FK_PTR, 0, 0, 1 },
	{ "name", 16, 16, DUSK_FK_DATA, 0, DUSK_TYPE_NONE, 1 },
};
static const struct dusk_type types[] = {
	{ "struct b_leaf", sizeof(struct b_leaf), 8, DUSK_TK_STRUCT, 3, leaf_f, DUSK_TYPE_NONE, 0 },
	{ "struct b_mid", sizeof(struct b_mid), 8, DUSK_TK_STRUCT, 2, mid_f, DUSK_TYPE_NONE, 0 },
	{ "struct b_top", sizeof(struct b_top), 8, DUSK_TK_STRUCT, 3, top_f, DUSK_TYPE_NONE, 0 },
};
static const struct dusk_typetab typetab = { DUSK_TYPEINFO_VERSION, 3, types, 0xbe7c };
static const struct dusk_proxy proxies[] = { { "b_hook", (const void *)b_hook, b_hook, 1, 0 } };
static const char *const stubs[] = { "noop" };
static struct b_leaf g_leaf = { 1, 2, b_hook };
static struct b_mid g_mid = { &g_leaf, 3 };
static struct b_top g_top = { &g_mid, &g_leaf, "graph" };
static const struct dusk_object objects[] = {
	{ "g_leaf", &g_leaf, sizeof(g_leaf), 0 },
	{ "g_mid", &g_mid, sizeof(g_mid), 1 },
	{ "g_top", &g_top, sizeof(g_top), 2 },
};
static const struct dusk_module mod = {
	.name = "bench", .proxies = proxies, .nproxies = 1, .stubs = stubs, .nstubs = 1,
	.objects = objects, .nobjects = 3, .types = &typetab, .stub_hash = 0xb,
};

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

static struct dusk_sim *sim;
static double reqs_per_call;

/* Mean wall time of one call in @mode (0 bare, 1 global graph, 2 stack
 * graph); also sets reqs_per_call from the sim's request counter. */
static double per_call_us(int mode)
{
	struct dusk_sim_stats a, b;
	double t0 = now_ns();
	int i;

	dusk_sim_stats(sim, &a);
	for (i = 0; i < CALLS; i++) {
		struct b_leaf leaf = { i, 0, b_hook };
		struct b_mid mid = { &leaf, i };
		struct b_top top = { &mid, &leaf, "stack" };
		uint64_t k = 0;

		if (mode == 1)
			k = dusk_commit(&g_top, 2, 0);
		else if (mode == 2)
			k = dusk_commit(&top, 2, 0);
		dusk_call(0, &k, 1);
	}
	t0 = (now_ns() - t0) / CALLS / 1000.0;
	dusk_sim_stats(sim, &b);
	reqs_per_call = (double)(b.requests - a.requests) / CALLS;
	return t0;
}

#define UPCALLS 20000
#define UPBATCH 32
#define KPKT 0xffff888000100000ull

/* Mean wall time of serving one packet-like upcall (three prefetched
 * chunks: an sk_buff, a hook state, the headers; a hook that reads them),
 * @n of them raised in batches of @batch (a busy hook's are 32, a quiet
 * one's 1); also sets reqs_per_call to the program's datagrams per upcall. */
static double per_upcall_us(int n, int batch)
{
	const struct dusk_sim_range pre[3] = {
		{ KPKT, 232 }, { KPKT + 0x1400, 48 }, { KPKT + 0x2800, 128 },
	};
	uint64_t args[1] = { KPKT }, ctx[UPBATCH], ret;
	struct dusk_sim_upcall u = { .proxy = 0, .args = args, .nargs = 1,
				     .prefetch = pre, .nprefetch = 3 };
	struct dusk_sim_stats a, b;
	double t0 = now_ns();
	int i, j;

	dusk_sim_stats(sim, &a);
	for (i = 0; i < n; i += batch) {
		for (j = 0; j < batch; j++)
			ctx[j] = dusk_sim_upcall(sim, &u);
		for (j = 0; j < batch; j++)
			dusk_sim_wait_reply(sim, ctx[j], &ret, 5000);
	}
	t0 = (now_ns() - t0) / n / 1000.0;
	dusk_sim_stats(sim, &b);
	reqs_per_call = (double)(b.requests - a.requests) / n;
	return t0;
}

#define VIEWS 200000

/* Mean time of one pass over a 4 KiB page: dusk_rmap_view() (@translate)
 * or the memcpy a fill does anyway. */
static double page_pass_ns(int translate)
{
	static uint64_t page[512], out[512];
	double t0;
	long i;
	int j;

	for (j = 0; j < 512; j++)	/* slab-looking pointers around the mirrors */
		page[j] = 0xffff888110000000ull + (uint64_t)j * 4096 + (j % 8 ? 0 : 0x40);
	t0 = now_ns();
	for (i = 0; i < VIEWS; i++) {
		const void *v = out;

		OPAQUE(v);
		if (translate)
			v = dusk_rmap_view(0xffff888000080000ull, page, sizeof(page), out);
		else
			memcpy(out, page, sizeof(page));
		OPAQUE(v);
	}
	return (now_ns() - t0) / VIEWS;
}

/* Mean time of filling one page: a check() that misses, one READ. */
static double page_fill_us(int *kp)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < CALLS; i++) {
		dusk_shadow_invalidate(dusk_thread()->shadow);
		(void)*(volatile int *)dusk_check(kp, sizeof(int));
	}
	return (now_ns() - t0) / CALLS / 1000.0;
}

/*
 * `rt-bench upcall N`: only N lone upcalls, one at a time as at a low packet
 * rate, for an instruction profile of the packet thread's path from its
 * wake-up to its REPLY (valgrind --tool=callgrind).
 */
static int upcalls_only(int n)
{
	double us;

	dusk_sim_map(sim, KPKT, 3 * 4096, 1);
	us = per_upcall_us(n, 1);
	printf("lone_upcall_us %.2f\nlone_upcall_requests %.2f\n", us, reqs_per_call);
	return 0;
}

int main(int argc, char **argv)
{
	static int own = 42;
	int *kp = (int *)(uintptr_t)(KPAGE + 128);
	double plain, own_ns, kern_ns, call_us, glob_us, stack_us;
	uint64_t proxy = 0xffffffffc0000000ull;
	double glob_reqs, stack_reqs, view_ns, copy_ns, fill_us, up_us, up_reqs;
	int j;

	sim = dusk_sim_new();

	dusk_sim_set_hello(sim, DUSK_PROTO_VERSION, typetab.hash, mod.stub_hash, mod.name);
	dusk_sim_set_proxies(sim, &proxy, 1);
	dusk_sim_set_stub(sim, 0, stub_noop, NULL);
	dusk_sim_map(sim, KPAGE, 4096, 1);
	if (dusk_session_open(&mod, dusk_sim_transport(sim), 1)) {
		fprintf(stderr, "rt-bench: session did not open\n");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[1], "upcall")) {
		int rc = upcalls_only(atoi(argv[2]));

		dusk_session_close();
		dusk_sim_free(sim);
		return rc;
	}
	*(int *)dusk_check(kp, sizeof(int)) = 7;	/* fill the page: it is cached now */

	plain = best(loop_plain, &own, ITERS);
	own_ns = best(loop_check, &own, ITERS);
	kern_ns = best(loop_check, kp, ITERS);

	call_us = per_call_us(0);
	call_us = per_call_us(0);	/* warm */
	glob_us = per_call_us(1);
	glob_reqs = reqs_per_call;
	stack_us = per_call_us(2);
	stack_reqs = reqs_per_call;

	/* 64 mirrors of 256 bytes, one every 32 KiB: every eighth word of
	 * page_pass_ns()'s page lands inside one. */
	for (j = 0; j < 64; j++)
		dusk_rmap_add(0xffff888110000000ull + (uint64_t)j * 32768, 256,
			      (uintptr_t)&g_leaf);
	copy_ns = page_pass_ns(0);
	view_ns = page_pass_ns(1);
	fill_us = page_fill_us(kp);
	dusk_sim_map(sim, KPKT, 3 * 4096, 1);
	up_us = per_upcall_us(UPCALLS, UPBATCH);
	up_us = per_upcall_us(UPCALLS, UPBATCH);
	up_reqs = reqs_per_call;

	printf("plain_load_ns %.3f\n", plain);
	printf("check_own_ns %.3f\n", own_ns);
	printf("check_kernel_cached_ns %.3f\n", kern_ns);
	printf("check_own_ratio %.2f\n", own_ns / plain);
	printf("check_kernel_cached_ratio %.2f\n", kern_ns / plain);
	printf("call_us %.2f\n", call_us);
	printf("commit_global_graph_us %.2f\n", glob_us - call_us);
	printf("commit_stack_graph_us %.2f\n", stack_us - call_us);
	printf("commit_global_graph_requests %.1f\n", glob_reqs);
	printf("commit_stack_graph_requests %.1f\n", stack_reqs);
	printf("page_copy_ns %.1f\n", copy_ns);
	printf("rmap_view_page_ns %.1f\n", view_ns);
	printf("rmap_view_ratio %.2f\n", view_ns / copy_ns);
	printf("page_fill_us %.2f\n", fill_us);
	printf("upcall_us %.2f\n", up_us);
	printf("upcall_requests %.2f\n", up_reqs);
	dusk_session_close();
	dusk_sim_free(sim);
	return 0;
}
