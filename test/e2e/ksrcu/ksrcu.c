// ksrcu: an SRCU-protected configuration a /proc write swaps, the old one
// freed by call_rcu() with the module's own callback or kfree_rcu(); a
// DEFINE_STATIC_SRCU() struct, which the module loader sets up.
#include <linux/module.h>
#include <linux/srcu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

struct cfg {
	int value;
	struct rcu_head rcu;
};
DEFINE_STATIC_SRCU(cfg_srcu);
static struct cfg __rcu *cur;
static DEFINE_MUTEX(cfg_mutex);
static atomic_t freed;

static void cfg_free(struct rcu_head *h)
{
	struct cfg *c = container_of(h, struct cfg, rcu);

	atomic_inc(&freed);
	kfree(c);
}

static int read_value(void)
{
	int idx, v;
	struct cfg *c;

	idx = srcu_read_lock(&cfg_srcu);
	c = srcu_dereference(cur, &cfg_srcu);
	v = c ? c->value : -1;
	srcu_read_unlock(&cfg_srcu, idx);
	return v;
}

static int set_value(int v, bool use_call_rcu)
{
	struct cfg *n = kzalloc(sizeof(*n), GFP_KERNEL), *old;

	if (!n)
		return -ENOMEM;
	n->value = v;
	mutex_lock(&cfg_mutex);
	old = rcu_dereference_protected(cur, lockdep_is_held(&cfg_mutex));
	rcu_assign_pointer(cur, n);
	mutex_unlock(&cfg_mutex);
	synchronize_srcu(&cfg_srcu);
	if (old) {
		if (use_call_rcu)
			call_rcu(&old->rcu, cfg_free);
		else
			kfree_rcu(old, rcu);
	}
	return 0;
}

static ssize_t p_read(struct file *f, char __user *ubuf, size_t len, loff_t *off)
{
	char b[32];
	int n = scnprintf(b, sizeof(b), "%d\n", read_value());

	return simple_read_from_buffer(ubuf, len, off, b, n);
}

static ssize_t p_write(struct file *f, const char __user *ubuf, size_t len, loff_t *off)
{
	int v, err = kstrtoint_from_user(ubuf, len, 10, &v);

	if (err)
		return err;
	err = set_value(v, v & 1);
	return err ? err : len;
}

static const struct proc_ops pops = { .proc_read = p_read, .proc_write = p_write };

static int __init ksrcu_init(void)
{
	set_value(10, false);
	set_value(11, true);
	set_value(12, true);
	rcu_barrier();
	pr_info("ksrcu: value %d freed %d\n", read_value(), atomic_read(&freed));
	proc_create("ksrcu", 0644, NULL, &pops);
	return 0;
}

static void __exit ksrcu_exit(void)
{
	struct cfg *c;

	remove_proc_entry("ksrcu", NULL);
	c = rcu_dereference_protected(cur, 1);
	RCU_INIT_POINTER(cur, NULL);
	synchronize_srcu(&cfg_srcu);
	if (c)
		call_rcu(&c->rcu, cfg_free);
	rcu_barrier();
	pr_info("ksrcu: exit freed %d\n", atomic_read(&freed));
}
module_init(ksrcu_init);
module_exit(ksrcu_exit);
MODULE_LICENSE("GPL");
