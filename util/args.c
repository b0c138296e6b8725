// SPDX-License-Identifier: MIT
/*
 * The argument vector of args.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int args_push(struct args *a, const char *s)
{
	char **n, *c;

	c = strdup(s);
	if (!c)
		return -ENOMEM;
	n = realloc(a->argv, (a->argc + 2) * sizeof(*n));
	if (!n) {
		free(c);
		return -ENOMEM;
	}
	a->argv = n;
	a->argv[a->argc++] = c;
	a->argv[a->argc] = NULL;
	return 0;
}

void args_remove(struct args *a, int i)
{
	free(a->argv[i]);
	/* moves the terminating NULL too */
	memmove(&a->argv[i], &a->argv[i + 1], (a->argc - i) * sizeof(*a->argv));
	a->argc--;
}

int args_find(const struct args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], s))
			return i;
	return -1;
}

void args_free(struct args *a)
{
	int i;

	if (!a)
		return;
	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}
