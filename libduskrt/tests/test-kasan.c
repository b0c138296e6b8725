/* SPDX-License-Identifier: MIT */
/*
 * DUSK's KASAN (kasan.c) against the simulated kernel: an access past the
 * size a kmalloc asked for, into a freed object, and a second free are
 * each caught before the kernel is asked, and reported with the lines of
 * the allocation, the free and the access; accesses inside the object,
 * and to an address allocated again, are not; the fast path never serves
 * a range that crosses an object's end; a freed slot the kernel may have
 * reused (a later callback, a pointer the kernel handed over) is not.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "harness.h"
#include "testmod.h"

#define KMEM 0xffff888000030000ull

static struct dusk_sim *sim;
static uint64_t next_obj;

static uint64_t stub_kmalloc(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			     void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return next_obj;
}

static uint64_t stub_null(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			  void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	next_obj = KMEM + 0x100;
	harness_log_capture();
	sim = harness_sim(&tm_module);
	assert_int_equal(dusk_sim_map(sim, KMEM, 0x1000, 1), 0);
	dusk_sim_set_stub(sim, STUB_KMALLOC, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_null, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

/* Kept out of line: their calls are the "module lines" reports name.
 * kmalloc_trace(cache, flags, size), as slab.h's kmalloc() calls it. */
static __attribute__((noinline)) uint64_t module_allocates(uint64_t size)
{
	uint64_t a[3] = { 0xffff888000001000ull, 0xcc0, size };

	return dusk_call(STUB_KMALLOC, a, 3);
}

static __attribute__((noinline)) void module_frees(uint64_t p)
{
	dusk_call(STUB_KFREE, &p, 1);
}

static __attribute__((noinline)) void *module_accesses(uint64_t p, size_t len)
{
	return dusk_check_kernel(p, len);
}

static void inside_the_object_is_fine(void **state)
{
	uint64_t p;

	(void)state;
	p = module_allocates(20);
	assert_non_null(module_accesses(p, 20));
	assert_non_null(module_accesses(p + 16, 4));
	/* the fast path may serve this object, not the slack after it */
	assert_true(dusk_hit.hi <= p + 20);
	assert_true(dusk_hit.lo >= p);
	module_frees(p);
	assert_false(harness_log_has(-1, "KASAN"));
}

struct access {
	uint64_t addr;
	int write;
};

/* The module's own load and store, through dusk_check(). */
static __attribute__((noinline)) void module_writes(uint64_t p)
{
	*(volatile uint32_t *)dusk_check_kernel(p, 4) = 5;
}

static __attribute__((noinline)) uint32_t module_reads(uint64_t p)
{
	return *(volatile uint32_t *)dusk_check_kernel(p, 4);
}

/* In a child, which dies of it. */
static void child_access(void *arg)
{
	const struct access *a = arg;

	dusk_fault_install();	/* in place of cmocka's handler */
	if (a->write)
		module_writes(a->addr);
	else
		module_reads(a->addr);
}

