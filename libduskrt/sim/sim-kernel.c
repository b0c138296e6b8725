/* SPDX-License-Identifier: MIT */
/*
 * The simulated kernel (see sim-kernel.h).  One recursive lock guards all of
 * it: requests are handled synchronously inside the program's send(), as
 * genetlink runs doit in the sender's context; answers and upcalls go to a
 * FIFO that the program's receiver drains with recv_ready().
 */
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>

#include "../msg.h"
#include "sim-kernel.h"

#define SIM_FAMILY 0x42
#define MAX_STUBS 64
#define MAX_WLOG 256

struct region {
	uint64_t addr;
	size_t len;
	unsigned char *mem;
	int writable;
	int mirror;
};

struct pending {
	uint64_t ctx;
	int done;
	uint64_t ret;
	struct dusk_sim_range *lent;
	unsigned int nlent;
};

struct qmsg {
	struct qmsg *next;
	size_t len;
	char data[];
};

struct dusk_sim {
	struct dusk_transport tr;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* queue not empty, or a reply came */
	struct qmsg *head, **tail;
	int shut;
	int kicked;			/* kick() since the last wait() */
	int hold_replies;		/* REPLYs with CHUNKs wait (dusk_sim_hold_replies()) */
	unsigned int nheld_replies;	/* REPLYs waiting so */
	uint32_t task_state;		/* of the task running a stub (TASK_STATE) */

	uint32_t version;
	uint64_t layout_hash, stub_hash;
	char modname[64];
	uint64_t *syms, *proxies;
	unsigned int nsyms, nproxies;
	struct { dusk_sim_stub_fn fn; void *arg; } stubs[MAX_STUBS];

	struct region *regions;
	size_t nregions;
	uint64_t next_mirror;

	struct pending *ups;
	size_t nups;
	uint64_t next_ctx;

	struct dusk_sim_stats st;
	struct dusk_sim_write wlog[MAX_WLOG];
	size_t nwlog;
};

/* ---- transport side ---- */

static int push(struct dusk_sim *s, const void *buf, size_t len)
{
	struct qmsg *q = malloc(sizeof(*q) + len);

	if (!q)
		return -ENOMEM;
	q->next = NULL;
	q->len = len;
	memcpy(q->data, buf, len);
	*s->tail = q;
	s->tail = &q->next;
	pthread_cond_broadcast(&s->cond);
	return 0;
}

static int sim_send(struct dusk_transport *t, const void *buf, size_t len);

/* Answer @req with @buf: into the sender's memory when it named a buffer
 * that holds it (ANSWER_AT, ANSWER_CAP) and direct answers are on, as
 * dusk-kmod's dusk_answer() does, else on the socket. */
static void answer(struct dusk_sim *s, const struct nlmsghdr *req, const void *buf, size_t len)
{
	const struct nlattr *a;
	uint64_t at = 0;
	uint32_t cap = 0;

	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == DUSK_A_ANSWER_AT)
			at = mnl_attr_get_u64(a);
		else if (mnl_attr_get_type(a) == DUSK_A_ANSWER_CAP)
			cap = mnl_attr_get_u32(a);
	}
	if (s->tr.direct_answers && at && len <= cap) {
		memcpy((void *)(uintptr_t)at, buf, len);
		s->st.direct_answers++;
		return;
	}
	push(s, buf, len);
}

static int sim_recv_ready(struct dusk_transport *t, void *const *bufs, size_t cap,
			  size_t *lens, unsigned int n)
{
	struct dusk_sim *s = (struct dusk_sim *)t;
	struct qmsg *q;
	unsigned int i = 0;

	pthread_mutex_lock(&s->lock);
	if (s->shut) {
		pthread_mutex_unlock(&s->lock);
		return -ESHUTDOWN;
	}
	for (; i < n && (q = s->head) && q->len <= cap; i++) {
		s->head = q->next;
		if (!s->head)
			s->tail = &s->head;
		memcpy(bufs[i], q->data, q->len);
		lens[i] = q->len;
		free(q);
	}
	if (!i)
		s->st.empty_receives++;
	pthread_mutex_unlock(&s->lock);
	return (int)i;
}

