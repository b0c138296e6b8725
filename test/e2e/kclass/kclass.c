// SPDX-License-Identifier: GPL-2.0
/*
 * kclass — a class filled in after class_create(), as tutorials' char
 * drivers do: devnode() makes the node 0666, dev_groups gives each device
 * a read-write attribute backed by its drvdata.
 *
 * The struct class is the kernel's (class_create() kzallocs it, and
 * class_destroy() frees it); before, a user build could not write it:
 * "write outside mirrors, owned and lent memory", and the program died in
 * module_init (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/module.h>

struct kclass_dev {
	int level;
};

static struct class *cls;
static struct device *dev;
static struct kclass_dev state = { .level = 3 };
static dev_t devt;

static ssize_t level_show(struct device *d, struct device_attribute *a, char *buf)
{
	struct kclass_dev *s = dev_get_drvdata(d);

	return sysfs_emit(buf, "%d\n", s->level);
}

static ssize_t level_store(struct device *d, struct device_attribute *a,
			   const char *buf, size_t count)
{
	struct kclass_dev *s = dev_get_drvdata(d);
	int ret = kstrtoint(buf, 0, &s->level);

	if (ret)
		return ret;
	pr_info("level %d\n", s->level);
	return count;
}
static DEVICE_ATTR_RW(level);

static struct attribute *kclass_attrs[] = { &dev_attr_level.attr, NULL };
ATTRIBUTE_GROUPS(kclass);

static char *kclass_devnode(struct device *d, umode_t *mode)
{
	if (mode)
		*mode = 0666;
	return NULL;
}

static int __init kclass_init(void)
{
	int ret = alloc_chrdev_region(&devt, 0, 1, "kclass");

	if (ret)
		return ret;
	cls = class_create(THIS_MODULE, "kclass");
	if (IS_ERR(cls)) {
		ret = PTR_ERR(cls);
		goto region;
	}
	cls->devnode = kclass_devnode;
	cls->dev_groups = kclass_groups;
	dev = device_create(cls, NULL, devt, &state, "kclass0");
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto class;
	}
	pr_info("created\n");
	return 0;
class:
	class_destroy(cls);
region:
	unregister_chrdev_region(devt, 1);
	return ret;
}

static void __exit kclass_exit(void)
{
	device_destroy(cls, devt);
	class_destroy(cls);
	unregister_chrdev_region(devt, 1);
	pr_info("exit, level %d\n", state.level);
}

module_init(kclass_init);
module_exit(kclass_exit);
MODULE_LICENSE("GPL");
