// SPDX-License-Identifier: GPL-2.0
/*
 * kseqfill: seq_files whose reads walk many records, as a hash table's do
 * (xt_hashlimit's /proc/net/ipt_hashlimit/NAME): one ->next and one ->show
 * per bucket, empty or not.
 *   kseqfill_hash    proc_create() with the module's proc_ops (seq_open,
 *                    seq_read, seq_lseek, seq_release): 4096 buckets, a
 *                    few filled; two records wider than a page (the buffer
 *                    grows, twice for the widest), records whose show
 *                    prints and then says SEQ_SKIP;
 *   kseqfill_single  single_open() of a one-record show;
 *   kseqfill_data    proc_create_seq_data(): the kernel's proc_ops, the
 *                    table found through pde_data() as xt_hashlimit does.
 * The callbacks count what the kernel asked of them; module_exit prints
 * the counts, which the user build must reproduce exactly.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define KF_BUCKETS	4096
#define KF_DATA_BUCKETS	256
#define KF_ITEMS	24

struct kf_item {
	struct hlist_node node;
	unsigned int key;
	unsigned int width;	/* padding printed after the key */
};

struct kf_table {
	const char *name;
	unsigned int nbuckets;
	struct hlist_head *buckets;
};

static struct hlist_head kf_hash[KF_BUCKETS];
static struct hlist_head kf_small[KF_DATA_BUCKETS];
static struct kf_table kf_hash_tab = { "hash", KF_BUCKETS, kf_hash };
static struct kf_table kf_data_tab = { "data", KF_DATA_BUCKETS, kf_small };
static unsigned int kf_starts, kf_nexts, kf_stops, kf_shows, kf_skips;

static struct kf_table *kf_table_of(struct seq_file *m)
{
	/* kseqfill_data: the entry's data; kseqfill_hash: set at open */
	return m->private ? m->private : pde_data(file_inode(m->file));
}

static void *kf_start(struct seq_file *m, loff_t *pos)
{
	struct kf_table *t = kf_table_of(m);

	kf_starts++;
	if (*pos >= t->nbuckets)
		return NULL;
	return &t->buckets[*pos];
}

static void *kf_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct kf_table *t = kf_table_of(m);

	kf_nexts++;
	if (++*pos >= t->nbuckets)
		return NULL;
	return &t->buckets[*pos];
}

static void kf_stop(struct seq_file *m, void *v)
{
	kf_stops++;
}

static int kf_show(struct seq_file *m, void *v)
{
	struct kf_table *t = kf_table_of(m);
	struct hlist_head *b = v;
	struct kf_item *it;
	int skip = 0;

	kf_shows++;
	hlist_for_each_entry(it, b, node) {
		seq_printf(m, "%s bucket %ld key %u%*s.\n", t->name, (long)(b - t->buckets),
			   it->key, it->width, "");
		if (it->key % 5 == 0)
			skip = 1;	/* printed, then dropped */
	}
	if (skip)
		kf_skips++;
	return skip ? SEQ_SKIP : 0;
}

static const struct seq_operations kf_seq_ops = {
	.start = kf_start,
	.next  = kf_next,
	.stop  = kf_stop,
	.show  = kf_show,
};

static int kf_hash_open(struct inode *inode, struct file *file)
{
	int err = seq_open(file, &kf_seq_ops);

	if (!err)
		((struct seq_file *)file->private_data)->private = &kf_hash_tab;
	return err;
}

static const struct proc_ops kf_hash_ops = {
	.proc_open    = kf_hash_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = seq_release,
};

static int kf_single_show(struct seq_file *m, void *v)
{
	seq_printf(m, "single: %u items, %u shows so far\n", KF_ITEMS, kf_shows);
	return 0;
}

static int kf_single_open(struct inode *inode, struct file *file)
{
	return single_open(file, kf_single_show, NULL);
}

static const struct proc_ops kf_single_ops = {
	.proc_open    = kf_single_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int kf_add(struct kf_table *t, unsigned int key, unsigned int width)
{
	struct kf_item *it = kzalloc(sizeof(*it), GFP_KERNEL);

	if (!it)
		return -ENOMEM;
	it->key = key;
	it->width = width;
	hlist_add_head(&it->node, &t->buckets[key % t->nbuckets]);
	return 0;
}

static void kf_free(struct kf_table *t)
{
	struct hlist_node *n;
	struct kf_item *it;
	unsigned int i;

	for (i = 0; i < t->nbuckets; i++)
		hlist_for_each_entry_safe(it, n, &t->buckets[i], node) {
			hlist_del(&it->node);
			kfree(it);
		}
}

static int __init kf_init(void)
{
	unsigned int i;
	int err = 0;

	for (i = 0; !err && i < KF_ITEMS; i++)	/* two keys share bucket 1000 */
		err = kf_add(&kf_hash_tab, i < KF_ITEMS - 1 ? 7 + 331 * i : 1000 + KF_BUCKETS,
			     i == 3 ? 6000 : i == 17 ? 9000 : i % 4);
	for (i = 0; !err && i < 8; i++)
		err = kf_add(&kf_data_tab, 3 + 37 * i, 0);
	if (err)
		goto out;
	err = -ENOMEM;
	if (!proc_create("kseqfill_hash", 0444, NULL, &kf_hash_ops))
		goto out;
	if (!proc_create("kseqfill_single", 0444, NULL, &kf_single_ops))
		goto err_hash;
	if (!proc_create_seq_data("kseqfill_data", 0444, NULL, &kf_seq_ops, &kf_data_tab))
		goto err_single;
	return 0;

err_single:
	remove_proc_entry("kseqfill_single", NULL);
err_hash:
	remove_proc_entry("kseqfill_hash", NULL);
out:
	kf_free(&kf_hash_tab);
	kf_free(&kf_data_tab);
	return err;
}

static void __exit kf_exit(void)
{
	remove_proc_entry("kseqfill_data", NULL);
	remove_proc_entry("kseqfill_single", NULL);
	remove_proc_entry("kseqfill_hash", NULL);
	kf_free(&kf_hash_tab);
	kf_free(&kf_data_tab);
	pr_info("exit: starts %u nexts %u stops %u shows %u skips %u\n",
		kf_starts, kf_nexts, kf_stops, kf_shows, kf_skips);
}

module_init(kf_init);
module_exit(kf_exit);
MODULE_LICENSE("GPL");
