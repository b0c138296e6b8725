/* SPDX-License-Identifier: MIT */
/*
 * dusk-relay: the target's end of DUSK's TCP transport (docs/remote.md).
 *
 *   dusk-relay --module NAME --key FILE [--port N] [--listen ADDR] [--netns PATH]
 *
 * Listens on a TCP port and bridges one authenticated client -- the user
 * build of module NAME, running on another machine -- to the dusk_NAME
 * generic netlink family here.  Each client gets a netlink socket of its
 * own, opened after the handshake and closed when the client goes: the
 * kmod binds its session to that socket's port, so every rule of the local
 * channel holds (one session, CAP checks, the request gate), and a client
 * that disconnects is a program that died: the kmod tears its session down.
 *
 * The relay forwards only messages of the dusk_NAME family: it runs as
 * root, and must not become a root interface to the rest of genetlink.
 * The one client slot goes to the first client to authenticate; a later
 * one is refused as busy, and one without the key never learns who holds
 * it.
 *
 * Threads per client: this one reads frames from TCP and queues them;
 * senders put them on the netlink socket in order (a sender may stay inside
 * sendmsg() while the kmod waits for an upcall's reply, so another sender
 * takes the next frame after SEND_DELAY_NS, as libduskrt's helper reads
 * for a thread stuck in send()); the upward thread forwards what the
 * kernel sends (answers, upcalls) as frames.  libc only, built static.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <dusk/protocol.h>
#include "relay-proto.h"

#define SEND_DELAY_NS 5000000ll	/* a send this long in the kernel waits on an upcall */
#define MAX_SENDERS 32
#define HANDSHAKE_TIMEOUT_S 10
#define NL_RCVBUF (4 << 20)

struct frame {
	struct frame *next;
	uint32_t len;
	char data[];
};

struct client {
	int tcp, nl;
	uint16_t family;
	char peer[64];
	struct dusk_relay_chan tx, rx;	/* tx: the upward thread's; rx: the reader's */
	int stop[2];			/* tells the upward thread to end */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct frame *qhead, **qtail;	/* frames for the kernel, in order */
	unsigned int senders, idle, inflight;
	int64_t last_start;		/* when the newest send began (ns) */
	int closing;
	int authed;			/* past the handshake (no longer counted in it) */
	int claimed;			/* holds the one client slot */
	pthread_t up, sender[MAX_SENDERS];
};

static const char *opt_module;
static struct dusk_relay_key key;
static char family_name[DUSK_GENL_NAMSIZ];

/* The one client (claimed once authenticated: an unauthenticated peer
 * neither holds it nor learns who does); connections still in the
 * handshake, bounded. */
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static int active;
static char active_peer[64];
static unsigned int handshaking;
#define MAX_HANDSHAKES 8

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("dusk-relay: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void set_timeouts(int fd, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- the netlink side ---------------------------------------------------- */

/* Family id of @name through the genetlink controller, or -errno. */
static int resolve_family(int nl, const char *name)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	size_t nlen = strlen(name) + 1;
	const struct nlattr *id;
	ssize_t n;

	memset(buf, 0, sizeof(buf));
	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = (uint16_t)(NLA_HDRLEN + nlen);
	memcpy((char *)a + NLA_HDRLEN, name, nlen);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(a->nla_len));
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = 1;
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	if (send(nl, buf, nlh->nlmsg_len, 0) < 0)
		return -errno;
	n = recv(nl, buf, sizeof(buf), 0);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(nlh, (size_t)n))
		return -EPROTO;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(nlh);

		return e->error ? e->error : -EPROTO;
	}
	id = nlh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN) ?
		dusk_relay_find_attr(nlh, CTRL_ATTR_FAMILY_ID) : NULL;
	if (id && id->nla_len == NLA_HDRLEN + sizeof(uint16_t))
		return *(const uint16_t *)((const char *)id + NLA_HDRLEN);
	return -ENOENT;
}

/* A netlink socket set up as libduskrt sets up its own (the answers the
 * program reads must look the same), bound to a fresh port. */
static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1, rcvbuf = NL_RCVBUF;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = -errno;

		close(fd);
		return e;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* an overrun costs the upcalls that did not fit (the kmod's policy
	 * decides them), not an error on the next receive */
	setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

/* ---- the senders: frames to the kernel, in order ------------------------- */

/* Caller holds c->lock.  May the queue's head go now? */
static int may_send(const struct client *c)
{
	return c->qhead && (!c->inflight || now_ns() - c->last_start >= SEND_DELAY_NS);
}

