// SPDX-License-Identifier: GPL-2.0
/* vmalloc_user() memory is the module's own (DUSK_STUB_ALLOC), as
 * vmalloc()'s: a driver fills it and maps it with remap_vmalloc_range();
 * a notifier callback's proxy answers through dusk_notifier_answer(). */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/notifier.h>
#include <linux/reboot.h>
#include <linux/string.h>

static char *buf;

static int dev_mmap(struct file *f, struct vm_area_struct *vma)
{
	return remap_vmalloc_range(vma, buf, vma->vm_pgoff);
}

static const struct file_operations fops = {
	.owner = THIS_MODULE,
	.mmap = dev_mmap,
};

static int reboot_cb(struct notifier_block *nb, unsigned long code, void *data)
{
	return NOTIFY_DONE;
}

static struct notifier_block nb = { .notifier_call = reboot_cb };

static int __init vn_init(void)
{
	buf = vmalloc_user(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	strcpy(buf, "hello");
	register_reboot_notifier(&nb);
	return register_chrdev(0, "vn", &fops) < 0 ? -EBUSY : 0;
}

static void __exit vn_exit(void)
{
	unregister_reboot_notifier(&nb);
	vfree(buf);
}

module_init(vn_init);
module_exit(vn_exit);
MODULE_LICENSE("GPL");
