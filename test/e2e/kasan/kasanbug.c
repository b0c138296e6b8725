// SPDX-License-Identifier: GPL-2.0
/*
 * kasanbug — the three classic misuses of kmalloc() memory, one per value
 * of bug=: 1 writes one element past the end of its buffer, 2 reads it
 * after kfree(), 3 frees it twice.  The kernel build corrupts the slab in
 * silence (or oopses later, elsewhere); the user build's runtime reports
 * each at the access with this file's lines, before the kernel is touched.
 * bug=0 uses the buffer correctly, up to its last element.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/slab.h>

static int bug;
module_param(bug, int, 0444);
MODULE_PARM_DESC(bug, "0: none, 1: out of bounds, 2: use after free, 3: double free");

#define KASANBUG_N 5
static u32 *kasanbug_buf;

static int __init kasanbug_init(void)
{
	u32 *p = kmalloc(KASANBUG_N * sizeof(*p), GFP_KERNEL);	/* KASAN-ALLOC */

	if (!p)
		return -ENOMEM;
	p[KASANBUG_N - 1] = 4;
	switch (bug) {
	case 1:
		p[KASANBUG_N] = 5;	/* KASAN-OOB */
		break;
	case 2:
		kfree(p);	/* KASAN-FREE2 */
		pr_info("stale %u\n", p[2]);	/* KASAN-UAF */
		return 0;
	case 3:
		kfree(p);	/* KASAN-FREE3 */
		kfree(p);	/* KASAN-DFREE */
		return 0;
	}
	kasanbug_buf = p;
	pr_info("buffer ends with %u\n", kasanbug_buf[KASANBUG_N - 1]);
	return 0;
}

static void __exit kasanbug_exit(void)
{
	kfree(kasanbug_buf);
	pr_info("unloaded\n");
}

module_init(kasanbug_init);
module_exit(kasanbug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Out-of-bounds, use-after-free and double-free bugs, for DUSK's KASAN");
