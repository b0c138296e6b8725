/* SPDX-License-Identifier: MIT */
/*
 * The layout table: entries and fields as include/dusk/typeinfo.h documents
 * them (kinds, pointee ids, counts, bit-field and union flags, __user), the
 * rule for pointed-to records (an id only when needed complete), the
 * module's own types (in the table, never asserted), the assertion paths
 * for unnamed types, and the hash (stable, and sensitive to a moved field).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tg-test.h"
#include "typegen-internal.h"
#include <dusk/typeinfo.h>

static const char io_src[] =
	"#define __user\n"
	"struct list_head { struct list_head *next, *prev; };\n"
	"struct other { int z; };\n"
	"struct io {\n"
	"	char __user *ubuf;\n"
	"	const char *name;\n"
	"	void (*cb)(int);\n"
	"	unsigned long *vals;\n"
	"	struct list_head node;\n"
	"	struct list_head *lp;\n"
	"	struct opaque *op;\n"
	"	struct other *ot;\n"
	"	int arr[4];\n"
	"	unsigned f1:3, f2:9;\n"
	"	union { void *p; long l; struct list_head lh; int n; } u;\n"
	"};\n";

static const struct tg_entry_field *field(struct tg_set *set, int32_t id,
					  const char *name)
{
	struct tg_entry *e = &set->entries[id];
	int i;

	for (i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	fail_msg("%s has no field %s", e->name, name);
	return NULL;
}

static void test_fields(void **state)
{
	struct tg_set *set = tg_set_new();
	const struct tg_entry_field *f;
	struct tg_entry *e, *u;
	CXTranslationUnit tu;
	int32_t id, lh;
	uint64_t hash;
	int i;

	(void)state;
	tu = tgt_parse(io_src);
	id = tg_type_id(set, tgt_type(tu, "struct io"), 0);
	assert_int_equal(id, DUSK_TYPE_FIRST);
	assert_int_equal(tg_table_finish(set, &hash), 0);
	e = &set->entries[id];
	assert_string_equal(e->name, "struct io");
	assert_int_equal(e->kind, DUSK_TK_STRUCT);
	assert_int_equal(e->size, clang_Type_getSizeOf(tgt_type(tu, "struct io")));
	assert_int_equal(e->align, 8);
	for (i = 1; i < e->nfields; i++)
		assert_true(e->fields[i - 1].offset <= e->fields[i].offset);

	f = field(set, id, "ubuf");
	assert_int_equal(f->kind, DUSK_FK_PTR);
	assert_int_equal(f->flags, DUSK_FF_USER_PTR);
	assert_int_equal(f->type, DUSK_TYPE_CSTRING);
	f = field(set, id, "name");
	assert_int_equal(f->kind, DUSK_FK_PTR);
	assert_int_equal(f->flags, 0);
	assert_int_equal(f->type, DUSK_TYPE_CSTRING);
	f = field(set, id, "cb");
	assert_int_equal(f->kind, DUSK_FK_FNPTR);
	assert_int_equal(set->entries[f->type].kind, DUSK_TK_FUNCPTR);
	assert_string_equal(set->entries[f->type].name, "void (*)(int)");
	f = field(set, id, "vals");
	assert_int_equal(f->kind, DUSK_FK_PTR);
	assert_int_equal(set->entries[f->type].kind, DUSK_TK_SCALAR);
	assert_string_equal(set->entries[f->type].name, "unsigned long");

	f = field(set, id, "node");
	assert_int_equal(f->kind, DUSK_FK_RECORD);
	assert_int_equal(f->size, 16);
	lh = f->type;
	assert_string_equal(set->entries[lh].name, "struct list_head");
	assert_int_equal(field(set, lh, "next")->type, lh);	/* self-reference */
	assert_int_equal(field(set, lh, "prev")->offset, 8);
	assert_int_equal(field(set, id, "lp")->type, lh);
	assert_int_equal(field(set, id, "op")->type, DUSK_TYPE_NONE);	/* never defined */
	assert_int_equal(field(set, id, "ot")->type, DUSK_TYPE_NONE);	/* not needed */

	f = field(set, id, "arr");
	assert_int_equal(f->kind, DUSK_FK_ARRAY);
	assert_int_equal(f->count, 4);
	assert_int_equal(f->size, 16);
	assert_string_equal(set->entries[f->type].name, "int");

	f = field(set, id, "f1");
	assert_int_equal(f->kind, DUSK_FK_DATA);
	assert_int_equal(f->flags, DUSK_FF_BITFIELD);
	assert_int_equal(f->size, 1);
	f = field(set, id, "f2");
	assert_int_equal(f->flags, DUSK_FF_BITFIELD);
	assert_int_equal(f->offset, field(set, id, "f1")->offset);
	assert_int_equal(f->size, 2);		/* bits 3..11 */

	f = field(set, id, "u");
	assert_int_equal(f->kind, DUSK_FK_RECORD);
	u = &set->entries[f->type];
	assert_int_equal(u->kind, DUSK_TK_UNION);
	assert_null(u->cname);
	assert_int_equal(field(set, f->type, "p")->flags, DUSK_FF_AMBIGUOUS);
	assert_int_equal(field(set, f->type, "l")->flags, 0);
	assert_int_equal(field(set, f->type, "lh")->flags, DUSK_FF_AMBIGUOUS);
	assert_int_equal(field(set, f->type, "n")->flags, 0);
	/* The same list_head, unambiguous elsewhere. */
	assert_int_equal(field(set, lh, "next")->flags, 0);
	tg_set_free(set);
}

