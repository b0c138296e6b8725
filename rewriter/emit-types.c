// SPDX-License-Identifier: GPL-2.0
/*
 * The module's own types: structs, unions, enums and typedefs defined in
 * the module's file, printed from the AST (macros in array sizes and enum
 * values already evaluated) in source order.  typegen leaves these out of
 * the declarations header: they belong to the module, and they may use any
 * kernel type, which the header declares first.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"
#include "typegen.h"

/* An untagged record that several typedefs share, and the name it gets. */
struct alias {
	CXCursor rec;
	char *name;
};

struct types_ctx {
	struct rw *rw;
	struct sb *out;
	CXCursor *done;		/* the declarations printed so far */
	size_t ndone, cap;
	int depth;		/* of nested anonymous members, for the indent */
	struct alias *aliases;
	size_t naliases;
};

/*
 * `static struct x { ... } v;` shows the record twice: as a child of the
 * translation unit and again inside the VarDecl.  Each declaration is
 * printed once: 1 when c was printed already, else remember it.  The
 * cursor itself is compared, not the canonical one, so that a forward
 * `struct x;` does not hide the definition after it.
 */
static int was_printed(const struct types_ctx *tc, CXCursor c)
{
	size_t i;

	for (i = 0; i < tc->ndone; i++)
		if (clang_equalCursors(tc->done[i], c))
			return 1;
	return 0;
}

static int printed_before(struct types_ctx *tc, CXCursor c)
{
	if (was_printed(tc, c))
		return 1;
	if (tc->ndone == tc->cap) {
		tc->cap = tc->cap ? 2 * tc->cap : 32;
		tc->done = xrealloc(tc->done, tc->cap * sizeof(*tc->done));
	}
	tc->done[tc->ndone++] = c;
	return 0;
}

static enum CXChildVisitResult has_attr(CXCursor c, CXCursor p, CXClientData d)
{
	unsigned *flags = d;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_PackedAttr)
		*flags |= 1;
	if (clang_getCursorKind(c) == CXCursor_AlignedAttr)
		*flags |= 2;
	return CXChildVisit_Continue;
}

/* A record body's closing brace and the attributes has_attr() found. */
static void put_record_end(struct types_ctx *tc, CXCursor c, unsigned flags)
{
	sb_puts(tc->out, "}");
	if (flags & 1)
		sb_puts(tc->out, " __attribute__((packed))");
	if (flags & 2)
		sb_printf(tc->out, " __attribute__((aligned(%lld)))",
			  clang_Type_getAlignOf(clang_getCursorType(c)));
}

static void print_anon_member(struct types_ctx *tc, CXCursor c);

static void put_indent(struct types_ctx *tc)
{
	int i;

	for (i = 0; i <= tc->depth; i++)
		sb_puts(tc->out, "\t");
}

static enum CXChildVisitResult print_field(CXCursor c, CXCursor p, CXClientData d)
{
	struct types_ctx *tc = d;
	char *name, *decl;

	(void)p;
	if ((clang_getCursorKind(c) == CXCursor_StructDecl ||
	     clang_getCursorKind(c) == CXCursor_UnionDecl) &&
	    clang_Cursor_isAnonymousRecordDecl(c)) {
		print_anon_member(tc, c);
		return CXChildVisit_Continue;
	}
	if (clang_getCursorKind(c) != CXCursor_FieldDecl)
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	tg_need_complete(tc->rw->tg, clang_getCursorType(c));
	decl = tg_declarator(clang_getCursorType(c), name);
	put_indent(tc);
	sb_printf(tc->out, "%s", decl);
	if (clang_Cursor_isBitField(c))
		sb_printf(tc->out, " : %d", clang_getFieldDeclBitWidth(c));
	{
		unsigned flags = 0;

		clang_visitChildren(c, has_attr, &flags);
		if (flags & 2)
			sb_printf(tc->out, " __attribute__((aligned(%lld)))",
				  clang_Type_getAlignOf(clang_getCursorType(c)));
	}
	sb_puts(tc->out, ";\n");
	free(decl);
	free(name);
	return CXChildVisit_Continue;
}

static enum CXChildVisitResult print_enumerator(CXCursor c, CXCursor p, CXClientData d)
{
	struct types_ctx *tc = d;
	char *name;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	sb_printf(tc->out, "\t%s = %lld,\n", name, clang_getEnumConstantDeclValue(c));
	free(name);
	return CXChildVisit_Continue;
}

/*
 * An anonymous struct or union member (`union { u32 a; u8 b[4]; };`):
 * libclang shows its record but not the unnamed field that holds it, so
 * the record is printed in place, its members reachable by their names.
 */
