/* SPDX-License-Identifier: MIT */
/*
 * commit() against the simulated kernel: a three-level graph of own objects
 * (top -> mid -> leaf) is mirrored with its pointers translated (own ->
 * mirror, NULL and kernel unchanged, cycles closed, arrays of records walked,
 * function pointers -> proxy addresses), what the kernel changes in a mirror
 * comes back into the own object, ambiguous union members and functions
 * without a proxy are refused, and mirrors live as long as they should.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <dusk/kprim.h>

#include "harness.h"
#include "testmod.h"

#define PROXY0 0xffffffffc0000000ull	/* harness_sim()'s proxy addresses */
#define KOBJ 0xffff888000020000ull	/* a kernel object */

static struct dusk_sim *sim;
static uint64_t last_args[4];

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)t; (void)arg;
	memcpy(last_args, a, n * sizeof(*a));
	return 0;
}

/* The kernel changes the mirrors it was given: leaf.v and top.next. */
static uint64_t stub_touch(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	struct top *top = dusk_sim_ptr(s, a[0]);
	struct mid *mid = dusk_sim_ptr(s, (uint64_t)(uintptr_t)top->mid);
	struct leaf *leaf = dusk_sim_ptr(s, (uint64_t)(uintptr_t)mid->leaf);

	(void)n; (void)t; (void)arg;
	leaf->v = 42;
	top->next = (struct top *)top->mid;	/* a pointer to the mid mirror */
	return 1;
}

static uint64_t other_fn(uint64_t a, uint64_t b)
{
	return a + b;
}

static int setup(void **state)
{
	(void)state;
	harness_log_capture();
	memset(&g_leaf, 0, sizeof(g_leaf));
	memset(&g_mid, 0, sizeof(g_mid));
	memset(&g_top, 0, sizeof(g_top));
	g_leaf.v = 7;
	g_leaf.fn = tm_hook;
	g_mid.leaf = &g_leaf;
	g_mid.arr[1].fn = tm_tick;
	g_mid.arr[0].v = 3;
	g_mid.self = &g_mid;
	g_top.mid = &g_mid;
	g_top.name = "top name";
	g_top.next = &g_top;
	g_top.u.l = 12345;
	sim = harness_sim(&tm_module);
	assert_int_equal(dusk_sim_map(sim, KOBJ, 4096, 1), 0);
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_touch, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

static struct dusk_sim_stats stats(void)
{
	struct dusk_sim_stats st;

	dusk_sim_stats(sim, &st);
	return st;
}

static void graph_is_mirrored_and_translated(void **state)
{
	const struct top *kt;
	const struct mid *km;
	const struct leaf *kl;
	uint64_t k, args[1];

	(void)state;
	assert_int_equal(dusk_commit_obj(&g_top, T_TOP, 0, &k), 0);
	assert_true(k >= DUSK_SIM_MIRRORS);
	args[0] = k;
	dusk_call(STUB_NOOP, args, 1);
	assert_int_equal(last_args[0], k);

	kt = dusk_sim_ptr(sim, k);
	assert_non_null(kt);
	assert_ptr_equal(kt->next, (void *)(uintptr_t)k);		/* cycle closed */
	assert_int_equal(kt->u.l, 12345);				/* data in a union */
	assert_true((uintptr_t)kt->name >= DUSK_SIM_MIRRORS);	/* string mirrored */
	assert_string_equal((const char *)dusk_sim_ptr(sim, (uintptr_t)kt->name), "top name");

	km = dusk_sim_ptr(sim, (uintptr_t)kt->mid);
	assert_non_null(km);
	assert_ptr_equal(km->self, kt->mid);				/* self cycle */
	assert_int_equal(km->arr[0].v, 3);
	assert_ptr_equal(km->arr[0].fn, NULL);				/* NULL stays */
	assert_int_equal((uintptr_t)km->arr[1].fn, PROXY0 + 16 * PROXY_TICK);	/* array walked */

	kl = dusk_sim_ptr(sim, (uintptr_t)km->leaf);
	assert_non_null(kl);
	assert_int_equal(kl->v, 7);
	assert_int_equal((uintptr_t)kl->fn, PROXY0 + 16 * PROXY_HOOK);	/* fn -> proxy */

	/* Own objects are untouched by the translation. */
	assert_ptr_equal(g_top.mid, &g_mid);
	assert_ptr_equal(g_leaf.fn, tm_hook);
	assert_int_equal(stats().mirror_allocs, 4);	/* top, mid, leaf, string */
}

static void kernel_pointers_pass_unchanged(void **state)
{
	uint64_t k;

	(void)state;
	g_top.mid = (struct mid *)(uintptr_t)KOBJ;
	g_top.name = NULL;
	g_top.next = NULL;
	assert_int_equal(dusk_commit_obj(&g_top, T_TOP, 0, &k), 0);
	dusk_call(STUB_NOOP, &k, 1);
	assert_int_equal((uintptr_t)((struct top *)dusk_sim_ptr(sim, k))->mid, KOBJ);
	assert_int_equal(stats().mirror_allocs, 1);
	assert_int_equal(dusk_commit_obj((void *)(uintptr_t)KOBJ, T_MID, 0, &k), 0);
	assert_int_equal(k, KOBJ);
	assert_int_equal(dusk_commit_obj(NULL, T_MID, 0, &k), 0);
	assert_int_equal(k, 0);
}

static void kernel_changes_come_back(void **state)
{
	uint64_t k;

	(void)state;
	assert_int_equal(dusk_commit_obj(&g_top, T_TOP, 0, &k), 0);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 1);
	assert_int_equal(g_leaf.v, 42);				/* data copied back */
	assert_ptr_equal(g_top.next, (struct top *)&g_mid);	/* pointer translated back */
	assert_ptr_equal(g_top.mid, &g_mid);			/* unchanged stays */
}

static void refresh_sends_only_changes(void **state)
{
	struct dusk_sim_write w[32];
	uint64_t k;
	size_t n;

	(void)state;
	assert_int_equal(dusk_commit_obj(&g_leaf, T_LEAF, 0, &k), 0);
	dusk_call(STUB_NOOP, &k, 1);
	dusk_sim_take_writes(sim, w, 32);
	g_leaf.v = 8;
	assert_int_equal(dusk_commit_obj(&g_leaf, T_LEAF, 0, &k), 0);
	dusk_call(STUB_NOOP, &k, 1);
	n = dusk_sim_take_writes(sim, w, 32);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].addr, k);
	assert_int_equal(w[0].len, 1);		/* 7 -> 8: one byte */
	assert_int_equal(stats().mirror_allocs, 1);	/* same mirror */
}

