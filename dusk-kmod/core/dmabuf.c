// SPDX-License-Identifier: GPL-2.0
/*
 * A dma-buf the module exported outlives the program.
 *
 * dma_buf_export() hands the kernel the module's struct dma_buf_ops and a
 * priv pointer; the dma-buf then lives as long as any file descriptor,
 * mapping or importer holds it, and calls its ops (mmap, vmap,
 * begin_cpu_access, attach, ..., release last) with the module's priv and
 * whatever priv points to -- typically the buffer itself.  In the kernel
 * build the dma-buf holds the module (exp_info->owner): module exit cannot
 * come before the release, which is where drivers free priv and the
 * buffer.  A user build's program can end first (SIGKILL, or SIGTERM and a
 * module_exit that frees priv and the buffer): teardown freed the mirror
 * of the ops, priv and the buffer under the live dma-buf, and the next
 * mmap() of another process's descriptor called through freed memory
 * (general protection fault, probe round p60).
 *
 * So each dma-buf the session exports is noted until its release, and the
 * mirror of its ops is retained: the program's MIRROR_FREE of it (a
 * program ending frees its globals' mirrors) is refused meanwhile.
 *   - While it lives, memory the module frees that is its priv, or that
 *     priv's words lead to (followed through the session's regions:
 *     priv->vaddr, priv->pages[]), is kept instead, with the note.
 *   - When the session ends under it, the mirror of its ops, priv and all
 *     the session's memory priv leads to are kept with the note, which
 *     stays: the dma-buf is an orphan.  Its ops still lead to this
 *     module's proxies (the dma-buf holds this module, so they stay), but
 *     a call through an orphan never reaches a program -- not even a later
 *     session's, to which the dma-buf means nothing: it is answered
 *     -ENOTCONN (release: nothing), and its release frees what the note
 *     kept.  Memory a process mapped with vm_insert_page() or
 *     remap_vmalloc_range() holds its pages by itself.
 *   - Its release while the session lives runs in the program as before;
 *     what the note kept is freed when the program's release is done.
 * Module exit frees what is still kept (nothing can call the ops then).
 *
 * Which call is the release is told from the proxy: the one in the
 * dma-buf's ops' release slot, called with the dma-buf.
 */
#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

#define DUSK_DMABUF_EXPORT "dma_buf_export"

/* Bounds of the walk from priv: regions looked at, bytes of each read. */
#define DUSK_DMABUF_SPANS 64
#define DUSK_DMABUF_SCAN 4096

struct dusk_dmabuf_kept {
	unsigned long start;
	size_t len;
	enum dusk_region_kind kind;
};

struct dusk_dmabuf {
	struct list_head node;
	const struct dma_buf *buf;
	unsigned long ops;	/* the ops the kernel calls (a mirror of the session) */
	unsigned long priv;
	bool orphan;		/* its session ended */
	bool releasing;		/* its release is running in the program */
	unsigned int nkept;
	struct dusk_dmabuf_kept kept[DUSK_DMABUF_SPANS];
};

/* The notes, under dusk_dmabuf_lock, which is taken under dusk_sess.lock
 * and never around it. */
static DEFINE_MUTEX(dusk_dmabuf_lock);
static LIST_HEAD(dusk_dmabufs);

/* The session's ops mirrors it retained (the program's MIRROR_FREE of them
 * is refused while a dma-buf may call through them), under the same lock:
 * let go at the session's end unless an orphan keeps one. */
struct dusk_dmabuf_ops {
	struct list_head node;
	unsigned long ops;
};
static LIST_HEAD(dusk_dmabuf_ops_held);

/* Retain the session's mirror @ops once.  Caller holds dusk_sess.lock and
 * dusk_dmabuf_lock. */
static void dusk_dmabuf_hold_ops(unsigned long ops)
{
	struct dusk_dmabuf_ops *o;

	list_for_each_entry(o, &dusk_dmabuf_ops_held, node)
		if (o->ops == ops)
			return;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o || !dusk_region_retain(ops, sizeof(struct dma_buf_ops))) {
		kfree(o);	/* not the session's, or leaked rather than freed in use */
		return;
	}
	o->ops = ops;
	list_add(&o->node, &dusk_dmabuf_ops_held);
}