static int sim_recv_wait(struct dusk_transport *t, void *const *bufs, size_t cap, size_t *lens,
			 unsigned int max)
{
	struct dusk_sim *s = (struct dusk_sim *)t;
	int n;

	pthread_mutex_lock(&s->lock);
	while (!s->head && !s->shut)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	n = sim_recv_ready(t, bufs, cap, lens, max);
	return n ? n : -EAGAIN;	/* only this thread takes from the FIFO */
}

static int sim_wait(struct dusk_transport *t)
{
	struct dusk_sim *s = (struct dusk_sim *)t;
	int err;

	pthread_mutex_lock(&s->lock);
	while (!s->head && !s->kicked && !s->shut)
		pthread_cond_wait(&s->cond, &s->lock);
	s->kicked = 0;
	err = s->shut ? -ESHUTDOWN : 0;
	pthread_mutex_unlock(&s->lock);
	return err;
}

/* Set @flag of @s (kicked or shut) and wake its wait(). */
static void sim_wake(struct dusk_sim *s, int *flag)
{
	pthread_mutex_lock(&s->lock);
	*flag = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static void sim_kick(struct dusk_transport *t)
{
	struct dusk_sim *s = (struct dusk_sim *)t;

	sim_wake(s, &s->kicked);
}

static void sim_shutdown(struct dusk_transport *t)
{
	struct dusk_sim *s = (struct dusk_sim *)t;

	sim_wake(s, &s->shut);
}

static void sim_destroy(struct dusk_transport *t)
{
	sim_shutdown(t);
}

static const struct dusk_transport_ops sim_ops = {
	.send = sim_send,
	.recv_ready = sim_recv_ready,
	.wait = sim_wait,
	.recv_wait = sim_recv_wait,
	.kick = sim_kick,
	.shutdown = sim_shutdown,
	.destroy = sim_destroy,
};

/* ---- memory ---- */

static struct region *region_at(struct dusk_sim *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < s->nregions; i++)
		if (addr >= s->regions[i].addr && addr - s->regions[i].addr < s->regions[i].len)
			return &s->regions[i];
	return NULL;
}

/* Copy [addr, addr+len) out of (to=0) or into (to=1) the fake memory; the
 * range may span adjacent regions.  -EFAULT if any byte is unmapped. */
static int mem_copy(struct dusk_sim *s, uint64_t addr, void *buf, size_t len, int to)
{
	unsigned char *b = buf;

	while (len) {
		struct region *r = region_at(s, addr);
		size_t off, n;

		if (!r)
			return -EFAULT;
		off = addr - r->addr;
		n = r->len - off < len ? r->len - off : len;
		if (to)
			memcpy(r->mem + off, b, n);
		else
			memcpy(b, r->mem + off, n);
		addr += n;
		b += n;
		len -= n;
	}
	return 0;
}

/* May the session write [addr, addr+len)? */
static int writable(struct dusk_sim *s, uint64_t addr, size_t len)
{
	struct region *r = region_at(s, addr);
	size_t i, j;

	if (r && (r->writable || r->mirror) && addr + len <= r->addr + r->len)
		return 1;
	for (i = 0; i < s->nups; i++) {
		if (s->ups[i].done)
			continue;
		for (j = 0; j < s->ups[i].nlent; j++) {
			const struct dusk_sim_range *l = &s->ups[i].lent[j];

			if (addr >= l->addr && addr + len <= l->addr + l->len && region_at(s, addr))
				return 1;
		}
	}
	return 0;
}

static int add_region(struct dusk_sim *s, uint64_t addr, size_t len, int wr, int mirror)
{
	struct region *v = realloc(s->regions, (s->nregions + 1) * sizeof(*v));
	unsigned char *mem = calloc(1, len ? len : 1);

	if (!v || !mem) {
		free(mem);
		if (v)
			s->regions = v;
		return -ENOMEM;
	}
	s->regions = v;
	s->regions[s->nregions++] = (struct region){ addr, len, mem, wr, mirror };
	return 0;
}

static void del_region(struct dusk_sim *s, struct region *r)
{
	free(r->mem);
	*r = s->regions[--s->nregions];
}

/* ---- answers ---- */

static struct nlmsghdr *answer_start(char *buf, const struct nlmsghdr *req, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = SIM_FAMILY;
	nlh->nlmsg_seq = req ? req->nlmsg_seq : 0;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DUSK_GENL_VERSION;
	return nlh;
}

/* NLMSG_ERROR for @req: @err (0 = ack), an extack @text (or NULL) and,
 * as the kernel's NL_SET_ERR_MSG_ATTR(), the offset of the attribute at
 * fault in @req (0: none). */
