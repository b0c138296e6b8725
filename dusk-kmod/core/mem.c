// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel memory as the program sees it: READ, WRITE, MIRROR_ALLOC and
 * MIRROR_FREE, and the rule that decides where the program may write.
 *
 * Reads go anywhere the kernel can read without faulting
 * (copy_from_kernel_nofault: an unmapped address is -EFAULT, never an oops),
 * unless kernel lockdown forbids reading kernel memory (LOCKDOWN_KCORE).
 * Writes are allowed only into
 *   - mirrors (MIRROR_ALLOC) of this session, and each CPU's copy of its
 *     per-CPU mirrors (MIRROR_ALLOC PERCPU: a module's alloc_percpu()
 *     block once the program hands it to the kernel, libduskrt/percpu.c),
 *   - memory the session owns: results of DUSK_STUB_ALLOC stubs and of the
 *     page allocator (pages.c) not yet given back (size from ksize(), or the mapped pages of a vmalloc area;
 *     an sk_buff (DUSK_STUB_SKB) is its struct and the data area it points
 *     at now, so a reallocated head is followed), and the per-net data the
 *     kernel allocated for the module's pernet_operations (pernet.c),
 *     and what the seq_file opens allocated for the module's open files,
 *     until their release (seqfile.c; the kernel frees it, never teardown),
 *     and the module's devm allocations until their device releases them
 *     (devres.c; the same),
 *   - ranges lent to a running callback: the stolen sk_buff and its data
 *     area, the pointees of a blocked callback's pointer arguments.
 * Anything else is -EACCES; the extack (6.1 has no formatted extack
 * messages) points at the offending CHUNK, which holds the address.
 *
 * Mirrors and owned allocations are kept in one rbtree of regions keyed by
 * start address, under dusk_sess.lock.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "dusk-core.h"

struct dusk_region {
	struct rb_node node;
	unsigned long start;
	size_t len;
	u8 kind;		/* enum dusk_region_kind */
	/* holders that may use it after teardown: open files (fops.c),
	 * process mappings (usermap.c), dma-bufs (dmabuf.c); counted, so one
	 * holder's end does not release another's */
	unsigned int retained;
	struct list_head skb;	/* DUSK_REGION_SKB: on dusk_sess.skbs */
	struct kmem_cache *cache;	/* allocated from this cache, or NULL (slab.c) */
	void __percpu *pcpu;	/* DUSK_REGION_PERCPU: the block this is a copy of */
};

/* Memory of ended sessions that open files may still use: freed at module
 * exit, which cannot come before their last release (fops.c). */
struct dusk_kept {
	struct list_head node;
	void *p;
	size_t len;
	u8 kind;		/* enum dusk_region_kind */
};
static LIST_HEAD(dusk_kept_list);

/* The region containing [addr, addr + len), or NULL.  Caller holds lock. */
static struct dusk_region *dusk_region_find(u64 addr, u64 len)
{
	struct rb_node *n = dusk_sess.regions.rb_node;
	struct dusk_region *r;

	while (n) {
		r = rb_entry(n, struct dusk_region, node);
		if (addr < r->start) {
			n = n->rb_left;
		} else if (addr >= r->start + r->len) {
			n = n->rb_right;
		} else {
			return len <= r->start + r->len - addr ? r : NULL;
		}
	}
	return NULL;
}

/**
 * dusk_region_is_mirror() - is [addr, addr + len) inside a live mirror?
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_region_is_mirror(u64 addr, u64 len)
{
	struct dusk_region *r = dusk_region_find(addr, len);

	return r && r->kind == DUSK_REGION_MIRROR;
}

/**
 * dusk_region_owns_skb() - is @skb an sk_buff the session owns?
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_region_owns_skb(const struct sk_buff *skb)
{
	struct dusk_region *r = dusk_region_find((unsigned long)skb, 1);

	return r && r->start == (unsigned long)skb && r->kind == DUSK_REGION_SKB;
}

static struct dusk_region *dusk_region_insert(void *addr, size_t len,
					      enum dusk_region_kind kind);

/* Stop tracking @r (not freeing what it covers).  Caller holds lock. */
static void dusk_region_drop(struct dusk_region *r)
{
	dusk_sess.region_bytes -= r->len;
	rb_erase(&r->node, &dusk_sess.regions);
	if (r->kind == DUSK_REGION_SKB)
		list_del(&r->skb);
	kfree(r);
}