bool dusk_dmabuf_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_named(s->name, DUSK_DMABUF_EXPORT);
}

/**
 * dusk_dmabuf_after_call() - note a dma-buf the session exported.
 * Context: process, no dusk lock held.
 */
void dusk_dmabuf_after_call(const struct dusk_call *c)
{
	const struct dma_buf *buf = (const void *)(uintptr_t)c->ret;
	struct dusk_dmabuf *d;

	if (!dusk_stub_named(dusk_gen.stubs[c->stub].name, DUSK_DMABUF_EXPORT) || c->err ||
	    IS_ERR_OR_NULL(buf))
		return;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		pr_warn("%s: no memory to note an exported dma-buf: its memory goes with the session\n",
			dusk_family.name);
		return;
	}
	d->buf = buf;
	d->ops = (unsigned long)buf->ops;
	d->priv = (unsigned long)buf->priv;
	mutex_lock(&dusk_sess.lock);
	mutex_lock(&dusk_dmabuf_lock);
	dusk_dmabuf_hold_ops(d->ops);
	list_add(&d->node, &dusk_dmabufs);
	mutex_unlock(&dusk_dmabuf_lock);
	mutex_unlock(&dusk_sess.lock);
}

/* Is @addr inside what @d already kept? */
static bool dusk_dmabuf_has(const struct dusk_dmabuf *d, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < d->nkept; i++)
		if (addr - d->kept[i].start < d->kept[i].len)
			return true;
	return false;
}

/* The walk's spans, under dusk_dmabuf_lock. */
static unsigned long dusk_reach_start[DUSK_DMABUF_SPANS];
static size_t dusk_reach_len[DUSK_DMABUF_SPANS];

/* Add the span holding @w -- a region of the session, or one @d kept --
 * to the walk's @n spans, unless it is there. */
static void dusk_dmabuf_add_span(const struct dusk_dmabuf *d, unsigned long w, unsigned int *n)
{
	unsigned long s = 0;
	size_t len = 0;
	unsigned int k;

	if (!dusk_region_span(w, &s, &len))
		for (k = 0; k < d->nkept; k++)
			if (w - d->kept[k].start < d->kept[k].len) {
				s = d->kept[k].start;
				len = d->kept[k].len;
			}
	if (!s || *n == DUSK_DMABUF_SPANS)
		return;
	for (k = 0; k < *n; k++)
		if (dusk_reach_start[k] == s)
			return;
	dusk_reach_start[*n] = s;
	dusk_reach_len[(*n)++] = len;
}

/*
 * The spans @d's priv leads to: priv's own, then each span a word of an
 * earlier one points into (the first DUSK_DMABUF_SCAN bytes of each).  A
 * word is read with copy_from_kernel_nofault(): another thread of the
 * program may be freeing what is looked at.
 * Caller holds dusk_sess.lock and dusk_dmabuf_lock.
 * Return: how many spans (dusk_reach_start[], dusk_reach_len[]).
 */
static unsigned int dusk_dmabuf_reach(const struct dusk_dmabuf *d)
{
	unsigned int n = 0, i;
	unsigned long w;
	size_t off;

	dusk_dmabuf_add_span(d, d->priv, &n);
	for (i = 0; i < n; i++)
		for (off = 0; off + sizeof(w) <= min_t(size_t, dusk_reach_len[i], DUSK_DMABUF_SCAN);
		     off += sizeof(w)) {
			if (copy_from_kernel_nofault(&w, (void *)(dusk_reach_start[i] + off),
						     sizeof(w)))
				break;
			dusk_dmabuf_add_span(d, w, &n);
		}
	return n;
}

/* Take the session's region starting at @start into @d's keeping.  With
 * no room left it is taken all the same, and leaked rather than freed
 * under the dma-buf.  Caller holds dusk_sess.lock and dusk_dmabuf_lock. */
