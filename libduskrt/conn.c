/* SPDX-License-Identifier: MIT */
/*
 * The connection: one transport shared by every thread of the program, and
 * the packet path through it.
 *
 * The kmod raises upcalls and answers requests on one socket (the session
 * is bound to its port).  Whoever reads it demultiplexes: an answer wakes
 * the request waiting on its nlmsg_seq, an upcall that may sleep
 * (DUSK_UPCALL_BLOCKING) goes to the worker pool, and an ordered upcall
 * (a packet through a Netfilter hook, a timer) goes to the FIFO of the
 * *packet thread*, which serves them one after the other, in the order the
 * kernel raised them.
 *
 * The packet thread is also the usual reader, so a packet costs no thread
 * hand-off: it reads a batch of datagrams (recvmmsg) into buffers of its
 * own, serves the upcalls in it where they lie (no copy is queued), and
 * sends their REPLYs together in one datagram.  Idle, it sleeps in a
 * blocking receive where the transport has one (recv_wait()), as an
 * NFQUEUE program does, not in poll() followed by a receive.  A REPLY that
 * carries no writes is not acknowledged (genetlink answers only errors), so
 * no verdict waits for anything; an error that comes back later for one
 * (-ESRCH: the kernel stopped waiting) is matched to its callback by
 * sequence number and reported.  A nested request of a packet callback
 * (CALL, READ) travels in the same datagram as the REPLYs not yet sent, and
 * the packet thread reads its answer itself; upcalls it meets meanwhile
 * queue behind the one it serves.  On the local socket most answers are
 * not read at all: the kmod writes them into the sender's buffer inside
 * send() ("Direct answers" below).
 *
 * Reading is a role, held by one thread at a time and only while it takes
 * what is already waiting (recvmmsg without blocking): any thread that
 * needs something from the socket takes it.  Since genetlink answers a
 * request inside the sender's send(), a thread that sent a request usually
 * finds its answer at once and reads it itself: no thread is woken for it.
 * Waiting for the socket is another role (the *poller*, in the transport's
 * wait()); the other threads wait on a condition variable, woken after
 * each read, and a reader that leaves the poller work (queued upcalls, an
 * answer) kicks it.
 *
 * A thread inside send() cannot read.  A kernel function may raise an
 * upcall and wait for it (a notifier replaying events at registration):
 * when a request has been in send() for HELPER_DELAY_NS, a *helper* thread
 * reads on the socket's behalf until it is out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "rt-internal.h"

#define RX_CAP (256 * 1024)	/* one datagram: larger than any answer */
#define RX_BATCH DUSK_RECV_BATCH	/* datagrams read at once */
#define INPLACE_MAX DUSK_LANE_BATCH	/* ordered upcalls of one read served where they lie */
#define ANSWER_CAP (64 * 1024)	/* a thread's direct answers (a READ of 15 pages fits) */
#define OUT_CAP (48 * 1024)	/* REPLYs kept for one datagram (under the socket's sndbuf) */
#define RING 1024		/* unacknowledged REPLYs remembered (power of 2) */
#define HELPER_DELAY_NS 5000000ll
#define HELPER_LINGER 20	/* idle timed waits before the helper sleeps untimed */

struct waiter {
	struct waiter *next;
	uint32_t seq;
	int done;
	int err;
	int64_t t0;		/* in send() since (CLOCK_MONOTONIC ns), 0 once out */
	struct dusk_answer *ans;
};

/* An ordered upcall waiting for the packet thread. */
struct upq {
	struct upq *next;
	size_t len;
	char msg[];
};

/* A REPLY sent without ACK: who to name if an error comes back for it. */
struct noack {
	uint32_t seq;
	uint8_t quiet;		/* the callback already said the kernel stopped waiting */
	uint64_t ctx;
	const char *fn;
};

