// SPDX-License-Identifier: GPL-2.0
/*
 * What a callback answers, as the kernel gets it.  A string the kernel
 * reads (pinctrl's get_group_name()) is its mirror's address.  An untyped
 * `void *` (seq_operations' start and next) is a cookie the kernel only
 * hands back to the module: it goes back as the program's address, not
 * committed -- committing it translated the whole 32 KiB table around the
 * bucket once per next(), and a walk of 4096 buckets took minutes.
 */
#include <linux/module.h>
#include <linux/pinctrl/pinctrl.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define CA_BUCKETS 4096

static struct hlist_head ca_hash[CA_BUCKETS];

static void *ca_start(struct seq_file *m, loff_t *pos)
{
	return *pos < CA_BUCKETS ? &ca_hash[*pos] : NULL;
}

static void *ca_next(struct seq_file *m, void *v, loff_t *pos)
{
	return ++*pos < CA_BUCKETS ? &ca_hash[*pos] : NULL;
}

static void ca_stop(struct seq_file *m, void *v)
{
}

static int ca_show(struct seq_file *m, void *v)
{
	if (!hlist_empty(v))
		seq_printf(m, "bucket %ld\n", (long)((struct hlist_head *)v - ca_hash));
	return 0;
}

static const struct seq_operations ca_seq_ops = {
	.start = ca_start,
	.next = ca_next,
	.stop = ca_stop,
	.show = ca_show,
};

static const char *const ca_groups[] = { "ca_group0", "ca_group1" };

static int ca_groups_count(struct pinctrl_dev *pctldev)
{
	return ARRAY_SIZE(ca_groups);
}

static const char *ca_group_name(struct pinctrl_dev *pctldev, unsigned int selector)
{
	return ca_groups[selector];
}

static const struct pinctrl_ops ca_pctl_ops = {
	.get_groups_count = ca_groups_count,
	.get_group_name = ca_group_name,
};

static struct pinctrl_desc ca_desc = {
	.name = "ca",
	.pctlops = &ca_pctl_ops,
	.owner = THIS_MODULE,
};

static int __init ca_init(void)
{
	if (!proc_create_seq("callback_answers", 0444, NULL, &ca_seq_ops))
		return -ENOMEM;
	pr_info("ca: %s\n", ca_desc.name);
	return 0;
}

static void __exit ca_exit(void)
{
	remove_proc_entry("callback_answers", NULL);
}

module_init(ca_init);
module_exit(ca_exit);
MODULE_LICENSE("GPL");
