/* SPDX-License-Identifier: MIT */
/*
 * Small questions about libclang types, asked the same way everywhere:
 * what is under the sugar, which qualifiers, which declaration, how big.
 */
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"

unsigned tg_quals(CXType t)
{
	return (clang_isConstQualifiedType(t) ? TG_CONST : 0) |
	       (clang_isVolatileQualifiedType(t) ? TG_VOLATILE : 0) |
	       (clang_isRestrictQualifiedType(t) ? TG_RESTRICT : 0);
}

static int is_libc_typedef(CXType t)
{
	CXString s = clang_getTypedefName(t);
	int r = tg_libc_name(clang_getCString(s));

	clang_disposeString(s);
	return r;
}

CXType tg_desugar(CXType t, unsigned *quals)
{
	CXType c;

	for (;;) {
		*quals |= tg_quals(t);
		switch (t.kind) {
		case CXType_Elaborated:
			t = clang_Type_getNamedType(t);
			continue;
		case CXType_Attributed:
		case CXType_BTFTagAttributed:
			t = clang_Type_getModifiedType(t);
			continue;
		case CXType_Typedef:
			if (!is_libc_typedef(t))
				return t;
			t = clang_getCanonicalType(t);
			continue;
		case CXType_Unexposed:
			c = clang_getCanonicalType(t);
			if (c.kind == CXType_Unexposed)
				return t;
			t = c;
			continue;
		default:
			return t;
		}
	}
}

int tg_is_array(enum CXTypeKind k)
{
	return k == CXType_ConstantArray || k == CXType_IncompleteArray ||
	       k == CXType_VariableArray || k == CXType_DependentSizedArray;
}

int tg_is_function(enum CXTypeKind k)
{
	return k == CXType_FunctionProto || k == CXType_FunctionNoProto;
}

CXCursor tg_decl_of(CXType t)
{
	unsigned q = 0;
	CXCursor d, def;

	t = tg_desugar(t, &q);
	if (t.kind != CXType_Record && t.kind != CXType_Enum &&
	    t.kind != CXType_Typedef)
		return clang_getNullCursor();
	d = clang_getTypeDeclaration(t);
	def = clang_getCursorDefinition(d);
	return clang_Cursor_isNull(def) ? d : def;
}

const char *tg_tag_keyword(CXCursor decl)
{
	switch (clang_getCursorKind(decl)) {
	case CXCursor_UnionDecl:
		return "union";
	case CXCursor_EnumDecl:
		return "enum";
	default:
		return "struct";
	}
}

int tg_has_typedef_name(CXCursor decl)
{
	char *usr = tg_usr(decl), *last;
	int r = 0;

	/* clang's USR for `typedef struct { } name;` is c:@SA@name (UA, EA for
	 * unions and enums): the record's only name is the typedef's.  Only the
	 * last component counts: c:@SA@sockptr_t@Ua is a union inside one. */
	last = usr ? strrchr(usr, '@') : NULL;
	if (last && last - usr >= 3 && last[-3] == '@' && last[-1] == 'A' &&
	    strchr("SUE", last[-2]))
		r = 1;
	free(usr);
	return r;
}

int tg_is_anonymous(CXCursor decl)
{
	return clang_Cursor_isAnonymous(decl) || tg_has_typedef_name(decl);
}

uint64_t tg_sizeof(CXType t)
{
	long long n = clang_Type_getSizeOf(t);

	return n > 0 ? (uint64_t)n : 0;
}

uint64_t tg_alignof(CXType t)
{
	unsigned q = 0;
	long long n = clang_Type_getAlignOf(t);

	if (n > 0)
		return (uint64_t)n;
	t = tg_desugar(t, &q);
	if (tg_is_array(t.kind))	/* flexible array: its element's */
		return tg_alignof(clang_getArrayElementType(t));
	return 1;
}

int tg_is_builtin(CXCursor decl)
{
	CXFile file = NULL;

	clang_getExpansionLocation(clang_getCursorLocation(decl), &file, NULL,
				  NULL, NULL);
	return file == NULL;
}

/* One unit per process (the rewriter's): its module files, or none. */
static const CXFile *module_files;
static size_t nmodule_files;

void tg_module_files(const CXFile *files, size_t n)
{
	module_files = files;
	nmodule_files = n;
}

int tg_in_main_file(CXCursor c)
{
	CXSourceLocation loc = clang_getCursorLocation(c);
	CXFile f = NULL;
	unsigned off;
	size_t i;

	/* Where the declaration is expanded, not where it is spelled: a
	 * kernel macro the module's file uses (`typedef
	 * STRUCT_KFIFO_REC_1(64) rec_t;`) makes a type of the module's own,
	 * as the rewriter decides (rw_in_main_file()). */
	clang_getExpansionLocation(loc, &f, NULL, NULL, &off);
	if (!nmodule_files)
		return f && clang_Location_isFromMainFile(clang_getLocationForOffset(
				    clang_Cursor_getTranslationUnit(c), f, off)) != 0;
	for (i = 0; f && i < nmodule_files; i++)
		if (module_files[i] && clang_File_isEqual(f, module_files[i]))
			return 1;
	return 0;
}

void tg_put_cx(struct sb *b, CXString s)
{
	const char *c = clang_getCString(s);

	sb_puts(b, c ? c : "");
	clang_disposeString(s);
}

char *tg_usr(CXCursor c)
{
	CXString s = clang_getCursorUSR(c);
	char *r = strdup(clang_getCString(s) ? clang_getCString(s) : "");

	clang_disposeString(s);
	return r;
}

int tg_has_user_token(CXCursor decl)
{
	CXTranslationUnit tu = clang_Cursor_getTranslationUnit(decl);
	CXToken *toks = NULL;
	unsigned n = 0, i;
	int found = 0;

	clang_tokenize(tu, clang_getCursorExtent(decl), &toks, &n);
	for (i = 0; i < n && !found; i++) {
		CXString s;

		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		s = clang_getTokenSpelling(tu, toks[i]);
		found = !strcmp(clang_getCString(s), "__user");
		clang_disposeString(s);
	}
	clang_disposeTokens(tu, toks, n);
	return found;
}
