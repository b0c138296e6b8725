/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's compile arguments (cflags.c), kept apart from rewriter.h so
 * only main.c and cflags.c know where they come from.
 */
#ifndef DUSK_RW_CFLAGS_H
#define DUSK_RW_CFLAGS_H

#include "args.h"	/* util/ */

struct rw;

/* Compile arguments for rw->src: from @dbdir/compile_commands.json when
 * @dbdir is set, else from a Kbuild run against @kdir.  Reports failures
 * through diag.c.  Returns 0 or a negative errno. */
int rw_cflags(struct rw *rw, const char *kdir, const char *dbdir,
	      struct args *out);

#endif
