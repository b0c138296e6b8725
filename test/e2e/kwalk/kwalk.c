// kwalk: a kernel walk calling the module back in atomic context while
// the module's own call waits: gen_pool_for_each_chunk() calls its
// function under rcu_read_lock(), and the function counts the chunks into
// the caller's frame.  The user build runs such a callback before the
// walk's call returns (dusk-kmod/core/voidlate.c, scopes).
#include <linux/module.h>
#include <linux/genalloc.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

static struct gen_pool *pool;
static void *backing;
static unsigned long block;
static struct proc_dir_entry *pde;

struct tally {
	int chunks;
	size_t avail;
};

static void chunk_fn(struct gen_pool *p, struct gen_pool_chunk *c, void *data)
{
	struct tally *t = data;

	t->chunks++;
	t->avail += atomic_long_read(&c->avail);
	pr_info("kwalk: chunk of %lu bytes, %ld free\n", c->end_addr - c->start_addr + 1,
		atomic_long_read(&c->avail));
}

/* Walk the pool; the tally is on this frame. */
static void walk(const char *when)
{
	struct tally t = { 0, 0 };

	gen_pool_for_each_chunk(pool, chunk_fn, &t);
	pr_info("kwalk: %s: %d chunks, %zu bytes free\n", when, t.chunks, t.avail);
}

static int show(struct seq_file *m, void *v)
{
	struct tally t = { 0, 0 };

	gen_pool_for_each_chunk(pool, chunk_fn, &t);
	seq_printf(m, "chunks %d free %zu\n", t.chunks, t.avail);
	return 0;
}

static ssize_t write(struct file *f, const char __user *u, size_t n, loff_t *o)
{
	if (!block)
		block = gen_pool_alloc(pool, 256);
	walk("after an allocation");
	return n;
}

static int open(struct inode *i, struct file *f) { return single_open(f, show, NULL); }

static const struct proc_ops ops = {
	.proc_open = open, .proc_read = seq_read, .proc_lseek = seq_lseek,
	.proc_release = single_release, .proc_write = write,
};

static int __init kwalk_init(void)
{
	int err = -ENOMEM;

	backing = kzalloc(2048, GFP_KERNEL);
	pool = gen_pool_create(5, -1);
	if (!backing || !pool)
		goto out;
	err = gen_pool_add(pool, (unsigned long)backing, 1024, -1);
	if (!err)
		err = gen_pool_add(pool, (unsigned long)backing + 1024, 1024, -1);
	if (err)
		goto out;
	walk("at load");
	pde = proc_create("kwalk", 0644, NULL, &ops);
	if (pde)
		return 0;
	err = -ENOMEM;
out:
	if (pool)
		gen_pool_destroy(pool);
	kfree(backing);
	return err;
}

static void __exit kwalk_exit(void)
{
	proc_remove(pde);
	if (block)
		gen_pool_free(pool, block, 256);
	walk("at exit");
	gen_pool_destroy(pool);
	kfree(backing);
}

module_init(kwalk_init);
module_exit(kwalk_exit);
MODULE_LICENSE("GPL");