static bool dusk_dmabuf_take(struct dusk_dmabuf *d, unsigned long start)
{
	enum dusk_region_kind kind;
	size_t len;

	if (!dusk_region_take(start, &len, &kind))
		return false;
	if (d->nkept == ARRAY_SIZE(d->kept)) {
		pr_warn("%s: a dma-buf's memory past %zu spans is leaked\n", dusk_family.name,
			ARRAY_SIZE(d->kept));
		return true;
	}
	d->kept[d->nkept].start = start;
	d->kept[d->nkept].len = len;
	d->kept[d->nkept++].kind = kind;
	return true;
}

/* Free what @d kept, and @d.  Nothing can reach it any more. */
static void dusk_dmabuf_free(struct dusk_dmabuf *d)
{
	unsigned int i;

	for (i = 0; i < d->nkept; i++)
		dusk_mem_free(d->kept[i].start, d->kept[i].len, d->kept[i].kind);
	kfree(d);
}

/**
 * dusk_dmabuf_keep() - the module frees @freed: kept instead when a live
 * dma-buf's priv leads to it.
 * @c: the call; @freed: what it frees, or 0 (then the pages a page
 *     allocator call frees, if it is one).
 * Return: true when the call must not be made (c->ret is 0).
 * Context: process, no dusk lock held.
 */
bool dusk_dmabuf_keep(struct dusk_call *c, unsigned long freed)
{
	struct dusk_dmabuf *d;
	unsigned int n, i;
	bool kept = false;

	if (list_empty_careful(&dusk_dmabufs))
		return false;	/* nothing exported: the common case */
	if (!freed)
		freed = dusk_pages_freed_by(c);
	if (!freed)
		return false;
	mutex_lock(&dusk_sess.lock);
	mutex_lock(&dusk_dmabuf_lock);
	list_for_each_entry(d, &dusk_dmabufs, node) {
		if (d->orphan || d->releasing)
			continue;
		n = dusk_dmabuf_reach(d);
		for (i = 0; i < n && dusk_reach_start[i] != freed; i++)
			;
		if (i < n) {
			kept = dusk_dmabuf_take(d, freed);
			break;
		}
	}
	mutex_unlock(&dusk_dmabuf_lock);
	mutex_unlock(&dusk_sess.lock);
	if (kept) {
		pr_info("%s: memory the module freed belongs to a dma-buf still held: kept until its release\n",
			dusk_family.name);
		c->ret = 0;
	}
	return kept;
}

/**
 * dusk_dmabuf_orphan_all() - the session ends: every dma-buf it exported
 * that still lives keeps its ops and what its priv leads to.
 * Context: teardown, after the undo, before the regions are freed; caller
 * holds dusk_sess.lock.
 */
void dusk_dmabuf_orphan_all(void)
{
	struct dusk_dmabuf_ops *o, *tmp;
	struct dusk_dmabuf *d;
	unsigned long start;
	unsigned int n, i;
	size_t len;

	lockdep_assert_held(&dusk_sess.lock);
	mutex_lock(&dusk_dmabuf_lock);
	list_for_each_entry(d, &dusk_dmabufs, node) {
		if (d->orphan)
			continue;
		n = dusk_dmabuf_reach(d);
		for (i = 0; i < n; i++)
			if (!dusk_dmabuf_has(d, dusk_reach_start[i]))
				dusk_dmabuf_take(d, dusk_reach_start[i]);
		if (dusk_region_span(d->ops, &start, &len))
			dusk_dmabuf_take(d, start);
		d->orphan = true;
		pr_info("%s: teardown: a dma-buf the module exported is still held: its ops and memory kept until its release\n",
			dusk_family.name);
	}
	/* an ops mirror no orphan took is the teardown's to free */
	list_for_each_entry_safe(o, tmp, &dusk_dmabuf_ops_held, node) {
		dusk_region_unretain(o->ops, sizeof(struct dma_buf_ops));
		list_del(&o->node);
		kfree(o);
	}
	mutex_unlock(&dusk_dmabuf_lock);
}

/* Is @proxy in @d's ops at @off?  The ops are alive: the kernel is
 * calling through them, or an orphan keeps them. */
static bool dusk_dmabuf_slot_is(const struct dusk_dmabuf *d, size_t off, u32 proxy)
{
	const void *fn = NULL;

	if (copy_from_kernel_nofault(&fn, (void *)(d->ops + off), sizeof(fn)))
		return false;
	return fn == dusk_gen.proxies[proxy].addr;
}

