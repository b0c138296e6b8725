// SPDX-License-Identifier: GPL-2.0
/*
 * lendtest: a module whose callbacks write what the kernel hands them, as
 * third-party modules do (test/e2e/lendtest/test.sh drives it):
 *
 *  - /dev/lendtest (a misc device): open() stores a per-open counter in
 *    file->private_data; read() copies a message out one line per call and
 *    advances *ppos itself.
 *  - /proc/lendtest: a seq_file whose start()/next() move *pos themselves.
 *  - /sys/kernel/lendtest/value: a kobject attribute whose show() fills
 *    the PAGE_SIZE buffer byte by byte and whose store() parses it.
 */
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

static const char *const lines[] = { "one\n", "two\n", "three\n" };
static int opens;
static int value = 7;

struct lt_open {
	int id;
	int reads;
};

static int lt_open(struct inode *inode, struct file *file)
{
	struct lt_open *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return -ENOMEM;
	o->id = ++opens;
	file->private_data = o;
	return 0;
}

static int lt_release(struct inode *inode, struct file *file)
{
	struct lt_open *o = file->private_data;

	pr_info("lendtest: open %d read %d times\n", o->id, o->reads);
	kfree(o);
	return 0;
}

/* One line per read(): *ppos counts lines. */
static ssize_t lt_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct lt_open *o = file->private_data;
	const char *l;
	size_t n;

	o->reads++;
	if (*ppos < 0 || *ppos >= ARRAY_SIZE(lines))
		return 0;
	l = lines[*ppos];
	n = strlen(l);
	if (n > count)
		return -EINVAL;
	if (copy_to_user(buf, l, n))
		return -EFAULT;
	*ppos += 1;
	return n;
}

static const struct file_operations lt_fops = {
	.owner = THIS_MODULE,
	.open = lt_open,
	.release = lt_release,
	.read = lt_read,
};

static struct miscdevice lt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "lendtest",
	.fops = &lt_fops,
};

/* The seq_file walks 0..4 and skips odd positions itself. */
static void *lt_start(struct seq_file *m, loff_t *pos)
{
	if (*pos & 1)
		*pos += 1;
	return *pos < 5 ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void *lt_next(struct seq_file *m, void *v, loff_t *pos)
{
	*pos += 2;
	return *pos < 5 ? (void *)(uintptr_t)(*pos + 1) : NULL;
}

static void lt_stop(struct seq_file *m, void *v)
{
}

static int lt_show(struct seq_file *m, void *v)
{
	seq_printf(m, "item %lu\n", (unsigned long)(uintptr_t)v - 1);
	return 0;
}

static const struct seq_operations lt_seq_ops = {
	.start = lt_start,
	.next = lt_next,
	.stop = lt_stop,
	.show = lt_show,
};

static ssize_t value_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	int n = 0, v = value;
	char digits[12];
	int d = 0;

	buf[n++] = 'v';
	buf[n++] = '=';
	do {
		digits[d++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (d)
		buf[n++] = digits[--d];
	buf[n++] = '\n';
	return n;
}

static ssize_t value_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t count)
{
	int v = 0;
	size_t i;

	for (i = 0; i < count && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (buf[i] - '0');
	if (!i)
		return -EINVAL;
	value = v;
	return count;
}

static struct kobj_attribute value_attr = __ATTR(value, 0644, value_show, value_store);
static struct kobject *lt_kobj;
static struct proc_dir_entry *lt_proc;

static int __init lendtest_init(void)
{
	int err;

	lt_kobj = kobject_create_and_add("lendtest", kernel_kobj);
	if (!lt_kobj)
		return -ENOMEM;
	err = sysfs_create_file(lt_kobj, &value_attr.attr);
	if (err)
		goto put;
	lt_proc = proc_create_seq("lendtest", 0444, NULL, &lt_seq_ops);
	if (!lt_proc) {
		err = -ENOMEM;
		goto put;
	}
	err = misc_register(&lt_misc);
	if (err)
		goto proc;
	pr_info("lendtest: loaded\n");
	return 0;
proc:
	proc_remove(lt_proc);
put:
	kobject_put(lt_kobj);
	return err;
}

static void __exit lendtest_exit(void)
{
	misc_deregister(&lt_misc);
	proc_remove(lt_proc);
	kobject_put(lt_kobj);
	pr_info("lendtest: unloaded, %d opens, value %d\n", opens, value);
}

module_init(lendtest_init);
module_exit(lendtest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: callbacks that write what the kernel lends them");
