// SPDX-License-Identifier: GPL-2.0
/*
 * blk-mq block drivers: ->queue_rq() runs in the program.
 *
 * blk-mq dispatches a request to the driver's ->queue_rq() inside
 * blk_mq_run_dispatch_ops(): under rcu_read_lock(), where the blocking
 * proxy cannot wait for the program (it answered -EWOULDBLOCK, a status
 * byte of garbage, and the request never ended), unless the tag set is
 * BLK_MQ_F_BLOCKING, for drivers whose ->queue_rq() sleeps: then it runs
 * under the tag set's SRCU, in process context (the submitter, or
 * kblockd).  So every tag set the module allocates is made
 * BLK_MQ_F_BLOCKING before blk_mq_alloc_tag_set() (or
 * blk_mq_alloc_sq_tag_set()) reads its flags, and ->queue_rq(),
 * ->commit_rqs(), ->queue_rqs(), ->timeout() and the init/exit callbacks
 * are ordinary blocking upcalls.  The module sees the flag in its tag set.
 *
 * ->complete() is run by blk_mq_complete_request() in the caller's
 * context, or in softirq or IPI context on the CPU that submitted the
 * request, where no blocking proxy can wait for the program: there its
 * proxy runs it *late* (dusk_blkmq_defer_complete()): a work item raises
 * the upcall in process context, as blk-mq's own softirq would have run
 * it a moment later.  A ->complete() that does not answer (no session,
 * the program died in it) sees its request ended with an I/O error.
 *
 * The request a callback is handed is lent to it (DUSK_LENT_RQ: a struct
 * request *; DUSK_LENT_MQ_DATA: ->queue_rq()'s struct blk_mq_queue_data,
 * whose ->rq it is): the struct request and the driver's per-request data
 * after it (blk_mq_rq_to_pdu(), cmd_size bytes), and the data of the
 * segments of its bios (rq_for_each_segment()), which a read fills.
 *
 * A ->queue_rq() that does not answer (the program died, timed out or was
 * killed in it) must still see its request ended exactly once: dispatch
 * ends a request with the error ->queue_rq() answers, so the proxy
 * answers BLK_STS_IOERR when the module had not ended it by a nested call,
 * BLK_STS_OK when it had (blocking.c).
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "dusk-core.h"

/* ->complete() upcalls raised from atomic context, run late. */
struct dusk_blkmq_late {
	struct work_struct work;
	u32 proxy;
	u64 args[1];	/* the request */
};

static struct workqueue_struct *dusk_blkmq_wq;

/* Calls that allocate a tag set (argument 0), and the argument holding
 * its flags (-1: set->flags). */
static const struct {
	const char *fn;
	s8 flags_arg;
} dusk_tag_set_allocs[] = {
	{ "blk_mq_alloc_tag_set", -1 },
	{ "blk_mq_alloc_sq_tag_set", 3 },
};

/* Nested calls that end (or give back) the request their argument 0 is. */
static const char *const dusk_rq_enders[] = {
	"blk_mq_end_request", "__blk_mq_end_request", "blk_mq_complete_request",
	"blk_mq_requeue_request",
};

/* The largest per-request driver data (cmd_size) of the module's tag sets:
 * ->init_request() is handed a request not yet tied to a queue. */
static unsigned int dusk_blkmq_max_cmd;

static int dusk_tag_set_alloc(const char *name)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_tag_set_allocs); i++)
		if (dusk_name_is(name, dusk_tag_set_allocs[i].fn))
			return i;
	return -1;
}

bool dusk_blkmq_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_tag_set_alloc(s->name) >= 0;
}

/**
 * dusk_blkmq_before_call() - make the tag set call @c allocates
 * BLK_MQ_F_BLOCKING, so that its ->queue_rq() runs where the program can
 * answer it.
 * Context: process, before the stub.
 */
void dusk_blkmq_before_call(struct dusk_call *c)
{
	int k = dusk_tag_set_alloc(dusk_gen.stubs[c->stub].name);
	struct blk_mq_tag_set *set;
	s8 arg;

	if (k < 0 || !c->nargs)
		return;
	arg = dusk_tag_set_allocs[k].flags_arg;
	if (arg >= 0) {
		if (arg < c->nargs)
			c->args[arg] |= BLK_MQ_F_BLOCKING;
		return;
	}
	set = (void *)(uintptr_t)c->args[0];
	/* the module's own tag set (a mirror, or memory it owns); any other
	 * pointer is the stub's to reject or oops on as in the kernel build */
	if (!dusk_may_write_now(c->args[0], sizeof(*set)))
		return;
	set->flags |= BLK_MQ_F_BLOCKING;
	if (set->cmd_size > READ_ONCE(dusk_blkmq_max_cmd))
		WRITE_ONCE(dusk_blkmq_max_cmd, set->cmd_size);
}

/**
 * dusk_rq_span() - the bytes of request @rq a callback is lent besides its
 * segments' data: the struct and the driver's per-request data after it.
 * Context: a callback @rq was handed to is running.
 */
u64 dusk_rq_span(const struct request *rq)
{
	const struct blk_mq_tag_set *set = rq->q ? rq->q->tag_set : NULL;

	/* no queue yet: ->init_request() (blk_mq_alloc_rqs() carved it out
	 * of pages, its data after it, for one of the module's tag sets) */
	return sizeof(struct request) + (set ? set->cmd_size : READ_ONCE(dusk_blkmq_max_cmd));
}

