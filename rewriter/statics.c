// SPDX-License-Identifier: GPL-2.0
/*
 * File-local names of a module of several source files.
 *
 * parse.c reads such a module as one translation unit, where the files'
 * `static` names meet.  Kbuild compiles each file alone, so each file's
 * statics are its own; in one unit two functions (or two initialised
 * variables) of one name are a redefinition, and two tentative
 * definitions (`static int count;` in each file) silently become one
 * variable: a user build that behaves unlike the .ko.
 *
 * The same holds for the other names C gives file scope: typedefs,
 * enumerators and struct/union/enum tags a file defines for itself.
 *
 * rw_statics_apart() finds such names declared in two or more of the
 * module's files and gives each later file its own spelling
 * of them (__dusk_f<N>_<name>, N the file's place in Kbuild's list) in a
 * copy of the file that libclang reads instead of it (an unsaved file).  The
 * copy has the same lines, so diagnostics and #line still name the real
 * source.  Identifier tokens are renamed everywhere but on #include lines:
 * a tag where it follows struct/union/enum, an ordinary name elsewhere; a
 * file that also spells an ordinary name as a member (after `.` or `->`)
 * or a tag cannot be renamed by tokens, and the clash is reported.  The
 * generated code keeps the new spelling; __func__ shows the original
 * (rw_static_original()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"

#define RENAME_PREFIX "__dusk_f"

/* A file-scope name and the first file that declares it. */
struct seen {
	char *name;
	size_t file;
	int tag;
};

struct scan {
	struct rw *rw;
	struct seen *v;		size_t n, cap;
};

/* The index in rw->srcs of the file @c is spelled in, or -1. */
static long src_index(const struct rw *rw, CXCursor c)
{
	CXFile f;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	return f ? rw_src_index(rw, f) : -1;
}

static const struct rw_rename *rename_of(const struct rw *rw, size_t file, const char *name,
					 int tag)
{
	size_t i;

	for (i = 0; i < rw->nrenames; i++)
		if (rw->renames[i].file == file && rw->renames[i].tag == tag &&
		    !strcmp(rw->renames[i].from, name))
			return &rw->renames[i];
	return NULL;
}

/* File @file spells @name (a tag when @tag) apart from file @first. */
static void add_rename(struct rw *rw, size_t file, size_t first, const char *name, int tag)
{
	struct rw_rename *r;

	if (rename_of(rw, file, name, tag))
		return;
	r = VEC_PUSH(rw->renames, rw->nrenames, rw->caprenames);
	r->file = file;
	r->first = first;
	r->tag = tag;
	r->from = xstrdup(name);
	r->to = xasprintf(RENAME_PREFIX "%zu_%s", file, name);
}

/*
 * A later file's second definition of an enumerator or a tag is not in the
 * unit at all (clang drops it); its error names it.  The first file's is
 * in the unit, so the clash is found by name.
 */
static void scan_redefinitions(struct rw *rw, const struct scan *s)
{
	static const char *const what[] = { "redefinition of enumerator '", "redefinition of '" };
	unsigned i, n = clang_getNumDiagnostics(rw->unit->tu);

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(rw->unit->tu, i);
		char *msg = cxs_take(clang_getDiagnosticSpelling(d)), *name = NULL;
		CXFile f;
		long file;
		size_t j, w;

		clang_getExpansionLocation(clang_getDiagnosticLocation(d), &f, NULL, NULL, NULL);
		file = f ? rw_src_index(rw, f) : -1;
		for (w = 0; w < sizeof(what) / sizeof(what[0]) && !name; w++)
			if (!strncmp(msg, what[w], strlen(what[w])))
				name = msg + strlen(what[w]);
		if (file >= 0 && name) {
			name[strcspn(name, "'")] = 0;
			for (j = 0; j < s->n; j++)
				if (!strcmp(s->v[j].name, name) && s->v[j].file != (size_t)file)
					add_rename(rw, (size_t)file, s->v[j].file, name, s->v[j].tag);
		}
		free(msg);
		clang_disposeDiagnostic(d);
	}
}