static void ambiguous_union_refused(void **state)
{
	uint64_t k;

	(void)state;
	g_top.u.p = &g_leaf;
	assert_int_equal(dusk_commit_obj(&g_top, T_TOP, 0, &k), -EINVAL);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "union either field 'p'"));
	assert_true(harness_log_has(DUSK_LOG_ERROR, "union member holds own address"));
	g_top.u.p = (void *)(uintptr_t)KOBJ;		/* a kernel pointer is fine */
	assert_int_equal(dusk_commit_obj(&g_top, T_TOP, 0, &k), 0);
}

/* A pointer or inline data in one word (struct property_entry's): read by
 * value.  An own address, directly or as the inline string pointer, gets
 * its mirror; inline numbers and kernel addresses stay as they are. */
static void pointer_or_data_union_by_value(void **state)
{
	const union word *ku;
	const struct leaf *kl;
	uint64_t k, args[1];

	(void)state;
	g_word.p = &g_leaf;
	assert_int_equal(dusk_commit_obj(&g_word, T_WORD, 0, &k), 0);
	args[0] = k;
	dusk_call(STUB_NOOP, args, 1);
	ku = dusk_sim_ptr(sim, k);
	assert_non_null(ku);
	assert_true((uintptr_t)ku->p >= DUSK_SIM_MIRRORS);
	kl = dusk_sim_ptr(sim, (uintptr_t)ku->p);
	assert_non_null(kl);
	assert_int_equal(kl->v, 7);
	assert_ptr_equal(g_word.p, &g_leaf);		/* own object untouched */

	g_word.value.str[0] = "inline";			/* PROPERTY_ENTRY_STRING */
	assert_int_equal(dusk_commit_obj(&g_word, T_WORD, 0, &k), 0);
	dusk_call(STUB_NOOP, args, 1);
	ku = dusk_sim_ptr(sim, k);
	assert_true((uintptr_t)ku->value.str[0] >= DUSK_SIM_MIRRORS);
	assert_string_equal((const char *)dusk_sim_ptr(sim, (uintptr_t)ku->value.str[0]), "inline");

	g_word.value.u32_data[0] = 5;			/* PROPERTY_ENTRY_U32 */
	g_word.value.u32_data[1] = 0;
	assert_int_equal(dusk_commit_obj(&g_word, T_WORD, 0, &k), 0);
	dusk_call(STUB_NOOP, args, 1);
	ku = dusk_sim_ptr(sim, k);
	assert_int_equal(ku->value.u32_data[0], 5);
	assert_int_equal(ku->value.u32_data[1], 0);

	g_word.p = (void *)(uintptr_t)KOBJ;		/* a kernel pointer stays */
	assert_int_equal(dusk_commit_obj(&g_word, T_WORD, 0, &k), 0);
	dusk_call(STUB_NOOP, args, 1);
	ku = dusk_sim_ptr(sim, k);
	assert_int_equal((uintptr_t)ku->p, KOBJ);
	assert_false(harness_log_has(DUSK_LOG_ERROR, "union member holds own address"));
}

/* A union of data pointers only: the own address is translated whichever
 * member is live (the pointee mirrored by its own type). */
static void data_pointer_union_translated(void **state)
{
	const union ptrs *ku;
	const struct leaf *kl;
	uint64_t k, args[1];

	(void)state;
	g_ptrs.leaf = &g_leaf;
	assert_int_equal(dusk_commit_obj(&g_ptrs, T_PTRS, 0, &k), 0);
	args[0] = k;
	dusk_call(STUB_NOOP, args, 1);		/* the mirrors' bytes go with it */
	ku = dusk_sim_ptr(sim, k);
	assert_non_null(ku);
	assert_true((uintptr_t)ku->leaf >= DUSK_SIM_MIRRORS);
	kl = dusk_sim_ptr(sim, (uintptr_t)ku->leaf);
	assert_non_null(kl);
	assert_int_equal(kl->v, 7);
	assert_ptr_equal(g_ptrs.leaf, &g_leaf);		/* own object untouched */
	assert_false(harness_log_has(DUSK_LOG_ERROR, "union member holds own address"));
}

/* A union of records with function pointers (struct crypto_alg's cra_u):
 * a cipher's key sizes where the compressor's first function would be are
 * data, its functions get their proxies; a compressor's functions too.  A
 * function of the program's without a proxy is still refused there. */
static void function_union_member_by_value(void **state)
{
	const struct tm_alg *ka;
	uint64_t k, args[1];

	(void)state;
	memset(&g_alg, 0, sizeof(g_alg));
	g_alg.name = "blowfish";
	g_alg.u.cipher.min_keysize = 4;
	g_alg.u.cipher.max_keysize = 56;
	g_alg.u.cipher.setkey = tm_hook;
	g_alg.u.cipher.encrypt = tm_tick;
	assert_int_equal(dusk_commit_obj(&g_alg, T_ALG, 0, &k), 0);
	args[0] = k;
	dusk_call(STUB_NOOP, args, 1);
	ka = dusk_sim_ptr(sim, k);
	assert_non_null(ka);
	assert_int_equal(ka->u.cipher.min_keysize, 4);
	assert_int_equal(ka->u.cipher.max_keysize, 56);
	assert_int_equal((uintptr_t)ka->u.cipher.setkey, PROXY0 + 16 * PROXY_HOOK);
	assert_int_equal((uintptr_t)ka->u.cipher.encrypt, PROXY0 + 16 * PROXY_TICK);
	assert_false(harness_log_has(DUSK_LOG_ERROR, "has no generated proxy"));

	memset(&g_alg.u, 0, sizeof(g_alg.u));
	g_alg.u.compress.compress = tm_tick;
	g_alg.u.compress.decompress = tm_hook;
	assert_int_equal(dusk_commit_obj(&g_alg, T_ALG, 0, &k), 0);
	dusk_call(STUB_NOOP, args, 1);
	ka = dusk_sim_ptr(sim, k);
	assert_int_equal((uintptr_t)ka->u.compress.compress, PROXY0 + 16 * PROXY_TICK);
	assert_int_equal((uintptr_t)ka->u.compress.decompress, PROXY0 + 16 * PROXY_HOOK);

	g_alg.u.cipher.encrypt = other_fn;
	assert_int_equal(dusk_commit_obj(&g_alg, T_ALG, 0, &k), -ENOENT);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "has no generated proxy"));
}

static void function_without_proxy_refused(void **state)
{
	uint64_t k;

	(void)state;
	g_leaf.fn = other_fn;
	assert_int_equal(dusk_commit_obj(&g_leaf, T_LEAF, 0, &k), -ENOENT);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "struct leaf field 'fn'"));
	assert_true(harness_log_has(DUSK_LOG_ERROR, "no generated proxy"));
}

