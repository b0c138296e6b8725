// SPDX-License-Identifier: GPL-2.0
/*
 * x86's memset16/32/64 are `rep stos` inline assembly (asm/string_64.h),
 * also under linux/string.h's memset_l() and memset_p(): each becomes its
 * checked user-level store, dusk_kp_memset16/32/64 (before, the assembly
 * was refused: lib/test_string).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init mset_init(void)
{
	u16 *h = kmalloc_array(8, sizeof(*h), GFP_KERNEL);
	u32 w[8];
	unsigned long l[4];
	void *p[4];
	int bad;

	if (!h)
		return -ENOMEM;
	memset16(h, 0xb1b2, 8);
	memset32(w, 0xb1b2b3b4, 8);
	memset_l(l, 7, 4);
	memset_p(p, h, 4);
	bad = h[7] != 0xb1b2 || w[7] != 0xb1b2b3b4 || l[3] != 7 || p[3] != h;
	kfree(h);
	return bad ? -EINVAL : 0;
}
module_init(mset_init);
MODULE_LICENSE("GPL");
