// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnostics in clang's shape, so editors and people read them like any
 * compiler's:
 *
 *   mymod.c:42:9: error: inline assembly cannot run at user level
 *      42 |         asm volatile("cli");
 *         |         ^
 *
 * Positions are expansion locations: for code that comes from a macro, the
 * place in the module where the macro was used.  This is the only file that
 * writes to stderr apart from main.c.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"

static const char *const sev_name[] = {
	[RW_NOTE] = "note", [RW_WARNING] = "warning", [RW_ERROR] = "error",
};

/* Print line @line of @file's buffer with a caret under column @col. */
static void show_line(struct rw *rw, CXFile file, unsigned line, unsigned col)
{
	size_t size = 0;
	const char *buf, *p, *end;
	unsigned l = 1, i;

	if (!rw->unit || !rw->unit->tu || !file)
		return;
	buf = clang_getFileContents(rw->unit->tu, file, &size);
	if (!buf)
		return;
	end = buf + size;
	for (p = buf; p < end && l < line; p++)
		if (*p == '\n')
			l++;
	if (l != line || p >= end)
		return;
	fprintf(stderr, "%5u | ", line);
	for (i = 0; p + i < end && p[i] != '\n'; i++)
		fputc(p[i], stderr);
	fprintf(stderr, "\n      | ");
	for (i = 1; i < col; i++)
		fputc(p[i - 1] == '\t' ? '\t' : ' ', stderr);
	fprintf(stderr, "^\n");
}

static void vdiag(struct rw *rw, CXSourceLocation loc, enum rw_sev sev,
		  const char *fmt, va_list ap)
{
	CXFile file;
	unsigned line, col;
	char *name;

	clang_getExpansionLocation(loc, &file, &line, &col, NULL);
	/* a source of a module of several files as Kbuild's list names it */
	name = file ? rw_src_name(rw, file) : xstrdup(rw->src);
	fprintf(stderr, "%s:%u:%u: %s: ", name, line, col, sev_name[sev]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	show_line(rw, file, line, col);
	free(name);
	if (sev == RW_ERROR)
		rw->nerrors++;
}

void rw_diag(struct rw *rw, CXSourceLocation loc, enum rw_sev sev,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(rw, loc, sev, fmt, ap);
	va_end(ap);
}

void rw_diag_plain(struct rw *rw, enum rw_sev sev, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dusk-rewrite: %s: ", sev_name[sev]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (sev == RW_ERROR)
		rw->nerrors++;
}

void rw_diag_macro_note(struct rw *rw, CXSourceLocation loc)
{
	CXFile ef, sf;
	unsigned el, sl, sc;
	char *name;

	clang_getExpansionLocation(loc, &ef, &el, NULL, NULL);
	clang_getSpellingLocation(loc, &sf, &sl, &sc, NULL);
	if (!sf || (clang_File_isEqual(ef, sf) && el == sl))
		return;
	name = cxs_take(clang_getFileName(sf));
	fprintf(stderr, "%s:%u:%u: note: expanded from here\n", name, sl, sc);
	show_line(rw, sf, sl, sc);
	free(name);
}
