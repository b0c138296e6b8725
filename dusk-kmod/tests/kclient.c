// SPDX-License-Identifier: GPL-2.0
/*
 * kclient: the DUSK wire protocol over libmnl, for the dusk-kmod VM tests
 * (see kclient.h).  Every request is sent with NLM_F_ACK, so its end is
 * always an NLMSG_ERROR with the request's sequence number: error 0 after
 * the answer message (if the command has one), or the kernel's errno.
 * Upcalls (sequence 0) that arrive while a request waits are queued.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "kclient.h"

struct kc_queued {
	struct kc_queued *next;
	size_t len;
	unsigned char msg[];
};

struct kc {
	struct mnl_socket *nl;
	uint32_t portid;
	uint16_t family;
	uint32_t seq;
	struct kc_queued *head, **tail;
	unsigned char tx[KC_BUF];
	unsigned char rx[KC_BUF];
};

uint32_t kc_family(const struct kc *kc)
{
	return kc->family;
}

int kc_fd(const struct kc *kc)
{
	return mnl_socket_get_fd(kc->nl);
}

uint32_t kc_portid(const struct kc *kc)
{
	return kc->portid;
}

static int kc_family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int kc_resolve(struct kc *kc, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(kc->tx);
	struct genlmsghdr *g;
	uint16_t id = 0;
	int n;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++kc->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	if (mnl_socket_sendto(kc->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(kc->nl, kc->rx, sizeof(kc->rx));
	if (n < 0)
		return -errno;
	nlh = (struct nlmsghdr *)kc->rx;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), kc_family_cb, &id);
	if (!id)
		return -ENOENT;
	kc->family = id;
	return 0;
}

struct kc *kc_open(const char *modname, int *err)
{
	char name[GENL_NAMSIZ];
	struct kc *kc;
	int one = 1, rcvbuf = 8 << 20;

	kc = calloc(1, sizeof(*kc));
	if (!kc) {
		*err = -ENOMEM;
		return NULL;
	}
	kc->tail = &kc->head;
	kc->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!kc->nl || mnl_socket_bind(kc->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*err = -errno;
		goto fail;
	}
	kc->portid = mnl_socket_get_portid(kc->nl);
	mnl_socket_setsockopt(kc->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(kc->nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	snprintf(name, sizeof(name), "%s%s", DUSK_GENL_PREFIX, modname);
	*err = kc_resolve(kc, name);
	if (*err)
		goto fail;
	return kc;
fail:
	if (kc->nl)
		mnl_socket_close(kc->nl);
	free(kc);
	return NULL;
}

void kc_close(struct kc *kc)
{
	struct kc_queued *q;

	while ((q = kc->head)) {
		kc->head = q->next;
		free(q);
	}
	mnl_socket_close(kc->nl);
	free(kc);
}

struct nlmsghdr *kc_req(struct kc *kc, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(kc->tx);
	struct genlmsghdr *g;

	nlh->nlmsg_type = kc->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++kc->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DUSK_GENL_VERSION;
	return nlh;
}

void kc_put_chunk(struct nlmsghdr *nlh, uint64_t addr, const void *data, uint32_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, DUSK_A_CHUNK);

	mnl_attr_put_u64(nlh, DUSK_A_ADDR, addr);
	mnl_attr_put(nlh, DUSK_A_DATA, len, data);
	mnl_attr_nest_end(nlh, n);
}

void kc_put_range(struct nlmsghdr *nlh, uint64_t addr, uint32_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, DUSK_A_RANGE);

	mnl_attr_put_u64(nlh, DUSK_A_ADDR, addr);
	mnl_attr_put_u32(nlh, DUSK_A_LEN, len);
	mnl_attr_nest_end(nlh, n);
}

static int kc_is_upcall(const struct kc *kc, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_type == kc->family && nlh->nlmsg_seq == 0 &&
	       g->cmd == DUSK_CMD_UPCALL;
}

static int kc_queue(struct kc *kc, const struct nlmsghdr *nlh)
{
	struct kc_queued *q = malloc(sizeof(*q) + nlh->nlmsg_len);

	if (!q)
		return -ENOMEM;
	q->next = NULL;
	q->len = nlh->nlmsg_len;
	memcpy(q->msg, nlh, nlh->nlmsg_len);
	*kc->tail = q;
	kc->tail = &q->next;
	return 0;
}

/* Receive one datagram (waiting up to @timeout_ms; -1 forever). */
static int kc_recv(struct kc *kc, int timeout_ms)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(kc->nl), .events = POLLIN };
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n == 0)
		return 0;
	n = mnl_socket_recvfrom(kc->nl, kc->rx, sizeof(kc->rx));
	return n < 0 ? -errno : n;
}

