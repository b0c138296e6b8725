// SPDX-License-Identifier: GPL-2.0
/* Golden: static initializers that need the kernel's addresses or fold
 * to constants: an element address of a kernel array (SYSCTL_ZERO,
 * SYSCTL_ONE), a pointer into it as a whole initializer, a constant
 * __builtin call (cpu_to_be16 in a table). */
#include <linux/module.h>
#include <linux/sysctl.h>

static int val;
static const struct ctl_table tbl[] = {
	{
		.procname	= "val",
		.data		= &val,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{ }
};
static const int *limit = &sysctl_vals[2];
static const __be16 ports[] = { cpu_to_be16(80), cpu_to_be16(443) };
static struct ctl_table_header *hdr;

static int __init si_init(void)
{
	hdr = register_sysctl("dusk_sinit", tbl);
	return hdr ? *limit - 2 + (ports[0] != 0) - 1 : -ENOMEM;
}

static void __exit si_exit(void)
{
	unregister_sysctl_table(hdr);
}

module_init(si_init);
module_exit(si_exit);
MODULE_LICENSE("GPL");
