// SPDX-License-Identifier: GPL-2.0
/*
 * kvars: module globals the kernel reads and writes on its own, outside
 * any call of the module: a debugfs u32 and bool (a shell's echo writes
 * them, cat reads them), a sysctl int under proc_dointvec_minmax, and a
 * /proc file whose show prints all three and whose write changes all
 * three from the module's side.
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/sysctl.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static struct dentry *dir;
static struct ctl_table_header *sysctl_hdr;
static u32 count;
static bool enabled = true;
static int limit = 10;
static int limit_min, limit_max = 100;

static struct ctl_table kvars_table[] = {
	{
		.procname = "limit",
		.data = &limit,
		.maxlen = sizeof(int),
		.mode = 0644,
		.proc_handler = proc_dointvec_minmax,
		.extra1 = &limit_min,
		.extra2 = &limit_max,
	},
	{ }
};

static int kvars_show(struct seq_file *m, void *v)
{
	seq_printf(m, "count %u enabled %d limit %d\n", count, enabled, limit);
	return 0;
}

static int kvars_open(struct inode *inode, struct file *file)
{
	return single_open(file, kvars_show, NULL);
}

/* Any write: one more count, the flag flipped, the limit halved. */
static ssize_t kvars_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)
{
	count++;
	enabled = !enabled;
	limit /= 2;
	return len;
}

static const struct proc_ops kvars_ops = {
	.proc_open = kvars_open,
	.proc_read = seq_read,
	.proc_write = kvars_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init kvars_init(void)
{
	dir = debugfs_create_dir("kvars", NULL);
	debugfs_create_u32("count", 0644, dir, &count);
	debugfs_create_bool("enabled", 0644, dir, &enabled);
	sysctl_hdr = register_sysctl("dev/kvars", kvars_table);
	if (!sysctl_hdr) {
		debugfs_remove_recursive(dir);
		return -ENOMEM;
	}
	if (!proc_create("kvars", 0644, NULL, &kvars_ops)) {
		unregister_sysctl_table(sysctl_hdr);
		debugfs_remove_recursive(dir);
		return -ENOMEM;
	}
	count = 1;	/* after the file exists: a reader sees 1 */
	return 0;
}

static void __exit kvars_exit(void)
{
	remove_proc_entry("kvars", NULL);
	unregister_sysctl_table(sysctl_hdr);
	debugfs_remove_recursive(dir);
	pr_info("kvars: exit: count %u enabled %d limit %d\n", count, enabled, limit);
}

module_init(kvars_init);
module_exit(kvars_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("debugfs and sysctl values on the module's own globals");