/* Forget every region overlapping [start, start + len).  Caller holds lock. */
static void dusk_region_evict(unsigned long start, size_t len)
{
	struct rb_node *n = dusk_sess.regions.rb_node;
	struct dusk_region *r;

	while (n) {
		r = rb_entry(n, struct dusk_region, node);
		if (start + len <= r->start) {
			n = n->rb_left;
		} else if (start >= r->start + r->len) {
			n = n->rb_right;
		} else {
			dusk_region_drop(r);
			n = dusk_sess.regions.rb_node;	/* restart: the tree changed */
		}
	}
}

/**
 * dusk_region_add() - record [addr, addr + len) as writable for the session.
 *
 * The allocator just returned this memory, so a region we still track there
 * was freed behind our back (the kernel took ownership and released it): it
 * is forgotten, not freed, so teardown never frees it twice.
 * Context: caller holds dusk_sess.lock.
 * Return: 0 or -ENOMEM.
 */
int dusk_region_add(void *addr, size_t len, enum dusk_region_kind kind)
{
	return dusk_region_insert(addr, len, kind) ? 0 : -ENOMEM;
}

/* dusk_region_add(), answering the new region (NULL: no memory). */
static struct dusk_region *dusk_region_insert(void *addr, size_t len, enum dusk_region_kind kind)
{
	struct rb_node **link = &dusk_sess.regions.rb_node, *parent = NULL;
	unsigned long start = (unsigned long)addr;
	struct dusk_region *r, *cur;

	lockdep_assert_held(&dusk_sess.lock);
	r = kmalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return NULL;
	dusk_region_evict(start, len);
	link = &dusk_sess.regions.rb_node;
	while (*link) {
		parent = *link;
		cur = rb_entry(parent, struct dusk_region, node);
		link = start < cur->start ? &parent->rb_left : &parent->rb_right;
	}
	r->start = start;
	r->len = len;
	r->kind = kind;
	r->retained = 0;
	r->cache = NULL;
	r->pcpu = NULL;
	if (kind == DUSK_REGION_SKB)
		list_add(&r->skb, &dusk_sess.skbs);
	rb_link_node(&r->node, parent, link);
	rb_insert_color(&r->node, &dusk_sess.regions);
	dusk_sess.region_bytes += len;
	return r;
}

/**
 * dusk_region_room() - may the session hold @len bytes more (mem_max_mb)?
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_region_room(size_t len)
{
	lockdep_assert_held(&dusk_sess.lock);
	return dusk_sess.region_bytes + len <= (u64)READ_ONCE(dusk_mem_max_mb) << 20;
}

/**
 * dusk_region_forget() - stop tracking the region starting at @addr (memory
 * the program gives back through a DUSK_STUB_FREE stub; not freed here),
 * and the deferred-work undo records of objects inside it (the module
 * freed a timer or work item with the memory holding it).
 * Context: caller holds dusk_sess.lock.
 */
void dusk_region_forget(const void *addr)
{
	struct dusk_region *r = dusk_region_find((unsigned long)addr, 1);

	lockdep_assert_held(&dusk_sess.lock);
	if (r && r->start == (unsigned long)addr) {
		/* deferred work inside it is gone with it */
		dusk_undo_forget_range(r->start, r->len);
		dusk_region_drop(r);
	}
}

/**
 * dusk_region_span() - the session's region holding @addr, if any.
 * @start, @len: set to its bounds.
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_region_span(u64 addr, unsigned long *start, size_t *len)
{
	struct dusk_region *r = dusk_region_find(addr, 1);

	lockdep_assert_held(&dusk_sess.lock);
	if (!r)
		return false;
	*start = r->start;
	*len = r->len;
	return true;
}

/**
 * dusk_region_take() - stop tracking the region that starts at @addr
 * without freeing it: the caller frees it later with dusk_mem_free().
 * @len, @kind: set to what that call needs.
 *
 * Not for an sk_buff or an object of one of the module's slab caches:
 * their own teardown frees them (skbhand.c, slab.c).
 * Context: caller holds dusk_sess.lock.
 * Return: true when taken.
 */
