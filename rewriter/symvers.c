// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel exports to modules, read from the kernel tree's
 * Module.symvers (`CRC <tab> name <tab> module <tab> type <tab> namespace`).
 *
 * A kernel function a module's source names is not always one it may call:
 * headers declare helpers such as lockdep_is_held() or __hsiphash_aligned()
 * for code the kernel's compiler folds away (`0 && lockdep_is_held(l)`,
 * a branch on a config constant).  libclang still sees the call, so the
 * stub of such a function must not reach the generated kmod (modpost would
 * refuse it); the program stops with a clear error if the call is ever
 * reached.  Exports in a namespace make the generated kmod import it.
 *
 * One the module declares in its own sources (a .c, or a header beside
 * it) is no such helper but another module's export (a third-party
 * "core + plugin" split): the native build links against that module's
 * Module.symvers.  A user build cannot import it (the generated kmod has
 * nothing to link it to): it is warned about here and the program stops
 * with that reason if it calls it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"

struct export {
	char *name;
	char *ns;		/* "" outside any namespace */
};

static struct export *exports;
static size_t nexports;
static int loaded;		/* 1: the table is known; 0: no Module.symvers */

static int cmp_export(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name, ((const struct export *)b)->name);
}

/* One line: its name and namespace fields, 0; -1 when malformed. */
static int parse_line(char *line, struct export *x)
{
	char *f[5] = { 0 };
	int i;

	line[strcspn(line, "\n")] = 0;
	for (i = 0; i < 5 && line; i++) {
		f[i] = line;
		line = strchr(line, '\t');
		if (line)
			*line++ = 0;
	}
	if (i < 4 || !f[1][0])
		return -1;
	x->name = xstrdup(f[1]);
	x->ns = xstrdup(f[4] ? f[4] : "");
	return 0;
}

int rw_symvers_load(struct rw *rw)
{
	char *path, line[512];
	size_t cap = 0;
	FILE *fp;

	if (loaded || !rw->kdir_real)
		return 0;
	path = xasprintf("%s/Module.symvers", rw->kdir_real);
	fp = fopen(path, "r");
	free(path);
	if (!fp)
		return 0;	/* a tree without it: every symbol is taken as exported */
	while (fgets(line, sizeof(line), fp)) {
		struct export x;

		if (parse_line(line, &x) < 0)
			continue;
		if (nexports == cap) {
			cap = cap ? 2 * cap : 32768;
			exports = xrealloc(exports, cap * sizeof(*exports));
		}
		exports[nexports++] = x;
	}
	fclose(fp);
	qsort(exports, nexports, sizeof(*exports), cmp_export);
	loaded = 1;
	return 0;
}

int rw_symvers_exported(const char *name, const char **ns)
{
	struct export key = { (char *)name, NULL }, *x;

	if (ns)
		*ns = "";
	if (!loaded)
		return 1;
	x = bsearch(&key, exports, nexports, sizeof(*exports), cmp_export);
	if (x && ns)
		*ns = x->ns;
	return x != NULL;
}

/* The name the linker sees for function @c: its asm label when it has one
 * (fortify's `__real_strnlen(...) __RENAME(strnlen)`), else its name. */
static char *link_name(CXCursor c)
{
	char *m = cxs_take(clang_Cursor_getMangling(c));

	if (m[0] == 1)		/* clang marks an asm label with \1 */
		memmove(m, m + 1, strlen(m));
	return m;
}

/* 1 when @c is declared in the module's own sources: a file of the
 * module, or a header in the main file's folder or below it. */
static int in_module_tree(const struct rw *rw, CXCursor c)
{
	CXFile f;
	char *name, *main, *slash;
	int in;

	if (rw_in_main_file(rw, c))
		return 1;
	clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	if (!f || !rw->unit->mainfile)
		return 0;
	/* real paths: clang names a header beside "input.c" "./h.h" */
	name = cxs_take(clang_File_tryGetRealPathName(f));
	main = cxs_take(clang_File_tryGetRealPathName(rw->unit->mainfile));
	slash = strrchr(main, '/');
	if (slash)
		slash[1] = '\0';
	in = slash && !strncmp(name, main, strlen(main));
	free(name);
	free(main);
	return in;
}

/* @c declares @name, which the kernel does not export, in the module's
 * own sources: another module's export.  Warned about once. */
static int mark_imported(struct rw *rw, CXCursor c, const char *name, int *imported)
{
	if (*imported || !in_module_tree(rw, c))
		return 0;
	*imported = 1;
	rw_diag(rw, clang_getCursorLocation(c), RW_WARNING,
		"'%s' is not exported by the kernel: another module's export, which a user "
		"build cannot import; the program stops if it reaches it (docs/kapi.md)", name);
	return 1;
}

