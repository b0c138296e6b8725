// SPDX-License-Identifier: GPL-2.0
/*
 * stacklist — lists whose head lives on the stack and whose entries are
 * kmalloc'd, the way a module sorts or batches things in one function.
 *
 *   at load:  five entries on a LIST_HEAD() local, sorted with list_sort(),
 *             walked, the middle ones deleted and moved, then spliced onto
 *             the module's global list ("stacklist: init ..." lines)
 *   cat /proc/stacklist   builds a fresh stack list of the global entries'
 *                         values (ascending) in the read callback, walks it
 *                         backwards and frees it: one line per value
 *   echo N > /proc/stacklist   adds an entry of value N to the global list
 *                              through a stack list and list_splice_tail()
 *   at unload: the global entries are freed and counted
 *
 * Each list_add()/list_del() goes through the kernel's CONFIG_DEBUG_LIST
 * checks (__list_add_valid(), __list_del_entry_valid()): the entries
 * point at the stack head, the head at the entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/list_sort.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

struct ent {
	struct list_head node;
	int val;
};

static LIST_HEAD(kept);
static DEFINE_MUTEX(lock);
static struct proc_dir_entry *proc;

static int ent_cmp(void *priv, const struct list_head *a, const struct list_head *b)
{
	const struct ent *x = list_entry(a, struct ent, node);
	const struct ent *y = list_entry(b, struct ent, node);

	return x->val - y->val;
}

static struct ent *ent_new(int val)
{
	struct ent *e = kmalloc(sizeof(*e), GFP_KERNEL);

	if (e)
		e->val = val;
	return e;
}

static void free_all(struct list_head *head)
{
	struct ent *e, *n;

	list_for_each_entry_safe(e, n, head, node) {
		list_del(&e->node);
		kfree(e);
	}
}

/* The values of @head in order, as one log line. */
static void log_list(const char *what, struct list_head *head)
{
	char buf[128];
	struct ent *e;
	int len = 0;

	buf[0] = '\0';
	list_for_each_entry(e, head, node)
		len += scnprintf(buf + len, sizeof(buf) - len, " %d", e->val);
	pr_info("%s:%s\n", what, buf);
}

static int __init stacklist_init(void)
{
	static const int vals[] = { 42, 7, 19, 3, 25 };
	LIST_HEAD(tmp);
	LIST_HEAD(odd);
	struct ent *e, *n;
	int i;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		e = ent_new(vals[i]);
		if (!e) {
			free_all(&tmp);
			return -ENOMEM;
		}
		if (i % 2)
			list_add(&e->node, &tmp);
		else
			list_add_tail(&e->node, &tmp);
	}
	log_list("init built", &tmp);
	list_sort(NULL, &tmp, ent_cmp);
	log_list("init sorted", &tmp);
	pr_info("init first %d last %d singular %d\n",
		list_first_entry(&tmp, struct ent, node)->val,
		list_last_entry(&tmp, struct ent, node)->val, list_is_singular(&tmp));

	/* odd values to their own stack list, the rest stays */
	list_for_each_entry_safe(e, n, &tmp, node)
		if (e->val % 2)
			list_move_tail(&e->node, &odd);
	log_list("init odd", &odd);
	log_list("init even", &tmp);

	/* the smallest odd one goes; the others join the global list */
	e = list_first_entry(&odd, struct ent, node);
	list_del(&e->node);
	kfree(e);
	list_splice_tail_init(&odd, &kept);
	list_splice_init(&tmp, &kept);
	pr_info("init tmp empty %d odd empty %d\n", list_empty(&tmp), list_empty(&odd));
	log_list("init kept", &kept);
	return 0;
}

static int stacklist_show(struct seq_file *m, void *v)
{
	LIST_HEAD(sorted);
	struct ent *e, *c;

	mutex_lock(&lock);
	list_for_each_entry(e, &kept, node) {
		c = ent_new(e->val);
		if (!c)
			break;
		list_add(&c->node, &sorted);
	}
	mutex_unlock(&lock);
	list_sort(NULL, &sorted, ent_cmp);
	list_for_each_entry_reverse(e, &sorted, node)
		seq_printf(m, "%d\n", e->val);
	free_all(&sorted);
	seq_printf(m, "sorted empty %d\n", list_empty(&sorted));
	return 0;
}

static int stacklist_open(struct inode *inode, struct file *file)
{
	return single_open(file, stacklist_show, NULL);
}

static ssize_t stacklist_write(struct file *file, const char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	LIST_HEAD(batch);
	struct ent *e;
	int val, err;

	err = kstrtoint_from_user(ubuf, len, 10, &val);
	if (err)
		return err;
	e = ent_new(val);
	if (!e)
		return -ENOMEM;
	list_add(&e->node, &batch);
	mutex_lock(&lock);
	list_splice_tail(&batch, &kept);
	mutex_unlock(&lock);
	return len;
}

static const struct proc_ops stacklist_ops = {
	.proc_open = stacklist_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = stacklist_write,
};

static int __init stacklist_init_all(void)
{
	int err = stacklist_init();

	if (err)
		return err;
	proc = proc_create("stacklist", 0644, NULL, &stacklist_ops);
	if (!proc) {
		free_all(&kept);
		return -ENOMEM;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit stacklist_exit(void)
{
	struct ent *e;
	int n = 0;

	proc_remove(proc);
	list_for_each_entry(e, &kept, node)
		n++;
	free_all(&kept);
	pr_info("freed %d entries\n", n);
}

module_init(stacklist_init_all);
module_exit(stacklist_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Lists on a stack head with kmalloc'd entries");
