/* SPDX-License-Identifier: MIT */
/*
 * The type-layout table: one entry per type the rewriter asks about and per
 * type those reach (by-value members, array elements, pointed-to records
 * the set needs complete, function-pointer signatures), numbered in the
 * order they are first met, so an id handed out stays valid.
 *
 * A pointer's target gets an entry only when the module needs that record
 * complete; a record it never looks into (struct net behind skb->dev->...)
 * stays DUSK_TYPE_NONE, opaque: commit() passes such pointers through and
 * never has to mirror such objects.  Plain `char *` is DUSK_TYPE_CSTRING.
 *
 * The layout hash is FNV-1a (64 bit) over a canonical text made from the
 * table alone (docs/typetable.md), so either side can recompute it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"
#include <dusk/typeinfo.h>
#include <dusk/fnv.h>

/* Does @t mention a declaration of the main file (the module's own)? */
static void mark_main(void *ctx, CXCursor decl, enum tg_level level)
{
	(void)level;
	if (tg_in_main_file(decl))
		*(int *)ctx = 1;
}

static int mentions_main_file(CXType t)
{
	int found = 0;

	tg_walk_type(t, TG_DECL, mark_main, &found);
	return found;
}

/* The typedef name an anonymous record is known by, if any (outermost). */
static char *typedef_alias(CXType t)
{
	unsigned q = 0;
	CXType c;
	CXString s;
	char *r;

	for (;;) {
		if (t.kind == CXType_Elaborated) {
			t = clang_Type_getNamedType(t);
			continue;
		}
		if (t.kind != CXType_Typedef)
			return NULL;
		c = tg_desugar(clang_getCanonicalType(t), &q);
		if (c.kind == CXType_Record && tg_is_anonymous(tg_decl_of(c)))
			break;
		return NULL;
	}
	s = clang_getTypedefName(t);
	r = tg_libc_name(clang_getCString(s)) ? NULL : strdup(clang_getCString(s));
	clang_disposeString(s);
	return r;
}

static char *entry_key(CXType c)
{
	CXString s;
	char *k;

	/* Anonymous records share USRs, and spellings too when a macro made
	 * them (struct_group): they are told apart by cursor (entry_find). */
	if ((c.kind == CXType_Record || c.kind == CXType_Enum) &&
	    tg_is_anonymous(tg_decl_of(c)))
		return strdup("(anonymous)");
	if (c.kind == CXType_Record || c.kind == CXType_Enum)
		return tg_usr(tg_decl_of(c));
	s = clang_getTypeSpelling(c);
	k = strdup(clang_getCString(s));
	clang_disposeString(s);
	return k;
}

static int entry_find(struct tg_set *set, const char *key, CXType c)
{
	CXCursor decl = tg_decl_of(c);
	int anon = !strcmp(key, "(anonymous)");
	int i;

	for (i = 0; i < set->nentries; i++)
		if (!strcmp(set->entries[i].key, key) &&
		    (!anon || clang_equalCursors(tg_decl_of(set->entries[i].type), decl)))
			return i;
	return -1;
}

static char *spell(CXType c)
{
	CXString s = clang_getTypeSpelling(c);
	char *r = strdup(clang_getCString(s));

	clang_disposeString(s);
	return r;
}

