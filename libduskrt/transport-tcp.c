/* SPDX-License-Identifier: MIT */
/*
 * The remote transport: a TCP connection to dusk-relay on the target
 * machine, which bridges it to the dusk_<mod> family there
 * (docs/remote.md; the wire format is relay/relay-proto.h's).
 *
 * One frame carries one datagram, so the runtime's batching is unchanged.
 * What differs from genetlink: an answer is no longer there when send()
 * returns (the requesting thread polls for it like any other), and the
 * byte stream is cut into frames here: recv_ready() reads what the socket
 * holds into a staging buffer and hands out the whole frames, MACs
 * checked.  A whole frame left over (more than the batch) kicks the
 * transport, so the poller does not sleep on a socket already drained.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "rt-internal.h"
#include "relay-proto.h"

#define FRAME_OVERHEAD (DUSK_RELAY_FRAME_HDR + DUSK_SHA256_LEN)
#define STAGE_CAP (2 * (DUSK_RELAY_FRAME_MAX + FRAME_OVERHEAD))
#define HANDSHAKE_TIMEOUT_S 10

struct tcp_transport {
	struct dusk_transport base;
	int fd;
	pthread_mutex_t txlock;	/* send(): frames whole and in MAC order */
	struct dusk_relay_chan tx;
	pthread_mutex_t rxlock;	/* the staging buffer: recv_ready() against wait() */
	struct dusk_relay_chan rx;
	char *stage;		/* bytes read, not yet handed out */
	size_t staged;
	int eof;		/* the relay closed the stream */
	struct dusk_waker w;	/* wait(), kick(), shutdown() */
};

