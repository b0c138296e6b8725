// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel sockets the module created, released when its program dies.
 *
 * A module's sock_create_kern() socket is sock_release()d by its exit.  A
 * user build that dies first left it to the kernel for ever: its bound port
 * stayed taken, and the program run again failed its bind() with
 * -EADDRINUSE (test kslock-kill) -- a crash must cost only the program.
 *
 * The core holds each such socket's struct sock (sock_hold()) from the call
 * that created it (sock_create_kern(), sock_create(), kernel_accept(),
 * found by handed.c) to
 * the module's sock_release() of it.  At the session's end, after the
 * undo records (a kernel thread or a tunnel that uses the socket is gone
 * by then), a socket whose sock is still attached to it (sk->sk_socket:
 * every protocol's release orphans its sock, whichever call of the module
 * released it, udp_tunnel_sock_release() too) is released, named in the
 * kernel log; then the hold goes.  The held sock keeps that test sound: it
 * cannot be freed and reused in between.  (sock_create_lite() has no sock
 * yet: not held.)
 */
#include <linux/list.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include "dusk-core.h"

struct dusk_ksocket {
	struct list_head node;
	struct socket *sock;
	struct sock *sk;	/* held */
};

/* Under dusk_sess.lock (taken here: calls run without it). */
static LIST_HEAD(dusk_ksockets);

/** dusk_ksocket_before_call() - a sock_release(): the module gives it back. */
void dusk_ksocket_before_call(const struct dusk_call *c)
{
	struct dusk_ksocket *k;

	if (!dusk_stub_named(dusk_gen.stubs[c->stub].name, "sock_release") || c->nargs < 1)
		return;
	mutex_lock(&dusk_sess.lock);
	list_for_each_entry(k, &dusk_ksockets, node) {
		if ((u64)(uintptr_t)k->sock == c->args[0]) {
			list_del(&k->node);
			sock_put(k->sk);	/* the socket holds its own */
			kfree(k);
			break;
		}
	}
	mutex_unlock(&dusk_sess.lock);
}

/**
 * dusk_ksocket_note() - a socket with a sock the module created: held
 * (handed.c, which makes these calls act-on ones, finds it).
 * Context: process, right after the call, no dusk lock held.
 */
void dusk_ksocket_note(struct socket *sock)
{
	struct dusk_ksocket *k;

	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k) {
		pr_warn("%s: no memory to note a kernel socket: not released if the program dies\n",
			dusk_family.name);
		return;
	}
	k->sock = sock;
	k->sk = sock->sk;
	sock_hold(k->sk);
	mutex_lock(&dusk_sess.lock);
	list_add(&k->node, &dusk_ksockets);
	mutex_unlock(&dusk_sess.lock);
}

/**
 * dusk_ksocket_release_all() - release the sockets the ended program left.
 * Context: the session's teardown, dusk_sess.lock held, after the undo.
 */
void dusk_ksocket_release_all(void)
{
	struct dusk_ksocket *k, *tmp;

	lockdep_assert_held(&dusk_sess.lock);
	list_for_each_entry_safe(k, tmp, &dusk_ksockets, node) {
		if (READ_ONCE(k->sk->sk_socket) == k->sock) {
			pr_info("%s: teardown: a kernel socket the module created was not released: released\n",
				dusk_family.name);
			sock_release(k->sock);
		}
		list_del(&k->node);
		sock_put(k->sk);
		kfree(k);
	}
}
