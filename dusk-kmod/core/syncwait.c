// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel calls that wait for the module's callbacks wait for the program's.
 *
 * A timer, tasklet or RCU callback of the module runs in the program: the
 * kernel runs its proxy, which queues an async upcall and returns at once
 * (upcall.c).  del_timer_sync(), tasklet_kill() or rcu_barrier() therefore
 * return in the kernel once the *proxy* has run, while the program may not
 * have run the module's callback yet, or be running it.  The module relies
 * on the contrary: right after, it reads what the callback recorded, frees
 * the object the callback writes, or destroys the cache the callback frees
 * into.  So after such a stub the core waits until the program has
 * answered the async upcalls of that callback raised before the stub
 * returned (their REPLY, their expiry after nf_timeout_ms, or the end of
 * the session; a fatal signal ends the wait too).  If it had to wait, the
 * stub runs again (when it may: tasklet_disable() counts): the callback may have re-armed its timer or rescheduled
 * its tasklet meanwhile, which the kernel's own wait would have undone
 * (del_timer_sync() deletes a timer its running callback re-armed), and
 * again, until a run finds no callback of the program in flight or
 * nf_timeout_ms has passed.
 *
 * Which upcalls are "of that callback": those whose first argument is what
 * the kernel hands the callback -- the timer, the tasklet, or the data of
 * an old-style tasklet (tasklet_init()).  rcu_barrier() waits for every
 * async upcall raised so far (the RCU callbacks have no common object).
 *
 * An RCU grace period (synchronize_rcu(), synchronize_net(), and the
 * unregistrations that end with one so that the callback they remove no
 * longer runs: dev_remove_pack(), nf_unregister_net_hook(s)(),
 * unregister_k(ret)probe(s)(), input_close_device() and
 * input_unregister_handle()...) waits in the kernel for every reader, and
 * every callback the kernel calls in atomic context is one: a hook's
 * packet, a packet_type handler, a timer.  The module relies on it
 * (list_del_rcu(); synchronize_rcu(); kfree()), while the program may still
 * run such a callback on the old data.  So these wait for every upcall
 * from atomic context raised so far, of any kind (the pending list), the
 * packets still being handed over and the calls deferred from hard
 * interrupt context (an input handler's events) included.
 *
 * Not covered here because the kernel's wait covers them already: work
 * items and kthreads are blocking upcalls (their proxy returns after the
 * program's REPLY), so cancel_work_sync(), flush_work(), flush_workqueue(),
 * destroy_workqueue() and kthread_stop() wait for the program; hrtimers
 * are waited for by hrtimer.c.
 *
 * A call made by a callback the program's packet thread serves (c->ordered)
 * does not wait: that thread is the one that serves the async upcalls, the
 * wait could only time out (docs/kapi.md says what differs then).
 */
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

enum dusk_sync_kind {
	DUSK_SYNC_NONE,
	DUSK_SYNC_OBJ,		/* args[0] is what the callback gets (a timer) */
	DUSK_SYNC_TASKLET,	/* args[0] a tasklet: it, or its data, is */
	DUSK_SYNC_ALL,		/* every async upcall raised so far */
	DUSK_SYNC_READERS,	/* every upcall from atomic context so far */
};

/* @again: the stub may run again (it is idempotent) to undo what a
 * callback it waited for re-armed; tasklet_disable() is not (it counts). */
static const struct {
	const char *fn;
	u8 kind;
	bool again;
} dusk_sync_stubs[] = {
	{ "timer_delete_sync",		DUSK_SYNC_OBJ,		true },
	{ "timer_shutdown_sync",	DUSK_SYNC_OBJ,		true },
	{ "del_timer_sync",		DUSK_SYNC_OBJ,		true },	/* before the timer_shutdown backport */
	{ "tasklet_kill",		DUSK_SYNC_TASKLET,	true },
	{ "tasklet_disable",		DUSK_SYNC_TASKLET,	false },	/* a forced stub (kapi-table.c) */
	{ "tasklet_unlock_wait",	DUSK_SYNC_TASKLET,	true },
	{ "tasklet_unlock_spin_wait",	DUSK_SYNC_TASKLET,	true },	/* tasklet_disable_in_atomic() */
	/* a USB request's completion runs late (irqdefer.c): killing or
	 * poisoning it waits for the program's run, as the kernel's kill
	 * waits for the completion; an anchor's requests, for every async
	 * callback so far */
	{ "usb_kill_urb",		DUSK_SYNC_OBJ,		true },
	{ "usb_poison_urb",		DUSK_SYNC_OBJ,		true },
	{ "usb_kill_anchored_urbs",	DUSK_SYNC_ALL,		true },
	{ "usb_poison_anchored_urbs",	DUSK_SYNC_ALL,		true },
	{ "usb_wait_anchor_empty_timeout", DUSK_SYNC_ALL,	false },
	{ "rcu_barrier",		DUSK_SYNC_ALL,		false },
	{ "srcu_barrier",		DUSK_SYNC_ALL,		false },
	/* an RCU grace period, on its own or ending an unregistration */
	{ "synchronize_rcu",		DUSK_SYNC_READERS,	false },
	{ "synchronize_rcu_expedited",	DUSK_SYNC_READERS,	false },
	{ "synchronize_net",		DUSK_SYNC_READERS,	false },
	{ "dev_remove_pack",		DUSK_SYNC_READERS,	false },
	{ "nf_unregister_net_hook",	DUSK_SYNC_READERS,	false },
	{ "nf_unregister_net_hooks",	DUSK_SYNC_READERS,	false },
	{ "unregister_kprobe",		DUSK_SYNC_READERS,	false },
	{ "unregister_kprobes",		DUSK_SYNC_READERS,	false },
	{ "unregister_kretprobe",	DUSK_SYNC_READERS,	false },
	{ "unregister_kretprobes",	DUSK_SYNC_READERS,	false },
	{ "input_close_device",		DUSK_SYNC_READERS,	false },
	{ "input_unregister_handle",	DUSK_SYNC_READERS,	false },
	{ "dev_remove_offload",		DUSK_SYNC_READERS,	false },
	{ "tracepoint_synchronize_unregister", DUSK_SYNC_READERS, false },
};

/* What the upcalls of tasklet @addr carry first: the tasklet itself (a
 * tasklet_setup() callback), or its data (tasklet_init()). */
static u64 dusk_sync_tasklet_key(u64 addr)
{
	struct tasklet_struct t;

	if (copy_from_kernel_nofault(&t, (void *)(uintptr_t)addr, sizeof(t)) || t.use_callback)
		return addr;
	return t.data;
}

/**
 * dusk_sync_begin() - what call @c waits for of the module's callbacks:
 * st->kind is DUSK_SYNC_NONE, or dusk_sync_wait() must follow each run of
 * its stub.
 * @st: out, what to wait for.
 * Context: process, before the stub runs.
 */
void dusk_sync_begin(const struct dusk_call *c, struct dusk_sync *st)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	int i;

	st->kind = DUSK_SYNC_NONE;
	if (c->ordered)
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_sync_stubs); i++) {
		if (dusk_stub_named(name, dusk_sync_stubs[i].fn))
			break;
	}
	if (i == ARRAY_SIZE(dusk_sync_stubs) ||
	    (dusk_sync_stubs[i].kind < DUSK_SYNC_ALL && !c->nargs))
		return;
	st->kind = dusk_sync_stubs[i].kind;
	st->again = dusk_sync_stubs[i].again;
	if (st->kind == DUSK_SYNC_TASKLET)
		st->key = dusk_sync_tasklet_key(c->args[0]);
	else if (st->kind == DUSK_SYNC_OBJ)
		st->key = c->args[0];
	st->end = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms)) + 1;
}

bool dusk_sync_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_sync_stubs, .fn);
}

/**
 * dusk_sync_wait() - after a run of the stub: wait for the program's
 * callbacks it waited for in the kernel (see the file comment).
 * Context: process, no dusk lock held; sleeps, at most until st->end.
 * Return: true when the stub must run again (a callback was in flight and
 * may have re-armed what the stub cancelled).
 */
bool dusk_sync_wait(struct dusk_sync *st)
{
	bool waited;

	if (st->kind == DUSK_SYNC_NONE)
		return false;
	waited = dusk_async_wait(st->kind == DUSK_SYNC_READERS ? DUSK_WAIT_READERS :
				 st->kind == DUSK_SYNC_ALL ? DUSK_WAIT_ASYNC : DUSK_WAIT_KEY,
				 st->key, st->end);
	return waited && st->again && time_before(jiffies, st->end) &&
	       !fatal_signal_pending(current);
}