/* Fill the identity of a new entry for canonical, unqualified @c. */
static int entry_init(struct tg_entry *e, CXType c, const char *alias)
{
	CXCursor decl;
	unsigned q = 0;
	CXType p;
	char buf[64];

	e->type = c;
	e->elem = DUSK_TYPE_NONE;
	e->size = (uint32_t)tg_sizeof(c);
	e->align = (uint32_t)tg_alignof(c);
	e->kernel_side = !mentions_main_file(c);
	switch (c.kind) {
	case CXType_Record:
		decl = tg_decl_of(c);
		e->kind = clang_getCursorKind(decl) == CXCursor_UnionDecl ?
			  DUSK_TK_UNION : DUSK_TK_STRUCT;
		if (tg_has_typedef_name(decl)) {
			e->name = spell(c);
			e->cname = e->name ? strdup(e->name) : NULL;
		} else if (tg_is_anonymous(decl)) {
			snprintf(buf, sizeof(buf), "%s (anonymous)", tg_tag_keyword(decl));
			e->name = strdup(alias ? alias : buf);
			e->cname = alias ? strdup(alias) : NULL;
			if (alias && !e->cname)
				return -ENOMEM;
		} else {
			e->name = spell(c);
			if (!tg_is_builtin(decl))
				e->cname = e->name ? strdup(e->name) : NULL;
		}
		break;
	case CXType_Pointer:
		p = tg_desugar(clang_getPointeeType(c), &q);
		e->kind = tg_is_function(p.kind) ? DUSK_TK_FUNCPTR : DUSK_TK_POINTER;
		e->name = tg_declarator(c, "");
		break;		/* no cname: nothing worth asserting */
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
		e->kind = DUSK_TK_ARRAY;
		e->count = c.kind == CXType_ConstantArray ?
			   (uint32_t)clang_getArraySize(c) : 0;
		e->name = tg_declarator(c, "");
		p = tg_desugar(clang_getArrayElementType(c), &q);
		if (e->name && !(p.kind == CXType_Record &&
				 (tg_is_anonymous(tg_decl_of(p)) ||
				  tg_is_builtin(tg_decl_of(p)))) && e->count)
			e->cname = strdup(e->name);
		break;
	default:
		e->kind = DUSK_TK_SCALAR;
		if (c.kind == CXType_Enum && tg_is_anonymous(tg_decl_of(c))) {
			e->name = strdup("enum (anonymous)");
		} else {
			e->name = spell(c);
			e->cname = e->name ? strdup(e->name) : NULL;
		}
		break;
	}
	return e->name ? 0 : -ENOMEM;
}

/* Id of the entry for @t (added if new), DUSK_TYPE_NONE for types with no
 * layout (void, functions), or a negative errno below DUSK_TYPE_CSTRING. */
static int32_t entry_get(struct tg_set *set, CXType t)
{
	unsigned q = 0;
	struct tg_entry *e;
	char *key, *alias;
	CXType c;
	int i, ret;

	c = clang_getCanonicalType(tg_desugar(t, &q));
	if (c.kind == CXType_Void || tg_is_function(c.kind) ||
	    c.kind == CXType_Invalid)
		return DUSK_TYPE_NONE;
	c = clang_getUnqualifiedType(c);
	if (c.kind == CXType_Record &&
	    clang_Cursor_isNull(clang_getCursorDefinition(tg_decl_of(c))))
		return DUSK_TYPE_NONE;		/* never defined: opaque */
	key = entry_key(c);
	if (!key)
		return -ENOMEM;
	i = entry_find(set, key, c);
	if (i >= 0) {
		e = &set->entries[i];
		if (!e->cname && e->kind != DUSK_TK_POINTER &&
		    e->kind != DUSK_TK_FUNCPTR && (alias = typedef_alias(t))) {
			free(e->name);		/* now known by a typedef name */
			e->name = alias;
			e->cname = strdup(alias);
		}
		free(key);
		return i;
	}
	e = vec_grow(set->entries, sizeof(*e), set->nentries, &set->capentries);
	if (!e) {
		free(key);
		return -ENOMEM;
	}
	set->entries = e;
	e = &set->entries[set->nentries];
	e->key = key;
	alias = typedef_alias(t);
	ret = entry_init(e, c, alias);
	free(alias);
	if (ret) {
		free(e->key);
		free(e->name);
		free(e->cname);
		return ret;
	}
	return set->nentries++;
}

/* Type id a pointer to @p carries. */
static int32_t pointee_id(struct tg_set *set, CXType p)
{
	unsigned q = 0;
	CXType c = tg_desugar(p, &q);

	c = clang_getCanonicalType(c);
	if (c.kind == CXType_Char_S || c.kind == CXType_Char_U)
		return DUSK_TYPE_CSTRING;
	if (c.kind == CXType_Record && !tg_is_anonymous(tg_decl_of(c)) &&
	    !tg_set_is_complete(set, tg_decl_of(c)))
		return DUSK_TYPE_NONE;
	return entry_get(set, p);
}

