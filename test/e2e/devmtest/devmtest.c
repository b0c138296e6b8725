// SPDX-License-Identifier: GPL-2.0
/*
 * devmtest — a platform driver whose probe keeps its state in
 * device-managed memory, the way most drivers do.
 *
 *   at load:  registers the driver and one "devmtest" platform device;
 *             probe devm_kzalloc()s its state, devm_kcalloc()s a table,
 *             devm_kstrdup()s a label, devm_kfree()s a scratch buffer
 *   cat /proc/devmtest      "label L count N sum S"
 *   echo N > /proc/devmtest adds N to the count and to table[count % 4]
 *   at unload: the device goes (remove logs the count), then the driver;
 *              the devres list frees the memory, not the module
 *
 * The probe also registers an RTC whose struct rtc_device it fills after
 * devm_rtc_allocate_device() (ops, range), as RTC drivers do; its time is
 * the module's count of seconds since 2020-01-01, read and set through
 * /sys/class/rtc, and by the probe itself with rtc_read_time() into a
 * struct rtc_time on its stack.  Before, the user build's first store
 * into the rtc_device was refused, and then the probe's rtc_read_time()
 * lost its stack object's mirror to the callback's own kernel call: the
 * program died reading it back (sixth round of probes, docs/COVERAGE.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/proc_fs.h>
#include <linux/rtc.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define TABLE_LEN 4

struct devm_state {
	int count;
	int *table;
	const char *label;
	time64_t rtc_secs;	/* the RTC's time, seconds since the epoch */
};

static struct platform_device *pdev_own;
static struct devm_state *state;	/* the bound device's, for /proc */
static struct proc_dir_entry *proc;

static int devmtest_read_time(struct device *dev, struct rtc_time *tm)
{
	struct devm_state *st = dev_get_drvdata(dev);

	rtc_time64_to_tm(st->rtc_secs, tm);
	return 0;
}

static int devmtest_set_time(struct device *dev, struct rtc_time *tm)
{
	struct devm_state *st = dev_get_drvdata(dev);

	st->rtc_secs = rtc_tm_to_time64(tm);
	pr_info("rtc set to %lld\n", st->rtc_secs);
	return 0;
}

static const struct rtc_class_ops devmtest_rtc_ops = {
	.read_time = devmtest_read_time,
	.set_time = devmtest_set_time,
};

static int devmtest_probe(struct platform_device *pdev)
{
	struct devm_state *st;
	struct rtc_device *rtc;
	struct rtc_time tm = {};
	char *scratch, *tag;
	int i, err;

	st = devm_kzalloc(&pdev->dev, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->table = devm_kcalloc(&pdev->dev, TABLE_LEN, sizeof(*st->table), GFP_KERNEL);
	st->label = devm_kstrdup(&pdev->dev, "unit-7", GFP_KERNEL);
	scratch = devm_kmalloc(&pdev->dev, 32, GFP_KERNEL);
	tag = devm_kasprintf(&pdev->dev, GFP_KERNEL, "tag-%d", 3);
	if (!st->table || !st->label || !scratch || !tag)
		return -ENOMEM;
	tag[0] = 'T';	/* a variadic allocator's memory is the module's too */
	for (i = 0; i < TABLE_LEN; i++)
		st->table[i] = i * 10;
	scnprintf(scratch, 32, "probe %s", dev_name(&pdev->dev));
	pr_info("%s\n", scratch);
	devm_kfree(&pdev->dev, scratch);
	st->count = 1;
	st->rtc_secs = 1577836800;	/* 2020-01-01 00:00:00 */
	platform_set_drvdata(pdev, st);
	rtc = devm_rtc_allocate_device(&pdev->dev);
	if (IS_ERR(rtc))
		return PTR_ERR(rtc);
	rtc->ops = &devmtest_rtc_ops;
	rtc->range_min = RTC_TIMESTAMP_BEGIN_2000;
	rtc->range_max = RTC_TIMESTAMP_END_2099;
	err = devm_rtc_register_device(rtc);
	if (err)
		return err;
	/* read back through the RTC core, whose read_time() call fills the
	 * probe's own struct rtc_time */
	err = rtc_read_time(rtc, &tm);
	pr_info("rtc_read_time %d: year %d\n", err, tm.tm_year + 1900);
	state = st;
	pr_info("probed: label %s %s table %d %d %d %d\n", st->label, tag, st->table[0],
		st->table[1], st->table[2], st->table[3]);
	return 0;
}

static int devmtest_remove(struct platform_device *pdev)
{
	struct devm_state *st = platform_get_drvdata(pdev);

	pr_info("remove: count %d\n", st->count);
	state = NULL;
	return 0;
}

static struct platform_driver devmtest_driver = {
	.probe = devmtest_probe,
	.remove = devmtest_remove,
	.driver = { .name = "devmtest" },
};

static int devmtest_show(struct seq_file *m, void *v)
{
	int i, sum = 0;

	if (!state)
		return -ENODEV;
	for (i = 0; i < TABLE_LEN; i++)
		sum += state->table[i];
	seq_printf(m, "label %s count %d sum %d\n", state->label, state->count, sum);
	return 0;
}

static int devmtest_open(struct inode *inode, struct file *file)
{
	return single_open(file, devmtest_show, NULL);
}

static ssize_t devmtest_write(struct file *file, const char __user *ubuf, size_t len,
			      loff_t *ppos)
{
	int n, err;

	err = kstrtoint_from_user(ubuf, len, 10, &n);
	if (err)
		return err;
	if (!state)
		return -ENODEV;
	state->count += n;
	state->table[state->count % TABLE_LEN] += n;
	return len;
}

static const struct proc_ops devmtest_ops = {
	.proc_open = devmtest_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = devmtest_write,
};

static int __init devmtest_init(void)
{
	int err = platform_driver_register(&devmtest_driver);

	if (err)
		return err;
	pdev_own = platform_device_register_simple("devmtest", -1, NULL, 0);
	if (IS_ERR(pdev_own)) {
		platform_driver_unregister(&devmtest_driver);
		return PTR_ERR(pdev_own);
	}
	proc = proc_create("devmtest", 0644, NULL, &devmtest_ops);
	if (!proc) {
		platform_device_unregister(pdev_own);
		platform_driver_unregister(&devmtest_driver);
		return -ENOMEM;
	}
	pr_info("loaded, bound %d\n", state != NULL);
	return 0;
}

static void __exit devmtest_exit(void)
{
	proc_remove(proc);
	platform_device_unregister(pdev_own);
	platform_driver_unregister(&devmtest_driver);
	pr_info("unloaded\n");
}

module_init(devmtest_init);
module_exit(devmtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A platform driver with device-managed memory");