static void answer_error_at(struct dusk_sim *s, const struct nlmsghdr *req, int err,
			    uint32_t bad_off, const char *text)
{
	char buf[2048];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = err;
	e->msg = *req;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	if (bad_off) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, bad_off);
	}
	if (err)
		s->st.refused++;
	push(s, buf, nlh->nlmsg_len);
}

/* NLMSG_ERROR for @req: @err (0 = ack) and an extack text. */
static void answer_error(struct dusk_sim *s, const struct nlmsghdr *req, int err, const char *fmt,
			 ...)
{
	char text[512];
	va_list ap;

	if (!fmt) {
		answer_error_at(s, req, err, 0, NULL);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	answer_error_at(s, req, err, 0, text);
}

static void ack(struct dusk_sim *s, const struct nlmsghdr *req)
{
	if (req->nlmsg_flags & NLM_F_ACK) {
		s->st.acks++;
		answer_error(s, req, 0, NULL);
	}
}

/* ---- requests ---- */

static struct pending *pending_of(struct dusk_sim *s, uint64_t ctx)
{
	size_t i;

	for (i = 0; i < s->nups; i++)
		if (s->ups[i].ctx == ctx && !s->ups[i].done)
			return &s->ups[i];
	return NULL;
}

/*
 * Validate, then apply, every CHUNK of @req.  0, or -EACCES with nothing
 * applied and the refusal answered, naming the chunk as the kmod does.
 */
static int apply_chunks(struct dusk_sim *s, const struct nlmsghdr *req)
{
	const struct nlattr *a;
	uint64_t addr;
	const void *data;
	uint32_t len;
	char why[128];

	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != DUSK_A_CHUNK)
			continue;
		dusk_attr_chunk(a, &addr, &data, &len);
		if (!writable(s, addr, len)) {
			snprintf(why, sizeof(why), "write to 0x%llx outside mirrors and lent ranges",
				 (unsigned long long)addr);
			answer_error_at(s, req, -EACCES,
					(uint32_t)((const char *)a - (const char *)req), why);
			return -EACCES;
		}
	}
	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != DUSK_A_CHUNK)
			continue;
		dusk_attr_chunk(a, &addr, &data, &len);
		mem_copy(s, addr, (void *)data, len, 1);
		s->st.chunks++;
		s->st.chunk_bytes += len;
		if (s->nwlog < MAX_WLOG)
			s->wlog[s->nwlog++] = (struct dusk_sim_write){ addr, len };
	}
	return 0;
}

static void do_hello(struct dusk_sim *s, const struct nlmsghdr *req, const struct dusk_attrs *a)
{
	char *buf = malloc(DUSK_MSG_CAP);
	struct nlmsghdr *nlh;

	s->st.hellos++;
	if (s->st.bound) {
		answer_error(s, req, -EBUSY, "another session is bound");
		free(buf);
		return;
	}
	nlh = answer_start(buf, req, DUSK_CMD_HELLO);
	mnl_attr_put_u32(nlh, DUSK_A_VERSION, s->version);
	mnl_attr_put_u64(nlh, DUSK_A_LAYOUT_HASH, s->layout_hash);
	mnl_attr_put_u64(nlh, DUSK_A_STUB_HASH, s->stub_hash);
	mnl_attr_put_strz(nlh, DUSK_A_MODNAME, s->modname);
	/* as dusk-kmod: the module name, when given, must be this module's */
	if ((!a->tb[DUSK_A_MODNAME] || !strcmp(mnl_attr_get_str(a->tb[DUSK_A_MODNAME]), s->modname)) &&
	    a->tb[DUSK_A_VERSION] && mnl_attr_get_u32(a->tb[DUSK_A_VERSION]) == s->version &&
	    a->tb[DUSK_A_LAYOUT_HASH] && mnl_attr_get_u64(a->tb[DUSK_A_LAYOUT_HASH]) == s->layout_hash &&
	    a->tb[DUSK_A_STUB_HASH] && mnl_attr_get_u64(a->tb[DUSK_A_STUB_HASH]) == s->stub_hash) {
		s->st.bound = 1;
		mnl_attr_put_u64(nlh, DUSK_A_KBASE, DUSK_SIM_KBASE);
		mnl_attr_put(nlh, DUSK_A_SYMS, s->nsyms * sizeof(uint64_t), s->syms);
		mnl_attr_put(nlh, DUSK_A_PROXIES, s->nproxies * sizeof(uint64_t), s->proxies);
		mnl_attr_put_u64(nlh, DUSK_A_CURRENT, DUSK_SIM_TASK);
	}
	push(s, buf, nlh->nlmsg_len);
	free(buf);
}

