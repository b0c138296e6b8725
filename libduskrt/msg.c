/* SPDX-License-Identifier: MIT */
/*
 * DUSK message construction and validation over libmnl; see msg.h.
 *
 * The validator below is generated from protocol.h's attribute table, as
 * the kmod's nla_policy is, and applies the kernel's strict rules
 * (nla_parse()) in both directions: the runtime checks what the kernel
 * sends with them, the simulated kernel what the program sends.
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

enum rule_type { T_NONE, T_U32, T_U64, T_STRING, T_BINARY, T_U64S, T_NESTED, T_PAD };
/* Directions, as masks: an attribute's dir is allowed when it meets the
 * message's (U2K or K2U) or the nest's (NEST). */
enum rule_dir { D_U2K = 1, D_K2U = 2, D_BOTH = 3, D_NEST = 4 };

/*
 * The fast path of validation, per table and direction: for each raw
 * nla_type (flags included), FAST_ANY when the attribute is allowed with any
 * payload (PAD, a binary without bound: a CHUNK's DATA), N when it is
 * allowed with exactly N bytes (a u32, a u64), else 0: the full check
 * (check_attr()) decides.  A nest the top level allows goes straight to
 * its members' check (nest_rule[]).  Derived from the rules at start
 * (fast_init()), so both paths accept the same messages; a packet's upcall
 * is mostly such words and its CHUNK and LENT nests, each word checked with
 * one load and one compare (docs/PERFORMANCE.md).
 */
#define FAST_ANY 0xff
typedef uint8_t fast_tab[2][DUSK_A_MAX + 1];	/* [D_U2K - 1], [D_K2U - 1] */

/* One attribute's line of the table. */
struct attr_rule {
	uint8_t type;		/* enum rule_type; T_NONE: not allowed here */
	uint8_t dir;		/* enum rule_dir */
	uint16_t max;		/* STRING with its NUL, BINARY, U64S; 0: no bound */
	const struct attr_rule *nest;	/* NESTED: the members' rules */
	uint64_t need;		/* NESTED: the members every nest must have */
	const fast_tab *fast;	/* NESTED: the members' fast path */
};

#define RULE(name, type, dir, max, nest) \
	[DUSK_A_##name] = { T_##type, D_##dir, (max), NEST_##nest, NEED_##nest, FAST_##nest },
#define NEST_none	NULL
#define NEST_range	range_rules
#define NEST_chunk	chunk_rules
#define NEST_stat	stat_rules
#define NEST_param	param_rules
#define FAST_none	NULL
#define FAST_range	&range_fast
#define FAST_chunk	&chunk_fast
#define FAST_stat	&stat_fast
#define FAST_param	&param_fast
static fast_tab range_fast, chunk_fast, stat_fast, param_fast, top_fast;
/* The rule of each nest the top level allows, by direction; else NULL. */
static const struct attr_rule *nest_rule[2][DUSK_A_MAX + 1];

/* A nest's member mask, from the same table at compile time: validation
 * runs on every upcall of the packet path. */
#define MEMBER(name, type, dir, max, nest) \
	| (DUSK_A_##name == DUSK_A_PAD ? 0 : 1ull << DUSK_A_##name)
#define NEED_none	0
#define NEED_range	(0 DUSK_RANGE_ATTRS(MEMBER))
#define NEED_chunk	(0 DUSK_CHUNK_ATTRS(MEMBER))
#define NEED_stat	(0 DUSK_STAT_ATTRS(MEMBER))
#define NEED_param	(0 DUSK_PARAM_ATTRS(MEMBER))

static const struct attr_rule range_rules[DUSK_A_MAX + 1] = { DUSK_RANGE_ATTRS(RULE) };
static const struct attr_rule chunk_rules[DUSK_A_MAX + 1] = { DUSK_CHUNK_ATTRS(RULE) };
static const struct attr_rule stat_rules[DUSK_A_MAX + 1] = { DUSK_STAT_ATTRS(RULE) };
static const struct attr_rule param_rules[DUSK_A_MAX + 1] = { DUSK_PARAM_ATTRS(RULE) };
static const struct attr_rule rules[DUSK_A_MAX + 1] = { DUSK_ATTRS(RULE) };

_Static_assert(DUSK_A_MAX < 64, "a nest's members are a 64-bit mask");
/* check_nest() validates one level: a nest's members are never nests. */
#define IS_NESTED(name, type, dir, max, nest) || T_##type == T_NESTED
_Static_assert(!(0 DUSK_RANGE_ATTRS(IS_NESTED) DUSK_CHUNK_ATTRS(IS_NESTED)
		 DUSK_STAT_ATTRS(IS_NESTED) DUSK_PARAM_ATTRS(IS_NESTED)),
	       "a nest within a nest");

/* Static TLS (libduskrt is linked, never dlopen()ed): the default model
 * calls __tls_get_addr() at every access, twice per message. */
#define MSG_TLS __thread __attribute__((tls_model("initial-exec")))
static MSG_TLS char *spare_buf;		/* this thread's finished buffer, or NULL */
static MSG_TLS int spare_keyed;		/* spare_key holds &spare_buf for this thread */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

/* The thread is leaving: its spare buffer goes (@p is its &spare_buf). */
static void spare_free(void *p)
{
	char **slot = p;

	free(*slot);
	*slot = NULL;
	spare_keyed = 0;	/* a later destructor's message registers again */
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
	/* mnl_nlmsg_put_header() and mnl_nlmsg_put_extra_header(), inline:
	 * every REPLY of the packet path starts here. */
	m->nlh = (struct nlmsghdr *)m->buf;
	*m->nlh = (struct nlmsghdr){
		.nlmsg_len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*g)),
		.nlmsg_type = family,
		.nlmsg_flags = NLM_F_REQUEST | flags,
	};
	g = (struct genlmsghdr *)(m->buf + MNL_NLMSG_HDRLEN);
	*g = (struct genlmsghdr){ .cmd = cmd, .version = DUSK_GENL_VERSION };
	return 0;
}