bool dusk_region_take(u64 addr, size_t *len, enum dusk_region_kind *kind)
{
	struct dusk_region *r = dusk_region_find(addr, 1);

	lockdep_assert_held(&dusk_sess.lock);
	if (!r || r->start != addr || r->cache || r->kind == DUSK_REGION_SKB ||
	    r->kind == DUSK_REGION_PERCPU)
		return false;
	*len = r->len;
	*kind = r->kind;
	dusk_undo_forget_range(r->start, r->len);
	dusk_region_drop(r);
	return true;
}

/**
 * dusk_region_set_cache() - the owned object at @addr came from @cache.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_region_set_cache(const void *addr, struct kmem_cache *cache)
{
	struct dusk_region *r = dusk_region_find((unsigned long)addr, 1);

	lockdep_assert_held(&dusk_sess.lock);
	if (r && r->start == (unsigned long)addr && r->kind == DUSK_REGION_ALLOC)
		r->cache = cache;
}

/**
 * dusk_regions_free_cache() - free the owned objects that came from
 * @cache, calling @gone(addr) for each before it is freed.
 * Context: caller holds dusk_sess.lock; nothing may still use them.
 * Return: how many were freed.
 */
unsigned int dusk_regions_free_cache(struct kmem_cache *cache, void (*gone)(const void *addr))
{
	struct dusk_region *r;
	struct rb_node *n;
	unsigned int freed = 0;
	void *p;

	lockdep_assert_held(&dusk_sess.lock);
	n = rb_first(&dusk_sess.regions);
	while (n) {
		r = rb_entry(n, struct dusk_region, node);
		n = rb_next(n);
		if (r->cache != cache)
			continue;
		p = (void *)r->start;
		gone(p);
		/* deferred work inside it is gone with it */
		dusk_undo_forget_range(r->start, r->len);
		dusk_region_drop(r);
		kmem_cache_free(cache, p);
		freed++;
	}
	return freed;
}

/*
 * Give back memory of @kind at [start, start + len).  A page the module
 * marked reserved for remap_pfn_range() (SetPageReserved(), which its
 * exit would have undone) is unmarked first: the page allocator refuses a
 * reserved page ("Bad page state").
 */
void dusk_mem_free(unsigned long start, size_t len, enum dusk_region_kind kind)
{
	unsigned long a;

	if (kind != DUSK_REGION_SKB && virt_addr_valid((void *)start))
		for (a = start & PAGE_MASK; a < start + len; a += PAGE_SIZE)
			if (PageReserved(virt_to_page((void *)a)))
				ClearPageReserved(virt_to_page((void *)a));
	if (kind == DUSK_REGION_PAGES || kind == DUSK_REGION_PAGES_EXACT)
		dusk_pages_free(start, len, kind);
	else
		dusk_owned_free((void *)start, kind);
}

/* Keep region @r for the open files that may use it (module exit frees
 * it); false when there is no memory to note it (then it is leaked rather
 * than freed under them). */
static bool dusk_region_keep(struct dusk_region *r)
{
	struct dusk_kept *k = kmalloc(sizeof(*k), GFP_KERNEL);

	if (!k)
		return false;
	k->p = (void *)r->start;
	k->len = r->len;
	k->kind = r->kind;
	list_add(&k->node, &dusk_kept_list);
	return true;
}

/**
 * dusk_region_keep_retained() - the module frees @addr: if it is a
 * retained region (memory mapped into a process, usermap.c; an open
 * file's file_operations, fops.c), keep it until module exit instead.
 * Context: caller holds dusk_sess.lock.
 * Return: true when kept (the free must not be made).
 */
bool dusk_region_keep_retained(const void *addr)
{
	struct dusk_region *r = dusk_region_find((unsigned long)addr, 1);

	lockdep_assert_held(&dusk_sess.lock);
	if (!r || r->start != (unsigned long)addr || !r->retained || r->cache ||
	    r->kind == DUSK_REGION_SKB || r->kind == DUSK_REGION_MIRROR ||
	    r->kind == DUSK_REGION_PERCPU)
		return false;
	dusk_region_keep(r);
	dusk_region_forget(addr);
	return true;
}

