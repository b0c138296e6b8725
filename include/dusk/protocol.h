/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * DUSK wire protocol: the contract between libduskrt (user) and dusk-kmod
 * (kernel).  This one header is compiled by both sides, so the two cannot
 * drift; docs/protocol.md explains every message.  Keep it free of anything
 * but <linux/types.h> and <dusk/abi.h> (the numbers: versions, limits): it
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
	__u64 h = 0xcbf29ce484222325ull;
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
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)modname[i]) * 0x100000001b3ull;
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
	DUSK_CMD_CALL,		/* u->k [CHUNK... written first] STUB ARGS [CTX]; answer: RET [TEXT] */
	DUSK_CMD_UPCALL,	/* k->u CTX PROXY ARGS CURRENT CPU FLAGS [LENT...] [CHUNK... prefetched] */
	DUSK_CMD_REPLY,		/* u->k CTX RET [CHUNK... dirty bytes]: ends the callback */
	DUSK_CMD_STATS,		/* u->k answer: STAT_* counters */
	DUSK_CMD_PARAMS,	/* u->k PARAM...: show /sys/module/NAME[/parameters/PARAM] */
	__DUSK_CMD_MAX,
};
#define DUSK_CMD_MAX (__DUSK_CMD_MAX - 1)

enum dusk_attr {
	DUSK_A_UNSPEC,
	DUSK_A_PAD,		/* alignment padding for u64 attributes */
	DUSK_A_VERSION,		/* u32: DUSK_PROTO_VERSION */
	DUSK_A_LAYOUT_HASH,	/* u64: hash of the type-layout table (typeinfo) */
	DUSK_A_STUB_HASH,	/* u64: hash of the stub, symbol and proxy tables */
	DUSK_A_MODNAME,		/* string: the extension module's name */
	DUSK_A_SYMS,		/* binary: u64[] kernel addresses, generated symbol-table order */
	DUSK_A_PROXIES,		/* binary: u64[] kernel addresses of the generated proxies */
	DUSK_A_KBASE,		/* u64: lowest kernel address; below it is user memory */
	DUSK_A_RANGE,		/* nested { ADDR, LEN }: one range to read */
	DUSK_A_CHUNK,		/* nested { ADDR, DATA }: bytes at a kernel address */
	DUSK_A_ADDR,		/* u64: kernel address */
	DUSK_A_LEN,		/* u32: byte count */
	DUSK_A_DATA,		/* binary: bytes */
	DUSK_A_STUB,		/* u32: index into the generated stub table */
	DUSK_A_ARGS,		/* binary: u64[nargs] */
	DUSK_A_RET,		/* u64: return value (stub or callback) */
	DUSK_A_TEXT,		/* string: what a printk-family stub printed, level prefix kept */
	DUSK_A_CTX,		/* u64: id of the upcall a request or reply belongs to */
	DUSK_A_PROXY,		/* u32: index into the generated proxy table */
	DUSK_A_CURRENT,		/* u64: the kernel's `current` for the callback (UPCALL),
				 * the program's task (HELLO's answer) */
	DUSK_A_CPU,		/* u32: CPU the callback was raised on */
	DUSK_A_FLAGS,		/* u32: DUSK_UPCALL_* */
	DUSK_A_LENT,		/* nested { ADDR, LEN }: range the callback may write */
	DUSK_A_STAT,		/* nested { STAT_ID u32, STAT_VAL u64 } */
	DUSK_A_STAT_ID,		/* u32: DUSK_STAT_* */
	DUSK_A_STAT_VAL,	/* u64 */
	DUSK_A_PARAM,		/* nested { NAME, PERM }: one module parameter's sysfs file */
	DUSK_A_NAME,		/* string */
	DUSK_A_PERM,		/* u32: file mode bits (module_param's perm) */
	DUSK_A_HELD,		/* nested { ADDR, DATA }: bytes as they were when the upcall
				 * was raised, held for the whole callback (not read again
				 * after its kernel calls) */
	__DUSK_A_MAX,
};
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
	__DUSK_STAT_MAX,
};

#endif /* DUSK_PROTOCOL_H */