static void print_anon_member(struct types_ctx *tc, CXCursor c)
{
	unsigned flags = 0;

	clang_visitChildren(c, has_attr, &flags);
	put_indent(tc);
	sb_printf(tc->out, "%s {\n",
		  clang_getCursorKind(c) == CXCursor_UnionDecl ? "union" : "struct");
	tc->depth++;
	clang_visitChildren(c, print_field, tc);
	tc->depth--;
	put_indent(tc);
	put_record_end(tc, c, flags);
	sb_puts(tc->out, ";\n");
}

static void print_record(struct types_ctx *tc, CXCursor c)
{
	char *name = cxs_take(clang_getCursorSpelling(c));
	const char *kw = clang_getCursorKind(c) == CXCursor_UnionDecl ? "union" : "struct";
	unsigned flags = 0;

	if (!clang_isCursorDefinition(c)) {
		sb_printf(tc->out, "%s %s;\n", kw, name);
		free(name);
		return;
	}
	clang_visitChildren(c, has_attr, &flags);
	sb_printf(tc->out, "%s %s {\n", kw, name);
	clang_visitChildren(c, print_field, tc);
	put_record_end(tc, c, flags);
	sb_puts(tc->out, ";\n\n");
	free(name);
}

static void print_decl(struct types_ctx *tc, CXCursor c);

static enum CXChildVisitResult top(CXCursor c, CXCursor p, CXClientData d)
{
	struct types_ctx *tc = d;
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)p;
	if (!rw_in_main_file(tc->rw, c))
		return CXChildVisit_Continue;
	if (k == CXCursor_VarDecl || k == CXCursor_FunctionDecl)
		return CXChildVisit_Recurse;	/* struct x { } var; */
	if (k != CXCursor_StructDecl && k != CXCursor_UnionDecl &&
	    k != CXCursor_EnumDecl && k != CXCursor_TypedefDecl)
		return CXChildVisit_Continue;
	if (clang_Cursor_isAnonymous(c) || clang_Cursor_isAnonymousRecordDecl(c))
		return CXChildVisit_Continue;	/* printed in place */
	if (clang_getCursorKind(clang_getCursorSemanticParent(c)) != CXCursor_TranslationUnit)
		return CXChildVisit_Continue;
	print_decl(tc, c);
	return CXChildVisit_Continue;
}

/*
 * A named struct, union or enum defined inside a struct (sch_netem's
 * `struct crndstate { ... } delay_cor, loss_cor;`), also inside an
 * anonymous struct or union member of it (sch_htb's `union { struct
 * htb_class_leaf { ... } leaf; ... };`): C gives its tag file scope, so it
 * is printed before the struct that holds it.
 */
static enum CXChildVisitResult nested(CXCursor c, CXCursor p, CXClientData d)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)p;
	if (!(k == CXCursor_StructDecl || k == CXCursor_UnionDecl || k == CXCursor_EnumDecl) ||
	    !clang_isCursorDefinition(c))
		return CXChildVisit_Continue;
	if (clang_Cursor_isAnonymous(c) || clang_Cursor_isAnonymousRecordDecl(c))
		clang_visitChildren(c, nested, d);	/* printed in place, its tags are not */
	else
		print_decl(d, c);
	return CXChildVisit_Continue;
}

/*
 * The tag keyword of @u's declaration when it is a struct, union or enum
 * that has no tag of its own, only the name of the typedef it is made in
 * (`typedef struct { ... } foo_t;`): libclang spells it with that name, so
 * it is printed as `struct foo_t { ... }` and the typedef must say
 * `struct foo_t` (the tag's name space is not the typedefs'); the
 * declaration in @d.  NULL otherwise.  Such a declaration's location is
 * its keyword, a tagged one's is its name.
 */
static const char *typedef_named_tag(struct rw *rw, CXType u, CXCursor *d)
{
	CXToken *tok;
	const char *kw = NULL;
	CXString t;

	if (u.kind == CXType_Elaborated)
		u = clang_Type_getNamedType(u);
	if (u.kind != CXType_Record && u.kind != CXType_Enum)
		return NULL;
	*d = clang_getTypeDeclaration(u);
	tok = clang_getToken(rw->unit->tu, clang_getCursorLocation(*d));
	if (!tok)
		return NULL;
	if (clang_getTokenKind(*tok) == CXToken_Keyword) {
		t = clang_getTokenSpelling(rw->unit->tu, *tok);
		kw = !strcmp(clang_getCString(t), "union") ? "union" :
		     !strcmp(clang_getCString(t), "enum") ? "enum" : "struct";
		clang_disposeString(t);
	}
	clang_disposeTokens(rw->unit->tu, tok, 1);
	return kw;
}

