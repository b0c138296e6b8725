// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family of one extension module, and the gate every
 * request passes: attribute validation, permission, session binding.
 *
 * The family is named by dusk_genl_family_name() (protocol.h): "dusk_" +
 * dusk_gen.modname, or a hash of a name too long for GENL_NAMSIZ; HELLO
 * binds only a program that names this very module.  Every command
 * needs CAP_NET_ADMIN (GENL_ADMIN_PERM, checked by genetlink before we see
 * the message) and CAP_SYS_ADMIN (checked by dusk_nl_dispatch()).  The
 * family leaves attribute parsing to dusk_nl_dispatch() (maxattr 0), which
 * validates the whole message strictly against dusk_policy -- every
 * attribute, repeated ones included, nested ones against their own policy --
 * so that a refusal is counted in DUSK_STAT_REFUSED.  Then:
 *
 *   - HELLO from anyone when no session is bound binds it; from another
 *     port while one is bound: -EBUSY;
 *   - any other request with no session bound: -ENOTCONN; from a port that
 *     is not the session's: -EPERM.
 *
 * The family is parallel_ops: requests are not serialised by genl_mutex
 * (a nested CALL waits for a blocked caller, which must not block all of
 * genetlink); dusk-core.h states the locking that replaces it.
 */
#include <linux/module.h>
#include <linux/uaccess.h>
#include <net/genetlink.h>
#include "dusk-core.h"

/*
 * The policies, generated from protocol.h's attribute table: a request may
 * carry the U2K and BOTH attributes; the others stay NLA_UNSPEC, which
 * strict parsing refuses.  A string's .len leaves out the NUL; BINARY's
 * 0 is what nla_len allows (DATA stays below DUSK_MAX_CHUNK by
 * construction, and .len, a u16, could not say 64 KiB).
 */
#define DUSK_NLA_U32(max, nest)		{ .type = NLA_U32 }
#define DUSK_NLA_U64(max, nest)		{ .type = NLA_U64 }
#define DUSK_NLA_STRING(max, nest)	{ .type = NLA_NUL_STRING, .len = (max) - 1 }
#define DUSK_NLA_BINARY(max, nest)	{ .type = NLA_BINARY, .len = (max) }
#define DUSK_NLA_U64S(max, nest)	DUSK_NLA_BINARY(max, nest)
#define DUSK_NLA_NESTED(max, nest)	NLA_POLICY_NESTED(dusk_##nest##_policy)
#define DUSK_NLA_MEMBER(name, type, dir, max, nest) \
	[DUSK_A_##name] = DUSK_NLA_##type(max, nest),
#define DUSK_NLA_IN_U2K(...)		__VA_ARGS__
#define DUSK_NLA_IN_BOTH(...)		__VA_ARGS__
#define DUSK_NLA_IN_K2U(...)
#define DUSK_NLA_IN_NEST(...)
#define DUSK_NLA_REQUEST(name, type, dir, max, nest) \
	DUSK_NLA_IN_##dir(DUSK_NLA_MEMBER(name, type, dir, max, nest))

static const struct nla_policy dusk_range_policy[DUSK_A_MAX + 1] = {
	DUSK_RANGE_ATTRS(DUSK_NLA_MEMBER)
};

static const struct nla_policy dusk_chunk_policy[DUSK_A_MAX + 1] = {
	DUSK_CHUNK_ATTRS(DUSK_NLA_MEMBER)
};

static const struct nla_policy dusk_param_policy[DUSK_A_MAX + 1] = {
	DUSK_PARAM_ATTRS(DUSK_NLA_MEMBER)
};

static const struct nla_policy dusk_policy[DUSK_A_MAX + 1] = {
	DUSK_ATTRS(DUSK_NLA_REQUEST)
};

/*
 * Parse nest @nla by @policy into @tb, which must then hold @a and @b.
 * @msg: the extack text when one is missing (a literal: it is kept).
 */
static int dusk_parse_pair(struct nlattr **tb, const struct nlattr *nla,
			   const struct nla_policy *policy, int a, int b,
			   const char *msg, struct netlink_ext_ack *extack)
{
	int err;

	err = nla_parse_nested(tb, DUSK_A_MAX, nla, policy, extack);
	if (err)
		return err;
	if (!tb[a] || !tb[b]) {
		/* as validate_nla() sets a reject_message: NL_SET_ERR_MSG*
		 * want a literal at the call */
		NL_SET_BAD_ATTR(extack, nla);
		if (extack)
			extack->_msg = msg;
		return -EINVAL;
	}
	return 0;
}

/**
 * dusk_parse_chunk() - unpack one validated CHUNK { ADDR, DATA }.
 *
 * Return: 0, or -EINVAL (with extack) when a member is missing.
 */
int dusk_parse_chunk(const struct nlattr *nla, u64 *addr, const void **data,
		     u32 *len, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DUSK_A_MAX + 1];
	int err;

	err = dusk_parse_pair(tb, nla, dusk_chunk_policy, DUSK_A_ADDR, DUSK_A_DATA,
			      "CHUNK needs ADDR and DATA", extack);
	if (err)
		return err;
	/* an empty DATA is what a sender's wrapped 16-bit nla_len leaves */
	if (!nla_len(tb[DUSK_A_DATA])) {
		NL_SET_ERR_MSG_ATTR(extack, tb[DUSK_A_DATA], "CHUNK DATA must not be empty");
		return -EINVAL;
	}
	*addr = nla_get_u64(tb[DUSK_A_ADDR]);
	*data = nla_data(tb[DUSK_A_DATA]);
	*len = nla_len(tb[DUSK_A_DATA]);
	return 0;
}

