// SPDX-License-Identifier: GPL-2.0
/*
 * cdevalloc: cdevtest.c with its struct cdev from cdev_alloc(), the kernel's
 * own object, whose owner and ops the driver sets by hand before cdev_add()
 * (LDD3's and many drivers' way).  In a user build that object is the
 * module's to write (dusk-kmod/core/handed.c); before, the program died at
 * cdev_add() ("write outside mirrors, owned and lent memory").
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define CDEVALLOC_MAGIC	'c'
#define CDEVALLOC_GET	_IOR(CDEVALLOC_MAGIC, 1, int)
#define CDEVALLOC_SET	_IOW(CDEVALLOC_MAGIC, 2, int)

static dev_t cdevalloc_dev;
static struct cdev *cdevalloc_cdev;
static struct class *cdevalloc_class;
static int cdevalloc_value = 255;
static DEFINE_MUTEX(cdevalloc_lock);

static ssize_t cdevalloc_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	char text[24];
	int n;

	mutex_lock(&cdevalloc_lock);
	n = scnprintf(text, sizeof(text), "value %d\n", cdevalloc_value);
	mutex_unlock(&cdevalloc_lock);
	return simple_read_from_buffer(buf, len, pos, text, n);
}

static ssize_t cdevalloc_write(struct file *file, const char __user *buf, size_t len,
			      loff_t *pos)
{
	char text[16];
	int v;

	if (len >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, buf, len))
		return -EFAULT;
	text[len] = '\0';
	if (kstrtoint(strim(text), 0, &v))
		return -EINVAL;
	mutex_lock(&cdevalloc_lock);
	cdevalloc_value = v;
	mutex_unlock(&cdevalloc_lock);
	pr_info("cdevalloc: value %d\n", v);
	return len;
}

static long cdevalloc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	int v;

	switch (cmd) {
	case CDEVALLOC_GET:
		return __put_user(cdevalloc_value, (int __user *)arg);
	case CDEVALLOC_SET:
		if (__get_user(v, (int __user *)arg))
			return -EFAULT;
		cdevalloc_value = v;
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations cdevalloc_fops = {
	.owner = THIS_MODULE,
	.read = cdevalloc_read,
	.write = cdevalloc_write,
	.unlocked_ioctl = cdevalloc_ioctl,
};

static int __init cdevalloc_init(void)
{
	struct device *dev;
	int err;

	err = alloc_chrdev_region(&cdevalloc_dev, 0, 1, "cdevalloc");
	if (err)
		return err;
	cdevalloc_cdev = cdev_alloc();
	if (!cdevalloc_cdev) {
		err = -ENOMEM;
		goto err_region;
	}
	cdevalloc_cdev->owner = THIS_MODULE;
	cdevalloc_cdev->ops = &cdevalloc_fops;
	err = cdev_add(cdevalloc_cdev, cdevalloc_dev, 1);
	if (err) {
		kobject_put(&cdevalloc_cdev->kobj);
		goto err_region;
	}
	cdevalloc_class = class_create(THIS_MODULE, "cdevalloc");
	if (IS_ERR(cdevalloc_class)) {
		err = PTR_ERR(cdevalloc_class);
		goto err_cdev;
	}
	dev = device_create(cdevalloc_class, NULL, cdevalloc_dev, NULL, "cdevalloc");
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_class;
	}
	pr_info("cdevalloc: ready\n");
	return 0;

err_class:
	class_destroy(cdevalloc_class);
err_cdev:
	cdev_del(cdevalloc_cdev);
err_region:
	unregister_chrdev_region(cdevalloc_dev, 1);
	return err;
}

static void __exit cdevalloc_exit(void)
{
	device_destroy(cdevalloc_class, cdevalloc_dev);
	class_destroy(cdevalloc_class);
	cdev_del(cdevalloc_cdev);
	unregister_chrdev_region(cdevalloc_dev, 1);
	pr_info("cdevalloc: gone\n");
}

module_init(cdevalloc_init);
module_exit(cdevalloc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a character device from cdev_alloc()");
