// SPDX-License-Identifier: GPL-2.0
/*
 * kmmap: a misc device whose mmap() maps the driver's buffer into the
 * process, the way many drivers share memory with user space: two pages
 * from kzalloc(), marked reserved, remap_pfn_range()d; each page starts
 * with its own text.  Exit unmarks and frees the buffer.
 */
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#define KMMAP_PAGES 2

static char *buf;

static int kmmap_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long size = vma->vm_end - vma->vm_start;

	if (vma->vm_pgoff || size > KMMAP_PAGES * PAGE_SIZE)
		return -EINVAL;
	return remap_pfn_range(vma, vma->vm_start, virt_to_phys(buf) >> PAGE_SHIFT, size,
			       vma->vm_page_prot);
}

static const struct file_operations kmmap_fops = {
	.owner = THIS_MODULE,
	.mmap = kmmap_mmap,
};

static struct miscdevice kmmap_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kmmap",
	.fops = &kmmap_fops,
};

static int __init kmmap_init(void)
{
	int i, err;

	buf = kzalloc(KMMAP_PAGES * PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < KMMAP_PAGES; i++) {
		SetPageReserved(virt_to_page(buf + i * PAGE_SIZE));
		snprintf(buf + i * PAGE_SIZE, 32, "kmmap page %d", i);
	}
	err = misc_register(&kmmap_dev);
	if (err) {
		kfree(buf);
		return err;
	}
	pr_info("kmmap: %d pages ready\n", KMMAP_PAGES);
	return 0;
}

static void __exit kmmap_exit(void)
{
	int i;

	misc_deregister(&kmmap_dev);
	for (i = 0; i < KMMAP_PAGES; i++)
		ClearPageReserved(virt_to_page(buf + i * PAGE_SIZE));
	kfree(buf);
	pr_info("kmmap: buffer freed\n");
}
module_init(kmmap_init);
module_exit(kmmap_exit);
MODULE_LICENSE("GPL");
