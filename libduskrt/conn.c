/* SPDX-License-Identifier: MIT */
/*
 * The connection: one transport shared by every thread of the program.
 * Any thread may send a request; a single receiver thread reads every
 * datagram and demultiplexes it: an UPCALL goes to the upcall sink (the
 * worker pool), anything else wakes the request waiting on its nlmsg_seq.
 * This is what lets a worker serving an upcall make nested kernel calls
 * while other upcalls keep arriving.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "rt-internal.h"

#define RX_CAP (256 * 1024)

struct waiter {
	struct waiter *next;
	uint32_t seq;
	int done;
	int err;
	struct dusk_answer *ans;
	pthread_cond_t cond;
};

struct dusk_conn {
	struct dusk_transport *t;
	dusk_upcall_sink sink;
	void *sink_arg;
	pthread_t rx;
	pthread_mutex_t lock;	/* protects everything below */
	uint32_t next_seq;
	struct waiter *waiters;
	int dead;		/* receiver gone: new requests fail at once */
	int dead_err;
};

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

static void deliver(struct dusk_conn *c, const struct nlmsghdr *nlh)
{
	struct waiter *w;
	char extack[sizeof(((struct dusk_answer *)0)->extack)];
	int err = 0;
	struct nlmsghdr *copy = NULL;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		err = dusk_msg_error(nlh, extack, sizeof(extack));
	} else {
		copy = malloc(nlh->nlmsg_len);
		if (copy)
			memcpy(copy, nlh, nlh->nlmsg_len);
		else
			err = -ENOMEM;
	}
	pthread_mutex_lock(&c->lock);
	w = take_waiter(c, nlh->nlmsg_seq);
	if (!w) {
		pthread_mutex_unlock(&c->lock);
		free(copy);
		dusk_trace("[dusk] drop unexpected answer seq=%u", nlh->nlmsg_seq);
		return;
	}
	w->err = err;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		memcpy(w->ans->extack, extack, sizeof(extack));
	w->ans->nlh = copy;
	w->ans->len = copy ? copy->nlmsg_len : 0;
	w->done = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&c->lock);
}

static void *rx_main(void *arg)
{
	struct dusk_conn *c = arg;
	char *buf = malloc(RX_CAP);
	ssize_t n = buf ? 0 : -ENOMEM;
	struct waiter *w;

	while (buf) {
		const struct nlmsghdr *nlh;
		int len;

		n = c->t->ops->recv(c->t, buf, RX_CAP);
		if (n < 0)
			break;
		len = (int)n;
		for (nlh = (const void *)buf; dusk_nlmsg_ok(nlh, (size_t)len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == NLMSG_NOOP || nlh->nlmsg_type == NLMSG_DONE)
				continue;
			if (nlh->nlmsg_type == c->t->family &&
			    nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + GENL_HDRLEN &&
			    dusk_msg_cmd(nlh) == DUSK_CMD_UPCALL) {
				void *copy = malloc(nlh->nlmsg_len);

				if (!copy) {
					dusk_log(DUSK_LOG_ERROR, "dusk: upcall dropped: out of memory");
					continue;
				}
				memcpy(copy, nlh, nlh->nlmsg_len);
				c->sink(c->sink_arg, copy, nlh->nlmsg_len);
				continue;
			}
			deliver(c, nlh);
		}
	}
	free(buf);
	pthread_mutex_lock(&c->lock);
	c->dead = 1;
	c->dead_err = n == -ESHUTDOWN || n >= 0 ? -ESHUTDOWN : (int)n;
	while ((w = c->waiters)) {
		c->waiters = w->next;
		w->err = c->dead_err;
		w->done = 1;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int dusk_conn_open(struct dusk_transport *t, dusk_upcall_sink sink, void *arg,
		   struct dusk_conn **out)
{
	struct dusk_conn *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	c->t = t;
	c->sink = sink;
	c->sink_arg = arg;
	c->next_seq = 1;
	pthread_mutex_init(&c->lock, NULL);
	err = -pthread_create(&c->rx, NULL, rx_main, c);
	if (err) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		return err;
	}
	*out = c;
	return 0;
}

void dusk_conn_close(struct dusk_conn *c)
{
	if (!c)
		return;
	c->t->ops->shutdown(c->t);
	pthread_join(c->rx, NULL);
	pthread_mutex_destroy(&c->lock);
	free(c);
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
	       cmd == DUSK_CMD_REPLY || cmd == DUSK_CMD_BYE;
}

int dusk_conn_request(struct dusk_conn *c, struct dusk_msg *m, struct dusk_answer *ans)
{
	struct waiter w = { 0 };
	int err;

	memset(ans, 0, sizeof(*ans));
	if (acked_cmd(dusk_msg_cmd(m->nlh)))
		m->nlh->nlmsg_flags |= NLM_F_ACK;
	w.ans = ans;
	pthread_cond_init(&w.cond, NULL);
	pthread_mutex_lock(&c->lock);
	if (c->dead) {
		err = c->dead_err;
		goto out_unlock;
	}
	w.seq = c->next_seq++;
	if (c->next_seq == 0)
		c->next_seq = 1;	/* 0 is the upcalls' sequence number */
	m->nlh->nlmsg_seq = w.seq;
	w.next = c->waiters;
	c->waiters = &w;
	pthread_mutex_unlock(&c->lock);

	err = c->t->ops->send(c->t, m->nlh, m->nlh->nlmsg_len);

	pthread_mutex_lock(&c->lock);
	if (err) {
		take_waiter(c, w.seq);
		goto out_unlock;
	}
	while (!w.done)
		pthread_cond_wait(&w.cond, &c->lock);
	err = w.err;
out_unlock:
	pthread_mutex_unlock(&c->lock);
	pthread_cond_destroy(&w.cond);
	if (err) {
		free(ans->nlh);
		ans->nlh = NULL;
	}
	return err;
}

void dusk_answer_free(struct dusk_answer *ans)
{
	free(ans->nlh);
	ans->nlh = NULL;
}
