/* SPDX-License-Identifier: MIT */
/*
 * tg_declarator(): each case declares a variable or function in C, and the
 * printer must give back the same declarator (the tests' inputs are written
 * the way the printer spaces them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tg-test.h"

static const char prelude[] =
	"typedef unsigned int u32;\n"
	"typedef unsigned long long uint64_t;\n"	/* the kernel's, not glibc's */
	"typedef _Bool bool;\n"
	"typedef int v4si __attribute__((vector_size(16)));\n"
	"struct s { int x; };\n"
	"enum color { RED, GREEN };\n"
	"typedef struct { int counter; } atomic_t;\n"
	"typedef void (*handler_t)(int);\n";

/* Each line is a declaration "<declarator>;" whose name is `v<N>` (N = line
 * number from 0); the expected text is the line itself. */
static const char *const cases[] = {
	"int v0",
	"int *v1",
	"int (*v2)[4]",
	"int *v3[4]",
	"void (*v4)(int, char *, ...)",
	"int (*v5)(void)",
	"int (*v6)()",
	"const char *const v7",
	"volatile unsigned long *restrict v8",
	"char (*(*v9[3])(void))[5]",
	"struct s *(*v10)(struct s **, const struct s *)",
	"u32 v11",
	"unsigned long long v12",	/* written uint64_t: a libc name */
	"_Bool v13",			/* written bool */
	"__int128 v14",
	"unsigned __int128 v15",
	"struct { int a; char b; } v16",
	"union { int i; float f; } v17",
	"enum color v18",
	"v4si v19",
	"atomic_t v20",
	"handler_t v21[2]",
	"const u32 *v22",
	"int (*v23(int))(long)",
	"void v24(int (*)[3], void (*)(void))",
	"int v25(const char *, ...)",
	"const atomic_t *volatile v26",
	"int v27[2][3]",
	"long double v28",
	"_Atomic(int) v29",
	"int *v30",			/* written typeof(int *) */
	"const int *v31",		/* written __typeof__(const int) * */
};

/* Source form of case @i when it differs from the printed form. */
static const char *source_form(int i)
{
	switch (i) {
	case 12:
		return "uint64_t v12";
	case 13:
		return "bool v13";
	case 30:
		return "typeof(int *) v30";
	case 31:
		return "__typeof__(const int) *v31";
	default:
		return NULL;
	}
}

static void test_declarators(void **state)
{
	char *src = NULL, *got, name[16];
	size_t len = 0, n = sizeof(cases) / sizeof(cases[0]), i;
	FILE *f = open_memstream(&src, &len);
	CXTranslationUnit tu;

	(void)state;
	fputs(prelude, f);
	for (i = 0; i < n; i++)
		fprintf(f, "%s;\n", source_form(i) ? source_form(i) : cases[i]);
	fclose(f);
	tu = tgt_parse(src);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "v%zu", i);
		got = tg_declarator(tgt_type(tu, name), name);
		assert_non_null(got);
		if (strcmp(got, cases[i]))
			fail_msg("case %zu: expected \"%s\", got \"%s\"", i, cases[i], got);
		free(got);
	}
	free(src);
}

static void test_abstract(void **state)
{
	CXTranslationUnit tu;
	char *got;

	(void)state;
	tu = tgt_parse("int (*p)[4]; void (*const fp)(struct q *); char *s;\n");
	got = tg_declarator(tgt_type(tu, "p"), "");
	assert_string_equal(got, "int (*)[4]");
	free(got);
	got = tg_declarator(tgt_type(tu, "fp"), "");
	assert_string_equal(got, "void (*const)(struct q *)");
	free(got);
	got = tg_declarator(tgt_type(tu, "s"), NULL);
	assert_string_equal(got, "char *");
	free(got);
}

static int teardown(void **state)
{
	(void)state;
	tgt_free_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declarators),
		cmocka_unit_test(test_abstract),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
