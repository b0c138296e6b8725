// SPDX-License-Identifier: GPL-2.0
/*
 * kpages — buffers from the page allocator, written by the module.
 *
 *   at load:  alloc_pages(order 1), __get_free_page(), get_zeroed_page()
 *             and alloc_pages_exact(5000) are filled with patterns and
 *             summed; two are freed again, two kept
 *   cat /proc/kpages        the kept buffers' checksums and first bytes
 *   echo S > /proc/kpages   writes string S at the start of each kept one
 *   at unload: the kept buffers are freed
 *
 * Also at load, an order-4 block (64 KiB, more than one netlink attribute
 * holds) is filled, summed and freed, as lib/test_meminit.c does; and two
 * single pages that touch are filled together: the
 * program's write-back sends the dirty bytes of adjacent pages as one run,
 * which must be accepted across the boundary between two allocations.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define EXACT_LEN 5000
#define TRIES 32
#define BIG_ORDER 4

static struct page *pair;	/* order 1: two pages */
static unsigned char *exact;
static struct proc_dir_entry *proc;

static unsigned long sum(const unsigned char *p, size_t n)
{
	unsigned long s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s = s * 31 + p[i];
	return s;
}

static void fill(unsigned char *p, size_t n, int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * seed + 7);
}

/* Two single pages that touch: of TRIES pages from the page allocator
 * (refilled in batches from split buddy blocks), two neighbours.  The rest
 * are given back.  Return: 0, or -ENOMEM when no two touch. */
static int kpages_neighbours(unsigned long *lo, unsigned long *hi)
{
	unsigned long p[TRIES];
	int i, j, n;

	*lo = *hi = 0;
	for (n = 0; n < TRIES; n++) {
		p[n] = __get_free_page(GFP_KERNEL);
		if (!p[n])
			break;
	}
	for (i = 0; i < n && !*lo; i++)
		for (j = 0; j < n; j++)
			if (p[j] == p[i] + PAGE_SIZE) {
				*lo = p[i];
				*hi = p[j];
				p[i] = p[j] = 0;
				break;
			}
	while (n--)
		if (p[n])
			free_page(p[n]);
	return *lo ? 0 : -ENOMEM;
}

/* Fill a 64 KiB block, log its sum, free it. */
static int kpages_big(void)
{
	struct page *big = alloc_pages(GFP_KERNEL, BIG_ORDER);

	if (!big)
		return -ENOMEM;
	/* zeroes, then no zero byte: every byte of the block changes
	 * between the two kernel calls (one dirty run of 64 KiB) */
	memset(page_address(big), 0, PAGE_SIZE << BIG_ORDER);
	pr_info("big zeroed\n");
	memset(page_address(big), 0x5a, PAGE_SIZE << BIG_ORDER);
	pr_info("big %lu\n", sum(page_address(big), PAGE_SIZE << BIG_ORDER));
	__free_pages(big, BIG_ORDER);
	return 0;
}

/* Fill two neighbouring pages before one kernel call; log their sums. */
static int kpages_adjacent(void)
{
	unsigned long lo, hi;

	if (kpages_neighbours(&lo, &hi))
		return -ENOMEM;
	fill((unsigned char *)lo, PAGE_SIZE, 13);
	fill((unsigned char *)hi, PAGE_SIZE, 17);
	pr_info("adjacent %lu %lu\n", sum((unsigned char *)lo, PAGE_SIZE),
		sum((unsigned char *)hi, PAGE_SIZE));
	free_page(hi);
	free_page(lo);
	return 0;
}

static int kpages_show(struct seq_file *m, void *v)
{
	unsigned char *a = page_address(pair);

	seq_printf(m, "pair %lu %.8s\n", sum(a, 2 * PAGE_SIZE), a);
	seq_printf(m, "exact %lu %.8s\n", sum(exact, EXACT_LEN), exact);
	return 0;
}

static int kpages_open(struct inode *inode, struct file *file)
{
	return single_open(file, kpages_show, NULL);
}

static ssize_t kpages_write(struct file *file, const char __user *ubuf, size_t len,
			    loff_t *ppos)
{
	char buf[16];
	size_t n = min(len, sizeof(buf) - 1);

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	strim(buf);
	memcpy(page_address(pair), buf, strlen(buf));
	memcpy(exact, buf, strlen(buf));
	return len;
}

static const struct proc_ops kpages_ops = {
	.proc_open = kpages_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kpages_write,
};

static int __init kpages_init(void)
{
	unsigned char *one, *zero;
	unsigned long z = 0;
	size_t i;

	pair = alloc_pages(GFP_KERNEL, 1);
	one = (unsigned char *)__get_free_page(GFP_KERNEL);
	zero = (unsigned char *)get_zeroed_page(GFP_KERNEL);
	exact = alloc_pages_exact(EXACT_LEN, GFP_KERNEL);
	if (!pair || !one || !zero || !exact)
		goto fail;
	fill(page_address(pair), 2 * PAGE_SIZE, 3);
	fill(one, PAGE_SIZE, 5);
	for (i = 0; i < PAGE_SIZE; i++)
		z += zero[i];
	zero[PAGE_SIZE - 1] = 9;
	fill(exact, EXACT_LEN, 11);
	pr_info("pair %lu one %lu zero %lu/%lu exact %lu\n", sum(page_address(pair), 2 * PAGE_SIZE),
		sum(one, PAGE_SIZE), z, sum(zero, PAGE_SIZE), sum(exact, EXACT_LEN));
	free_page((unsigned long)one);
	free_pages((unsigned long)zero, 0);
	one = zero = NULL;
	if (kpages_adjacent())
		pr_info("no adjacent pages\n");
	if (kpages_big())
		pr_info("no order-%d block\n", BIG_ORDER);
	proc = proc_create("kpages", 0644, NULL, &kpages_ops);
	if (!proc)
		goto fail;
	pr_info("loaded\n");
	return 0;
fail:
	if (pair)
		__free_pages(pair, 1);
	if (one)
		free_page((unsigned long)one);
	if (zero)
		free_page((unsigned long)zero);
	if (exact)
		free_pages_exact(exact, EXACT_LEN);
	return -ENOMEM;
}

static void __exit kpages_exit(void)
{
	proc_remove(proc);
	pr_info("exit pair %lu exact %lu\n", sum(page_address(pair), 2 * PAGE_SIZE),
		sum(exact, EXACT_LEN));
	__free_pages(pair, 1);
	free_pages_exact(exact, EXACT_LEN);
}

module_init(kpages_init);
module_exit(kpages_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Page-allocator buffers written by the module");
