// SPDX-License-Identifier: GPL-2.0
/*
 * kgup: a character device doing zero-copy I/O by pinning the caller's
 * pages, as DMA-style drivers do.  write() hashes the caller's bytes read
 * through kmap_local_page() of pages pinned by pin_user_pages_fast() (odd
 * writes: get_user_pages_fast() and put_page()); read() writes its report
 * straight into the caller's pages pinned with FOLL_WRITE and releases
 * them with unpin_user_pages_dirty_lock().  /proc/kgup shows the counters.
 * The user build died at its first read before: the pinned pages are the
 * caller's, and the program's write into them was refused.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#define KGUP_MAX_PAGES 4

static DEFINE_MUTEX(gup_lock);
static unsigned long writes, reads, bytes_in;
static u32 sum_in;

/* gup_span: how many pages [addr, addr + len) touches. */
static int gup_span(unsigned long addr, size_t len)
{
	return (int)(((addr + len - 1) >> PAGE_SHIFT) - (addr >> PAGE_SHIFT) + 1);
}

/* gup_copy: copy between the pinned pages and buf, to (true) or from
 * the pages. */
static void gup_copy(struct page **pages, unsigned long addr, char *buf,
		     size_t len, bool to_pages)
{
	size_t done = 0, off = offset_in_page(addr);
	int i = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done, PAGE_SIZE - off);
		char *p = kmap_local_page(pages[i]);

		if (to_pages)
			memcpy(p + off, buf + done, n);
		else
			memcpy(buf + done, p + off, n);
		kunmap_local(p);
		done += n;
		off = 0;
		i++;
	}
}

static ssize_t gup_write(struct file *f, const char __user *ubuf, size_t len,
			 loff_t *ppos)
{
	unsigned long addr = (unsigned long)ubuf;
	struct page *pages[KGUP_MAX_PAGES];
	char *buf;
	int np, got, i;
	u32 s = 0;

	len = min_t(size_t, len, 2 * PAGE_SIZE);
	if (!len)
		return 0;
	np = gup_span(addr, len);
	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&gup_lock);
	/* every other write by get_user_pages_fast + put_page */
	if (writes & 1)
		got = get_user_pages_fast(addr, np, 0, pages);
	else
		got = pin_user_pages_fast(addr, np, 0, pages);
	if (got != np) {
		pr_info("kgup: write: pinned %d of %d\n", got, np);
		if (got > 0) {
			if (writes & 1)
				for (i = 0; i < got; i++)
					put_page(pages[i]);
			else
				unpin_user_pages(pages, got);
		}
		mutex_unlock(&gup_lock);
		kfree(buf);
		return got < 0 ? got : -EFAULT;
	}
	gup_copy(pages, addr, buf, len, false);
	if (writes & 1)
		for (i = 0; i < got; i++)
			put_page(pages[i]);
	else
		unpin_user_pages(pages, got);
	for (i = 0; i < len; i++)
		s = s * 31 + (u8)buf[i];
	writes++;
	bytes_in += len;
	sum_in ^= s;
	pr_info("kgup: write %zu bytes over %d page(s), hash %08x, first '%c'\n",
		len, np, s, buf[0]);
	mutex_unlock(&gup_lock);
	kfree(buf);
	return len;
}

static ssize_t gup_read(struct file *f, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	unsigned long addr = (unsigned long)ubuf;
	struct page *pages[KGUP_MAX_PAGES];
	char msg[96];
	int n, np, got;

	if (*ppos)
		return 0;
	mutex_lock(&gup_lock);
	reads++;
	n = scnprintf(msg, sizeof(msg), "kgup reads %lu writes %lu bytes %lu hash %08x\n",
		      reads, writes, bytes_in, sum_in);
	mutex_unlock(&gup_lock);
	if (len < n)
		return -EINVAL;
	np = gup_span(addr, n);
	got = pin_user_pages_fast(addr, np, FOLL_WRITE, pages);
	if (got != np) {
		if (got > 0)
			unpin_user_pages(pages, got);
		return got < 0 ? got : -EFAULT;
	}
	gup_copy(pages, addr, msg, n, true);
	unpin_user_pages_dirty_lock(pages, got, true);
	*ppos = n;
	return n;
}

static const struct file_operations gup_fops = {
	.owner = THIS_MODULE,
	.read = gup_read,
	.write = gup_write,
	.llseek = noop_llseek,
};

static struct miscdevice gup_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kgup",
	.fops = &gup_fops,
	.mode = 0666,
};

static int gup_show(struct seq_file *m, void *v)
{
	mutex_lock(&gup_lock);
	seq_printf(m, "writes %lu reads %lu bytes %lu hash %08x\n", writes, reads,
		   bytes_in, sum_in);
	mutex_unlock(&gup_lock);
	return 0;
}

static int __init gup_init(void)
{
	int err = misc_register(&gup_dev);

	if (err)
		return err;
	if (!proc_create_single("kgup", 0444, NULL, gup_show)) {
		misc_deregister(&gup_dev);
		return -ENOMEM;
	}
	pr_info("kgup: loaded\n");
	return 0;
}

static void __exit gup_exit(void)
{
	remove_proc_entry("kgup", NULL);
	misc_deregister(&gup_dev);
	pr_info("kgup: writes %lu reads %lu bytes %lu hash %08x\n", writes, reads,
		bytes_in, sum_in);
}

module_init(gup_init);
module_exit(gup_exit);
MODULE_LICENSE("GPL");
