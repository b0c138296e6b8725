/* SPDX-License-Identifier: MIT */
/*
 * From Kbuild's recorded compile command to clang arguments.
 *
 * Kbuild writes the command in a make variable (`cmd_x.i := gcc-12 -E ...`),
 * so it is a POSIX shell line whose `$` are doubled; quoting matters because
 * of -DKBUILD_MODNAME='"x"'.  Make runs it from the kernel build tree, so
 * relative -I/-include paths are resolved against that tree here.  The
 * gcc-only flags clang 19 rejects are known by name below; anything newer is
 * caught by kflags-probe.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kflags-internal.h"
#include "strbuf.h"

/* Flags gcc understands and clang 19 refuses (or warns about as ignored). */
static const char *const gcc_only_exact[] = {
	"-fconserve-stack",
	"-fno-allow-store-data-races",
	"-fallow-store-data-races",
	"-mindirect-branch-register",
	"-mrecord-mcount",
	"-fno-var-tracking-assignments",
	"-fno-inline-functions-called-once",
	"-fno-partial-inlining",
	"-fno-tree-loop-im",
	"-fno-code-hoisting",
	"-fsplit-stack",
	"-mabi=lp64",		/* arm64: gcc's name of clang's default ABI */
};

static const char *const gcc_only_prefix[] = {
	"-mindirect-branch=",
	"-mpreferred-stack-boundary=",
	"-falign-jumps=",
	"-falign-loops=",
	"-falign-labels=",
	"-fmin-function-alignment=",
	"-fplugin=",
	"-fplugin-arg-",
	"--param=",
	"-fno-ipa-",
	"-Wimplicit-fallthrough=",	/* clang's form takes no level */
	"-fasan-shadow-offset=",
};

/* Appended to every result: clang's view of kernel headers is noisier than
 * gcc's, and the flags that remain may still mean nothing to it. */
static const char *const clang_extra[] = {
	"-Wno-unknown-warning-option",
	"-Wno-unused-command-line-argument",
	"-Wno-ignored-optimization-argument",
	"-Wno-gnu-variable-sized-type-not-at-end",
	"-Wno-address-of-packed-member",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *const *kf_clang_extra(size_t *n)
{
	*n = ARRAY_SIZE(clang_extra);
	return clang_extra;
}

int kf_is_gcc_only(const char *arg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(gcc_only_exact); i++)
		if (!strcmp(arg, gcc_only_exact[i]))
			return 1;
	for (i = 0; i < ARRAY_SIZE(gcc_only_prefix); i++)
		if (!strncmp(arg, gcc_only_prefix[i], strlen(gcc_only_prefix[i])))
			return 1;
	return 0;
}

/* Add @c to the word being split. */
static int word_add(struct sb *w, char c)
{
	sb_putc(w, c);
	return sb_failed(w) ? -ENOMEM : 0;
}

int kf_shell_split(const char *line, struct args *out)
{
	struct sb w = { 0 };
	const char *p = line;
	int in_word = 0, ret = 0;
	char q;

	for (; *p && !ret; p++) {
		if (*p == '$' && p[1] == '$') {	/* make's escape of '$' */
			p++;
			ret = word_add(&w, '$');
			in_word = 1;
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (in_word)
				ret = args_push(out, sb_str(&w));
			in_word = 0;
			sb_truncate(&w, 0);
		} else if (*p == '\'' || *p == '"') {
			q = *p++;
			in_word = 1;
			for (; *p && *p != q && !ret; p++) {
				if (q == '"' && *p == '\\' && p[1] &&
				    strchr("\\\"$`", p[1]))
					p++;
				ret = word_add(&w, *p);
			}
			if (!*p)
				ret = ret ? ret : -EINVAL;	/* unterminated quote */
		} else if (*p == '\\' && p[1]) {
			ret = word_add(&w, *++p);
			in_word = 1;
		} else {
			ret = word_add(&w, *p);
			in_word = 1;
		}
	}
	if (!ret && in_word)
		ret = args_push(out, sb_str(&w));
	sb_free(&w);
	return ret;
}