/**
 * dusk_parse_range() - unpack one validated RANGE { ADDR, LEN }.
 *
 * Return: 0, or -EINVAL (with extack) when a member is missing.
 */
int dusk_parse_range(const struct nlattr *nla, u64 *addr, u32 *len,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DUSK_A_MAX + 1];
	int err;

	err = dusk_parse_pair(tb, nla, dusk_range_policy, DUSK_A_ADDR, DUSK_A_LEN,
			      "RANGE needs ADDR and LEN", extack);
	if (err)
		return err;
	*addr = nla_get_u64(tb[DUSK_A_ADDR]);
	*len = nla_get_u32(tb[DUSK_A_LEN]);
	return 0;
}

/**
 * dusk_parse_param() - unpack one validated PARAM { NAME, PERM }.
 *
 * Return: 0, or -EINVAL (with extack) when a member is missing.
 */
int dusk_parse_param(const struct nlattr *nla, const char **name, u32 *perm,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DUSK_A_MAX + 1];
	int err;

	BUILD_BUG_ON(DUSK_MAX_PARAM_NAME != MODULE_NAME_LEN);
	err = dusk_parse_pair(tb, nla, dusk_param_policy, DUSK_A_NAME, DUSK_A_PERM,
			      "PARAM needs NAME and PERM", extack);
	if (err)
		return err;
	*name = nla_data(tb[DUSK_A_NAME]);
	*perm = nla_get_u32(tb[DUSK_A_PERM]);
	return 0;
}

/*
 * HELLO answer: our identity; with @bound also KBASE, SYMS, PROXIES and
 * CURRENT, the program's own task (genetlink runs HELLO in the sender's
 * send()): `current` for module code outside a callback, as insmod's task
 * is for a native module_init.
 */
