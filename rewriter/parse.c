// SPDX-License-Identifier: GPL-2.0
/*
 * Parse the module's translation unit with libclang and report libclang's
 * own errors in the tool's diagnostic shape.  Parse options are set here
 * and nowhere else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"
#include "typegen.h"

/* One place that turns libclang's error codes into words. */
static const char *cx_error_str(enum CXErrorCode e)
{
	switch (e) {
	case CXError_Success:		return "success";
	case CXError_Failure:		return "libclang failed";
	case CXError_Crashed:		return "libclang crashed";
	case CXError_InvalidArguments:	return "invalid arguments";
	case CXError_ASTReadError:	return "AST read error";
	}
	return "unknown libclang error";
}

/* Report every error-or-worse diagnostic of the unit; returns their number.
 * Warnings are the kernel build's business, not ours. */
static int report_clang_diags(struct rw *rw)
{
	unsigned i, n = clang_getNumDiagnostics(rw->unit->tu);
	int errors = 0;

	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(rw->unit->tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);

		if (sev >= CXDiagnostic_Error) {
			char *msg = cxs_take(clang_getDiagnosticSpelling(d));

			rw_diag(rw, clang_getDiagnosticLocation(d), RW_ERROR, "%s", msg);
			free(msg);
			errors++;
		}
		clang_disposeDiagnostic(d);
	}
	return errors;
}

/* Record the headers the module itself includes: the generated kmod
 * includes the same ones to see the same declarations (and defines what
 * the module's own trace header defines: CREATE_TRACE_POINTS). */
static enum CXChildVisitResult collect_include(CXCursor c, CXCursor parent,
					       CXClientData data)
{
	struct rw *rw = data;
	CXToken *toks = NULL;
	unsigned ntoks = 0, i;
	struct sb line = { 0 };

	(void)parent;
	/* a module's own trace events: the trace header it includes after
	 * this defines them (the tracepoints, their static calls) */
	if (clang_getCursorKind(c) == CXCursor_MacroDefinition && !rw->create_tp_at &&
	    rw_in_main_file(rw, c)) {
		char *m = cxs_take(clang_getCursorSpelling(c));

		if (!strcmp(m, "CREATE_TRACE_POINTS"))
			rw->create_tp_at = rw->nincludes + 1;
		free(m);
		return CXChildVisit_Continue;
	}
	if (clang_getCursorKind(c) != CXCursor_InclusionDirective ||
	    !rw_in_main_file(rw, c))
		return CXChildVisit_Continue;
	/* Keep the spelling: tokens after `# include`. */
	clang_tokenize(rw->unit->tu, clang_getCursorExtent(c), &toks, &ntoks);
	for (i = 2; i < ntoks; i++) {
		char *t = cxs_take(clang_getTokenSpelling(rw->unit->tu, toks[i]));

		sb_puts(&line, t);
		free(t);
	}
	clang_disposeTokens(rw->unit->tu, toks, ntoks);
	/* once each: the files of a module of several include the same */
	for (i = 0; line.s && i < rw->nincludes; i++)
		if (!strcmp(rw->includes[i], xsb_str(&line)))
			sb_free(&line);
	if (line.s)
		*VEC_PUSH(rw->includes, rw->nincludes, rw->capincludes) = xsb_take(&line);
	return CXChildVisit_Continue;
}

/*
 * A module of several files is parsed as one translation unit: a main file
 * that only #includes each source in Kbuild's order (an unsaved file, named
 * in the sources' folder so that their own quoted includes resolve as
 * Kbuild's do).  Returns its name, or NULL for a module of one file.
 */
