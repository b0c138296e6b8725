/* SPDX-License-Identifier: MIT */
/*
 * Writing the table out: mymod.types.c for the user build (the data, then
 * a _Static_assert() of every size, alignment and offset), and the same
 * facts as BUILD_BUG_ON()s for the generated kmod, where the kernel's own
 * compiler and headers check them.  A type with no C name (an anonymous
 * record) is checked through the record that contains it:
 * offsetof(struct sk_buff, headers.mac_len).  Types the module defines
 * itself are not asserted here: neither side's generated file sees them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"
#include <dusk/typeinfo.h>

enum assert_style { AS_STATIC, AS_BUILD_BUG };

static const char *const tk_names[] = {
	"DUSK_TK_SCALAR", "DUSK_TK_STRUCT", "DUSK_TK_UNION",
	"DUSK_TK_ARRAY", "DUSK_TK_POINTER", "DUSK_TK_FUNCPTR",
};

static const char *const fk_names[] = {
	"DUSK_FK_DATA", "DUSK_FK_PTR", "DUSK_FK_FNPTR",
	"DUSK_FK_ARRAY", "DUSK_FK_RECORD",
};

static void put_flags(struct sb *b, unsigned flags)
{
	static const char *const names[] = {
		"DUSK_FF_AMBIGUOUS", "DUSK_FF_BITFIELD", "DUSK_FF_USER_PTR",
	};
	int i, n = 0;

	for (i = 0; i < 3; i++)
		if (flags & (1u << i))
			sb_printf(b, "%s%s", n++ ? " | " : "", names[i]);
	if (!n)
		sb_puts(b, "0");
}

static void put_type_id(struct sb *b, int32_t id)
{
	if (id == DUSK_TYPE_NONE)
		sb_puts(b, "DUSK_TYPE_NONE");
	else if (id == DUSK_TYPE_CSTRING)
		sb_puts(b, "DUSK_TYPE_CSTRING");
	else
		sb_printf(b, "%" PRId32, id);
}

static void put_data(struct sb *b, struct tg_set *set, const char *sym,
		     uint64_t hash)
{
	int i, j;

	for (i = 0; i < set->nentries; i++) {
		struct tg_entry *e = &set->entries[i];

		if (!e->nfields)
			continue;
		sb_printf(b, "static const struct dusk_field %s_f%d[] = {\n", sym, i);
		for (j = 0; j < e->nfields; j++) {
			struct tg_entry_field *f = &e->fields[j];

			sb_puts(b, "\t{ ");
			sb_put_literal(b, f->name);
			sb_printf(b, ", %u, %u, %s, ", f->offset, f->size,
				  fk_names[f->kind]);
			put_flags(b, f->flags);
			sb_puts(b, ", ");
			put_type_id(b, f->type);
			sb_printf(b, ", %u },\n", f->count);
		}
		sb_puts(b, "};\n\n");
	}
	if (set->nentries) {
		sb_printf(b, "static const struct dusk_type %s_types[] = {\n", sym);
		for (i = 0; i < set->nentries; i++) {
			struct tg_entry *e = &set->entries[i];

			sb_printf(b, "\t[%d] = { ", i);
			sb_put_literal(b, e->name);
			sb_printf(b, ", %u, %u, %s, %d, ", e->size, e->align,
				  tk_names[e->kind], e->nfields);
			if (e->nfields)
				sb_printf(b, "%s_f%d, ", sym, i);
			else
				sb_puts(b, "NULL, ");
			put_type_id(b, e->elem);
			sb_printf(b, ", %u },\n", e->count);
		}
		sb_puts(b, "};\n\n");
	}
	sb_printf(b, "const struct dusk_typetab %s = {\n"
		  "\t.version = DUSK_TYPEINFO_VERSION,\n"
		  "\t.ntypes = %d,\n"
		  "\t.types = %s%s,\n"
		  "\t.hash = 0x%016" PRIx64 "ULL,\n"
		  "};\n", sym, set->nentries, set->nentries ? sym : "NULL",
		  set->nentries ? "_types" : "", hash);
}

/* One fact: "expr == value". */
static void put_assert(struct sb *b, enum assert_style st, const char *expr,
		       uint64_t value, const char *what)
{
	if (st == AS_STATIC) {
		sb_printf(b, "_Static_assert(%s == %" PRIu64 ", \"dusk layout: ", expr, value);
		sb_puts(b, what);
		sb_puts(b, "\");\n");
	} else {
		sb_printf(b, "\tBUILD_BUG_ON(%s != %" PRIu64 ");\n", expr, value);
	}
}

/* Offsets and sizes of the fields of entry @e, inside the named record
 * @outer at @base bytes, member paths prefixed by @path. */