static int dusk_put_hello(struct sk_buff *msg, bool bound)
{
	u64 *addrs;
	u32 i, n;
	int err;

	if (nla_put_u32(msg, DUSK_A_VERSION, DUSK_PROTO_VERSION) ||
	    nla_put_u64_64bit(msg, DUSK_A_LAYOUT_HASH, dusk_gen.layout_hash, DUSK_A_PAD) ||
	    nla_put_u64_64bit(msg, DUSK_A_STUB_HASH, dusk_gen.stub_hash, DUSK_A_PAD) ||
	    nla_put_string(msg, DUSK_A_MODNAME, dusk_gen.modname))
		return -EMSGSIZE;
	if (!bound)
		return 0;
	if (nla_put_u64_64bit(msg, DUSK_A_KBASE, dusk_kspace_start(), DUSK_A_PAD) ||
	    nla_put_u64_64bit(msg, DUSK_A_CURRENT, (u64)(uintptr_t)current, DUSK_A_PAD))
		return -EMSGSIZE;

	n = max(dusk_gen.nsyms, dusk_gen.nproxies);
	addrs = kcalloc(max(n, 1u), sizeof(u64), GFP_KERNEL);
	if (!addrs)
		return -ENOMEM;
	for (i = 0; i < dusk_gen.nsyms; i++)
		/* seq_file releases: a wrapper that knows (seqfile.c) */
		addrs[i] = (u64)(uintptr_t)dusk_seqfile_sym(dusk_gen.syms[i].addr);
	err = nla_put(msg, DUSK_A_SYMS, dusk_gen.nsyms * sizeof(u64), addrs);
	for (i = 0; !err && i < dusk_gen.nproxies; i++)
		addrs[i] = (u64)(uintptr_t)dusk_gen.proxies[i].addr;
	if (!err)
		err = nla_put(msg, DUSK_A_PROXIES, dusk_gen.nproxies * sizeof(u64), addrs);
	kfree(addrs);
	return err ? -EMSGSIZE : 0;
}

/*
 * HELLO: bind when the module name (if given), version and both hashes
 * match; answer with our own identity always, and the addresses only when
 * bound (docs/protocol.md).
 */
static int dusk_nl_hello(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	struct sk_buff *msg;
	bool match;
	void *hdr;
	int err;

	if (!tb[DUSK_A_VERSION] || !tb[DUSK_A_LAYOUT_HASH] || !tb[DUSK_A_STUB_HASH]) {
		NL_SET_ERR_MSG(info->extack, "HELLO needs VERSION, LAYOUT_HASH and STUB_HASH");
		return -EINVAL;
	}
	/* a long name's family is a hash: the full name, when given, decides */
	match = (!tb[DUSK_A_MODNAME] ||
		 !strcmp(nla_data(tb[DUSK_A_MODNAME]), dusk_gen.modname)) &&
		nla_get_u32(tb[DUSK_A_VERSION]) == DUSK_PROTO_VERSION &&
		nla_get_u64(tb[DUSK_A_LAYOUT_HASH]) == dusk_gen.layout_hash &&
		nla_get_u64(tb[DUSK_A_STUB_HASH]) == dusk_gen.stub_hash;
	if (match) {
		err = dusk_session_bind(NETLINK_CB(skb).sk, info->snd_portid,
					genl_info_net(info));
		if (err && READ_ONCE(dusk_sess.portid) == info->snd_portid)
			NL_SET_ERR_MSG(info->extack, "this socket is already bound");
		else if (err)
			NL_SET_ERR_MSG(info->extack, "another program is bound to this module");
		if (err)
			return err;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE + (dusk_gen.nsyms + dusk_gen.nproxies) * sizeof(u64),
			  GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_unbind;
	}
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_HELLO);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = dusk_put_hello(msg, match);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
err_unbind:
	if (match)
		dusk_session_end();
	return err;
}

