// SPDX-License-Identifier: GPL-2.0
/*
 * `typedef struct { ... } name_t;`: libclang spells the untagged struct
 * with the typedef's name, so it is printed `struct name_t { ... }` and
 * the typedef must say `typedef struct name_t name_t;` (it said
 * `typedef name_t name_t;`, which no compiler takes).  Also a union, an
 * enum, a packed struct, and a tagged one (unchanged).
 */
#include <linux/module.h>

typedef struct { int n; } ut_plain_t;
typedef struct ut_named { int m; } ut_named_t;
typedef enum { UT_RED, UT_GREEN = 4 } ut_color_t;
typedef union { int i; char c[4]; } ut_word_t;
typedef struct __packed { char a; int b; } ut_packed_t;

static ut_plain_t ut_plain;
static ut_named_t ut_named;
static ut_color_t ut_color = UT_GREEN;
static ut_word_t ut_word;
static ut_packed_t ut_packed;

static int __init ut_init(void)
{
	ut_plain.n++;
	ut_word.i = ut_color;
	return ut_plain.n + ut_named.m + ut_word.c[0] + (int)sizeof(ut_packed);
}
module_init(ut_init);
MODULE_LICENSE("GPL");
