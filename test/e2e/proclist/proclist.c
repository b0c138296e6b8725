// SPDX-License-Identifier: GPL-2.0
/*
 * proclist — a list of names kept by the module, edited through /proc.
 *
 *   echo "add NAME" > /proc/proclist     append NAME with the next id
 *   echo "del NAME" > /proc/proclist     remove the first entry named NAME
 *                                        (-ENOENT when there is none)
 *   echo clear > /proc/proclist          remove every entry
 *   cat /proc/proclist                   one "ID NAME" line per entry
 *   cat /proc/proclist_stats             "count N", "sum S" (of the ids),
 *                                        "empty yes|no"
 *
 * Entries are kzalloc'd and kept on the module's own list head, under one
 * mutex.  Reading /proc/proclist walks the list with seq_list_start() and
 * seq_list_next(); the commands and the statistics walk it with
 * list_for_each_entry().  The entries left at unload are freed and counted
 * in the log ("proclist: freed N entries").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define PROCLIST_NAME_LEN	32
/* "add " or "del ", a name, a newline. */
#define PROCLIST_CMD_LEN	(4 + PROCLIST_NAME_LEN + 1)

struct item {
	struct list_head list;
	int id;
	char name[PROCLIST_NAME_LEN];
};

/* The entries, in the order they were added, and the next id to give. */
static LIST_HEAD(entries);
static DEFINE_MUTEX(lock);
static int next_id = 1;

static struct proc_dir_entry *proclist_proc;
static struct proc_dir_entry *proclist_stats_proc;

/* Append a new entry called @name. */
static int proclist_add(const char *name)
{
	struct item *it;

	if (!*name)
		return -EINVAL;
	it = kzalloc(sizeof(*it), GFP_KERNEL);
	if (!it)
		return -ENOMEM;
	if (strscpy(it->name, name, sizeof(it->name)) < 0) {
		kfree(it);
		return -EINVAL;
	}

	mutex_lock(&lock);
	it->id = next_id++;
	list_add_tail(&it->list, &entries);
	mutex_unlock(&lock);
	return 0;
}

/* Remove the first entry called @name. */
static int proclist_del(const char *name)
{
	struct item *it;
	int err = -ENOENT;

	mutex_lock(&lock);
	list_for_each_entry(it, &entries, list) {
		if (!strcmp(it->name, name)) {
			list_del(&it->list);
			kfree(it);
			err = 0;
			break;
		}
	}
	mutex_unlock(&lock);
	return err;
}

/* Free every entry; the caller holds the lock or is the only user left. */
static unsigned int proclist_free_all(void)
{
	struct item *it, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(it, tmp, &entries, list) {
		list_del(&it->list);
		kfree(it);
		n++;
	}
	return n;
}

static void *proclist_seq_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&lock);
	return seq_list_start(&entries, *pos);
}

static void *proclist_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	return seq_list_next(v, &entries, pos);
}

static void proclist_seq_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&lock);
}

static int proclist_seq_show(struct seq_file *m, void *v)
{
	const struct item *it = list_entry(v, struct item, list);

	seq_printf(m, "%d %s\n", it->id, it->name);
	return 0;
}

static const struct seq_operations proclist_seq_ops = {
	.start = proclist_seq_start,
	.next  = proclist_seq_next,
	.stop  = proclist_seq_stop,
	.show  = proclist_seq_show,
};

static int proclist_open(struct inode *inode, struct file *file)
{
	return seq_open(file, &proclist_seq_ops);
}

static ssize_t proclist_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char buf[PROCLIST_CMD_LEN + 1];
	int err;

	if (count == 0 || count > PROCLIST_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (buf[count - 1] == '\n')
		buf[count - 1] = '\0';

	if (!strncmp(buf, "add ", 4)) {
		err = proclist_add(buf + 4);
	} else if (!strncmp(buf, "del ", 4)) {
		err = proclist_del(buf + 4);
	} else if (!strcmp(buf, "clear")) {
		mutex_lock(&lock);
		proclist_free_all();
		mutex_unlock(&lock);
		err = 0;
	} else {
		err = -EINVAL;
	}
	return err ? err : count;
}

static const struct proc_ops proclist_proc_ops = {
	.proc_open    = proclist_open,
	.proc_read    = seq_read,
	.proc_write   = proclist_write,
	.proc_lseek   = seq_lseek,
	.proc_release = seq_release,
};

static int proclist_stats_show(struct seq_file *m, void *v)
{
	const struct item *it;
	unsigned int count = 0;
	long sum = 0;

	mutex_lock(&lock);
	list_for_each_entry(it, &entries, list) {
		count++;
		sum += it->id;
	}
	seq_printf(m, "count %u\nsum %ld\nempty %s\n", count, sum,
		   list_empty(&entries) ? "yes" : "no");
	mutex_unlock(&lock);
	return 0;
}

static int proclist_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, proclist_stats_show, NULL);
}

static const struct proc_ops proclist_stats_proc_ops = {
	.proc_open    = proclist_stats_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init proclist_init(void)
{
	proclist_proc = proc_create("proclist", 0644, NULL, &proclist_proc_ops);
	if (!proclist_proc) {
		pr_err("cannot create /proc/proclist\n");
		return -ENOMEM;
	}
	proclist_stats_proc = proc_create("proclist_stats", 0444, NULL,
					  &proclist_stats_proc_ops);
	if (!proclist_stats_proc) {
		pr_err("cannot create /proc/proclist_stats\n");
		remove_proc_entry("proclist", NULL);
		return -ENOMEM;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit proclist_exit(void)
{
	unsigned int n;

	remove_proc_entry("proclist_stats", NULL);
	remove_proc_entry("proclist", NULL);
	/* No file is open any more: nobody else can reach the list. */
	n = proclist_free_all();
	pr_info("freed %u entries\n", n);
}

module_init(proclist_init);
module_exit(proclist_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A list of names kept by the module, edited through /proc");