int32_t tg_type_id(struct tg_set *set, CXType t, int as_string)
{
	unsigned q = 0;
	CXType c;
	int ret;

	if (!set)
		return -EINVAL;
	c = clang_getCanonicalType(tg_desugar(t, &q));
	if (as_string && (c.kind == CXType_Pointer || tg_is_array(c.kind))) {
		CXType e = clang_getCanonicalType(c.kind == CXType_Pointer ?
			clang_getPointeeType(c) : clang_getArrayElementType(c));

		if (e.kind == CXType_Char_S || e.kind == CXType_Char_U)
			return DUSK_TYPE_CSTRING;
	}
	if (as_string && (c.kind == CXType_Char_S || c.kind == CXType_Char_U))
		return DUSK_TYPE_CSTRING;
	if (c.kind == CXType_Record) {
		ret = tg_need_complete(set, t);
		if (ret)
			return ret;
	}
	return entry_get(set, t);
}

/* ---- fields ------------------------------------------------------------ */

static int entry_has_ptr(struct tg_set *set, int32_t id)
{
	struct tg_entry *e;
	int i;

	if (id < 0)
		return 0;
	e = &set->entries[id];
	switch (e->kind) {
	case DUSK_TK_POINTER:
	case DUSK_TK_FUNCPTR:
		return 1;
	case DUSK_TK_ARRAY:
		return entry_has_ptr(set, e->elem);
	case DUSK_TK_STRUCT:
	case DUSK_TK_UNION:
		for (i = 0; i < e->nfields; i++) {
			struct tg_entry_field *f = &e->fields[i];

			if (f->kind == DUSK_FK_PTR || f->kind == DUSK_FK_FNPTR ||
			    ((f->kind == DUSK_FK_RECORD || f->kind == DUSK_FK_ARRAY) &&
			     entry_has_ptr(set, f->type)))
				return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Fill @ef from layout field @f.  Returns 0, 1 to skip it, or -errno. */
static int make_field(struct tg_set *set, const struct tg_field *f,
		      struct tg_entry_field *ef)
{
	unsigned q = 0;
	CXType c = tg_desugar(f->type, &q), p;
	int32_t id;

	memset(ef, 0, sizeof(*ef));
	if (f->bitfield && (!f->width || !f->name[0]))
		return 1;		/* padding bits hold no data */
	ef->name = strdup(f->name);
	if (!ef->name)
		return -ENOMEM;
	ef->count = 1;
	ef->off_bits = f->off_bits;
	ef->offset = (uint32_t)(f->off_bits / 8);
	if (f->bitfield) {
		ef->size = (uint32_t)((f->off_bits + f->width + 7) / 8 - ef->offset);
		ef->kind = DUSK_FK_DATA;
		ef->flags = DUSK_FF_BITFIELD;
		id = entry_get(set, f->type);
	} else {
		ef->size = (uint32_t)tg_sizeof(f->type);
		c = clang_getCanonicalType(c);
		if (c.kind == CXType_Pointer) {
			p = tg_desugar(clang_getPointeeType(c), &q);
			if (tg_is_function(p.kind)) {
				ef->kind = DUSK_FK_FNPTR;
				id = entry_get(set, c);
			} else {
				ef->kind = DUSK_FK_PTR;
				id = pointee_id(set, clang_getPointeeType(f->type));
				if (tg_has_user_token(f->cur))
					ef->flags |= DUSK_FF_USER_PTR;
			}
		} else if (tg_is_array(c.kind)) {
			ef->kind = DUSK_FK_ARRAY;
			ef->count = c.kind == CXType_ConstantArray ?
				    (uint32_t)clang_getArraySize(c) : 0;
			id = entry_get(set, clang_getArrayElementType(f->type));
		} else if (c.kind == CXType_Record) {
			ef->kind = DUSK_FK_RECORD;
			id = entry_get(set, f->type);
		} else {
			ef->kind = DUSK_FK_DATA;
			id = entry_get(set, f->type);
		}
	}
	if (id < DUSK_TYPE_CSTRING) {
		free(ef->name);
		return id;
	}
	ef->type = id;
	return 0;
}

static int entry_fields(struct tg_set *set, int idx)
{
	struct tg_entry_field *v = NULL, tmp;
	struct tg_record r;
	int i, j, n = 0, ret;

	ret = tg_record_layout(set->entries[idx].type, &r);
	if (ret)
		return ret;
	if (r.nfields) {
		v = calloc(r.nfields, sizeof(*v));
		if (!v) {
			tg_record_free(&r);
			return -ENOMEM;
		}
	}
	for (i = 0; i < r.nfields; i++) {
		ret = make_field(set, &r.fields[i], &v[n]);
		if (ret < 0)
			break;
		if (ret == 0)
			n++;
		ret = 0;
	}
	tg_record_free(&r);
	/* Stable insertion sort by offset (declaration order already is, but
	 * the table promises it, so make sure). */
	for (i = 1; i < n && !ret; i++) {
		tmp = v[i];
		for (j = i; j > 0 && v[j - 1].off_bits > tmp.off_bits; j--)
			v[j] = v[j - 1];
		v[j] = tmp;
	}
	if (ret) {
		for (i = 0; i < n; i++)
			free(v[i].name);
		free(v);
		return ret;
	}
	/* set->entries may have moved while fields were added. */
	set->entries[idx].fields = v;
	set->entries[idx].nfields = n;
	return 0;
}

static int entry_finish(struct tg_set *set, int idx)
{
	struct tg_entry *e = &set->entries[idx];
	CXType c = e->type;
	int32_t id;

	e->done = 1;
	switch (e->kind) {
	case DUSK_TK_STRUCT:
	case DUSK_TK_UNION:
		return entry_fields(set, idx);
	case DUSK_TK_POINTER:
		id = pointee_id(set, clang_getPointeeType(c));
		break;
	case DUSK_TK_ARRAY:
		id = entry_get(set, clang_getArrayElementType(c));
		break;
	default:
		return 0;
	}
	if (id < DUSK_TYPE_CSTRING)
		return id;
	set->entries[idx].elem = id;
	return 0;
}

/* ---- hash -------------------------------------------------------------- */

static uint64_t table_hash(struct tg_set *set)
{
	uint64_t h = DUSK_FNV1A_INIT;
	char line[128];
	int i, j;

	snprintf(line, sizeof(line), "dusk-typeinfo %d\n", DUSK_TYPEINFO_VERSION);
	h = dusk_fnv1a(h, line);
	for (i = 0; i < set->nentries; i++) {
		struct tg_entry *e = &set->entries[i];

		snprintf(line, sizeof(line), "type %d %u %u %u %d %u %d ", i,
			 e->kind, e->size, e->align, e->elem, e->count, e->nfields);
		h = dusk_fnv1a(h, line);
		h = dusk_fnv1a(h, e->name);
		h = dusk_fnv1a(h, "\n");
		for (j = 0; j < e->nfields; j++) {
			struct tg_entry_field *f = &e->fields[j];

			snprintf(line, sizeof(line), "field %u %u %u %u %d %u ",
				 f->offset, f->size, f->kind, f->flags, f->type,
				 f->count);
			h = dusk_fnv1a(h, line);
			h = dusk_fnv1a(h, f->name);
			h = dusk_fnv1a(h, "\n");
		}
	}
	return h;
}

int tg_table_finish(struct tg_set *set, uint64_t *hash)
{
	struct tg_entry *e;
	int i, j, ret;

	if (set->oom)
		return -ENOMEM;
	for (i = 0; i < set->nentries; i++) {
		if (set->entries[i].done)
			continue;
		ret = entry_finish(set, i);
		if (ret)
			return ret;
	}
	/* Which member of a union is live is unknown: every pointer in it,
	 * directly or inside a member record/array, is ambiguous. */
	for (i = 0; i < set->nentries; i++) {
		e = &set->entries[i];
		if (e->kind != DUSK_TK_UNION)
			continue;
		for (j = 0; j < e->nfields; j++) {
			struct tg_entry_field *f = &e->fields[j];

			if (f->kind == DUSK_FK_PTR || f->kind == DUSK_FK_FNPTR ||
			    ((f->kind == DUSK_FK_RECORD || f->kind == DUSK_FK_ARRAY) &&
			     entry_has_ptr(set, f->type)))
				f->flags |= DUSK_FF_AMBIGUOUS;
		}
	}
	*hash = table_hash(set);
	return 0;
}

void tg_entries_free(struct tg_set *set)
{
	int i, j;

	for (i = 0; i < set->nentries; i++) {
		struct tg_entry *e = &set->entries[i];

		for (j = 0; j < e->nfields; j++)
			free(e->fields[j].name);
		free(e->fields);
		free(e->key);
		free(e->name);
		free(e->cname);
	}
	free(set->entries);
	set->entries = NULL;
	set->nentries = set->capentries = 0;
}