static void do_read(struct dusk_sim *s, const struct nlmsghdr *req)
{
	char *buf = malloc(DUSK_MSG_CAP);
	struct nlmsghdr *nlh = answer_start(buf, req, DUSK_CMD_READ);
	const struct nlattr *a;
	size_t total = 0;

	s->st.reads++;
	mnl_attr_for_each(a, req, GENL_HDRLEN) {
		uint64_t addr = 0;
		uint32_t len = 0;
		struct nlattr *d;

		if (mnl_attr_get_type(a) != DUSK_A_RANGE)
			continue;
		dusk_attr_range(a, &addr, &len);
		total += len;
		if (total > DUSK_MAX_READ) {
			answer_error(s, req, -EINVAL, "READ of more than DUSK_MAX_READ bytes");
			goto out;
		}
		d = mnl_attr_nest_start(nlh, DUSK_A_DATA);	/* reserve header */
		d->nla_type = DUSK_A_DATA;
		if (mem_copy(s, addr, mnl_attr_get_payload(d), len, 0)) {
			answer_error(s, req, -EFAULT, "read of unmapped kernel address 0x%llx",
				     (unsigned long long)addr);
			goto out;
		}
		nlh->nlmsg_len += MNL_ALIGN(len);
		d->nla_len = MNL_ATTR_HDRLEN + len;
		s->st.read_ranges++;
		s->st.read_bytes += len;
	}
	answer(s, req, buf, nlh->nlmsg_len);
out:
	free(buf);
}

/* The simulated kernel's possible CPUs, for per-CPU mirrors: at least as
 * many as the program finds in /sys/devices/system/cpu/possible. */
#define SIM_PCPU_COPIES 256u
/* A per-CPU mirror's __percpu pointer lies this far below its copies: the
 * kernel's is no copy's address either. */
#define SIM_PCPU_COOKIE 0x800u

/* MIRROR_ALLOC PERCPU: the copies side by side in one writable region. */
static void do_mirror_alloc_percpu(struct dusk_sim *s, const struct nlmsghdr *req, uint32_t len)
{
	char buf[MNL_NLMSG_HDRLEN + GENL_HDRLEN + 64 + SIM_PCPU_COPIES * 8];
	uint64_t copies[SIM_PCPU_COPIES], addr = s->next_mirror + SIM_PCPU_COOKIE;
	uint64_t stride = (len + 7) & ~7ull;
	struct nlmsghdr *nlh;
	unsigned int i;

	if (add_region(s, addr, stride * SIM_PCPU_COPIES, 1, 1)) {
		answer_error(s, req, -ENOMEM, NULL);
		return;
	}
	s->next_mirror += (SIM_PCPU_COOKIE + stride * SIM_PCPU_COPIES + 4095) & ~4095ull;
	s->next_mirror += 4096;
	for (i = 0; i < SIM_PCPU_COPIES; i++)
		copies[i] = addr + i * stride;
	s->st.mirror_allocs++;
	s->st.mirrors_live++;
	nlh = answer_start(buf, req, DUSK_CMD_MIRROR_ALLOC);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, addr - SIM_PCPU_COOKIE);
	mnl_attr_put(nlh, DUSK_A_PCPU_COPIES, sizeof(copies), copies);
	answer(s, req, buf, nlh->nlmsg_len);
}

