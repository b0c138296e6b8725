/* SPDX-License-Identifier: MIT */
/*
 * The set of declarations the generated code needs, and how much of each.
 *
 * A named record is needed either declared (`struct sk_buff;`: enough
 * behind a pointer) or complete (members accessed, sizeof, by value).  A
 * complete record needs its members' types complete in turn, but what they
 * point to only declared.  A typedef is needed whenever its name is used,
 * and its target as much as the typedef.  Enums are always emitted whole
 * (C has no forward declaration of an enum).  Anonymous records and enums
 * are not items: their bodies are printed where they are used, so whatever
 * their members need is needed there.
 *
 * tg_walk_type()/tg_walk_decl() describe what spelling a type or a
 * declaration mentions; the set uses them to grow, tg-decls.c to order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"
#include <dusk/fnv.h>

struct tg_set *tg_set_new(void)
{
	struct tg_set *set = calloc(1, sizeof(*set));

	return set;
}

void tg_set_free(struct tg_set *set)
{
	int i;

	if (!set)
		return;
	for (i = 0; i < set->nitems; i++)
		free(set->items[i].usr);
	free(set->items);
	free(set->index);
	tg_entries_free(set);
	free(set);
}

/* ---- what a type mentions ---------------------------------------------- */

struct field_walk {
	tg_dep_fn fn;
	void *ctx;
};

static enum CXVisitorResult walk_field(CXCursor c, CXClientData data)
{
	struct field_walk *fw = data;

	tg_walk_type(clang_getCursorType(c), TG_COMPLETE, fw->fn, fw->ctx);
	return CXVisit_Continue;
}

static void walk_fields(CXType rec, tg_dep_fn fn, void *ctx)
{
	struct field_walk fw = { fn, ctx };

	clang_Type_visitFields(rec, walk_field, &fw);
}

/*
 * The item a declaration stands for.  `typedef struct { ... } name;` is one
 * item, the record (its only name is the typedef's), always complete: there
 * is no way to declare it without its body.  Both its typedef and its
 * record lead here.
 */
static CXCursor item_decl(CXCursor decl)
{
	CXCursor rec;
	CXString a, b;
	unsigned q = 0;
	CXType u;
	int same;

	if (clang_getCursorKind(decl) != CXCursor_TypedefDecl)
		return decl;
	u = tg_desugar(clang_getTypedefDeclUnderlyingType(decl), &q);
	if (u.kind != CXType_Record && u.kind != CXType_Enum)
		return decl;
	rec = tg_decl_of(u);
	if (!tg_has_typedef_name(rec))
		return decl;
	a = clang_getCursorSpelling(decl);
	b = clang_getCursorSpelling(rec);
	same = !strcmp(clang_getCString(a), clang_getCString(b));
	clang_disposeString(a);
	clang_disposeString(b);
	return same ? rec : decl;
}

void tg_walk_type(CXType t, enum tg_level level, tg_dep_fn fn, void *ctx)
{
	unsigned q = 0;
	CXCursor decl;
	int i, n;

	t = tg_desugar(t, &q);
	switch (t.kind) {
	case CXType_Pointer:
	case CXType_BlockPointer:
		tg_walk_type(clang_getPointeeType(t), TG_DECL, fn, ctx);
		return;
	case CXType_ConstantArray:
	case CXType_IncompleteArray:
	case CXType_VariableArray:
	case CXType_DependentSizedArray:
		tg_walk_type(clang_getArrayElementType(t), TG_COMPLETE, fn, ctx);
		return;
	case CXType_FunctionProto:
	case CXType_FunctionNoProto:
		tg_walk_type(clang_getResultType(t), TG_DECL, fn, ctx);
		n = clang_getNumArgTypes(t);
		for (i = 0; i < n; i++)
			tg_walk_type(clang_getArgType(t, i), TG_DECL, fn, ctx);
		return;
	case CXType_Atomic:
		tg_walk_type(clang_Type_getValueType(t), level, fn, ctx);
		return;
	case CXType_Vector:
	case CXType_ExtVector:
		tg_walk_type(clang_getElementType(t), TG_COMPLETE, fn, ctx);
		return;
	case CXType_Typedef:
		decl = item_decl(tg_decl_of(t));
		fn(ctx, decl, clang_getCursorKind(decl) == CXCursor_TypedefDecl ?
			      level : TG_COMPLETE);
		return;
	case CXType_Record:
		decl = tg_decl_of(t);
		if (tg_has_typedef_name(decl))
			fn(ctx, decl, TG_COMPLETE);
		else if (tg_is_anonymous(decl))
			walk_fields(t, fn, ctx);	/* body printed in place */
		else
			fn(ctx, decl, level);
		return;
	case CXType_Enum:
		decl = tg_decl_of(t);
		if (!tg_is_anonymous(decl) || tg_has_typedef_name(decl))
			fn(ctx, decl, TG_COMPLETE);
		return;
	default:
		return;
	}
}