/* One frame of a module function: a local and a global handed to a call,
 * and a second call that hands neither (call_usermodehelper_setup() of a
 * local argv, then call_usermodehelper_exec() of what it returned). */
static __attribute__((noinline)) uint64_t frame_with_local(uint64_t *global)
{
	struct leaf local = { .v = 9, .fn = tm_hook };
	uint64_t args[2];

	args[0] = dusk_commit(&local, T_LEAF, 0);
	args[1] = dusk_commit(&g_leaf, T_LEAF, 0);
	assert_int_not_equal(args[0], (uintptr_t)&local);
	assert_int_equal(stats().mirrors_live, 2);
	dusk_call(STUB_NOOP, args, 2);
	/* the frame is live: the kernel may still use the local's mirror */
	assert_int_equal(stats().mirrors_live, 2);
	assert_int_equal(stats().mirror_frees, 0);
	dusk_call(STUB_NOOP, args + 1, 1);
	assert_int_equal(stats().mirrors_live, 2);
	/* handed on again, the object is the one the kernel knows
	 * (unregister_kprobe(&kp) after register_kprobe(&kp)) */
	local.v = 10;
	assert_int_equal(dusk_commit(&local, T_LEAF, 0), args[0]);
	dusk_call(STUB_NOOP, args, 1);
	assert_int_equal(stats().mirror_allocs, 2);
	assert_int_equal(*(int *)dusk_sim_ptr(sim, args[0] + offsetof(struct leaf, v)), 10);
	*global = args[1];
	return args[0];
}

/* A kernel format's arguments under the program's va_list, as the words
 * a stub takes (vafmt.c). */
static int va_words_of(uint64_t *out, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = dusk_va_words(&fmt, buf, sizeof(buf), NULL, 0, &ap, out, DUSK_MAX_ARGS, "test");
	va_end(ap);
	return n;
}

/*
 * `%.*s` of a buffer without a NUL (a name field, a packet's bytes): the
 * kernel reads as far as the precision, and so does the commit.  It read
 * on to a NUL, past the buffer: here into a page the program cannot read
 * (a SIGSEGV before the fix; under ASan, an overflow report).
 */
static void va_string_committed_to_its_precision(void **state)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	char *raw = map + pg - 4;
	uint64_t w[DUSK_MAX_ARGS];

	(void)state;
	assert_ptr_not_equal(map, MAP_FAILED);
	assert_int_equal(mprotect(map + pg, pg, PROT_NONE), 0);
	memcpy(raw, "wxyz", 4);
	assert_int_equal(va_words_of(w, "%.*s|%.2s|%.0s|%.*s", 4, raw, raw, raw, -1, raw), 6);
	assert_int_equal(w[0], 4);
	assert_true(w[1] >= dusk_kbase);
	assert_memory_equal(dusk_sim_ptr(sim, w[1]), "wxyz", 4);
	assert_true(w[2] >= dusk_kbase);
	assert_memory_equal(dusk_sim_ptr(sim, w[2]), "wx", 2);
	assert_true(w[3] >= dusk_kbase);	/* %.0s: read by no one, still kernel memory */
	assert_true(w[5] >= dusk_kbase);	/* a negative precision is 0 */
	/* a string with its NUL inside the precision: up to the NUL */
	memcpy(map, "ab\0z", 4);
	assert_int_equal(va_words_of(w, "%.3s", map), 1);
	assert_memory_equal(dusk_sim_ptr(sim, w[0]), "ab", 3);
	munmap(map, 2 * pg);
}

static void stack_mirror_freed_global_kept(void **state)
{
	uint64_t args[2];

	(void)state;
	frame_with_local(&args[1]);
	assert_int_equal(stats().mirrors_live, 2);	/* the frame's last one */
	/* the frame returned: its mirror goes with the thread's next call */
	dusk_call(STUB_NOOP, args + 1, 0);
	assert_int_equal(stats().mirrors_live, 1);
	assert_int_equal(stats().mirror_frees, 1);
	assert_int_equal(dusk_commit_nmirrors(), 1);
	/* The global keeps its mirror across calls. */
	assert_int_equal(dusk_commit(&g_leaf, T_LEAF, 0), args[1]);
	dusk_call(STUB_NOOP, args + 1, 1);
	assert_int_equal(stats().mirror_allocs, 2);
	/* Session end frees everything. */
	dusk_session_close();
	assert_int_equal(stats().mirrors_live, 0);
	assert_int_equal(stats().mirror_frees, 2);
	assert_int_equal(dusk_commit_nmirrors(), 0);
}

static void *thread_with_local(void *arg)
{
	struct leaf local = { .v = 5, .fn = tm_hook };
	uint64_t k = dusk_commit(&local, T_LEAF, 0);

	(void)arg;
	dusk_call(STUB_NOOP, &k, 1);	/* its mirror dormant: the frame lives */
	return NULL;
}

/* A thread that exits leaves no stack mirror behind: a new thread may get
 * the same stack, whose objects the old mirror's type would translate. */
static void exited_thread_leaves_no_stack_mirror(void **state)
{
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, thread_with_local, NULL), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(stats().mirrors_live, 1);
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(stats().mirrors_live, 0);
	assert_int_equal(dusk_commit_nmirrors(), 0);
}

static void function_argument_becomes_proxy(void **state)
{
	uint64_t k;

	(void)state;
	/* How dusk-rewrite passes a function pointer argument. */
	assert_int_equal(dusk_commit((const void *)(uintptr_t)tm_tick, DUSK_TYPE_NONE, 0),
			 PROXY0 + 16 * PROXY_TICK);
	assert_int_equal(dusk_commit_obj((const void *)(uintptr_t)other_fn, DUSK_TYPE_NONE, 0, &k),
			 -EINVAL);	/* no proxy: refused, not passed as a user address */
	assert_int_equal(stats().mirror_allocs, 0);
}

static void pointers_stored_in_kernel_memory(void **state)
{
	struct {
		uint64_t a;
		uint64_t (*fn)(uint64_t, uint64_t);
		struct leaf *leaf;
		uint64_t plain;
	} *k = dusk_check((void *)(uintptr_t)KOBJ, 32), *km = dusk_sim_ptr(sim, KOBJ);
	const struct leaf *kl;

	(void)state;
	k->fn = tm_hook;		/* a module function */
	k->leaf = &g_leaf;		/* a module global */
	k->plain = 0x1234;		/* data */
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal((uintptr_t)km->fn, PROXY0 + 16 * PROXY_HOOK);
	assert_true((uintptr_t)km->leaf >= DUSK_SIM_MIRRORS);
	kl = dusk_sim_ptr(sim, (uintptr_t)km->leaf);
	assert_non_null(kl);
	assert_int_equal(kl->v, 7);		/* the global's mirror, filled */
	assert_int_equal(km->plain, 0x1234);
	assert_int_equal(km->a, 0);
}

