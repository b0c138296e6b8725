/* SPDX-License-Identifier: MIT */
/*
 * The transport interface: how libduskrt moves netlink messages to and from
 * "the kernel".  The runtime builds and parses real generic netlink messages
 * (libmnl) and hands whole datagrams to a transport; the transport only moves
 * bytes.  Three implementations exist:
 *   - transport-genl.c: a NETLINK_GENERIC socket bound to the dusk_<mod>
 *     family of a loaded kmod (the real thing);
 *   - transport-tcp.c: a TCP connection to dusk-relay on another machine,
 *     which bridges it to the family there (docs/remote.md);
 *   - sim/sim-kernel.c: an in-process simulated kernel that speaks the same
 *     protocol, used by the unit tests and the benchmark.
 *
 * Threading: send() may be called from several threads at once;
 * recv_ready() by one thread at a time (the connection's reading role),
 * wait() likewise (its polling role), recv_wait() by a thread holding
 * both.  kick() and shutdown() may be called from any thread; shutdown()
 * makes a blocked or later wait() or recv_wait() and every later
 * recv_ready() return -ESHUTDOWN.
 */
#ifndef DUSK_TRANSPORT_H
#define DUSK_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct dusk_transport;

/* The most datagrams a runtime's receive asks for at once (recv_ready(),
 * recv_wait()'s @n). */
#define DUSK_RECV_BATCH 16

struct dusk_transport_ops {
	/* Send one datagram holding one or more netlink messages. 0 or -errno. */
	int (*send)(struct dusk_transport *t, const void *buf, size_t len);
	/* Take up to @n datagrams already waiting, without blocking: each
	 * into bufs[i] (@cap bytes), its length in lens[i].  The number
	 * taken (0: none waiting), or -errno (-ESHUTDOWN once shut down). */
	int (*recv_ready)(struct dusk_transport *t, void *const *bufs, size_t cap, size_t *lens,
			  unsigned int n);
	/* Block until a datagram may be waiting or kick() was called since
	 * the last wait() returned.  0, or -ESHUTDOWN once shut down. */
	int (*wait)(struct dusk_transport *t);
	/* Optional (NULL: wait() then recv_ready()).  As recv_ready(), but
	 * blocking until a first datagram comes or shutdown() is called; the
	 * others are only those already waiting.  The number taken (>= 1),
	 * or -errno (-ESHUTDOWN once shut down).  Called by a thread that
	 * holds both the reading and the waiting role, so no kick() is meant
	 * for it; shutdown() must wake it.  It saves the waiting thread a
	 * system call per wake-up. */
	int (*recv_wait)(struct dusk_transport *t, void *const *bufs, size_t cap, size_t *lens,
			 unsigned int n);
	/* Make a wait() in progress (or the next one) return. */
	void (*kick)(struct dusk_transport *t);
	void (*shutdown)(struct dusk_transport *t);
	void (*destroy)(struct dusk_transport *t);
};

struct dusk_transport {
	const struct dusk_transport_ops *ops;
	uint16_t family;	/* generic netlink family id: nlmsg_type of every message */
	/* The kernel answers a request inside send(), in the sending thread,
	 * and may write the answer into its memory (ANSWER_AT): true of the
	 * local socket, not of the relay, whose process is not this one. */
	int direct_answers;
};

/*
 * The waking half of a transport over a file descriptor (waker.c): wait()
 * polls the descriptor with an eventfd kick() and shutdown() write (the
 * shutdown also sets @shut, which every later wait() sees).  init: 0 or -errno (then nothing is open); close is safe after a
 * failed init.  wait: 0, -ESHUTDOWN once shut down, or -errno of poll().
 */
struct dusk_waker {
	int kick;		/* eventfd: kick(), shutdown() */
	int shut;		/* shut down (atomic) */
};
int dusk_waker_init(struct dusk_waker *w);
void dusk_waker_close(struct dusk_waker *w);
int dusk_waker_wait(struct dusk_waker *w, int fd);
void dusk_waker_kick(struct dusk_waker *w);
void dusk_waker_shutdown(struct dusk_waker *w);

static inline int dusk_waker_shut(struct dusk_waker *w)
{
	return __atomic_load_n(&w->shut, __ATOMIC_ACQUIRE);
}

/* Largest datagram either end sends (a READ answer of DUSK_MAX_READ bytes
 * plus headers fits with room to spare). */
#define DUSK_MSG_CAP (160 * 1024)

/**
 * dusk_genl_open() - connect to the generic netlink family "dusk_<modname>".
 * On success *out is a transport the caller destroys.  -ENOENT when the
 * family does not exist (the kmod is not loaded); other -errno from socket
 * setup.
 */
int dusk_genl_open(const char *modname, struct dusk_transport **out);

struct dusk_module;

/**
 * dusk_tcp_open() - connect to dusk-relay at @target ("HOST:PORT") and
 * authenticate with the key in @keyfile; the relay tells the family id.
 * The handshake carries module @m's name and hashes.  Retries while
 * nothing answers for DUSK_TARGET_WAIT seconds.  0 and *out, or -errno
 * after logging why (the relay's refusal, a wrong key, no connection).
 */
int dusk_tcp_open(const char *target, const char *keyfile, const struct dusk_module *m,
		  struct dusk_transport **out);

#endif /* DUSK_TRANSPORT_H */
