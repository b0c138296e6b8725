/* SPDX-License-Identifier: MIT */
/*
 * DUSK message construction and validation over libmnl; see msg.h.
 *
 * The policy table below is the user-side twin of the kmod's nla_policy:
 * one entry per enum dusk_attr saying what its payload must look like.
 *
 * A message buffer is DUSK_MSG_CAP bytes, above malloc's mmap threshold:
 * each thread keeps the last one it finished for its next message, so a
 * message costs no mmap/munmap pair (and no page faults) on the packet path.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "msg.h"

enum pol_kind { P_NONE, P_U32, P_U64, P_STR, P_NAME, P_BIN, P_BIN64, P_NEST_RANGE, P_NEST_CHUNK, P_NEST_STAT, P_ANY };

static const uint8_t policy[DUSK_A_MAX + 1] = {
	[DUSK_A_PAD] = P_ANY,
	[DUSK_A_VERSION] = P_U32,
	[DUSK_A_LAYOUT_HASH] = P_U64,
	[DUSK_A_STUB_HASH] = P_U64,
	[DUSK_A_MODNAME] = P_NAME,
	[DUSK_A_SYMS] = P_BIN64,
	[DUSK_A_PROXIES] = P_BIN64,
	[DUSK_A_KBASE] = P_U64,
	[DUSK_A_RANGE] = P_NEST_RANGE,
	[DUSK_A_CHUNK] = P_NEST_CHUNK,
	[DUSK_A_HELD] = P_NEST_CHUNK,
	[DUSK_A_ADDR] = P_U64,
	[DUSK_A_LEN] = P_U32,
	[DUSK_A_DATA] = P_BIN,
	[DUSK_A_STUB] = P_U32,
	[DUSK_A_ARGS] = P_BIN64,
	[DUSK_A_RET] = P_U64,
	[DUSK_A_TEXT] = P_STR,
	[DUSK_A_CTX] = P_U64,
	[DUSK_A_PROXY] = P_U32,
	[DUSK_A_CURRENT] = P_U64,
	[DUSK_A_CPU] = P_U32,
	[DUSK_A_FLAGS] = P_U32,
	[DUSK_A_LENT] = P_NEST_RANGE,
	[DUSK_A_STAT] = P_NEST_STAT,
	[DUSK_A_STAT_ID] = P_U32,
	[DUSK_A_STAT_VAL] = P_U64,
	[DUSK_A_PARAM] = P_ANY,		/* u->k only: the kmod checks it */
	[DUSK_A_NAME] = P_STR,
	[DUSK_A_PERM] = P_U32,
};

static __thread char *spare_buf;	/* this thread's finished buffer, or NULL */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_free(void *p)
{
	free(p);
}

static void spare_init(void)
{
	pthread_key_create(&spare_key, spare_free);
}

int dusk_msg_init(struct dusk_msg *m, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g;

	m->buf = spare_buf;
	spare_buf = NULL;
	if (!m->buf)
		m->buf = malloc(DUSK_MSG_CAP);
	if (!m->buf)
		return -ENOMEM;
	m->nlh = mnl_nlmsg_put_header(m->buf);
	m->nlh->nlmsg_type = family;
	m->nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	g = mnl_nlmsg_put_extra_header(m->nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DUSK_GENL_VERSION;
	return 0;
}

void dusk_msg_fini(struct dusk_msg *m)
{
	if (m->buf && !spare_buf) {
		/* Freed with the thread (the key's destructor). */
		pthread_once(&spare_once, spare_init);
		pthread_setspecific(spare_key, m->buf);
		spare_buf = m->buf;
	} else {
		free(m->buf);
	}
	m->buf = NULL;
	m->nlh = NULL;
}

size_t dusk_msg_room(const struct dusk_msg *m)
{
	return DUSK_MSG_CAP - m->nlh->nlmsg_len;
}

int dusk_msg_put_u32(struct dusk_msg *m, uint16_t type, uint32_t v)
{
	return mnl_attr_put_u32_check(m->nlh, DUSK_MSG_CAP, type, v) ? 0 : -EMSGSIZE;
}

int dusk_msg_put_u64(struct dusk_msg *m, uint16_t type, uint64_t v)
{
	return mnl_attr_put_u64_check(m->nlh, DUSK_MSG_CAP, type, v) ? 0 : -EMSGSIZE;
}

/*
 * mnl_attr_put() of @len bytes, and the alignment padding after them
 * zeroed: libmnl 1.0.4 leaves it as the buffer had it, and whatever was
 * there would go to the kernel (valgrind: "sendto(msg) points to
 * uninitialised byte(s)").
 */
static void put_padded(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *p)
{
	struct nlattr *a = mnl_nlmsg_get_payload_tail(nlh);

	mnl_attr_put(nlh, type, len, p);
	memset((char *)mnl_attr_get_payload(a) + len, 0, MNL_ALIGN(len) - len);
}

static int put_padded_check(struct nlmsghdr *nlh, uint16_t type, size_t len, const void *p)
{
	if (nlh->nlmsg_len + MNL_ATTR_HDRLEN + MNL_ALIGN(len) > DUSK_MSG_CAP)
		return -EMSGSIZE;
	put_padded(nlh, type, len, p);
	return 0;
}

int dusk_msg_put_str(struct dusk_msg *m, uint16_t type, const char *s)
{
	return put_padded_check(m->nlh, type, strlen(s) + 1, s);
}

int dusk_msg_put_bin(struct dusk_msg *m, uint16_t type, const void *p, size_t len)
{
	return put_padded_check(m->nlh, type, len, p);
}

size_t dusk_msg_chunk_size(uint32_t len)
{
	return MNL_ATTR_HDRLEN + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(uint64_t)) +
	       MNL_ALIGN(MNL_ATTR_HDRLEN + len);
}