/* A module function (DUSK_FRAME, as generated code has it) that stores the
 * address of a stack object of its own into kernel memory, as
 * ahash_request_set_callback(req, ..., crypto_req_done, &wait) does, and
 * makes a call that reaches it: a held mirror, while the frame lives. */
static __attribute__((noinline)) void store_stack_address(void)
{
	DUSK_FRAME;
	struct { uint64_t done, err; } wait = { 0, 0 };
	void **k = dusk_check((void *)(uintptr_t)KOBJ, sizeof(void *));

	*k = &wait;
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(stats().mirrors_live, 1);
	*k = NULL;
}

/* ... and its end drops that mirror (p71_cryptouse: the next function's
 * scatterlist at the dead crypto_wait's place met it, "reaches past the 80
 * bytes mirrored", and the program stopped). */
static void frame_end_drops_held_stack_mirror(void **state)
{
	(void)state;
	store_stack_address();
	assert_int_equal(stats().mirrors_live, 0);
}

/* The module's own alloc_percpu() block handed to the kernel, stored into
 * a kernel object (a network driver's dev->tstats) or passed to a kernel
 * call (dev_fetch_sw_netstats()): the kernel would add its per-CPU offsets
 * to it, so the block moves into a per-CPU mirror, each CPU's copy written
 * there, and the kernel gets the mirror's __percpu pointer; the module's
 * accesses through the block then reach the kernel's copies.  Before, it
 * got a plain mirror and the kernel a general protection fault
 * (p11netstat); then it was refused and the program stopped. */
static void own_percpu_block_moved(void **state)
{
	uint64_t *k = dusk_check((void *)(uintptr_t)KOBJ, 8), a, kp, c1;
	uint32_t *pc = dusk_percpu_alloc(32, 8);
	uint32_t *copy, *w;
	uint64_t live = stats().mirrors_live;

	(void)state;
	assert_non_null(pc);
	((uint32_t *)dusk_percpu_ptr((uintptr_t)pc, 0, NULL))[0] = 11;
	if (dusk_nr_cpu_ids() > 1)
		((uint32_t *)dusk_percpu_ptr((uintptr_t)pc, 1, NULL))[0] = 22;
	*k = (uintptr_t)pc + 4;			/* stored into a kernel object */
	dusk_call(STUB_NOOP, NULL, 0);
	kp = *(uint64_t *)dusk_sim_ptr(sim, KOBJ);
	assert_true(kp >= DUSK_SIM_MIRRORS);	/* the kernel's pointer, not ours */
	/* each CPU's copy is the kernel's now, written as it was */
	copy = dusk_sim_ptr(sim, dusk_percpu_ptr((uintptr_t)pc, 0, NULL));
	assert_non_null(copy);
	assert_int_equal(copy[0], 11);
	if (dusk_nr_cpu_ids() > 1) {
		c1 = dusk_percpu_ptr((uintptr_t)pc, 1, NULL);
		assert_int_equal(((uint32_t *)dusk_sim_ptr(sim, c1))[0], 22);
	}
	/* handed again (a kernel call's argument): the same pointer */
	a = dusk_commit((char *)pc + 4, DUSK_TYPE_NONE, 0);
	assert_int_equal(a, kp);
	/* a store through per_cpu_ptr() reaches the kernel's copy */
	w = dusk_check((void *)dusk_percpu_ptr((uintptr_t)pc, 0, NULL), 4);
	*w += 5;
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(copy[0], 16);
	assert_int_equal(stats().mirrors_live, live + 1);
	dusk_percpu_free(pc);
	assert_int_equal(stats().mirrors_live, live);
}

/* skb_copy_bits(skb, off, to, len): the kernel fills a buffer. */
static uint64_t stub_fill(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)n; (void)t; (void)arg;
	memset(dusk_sim_ptr(s, a[0]), 0xAB, a[1]);
	return 0;
}

static void stack_buffer_of_unknown_size(void **state)
{
	char before[8] = "before", buf[100], after[8] = "after";
	uint64_t args[2];

	(void)state;
	memset(buf, 0, sizeof(buf));
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_fill, NULL);
	args[0] = dusk_commit(buf, DUSK_TYPE_NONE, 0);	/* a void * of unknown size */
	args[1] = 60;
	dusk_call(STUB_TOUCH, args, 2);
	assert_int_equal((unsigned char)buf[0], 0xAB);
	assert_int_equal((unsigned char)buf[59], 0xAB);
	assert_int_equal(buf[60], 0);			/* what the kernel did not write */
	assert_string_equal(before, "before");		/* neighbours untouched */
	assert_string_equal(after, "after");
	assert_int_equal(stats().mirrors_live, 1);	/* while its frame lives */
	dusk_commit_release_held(__builtin_frame_address(0));
	assert_int_equal(stats().mirrors_live, 0);
}

/* SHASH_DESC_ON_STACK(desc, tfm): a struct with a flexible array over a
 * char array on the stack, handed to crypto_shash_digest(), which writes
 * the descriptor's context past the struct's size.  The mirror must hold
 * the context (the kernel writes 60 bytes), not just sizeof(struct). */
static uint64_t stub_fill_in_bounds(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				    char *t, void *arg)
{
	unsigned char *first = dusk_sim_ptr(s, a[0]), *last = dusk_sim_ptr(s, a[0] + a[1] - 1);

	(void)n; (void)t; (void)arg;
	if (!first || last != first + a[1] - 1)
		return (uint64_t)-EFAULT;	/* past the mirror: a heap overflow */
	memset(first, 0xAB, a[1]);
	return 0;
}

static void flexible_struct_on_stack(void **state)
{
	char before[8] = "before";
	uint64_t buf[16];
	char after[8] = "after";
	struct tm_flex *d = (struct tm_flex *)buf;
	uint64_t args[2];

	(void)state;
	memset(buf, 0, sizeof(buf));
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_fill_in_bounds, NULL);
	args[0] = dusk_commit(d, T_FLEX, 0);
	args[1] = 60;
	assert_int_equal(dusk_call(STUB_TOUCH, args, 2), 0);
	assert_int_equal(((unsigned char *)buf)[59], 0xAB);	/* came back */
	assert_int_equal(((unsigned char *)buf)[60], 0);
	assert_string_equal(before, "before");
	assert_string_equal(after, "after");
	dusk_commit_release_held(__builtin_frame_address(0));
	assert_int_equal(stats().mirrors_live, 0);
}

