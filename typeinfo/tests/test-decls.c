/* SPDX-License-Identifier: MIT */
/*
 * tg_emit_decls(): dependency order, forward declarations where a pointer is
 * enough, complete definitions where needed, libc names left alone, and
 * layouts reproduced exactly (bit-fields, packed, aligned, anonymous
 * members, flexible arrays) — proven by compiling the emitted header with
 * the table's _Static_assert()s using the user build's compiler, and by
 * showing those asserts fail once the layout attributes are taken away.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tg-test.h"

#ifndef DUSK_INCLUDE
#error "DUSK_INCLUDE (the include/ folder) must be defined by the build"
#endif

static void test_order_and_forward(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char cmd[512];
	char *h;

	(void)state;
	tu = tgt_parse(
		"struct a;\n"
		"struct c { int x; struct a *back; struct c *self; };\n"
		"typedef struct c c_t;\n"
		"struct unused { int never; };\n"
		"struct a { struct b *pb; c_t inner; int arr[3]; enum e { E1, E2 = 7 } kind; };\n"
		"struct b { int y; };\n");
	assert_int_equal(tg_need_complete(set, tgt_type(tu, "struct a")), 0);
	h = tgt_decls(set);

	/* struct b is only pointed to: declared, never defined. */
	tgt_pos(h, "struct b;");
	assert_null(strstr(h, "struct b {"));
	assert_null(strstr(h, "unused"));
	assert_null(strstr(h, "struct c;"));	/* a pointer to itself needs none */
	/* c before its typedef before a; a forward-declared before c uses it. */
	assert_true(tgt_pos(h, "struct a;") < tgt_pos(h, "struct c {"));
	assert_true(tgt_pos(h, "struct c {") < tgt_pos(h, "typedef struct c c_t;"));
	assert_true(tgt_pos(h, "typedef struct c c_t;") < tgt_pos(h, "struct a {"));
	assert_true(tgt_pos(h, "enum e {") < tgt_pos(h, "struct a {"));
	tgt_pos(h, "E2 = 7");
	tgt_pos(h, "\tc_t inner;\n");
	tgt_pos(h, "\tint arr[3];\n");
	/* ...and a C compiler takes it as it is. */
	tgt_write(tgt_tmpdir(), "order.h", h);
	snprintf(cmd, sizeof(cmd), "cc -Wall -Werror -std=gnu11 -fsyntax-only -xc %s/order.h",
		 tgt_tmpdir());
	assert_int_equal(tgt_run(cmd, NULL), 0);
	free(h);
	tg_set_free(set);
}

static void test_decl_only(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char *h;

	(void)state;
	tu = tgt_parse("struct big { int x; }; typedef struct big big_t;\n"
		       "big_t *p;\n");
	assert_int_equal(tg_need_decl(set, tgt_type(tu, "p")), 0);
	h = tgt_decls(set);
	tgt_pos(h, "typedef struct big big_t;");
	assert_null(strstr(h, "struct big {"));
	free(h);
	/* Asking for it complete later upgrades it. */
	assert_int_equal(tg_need_complete(set, tgt_type(tu, "struct big")), 0);
	h = tgt_decls(set);
	tgt_pos(h, "struct big {\n\tint x;\n};");
	tgt_pos(h, "typedef struct big big_t;");
	free(h);
	tg_set_free(set);
}

/* Kernel-style typedefs of libc names must not be redefined; the canonical
 * type is printed, and the header compiles after <stdint.h>/<stddef.h>. */
static void test_libc_names(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char cmd[512];
	char *h;

	(void)state;
	tu = tgt_parse(
		"typedef long long s64; typedef s64 int64_t;\n"
		"typedef unsigned long __kernel_size_t; typedef __kernel_size_t size_t;\n"
		"typedef _Bool bool;\n"
		"struct k { int64_t a; size_t n; bool f; s64 s; };\n");
	assert_int_equal(tg_need_complete(set, tgt_type(tu, "struct k")), 0);
	h = tgt_decls(set);
	assert_null(strstr(h, "int64_t"));
	assert_null(strstr(h, "size_t;"));
	assert_null(strstr(h, "bool"));
	tgt_pos(h, "long long a;");
	tgt_pos(h, "unsigned long n;");
	tgt_pos(h, "_Bool f;");
	tgt_pos(h, "typedef long long s64;");
	tgt_pos(h, "s64 s;");
	tgt_write(tgt_tmpdir(), "libc.h", h);
	tgt_write(tgt_tmpdir(), "libc.c", "#include <stdint.h>\n#include <stddef.h>\n"
		  "#include <stdbool.h>\n#include \"libc.h\"\n");
	snprintf(cmd, sizeof(cmd), "cc -Wall -Werror -std=gnu11 -fsyntax-only %s/libc.c",
		 tgt_tmpdir());
	assert_int_equal(tgt_run(cmd, NULL), 0);
	free(h);
	tg_set_free(set);
}

