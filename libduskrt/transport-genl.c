/* SPDX-License-Identifier: MIT */
/*
 * The real transport: a NETLINK_GENERIC socket (libmnl) talking to the
 * dusk_<mod> family of a loaded kmod.  Opening resolves the family id with
 * the genetlink controller.  recv_ready() takes a batch with one
 * recvmmsg() (under load: one system call per batch), a single datagram
 * with recv(); wait(), kick() and shutdown() are the shared waker's
 * (waker.c).  recv_wait() is a blocking receive, as an NFQUEUE program's
 * (recvmmsg() with MSG_WAITFORONE, which takes what else is waiting with
 * the first datagram): the idle packet thread sleeps in it instead of in
 * poll() followed by a receive, one system call less between a packet's
 * upcall and its verdict.  shutdown() wakes it with a NOOP the socket sends itself.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>

#include "rt-internal.h"

struct genl_transport {
	struct dusk_transport base;
	struct mnl_socket *nl;
	int fd;			/* nl's: the packet path's calls go straight to it */
	int64_t busy_poll_ns;	/* recv_wait() polls this long before it sleeps */
	struct dusk_waker w;
};

#define BUSY_POLL_MAX_US 1000000	/* DUSK_BUSY_POLL_US's ceiling: 1 s */

/*
 * Send the socket a NOOP of its own: a thread blocked in recv_wait()
 * returns.  Sending to a port needs CAP_NET_ADMIN, which the kmod's family
 * asks of every request anyway (GENL_ADMIN_PERM).  A full receive queue
 * (-EAGAIN) wakes the reader just as well.
 */
static int self_noop(struct mnl_socket *nl)
{
	struct nlmsghdr h = { .nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP };
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = mnl_socket_get_portid(nl) };

	if (sendto(mnl_socket_get_fd(nl), &h, sizeof(h), MSG_DONTWAIT, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return errno == EAGAIN ? 0 : -errno;
	return 0;
}

/* Can this socket wake itself (self_noop())?  Tried once, at open, before
 * anything else can arrive: the NOOP is read back at once. */
static int self_wake_works(struct mnl_socket *nl)
{
	struct nlmsghdr h;
	ssize_t n;

	if (self_noop(nl))
		return 0;
	do
		n = recv(mnl_socket_get_fd(nl), &h, sizeof(h), MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(h) && h.nlmsg_type == NLMSG_NOOP;
}

/*
 * The packet path's system calls go through syscall(): libc's recvmmsg(),
 * recv() and sendto() are cancellation points, two more calls each around
 * the system call, and under QEMU's TCG every call on that path costs a
 * code look-up on the packet thread's cold start (docs/PERFORMANCE.md).
 * The runtime never cancels a thread.
 */
static int genl_send(struct dusk_transport *t, const void *buf, size_t len)
{
	struct genl_transport *g = (struct genl_transport *)t;
	/* mnl_socket_sendto(): to the kernel */
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return syscall(SYS_sendto, g->fd, buf, len, 0, &kernel, sizeof(kernel)) < 0 ? -errno : 0;
}

/*
 * A batch's message headers, kept per thread.  A thread receives into the
 * same buffers every time (the packet thread into its own), and building
 * RX_BATCH headers of 64 bytes for each receive was some 300 instructions
 * of every packet's path (docs/PERFORMANCE.md).  The kernel writes back
 * only msg_len, msg_flags and msg_controllen (0: no control buffer), so a
 * header whose buffer and size are the same is reused as it is.
 */
static DUSK_TLS struct mmsghdr rx_mm[DUSK_RECV_BATCH];
static DUSK_TLS struct iovec rx_iov[DUSK_RECV_BATCH];
static DUSK_TLS size_t rx_cap;		/* every rx_iov's iov_len */
static DUSK_TLS unsigned int rx_built;	/* headers set up, from the first */

/* This thread's headers for @n buffers @bufs of @cap bytes (n <= DUSK_RECV_BATCH). */
static struct mmsghdr *rx_headers(void *const *bufs, size_t cap, unsigned int n)
{
	unsigned int i;

	if (cap != rx_cap) {
		rx_cap = cap;
		rx_built = 0;
	}
	for (i = 0; i < n; i++) {
		if (i < rx_built && rx_iov[i].iov_base == bufs[i])
			continue;
		rx_iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = cap };
		rx_mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &rx_iov[i], .msg_iovlen = 1 } };
	}
	if (n > rx_built)
		rx_built = n;
	return rx_mm;
}