/* kernel_bind(sock, (struct sockaddr *)&sin6, sizeof(sin6)): an object
 * passed as a type it is larger than, its length not a multiple of the
 * type's size (28 bytes as a 16-byte struct sockaddr).  The kernel reads
 * all 28: the mirror must hold them, not the 16 of one element. */
static void object_larger_than_its_type(void **state)
{
	_Alignas(8) unsigned char obj[28];
	char after[8] = "after";
	uint64_t args[2];

	(void)state;
	memset(obj, 0, sizeof(obj));
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_fill_in_bounds, NULL);
	args[0] = dusk_commit((struct leaf *)obj, T_LEAF, sizeof(obj));
	args[1] = sizeof(obj);
	assert_int_equal(dusk_call(STUB_TOUCH, args, 2), 0);
	assert_int_equal(obj[27], 0xAB);		/* came back */
	assert_string_equal(after, "after");
	dusk_commit_release_held(__builtin_frame_address(0));
	assert_int_equal(stats().mirrors_live, 0);
}

/* kfifo_in(&f, "hello", 5), copy_to_user(buf, "one\n", 4): the kernel
 * copies @a[1] bytes from @a[0] into the kernel object KOBJ. */
static uint64_t stub_copy_in(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			     void *arg)
{
	(void)n; (void)t; (void)arg;
	memcpy(dusk_sim_ptr(s, KOBJ), dusk_sim_ptr(s, a[0]), a[1]);
	return 0;
}

static void readonly_bytes_of_unknown_size(void **state)
{
	static const char *const lits[] = { "hello", "world!" };
	uint64_t args[2], first;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_copy_in, NULL);
	/* a const void * into a string literal: no type, no length */
	args[0] = first = dusk_commit(lits[0], DUSK_TYPE_NONE, 0);
	args[1] = 5;
	assert_int_not_equal(args[0], 0);
	dusk_call(STUB_TOUCH, args, 2);
	assert_memory_equal(dusk_sim_ptr(sim, KOBJ), "hello", 5);
	args[0] = dusk_commit(lits[1], DUSK_TYPE_NONE, 0);
	args[1] = 7;
	dusk_call(STUB_TOUCH, args, 2);
	assert_memory_equal(dusk_sim_ptr(sim, KOBJ), "world!", 7);
	/* a session mirror, kept */
	assert_int_equal(dusk_commit(lits[0], DUSK_TYPE_NONE, 0), first);
}

/* simple_read_from_buffer(ubuf, ...) from a read() callback: ubuf is the
 * calling process's buffer, untyped and unsized; that the same address is
 * mapped in the program (here: a heap block) does not make it an own
 * object.  It reaches the kernel unchanged, no mirror made. */
static void mapped_user_address_passes_unchanged(void **state)
{
	char *ubuf = malloc(4096);
	size_t before = stats().mirrors_live;

	(void)state;
	assert_non_null(ubuf);
	assert_int_equal(dusk_commit(ubuf, DUSK_TYPE_NONE, 0), (uint64_t)(uintptr_t)ubuf);
	assert_int_equal(stats().mirrors_live, before);
	free(ubuf);
}

/* strim(buf): the kernel writes into a char buffer it was handed. */
static uint64_t stub_strim(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			   void *arg)
{
	char *b = dusk_sim_ptr(s, a[0]);

	(void)n; (void)t; (void)arg;
	b[strlen(b) - 1] = 0;
	return a[0];
}

static void char_buffer_written_by_the_kernel(void **state)
{
	char cmd[16] = "fast\n";
	static char gbuf[8] = "slow\n";
	uint64_t k;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_strim, NULL);
	k = dusk_commit(cmd, DUSK_TYPE_CSTRING, sizeof(cmd));
	dusk_call(STUB_TOUCH, &k, 1);
	assert_string_equal(cmd, "fast");
	k = dusk_commit(gbuf, DUSK_TYPE_CSTRING, sizeof(gbuf));
	dusk_call(STUB_TOUCH, &k, 1);
	assert_string_equal(gbuf, "slow");
}

/* The kernel fills the buffer a record's `char *` names (seq_buf_printf()
 * into the buffer seq_buf_init() put in a stack `struct seq_buf`): 11
 * characters and a NUL, in bounds of the mirror or not at all. */
static uint64_t stub_fill_record_text(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				      char *t, void *arg)
{
	struct top *top = dusk_sim_ptr(s, a[0]);
	uint64_t name = (uint64_t)(uintptr_t)top->name;
	char *first = dusk_sim_ptr(s, name), *last = dusk_sim_ptr(s, name + 11);

	(void)n; (void)t; (void)arg;
	if (!first || last != first + 11)
		return (uint64_t)-EFAULT;	/* past the mirror: a heap overflow */
	memcpy(first, "0123456789a", 12);
	return 0;
}

/*
 * A stack char buffer reached through a record's `char *`, not as an
 * argument (p71_strfmt: seq_buf_printf() into a `char small[12]` of the
 * caller's): mirrored up to its first NUL, one byte (a kmalloc-8 object),
 * the kernel wrote 12 bytes into it -- SLUB "Right Redzone overwritten".
 */
static void record_char_pointer_at_stack_buffer(void **state)
{
	char small[12] = "", after[8] = "after";
	struct top top = { .name = small };
	uint64_t k;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_fill_record_text, NULL);
	k = dusk_commit(&top, T_TOP, 0);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 0);
	assert_string_equal(small, "0123456789a");	/* came back */
	assert_string_equal(after, "after");
	dusk_commit_release_held(__builtin_frame_address(0));
	assert_int_equal(stats().mirrors_live, 0);
}

/* class_create() hides a `static struct lock_class_key`: size 0 without
 * lockdep.  The kernel gets an address of its own for it, every time the
 * same, and never the one of the object that follows it. */
static void empty_object_gets_an_address(void **state)
{
	static struct { int key[0]; struct leaf next; } pair;
	uint64_t k, kn;

	(void)state;
	assert_int_equal(dusk_commit_obj(pair.key, T_EMPTY, 0, &k), 0);
	assert_true(k >= DUSK_SIM_MIRRORS);
	dusk_call(STUB_NOOP, &k, 1);
	assert_int_equal(dusk_commit(pair.key, T_EMPTY, 0), k);
	assert_int_equal(dusk_commit_obj(&pair.next, T_LEAF, 0, &kn), 0);
	assert_int_not_equal(kn, k);
	assert_int_equal(dusk_commit(pair.key, T_EMPTY, 0), k);
}

