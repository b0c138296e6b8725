/* SPDX-License-Identifier: MIT */
/*
 * The declarations header: every needed typedef, record and enum, each
 * after what its text depends on.
 *
 * Emission is a depth-first walk: before an item is printed, the items its
 * text needs complete (by-value members, typedef targets, enums, every
 * typedef name) are printed, and the records it only points to get a
 * forward declaration unless already declared.  Pointer cycles (sk_buff and
 * net_device point at each other) are thus broken by `struct x;` lines
 * exactly where needed.  Types the module defines itself (main file) are
 * left to the module's own code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"

struct dep {
	int item;
	enum tg_level level;
};

struct deps {
	struct tg_set *set;
	struct dep *v;
	int n;
	size_t cap;
	int oom;
};

static void collect(void *ctx, CXCursor decl, enum tg_level level)
{
	struct deps *d = ctx;
	struct tg_item *it = tg_item_find(d->set, decl);
	struct dep *nv;

	if (!it)
		return;		/* cannot happen: need() added every dependency */
	nv = vec_grow(d->v, sizeof(*nv), d->n, &d->cap);
	if (!nv) {
		d->oom = 1;
		return;
	}
	d->v = nv;
	d->v[d->n].item = (int)(it - d->set->items);
	d->v[d->n].level = level;
	d->n++;
}

static void forward_decl(struct sb *b, struct tg_item *it)
{
	sb_puts(b, tg_tag_keyword(it->decl));
	sb_puts(b, " ");
	tg_put_cx(b, clang_getCursorSpelling(it->decl));
	sb_puts(b, ";\n");
	it->declared = 1;
}

static void print_typedef(struct sb *b, CXCursor decl)
{
	CXType under = clang_getTypedefDeclUnderlyingType(decl);
	CXString name = clang_getCursorSpelling(decl);
	uint64_t a = tg_alignof(clang_getCursorType(decl));

	sb_puts(b, "typedef ");
	tg_print_decl(b, under, clang_getCString(name), 0);
	clang_disposeString(name);
	/* typedef u64 aligned_u64 __aligned(8): the alignment lives on the name. */
	if (a != tg_alignof(under))
		sb_printf(b, " __attribute__((aligned(%llu)))", (unsigned long long)a);
	sb_puts(b, ";\n");
}

static void print_item(struct sb *b, struct tg_item *it);

static int emit(struct tg_set *set, int idx, struct sb *b)
{
	struct deps d = { set, NULL, 0, 0, 0 };
	struct tg_item *it = &set->items[idx], *dep;
	int i, ret;

	if (it->state)
		return 0;
	it->state = 1;
	if (tg_in_main_file(it->decl) || tg_is_builtin(it->decl)) {
		it->state = 2;
		it->declared = 1;
		return 0;
	}
	tg_walk_decl(it->decl, it->level, collect, &d);
	if (d.oom) {
		free(d.v);
		return -ENOMEM;
	}
	for (i = 0; i < d.n; i++) {
		dep = &set->items[d.v[i].item];
		if (dep->kind != TG_ITEM_RECORD || d.v[i].level == TG_COMPLETE) {
			ret = emit(set, d.v[i].item, b);
			if (ret) {
				free(d.v);
				return ret;
			}
		}
	}
	for (i = 0; i < d.n; i++) {
		dep = &set->items[d.v[i].item];
		/* A record's pointer to itself needs no forward declaration. */
		if (dep->kind == TG_ITEM_RECORD && !dep->declared && dep != it &&
		    !tg_in_main_file(dep->decl) && !tg_is_builtin(dep->decl))
			forward_decl(b, dep);
	}
	free(d.v);

	print_item(b, it);
	it->declared = 1;
	it->state = 2;
	return b->failed ? -ENOMEM : 0;
}

static void print_item(struct sb *b, struct tg_item *it)
{
	if (it->kind != TG_ITEM_TYPEDEF && tg_has_typedef_name(it->decl)) {
		/* typedef struct { ... } name; the body has no other home. */
		sb_puts(b, "typedef ");
		tg_print_definition(b, it->decl, 0);
		sb_puts(b, " ");
		tg_put_cx(b, clang_getCursorSpelling(it->decl));
		sb_puts(b, ";\n\n");
		return;
	}
	switch (it->kind) {
	case TG_ITEM_TYPEDEF:
		print_typedef(b, it->decl);
		break;
	case TG_ITEM_ENUM:
		if (clang_isCursorDefinition(it->decl)) {
			tg_print_definition(b, it->decl, 0);
			sb_puts(b, ";\n\n");
		} else {
			forward_decl(b, it);
		}
		break;
	case TG_ITEM_RECORD:
		if (it->level == TG_COMPLETE) {
			tg_print_definition(b, it->decl, 0);
			sb_puts(b, ";\n\n");
		} else if (!it->declared) {
			forward_decl(b, it);
		}
		break;
	}
}

int tg_emit_decls(struct tg_set *set, FILE *out)
{
	struct sb b = { 0 };
	int i, ret = 0;

	if (!set || !out)
		return -EINVAL;
	if (set->oom)
		return -ENOMEM;
	for (i = 0; i < set->nitems; i++) {
		set->items[i].state = 0;
		set->items[i].declared = 0;
	}
	for (i = 0; i < set->nitems && !ret; i++)
		if (set->items[i].level != TG_NONE)
			ret = emit(set, i, &b);
	if (!ret && b.len && fwrite(b.s, 1, b.len, out) != b.len)
		ret = -EIO;
	sb_free(&b);
	return ret;
}
