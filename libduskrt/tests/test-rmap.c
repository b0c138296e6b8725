/* SPDX-License-Identifier: MIT */
/*
 * Kernel words that are the kernel's names for the program's things read
 * back as the program's names (rmap.c): a list of kernel-allocated entries
 * on a list head in the module's globals ends at &head, function pointers
 * stored in kernel objects are the module's functions again, prefetched
 * upcall data and mirror read-back are translated too, and writing back
 * never mixes the two names: an untouched translated word is not written,
 * a changed one is written whole.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "testmod.h"

#define PROXY0 0xffffffffc0000000ull	/* harness_sim()'s proxy addresses */
#define KOBJ 0xffff888000020000ull	/* kernel memory the program may write */

/* A kernel-allocated list entry (kzalloc'd in the module's terms). */
struct kentry {
	struct tm_list list;
	uint64_t id;
};

#define KE(i) ((struct kentry *)(uintptr_t)(KOBJ + 64 * (i)))
#define D(p) DUSK_DEREF(p)

static struct dusk_sim *sim;

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	harness_log_capture();
	g_head.next = g_head.prev = &g_head;	/* LIST_HEAD(g_head) */
	memset(&g_top, 0, sizeof(g_top));
	memset(&g_mid, 0, sizeof(g_mid));
	memset(&g_leaf, 0, sizeof(g_leaf));
	sim = harness_sim(&tm_module);
	assert_int_equal(dusk_sim_map(sim, KOBJ, 4096, 1), 0);
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

/* <linux/list.h>'s list_add_tail(), as dusk-rewrite instruments it. */
static void list_add_tail(struct tm_list *new, struct tm_list *head)
{
	struct tm_list *prev = D(head)->prev;

	D(head)->prev = new;
	D(new)->next = head;
	D(new)->prev = prev;
	D(prev)->next = new;
}

/* list_for_each(): how many entries until the walk meets @head again
 * (gives up after 100). */
static int list_count(struct tm_list *head)
{
	struct tm_list *p;
	int n = 0;

	for (p = D(head)->next; p != head && n < 100; p = D(p)->next)
		n++;
	return n;
}

static uint64_t kword(uint64_t kaddr)
{
	uint64_t v;

	memcpy(&v, dusk_sim_ptr(sim, kaddr), 8);
	return v;
}

static void own_list_head_with_kernel_entries_ends(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		D(KE(i))->id = 10 + i;
		list_add_tail(&KE(i)->list, &g_head);
		dusk_call(STUB_NOOP, NULL, 0);	/* each add in its own epoch */
	}
	/* The kernel holds the head's mirror, never the program's address. */
	assert_true(kword((uintptr_t)&KE(2)->list.next) >= DUSK_SIM_MIRRORS);
	assert_true(kword((uintptr_t)&KE(0)->list.prev) >= DUSK_SIM_MIRRORS);
	/* The program reads what it stored. */
	assert_ptr_equal(D(KE(2))->list.next, &g_head);
	assert_ptr_equal(D(KE(0))->list.prev, &g_head);
	assert_int_equal(list_count(&g_head), 3);
	assert_ptr_equal(g_head.prev, &KE(2)->list);
}

/* The kernel walks a list from its head (list_sort(), a list passed to a
 * kernel function): how many entries until it meets @a[0] again. */
static uint64_t stub_walk(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			  void *arg)
{
	uint64_t p = a[0];
	unsigned int c = 0;

	(void)n; (void)t; (void)arg;
	do {
		memcpy(&p, dusk_sim_ptr(s, p), 8);
	} while (p != a[0] && ++c < 100);
	return c;
}

/* A LIST_HEAD() local with kernel-allocated entries: the entries must
 * hold a kernel name of the head that stays valid across the callback's
 * calls (the head's held mirror), never the program's stack address, and
 * the head handed to the kernel later is that same mirror. */
static void stack_list_head_with_kernel_entries(void **state)
{
	struct tm_list head = { &head, &head };
	uint64_t k, prev0;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		list_add_tail(&KE(i)->list, &head);
		dusk_call(STUB_NOOP, NULL, 0);	/* each add in its own epoch */
	}
	prev0 = kword((uintptr_t)&KE(0)->list.prev);
	assert_true(prev0 >= DUSK_SIM_MIRRORS);
	assert_int_equal(kword((uintptr_t)&KE(2)->list.next), prev0);
	assert_ptr_equal(D(KE(0))->list.prev, &head);
	assert_int_equal(list_count(&head), 3);
	k = dusk_commit(&head, T_LIST, 0);
	assert_int_equal(k, prev0);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_walk, NULL);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 3);
	/* the callback ends: the mirror goes */
	dusk_commit_release_held(__builtin_frame_address(0));
}