static void do_mirror_alloc(struct dusk_sim *s, const struct nlmsghdr *req,
			    const struct dusk_attrs *a)
{
	char buf[256];
	struct nlmsghdr *nlh;
	uint32_t len = a->tb[DUSK_A_LEN] ? mnl_attr_get_u32(a->tb[DUSK_A_LEN]) : 0;
	uint64_t addr = s->next_mirror, off = 0;
	const struct nlattr *c;
	const void *data = NULL;
	uint32_t n = 0;

	if (len == 0 || len > DUSK_MAX_MIRROR) {
		answer_error(s, req, -EINVAL, "mirror length %u", len);
		return;
	}
	if (a->tb[DUSK_A_PERCPU]) {
		do_mirror_alloc_percpu(s, req, len);
		return;
	}
	/* as dusk-kmod: the initial contents checked before anything is made */
	mnl_attr_for_each(c, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(c) != DUSK_A_CHUNK)
			continue;
		dusk_attr_chunk(c, &off, &data, &n);
		if (off > len || n > len - off) {
			answer_error(s, req, -EINVAL, "initial CHUNK beyond the mirror");
			return;
		}
	}
	if (add_region(s, addr, len, 0, 1)) {
		answer_error(s, req, -ENOMEM, NULL);
		return;
	}
	s->next_mirror += (len + 4095) & ~4095ull;
	s->next_mirror += 4096;		/* a hole between mirrors */
	mnl_attr_for_each(c, req, GENL_HDRLEN) {
		if (mnl_attr_get_type(c) != DUSK_A_CHUNK)
			continue;
		dusk_attr_chunk(c, &off, &data, &n);
		mem_copy(s, addr + off, (void *)data, n, 1);
	}
	s->st.mirror_allocs++;
	s->st.mirrors_live++;
	nlh = answer_start(buf, req, DUSK_CMD_MIRROR_ALLOC);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, addr);
	answer(s, req, buf, nlh->nlmsg_len);
}

static void do_mirror_free(struct dusk_sim *s, const struct nlmsghdr *req,
			   const struct dusk_attrs *a)
{
	uint64_t addr = a->tb[DUSK_A_ADDR] ? mnl_attr_get_u64(a->tb[DUSK_A_ADDR]) : 0;
	struct region *r;

	if (a->tb[DUSK_A_PERCPU])
		addr += SIM_PCPU_COOKIE;	/* the per-CPU mirror's first copy */
	r = region_at(s, addr);

	if (!r || !r->mirror || r->addr != addr) {
		answer_error(s, req, -ENOENT, "0x%llx is not a mirror", (unsigned long long)addr);
		return;
	}
	del_region(s, r);
	s->st.mirror_frees++;
	s->st.mirrors_live--;
	ack(s, req);
}

static void do_call(struct dusk_sim *s, const struct nlmsghdr *req, const struct dusk_attrs *a)
{
	char buf[DUSK_MAX_TEXT + 512], text[DUSK_MAX_TEXT + 1] = "";
	struct nlmsghdr *nlh;
	uint64_t args[DUSK_MAX_ARGS], ret;
	uint32_t stub;
	unsigned int nargs;

	s->st.calls++;
	if (!a->tb[DUSK_A_STUB] || !a->tb[DUSK_A_ARGS] ||
	    mnl_attr_get_payload_len(a->tb[DUSK_A_ARGS]) > sizeof(args)) {
		answer_error(s, req, -EINVAL, "CALL without STUB or ARGS");
		return;
	}
	stub = mnl_attr_get_u32(a->tb[DUSK_A_STUB]);
	if (stub >= MAX_STUBS || !s->stubs[stub].fn) {
		answer_error(s, req, -EINVAL, "no stub %u", stub);
		return;
	}
	/* Chunks first, as protocol.md says: a CALL refused for its CTX has
	 * written them. */
	if (apply_chunks(s, req))
		return;
	if (a->tb[DUSK_A_CTX] && !pending_of(s, mnl_attr_get_u64(a->tb[DUSK_A_CTX]))) {
		answer_error(s, req, -ESRCH, "no waiting upcall");
		return;
	}
	nargs = mnl_attr_get_payload_len(a->tb[DUSK_A_ARGS]) / 8;
	memcpy(args, mnl_attr_get_payload(a->tb[DUSK_A_ARGS]), nargs * 8);
	/* Like a kernel function, a stub may raise an upcall and wait for its
	 * REPLY: run it with the sim unlocked (sim_send() took it once). */
	s->task_state = a->tb[DUSK_A_TASK_STATE] ? mnl_attr_get_u32(a->tb[DUSK_A_TASK_STATE]) : 0;
	pthread_mutex_unlock(&s->lock);
	ret = s->stubs[stub].fn(s, args, nargs, text, s->stubs[stub].arg);
	pthread_mutex_lock(&s->lock);
	nlh = answer_start(buf, req, DUSK_CMD_CALL);
	mnl_attr_put_u64(nlh, DUSK_A_RET, ret);
	if (text[0])
		mnl_attr_put_strz(nlh, DUSK_A_TEXT, text);
	/* the state the stub left; the task runs again (dusk-kmod/core/sleep.c) */
	if (s->task_state)
		mnl_attr_put_u32(nlh, DUSK_A_TASK_STATE, s->task_state);
	s->task_state = 0;
	answer(s, req, buf, nlh->nlmsg_len);
}