/*
 * Per-CPU mirrors.  The module's alloc_percpu() blocks live in the program
 * until it hands one to the kernel (a network driver's dev->tstats, read
 * by dev_get_tstats64()); then the kernel must find each CPU's copy at the
 * block's __percpu pointer plus its own per-CPU offset, so the program
 * moves the block here: __alloc_percpu(), each possible CPU's copy a
 * region the program may write.
 */

/* May the session hold a mirror of @len bytes more?  0, or -ENOSPC said
 * in @info's extack. */
static int dusk_mirror_room(size_t len, struct genl_info *info)
{
	bool ok;

	mutex_lock(&dusk_sess.lock);
	ok = dusk_region_room(len);
	mutex_unlock(&dusk_sess.lock);
	if (!ok)
		NL_SET_ERR_MSG(info->extack, "the program holds mem_max_mb of kernel memory already");
	return ok ? 0 : -ENOSPC;
}

/* The region of @cpu's copy of per-CPU mirror @pcpu, or NULL.  Caller holds lock. */
static struct dusk_region *dusk_pcpu_copy(void __percpu *pcpu, unsigned int cpu)
{
	struct dusk_region *r = dusk_region_find((unsigned long)per_cpu_ptr(pcpu, cpu), 1);

	return r && r->kind == DUSK_REGION_PERCPU && r->pcpu == pcpu ? r : NULL;
}

/* Stop tracking per-CPU mirror @pcpu's copies and free it.  Caller holds lock. */
static void dusk_pcpu_free(void __percpu *pcpu)
{
	struct dusk_region *r;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		r = dusk_pcpu_copy(pcpu, cpu);
		if (r) {
			dusk_undo_forget_range(r->start, r->len);
			dusk_region_drop(r);
		}
	}
	free_percpu(pcpu);
}

/* Track each possible CPU's copy of the new per-CPU mirror @pcpu (@len
 * bytes each).  Caller holds lock.  0 or -ENOMEM (none tracked then). */
static int dusk_pcpu_track(void __percpu *pcpu, size_t len)
{
	struct dusk_region *r;
	unsigned int cpu, c;

	for_each_possible_cpu(cpu) {
		r = dusk_region_insert(per_cpu_ptr(pcpu, cpu), len, DUSK_REGION_PERCPU);
		if (!r)
			goto undo;
		r->pcpu = pcpu;
	}
	return 0;
undo:
	for_each_possible_cpu(c) {
		if (c == cpu)
			break;
		r = dusk_pcpu_copy(pcpu, c);
		if (r)
			dusk_region_drop(r);
	}
	return -ENOMEM;
}

/* MIRROR_ALLOC PERCPU: LEN bytes per CPU aligned to the PERCPU value;
 * answer ADDR (the __percpu pointer) and PCPU_COPIES. */
static int dusk_mirror_alloc_percpu(struct genl_info *info, u32 len)
{
	u32 align = nla_get_u32(info->attrs[DUSK_A_PERCPU]);
	size_t total = (size_t)len * num_possible_cpus();
	void __percpu *pcpu;
	struct sk_buff *msg;
	struct nlattr *a;
	unsigned int cpu;
	u64 *copies;
	void *hdr;
	int err;

	if (!align || align > PAGE_SIZE || !is_power_of_2(align) || len > PCPU_MIN_UNIT_SIZE) {
		NL_SET_ERR_MSG(info->extack, "per-CPU mirror: LEN over 32 KiB or a bad alignment");
		return -EINVAL;
	}
	if (info->attrs[DUSK_A_CHUNK]) {
		NL_SET_ERR_MSG(info->extack, "per-CPU mirror: no initial CHUNK (WRITE each copy)");
		return -EINVAL;
	}
	err = dusk_mirror_room(total, info);
	if (err)
		return err;
	pcpu = __alloc_percpu_gfp(len, align, GFP_KERNEL);	/* zeroed */
	if (!pcpu)
		return -ENOMEM;
	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)) + nla_total_size(nr_cpu_ids * sizeof(u64)),
			  GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free;
	}
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_MIRROR_ALLOC);
	if (!hdr || nla_put_u64_64bit(msg, DUSK_A_ADDR, (u64)(uintptr_t)pcpu, DUSK_A_PAD) ||
	    !(a = nla_reserve(msg, DUSK_A_PCPU_COPIES, nr_cpu_ids * sizeof(u64)))) {
		err = -EMSGSIZE;
		goto err_msg;
	}
	copies = nla_data(a);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		copies[cpu] = cpu_possible(cpu) ? (u64)(uintptr_t)per_cpu_ptr(pcpu, cpu) : 0;
	genlmsg_end(msg, hdr);

	mutex_lock(&dusk_sess.lock);
	err = dusk_pcpu_track(pcpu, len);
	mutex_unlock(&dusk_sess.lock);
	if (err)
		goto err_msg;
	return dusk_answer(msg, info);

