// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostic: per_cpu() of the module's own per-cpu variable adds a
 * CPU's kernel offset to a program address; refused with its line (it
 * used to compile into a wild pointer). */
#include <linux/module.h>
#include <linux/percpu.h>

static DEFINE_PER_CPU(unsigned long, hits);

static int __init pc_init(void)
{
	return per_cpu(hits, 0) ? -EINVAL : 0;
}
module_init(pc_init);
MODULE_LICENSE("GPL");
