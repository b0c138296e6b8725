/* SPDX-License-Identifier: MIT */
/*
 * A small on-disk cache of kflags results, so only the first rewrite of a
 * module against a kernel tree pays for Kbuild.
 *
 * Where: $DUSK_CACHE_DIR if set ("off" disables the cache), else
 * $XDG_CACHE_HOME/dusk, else $HOME/.cache/dusk.  One file per key,
 * kflags-<FNV-1a 64 of key>.txt: the key text, a "--" line, then one argument
 * per line.  The key names everything the flags depend on: the resolved
 * KDIR, the size and mtime of its Makefile and kernel config, and the
 * module's resolved path (its name and folder appear in the flags).  Files
 * are written to a temporary name and renamed, so readers never see half.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kflags-internal.h"
#include <dusk/fnv.h>

#define KF_CACHE_FORMAT "dusk-kflags 1"

static void stamp(const char *path, char *out, size_t outlen)
{
	struct stat st;

	if (stat(path, &st))
		snprintf(out, outlen, "none");
	else
		snprintf(out, outlen, "%lld.%09ld/%lld", (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec, (long long)st.st_size);
}

char *kf_cache_key(const char *kdir_real, const char *src)
{
	char path[PATH_MAX + 32], mk[64], cfg[64], gen[64];
	const char *arch, *prefix;
	char *key;

	/* a cross tree's flags depend on the cross compiler too */
	if (!kf_cross(kdir_real, &arch, &prefix))
		prefix = "";
	snprintf(path, sizeof(path), "%s/Makefile", kdir_real);
	stamp(path, mk, sizeof(mk));
	snprintf(path, sizeof(path), "%s/.config", kdir_real);
	stamp(path, cfg, sizeof(cfg));
	snprintf(path, sizeof(path), "%s/include/generated/autoconf.h", kdir_real);
	stamp(path, gen, sizeof(gen));
	if (asprintf(&key, "%s\nkdir=%s\nmakefile=%s\nconfig=%s\nautoconf=%s\nsrc=%s\ncross=%s\n",
		     KF_CACHE_FORMAT, kdir_real, mk, cfg, gen, src, prefix) < 0)
		return NULL;
	return key;
}

/* mkdir -p; 0 or negative errno. */
static int make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* The cache file for @key, or -ENOENT when caching is off. */
static int cache_path(const char *key, char *out, size_t outlen, int create)
{
	char dir[PATH_MAX];
	const char *env = getenv("DUSK_CACHE_DIR");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int ret;

	if (env && !strcmp(env, "off"))
		return -ENOENT;
	if (env && *env)
		snprintf(dir, sizeof(dir), "%s", env);
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/dusk", xdg);
	else if (home && *home)
		snprintf(dir, sizeof(dir), "%s/.cache/dusk", home);
	else
		return -ENOENT;
	if (create) {
		ret = make_dirs(dir);
		if (ret)
			return ret;
	}
	snprintf(out, outlen, "%s/kflags-%016llx.txt", dir,
		 (unsigned long long)dusk_fnv1a(DUSK_FNV1A_INIT, key));
	return 0;
}

int kf_cache_load(const char *key, struct args *out)
{
	char path[PATH_MAX + 64];
	char *line = NULL;
	size_t cap = 0, klen = strlen(key), got = 0;
	ssize_t n;
	FILE *f;
	int ret, in_args = 0;

	ret = cache_path(key, path, sizeof(path), 0);
	if (ret)
		return ret;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	ret = 0;
	while (!ret && (n = getline(&line, &cap, f)) > 0) {
		if (!in_args) {
			if (!strcmp(line, "--\n")) {
				in_args = 1;
				ret = got == klen ? 0 : -ENOENT;
			} else if (got + n <= klen && !memcmp(key + got, line, n)) {
				got += n;
			} else {
				ret = -ENOENT;	/* another key with the same hash */
			}
			continue;
		}
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		ret = args_push(out, line);
	}
	free(line);
	fclose(f);
	if (!ret && (!in_args || out->argc == 0))
		ret = -ENOENT;
	if (ret)
		args_free(out);
	return ret;
}

int kf_cache_store(const char *key, const struct args *a)
{
	char path[PATH_MAX + 64], tmp[PATH_MAX + 96];
	FILE *f;
	int i, ret, ok;

	ret = cache_path(key, path, sizeof(path), 1);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	ok = fprintf(f, "%s--\n", key) > 0;
	for (i = 0; i < a->argc && ok; i++)
		ok = !strchr(a->argv[i], '\n') && fprintf(f, "%s\n", a->argv[i]) > 0;
	if (fclose(f) || !ok || rename(tmp, path)) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}
