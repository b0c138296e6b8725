/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by typegen's unit tests (see tg-test.h).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tg-test.h"

#define MAX_TUS 64

static CXIndex index_;
static CXTranslationUnit tus[MAX_TUS];
static int ntus;
static char tmpdir[] = "/tmp/dusk-tg-test-XXXXXX";
static int have_tmpdir;

static void check_diags(CXTranslationUnit tu)
{
	unsigned i, n = clang_getNumDiagnostics(tu);

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);

		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			CXString s = clang_formatDiagnostic(d,
				clang_defaultDiagnosticDisplayOptions());

			fail_msg("input does not parse: %s", clang_getCString(s));
		}
		clang_disposeDiagnostic(d);
	}
}

/* @src goes to a header the main file includes: typegen treats the main
 * file's types as the module's own, and the tests are about kernel types. */
static CXTranslationUnit parse(const char *path, const char *src,
			       const char *main_src, char **argv, int argc)
{
	static const char *const def_args[] = { "-std=gnu11", "-xc" };
	struct CXUnsavedFile files[2] = {
		{ path, main_src, main_src ? strlen(main_src) : 0 },
		{ "/virtual/input.h", src, src ? strlen(src) : 0 },
	};
	CXTranslationUnit tu;

	if (!index_)
		index_ = clang_createIndex(0, 0);
	assert_true(ntus < MAX_TUS);
	assert_int_equal(clang_parseTranslationUnit2(index_, path,
		argv ? (const char *const *)argv : def_args,
		argv ? argc : 2, files, main_src ? 2 : 0,
		CXTranslationUnit_DetailedPreprocessingRecord, &tu), CXError_Success);
	check_diags(tu);
	tus[ntus++] = tu;
	return tu;
}

CXTranslationUnit tgt_parse(const char *src)
{
	return parse("/virtual/input.c", src, "#include \"input.h\"\n", NULL, 0);
}

CXTranslationUnit tgt_parse_module(const char *hdr, const char *main_src)
{
	return parse("/virtual/input.c", hdr, main_src, NULL, 0);
}

CXTranslationUnit tgt_parse_file(const char *path, char **argv, int argc)
{
	return parse(path, NULL, NULL, argv, argc);
}

void tgt_free_all(void)
{
	while (ntus)
		clang_disposeTranslationUnit(tus[--ntus]);
	if (index_)
		clang_disposeIndex(index_);
	index_ = NULL;
}

struct find {
	const char *kind;	/* "struct", "union", "enum" or NULL */
	const char *name;
	CXType type;
	int found;
};

static enum CXChildVisitResult find_decl(CXCursor c, CXCursor parent,
					 CXClientData data)
{
	struct find *f = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXString s;
	int match;

	(void)parent;
	if (f->kind) {
		if (!((k == CXCursor_StructDecl && !strcmp(f->kind, "struct")) ||
		      (k == CXCursor_UnionDecl && !strcmp(f->kind, "union")) ||
		      (k == CXCursor_EnumDecl && !strcmp(f->kind, "enum"))) ||
		    !clang_isCursorDefinition(c))
			return CXChildVisit_Continue;
	} else if (k != CXCursor_VarDecl && k != CXCursor_FunctionDecl &&
		   k != CXCursor_TypedefDecl) {
		return CXChildVisit_Continue;
	}
	s = clang_getCursorSpelling(c);
	match = !strcmp(clang_getCString(s), f->name);
	clang_disposeString(s);
	if (!match)
		return CXChildVisit_Continue;
	f->type = clang_getCursorType(c);
	f->found = 1;
	return CXChildVisit_Break;
}

CXType tgt_type(CXTranslationUnit tu, const char *name)
{
	struct find f = { NULL, name, { 0 }, 0 };
	const char *sp = strchr(name, ' ');
	char kind[16];

	if (sp && (size_t)(sp - name) < sizeof(kind)) {
		memcpy(kind, name, sp - name);
		kind[sp - name] = '\0';
		f.kind = kind;
		f.name = sp + 1;
	}
	clang_visitChildren(clang_getTranslationUnitCursor(tu), find_decl, &f);
	if (!f.found)
		fail_msg("no declaration of %s", name);
	return f.type;
}

static char *emit(struct tg_set *set, int what, const char *hdr, uint64_t *hash)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	assert_non_null(f);
	if (what == 0)
		ret = tg_emit_decls(set, f);
	else if (what == 1)
		ret = tg_emit_table(set, f, "test_types", hdr, hash);
	else
		ret = tg_emit_build_bug_ons(set, f);
	fclose(f);
	assert_int_equal(ret, 0);
	return buf;
}

char *tgt_decls(struct tg_set *set)
{
	return emit(set, 0, NULL, NULL);
}

char *tgt_table(struct tg_set *set, const char *decls_header, uint64_t *hash)
{
	return emit(set, 1, decls_header, hash);
}

char *tgt_bugs(struct tg_set *set)
{
	return emit(set, 2, NULL, NULL);
}

static void remove_tmpdir(void)
{
	char cmd[sizeof(tmpdir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *tgt_tmpdir(void)
{
	if (!have_tmpdir) {
		assert_non_null(mkdtemp(tmpdir));
		have_tmpdir = 1;
		atexit(remove_tmpdir);
	}
	return tmpdir;
}

const char *tgt_write(const char *dir, const char *name, const char *text)
{
	static char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

int tgt_run(const char *cmd, const char *log)
{
	char *full;
	int st;

	assert_true(asprintf(&full, "(%s) >%s 2>&1", cmd, log ? log : "/dev/null") > 0);
	st = system(full);
	free(full);
	return st;
}

size_t tgt_pos(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	if (!p)
		fail_msg("\"%s\" not found in:\n%.2000s%s", needle, hay,
			 strlen(hay) > 2000 ? "\n[...]" : "");
	return (size_t)(p - hay);
}