struct dusk_conn {
	struct dusk_transport *t;
	const struct dusk_upcall_ops *ops;
	pthread_t rx, helper;
	pthread_mutex_t lock;	/* protects everything below but the packet thread's own */
	pthread_cond_t cond;	/* an answer delivered, the reading role free, upcalls queued */
	unsigned int cond_waiters;	/* threads in conn_wait() */
	pthread_cond_t hcond;	/* the helper may be needed */
	uint32_t next_seq;
	struct waiter *waiters;
	struct upq *qhead, **qtail;
	int reading;		/* a thread holds the reading role */
	int polling;		/* a thread holds the polling role ... */
	pthread_t poller;	/* ... this one */
	int helper_idle;	/* the helper sleeps without a timeout */
	int serving;		/* ordered upcalls are served (0 once module exit is done) */
	int busy;		/* the packet thread is running callbacks */
	int stopping;
	int dead;		/* transport closed or failed: requests fail at once */
	int dead_err;
	char *rxbuf;		/* RX_BATCH datagrams, used by the reader only */
	size_t rxlen[RX_BATCH];
	void *rxbufs[RX_BATCH];	/* rxbuf's slots, set once (a read's list) */
	/* The packet thread's own reads (pkt_read()): their upcalls are
	 * served in these buffers, while other threads read into rxbuf. */
	char *pktbuf;
	size_t pktlen[RX_BATCH];
	void *pktbufs[RX_BATCH];
	struct noack ring[RING];
	struct dusk_outq pout;	/* the packet thread's REPLYs not yet sent */
	struct dusk_lanes *lanes;	/* flows in parallel (lanes.c), NULL: none */
	struct dusk_conn *next_open;	/* conns */
};

/* Where this thread's REPLYs wait to go out: the packet thread's or a
 * lane's (lanes.c), else NULL. */
static DUSK_TLS struct dusk_outq *tls_out;

/*
 * Open connections, for a fork()'s child: it has only the thread that
 * forked, so the roles the others held (the idle packet thread sleeps
 * holding the reading one) and the locks they may have held are released
 * there.  Its connection works for that thread, as far as the transport
 * does (the simulated kernel's unit tests fork for each case).
 */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dusk_conn *conns;

/* Caller holds c->lock.  Unlinks and returns the waiter for @seq. */
static struct waiter *take_waiter(struct dusk_conn *c, uint32_t seq)
{
	struct waiter **pp, *w;

	for (pp = &c->waiters; (w = *pp); pp = &w->next) {
		if (w->seq == seq) {
			*pp = w->next;
			return w;
		}
	}
	return NULL;
}

/* Caller holds c->lock.  A fresh sequence number (0 is the upcalls'). */
static uint32_t new_seq(struct dusk_conn *c)
{
	uint32_t seq = c->next_seq++;

	if (c->next_seq == 0)
		c->next_seq = 1;
	return seq;
}

/* An error answered to an unacknowledged REPLY.  Caller holds c->lock. */
static void noack_error(struct dusk_conn *c, const struct noack *r, int err, const char *extack)
{
	if (err == -ESRCH) {
		if (!r->quiet)
			dusk_log(DUSK_LOG_WARN, "dusk: %s returned after the kernel stopped waiting "
				 "for it (the kmod's nf_timeout_ms/block_timeout_ms; a debugger "
				 "stop?): its result was dropped, the kernel applied its policy",
				 r->fn);
		return;
	}
	(void)c;
	dusk_log(DUSK_LOG_ERROR, "dusk: REPLY of %s to upcall %llu failed: %s%s%s", r->fn,
		 (unsigned long long)r->ctx, strerror(-err), extack[0] ? ": " : "", extack);
}

/* An answer read from the socket.  Caller holds c->lock.  Returns the
 * waiter it completed, or NULL. */
static struct waiter *deliver(struct dusk_conn *c, const struct nlmsghdr *nlh)
{
	struct waiter *w;
	char extack[sizeof(((struct dusk_answer *)0)->extack)];
	struct noack *r;
	int err = 0;
	uint32_t bad_off = 0;
	struct nlmsghdr *copy = NULL;