/* The head handed to a call first (its mirror dormant after it: the kernel
 * may keep that address), then linked to kernel entries: they hold the
 * same kernel name, one copy of the head. */
static void stack_head_handed_before_linking_keeps_its_mirror(void **state)
{
	struct tm_list head = { &head, &head };
	uint64_t k;

	(void)state;
	k = dusk_commit(&head, T_LIST, 0);
	dusk_call(STUB_NOOP, &k, 1);
	list_add_tail(&KE(0)->list, &head);
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(kword((uintptr_t)&KE(0)->list.prev), k);
	assert_int_equal(kword((uintptr_t)&KE(0)->list.next), k);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_walk, NULL);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 1);
	dusk_commit_release_held(__builtin_frame_address(0));
}

static void untouched_translated_word_is_not_written(void **state)
{
	struct dusk_sim_write w[8];
	uint64_t mirror;
	size_t n;

	(void)state;
	list_add_tail(&KE(0)->list, &g_head);
	dusk_call(STUB_NOOP, NULL, 0);
	mirror = kword((uintptr_t)&KE(0)->list.next);
	dusk_sim_take_writes(sim, w, 8);
	/* Read the entry (its next is shown as &g_head), change only its id. */
	assert_ptr_equal(D(KE(0))->list.next, &g_head);
	D(KE(0))->id = 99;
	dusk_call(STUB_NOOP, NULL, 0);
	n = dusk_sim_take_writes(sim, w, 8);
	assert_int_equal(n, 1);
	assert_int_equal(w[0].addr, (uintptr_t)&KE(0)->id);
	assert_int_equal(kword((uintptr_t)&KE(0)->list.next), mirror);
}

static void changed_translated_word_is_written_whole(void **state)
{
	(void)state;
	list_add_tail(&KE(0)->list, &g_head);
	dusk_call(STUB_NOOP, NULL, 0);
	/* list_del(): the entry's pointers become poison / NULL.  Bytes the
	 * own address and the mirror address happen to share must not keep
	 * the kernel's. */
	assert_ptr_equal(D(KE(0))->list.next, &g_head);
	D(KE(0))->list.next = (struct tm_list *)(uintptr_t)0xdead000000000100ull;
	D(KE(0))->list.prev = NULL;
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(kword((uintptr_t)&KE(0)->list.next), 0xdead000000000100ull);
	assert_int_equal(kword((uintptr_t)&KE(0)->list.prev), 0);
}

static void function_pointer_in_kernel_object_reads_back(void **state)
{
	uint64_t (**slot)(uint64_t, uint64_t) = (void *)(uintptr_t)KOBJ;
	uint64_t proxy = PROXY0 + 16 * PROXY_HOOK;

	(void)state;
	memcpy(dusk_sim_ptr(sim, KOBJ), &proxy, 8);	/* the kernel holds the proxy */
	assert_ptr_equal(*D(slot), tm_hook);
	assert_int_equal(D(slot)[0](2, 3), 0);		/* callable: tm_hook_body is NULL */
}

/* A long run of pointers stored at once: every word is translated (the
 * epoch end used to stop after 16). */
static void every_pointer_of_a_long_run_is_translated(void **state)
{
	struct leaf **v = (void *)(uintptr_t)KOBJ;
	uint64_t first;
	int i;

	(void)state;
	/* Every byte of every word changes: one dirty run of 40 words. */
	memset(dusk_sim_ptr(sim, KOBJ), 0xff, 40 * 8);
	for (i = 0; i < 40; i++)
		D(v)[i] = &g_leaf;
	dusk_call(STUB_NOOP, NULL, 0);
	first = kword(KOBJ);
	assert_true(first >= DUSK_SIM_MIRRORS);
	for (i = 0; i < 40; i++)
		assert_int_equal(kword(KOBJ + 8 * i), first);
}

/* A store that lands after its epoch ended (`p->x = f()`: the address is
 * computed before the call) is translated too. */
