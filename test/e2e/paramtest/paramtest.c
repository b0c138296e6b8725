// SPDX-License-Identifier: GPL-2.0
/*
 * paramtest: module parameters as insmod gives them
 * (test/e2e/paramtest/test.sh drives it): an int, a bool, a charp, a
 * string buffer (module_param_string), an int array counted by an int,
 * and `fail`, which makes module_init fail with -ENODEV.  module_init logs
 * every value, module_exit what sysfs writes changed.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

static int level = 3;
module_param(level, int, 0644);
MODULE_PARM_DESC(level, "verbosity");

static bool verbose;
module_param(verbose, bool, 0644);

static char *who = "world";
module_param_named(name, who, charp, 0444);

static char iface[16] = "eth0";
module_param_string(iface, iface, sizeof(iface), 0644);
MODULE_PARM_DESC(iface, "interface");

static int ids[4] = { 7 };
static int nids = 1;
module_param_array(ids, int, &nids, 0644);

static int fail;
module_param(fail, int, 0);

/* a parameter bound to a member of a module object (samples/vfio-mdev's
 * module_param_named(count, mdpy_driver.max_instances, int, 0444)) */
static struct paramtest_cfg {
	int burst;
	int limits[2];
} cfg = { .burst = 4, .limits = { 10, 20 } };
module_param_named(burst, cfg.burst, int, 0644);
module_param_named(high, cfg.limits[1], int, 0644);

static int __init paramtest_init(void)
{
	int i;

	pr_info("paramtest: level %d verbose %d name %s iface %s\n", level, verbose, who, iface);
	pr_info("paramtest: burst %d limits %d %d\n", cfg.burst, cfg.limits[0], cfg.limits[1]);
	for (i = 0; i < nids; i++)
		pr_info("paramtest: id[%d] = %d\n", i, ids[i]);
	if (fail) {
		pr_err("paramtest: failing on request\n");
		return -ENODEV;
	}
	return 0;
}

static void __exit paramtest_exit(void)
{
	/* what writes to /sys/module/paramtest/parameters/ left */
	pr_info("paramtest: unloaded: level %d verbose %d iface %s nids %d id[0] %d\n",
		level, verbose, iface, nids, ids[0]);
	pr_info("paramtest: unloaded: burst %d limits %d %d\n", cfg.burst, cfg.limits[0],
		cfg.limits[1]);
}

module_init(paramtest_init);
module_exit(paramtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: module parameters");
