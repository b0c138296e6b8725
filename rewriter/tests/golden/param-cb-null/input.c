// SPDX-License-Identifier: GPL-2.0
/*
 * module_param_cb() with a NULL arg (test_dynamic_debug's do_prints): the
 * ops keep no variable of the module's, and the parameter table says so
 * (it printed `&, sizeof()`).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static int pcn_set(const char *val, const struct kernel_param *kp)
{
	pr_info("set %s\n", val);
	return 0;
}

static int pcn_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "nothing\n");
}

static const struct kernel_param_ops param_ops_pcn = {
	.set = pcn_set,
	.get = pcn_get,
};
module_param_cb(poke, &param_ops_pcn, NULL, 0600);

static int __init pcn_init(void)
{
	return 0;
}
module_init(pcn_init);
MODULE_LICENSE("GPL");