int dusk_msg_put_chunk(struct dusk_msg *m, uint64_t addr, const void *data, uint32_t len)
{
	struct nlattr *nest;

	if (dusk_msg_room(m) < dusk_msg_chunk_size(len))
		return -EMSGSIZE;
	nest = mnl_attr_nest_start(m->nlh, DUSK_A_CHUNK);
	mnl_attr_put_u64(m->nlh, DUSK_A_ADDR, addr);
	put_padded(m->nlh, DUSK_A_DATA, len, data);
	mnl_attr_nest_end(m->nlh, nest);
	return 0;
}

int dusk_msg_put_range(struct dusk_msg *m, uint16_t type, uint64_t addr, uint32_t len)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(m->nlh, DUSK_MSG_CAP, type);
	if (!nest)
		return -EMSGSIZE;
	if (!mnl_attr_put_u64_check(m->nlh, DUSK_MSG_CAP, DUSK_A_ADDR, addr) ||
	    !mnl_attr_put_u32_check(m->nlh, DUSK_MSG_CAP, DUSK_A_LEN, len)) {
		mnl_attr_nest_cancel(m->nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(m->nlh, nest);
	return 0;
}

int dusk_msg_put_param(struct dusk_msg *m, const char *name, uint32_t perm)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(m->nlh, DUSK_MSG_CAP, DUSK_A_PARAM);
	if (!nest)
		return -EMSGSIZE;
	if (put_padded_check(m->nlh, DUSK_A_NAME, strlen(name) + 1, name) ||
	    !mnl_attr_put_u32_check(m->nlh, DUSK_MSG_CAP, DUSK_A_PERM, perm)) {
		mnl_attr_nest_cancel(m->nlh, nest);
		return -EMSGSIZE;
	}
	mnl_attr_nest_end(m->nlh, nest);
	return 0;
}

/* Validate one attribute's payload against policy kind @k. */
static int check_scalar(const struct nlattr *a, int k)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	switch (k) {
	case P_U32:
		return len == 4 ? 0 : -EINVAL;
	case P_U64:
		return len == 8 ? 0 : -EINVAL;
	case P_STR:
	case P_NAME:	/* a module name: as long as a kernel module's */
		if (len == 0 || len > (k == P_NAME ? DUSK_MAX_MODNAME : DUSK_MAX_TEXT + 1))
			return -EINVAL;
		return ((const char *)mnl_attr_get_payload(a))[len - 1] == '\0' ? 0 : -EINVAL;
	case P_BIN:	/* nla_len is 16 bits: never above DUSK_MAX_CHUNK */
		return 0;
	case P_BIN64:
		return len % 8 == 0 ? 0 : -EINVAL;
	case P_ANY:
		return 0;
	}
	return -EINVAL;
}

/* A nest must hold exactly one of each of its two members (plus PAD). */
static int check_nest(const struct nlattr *nest, int k)
{
	uint16_t want1 = DUSK_A_ADDR, want2 = k == P_NEST_CHUNK ? DUSK_A_DATA : DUSK_A_LEN;
	unsigned int n1 = 0, n2 = 0;
	const struct nlattr *a;
	size_t seen = 0;

	if (k == P_NEST_STAT) {
		want1 = DUSK_A_STAT_ID;
		want2 = DUSK_A_STAT_VAL;
	}
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);

		seen += MNL_ALIGN(a->nla_len);
		if (t == DUSK_A_PAD)
			continue;
		if (t == want1)
			n1++;
		else if (t == want2)
			n2++;
		else
			return -EINVAL;
		if (check_scalar(a, policy[t]))
			return -EINVAL;
	}
	/* mnl_attr_for_each_nested stops at the first malformed attribute:
	 * make sure it consumed the whole payload. */
	if (MNL_ALIGN(seen) != (size_t)MNL_ALIGN(mnl_attr_get_payload_len(nest)))
		return -EINVAL;
	return n1 == 1 && n2 == 1 ? 0 : -EINVAL;
}

/* mnl_nlmsg_ok() compares nlmsg_len as an int: a length above 2 GiB
 * passes it.  This check is unsigned throughout. */