/* Take up to @n datagrams; @flags MSG_DONTWAIT (none waiting: 0) or
 * MSG_WAITFORONE (block for the first only). */
static int genl_recv(struct dusk_transport *t, void *const *bufs, size_t cap, size_t *lens,
		     unsigned int n, int flags)
{
	struct genl_transport *g = (struct genl_transport *)t;
	struct mmsghdr *mm;
	unsigned int i;
	int r;

	if (dusk_waker_shut(&g->w))
		return -ESHUTDOWN;
	if (n == 1) {
		/* recv() copies no message headers in and out: an answer
		 * read alone (the usual case) costs less than recvmmsg() */
		ssize_t len;

		do
			len = syscall(SYS_recvfrom, g->fd, bufs[0], cap,
				      flags == MSG_DONTWAIT ? MSG_DONTWAIT : 0, NULL, NULL);
		while (len < 0 && errno == EINTR);
		if (len < 0)
			return errno == EAGAIN ? 0 : -errno;
		lens[0] = (size_t)len;
		r = 1;
	} else {
		if (n > DUSK_RECV_BATCH)
			n = DUSK_RECV_BATCH;	/* the rest waits for the next receive */
		mm = rx_headers(bufs, cap, n);
		do
			r = (int)syscall(SYS_recvmmsg, g->fd, mm, n, flags, NULL);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return errno == EAGAIN ? 0 : -errno;
		for (i = 0; i < (unsigned int)r; i++)
			lens[i] = mm[i].msg_len;
	}
	/* a blocked receive was woken by the NOOP shutdown() sends */
	if (flags != MSG_DONTWAIT && dusk_waker_shut(&g->w))
		return -ESHUTDOWN;
	return r;
}

static int genl_recv_ready(struct dusk_transport *t, void *const *bufs, size_t cap,
			   size_t *lens, unsigned int n)
{
	return genl_recv(t, bufs, cap, lens, n, MSG_DONTWAIT);
}

/*
 * Busy polling (DUSK_BUSY_POLL_US, as the kernel's net.core.busy_read is
 * for a device's sockets): before it sleeps, the idle packet thread takes
 * what comes for that long without blocking.  A packet that arrives
 * meanwhile is read without a wake-up: no scheduler wake-up, no switch
 * onto a CPU, no cold return from a blocking receive -- the part of a hook
 * pass's added latency a blocking reader (NFQUEUE's or DUSK's) pays
 * between the upcall's queueing and its first instruction
 * (docs/PERFORMANCE.md).  The price is a CPU kept busy meanwhile, which
 * is why it is off unless asked for.  Every poll is a receive, so answers
 * to other threads' requests and shutdown() are seen as when it sleeps.
 */
static int genl_recv_wait(struct dusk_transport *t, void *const *bufs, size_t cap,
			  size_t *lens, unsigned int n)
{
	struct genl_transport *g = (struct genl_transport *)t;

	if (g->busy_poll_ns) {
		int64_t end = dusk_mono_ns() + g->busy_poll_ns;
		int r;

		do {
			r = genl_recv(t, bufs, cap, lens, n, MSG_DONTWAIT);
			if (r)
				return r;
		} while (dusk_mono_ns() < end);
	}
	return genl_recv(t, bufs, cap, lens, n, MSG_WAITFORONE);
}

