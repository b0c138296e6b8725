/* SPDX-License-Identifier: MIT */
/*
 * kflags: the compile flags Kbuild really uses for a module, as clang
 * arguments.  Runs a throwaway Kbuild of the module in a temporary folder
 * against KDIR, reads the .<mod>.o.cmd it writes, and drops the gcc-only
 * flags clang rejects.  Shared by the rewriter and typeinfo's tests.
 */
#ifndef DUSK_KFLAGS_H
#define DUSK_KFLAGS_H

#include <stddef.h>
#include "args.h"	/* util/: struct args, args_free() */

/**
 * kf_kbuild_flags() - obtain the kernel compile flags for @src.
 * @kdir: kernel build tree (e.g. /lib/modules/<kabi>/build)
 * @src:  the module source (its folder becomes an -I, as Kbuild does)
 * @out:  filled on success with clang arguments (no compiler, no -c/-o, no
 *        source file); release with args_free()
 * @err:  on failure, a one-line human-readable reason (e.g. "no Makefile in KDIR")
 * Return: 0, or a negative errno (-ENOENT for a missing KDIR, -EIO when
 * Kbuild failed).  Results may be cached per (kdir, src dir).
 */
int kf_kbuild_flags(const char *kdir, const char *src, struct args *out,
		    char *err, size_t errlen);

/**
 * kf_clang_extra() - the options every clang parse of kernel code appends
 * (warnings clang alone gives on kernel headers, options it ignores).
 * @n: set to the number of options
 * Return: a static array; kf_kbuild_flags() appends these, and a caller
 * with flags from elsewhere (a compile database) appends them too.
 */
const char *const *kf_clang_extra(size_t *n);

/**
 * kf_probe_drop_unknown() - drop the arguments libclang rejects.
 * @a: clang arguments, edited in place
 * @err: on failure, a one-line reason
 * Parses an empty file with @a and drops every argument clang reports as
 * unknown or unsupported, until it reports none.  Catches flags of kernels
 * newer than the static list knows, and gcc's options in a compile database.
 * Return: 0, or a negative errno (-EINVAL when libclang refuses to parse).
 */
int kf_probe_drop_unknown(struct args *a, char *err, size_t errlen);

/**
 * kf_cross_target() - the target triple of a cross compiler's name.
 * @cc: a compiler, as a compile command names it (aarch64-linux-gnu-gcc-12)
 * Return: "aarch64-linux-gnu", malloc'ed, for <triple>-gcc[-<version>];
 * NULL for a native compiler (gcc-12, cc, clang).  clang parses code built
 * by that compiler with --target=<triple>.
 */
char *kf_cross_target(const char *cc);

#endif /* DUSK_KFLAGS_H */
