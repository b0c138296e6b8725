// SPDX-License-Identifier: GPL-2.0
/*
 * The compile arguments of the module, as clang arguments: from a
 * compile_commands.json (-p DIR, like every clang tool) or from a throwaway
 * Kbuild run against KDIR (kflags/).  Either way the flags are the
 * kernel's own, never guessed.
 *
 * Kbuild's compiler (gcc) is the judge of what is valid C: where clang's
 * diagnostic of the same name is stricter than gcc's, or is an error by
 * default where gcc only warns, the clang error is turned back into a
 * warning (gcc_judge()), so libclang accepts what Kbuild accepts.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <clang-c/CXCompilationDatabase.h>
#include "walk.h"
#include "cflags.h"
#include "kflags.h"

/* args_push() that aborts instead of failing (xalloc.c's policy). */
static void push(struct args *a, const char *s)
{
	if (args_push(a, s))
		abort();
}

/* Arguments of the compile command for @abs_src, minus the compiler, the
 * output and the source itself.  Relative -I paths are made absolute
 * against the command's directory (Kbuild runs from KDIR). */
static int from_db(struct rw *rw, const char *dbdir, const char *abs_src,
		   struct args *out)
{
	CXCompilationDatabase_Error err;
	CXCompilationDatabase db;
	CXCompileCommands cmds;
	CXCompileCommand cmd;
	char *dir, msg[256] = "";
	unsigned i, n;
	int r;

	db = clang_CompilationDatabase_fromDirectory(dbdir, &err);
	if (err != CXCompilationDatabase_NoError) {
		rw_diag_plain(rw, RW_ERROR, "%s: cannot load compile_commands.json", dbdir);
		return -ENOENT;
	}
	cmds = clang_CompilationDatabase_getCompileCommands(db, abs_src);
	if (!cmds || clang_CompileCommands_getSize(cmds) == 0) {
		rw_diag_plain(rw, RW_ERROR, "%s/compile_commands.json has no entry for %s",
			      dbdir, abs_src);
		if (cmds)
			clang_CompileCommands_dispose(cmds);
		clang_CompilationDatabase_dispose(db);
		return -ENOENT;
	}
	cmd = clang_CompileCommands_getCommand(cmds, 0);
	dir = cxs_take(clang_CompileCommand_getDirectory(cmd));
	n = clang_CompileCommand_getNumArgs(cmd);
	if (n) {
		/* a cross compiler's code is parsed for its target */
		char *cc = cxs_take(clang_CompileCommand_getArg(cmd, 0));
		char *triple = kf_cross_target(cc);

		if (triple) {
			char *t = xasprintf("--target=%s", triple);

			push(out, t);
			free(t);
			free(triple);
		}
		free(cc);
	}
	for (i = 1; i < n; i++) {
		char *a = cxs_take(clang_CompileCommand_getArg(cmd, i));

		if (!strncmp(a, "-Wno-", 5) && !strchr(a, '=')) {
			/* kept: what the kernel build silences, the program's
			 * compiler is told too (main.c); unknown to clang is
			 * no warning (-Wno-unknown-warning-option below) */
			push(out, a);
		} else if (!strcmp(a, "-c") || !strcmp(a, abs_src) || !strncmp(a, "-W", 2) ||
		    !strcmp(a, "-pg")) {
			/* dropped: warnings are the kernel build's business
			 * (and gcc's -W options are noise to clang) */
		} else if (!strcmp(a, "-o")) {
			i++;
		} else if (!strncmp(a, "-I", 2) && a[2] && a[2] != '/') {
			char *abs = xasprintf("-I%s/%s", dir, a + 2);

			push(out, abs);
			free(abs);
		} else {
			push(out, a);
		}
		free(a);
	}
	{
		size_t k, nx;
		const char *const *x = kf_clang_extra(&nx);

		for (k = 0; k < nx; k++)
			push(out, x[k]);
	}
	free(dir);
	clang_CompileCommands_dispose(cmds);
	clang_CompilationDatabase_dispose(db);
	/* gcc's options clang rejects (-mindirect-branch=..., -fconserve-stack) */
	r = kf_probe_drop_unknown(out, msg, sizeof(msg));
	if (r)
		rw_diag_plain(rw, RW_ERROR, "%s/compile_commands.json: %s", dbdir, msg);
	return r;
}

static int cflags_of(struct rw *rw, const char *kdir, const char *dbdir,
		     struct args *out);

/* The flags of a module do not depend on its text, only on its name and
 * folder.  When Kbuild cannot compile the module itself (a syntax error, a
 * missing header), take the flags of a placeholder of the same name and put
 * the real folder in place of the placeholder's: libclang then reports the
 * real error, in the tool's own shape. */
static int placeholder_flags(const char *kdir, const char *abs_src,
			     struct args *kf, char *err, size_t errlen)
{
	char tmpl[] = "/tmp/dusk-rewrite-XXXXXX";
	const char *base = strrchr(abs_src, '/') + 1;
	char *dir = mkdtemp(tmpl), *file, *srcdir;
	size_t dlen, slen;
	FILE *f;
	int i, r;

