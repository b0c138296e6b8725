// SPDX-License-Identifier: GPL-2.0
/*
 * A read() of the program's seq_file fills its buffer in one upcall.
 *
 * The kernel's seq_read_iter() (fs/seq_file.c) calls ->start, ->show,
 * ->next and ->stop once per record, and through the generated proxies
 * each is a blocking upcall: a hash table's seq_file (one ->next and one
 * ->show per bucket, empty or not) costs thousands of round trips per
 * read.  The program names seq_read and seq_read_iter through the symbol
 * table, and the core answers the addresses of the wrappers here for them
 * (dusk_seqfile_sym()), as it does for the releases.  A wrapper does the
 * kernel's bookkeeping itself -- m->lock, the buffer, the leftovers of the
 * last read, copy_to_iter(), ki_pos and read_pos -- and for "get records
 * into m->buf" raises one DUSK_UPCALL_SEQFILL upcall, in which the program
 * runs the module's start/show/next/stop with seq_read_iter()'s rules
 * (libduskrt/seqfill.c).  The show's seq_printf() & co. stay kernel calls
 * writing the real buffer; they run in the reader's context, nested in the
 * upcall.  A record larger than the buffer: the program calls stop and
 * answers DUSK_SEQFILL_GROW, the wrapper doubles the buffer and asks again.
 *
 * The kernel's own seq_read_iter() serves (one upcall per callback,
 * correct, slow) what the fill cannot: a read at another position than the
 * last one ended at (lseek, pread: traverse() replays the records up to
 * it), and a seq_file whose seq_operations are not this session's
 * proxies.  single_open()'s start/next/stop are static in fs/seq_file.c:
 * their addresses are learnt at init from a single_open() of our own, and
 * the program does what they do.
 *
 * The proc entries the kernel makes with its own proc_ops
 * (proc_create_seq_private(), proc_create_single_data(), their macros and
 * the proc_create_net_* ones) read with the kernel's seq_read_iter(): once
 * the CALL made one, its proc_ops become a copy that reads with the
 * wrapper (dusk_seqread_created()); the open, lseek and release stay the
 * kernel's, pde_data() stays the module's data.
 *
 * The upcall is blocking with the usual rules (bounded by block_timeout_ms
 * of silence, killable, -ENOTCONN when the session ends): a failed fill
 * leaves the buffer empty and the read fails with that error; the seq_file
 * stays the kernel's, its buffer and size as they were.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "dusk-core.h"

/* single_open()'s iterator: start, next, stop; set at init. */
static const void *dusk_single_ops[3];

/* What the fill lends: the seq_file, its buffer (A_SIZE bytes). */
static const u32 dusk_seqfill_lent[DUSK_SEQFILL_NARGS] = {
	[DUSK_SEQFILL_A_SEQ] = sizeof(struct seq_file),
	[DUSK_SEQFILL_A_BUF] = DUSK_LENT_ARG(DUSK_SEQFILL_A_SIZE),
};

/* Calls that make a proc entry whose proc_ops (fs/proc's own) read with
 * seq_read_iter(): proc_create_seq(), proc_create_seq_data() and
 * proc_create_single() are macros of the first two. */
static const char *const dusk_seq_entries[] = {
	"proc_create_seq_private", "proc_create_single_data",
	"proc_create_net_data", "proc_create_net_data_write",
	"proc_create_net_single", "proc_create_net_single_write",
};

/* A kernel proc_ops (fs/proc's), and our copy of it that reads through
 * dusk_seq_read_iter(). */
struct dusk_seq_pops {
	struct list_head node;
	const struct proc_ops *orig;
	struct proc_ops copy;
};

static DEFINE_MUTEX(dusk_seq_pops_lock);
static LIST_HEAD(dusk_seq_pops_list);

/**
 * dusk_seqread_init() - learn single_open()'s start, next and stop (static
 * in fs/seq_file.c) from a single_open() of a file of our own.  Without
 * them single_open() files are read the kernel's way.
 * Context: module init.
 * Return: 0 (a failure only leaves single_open() files to the kernel).
 */
