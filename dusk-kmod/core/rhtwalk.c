// SPDX-License-Identifier: GPL-2.0
/*
 * rhashtable walks, one step at a time.
 *
 * rhashtable_walk_start() returns inside an RCU read section that lasts
 * until rhashtable_walk_stop(): each rhashtable_walk_next() in between
 * follows pointers (the bucket table, the element the iterator is at) that
 * only RCU keeps alive.  A user build's thread cannot stay in an RCU read
 * section between its kernel calls (callctx.c stops such a call).  But
 * the kernel itself offers the way out a sleeping walker uses: stop, then
 * start again -- a stopped iterator is linked into its table's walker
 * list, where a resize finds it and tells it to restart, and a start
 * checks that the element it stopped at is still in the table.
 *
 * So the core keeps the program's iterator stopped between its calls:
 * the module's rhashtable_walk_start_check() starts and stops it (its
 * answer is the start's), each rhashtable_walk_next() or _peek() is made
 * between a start and a stop of its own (a start that finds the table
 * resized answers ERR_PTR(-EAGAIN): the iterator rewound, as the kernel's
 * own walk_next() answers a resize), and the module's
 * rhashtable_walk_stop() has nothing left to do.  The element a step
 * answers is not protected by RCU after the step as it is in the kernel
 * build until the stop: the module's objects are the module's, freed by
 * its own code.  An iterator a dead program left entered is exited at
 * the session's end (undo pair rhashtable_walk_enter ->
 * rhashtable_walk_exit): a resize would write into it.
 */
#include <linux/err.h>
#include <linux/rhashtable.h>
#include "dusk-core.h"

enum dusk_rhtwalk_step { DUSK_RHT_START, DUSK_RHT_NEXT, DUSK_RHT_PEEK, DUSK_RHT_STOP };

static const char *const dusk_rhtwalk_calls[] = {
	[DUSK_RHT_START] = "rhashtable_walk_start_check",
	[DUSK_RHT_NEXT] = "rhashtable_walk_next",
	[DUSK_RHT_PEEK] = "rhashtable_walk_peek",
	[DUSK_RHT_STOP] = "rhashtable_walk_stop",
};

static int dusk_rhtwalk_step(const struct dusk_stub_desc *s)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_rhtwalk_calls); i++)
		if (dusk_stub_named(s->name, dusk_rhtwalk_calls[i]))
			return i;
	return -1;
}

/** dusk_rhtwalk_acts_on() - is @s a step of an rhashtable walk? */
bool dusk_rhtwalk_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_rhtwalk_step(s) >= 0;
}

/**
 * dusk_rhtwalk_instead() - make a walk's step with the iterator stopped
 * before and after it.
 * @c: the call; @a: its arguments as the kernel gets them.
 * Return: true when c->ret is the core's answer and the stub must not run.
 */
bool dusk_rhtwalk_instead(struct dusk_call *c, const u64 *a)
{
	int step = dusk_rhtwalk_step(&dusk_gen.stubs[c->stub]);
	struct rhashtable_iter *iter;
	int err;

	if (step < 0 || c->nargs < 1)
		return false;
	iter = (struct rhashtable_iter *)(uintptr_t)a[0];
	switch (step) {
	case DUSK_RHT_START:
		c->ret = (u64)(s64)rhashtable_walk_start_check(iter);
		rhashtable_walk_stop(iter);
		break;
	case DUSK_RHT_NEXT:
	case DUSK_RHT_PEEK:
		err = rhashtable_walk_start_check(iter);
		if (err)
			c->ret = (u64)(uintptr_t)ERR_PTR(err);
		else if (step == DUSK_RHT_NEXT)
			c->ret = (u64)(uintptr_t)rhashtable_walk_next(iter);
		else
			c->ret = (u64)(uintptr_t)rhashtable_walk_peek(iter);
		rhashtable_walk_stop(iter);
		break;
	default:
		c->ret = 0;	/* stopped already */
	}
	return true;
}