	if (nlh->nlmsg_type == NLMSG_ERROR)
		err = dusk_msg_error(nlh, extack, sizeof(extack), &bad_off);
	w = take_waiter(c, nlh->nlmsg_seq);
	if (!w) {
		r = &c->ring[nlh->nlmsg_seq & (RING - 1)];
		if (nlh->nlmsg_type == NLMSG_ERROR && r->seq == nlh->nlmsg_seq && r->fn) {
			if (err)
				noack_error(c, r, err, extack);
			r->fn = NULL;
			return NULL;
		}
		dusk_trace("[dusk] drop unexpected answer seq=%u", nlh->nlmsg_seq);
		return NULL;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR) {
		copy = malloc(nlh->nlmsg_len);
		if (copy)
			memcpy(copy, nlh, nlh->nlmsg_len);
		else
			err = -ENOMEM;
	}
	w->err = err;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		memcpy(w->ans->extack, extack, sizeof(extack));
	w->ans->bad_off = bad_off;
	w->ans->nlh = copy;
	w->ans->len = copy ? copy->nlmsg_len : 0;
	w->done = 1;
	return w;
}

/* An upcall read from the socket.  Caller holds c->lock.  1 if it was
 * queued for the packet thread. */
static int route_upcall(struct dusk_conn *c, const struct nlmsghdr *nlh)
{
	struct upq *q;

	if (!c->ops->ordered(nlh, nlh->nlmsg_len)) {
		void *copy = malloc(nlh->nlmsg_len);

		if (!copy) {
			dusk_log(DUSK_LOG_ERROR, "dusk: upcall dropped: out of memory");
			return 0;
		}
		memcpy(copy, nlh, nlh->nlmsg_len);
		c->ops->submit(c->ops->arg, copy, nlh->nlmsg_len);
		return 0;
	}
	if (!c->serving)
		return 0;	/* module exit has run: the kmod's policy decides */
	q = malloc(sizeof(*q) + nlh->nlmsg_len);
	if (!q) {
		dusk_log(DUSK_LOG_ERROR, "dusk: upcall dropped: out of memory");
		return 0;
	}
	q->next = NULL;
	q->len = nlh->nlmsg_len;
	memcpy(q->msg, nlh, nlh->nlmsg_len);
	*c->qtail = q;
	c->qtail = &q->next;
	return 1;
}

/* Wait on c->cond.  Caller holds c->lock (dropped meanwhile). */
static void conn_wait(struct dusk_conn *c)
{
	c->cond_waiters++;
	pthread_cond_wait(&c->cond, &c->lock);
	c->cond_waiters--;
}

/* Wake every thread in conn_wait().  Every read and every packet served
 * says so, mostly to no one: the waiters are counted under c->lock, so a
 * broadcast is skipped, not lost, and the packet path makes one call less
 * (docs/PERFORMANCE.md).  Caller holds c->lock. */
static inline void conn_wake(struct dusk_conn *c)
{
	if (c->cond_waiters)
		pthread_cond_broadcast(&c->cond);
}

/* The transport failed or was shut down: fail every request.  Caller holds c->lock. */
static void conn_die(struct dusk_conn *c, ssize_t n)
{
	struct waiter *w;

	c->dead = 1;
	c->dead_err = n == -ESHUTDOWN || n >= 0 ? -ESHUTDOWN : (int)n;
	while ((w = c->waiters)) {
		c->waiters = w->next;
		w->err = c->dead_err;
		w->done = 1;
	}
	conn_wake(c);
	pthread_cond_signal(&c->hcond);
}

/* Ordered upcalls of one read, left where they lie for the packet thread. */
struct inplace {
	const struct nlmsghdr *v[INPLACE_MAX];
	unsigned int n;
};

/*
 * Demultiplex @n datagrams just read (@bufs, lengths @lens).  @mine is the
 * caller's waiter, if any.  With @ip (the packet thread's own read, nothing
 * queued before it) ordered upcalls are collected there to be served in
 * place; the ones that do not fit are queued, to be served right after
 * them.  Caller holds c->lock.
 */