static void *sender_main(void *arg)
{
	struct client *c = arg;
	struct frame *f;
	struct timespec ts;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		while (!may_send(c) && !(c->closing && !c->qhead)) {
			if (c->qhead) {
				/* in order unless the send ahead is stuck */
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += SEND_DELAY_NS;
				if (ts.tv_nsec >= 1000000000) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000;
				}
				pthread_cond_timedwait(&c->cond, &c->lock, &ts);
			} else {
				c->idle++;
				pthread_cond_wait(&c->cond, &c->lock);
				c->idle--;
			}
		}
		if (!c->qhead)
			break;	/* closing, and every frame sent */
		f = c->qhead;
		c->qhead = f->next;
		if (!c->qhead)
			c->qtail = &c->qhead;
		c->inflight++;
		c->last_start = now_ns();
		pthread_mutex_unlock(&c->lock);
		/* The kernel answers on the socket (errors included); a failing
		 * send is the socket's own trouble. */
		while (send(c->nl, f->data, f->len, 0) < 0 && errno == EINTR)
			;
		free(f);
		pthread_mutex_lock(&c->lock);
		c->inflight--;
		pthread_cond_broadcast(&c->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Queue one frame for the kernel; a sender more when none is idle. */
static int queue_frame(struct client *c, const char *buf, uint32_t len)
{
	struct frame *f = malloc(sizeof(*f) + len);

	if (!f)
		return -ENOMEM;
	f->next = NULL;
	f->len = len;
	memcpy(f->data, buf, len);
	pthread_mutex_lock(&c->lock);
	*c->qtail = f;
	c->qtail = &f->next;
	if (!c->idle && c->senders < MAX_SENDERS &&
	    !pthread_create(&c->sender[c->senders], NULL, sender_main, c))
		c->senders++;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* ---- the upward thread: the kernel's datagrams to the client ------------- */

static void *up_main(void *arg)
{
	struct client *c = arg;
	struct pollfd p[2] = { { .fd = c->nl, .events = POLLIN }, { .fd = c->stop[0], .events = POLLIN } };
	char *buf = malloc(DUSK_RELAY_FRAME_MAX);
	ssize_t n;
	int err;

	while (buf) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		n = recv(c->nl, buf, DUSK_RELAY_FRAME_MAX, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == ENOBUFS)
				continue;
			say("%s: netlink receive: %s", c->peer, strerror(errno));
			break;
		}
		if (n > DUSK_RELAY_FRAME_MAX) {
			say("%s: dropped a %zd-byte datagram of the kernel (over %d)", c->peer, n,
			    DUSK_RELAY_FRAME_MAX);
			continue;
		}
		err = dusk_relay_frame_write(c->tcp, &c->tx, buf, (uint32_t)n);
		if (err) {
			if (err != -EPIPE && err != -ECONNRESET)
				say("%s: send: %s", c->peer, strerror(-err));
			break;
		}
	}
	free(buf);
	/* the reader's recv() ends too */
	shutdown(c->tcp, SHUT_RDWR);
	return NULL;
}

/* ---- one client ---------------------------------------------------------- */

/* Frames from the client until it goes; Context: its own thread. */
static void relay_frames(struct client *c)
{
	char *buf = malloc(DUSK_RELAY_FRAME_MAX);
	const char *why;
	long n;

	while (buf) {
		n = dusk_relay_frame_read(c->tcp, &c->rx, buf, DUSK_RELAY_FRAME_MAX);
		if (n < 0) {
			if (n == -EBADMSG)
				say("%s: a frame with a wrong MAC (tampered, or not from the "
				    "authenticated client): closing", c->peer);
			else if (n != -ECONNRESET)
				say("%s: receive: %s", c->peer, strerror((int)-n));
			break;
		}
		why = dusk_relay_refusal(buf, (size_t)n, c->family);
		if (why) {
			say("%s: sent %s: closing, nothing of it went to the kernel", c->peer, why);
			break;
		}
		if (queue_frame(c, buf, (uint32_t)n))
			break;
	}
	free(buf);
}

static void client_end(struct client *c)
{
	unsigned int i;
	char x = 0;

	/* what was queued goes first (the program's BYE may be among it) */
	pthread_mutex_lock(&c->lock);
	c->closing = 1;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	for (i = 0; i < c->senders; i++)
		pthread_join(c->sender[i], NULL);
	if (write(c->stop[1], &x, 1) < 0)
		say("%s: cannot stop the upward thread", c->peer);
	pthread_join(c->up, NULL);
	/* the session's socket goes: the kmod ends the session (NETLINK_URELEASE) */
	close(c->nl);
}

