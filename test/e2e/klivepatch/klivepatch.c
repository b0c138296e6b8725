// SPDX-License-Identifier: GPL-2.0
/*
 * klivepatch: a kernel live patch, as samples/livepatch's (and kpatch's
 * generated modules): cmdline_proc_show() replaced by the module's own.
 */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static int klp_cmdline_show(struct seq_file *m, void *v)
{
	seq_puts(m, "klivepatch: live patched\n");
	return 0;
}

static struct klp_func klp_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = klp_cmdline_show },
	{ }
};

static struct klp_object klp_objs[] = {
	{ .funcs = klp_funcs },	/* name NULL: vmlinux */
	{ }
};

static struct klp_patch klp_patch = {
	.mod = THIS_MODULE,
	.objs = klp_objs,
};

static int __init klivepatch_init(void)
{
	int ret = klp_enable_patch(&klp_patch);

	if (ret)
		pr_info("klivepatch: klp_enable_patch: %d\n", ret);
	return ret;
}

static void __exit klivepatch_exit(void)
{
}

module_init(klivepatch_init);
module_exit(klivepatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("DUSK e2e: a kernel live patch, refused in the user build");
