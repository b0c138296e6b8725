// SPDX-License-Identifier: GPL-2.0
/*
 * kskbq: packets the module allocates, kept on its own queue and freed by
 * kernel functions that free many at once: skb_queue_purge() of the queue
 * (on "purge" written to /proc/kskbq, and at exit) and kfree_skb_list()
 * of a chain built at init.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define QUEUED 5
#define CHAINED 3

static struct sk_buff_head q;

static int kskbq_fill(void)
{
	int i;

	for (i = 0; i < QUEUED; i++) {
		struct sk_buff *skb = alloc_skb(128, GFP_KERNEL);

		if (!skb)
			return -ENOMEM;
		skb_put_data(skb, "kskbq", 5);
		skb_queue_tail(&q, skb);
	}
	return 0;
}

/* A chain of CHAINED packets freed by one kfree_skb_list(). */
static int kskbq_chain(void)
{
	struct sk_buff *head = NULL, *skb;
	int i;

	for (i = 0; i < CHAINED; i++) {
		skb = alloc_skb(64, GFP_KERNEL);
		if (!skb) {
			kfree_skb_list(head);
			return -ENOMEM;
		}
		skb->next = head;
		head = skb;
	}
	kfree_skb_list(head);
	return 0;
}

static int kskbq_show(struct seq_file *m, void *v)
{
	seq_printf(m, "queued %u\n", skb_queue_len(&q));
	return 0;
}

static int kskbq_open(struct inode *inode, struct file *file)
{
	return single_open(file, kskbq_show, NULL);
}

static ssize_t kskbq_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	char cmd[16] = "";
	int err;

	if (copy_from_user(cmd, buf, min(len, sizeof(cmd) - 1)))
		return -EFAULT;
	if (!strncmp(cmd, "purge", 5)) {
		skb_queue_purge(&q);
		pr_info("kskbq: purged\n");
	} else if (!strncmp(cmd, "fill", 4)) {
		err = kskbq_fill();
		if (err)
			return err;
	} else {
		return -EINVAL;
	}
	return len;
}

static const struct proc_ops kskbq_ops = {
	.proc_open = kskbq_open,
	.proc_read = seq_read,
	.proc_write = kskbq_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init kskbq_init(void)
{
	int err;

	skb_queue_head_init(&q);
	err = kskbq_chain();
	if (!err)
		err = kskbq_fill();
	if (err) {
		skb_queue_purge(&q);
		return err;
	}
	if (!proc_create("kskbq", 0644, NULL, &kskbq_ops)) {
		skb_queue_purge(&q);
		return -ENOMEM;
	}
	pr_info("kskbq: %u queued, a chain of %d freed\n", skb_queue_len(&q), CHAINED);
	return 0;
}

static void __exit kskbq_exit(void)
{
	remove_proc_entry("kskbq", NULL);
	pr_info("kskbq: exit with %u queued\n", skb_queue_len(&q));
	skb_queue_purge(&q);
}

module_init(kskbq_init);
module_exit(kskbq_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("packets freed by skb_queue_purge() and kfree_skb_list() (DUSK test)");