void tg_walk_decl(CXCursor decl, enum tg_level level, tg_dep_fn fn, void *ctx)
{
	switch (clang_getCursorKind(decl)) {
	case CXCursor_TypedefDecl:
		tg_walk_type(clang_getTypedefDeclUnderlyingType(decl), level, fn, ctx);
		return;
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
		if (level == TG_COMPLETE)
			walk_fields(clang_getCursorType(decl), fn, ctx);
		return;
	default:
		return;
	}
}

/* ---- items ------------------------------------------------------------- */

static int *index_slot(struct tg_set *set, const char *usr)
{
	size_t mask = (size_t)set->capindex - 1;
	size_t i = dusk_fnv1a(DUSK_FNV1A_INIT, usr) & mask;

	while (set->index[i] >= 0 && strcmp(set->items[set->index[i]].usr, usr))
		i = (i + 1) & mask;
	return &set->index[i];
}

static int grow_index(struct tg_set *set)
{
	int cap = set->capindex ? 2 * set->capindex : 256;
	int *old = set->index, oldcap = set->capindex, i, j;

	set->index = malloc(cap * sizeof(int));
	if (!set->index) {
		set->index = old;
		return -ENOMEM;
	}
	for (i = 0; i < cap; i++)
		set->index[i] = -1;
	set->capindex = cap;
	for (i = 0; i < oldcap; i++) {
		j = old[i];
		if (j >= 0)
			*index_slot(set, set->items[j].usr) = j;
	}
	free(old);
	return 0;
}

struct tg_item *tg_item_find(struct tg_set *set, CXCursor decl)
{
	char *usr;
	int *slot;

	if (!set->capindex)
		return NULL;
	usr = tg_usr(decl);
	if (!usr)
		return NULL;
	slot = index_slot(set, usr);
	free(usr);
	return *slot >= 0 ? &set->items[*slot] : NULL;
}

/* Find or add the item for @decl; NULL on ENOMEM. */
static struct tg_item *item_get(struct tg_set *set, CXCursor decl)
{
	struct tg_item *it;
	char *usr;
	int *slot;

	if ((set->nitems + 1) * 2 > set->capindex && grow_index(set))
		return NULL;
	usr = tg_usr(decl);
	if (!usr)
		return NULL;
	slot = index_slot(set, usr);
	if (*slot >= 0) {
		free(usr);
		return &set->items[*slot];
	}
	it = vec_grow(set->items, sizeof(*it), set->nitems, &set->capitems);
	if (!it) {
		free(usr);
		return NULL;
	}
	set->items = it;
	it = &set->items[set->nitems];
	it->usr = usr;
	it->decl = decl;
	switch (clang_getCursorKind(decl)) {
	case CXCursor_TypedefDecl:
		it->kind = TG_ITEM_TYPEDEF;
		break;
	case CXCursor_EnumDecl:
		it->kind = TG_ITEM_ENUM;
		break;
	default:
		it->kind = TG_ITEM_RECORD;
		break;
	}
	*slot = set->nitems++;
	return it;
}

/* tg_dep_fn of the set: raise the item's level, and need what it needs. */
static void need(void *ctx, CXCursor decl, enum tg_level level)
{
	struct tg_set *set = ctx;
	struct tg_item *it;

	if (clang_Cursor_isNull(decl) || set->oom)
		return;
	it = item_get(set, decl);
	if (!it) {
		set->oom = 1;
		return;
	}
	if (it->kind == TG_ITEM_RECORD &&
	    clang_Cursor_isNull(clang_getCursorDefinition(decl)))
		level = TG_DECL;	/* never defined: opaque */
	if (level <= it->level)
		return;
	it->level = level;
	/* @it may move as items grow: walk through a copy of the cursor. */
	tg_walk_decl(decl, level, need, set);
}

int tg_need_complete(struct tg_set *set, CXType t)
{
	if (!set)
		return -EINVAL;
	tg_walk_type(t, TG_COMPLETE, need, set);
	return set->oom ? -ENOMEM : 0;
}

int tg_need_decl(struct tg_set *set, CXType t)
{
	if (!set)
		return -EINVAL;
	tg_walk_type(t, TG_DECL, need, set);
	return set->oom ? -ENOMEM : 0;
}

int tg_set_is_complete(struct tg_set *set, CXCursor decl)
{
	struct tg_item *it = tg_item_find(set, decl);

	return it && it->level == TG_COMPLETE;
}
