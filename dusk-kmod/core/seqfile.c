// SPDX-License-Identifier: GPL-2.0
/*
 * What the seq_file calls allocate for an open file is the module's to
 * write until the file's release.
 *
 * fs/seq_file.c: seq_open() (and single_open(), single_open_size())
 * allocates the struct seq_file and leaves it in file->private_data, where
 * the module's open may set ->private; __seq_open_private() and
 * seq_open_private() also kzalloc psize bytes of iterator state, left in
 * seq->private, which the module's open and its seq_operations write.
 * seq_release(), single_release() and seq_release_private() free them.
 * The kernel, not the module, frees them (a release called by the VFS), so
 * the memory is never the session's to free: it is recorded here, by file,
 * apart from the owned regions of mem.c, which teardown frees.
 *
 *  - a successful open CALL records the seq_file and the private state of
 *    its file (stale records of an earlier file at that address go first);
 *  - a release CALL the module makes itself forgets its file's records
 *    before the kernel frees them;
 *  - so does a release the kernel makes through the module's proc_ops or
 *    file_operations: the program names seq_release & co. through the
 *    symbol table (dusk_gen.syms), and the core answers the address of a
 *    wrapper here for them (dusk_seqfile_sym()), which forgets and then
 *    calls the kernel's function;
 *  - session teardown forgets everything.
 *
 * proc_create_seq_private() and proc_create_net_data[_write]() open the
 * file themselves (seq_open_private() of ops and state_size in fs/proc);
 * their seq_operations get the private state lent: from the start of a
 * blocking upcall of one of ops' callbacks to its end, the state_size
 * bytes at its seq_file's ->private are writable.
 *
 * dusk_seqfile_lock is a leaf spinlock: dusk_may_write() takes it under
 * qlock, and the release wrappers run wherever the VFS releases a file
 * (also under dusk_sess.lock, when teardown removes a proc entry that is
 * still open).
 */
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

/* Kernel memory of one open file, or lent to one running callback. */
struct dusk_seqmem {
	struct dusk_span span;	/* on dusk_seqmem_list */
	const void *key;	/* the struct file, or the upcall's args */
};

/* A seq_operations the kernel opens files of with private state. */
struct dusk_seqops {
	struct list_head node;
	const struct seq_operations *ops;
	size_t state_size;
};

static DEFINE_SPINLOCK(dusk_seqfile_lock);
static LIST_HEAD(dusk_seqmem_list);	/* struct dusk_seqmem */
static LIST_HEAD(dusk_seqops_list);	/* struct dusk_seqops */
/* The program may write them (mem.c). */
const struct dusk_spans dusk_seqfile_spans = { &dusk_seqfile_lock, &dusk_seqmem_list };

/*
 * Calls that open a seq_file: the struct file argument, and where the
 * private state is (@size_arg bytes): -1 none, 0 the result, 1 the new
 * seq_file's ->private.
 */
static const struct {
	const char *fn;
	u8 file_arg;
	s8 private;
	u8 size_arg;
} dusk_seq_opens[] = {
	{ "seq_open", 0, -1, 0 },
	{ "single_open", 0, -1, 0 },
	{ "single_open_size", 0, -1, 0 },
	{ "__seq_open_private", 0, 0, 2 },
	{ "seq_open_private", 0, 1, 2 },
};

/* Calls that free what the opens allocated: release(inode, file). */
static const char *const dusk_seq_releases[] = {
	"seq_release", "single_release", "seq_release_private",
};

/* Calls that make the kernel open files of seq_operations @ops_arg with
 * @size_arg bytes of private state. */
static const struct {
	const char *fn;
	u8 ops_arg;
	u8 size_arg;
} dusk_seq_creates[] = {
	{ "proc_create_seq_private", 3, 4 },
	{ "proc_create_net_data", 3, 4 },
	{ "proc_create_net_data_write", 3, 5 },
};

/* Forget every record of @key.  Caller holds dusk_seqfile_lock. */
static void dusk_seqmem_remove(const void *key)
{
	struct dusk_seqmem *m, *tmp;

	list_for_each_entry_safe(m, tmp, &dusk_seqmem_list, span.node) {
		if (!key || m->key == key) {
			list_del(&m->span.node);
			kfree(m);
		}
	}
}

/* Record [start, start + len) for @key; @m is a free record or NULL
 * (no memory: it stays the kernel's).  Caller holds dusk_seqfile_lock. */
static void dusk_seqmem_add(const void *key, unsigned long start, size_t len,
			    struct dusk_seqmem *m)
{
	if (!m)
		return;
	if (!start || !len) {
		kfree(m);
		return;
	}
	m->key = key;
	m->span.start = start;
	m->span.len = len;
	list_add(&m->span.node, &dusk_seqmem_list);
}

