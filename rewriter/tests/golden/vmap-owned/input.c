// SPDX-License-Identifier: GPL-2.0
/* vmap() of a driver's own alloc_page() pages is the module's to write
 * through (DUSK_STUB_ALLOC), as vmalloc()'s memory is, until vunmap()
 * (DUSK_STUB_FREE): a write handler's simple_write_to_buffer() into the
 * mapping was refused before (thirteenth round of probes). */
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/gfp.h>

#define NPAGES 2

static struct page *pages[NPAGES];
static char *vaddr;

static ssize_t dev_write(struct file *f, const char __user *buf, size_t n, loff_t *pos)
{
	return simple_write_to_buffer(vaddr, NPAGES * PAGE_SIZE, pos, buf, n);
}

static const struct file_operations fops = {
	.write = dev_write,
};

static int __init vmap_init(void)
{
	int i;

	for (i = 0; i < NPAGES; i++) {
		pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!pages[i])
			return -ENOMEM;
	}
	vaddr = vmap(pages, NPAGES, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	vaddr[0] = 'x';
	return register_chrdev(0, "vmap-owned", &fops) < 0 ? -EIO : 0;
}

static void __exit vmap_exit(void)
{
	int i;

	vunmap(vaddr);
	for (i = 0; i < NPAGES; i++)
		__free_page(pages[i]);
}

module_init(vmap_init);
module_exit(vmap_exit);
MODULE_LICENSE("GPL");
