// SPDX-License-Identifier: GPL-2.0
/*
 * An untagged struct that a macro spells, typedef'd in the module's file:
 * the type is the module's own (it is declared where the macro is
 * expanded), printed once with the module's types.  It was printed in
 * the declarations header as well, and the two typedefs conflicted.  A
 * kernel header's macro (kfifo's records) and one of the file's own.
 */
#include <linux/module.h>
#include <linux/kfifo.h>

#define TM_PAIR(type) struct { type lo, hi; }

typedef STRUCT_KFIFO_REC_1(64) tm_fifo_t;
typedef TM_PAIR(short) tm_range_t;

static tm_fifo_t tm_fifo;
static tm_range_t tm_range = { 1, 2 };

static int __init tm_init(void)
{
	return (int)sizeof(tm_fifo.buf) + tm_range.hi;
}
module_init(tm_init);
MODULE_LICENSE("GPL");