/* @t without its pointers and arrays: the type a declarator starts from. */
static CXType declarator_base(CXType t)
{
	for (;;) {
		if (t.kind == CXType_Pointer)
			t = clang_getPointeeType(t);
		else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
			t = clang_getArrayElementType(t);
		else if (t.kind == CXType_Elaborated)
			t = clang_Type_getNamedType(t);
		else
			return t;
	}
}

/* The untagged struct, union or enum at the base of @u, with no typedef
 * name of its own (`typedef struct { ... } *p_t, a_t[2];`), in @rec. */
static int untagged_base(CXType u, CXCursor *rec)
{
	CXType b = declarator_base(u);

	if (b.kind != CXType_Record && b.kind != CXType_Enum)
		return 0;
	*rec = clang_getTypeDeclaration(b);
	return clang_Cursor_isAnonymous(*rec) && !clang_Cursor_isAnonymousRecordDecl(*rec);
}

struct share_ctx {
	CXCursor rec;
	unsigned n;
};

static enum CXChildVisitResult count_sharers(CXCursor c, CXCursor p, CXClientData d)
{
	struct share_ctx *sc = d;
	CXCursor rec;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_TypedefDecl &&
	    untagged_base(clang_getTypedefDeclUnderlyingType(c), &rec) &&
	    clang_equalCursors(rec, sc->rec))
		sc->n++;
	return CXChildVisit_Continue;
}

/*
 * The name typedef @name's untagged base record @rec goes by when more
 * than one typedef declares it (`typedef struct { ... } *p_t, a_t[2];`): a
 * record body printed in each typedef would be two different types, so
 * the first prints `typedef struct { ... } __dusk_anon_p_t;` and each says
 * that name.  NULL when the typedef is the record's only one.
 */
static const char *shared_base_name(struct types_ctx *tc, CXCursor rec, const char *name)
{
	struct share_ctx sc = { rec, 0 };
	struct alias *a;
	char *def;
	size_t i;

	for (i = 0; i < tc->naliases; i++)
		if (clang_equalCursors(tc->aliases[i].rec, rec))
			return tc->aliases[i].name;
	clang_visitChildren(clang_getCursorSemanticParent(rec), count_sharers, &sc);
	if (sc.n < 2)
		return NULL;
	tc->aliases = xrealloc(tc->aliases, (tc->naliases + 1) * sizeof(*tc->aliases));
	a = &tc->aliases[tc->naliases++];
	a->rec = rec;
	a->name = xasprintf("__dusk_anon_%s", name);
	def = tg_declarator(clang_getCursorType(rec), a->name);
	sb_printf(tc->out, "typedef %s;\n\n", def);
	free(def);
	return a->name;
}

/* Typedef @name of @u, whose base is named @base: @u's declarator with the
 * record body it would print replaced by @base. */
static char *declarator_over(CXType u, CXCursor rec, const char *base, const char *name)
{
	char *decl = tg_declarator(u, name);
	char *body = tg_declarator(clang_getCursorType(rec), "");
	size_t n = strlen(body);
	char *at, *out;

	while (n && body[n - 1] == ' ')
		body[--n] = 0;
	at = n ? strstr(decl, body) : NULL;
	if (!at) {
		free(body);
		return decl;
	}
	out = xasprintf("%.*s%s%s", (int)(at - decl), decl, base, at + n);
	free(body);
	free(decl);
	return out;
}

static void print_decl(struct types_ctx *tc, CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	char *name;

	if (printed_before(tc, c))
		return;
	name = cxs_take(clang_getCursorSpelling(c));
	if (!name[0]) {
		free(name);
		return;
	}
	if (k == CXCursor_EnumDecl) {
		if (clang_isCursorDefinition(c)) {
			sb_printf(tc->out, "enum %s {\n", name);
			clang_visitChildren(c, print_enumerator, tc);
			sb_puts(tc->out, "};\n\n");
		}
	} else if (k == CXCursor_TypedefDecl) {
		CXType u = clang_getTypedefDeclUnderlyingType(c);
		CXCursor tagged;
		const char *kw = typedef_named_tag(tc->rw, u, &tagged);
		const char *base;
		char *decl;

		tg_need_complete(tc->rw->tg, u);
		if (kw) {
			decl = cxs_take(clang_getCursorSpelling(tagged));
			sb_printf(tc->out, "typedef %s %s %s;\n\n", kw, decl, name);
		} else if (untagged_base(u, &tagged) &&
			   (base = shared_base_name(tc, tagged, name))) {
			decl = declarator_over(u, tagged, base, name);
			sb_printf(tc->out, "typedef %s;\n\n", decl);
		} else {
			decl = tg_declarator(u, name);
			sb_printf(tc->out, "typedef %s;\n\n", decl);
		}
		free(decl);
	} else {
		clang_visitChildren(c, nested, tc);
		print_record(tc, c);
	}
	free(name);
}