/* Does @c give a name file scope in one file: a function or variable of
 * internal linkage, a typedef, an enumerator, or a tag it defines?  *@tag
 * says which name space. */
static int file_scope_name(CXCursor c, int *tag)
{
	enum CXCursorKind k = clang_getCursorKind(c);

	*tag = 0;
	switch (k) {
	case CXCursor_FunctionDecl:
	case CXCursor_VarDecl:
		return clang_getCursorLinkage(c) == CXLinkage_Internal;
	case CXCursor_TypedefDecl:
	case CXCursor_EnumConstantDecl:
		return 1;
	case CXCursor_StructDecl:
	case CXCursor_UnionDecl:
	case CXCursor_EnumDecl:
		*tag = 1;
		return clang_isCursorDefinition(c) && !clang_Cursor_isAnonymous(c);
	default:
		return 0;
	}
}

/* Record file-scope function and variable names of internal linkage; a
 * name first seen in another file gets a rename for this one. */
static enum CXChildVisitResult scan_decl(CXCursor c, CXCursor parent, CXClientData data)
{
	struct scan *s = data;
	struct rw *rw = s->rw;
	enum CXCursorKind k = clang_getCursorKind(c);
	long file;
	char *name;
	size_t i;
	int tag;

	(void)parent;
	if (!file_scope_name(c, &tag))	/* an anonymous enum's enumerators are */
		return k == CXCursor_EnumDecl ? CXChildVisit_Recurse : CXChildVisit_Continue;
	file = src_index(rw, c);
	if (file < 0)
		return CXChildVisit_Continue;	/* a header's: one copy */
	name = cxs_take(clang_getCursorSpelling(c));
	for (i = 0; i < s->n && (s->v[i].tag != tag || strcmp(s->v[i].name, name)); i++)
		;
	if (i == s->n) {
		struct seen *n = VEC_PUSH(s->v, s->n, s->cap);

		n->name = name;
		n->file = (size_t)file;
		n->tag = tag;
	} else {
		if (s->v[i].file != (size_t)file)
			add_rename(rw, (size_t)file, s->v[i].file, name, tag);
		free(name);
	}
	/* an enum's enumerators have file scope too */
	return k == CXCursor_EnumDecl ? CXChildVisit_Recurse : CXChildVisit_Continue;
}

/* Is token @t of kind @kind and spelled as one of @spellings (NULL-ended)? */
static int token_in(CXTranslationUnit tu, CXToken t, CXTokenKind kind,
		    const char *const *spellings)
{
	char *s;
	int in = 0;

	if (clang_getTokenKind(t) != kind)
		return 0;
	s = cxs_take(clang_getTokenSpelling(tu, t));
	for (; *spellings && !in; spellings++)
		in = !strcmp(s, *spellings);
	free(s);
	return in;
}

/*
 * The text of source @file, as the first parse read it, with this file's
 * renames applied, or NULL after reporting a clash that cannot be renamed.
 */
