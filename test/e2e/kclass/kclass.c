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
 *
 * A tty driver the same way: tty_alloc_driver()'s struct tty_driver is the
 * kernel's, filled in before tty_register_driver(); its one port echoes
 * what is written upper-cased through the flip buffer
 * (tty_insert_flip_char(), an inline that writes the port's tail buffer,
 * the kernel's too).  Before, the program died at the first store into
 * the driver (sixth round of probes, docs/COVERAGE.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/kdev_t.h>
#include <linux/module.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>

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

static struct tty_driver *tty_drv;
static struct tty_port tty_port;

static int kclass_tty_open(struct tty_struct *tty, struct file *f)
{
	return tty_port_open(&tty_port, tty, f);
}

static void kclass_tty_close(struct tty_struct *tty, struct file *f)
{
	tty_port_close(&tty_port, tty, f);
}

static int kclass_tty_write(struct tty_struct *tty, const unsigned char *buf, int count)
{
	int i;

	for (i = 0; i < count; i++)
		tty_insert_flip_char(&tty_port, toupper(buf[i]), TTY_NORMAL);
	tty_flip_buffer_push(&tty_port);
	return count;
}

static unsigned int kclass_tty_write_room(struct tty_struct *tty)
{
	return 256;
}

static const struct tty_operations kclass_tty_ops = {
	.open = kclass_tty_open,
	.close = kclass_tty_close,
	.write = kclass_tty_write,
	.write_room = kclass_tty_write_room,
};

static const struct tty_port_operations kclass_port_ops = {};

/* /dev/ttykclass0: raw, no echo, no output processing */
static int kclass_tty_init(void)
{
	struct device *d;
	int ret;

	tty_drv = tty_alloc_driver(1, TTY_DRIVER_REAL_RAW | TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(tty_drv))
		return PTR_ERR(tty_drv);
	tty_drv->driver_name = "kclass_tty";
	tty_drv->name = "ttykclass";
	tty_drv->type = TTY_DRIVER_TYPE_SERIAL;
	tty_drv->subtype = SERIAL_TYPE_NORMAL;
	tty_drv->init_termios = tty_std_termios;
	tty_drv->init_termios.c_cflag = B9600 | CS8 | CREAD | CLOCAL;
	tty_drv->init_termios.c_lflag = 0;
	tty_drv->init_termios.c_oflag = 0;
	tty_set_operations(tty_drv, &kclass_tty_ops);
	tty_port_init(&tty_port);
	tty_port.ops = &kclass_port_ops;
	ret = tty_register_driver(tty_drv);
	if (ret)
		goto put;
	d = tty_port_register_device(&tty_port, tty_drv, 0, NULL);
	if (!IS_ERR(d))
		return 0;
	ret = PTR_ERR(d);
	tty_unregister_driver(tty_drv);
put:
	tty_port_destroy(&tty_port);
	tty_driver_kref_put(tty_drv);
	return ret;
}

static void kclass_tty_exit(void)
{
	tty_unregister_device(tty_drv, 0);
	tty_unregister_driver(tty_drv);
	tty_port_destroy(&tty_port);
	tty_driver_kref_put(tty_drv);
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
	ret = kclass_tty_init();
	if (ret)
		goto device;
	pr_info("created\n");
	return 0;
device:
	device_destroy(cls, devt);
class:
	class_destroy(cls);
region:
	unregister_chrdev_region(devt, 1);
	return ret;
}

static void __exit kclass_exit(void)
{
	kclass_tty_exit();
	device_destroy(cls, devt);
	class_destroy(cls);
	unregister_chrdev_region(devt, 1);
	pr_info("exit, level %d\n", state.level);
}

module_init(kclass_init);
module_exit(kclass_exit);
MODULE_LICENSE("GPL");
