// SPDX-License-Identifier: GPL-2.0
/*
 * mfile: a module of two source files (Kbuild: mfile-y := mfile_main.o
 * mfile_stats.o).  This one owns /proc/mfile, whose writes are counted by
 * the other file's code in a structure that file defines; both files have
 * a static function of their own and log through pr_fmt's KBUILD_MODNAME.
 * Both also have a static counter and a static function of the same names
 * (calls, note()): Kbuild keeps each file's apart, and so must DUSK.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include "mfile.h"

static struct proc_dir_entry *mfile_entry;
static unsigned int calls;

static void note(const char *what)
{
	calls++;
	pr_info("%s: main's %s, call %u\n", __func__, what, calls);
}

static ssize_t mfile_write(struct file *file, const char __user *buf, size_t len,
			   loff_t *pos)
{
	mfile_count(len);
	note("write");
	return len;
}

static ssize_t mfile_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	char text[48];
	int n = scnprintf(text, sizeof(text), "writes %u bytes %u\n",
			  mfile_stats.writes, mfile_stats.bytes);

	return simple_read_from_buffer(buf, len, pos, text, n);
}

static const struct proc_ops mfile_ops = {
	.proc_read = mfile_read,
	.proc_write = mfile_write,
};

static int __init mfile_init(void)
{
	int err = mfile_stats_init();

	if (err)
		return err;
	mfile_entry = proc_create("mfile", 0666, NULL, &mfile_ops);
	if (!mfile_entry) {
		mfile_stats_exit();
		return -ENOMEM;
	}
	pr_info("ready\n");
	return 0;
}

static void __exit mfile_exit(void)
{
	proc_remove(mfile_entry);
	mfile_stats_exit();
}

module_init(mfile_init);
module_exit(mfile_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a module of two source files");