/* The seq_file of open file @file and its ->private, read without faulting
 * (the file is the program's argument).  Return: 0 or -EFAULT. */
static int dusk_seq_of(u64 file, unsigned long *seq, unsigned long *private)
{
	const struct file *f = (const struct file *)(uintptr_t)file;
	struct seq_file *s;

	if (file < dusk_kspace_start() ||
	    copy_from_kernel_nofault(&s, &f->private_data, sizeof(s)) ||
	    (unsigned long)s < dusk_kspace_start() ||
	    copy_from_kernel_nofault(private, &s->private, sizeof(*private)))
		return -EFAULT;
	*seq = (unsigned long)s;
	return 0;
}

/* After a successful open CALL (entry @i of dusk_seq_opens): the file's
 * seq_file and private state become the program's. */
static void dusk_seq_opened(const struct dusk_call *c, int i)
{
	const void *file = (const void *)(uintptr_t)c->args[dusk_seq_opens[i].file_arg];
	struct dusk_seqmem *seqm, *privm;
	unsigned long seq, private;
	size_t size = 0;

	if (dusk_seq_opens[i].private == 0 ? !c->ret : (int)c->ret)
		return;
	if (dusk_seq_of((u64)(uintptr_t)file, &seq, &private))
		return;
	if (dusk_seq_opens[i].private == 0)
		private = (unsigned long)c->ret;
	if (dusk_seq_opens[i].private >= 0)
		size = (int)c->args[dusk_seq_opens[i].size_arg] > 0 ?
		       (int)c->args[dusk_seq_opens[i].size_arg] : 0;
	seqm = kmalloc(sizeof(*seqm), GFP_KERNEL);
	privm = size ? kmalloc(sizeof(*privm), GFP_KERNEL) : NULL;
	spin_lock(&dusk_seqfile_lock);
	/* a file just opened: records at its address are of a freed one */
	dusk_seqmem_remove(file);
	dusk_seqmem_add(file, seq, sizeof(struct seq_file), seqm);
	if (size)
		dusk_seqmem_add(file, private, size, privm);
	spin_unlock(&dusk_seqfile_lock);
}

/* A proc_create_* CALL that returned an entry: the kernel opens files of
 * its seq_operations with private state, which their callbacks borrow. */
static void dusk_seq_created(const struct dusk_call *c, int i)
{
	u32 size = (u32)c->args[dusk_seq_creates[i].size_arg];
	struct dusk_seqops *o;

	if (IS_ERR_OR_NULL((void *)(uintptr_t)c->ret) || !size)
		return;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return;	/* its state stays the kernel's */
	o->ops = (const struct seq_operations *)(uintptr_t)c->args[dusk_seq_creates[i].ops_arg];
	o->state_size = size;
	spin_lock(&dusk_seqfile_lock);
	list_add(&o->node, &dusk_seqops_list);
	spin_unlock(&dusk_seqfile_lock);
}

/**
 * dusk_seqfile_before_call() - a release the module calls itself: the
 * kernel frees its file's memory during the call, so it stops being the
 * program's first.
 * Context: process, the program's CALL; no dusk lock held.
 */
void dusk_seqfile_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	int i;

	if (c->nargs < 2)
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_seq_releases); i++) {
		if (dusk_stub_named(name, dusk_seq_releases[i])) {
			spin_lock(&dusk_seqfile_lock);
			dusk_seqmem_remove((const void *)(uintptr_t)c->args[1]);
			spin_unlock(&dusk_seqfile_lock);
			return;
		}
	}
}

bool dusk_seqfile_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_seq_releases, ) ||
	       dusk_stub_in(s->name, dusk_seq_opens, .fn) ||
	       dusk_stub_in(s->name, dusk_seq_creates, .fn) || dusk_seqread_acts_on(s);
}

/**
 * dusk_seqfile_after_call() - an open that succeeded, or a proc entry the
 * kernel opens with private state: record what becomes the program's.
 * Context: process, the program's CALL; no dusk lock held.
 */
void dusk_seqfile_after_call(const struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	int i;

	if (c->err)
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_seq_opens); i++) {
		if (dusk_stub_named(s->name, dusk_seq_opens[i].fn) &&
		    dusk_seq_opens[i].file_arg < c->nargs &&
		    (dusk_seq_opens[i].private < 0 || dusk_seq_opens[i].size_arg < c->nargs)) {
			dusk_seq_opened(c, i);
			return;
		}
	}
	/* a proc entry the kernel reads with seq_read_iter() (seqread.c) */
	dusk_seqread_created(s->name, c->ret);
	for (i = 0; i < ARRAY_SIZE(dusk_seq_creates); i++) {
		if (dusk_stub_named(s->name, dusk_seq_creates[i].fn) &&
		    dusk_seq_creates[i].size_arg < c->nargs) {
			dusk_seq_created(c, i);
			return;
		}
	}
}

