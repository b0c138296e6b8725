/* SPDX-License-Identifier: MIT */
/*
 * kflags internals: the steps of kf_kbuild_flags(), one file each.
 *   kflags-kbuild.c  run a throwaway single-target Kbuild, fetch the .cmd line
 *   kflags-cmd.c     split that shell command line and turn it into clang args
 *   kflags-probe.c   ask libclang which of the remaining args it rejects
 *   kflags-cache.c   remember the result per (KDIR, module)
 *   kflags-arch.c    a tree for another architecture: ARCH, CROSS_COMPILE
 * All functions return 0 or a negative errno; messages go to @err.
 */
#ifndef DUSK_KFLAGS_INTERNAL_H
#define DUSK_KFLAGS_INTERNAL_H

#include <stddef.h>
#include "kflags.h"

/* printf into @err (if non-NULL), truncating. */
void kf_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * kf_kbuild_cmdline() - run `make -C @kdir M=<tmp> <mod>.i` on a copy of
 * @src (whose folder, absolute, is @srcdir: it becomes an -I) and return the compiler command line Kbuild recorded (the value of
 * the cmd_ / savedcmd_ line of .<mod>.i.cmd), malloc'ed, in *@line.
 * *@tmpdir receives the (already removed) temporary folder name, malloc'ed:
 * paths inside it appear in the command line and must be dropped.
 */
int kf_kbuild_cmdline(const char *kdir, const char *src, const char *srcdir,
		      char **line, char **tmpdir, char *err, size_t errlen);

/* Split a POSIX shell command line (quotes, backslashes) into words. */
int kf_shell_split(const char *line, struct args *out);

/*
 * kf_cmd_to_clang() - turn the words of a Kbuild compile command into clang
 * arguments: drop the compiler, -E/-c, -o FILE, -Wp,..., the source file and
 * anything under @tmpdir; make relative include paths absolute against
 * @kdir_real; drop the gcc-only flags clang is known to reject; append the
 * -Wno-... flags clang needs for kernel headers and -I @srcdir; a cross
 * compiler (<triple>-gcc-12) makes the first argument --target=<triple>.
 */
int kf_cmd_to_clang(const struct args *words, const char *kdir_real,
		    const char *tmpdir, const char *srcdir, struct args *out);

/*
 * kf_cross() - is @kdir a tree for another architecture than this machine's?
 * Return: 1 and *@arch (the kernel's ARCH) and *@prefix (CROSS_COMPILE:
 * $CROSS_COMPILE, else Debian's cross toolchain of that arch) set, static;
 * 0 (both NULL) for a native tree or one whose arch is not known.
 */
int kf_cross(const char *kdir, const char **arch, const char **prefix);

/* True when @arg is a gcc-only flag clang 19 rejects (static list). */
int kf_is_gcc_only(const char *arg);

/* Cache key text for (@kdir_real, @src): NULL on ENOMEM. */
char *kf_cache_key(const char *kdir_real, const char *src);
/* 0 and *out filled on a hit; -ENOENT on a miss or when caching is off. */
int kf_cache_load(const char *key, struct args *out);
/* Best effort; returns 0 or a negative errno (callers may ignore it). */
int kf_cache_store(const char *key, const struct args *a);

#endif /* DUSK_KFLAGS_INTERNAL_H */