static void late_pointer_store_is_translated(void **state)
{
	struct kentry *e = D(KE(0));	/* the shadow address, kept across a call */

	(void)state;
	dusk_call(STUB_NOOP, NULL, 0);
	e->list.next = &g_head;		/* late: in a page of the epoch before */
	dusk_call(STUB_NOOP, NULL, 0);
	assert_true(kword((uintptr_t)&KE(0)->list.next) >= DUSK_SIM_MIRRORS);
}

/* The kernel's hook gets a packet whose prefetched bytes hold the head's
 * mirror: the module sees &g_head without reading the kernel. */
static struct tm_list *seen;

static uint64_t hook_reads_entry(uint64_t a, uint64_t b)
{
	(void)b;
	seen = D((struct kentry *)(uintptr_t)a)->list.next;
	return 1;
}

static void prefetched_upcall_data_is_translated(void **state)
{
	struct dusk_sim_range pf = { KOBJ, 64 };
	uint64_t args[2] = { KOBJ, 0 }, ret = 0;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .prefetch = &pf, .nprefetch = 1 };
	struct dusk_sim_stats before, after;

	(void)state;
	list_add_tail(&KE(0)->list, &g_head);
	dusk_call(STUB_NOOP, NULL, 0);
	tm_hook_body = hook_reads_entry;
	dusk_sim_stats(sim, &before);
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	dusk_sim_stats(sim, &after);
	tm_hook_body = NULL;
	assert_int_equal(ret, 1);
	assert_ptr_equal(seen, &g_head);
	assert_int_equal(after.reads, before.reads);
}

/* The kernel links a committed object to another mirror through a field
 * the program had left NULL: read back, it names the own object. */
static uint64_t stub_link(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	struct top *top = dusk_sim_ptr(s, a[0]);

	(void)n; (void)t; (void)arg;
	top->next = (struct top *)top->mid;	/* the mid mirror, in a non-pointer-slot */
	return 0;
}

static void mirror_read_back_names_own_objects(void **state)
{
	uint64_t k;

	(void)state;
	g_top.mid = &g_mid;
	g_top.next = NULL;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_link, NULL);
	k = dusk_commit(&g_top, T_TOP, 0);
	dusk_call(STUB_TOUCH, &k, 1);
	assert_ptr_equal(g_top.next, (struct top *)&g_mid);
}

/* register_pernet_subsys(&ops): the kernel stores the pernet id through
 * ops->id into the module's global, then runs the pernet init (a blocking
 * callback, served on another thread) before the call returns.  The init
 * must see the id (xt_recent's net_generic(net, recent_net_id) read id 0
 * and crashed). */
static uint64_t stub_stores_then_calls_back(struct dusk_sim *s, const uint64_t *a, unsigned int n,
					    char *t, void *arg)
{
	struct leaf *l = dusk_sim_ptr(s, a[0]);
	struct dusk_sim_upcall u = { .proxy = PROXY_TICK, .flags = DUSK_UPCALL_BLOCKING };
	uint64_t ret = 0;

	(void)n; (void)t; (void)arg;
	l->v = 42;
	if (dusk_sim_wait_reply(s, dusk_sim_upcall(s, &u), &ret, 3000))
		return 0;
	return ret;
}

static uint64_t tick_reads_leaf(void)
{
	return (uint64_t)D(&g_leaf)->v;
}

static void callback_during_call_sees_what_the_call_wrote(void **state)
{
	uint64_t k;

	(void)state;
	g_leaf.v = 0;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_stores_then_calls_back, NULL);
	tm_tick_body = tick_reads_leaf;
	k = dusk_commit(&g_leaf, T_LEAF, 0);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 42);
	tm_tick_body = NULL;
	assert_int_equal(g_leaf.v, 42);
}

/* iio_read_channel_processed(chan, &val): the kernel passes &val's mirror
 * to the driver's read_raw() (a blocking callback, served on another
 * thread) and goes on with what the mirror holds when it returns.  The
 * callback's store must be there by then, not only after the outer call
 * (the IIO core converted val's old value). */
static uint64_t stub_calls_back_then_reads(struct dusk_sim *s, const uint64_t *a, unsigned int n,
					   char *t, void *arg)
{
	struct leaf *l = dusk_sim_ptr(s, a[0]);
	uint64_t args[2] = { a[0], 0 }, ret = 0;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .flags = DUSK_UPCALL_BLOCKING };

	(void)n; (void)t; (void)arg;
	if (dusk_sim_wait_reply(s, dusk_sim_upcall(s, &u), &ret, 3000))
		return 0;
	return (uint64_t)l->v;
}

