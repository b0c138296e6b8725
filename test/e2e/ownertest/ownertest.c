// SPDX-License-Identifier: GPL-2.0
/*
 * ownertest: one object, one owner (test/e2e/ownertest/test.sh drives it).
 * Each line of /proc/ownertest asks about an object through two kinds of
 * API that the user build could send to different places:
 *
 *  - a mutex: mutex_trylock() then mutex_is_locked();
 *  - a static key: static_branch_enable() (a kernel call) then
 *    static_branch_unlikely() and static_key_enabled();
 *  - a kfifo (kernel-allocated) filled from string literals with explicit lengths
 *    (kfifo_in(&f, "hello", 5)) and drained by kfifo_out();
 *  - a device class (class_create() hides a static lock_class_key, an
 *    empty struct without lockdep).
 *
 * Writing "fast" enables the key, "slow" disables it, "push" adds to the
 * fifo.
 */
#include <linux/device.h>
#include <linux/jump_label.h>
#include <linux/kfifo.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static DEFINE_MUTEX(ot_lock);
static DEFINE_STATIC_KEY_FALSE(ot_fast);
static struct kfifo ot_fifo;
static struct class *ot_class;
static struct proc_dir_entry *ot_proc;

static int ot_show(struct seq_file *m, void *v)
{
	char out[64];
	unsigned int n;
	int t1, l1, t2, l2;

	t1 = mutex_trylock(&ot_lock);
	l1 = mutex_is_locked(&ot_lock);
	t2 = mutex_trylock(&ot_lock);
	if (t1)
		mutex_unlock(&ot_lock);
	l2 = mutex_is_locked(&ot_lock);
	seq_printf(m, "mutex trylock %d locked %d again %d after unlock %d\n", t1, l1, t2, l2);
	seq_printf(m, "key branch %d enabled %d\n", static_branch_unlikely(&ot_fast) ? 1 : 0,
		   static_key_enabled(&ot_fast) ? 1 : 0);
	n = kfifo_out(&ot_fifo, out, sizeof(out) - 1);
	out[n] = 0;
	seq_printf(m, "fifo %u '%s' left %u\n", n, out, kfifo_len(&ot_fifo));
	seq_printf(m, "class %s\n", ot_class ? "yes" : "no");
	return 0;
}

static int ot_open(struct inode *inode, struct file *file)
{
	return single_open(file, ot_show, NULL);
}

static ssize_t ot_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
{
	char cmd[16];
	size_t n = min(count, sizeof(cmd) - 1);

	if (copy_from_user(cmd, buf, n))
		return -EFAULT;
	cmd[n] = 0;
	strim(cmd);
	if (!strcmp(cmd, "fast"))
		static_branch_enable(&ot_fast);
	else if (!strcmp(cmd, "slow"))
		static_branch_disable(&ot_fast);
	else if (!strcmp(cmd, "push"))
		kfifo_in(&ot_fifo, "hello", 5);
	else
		return -EINVAL;
	return count;
}

static const struct proc_ops ot_ops = {
	.proc_open = ot_open,
	.proc_read = seq_read,
	.proc_write = ot_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init ownertest_init(void)
{
	int err = kfifo_alloc(&ot_fifo, 64, GFP_KERNEL);

	if (err)
		return err;
	ot_class = class_create(THIS_MODULE, "ownertest");
	if (IS_ERR(ot_class)) {
		kfifo_free(&ot_fifo);
		return PTR_ERR(ot_class);
	}
	kfifo_in(&ot_fifo, "ab", 2);
	kfifo_in(&ot_fifo, "cdef", 3);
	ot_proc = proc_create("ownertest", 0644, NULL, &ot_ops);
	if (!ot_proc) {
		class_destroy(ot_class);
		kfifo_free(&ot_fifo);
		return -ENOMEM;
	}
	pr_info("ownertest: loaded, fifo %u\n", kfifo_len(&ot_fifo));
	return 0;
}

static void __exit ownertest_exit(void)
{
	proc_remove(ot_proc);
	class_destroy(ot_class);
	kfifo_free(&ot_fifo);
	pr_info("ownertest: unloaded, key %d\n", static_key_enabled(&ot_fast) ? 1 : 0);
}

module_init(ownertest_init);
module_exit(ownertest_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: one owner per object (locks, static keys, kfifo, class)");
