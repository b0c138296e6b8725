/* SPDX-License-Identifier: MIT */
/*
 * A record's layout, and the attributes that make a plain C compiler
 * reproduce it without kernel headers.
 *
 * libclang tells where every field really is (the kernel's layout); the
 * printed declaration only carries the field types.  The x86-64 SysV rules
 * are replayed here over those types: wherever the natural offset differs
 * from the real one, the field gets aligned(N) (pushed further) or packed
 * (pulled back); a bit-field that starts later than natural gets an unnamed
 * padding bit-field before it; a record whose alignment exceeds its fields'
 * gets aligned(N); one whose alignment is below them is packed.  The
 * _Static_assert()s of the table check the outcome.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"

struct collect {
	struct tg_record *r;
	size_t cap;
	int err;
};

static enum CXVisitorResult collect_field(CXCursor c, CXClientData data)
{
	struct collect *col = data;
	struct tg_record *r = col->r;
	struct tg_field *f, *n;
	CXString s;
	long long off;

	n = vec_grow(r->fields, sizeof(*n), r->nfields, &col->cap);
	if (!n) {
		col->err = -ENOMEM;
		return CXVisit_Break;
	}
	r->fields = n;
	f = &r->fields[r->nfields];
	f->cur = c;
	f->type = clang_getCursorType(c);
	s = clang_getCursorSpelling(c);
	f->name = strdup(clang_getCString(s));
	clang_disposeString(s);
	if (!f->name) {
		col->err = -ENOMEM;
		return CXVisit_Break;
	}
	off = clang_Cursor_getOffsetOfField(c);
	f->off_bits = off > 0 ? (uint64_t)off : 0;
	f->bitfield = clang_Cursor_isBitField(c) != 0;
	f->width = f->bitfield ? clang_getFieldDeclBitWidth(c) : 0;
	f->anon_member = clang_Cursor_isAnonymousRecordDecl(tg_decl_of(f->type)) != 0;
	if (f->anon_member) {
		free(f->name);		/* clang spells it "struct (unnamed ...)" */
		f->name = strdup("");
		if (!f->name) {
			col->err = -ENOMEM;
			return CXVisit_Break;
		}
	}
	r->nfields++;
	return CXVisit_Continue;
}

static enum CXChildVisitResult find_packed(CXCursor c, CXCursor parent,
					   CXClientData data)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_PackedAttr) {
		*(int *)data = 1;
		return CXChildVisit_Break;
	}
	return CXChildVisit_Continue;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

/* Place the fields by the natural rules (@packed: every field aligned 1),
 * set the field attributes that reach the real offsets, and return the
 * alignment the record gets from its fields. */
static uint64_t place(struct tg_record *r, int packed)
{
	uint64_t bitpos = 0, maxa = 1, prev, nat, actual, fa, fs, a, eff;
	struct tg_field *f;
	int i;

	for (i = 0; i < r->nfields; i++) {
		f = &r->fields[i];
		f->attr_align = 0;
		f->attr_packed = 0;
		f->pad_bits = 0;
		fa = tg_alignof(f->type);
		fs = tg_sizeof(f->type);
		if (f->bitfield) {
			nat = r->is_union ? 0 : bitpos;
			if (f->width == 0) {
				if (!packed)
					bitpos = align_up(bitpos, fa * 8);
				continue;
			}
			if (!packed && nat / (fa * 8) != (nat + f->width - 1) / (fa * 8))
				nat = align_up(nat, fa * 8);
			if (f->off_bits > nat)
				f->pad_bits = (unsigned)(f->off_bits - nat);
			if (f->off_bits + f->width > bitpos)
				bitpos = f->off_bits + f->width;
			if (!packed && f->name[0] && fa > maxa)
				maxa = fa;
			continue;
		}
		eff = packed ? 1 : fa;
		prev = (bitpos + 7) / 8;
		actual = f->off_bits / 8;
		nat = r->is_union ? 0 : align_up(prev, eff);
		if (actual > nat) {
			for (a = eff * 2; a <= (1u << 16); a *= 2) {
				if (align_up(prev, a) == actual) {
					eff = a;
					f->attr_align = (unsigned)a;
					break;
				}
			}
		} else if (actual < nat) {
			for (a = eff / 2; a >= 1; a /= 2) {
				if (align_up(prev, a) == actual) {
					eff = a;
					f->attr_packed = 1;
					f->attr_align = a > 1 ? (unsigned)a : 0;
					break;
				}
			}
		}
		if (eff > maxa)
			maxa = eff;
		if ((actual + fs) * 8 > bitpos)
			bitpos = (actual + fs) * 8;
	}
	return maxa;
}

int tg_record_layout(CXType t, struct tg_record *r)
{
	struct collect col = { r, 0, 0 };
	unsigned q = 0;
	uint64_t maxa;
	int packed = 0;

	memset(r, 0, sizeof(*r));
	t = tg_desugar(t, &q);
	if (t.kind != CXType_Record)
		return -EINVAL;
	r->decl = tg_decl_of(t);
	r->is_union = clang_getCursorKind(r->decl) == CXCursor_UnionDecl;
	r->size = tg_sizeof(t);
	r->align = tg_alignof(t);
	clang_Type_visitFields(t, collect_field, &col);
	if (col.err) {
		tg_record_free(r);
		return col.err;
	}
	clang_visitChildren(r->decl, find_packed, &packed);
	maxa = place(r, packed);
	if (maxa > r->align && !packed) {
		packed = 1;	/* #pragma pack or the like */
		maxa = place(r, packed);
	}
	r->packed = packed;
	if (r->align > maxa)
		r->attr_align = (unsigned)r->align;
	return 0;
}

void tg_record_free(struct tg_record *r)
{
	int i;

	for (i = 0; i < r->nfields; i++)
		free(r->fields[i].name);
	free(r->fields);
	r->fields = NULL;
	r->nfields = 0;
}