int dusk_seqread_init(void)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);
	const struct seq_operations *op;

	if (!f)
		return 0;
	if (!single_open(f, NULL, NULL)) {
		op = ((struct seq_file *)f->private_data)->op;
		dusk_single_ops[0] = op->start;
		dusk_single_ops[1] = op->next;
		dusk_single_ops[2] = op->stop;
		single_release(NULL, f);
	}
	kfree(f);
	return 0;
}

/**
 * dusk_seqread_exit() - free the proc_ops copies; no entry of a session
 * uses them any more (teardown removed them).
 * Context: module exit.
 */
void dusk_seqread_exit(void)
{
	struct dusk_seq_pops *o, *tmp;

	list_for_each_entry_safe(o, tmp, &dusk_seq_pops_list, node) {
		list_del(&o->node);
		kfree(o);
	}
}

/* The index of the blocking proxy at @fn taking @nargs arguments, or
 * DUSK_SEQFILL_SINGLE for single_open()'s own callback @single; -1 when
 * @fn is neither. */
static s64 dusk_seqread_proxy(const void *fn, u8 nargs, int single)
{
	u32 i;

	if (!fn)
		return -1;
	if (single >= 0 && fn == dusk_single_ops[single])
		return DUSK_SEQFILL_SINGLE;
	for (i = 0; i < dusk_gen.nproxies; i++)
		if (dusk_gen.proxies[i].addr == fn &&
		    dusk_gen.proxies[i].kind == DUSK_PROXY_BLOCKING &&
		    dusk_gen.proxies[i].nargs == nargs)
			return i;
	return -1;
}

/* Is @op the session's (every callback a proxy, or single_open()'s own)?
 * Then its indices are in @args. */
static bool dusk_seqread_ours(const struct seq_operations *op, u64 *args)
{
	s64 start, next, stop, show;

	if (!op || !READ_ONCE(dusk_sess.alive))
		return false;
	start = dusk_seqread_proxy(READ_ONCE(op->start), 2, 0);
	next = dusk_seqread_proxy(READ_ONCE(op->next), 3, 1);
	stop = dusk_seqread_proxy(READ_ONCE(op->stop), 2, 2);
	show = dusk_seqread_proxy(READ_ONCE(op->show), 2, -1);
	if (start < 0 || next < 0 || stop < 0 || show < 0)
		return false;
	args[DUSK_SEQFILL_A_START] = start;
	args[DUSK_SEQFILL_A_NEXT] = next;
	args[DUSK_SEQFILL_A_STOP] = stop;
	args[DUSK_SEQFILL_A_SHOW] = show;
	return true;
}

/* fs/seq_file.c's seq_buf_alloc() (static there). */
static void *dusk_seq_buf_alloc(size_t size)
{
	if (unlikely(size > MAX_RW_COUNT))
		return NULL;
	return kvmalloc(size, GFP_KERNEL_ACCOUNT);
}

/*
 * Get records into m->buf (m->count is 0, m->from 0): one upcall, another
 * per doubling of the buffer.  Caller holds m->lock.
 * Return: 1 records are in the buffer, 0 the end (nothing), or -errno.
 */
