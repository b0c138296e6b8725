// SPDX-License-Identifier: GPL-2.0
/*
 * A module's own atomic notifier chains, called by the program.
 *
 * atomic_notifier_call_chain() walks its chain under rcu_read_lock(), where
 * the program's callbacks cannot run: their blocking proxies answer
 * NOTIFY_DONE at once (blocking.c, docs/kapi.md).  That is right for the
 * kernel's chains (the panic or IPv6 address chains), whose callers are
 * the kernel's, in atomic context.  But a driver that keeps a chain of its
 * own (ATOMIC_NOTIFIER_HEAD) to tell its clients about events calls it
 * itself: in the user build from the program, in the program's CALL, in
 * process context, and every block on it is the program's.  There the
 * kernel build's subscribers ran and the user build's silently did not.
 *
 * So on a head the program may write (a mirror of its global, memory it
 * owns or was lent: mem.c's WRITE rule) the core walks the chain itself,
 * as notifier_call_chain() does, but under an SRCU read lock of its own in
 * place of RCU, where the proxies may wait for the program.  A block
 * taken off such a chain with atomic_notifier_chain_unregister() is only
 * given back to the program after synchronize_srcu() of that SRCU, as the
 * kernel's unregister returns after synchronize_rcu(): no walk still
 * holds it, and the program may free it.  Any other head is the kernel's
 * chain: the kernel's own call walks it.
 */
#include <linux/notifier.h>
#include <linux/srcu.h>
#include "dusk-core.h"

DEFINE_STATIC_SRCU(dusk_chain_srcu);

/* The head the call acts on, if it is the module's own (see above). */
static struct atomic_notifier_head *dusk_chain_own_head(const struct dusk_call *c)
{
	if (!c->nargs || !c->args[0] ||
	    !dusk_may_write_now(c->args[0], sizeof(struct atomic_notifier_head)))
		return NULL;
	return (struct atomic_notifier_head *)(uintptr_t)c->args[0];
}

/**
 * dusk_chain_call() - run atomic_notifier_call_chain() on the module's own
 * chain here, its callbacks allowed to wait for the program.
 * @c: the call; on true its ret is the chain's answer.
 * @a: the call's arguments as the stub gets them (head, val, v).
 * Context: process, no dusk lock held; sleeps (the callbacks do).
 * Return: true when the call ran here, false when the stub must run it.
 */
bool dusk_chain_call(struct dusk_call *c, const u64 *a)
{
	struct notifier_block *nb, *next;
	int ret = NOTIFY_DONE, idx;

	if (!dusk_name_is(dusk_gen.stubs[c->stub].name, "atomic_notifier_call_chain") ||
	    c->nargs < 3 || !dusk_chain_own_head(c))
		return false;
	idx = srcu_read_lock(&dusk_chain_srcu);
	nb = rcu_dereference_raw(((struct atomic_notifier_head *)(uintptr_t)a[0])->head);
	while (nb) {
		next = rcu_dereference_raw(nb->next);
		ret = nb->notifier_call(nb, (unsigned long)a[1], (void *)(uintptr_t)a[2]);
		if (ret & NOTIFY_STOP_MASK)
			break;
		nb = next;
	}
	srcu_read_unlock(&dusk_chain_srcu, idx);
	c->ret = (u64)(s64)ret;
	return true;
}

/**
 * dusk_chain_after_call() - atomic_notifier_chain_unregister() on the
 * module's own chain returned: no walk of dusk_chain_call() holds the
 * block any more when the program gets the answer.
 * Context: process, after the stub ran; sleeps.
 */
void dusk_chain_after_call(const struct dusk_call *c)
{
	if (dusk_name_is(dusk_gen.stubs[c->stub].name, "atomic_notifier_chain_unregister") &&
	    dusk_chain_own_head(c))
		synchronize_srcu(&dusk_chain_srcu);
}

static const char *const dusk_chain_calls[] = {
	"atomic_notifier_call_chain", "atomic_notifier_chain_unregister",
};

bool dusk_chain_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_chain_calls, );
}
