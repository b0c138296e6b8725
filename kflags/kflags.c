/* SPDX-License-Identifier: MIT */
/*
 * kf_kbuild_flags(): the kernel's own compile flags for a module, as clang
 * arguments (see kflags.h).  This file strings the steps together: cache
 * lookup, throwaway Kbuild (kflags-kbuild.c), command-line translation
 * (kflags-cmd.c), libclang probe (kflags-probe.c), cache store.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kflags-internal.h"

void kf_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Run Kbuild and translate its command line; no cache involved. */
static int flags_from_kbuild(const char *kdir_real, const char *src_real,
			     const char *srcdir, struct args *out,
			     char *err, size_t errlen)
{
	struct args words = { 0 };
	char *line, *tmpdir;
	int ret;

	ret = kf_kbuild_cmdline(kdir_real, src_real, srcdir, &line, &tmpdir,
				err, errlen);
	if (ret)
		return ret;
	ret = kf_shell_split(line, &words);
	if (ret) {
		kf_seterr(err, errlen, "cannot parse Kbuild's command line: %s",
			  strerror(-ret));
		goto free_line;
	}
	if (words.argc < 2) {
		kf_seterr(err, errlen, "Kbuild's command line is empty");
		ret = -EIO;
		goto free_words;
	}
	ret = kf_cmd_to_clang(&words, kdir_real, tmpdir, srcdir, out);
	if (!ret)
		ret = kf_probe_drop_unknown(out, err, errlen);
	if (ret)
		args_free(out);
free_words:
	args_free(&words);
free_line:
	free(line);
	free(tmpdir);
	return ret;
}

int kf_kbuild_flags(const char *kdir, const char *src, struct args *out,
		    char *err, size_t errlen)
{
	char kdir_real[PATH_MAX], src_real[PATH_MAX], mk[PATH_MAX + 16];
	char *srcdir, *slash, *key;
	int ret;

	out->argv = NULL;
	out->argc = 0;
	if (!kdir || !realpath(kdir, kdir_real)) {
		kf_seterr(err, errlen, "no kernel build tree at %s", kdir ? kdir : "(null)");
		return -ENOENT;
	}
	snprintf(mk, sizeof(mk), "%s/Makefile", kdir_real);
	if (access(mk, R_OK)) {
		kf_seterr(err, errlen, "no Makefile in KDIR %s", kdir);
		return -ENOENT;
	}
	if (!src || !realpath(src, src_real)) {
		kf_seterr(err, errlen, "%s: %s", src ? src : "(null)", strerror(errno));
		return -ENOENT;
	}
	srcdir = strdup(src_real);
	if (!srcdir)
		return -ENOMEM;
	slash = strrchr(srcdir, '/');
	slash[slash == srcdir ? 1 : 0] = '\0';

	key = kf_cache_key(kdir_real, src_real);
	if (!key) {
		ret = -ENOMEM;
		goto free_dir;
	}
	if (!kf_cache_load(key, out)) {
		ret = 0;
		goto free_key;
	}
	ret = flags_from_kbuild(kdir_real, src_real, srcdir, out, err, errlen);
	if (!ret)
		kf_cache_store(key, out);	/* a cache miss next time is fine */
free_key:
	free(key);
free_dir:
	free(srcdir);
	return ret;
}
