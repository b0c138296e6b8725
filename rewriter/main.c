// SPDX-License-Identifier: GPL-2.0
/*
 * dusk-rewrite: turn an unmodified kernel module source into a user program
 * that acts on the live kernel, plus the small kernel module it talks to.
 * docs/rewriter.md is the manual.
 *
 *   dusk-rewrite [--kdir DIR] [-p DIR] [-o DIR] [--core DIR] mymod.c
 *
 * Its data (the dusk-kmod core, DUSK's headers) is found relative to the
 * executable (paths.c); the kernel tree is the running kernel's by default.
 *
 * Everything is written into a temporary folder beside the output folder
 * and renamed into place at the end: on any error nothing is left behind
 * and an earlier output stays as it was.  Exit status 0 only when every
 * output was written.
 */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ftw.h>
#include "rewriter.h"
#include "cflags.h"
#include <dusk/protocol.h>
#include "paths.h"

#ifndef DUSK_VERSION
#define DUSK_VERSION "0"
#endif

static void usage(FILE *f, const struct rw_paths *def)
{
	fprintf(f,
		"usage: dusk-rewrite [options] mymod.c\n"
		"Rewrite a kernel module into a user program (mymod.dusk.c, mymod.decls.h,\n"
		"mymod.types.c) and its generated kernel module (kmod/).\n\n"
		"  -o DIR        output folder (default: mymod.dusk/)\n"
		"  --kdir DIR    kernel build tree (default: $KDIR, else the running\n"
		"                kernel's, %s)\n"
		"  -p DIR        read compile flags from DIR/compile_commands.json\n"
		"  --core DIR    dusk-kmod sources (default: %s)\n"
		"  --include DIR DUSK's include/ folder (default: %s)\n"
		"  --help        this text\n"
		"  --version     print the version\n",
		def->kdir, def->core_dir ? def->core_dir : "not found, see dusk-rewrite(1)",
		def->inc_dir ? def->inc_dir : "not found");
}

/* The data and kernel tree this run needs, said in words when missing:
 * above all the running kernel's headers, the one thing a new user may not
 * have installed yet.  0 or -ENOENT (the error is counted in @rw). */
