// SPDX-License-Identifier: GPL-2.0
/*
 * kbinattr — a sysfs binary attribute, as firmware and EEPROM drivers
 * expose theirs.
 *
 *   /sys/kernel/kbinattr/blob     64 bytes, read and written at offsets
 *   /sys/kernel/kbinattr/writes   how many writes the blob took
 *
 * A bin_attribute's read() and write() get `char *buf, loff_t off,
 * size_t count`: the kernel's buffer of count bytes, which read() fills
 * and write() reads.  Each write logs the blob's first 32 bytes with
 * print_hex_dump(); a root device says the blob's size with dev_info().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#define BLOB 64

static struct kobject *kobj;
static struct device *rdev;
static u8 *blob;
static DEFINE_MUTEX(lock);
static int writes;

static ssize_t blob_read(struct file *f, struct kobject *k, struct bin_attribute *a,
			 char *buf, loff_t off, size_t count)
{
	if (off >= BLOB)
		return 0;
	if (count > BLOB - off)
		count = BLOB - off;
	mutex_lock(&lock);
	memcpy(buf, blob + off, count);
	mutex_unlock(&lock);
	return count;
}

static ssize_t blob_write(struct file *f, struct kobject *k, struct bin_attribute *a,
			  char *buf, loff_t off, size_t count)
{
	if (off >= BLOB)
		return -ENOSPC;
	if (count > BLOB - off)
		count = BLOB - off;
	mutex_lock(&lock);
	memcpy(blob + off, buf, count);
	writes++;
	mutex_unlock(&lock);
	print_hex_dump(KERN_INFO, "kbinattr: blob ", DUMP_PREFIX_OFFSET, 16, 1, blob, 32, false);
	pr_info("%zu bytes written at %lld\n", count, off);
	return count;
}

static BIN_ATTR_RW(blob, BLOB);

static ssize_t writes_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", writes);
}

static struct kobj_attribute writes_attr = __ATTR_RO(writes);

static int __init kbinattr_init(void)
{
	int i, ret;

	blob = kmalloc(BLOB, GFP_KERNEL);
	if (!blob)
		return -ENOMEM;
	for (i = 0; i < BLOB; i++)
		blob[i] = 'A' + i % 26;
	rdev = root_device_register("kbinattr_dev");
	if (IS_ERR(rdev)) {
		ret = PTR_ERR(rdev);
		goto free_blob;
	}
	kobj = kobject_create_and_add("kbinattr", kernel_kobj);
	if (!kobj) {
		ret = -ENOMEM;
		goto unreg;
	}
	ret = sysfs_create_bin_file(kobj, &bin_attr_blob);
	if (ret)
		goto put;
	ret = sysfs_create_file(kobj, &writes_attr.attr);
	if (ret)
		goto rm_bin;
	dev_info(rdev, "blob of %d bytes\n", BLOB);
	return 0;
rm_bin:
	sysfs_remove_bin_file(kobj, &bin_attr_blob);
put:
	kobject_put(kobj);
unreg:
	root_device_unregister(rdev);
free_blob:
	kfree(blob);
	return ret;
}

static void __exit kbinattr_exit(void)
{
	sysfs_remove_file(kobj, &writes_attr.attr);
	sysfs_remove_bin_file(kobj, &bin_attr_blob);
	kobject_put(kobj);
	pr_info("exit after %d writes\n", writes);
	root_device_unregister(rdev);
	kfree(blob);
}

module_init(kbinattr_init);
module_exit(kbinattr_exit);
MODULE_LICENSE("GPL");
