// SPDX-License-Identifier: GPL-2.0
/*
 * Notifiers on the kernel's atomic chains run by the program: observed
 * late (late.c).
 *
 * An atomic notifier chain (inet6addr_chain, netevent, die, the module
 * chain's atomic cousins, ...) calls its blocks under rcu_read_lock() or a
 * spinlock, where a blocking proxy cannot wait for the program: it
 * answered NOTIFY_DONE without running the module's callback, so a module
 * watching IPv6 addresses or neighbour updates silently saw nothing.  Such
 * a call is observed now as a keyboard notifier's is (kbdnotif.c): the
 * proxy answers NOTIFY_DONE at once ("not interested", what it answered
 * before: a late answer cannot veto or stop the chain) and the callback
 * runs later in the program with the block, the event and the data
 * pointer; up to DUSK_LATE_SNAP bytes at the data pointer are copied with
 * the hit and shown at their own address (an inet6_ifaddr, a neighbour:
 * often freed soon after the event).  An unregistration of a notifier
 * waits until the program has run the hits of that block observed before.
 */
#include <linux/notifier.h>
#include "dusk-core.h"

/**
 * dusk_notif_observe() - if a notifier proxy is called where it cannot
 * wait, observe the call late.
 * @args: nb, action, data.
 * Return: true when observed (or missed): the proxy answers NOTIFY_DONE.
 * Context: any.
 */
bool dusk_notif_observe(u32 proxy, const u64 *args, u32 nargs)
{
	struct dusk_late_hit *h;

	if (nargs != 3 || !dusk_cannot_wait())
		return false;
	h = dusk_late_fill(proxy, DUSK_LATE_NOTIFIER, args, nargs, sizeof(struct notifier_block),
			   DUSK_LATE_NO_SNAP, 0, args[0], NULL);
	if (h) {
		if (args[2])
			dusk_late_copy_in_place(h, 2);
		dusk_late_queue(h);
	}
	return true;
}

/* An unregistration of a notifier: "unregister_*notifier*" or a chain's
 * *_notifier_chain_unregister(). */
static bool dusk_notif_is_unreg(const char *name)
{
	return strstr(name, "notifier") && strstr(name, "unregister");
}

/**
 * dusk_notif_after_call() - a notifier was unregistered: the chain calls
 * it no more; wait for the hits of its block the program still has to run
 * (the block is one of the call's arguments).
 * Context: process, after the stub ran.
 */
void dusk_notif_after_call(const struct dusk_call *c)
{
	u32 i;

	if (!dusk_notif_is_unreg(dusk_gen.stubs[c->stub].name))
		return;
	for (i = 0; i < c->nargs; i++)
		if (c->args[i])
			dusk_late_drain(c->args[i]);
}

bool dusk_notif_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_notif_is_unreg(s->name);
}