void dusk_msg_fini(struct dusk_msg *m)
{
	if (m->buf && !spare_buf) {
		/* Freed with the thread (the key's destructor), which is told
		 * once where the thread keeps it. */
		if (!spare_keyed) {
			pthread_once(&spare_once, spare_init);
			pthread_setspecific(spare_key, &spare_buf);
			spare_keyed = 1;
		}
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

/* A u32 or u64 attribute, as mnl_attr_put_u{32,64}_check() and inline:
 * every REPLY carries two. */
static int put_word(struct dusk_msg *m, uint16_t type, const void *v, uint16_t len)
{
	uint32_t at = MNL_ALIGN(m->nlh->nlmsg_len);
	struct nlattr *a;

	if (at + MNL_ATTR_HDRLEN + len > DUSK_MSG_CAP)
		return -EMSGSIZE;
	a = (struct nlattr *)((char *)m->nlh + at);
	a->nla_type = type;
	a->nla_len = MNL_ATTR_HDRLEN + len;
	memcpy((char *)a + MNL_ATTR_HDRLEN, v, len);
	m->nlh->nlmsg_len = at + MNL_ATTR_HDRLEN + len;	/* len is 4 or 8: aligned */
	return 0;
}

int dusk_msg_put_u32(struct dusk_msg *m, uint16_t type, uint32_t v)
{
	return put_word(m, type, &v, sizeof(v));
}

int dusk_msg_put_u64(struct dusk_msg *m, uint16_t type, uint64_t v)
{
	return put_word(m, type, &v, sizeof(v));
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
	/* nla_len is 16 bits: a longer attribute would wrap it */
	if (len > UINT16_MAX - MNL_ATTR_HDRLEN ||
	    nlh->nlmsg_len + MNL_ATTR_HDRLEN + MNL_ALIGN(len) > DUSK_MSG_CAP)
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

_Static_assert(MNL_ATTR_HDRLEN + MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(uint64_t)) +
		       MNL_ALIGN(MNL_ATTR_HDRLEN + DUSK_MAX_CHUNK) <= UINT16_MAX,
	       "a CHUNK of DUSK_MAX_CHUNK bytes must fit nla_len");

int dusk_msg_put_chunk(struct dusk_msg *m, uint64_t addr, const void *data, uint32_t len)
{
	struct nlattr *nest;

	if (len > DUSK_MAX_CHUNK || dusk_msg_room(m) < dusk_msg_chunk_size(len))
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

/*
 * NLA_NUL_STRING of at most @max bytes with the NUL, as validate_nla()
 * checks it: a NUL among the first max bytes, and no more than max - 1
 * bytes before a final NUL (or max - 1 bytes in all).
 */
static int check_string(const char *p, size_t len, size_t max)
{
	size_t scan = max && len > max ? max : len;

	if (!len || !memchr(p, '\0', scan))
		return -EINVAL;
	if (p[len - 1] == '\0')
		len--;
	return max && len > max - 1 ? -EINVAL : 0;
}

/*
 * Validate one attribute's flags and payload against its rule @r; a nest
 * is its members' business (check_nest()).  Inlined, as check_nest() is:
 * every upcall of the packet path passes here for each of its attributes,
 * and under QEMU's TCG a call costs more than the checks
 * (docs/PERFORMANCE.md).
 */
static inline __attribute__((always_inline)) int check_attr(const struct nlattr *a,
							     const struct attr_rule *r)
{
	const void *p = dusk_nla_data(a);
	size_t len = dusk_nla_len(a);

	/* strict parsing: NLA_F_NESTED on a nest, and only there */
	if (!(a->nla_type & NLA_F_NESTED) != (r->type != T_NESTED))
		return -EINVAL;
	switch (r->type) {
	case T_U32:
		return len == 4 ? 0 : -EINVAL;
	case T_U64:
		return len == 8 ? 0 : -EINVAL;
	case T_STRING:
		return check_string(p, len, r->max);
	case T_U64S:
		if (len % 8)
			return -EINVAL;
		/* fall through */
	case T_BINARY:
		return r->max && len > r->max ? -EINVAL : 0;
	case T_NESTED:
	case T_PAD:
		return 0;
	}
	return -EINVAL;
}

/* The rule for type @t in @tab where @want (a direction or NEST) holds. */
static inline __attribute__((always_inline)) const struct attr_rule *
rule_of(const struct attr_rule *tab, uint16_t t, int want, int dir)
{
	if (t == DUSK_A_UNSPEC || t > DUSK_A_MAX)
		return NULL;
	/* PAD may precede any u64, nested too: only where the table lets
	 * it go (the kernel's messages) */
	if (t == DUSK_A_PAD)
		return rules[t].dir & dir ? &rules[t] : NULL;
	return tab[t].type != T_NONE && (tab[t].dir & want) ? &tab[t] : NULL;
}

/* Does the fast path accept @a (see fast_tab)?  0: ask check_attr(). */
static inline __attribute__((always_inline)) int fast_ok(const uint8_t *fast,
							  const struct nlattr *a)
{
	unsigned int f;

	if (a->nla_type > DUSK_A_MAX)	/* flags set: the full check */
		return 0;
	f = fast[a->nla_type];
	return f && (f == FAST_ANY || a->nla_len == MNL_ATTR_HDRLEN + f);
}

/* Fill @fast for @tab: a nest's members (@nested) or a message's top level,
 * for each direction. */
static void fast_fill(fast_tab *fast, const struct attr_rule *tab, int nested)
{
	static const int dirs[2] = { D_U2K, D_K2U };
	const struct attr_rule *r;
	unsigned int d, t;

	for (d = 0; d < 2; d++) {
		for (t = 0; t <= DUSK_A_MAX; t++) {
			r = rule_of(tab, (uint16_t)t, nested ? D_NEST : dirs[d], dirs[d]);
			(*fast)[d][t] = !r ? 0 :
					r->type == T_PAD || (r->type == T_BINARY && !r->max) ? FAST_ANY :
					r->type == T_U32 ? 4 : r->type == T_U64 ? 8 : 0;
			if (!nested)
				nest_rule[d][t] = r && r->type == T_NESTED ? r : NULL;
		}
	}
}

static __attribute__((constructor)) void fast_init(void)
{
	fast_fill(&top_fast, rules, 0);
	fast_fill(&range_fast, range_rules, 1);
	fast_fill(&chunk_fast, chunk_rules, 1);
	fast_fill(&stat_fast, stat_rules, 1);
	fast_fill(&param_fast, param_rules, 1);
}

/*
 * The members of the nest @a, as nla_parse_nested() checks them with the
 * policy @r->nest: each one known and valid, none a nest itself (the
 * protocol has one level), no bytes left over, every member in @r->need
 * there (the kmod's handlers refuse a nest without one).
 */
static inline __attribute__((always_inline)) int check_nest(const struct nlattr *n,
							     const struct attr_rule *r, int dir)
{
	const struct nlattr *a = dusk_nla_data(n);
	size_t rem = dusk_nla_len(n), step;
	uint64_t seen = 0;
	uint16_t t;

	while (dusk_nla_ok(a, (ptrdiff_t)rem)) {
		const struct attr_rule *m;

		if (!fast_ok((*r->fast)[dir - 1], a)) {
			m = rule_of(r->nest, dusk_nla_type(a), D_NEST, dir);
			if (!m || m->type == T_NESTED || check_attr(a, m))
				return -EINVAL;
		}
		t = dusk_nla_type(a);
		seen |= 1ull << t;
		step = MNL_ALIGN(a->nla_len);
		rem = step < rem ? rem - step : 0;	/* the last one may be unaligned */
		a = (const struct nlattr *)((const char *)a + step);
	}
	if (rem)
		return -EINVAL;	/* "bytes leftover after parsing attributes" */
	return (seen & r->need) == r->need ? 0 : -EINVAL;
}

/*
 * check_attrs() - validate a message's attributes at @head (@len bytes),
 * going @dir, as nla_parse() does with the policy rules[]: each one known
 * and allowed, valid, and no bytes left over; and index them in @out.
 */
static int check_attrs(const void *head, size_t len, int dir, struct dusk_attrs *out)
{
	const struct nlattr *a = head;
	size_t rem = len, step;
	uint16_t t;

	while (dusk_nla_ok(a, (ptrdiff_t)rem)) {
		const struct attr_rule *r;

		t = dusk_nla_type(a);
		if (fast_ok(top_fast[dir - 1], a)) {
			/* a word, PAD or an unbounded binary: checked */
		} else if ((a->nla_type & NLA_F_NESTED) && t <= DUSK_A_MAX &&
			   (r = nest_rule[dir - 1][t])) {
			/* what check_attr() would find: a nest, flagged so */
			if (check_nest(a, r, dir))
				return -EINVAL;
		} else {
			r = rule_of(rules, t, dir, dir);
			if (!r || check_attr(a, r) || (r->type == T_NESTED && check_nest(a, r, dir)))
				return -EINVAL;
		}
		out->tb[t] = a;
		out->count[t]++;
		step = MNL_ALIGN(a->nla_len);
		rem = step < rem ? rem - step : 0;
		a = (const struct nlattr *)((const char *)a + step);
	}
	return rem ? -EINVAL : 0;
}

/* mnl_nlmsg_ok() compares nlmsg_len as an int: a length above 2 GiB
 * passes it.  This check is unsigned throughout. */
int dusk_nlmsg_ok(const struct nlmsghdr *nlh, size_t len)
{
	return len >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= len;
}

/*
 * The headers of the DUSK message @nlh (@len bytes received): the netlink
 * header inside @len, the genetlink one a DUSK command of our version.
 * 0, -EINVAL or -EPROTO (another version).
 */
static int check_head(const struct nlmsghdr *nlh, size_t len)
{
	const struct genlmsghdr *g;

	/* An aligned length (both kernels and libmnl produce one) keeps
	 * mnl_attr_for_each(), which walks to the aligned tail, inside it. */
	if (!dusk_nlmsg_ok(nlh, len) || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len != MNL_ALIGN(nlh->nlmsg_len))
		return -EINVAL;
	g = (const struct genlmsghdr *)((const char *)nlh + MNL_NLMSG_HDRLEN);
	if (g->cmd == DUSK_CMD_UNSPEC || g->cmd > DUSK_CMD_MAX || g->reserved)
		return -EINVAL;
	return g->version == DUSK_GENL_VERSION ? 0 : -EPROTO;
}

/* Validate and index a message going @dir (D_U2K or D_K2U). */
static int parse(const struct nlmsghdr *nlh, size_t len, int dir, struct dusk_attrs *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = check_head(nlh, len);
	if (err)
		return err;
	return check_attrs((const char *)nlh + MNL_NLMSG_HDRLEN + GENL_HDRLEN,
			   nlh->nlmsg_len - MNL_NLMSG_HDRLEN - GENL_HDRLEN, dir, out);
}

int dusk_msg_parse(const struct nlmsghdr *nlh, size_t len, struct dusk_attrs *out)
{
	return parse(nlh, len, D_K2U, out);
}

int dusk_msg_parse_request(const struct nlmsghdr *nlh, size_t len, struct dusk_attrs *out)
{
	return parse(nlh, len, D_U2K, out);
}

void dusk_attr_range(const struct nlattr *nest, uint64_t *addr, uint32_t *len)
{
	const struct nlattr *a;

	dusk_nla_for_each_nested(a, nest) {
		if (dusk_nla_type(a) == DUSK_A_ADDR)
			*addr = dusk_nla_u64(a);
		else if (dusk_nla_type(a) == DUSK_A_LEN || dusk_nla_type(a) == DUSK_A_STAT_ID)
			*len = dusk_nla_u32(a);
	}
}

int dusk_msg_error(const struct nlmsghdr *nlh, char *extack, size_t cap, uint32_t *bad_off)
{
	const struct nlmsgerr *e;
	const struct nlattr *a;
	size_t off;

	if (cap)
		extack[0] = '\0';
	*bad_off = 0;
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
		} else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS &&
			   mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			*bad_off = mnl_attr_get_u32(a);
		}
	}
	return e->error;
}

