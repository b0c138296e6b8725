/* SPDX-License-Identifier: MIT */
/*
 * printk's symbol conversions of the program's own addresses
 * (dusk_symfmt(), symfmt.c): %ps/%pS/%pB of a function of the program
 * become the text the kernel prints for a module's ("fn+0x4/0x20 [mod]"),
 * followed by "%.0s" with the argument NULL; other conversions, kernel
 * addresses and addresses outside the program's symbols stay as they are.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rt-internal.h"

#define KBASE 0xffff800000000000ull

__attribute__((noinline, used)) int symfmt_victim(int x)
{
	return x * 7 + 3;
}

static const struct dusk_module mod = { .name = "mymod" };
static struct dusk_session sess;

static int setup(void **state)
{
	(void)state;
	sess.m = &mod;
	sess.kbase = KBASE;
	dusk_sess = &sess;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dusk_sess = NULL;
	return 0;
}

static void own_function_named(void **state)
{
	char buf[DUSK_SYMFMT_MAX];
	const char *f = "a %ps b %d\n";
	uint64_t v[2] = { (uintptr_t)symfmt_victim, 5 };

	(void)state;
	assert_int_equal(dusk_symfmt(&f, buf, sizeof(buf), v, 2), 1);
	assert_ptr_equal(f, buf);
	assert_string_equal(f, "a symfmt_victim [mymod]%.0s b %d\n");
	assert_int_equal(v[0], 0);
	assert_int_equal(v[1], 5);
}

static void offset_and_backtrace(void **state)
{
	char buf[DUSK_SYMFMT_MAX];
	const char *f = "%pS|%pB|%pSR";
	uint64_t v[3] = { (uintptr_t)symfmt_victim + 4, (uintptr_t)symfmt_victim + 5,
			  (uintptr_t)symfmt_victim };

	(void)state;
	assert_int_equal(dusk_symfmt(&f, buf, sizeof(buf), v, 3), 1);
	/* "symfmt_victim+0x4/0x<size> [mymod]%.0s|...+0x5/...|...+0x0/..." */
	assert_non_null(strstr(f, "symfmt_victim+0x4/0x"));
	assert_non_null(strstr(f, "symfmt_victim+0x5/0x"));
	assert_non_null(strstr(f, "symfmt_victim+0x0/0x"));
	assert_non_null(strstr(f, " [mymod]%.0s|"));
	assert_int_equal(strlen(f) - strlen(strrchr(f, '%')), strlen(f) - 4);
}

static void width_star_and_percent(void **state)
{
	char buf[DUSK_SYMFMT_MAX];
	const char *f = "%*d 100%% [%-24ps] [%24ps] %s";
	uint64_t v[5] = { 0, 0, (uintptr_t)symfmt_victim, (uintptr_t)symfmt_victim, 0 };

	(void)state;
	assert_int_equal(dusk_symfmt(&f, buf, sizeof(buf), v, 5), 1);
	assert_string_equal(f, "%*d 100%% [symfmt_victim [mymod]   %.0s] "
			       "[   symfmt_victim [mymod]%.0s] %s");
	assert_int_equal(v[2], 0);
	assert_int_equal(v[3], 0);
}

static void kernel_and_foreign_untouched(void **state)
{
	char buf[DUSK_SYMFMT_MAX], local;
	const char *fmt = "%ps %pS %pB %p %pI4", *f = fmt;
	uint64_t v[5] = { KBASE + 0x1000, (uintptr_t)&local, 0, (uintptr_t)symfmt_victim,
			  (uintptr_t)symfmt_victim };

	(void)state;
	/* a kernel address, a stack address, NULL; %p and %pI4 of a
	 * function are not symbol conversions */
	assert_int_equal(dusk_symfmt(&f, buf, sizeof(buf), v, 5), 0);
	assert_ptr_equal(f, fmt);
	assert_int_equal(v[3], (uintptr_t)symfmt_victim);
}

static void too_long_left_to_the_kernel(void **state)
{
	char buf[16];
	const char *fmt = "%ps", *f = fmt;
	uint64_t v[1] = { (uintptr_t)symfmt_victim };

	(void)state;
	assert_int_equal(dusk_symfmt(&f, buf, sizeof(buf), v, 1), 0);
	assert_ptr_equal(f, fmt);
	assert_int_equal(v[0], (uintptr_t)symfmt_victim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_function_named),
		cmocka_unit_test(offset_and_backtrace),
		cmocka_unit_test(width_star_and_percent),
		cmocka_unit_test(kernel_and_foreign_untouched),
		cmocka_unit_test(too_long_left_to_the_kernel),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