static int check_paths(struct rw *rw, const char *kdir, int kdir_named,
		       const struct rw_paths *def)
{
	char *mk;
	int have;

	if (!rw->core_dir)
		rw_diag_plain(rw, RW_ERROR, "the dusk-kmod core is not installed beside "
			      "dusk-rewrite (share/dusk/kmod); use --core DIR or DUSK_DATADIR=DIR");
	if (!rw->inc_dir)
		rw_diag_plain(rw, RW_ERROR, "DUSK's headers (dusk/protocol.h) are not installed "
			      "beside dusk-rewrite; use --include DIR or DUSK_DATADIR=DIR");
	if (!kdir_named) {
		mk = xasprintf("%s/Makefile", kdir);
		have = access(mk, R_OK) == 0;
		free(mk);
		if (!have)
			rw_diag_plain(rw, RW_ERROR, "no headers for the running kernel %s at %s: "
				      "install linux-headers-%s, or name a kernel build tree "
				      "with --kdir DIR or KDIR=DIR", def->release, kdir,
				      def->release);
	}
	return rw->nerrors ? -ENOENT : 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* "path/to/mymod.c" -> "mymod" */
static char *module_name(const char *src)
{
	const char *base = strrchr(src, '/');
	char *name = xstrdup(base ? base + 1 : src), *dot = strrchr(name, '.');

	if (dot)
		*dot = 0;
	for (dot = name; *dot; dot++)
		if (!((*dot >= 'a' && *dot <= 'z') || (*dot >= 'A' && *dot <= 'Z') ||
		      (*dot >= '0' && *dot <= '9')))
			*dot = '_';
	return name;
}

/* Move @tmp to @out; an existing @out is replaced only once @tmp is
 * complete. */
static int commit_output(const char *tmp, const char *out)
{
	char *old = xasprintf("%s.old.%d", out, (int)getpid());
	int had_old = rename(out, old) == 0;
	int r = 0;

	if (rename(tmp, out) != 0) {
		r = -errno;
		if (had_old)
			rename(old, out);
	} else if (had_old) {
		rm_tree(old);
	}
	free(old);
	return r;
}

/* The warnings Kbuild turns off for the module (-Wno-pointer-sign,
 * -Wno-unused-but-set-variable...): its compiler is the judge of what is
 * clean, so the program says the same to its own compiler. */
static void note_warnings_off(struct rw *rw, const struct args *args)
{
	int i;

	for (i = 0; i < args->argc; i++) {
		const char *a = args->argv[i];

		char *w;
		size_t j;

		if (strncmp(a, "-Wno-", 5) || strchr(a, '=') ||
		    !strcmp(a, "-Wno-unknown-warning-option") ||
		    !strcmp(a, "-Wno-unused-command-line-argument") ||
		    !strcmp(a, "-Wno-ignored-optimization-argument"))
			continue;
		w = xasprintf("-W%s", a + 5);
		for (j = 0; j < rw->nwarn_off && strcmp(rw->warn_off[j], w); j++)
			;
		if (j < rw->nwarn_off)
			free(w);
		else
			*VEC_PUSH(rw->warn_off, rw->nwarn_off, rw->capwarn_off) = w;
	}
}

static int run(struct rw *rw, const char *kdir, const char *dbdir, const char *outdir)
{
	struct args args = { 0 };
	char *tmp = NULL, *parent, *slash;
	int r;

	rw->kdir_real = realpath(kdir, NULL);
	r = rw_cflags(rw, kdir, dbdir, &args);
	if (r < 0)
		return r;
	note_warnings_off(rw, &args);
	r = rw_check_target(rw, args.argv, args.argc);
	if (r == 0)
		r = rw_parse(rw, args.argv, args.argc);
	args_free(&args);
	if (r < 0)
		return r;
	r = rw_modinfo(rw);
	if (r < 0)
		return r;
	r = rw_analyze(rw);
	if (r < 0)
		return r;
	r = rw_symvers_load(rw);
	if (r < 0)
		return r;
	rw_mark_unexported(rw);

	/* beside the output folder, so rename() stays on one filesystem */
	parent = xstrdup(outdir);
	while ((slash = strrchr(parent, '/')) && slash[1] == 0 && slash != parent)
		*slash = 0;
	tmp = xasprintf("%s.tmp.XXXXXX", parent);
	free(parent);
	if (!mkdtemp(tmp)) {
		r = -errno;
		rw_diag_plain(rw, RW_ERROR, "cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		return r;
	}
	r = emit_user(rw, tmp);
	if (r == 0)
		r = emit_kmod(rw, tmp);
	if (r == 0 && rw->nerrors)
		r = -EINVAL;
	if (r == 0) {
		r = commit_output(tmp, outdir);
		if (r < 0)
			rw_diag_plain(rw, RW_ERROR, "cannot move output to %s: %s", outdir,
				      strerror(-r));
	}
	if (r < 0)
		rm_tree(tmp);
	free(tmp);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kdir", required_argument, NULL, 'k' },
		{ "core", required_argument, NULL, 'c' },
		{ "include", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rw rw = { 0 };
	struct rw_paths def;
	const char *kdir = getenv("KDIR"), *dbdir = NULL;
	char *outdir = NULL;
	int c, r, kdir_named = kdir && *kdir;

	rw_paths_default(&def);
	rw.core_dir = def.core_dir;
	rw.inc_dir = def.inc_dir;
	if (!kdir_named)
		kdir = def.kdir;
	while ((c = getopt_long(argc, argv, "o:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': free(outdir); outdir = xstrdup(optarg); break;
		case 'p': dbdir = optarg; break;
		case 'k': kdir = optarg; kdir_named = 1; break;
		case 'c': rw.core_dir = optarg; break;
		case 'i': rw.inc_dir = optarg; break;
		case 'h': usage(stdout, &def); return 0;
		case 'V': printf("dusk-rewrite %s\n", DUSK_VERSION); return 0;
		default: usage(stderr, &def); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr, &def);
		return 2;
	}
	rw.src = argv[optind];
	if (access(rw.src, R_OK) != 0) {
		fprintf(stderr, "dusk-rewrite: error: %s: %s\n", rw.src, strerror(errno));
		return 1;
	}
	rw.modname = module_name(rw.src);
	if (rw_find_composite(&rw) < 0) {
		fprintf(stderr, "1 error generated.\n");
		return 1;
	}
	if (strlen(rw.modname) > DUSK_MAX_MODNAME - 1) {
		/* dusk_<name> must be a kernel module name (MODULE_NAME_LEN) */
		fprintf(stderr, "dusk-rewrite: error: %s: module name '%s' is longer than %d "
			"characters\n", rw.src, rw.modname, DUSK_MAX_MODNAME - 1);
		return 1;
	}
	if (!outdir)
		outdir = xasprintf("%s.dusk", rw.modname);
	/* with -p the flags come from the database, not from a kernel tree */
	r = check_paths(&rw, kdir, kdir_named || dbdir, &def);
	if (r == 0)
		r = run(&rw, kdir, dbdir, outdir);
	if (rw.nerrors)
		fprintf(stderr, "%d error%s generated.\n", rw.nerrors, rw.nerrors == 1 ? "" : "s");
	/* The process ends here; the OS reclaims the model. */
	free(outdir);
	return r < 0 || rw.nerrors ? 1 : 0;
}
