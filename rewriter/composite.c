// SPDX-License-Identifier: GPL-2.0
/*
 * A module built from several source files (`mymod-y := a.o b.o`, or
 * `mymod-objs := ...`, possibly over several `+=` lines, in the Kbuild or
 * Makefile beside the source).  Given any one of its sources, dusk-rewrite
 * rewrites the whole module: rw->modname becomes the module's name and
 * rw->srcs lists every object's C source in Kbuild's order; parse.c reads
 * them as one translation unit, as if each were #included in turn (a
 * static name defined in two of the files is then a redefinition, reported
 * with both places).  An object without a C source beside it (assembly, a
 * generated file) is refused with the Kbuild line.  Only the source's own
 * folder is read.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rewriter.h"

/* One object list of the Kbuild file: NAME-y / NAME-objs, with where. */
struct objlist {
	char *name;
	char **objs;	size_t nobjs, capobjs;
	char *path;
	unsigned lineno;
};

/* The assignment's module name when @lhs is NAME-y, NAME-objs or
 * NAME-$(CONFIG_X) (not obj-y, ccflags-y, subdir-y...), else NULL. */
static char *composite_name(const char *lhs, size_t len)
{
	static const char *const not_modules[] = { "obj", "ccflags", "subdir", "asflags",
						   "ldflags", "hostprogs", "always", "targets",
						   "extra", "clean", "lib", "userprogs" };
	const char *cfg = NULL;
	size_t i, n;

	for (i = 0; i + 3 <= len && !cfg; i++)
		if (!strncmp(lhs + i, "-$(", 3))
			cfg = lhs + i;
	if (cfg)
		n = (size_t)(cfg - lhs);
	else if (len > 2 && !strncmp(lhs + len - 2, "-y", 2))
		n = len - 2;
	else if (len > 5 && !strncmp(lhs + len - 5, "-objs", 5))
		n = len - 5;
	else
		return NULL;
	for (i = 0; i < sizeof(not_modules) / sizeof(not_modules[0]); i++)
		if (strlen(not_modules[i]) == n && !strncmp(lhs, not_modules[i], n))
			return NULL;
	return n ? xasprintf("%.*s", (int)n, lhs) : NULL;
}

/* Append the `x.o` words of @rhs to @l. */
static void add_objects(struct objlist *l, const char *rhs)
{
	const char *p = rhs, *w;

	while (*p) {
		while (*p && isspace((unsigned char)*p))
			p++;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (p - w > 2 && !strncmp(p - 2, ".o", 2))
			*VEC_PUSH(l->objs, l->nobjs, l->capobjs) = xasprintf("%.*s", (int)(p - w), w);
	}
}

/* Read one logical line (backslash continuations joined) into @line. */
static int read_logical_line(FILE *f, struct sb *line, unsigned *lineno)
{
	char buf[1024];
	int any = 0;

	sb_truncate(line, 0);
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strcspn(buf, "\n");

		any = 1;
		if (buf[n] == '\n')
			(*lineno)++;
		buf[n] = 0;
		if (n && buf[n - 1] == '\\') {
			buf[n - 1] = ' ';
			sb_puts(line, buf);
			continue;
		}
		sb_puts(line, buf);
		break;
	}
	return any;
}

/* Every object list of the Kbuild file @path. */
static void read_lists(const char *path, struct objlist **lists, size_t *n, size_t *cap)
{
	FILE *f = fopen(path, "r");
	struct sb line = { 0 };
	unsigned lineno = 0, start;

	if (!f)
		return;
	for (start = 1; read_logical_line(f, &line, &lineno); start = lineno + 1) {
		/* the line is ours to cut up */
		char *s = (char *)xsb_str(&line), *op, *end, *name, *hash = strchr(s, '#');
		size_t i;

		if (hash)
			*hash = 0;
		while (isspace((unsigned char)*s))
			s++;
		op = strchr(s, '=');
		if (!op || op == s)
			continue;
		end = op;
		if (op[-1] == ':' || op[-1] == '+')
			end--;
		while (end > s && isspace((unsigned char)end[-1]))
			end--;
		name = composite_name(s, (size_t)(end - s));
		if (!name)
			continue;
		for (i = 0; i < *n && strcmp((*lists)[i].name, name); i++)
			;
		if (i == *n) {
			struct objlist *l = VEC_PUSH(*lists, *n, *cap);

			memset(l, 0, sizeof(*l));
			l->name = name;
			l->path = xstrdup(path);
			l->lineno = start;
		} else {
			free(name);
		}
		add_objects(&(*lists)[i], op + 1);
	}
	sb_free(&line);
	fclose(f);
}

/* Does @l list @obj (a.o, or dir/a.o)? */
static int lists_object(const struct objlist *l, const char *obj)
{
	size_t i, n = strlen(obj), m;

	for (i = 0; i < l->nobjs; i++) {
		m = strlen(l->objs[i]);
		if (m >= n && !strcmp(l->objs[i] + m - n, obj) &&
		    (m == n || l->objs[i][m - n - 1] == '/'))
			return 1;
	}
	return 0;
}

/* The module's sources from @l: each object's .c in @dir. */
static int take_sources(struct rw *rw, const struct objlist *l, const char *dir)
{
	size_t i, capsrcs = 0;

	for (i = 0; i < l->nobjs; i++) {
		char *c = xasprintf("%s%.*s.c", dir, (int)strlen(l->objs[i]) - 2, l->objs[i]);

		if (access(c, R_OK) != 0) {
			rw_diag_plain(rw, RW_ERROR,
				      "%s:%u: object %s of module '%s' has no C source %s (assembly "
				      "or a generated file): dusk-rewrite reads C sources only",
				      l->path, l->lineno, l->objs[i], l->name, c);
			free(c);
			return -EINVAL;
		}
		*VEC_PUSH(rw->srcs, rw->nsrcs, capsrcs) = c;
	}
	return 0;
}

int rw_find_composite(struct rw *rw)
{
	static const char *const files[] = { "Kbuild", "Makefile" };
	char *dir = xstrdup(rw->src), *slash = strrchr(dir, '/'), *obj, *base;
	struct objlist *lists = NULL;
	size_t n = 0, cap = 0, i, j;
	int r = 0;

	if (slash)
		slash[1] = 0;
	else
		dir[0] = 0;
	base = xstrdup(rw->src + strlen(dir));
	if (strrchr(base, '.'))
		*strrchr(base, '.') = 0;
	obj = xasprintf("%s.o", base);
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !n; i++) {
		char *path = xasprintf("%s%s", dir, files[i]);

		read_lists(path, &lists, &n, &cap);
		free(path);
	}
	for (i = 0; i < n; i++) {
		if (!lists_object(&lists[i], obj) ||
		    (lists[i].nobjs == 1 && !strcmp(lists[i].name, base)))
			continue;
		free(rw->modname);
		rw->modname = xstrdup(lists[i].name);
		for (j = 0; rw->modname[j]; j++)
			if (rw->modname[j] == '-')
				rw->modname[j] = '_';
		r = take_sources(rw, &lists[i], dir);
		break;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < lists[i].nobjs; j++)
			free(lists[i].objs[j]);
		free(lists[i].objs);
		free(lists[i].name);
		free(lists[i].path);
	}
	free(lists);
	free(obj);
	free(base);
	free(dir);
	return r;
}