static int dusk_seqread_fill(struct seq_file *m, size_t want, u64 *args)
{
	void *buf;
	size_t size;
	s64 ret;

	args[DUSK_SEQFILL_A_SEQ] = (u64)(uintptr_t)m;
	args[DUSK_SEQFILL_A_WANT] = want;
	args[DUSK_SEQFILL_A_INDEX] = (u64)(uintptr_t)&m->index;
	args[DUSK_SEQFILL_A_COUNT] = (u64)(uintptr_t)&m->count;
	for (;;) {
		buf = m->buf;
		size = m->size;
		args[DUSK_SEQFILL_A_BUF] = (u64)(uintptr_t)buf;
		args[DUSK_SEQFILL_A_SIZE] = size;
		/* a proc_create_seq_private() file: its state is lent */
		dusk_seqfile_lend(m->op->show, m, args);
		ret = (s64)dusk_upcall_wait(args[DUSK_SEQFILL_A_SHOW], DUSK_UPCALL_SEQFILL,
					    dusk_seqfill_lent, args, DUSK_SEQFILL_NARGS);
		dusk_seqfile_leave(args, DUSK_SEQFILL_NARGS);
		if (m->buf != buf || m->size != size || m->count > size) {
			/* the buffer is the kernel's: never moved by the program */
			pr_warn_ratelimited("%s: seq_file fill moved the buffer: -EIO\n",
					    dusk_family.name);
			m->buf = buf;
			m->size = size;
			m->count = 0;
			return -EIO;
		}
		if (ret < 0 || ret == 0)
			return ret;
		if (ret == DUSK_SEQFILL_GROW) {	/* stop was called */
			kvfree(m->buf);
			m->count = 0;
			m->buf = dusk_seq_buf_alloc(m->size <<= 1);
			if (!m->buf)
				return -ENOMEM;
			continue;
		}
		if ((ret & ~DUSK_SEQFILL_BUGGY_NEXT) != DUSK_SEQFILL_FILLED || !m->count)
			return -EIO;
		if (ret & DUSK_SEQFILL_BUGGY_NEXT)
			pr_info_ratelimited("buggy .next function %ps did not update position index\n",
					    m->op->next);
		return 1;
	}
}

/**
 * dusk_seq_read_iter() - seq_read_iter() with the records of the program's
 * seq_operations got in one upcall.
 * Context: process, the reader's read(); may sleep.
 */
static ssize_t dusk_seq_read_iter(struct kiocb *iocb, struct iov_iter *iter)
{
	struct seq_file *m = iocb->ki_filp->private_data;
	u64 args[DUSK_SEQFILL_NARGS] = { 0 };
	size_t copied = 0;
	size_t n;
	int err = 0;

	if (!iov_iter_count(iter))
		return 0;
	if (!dusk_seqread_ours(m->op, args))
		return seq_read_iter(iocb, iter);

	mutex_lock(&m->lock);
	if (iocb->ki_pos == 0) {
		/* back to the first record: seq_read_iter()'s reset, and
		 * what its traverse(m, 0) does when read_pos was elsewhere */
		m->index = 0;
		m->count = 0;
		m->from = 0;
		m->read_pos = 0;
	} else if (unlikely(iocb->ki_pos != m->read_pos)) {
		/* traverse() replays the records up to ki_pos: the kernel's */
		mutex_unlock(&m->lock);
		return seq_read_iter(iocb, iter);
	}

	if (!m->buf) {
		m->buf = dusk_seq_buf_alloc(m->size = PAGE_SIZE);
		if (!m->buf) {
			err = -ENOMEM;
			goto done;
		}
	}
	/* something left in the buffer: copy it out first */
	if (m->count) {
		n = copy_to_iter(m->buf + m->from, m->count, iter);
		m->count -= n;
		m->from += n;
		copied += n;
		if (m->count)
			goto done;
	}
	m->from = 0;
	err = dusk_seqread_fill(m, iov_iter_count(iter), args);
	if (err <= 0) {		/* the end, or an error */
		m->count = 0;
		goto done;
	}
	n = copy_to_iter(m->buf, m->count, iter);
	copied += n;
	m->count -= n;
	m->from = n;
done:
	if (unlikely(!copied)) {
		copied = m->count ? -EFAULT : err;
	} else {
		iocb->ki_pos += copied;
		m->read_pos += copied;
	}
	mutex_unlock(&m->lock);
	return copied;
}