int dusk_nlmsg_ok(const struct nlmsghdr *nlh, size_t len)
{
	return len >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= len;
}

int dusk_msg_parse(const struct nlmsghdr *nlh, size_t len, struct dusk_attrs *out)
{
	const struct genlmsghdr *g;
	const struct nlattr *a;
	size_t seen = 0, attrlen;

	memset(out, 0, sizeof(*out));
	/* An aligned length (both kernels and libmnl produce one) keeps
	 * mnl_attr_for_each(), which walks to the aligned tail, inside it. */
	if (!dusk_nlmsg_ok(nlh, len) || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len != MNL_ALIGN(nlh->nlmsg_len))
		return -EINVAL;
	g = mnl_nlmsg_get_payload(nlh);
	if (g->cmd == DUSK_CMD_UNSPEC || g->cmd > DUSK_CMD_MAX || g->version != DUSK_GENL_VERSION)
		return -EINVAL;
	attrlen = nlh->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDRLEN;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		uint16_t t = mnl_attr_get_type(a);
		int k;

		seen += MNL_ALIGN(a->nla_len);
		if (t == DUSK_A_UNSPEC || t > DUSK_A_MAX)
			return -EINVAL;
		k = policy[t];
		if (k == P_NEST_RANGE || k == P_NEST_CHUNK || k == P_NEST_STAT) {
			if (check_nest(a, k))
				return -EINVAL;
		} else if (check_scalar(a, k)) {
			return -EINVAL;
		}
		out->tb[t] = a;
		out->count[t]++;
	}
	if (MNL_ALIGN(seen) != MNL_ALIGN(attrlen))
		return -EINVAL;
	return 0;
}

void dusk_attr_chunk(const struct nlattr *nest, uint64_t *addr, const void **data, uint32_t *len)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == DUSK_A_ADDR) {
			*addr = mnl_attr_get_u64(a);
		} else if (mnl_attr_get_type(a) == DUSK_A_DATA) {
			*data = mnl_attr_get_payload(a);
			*len = mnl_attr_get_payload_len(a);
		}
	}
}

void dusk_attr_range(const struct nlattr *nest, uint64_t *addr, uint32_t *len)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) == DUSK_A_ADDR)
			*addr = mnl_attr_get_u64(a);
		else if (mnl_attr_get_type(a) == DUSK_A_LEN || mnl_attr_get_type(a) == DUSK_A_STAT_ID)
			*len = mnl_attr_get_u32(a);
	}
}

uint8_t dusk_msg_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return g->cmd;
}

int dusk_msg_error(const struct nlmsghdr *nlh, char *extack, size_t cap)
{
	const struct nlmsgerr *e;
	const struct nlattr *a;
	size_t off;

	if (cap)
		extack[0] = '\0';
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || !cap)
		return e->error;
	/* TLVs follow the echoed request: its header only when capped. */
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (off > nlh->nlmsg_len - MNL_NLMSG_HDRLEN)
		return e->error;
	mnl_attr_for_each(a, nlh, off) {
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
			strncpy(extack, mnl_attr_get_str(a), cap - 1);
			extack[cap - 1] = '\0';
		}
	}
	return e->error;
}

int dusk_upcall_parse(const void *buf, size_t len, struct dusk_upcall *up)
{
	const struct nlmsghdr *nlh = buf;
	struct dusk_attrs a;
	static const uint16_t required[] = {
		DUSK_A_CTX, DUSK_A_PROXY, DUSK_A_ARGS, DUSK_A_CURRENT, DUSK_A_CPU, DUSK_A_FLAGS,
	};
	size_t i, alen;

	memset(up, 0, sizeof(*up));
	if (dusk_msg_parse(nlh, len, &a))
		return -EINVAL;
	if (dusk_msg_cmd(nlh) != DUSK_CMD_UPCALL)
		return -EPROTO;
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (a.count[required[i]] != 1)
			return -EINVAL;
	alen = mnl_attr_get_payload_len(a.tb[DUSK_A_ARGS]);
	if (alen > DUSK_MAX_ARGS * sizeof(uint64_t))
		return -EINVAL;
	up->ctx = mnl_attr_get_u64(a.tb[DUSK_A_CTX]);
	if (up->ctx == 0)
		return -EINVAL;
	up->proxy = mnl_attr_get_u32(a.tb[DUSK_A_PROXY]);
	up->nargs = alen / sizeof(uint64_t);
	memcpy(up->args, mnl_attr_get_payload(a.tb[DUSK_A_ARGS]), alen);
	up->current = mnl_attr_get_u64(a.tb[DUSK_A_CURRENT]);
	up->cpu = mnl_attr_get_u32(a.tb[DUSK_A_CPU]);
	up->flags = mnl_attr_get_u32(a.tb[DUSK_A_FLAGS]);
	up->nlent = a.count[DUSK_A_LENT];
	up->nchunks = a.count[DUSK_A_CHUNK];
	up->nlh = nlh;
	return 0;
}