static int kc_send_wait(struct kc *kc, const void *msg, size_t len, uint32_t seq, int tmo,
			void (*cb)(const struct nlattr *a, void *data), void *data)
{
	const struct nlmsghdr *nlh;
	const struct nlattr *a;
	int n, err;

	if (mnl_socket_sendto(kc->nl, msg, len) < 0)
		return -errno;
	for (;;) {
		n = kc_recv(kc, tmo);
		if (n <= 0)
			return n ? n : -ETIME;
		for (nlh = (void *)kc->rx; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (kc_is_upcall(kc, nlh)) {
				err = kc_queue(kc, nlh);
				if (err)
					return err;
				continue;
			}
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return ((const struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error;
			if (cb)
				mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
					cb(a, data);
		}
	}
}

int kc_xact(struct kc *kc, struct nlmsghdr *nlh,
	    void (*cb)(const struct nlattr *a, void *data), void *data)
{
	return kc_send_wait(kc, nlh, nlh->nlmsg_len, nlh->nlmsg_seq, 10000, cb, data);
}

int kc_raw(struct kc *kc, const void *msg, size_t len)
{
	const struct nlmsghdr *nlh = msg;

	return kc_send_wait(kc, msg, len, nlh->nlmsg_seq, 1000, NULL, NULL);
}

static void kc_parse_range(const struct nlattr *nest, struct kc_range *r)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case DUSK_A_ADDR:
			r->addr = mnl_attr_get_u64(a);
			break;
		case DUSK_A_LEN:
			r->len = mnl_attr_get_u32(a);
			break;
		case DUSK_A_DATA:
			r->data = mnl_attr_get_payload(a);
			r->len = mnl_attr_get_payload_len(a);
			break;
		}
	}
}

void kc_upcall_parse(const struct nlmsghdr *nlh, struct kc_upcall *up)
{
	const struct nlattr *a;
	struct nlmsghdr *copy;

	memset(up, 0, offsetof(struct kc_upcall, buf));
	if (nlh->nlmsg_len > sizeof(up->buf))
		return;		/* ctx 0: the caller treats it as malformed */
	memcpy(up->buf, nlh, nlh->nlmsg_len);
	copy = (struct nlmsghdr *)up->buf;
	mnl_attr_for_each(a, copy, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case DUSK_A_CTX:
			up->ctx = mnl_attr_get_u64(a);
			break;
		case DUSK_A_PROXY:
			up->proxy = mnl_attr_get_u32(a);
			break;
		case DUSK_A_FLAGS:
			up->flags = mnl_attr_get_u32(a);
			break;
		case DUSK_A_ARGS:
			up->nargs = mnl_attr_get_payload_len(a) / 8;
			if (up->nargs > DUSK_MAX_ARGS)
				up->nargs = DUSK_MAX_ARGS;
			memcpy(up->args, mnl_attr_get_payload(a), up->nargs * 8);
			break;
		case DUSK_A_LENT:
			if (up->nlent < KC_MAX_RANGES)
				kc_parse_range(a, &up->lent[up->nlent++]);
			break;
		case DUSK_A_CHUNK:
			if (up->nchunks < KC_MAX_RANGES)
				kc_parse_range(a, &up->chunks[up->nchunks++]);
			break;
		}
	}
}

int kc_upcall_next(struct kc *kc, struct kc_upcall *up, int timeout_ms)
{
	const struct nlmsghdr *nlh;
	struct kc_queued *q;
	int n;

	for (;;) {
		q = kc->head;
		if (q) {
			kc->head = q->next;
			if (!kc->head)
				kc->tail = &kc->head;
			kc_upcall_parse((const void *)q->msg, up);
			free(q);
			return 1;
		}
		n = kc_recv(kc, timeout_ms);
		if (n <= 0)
			return n;
		for (nlh = (void *)kc->rx; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n))
			if (kc_is_upcall(kc, nlh) && kc_queue(kc, nlh))
				return -ENOMEM;
		if (!kc->head)
			return 0;
	}
}

static void kc_hello_cb(const struct nlattr *a, void *data)
{
	struct kc_hello *h = data;
	uint32_t n = mnl_attr_get_payload_len(a) / 8;

	switch (mnl_attr_get_type(a)) {
	case DUSK_A_LAYOUT_HASH:
		h->layout_hash = mnl_attr_get_u64(a);
		break;
	case DUSK_A_STUB_HASH:
		h->stub_hash = mnl_attr_get_u64(a);
		break;
	case DUSK_A_KBASE:
		h->kbase = mnl_attr_get_u64(a);
		h->bound = 1;
		break;
	case DUSK_A_SYMS:
		h->nsyms = n < 16 ? n : 16;
		memcpy(h->syms, mnl_attr_get_payload(a), h->nsyms * 8);
		break;
	case DUSK_A_PROXIES:
		h->nproxies = n < 16 ? n : 16;
		memcpy(h->proxies, mnl_attr_get_payload(a), h->nproxies * 8);
		break;
	}
}

int kc_hello(struct kc *kc, uint64_t layout, uint64_t stubs, struct kc_hello *out)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_HELLO);

	memset(out, 0, sizeof(*out));
	mnl_attr_put_u32(nlh, DUSK_A_VERSION, DUSK_PROTO_VERSION);
	mnl_attr_put_u64(nlh, DUSK_A_LAYOUT_HASH, layout);
	mnl_attr_put_u64(nlh, DUSK_A_STUB_HASH, stubs);
	return kc_xact(kc, nlh, kc_hello_cb, out);
}

