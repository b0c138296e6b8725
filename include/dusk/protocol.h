/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * DUSK wire protocol: the contract between libduskrt (user) and dusk-kmod
 * (kernel).  This one header is compiled by both sides, so the two cannot
 * drift; docs/protocol.md explains every message.  Keep it free of anything
 * but <linux/types.h>, <dusk/abi.h> and <dusk/fnv.h> (the numbers: versions, limits): it
 * is included by kernel code and by user code.
 *
 * Transport: one generic netlink family per loaded extension module, named
 * by dusk_genl_family_name() from the module's name; HELLO carries the full
 * name and both ends check it.
 * All integers are in host byte order (both ends run on the same machine).
 */
#ifndef DUSK_PROTOCOL_H
#define DUSK_PROTOCOL_H

#include <linux/types.h>
#include <dusk/abi.h>	/* versions, limits, flags */
#include <dusk/fnv.h>

#define DUSK_GENL_PREFIX	"dusk_"
#define DUSK_GENL_HASHED	"dusk-"	/* a name too long for GENL_NAMSIZ */

/*
 * dusk_genl_family_name() - the generic netlink family of module @modname.
 * @out: DUSK_GENL_NAMSIZ bytes.
 *
 * "dusk_" + the name when that fits in GENL_NAMSIZ; else "dusk-" + 10 hex
 * digits of the name's FNV-1a 64 hash (a kernel module name never holds a
 * '-', so the two forms never meet).  Two long names share a family only
 * on a 40-bit hash collision, and then HELLO's MODNAME check tells them
 * apart; the second kmod fails to load (-EEXIST) instead of serving the
 * wrong program.
 */
static inline void dusk_genl_family_name(char *out, const char *modname)
{
	static const char hex[] = "0123456789abcdef";
	const char *pre = DUSK_GENL_PREFIX;
	__u64 h = DUSK_FNV1A_INIT;
	unsigned int n = 0, i;

	while (modname[n])
		n++;
	if (sizeof(DUSK_GENL_PREFIX) - 1 + n < DUSK_GENL_NAMSIZ) {
		for (i = 0; pre[i]; i++)
			out[i] = pre[i];
		for (n = 0; modname[n]; n++)
			out[i + n] = modname[n];
		out[i + n] = '\0';
		return;
	}
	h = dusk_fnv1a(h, modname);
	pre = DUSK_GENL_HASHED;
	for (i = 0; pre[i]; i++)
		out[i] = pre[i];
	for (n = 0; n < 10; n++)
		out[i + n] = hex[(h >> (4 * (9 - n))) & 0xf];
	out[i + n] = '\0';
}

/*
 * Commands.  "u->k" requests are sent by the program and answered by the
 * kernel with a message of the same command (or an NLMSG_ERROR carrying a
 * negative errno and, where useful, an extack string).  "k->u" messages are
 * upcalls: unsolicited unicasts to the bound session's port.
 */
enum dusk_cmd {
	DUSK_CMD_UNSPEC,
	DUSK_CMD_HELLO,		/* u->k bind the session; answer: symbol and proxy
				 * addresses, the sender's task (CURRENT) */
	DUSK_CMD_BYE,		/* u->k orderly end of the session (socket release does the same) */
	DUSK_CMD_READ,		/* u->k RANGE...; answer: DATA... in request order */
	DUSK_CMD_WRITE,		/* u->k CHUNK...; only into mirrors, owned or lent memory */
	DUSK_CMD_MIRROR_ALLOC,	/* u->k LEN [CHUNK = initial contents]; answer: ADDR */
	DUSK_CMD_MIRROR_FREE,	/* u->k ADDR */
	DUSK_CMD_CALL,		/* u->k [CHUNK... written first] STUB ARGS [CTX] [TASK_STATE] [PARAM_LOCK];
				 * answer: RET [TEXT] [TASK_STATE] */
	DUSK_CMD_UPCALL,	/* k->u CTX PROXY ARGS CURRENT CPU FLAGS [FLOW] [LENT...] [CHUNK... prefetched] */
	DUSK_CMD_REPLY,		/* u->k CTX RET [CHUNK... dirty bytes]: ends the callback */
	DUSK_CMD_STATS,		/* u->k answer: STAT_* counters */
	DUSK_CMD_PARAMS,	/* u->k PARAM...: show /sys/module/NAME[/parameters/PARAM] */
	__DUSK_CMD_MAX,
};
#define DUSK_CMD_MAX (__DUSK_CMD_MAX - 1)

