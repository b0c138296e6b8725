// SPDX-License-Identifier: GPL-2.0
/*
 * kseq: what the seq_file calls allocate for the module's open files.
 * Four /proc files share one seq_operations whose callbacks write the
 * iterator state at seq->private:
 *   kseq_priv   open: __seq_open_private() (kernel kzallocs the state,
 *               xt_recent's recent_seq_open()), the open writes it;
 *               release: seq_release_private, called by the VFS;
 *   kseq_opriv  open: seq_open_private(), the state found at
 *               file->private_data's ->private; release: the module's own,
 *               which calls seq_release_private() itself;
 *   kseq_plain  open: seq_open(), then the module sets the new seq_file's
 *               ->private to a state of its own (kzalloc); release: the
 *               module's own, which frees it and calls seq_release();
 *   kseq_state  proc_create_seq_private(): the kernel opens it and
 *               allocates the state, the callbacks alone write it.
 * Every read shows what the state holds; the same in the kernel build and
 * the DUSK user build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#define KSEQ_ITEMS 3

struct kseq_iter {
	char name[16];
	unsigned int base;
	unsigned int starts;
	unsigned int nexts;
	loff_t pos;
};

static unsigned int kseq_opens;

static void *kseq_start(struct seq_file *m, loff_t *pos)
{
	struct kseq_iter *it = m->private;

	if (!it->name[0])
		strscpy(it->name, "state", sizeof(it->name));
	it->starts++;
	if (*pos >= KSEQ_ITEMS)
		return NULL;
	it->pos = *pos;
	return it;
}

static void *kseq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct kseq_iter *it = v;

	it->nexts++;
	it->pos = ++*pos;
	return *pos < KSEQ_ITEMS ? it : NULL;
}

static void kseq_stop(struct seq_file *m, void *v)
{
}

static int kseq_show(struct seq_file *m, void *v)
{
	struct kseq_iter *it = v;

	seq_printf(m, "%s item %lld base %u starts %u nexts %u\n", it->name, it->pos,
		   it->base, it->starts, it->nexts);
	return 0;
}

static const struct seq_operations kseq_ops = {
	.start = kseq_start,
	.next  = kseq_next,
	.stop  = kseq_stop,
	.show  = kseq_show,
};

static int kseq_priv_open(struct inode *inode, struct file *file)
{
	struct kseq_iter *it = __seq_open_private(file, &kseq_ops, sizeof(*it));

	if (!it)
		return -ENOMEM;
	strscpy(it->name, "priv", sizeof(it->name));
	it->base = 100 + kseq_opens++;
	return 0;
}

static const struct proc_ops kseq_priv_ops = {
	.proc_open    = kseq_priv_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = seq_release_private,
};

static int kseq_opriv_open(struct inode *inode, struct file *file)
{
	struct kseq_iter *it;
	int err = seq_open_private(file, &kseq_ops, sizeof(*it));

	if (err)
		return err;
	it = ((struct seq_file *)file->private_data)->private;
	strscpy(it->name, "opriv", sizeof(it->name));
	it->base = 200 + kseq_opens++;
	return 0;
}

static int kseq_opriv_release(struct inode *inode, struct file *file)
{
	struct kseq_iter *it = ((struct seq_file *)file->private_data)->private;

	pr_info("opriv release: starts %u nexts %u\n", it->starts, it->nexts);
	return seq_release_private(inode, file);
}

static const struct proc_ops kseq_opriv_ops = {
	.proc_open    = kseq_opriv_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = kseq_opriv_release,
};

static int kseq_plain_open(struct inode *inode, struct file *file)
{
	struct kseq_iter *it = kzalloc(sizeof(*it), GFP_KERNEL);
	int err;

	if (!it)
		return -ENOMEM;
	err = seq_open(file, &kseq_ops);
	if (err) {
		kfree(it);
		return err;
	}
	strscpy(it->name, "plain", sizeof(it->name));
	it->base = 300 + kseq_opens++;
	((struct seq_file *)file->private_data)->private = it;
	return 0;
}

static int kseq_plain_release(struct inode *inode, struct file *file)
{
	kfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct proc_ops kseq_plain_ops = {
	.proc_open    = kseq_plain_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = kseq_plain_release,
};

static int __init kseq_init(void)
{
	if (!proc_create("kseq_priv", 0444, NULL, &kseq_priv_ops))
		return -ENOMEM;
	if (!proc_create("kseq_opriv", 0444, NULL, &kseq_opriv_ops))
		goto err_priv;
	if (!proc_create("kseq_plain", 0444, NULL, &kseq_plain_ops))
		goto err_opriv;
	if (!proc_create_seq_private("kseq_state", 0444, NULL, &kseq_ops,
				     sizeof(struct kseq_iter), NULL))
		goto err_plain;
	return 0;

err_plain:
	remove_proc_entry("kseq_plain", NULL);
err_opriv:
	remove_proc_entry("kseq_opriv", NULL);
err_priv:
	remove_proc_entry("kseq_priv", NULL);
	return -ENOMEM;
}

static void __exit kseq_exit(void)
{
	remove_proc_entry("kseq_state", NULL);
	remove_proc_entry("kseq_plain", NULL);
	remove_proc_entry("kseq_opriv", NULL);
	remove_proc_entry("kseq_priv", NULL);
	pr_info("exit after %u opens\n", kseq_opens);
}

module_init(kseq_init);
module_exit(kseq_exit);
MODULE_LICENSE("GPL");