err_msg:
	nlmsg_free(msg);
err_free:
	free_percpu(pcpu);
	return err;
}

/* MIRROR_FREE PERCPU: ADDR, the __percpu pointer of a per-CPU mirror. */
static int dusk_mirror_free_percpu(struct genl_info *info, u64 addr)
{
	void __percpu *pcpu = (void __percpu *)(uintptr_t)addr;
	int err = 0;

	mutex_lock(&dusk_sess.lock);
	/* its first possible CPU's copy names it (arithmetic, no access) */
	if (!dusk_pcpu_copy(pcpu, cpumask_first(cpu_possible_mask))) {
		NL_SET_ERR_MSG(info->extack, "ADDR is not a per-CPU mirror of this session");
		err = -ENOENT;
	} else {
		dusk_pcpu_free(pcpu);
	}
	mutex_unlock(&dusk_sess.lock);
	return err;
}

/**
 * dusk_regions_free_all() - free every mirror and owned allocation.
 * Context: teardown, caller holds dusk_sess.lock, nothing uses them any more.
 */
void dusk_regions_free_all(void)
{
	struct rb_node *n;
	struct dusk_region *r;

	while ((n = rb_first(&dusk_sess.regions))) {
		r = rb_entry(n, struct dusk_region, node);
		if (r->kind == DUSK_REGION_PERCPU) {
			dusk_pcpu_free(r->pcpu);	/* with all its copies' regions */
			continue;
		}
		if (!r->retained)
			dusk_mem_free(r->start, r->len, r->kind);
		else
			dusk_region_keep(r);	/* or leaked rather than freed under an open file */
		dusk_region_drop(r);
	}
}

/**
 * dusk_region_retain() - one more holder may use the region holding [addr,
 * addr + len) beyond the session (an open file's file_operations).
 * Context: caller holds dusk_sess.lock.
 * Return: true when such a region exists (the memory is the session's).
 */
bool dusk_region_retain(u64 addr, u64 len)
{
	struct dusk_region *r = dusk_region_find(addr, len);

	lockdep_assert_held(&dusk_sess.lock);
	if (r)
		r->retained += r->retained < UINT_MAX;
	return r != NULL;
}

/**
 * dusk_region_unretain() - one holder of the region holding [addr, addr +
 * len) no longer uses it beyond the session (usermap.c: no process maps it
 * any more); it is the teardown's to free when none is left.
 * Context: caller holds dusk_sess.lock.
 */
void dusk_region_unretain(u64 addr, u64 len)
{
	struct dusk_region *r = dusk_region_find(addr, len);

	lockdep_assert_held(&dusk_sess.lock);
	if (r && r->retained)
		r->retained--;
}

/**
 * dusk_kept_free() - free what ended sessions kept for open files.
 * Context: module exit (so every such file has been released).
 */
void dusk_kept_free(void)
{
	struct dusk_kept *k, *tmp;

	list_for_each_entry_safe(k, tmp, &dusk_kept_list, node) {
		dusk_mem_free((unsigned long)k->p, k->len, k->kind);
		kfree(k);
	}
	INIT_LIST_HEAD(&dusk_kept_list);
}

/* Lent to a running callback?  Caller holds qlock. */
static bool dusk_lent(u64 addr, u64 len)
{
	struct dusk_waiter *w;
	struct dusk_pending *p;

	list_for_each_entry(w, &dusk_sess.waiters, node)
		if (dusk_waiter_lent(w, addr, len))
			return true;
	list_for_each_entry(p, &dusk_sess.pending, node)
		if (dusk_nf_lent(p, addr, len) || dusk_xt_lent(p, addr, len) ||
		    dusk_xt_target_lent(p, addr, len) || dusk_late_lent(p, addr, len))
			return true;
	return dusk_xtreg_loaned(addr, len);
}

