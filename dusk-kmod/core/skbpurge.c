// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions that free a whole queue or list of packets.
 *
 * The session's sk_buffs -- the module's allocations and the packets
 * handed over to it (skbhand.c) -- stop being its when the module frees
 * them: each kfree_skb() or consume_skb() is a stub that forgets the
 * packet (call.c).  A kernel function that frees many at once does it
 * where no stub sees each one: skb_queue_purge() empties a queue the
 * module filled (a virtual NIC's ndo_stop purging its transmit queue),
 * kfree_skb_list_reason() frees the packets chained after the one its
 * argument names.  Those packets stayed the session's, and the teardown
 * freed them again: a kernel BUG in the slab's next user (probe round
 * p60).  So before such a call the session's packets in that queue or
 * list are forgotten, as a kfree_skb() of each would forget them.
 */
#include <linux/mm.h>
#include <linux/skbuff.h>
#include "dusk-core.h"

/* arg 0: the struct sk_buff_head emptied */
static const char *const dusk_skb_purges[] = { "skb_queue_purge" };
/* arg 0: the first packet (a DUSK_STUB_FREE argument), then its ->next */
static const char *const dusk_skb_lists[] = { "kfree_skb_list_reason" };

/* Packets looked at, at most, in one queue or list. */
#define DUSK_SKB_PURGE_MAX 65536

bool dusk_skbpurge_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_skb_purges, ) || dusk_stub_in(s->name, dusk_skb_lists, );
}

/* The packets of queue @q, at most @max, into @v.  Takes its lock. */
static u32 dusk_skb_queued(struct sk_buff_head *q, struct sk_buff **v, u32 max)
{
	struct sk_buff *skb;
	unsigned long flags;
	u32 n = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb_queue_walk(q, skb) {
		if (n == max)
			break;
		v[n++] = skb;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

/* The packets chained after @first, at most @max, into @v (or only
 * counted, without @v). */
static u32 dusk_skb_chained(const struct sk_buff *first, struct sk_buff **v, u32 max)
{
	struct sk_buff *skb;
	u32 n = 0;

	for (skb = first->next; skb && n < max; skb = skb->next) {
		if (v)
			v[n] = skb;
		n++;
	}
	return n;
}

/**
 * dusk_skbpurge_before_call() - the session's packets that a queue purge
 * or a list free is about to free stop being the session's.
 * Context: process, before the stub runs, no dusk lock held.
 */
void dusk_skbpurge_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	bool queue = dusk_stub_in(name, dusk_skb_purges, );
	void *arg = (void *)(uintptr_t)(c->nargs ? c->args[0] : 0);
	struct sk_buff **v;
	u32 max, n, i;

	if (!arg || (!queue && !dusk_stub_in(name, dusk_skb_lists, )))
		return;
	max = queue ? skb_queue_len(arg) : dusk_skb_chained(arg, NULL, DUSK_SKB_PURGE_MAX);
	max = min_t(u32, max, DUSK_SKB_PURGE_MAX);
	if (!max)
		return;
	v = kvmalloc_array(max, sizeof(*v), GFP_KERNEL);
	if (!v)
		return;	/* they stay the session's: freed twice, as before */
	n = queue ? dusk_skb_queued(arg, v, max) : dusk_skb_chained(arg, v, max);
	mutex_lock(&dusk_sess.lock);
	for (i = 0; i < n; i++)
		if (dusk_region_owns_skb(v[i]))
			dusk_region_forget(v[i]);
	mutex_unlock(&dusk_sess.lock);
	kvfree(v);
}
