// SPDX-License-Identifier: GPL-2.0
/*
 * Socket locks the program holds between its calls.
 *
 * lock_sock_fast() (an inline of __lock_sock_fast()) returns, when the
 * socket is not owned, holding sk_lock.slock with bottom halves off, and
 * unlock_sock_fast() drops the spinlock.  As two kernel calls of a user
 * build, the program would go back to user space holding a spinlock with
 * softirqs off (callctx.c puts the count back, but not the lock: the next
 * lock_sock() of that socket spins for ever).  Its slow path is equally
 * correct for every caller: the socket owned (lock_sock()), "true"
 * returned, and unlock_sock_fast(sk, true) is release_sock().  So the
 * core answers __lock_sock_fast() with that path.
 *
 * A socket the program owns (lock_sock(), which is lock_sock_nested(), or
 * the above) is noted until its release_sock(); if the program dies in
 * between, the session's end releases it before it undoes anything
 * (sock_release() of the module's socket would wait for the owner for
 * ever).  Up to DUSK_SOCKLOCK_MAX at once are noted; beyond, a log line.
 */
#include <net/sock.h>
#include "dusk-core.h"

#define DUSK_SOCKLOCK_MAX 16

static DEFINE_SPINLOCK(dusk_socklock_lock);
static struct sock *dusk_socklock_held[DUSK_SOCKLOCK_MAX];

static const char *const dusk_socklock_calls[] = {
	"__lock_sock_fast", "lock_sock_nested", "release_sock",
};

/** dusk_socklock_acts_on() - does @s take or release a socket's lock? */
bool dusk_socklock_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_socklock_calls, );
}

static void dusk_socklock_note(struct sock *sk)
{
	int i;

	spin_lock(&dusk_socklock_lock);
	for (i = 0; i < DUSK_SOCKLOCK_MAX && dusk_socklock_held[i]; i++)
		;
	if (i < DUSK_SOCKLOCK_MAX)
		dusk_socklock_held[i] = sk;
	spin_unlock(&dusk_socklock_lock);
	if (i == DUSK_SOCKLOCK_MAX)
		pr_warn_once("%s: more than %d socket locks held: the others are not released if the program dies\n",
			     dusk_family.name, DUSK_SOCKLOCK_MAX);
}

static void dusk_socklock_forget(struct sock *sk)
{
	int i;

	spin_lock(&dusk_socklock_lock);
	for (i = 0; i < DUSK_SOCKLOCK_MAX; i++) {
		if (dusk_socklock_held[i] == sk) {
			dusk_socklock_held[i] = NULL;
			break;
		}
	}
	spin_unlock(&dusk_socklock_lock);
}

/**
 * dusk_socklock_instead() - answer __lock_sock_fast() on its slow path.
 * @c: the call; @a: its arguments as the kernel gets them.
 * Return: true when c->ret is the core's answer and the stub must not run.
 */
bool dusk_socklock_instead(struct dusk_call *c, const u64 *a)
{
	struct sock *sk;

	if (!dusk_stub_named(dusk_gen.stubs[c->stub].name, "__lock_sock_fast") || c->nargs < 1)
		return false;
	sk = (struct sock *)(uintptr_t)a[0];
	lock_sock(sk);
	c->ret = true;	/* the slow path: unlock_sock_fast() is release_sock() */
	dusk_socklock_note(sk);
	return true;
}

/** dusk_socklock_before_call() - a release_sock(): no longer ours. */
void dusk_socklock_before_call(const struct dusk_call *c)
{
	if (dusk_stub_named(dusk_gen.stubs[c->stub].name, "release_sock") && c->nargs >= 1)
		dusk_socklock_forget((struct sock *)(uintptr_t)c->args[0]);
}

/** dusk_socklock_after_call() - a lock_sock() that returned: ours. */
void dusk_socklock_after_call(const struct dusk_call *c)
{
	if (dusk_stub_named(dusk_gen.stubs[c->stub].name, "lock_sock_nested") && !c->err &&
	    c->nargs >= 1)
		dusk_socklock_note((struct sock *)(uintptr_t)c->args[0]);
}

/**
 * dusk_socklock_release_all() - release the sockets the ended program
 * still owned.
 *
 * Context: process (the session's teardown), before the undo records run.
 */
void dusk_socklock_release_all(void)
{
	struct sock *sk;
	int i;

	for (i = 0; i < DUSK_SOCKLOCK_MAX; i++) {
		spin_lock(&dusk_socklock_lock);
		sk = dusk_socklock_held[i];
		dusk_socklock_held[i] = NULL;
		spin_unlock(&dusk_socklock_lock);
		if (!sk)
			continue;
		pr_info("%s: teardown: a socket lock (lock_sock) was still held: released\n",
			dusk_family.name);
		release_sock(sk);
	}
}
