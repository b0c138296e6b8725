/* SPDX-License-Identifier: MIT */
/*
 * Names the user build's libc already defines.
 *
 * mymod.dusk.c includes <dusk/runtime.h>, hence <stdint.h> and <stddef.h>,
 * before the declarations header.  The kernel defines many of the same
 * typedef names, sometimes with another type (the kernel's int64_t is
 * `long long`, glibc's is `long`), and C forbids a conflicting redefinition.
 * Such names are therefore never emitted: wherever the kernel uses one, its
 * canonical type is printed instead, which has the kernel's exact layout.
 */
#include <string.h>

#include "typegen-internal.h"

static const char *const libc_names[] = {
	/* <stddef.h> */
	"size_t", "ptrdiff_t", "wchar_t", "max_align_t", "NULL", "offsetof",
	/* <stdint.h> */
	"intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
	/* often reached with them, and the names code expects */
	"ssize_t", "bool", "true", "false", "wint_t",
};

/* int8_t, uint64_t, int_least16_t, uint_fast32_t ... */
static int stdint_width_name(const char *n)
{
	if (n[0] == 'u')
		n++;
	if (strncmp(n, "int", 3))
		return 0;
	n += 3;
	if (!strncmp(n, "_least", 6))
		n += 6;
	else if (!strncmp(n, "_fast", 5))
		n += 5;
	if (*n < '0' || *n > '9')
		return 0;
	while (*n >= '0' && *n <= '9')
		n++;
	return !strcmp(n, "_t");
}

/* glibc's <bits/types.h> (pulled in by <stdint.h>): __int8_t, __u_char,
 * __off_t ... are all "__" + name + "_t"; the kernel's own __kernel_*_t
 * names are not libc's. */
static int glibc_private_name(const char *n)
{
	size_t len = strlen(n);

	return len > 4 && !strncmp(n, "__", 2) && !strcmp(n + len - 2, "_t") &&
	       strncmp(n, "__kernel_", 9);
}

int tg_libc_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(libc_names) / sizeof(libc_names[0]); i++)
		if (!strcmp(name, libc_names[i]))
			return 1;
	return stdint_width_name(name) || glibc_private_name(name);
}