static void types_ctx_fini(struct types_ctx *tc)
{
	size_t i;

	for (i = 0; i < tc->naliases; i++)
		free(tc->aliases[i].name);
	free(tc->aliases);
	free(tc->done);
}

void emit_module_types(struct rw *rw, struct sb *out)
{
	struct types_ctx tc = { rw, out, NULL, 0, 0, 0, NULL, 0 };

	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), top, &tc);
	types_ctx_fini(&tc);
}

/*
 * A named struct, union or enum defined in a function body, or a typedef
 * made there: printed where it stands, as the source has it (its scope is
 * the block's, and two functions may define one tag differently).
 * emit_module_types() prints file scope's only.  Anonymous ones are
 * spelled with the variable they declare.
 */
void emit_local_type(struct rw *rw, struct sb *out, CXCursor c)
{
	struct types_ctx tc = { rw, out, NULL, 0, 0, 0, NULL, 0 };

	if (clang_Cursor_isAnonymous(c) || clang_Cursor_isAnonymousRecordDecl(c))
		return;
	if (clang_getCursorKind(c) != CXCursor_TypedefDecl && !clang_isCursorDefinition(c))
		return;
	print_decl(&tc, c);
	types_ctx_fini(&tc);
}

struct hoist {
	struct types_ctx tc;
	struct sb *seen;
};

/* Has another function's hoisted type the name of @c?  Else remember it
 * in @seen ("\n<name space> <name>\n" each). */
static int hoisted_clash(struct sb *seen, CXCursor c)
{
	char *name = cxs_take(clang_getCursorSpelling(c));
	/* tags and typedef names are two name spaces */
	const char *ns = clang_getCursorKind(c) == CXCursor_TypedefDecl ? "typedef" : "tag";
	char *key = xasprintf("\n%s %s\n", ns, name);
	int clash = seen->len && strstr(xsb_str(seen), key) != NULL;

	if (!clash)
		sb_puts(seen, seen->len ? key + 1 : key);
	free(key);
	free(name);
	return clash;
}

static enum CXChildVisitResult hoist_visit(CXCursor c, CXCursor p, CXClientData d)
{
	struct hoist *h = d;
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)p;
	if (k != CXCursor_StructDecl && k != CXCursor_UnionDecl && k != CXCursor_EnumDecl &&
	    k != CXCursor_TypedefDecl)
		return CXChildVisit_Recurse;
	if (!rw_in_main_file(h->tc.rw, c) ||
	    clang_Cursor_isAnonymous(c) || clang_Cursor_isAnonymousRecordDecl(c) ||
	    (k != CXCursor_TypedefDecl && !clang_isCursorDefinition(c)))
		return CXChildVisit_Continue;	/* spelled with its variable */
	/* `static struct x { ... } v;` shows x again inside v's VarDecl: the
	 * same definition, not a second function's */
	if (was_printed(&h->tc, c))
		return CXChildVisit_Continue;
	if (hoisted_clash(h->seen, c)) {
		char *name = cxs_take(clang_getCursorSpelling(c));

		rw_diag(h->tc.rw, clang_getCursorLocation(c), RW_ERROR,
			"'%s' is defined in two functions whose static variables have "
			"such types: not supported yet (those statics are defined at file "
			"scope, their types with them); rename one", name);
		free(name);
		return CXChildVisit_Continue;
	}
	print_decl(&h->tc, c);
	return CXChildVisit_Continue;	/* nested tags: print_decl's */
}

/*
 * A function's static of a type the function defines (`struct tally {...};
 * static struct tally t;`) is defined at file scope, so the function's
 * types go there too, ahead of it, and are not printed in its body.  All
 * of the function's, in order: one may use another.  Two functions whose
 * such types share a name cannot both move: an error.
 */
void emit_hoisted_types(struct rw *rw, struct sb *out, CXCursor fn, struct sb *seen)
{
	struct hoist h = { { rw, out, NULL, 0, 0, 0, NULL, 0 }, seen };

	clang_visitChildren(fn, hoist_visit, &h);
	types_ctx_fini(&h.tc);
}
