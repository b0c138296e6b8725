// SPDX-License-Identifier: MIT
/*
 * Unit tests of util/: the string buffer (growth, truncation, taking the
 * text, sticky failure), the argument vector and vec_grow().
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"
#include "strbuf.h"
#include "vec.h"

static void sb_appends(void **state)
{
	struct sb b = { 0 };
	int i;

	(void)state;
	assert_string_equal(sb_str(&b), "");
	sb_puts(&b, "int");
	sb_putc(&b, ' ');
	sb_printf(&b, "%s%d", "x", 42);
	sb_indent(&b, 2);
	assert_string_equal(sb_str(&b), "int x42\t\t");
	assert_int_equal(b.len, 9);
	sb_truncate(&b, 0);
	sb_put_literal(&b, "a\"b\\c\n");
	assert_string_equal(sb_str(&b), "\"a\\\"b\\\\c\\012\"");
	sb_truncate(&b, 0);
	sb_puts(&b, "int x42\t\t");
	for (i = 0; i < 1000; i++)	/* grows past the first allocation */
		sb_putc(&b, 'a' + i % 26);
	assert_int_equal(b.len, 1009);
	assert_int_equal(strlen(sb_str(&b)), 1009);
	sb_truncate(&b, 3);
	assert_string_equal(sb_str(&b), "int");
	sb_truncate(&b, 10);	/* longer than the text: nothing */
	assert_string_equal(sb_str(&b), "int");
	assert_false(sb_failed(&b));
	sb_free(&b);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
}

static void sb_takes(void **state)
{
	struct sb b = { 0 };
	char *s;

	(void)state;
	s = sb_take(&b);	/* empty: "" the caller owns */
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	sb_puts(&b, "text");
	s = sb_take(&b);
	assert_string_equal(s, "text");
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	free(s);
}

/* A failed buffer keeps its text, drops later appends, and says so until
 * it is freed; sb_take() then gives nothing. */
static void sb_sticky_failure(void **state)
{
	struct sb b = { 0 };

	(void)state;
	sb_puts(&b, "kept");
	b.failed = 1;		/* as reserve() leaves it when realloc fails */
	sb_puts(&b, " dropped");
	sb_printf(&b, "%d", 1);
	sb_putc(&b, '!');
	assert_string_equal(sb_str(&b), "kept");
	assert_true(sb_failed(&b));
	assert_null(sb_take(&b));
	assert_false(sb_failed(&b));
	assert_null(b.s);
	sb_puts(&b, "again");
	assert_string_equal(sb_str(&b), "again");
	sb_free(&b);
}

static void args_vector(void **state)
{
	struct args a = { 0 };

	(void)state;
	assert_int_equal(args_push(&a, "-O2"), 0);
	assert_int_equal(args_push(&a, "-I/x"), 0);
	assert_int_equal(args_push(&a, "-c"), 0);
	assert_int_equal(a.argc, 3);
	assert_null(a.argv[3]);
	assert_int_equal(args_find(&a, "-I/x"), 1);
	assert_int_equal(args_find(&a, "-o"), -1);
	args_remove(&a, 1);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "-O2");
	assert_string_equal(a.argv[1], "-c");
	assert_null(a.argv[2]);
	args_free(&a);
	assert_null(a.argv);
	assert_int_equal(a.argc, 0);
	args_free(NULL);
}

static void vec_grows(void **state)
{
	int *v = NULL;
	size_t n, cap = 0;

	(void)state;
	for (n = 0; n < 100; n++) {
		v = vec_grow(v, sizeof(*v), n, &cap);
		assert_non_null(v);
		assert_int_equal(v[n], 0);	/* the new slot is zeroed */
		v[n] = (int)n;
		assert_true(cap > n);
	}
	for (n = 0; n < 100; n++)
		assert_int_equal(v[n], (int)n);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sb_appends),
		cmocka_unit_test(sb_takes),
		cmocka_unit_test(sb_sticky_failure),
		cmocka_unit_test(args_vector),
		cmocka_unit_test(vec_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