static void demux(struct dusk_conn *c, void *const *bufs, const size_t *lens, int n,
		  const struct waiter *mine, struct inplace *ip)
{
	int i, news = 0;

	if (ip && (c->qhead || !c->serving))
		ip = NULL;
	for (i = 0; i < n; i++) {
		const struct nlmsghdr *nlh = bufs[i];
		int len = (int)lens[i];

		for (; dusk_nlmsg_ok(nlh, (size_t)len); nlh = dusk_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_DONE)
				continue;
			if (nlh->nlmsg_type != c->t->family ||
			    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
			    dusk_msg_cmd(nlh) != DUSK_CMD_UPCALL)
				news |= deliver(c, nlh) != mine;
			else if (ip && ip->n < INPLACE_MAX && c->ops->ordered(nlh, nlh->nlmsg_len))
				ip->v[ip->n++] = nlh;
			else
				news |= route_upcall(c, nlh);
		}
	}
	conn_wake(c);
	/* The poller may be the one this round left work to. */
	if (news && c->polling && !pthread_equal(c->poller, pthread_self()))
		c->t->ops->kick(c->t);
}

/*
 * Take the reading role (with @block the waiting one too) and read up to
 * @batch datagrams into @base (RX_BATCH slots of RX_CAP), their addresses
 * in @bufs and lengths in @lens: those already waiting, or with @block
 * sleeping until the first comes (the transport's recv_wait()).  Caller
 * holds c->lock, c->reading is 0 and, with @block, c->polling too (the
 * lock is dropped meanwhile).  The number read, or -errno (the connection
 * is then dead).
 */
static int read_into(struct dusk_conn *c, void *const *bufs, size_t *lens, unsigned int batch,
		     int block)
{
	int n;

	c->reading = 1;
	if (block) {
		c->polling = 1;
		c->poller = pthread_self();
	}
	pthread_mutex_unlock(&c->lock);
	if (block)
		n = c->t->ops->recv_wait(c->t, bufs, RX_CAP, lens, batch);
	else
		n = c->t->ops->recv_ready(c->t, bufs, RX_CAP, lens, batch);
	pthread_mutex_lock(&c->lock);
	c->reading = 0;
	if (block)
		c->polling = 0;
	if (n < 0)
		conn_die(c, n);
	return n;
}

/*
 * Take the reading role for what is waiting on the socket (a batch of up
 * to @batch datagrams, into the shared buffers) and demultiplex it.  @mine
 * is the caller's waiter, if any.  Caller holds c->lock and c->reading is
 * 0 (the lock is dropped meanwhile).  Returns the number of datagrams
 * read, 0 if none was waiting, or -errno (the connection is then dead).
 */
static int read_ready(struct dusk_conn *c, const struct waiter *mine, unsigned int batch)
{
	int n = read_into(c, c->rxbufs, c->rxlen, batch, 0);

	if (n >= 0)
		demux(c, c->rxbufs, c->rxlen, n, mine, NULL);
	return n;
}

/*
 * Wait for something to happen: in the transport's wait() if no other
 * thread does, else on c->cond (broadcast after every read and wait).
 * Caller holds c->lock (dropped meanwhile).
 */
static void wait_event(struct dusk_conn *c)
{
	int err;

	if (c->polling) {
		conn_wait(c);
		return;
	}
	c->polling = 1;
	c->poller = pthread_self();
	pthread_mutex_unlock(&c->lock);
	err = c->t->ops->wait(c->t);
	pthread_mutex_lock(&c->lock);
	c->polling = 0;
	if (err)
		conn_die(c, err);
	conn_wake(c);
}

/* Send the REPLYs waiting in @o, with @req (a request, may be NULL) after them. */
static int send_out(struct dusk_outq *o, const struct nlmsghdr *req)
{
	struct dusk_transport *t = o->c->t;
	int err;

	if (req && o->len && o->len + req->nlmsg_len <= OUT_CAP) {
		memcpy(o->buf + o->len, req, req->nlmsg_len);
		err = t->ops->send(t, o->buf, o->len + req->nlmsg_len);
		o->len = 0;
		return err;
	}
	if (o->len) {
		err = t->ops->send(t, o->buf, o->len);
		o->len = 0;
		if (err)
			dusk_log(DUSK_LOG_ERROR, "dusk: sending REPLYs failed: %s", strerror(-err));
	}
	return req ? t->ops->send(t, req, req->nlmsg_len) : 0;
}