/* Handshake, checks, then relay; Context: the client's own thread. */
static void serve(struct client *c)
{
	struct dusk_relay_hello h;
	char text[DUSK_RELAY_TEXT_MAX];
	int err, fam;

	err = dusk_relay_read_hello(c->tcp, &h);
	if (err) {
		say("%s: no valid handshake: %s", c->peer,
		    err == -EPROTO ? "not a DUSK client" : strerror(-err));
		return;
	}
	err = dusk_relay_server_auth(c->tcp, &key, &h, &c->tx, &c->rx);
	if (err == -EACCES) {
		say("%s: refused: authentication failed (wrong key)", c->peer);
		dusk_relay_send_status(c->tcp, DUSK_RELAY_DENIED, 0,
				       "authentication failed: the program's key is not the relay's");
		return;
	}
	if (err == -ECONNRESET) {
		say("%s: the client left during authentication (its key is not ours?)", c->peer);
		return;
	}
	if (err) {
		say("%s: handshake: %s", c->peer, strerror(-err));
		return;
	}
	pthread_mutex_lock(&active_lock);
	handshaking--;
	c->authed = 1;
	c->claimed = !active;
	if (c->claimed) {
		active = 1;
		snprintf(active_peer, sizeof(active_peer), "%s", c->peer);
	} else {
		snprintf(text, sizeof(text), "another client (%s) is connected: one client at a "
			 "time", active_peer);
	}
	pthread_mutex_unlock(&active_lock);
	if (!c->claimed) {
		say("%s: refused: busy: %s", c->peer, text);
		dusk_relay_send_status(c->tcp, DUSK_RELAY_BUSY, 0, text);
		return;
	}
	if (strcmp(h.name, opt_module)) {
		snprintf(text, sizeof(text), "this relay serves module %s, not %s", opt_module,
			 h.name);
		say("%s: refused: %s", c->peer, text);
		dusk_relay_send_status(c->tcp, DUSK_RELAY_WRONG_MODULE, 0, text);
		return;
	}
	c->nl = nl_open();
	fam = c->nl < 0 ? c->nl : resolve_family(c->nl, family_name);
	if (fam < 0) {
		if (fam == -ENOENT)
			snprintf(text, sizeof(text), "generic netlink family %s not found: "
				 "load dusk_%s.ko on the target first", family_name, opt_module);
		else
			snprintf(text, sizeof(text), "generic netlink on the target: %s",
				 strerror(-fam));
		say("%s: refused: %s", c->peer, text);
		dusk_relay_send_status(c->tcp, fam == -ENOENT ? DUSK_RELAY_NO_FAMILY : DUSK_RELAY_ERROR,
				       0, text);
		if (c->nl >= 0)
			close(c->nl);
		return;
	}
	c->family = (uint16_t)fam;
	if (dusk_relay_send_status(c->tcp, DUSK_RELAY_OK, c->family, NULL)) {
		close(c->nl);
		return;
	}
	set_timeouts(c->tcp, 0);
	dusk_relay_keepalive(c->tcp);
	say("%s: connected: program %s (layout 0x%016llx, stubs 0x%016llx)", c->peer, h.name,
	    (unsigned long long)h.layout, (unsigned long long)h.stub);
	if (pipe2(c->stop, O_CLOEXEC) || pthread_create(&c->up, NULL, up_main, c)) {
		say("%s: cannot start: %s", c->peer, strerror(errno));
		close(c->nl);
		return;
	}
	relay_frames(c);
	client_end(c);
	close(c->stop[0]);
	close(c->stop[1]);
	say("%s: disconnected: the session's socket is closed", c->peer);
}

static void *client_main(void *arg)
{
	struct client *c = arg;

	serve(c);
	close(c->tcp);
	pthread_mutex_lock(&active_lock);
	if (c->claimed)
		active = 0;
	else if (!c->authed)
		handshaking--;	/* left before the slot was decided */
	pthread_mutex_unlock(&active_lock);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	free(c);
	return NULL;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;

		inet_ntop(AF_INET, &s->sin_addr, a, sizeof(a));
		port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;

		inet_ntop(AF_INET6, &s->sin6_addr, a, sizeof(a));
		port = ntohs(s->sin6_port);
	}
	snprintf(out, len, "%s:%u", a, port);
}

