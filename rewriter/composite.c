// SPDX-License-Identifier: GPL-2.0
/*
 * A module built from several source files (`mymod-y := a.o b.o` or
 * `mymod-objs := ...` in the Kbuild or Makefile beside the source) is
 * refused with a clear error: dusk-rewrite reads one translation unit, so
 * the other files' functions would reach the kmod as kernel calls that
 * modpost cannot resolve.  Only the source's own folder is read, and only
 * a composite that lists the given file with at least one other object.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rewriter.h"

/* Does @words (a Kbuild object list) name @obj, and how many objects? */
static int lists_object(const char *words, const char *obj, int *nobj)
{
	const char *p = words;
	size_t n = strlen(obj);
	int found = 0;

	*nobj = 0;
	while (*p) {
		const char *w;

		while (*p && isspace((unsigned char)*p))
			p++;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (p - w > 2 && !strncmp(p - 2, ".o", 2)) {
			(*nobj)++;
			/* a.o, or dir/a.o */
			if ((size_t)(p - w) >= n && !strncmp(p - n, obj, n) &&
			    ((size_t)(p - w) == n || p[-(long)n - 1] == '/'))
				found = 1;
		}
	}
	return found;
}

/* Check one Kbuild file @path; 1 when it makes the source part of another
 * module (reported), else 0. */
static int check_file(struct rw *rw, const char *path, const char *obj)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;
	int hit = 0;

	if (!f)
		return 0;
	while (!hit && fgets(line, sizeof(line), f)) {
		char *op, *name_end, *s = line;
		int nobj;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		while (isspace((unsigned char)*s))
			s++;
		op = strstr(s, "=");
		if (!op || op == s)
			continue;
		name_end = op;
		if (op[-1] == ':' || op[-1] == '+')
			name_end--;
		while (name_end > s && isspace((unsigned char)name_end[-1]))
			name_end--;
		/* NAME-y, NAME-objs, NAME-$(CONFIG_X) */
		if (!((name_end - s > 2 && !strncmp(name_end - 2, "-y", 2)) ||
		      (name_end - s > 5 && !strncmp(name_end - 5, "-objs", 5)) ||
		      (name_end - s > 3 && memchr(s, '$', (size_t)(name_end - s)) &&
		       strstr(s, "-$("))))
			continue;
		if (!strncmp(s, "obj-", 4) || !strncmp(s, "ccflags-", 8) || !strncmp(s, "subdir-", 7))
			continue;
		if (lists_object(op + 1, obj, &nobj) && nobj > 1) {
			int len = (int)(strchr(s, '-') ? strchr(s, '-') - s : 0);

			rw_diag_plain(rw, RW_ERROR,
				      "%s:%u: %s is one of %d files of module '%.*s' (%s); dusk-rewrite "
				      "takes a module of one source file (docs/rewriter.md, LIMITS)",
				      path, lineno, rw->src, nobj, len, s, s);
			hit = 1;
		}
	}
	fclose(f);
	return hit;
}

int rw_check_composite(struct rw *rw)
{
	char *dir = xstrdup(rw->src), *slash = strrchr(dir, '/');
	char *obj = xasprintf("%s.o", rw->modname), *path;
	static const char *const files[] = { "Kbuild", "Makefile" };
	size_t i;
	int hit = 0;

	if (slash)
		slash[1] = 0;
	else
		dir[0] = 0;
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !hit; i++) {
		path = xasprintf("%s%s", dir, files[i]);
		hit = check_file(rw, path, obj);
		free(path);
	}
	free(dir);
	free(obj);
	return hit ? -EINVAL : 0;
}
