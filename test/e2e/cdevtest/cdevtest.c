// SPDX-License-Identifier: GPL-2.0
/*
 * cdevtest: a character device the way most drivers make one -- a region
 * from alloc_chrdev_region(), a struct cdev added with cdev_add(), a class
 * and a device node from class_create()/device_create() -- serving a value
 * through read, write and ioctl (copy_*_user, __put_user, __get_user).
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define CDEVTEST_MAGIC	'c'
#define CDEVTEST_GET	_IOR(CDEVTEST_MAGIC, 1, int)
#define CDEVTEST_SET	_IOW(CDEVTEST_MAGIC, 2, int)

static dev_t cdevtest_dev;
static struct cdev cdevtest_cdev;
static struct class *cdevtest_class;
static int cdevtest_value = 255;
static DEFINE_MUTEX(cdevtest_lock);

static ssize_t cdevtest_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	char text[24];
	int n;

	mutex_lock(&cdevtest_lock);
	n = scnprintf(text, sizeof(text), "value %d\n", cdevtest_value);
	mutex_unlock(&cdevtest_lock);
	return simple_read_from_buffer(buf, len, pos, text, n);
}

static ssize_t cdevtest_write(struct file *file, const char __user *buf, size_t len,
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
	mutex_lock(&cdevtest_lock);
	cdevtest_value = v;
	mutex_unlock(&cdevtest_lock);
	pr_info("cdevtest: value %d\n", v);
	return len;
}

static long cdevtest_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	int v;

	switch (cmd) {
	case CDEVTEST_GET:
		return __put_user(cdevtest_value, (int __user *)arg);
	case CDEVTEST_SET:
		if (__get_user(v, (int __user *)arg))
			return -EFAULT;
		cdevtest_value = v;
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations cdevtest_fops = {
	.owner = THIS_MODULE,
	.read = cdevtest_read,
	.write = cdevtest_write,
	.unlocked_ioctl = cdevtest_ioctl,
};

static int __init cdevtest_init(void)
{
	struct device *dev;
	int err;

	err = alloc_chrdev_region(&cdevtest_dev, 0, 1, "cdevtest");
	if (err)
		return err;
	cdev_init(&cdevtest_cdev, &cdevtest_fops);
	cdevtest_cdev.owner = THIS_MODULE;
	err = cdev_add(&cdevtest_cdev, cdevtest_dev, 1);
	if (err)
		goto err_region;
	cdevtest_class = class_create(THIS_MODULE, "cdevtest");
	if (IS_ERR(cdevtest_class)) {
		err = PTR_ERR(cdevtest_class);
		goto err_cdev;
	}
	dev = device_create(cdevtest_class, NULL, cdevtest_dev, NULL, "cdevtest");
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		goto err_class;
	}
	pr_info("cdevtest: ready\n");
	return 0;

err_class:
	class_destroy(cdevtest_class);
err_cdev:
	cdev_del(&cdevtest_cdev);
err_region:
	unregister_chrdev_region(cdevtest_dev, 1);
	return err;
}

static void __exit cdevtest_exit(void)
{
	device_destroy(cdevtest_class, cdevtest_dev);
	class_destroy(cdevtest_class);
	cdev_del(&cdevtest_cdev);
	unregister_chrdev_region(cdevtest_dev, 1);
	pr_info("cdevtest: gone\n");
}

module_init(cdevtest_init);
module_exit(cdevtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a character device with a class and a node");