static void array_of_globals_by_element(void **state)
{
	static struct leaf arr[3];
	uint64_t k;

	(void)state;
	/* A pointer into an own array of known size (len) mirrors the array. */
	arr[2].fn = tm_hook;
	assert_int_equal(dusk_commit_obj(arr, T_LEAF, sizeof(arr), &k), 0);
	dusk_call(STUB_NOOP, &k, 1);
	assert_int_equal((uintptr_t)((struct leaf *)dusk_sim_ptr(sim, k))[2].fn,
			 PROXY0 + 16 * PROXY_HOOK);
}

#define KTASK 0xffff800000001230ull	/* current, as init_wait_entry() stores it */
#define KWAKE 0xffffffff81001000ull	/* autoremove_wake_function */

/* init_wait_entry(&wq_entry, 0): the kernel writes every field. */
static uint64_t stub_init_wait(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			       void *arg)
{
	struct tm_wait *w = dusk_sim_ptr(s, a[0]);

	(void)n; (void)t; (void)arg;
	w->flags = 0;
	w->private = (void *)(uintptr_t)KTASK;
	w->func = (void *)(uintptr_t)KWAKE;
	w->entry.next = w->entry.prev = (struct tm_list *)(uintptr_t)(a[0] + offsetof(struct tm_wait, entry));
	return 0;
}

/*
 * A wait entry on the stack is handed to init_wait_entry() before it holds
 * anything: its stack garbage that looks like a program address goes to the
 * kernel as NULL.  The kernel's words must come back whole: a byte of the
 * kernel's task pointer equal to the NULL's byte is not the program's
 * (its garbage byte there made a pointer half task, half stack address, which
 * the next commit sent to the kernel: wake_up() oopsed on it).
 */
static void fresh_wait_entry_gets_kernel_words_whole(void **state)
{
	struct tm_wait w;
	struct dusk_sim_write wr[8];
	uint64_t k;

	(void)state;
	w.flags = 0xa5a5a5a5;
	w.private = &k;			/* garbage: a stack address */
	w.func = &w;
	w.entry.next = w.entry.prev = (struct tm_list *)&k;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_init_wait, NULL);
	assert_int_equal(dusk_commit_obj(&w, T_WAIT, 0, &k), 0);
	dusk_call(STUB_TOUCH, &k, 1);
	assert_int_equal((uintptr_t)w.private, KTASK);
	assert_int_equal((uintptr_t)w.func, KWAKE);
	assert_ptr_equal(w.entry.next, &w.entry);	/* the mirror's name for itself */
	assert_int_equal(w.flags, 0);
	/* the next call (prepare_to_wait_event()) sends the kernel nothing */
	dusk_sim_take_writes(sim, wr, 8);
	assert_int_equal(dusk_commit_obj(&w, T_WAIT, 0, &k), 0);
	dusk_call(STUB_NOOP, &k, 1);
	assert_int_equal(dusk_sim_take_writes(sim, wr, 8), 0);
}

/*
 * A new mirror of a global holds its first image when the commit returns,
 * before any call: another program thread may find it and reach the
 * kernel with a call of its own first (the sixth round's percpu_ref probe:
 * a zeroed completion, list corruption, a kernel BUG).  Before, the image
 * rode in the committing thread's next CALL.
 */
static void new_global_mirror_holds_its_image_at_once(void **state)
{
	const struct leaf *kl;
	uint64_t k;

	(void)state;
	assert_int_equal(dusk_commit_obj(&g_leaf, T_LEAF, 0, &k), 0);
	kl = dusk_sim_ptr(sim, k);
	assert_non_null(kl);
	assert_int_equal(kl->v, 7);
	assert_int_equal((uintptr_t)kl->fn, PROXY0 + 16 * PROXY_HOOK);
}

/*
 * Another thread's stack object, reached by this thread (a worker's
 * complete() of the completion beside a stack work item, found by
 * container_of()): its new mirror holds its image when the commit returns.
 * The owner uses that mirror with its next call, which may reach the kernel
 * before this thread's message; the image rode in this thread's CALL, and
 * the owner's wait_for_completion() met a zeroed wait list (e2e kstackjob:
 * list corruption, a kernel BUG, one run in ten).
 */
struct owner_sync {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct leaf *local;	/* the owner's, published */
	int done;		/* the reacher has looked */
};

static void *owner_with_local(void *arg)
{
	struct owner_sync *o = arg;
	struct leaf local = { .v = 11, .fn = tm_hook };
	struct leaf other = { .v = 1 };
	uint64_t k = dusk_commit(&other, T_LEAF, 0);

	dusk_call(STUB_NOOP, &k, 1);	/* this thread has its commit state */
	pthread_mutex_lock(&o->lock);
	o->local = &local;
	pthread_cond_broadcast(&o->cond);
	while (!o->done)
		pthread_cond_wait(&o->cond, &o->lock);
	pthread_mutex_unlock(&o->lock);
	return NULL;
}

static void other_threads_stack_object_holds_its_image_at_once(void **state)
{
	struct owner_sync o = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0 };
	const struct leaf *kl;
	pthread_t th;
	uint64_t k;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, owner_with_local, &o), 0);
	pthread_mutex_lock(&o.lock);
	while (!o.local)
		pthread_cond_wait(&o.cond, &o.lock);
	pthread_mutex_unlock(&o.lock);
	assert_int_equal(dusk_commit_obj(o.local, T_LEAF, 0, &k), 0);
	assert_int_not_equal(k, (uintptr_t)o.local);
	kl = dusk_sim_ptr(sim, k);
	assert_non_null(kl);
	assert_int_equal(kl->v, 11);
	assert_int_equal((uintptr_t)kl->fn, PROXY0 + 16 * PROXY_HOOK);
	pthread_mutex_lock(&o.lock);
	o.done = 1;
	pthread_cond_broadcast(&o.cond);
	pthread_mutex_unlock(&o.lock);
	assert_int_equal(pthread_join(th, NULL), 0);
	dusk_call(STUB_NOOP, NULL, 0);
}

/*
 * A stack object holding a queue head another context wakes (a completion
 * the thread is about to wait on, which a worker completes): its mirror
 * holds its image when the commit returns, so the worker's call cannot
 * reach the kernel before it and meet a zeroed wait list.  Other stack
 * objects' images ride in the thread's next message (one round trip less).
 */
