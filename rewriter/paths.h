/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where dusk-rewrite finds what it does not take from the command line:
 * the dusk-kmod core, DUSK's include/ folder and the kernel build tree.
 * paths.c is the one place that decides; see its comment for the order.
 */
#ifndef DUSK_REWRITER_PATHS_H
#define DUSK_REWRITER_PATHS_H

struct rw_paths {
	char *core_dir;		/* dusk-kmod sources (core/, dusk-gen.h); NULL: not found */
	char *inc_dir;		/* folder holding dusk/protocol.h; NULL: not found */
	char *kdir;		/* /lib/modules/$(uname -r)/build */
	char *release;		/* $(uname -r), for the headers package's name */
};

/* Fill @p with the defaults for the running program and kernel.  Never
 * fails: a data folder that cannot be found is left NULL, for the caller to
 * report when it needs it.  The strings are the caller's (rw_paths_free). */
void rw_paths_default(struct rw_paths *p);
void rw_paths_free(struct rw_paths *p);

#endif
