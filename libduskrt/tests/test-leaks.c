/* SPDX-License-Identifier: MIT */
/*
 * Leak reports (leaks.c) against the simulated kernel: an allocation the
 * module never frees is reported with the line of the call that made it;
 * one it frees is not; a failed allocation is nothing to report.  An
 * object still in a slab cache the module destroys is reported then, once.
 */
#include <string.h>

#include "harness.h"
#include "testmod.h"

#define KMEM 0xffff888000030000ull

static struct dusk_sim *sim;
static uint64_t next_obj;

static uint64_t stub_kmalloc(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			     void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	next_obj += 0x100;
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
	next_obj = KMEM;
	harness_log_capture();
	sim = harness_sim(&tm_module);
	dusk_sim_set_stub(sim, STUB_KMALLOC, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KFREE, stub_null, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_ALLOC, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KMEM_CACHE_DESTROY, stub_null, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

/* Kept out of line: its call is the "module line" a report names. */
static __attribute__((noinline)) uint64_t module_allocates(void)
{
	uint64_t a[2] = { 64, 0xcc0 };

	return dusk_call(STUB_KMALLOC, a, 2);
}

static void kfree_call(uint64_t p)
{
	dusk_call(STUB_KFREE, &p, 1);
}

static void unfreed_allocation_reported_with_its_caller(void **state)
{
	uint64_t kept, freed;

	(void)state;
	kept = module_allocates();
	freed = module_allocates();
	assert_int_not_equal(kept, freed);
	kfree_call(freed);
	assert_int_equal(dusk_leaks_report("module_exit"), 1);
	assert_true(harness_log_has(DUSK_LOG_WARN, "leak: kernel memory from kmalloc_trace at "));
	assert_true(harness_log_has(DUSK_LOG_WARN, "(in module_allocates)"));
	assert_true(harness_log_has(DUSK_LOG_WARN, "module_exit did not free it"));
	kfree_call(kept);
	assert_int_equal(dusk_leaks_report("module_exit"), 0);
}

static void failed_allocation_is_no_leak(void **state)
{
	(void)state;
	dusk_sim_set_stub(sim, STUB_KMALLOC, stub_null, NULL);
	module_allocates();
	assert_int_equal(dusk_leaks_report("module_exit"), 0);
}

static void free_of_unknown_memory_is_ignored(void **state)
{
	(void)state;
	kfree_call(0);
	kfree_call(0xffff888000999000ull);	/* not the module's allocation */
	module_allocates();
	assert_int_equal(dusk_leaks_report("module_exit"), 1);
}

#define CACHE_A 0xffff888000050000ull
#define CACHE_B 0xffff888000060000ull

static __attribute__((noinline)) uint64_t module_allocates_from(uint64_t cache)
{
	uint64_t a[2] = { cache, 0xcc0 };

	return dusk_call(STUB_KMEM_CACHE_ALLOC, a, 2);
}

static __attribute__((noinline)) void module_destroys(uint64_t cache)
{
	dusk_call(STUB_KMEM_CACHE_DESTROY, &cache, 1);
}

/* SLUB would report a BUG for them in the kernel build; the kmod frees
 * them first, so they are no leak at exit any more. */
static void objects_left_in_a_destroyed_cache_reported_then(void **state)
{
	(void)state;
	module_allocates_from(CACHE_A);
	module_allocates_from(CACHE_A);
	module_allocates_from(CACHE_B);
	module_destroys(CACHE_A);
	assert_true(harness_log_has(DUSK_LOG_WARN, "leak: kernel memory from kmem_cache_alloc at "));
	assert_true(harness_log_has(DUSK_LOG_WARN, "(in module_allocates_from)"));
	assert_true(harness_log_has(DUSK_LOG_WARN, "was still allocated when the module destroyed "
				    "its cache (kmem_cache_destroy at "));
	assert_true(harness_log_has(DUSK_LOG_WARN, "(in module_destroys)"));
	/* the other cache's object is still the module's */
	assert_int_equal(dusk_leaks_report("module_exit"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unfreed_allocation_reported_with_its_caller, setup,
						teardown),
		cmocka_unit_test_setup_teardown(failed_allocation_is_no_leak, setup, teardown),
		cmocka_unit_test_setup_teardown(free_of_unknown_memory_is_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(objects_left_in_a_destroyed_cache_reported_then, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