/*
 * Inside the data area of an sk_buff the session owns: head up to the end
 * of its skb_shared_info, read from the live sk_buff now (pskb_expand_head
 * and the like move it).  Caller holds lock.
 */
static bool dusk_skb_data_owned(u64 addr, u64 len)
{
	const struct dusk_region *r;
	const struct sk_buff *skb;
	u64 head, end;

	list_for_each_entry(r, &dusk_sess.skbs, skb) {
		skb = (const struct sk_buff *)r->start;
		head = (u64)(uintptr_t)skb->head;
		end = (u64)(uintptr_t)(skb_shinfo(skb) + 1);
		if (head && addr >= head && addr <= end && len <= end - addr)
			return true;
	}
	return false;
}

/* What the concerns own for the program: the module's per-net data, its
 * open files' seq_file memory, its devm memory, kernel objects handed to it
 * to fill, user pages it pinned for writing. */
static const struct dusk_spans *const dusk_owned_spans[] = {
	&dusk_pernet_spans, &dusk_seqfile_spans, &dusk_devres_spans, &dusk_handed_spans,
	&dusk_gup_spans,
};

/* Inside one span a concern owns?  Takes each concern's lock in turn. */
static bool dusk_spans_cover(u64 addr, u64 len)
{
	const struct dusk_spans *o;
	const struct dusk_span *s;
	bool ok = false;
	size_t i;

	for (i = 0; !ok && i < ARRAY_SIZE(dusk_owned_spans); i++) {
		o = dusk_owned_spans[i];
		spin_lock(o->lock);
		list_for_each_entry(s, o->list, node) {
			if (addr >= s->start && addr < s->start + s->len &&
			    len <= s->start + s->len - addr) {
				ok = true;
				break;
			}
		}
		spin_unlock(o->lock);
	}
	return ok;
}

/* Writable as one piece: an owned sk_buff's data, a concern's span, or
 * lent.  Caller holds lock and qlock. */
static bool dusk_may_write_other(u64 addr, u64 len)
{
	return dusk_skb_data_owned(addr, len) || dusk_spans_cover(addr, len) ||
	       dusk_lent(addr, len);
}

/*
 * Writable: every byte in a region or under another rule.  One chunk may
 * span several regions: the program's write-back merges the dirty bytes
 * of adjacent pages into one run, and two of the module's allocations
 * (neighbouring kmalloc objects, buddy pages) are often adjacent.  Whole
 * regions are taken off the front; what no region starts to cover must
 * pass another rule whole.  Caller holds lock and qlock.
 */
static bool dusk_may_write(u64 addr, u64 len)
{
	const struct dusk_region *r;
	u64 piece;

	if (!len || addr + len < addr)
		return false;
	while (len) {
		r = dusk_region_find(addr, 1);
		if (!r)
			return dusk_may_write_other(addr, len);
		piece = min_t(u64, len, r->start + r->len - addr);
		addr += piece;
		len -= piece;
	}
	return true;
}

/**
 * dusk_may_write_now() - may the program write [addr, addr + len) now (the
 * WRITE rule: mirrors, owned memory, lent ranges)?  Takes both locks.
 */
bool dusk_may_write_now(u64 addr, u64 len)
{
	bool ok;

	mutex_lock(&dusk_sess.lock);
	spin_lock_bh(&dusk_sess.qlock);
	ok = dusk_may_write(addr, len);
	spin_unlock_bh(&dusk_sess.qlock);
	mutex_unlock(&dusk_sess.lock);
	return ok;
}

/**
 * dusk_chunks_apply_locked() - apply the CHUNKs of a WRITE, CALL or REPLY.
 *
 * All chunks are checked before any is written, so a refused request
 * changes nothing.  Both locks are held so that no region is freed and no
 * lent range is given back between the check and the copy.
 * Context: caller holds dusk_sess.lock and dusk_sess.qlock (BH off).
 * Return: 0, -EACCES (a chunk outside writable memory), -EINVAL.
 */
