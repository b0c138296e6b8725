// SPDX-License-Identifier: GPL-2.0
/*
 * kmempool: a slab cache with a constructor, a mempool of its objects
 * (mempool_create_slab_pool) and one of kmalloc memory
 * (mempool_create_kmalloc_pool), elements written and given back,
 * kmem_cache_shrink.  Writing "hold" to /proc/kmempool keeps three
 * elements of each pool until exit (or until the program is killed).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mempool.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#define MAGIC 0xfeedbeef

struct obj {
	u32 magic;
	int id;
	char tag[24];
};

static struct kmem_cache *cache;
static mempool_t *pool, *kpool;
static atomic_t ctors = ATOMIC_INIT(0);
static int allocs, unconstructed;
static struct obj *held[3];
static void *kheld[3];

static void obj_ctor(void *p)
{
	struct obj *o = p;

	o->magic = MAGIC;
	o->id = -1;
	strscpy(o->tag, "fresh", sizeof(o->tag));
	atomic_inc(&ctors);
}

/* Take @n elements of each pool, write them, give them back. */
static void exercise(int n)
{
	struct obj *v[8];
	void *k[4];
	int i;

	for (i = 0; i < n && i < 8; i++) {
		v[i] = mempool_alloc(pool, GFP_KERNEL);
		if (!v[i])
			break;
		if (v[i]->magic != MAGIC)
			unconstructed++;
		v[i]->id = allocs++;
		snprintf(v[i]->tag, sizeof(v[i]->tag), "obj%d", v[i]->id);
	}
	while (i-- > 0) {
		v[i]->magic = MAGIC;	/* a constructed object goes back */
		mempool_free(v[i], pool);
	}
	for (i = 0; i < 4; i++) {
		k[i] = mempool_alloc(kpool, GFP_KERNEL);
		if (k[i])
			memset(k[i], 0x40 + i, 64);
	}
	for (i = 0; i < 4; i++)
		if (k[i])
			mempool_free(k[i], kpool);
}

static void hold(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		if (!held[i]) {
			held[i] = mempool_alloc(pool, GFP_KERNEL);
			if (held[i])
				held[i]->id = 100 + i;
		}
		if (!kheld[i]) {
			kheld[i] = mempool_alloc(kpool, GFP_KERNEL);
			if (kheld[i])
				memset(kheld[i], 0x55, 64);
		}
	}
	pr_info("holding %d and %d elements\n", !!held[0] + !!held[1] + !!held[2],
		!!kheld[0] + !!kheld[1] + !!kheld[2]);
}

static int show(struct seq_file *m, void *v)
{
	seq_printf(m, "allocs %d unconstructed %d constructed %d min_nr %d held id %d\n",
		   allocs, unconstructed, atomic_read(&ctors) > 0, pool->min_nr,
		   held[0] ? held[0]->id : -1);
	return 0;
}

static int op(struct inode *i, struct file *f)
{
	return single_open(f, show, NULL);
}

static ssize_t wr(struct file *f, const char __user *b, size_t len, loff_t *off)
{
	char cmd[8] = "";
	int n;

	if (len < sizeof(cmd) && !copy_from_user(cmd, b, len) && !strncmp(cmd, "hold", 4)) {
		hold();
		return len;
	}
	if (kstrtoint_from_user(b, len, 10, &n))
		return -EINVAL;
	exercise(n);
	pr_info("exercised %d: allocs %d unconstructed %d\n", n, allocs, unconstructed);
	return len;
}

static const struct proc_ops pops = {
	.proc_open = op,
	.proc_read = seq_read,
	.proc_write = wr,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init kmempool_init(void)
{
	cache = kmem_cache_create("kmempool_obj", sizeof(struct obj), 0, 0, obj_ctor);
	if (!cache)
		return -ENOMEM;
	pool = mempool_create_slab_pool(4, cache);
	kpool = mempool_create_kmalloc_pool(2, 64);
	if (!pool || !kpool) {
		mempool_destroy(pool);
		mempool_destroy(kpool);
		kmem_cache_destroy(cache);
		return -ENOMEM;
	}
	pr_info("pools made, object size %u, constructor ran: %d\n", kmem_cache_size(cache),
		atomic_read(&ctors) > 0);
	exercise(6);
	pr_info("after exercise: allocs %d unconstructed %d\n", allocs, unconstructed);
	kmem_cache_shrink(cache);
	if (!proc_create("kmempool", 0644, NULL, &pops)) {
		mempool_destroy(kpool);
		mempool_destroy(pool);
		kmem_cache_destroy(cache);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kmempool_exit(void)
{
	int i;

	remove_proc_entry("kmempool", NULL);
	for (i = 0; i < 3; i++) {
		if (held[i])
			mempool_free(held[i], pool);
		if (kheld[i])
			mempool_free(kheld[i], kpool);
	}
	mempool_destroy(kpool);
	mempool_destroy(pool);
	kmem_cache_destroy(cache);
	pr_info("exit: allocs %d unconstructed %d\n", allocs, unconstructed);
}

module_init(kmempool_init);
module_exit(kmempool_exit);
MODULE_LICENSE("GPL");