static uint32_t be32(const char *p)
{
	const uint8_t *u = (const uint8_t *)p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

/* Caller holds rxlock.  Is a whole frame staged? */
static int frame_staged(const struct tcp_transport *t)
{
	return t->staged >= DUSK_RELAY_FRAME_HDR &&
	       t->staged >= FRAME_OVERHEAD + (size_t)be32(t->stage);
}

static int tcp_send(struct dusk_transport *base, const void *buf, size_t len)
{
	struct tcp_transport *t = (struct tcp_transport *)base;
	int err;

	if (len > DUSK_RELAY_FRAME_MAX)
		return -EMSGSIZE;
	pthread_mutex_lock(&t->txlock);
	err = dusk_relay_frame_write(t->fd, &t->tx, buf, (uint32_t)len);
	pthread_mutex_unlock(&t->txlock);
	return err;
}

/* Caller holds rxlock.  Read what the socket holds without blocking. */
static int fill(struct tcp_transport *t)
{
	ssize_t n;

	while (!t->eof && t->staged < STAGE_CAP) {
		n = recv(t->fd, t->stage + t->staged, STAGE_CAP - t->staged, MSG_DONTWAIT);
		if (n > 0) {
			t->staged += (size_t)n;
		} else if (n == 0) {
			t->eof = 1;
		} else if (errno != EINTR) {
			return errno == EAGAIN ? 0 : -errno;
		}
	}
	return 0;
}

static int tcp_recv_ready(struct dusk_transport *base, void *const *bufs, size_t cap,
			  size_t *lens, unsigned int n)
{
	struct tcp_transport *t = (struct tcp_transport *)base;
	uint8_t mac[DUSK_SHA256_LEN];
	size_t off = 0;
	unsigned int got = 0;
	uint32_t len;
	int err;

	if (dusk_waker_shut(&t->w))
		return -ESHUTDOWN;
	pthread_mutex_lock(&t->rxlock);
	err = fill(t);
	while (!err && got < n && t->staged - off >= DUSK_RELAY_FRAME_HDR) {
		len = be32(t->stage + off);
		if (len > DUSK_RELAY_FRAME_MAX || len > cap) {
			dusk_log(DUSK_LOG_ERROR, "dusk: the relay sent a %u-byte frame (at most %zu)",
				 len, cap < DUSK_RELAY_FRAME_MAX ? cap : (size_t)DUSK_RELAY_FRAME_MAX);
			err = -EMSGSIZE;
			break;
		}
		if (t->staged - off < FRAME_OVERHEAD + len)
			break;
		dusk_relay_frame_mac(&t->rx, t->stage + off + DUSK_RELAY_FRAME_HDR, len, mac);
		if (!dusk_mac_equal(mac, (uint8_t *)t->stage + off + DUSK_RELAY_FRAME_HDR + len,
				    sizeof(mac))) {
			dusk_log(DUSK_LOG_ERROR, "dusk: a frame from the relay has a wrong MAC "
				 "(tampered with on the way?): closing the connection");
			err = -EBADMSG;
			break;
		}
		memcpy(bufs[got], t->stage + off + DUSK_RELAY_FRAME_HDR, len);
		lens[got++] = len;
		off += FRAME_OVERHEAD + len;
	}
	memmove(t->stage, t->stage + off, t->staged - off);
	t->staged -= off;
	if (!err && !got && t->eof) {
		dusk_log(DUSK_LOG_ERROR, "dusk: the relay closed the connection");
		err = -ECONNRESET;
	}
	/* more than this batch is here: the next wait() must not sleep */
	if (!err && got == n && frame_staged(t))
		base->ops->kick(base);
	pthread_mutex_unlock(&t->rxlock);
	return err ? err : (int)got;
}

static int tcp_wait(struct dusk_transport *base)
{
	struct tcp_transport *t = (struct tcp_transport *)base;
	int ready;

	pthread_mutex_lock(&t->rxlock);
	ready = frame_staged(t) || t->eof;
	pthread_mutex_unlock(&t->rxlock);
	if (ready)
		return dusk_waker_shut(&t->w) ? -ESHUTDOWN : 0;
	return dusk_waker_wait(&t->w, t->fd);
}

static void tcp_kick(struct dusk_transport *base)
{
	dusk_waker_kick(&((struct tcp_transport *)base)->w);
}

static void tcp_shutdown(struct dusk_transport *base)
{
	dusk_waker_shutdown(&((struct tcp_transport *)base)->w);
}

static void tcp_free(struct tcp_transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	dusk_waker_close(&t->w);
	pthread_mutex_destroy(&t->txlock);
	pthread_mutex_destroy(&t->rxlock);
	free(t->stage);
	free(t);
}

static void tcp_destroy(struct dusk_transport *base)
{
	/* closing the stream ends the session on the target */
	tcp_free((struct tcp_transport *)base);
}

static const struct dusk_transport_ops tcp_ops = {
	.send = tcp_send,
	.recv_ready = tcp_recv_ready,
	.wait = tcp_wait,
	.kick = tcp_kick,
	.shutdown = tcp_shutdown,
	.destroy = tcp_destroy,
};

/* Split "HOST:PORT", "[V6]:PORT" or "HOST" into @host and @port. */
static int split_target(const char *target, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon, *h = target;
	size_t n;

	if (*h == '[') {
		const char *close = strchr(h, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		n = (size_t)(close - h - 1);
		h++;
		colon = close[1] ? close + 1 : NULL;
	} else {
		colon = strrchr(h, ':');
		n = colon ? (size_t)(colon - h) : strlen(h);
	}
	if (!n || n >= hlen || (colon && (!colon[1] || strlen(colon + 1) >= plen)))
		return -EINVAL;
	memcpy(host, h, n);
	host[n] = 0;
	if (colon)
		strcpy(port, colon + 1);
	else
		snprintf(port, plen, "%d", DUSK_RELAY_PORT);
	return 0;
}

/* A connected socket to @host:@port, or -errno. */
static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *res, *ai;
	int fd = -1, err = -EHOSTUNREACH, one = 1, r;

	r = getaddrinfo(host, port, &hints, &res);
	if (r)
		return r == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			err = -errno;
			continue;
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void set_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* DUSK_TARGET_WAIT: seconds to keep trying while nothing answers (a
 * target still booting); 0 by default. */
static double wait_limit(void)
{
	const char *w = getenv("DUSK_TARGET_WAIT");

	return w ? strtod(w, NULL) : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int dusk_tcp_open(const char *target, const char *keyfile, const struct dusk_module *m,
		  struct dusk_transport **out)
{
	struct tcp_transport *t;
	struct dusk_relay_key *key;
	char host[256], port[16], why[DUSK_RELAY_TEXT_MAX + 64];
	double deadline = now_s() + wait_limit();
	uint16_t family = 0;
	int err;

	if (split_target(target, host, sizeof(host), port, sizeof(port))) {
		dusk_log(DUSK_LOG_ERROR, "dusk: target %s: not HOST:PORT", target);
		return -EINVAL;
	}
	if (!keyfile || !*keyfile) {
		dusk_log(DUSK_LOG_ERROR, "dusk: target %s needs the relay's key: --key FILE "
			 "(DUSK_KEY)", target);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	key = malloc(sizeof(*key));
	if (!t || !key) {
		free(t);
		free(key);
		return -ENOMEM;
	}
	t->fd = t->w.kick = -1;
	pthread_mutex_init(&t->txlock, NULL);
	pthread_mutex_init(&t->rxlock, NULL);
	err = dusk_relay_key_load(keyfile, key, why, sizeof(why));
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: %s", why);
		goto fail;
	}
	for (;;) {
		t->fd = dial(host, port);
		err = t->fd < 0 ? t->fd : 0;
		snprintf(why, sizeof(why), "%s%s", strerror(-err),
			 err == -ECONNREFUSED ? " (is dusk-relay running there?)" : "");
		if (!err) {
			set_timeouts(t->fd, HANDSHAKE_TIMEOUT_S);
			err = dusk_relay_client_handshake(t->fd, key, m->name,
							  m->types ? m->types->hash : 0,
							  m->stub_hash, &family, &t->tx, &t->rx,
							  why, sizeof(why));
		}
		/* nothing listening yet (a forwarded port of a booting target
		 * accepts, then closes): try again until the deadline */
		if (err != -ECONNREFUSED && err != -ECONNRESET)
			break;
		if (t->fd >= 0)
			close(t->fd);
		t->fd = -1;
		if (now_s() >= deadline)
			break;
		usleep(200000);
	}
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: relay %s: %s", target, why);
		goto fail;
	}
	set_timeouts(t->fd, 0);
	dusk_relay_keepalive(t->fd);
	t->stage = malloc(STAGE_CAP);
	err = t->stage ? dusk_waker_init(&t->w) : -ENOMEM;
	if (err)
		goto fail;
	explicit_bzero(key, sizeof(*key));
	free(key);
	t->base.ops = &tcp_ops;
	t->base.family = family;
	dusk_trace("[dusk] relay %s: connected, family %u", target, family);
	*out = &t->base;
	return 0;
fail:
	explicit_bzero(key, sizeof(*key));
	free(key);
	tcp_free(t);
	return err;
}