int dusk_chunks_apply_locked(struct genl_info *info)
{
	const struct nlattr *nla;
	const void *data;
	u64 addr, total = 0;
	int rem, err;
	u32 len;

	dusk_for_each_attr_type(nla, DUSK_A_CHUNK, info, rem) {
		err = dusk_parse_chunk(nla, &addr, &data, &len, info->extack);
		if (err)
			return err;
		if (!dusk_may_write(addr, len)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla,
					    "write outside mirrors, owned and lent memory");
			return -EACCES;
		}
	}
	dusk_for_each_attr_type(nla, DUSK_A_CHUNK, info, rem) {
		dusk_parse_chunk(nla, &addr, &data, &len, NULL);
		/* Checked above: live memory of a known object (and
		 * copy_to_kernel_nofault is not exported to modules). */
		memcpy((void *)(uintptr_t)addr, data, len);
		total += len;
	}
	dusk_count(DUSK_STAT_BYTES_WRITTEN, total);
	return 0;
}

/**
 * dusk_write_chunks() - dusk_chunks_apply_locked() taking the locks.
 * Context: process, holds dusk_sess.use, no other dusk lock.
 */
int dusk_write_chunks(struct genl_info *info)
{
	int err;

	mutex_lock(&dusk_sess.lock);
	spin_lock_bh(&dusk_sess.qlock);
	err = dusk_chunks_apply_locked(info);
	spin_unlock_bh(&dusk_sess.qlock);
	mutex_unlock(&dusk_sess.lock);
	return err;
}

/* WRITE: CHUNK...; ack. */
int dusk_nl_write(struct sk_buff *skb, struct genl_info *info)
{
	if (!info->attrs[DUSK_A_CHUNK]) {
		NL_SET_ERR_MSG(info->extack, "WRITE needs a CHUNK");
		return -EINVAL;
	}
	return dusk_write_chunks(info);
}

/*
 * READ: RANGE...; answer DATA... in request order, all or nothing.
 */
int dusk_nl_read(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *nla;
	struct sk_buff *msg;
	struct nlattr *data;
	u64 addr, total = 0;
	size_t size = 0;
	int rem, err;
	void *hdr;
	u32 len;

	/* Reading any kernel address is what /proc/kcore does: the same
	 * lockdown reason (confidentiality) forbids it. */
	err = security_locked_down(LOCKDOWN_KCORE);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "kernel lockdown forbids reading kernel memory");
		return err;
	}
	dusk_for_each_attr_type(nla, DUSK_A_RANGE, info, rem) {
		err = dusk_parse_range(nla, &addr, &len, info->extack);
		if (err)
			return err;
		/* nla_len is 16 bits: one DATA holds less than 64 KiB. */
		if (!len || len > U16_MAX - NLA_HDRLEN) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "RANGE LEN must be 1..65531");
			return -EINVAL;
		}
		total += len;
		size += nla_total_size(len);
	}
	if (!total || total > DUSK_MAX_READ) {
		NL_SET_ERR_MSG(info->extack, "READ needs RANGEs of 1 to DUSK_MAX_READ bytes in all");
		return -EINVAL;
	}

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_READ);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	dusk_for_each_attr_type(nla, DUSK_A_RANGE, info, rem) {
		dusk_parse_range(nla, &addr, &len, NULL);
		data = nla_reserve(msg, DUSK_A_DATA, len);
		if (!data) {
			err = -EMSGSIZE;
			goto err_free;
		}
		if (copy_from_kernel_nofault(nla_data(data), (void *)(uintptr_t)addr, len)) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "read of an unmapped address");
			err = -EFAULT;
			goto err_free;
		}
	}
	genlmsg_end(msg, hdr);
	dusk_count(DUSK_STAT_BYTES_READ, total);
	return dusk_answer(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/*
 * MIRROR_ALLOC: LEN [CHUNK{offset, bytes}...]; answer ADDR.
 */
int dusk_nl_mirror_alloc(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *nla;
	struct sk_buff *msg;
	const void *data;
	u64 off;
	void *hdr, *m;
	u32 len, n;
	int rem, err;

	if (!info->attrs[DUSK_A_LEN]) {
		NL_SET_ERR_MSG(info->extack, "MIRROR_ALLOC needs LEN");
		return -EINVAL;
	}
	len = nla_get_u32(info->attrs[DUSK_A_LEN]);
	if (!len || len > DUSK_MAX_MIRROR) {
		NL_SET_ERR_MSG(info->extack, "mirror LEN must be 1..16 MiB");
		return -EINVAL;
	}
	if (info->attrs[DUSK_A_PERCPU])
		return dusk_mirror_alloc_percpu(info, len);
	/* Validate the initial contents before allocating anything. */
	dusk_for_each_attr_type(nla, DUSK_A_CHUNK, info, rem) {
		err = dusk_parse_chunk(nla, &off, &data, &n, info->extack);
		if (err)
			return err;
		if (off > len || n > len - off) {
			NL_SET_ERR_MSG_ATTR(info->extack, nla, "initial CHUNK beyond the mirror");
			return -EINVAL;
		}
	}

	err = dusk_mirror_room(len, info);
	if (err)
		return err;
	m = kvzalloc(len, GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	dusk_for_each_attr_type(nla, DUSK_A_CHUNK, info, rem) {
		dusk_parse_chunk(nla, &off, &data, &n, NULL);
		memcpy(m + off, data, n);
		dusk_count(DUSK_STAT_BYTES_WRITTEN, n);
	}

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free;
	}
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_MIRROR_ALLOC);
	if (!hdr || nla_put_u64_64bit(msg, DUSK_A_ADDR, (u64)(uintptr_t)m, DUSK_A_PAD)) {
		err = -EMSGSIZE;
		goto err_msg;
	}
	genlmsg_end(msg, hdr);

	mutex_lock(&dusk_sess.lock);
	err = dusk_region_add(m, len, DUSK_REGION_MIRROR);
	mutex_unlock(&dusk_sess.lock);
	if (err)
		goto err_msg;
	return dusk_answer(msg, info);

err_msg:
	nlmsg_free(msg);
err_free:
	kvfree(m);
	return err;
}

