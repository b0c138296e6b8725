// SPDX-License-Identifier: GPL-2.0
/*
 * The module's memory mapped into a process.
 *
 * A driver's mmap() hands a process its buffer with remap_pfn_range():
 * the process's page tables then point at the pages, which hold no
 * reference for it (VM_PFNMAP).  In the kernel build the buffer outlives
 * every such mapping: the mapping holds the file, the file the module
 * (rmmod answers EBUSY), and only module exit frees it.  A user build's
 * buffer went with the program: SIGKILL, and teardown freed it; SIGTERM,
 * and module_exit's kfree() did -- while the process still read and wrote
 * it, freed slab memory, someone else's next (probe round of the
 * fourteenth session: the mapping read slub's poison).
 *
 * So each remap_pfn_range() of the session's memory is noted (which pfns,
 * and the file mapped).  When the module frees that memory, or the session
 * ends, and a mapping of that file still maps it, the memory is kept
 * instead -- as an open file's file_operations are (fops.c: the mapping
 * holds the file, the file this module) -- and module exit, after the last
 * mapping is gone, frees it (mem.c).  Memory no mapping maps any more (a
 * driver's release() freeing its buffer) is freed at once.
 *
 * The mappings are found the way the kernel's own reverse map finds them
 * (unmap_mapping_range()): every VMA of the file is on its address space's
 * i_mmap tree -- the one mmap() made, those fork() copied and mremap()
 * moved, the parts a split left -- and, under i_mmap_rwsem, none of them
 * loses its page tables (unlinking a VMA from the tree comes first).  So
 * their page tables are walked for the noted pfns without any process's
 * mmap_lock.  vm_insert_page() and remap_vmalloc_range() take page
 * references of their own and need none of this.
 */
#include <linux/mm.h>
#include <linux/fs.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include "dusk-core.h"

/* remap_pfn_range(vma, addr, pfn, size, prot) */
#define DUSK_REMAP "remap_pfn_range"

struct dusk_umap {
	struct list_head node;
	unsigned long kaddr;	/* what was mapped: [kaddr, kaddr + size) */
	unsigned long pfn;
	u64 size;
	struct address_space *mapping;	/* of the file mapped */
	struct inode *inode;	/* held: the address space lives with it */
};

/* Pages of a file's mappings looked at, at most, for one note: past that
 * the memory counts as mapped (kept until module exit: safe). */
#define DUSK_UMAP_SCAN 4096

/* The notes.  A lock of their own, never held around another: the mmap()
 * caller that notes one holds its mmap_lock, and looking a mapping up
 * takes the file's i_mmap_rwsem. */
static DEFINE_MUTEX(dusk_umap_lock);
static LIST_HEAD(dusk_umaps);

/** dusk_usermap_acts_on() - does @s map memory into a process? */
bool dusk_usermap_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_named(s->name, DUSK_REMAP);
}

static void dusk_umap_free(struct dusk_umap *u)
{
	iput(u->inode);
	kfree(u);
}

/**
 * dusk_usermap_after_call() - note a remap_pfn_range() of the session's
 * memory.
 * Context: process (the mmap() caller's), no dusk lock held.
 */
void dusk_usermap_after_call(const struct dusk_call *c)
{
	struct vm_area_struct *vma;
	struct dusk_umap *u;
	bool ours;

	if (!dusk_stub_named(dusk_gen.stubs[c->stub].name, DUSK_REMAP) || c->err || c->ret ||
	    c->nargs < 4 || !pfn_valid(c->args[2]) || !c->args[3])
		return;
	vma = (struct vm_area_struct *)(uintptr_t)c->args[0];
	if (!vma->vm_file)
		return;
	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return;
	u->kaddr = (unsigned long)pfn_to_kaddr(c->args[2]);
	u->pfn = c->args[2];
	u->size = c->args[3];
	u->mapping = vma->vm_file->f_mapping;
	u->inode = igrab(file_inode(vma->vm_file));
	if (!u->inode) {
		kfree(u);
		return;
	}
	mutex_lock(&dusk_sess.lock);
	ours = dusk_region_retain(u->kaddr, u->size);
	mutex_unlock(&dusk_sess.lock);
	if (!ours) {
		dusk_umap_free(u);
		return;
	}
	mutex_lock(&dusk_umap_lock);
	list_add(&u->node, &dusk_umaps);
	mutex_unlock(&dusk_umap_lock);
}

