// SPDX-License-Identifier: GPL-2.0
/*
 * module_param_cb() with the module's own kernel_param_ops (kparamcb's):
 * the parameter table names the ops (type NULL) and the variable; the
 * module init first runs the values given at load through the own sets;
 * the kernel's param_set_int/param_get_uint/param_set_uint_minmax called
 * by the own ops are kprims, `.get = param_get_int` stays a kernel symbol.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

static int level = 2;

static int level_set(const char *val, const struct kernel_param *kp)
{
	int n, ret = kstrtoint(val, 10, &n);

	if (ret || n < 0 || n > 5)
		return -EINVAL;
	pr_info("kparamcb: %s %d -> %d\n", kp->name, level, n);
	return param_set_int(val, kp);
}

static const struct kernel_param_ops level_ops = {
	.set = level_set,
	.get = param_get_int,
};
module_param_cb(level, &level_ops, &level, 0644);
MODULE_PARM_DESC(level, "0..5");

static char mode_name[8] = "slow";
static unsigned int mode_sets;

static int mode_set(const char *val, const struct kernel_param *kp)
{
	if (!sysfs_streq(val, "slow") && !sysfs_streq(val, "fast"))
		return -EINVAL;
	strscpy(mode_name, sysfs_streq(val, "fast") ? "fast" : "slow", sizeof(mode_name));
	mode_sets++;
	return 0;
}

static int mode_get(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%s (%u sets)\n", mode_name, mode_sets);
}

static const struct kernel_param_ops mode_ops = {
	.set = mode_set,
	.get = mode_get,
};
module_param_cb(mode, &mode_ops, NULL, 0644);

static unsigned int width = 8;

static int width_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, 64);
}

static const struct kernel_param_ops width_ops = {
	.set = width_set,
	.get = param_get_uint,
};
module_param_cb(width, &width_ops, &width, 0644);

static int __init kparamcb_init(void)
{
	pr_info("kparamcb: init level %d mode %s (%u sets) width %u\n", level, mode_name,
		mode_sets, width);
	return 0;
}

static void __exit kparamcb_exit(void)
{
	pr_info("kparamcb: exit level %d mode %s (%u sets) width %u\n", level, mode_name,
		mode_sets, width);
}

module_init(kparamcb_init);
module_exit(kparamcb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: module_param_cb with the module's own ops");
