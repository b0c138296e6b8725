// SPDX-License-Identifier: GPL-2.0
/*
 * Keyboard notifiers run by the program: observed late (late.c).
 *
 * The keyboard's notifier chain is called from the keyboard's event
 * handler with its lock held and interrupts off, for every key
 * (KBD_KEYCODE, KBD_UNICODE, KBD_KEYSYM, ...), with a struct
 * keyboard_notifier_param on the caller's stack.  A notifier that lets the
 * key through answers NOTIFY_OK (or NOTIFY_DONE); NOTIFY_STOP swallows it.
 * The core remembers which notifier blocks the program registered on that
 * chain; a notifier proxy called for one of them (dusk_notifier_call())
 * copies the parameter, answers NOTIFY_OK and the module's callback runs
 * later in the program on the copy.  A program's NOTIFY_STOP comes too
 * late to swallow the key: logged once.  A hit that finds every slot busy
 * counts in DUSK_STAT_LATE_MISSED.  unregister_keyboard_notifier() waits
 * until the program has run the hits observed before.
 */
#include <linux/keyboard.h>
#include <linux/notifier.h>
#include "dusk-core.h"

#define DUSK_KBD_NBS 8		/* keyboard notifier blocks of the program */

/* Their kernel addresses (mirrors); 0: a free entry.  Written under
 * dusk_kbd_lock, read lock-free by the proxies. */
static u64 dusk_kbd_nbs[DUSK_KBD_NBS];
static DEFINE_MUTEX(dusk_kbd_lock);

static bool dusk_kbd_registered(u64 nb)
{
	unsigned int i;

	for (i = 0; i < DUSK_KBD_NBS; i++)
		if (READ_ONCE(dusk_kbd_nbs[i]) == nb)
			return true;
	return false;
}

/* Replace entry @from by @to; false when there is none. */
static bool dusk_kbd_swap(u64 from, u64 to)
{
	unsigned int i;
	bool done = false;

	mutex_lock(&dusk_kbd_lock);
	for (i = 0; i < DUSK_KBD_NBS && !done; i++) {
		if (dusk_kbd_nbs[i] == from) {
			WRITE_ONCE(dusk_kbd_nbs[i], to);
			done = true;
		}
	}
	mutex_unlock(&dusk_kbd_lock);
	return done;
}

/**
 * dusk_notifier_call() - the body of every generated notifier proxy (int
 * (struct notifier_block *, unsigned long, void *)).
 * @args: nb, action, data.
 *
 * Context: any.  A keyboard notifier of the program's is observed late
 * and answers NOTIFY_OK at once, any other called where it cannot wait is
 * observed late and answers NOTIFY_DONE (notiflate.c); the rest run as a
 * blocking upcall, answered as dusk_notifier_answer() says.
 */
int dusk_notifier_call(u32 proxy, u64 *args, u32 nargs)
{
	if (nargs == 3 && args[0] && dusk_kbd_registered(args[0])) {
		dusk_late_observe(proxy, DUSK_LATE_KBD, args, nargs,
				  sizeof(struct notifier_block), 2,
				  sizeof(struct keyboard_notifier_param));
		return NOTIFY_OK;
	}
	/* any other atomic chain's (notiflate.c) */
	if (dusk_notif_observe(proxy, args, nargs))
		return NOTIFY_DONE;
	return dusk_notifier_answer(dusk_upcall_blocking(proxy, args, nargs));
}

/**
 * dusk_kbd_answered() - the program's keyboard notifier answered @ret,
 * after the key went on: a NOTIFY_STOP cannot swallow it any more.
 */
void dusk_kbd_answered(u64 ret)
{
	if (ret & NOTIFY_STOP_MASK)
		pr_warn_once("%s: a keyboard notifier answered NOTIFY_STOP: a user build "
			     "cannot swallow keys, they went through\n", dusk_family.name);
}

/**
 * dusk_kbd_before_call() - register_keyboard_notifier(): its block's calls
 * are observed late from now on (before the stub: a key may come at once).
 * Context: process.
 */
void dusk_kbd_before_call(const struct dusk_call *c)
{
	if (c->nargs && !strcmp(dusk_gen.stubs[c->stub].name, "register_keyboard_notifier") &&
	    !dusk_kbd_registered(c->args[0]) && !dusk_kbd_swap(0, c->args[0]))
		pr_warn("%s: register_keyboard_notifier: more than %d keyboard notifiers: "
			"this one will not run\n", dusk_family.name, DUSK_KBD_NBS);
}

/**
 * dusk_kbd_after_call() - unregister_keyboard_notifier() returned: the
 * chain calls it no more; wait for the hits the program still has to run.
 * Context: process, after the stub ran.
 */
void dusk_kbd_after_call(const struct dusk_call *c)
{
	if (!c->nargs || strcmp(dusk_gen.stubs[c->stub].name, "unregister_keyboard_notifier"))
		return;
	dusk_kbd_swap(c->args[0], 0);
	dusk_late_drain(c->args[0]);
}

/**
 * dusk_kbd_forget_all() - the session ended (its notifiers unregistered by
 * the undo table): forget its blocks.  Context: process.
 */
void dusk_kbd_forget_all(void)
{
	mutex_lock(&dusk_kbd_lock);
	memset(dusk_kbd_nbs, 0, sizeof(dusk_kbd_nbs));
	mutex_unlock(&dusk_kbd_lock);
}

static const char *const dusk_kbd_calls[] = {
	"register_keyboard_notifier", "unregister_keyboard_notifier",
};

bool dusk_kbd_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_kbd_calls, );
}
