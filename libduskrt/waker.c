/* SPDX-License-Identifier: MIT */
/*
 * The waking half every transport over a file descriptor shares: wait()
 * polls the transport's socket together with one eventfd that kick() and
 * shutdown() write, so a waiting thread can be told of work or stopped
 * cleanly (transport.h's contract for kick and shutdown).  One descriptor
 * beside the socket, not two: the idle packet thread polls once per packet
 * at low rates, and every descriptor polled is a wait queue joined and
 * left.  Shutdown stays visible in the flag after its write is consumed.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "transport.h"

int dusk_waker_init(struct dusk_waker *w)
{
	w->shut = 0;
	w->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return w->kick >= 0 ? 0 : -errno;
}

void dusk_waker_close(struct dusk_waker *w)
{
	if (w->kick >= 0)
		close(w->kick);
	w->kick = -1;
}

int dusk_waker_wait(struct dusk_waker *w, int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = w->kick, .events = POLLIN },
	};
	uint64_t v;

	if (dusk_waker_shut(w))
		return -ESHUTDOWN;
	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			return -errno;
	/* consume the kicks: the next wait() sleeps until a new one */
	if (p[1].revents && read(w->kick, &v, sizeof(v)) < 0)
		v = 0;
	return dusk_waker_shut(w) ? -ESHUTDOWN : 0;
}

void dusk_waker_kick(struct dusk_waker *w)
{
	uint64_t one = 1;

	if (write(w->kick, &one, sizeof(one)) < 0)
		return;		/* the counter is full: a kick is pending anyway */
}

void dusk_waker_shutdown(struct dusk_waker *w)
{
	__atomic_store_n(&w->shut, 1, __ATOMIC_RELEASE);
	dusk_waker_kick(w);
}
