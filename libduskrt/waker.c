/* SPDX-License-Identifier: MIT */
/*
 * The waking half every transport over a file descriptor shares: wait()
 * polls the transport's socket together with an eventfd that kick() writes
 * and a pipe that shutdown() writes, so a waiting thread can be told of
 * work or stopped cleanly (transport.h's contract for kick and shutdown).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "transport.h"

int dusk_waker_init(struct dusk_waker *w)
{
	int err;

	w->shut = 0;
	w->wake[0] = w->wake[1] = -1;
	w->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->kick >= 0 && !pipe(w->wake))
		return 0;
	err = -errno;
	dusk_waker_close(w);
	return err;
}

void dusk_waker_close(struct dusk_waker *w)
{
	if (w->wake[0] >= 0) {
		close(w->wake[0]);
		close(w->wake[1]);
	}
	if (w->kick >= 0)
		close(w->kick);
	w->wake[0] = w->wake[1] = w->kick = -1;
}

int dusk_waker_wait(struct dusk_waker *w, int fd)
{
	struct pollfd p[3] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = w->wake[0], .events = POLLIN },
		{ .fd = w->kick, .events = POLLIN },
	};
	uint64_t v;

	while (poll(p, 3, -1) < 0)
		if (errno != EINTR)
			return -errno;
	if (p[1].revents || w->shut)
		return -ESHUTDOWN;
	/* consume the kicks: the next wait() sleeps until a new one */
	if (p[2].revents && read(w->kick, &v, sizeof(v)) < 0)
		return 0;
	return 0;
}

void dusk_waker_kick(struct dusk_waker *w)
{
	uint64_t one = 1;

	if (write(w->kick, &one, sizeof(one)) < 0)
		return;		/* the counter is full: a kick is pending anyway */
}

void dusk_waker_shutdown(struct dusk_waker *w)
{
	char c = 0;

	w->shut = 1;
	if (write(w->wake[1], &c, 1) < 0)
		return;		/* the pipe is full: shutdown was written before */
}