/* STATS: one STAT { STAT_ID, STAT_VAL } per enum dusk_stat. */
static int dusk_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct nlattr *nest;
	void *hdr;
	int i;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_STATS);
	if (!hdr)
		goto err;
	for (i = 0; i < __DUSK_STAT_MAX; i++) {
		nest = nla_nest_start(msg, DUSK_A_STAT);
		if (!nest ||
		    nla_put_u32(msg, DUSK_A_STAT_ID, i) ||
		    nla_put_u64_64bit(msg, DUSK_A_STAT_VAL, atomic64_read(&dusk_stats[i]),
				      DUSK_A_PAD))
			goto err;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

typedef int (*dusk_doit_fn)(struct sk_buff *skb, struct genl_info *info);

static const dusk_doit_fn dusk_handlers[__DUSK_CMD_MAX] = {
	[DUSK_CMD_READ] = dusk_nl_read,
	[DUSK_CMD_WRITE] = dusk_nl_write,
	[DUSK_CMD_MIRROR_ALLOC] = dusk_nl_mirror_alloc,
	[DUSK_CMD_MIRROR_FREE] = dusk_nl_mirror_free,
	[DUSK_CMD_CALL] = dusk_nl_call,
	[DUSK_CMD_REPLY] = dusk_nl_reply,
	[DUSK_CMD_STATS] = dusk_nl_stats,
	[DUSK_CMD_PARAMS] = dusk_nl_params,
};

/* Requests of the bound program: hold `use` so teardown waits for them. */
static int dusk_nl_session_request(dusk_doit_fn fn, struct sk_buff *skb,
				   struct genl_info *info)
{
	int err;

	/*
	 * down_read() is a voluntary preemption point (might_sleep()).  A
	 * datagram of REPLYs reinjects a packet per message, whose receiver
	 * is woken on this CPU: it would preempt the program between every
	 * two REPLYs, a context switch per packet instead of one per batch
	 * (the switch still comes, once, as the sendmsg returns).  The lock
	 * is only ever taken for writing at a session's end.
	 */
	if (!down_read_trylock(&dusk_sess.use))
		down_read(&dusk_sess.use);
	if (!READ_ONCE(dusk_sess.bound)) {
		NL_SET_ERR_MSG(info->extack, "no session: send HELLO first");
		err = -ENOTCONN;
	} else if (dusk_sess.portid != info->snd_portid ||
		   !net_eq(dusk_sess.net, genl_info_net(info))) {
		NL_SET_ERR_MSG(info->extack, "another program is bound to this module");
		err = -EPERM;
	} else {
		err = fn(skb, info);
	}
	up_read(&dusk_sess.use);
	return err;
}

/*
 * The one doit of the family: validate, gate, dispatch, count.
 * Context: process (the program's sendmsg); no lock held.
 */
static int dusk_nl_dispatch(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DUSK_A_MAX + 1];
	u8 cmd = info->genlhdr->cmd;
	int err;

	dusk_count(DUSK_STAT_REQUESTS, 1);
	/* The first message of a datagram starts at its head (netlink_sendmsg
	 * copies the datagram there; netlink_rcv_skb pulls each message). */
	if ((const void *)info->nlhdr == (const void *)skb->head)
		dusk_count(DUSK_STAT_DATAGRAMS, 1);
	/* GENL_ADMIN_PERM means CAP_NET_ADMIN; DUSK asks for more. */
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "DUSK needs CAP_SYS_ADMIN");
		err = -EPERM;
		goto out;
	}
	if (info->genlhdr->reserved) {
		NL_SET_ERR_MSG(info->extack, "genlmsghdr.reserved field is not 0");
		err = -EINVAL;
		goto out;
	}
	if (info->genlhdr->version != DUSK_GENL_VERSION) {
		NL_SET_ERR_MSG(info->extack, "genetlink version is not DUSK_GENL_VERSION");
		err = -EPROTO;
		goto out;
	}
	err = nla_parse(tb, DUSK_A_MAX, genlmsg_data(info->genlhdr),
			genlmsg_len(info->genlhdr), dusk_policy, info->extack);
	if (err)
		goto out;
	info->attrs = tb;

	if (cmd == DUSK_CMD_HELLO) {
		err = dusk_nl_hello(skb, info);
	} else if (cmd == DUSK_CMD_BYE) {
		if (!READ_ONCE(dusk_sess.bound)) {
			err = -ENOTCONN;
		} else if (dusk_sess.portid != info->snd_portid) {
			err = -EPERM;
		} else {
			dusk_session_end();
			err = 0;
		}
	} else if (cmd < __DUSK_CMD_MAX && dusk_handlers[cmd]) {
		err = dusk_nl_session_request(dusk_handlers[cmd], skb, info);
	} else {
		NL_SET_ERR_MSG(info->extack, "not a request");
		err = -EOPNOTSUPP;
	}
	info->attrs = NULL;