static void past_the_end_is_reported_as_a_write(void **state)
{
	char log[4096];
	struct access a;
	uint64_t p;
	int status;

	(void)state;
	p = module_allocates(20);
	a = (struct access){ p + 20, 1 };
	status = harness_fork(child_access, &a, log, sizeof(log));
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	assert_non_null(strstr(log, "KASAN: out of bounds: write of 4 bytes at offset 20 of a "
				   "20-byte kmalloc_trace() region allocated at "));
	assert_non_null(strstr(log, "(in module_allocates)"));
	assert_non_null(strstr(log, ", at "));
	if (!strstr(log, "(in module_writes)"))
		fail_msg("%s", log);
	/* running over the end from inside it, too */
	a = (struct access){ p + 18, 0 };
	status = harness_fork(child_access, &a, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_non_null(strstr(log, "KASAN: out of bounds: read of 4 bytes at offset 18 of"));
	assert_non_null(strstr(log, "(in module_reads)"));
	module_frees(p);
}

static void after_kfree_is_reported_with_the_free(void **state)
{
	char log[4096];
	struct access a;
	uint64_t p;
	int status;

	(void)state;
	p = module_allocates(20);
	assert_non_null(module_accesses(p + 8, 4));
	module_frees(p);
	a = (struct access){ p + 8, 0 };
	status = harness_fork(child_access, &a, log, sizeof(log));
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	assert_non_null(strstr(log, "KASAN: use after free: read of 4 bytes at offset 8 of a "
				   "20-byte kmalloc_trace() region allocated at "));
	assert_non_null(strstr(log, ", freed by kfree() at "));
	assert_non_null(strstr(log, "(in module_frees)"));
	/* allocated again (the slab hands the same slot out): fine */
	assert_int_equal(module_allocates(16), p);
	assert_non_null(module_accesses(p + 8, 4));
	module_frees(p);
}

static void child_frees(void *arg)
{
	module_frees(*(uint64_t *)arg);
}

static void child_frees_from_cache(void *arg)
{
	dusk_call(STUB_KMEM_CACHE_FREE, arg, 2);
}

static void double_free_is_not_made(void **state)
{
	char log[4096];
	uint64_t p, inside;
	int status;

	(void)state;
	p = module_allocates(20);
	inside = p + 8;
	status = harness_fork(child_frees, &inside, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_non_null(strstr(log, "KASAN: invalid free: kfree() of offset 8 of a 20-byte"));
	module_frees(p);
	status = harness_fork(child_frees, &p, log, sizeof(log));
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	assert_non_null(strstr(log, "KASAN: double free: kfree() of a 20-byte kmalloc_trace() "
				   "region allocated at "));
	assert_non_null(strstr(log, "the call was not made"));
	/* memory the module did not allocate is the kernel's business */
	module_frees(0xffff888000999000ull);
}

/* While a kfree() is in flight the kernel has the slot back, and another
 * thread's kmalloc() may get it before the kfree() returns: that new
 * object is live, and its own free is not a double free. */
static uint64_t reused_addr;

static uint64_t stub_kfree_reused(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				  char *t, void *arg)
{
	uint64_t k[3] = { 0xffff888000001000ull, 0xcc0, 20 };

	(void)s; (void)a; (void)n; (void)t; (void)arg;
	dusk_kasan_after_call(STUB_KMALLOC, k, 3, reused_addr, stub_kfree_reused);
	return 0;
}

static void slot_reused_during_its_free(void **state)
{
	char log[4096];
	uint64_t p;
	int status;

	(void)state;
	p = module_allocates(20);
	reused_addr = p;
	dusk_sim_set_stub(sim, STUB_KFREE, stub_kfree_reused, NULL);
	module_frees(p);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_null, NULL);
	assert_non_null(module_accesses(p, 20));	/* the other thread's object */
	module_frees(p);
	assert_false(harness_log_has(-1, "KASAN"));
	/* and a free of it once more is a double free */
	status = harness_fork(child_frees, &p, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_non_null(strstr(log, "KASAN: double free"));
}

/* A free may run module code on its object before it returns (an skb
 * destructor; a mempool's free function, which kfree()s the element): to
 * that code the object is still live, and its own free of it is the one
 * that frees it. */
static int destructor_bad_access;

static uint64_t stub_kfree_runs_module(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				       char *t, void *arg)
{
	uint64_t p = a[0], lo, hi;

	(void)s; (void)n; (void)t; (void)arg;
	destructor_bad_access = dusk_kasan_access(p, 8, stub_kfree_runs_module, &lo, &hi) != NULL;
	dusk_kasan_before_call(STUB_KFREE, &p, 1, stub_kfree_runs_module);
	dusk_kasan_after_call(STUB_KFREE, &p, 1, 0, stub_kfree_runs_module);
	return 0;
}

static void free_running_module_code_sees_it_live(void **state)
{
	char log[4096];
	uint64_t p;
	int status;

	(void)state;
	p = module_allocates(20);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_kfree_runs_module, NULL);
	module_frees(p);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_null, NULL);
	assert_false(destructor_bad_access);
	assert_false(harness_log_has(-1, "KASAN"));
	status = harness_fork(child_frees, &p, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_non_null(strstr(log, "KASAN: double free"));
}

/* A free in flight on one thread, and the kernel hands the object to a
 * callback served by another (a veth pair delivering the packet the
 * program's dev_queue_xmit() sent to the peer's packet_type handler before
 * that call returned): the handler's object is live, its free no double
 * free, and the first thread's free, when it returns, is not noted. */
static uint64_t handed_addr;

static void *other_thread_is_handed(void *arg)
{
	(void)arg;
	dusk_kasan_kernel_gave(handed_addr);	/* the handler's argument */
	return NULL;
}

static uint64_t stub_kfree_hands_on(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				    char *t, void *arg)
{
	pthread_t th;

	(void)s; (void)a; (void)n; (void)t; (void)arg;
	pthread_create(&th, NULL, other_thread_is_handed, NULL);
	pthread_join(th, NULL);
	return 0;
}

static void handed_to_another_thread_during_its_free(void **state)
{
	char log[4096];
	uint64_t p;
	int status;

	(void)state;
	p = module_allocates(20);
	handed_addr = p;
	dusk_sim_set_stub(sim, STUB_KFREE, stub_kfree_hands_on, NULL);
	module_frees(p);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_null, NULL);
	/* the handler's own free of its packet */
	status = harness_fork(child_frees, &p, log, sizeof(log));
	assert_true(WIFEXITED(status));
	assert_null(strstr(log, "KASAN"));
	assert_false(harness_log_has(-1, "KASAN"));
}

/* The kernel reuses a freed slot at once: in a later callback, or once
 * the kernel hands the module a pointer into it, it is the kernel's. */
static void freed_slot_may_be_the_kernels_again(void **state)
{
	uint64_t p;

	(void)state;
	p = module_allocates(8);
	module_frees(p);
	dusk_thread()->ctx = 42;	/* serving another callback */
	assert_int_equal(module_reads(p), 0);
	dusk_thread()->ctx = 0;
	dusk_kasan_kernel_gave(p + 4);	/* a sysfs store's buffer, say */
	assert_int_equal(module_reads(p), 0);
	assert_false(harness_log_has(-1, "KASAN"));
}