static void assert_fields(struct sb *b, struct tg_set *set,
			  enum assert_style st, const char *outer,
			  const struct tg_entry *e, uint64_t base, const char *path)
{
	struct sb expr = { 0 }, what = { 0 }, sub = { 0 };
	const struct tg_entry *fe;
	int i;

	for (i = 0; i < e->nfields; i++) {
		const struct tg_entry_field *f = &e->fields[i];

		if (f->flags & DUSK_FF_BITFIELD)
			continue;	/* offsetof() cannot name a bit-field */
		fe = f->kind == DUSK_FK_RECORD && f->type >= 0 ?
		     &set->entries[f->type] : NULL;
		if (!f->name[0]) {
			/* Anonymous member: its fields belong to @outer. */
			if (fe)
				assert_fields(b, set, st, outer, fe, base + f->offset, path);
			continue;
		}
		sb_printf(&expr, "offsetof(%s, %s%s)", outer, path, f->name);
		sb_printf(&what, "%s.%s%s offset", outer, path, f->name);
		put_assert(b, st, expr.s, base + f->offset, what.s);
		sb_free(&expr);
		sb_free(&what);
		if (!(f->kind == DUSK_FK_ARRAY && f->count == 0)) {
			sb_printf(&expr, "sizeof(((%s *)0)->%s%s)", outer, path, f->name);
			sb_printf(&what, "%s.%s%s size", outer, path, f->name);
			put_assert(b, st, expr.s, f->size, what.s);
			sb_free(&expr);
			sb_free(&what);
		}
		/* A member of a type with no name: check inside it from here. */
		if (fe && !fe->cname) {
			sb_printf(&sub, "%s%s.", path, f->name);
			assert_fields(b, set, st, outer, fe, base + f->offset, sub.s);
			sb_free(&sub);
		}
	}
}

static void put_asserts(struct sb *b, struct tg_set *set, enum assert_style st)
{
	struct sb expr = { 0 }, what = { 0 };
	int i;

	for (i = 0; i < set->nentries; i++) {
		struct tg_entry *e = &set->entries[i];

		if (!e->cname || !e->kernel_side)
			continue;
		sb_printf(&expr, "sizeof(%s)", e->cname);
		sb_printf(&what, "sizeof(%s)", e->cname);
		put_assert(b, st, expr.s, e->size, what.s);
		sb_free(&expr);
		sb_free(&what);
		sb_printf(&expr, "%s(%s)", st == AS_STATIC ? "_Alignof" : "__alignof__",
			  e->cname);
		sb_printf(&what, "alignment of %s", e->cname);
		put_assert(b, st, expr.s, e->align, what.s);
		sb_free(&expr);
		sb_free(&what);
		if (e->kind == DUSK_TK_STRUCT || e->kind == DUSK_TK_UNION)
			assert_fields(b, set, st, e->cname, e, 0, "");
	}
}

static int write_buf(struct sb *b, FILE *out)
{
	int ret = 0;

	if (b->failed)
		ret = -ENOMEM;
	else if (b->len && fwrite(b->s, 1, b->len, out) != b->len)
		ret = -EIO;
	sb_free(b);
	return ret;
}

int tg_emit_table(struct tg_set *set, FILE *out, const char *sym,
		  const char *decls_header, uint64_t *hash)
{
	struct sb b = { 0 };
	uint64_t h;
	int ret;

	if (!set || !out || !sym)
		return -EINVAL;
	ret = tg_table_finish(set, &h);
	if (ret)
		return ret;
	/* The caller (dusk-rewrite) writes the "generated, do not edit" line. */
	sb_puts(&b, "/* The type-layout table (include/dusk/typeinfo.h, "
		"docs/typetable.md). */\n"
		"#include <stddef.h>\n#include <dusk/typeinfo.h>\n");
	if (decls_header)
		sb_printf(&b, "#include \"%s\"\n", decls_header);
	sb_puts(&b, "\n");
	put_data(&b, set, sym, h);
	sb_puts(&b, "\n/* The user compiler must lay these types out as the "
		"kernel does. */\n");
	put_asserts(&b, set, AS_STATIC);
	if (hash)
		*hash = h;
	return write_buf(&b, out);
}

int tg_emit_build_bug_ons(struct tg_set *set, FILE *out)
{
	struct sb b = { 0 };
	uint64_t h;
	int ret;

	if (!set || !out)
		return -EINVAL;
	ret = tg_table_finish(set, &h);
	if (ret)
		return ret;
	sb_printf(&b, "\t/* Layout of the types the user build shares "
		  "(hash 0x%016" PRIx64 "). */\n", h);
	put_asserts(&b, set, AS_BUILD_BUG);
	return write_buf(&b, out);
}
