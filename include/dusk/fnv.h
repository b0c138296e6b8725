/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * FNV-1a, 64 bits: the one hash DUSK computes on both sides -- a long
 * module name's genetlink family (protocol.h), the stub and layout hashes
 * HELLO compares (rewriter, typeinfo), the flag cache's keys.  Kernel and
 * user code include it, so it needs nothing but <linux/types.h>.
 */
#ifndef DUSK_FNV_H
#define DUSK_FNV_H

#include <linux/types.h>

#define DUSK_FNV1A_INIT		0xcbf29ce484222325ull	/* offset basis */
#define DUSK_FNV1A_PRIME	0x100000001b3ull

/* @h with byte @c hashed in. */
static inline __u64 dusk_fnv1a_byte(__u64 h, unsigned char c)
{
	return (h ^ c) * DUSK_FNV1A_PRIME;
}

/* @h with string @s hashed in: chained, DUSK_FNV1A_INIT to start. */
static inline __u64 dusk_fnv1a(__u64 h, const char *s)
{
	for (; *s; s++)
		h = dusk_fnv1a_byte(h, (unsigned char)*s);
	return h;
}

#endif /* DUSK_FNV_H */
