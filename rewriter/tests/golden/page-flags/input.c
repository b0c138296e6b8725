// SPDX-License-Identifier: GPL-2.0
/*
 * The page-flags.h setters and clearers (SetPageReserved(),
 * ClearPageReserved(), __SetPageReserved(), TestClearPageDirty(), ...) are
 * inlines of bit operations on the kernel's struct page: they run in the
 * kmod as kernel calls.  Before, the program's set_bit() on its copy of
 * the struct page was a refused write, and a driver that reserves the
 * pages it lets user space mmap (remap_pfn_range()) died in its init.
 * Tests of a flag (PageReserved()) only read and stay kept.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/gfp.h>

static unsigned long pf_buf;

static int __init pf_init(void)
{
	struct page *pg;

	pf_buf = __get_free_pages(GFP_KERNEL, 1);
	if (!pf_buf)
		return -ENOMEM;
	pg = virt_to_page((void *)pf_buf);
	SetPageReserved(pg);
	__SetPageReserved(pg + 1);
	if (TestClearPageDirty(pg))
		pr_info("pf: was dirty\n");
	return PageReserved(pg) ? 0 : -EINVAL;
}

static void __exit pf_exit(void)
{
	struct page *pg = virt_to_page((void *)pf_buf);

	ClearPageReserved(pg);
	__ClearPageReserved(pg + 1);
	free_pages(pf_buf, 1);
}

module_init(pf_init);
module_exit(pf_exit);
MODULE_LICENSE("GPL");