/* The listening socket, in network namespace @netns if given (the relay's
 * own traffic then stays out of the hooks of the module it serves). */
static int listen_on(const char *addr, unsigned int port, const char *netns)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	socklen_t sl;
	int fd = -1, one = 1, home = -1, ns = -1, e;

	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof(*s6);
	} else {
		say("--listen %s: not an IPv4 or IPv6 address", addr);
		return -1;
	}
	if (netns) {
		home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ns = open(netns, O_RDONLY | O_CLOEXEC);
		if (home < 0 || ns < 0 || setns(ns, CLONE_NEWNET)) {
			say("--netns %s: %s", netns, strerror(errno));
			goto out;
		}
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 4)) {
		say("listen on %s port %u: %s", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (netns && setns(home, CLONE_NEWNET)) {
		e = errno;
		say("back to the relay's network namespace: %s", strerror(e));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	if (home >= 0)
		close(home);
	if (ns >= 0)
		close(ns);
	return fd;
}

static void usage(FILE *to)
{
	fputs("usage: dusk-relay --module NAME --key FILE [--port N] [--listen ADDR] "
	      "[--netns PATH]\n"
	      "Bridges one authenticated TCP client (a DUSK user build run with\n"
	      "--target HOST:PORT --key FILE) to the dusk_NAME kernel module here.\n"
	      "  --module NAME  the module whose user build may connect\n"
	      "  --key FILE     the shared key (owner-only file, 16+ bytes)\n"
	      "  --port N       TCP port (default 7207)\n"
	      "  --listen ADDR  address to listen on (default 0.0.0.0)\n"
	      "  --netns PATH   listen in this network namespace (e.g. /run/netns/ctl)\n", to);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "module", required_argument, NULL, 'm' },
		{ "key", required_argument, NULL, 'k' },
		{ "port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *keyfile = NULL, *addr = "0.0.0.0", *netns = NULL;
	char err[256], *end;
	unsigned long port = DUSK_RELAY_PORT;
	int o, lfd;

	while ((o = getopt_long(argc, argv, "m:k:p:l:n:h", opts, NULL)) != -1) {
		switch (o) {
		case 'm': opt_module = optarg; break;
		case 'k': keyfile = optarg; break;
		case 'p':
			port = strtoul(optarg, &end, 10);
			if (*end || !port || port > 65535) {
				say("--port %s: not a port number", optarg);
				return 2;
			}
			break;
		case 'l': addr = optarg; break;
		case 'n': netns = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!opt_module || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!keyfile) {
		say("no --key FILE: the relay is a root interface to the kernel and does not run "
		    "without a shared key (docs/remote.md)");
		return 2;
	}
	if (strlen(opt_module) > DUSK_RELAY_NAME_MAX) {
		say("--module %s: name too long", opt_module);
		return 2;
	}
	if (dusk_relay_key_load(keyfile, &key, err, sizeof(err))) {
		say("%s", err);
		return 2;
	}
	dusk_genl_family_name(family_name, opt_module);
	signal(SIGPIPE, SIG_IGN);
	lfd = listen_on(addr, (unsigned int)port, netns);
	if (lfd < 0)
		return 1;
	say("serving module %s (family %s) on %s port %lu%s%s", opt_module, family_name, addr,
	    port, netns ? " in " : "", netns ? netns : "");
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct client *c;
		pthread_t t;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC), one = 1;

		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				say("accept: %s", strerror(errno));
			continue;
		}
		set_timeouts(fd, HANDSHAKE_TIMEOUT_S);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_mutex_lock(&active_lock);
		if (handshaking >= MAX_HANDSHAKES) {
			pthread_mutex_unlock(&active_lock);
			close(fd);	/* a flood of unauthenticated peers */
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			pthread_mutex_unlock(&active_lock);
			close(fd);
			continue;
		}
		handshaking++;
		pthread_mutex_unlock(&active_lock);
		c->tcp = fd;
		c->nl = -1;
		c->qtail = &c->qhead;
		pthread_mutex_init(&c->lock, NULL);
		pthread_cond_init(&c->cond, NULL);
		peer_name(&ss, c->peer, sizeof(c->peer));
		if (pthread_create(&t, NULL, client_main, c)) {
			say("cannot serve %s: %s", c->peer, strerror(errno));
			close(fd);
			free(c);
			pthread_mutex_lock(&active_lock);
			handshaking--;
			pthread_mutex_unlock(&active_lock);
			continue;
		}
		pthread_detach(t);
	}
}