/*
 * MIRROR_FREE: ADDR of a mirror.  A mirror an undo record still refers to
 * (say, the nf_hook_ops of a registered hook), or one that open files may
 * use (file_operations, see fops.c), is not freed: -EBUSY, since the
 * kernel still holds it.
 */
int dusk_nl_mirror_free(struct sk_buff *skb, struct genl_info *info)
{
	struct dusk_region *r;
	u64 addr;
	int err = 0;

	if (!info->attrs[DUSK_A_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "MIRROR_FREE needs ADDR");
		return -EINVAL;
	}
	addr = nla_get_u64(info->attrs[DUSK_A_ADDR]);
	if (info->attrs[DUSK_A_PERCPU])
		return dusk_mirror_free_percpu(info, addr);
	mutex_lock(&dusk_sess.lock);
	r = dusk_region_find(addr, 1);
	if (!r || r->start != addr || r->kind != DUSK_REGION_MIRROR) {
		NL_SET_ERR_MSG(info->extack, "ADDR is not a mirror of this session");
		err = -ENOENT;
	} else if (dusk_undo_refers(r->start, r->len) || r->retained) {
		NL_SET_ERR_MSG(info->extack, "mirror is still registered with the kernel");
		err = -EBUSY;
	} else {
		kvfree((void *)r->start);
		dusk_region_drop(r);
	}
	mutex_unlock(&dusk_sess.lock);
	return err;
}

/**
 * dusk_owned_size() - bytes of the object at @p, a result of a
 * DUSK_STUB_ALLOC stub, that the session may write: the struct of an
 * sk_buff (its data area is checked apart, dusk_skb_data_owned()),
 * ksize() for slab and page allocations, the mapped pages for vmalloc
 * memory.
 */
size_t dusk_owned_size(const void *p, enum dusk_region_kind kind)
{
	size_t n = 0;

	if (kind == DUSK_REGION_SKB)
		return sizeof(struct sk_buff);
	if (!is_vmalloc_addr(p))
		return ksize(p);
	while (n < DUSK_MAX_MIRROR && vmalloc_to_page(p + n))
		n += PAGE_SIZE;
	return n;
}

/**
 * dusk_owned_free() - free an object the session owns as its allocator
 * would: kfree_skb() for an sk_buff, kvfree() for the rest.
 */
void dusk_owned_free(void *p, enum dusk_region_kind kind)
{
	if (kind == DUSK_REGION_SKB)
		kfree_skb(p);
	else
		kvfree(p);
}