int dusk_msg_chunk_at(const struct nlmsghdr *req, uint32_t off, uint64_t *addr, uint32_t *len)
{
	const struct nlattr *a = (const struct nlattr *)((const char *)req + off);
	const void *data = NULL;

	/* The kernel names an attribute of the request we sent; check anyway
	 * that it lies whole inside it, past the headers. */
	if (off < MNL_NLMSG_HDRLEN + GENL_HDRLEN || off % MNL_ALIGNTO ||
	    off > req->nlmsg_len - sizeof(*a) || a->nla_len < sizeof(*a) ||
	    a->nla_len > req->nlmsg_len - off || mnl_attr_get_type(a) != DUSK_A_CHUNK)
		return -ENOENT;
	*addr = 0;
	*len = 0;
	dusk_attr_chunk(a, addr, &data, len);
	return data ? 0 : -ENOENT;
}

int dusk_msg_peek_u32(const void *buf, size_t len, uint16_t type, uint32_t *v)
{
	const struct nlmsghdr *nlh = buf;
	const struct nlattr *a;

	if (check_head(nlh, len))
		return -ENOENT;
	/* mnl_attr_ok() ends the walk at the first attribute that leaves
	 * the message. */
	dusk_nla_for_each(a, nlh) {
		if (dusk_nla_type(a) != type)
			continue;
		if (dusk_nla_len(a) != sizeof(*v))
			return -ENOENT;
		*v = dusk_nla_u32(a);
		return 0;
	}
	return -ENOENT;
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
	alen = dusk_nla_len(a.tb[DUSK_A_ARGS]);
	if (alen > DUSK_MAX_ARGS * sizeof(uint64_t))
		return -EINVAL;
	up->ctx = dusk_nla_u64(a.tb[DUSK_A_CTX]);
	if (up->ctx == 0)
		return -EINVAL;
	up->proxy = dusk_nla_u32(a.tb[DUSK_A_PROXY]);
	up->nargs = alen / sizeof(uint64_t);
	memcpy(up->args, dusk_nla_data(a.tb[DUSK_A_ARGS]), alen);
	up->current = dusk_nla_u64(a.tb[DUSK_A_CURRENT]);
	up->cpu = dusk_nla_u32(a.tb[DUSK_A_CPU]);
	up->flags = dusk_nla_u32(a.tb[DUSK_A_FLAGS]);
	up->nlent = a.count[DUSK_A_LENT];
	up->nchunks = a.count[DUSK_A_CHUNK];
	up->nlh = nlh;
	return 0;
}
