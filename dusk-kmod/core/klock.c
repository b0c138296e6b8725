// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel locks the program holds between its calls.
 *
 * A module's rtnl_lock() ... rtnl_unlock() is two kernel calls in the user
 * build: between them the program runs on with the kernel's RTNL mutex
 * held in its thread's name.  If the program dies there (a crash, kill -9,
 * a stop on something a user build cannot do), nobody ever releases it:
 * every later rtnl_lock() -- `ip link`, a new network namespace, the
 * core's own teardown undoing the module's rtnl_link_register() -- waits
 * forever, and with it the kmod's unload (seventeenth round of probes: a
 * virtual net device stopped in its ndo_init under rtnl_lock()).  A
 * native module that oopses there leaves the lock held too, but a user
 * build's crash must cost only the program.
 *
 * So the core notes which of these locks the program holds (a lock call
 * that took it; an unlock call forgets it before it runs, while the lock
 * still orders the two) and the session's end releases them before it
 * undoes anything.  Their owner is the dead thread by then: mutex_unlock()
 * from the teardown's work item releases the mutex all the same (a kernel
 * built with CONFIG_DEBUG_MUTEXES warns that the owner differs).
 */
#include <linux/rtnetlink.h>
#include "dusk-core.h"

enum dusk_klock { DUSK_KLOCK_RTNL, DUSK_KLOCK_N };

static const struct {
	const char *name;	/* as the teardown's log line names it */
	void (*unlock)(void);
} dusk_klocks[DUSK_KLOCK_N] = {
	[DUSK_KLOCK_RTNL] = { "rtnl_lock", rtnl_unlock },
};

enum dusk_klock_how {
	DUSK_KLOCK_TAKES,		/* void: always taken */
	DUSK_KLOCK_TAKES_IF_ZERO,	/* 0 when taken, -EINTR when not */
	DUSK_KLOCK_TAKES_IF_TRUE,	/* a trylock: non-zero when taken */
	DUSK_KLOCK_RELEASES,
};

static const struct {
	const char *fn;
	enum dusk_klock lock;
	enum dusk_klock_how how;
} dusk_klock_calls[] = {
	{ "rtnl_lock", DUSK_KLOCK_RTNL, DUSK_KLOCK_TAKES },
	{ "rtnl_lock_killable", DUSK_KLOCK_RTNL, DUSK_KLOCK_TAKES_IF_ZERO },
	{ "rtnl_trylock", DUSK_KLOCK_RTNL, DUSK_KLOCK_TAKES_IF_TRUE },
	{ "rtnl_unlock", DUSK_KLOCK_RTNL, DUSK_KLOCK_RELEASES },
};

/* Which locks the program holds.  Set and cleared only by the holder while
 * it holds the lock, read at teardown when no call of the program runs. */
static bool dusk_klock_held[DUSK_KLOCK_N];

static int dusk_klock_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_klock_calls); i++)
		if (dusk_stub_named(name, dusk_klock_calls[i].fn))
			return i;
	return -1;
}

/** dusk_klock_acts_on() - is @s a lock or unlock call of a lock above? */
bool dusk_klock_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_klock_calls, .fn);
}

/** dusk_klock_before_call() - an unlock call: the lock is no longer ours. */
void dusk_klock_before_call(const struct dusk_call *c)
{
	int i = dusk_klock_call(c);

	if (i >= 0 && dusk_klock_calls[i].how == DUSK_KLOCK_RELEASES)
		WRITE_ONCE(dusk_klock_held[dusk_klock_calls[i].lock], false);
}

/** dusk_klock_after_call() - a lock call that took its lock: ours now. */
void dusk_klock_after_call(const struct dusk_call *c)
{
	int i = dusk_klock_call(c);
	bool taken;

	if (i < 0 || c->err)
		return;
	switch (dusk_klock_calls[i].how) {
	case DUSK_KLOCK_TAKES:
		taken = true;
		break;
	case DUSK_KLOCK_TAKES_IF_ZERO:
		taken = !c->ret;
		break;
	case DUSK_KLOCK_TAKES_IF_TRUE:
		taken = (int)c->ret;
		break;
	default:
		return;
	}
	if (taken)
		WRITE_ONCE(dusk_klock_held[dusk_klock_calls[i].lock], true);
}

/**
 * dusk_klock_release_all() - release what the ended program still held.
 *
 * Context: process (the session's teardown), before the undo records run:
 * they may take the same locks.
 */
void dusk_klock_release_all(void)
{
	int i;

	for (i = 0; i < DUSK_KLOCK_N; i++) {
		if (!READ_ONCE(dusk_klock_held[i]))
			continue;
		pr_info("%s: teardown: %s was still held: released\n",
			THIS_MODULE->name, dusk_klocks[i].name);
		WRITE_ONCE(dusk_klock_held[i], false);
		dusk_klocks[i].unlock();
	}
}