int dusk_outq_init(struct dusk_outq *o, struct dusk_conn *c)
{
	o->c = c;
	o->len = 0;
	o->buf = malloc(OUT_CAP);
	return o->buf ? 0 : -ENOMEM;
}

void dusk_outq_fini(struct dusk_outq *o)
{
	free(o->buf);
	o->buf = NULL;
}

void dusk_outq_bind(struct dusk_outq *o)
{
	tls_out = o;
}

void dusk_outq_flush(struct dusk_outq *o)
{
	send_out(o, NULL);
}

/* Serve @n ordered upcalls @v in order, or split by flow (lanes.c).
 * Packet thread, c->lock not held. */
static void serve_batch(struct dusk_conn *c, const struct nlmsghdr *const *v, unsigned int n)
{
	unsigned int i;

	if (dusk_lanes_serve(c->lanes, v, n))
		return;
	for (i = 0; i < n; i++)
		c->ops->serve(v[i], v[i]->nlmsg_len);
}

/* Serve the queued ordered upcalls, a batch at a time.  Packet thread,
 * c->lock held (dropped meanwhile). */
static void serve_queue(struct dusk_conn *c)
{
	const struct nlmsghdr *v[INPLACE_MAX];
	struct upq *q = c->qhead, *next, *first;
	unsigned int n;

	c->qhead = NULL;
	c->qtail = &c->qhead;
	c->busy = 1;
	pthread_mutex_unlock(&c->lock);
	while (q) {
		first = q;
		for (n = 0; q && n < INPLACE_MAX; q = q->next)
			v[n++] = (const struct nlmsghdr *)q->msg;
		serve_batch(c, v, n);
		for (; first != q; first = next) {
			next = first->next;
			free(first);
		}
	}
	send_out(&c->pout, NULL);
	pthread_mutex_lock(&c->lock);
	c->busy = 0;
	conn_wake(c);
}

/* Serve the ordered upcalls of the packet thread's own read where they
 * lie.  Packet thread, c->lock held (dropped meanwhile). */
static void serve_inplace(struct dusk_conn *c, const struct inplace *ip)
{
	c->busy = 1;
	pthread_mutex_unlock(&c->lock);
	serve_batch(c, ip->v, ip->n);
	send_out(&c->pout, NULL);
	pthread_mutex_lock(&c->lock);
	c->busy = 0;
	conn_wake(c);
}

/*
 * The packet thread's read: a batch of up to @batch datagrams already
 * waiting, or with @block as many, sleeping until the first comes (the
 * transport's recv_wait(): the thread holds the waiting role too).  Its
 * ordered upcalls are served in the packet thread's own buffers, which no
 * other thread touches: other readers use rxbuf meanwhile.  Caller holds
 * c->lock, c->reading is 0 and, with @block, c->polling too.  The number
 * of datagrams read, 0, or -errno (the connection is then dead).
 */
static int pkt_read(struct dusk_conn *c, unsigned int batch, int block)
{
	struct inplace ip;
	int n = read_into(c, c->pktbufs, c->pktlen, batch, block);

	if (n < 0)
		return n;
	ip.n = 0;
	demux(c, c->pktbufs, c->pktlen, n, NULL, &ip);
	if (ip.n)
		serve_inplace(c, &ip);
	return n;
}

/*
 * The packet thread: serve what is queued, else read.
 *
 * When the socket was left empty it waits in the receive itself (the
 * transport's recv_wait(), recvmmsg() with MSG_WAITFORONE, which a
 * shutdown can wake) instead of a wait followed by a receive, and takes
 * what else is waiting with the first datagram.  A batch that came short
 * emptied the socket, so the next read waits again: at low rates a packet
 * costs one receive and its verdict's send, as NFQUEUE's do.  A full batch
 * is followed by another without waiting.
 */