static char *unity_file(const struct rw *rw, struct CXUnsavedFile *u)
{
	struct sb text = { 0 };
	char *dir, *slash, *name;
	size_t i;

	if (!rw->nsrcs)
		return NULL;
	dir = realpath(rw->srcs[0], NULL);
	if (!dir)
		dir = xstrdup(rw->srcs[0]);
	slash = strrchr(dir, '/');
	if (slash)
		slash[1] = 0;
	else
		dir[0] = 0;
	name = xasprintf("%s%s.dusk-unity.c", dir, rw->modname);
	free(dir);
	for (i = 0; i < rw->nsrcs; i++) {
		char *abs = realpath(rw->srcs[i], NULL);

		sb_printf(&text, "#include \"%s\"\n", abs ? abs : rw->srcs[i]);
		free(abs);
	}
	u->Filename = name;
	u->Length = text.len;
	u->Contents = xsb_take(&text);
	return name;
}

/* Parse the unit: the module's one file, or the unity file with @extra
 * unsaved files (renamed copies of its sources) besides it. */
static int parse_unit(struct rw *rw, char **argv, int argc, struct CXUnsavedFile *unity,
		      const char *unity_name, const struct CXUnsavedFile *extra, unsigned nextra)
{
	struct CXUnsavedFile *files = NULL;
	unsigned nfiles = 0;
	enum CXErrorCode e;
	size_t i;

	if (unity_name) {
		files = xrealloc(NULL, (nextra + 1) * sizeof(*files));
		files[nfiles++] = *unity;
		for (i = 0; i < nextra; i++)
			files[nfiles++] = extra[i];
	}
	e = clang_parseTranslationUnit2(rw->unit->index, unity_name ? unity_name : rw->src,
					(const char *const *)argv, argc, files, nfiles,
					CXTranslationUnit_DetailedPreprocessingRecord,
					&rw->unit->tu);
	free(files);
	if (e != CXError_Success) {
		rw_diag_plain(rw, RW_ERROR, "%s: cannot parse: %s", rw->src, cx_error_str(e));
		return -EINVAL;
	}
	rw->unit->mainfile = clang_getFile(rw->unit->tu, unity_name ? unity_name : rw->src);
	free(rw->unit->srcfiles);
	rw->unit->srcfiles = calloc(rw->nsrcs + 1, sizeof(*rw->unit->srcfiles));
	if (!rw->unit->srcfiles)
		return -ENOMEM;
	for (i = 0; i < rw->nsrcs; i++) {
		char *abs = realpath(rw->srcs[i], NULL);

		rw->unit->srcfiles[i] = clang_getFile(rw->unit->tu, abs ? abs : rw->srcs[i]);
		free(abs);
	}
	return 0;
}

int rw_parse(struct rw *rw, char **argv, int argc)
{
	struct CXUnsavedFile unity = { 0 }, *renamed = NULL;
	char *unity_name = unity_file(rw, &unity);
	unsigned nrenamed = 0;
	int err;

	rw->unit = memset(xrealloc(NULL, sizeof(*rw->unit)), 0, sizeof(*rw->unit));
	/* the type set keeps the unit's types: the unit outlives it */
	rw->tg = tg_set_new();
	if (!rw->tg)
		return -ENOMEM;
	rw->unit->index = clang_createIndex(0, 0);
	err = parse_unit(rw, argv, argc, &unity, unity_name, NULL, 0);
	/* Files of one module that each have a static of one name: parsed
	 * again with those names spelled apart, as Kbuild keeps them apart. */
	if (!err && unity_name) {
		err = rw_statics_apart(rw, &renamed, &nrenamed);
		if (!err && nrenamed) {
			clang_disposeTranslationUnit(rw->unit->tu);
			rw->unit->tu = NULL;
			err = parse_unit(rw, argv, argc, &unity, unity_name, renamed, nrenamed);
		}
	}
	rw_statics_free(renamed, nrenamed);
	free((char *)unity.Contents);
	free(unity_name);
	if (err)
		return err;
	if (rw->nsrcs)
		tg_module_files(rw->unit->srcfiles, rw->nsrcs);
	if (report_clang_diags(rw))
		return -EINVAL;
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), collect_include, rw);
	return 0;
}