/* The private state size of the recorded seq_operations one of whose
 * callbacks is @fn, or 0.  Caller holds dusk_seqfile_lock. */
static size_t dusk_seq_state_of(const void *fn)
{
	const struct dusk_seqops *o;

	list_for_each_entry(o, &dusk_seqops_list, node)
		if (READ_ONCE(o->ops->start) == fn || READ_ONCE(o->ops->next) == fn ||
		    READ_ONCE(o->ops->stop) == fn || READ_ONCE(o->ops->show) == fn)
			return o->state_size;
	return 0;
}

/**
 * dusk_seqfile_lend() - a blocking upcall that runs callback @fn of a
 * seq_operations on @seq is about to be raised: when the kernel opens files
 * of those seq_operations with private state, the state at @seq->private is
 * lent to it, recorded under @key until dusk_seqfile_leave(@key).
 * Context: process, the kernel's caller.
 */
void dusk_seqfile_lend(const void *fn, const struct seq_file *seq, const void *key)
{
	struct dusk_seqmem *m;
	size_t size;

	if (list_empty(&dusk_seqops_list) || (unsigned long)seq < dusk_kspace_start())
		return;
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	spin_lock(&dusk_seqfile_lock);
	size = dusk_seq_state_of(fn);
	if (size)
		dusk_seqmem_add(key, (unsigned long)seq->private, size, m);
	else
		kfree(m);
	spin_unlock(&dusk_seqfile_lock);
}

/**
 * dusk_seqfile_enter() - a blocking upcall is about to be raised: when it
 * is a callback of seq_operations the kernel opens with private state, the
 * state at its seq_file's ->private (args[0]) is lent to it.
 * Context: process, the kernel's caller of the proxy.
 */
void dusk_seqfile_enter(u32 proxy, const u64 *args, u32 nargs)
{
	if (nargs)
		dusk_seqfile_lend(dusk_gen.proxies[proxy].addr,
				  (const struct seq_file *)(uintptr_t)args[0], args);
}

/**
 * dusk_seqfile_leave() - the upcall of dusk_seqfile_enter() returned: what
 * was lent to it is given back.
 * Context: process.
 */
void dusk_seqfile_leave(const u64 *args, u32 nargs)
{
	if (!nargs || list_empty(&dusk_seqops_list))
		return;
	spin_lock(&dusk_seqfile_lock);
	dusk_seqmem_remove(args);
	spin_unlock(&dusk_seqfile_lock);
}

/**
 * dusk_seqfile_forget_all() - the session ends: nothing is the program's.
 * Context: teardown.
 */
void dusk_seqfile_forget_all(void)
{
	struct dusk_seqops *o, *tmp;

	spin_lock(&dusk_seqfile_lock);
	dusk_seqmem_remove(NULL);
	list_for_each_entry_safe(o, tmp, &dusk_seqops_list, node) {
		list_del(&o->node);
		kfree(o);
	}
	spin_unlock(&dusk_seqfile_lock);
}

/* The release the VFS calls: the file's memory stops being the program's
 * before the kernel frees it. */
static void dusk_seqfile_released(struct file *file)
{
	spin_lock(&dusk_seqfile_lock);
	dusk_seqmem_remove(file);
	spin_unlock(&dusk_seqfile_lock);
}

static int dusk_seq_release(struct inode *inode, struct file *file)
{
	dusk_seqfile_released(file);
	return seq_release(inode, file);
}

static int dusk_single_release(struct inode *inode, struct file *file)
{
	dusk_seqfile_released(file);
	return single_release(inode, file);
}

static int dusk_seq_release_private(struct inode *inode, struct file *file)
{
	dusk_seqfile_released(file);
	return seq_release_private(inode, file);
}

/**
 * dusk_seqfile_sym() - the address the program gets for kernel symbol
 * @addr: the wrapper of a seq_file release or read (seqread.c), else @addr
 * itself.
 */
const void *dusk_seqfile_sym(const void *addr)
{
	if (addr == (const void *)seq_release)
		return dusk_seq_release;
	if (addr == (const void *)single_release)
		return dusk_single_release;
	if (addr == (const void *)seq_release_private)
		return dusk_seq_release_private;
	return dusk_seqread_sym(addr);
}