	if (!dir)
		return -errno;
	file = xasprintf("%s/%s", dir, base);
	f = fopen(file, "w");
	if (!f) {
		r = -errno;
		goto out;
	}
	fputs("#include <linux/module.h>\nMODULE_LICENSE(\"GPL\");\n", f);
	fclose(f);
	r = kf_kbuild_flags(kdir, file, kf, err, errlen);
	srcdir = xstrdup(abs_src);
	*strrchr(srcdir, '/') = 0;
	dlen = strlen(dir);
	slen = strlen(srcdir);
	for (i = 0; r == 0 && i < kf->argc; i++) {
		char *p = strstr(kf->argv[i], dir);

		if (p) {
			char *n = xrealloc(NULL, strlen(kf->argv[i]) - dlen + slen + 1);

			memcpy(n, kf->argv[i], p - kf->argv[i]);
			strcpy(n + (p - kf->argv[i]), srcdir);
			strcat(n, p + dlen);
			free(kf->argv[i]);
			kf->argv[i] = n;
		}
	}
	free(srcdir);
	unlink(file);
out:
	rmdir(dir);
	free(file);
	return r;
}

/*
 * Clang diagnostics that are errors under the kernel's flags (or by
 * default) while gcc 12 under Kbuild accepts the same code with a warning:
 *
 *   strict-prototypes   -Werror=strict-prototypes: clang also fires on an
 *                       old-style definition (`int init_module()`) that a
 *                       prototype precedes; gcc does not.
 *   incompatible-pointer-types-discards-qualifiers
 *                       a subgroup of clang's incompatible-pointer-types
 *                       (-Werror= in Kbuild); gcc's -Wdiscarded-qualifiers
 *                       is a separate warning (`char *p = const_buf;`).
 *   int-conversion      an error by default since clang 15; a warning in
 *                       gcc 12 (`int *p = some_ulong;`).
 *   deprecated-non-prototype
 *                       K&R-style calls and definitions (clang 15+).
 *
 * Appended after the kernel's flags, so they win; warnings stay warnings
 * (the printer adds the casts that keep the user build -Wall-clean).
 */
static const char *const gcc_judge[] = {
	"-Wno-error=strict-prototypes",
	"-Wno-error=incompatible-pointer-types-discards-qualifiers",
	"-Wno-error=int-conversion",
	"-Wno-error=deprecated-non-prototype",
};

static void push_gcc_judge(struct args *a)
{
	size_t i;

	for (i = 0; i < sizeof(gcc_judge) / sizeof(gcc_judge[0]); i++)
		push(a, gcc_judge[i]);
}

/* A module of several files: its name is Kbuild's KBUILD_MODNAME for each of
 * them (pr_fmt() prints it), not the given file's name the flags came with. */
static void set_modname(const struct rw *rw, struct args *a)
{
	int i;

	for (i = 0; i < a->argc; i++) {
		const char *p = a->argv[i];
		const char *d;

		if (!strncmp(p, "-D", 2))
			p += 2;
		else if (i && !strcmp(a->argv[i - 1], "-D"))
			;
		else
			continue;
		d = p == a->argv[i] ? "" : "-D";
		if (!strncmp(p, "KBUILD_MODNAME=", 15)) {
			free(a->argv[i]);
			a->argv[i] = xasprintf("%sKBUILD_MODNAME=\"%s\"", d, rw->modname);
		} else if (!strncmp(p, "__KBUILD_MODNAME=", 17)) {
			free(a->argv[i]);
			a->argv[i] = xasprintf("%s__KBUILD_MODNAME=kmod_%s", d, rw->modname);
		}
	}
}

int rw_cflags(struct rw *rw, const char *kdir, const char *dbdir,
	      struct args *out)
{
	int r = cflags_of(rw, kdir, dbdir, out);

	if (r == 0 && rw->nsrcs)
		set_modname(rw, out);
	if (r == 0)
		push_gcc_judge(out);
	return r;
}

static int cflags_of(struct rw *rw, const char *kdir, const char *dbdir,
		     struct args *out)
{
	char abs_src[PATH_MAX], err[256] = "";
	struct args kf = { 0 };
	int i, r;

	if (!realpath(rw->src, abs_src)) {
		rw_diag_plain(rw, RW_ERROR, "%s: %s", rw->src, strerror(errno));
		return -errno;
	}
	if (dbdir)
		return from_db(rw, dbdir, abs_src, out);
	if (access(kdir, F_OK) != 0) {
		rw_diag_plain(rw, RW_ERROR, "kernel build tree %s: %s (use --kdir DIR or KDIR=)",
			      kdir, strerror(errno));
		return -ENOENT;
	}
	r = kf_kbuild_flags(kdir, abs_src, &kf, err, sizeof(err));
	if (r == -EIO) {
		args_free(&kf);
		memset(&kf, 0, sizeof(kf));
		r = placeholder_flags(kdir, abs_src, &kf, err, sizeof(err));
	}
	if (r < 0) {
		rw_diag_plain(rw, RW_ERROR, "kernel flags for %s from %s: %s",
			      rw->src, kdir, err[0] ? err : strerror(-r));
		return r;
	}
	for (i = 0; i < kf.argc; i++)
		push(out, kf.argv[i]);
	args_free(&kf);
	return 0;
}