static void stack_queue_head_holds_its_image_at_once(void **state)
{
	struct tm_completion c = { .done = 0 };
	struct leaf local = { .v = 4 };
	const struct tm_completion *kc;
	const struct leaf *kl;
	uint64_t k, kleaf;

	(void)state;
	c.wait.task_list.next = c.wait.task_list.prev = &c.wait.task_list;
	assert_int_equal(dusk_commit_obj(&c, T_COMPLETION, 0, &k), 0);
	kc = dusk_sim_ptr(sim, k);
	assert_non_null(kc);
	assert_int_equal((uintptr_t)kc->wait.task_list.next, k + offsetof(struct tm_completion, wait.task_list));
	assert_int_equal((uintptr_t)kc->wait.task_list.prev, k + offsetof(struct tm_completion, wait.task_list));
	assert_int_equal(dusk_commit_obj(&local, T_LEAF, 0, &kleaf), 0);
	kl = dusk_sim_ptr(sim, kleaf);
	assert_non_null(kl);
	assert_int_equal(kl->v, 0);	/* not yet: with the call */
	dusk_call(STUB_NOOP, &k, 1);
}

/*
 * Registered stack locals (DUSK_LOCAL(), runtime.h): a typed pointer into
 * one, reached through another object, is mirrored as the whole local.  A
 * stack `struct spi_transfer t[2]` linked into a message's list reached
 * the kernel as a 16-byte mirror of the list_head it pointed at, and the
 * SPI core's container_of() read the slab redzone (general protection
 * fault); a stack property_entry array as one entry.
 */
static void locals_are_frame_records(void **state);

static __attribute__((noinline)) void inner_frame(const char *a)
{
	DUSK_FRAME;
	int n = dusk_frames.nlocals;

	dusk_local_add(a, 8, T_LEAF, 1);
	assert_int_equal(dusk_frames.nlocals, n + 1);
}

static __attribute__((noinline)) void records_frame(void)
{
	DUSK_FRAME;
	char a[64];
	int n = dusk_frames.nlocals;

	dusk_local_add(a, 32, T_MID, 1);
	dusk_local_add(a + 32, 32, T_LEAF, 2);
	assert_int_equal(dusk_frames.nlocals, n + 2);
	/* the same local declared again (a loop): no second record */
	dusk_local_add(a + 32, 32, T_LEAF, 2);
	assert_int_equal(dusk_frames.nlocals, n + 2);
	assert_ptr_equal(dusk_frames.local[n + 1].addr, a + 32);
	/* a later block's local where both lay: they are gone */
	dusk_local_add(a + 16, 32, T_TOP, 1);
	assert_int_equal(dusk_frames.nlocals, n + 1);
	assert_int_equal(dusk_frames.local[n].type, T_TOP);
	/* a callee's locals go with its frame; another frame's never
	 * overlap ours */
	inner_frame(a + 48);
	assert_int_equal(dusk_frames.nlocals, n + 1);
	assert_int_equal(dusk_frames.local[n].type, T_TOP);
}

static void locals_are_frame_records(void **state)
{
	int n = dusk_frames.nlocals;

	(void)state;
	records_frame();
	assert_int_equal(dusk_frames.nlocals, n);
}

/* The base of the mirror of the two-element stack array of struct mid
 * that kernel address @k points into, @off bytes in. */
static const struct mid *mid_pair(uint64_t k, size_t off, uint64_t *base)
{
	*base = k - off;
	return dusk_sim_ptr(sim, *base);
}

static __attribute__((noinline)) void typed_pointer_frame(void)
{
	DUSK_FRAME;
	struct mid ms[2];
	const struct mid *km, *kg;
	uint64_t k, base;

	memset(ms, 0, sizeof(ms));
	DUSK_LOCAL_ARRAY(ms, T_MID);
	ms[0].self = &ms[1];
	ms[1].self = &ms[0];
	ms[1].arr[1].v = 5;
	/* a global holds a typed pointer at a member of the local's second
	 * element (a message's list at a stack transfer's list_head) */
	g_mid.leaf = &ms[1].arr[1];
	assert_int_equal(dusk_commit_obj(&g_mid, T_MID, 0, &k), 0);
	kg = dusk_sim_ptr(sim, k);
	assert_non_null(kg);
	km = mid_pair((uintptr_t)kg->leaf, sizeof(struct mid) + offsetof(struct mid, arr[1]),
		      &base);
	assert_non_null(km);
	/* the whole array, translated by its type */
	assert_int_equal((uintptr_t)km[0].self, base + sizeof(struct mid));
	assert_int_equal((uintptr_t)km[1].self, base);
	assert_int_equal(km[1].arr[1].v, 5);
	assert_int_equal(stats().mirror_allocs, 2);	/* g_mid, ms */
	/* the array handed on by its first element: the same mirror */
	assert_int_equal(dusk_commit_obj(&ms[0], T_MID, 0, &k), 0);
	assert_int_equal(k, base);
	assert_int_equal(stats().mirror_allocs, 2);
	g_mid.leaf = &g_leaf;
}

static void typed_pointer_mirrors_whole_local(void **state)
{
	(void)state;
	typed_pointer_frame();
}

/* A pointer into a local that holds no object of the pointer's type there
 * (a record a block that ended left, over bytes a later object reuses):
 * not the local's, one object of its type as before. */
static __attribute__((noinline)) void stale_record_frame(void)
{
	DUSK_FRAME;
	struct leaf ls[4];
	uint64_t k;

	memset(ls, 0, sizeof(ls));
	DUSK_LOCAL_ARRAY(ls, T_LEAF);
	assert_int_equal(dusk_commit_obj(&ls[1], T_LIST, 0, &k), 0);
	assert_int_equal(stats().mirror_allocs, 1);
	/* the list's 16 bytes, not the array's 64 */
	assert_non_null(dusk_sim_ptr(sim, k + sizeof(struct tm_list) - 1));
	assert_null(dusk_sim_ptr(sim, k + sizeof(struct tm_list)));
}

static void unrelated_type_is_not_the_local(void **state)
{
	(void)state;
	stale_record_frame();
}

/* A place in a registered local stored into kernel memory (an element of
 * a stack array linked into a kzalloc()ed message's list): the held mirror
 * is the whole local, translated by its type; untyped, it was the frames
 * above, whose pointers the kernel got as the program's addresses. */
static __attribute__((noinline)) void stored_member_frame(void)
{
	DUSK_FRAME;
	struct mid ms[2];
	struct {
		uint64_t a;
		uint64_t (*fn)(uint64_t, uint64_t);
		struct leaf *leaf;
		uint64_t plain;
	} *k = dusk_check((void *)(uintptr_t)KOBJ, 32), *kk = dusk_sim_ptr(sim, KOBJ);
	const struct mid *km;
	uint64_t base;

	memset(ms, 0, sizeof(ms));
	DUSK_LOCAL_ARRAY(ms, T_MID);
	ms[0].self = &ms[1];
	ms[1].self = &ms[0];
	ms[1].arr[0].v = 6;
	k->leaf = &ms[1].arr[0];
	dusk_call(STUB_NOOP, NULL, 0);
	km = mid_pair((uintptr_t)kk->leaf, sizeof(struct mid) + offsetof(struct mid, arr[0]),
		      &base);
	assert_non_null(km);
	assert_int_equal((uintptr_t)km[0].self, base + sizeof(struct mid));
	assert_int_equal((uintptr_t)km[1].self, base);
	assert_int_equal(km[1].arr[0].v, 6);
	assert_int_equal(stats().mirror_allocs, 1);
	/* the program reads its own address back */
	assert_ptr_equal(k->leaf, &ms[1].arr[0]);
}

