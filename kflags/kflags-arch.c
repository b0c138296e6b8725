/* SPDX-License-Identifier: MIT */
/*
 * Which architecture a kernel build tree is for, and how to build for it
 * from here.
 *
 * A tree for another architecture than this machine's (Debian's
 * linux-headers-<abi>-arm64 on an amd64 workstation) is built with
 * `make ARCH=<arch> CROSS_COMPILE=<prefix>`: Kbuild then records a command
 * line whose compiler is <prefix>gcc-12, and clang must parse the module
 * with --target=<triple> (kflags-cmd.c takes the triple from that compiler's
 * name).  The prefix is $CROSS_COMPILE when set, else Debian's cross
 * toolchain of that architecture (gcc-<triple> packages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "kflags-internal.h"

struct arch_map {
	const char *arch;	/* the kernel's ARCH */
	const char *config;	/* the Kconfig symbol that names it */
	const char *machine;	/* uname -m of a machine of that arch */
	const char *prefix;	/* Debian's cross toolchain prefix */
};

/* Big-endian and 32-bit variants share the kernel's ARCH: the prefix is
 * only a default ($CROSS_COMPILE chooses another). */
static const struct arch_map arches[] = {
	{ "x86", "CONFIG_X86_64", "x86_64", "x86_64-linux-gnu-" },
	{ "arm64", "CONFIG_ARM64", "aarch64", "aarch64-linux-gnu-" },
	{ "arm", "CONFIG_ARM", "armv7l", "arm-linux-gnueabihf-" },
	{ "riscv", "CONFIG_RISCV", "riscv64", "riscv64-linux-gnu-" },
	{ "mips", "CONFIG_MIPS", "mips", "mips-linux-gnu-" },
	{ "powerpc", "CONFIG_PPC", "ppc64le", "powerpc64le-linux-gnu-" },
	{ "s390", "CONFIG_S390", "s390x", "s390x-linux-gnu-" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* "override ARCH = arm64" (Debian's .kernelvariables) or "CONFIG_ARM64=y"
 * (.config): the tree's arch, or NULL. */
static const char *arch_of_tree(const char *kdir)
{
	char path[4096], line[512], val[64];
	const char *found = NULL;
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.kernelvariables", kdir);
	f = fopen(path, "r");
	if (f) {
		while (!found && fgets(line, sizeof(line), f)) {
			if (sscanf(line, " override ARCH = %63s", val) != 1)
				continue;
			for (i = 0; i < ARRAY_SIZE(arches); i++)
				if (!strcmp(val, arches[i].arch))
					found = arches[i].arch;
		}
		fclose(f);
		if (found)
			return found;
	}
	snprintf(path, sizeof(path), "%s/.config", kdir);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f)) {
		for (i = 0; i < ARRAY_SIZE(arches); i++) {
			size_t n = strlen(arches[i].config);

			if (!strncmp(line, arches[i].config, n) && !strcmp(line + n, "=y\n"))
				found = arches[i].arch;
		}
	}
	fclose(f);
	return found;
}

static const struct arch_map *map_of(const char *arch)
{
	size_t i;

	for (i = 0; arch && i < ARRAY_SIZE(arches); i++)
		if (!strcmp(arch, arches[i].arch))
			return &arches[i];
	return NULL;
}

static const char *host_arch(void)
{
	static struct utsname u;
	size_t i;

	if (uname(&u))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(arches); i++)
		if (!strcmp(u.machine, arches[i].machine))
			return arches[i].arch;
	return NULL;
}

int kf_cross(const char *kdir, const char **arch, const char **prefix)
{
	const char *tree = arch_of_tree(kdir), *host = host_arch(), *env;
	const struct arch_map *m = map_of(tree);

	*arch = NULL;
	*prefix = NULL;
	if (!tree || !host || !strcmp(tree, host))
		return 0;
	*arch = tree;
	env = getenv("CROSS_COMPILE");
	*prefix = env && *env ? env : m->prefix;
	return 1;
}
