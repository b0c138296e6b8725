// SPDX-License-Identifier: GPL-2.0
/*
 * dusk-rewrite's default data paths, so that one installed tree works
 * wherever it is put (docs/rewriter.md, "FILES").
 *
 * The dusk-kmod core and include/ are looked up, first match wins:
 *   1. $DUSK_DATADIR: DIR/kmod and DIR/include (a hand-made layout);
 *   2. beside the executable as installed: EXEDIR/DUSK_REL_DATADIR/kmod and
 *      EXEDIR/DUSK_REL_INCDIR (both relative to bindir, set by Meson), so a
 *      prefix moved as a whole keeps working;
 *   3. in a Meson build tree: EXEDIR/dusk-rewrite.build-tree, a file Meson
 *      writes there and never installs, names the source tree's folders.
 * --core and --include override all of them.  The kernel build tree is the
 * running kernel's (/lib/modules/RELEASE/build) unless --kdir or $KDIR
 * names another.
 */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "rewriter.h"
#include "paths.h"

#ifndef DUSK_REL_DATADIR
#define DUSK_REL_DATADIR "../share/dusk"
#endif
#ifndef DUSK_REL_INCDIR
#define DUSK_REL_INCDIR "../include"
#endif

/* @dir (taken), made absolute and without "..", when it holds @probe (a
 * file below it); else NULL. */
static char *if_holds(char *dir, const char *probe)
{
	char *f = xasprintf("%s/%s", dir, probe), *real = NULL;

	if (access(f, R_OK) == 0)
		real = realpath(dir, NULL);
	free(f);
	free(dir);
	return real;
}

/* The folder of the running executable, or NULL. */
static char *exe_dir(void)
{
	char buf[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	if (n <= 0)
		return NULL;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = 0;
	return xstrdup(buf);
}

/* EXEDIR/dusk-rewrite.build-tree: "core=DIR" and "include=DIR" lines. */
static void from_build_tree(const char *exedir, struct rw_paths *p)
{
	char *f = xasprintf("%s/dusk-rewrite.build-tree", exedir);
	FILE *in = fopen(f, "r");
	char line[PATH_MAX + 16];

	free(f);
	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = 0;
		if (!p->core_dir && !strncmp(line, "core=", 5))
			p->core_dir = if_holds(xstrdup(line + 5), "dusk-gen.h");
		else if (!p->inc_dir && !strncmp(line, "include=", 8))
			p->inc_dir = if_holds(xstrdup(line + 8), "dusk/protocol.h");
	}
	fclose(in);
}

void rw_paths_default(struct rw_paths *p)
{
	const char *env = getenv("DUSK_DATADIR");
	struct utsname u;
	char *exedir;

	memset(p, 0, sizeof(*p));
	if (env && *env) {
		p->core_dir = if_holds(xasprintf("%s/kmod", env), "dusk-gen.h");
		p->inc_dir = if_holds(xasprintf("%s/include", env), "dusk/protocol.h");
	}
	exedir = exe_dir();
	if (exedir) {
		if (!p->core_dir)
			p->core_dir = if_holds(xasprintf("%s/%s/kmod", exedir, DUSK_REL_DATADIR),
					       "dusk-gen.h");
		if (!p->inc_dir)
			p->inc_dir = if_holds(xasprintf("%s/%s", exedir, DUSK_REL_INCDIR),
					      "dusk/protocol.h");
		if (!p->core_dir || !p->inc_dir)
			from_build_tree(exedir, p);
		free(exedir);
	}
	p->release = xstrdup(uname(&u) == 0 ? u.release : "unknown");
	p->kdir = xasprintf("/lib/modules/%s/build", p->release);
}

void rw_paths_free(struct rw_paths *p)
{
	free(p->core_dir);
	free(p->inc_dir);
	free(p->kdir);
	free(p->release);
	memset(p, 0, sizeof(*p));
}
