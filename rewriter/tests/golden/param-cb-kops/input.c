// SPDX-License-Identifier: GPL-2.0
/* Golden: module_param_cb() whose ops are kernel code the runtime does not
 * re-implement: the kernel's own ops (param_ops_dyndbg_classes,
 * param_array_ops on the module's own kparam_array), a kernel member of the
 * module's own ops.  The parameters name the kernel ops' symbol (kops), the
 * symbol table holds it, and the program gets the function through which
 * the runtime calls a set or a get in the kernel (kparam_call, over the
 * indirect stubs of kernel_param_ops' set and get). */
#include <linux/dynamic_debug.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

DECLARE_DYNDBG_CLASSMAP(pk_map, DD_CLASS_TYPE_DISJOINT_BITS, 0, "PK_A", "PK_B");
static unsigned long pk_bits;
static struct ddebug_class_param pk_param = {
	.bits = &pk_bits,
	.flags = "p",
	.map = &pk_map,
};
module_param_cb(pk, &param_ops_dyndbg_classes, &pk_param, 0600);

static int vals[4];
static unsigned int nvals;
static struct kparam_array vals_arr = {
	.max = 4, .elemsize = sizeof(int), .num = &nvals, .ops = &param_ops_int, .elem = vals,
};
module_param_cb(vals, &param_array_ops, &vals_arr, 0644);

static int own_set(const char *val, const struct kernel_param *kp)
{
	return param_set_dyndbg_classes(val, kp);
}

static const struct kernel_param_ops own_ops = {
	.set = own_set,
	.get = param_get_dyndbg_classes,
};
module_param_cb(own, &own_ops, &pk_param, 0644);

static int level = 1;
module_param(level, int, 0644);

MODULE_LICENSE("GPL");