struct kc_read_ctx {
	void *buf;
	uint32_t len;
	int got;
};

static void kc_read_cb(const struct nlattr *a, void *data)
{
	struct kc_read_ctx *r = data;

	if (mnl_attr_get_type(a) == DUSK_A_DATA && !r->got &&
	    mnl_attr_get_payload_len(a) == r->len) {
		memcpy(r->buf, mnl_attr_get_payload(a), r->len);
		r->got = 1;
	}
}

int kc_read(struct kc *kc, uint64_t addr, void *buf, uint32_t len)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_READ);
	struct kc_read_ctx r = { buf, len, 0 };
	int err;

	kc_put_range(nlh, addr, len);
	err = kc_xact(kc, nlh, kc_read_cb, &r);
	return err ? err : r.got ? 0 : -EBADMSG;
}

int kc_write(struct kc *kc, uint64_t addr, const void *buf, uint32_t len)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_WRITE);

	kc_put_chunk(nlh, addr, buf, len);
	return kc_xact(kc, nlh, NULL, NULL);
}

static void kc_u64_cb(const struct nlattr *a, void *data)
{
	uint64_t *v = data;

	if (mnl_attr_get_type(a) == (uint16_t)v[0])
		v[1] = mnl_attr_get_u64(a), v[2] = 1;
}

int kc_mirror_alloc(struct kc *kc, const void *init, uint32_t len, uint64_t *addr)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_MIRROR_ALLOC);
	uint64_t v[3] = { DUSK_A_ADDR, 0, 0 };
	int err;

	mnl_attr_put_u32(nlh, DUSK_A_LEN, len);
	if (init)
		kc_put_chunk(nlh, 0, init, len);
	err = kc_xact(kc, nlh, kc_u64_cb, v);
	*addr = v[1];
	return err ? err : v[2] ? 0 : -EBADMSG;
}

int kc_mirror_free(struct kc *kc, uint64_t addr)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_MIRROR_FREE);

	mnl_attr_put_u64(nlh, DUSK_A_ADDR, addr);
	return kc_xact(kc, nlh, NULL, NULL);
}

struct kc_call_ctx {
	uint64_t ret;
	int got;
	char *text;
	size_t textlen;
};

static void kc_call_cb(const struct nlattr *a, void *data)
{
	struct kc_call_ctx *c = data;

	if (mnl_attr_get_type(a) == DUSK_A_RET) {
		c->ret = mnl_attr_get_u64(a);
		c->got = 1;
	} else if (mnl_attr_get_type(a) == DUSK_A_TEXT && c->text) {
		snprintf(c->text, c->textlen, "%s", mnl_attr_get_str(a));
	}
}

int kc_call(struct kc *kc, uint32_t stub, const uint64_t *args, uint32_t nargs,
	    uint64_t ctx, uint64_t *ret, char *text, size_t textlen)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_CALL);
	struct kc_call_ctx c = { 0, 0, text, textlen };
	int err;

	if (text && textlen)
		text[0] = '\0';
	mnl_attr_put_u32(nlh, DUSK_A_STUB, stub);
	mnl_attr_put(nlh, DUSK_A_ARGS, nargs * 8, args);
	if (ctx)
		mnl_attr_put_u64(nlh, DUSK_A_CTX, ctx);
	err = kc_xact(kc, nlh, kc_call_cb, &c);
	if (ret)
		*ret = c.ret;
	return err ? err : c.got ? 0 : -EBADMSG;
}

int kc_reply(struct kc *kc, uint64_t ctx, uint64_t ret,
	     uint64_t chunk_addr, const void *chunk, uint32_t chunk_len)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_REPLY);

	mnl_attr_put_u64(nlh, DUSK_A_CTX, ctx);
	mnl_attr_put_u64(nlh, DUSK_A_RET, ret);
	if (chunk)
		kc_put_chunk(nlh, chunk_addr, chunk, chunk_len);
	return kc_xact(kc, nlh, NULL, NULL);
}

int kc_bye(struct kc *kc)
{
	return kc_xact(kc, kc_req(kc, DUSK_CMD_BYE), NULL, NULL);
}

static void kc_stats_cb(const struct nlattr *a, void *data)
{
	uint64_t *stats = data;
	const struct nlattr *b;
	uint32_t id = UINT32_MAX;
	uint64_t val = 0;

	if (mnl_attr_get_type(a) != DUSK_A_STAT)
		return;
	mnl_attr_for_each_nested(b, a) {
		if (mnl_attr_get_type(b) == DUSK_A_STAT_ID)
			id = mnl_attr_get_u32(b);
		else if (mnl_attr_get_type(b) == DUSK_A_STAT_VAL)
			val = mnl_attr_get_u64(b);
	}
	if (id < __DUSK_STAT_MAX)
		stats[id] = val;
}

int kc_stats(struct kc *kc, uint64_t stats[__DUSK_STAT_MAX])
{
	memset(stats, 0, sizeof(uint64_t) * __DUSK_STAT_MAX);
	return kc_xact(kc, kc_req(kc, DUSK_CMD_STATS), kc_stats_cb, stats);
}