/*
 * The attributes, defined once: DUSK_ATTRS(X) makes enum dusk_attr, the
 * kmod's nla_policy arrays (dusk-kmod/core/family.c) and the user side's
 * validator (libduskrt/msg.c: the runtime's parser and the simulated
 * kernel's); each generator defines X.  One line per attribute, in wire
 * order (never reorder: the values are the protocol):
 *
 *   X(name, type, dir, max, nest)
 *
 * type  U32, U64   exactly 4 or 8 bytes
 *       STRING     NUL-terminated, at most max bytes with its NUL
 *                  (the kernel's NLA_NUL_STRING, .len = max - 1)
 *       BINARY     at most max bytes; 0: as nla_len allows
 *       U64S       BINARY holding whole u64s (the kmod's policy cannot say
 *                  "whole": its handler checks, as the user side does)
 *       NESTED     the members of nest table DUSK_<NEST>_ATTRS, each at
 *                  least once (the last one counts), nothing else
 *       PAD        nla_put_u64_64bit()'s alignment padding: skipped
 * dir   U2K   in requests (program -> kernel) only
 *       K2U   in answers and upcalls (kernel -> program) only; the kmod
 *             refuses it in a request, as it refuses PAD
 *       BOTH  either way
 *       NEST  only inside a nest, whose direction it takes
 * The kmod's policy is strict (nla_parse: unknown and unspec attributes,
 * trailing bytes and a missing or unexpected NLA_F_NESTED are refused);
 * the user side applies the same rules, so the simulated kernel refuses
 * exactly what the kmod refuses.
 */
#define DUSK_ATTRS(X)								\
	X(PAD,		PAD,	K2U,	0,		none)	/* alignment padding for u64 attributes */ \
	X(VERSION,	U32,	BOTH,	0,		none)	/* DUSK_PROTO_VERSION */ \
	X(LAYOUT_HASH,	U64,	BOTH,	0,		none)	/* hash of the type-layout table (typeinfo) */ \
	X(STUB_HASH,	U64,	BOTH,	0,		none)	/* hash of the stub, symbol and proxy tables */ \
	X(MODNAME,	STRING,	BOTH,	DUSK_MAX_MODNAME, none)	/* the extension module's name */ \
	X(SYMS,		U64S,	K2U,	0,		none)	/* kernel addresses, generated symbol-table order */ \
	X(PROXIES,	U64S,	K2U,	0,		none)	/* kernel addresses of the generated proxies */ \
	X(KBASE,	U64,	K2U,	0,		none)	/* lowest kernel address; below it is user memory */ \
	X(RANGE,	NESTED,	U2K,	0,		range)	/* one range to read */ \
	X(CHUNK,	NESTED,	BOTH,	0,		chunk)	/* bytes at a kernel address */ \
	X(ADDR,		U64,	BOTH,	0,		none)	/* kernel address */ \
	X(LEN,		U32,	U2K,	0,		none)	/* byte count */ \
	X(DATA,		BINARY,	K2U,	0,		none)	/* bytes (READ's answer) */ \
	X(STUB,		U32,	U2K,	0,		none)	/* index into the generated stub table */ \
	X(ARGS,		U64S,	BOTH,	DUSK_MAX_ARGS * 8, none) /* u64[nargs] */ \
	X(RET,		U64,	BOTH,	0,		none)	/* return value (stub or callback) */ \
	X(TEXT,		STRING,	K2U,	DUSK_MAX_TEXT + 1, none) /* what a printk-family stub \
								 * printed, level prefix kept */ \
	X(CTX,		U64,	BOTH,	0,		none)	/* id of the upcall a request or reply belongs to */ \
	X(PROXY,	U32,	K2U,	0,		none)	/* index into the generated proxy table */ \
	X(CURRENT,	U64,	K2U,	0,		none)	/* the kernel's `current` for the callback (UPCALL), \
								 * the program's task (HELLO's answer) */ \
	X(CPU,		U32,	K2U,	0,		none)	/* CPU the callback was raised on */ \
	X(FLAGS,	U32,	K2U,	0,		none)	/* DUSK_UPCALL_* */ \
	X(LENT,		NESTED,	K2U,	0,		range)	/* range the callback may write */ \
	X(STAT,		NESTED,	K2U,	0,		stat)	/* one counter */ \
	X(STAT_ID,	U32,	NEST,	0,		none)	/* DUSK_STAT_* */ \
	X(STAT_VAL,	U64,	NEST,	0,		none)	\
	X(PARAM,	NESTED,	U2K,	0,		param)	/* one module parameter's sysfs file */ \
	X(NAME,		STRING,	NEST,	DUSK_MAX_PARAM_NAME, none) \
	X(PERM,		U32,	NEST,	0,		none)	/* file mode bits (module_param's perm) */ \
	X(HELD,		NESTED,	K2U,	0,		chunk)	/* bytes as they were when the upcall \
								 * was raised, held for the whole callback \
								 * (not read again after its kernel calls) */ \
	X(TASK_STATE,	U32,	BOTH,	0,		none)	/* CALL: the task state the module \
								 * set (current->__state), the call \
								 * runs in it; its answer: the state \
								 * the call left.  Absent: TASK_RUNNING */ \
	X(PARAM_LOCK,	U32,	U2K,	0,		none)	/* CALL: 1 = made while the program \
								 * runs a module parameter's ops: it \
								 * runs under kernel_param_lock(), as \
								 * the kernel runs them */ \
	X(ANSWER_AT,	U64,	U2K,	0,		none)	/* CALL, READ, MIRROR_ALLOC: where in \
								 * the sending thread's memory the kmod \
								 * may write the answer (with ANSWER_CAP) \
								 * instead of queueing it on the socket */ \
	X(ANSWER_CAP,	U32,	U2K,	0,		none)	/* the bytes there */ \
	X(FLOW,		U32,	K2U,	0,		none)	/* UPCALL of a packet: its flow \
								 * (__skb_get_hash_symmetric(): \
								 * both directions alike) */ \
	X(PERCPU,	U32,	U2K,	0,		none)	/* MIRROR_ALLOC, MIRROR_FREE: a \
								 * per-CPU block (__alloc_percpu(), \
								 * LEN bytes per CPU, aligned to the \
								 * value); ADDR is its __percpu pointer */ \
	X(PCPU_COPIES,	U64S,	K2U,	0,		none)	/* MIRROR_ALLOC's answer for a per-CPU \
								 * block: each CPU's copy (nr_cpu_ids \
								 * of them; 0 for an impossible CPU) */