/* seq_read() on top of dusk_seq_read_iter(), as fs/seq_file.c's is. */
static ssize_t dusk_seq_read(struct file *file, char __user *buf, size_t size, loff_t *ppos)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct kiocb kiocb;
	struct iov_iter iter;
	ssize_t ret;

	init_sync_kiocb(&kiocb, file);
	iov_iter_init(&iter, ITER_DEST, &iov, 1, size);
	kiocb.ki_pos = *ppos;
	ret = dusk_seq_read_iter(&kiocb, &iter);
	*ppos = kiocb.ki_pos;
	return ret;
}

/**
 * dusk_seqread_sym() - the address the program gets for kernel symbol
 * @addr: the wrapper of seq_read or seq_read_iter, else @addr itself.
 */
const void *dusk_seqread_sym(const void *addr)
{
	if (addr == (const void *)seq_read)
		return dusk_seq_read;
	if (addr == (const void *)seq_read_iter)
		return dusk_seq_read_iter;
	return addr;
}

/* Our copy of kernel proc_ops @orig, made on first use; NULL without
 * memory.  Caller holds dusk_seq_pops_lock. */
static const struct proc_ops *dusk_seq_pops_of(const struct proc_ops *orig,
					       const struct proc_ops *val)
{
	struct dusk_seq_pops *o;

	list_for_each_entry(o, &dusk_seq_pops_list, node)
		if (o->orig == orig)
			return &o->copy;
	o = kmalloc(sizeof(*o), GFP_KERNEL);
	if (!o)
		return NULL;
	o->orig = orig;
	o->copy = *val;
	o->copy.proc_read_iter = dusk_seq_read_iter;
	list_add(&o->node, &dusk_seq_pops_list);
	return &o->copy;
}

/* Words of a proc_dir_entry searched for its proc_ops: the start of the
 * smallest allocation fs/proc makes for one (SIZEOF_PDE, 128 bytes). */
#define DUSK_PDE_WORDS	(128 / sizeof(unsigned long))

/**
 * dusk_seqread_created() - after a successful CALL of kernel function @fn
 * that returned proc entry @pde: when it is one the kernel reads with its
 * own proc_ops and seq_read_iter() (proc_create_seq_private() & co.), the
 * entry gets a copy of those proc_ops that reads with dusk_seq_read_iter(),
 * so its reads are one upcall each too.
 *
 * struct proc_dir_entry is fs/proc's own (fs/proc/internal.h): its
 * proc_ops is found as the word, among its first 128 bytes, that points to
 * a proc_ops reading with seq_read_iter() and seeking with seq_lseek() (the
 * entry's data or parent cannot be one: they are the module's object, a
 * directory).  The entry is live (readers may open it): the pointer is
 * replaced in one store, and either proc_ops reads right.
 * Context: process, the program's CALL.
 */
void dusk_seqread_created(const char *fn, u64 pde)
{
	unsigned long *word = (unsigned long *)(uintptr_t)pde;
	const struct proc_ops *orig, *copy;
	struct proc_ops val;
	unsigned long w;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(dusk_seq_entries); i++)
		if (dusk_stub_named(fn, dusk_seq_entries[i]))
			break;
	if (i == ARRAY_SIZE(dusk_seq_entries) || IS_ERR_OR_NULL(word) || pde < dusk_kspace_start())
		return;
	for (i = 0; i < DUSK_PDE_WORDS; i++) {
		w = READ_ONCE(word[i]);
		orig = (const struct proc_ops *)w;
		if (w < dusk_kspace_start() || !IS_ALIGNED(w, sizeof(long)) ||
		    copy_from_kernel_nofault(&val, orig, sizeof(val)) ||
		    val.proc_read_iter != seq_read_iter || val.proc_lseek != seq_lseek)
			continue;
		mutex_lock(&dusk_seq_pops_lock);
		copy = dusk_seq_pops_of(orig, &val);
		if (copy)
			WRITE_ONCE(word[i], (unsigned long)copy);
		mutex_unlock(&dusk_seq_pops_lock);
		return;
	}
}

bool dusk_seqread_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_seq_entries, );
}