static uint64_t stub_cache(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			   void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0xffff888000001000ull;
}

/* kmem_cache_create(name, 20, 0, ...): its objects are 20 bytes in
 * 24-byte slots (word-aligned). */
static void cache_objects_have_the_caches_size(void **state)
{
	uint64_t create[5] = { 0, 20, 0, 0, 0 }, alloc[2], fr[2], cache, p;
	char log[4096];
	struct access a;
	int status;

	(void)state;
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_CREATE, stub_cache, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_ALLOC, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_FREE, stub_null, NULL);
	cache = dusk_call(STUB_KMEM_CACHE_CREATE, create, 5);
	alloc[0] = cache;
	alloc[1] = 0xcc0;
	p = dusk_call(STUB_KMEM_CACHE_ALLOC, alloc, 2);
	assert_int_equal(module_reads(p + 16), 0);
	a = (struct access){ p + 20, 1 };
	status = harness_fork(child_access, &a, log, sizeof(log));
	if (!WIFSIGNALED(status))
		fail_msg("status %d: %s", status, log);
	assert_non_null(strstr(log, "KASAN: out of bounds: write of 4 bytes at offset 20 of a "
				   "20-byte kmem_cache_alloc() region"));
	fr[0] = cache;
	fr[1] = p;
	dusk_call(STUB_KMEM_CACHE_FREE, fr, 2);
	status = harness_fork(child_frees_from_cache, fr, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_non_null(strstr(log, "KASAN: double free: kmem_cache_free() of a 20-byte "
				   "kmem_cache_alloc() region"));
}

/* A SLAB_TYPESAFE_BY_RCU cache's object may be read after its free (the
 * memory stays an object of that type until the cache is destroyed):
 * test_meminit does, under rcu_read_lock().  The kernel's KASAN does not
 * poison them either. */
static void typesafe_by_rcu_read_after_free(void *arg)
{
	uint64_t create[5] = { 0, 20, 0, 0x00080000 /* SLAB_TYPESAFE_BY_RCU */, 0 };
	uint64_t alloc[2], fr[2];

	(void)arg;
	dusk_fault_install();
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_CREATE, stub_cache, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_ALLOC, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_FREE, stub_null, NULL);
	alloc[0] = fr[0] = dusk_call(STUB_KMEM_CACHE_CREATE, create, 5);
	alloc[1] = 0xcc0;
	fr[1] = dusk_call(STUB_KMEM_CACHE_ALLOC, alloc, 2);
	dusk_call(STUB_KMEM_CACHE_FREE, fr, 2);
	(void)module_reads(fr[1] + 8);
	_exit(0);
}

static void typesafe_by_rcu_is_not_use_after_free(void **state)
{
	char log[4096];
	int status;

	(void)state;
	status = harness_fork(typesafe_by_rcu_read_after_free, NULL, log, sizeof(log));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strstr(log, "KASAN"))
		fail_msg("status %d: %s", status, log);
}

static void unknown_size_is_one_byte(void **state)
{
	uint64_t a[2] = { 64, 0xcc0 }, p;

	(void)state;
	p = dusk_call(STUB_KMALLOC, a, 2);	/* no size argument */
	assert_non_null(module_accesses(p + 8, 8));
	module_frees(p);
	assert_false(harness_log_has(-1, "KASAN"));
}

/* An object of unknown size (an sk_buff from alloc_skb()) read whole from
 * its start, as a bitfield store reads its struct: not out of bounds. */
static void unknown_size_read_whole(void *arg)
{
	uint64_t a[2] = { 64, 0xcc0 }, p;
	volatile const char *q;

	(void)arg;
	dusk_fault_install();
	p = dusk_call(STUB_KMALLOC, a, 2);	/* no size argument */
	q = module_accesses(p, 232);
	(void)q[0];
	(void)q[231];
	_exit(0);
}

static void unknown_size_from_its_start_is_fine(void **state)
{
	char log[4096];
	int status;

	(void)state;
	status = harness_fork(unknown_size_read_whole, NULL, log, sizeof(log));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strstr(log, "KASAN"))
		fail_msg("status %d: %s", status, log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(inside_the_object_is_fine, setup, teardown),
		cmocka_unit_test_setup_teardown(past_the_end_is_reported_as_a_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(after_kfree_is_reported_with_the_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(double_free_is_not_made, setup, teardown),
		cmocka_unit_test_setup_teardown(slot_reused_during_its_free, setup, teardown),
		cmocka_unit_test_setup_teardown(handed_to_another_thread_during_its_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(free_running_module_code_sees_it_live, setup,
						teardown),
		cmocka_unit_test_setup_teardown(freed_slot_may_be_the_kernels_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(cache_objects_have_the_caches_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unknown_size_is_one_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(typesafe_by_rcu_is_not_use_after_free, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unknown_size_from_its_start_is_fine, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
