/* SPDX-License-Identifier: MIT */
/*
 * Building and parsing DUSK netlink messages (include/dusk/protocol.h) with
 * libmnl.  Shared by the runtime and by the simulated kernel, so both ends of
 * every unit test speak the same bytes as the real kmod.
 *
 * Parsing never trusts its input: every attribute is checked against the
 * protocol's table (DUSK_ATTRS, see dusk_msg_parse()) before anyone reads
 * it, and repeated attributes (RANGE, CHUNK, LENT, DATA, STAT) are
 * validated too.
 */
#ifndef DUSK_MSG_H
#define DUSK_MSG_H

#include <stdint.h>
#include <stddef.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <dusk/protocol.h>
#include "transport.h"

/*
 * Attribute accessors for the packet path: what libmnl's mnl_attr_get_*()
 * do, inline.  Every upcall walks its attributes three times (routing,
 * validation, the prefetched CHUNKs), and a call into the shared library
 * per attribute was a fifth of an upcall's instructions.  Only on
 * attributes already validated (or, in the validator, checked to lie
 * inside the message).
 */
static inline uint16_t dusk_nla_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline const void *dusk_nla_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

static inline size_t dusk_nla_len(const struct nlattr *a)
{
	return a->nla_len - MNL_ATTR_HDRLEN;
}

static inline uint64_t dusk_nla_u64(const struct nlattr *a)
{
	uint64_t v;

	__builtin_memcpy(&v, dusk_nla_data(a), sizeof(v));
	return v;
}

static inline uint32_t dusk_nla_u32(const struct nlattr *a)
{
	uint32_t v;

	__builtin_memcpy(&v, dusk_nla_data(a), sizeof(v));
	return v;
}

/* The attribute after @a (whose length was validated). */
static inline const struct nlattr *dusk_nla_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

/* Is there a whole attribute at @a, with @rem bytes left (mnl_attr_ok())? */
static inline int dusk_nla_ok(const struct nlattr *a, ptrdiff_t rem)
{
	return rem >= (ptrdiff_t)sizeof(*a) && a->nla_len >= sizeof(*a) &&
	       (ptrdiff_t)a->nla_len <= rem;
}

/* mnl_attr_for_each() over the attributes of genl message @nlh, and
 * mnl_attr_for_each_nested() over those of nest @nest, inline. */
#define dusk_nla_for_each(a, nlh)							\
	for ((a) = (const struct nlattr *)((const char *)(nlh) + MNL_NLMSG_HDRLEN + GENL_HDRLEN); \
	     dusk_nla_ok((a), (const char *)(nlh) + (nlh)->nlmsg_len - (const char *)(a));	\
	     (a) = dusk_nla_next(a))
#define dusk_nla_for_each_nested(a, nest)						\
	for ((a) = (const struct nlattr *)dusk_nla_data(nest);				\
	     dusk_nla_ok((a), (const char *)(nest) + (nest)->nla_len - (const char *)(a)); \
	     (a) = dusk_nla_next(a))

/* A message under construction in a DUSK_MSG_CAP buffer it owns. */
struct dusk_msg {
	char *buf;
	struct nlmsghdr *nlh;
};

/* Start a message: netlink header (type @family, @flags | NLM_F_REQUEST
 * when @request) and genetlink header (@cmd, DUSK_GENL_VERSION).  The
 * sequence number is set when the message is sent.  0 or -ENOMEM. */
int dusk_msg_init(struct dusk_msg *m, uint16_t family, uint8_t cmd, uint16_t flags);
void dusk_msg_fini(struct dusk_msg *m);
/* Bytes still free for attributes. */
size_t dusk_msg_room(const struct dusk_msg *m);

/* Attribute writers: 0, or -EMSGSIZE when the message is full (it is then
 * left as it was before the call). */
int dusk_msg_put_u32(struct dusk_msg *m, uint16_t type, uint32_t v);
int dusk_msg_put_u64(struct dusk_msg *m, uint16_t type, uint64_t v);
int dusk_msg_put_str(struct dusk_msg *m, uint16_t type, const char *s);
int dusk_msg_put_bin(struct dusk_msg *m, uint16_t type, const void *p, size_t len);
/* CHUNK { ADDR, DATA } */
int dusk_msg_put_chunk(struct dusk_msg *m, uint64_t addr, const void *data, uint32_t len);
/* RANGE or LENT { ADDR, LEN } */
int dusk_msg_put_range(struct dusk_msg *m, uint16_t type, uint64_t addr, uint32_t len);
/* PARAM { NAME, PERM } */
int dusk_msg_put_param(struct dusk_msg *m, const char *name, uint32_t perm);
/* Space a CHUNK of @len data bytes takes. */
size_t dusk_msg_chunk_size(uint32_t len);

/* The attributes of one parsed message: the last of each type (for the
 * single-valued ones) and how many of each appeared. */