static void do_write(struct dusk_sim *s, const struct nlmsghdr *req)
{
	s->st.writes++;
	if (!apply_chunks(s, req))
		ack(s, req);
}

static void do_reply(struct dusk_sim *s, const struct nlmsghdr *req, const struct dusk_attrs *a)
{
	struct pending *p;

	s->st.replies++;
	p = a->tb[DUSK_A_CTX] ? pending_of(s, mnl_attr_get_u64(a->tb[DUSK_A_CTX])) : NULL;
	if (!p || !a->tb[DUSK_A_RET]) {
		answer_error(s, req, -ESRCH, "unknown upcall");
		return;
	}
	if (apply_chunks(s, req))
		return;
	p->ret = mnl_attr_get_u64(a->tb[DUSK_A_RET]);
	p->done = 1;
	pthread_cond_broadcast(&s->cond);
	ack(s, req);
}

static void do_bye(struct dusk_sim *s, const struct nlmsghdr *req)
{
	size_t i = 0;

	s->st.byes++;
	while (i < s->nregions) {
		if (s->regions[i].mirror) {
			del_region(s, &s->regions[i]);
			s->st.mirrors_live--;
		} else {
			i++;
		}
	}
	s->st.bound = 0;
	ack(s, req);
}

static void handle(struct dusk_sim *s, const struct nlmsghdr *req, size_t len)
{
	struct dusk_attrs a;
	uint8_t cmd;
	int err;

	s->st.requests++;
	/* by the kmod's policy, generated from the same table */
	err = dusk_msg_parse_request(req, len, &a);
	if (err) {
		answer_error(s, req, err, "malformed message");
		return;
	}
	cmd = dusk_msg_cmd(req);
	if (cmd != DUSK_CMD_HELLO && !s->st.bound) {
		answer_error(s, req, -ENOTCONN, "no session");
		return;
	}
	switch (cmd) {
	case DUSK_CMD_HELLO: do_hello(s, req, &a); break;
	case DUSK_CMD_READ: do_read(s, req); break;
	case DUSK_CMD_WRITE: do_write(s, req); break;
	case DUSK_CMD_MIRROR_ALLOC: do_mirror_alloc(s, req, &a); break;
	case DUSK_CMD_MIRROR_FREE: do_mirror_free(s, req, &a); break;
	case DUSK_CMD_CALL: do_call(s, req, &a); break;
	case DUSK_CMD_REPLY: do_reply(s, req, &a); break;
	case DUSK_CMD_BYE: do_bye(s, req); break;
	case DUSK_CMD_PARAMS: ack(s, req); break;	/* no sysfs here */
	default: answer_error(s, req, -EOPNOTSUPP, "command %u", cmd); break;
	}
}

static int has_chunks(const struct nlmsghdr *req)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, req, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == DUSK_A_CHUNK)
			return 1;
	return 0;
}

/* A REPLY that writes waits, its sender inside send(), while replies are
 * held: the kernel has not yet taken what the callback wrote.  Caller
 * holds s->lock. */
static void hold_reply(struct dusk_sim *s, const struct nlmsghdr *nlh)
{
	if (!s->hold_replies || nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    dusk_msg_cmd(nlh) != DUSK_CMD_REPLY || !has_chunks(nlh))
		return;
	s->nheld_replies++;
	pthread_cond_broadcast(&s->cond);
	while (s->hold_replies && !s->shut)
		pthread_cond_wait(&s->cond, &s->lock);
	s->nheld_replies--;
}