static void stored_member_mirrors_whole_local(void **state)
{
	(void)state;
	stored_member_frame();
}

/* Another thread's registered local, reached while that thread waits (a
 * worker's kernel call reaching a transfer array on the stack of a thread
 * blocked in spi_sync()): the whole local too, read from that thread's
 * frame records. */
struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int ready, done;
	struct mid *ms;
};

static __attribute__((noinline)) void waiter_frame(struct waiter *wt)
{
	DUSK_FRAME;
	struct mid ms[2];

	memset(ms, 0, sizeof(ms));
	DUSK_LOCAL_ARRAY(ms, T_MID);
	ms[0].self = &ms[1];
	ms[1].arr[1].v = 8;
	(void)dusk_commit(&g_leaf, T_LEAF, 0);	/* the thread's commit state */
	pthread_mutex_lock(&wt->lock);
	wt->ms = ms;
	wt->ready = 1;
	pthread_cond_broadcast(&wt->cond);
	while (!wt->done)
		pthread_cond_wait(&wt->cond, &wt->lock);
	pthread_mutex_unlock(&wt->lock);
}

static void *waiter_thread(void *arg)
{
	waiter_frame(arg);
	return NULL;
}

static void other_threads_local_mirrored_whole(void **state)
{
	struct waiter wt = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, NULL };
	const struct mid *km;
	const struct mid *kg;
	pthread_t th;
	uint64_t k, base;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, waiter_thread, &wt), 0);
	pthread_mutex_lock(&wt.lock);
	while (!wt.ready)
		pthread_cond_wait(&wt.cond, &wt.lock);
	pthread_mutex_unlock(&wt.lock);
	g_mid.leaf = &wt.ms[1].arr[1];
	assert_int_equal(dusk_commit_obj(&g_mid, T_MID, 0, &k), 0);
	kg = dusk_sim_ptr(sim, k);
	km = mid_pair((uintptr_t)kg->leaf, sizeof(struct mid) + offsetof(struct mid, arr[1]),
		      &base);
	assert_non_null(km);
	assert_int_equal((uintptr_t)km[0].self, base + sizeof(struct mid));
	assert_int_equal(km[1].arr[1].v, 8);
	g_mid.leaf = &g_leaf;
	pthread_mutex_lock(&wt.lock);
	wt.done = 1;
	pthread_cond_broadcast(&wt.cond);
	pthread_mutex_unlock(&wt.lock);
	assert_int_equal(pthread_join(th, NULL), 0);
}

/* A registered local a live mirror already covers in part (a buffer in it
 * handed on untyped): never a second kernel copy of those bytes, the
 * typed pointer gets one object of its type, as for unregistered memory. */
static __attribute__((noinline)) void overlap_frame(void)
{
	DUSK_FRAME;
	struct mid ms[2];
	uint64_t kb, k;

	memset(ms, 0, sizeof(ms));
	DUSK_LOCAL_ARRAY(ms, T_MID);
	assert_int_equal(dusk_commit_obj(&ms[1].arr[0], DUSK_TYPE_NONE, sizeof(struct leaf), &kb),
			 0);
	assert_int_equal(dusk_commit_obj(&ms[0], T_MID, 0, &k), 0);
	assert_int_equal(stats().mirror_allocs, 2);
	assert_non_null(dusk_sim_ptr(sim, k + sizeof(struct mid) - 1));
	assert_null(dusk_sim_ptr(sim, k + sizeof(struct mid)));
}

static void local_under_a_live_mirror_not_copied_twice(void **state)
{
	(void)state;
	overlap_frame();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(graph_is_mirrored_and_translated, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_pointers_pass_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_changes_come_back, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_sends_only_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(ambiguous_union_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(data_pointer_union_translated, setup, teardown),
		cmocka_unit_test_setup_teardown(pointer_or_data_union_by_value, setup, teardown),
		cmocka_unit_test_setup_teardown(function_union_member_by_value, setup, teardown),
		cmocka_unit_test_setup_teardown(function_without_proxy_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(stack_mirror_freed_global_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(function_argument_becomes_proxy, setup, teardown),
		cmocka_unit_test_setup_teardown(exited_thread_leaves_no_stack_mirror, setup, teardown),
		cmocka_unit_test_setup_teardown(pointers_stored_in_kernel_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(own_percpu_block_moved, setup, teardown),
		cmocka_unit_test_setup_teardown(stack_buffer_of_unknown_size, setup, teardown),
		cmocka_unit_test_setup_teardown(flexible_struct_on_stack, setup, teardown),
		cmocka_unit_test_setup_teardown(record_char_pointer_at_stack_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(frame_end_drops_held_stack_mirror, setup, teardown),
		cmocka_unit_test_setup_teardown(object_larger_than_its_type, setup, teardown),
		cmocka_unit_test_setup_teardown(va_string_committed_to_its_precision, setup,
						teardown),
		cmocka_unit_test_setup_teardown(array_of_globals_by_element, setup, teardown),
		cmocka_unit_test_setup_teardown(readonly_bytes_of_unknown_size, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_object_gets_an_address, setup, teardown),
		cmocka_unit_test_setup_teardown(mapped_user_address_passes_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(char_buffer_written_by_the_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(fresh_wait_entry_gets_kernel_words_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(stack_queue_head_holds_its_image_at_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(other_threads_stack_object_holds_its_image_at_once,
						setup, teardown),
		cmocka_unit_test_setup_teardown(new_global_mirror_holds_its_image_at_once, setup,
						teardown),
		cmocka_unit_test(locals_are_frame_records),
		cmocka_unit_test_setup_teardown(typed_pointer_mirrors_whole_local, setup, teardown),
		cmocka_unit_test_setup_teardown(unrelated_type_is_not_the_local, setup, teardown),
		cmocka_unit_test_setup_teardown(stored_member_mirrors_whole_local, setup, teardown),
		cmocka_unit_test_setup_teardown(other_threads_local_mirrored_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(local_under_a_live_mirror_not_copied_twice, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