static const char layout_src[] =
	"struct pk { char c; int i; long l; } __attribute__((packed));\n"
	"struct al { char c; int i __attribute__((aligned(16))); char d; };\n"
	"struct ra { int x; } __attribute__((aligned(32)));\n"
	"struct fpk { char c; int i __attribute__((packed)); short s; };\n"
	"struct bf { unsigned a:3, b:5; unsigned :0; unsigned c:7; int d;\n"
	"            unsigned char e:4, :2, f:2; unsigned long long g:40; };\n"
	"struct pbf { unsigned a:3; unsigned b:30; char z; } __attribute__((packed));\n"
	"struct an { int k; union { int u1; void *u2; }; struct { char s1; long s2; } named;\n"
	"            struct { short t1; struct { char t2; }; }; };\n"
	"struct fl { int n; unsigned long data[]; };\n"
	"struct zl { short n; char z[0]; };\n"
	"typedef unsigned long long al4_u64 __attribute__((aligned(4)));\n"
	"struct ta { char c; al4_u64 v; };\n"
	"#pragma pack(push, 2)\nstruct pp { char c; int i; long l; };\n#pragma pack(pop)\n"
	"enum __attribute__((packed)) small { S1, S2 };\n"
	"enum big { B1 = 1, B2 = 0x100000000LL };\n"
	"struct en { enum small s; char c; enum big b; };\n"
	"struct outer { char c; struct pk p; struct al a; struct ra r; struct bf b;\n"
	"   struct pbf pb; struct an an; struct zl z; struct ta t; struct pp pp;\n"
	"   struct en en; struct fpk f; struct fl fl; };\n";

/* Emit decls + table for struct outer; write them to @dir; return the
 * decls text (caller frees). */
static char *emit_layout(const char *hdr_name, const char *table_name)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu = tgt_parse(layout_src);
	char *h, *t;

	assert_true(tg_type_id(set, tgt_type(tu, "struct outer"), 0) >= 0);
	h = tgt_decls(set);
	t = tgt_table(set, hdr_name, NULL);
	tgt_write(tgt_tmpdir(), hdr_name, h);
	tgt_write(tgt_tmpdir(), table_name, t);
	free(t);
	tg_set_free(set);
	return h;
}

static int compile_table(const char *table_name)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cd %s && cc -Wall -Werror -std=gnu11 -I%s -c %s -o /dev/null",
		 tgt_tmpdir(), DUSK_INCLUDE, table_name);
	return tgt_run(cmd, NULL);
}

static void test_layouts(void **state)
{
	char *h;

	(void)state;
	h = emit_layout("layout.h", "layout.c");
	tgt_pos(h, "struct __attribute__((packed)) pk {");
	tgt_pos(h, "int i __attribute__((aligned(16)));");
	tgt_pos(h, "struct __attribute__((aligned(32))) ra {");
	tgt_pos(h, "int i __attribute__((packed));");
	tgt_pos(h, "unsigned int a : 3;");
	tgt_pos(h, "unsigned long long g : 40;");
	tgt_pos(h, "unsigned long data[];");
	tgt_pos(h, "char z[0];");
	tgt_pos(h, "typedef unsigned long long al4_u64 __attribute__((aligned(4)));");
	tgt_pos(h, "enum __attribute__((packed)) small {");
	tgt_pos(h, "B2 = 4294967296ULL");
	tgt_pos(h, "\tunion {\n\t\tint u1;\n\t\tvoid *u2;\n\t};\n");
	tgt_pos(h, "\t} named;\n");
	/* The user compiler agrees with clang's (the kernel's) layout. */
	assert_int_equal(compile_table("layout.c"), 0);
	free(h);
}

/* Remove every occurrence of @what from @s, in place. */
static void strip(char *s, const char *what)
{
	size_t n = strlen(what);
	char *p;

	while ((p = strstr(s, what)))
		memmove(p, p + n, strlen(p + n) + 1);
}

/* Without the attributes the layouts differ, and the asserts must say so:
 * one attribute kind at a time. */
static void test_asserts_bite(void **state)
{
	static const char *const attrs[] = {
		" __attribute__((packed))",
		" __attribute__((aligned(16)))",
		" __attribute__((aligned(32)))",
		" __attribute__((aligned(4)))",
	};
	size_t i;
	char *h;

	(void)state;
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		h = emit_layout("bite.h", "bite.c");
		strip(h, attrs[i]);
		tgt_write(tgt_tmpdir(), "bite.h", h);
		if (compile_table("bite.c") == 0)
			fail_msg("layout asserts hold without%s", attrs[i]);
		free(h);
	}
}

/* Names the usual paths miss: a typedef'd anonymous struct reached through
 * its canonical type, names pasted by a macro, the compiler's own va_list. */
static void test_odd_names(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char *h, *t;

	(void)state;
	tu = tgt_parse(
		"#define DEFINE_SEQ(n) typedef struct seq_##n { int s; } seq_##n##_t;\n"
		"DEFINE_SEQ(spin)\n"
		"typedef struct { long p; } pfn_t;\n"
		"typedef __builtin_va_list va_list;\n"
		"struct va_format { const char *fmt; va_list *va; va_list copy; };\n"
		"struct user { seq_spin_t a; struct va_format v; };\n"
		"pfn_t pfn;\n");
	assert_true(tg_type_id(set, tgt_type(tu, "struct user"), 0) >= 0);
	assert_true(tg_type_id(set, clang_getCanonicalType(tgt_type(tu, "pfn")), 0) >= 0);
	h = tgt_decls(set);
	t = tgt_table(set, "odd.h", NULL);
	tgt_pos(h, "typedef struct seq_spin seq_spin_t;");
	tgt_pos(h, "typedef struct {\n\tlong p;\n} pfn_t;");
	tgt_pos(h, "typedef __builtin_va_list va_list;");
	assert_null(strstr(h, "__va_list_tag"));
	assert_null(strstr(t, "sizeof(struct __va_list_tag"));
	tgt_pos(t, "sizeof(pfn_t) == 8");
	tgt_write(tgt_tmpdir(), "odd.h", h);
	tgt_write(tgt_tmpdir(), "odd.c", t);
	assert_int_equal(compile_table("odd.c"), 0);
	free(h);
	free(t);
	tg_set_free(set);
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
		cmocka_unit_test(test_order_and_forward),
		cmocka_unit_test(test_decl_only),
		cmocka_unit_test(test_libc_names),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_asserts_bite),
		cmocka_unit_test(test_odd_names),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