static int sim_send(struct dusk_transport *t, const void *buf, size_t len)
{
	struct dusk_sim *s = (struct dusk_sim *)t;
	const struct nlmsghdr *nlh;
	int n = (int)len;

	pthread_mutex_lock(&s->lock);
	if (s->shut) {
		pthread_mutex_unlock(&s->lock);
		return -ECONNREFUSED;
	}
	s->st.datagrams++;
	for (nlh = buf; n > 0 && dusk_nlmsg_ok(nlh, (size_t)n); nlh = mnl_nlmsg_next(nlh, &n)) {
		hold_reply(s, nlh);
		handle(s, nlh, nlh->nlmsg_len);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

/* ---- test API ---- */

void dusk_sim_hold_replies(struct dusk_sim *s, int on)
{
	pthread_mutex_lock(&s->lock);
	s->hold_replies = on;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int dusk_sim_wait_held_reply(struct dusk_sim *s, int ms)
{
	struct timespec dl;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (!s->nheld_replies && !err)
		if (pthread_cond_timedwait(&s->cond, &s->lock, &dl) == ETIMEDOUT)
			err = -ETIMEDOUT;
	pthread_mutex_unlock(&s->lock);
	return err;
}

void dusk_sim_direct_answers(struct dusk_sim *sim, int on)
{
	sim->tr.direct_answers = on;
}

uint32_t *dusk_sim_task_state(struct dusk_sim *sim)
{
	return &sim->task_state;
}

struct dusk_sim *dusk_sim_new(void)
{
	struct dusk_sim *s = calloc(1, sizeof(*s));
	pthread_mutexattr_t ma;

	if (!s)
		return NULL;
	s->tr.ops = &sim_ops;
	s->tr.family = SIM_FAMILY;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_cond_init(&s->cond, NULL);
	s->tail = &s->head;
	s->version = DUSK_PROTO_VERSION;
	strcpy(s->modname, "sim");
	s->next_mirror = DUSK_SIM_MIRRORS;
	s->next_ctx = 1;
	return s;
}

void dusk_sim_free(struct dusk_sim *s)
{
	size_t i;

	if (!s)
		return;
	while (s->head) {
		struct qmsg *q = s->head;

		s->head = q->next;
		free(q);
	}
	for (i = 0; i < s->nregions; i++)
		free(s->regions[i].mem);
	for (i = 0; i < s->nups; i++)
		free(s->ups[i].lent);
	free(s->regions);
	free(s->ups);
	free(s->syms);
	free(s->proxies);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->cond);
	free(s);
}

struct dusk_transport *dusk_sim_transport(struct dusk_sim *s)
{
	return &s->tr;
}

void dusk_sim_set_hello(struct dusk_sim *s, uint32_t version, uint64_t layout_hash,
			uint64_t stub_hash, const char *modname)
{
	s->version = version;
	s->layout_hash = layout_hash;
	s->stub_hash = stub_hash;
	snprintf(s->modname, sizeof(s->modname), "%s", modname);
}

static uint64_t *dup_u64(const uint64_t *v, unsigned int n)
{
	uint64_t *c = calloc(n + 1, sizeof(*c));

	if (c && n)
		memcpy(c, v, n * sizeof(*c));
	return c;
}

void dusk_sim_set_syms(struct dusk_sim *s, const uint64_t *syms, unsigned int n)
{
	free(s->syms);
	s->syms = dup_u64(syms, n);
	s->nsyms = n;
}

void dusk_sim_set_proxies(struct dusk_sim *s, const uint64_t *proxies, unsigned int n)
{
	free(s->proxies);
	s->proxies = dup_u64(proxies, n);
	s->nproxies = n;
}

int dusk_sim_map(struct dusk_sim *s, uint64_t addr, size_t len, int wr)
{
	int err;

	pthread_mutex_lock(&s->lock);
	err = add_region(s, addr, len, wr, 0);
	pthread_mutex_unlock(&s->lock);
	return err;
}

void *dusk_sim_ptr(struct dusk_sim *s, uint64_t addr)
{
	struct region *r;
	void *p;

	pthread_mutex_lock(&s->lock);
	r = region_at(s, addr);
	p = r ? r->mem + (addr - r->addr) : NULL;
	pthread_mutex_unlock(&s->lock);
	return p;
}

void dusk_sim_set_stub(struct dusk_sim *s, unsigned int idx, dusk_sim_stub_fn fn, void *arg)
{
	if (idx < MAX_STUBS) {
		s->stubs[idx].fn = fn;
		s->stubs[idx].arg = arg;
	}
}

uint64_t dusk_sim_upcall(struct dusk_sim *s, const struct dusk_sim_upcall *u)
{
	char *buf = malloc(DUSK_MSG_CAP);
	struct nlmsghdr *nlh;
	struct pending *v, *p;
	uint64_t ctx;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	ctx = s->next_ctx++;
	nlh = answer_start(buf, NULL, DUSK_CMD_UPCALL);
	mnl_attr_put_u64(nlh, DUSK_A_CTX, ctx);
	mnl_attr_put_u32(nlh, DUSK_A_PROXY, u->proxy);
	mnl_attr_put(nlh, DUSK_A_ARGS, u->nargs * sizeof(uint64_t), u->args);
	mnl_attr_put_u64(nlh, DUSK_A_CURRENT, u->current);
	mnl_attr_put_u32(nlh, DUSK_A_CPU, u->cpu);
	mnl_attr_put_u32(nlh, DUSK_A_FLAGS, u->flags);
	if (u->flowed)
		mnl_attr_put_u32(nlh, DUSK_A_FLOW, u->flow);
	for (i = 0; i < u->nlent; i++) {
		struct nlattr *n = mnl_attr_nest_start(nlh, DUSK_A_LENT);

		mnl_attr_put_u64(nlh, DUSK_A_ADDR, u->lent[i].addr);
		mnl_attr_put_u32(nlh, DUSK_A_LEN, u->lent[i].len);
		mnl_attr_nest_end(nlh, n);
	}
	for (i = 0; i < u->nprefetch + u->nheld; i++) {
		const struct dusk_sim_range *r = i < u->nprefetch ? &u->prefetch[i]
								   : &u->held[i - u->nprefetch];
		struct nlattr *n = mnl_attr_nest_start(nlh, i < u->nprefetch ? DUSK_A_CHUNK
									   : DUSK_A_HELD);
		struct nlattr *d;

		mnl_attr_put_u64(nlh, DUSK_A_ADDR, r->addr);
		d = mnl_attr_nest_start(nlh, DUSK_A_DATA);
		d->nla_type = DUSK_A_DATA;
		mem_copy(s, r->addr, mnl_attr_get_payload(d), r->len, 0);
		nlh->nlmsg_len += MNL_ALIGN(r->len);
		d->nla_len = MNL_ATTR_HDRLEN + r->len;
		mnl_attr_nest_end(nlh, n);
	}
	v = realloc(s->ups, (s->nups + 1) * sizeof(*v));
	if (v) {
		s->ups = v;
		p = &s->ups[s->nups++];
		memset(p, 0, sizeof(*p));
		p->ctx = ctx;
		p->lent = calloc(u->nlent + 1, sizeof(*p->lent));
		if (p->lent && u->nlent)
			memcpy(p->lent, u->lent, u->nlent * sizeof(*p->lent));
		p->nlent = u->nlent;
	}
	push(s, buf, nlh->nlmsg_len);
	pthread_mutex_unlock(&s->lock);
	free(buf);
	return ctx;
}

int dusk_sim_wait_reply(struct dusk_sim *s, uint64_t ctx, uint64_t *ret, int ms)
{
	struct timespec dl;
	size_t i;
	int err = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += ms / 1000;
	dl.tv_nsec += (long)(ms % 1000) * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&s->lock);
	for (;;) {
		for (i = 0; i < s->nups; i++)
			if (s->ups[i].ctx == ctx && s->ups[i].done)
				break;
		if (i < s->nups) {
			*ret = s->ups[i].ret;
			break;
		}
		if (pthread_cond_timedwait(&s->cond, &s->lock, &dl) == ETIMEDOUT) {
			err = -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}

int dusk_sim_expire(struct dusk_sim *s, uint64_t ctx, uint64_t ret)
{
	struct pending *p;

	pthread_mutex_lock(&s->lock);
	p = pending_of(s, ctx);
	if (p) {
		p->ret = ret;
		p->done = 1;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return p ? 0 : -ESRCH;
}

int dusk_sim_inject(struct dusk_sim *s, const void *buf, size_t len)
{
	int err;

	pthread_mutex_lock(&s->lock);
	err = push(s, buf, len);
	pthread_mutex_unlock(&s->lock);
	return err;
}

void dusk_sim_stats(struct dusk_sim *s, struct dusk_sim_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	pthread_mutex_unlock(&s->lock);
}

size_t dusk_sim_take_writes(struct dusk_sim *s, struct dusk_sim_write *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nwlog < max ? s->nwlog : max;
	memcpy(out, s->wlog, n * sizeof(*out));
	s->nwlog = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}