struct dusk_attrs {
	const struct nlattr *tb[DUSK_A_MAX + 1];
	unsigned int count[DUSK_A_MAX + 1];
};

/**
 * dusk_msg_parse() - validate a message from the kernel and index its
 * attributes.
 * @nlh: one netlink message of @len bytes (len may exceed nlmsg_len only if
 *       more messages follow; they are not looked at).
 * Checks the genetlink header and every attribute against protocol.h's
 * table (nested ones too): types a kernel message may not carry, lengths,
 * bounds.  0, -EINVAL, or -EPROTO (genetlink version).
 */
int dusk_msg_parse(const struct nlmsghdr *nlh, size_t len, struct dusk_attrs *a);
/* The same for a request (program to kernel), by the kmod's rules: what
 * the simulated kernel accepts. */
int dusk_msg_parse_request(const struct nlmsghdr *nlh, size_t len, struct dusk_attrs *a);

/* Contents of a validated CHUNK / RANGE / LENT / STAT nest.  A CHUNK's
 * inline: a packet's upcall has a few, each read on the packet path. */
static inline void dusk_attr_chunk(const struct nlattr *nest, uint64_t *addr,
				   const void **data, uint32_t *len)
{
	const struct nlattr *a;

	dusk_nla_for_each_nested(a, nest) {
		if (dusk_nla_type(a) == DUSK_A_ADDR) {
			*addr = dusk_nla_u64(a);
		} else if (dusk_nla_type(a) == DUSK_A_DATA) {
			*data = dusk_nla_data(a);
			*len = (uint32_t)dusk_nla_len(a);
		}
	}
}
void dusk_attr_range(const struct nlattr *nest, uint64_t *addr, uint32_t *len);

/* Does @len bytes at @nlh hold a whole netlink message (nlmsg_len
 * checked unsigned, unlike mnl_nlmsg_ok())? */
int dusk_nlmsg_ok(const struct nlmsghdr *nlh, size_t len);

/* The message after @nlh, @len bytes left (mnl_nlmsg_next(), inline). */
static inline const struct nlmsghdr *dusk_nlmsg_next(const struct nlmsghdr *nlh, int *len)
{
	*len -= (int)MNL_ALIGN(nlh->nlmsg_len);
	return (const struct nlmsghdr *)((const char *)nlh + MNL_ALIGN(nlh->nlmsg_len));
}

/* The genl command of @nlh (assumes a validated message). */
static inline uint8_t dusk_msg_cmd(const struct nlmsghdr *nlh)
{
	return ((const struct genlmsghdr *)((const char *)nlh + MNL_NLMSG_HDRLEN))->cmd;
}

/**
 * dusk_msg_error() - decode an NLMSG_ERROR message.
 * Returns the (zero or negative) errno it carries, or -EBADMSG if it is
 * truncated; copies the extack text, if any, into @extack (always
 * NUL-terminated; "" if none) and the offset of the attribute the kernel
 * refused, in the request, into @bad_off (0 if it named none).
 */
int dusk_msg_error(const struct nlmsghdr *nlh, char *extack, size_t cap, uint32_t *bad_off);

/*
 * The CHUNK at byte @off of request @req (an NLMSGERR_ATTR_OFFS the kernel
 * answered): its kernel address and length.  0, or -ENOENT when @off does
 * not name a whole CHUNK of @req.
 */
int dusk_msg_chunk_at(const struct nlmsghdr *req, uint32_t off, uint64_t *addr, uint32_t *len);

/* One decoded UPCALL.  lent/chunk attributes stay in the message: walk them
 * with mnl_attr_for_each over @nlh, which must outlive this struct. */
struct dusk_upcall {
	uint64_t ctx;
	uint64_t current;
	uint32_t proxy;
	uint32_t cpu;
	uint32_t flags;
	unsigned int nargs;
	uint64_t args[DUSK_MAX_ARGS];
	unsigned int nlent;
	unsigned int nchunks;
	const struct nlmsghdr *nlh;
};

/**
 * dusk_upcall_parse() - decode an UPCALL from untrusted bytes.
 * @buf/@len: one netlink message as received.
 * All of CTX (non-zero), PROXY, ARGS, CURRENT, CPU, FLAGS are required;
 * ARGS must be a whole number of u64 and at most DUSK_MAX_ARGS.
 * 0, or -EINVAL (malformed) / -EPROTO (not an UPCALL).
 */
int dusk_upcall_parse(const void *buf, size_t len, struct dusk_upcall *up);

/*
 * dusk_msg_peek_u32() - the first top-level attribute @type of the genl
 * message at @buf (@len bytes) as a u32, found with the headers checked
 * as the parser checks them but without validating the attributes: for
 * routing a message before the one full dusk_upcall_parse() that serves
 * it.  0, or -ENOENT (bad headers; absent, not 4 bytes, or the walk left
 * the message).
 */
int dusk_msg_peek_u32(const void *buf, size_t len, uint16_t type, uint32_t *v);

#endif /* DUSK_MSG_H */