static void mark_var_imported(struct rw *rw, CXCursor c)
{
	char *name = cxs_take(clang_getCursorSpelling(c));
	size_t i;

	for (i = 0; i < rw->nsyms; i++)
		if (!rw->syms[i].is_fn && rw->syms[i].unexported && !strcmp(rw->syms[i].name, name))
			mark_imported(rw, c, name, &rw->syms[i].imported);
	free(name);
}

static void mark_var_defined(struct rw *rw, CXCursor c)
{
	char *name = cxs_take(clang_getCursorSpelling(c));
	size_t i;

	for (i = 0; i < rw->nsyms; i++)
		if (!rw->syms[i].is_fn && !strcmp(rw->syms[i].name, name))
			rw->syms[i].unexported = 0;
	free(name);
}

/* A variable the unit defines is the kmod's own, which includes the
 * same headers: marked before any declaration of it is taken for another
 * module's export (a tracepoint's `extern` comes before its definition).
 * A static call's key defined (DEFINE_STATIC_CALL: a module's own trace
 * events, CREATE_TRACE_POINTS) comes with its trampoline, `__SCT__NAME`,
 * which is assembly: the kmod defines it too. */
static enum CXChildVisitResult mark_var_defs(CXCursor c, CXCursor p, CXClientData d)
{
	struct rw *rw = d;
	char *name, *tramp;
	size_t i;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_VarDecl || !clang_isCursorDefinition(c) ||
	    clang_Cursor_hasVarDeclExternalStorage(c))
		return CXChildVisit_Continue;
	mark_var_defined(rw, c);
	name = cxs_take(clang_getCursorSpelling(c));
	if (!strncmp(name, "__SCK__", 7)) {
		tramp = xasprintf("__SCT__%s", name + 7);
		for (i = 0; i < rw->nstubs; i++)
			if (!strcmp(rw->stubs[i].callee, tramp))
				rw->stubs[i].unexported = 0;
		for (i = 0; i < rw->nsyms; i++)
			if (!strcmp(rw->syms[i].name, tramp))
				rw->syms[i].unexported = 0;
		free(tramp);
	}
	free(name);
	return CXChildVisit_Continue;
}

/* A function the unit defines (a header inline) or declares with an asm
 * label naming an export: the kmod can call it.  A variable the unit
 * defines (a header's static) is the kmod's own. */
static enum CXChildVisitResult mark_defined(CXCursor c, CXCursor p, CXClientData d)
{
	struct rw *rw = d;
	char *name, *link = NULL;
	size_t i;
	int warned = 0;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_VarDecl) {
		if (clang_isCursorDefinition(c) && !clang_Cursor_hasVarDeclExternalStorage(c))
			mark_var_defined(rw, c);
		else
			mark_var_imported(rw, c);
		return CXChildVisit_Continue;
	}
	if (clang_getCursorKind(c) != CXCursor_FunctionDecl)
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	for (i = 0; i < rw->nstubs; i++) {
		if (!rw->stubs[i].unexported || strcmp(rw->stubs[i].callee, name))
			continue;
		if (!link)
			link = link_name(c);
		if (clang_isCursorDefinition(c) || rw_symvers_exported(link, NULL))
			rw->stubs[i].unexported = 0;
		else
			warned |= mark_imported(rw, c, name, &rw->stubs[i].imported);
	}
	for (i = 0; i < rw->nsyms; i++) {
		if (!rw->syms[i].unexported || strcmp(rw->syms[i].name, name))
			continue;
		if (!link)
			link = link_name(c);
		if (clang_isCursorDefinition(c) || rw_symvers_exported(link, NULL))
			rw->syms[i].unexported = 0;
		else if (!warned)
			mark_imported(rw, c, name, &rw->syms[i].imported);
		else
			rw->syms[i].imported = 1;
	}
	free(link);
	free(name);
	return CXChildVisit_Continue;
}

void rw_mark_unexported(struct rw *rw)
{
	size_t i;
	int any = 0;

	if (!loaded)
		return;
	for (i = 0; i < rw->nstubs; i++) {
		struct rw_stub *st = &rw->stubs[i];

		st->unexported = st->callee[0] && !rw_symvers_exported(st->callee, NULL);
		any |= st->unexported;
	}
	/* the same for a kernel function or variable used as a value: a
	 * folded `.format = kunit_binary_assert_format` (KUnit's assertions
	 * without CONFIG_KUNIT, lib/test_bits.c) */
	for (i = 0; i < rw->nsyms; i++) {
		/* THIS_MODULE: modpost's NAME.mod.c defines it in every module */
		rw->syms[i].unexported = strcmp(rw->syms[i].name, "__this_module") &&
					 !rw_symvers_exported(rw->syms[i].name, NULL);
		any |= rw->syms[i].unexported;
	}
	if (!any)
		return;
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), mark_var_defs, rw);
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), mark_defined, rw);
}
