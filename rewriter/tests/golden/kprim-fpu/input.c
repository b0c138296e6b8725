// SPDX-License-Identifier: GPL-2.0
/* Golden: x86 kernel FPU sections (kernel_fpu_begin(), its _mask form,
 * kernel_fpu_end(), irq_fpu_usable() and may_use_simd()) are no-ops and
 * "usable" in the program, which owns its FPU state.  They were kernel
 * calls: kernel_fpu_begin() returned to the program with preemption off
 * in the kmod's netlink handler. */
#include <linux/module.h>
#include <asm/fpu/api.h>
#include <asm/simd.h>

static int fpu_scaled(int x)
{
	int r = -1;

	if (!irq_fpu_usable() || !may_use_simd())
		return r;
	kernel_fpu_begin();
	r = x * 2;
	kernel_fpu_end();
	kernel_fpu_begin_mask(KFPU_387 | KFPU_MXCSR);
	r += 1;
	kernel_fpu_end();
	return r;
}

static int __init kfpu_init(void)
{
	pr_info("kfpu: %d\n", fpu_scaled(20));
	return 0;
}

module_init(kfpu_init);
MODULE_LICENSE("GPL");