static uint64_t hook_stores_through_arg(uint64_t a, uint64_t b)
{
	(void)b;
	D((struct leaf *)(uintptr_t)a)->v = 77;
	return 0;
}

static void callback_during_call_writes_reach_the_call(void **state)
{
	struct leaf l = { .v = 5 };
	uint64_t k;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_calls_back_then_reads, NULL);
	tm_hook_body = hook_stores_through_arg;
	k = dusk_commit(&l, T_LEAF, 0);
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), 77);
	tm_hook_body = NULL;
	assert_int_equal(l.v, 77);
}

/* async_schedule(fn, &g): the kernel runs the callback in a worker while
 * the call that scheduled it may return at once.  The callback's store
 * into the caller's object goes to the kernel with its REPLY; the caller's
 * read-back after its call may come first and find the mirror's old bytes.
 * They are the kernel's past, not a change: the store must stay (ktypedef's
 * module_init logged the state its async callback had advanced as unset). */
static uint64_t async_ctx;

static uint64_t stub_identity(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			      void *arg);

static uint64_t stub_schedules_async(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				     char *t, void *arg)
{
	static uint64_t args[2];
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .flags = DUSK_UPCALL_BLOCKING };

	(void)n; (void)t; (void)arg;
	args[0] = a[0];
	async_ctx = dusk_sim_upcall(s, &u);
	/* the call returns once the callback's REPLY is on its way */
	return (uint64_t)dusk_sim_wait_held_reply(s, 3000);
}

static void callback_store_in_flight_survives_readback(void **state)
{
	struct leaf l = { .v = 5 };
	uint64_t k, ret = 1, called;
	int seen;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_schedules_async, NULL);
	tm_hook_body = hook_stores_through_arg;
	dusk_sim_hold_replies(sim, 1);
	k = dusk_commit(&l, T_LEAF, 0);
	called = dusk_call(STUB_TOUCH, &k, 1);
	seen = l.v;		/* read back before the REPLY landed */
	dusk_sim_hold_replies(sim, 0);
	assert_int_equal(called, 0);
	assert_int_equal(seen, 77);
	assert_int_equal(dusk_sim_wait_reply(sim, async_ctx, &ret, 3000), 0);
	tm_hook_body = NULL;
	assert_int_equal(((struct leaf *)dusk_sim_ptr(sim, k))->v, 77);
	k = dusk_commit(&l, T_LEAF, 0);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_identity, NULL);
	dusk_call(STUB_TOUCH, &k, 1);
	assert_int_equal(l.v, 77);
}

/* The kernel hands an own object back: a callback's argument or a kernel
 * function's result that points into a mirror names the own object. */
static uint64_t got;

static uint64_t hook_keeps_arg(uint64_t a, uint64_t b)
{
	(void)b;
	got = a;
	return 0;
}

static uint64_t stub_identity(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			      void *arg)
{
	(void)s; (void)n; (void)t; (void)arg;
	return a[0];
}

static void mirror_addresses_in_arguments_and_results(void **state)
{
	uint64_t k = dusk_commit(&g_leaf, T_LEAF, 0), args[2] = { k + 4, 0 }, ret;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2 };

	(void)state;
	assert_true(k >= DUSK_SIM_MIRRORS);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_identity, NULL);
	/* container_of(timer, struct x, timer) in a timer callback */
	tm_hook_body = hook_keeps_arg;
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	tm_hook_body = NULL;
	assert_int_equal(got, (uintptr_t)&g_leaf + 4);
	/* seq_list_start_head(&head, 0) returns the head */
	assert_int_equal(dusk_call(STUB_TOUCH, &k, 1), (uintptr_t)&g_leaf);
	args[0] = 0x1234;
	assert_int_equal(dusk_call(STUB_TOUCH, args, 1), 0x1234);	/* data stays data */
}

/* timer_setup(&g.timer, fn, 0) on a global of a type the table lacks: the
 * kernel stores the proxy into the mirror, read-back shows the function,
 * and every later refresh (mod_timer(&g.timer, ...)) must send the proxy
 * again, never the function's user address (the kernel would call it). */
