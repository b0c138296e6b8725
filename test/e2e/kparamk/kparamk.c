// SPDX-License-Identifier: GPL-2.0
/*
 * kparamk: module_param_cb() whose ops are kernel code DUSK does not
 * re-implement (test/e2e/kparamk/test.sh drives it), as lib/test_dynamic_debug.c
 * and drivers use them:
 *   kparamk_bits   the kernel's param_ops_dyndbg_classes on a DISJOINT_BITS
 *                  class map (numbers; an unsigned long through .bits);
 *   kparamk_names  the same ops on a DISJOINT_NAMES map ("+KPK_LOW,-KPK_HI");
 *   kparamk_level  the same ops on a LEVEL_NUM map (an unsigned int through
 *                  .lvl);
 *   kparamk_vals   the kernel's param_array_ops on the module's own struct
 *                  kparam_array of ints (param_ops_int its element ops);
 *   kparamk_mixed  the module's own ops: its set logs and calls the kernel's
 *                  param_set_dyndbg_classes(), its get *is* the kernel's
 *                  param_get_dyndbg_classes.
 * The kernel code acts on the parameter's argument (and what it points at);
 * module_init and module_exit log what the module's variables hold, so a
 * value the kernel code wrote must be seen by the module's own code.
 */
#include <linux/dynamic_debug.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

DECLARE_DYNDBG_CLASSMAP(kpk_map_bits, DD_CLASS_TYPE_DISJOINT_BITS, 0,
			"KPK_A", "KPK_B", "KPK_C", "KPK_D");
static unsigned long bits;
static struct ddebug_class_param bits_param = {
	.bits = &bits,
	.flags = "p",
	.map = &kpk_map_bits,
};
module_param_cb(kparamk_bits, &param_ops_dyndbg_classes, &bits_param, 0600);

DECLARE_DYNDBG_CLASSMAP(kpk_map_names, DD_CLASS_TYPE_DISJOINT_NAMES, 4,
			"KPK_LOW", "KPK_MID", "KPK_HI");
static unsigned long names;
static struct ddebug_class_param names_param = {
	.bits = &names,
	.flags = "p",
	.map = &kpk_map_names,
};
module_param_cb(kparamk_names, &param_ops_dyndbg_classes, &names_param, 0600);

DECLARE_DYNDBG_CLASSMAP(kpk_map_level, DD_CLASS_TYPE_LEVEL_NUM, 7,
			"KPK_V0", "KPK_V1", "KPK_V2", "KPK_V3", "KPK_V4");
static unsigned int level;
static struct ddebug_class_param level_param = {
	.lvl = &level,
	.flags = "p",
	.map = &kpk_map_level,
};
module_param_cb(kparamk_level, &param_ops_dyndbg_classes, &level_param, 0644);

static int vals[4] = { 7 };
static unsigned int nvals = 1;
static struct kparam_array vals_arr = {
	.max = ARRAY_SIZE(vals),
	.elemsize = sizeof(vals[0]),
	.num = &nvals,
	.ops = &param_ops_int,
	.elem = vals,
};
module_param_cb(kparamk_vals, &param_array_ops, &vals_arr, 0644);

static unsigned int mixed;
static struct ddebug_class_param mixed_param = {
	.lvl = &mixed,
	.flags = "p",
	.map = &kpk_map_level,
};

static int mixed_set(const char *val, const struct kernel_param *kp)
{
	int ret = param_set_dyndbg_classes(val, kp);

	pr_info("kparamk: %s set: %d, now %u\n", kp->name, ret, mixed);
	return ret;
}

static const struct kernel_param_ops mixed_ops = {
	.set = mixed_set,
	.get = param_get_dyndbg_classes,
};
module_param_cb(kparamk_mixed, &mixed_ops, &mixed_param, 0644);

static void show(const char *when)
{
	pr_info("kparamk: %s bits 0x%lx names 0x%lx level %u vals %u:%d,%d,%d,%d mixed %u\n",
		when, bits, names, level, nvals, vals[0], vals[1], vals[2], vals[3], mixed);
}

static int __init kparamk_init(void)
{
	show("init");
	return 0;
}

static void __exit kparamk_exit(void)
{
	show("exit");
}

module_init(kparamk_init);
module_exit(kparamk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: module_param_cb with the kernel's own ops");