static char *renamed_text(struct rw *rw, size_t file, size_t *outlen)
{
	static const char *const hash[] = { "#", NULL };
	static const char *const member[] = { ".", "->", NULL };
	static const char *const tag_kw[] = { "struct", "union", "enum", NULL };
	CXTranslationUnit tu = rw->unit->tu;
	CXFile f = rw->unit->srcfiles[file];
	struct sb out = { 0 };
	CXToken *toks = NULL;
	unsigned ntoks = 0, i, line, incl_line = 0, off;
	size_t len = 0, done = 0;
	const char *text = clang_getFileContents(tu, f, &len);
	int bad = 0, after_tag;

	if (!text) {
		rw_diag_plain(rw, RW_ERROR, "%s: cannot read", rw->srcs[file]);
		return NULL;
	}
	clang_tokenize(tu, clang_getRange(clang_getLocationForOffset(tu, f, 0),
					  clang_getLocationForOffset(tu, f, (unsigned)len)),
		       &toks, &ntoks);
	for (i = 0; i < ntoks && !bad; i++) {
		CXSourceLocation loc = clang_getTokenLocation(tu, toks[i]);
		const struct rw_rename *r;
		char *s;

		if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
			continue;
		clang_getFileLocation(loc, NULL, &line, NULL, &off);
		s = cxs_take(clang_getTokenSpelling(tu, toks[i]));
		/* `# include <x/name.h>`: a path, not a name */
		if (i > 0 && token_in(tu, toks[i - 1], CXToken_Punctuation, hash) &&
		    (!strcmp(s, "include") || !strcmp(s, "include_next")))
			incl_line = line;
		after_tag = i > 0 && token_in(tu, toks[i - 1], CXToken_Keyword, tag_kw);
		r = line == incl_line ? NULL : rename_of(rw, file, s, after_tag);
		if (r && !r->tag && i > 0 && token_in(tu, toks[i - 1], CXToken_Punctuation, member)) {
			rw_diag(rw, loc, RW_ERROR,
				"'%s' is a file-scope name of both %s and %s, which a user build reads as "
				"one translation unit; it cannot be given a name of its own here, "
				"where it also names a member: rename one of them",
				s, rw->srcs[r->first], rw->srcs[file]);
			bad = 1;
		} else if (r && off >= done && off + strlen(s) <= len) {
			sb_printf(&out, "%.*s%s", (int)(off - done), text + done, r->to);
			done = off + strlen(s);
		}
		free(s);
	}
	clang_disposeTokens(tu, toks, ntoks);
	if (bad) {
		sb_free(&out);
		return NULL;
	}
	sb_printf(&out, "%.*s", (int)(len - done), text + done);
	*outlen = out.len;
	return xsb_take(&out);
}

int rw_statics_apart(struct rw *rw, struct CXUnsavedFile **files, unsigned *nfiles)
{
	struct scan s = { .rw = rw };
	size_t i, j;
	int err = 0;

	*files = NULL;
	*nfiles = 0;
	if (rw->nsrcs < 2)
		return 0;
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), scan_decl, &s);
	scan_redefinitions(rw, &s);
	for (i = 0; i < s.n; i++)
		free(s.v[i].name);
	free(s.v);
	if (!rw->nrenames)
		return 0;
	*files = calloc(rw->nsrcs, sizeof(**files));
	if (!*files)
		return -ENOMEM;
	for (i = 0; i < rw->nsrcs && !err; i++) {
		size_t len = 0;
		char *text;

		for (j = 0; j < rw->nrenames && rw->renames[j].file != i; j++)
			;
		if (j == rw->nrenames)
			continue;
		text = renamed_text(rw, i, &len);
		if (!text) {
			err = -EINVAL;
			break;
		}
		/* the path the unity file included it by */
		(*files)[*nfiles].Filename = cxs_take(clang_getFileName(rw->unit->srcfiles[i]));
		(*files)[*nfiles].Contents = text;
		(*files)[*nfiles].Length = len;
		++*nfiles;
	}
	if (err) {
		rw_statics_free(*files, *nfiles);
		*files = NULL;
		*nfiles = 0;
	}
	return err;
}

void rw_statics_free(struct CXUnsavedFile *files, unsigned nfiles)
{
	unsigned i;

	for (i = 0; i < nfiles; i++) {
		free((char *)files[i].Filename);
		free((char *)files[i].Contents);
	}
	free(files);
}

const char *rw_static_original(const struct rw *rw, const char *spelled)
{
	size_t i;

	if (strncmp(spelled, RENAME_PREFIX, sizeof(RENAME_PREFIX) - 1))
		return NULL;
	for (i = 0; i < rw->nrenames; i++)
		if (!strcmp(rw->renames[i].to, spelled))
			return rw->renames[i].from;
	return NULL;
}