static uint64_t stub_timer_setup(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
				 void *arg)
{
	uint64_t *timer = dusk_sim_ptr(s, a[0]);

	(void)n; (void)t; (void)arg;
	timer[1] = a[1];	/* ->function */
	return 0;
}

static void untyped_global_keeps_kernel_names_on_refresh(void **state)
{
	uint64_t args[2], k;

	(void)state;
	memset(g_raw, 0, sizeof(g_raw));
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_timer_setup, NULL);
	args[0] = k = dusk_commit(g_raw, DUSK_TYPE_NONE, 0);
	args[1] = dusk_commit((const void *)tm_hook, DUSK_TYPE_NONE, 0);
	assert_int_equal(args[1], PROXY0 + 16 * PROXY_HOOK);
	dusk_call(STUB_TOUCH, args, 2);
	assert_int_equal(g_raw[1], (uintptr_t)tm_hook);	/* read back as the function */
	g_raw[0] = 1234;				/* ->expires */
	g_raw[2] = (uintptr_t)&g_leaf;			/* and a pointer to a global */
	args[0] = dusk_commit(g_raw, DUSK_TYPE_NONE, 0);	/* mod_timer() */
	dusk_call(STUB_NOOP, args, 1);
	assert_int_equal(kword(k + 8), PROXY0 + 16 * PROXY_HOOK);
	assert_int_equal(kword(k), 1234);
	assert_true(kword(k + 16) >= DUSK_SIM_MIRRORS);
	assert_int_equal(g_raw[2], (uintptr_t)&g_leaf);
}

/* dusk_rmap_view() itself: aligned words only, data untouched when
 * nothing is translated, neighbours of a mirror left alone. */
static void view_translates_aligned_words_only(void **state)
{
	uint64_t k = dusk_commit(&g_leaf, T_LEAF, 0);
	unsigned char in[40], tmp[40];
	uint64_t w[4] = { k, k - 1, k + sizeof(g_leaf), k + 8 }, v;
	const unsigned char *out;

	(void)state;
	memcpy(in, w, 32);
	memset(in + 32, 0, 8);
	out = dusk_rmap_view(0xffff888000000000ull, in, sizeof(in), tmp);
	assert_ptr_equal(out, tmp);
	memcpy(&v, out, 8);
	assert_int_equal(v, (uintptr_t)&g_leaf);
	memcpy(&v, out + 8, 8);
	assert_int_equal(v, k - 1);			/* just before the mirror */
	memcpy(&v, out + 16, 8);
	assert_int_equal(v, k + sizeof(g_leaf));	/* just after it */
	memcpy(&v, out + 24, 8);
	assert_int_equal(v, (uintptr_t)&g_leaf + 8);
	/* Seen from an address 4 bytes off: no aligned word holds k. */
	assert_ptr_equal(dusk_rmap_view(0xffff888000000004ull, in, 12, tmp), in);
	/* Nothing to translate: the data itself, no copy. */
	assert_ptr_equal(dusk_rmap_view(0xffff888000000000ull, in + 8, 16, tmp), in + 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(own_list_head_with_kernel_entries_ends, setup, teardown),
		cmocka_unit_test_setup_teardown(stack_list_head_with_kernel_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(stack_head_handed_before_linking_keeps_its_mirror, setup, teardown),
		cmocka_unit_test_setup_teardown(untouched_translated_word_is_not_written, setup, teardown),
		cmocka_unit_test_setup_teardown(changed_translated_word_is_written_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(function_pointer_in_kernel_object_reads_back, setup,
						teardown),
		cmocka_unit_test_setup_teardown(every_pointer_of_a_long_run_is_translated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(late_pointer_store_is_translated, setup, teardown),
		cmocka_unit_test_setup_teardown(prefetched_upcall_data_is_translated, setup, teardown),
		cmocka_unit_test_setup_teardown(mirror_read_back_names_own_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(callback_during_call_sees_what_the_call_wrote, setup,
						teardown),
		cmocka_unit_test_setup_teardown(callback_during_call_writes_reach_the_call, setup,
						teardown),
		cmocka_unit_test_setup_teardown(callback_store_in_flight_survives_readback, setup,
						teardown),
		cmocka_unit_test_setup_teardown(mirror_addresses_in_arguments_and_results, setup,
						teardown),
		cmocka_unit_test_setup_teardown(view_translates_aligned_words_only, setup, teardown),
		cmocka_unit_test_setup_teardown(untyped_global_keeps_kernel_names_on_refresh, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