/* Does @proxy, an attachment's op of @d (map_dma_buf, unmap_dma_buf, pin,
 * unpin: their first argument is a struct dma_buf_attachment), act on @d
 * with @args? */
static bool dusk_dmabuf_attachment_of(const struct dusk_dmabuf *d, u32 proxy, const u64 *args)
{
	const struct dma_buf_attachment *at = (const void *)(uintptr_t)args[0];
	struct dma_buf *buf = NULL;

	if (!dusk_dmabuf_slot_is(d, offsetof(struct dma_buf_ops, map_dma_buf), proxy) &&
	    !dusk_dmabuf_slot_is(d, offsetof(struct dma_buf_ops, unmap_dma_buf), proxy) &&
	    !dusk_dmabuf_slot_is(d, offsetof(struct dma_buf_ops, pin), proxy) &&
	    !dusk_dmabuf_slot_is(d, offsetof(struct dma_buf_ops, unpin), proxy))
		return false;
	return !copy_from_kernel_nofault(&buf, &at->dmabuf, sizeof(buf)) && buf == d->buf;
}

/* The note of the dma-buf @proxy is called for with @args: its first
 * argument, or the attachment an orphan's op is handed.  Caller holds
 * dusk_dmabuf_lock. */
static struct dusk_dmabuf *dusk_dmabuf_find(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_dmabuf *d;

	if (!nargs)
		return NULL;
	list_for_each_entry(d, &dusk_dmabufs, node)
		if ((uintptr_t)d->buf == args[0] ||
		    (d->orphan && dusk_dmabuf_attachment_of(d, proxy, args)))
			return d;
	return NULL;
}

/**
 * dusk_dmabuf_enter() - a blocking upcall is about to be raised: one
 * through an orphan's ops is answered here instead (see the file comment).
 * @answer: set to the answer when true is returned.
 * Context: process, no dusk lock held.
 */
bool dusk_dmabuf_enter(u32 proxy, const u64 *args, u32 nargs, u64 *answer)
{
	struct dusk_dmabuf *d;
	bool release;

	if (list_empty_careful(&dusk_dmabufs))
		return false;
	mutex_lock(&dusk_dmabuf_lock);
	d = dusk_dmabuf_find(proxy, args, nargs);
	if (!d) {
		mutex_unlock(&dusk_dmabuf_lock);
		return false;
	}
	release = (uintptr_t)d->buf == args[0] &&
		  dusk_dmabuf_slot_is(d, offsetof(struct dma_buf_ops, release), proxy);
	if (!d->orphan) {
		d->releasing |= release;	/* what the program's release frees, it frees */
		mutex_unlock(&dusk_dmabuf_lock);
		return false;
	}
	if (release)
		list_del(&d->node);
	mutex_unlock(&dusk_dmabuf_lock);
	if (release) {
		dusk_dmabuf_free(d);	/* the kernel's last use of the ops was the load of release */
		*answer = 0;
	} else {
		*answer = (u64)-ENOTCONN;
	}
	return true;
}

/**
 * dusk_dmabuf_leave() - the upcall of dusk_dmabuf_enter() returned: after
 * the program's release, the note goes with what it kept.
 * Context: process, no dusk lock held.
 */
void dusk_dmabuf_leave(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_dmabuf *d;

	if (list_empty_careful(&dusk_dmabufs))
		return;
	mutex_lock(&dusk_dmabuf_lock);
	d = dusk_dmabuf_find(proxy, args, nargs);
	if (d && d->releasing)
		list_del(&d->node);
	else
		d = NULL;
	mutex_unlock(&dusk_dmabuf_lock);
	if (d)
		dusk_dmabuf_free(d);
}

/**
 * dusk_dmabuf_free_all() - module exit: no dma-buf holds this module any
 * more, so none of the notes' ops can be called.
 */
void dusk_dmabuf_free_all(void)
{
	struct dusk_dmabuf *d, *tmp;

	list_for_each_entry_safe(d, tmp, &dusk_dmabufs, node) {
		list_del(&d->node);
		dusk_dmabuf_free(d);
	}
}