/* DUSK_BUSY_POLL_US: microseconds, 0 (the default) to BUSY_POLL_MAX_US. */
static int64_t busy_poll_ns(void)
{
	const char *env = getenv("DUSK_BUSY_POLL_US");
	char *end;
	long us;

	if (!env || !*env)
		return 0;
	errno = 0;
	us = strtol(env, &end, 10);
	if (errno || *end || us < 0 || us > BUSY_POLL_MAX_US) {
		dusk_log(DUSK_LOG_WARN, "dusk: DUSK_BUSY_POLL_US=%s ignored: microseconds "
			 "from 0 to %d expected", env, BUSY_POLL_MAX_US);
		return 0;
	}
	return (int64_t)us * 1000;
}

static int genl_wait(struct dusk_transport *t)
{
	struct genl_transport *g = (struct genl_transport *)t;

	return dusk_waker_wait(&g->w, mnl_socket_get_fd(g->nl));
}

static void genl_kick(struct dusk_transport *t)
{
	dusk_waker_kick(&((struct genl_transport *)t)->w);
}

static void genl_shutdown(struct dusk_transport *t)
{
	struct genl_transport *g = (struct genl_transport *)t;

	dusk_waker_shutdown(&g->w);
	if (g->base.ops->recv_wait)
		self_noop(g->nl);
}

static void genl_destroy(struct dusk_transport *t)
{
	struct genl_transport *g = (struct genl_transport *)t;

	mnl_socket_close(g->nl);
	dusk_waker_close(&g->w);
	free(g);
}

static const struct dusk_transport_ops genl_ops = {
	.send = genl_send,
	.recv_ready = genl_recv_ready,
	.wait = genl_wait,
	.kick = genl_kick,
	.shutdown = genl_shutdown,
	.destroy = genl_destroy,
};

/* The same, where the socket can wake itself (self_wake_works()). */
static const struct dusk_transport_ops genl_ops_recv_wait = {
	.send = genl_send,
	.recv_ready = genl_recv_ready,
	.wait = genl_wait,
	.recv_wait = genl_recv_wait,
	.kick = genl_kick,
	.shutdown = genl_shutdown,
	.destroy = genl_destroy,
};

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID &&
	    mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(int *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, GENL_HDRLEN, family_cb, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* Family id of @name, or -ENOENT. */
static int resolve_family(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int id = -ENOENT;
	unsigned int seq = 1, port = mnl_socket_get_portid(nl);
	ssize_t n;

	/* zeroed: libmnl leaves the name's padding as it finds it */
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (mnl_cb_run(buf, n, seq, port, resolve_cb, &id) < 0)
		return errno == ENOENT || errno == 0 ? -ENOENT : -errno;
	return id;
}

int dusk_genl_open(const char *modname, struct dusk_transport **out)
{
	struct genl_transport *g = calloc(1, sizeof(*g));
	char family[DUSK_GENL_NAMSIZ];
	int one = 1, rcvbuf = 4 << 20, id, err;

	if (!g)
		return -ENOMEM;
	err = dusk_waker_init(&g->w);
	if (err) {
		free(g);
		return err;
	}
	dusk_genl_family_name(family, modname);
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl || mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto fail;
	}
	g->fd = mnl_socket_get_fd(g->nl);
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	/* An overrun costs the upcalls that did not fit (the kmod's policy
	 * decides them), not an error on the next receive. */
	mnl_socket_setsockopt(g->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(g->nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		setsockopt(mnl_socket_get_fd(g->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	g->base.ops = self_wake_works(g->nl) ? &genl_ops_recv_wait : &genl_ops;
	g->busy_poll_ns = busy_poll_ns();
	id = resolve_family(g->nl, family);
	if (id < 0) {
		err = id;
		goto fail;
	}
	g->base.family = (uint16_t)id;
	g->base.direct_answers = 1;
	*out = &g->base;
	return 0;
fail:
	if (g->nl)
		mnl_socket_close(g->nl);
	dusk_waker_close(&g->w);
	free(g);
	return err;
}