/* The nest tables, as named in a NESTED line: their members, as above. */
#define DUSK_RANGE_ATTRS(X)	/* RANGE, LENT */				\
	X(ADDR,		U64,	NEST,	0,		none)			\
	X(LEN,		U32,	NEST,	0,		none)
#define DUSK_CHUNK_ATTRS(X)	/* CHUNK, HELD */				\
	X(ADDR,		U64,	NEST,	0,		none)			\
	X(DATA,		BINARY,	NEST,	0,		none)	/* at most DUSK_MAX_CHUNK bytes */
#define DUSK_STAT_ATTRS(X)							\
	X(STAT_ID,	U32,	NEST,	0,		none)			\
	X(STAT_VAL,	U64,	NEST,	0,		none)
#define DUSK_PARAM_ATTRS(X)							\
	X(NAME,		STRING,	NEST,	DUSK_MAX_PARAM_NAME, none)		\
	X(PERM,		U32,	NEST,	0,		none)

#define DUSK_A_ENUM_(name, type, dir, max, nest) DUSK_A_##name,
enum dusk_attr {
	DUSK_A_UNSPEC,
	DUSK_ATTRS(DUSK_A_ENUM_)
	__DUSK_A_MAX,
};
#undef DUSK_A_ENUM_
#define DUSK_A_MAX (__DUSK_A_MAX - 1)

/* Counters the kmod keeps per extension (STATS, and sysfs/debugfs). */
enum dusk_stat {
	DUSK_STAT_UPCALLS,
	DUSK_STAT_REPLIES,
	DUSK_STAT_REQUESTS,		/* every u->k request */
	DUSK_STAT_BYTES_READ,
	DUSK_STAT_BYTES_WRITTEN,
	DUSK_STAT_CALLS,
	DUSK_STAT_POLICY_ACCEPT,	/* packets accepted by the failure policy */
	DUSK_STAT_POLICY_DROP,		/* packets dropped by the failure policy */
	DUSK_STAT_QUEUE_FULL,
	DUSK_STAT_TIMEOUTS,
	DUSK_STAT_REFUSED,		/* malformed or forbidden requests */
	DUSK_STAT_DATAGRAMS,		/* u->k datagrams (requests sent together count once) */
	DUSK_STAT_SYNC_ANSWERS,		/* sync callbacks answered by the program */
	DUSK_STAT_SYNC_POLICY,		/* sync callbacks answered by the failure policy */
	DUSK_STAT_DIRECT_ANSWERS,	/* answers written into the sender's memory (ANSWER_AT) */
	DUSK_STAT_LATE_MISSED,		/* callbacks to be observed late that found no free slot */
	__DUSK_STAT_MAX,
};

#endif /* DUSK_PROTOCOL_H */
