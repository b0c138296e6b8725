/* SPDX-License-Identifier: MIT */
/*
 * An argument vector (compiler arguments), NULL-terminated so that it can
 * be handed to exec-style and libclang calls as it is.
 * Functions that allocate return 0 or -ENOMEM and leave the vector as it was.
 */
#ifndef DUSK_UTIL_ARGS_H
#define DUSK_UTIL_ARGS_H

struct args {
	char **argv;	/* NULL-terminated once anything was added */
	int argc;
};

/* Append a copy of @s. */
int args_push(struct args *a, const char *s);
/* Remove element @i, keeping the order. */
void args_remove(struct args *a, int i);
/* Index of the first element equal to @s, or -1. */
int args_find(const struct args *a, const char *s);
/* Release every element; the vector is empty again.  @a may be NULL. */
void args_free(struct args *a);

#endif /* DUSK_UTIL_ARGS_H */
