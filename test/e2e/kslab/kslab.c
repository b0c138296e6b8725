// SPDX-License-Identifier: GPL-2.0
/*
 * kslab — objects of the module's own slab cache, freed through RCU; half
 * of them allocated with kmem_cache_alloc_bulk().
 *
 *   insmod kslab.ko [count=8] [leak=0]
 *   cat /proc/kslab            "live N" and "freed N"
 *   echo drop > /proc/kslab    free every live object through call_rcu()
 *   echo add > /proc/kslab     allocate count objects more
 *
 * module_exit frees the live objects through call_rcu(), waits for the
 * callbacks with rcu_barrier() and destroys the cache, empty by then.
 * With leak=1 it forgets to free them (a bug: the cache is destroyed with
 * objects in it, which SLUB reports as a kernel BUG; only the user build
 * is run that way, where the kmod frees them first and the program
 * reports them).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define KSLAB_MAX	64	/* live objects at most */
#define KSLAB_CMD_LEN	8	/* "drop" or "add", and a newline */

static unsigned int count = 8;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "Objects allocated at load and by 'add' (default 8)");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "Destroy the cache with its objects still in it (a bug)");

struct kslab_obj {
	struct rcu_head rcu;
	unsigned int id;
	char payload[40];
};

static struct kmem_cache *kslab_cache;
static DEFINE_SPINLOCK(kslab_lock);	/* protects kslab_objs and kslab_live */
static struct kslab_obj *kslab_objs[KSLAB_MAX];
static void *kslab_bulk[KSLAB_MAX];	/* kmem_cache_alloc_bulk()'s array */
static unsigned int kslab_live;
static atomic_t kslab_freed = ATOMIC_INIT(0);
static struct proc_dir_entry *kslab_proc;

static void kslab_free_rcu(struct rcu_head *head)
{
	struct kslab_obj *o = container_of(head, struct kslab_obj, rcu);

	kmem_cache_free(kslab_cache, o);
	atomic_inc(&kslab_freed);
}

/* Keep @o as a live object; when full, free it. */
static int kslab_keep(struct kslab_obj *o)
{
	spin_lock(&kslab_lock);
	if (kslab_live == KSLAB_MAX) {
		spin_unlock(&kslab_lock);
		kmem_cache_free(kslab_cache, o);
		return -ENOSPC;
	}
	o->id = kslab_live;
	snprintf(o->payload, sizeof(o->payload), "object %u", o->id);
	kslab_objs[kslab_live++] = o;
	spin_unlock(&kslab_lock);
	return 0;
}

/*
 * Allocate @n objects more (as many as fit): half one by one, the other
 * half in bulk -- twice as many asked for, and half of those given back
 * at once with kmem_cache_free_bulk().
 */
static int kslab_add(unsigned int n)
{
	unsigned int half = n / 2, got, i;
	struct kslab_obj *o;
	int err = 0;

	for (i = half; i < n; i++) {
		o = kmem_cache_zalloc(kslab_cache, GFP_KERNEL);
		if (!o)
			return -ENOMEM;
		err = kslab_keep(o);
		if (err)
			return err;
	}
	if (!half)
		return 0;
	got = kmem_cache_alloc_bulk(kslab_cache, GFP_KERNEL, 2 * half, kslab_bulk);
	if (!got)
		return -ENOMEM;
	kmem_cache_free_bulk(kslab_cache, half, kslab_bulk + half);
	for (i = 0; i < half; i++) {
		memset(kslab_bulk[i], 0, sizeof(struct kslab_obj));
		if (kslab_keep(kslab_bulk[i]))
			err = -ENOSPC;
	}
	return err;
}

/* Free every live object through RCU. */
static void kslab_drop(void)
{
	unsigned int i;

	spin_lock(&kslab_lock);
	for (i = 0; i < kslab_live; i++) {
		call_rcu(&kslab_objs[i]->rcu, kslab_free_rcu);
		kslab_objs[i] = NULL;
	}
	kslab_live = 0;
	spin_unlock(&kslab_lock);
}

static int kslab_show(struct seq_file *m, void *v)
{
	unsigned int live;

	spin_lock(&kslab_lock);
	live = kslab_live;
	spin_unlock(&kslab_lock);
	seq_printf(m, "live %u\nfreed %d\n", live, atomic_read(&kslab_freed));
	return 0;
}

static int kslab_open(struct inode *inode, struct file *file)
{
	return single_open(file, kslab_show, NULL);
}

static ssize_t kslab_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	char buf[KSLAB_CMD_LEN + 1];
	int err = 0;

	if (len == 0 || len > KSLAB_CMD_LEN)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	if (!strcmp(buf, "drop"))
		kslab_drop();
	else if (!strcmp(buf, "add"))
		err = kslab_add(count);
	else
		err = -EINVAL;
	return err ? err : len;
}

static const struct proc_ops kslab_proc_ops = {
	.proc_open    = kslab_open,
	.proc_read    = seq_read,
	.proc_write   = kslab_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init kslab_init(void)
{
	int err;

	if (count > KSLAB_MAX)
		return -EINVAL;
	kslab_cache = kmem_cache_create("kslab", sizeof(struct kslab_obj), 0, 0, NULL);
	if (!kslab_cache)
		return -ENOMEM;
	err = kslab_add(count);
	if (err)
		goto err_drop;
	kslab_proc = proc_create("kslab", 0644, NULL, &kslab_proc_ops);
	if (!kslab_proc) {
		err = -ENOMEM;
		goto err_drop;
	}
	pr_info("loaded, %u objects\n", count);
	return 0;

err_drop:
	kslab_drop();
	rcu_barrier();
	kmem_cache_destroy(kslab_cache);
	return err;
}

static void __exit kslab_exit(void)
{
	proc_remove(kslab_proc);
	if (!leak)
		kslab_drop();
	/* every kslab_free_rcu() queued so far has run after this */
	rcu_barrier();
	pr_info("exit, freed %d\n", atomic_read(&kslab_freed));
	kmem_cache_destroy(kslab_cache);
}

module_init(kslab_init);
module_exit(kslab_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Objects of the module's own slab cache, freed through RCU");
