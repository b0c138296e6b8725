// SPDX-License-Identifier: GPL-2.0
/* Golden: module_param, module_param_named, module_param_array (its count
 * an int, as modules often write), module_param_string, module_param_hw and
 * MODULE_PARM_DESC become the descriptor's params; MODULE_* become modinfo;
 * module_init/module_exit become init/exit. */
#include <linux/module.h>
#include <linux/moduleparam.h>

static int level = 3;
module_param(level, int, 0644);
MODULE_PARM_DESC(level, "verbosity");

static char *who = "world";
module_param_named(name, who, charp, 0444);

static int ports[4] = { 80, 443 };
static unsigned int nports = 2;
module_param_array(ports, int, &nports, 0444);
MODULE_PARM_DESC(ports, "ports to watch");

static bool enable;
module_param(enable, bool, 0);

static int ids[3];
static int nids;
module_param_array(ids, int, &nids, 0444);

static char iface[16] = "eth0";
module_param_string(iface, iface, sizeof(iface), 0644);
MODULE_PARM_DESC(iface, "interface");

static unsigned long io;
module_param_hw(io, ulong, ioport, 0444);

static int __init pm_init(void)
{
	pr_info("%s %d %u %d %d %s %lu\n", who, level, nports, enable, nids, iface, io);
	return 0;
}

static void __exit pm_exit(void)
{
}

module_init(pm_init);
module_exit(pm_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("DUSK developers");
MODULE_DESCRIPTION("parameters");
