/* SPDX-License-Identifier: MIT */
/*
 * Fault injection (kfail.c, dusk-run --fail) against the simulated kernel:
 * the chosen call of a kernel function fails without reaching the kernel,
 * with the value that function fails with; specs that name nothing the
 * module calls, or a function whose failure is unknown without a value,
 * are refused before the module runs.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "testmod.h"

#define KMEM 0xffff888000030000ull	/* what the simulated kmalloc returns */

static struct dusk_sim *sim;

static uint64_t stub_kmalloc(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			     void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return KMEM;
}

static int setup(void **state)
{
	(void)state;
	harness_log_capture();
	sim = harness_sim(&tm_module);
	dusk_sim_set_stub(sim, STUB_NOOP, stub_kmalloc, NULL);
	dusk_sim_set_stub(sim, STUB_KMALLOC, stub_kmalloc, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dusk_kfail_setup(&tm_module, NULL);
	harness_close(sim);
	return 0;
}

static unsigned int kernel_calls(void)
{
	struct dusk_sim_stats st;

	dusk_sim_stats(sim, &st);
	return st.calls;
}

static uint64_t kmalloc_call(void)
{
	uint64_t a[2] = { 64, 0xcc0 };

	return dusk_call(STUB_KMALLOC, a, 2);
}

static void nth_call_of_a_family_fails(void **state)
{
	unsigned int before;

	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "kmalloc@2"), 0);
	assert_int_equal(kmalloc_call(), KMEM);
	before = kernel_calls();
	assert_int_equal(kmalloc_call(), 0);		/* NULL, kernel not called */
	assert_int_equal(kernel_calls(), before);
	assert_true(harness_log_has(DUSK_LOG_WARN, "injected failure: kmalloc_trace (its call 2)"));
	assert_int_equal(kmalloc_call(), KMEM);
}

static void user_copy_copies_nothing(void **state)
{
	uint64_t a[3] = { KMEM, 0x1000, 17 };

	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "copy_from_user@*"), 0);
	assert_int_equal(dusk_call(STUB_COPY_FROM_USER, a, 3), 17);	/* 17 bytes not copied */
	assert_int_equal(dusk_call(STUB_COPY_FROM_USER, a, 3), 17);
}

static void kth_fallible_call_fails(void **state)
{
	uint64_t a[3] = { KMEM, 0x1000, 5 };

	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "#2"), 0);
	dusk_call(STUB_NOOP, NULL, 0);			/* cannot fail: not counted */
	assert_int_equal(kmalloc_call(), KMEM);		/* fallible call 1 */
	assert_int_equal(dusk_call(STUB_COPY_FROM_USER, a, 3), 5);	/* 2 */
	assert_true(harness_log_has(DUSK_LOG_WARN, "injected failure: copy_from_user (call #2 that "
				    "can fail) returns 5"));
	assert_int_equal(kmalloc_call(), KMEM);
}

/* --fail-sweep stops when a run makes fewer fallible calls than the one it
 * was told to fail: the count covers every call made, failed or not. */
static void fallible_calls_are_counted(void **state)
{
	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "#2"), 0);
	dusk_call(STUB_NOOP, NULL, 0);			/* cannot fail: not counted */
	kmalloc_call();
	assert_int_equal(kmalloc_call(), 0);		/* failed: counted too */
	kmalloc_call();
	dusk_kfail_report();
	assert_true(harness_log_has(DUSK_LOG_INFO, "kernel calls that can fail: 3"));
	assert_int_equal(dusk_kfail_setup(&tm_module, "#1"), 0);	/* a new run counts anew */
	kmalloc_call();
	dusk_kfail_report();
	assert_true(harness_log_has(DUSK_LOG_INFO, "kernel calls that can fail: 1"));
}

static void explicit_value(void **state)
{
	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "touch@1=-EBUSY,kmalloc@1=-ENOMEM"), 0);
	assert_int_equal((int64_t)dusk_call(STUB_TOUCH, NULL, 0), -EBUSY);
	assert_int_equal((int64_t)kmalloc_call(), -ENOMEM);
}

static void bad_specs_refused(void **state)
{
	(void)state;
	assert_int_equal(dusk_kfail_setup(&tm_module, "touch@1"), -EINVAL);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "how touch fails is not known"));
	assert_int_equal(dusk_kfail_setup(&tm_module, "vmalloc@1"), -EINVAL);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "never calls vmalloc"));
	assert_int_equal(dusk_kfail_setup(&tm_module, "kmalloc@0"), -EINVAL);
	assert_int_equal(dusk_kfail_setup(&tm_module, "kmalloc@two"), -EINVAL);
	assert_int_equal(dusk_kfail_setup(&tm_module, "kmalloc@1=-ENOTANERRNO"), -EINVAL);
	assert_int_equal(dusk_kfail_setup(&tm_module, "#0"), -EINVAL);
	/* a refused spec injects nothing */
	assert_int_equal(kmalloc_call(), KMEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nth_call_of_a_family_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(user_copy_copies_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(kth_fallible_call_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(fallible_calls_are_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(explicit_value, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_specs_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