/* Does a mapping of @u's file map one of its pages?  Takes i_mmap_rwsem. */
static bool dusk_umap_mapped(const struct dusk_umap *u)
{
	unsigned long npages = DIV_ROUND_UP(u->size, PAGE_SIZE), pfn, a;
	struct vm_area_struct *vma;
	unsigned int seen = 0;
	struct rb_node *n;
	bool mapped = false;

	i_mmap_lock_read(u->mapping);
	for (n = rb_first_cached(&u->mapping->i_mmap); n && !mapped; n = rb_next(n)) {
		vma = rb_entry(n, struct vm_area_struct, shared.rb);
		if (!(vma->vm_flags & VM_PFNMAP))
			continue;
		for (a = vma->vm_start; a < vma->vm_end && !mapped; a += PAGE_SIZE) {
			if (++seen > DUSK_UMAP_SCAN)
				mapped = true;
			else if (!follow_pfn(vma, a, &pfn))
				mapped = pfn >= u->pfn && pfn - u->pfn < npages;
		}
	}
	i_mmap_unlock_read(u->mapping);
	return mapped;
}

/* Take the notes of mappings of the region at @start (of all, with @all)
 * off the list into @out. */
static void dusk_umaps_take(unsigned long start, bool all, struct list_head *out)
{
	struct dusk_umap *u, *tmp;

	mutex_lock(&dusk_umap_lock);
	list_for_each_entry_safe(u, tmp, &dusk_umaps, node)
		if (all || u->kaddr == start)
			list_move(&u->node, out);
	mutex_unlock(&dusk_umap_lock);
}

/**
 * dusk_usermap_keep() - the module frees @freed: kept instead while a
 * process maps it.
 * @c: the call; @freed: what it frees, or 0 (then the pages a page
 *     allocator call frees, if it is one).
 * Return: true when the call must not be made (c->ret is 0).
 * Context: process, no dusk lock held.
 */
bool dusk_usermap_keep(struct dusk_call *c, unsigned long freed)
{
	struct dusk_umap *u, *tmp;
	bool mapped = false, kept = false;
	LIST_HEAD(notes);

	if (list_empty_careful(&dusk_umaps))
		return false;	/* nothing was ever mapped: the common case */
	if (!freed)
		freed = dusk_pages_freed_by(c);
	if (!freed)
		return false;
	dusk_umaps_take(freed, false, &notes);
	list_for_each_entry_safe(u, tmp, &notes, node) {
		mapped = mapped || dusk_umap_mapped(u);
		dusk_umap_free(u);
	}
	if (!mapped)
		return false;
	mutex_lock(&dusk_sess.lock);
	kept = dusk_region_keep_retained((void *)freed);
	mutex_unlock(&dusk_sess.lock);
	if (kept) {
		pr_info("%s: memory the module freed is still mapped by a process: kept until module exit\n",
			dusk_family.name);
		c->ret = 0;
	}
	return kept;
}

/**
 * dusk_usermap_settle() - the session ends: memory no process maps any
 * more is the teardown's to free; what a process still maps stays
 * retained (teardown keeps it for module exit).
 * Context: teardown, before it takes dusk_sess.lock.
 */
void dusk_usermap_settle(void)
{
	struct dusk_umap *u, *tmp;
	LIST_HEAD(notes);

	dusk_umaps_take(0, true, &notes);
	list_for_each_entry_safe(u, tmp, &notes, node) {
		if (dusk_umap_mapped(u)) {
			pr_info("%s: teardown: memory of the module is still mapped by a process: kept until module exit\n",
				dusk_family.name);
		} else {
			mutex_lock(&dusk_sess.lock);
			dusk_region_unretain(u->kaddr, u->size);
			mutex_unlock(&dusk_sess.lock);
		}
		dusk_umap_free(u);
	}
}
