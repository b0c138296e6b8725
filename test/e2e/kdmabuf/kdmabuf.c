// SPDX-License-Identifier: GPL-2.0
/*
 * kdmabuf: a dma-buf exporter, the way a small driver or a test exporter
 * writes one.  /dev/kdmabuf's ioctl KDMABUF_GET_FD allocates a 4-page
 * buffer with vmalloc_user(), writes a text at the start of each page,
 * exports it as a dma-buf whose priv (kmalloc()ed, on the module's list)
 * points at the buffer, and hands the process a descriptor of it.  The
 * dma-buf's mmap maps the buffer (remap_vmalloc_range()),
 * DMA_BUF_IOCTL_SYNC brackets CPU access (begin/end_cpu_access count in
 * priv, the end writes the count into the buffer) and the release frees
 * priv and the buffer.  Module exit frees what is left on the list -- in
 * the kernel build nothing: every dma-buf holds the module, so exit comes
 * after the last release.
 */
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define KDMABUF_PAGES 4
#define KDMABUF_GET_FD _IO('K', 1)

MODULE_IMPORT_NS(DMA_BUF);

struct kdmabuf {
	struct list_head node;
	void *vaddr;
	size_t size;
	int accesses;
	char name[16];
};

static LIST_HEAD(kdmabuf_list);
static DEFINE_MUTEX(kdmabuf_lock);
static int kdmabuf_made;

static struct sg_table *kdmabuf_map(struct dma_buf_attachment *at, enum dma_data_direction dir)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void kdmabuf_unmap(struct dma_buf_attachment *at, struct sg_table *sgt,
			  enum dma_data_direction dir)
{
}

static int kdmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	struct kdmabuf *k = buf->priv;

	pr_info("kdmabuf: mmap of %s, %lu pages\n", k->name, vma_pages(vma));
	return remap_vmalloc_range(vma, k->vaddr, vma->vm_pgoff);
}

static int kdmabuf_begin(struct dma_buf *buf, enum dma_data_direction dir)
{
	struct kdmabuf *k = buf->priv;

	k->accesses++;
	pr_info("kdmabuf: cpu access %d to %s begins\n", k->accesses, k->name);
	return 0;
}

static int kdmabuf_end(struct dma_buf *buf, enum dma_data_direction dir)
{
	struct kdmabuf *k = buf->priv;

	snprintf(k->vaddr + 64, 32, "access %d", k->accesses);
	pr_info("kdmabuf: cpu access %d to %s ends\n", k->accesses, k->name);
	return 0;
}

static void kdmabuf_free(struct kdmabuf *k)
{
	vfree(k->vaddr);
	kfree(k);
}

static void kdmabuf_release(struct dma_buf *buf)
{
	struct kdmabuf *k = buf->priv;

	mutex_lock(&kdmabuf_lock);
	list_del(&k->node);
	mutex_unlock(&kdmabuf_lock);
	pr_info("kdmabuf: release of %s after %d accesses\n", k->name, k->accesses);
	kdmabuf_free(k);
}

static const struct dma_buf_ops kdmabuf_ops = {
	.map_dma_buf = kdmabuf_map,
	.unmap_dma_buf = kdmabuf_unmap,
	.mmap = kdmabuf_mmap,
	.begin_cpu_access = kdmabuf_begin,
	.end_cpu_access = kdmabuf_end,
	.release = kdmabuf_release,
};

/* A new buffer, exported; the process gets its descriptor. */
static long kdmabuf_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *buf;
	struct kdmabuf *k;
	int i, fd;

	if (cmd != KDMABUF_GET_FD)
		return -ENOTTY;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->size = KDMABUF_PAGES * PAGE_SIZE;
	k->vaddr = vmalloc_user(k->size);
	if (!k->vaddr) {
		kfree(k);
		return -ENOMEM;
	}
	for (i = 0; i < KDMABUF_PAGES; i++)
		snprintf(k->vaddr + i * PAGE_SIZE, 32, "kdmabuf page %d", i);
	exp.ops = &kdmabuf_ops;
	exp.size = k->size;
	exp.flags = O_RDWR;
	exp.priv = k;
	mutex_lock(&kdmabuf_lock);
	snprintf(k->name, sizeof(k->name), "kdmabuf%d", kdmabuf_made++);
	buf = dma_buf_export(&exp);
	if (IS_ERR(buf)) {
		mutex_unlock(&kdmabuf_lock);
		kdmabuf_free(k);
		return PTR_ERR(buf);
	}
	list_add(&k->node, &kdmabuf_list);
	mutex_unlock(&kdmabuf_lock);
	pr_info("kdmabuf: exported %s, %d pages\n", k->name, KDMABUF_PAGES);
	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(buf);	/* the release frees it */
	return fd;
}

static const struct file_operations kdmabuf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = kdmabuf_ioctl,
};

static struct miscdevice kdmabuf_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kdmabuf",
	.fops = &kdmabuf_fops,
};

static int __init kdmabuf_init(void)
{
	return misc_register(&kdmabuf_dev);
}

static void __exit kdmabuf_exit(void)
{
	struct kdmabuf *k, *tmp;

	misc_deregister(&kdmabuf_dev);
	list_for_each_entry_safe(k, tmp, &kdmabuf_list, node) {
		pr_info("kdmabuf: exit frees %s\n", k->name);
		list_del(&k->node);
		kdmabuf_free(k);
	}
	pr_info("kdmabuf: unloaded\n");
}

module_init(kdmabuf_init);
module_exit(kdmabuf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: a dma-buf exporter");
