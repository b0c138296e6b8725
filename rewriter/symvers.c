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

static void mark_var_defined(struct rw *rw, CXCursor c)
{
	char *name = cxs_take(clang_getCursorSpelling(c));
	size_t i;

	for (i = 0; i < rw->nsyms; i++)
		if (!rw->syms[i].is_fn && !strcmp(rw->syms[i].name, name))
			rw->syms[i].unexported = 0;
	free(name);
}

/* A function the unit defines (a header inline) or declares with an asm
 * label naming an export: the kmod can call it.  A variable the unit
 * defines (a header's static) is the kmod's own. */
static enum CXChildVisitResult mark_defined(CXCursor c, CXCursor p, CXClientData d)
{
	struct rw *rw = d;
	char *name, *link = NULL;
	size_t i;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_VarDecl) {
		if (clang_isCursorDefinition(c) && !clang_Cursor_hasVarDeclExternalStorage(c))
			mark_var_defined(rw, c);
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
	}
	for (i = 0; i < rw->nsyms; i++) {
		if (!rw->syms[i].unexported || strcmp(rw->syms[i].name, name))
			continue;
		if (!link)
			link = link_name(c);
		if (clang_isCursorDefinition(c) || rw_symvers_exported(link, NULL))
			rw->syms[i].unexported = 0;
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
	if (any)
		clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), mark_defined, rw);
}