out:
	/* -EINTR: a deferred CALL, answered later (calldefer.c) */
	if (err < 0 && err != -EINTR)
		dusk_count(DUSK_STAT_REFUSED, 1);
	return err;
}

#define DUSK_OP(c) { .cmd = (c), .doit = dusk_nl_dispatch, .flags = GENL_ADMIN_PERM }

static const struct genl_small_ops dusk_ops[] = {
	DUSK_OP(DUSK_CMD_HELLO),
	DUSK_OP(DUSK_CMD_BYE),
	DUSK_OP(DUSK_CMD_READ),
	DUSK_OP(DUSK_CMD_WRITE),
	DUSK_OP(DUSK_CMD_MIRROR_ALLOC),
	DUSK_OP(DUSK_CMD_MIRROR_FREE),
	DUSK_OP(DUSK_CMD_CALL),
	DUSK_OP(DUSK_CMD_REPLY),
	DUSK_OP(DUSK_CMD_STATS),
	DUSK_OP(DUSK_CMD_PARAMS),
};

struct genl_family dusk_family = {
	.hdrsize = 0,
	.version = DUSK_GENL_VERSION,
	.maxattr = 0,		/* dusk_nl_dispatch() parses */
	.netnsok = false,
	.parallel_ops = true,
	/* No command is past resv_start_op: genetlink would otherwise install
	 * a reject-all policy (we have none: we parse ourselves) */
	.resv_start_op = __DUSK_CMD_MAX,
	.small_ops = dusk_ops,
	.n_small_ops = ARRAY_SIZE(dusk_ops),
	.module = THIS_MODULE,
};

/*
 * Answer request @info with @msg, which this consumes.  genetlink runs
 * doit in the sender's own system call, so when the request named a
 * buffer of the sending thread (ANSWER_AT, ANSWER_CAP) the answer is
 * copied there and the program need not receive it: one system call per
 * kernel call instead of two.  An answer that does not fit, or a buffer
 * the copy faults on, goes on the socket as usual.  Writing into the
 * sender's own memory cannot harm the kernel or another process; the
 * relay, whose process sends on another's behalf, refuses the attributes.
 */
int dusk_answer(struct sk_buff *msg, struct genl_info *info)
{
	const struct nlattr *at = info->attrs[DUSK_A_ANSWER_AT];
	const struct nlattr *cap = info->attrs[DUSK_A_ANSWER_CAP];

	if (at && cap && msg->len <= nla_get_u32(cap) && !(current->flags & PF_KTHREAD) &&
	    !copy_to_user(u64_to_user_ptr(nla_get_u64(at)), msg->data, msg->len)) {
		consume_skb(msg);
		dusk_count(DUSK_STAT_DIRECT_ANSWERS, 1);
		return 0;
	}
	return genlmsg_reply(msg, info);
}

/**
 * dusk_family_register() - name and register the family; module init.
 */
int dusk_family_register(void)
{
	BUILD_BUG_ON(DUSK_GENL_NAMSIZ != GENL_NAMSIZ);
	dusk_genl_family_name(dusk_family.name, dusk_gen.modname);
	return genl_register_family(&dusk_family);
}

/* Module exit: waits for requests still running (genetlink's cb_lock). */
void dusk_family_unregister(void)
{
	genl_unregister_family(&dusk_family);
}