static void test_pointee_needed(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	int32_t id, other;
	uint64_t hash;

	(void)state;
	tu = tgt_parse(io_src);
	id = tg_type_id(set, tgt_type(tu, "struct io"), 0);
	other = tg_type_id(set, tgt_type(tu, "struct other"), 0);
	assert_true(other > id);
	assert_int_equal(tg_table_finish(set, &hash), 0);
	assert_int_equal(field(set, id, "ot")->type, other);
	tg_set_free(set);
}

static void test_special_ids(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	int32_t a, b;

	(void)state;
	tu = tgt_parse("char buf[16]; const char *s; void *v; int n; "
		       "struct list_head { struct list_head *next, *prev; } lh;");
	assert_int_equal(tg_type_id(set, tgt_type(tu, "buf"), 1), DUSK_TYPE_CSTRING);
	assert_int_equal(tg_type_id(set, tgt_type(tu, "s"), 1), DUSK_TYPE_CSTRING);
	a = tg_type_id(set, tgt_type(tu, "buf"), 0);
	assert_true(a >= 0);
	assert_int_equal(set->entries[a].kind, DUSK_TK_ARRAY);
	assert_int_equal(set->entries[a].count, 16);
	assert_int_equal(clang_getPointeeType(tgt_type(tu, "v")).kind, CXType_Void);
	assert_int_equal(tg_type_id(set, clang_getPointeeType(tgt_type(tu, "v")), 0),
			 DUSK_TYPE_NONE);
	b = tg_type_id(set, tgt_type(tu, "n"), 0);
	assert_int_equal(set->entries[b].kind, DUSK_TK_SCALAR);
	/* Same type, same id; and ids are stable as the table grows. */
	assert_int_equal(tg_type_id(set, tgt_type(tu, "buf"), 0), a);
	assert_true(tg_type_id(set, tgt_type(tu, "lh"), 0) > b);
	assert_int_equal(tg_type_id(set, tgt_type(tu, "n"), 0), b);
	tg_set_free(set);
}

static void test_module_types(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char *h, *t, *k;
	int32_t id;

	(void)state;
	tu = tgt_parse_module("struct list_head { struct list_head *next, *prev; };\n",
			      "#include \"input.h\"\n"
			      "struct mine { struct list_head l; int x; };\n");
	id = tg_type_id(set, tgt_type(tu, "struct mine"), 0);
	assert_true(id >= 0);
	h = tgt_decls(set);
	t = tgt_table(set, "x.h", NULL);
	k = tgt_bugs(set);
	tgt_pos(h, "struct list_head {");
	assert_null(strstr(h, "mine"));			/* the module's own code has it */
	tgt_pos(t, "\"struct mine\"");			/* ...but the table knows it */
	tgt_pos(t, "sizeof(struct list_head) == 16");
	assert_null(strstr(t, "sizeof(struct mine)"));
	tgt_pos(k, "BUILD_BUG_ON(sizeof(struct list_head) != 16);");
	tgt_pos(k, "BUILD_BUG_ON(offsetof(struct list_head, prev) != 8);");
	assert_null(strstr(k, "mine"));
	free(h);
	free(t);
	free(k);
	tg_set_free(set);
}

static void test_assert_paths(void **state)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu;
	char *t;

	(void)state;
	tu = tgt_parse("struct sg { int a; union { struct { char b; long c; } hdr; int d; };\n"
		       "            struct { short e; } grp[2]; };\n"
		       "typedef struct { int counter; } atomic_t;\n"
		       "struct ua { atomic_t v; };\n");
	assert_true(tg_type_id(set, tgt_type(tu, "struct sg"), 0) >= 0);
	assert_true(tg_type_id(set, tgt_type(tu, "struct ua"), 0) >= 0);
	t = tgt_table(set, "sg.h", NULL);
	tgt_pos(t, "offsetof(struct sg, hdr) == 8");
	tgt_pos(t, "offsetof(struct sg, hdr.c) == 16");
	tgt_pos(t, "offsetof(struct sg, d) == 8");
	tgt_pos(t, "offsetof(struct sg, grp) == 24");
	tgt_pos(t, "sizeof(((struct sg *)0)->grp) == 4");
	tgt_pos(t, "sizeof(atomic_t) == 4");
	tgt_pos(t, "offsetof(atomic_t, counter) == 0");
	tgt_pos(t, "const struct dusk_typetab test_types = {");
	tgt_pos(t, "#include \"sg.h\"");
	free(t);
	tg_set_free(set);
}

static uint64_t hash_of(const char *src, const char *type)
{
	struct tg_set *set = tg_set_new();
	CXTranslationUnit tu = tgt_parse(src);
	uint64_t hash = 0, emitted = 0;
	char *t;

	assert_true(tg_type_id(set, tgt_type(tu, type), 0) >= 0);
	t = tgt_table(set, "h.h", &emitted);
	assert_int_equal(tg_table_finish(set, &hash), 0);
	assert_int_equal(hash, emitted);
	free(t);
	tg_set_free(set);
	return hash;
}

static void test_hash(void **state)
{
	static const char a[] = "struct h { int x; int y; void *p; };";
	static const char moved[] = "struct h { int x; long y; void *p; };";
	static const char renamed[] = "struct h { int x; int z; void *p; };";
	uint64_t h1;

	(void)state;
	h1 = hash_of(a, "struct h");
	assert_int_equal(hash_of(a, "struct h"), h1);		/* stable */
	assert_int_not_equal(hash_of(moved, "struct h"), h1);	/* offsets count */
	assert_int_not_equal(hash_of(renamed, "struct h"), h1);
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
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_pointee_needed),
		cmocka_unit_test(test_special_ids),
		cmocka_unit_test(test_module_types),
		cmocka_unit_test(test_assert_paths),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