static void *rx_main(void *arg)
{
	struct dusk_conn *c = arg;
	unsigned int batch = RX_BATCH;
	int drained = 0;	/* the last read left the socket empty */
	int n;

	tls_out = &c->pout;
	pthread_mutex_lock(&c->lock);
	for (;;) {
		if (c->dead || c->stopping)
			break;
		if (c->qhead && c->serving) {
			serve_queue(c);
			continue;
		}
		if (c->reading) {
			conn_wait(c);
		} else if (drained && c->t->ops->recv_wait && !c->polling) {
			n = pkt_read(c, RX_BATCH, 1);
			drained = n >= 0 && n < RX_BATCH;
			batch = RX_BATCH;
		} else if (drained) {
			wait_event(c);
			drained = 0;
			batch = 1;
		} else {
			n = pkt_read(c, batch, 0);
			drained = n >= 0 && (unsigned int)n < batch;
			batch = RX_BATCH;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* Has a request been inside send() for HELPER_DELAY_NS?  Caller holds c->lock. */
static int helper_needed(struct dusk_conn *c)
{
	const struct waiter *w;
	int64_t now = 0;

	for (w = c->waiters; w; w = w->next) {
		if (!w->t0)
			continue;
		if (!now)
			now = dusk_mono_ns();
		if (now - w->t0 > HELPER_DELAY_NS)
			return 1;
	}
	return 0;
}

/* Is a request in send()?  Caller holds c->lock. */
static int someone_sending(const struct dusk_conn *c)
{
	const struct waiter *w;

	for (w = c->waiters; w; w = w->next)
		if (w->t0)
			return 1;
	return 0;
}

static void *helper_main(void *arg)
{
	struct dusk_conn *c = arg;
	int idle = 0;

	pthread_mutex_lock(&c->lock);
	while (!c->dead && !c->stopping) {
		if (helper_needed(c)) {
			idle = 0;
			if (c->reading)
				conn_wait(c);
			else if (read_ready(c, NULL, RX_BATCH) == 0)
				wait_event(c);
			continue;
		}
		if (someone_sending(c) || idle < HELPER_LINGER) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += HELPER_DELAY_NS;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&c->hcond, &c->lock, &ts);
			idle = someone_sending(c) ? 0 : idle + 1;
		} else {
			c->helper_idle = 1;
			pthread_cond_wait(&c->hcond, &c->lock);
			c->helper_idle = 0;
			idle = 0;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

static void conns_atfork_child(void)
{
	struct dusk_conn *c;

	pthread_mutex_init(&conns_lock, NULL);
	for (c = conns; c; c = c->next_open) {
		pthread_mutex_init(&c->lock, NULL);
		pthread_cond_init(&c->cond, NULL);
		pthread_cond_init(&c->hcond, NULL);
		c->reading = c->polling = c->busy = c->helper_idle = 0;
		dusk_lanes_forget_threads(c->lanes);
	}
}

static void conns_atfork_register(void)
{
	pthread_atfork(NULL, NULL, conns_atfork_child);
}

static void conns_add(struct dusk_conn *c)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, conns_atfork_register);
	pthread_mutex_lock(&conns_lock);
	c->next_open = conns;
	conns = c;
	pthread_mutex_unlock(&conns_lock);
}

static void conns_del(struct dusk_conn *c)
{
	struct dusk_conn **pp;

	pthread_mutex_lock(&conns_lock);
	for (pp = &conns; *pp; pp = &(*pp)->next_open) {
		if (*pp == c) {
			*pp = c->next_open;
			break;
		}
	}
	pthread_mutex_unlock(&conns_lock);
}

/* Free @c, its threads joined. */
static void conn_free(struct dusk_conn *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
	pthread_cond_destroy(&c->hcond);
	dusk_lanes_free(c->lanes);
	free(c->rxbuf);
	free(c->pktbuf);
	dusk_outq_fini(&c->pout);
	free(c);
}

/* Forget the upcalls queued for workers.  Context: c->lock held, or
 * the threads joined. */
static void drop_queue(struct dusk_conn *c)
{
	struct upq *q;

	while ((q = c->qhead)) {
		c->qhead = q->next;
		free(q);
	}
	c->qtail = &c->qhead;
}

int dusk_conn_open(struct dusk_transport *t, const struct dusk_upcall_ops *ops,
		   struct dusk_conn **out)
{
	struct dusk_conn *c = calloc(1, sizeof(*c));
	unsigned int i;
	int err;

	if (!c)
		return -ENOMEM;
	c->rxbuf = malloc((size_t)RX_BATCH * RX_CAP);
	c->pktbuf = malloc((size_t)RX_BATCH * RX_CAP);
	if (ops->key)
		c->lanes = dusk_lanes_new(c, ops);
	if (!c->rxbuf || !c->pktbuf || dusk_outq_init(&c->pout, c) ||
	    (ops->key && !c->lanes)) {
		dusk_lanes_free(c->lanes);
		free(c->rxbuf);
		free(c->pktbuf);
		dusk_outq_fini(&c->pout);
		free(c);
		return -ENOMEM;
	}
	for (i = 0; i < RX_BATCH; i++) {
		c->rxbufs[i] = c->rxbuf + (size_t)i * RX_CAP;
		c->pktbufs[i] = c->pktbuf + (size_t)i * RX_CAP;
	}
	c->t = t;
	c->ops = ops;
	c->next_seq = 1;
	c->serving = 1;
	c->qtail = &c->qhead;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	pthread_cond_init(&c->hcond, NULL);
	err = -pthread_create(&c->rx, NULL, rx_main, c);
	if (!err) {
		err = -pthread_create(&c->helper, NULL, helper_main, c);
		if (err) {
			pthread_mutex_lock(&c->lock);
			c->stopping = 1;
			pthread_mutex_unlock(&c->lock);
			t->ops->shutdown(t);
			pthread_join(c->rx, NULL);
		}
	}
	if (err) {
		conn_free(c);
		return err;
	}
	conns_add(c);
	*out = c;
	return 0;
}

void dusk_conn_stop_serving(struct dusk_conn *c)
{
	pthread_mutex_lock(&c->lock);
	c->serving = 0;
	while (c->busy)
		conn_wait(c);
	drop_queue(c);
	pthread_mutex_unlock(&c->lock);
}

void dusk_conn_close(struct dusk_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stopping = 1;
	conn_wake(c);
	pthread_cond_signal(&c->hcond);
	pthread_mutex_unlock(&c->lock);
	c->t->ops->shutdown(c->t);
	pthread_join(c->rx, NULL);
	pthread_join(c->helper, NULL);
	conns_del(c);
	drop_queue(c);
	conn_free(c);
}

int dusk_conn_alive(struct dusk_conn *c)
{
	int dead;

	pthread_mutex_lock(&c->lock);
	dead = c->dead;
	pthread_mutex_unlock(&c->lock);
	return !dead;
}

uint16_t dusk_conn_family(const struct dusk_conn *c)
{
	return c->t->family;
}

static int acked_cmd(uint8_t cmd)
{
	return cmd == DUSK_CMD_WRITE || cmd == DUSK_CMD_MIRROR_FREE ||
	       cmd == DUSK_CMD_REPLY || cmd == DUSK_CMD_BYE || cmd == DUSK_CMD_PARAMS;
}

/*
 * Direct answers.  genetlink runs the kmod's handler inside the sender's
 * send(), so the kmod can write the answer of a CALL, READ or
 * MIRROR_ALLOC straight into the sending thread's buffer named in the
 * request (ANSWER_AT, ANSWER_CAP): no receive, one system call per round
 * trip.  An answer that does not fit, an error, or one the kmod gives
 * later (a deferred CALL) comes on the socket as before.
 */
static int direct_cmd(uint8_t cmd)
{
	return cmd == DUSK_CMD_CALL || cmd == DUSK_CMD_READ || cmd == DUSK_CMD_MIRROR_ALLOC;
}

static void answer_buf_free(struct dusk_thread *t)
{
	free(t->answer_buf);
	t->answer_buf = NULL;
}

__attribute__((constructor)) static void answer_buf_hook(void)
{
	dusk_thread_on_exit(answer_buf_free);
}

/* Name this thread's answer buffer in request @m, emptied; NULL where the
 * answer must come on the socket. */
static struct nlmsghdr *direct_answer_buf(const struct dusk_conn *c, struct dusk_msg *m)
{
	struct dusk_thread *t = dusk_thread();
	struct nlmsghdr *buf;

	if (!c->t->direct_answers || !direct_cmd(dusk_msg_cmd(m->nlh)))
		return NULL;
	/* zeroed: a checker (valgrind) sees the kernel's writes as defined */
	if (!t->answer_buf && !(t->answer_buf = calloc(1, ANSWER_CAP)))
		return NULL;
	buf = t->answer_buf;
	buf->nlmsg_len = 0;
	if (dusk_msg_put_u64(m, DUSK_A_ANSWER_AT, (uintptr_t)buf) ||
	    dusk_msg_put_u32(m, DUSK_A_ANSWER_CAP, ANSWER_CAP))
		return NULL;	/* the kmod wants both: it answers on the socket */
	return buf;
}

/* Did the kmod write @seq's answer into @buf? */
static int direct_answered(const struct nlmsghdr *buf, uint32_t seq)
{
	return buf && buf->nlmsg_len >= NLMSG_HDRLEN && buf->nlmsg_len <= ANSWER_CAP &&
	       buf->nlmsg_seq == seq;
}

int dusk_conn_request(struct dusk_conn *c, struct dusk_msg *m, struct dusk_answer *ans)
{
	struct waiter w = { 0 };
	struct nlmsghdr *direct;
	struct dusk_outq *o = tls_out && tls_out->c == c ? tls_out : NULL;
	int err;

	memset(ans, 0, sizeof(*ans));
	if (acked_cmd(dusk_msg_cmd(m->nlh)))
		m->nlh->nlmsg_flags |= NLM_F_ACK;
	w.ans = ans;
	direct = direct_answer_buf(c, m);
	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		err = c->dead_err;
		pthread_mutex_unlock(&c->lock);
		return err;
	}
	w.seq = new_seq(c);
	m->nlh->nlmsg_seq = w.seq;
	w.next = c->waiters;
	c->waiters = &w;
	w.t0 = dusk_mono_ns();
	if (c->helper_idle)
		pthread_cond_signal(&c->hcond);
	pthread_mutex_unlock(&c->lock);

	err = o ? send_out(o, m->nlh) : c->t->ops->send(c->t, m->nlh, m->nlh->nlmsg_len);

	pthread_mutex_lock(&c->lock);
	w.t0 = 0;
	if (err) {
		take_waiter(c, w.seq);
	} else {
		if (direct_answered(direct, w.seq))
			deliver(c, direct);
		/* The answer is usually waiting already, alone: read it here,
		 * one datagram first (recvmmsg() tries for every slot it is
		 * given, and a second try costs as much as the first). */
		unsigned int batch = 1;

		while (!w.done) {
			if (c->reading) {
				conn_wait(c);
			} else {
				if (read_ready(c, &w, batch) == 0 && !w.done)
					wait_event(c);
				batch = RX_BATCH;
			}
		}
		err = w.err;
	}
	pthread_mutex_unlock(&c->lock);
	if (err) {
		free(ans->nlh);
		ans->nlh = NULL;
	}
	return err;
}

int dusk_conn_post_reply(struct dusk_conn *c, struct dusk_msg *m, uint64_t ctx, const char *fn,
			 int quiet)
{
	struct dusk_outq *o = tls_out;
	struct noack *r;

	if (!o || o->c != c || m->nlh->nlmsg_len > OUT_CAP)
		return -EAGAIN;
	if (o->len + m->nlh->nlmsg_len > OUT_CAP)
		send_out(o, NULL);
	pthread_mutex_lock(&c->lock);
	m->nlh->nlmsg_seq = new_seq(c);
	r = &c->ring[m->nlh->nlmsg_seq & (RING - 1)];
	r->seq = m->nlh->nlmsg_seq;
	r->ctx = ctx;
	r->fn = fn;
	r->quiet = (uint8_t)quiet;
	pthread_mutex_unlock(&c->lock);
	m->nlh->nlmsg_flags &= ~NLM_F_ACK;
	memcpy(o->buf + o->len, m->nlh, m->nlh->nlmsg_len);
	o->len += m->nlh->nlmsg_len;
	return 0;
}

void dusk_answer_free(struct dusk_answer *ans)
{
	free(ans->nlh);
	ans->nlh = NULL;
}