/* Options whose path argument is relative to the kernel build tree. */
static int is_path_opt(const char *a)
{
	static const char *const opts[] = {
		"-I", "-isystem", "-include", "-iquote", "-idirafter", "-imacros",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(opts); i++)
		if (!strcmp(a, opts[i]))
			return 1;
	return 0;
}

/* Options that take the next word as their argument (kept together). */
static int takes_arg(const char *a)
{
	return !strcmp(a, "-D") || !strcmp(a, "-U") || !strcmp(a, "-x") ||
	       !strcmp(a, "-MF") || !strcmp(a, "-MT") || !strcmp(a, "-MQ");
}

static int push_path(struct args *out, const char *kdir_real, const char *p)
{
	char abs[PATH_MAX * 2];

	if (p[0] == '/')
		return args_push(out, p);
	if (p[0] == '.' && p[1] == '/')
		p += 2;
	snprintf(abs, sizeof(abs), "%s/%s", kdir_real, p);
	return args_push(out, abs);
}

static int has_arg(const struct args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], s))
			return 1;
	return 0;
}

/* A cross compiler is named <triple>-gcc[-<version>] (aarch64-linux-gnu-gcc-12):
 * clang parses for that triple.  NULL for a native compiler (gcc-12, cc). */
char *kf_cross_target(const char *cc)
{
	const char *base = strrchr(cc, '/'), *g;

	base = base ? base + 1 : cc;
	g = strstr(base, "-gcc");
	if (!g || g == base || (g[4] && g[4] != '-'))
		return NULL;
	return strndup(base, g - base);
}

int kf_cmd_to_clang(const struct args *words, const char *kdir_real,
		    const char *tmpdir, const char *srcdir, struct args *out)
{
	char *triple = kf_cross_target(words->argv[0]);
	size_t tlen = strlen(tmpdir);
	char inc[PATH_MAX + 3];
	const char *a;
	size_t i;
	int k, ret = 0;

	if (triple) {
		char t[256];

		snprintf(t, sizeof(t), "--target=%s", triple);
		ret = args_push(out, t);
		free(triple);
	}
	/* words[0] is the compiler. */
	for (k = 1; k < words->argc && !ret; k++) {
		a = words->argv[k];
		if (!strcmp(a, "-E") || !strcmp(a, "-c") || !strcmp(a, "-S") ||
		    !strncmp(a, "-Wp,", 4) || kf_is_gcc_only(a))
			continue;
		if (!strcmp(a, "-o") || !strcmp(a, "--param")) {
			k++;
			continue;
		}
		if (!strncmp(a, tmpdir, tlen))
			continue;	/* the throwaway copy of the source */
		if (is_path_opt(a) && k + 1 < words->argc) {
			ret = args_push(out, a);
			if (!ret)
				ret = push_path(out, kdir_real, words->argv[++k]);
			continue;
		}
		if (!strncmp(a, "-I", 2)) {
			ret = args_push(out, "-I");
			if (!ret)
				ret = push_path(out, kdir_real, a + 2);
			continue;
		}
		if (takes_arg(a) && k + 1 < words->argc) {
			ret = args_push(out, a);
			if (!ret)
				ret = args_push(out, words->argv[++k]);
			continue;
		}
		if (a[0] != '-')
			continue;	/* an input file */
		ret = args_push(out, a);
	}
	snprintf(inc, sizeof(inc), "%s", srcdir);
	for (i = 0; i < ARRAY_SIZE(clang_extra) && !ret; i++)
		ret = args_push(out, clang_extra[i]);
	if (!ret && !has_arg(out, inc)) {
		ret = args_push(out, "-I");
		if (!ret)
			ret = args_push(out, inc);
	}
	return ret;
}