/**
 * dusk_rq_lent() - is [addr, addr+len) lent with request @rq: its span
 * (dusk_rq_span()) or the data of a segment still to do of one of its
 * bios (rq_for_each_segment())?
 * Context: a callback @rq was handed to is running; caller holds qlock.
 */
bool dusk_rq_lent(const struct request *rq, u64 addr, u64 len)
{
	u64 start = (u64)(uintptr_t)rq, n = dusk_rq_span(rq), cur = addr;
	struct bio *bio;
	bool moved;

	if (addr >= start && len <= n && addr - start <= n - len)
		return true;
	/* neighbouring segments, of one bio or of merged ones, as one range */
	do {
		moved = false;
		for (bio = rq->bio; bio && cur - addr < len; bio = bio->bi_next)
			moved |= dusk_bio_cover(bio, &cur);
	} while (moved && cur - addr < len);
	return len && cur - addr >= len;
}

/**
 * dusk_lent_rq() - the request argument @arg lends (DUSK_LENT_RQ: the
 * request itself; DUSK_LENT_MQ_DATA: the queue data's ->rq), or NULL.
 * Context: a callback @arg was handed to is running.
 */
const struct request *dusk_lent_rq(u32 lent, u64 arg)
{
	if (arg < dusk_kspace_start())
		return NULL;
	if (lent == DUSK_LENT_RQ)
		return (const struct request *)(uintptr_t)arg;
	if (lent == DUSK_LENT_MQ_DATA)
		return ((const struct blk_mq_queue_data *)(uintptr_t)arg)->rq;
	return NULL;
}

/**
 * dusk_rq_ended_by() - does nested call @c end (or give back) request @rq?
 */
bool dusk_rq_ended_by(const struct dusk_call *c, const struct request *rq)
{
	if (c->err || !c->nargs || c->args[0] != (u64)(uintptr_t)rq)
		return false;
	return dusk_name_in(dusk_gen.stubs[c->stub].name, dusk_rq_enders, );
}

/**
 * dusk_rq_unanswered() - what a ->queue_rq() that did not answer answers:
 * BLK_STS_OK when the module ended its request already (@ended), else
 * BLK_STS_IOERR, with which dispatch ends it.
 */
u64 dusk_rq_unanswered(const char *proxy, bool ended)
{
	pr_warn_ratelimited("%s: %s did not answer: its request %s\n", dusk_family.name, proxy,
			    ended ? "had ended" : "ends with an I/O error");
	return ended ? BLK_STS_OK : BLK_STS_IOERR;
}

static void dusk_blkmq_late_fn(struct work_struct *work)
{
	struct dusk_blkmq_late *l = container_of(work, struct dusk_blkmq_late, work);
	struct request *rq = (struct request *)(uintptr_t)l->args[0];
	bool ended = false;
	u64 ret;

	ret = dusk_upcall_wait_ended(l->proxy, 0, dusk_gen.proxies[l->proxy].lent, l->args, 1,
				     &ended);
	if (IS_ERR_VALUE((unsigned long)ret) && !ended) {
		pr_warn_ratelimited("%s: %s did not answer: its request ends with an I/O error\n",
				    dusk_family.name, dusk_gen.proxies[l->proxy].name);
		blk_mq_end_request(rq, BLK_STS_IOERR);
	}
	kfree(l);
}

/**
 * dusk_blkmq_defer_complete() - run a blk-mq ->complete(rq) raised in
 * atomic context late, in process context.
 * @lent: the proxy's lent table; a ->complete() is its only argument, a
 *        request (DUSK_LENT_RQ), and answers nothing.
 *
 * Context: atomic (softirq, IPI), the proxy of ->complete().
 * Return: true when it is run late (or, with no memory for that, its
 * request ended with an I/O error here); false: no ->complete().
 */
bool dusk_blkmq_defer_complete(u32 proxy, const u32 *lent, const u64 *args, u32 nargs)
{
	struct request *rq = (struct request *)(uintptr_t)args[0];
	struct dusk_blkmq_late *l;

	if (nargs != 1 || !lent || lent[0] != DUSK_LENT_RQ || !dusk_blkmq_wq ||
	    args[0] < dusk_kspace_start())
		return false;
	l = kmalloc(sizeof(*l), GFP_ATOMIC);
	if (!l) {
		blk_mq_end_request(rq, BLK_STS_IOERR);
		return true;
	}
	INIT_WORK(&l->work, dusk_blkmq_late_fn);
	l->proxy = proxy;
	l->args[0] = args[0];
	queue_work(dusk_blkmq_wq, &l->work);
	return true;
}

int dusk_blkmq_init(void)
{
	dusk_blkmq_wq = alloc_workqueue("dusk_blkmq", WQ_MEM_RECLAIM, 0);
	return dusk_blkmq_wq ? 0 : -ENOMEM;
}

/* Before the module's text goes: every late ->complete() has run (the
 * session ended first, so each ended at once). */
void dusk_blkmq_exit(void)
{
	destroy_workqueue(dusk_blkmq_wq);
	dusk_blkmq_wq = NULL;
}
