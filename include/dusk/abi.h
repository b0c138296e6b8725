/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The numbers the kernel side and the user side of DUSK agree on, defined
 * once: stub flags and proxy kinds of the generated tables, undo and lent
 * markers, protocol versions and limits.  Included by the dusk-kmod core
 * and the generated kmod (Kbuild, no libc), by dusk-rewrite (which prints
 * these names into the generated kmod), by libduskrt and by the simulated
 * kernel.  Plain integer constants only: no types, no includes, nothing a
 * kernel or a libc build could disagree about.
 *
 * dusk-kmod/dusk-gen.h explains the tables these values describe;
 * include/dusk/protocol.h the messages; docs/protocol.md and docs/kmod.md
 * the behaviour behind each limit.
 */
#ifndef DUSK_ABI_H
#define DUSK_ABI_H

/* ---- protocol ---------------------------------------------------------- */

#define DUSK_GENL_VERSION	1	/* genlmsghdr.version */
#define DUSK_PROTO_VERSION	7	/* DUSK_A_VERSION in HELLO */
#define DUSK_GENL_NAMSIZ	16	/* GENL_NAMSIZ: family name with its NUL */
/* Bytes of a module name with its NUL: dusk_<name>.ko is a kernel module
 * (MODULE_NAME_LEN 56 with the "dusk_" prefix). */
#define DUSK_MAX_MODNAME	51
/* Bytes of a module parameter's name with its NUL: MODULE_NAME_LEN, which
 * the kmod checks at build time. */
#define DUSK_MAX_PARAM_NAME	56

/* Upper bounds both ends enforce; a message beyond them is refused. */
/* u64 arguments of one stub call or upcall: a printk or seq_printf() of a
 * statistics line passes many (a format and up to 19 values) */
#define DUSK_MAX_ARGS		20
#define DUSK_MAX_READ		(64 * 1024)	/* bytes of one READ request, all ranges */
/* Bytes of one CHUNK's DATA: the whole CHUNK (its ADDR and DATA nested)
 * must fit nla_len's 16 bits, so less than 64 KiB. */
#define DUSK_MAX_CHUNK		(60 * 1024)
#define DUSK_MAX_TEXT		1024		/* bytes of formatted printk text */
#define DUSK_MAX_MIRROR		(16u << 20)	/* bytes of one MIRROR_ALLOC */

/* DUSK_A_FLAGS of an UPCALL. */
#define DUSK_UPCALL_BLOCKING	(1u << 0)	/* caller sleeps; nested CALLs run in its context */
/* A read or write of /sys/module/NAME/parameters/P, served by the runtime
 * itself: PROXY is P's index in PARAMS, ARGS { op, buf, len }. */
#define DUSK_UPCALL_PARAM	(1u << 1)
#define DUSK_PARAM_GET		0	/* format into buf (PAGE_SIZE, lent); RET = length */
#define DUSK_PARAM_SET		1	/* parse buf (len bytes, lent for prefetch); RET = 0 */
#define DUSK_MAX_PARAMS		256	/* PARAMs of one PARAMS request */
/*
 * A read() of a seq_file whose seq_operations are the program's: the
 * program runs start/show/next/stop itself, as seq_read_iter() does between
 * its start and its stop, and leaves the records in the seq_file's buffer
 * (the kmod's seqread.c; docs/protocol.md).  PROXY is the show's index,
 * ARGS as DUSK_SEQFILL_A_*; the seq_file, its buffer and the private state
 * of a proc_create_seq_private() file are lent.  RET: DUSK_SEQFILL_FILLED
 * (m->count bytes of records in the buffer, maybe with
 * DUSK_SEQFILL_BUGGY_NEXT), DUSK_SEQFILL_GROW (a record did not fit: stop
 * was called, the kernel doubles the buffer and asks again), 0 (the end:
 * nothing), or a negative errno (start, next or show failed).
 */
#define DUSK_UPCALL_SEQFILL	(1u << 2)
#define DUSK_SEQFILL_A_SEQ	0	/* struct seq_file * (lent whole) */
#define DUSK_SEQFILL_A_START	1	/* proxy index of ->start, or DUSK_SEQFILL_SINGLE */
#define DUSK_SEQFILL_A_NEXT	2	/* ... of ->next, or DUSK_SEQFILL_SINGLE */
#define DUSK_SEQFILL_A_STOP	3	/* ... of ->stop, or DUSK_SEQFILL_SINGLE */
#define DUSK_SEQFILL_A_SHOW	4	/* ... of ->show */
#define DUSK_SEQFILL_A_WANT	5	/* bytes the reader asked for (iov_iter_count) */
#define DUSK_SEQFILL_A_BUF	6	/* m->buf (lent: A_SIZE bytes) */
#define DUSK_SEQFILL_A_SIZE	7	/* m->size */
#define DUSK_SEQFILL_A_INDEX	8	/* &m->index (loff_t) */
#define DUSK_SEQFILL_A_COUNT	9	/* &m->count (size_t) */
#define DUSK_SEQFILL_NARGS	10
/* single_open()'s own iterator (single_start/next/stop, static in
 * fs/seq_file.c): the program does what they do. */
#define DUSK_SEQFILL_SINGLE	0xffffffffu
#define DUSK_SEQFILL_FILLED	1
#define DUSK_SEQFILL_GROW	2
#define DUSK_SEQFILL_BUGGY_NEXT	4	/* with FILLED: a ->next did not move the index */

/* ---- the generated stub table (struct dusk_stub_desc.flags) ------------ */

#define DUSK_STUB_PRINTK	(1u << 0)	/* formats into dusk_text_buf(); core echoes DUSK_A_TEXT */
#define DUSK_STUB_INDIRECT	(1u << 1)	/* args[0] is the function pointer to call */
#define DUSK_STUB_ALLOC		(1u << 2)	/* returns memory the session owns (kmalloc...) */
#define DUSK_STUB_FREE		(1u << 3)	/* args[0] is memory the session gives back (kfree...) */
#define DUSK_STUB_RET_PTR	(1u << 4)	/* result is a pointer (ERR_PTR/NULL = failure) */
#define DUSK_STUB_FREE_ARG1	(1u << 5)	/* args[1] is memory given back (kmem_cache_free) */
#define DUSK_STUB_FREE_RCU	(1u << 6)	/* kvfree_call_rcu(head, func): frees head - func, or
						 * func itself when head is NULL (kfree_rcu) */
/* The object a DUSK_STUB_ALLOC stub returns is an sk_buff (__alloc_skb,
 * skb_clone...): the session owns the struct and, while it owns it, the
 * data area its head..end (and skb_shared_info) points at now; teardown
 * frees it with kfree_skb().  The DUSK_STUB_FREE* stubs that give one back
 * are its frees (kfree_skb, consume_skb) and its hand-overs to the kernel
 * (dev_queue_xmit, netif_rx, netlink_unicast...). */
#define DUSK_STUB_SKB		(1u << 7)
/* The last argument is memory given back: an output function's sk_buff
 * (ip_local_out(net, sk, skb), an okfn called through its pointer, whose
 * arguments follow the pointer: the skb is last either way). */
#define DUSK_STUB_FREE_LAST	(1u << 8)
/*
 * The arguments from DUSK_STUB_VA_INDEX(flags) on are the values of a
 * printf format's conversions, the format being the argument before them,
 * and the stub takes DUSK_MAX_ARGS words (unused ones 0): the words of a
 * va_list the kernel function takes there (vprintk(), vsnprintf()...),
 * which the stub builds over them (dusk-kmod/dusk-va.h), or a variadic
 * call's own arguments after the program spliced a %pV in
 * (libduskrt/vafmt.c).  Either way the kmod checks them against the format
 * as any format stub's (dusk-kmod/core/stubargs.c).
 */
#define DUSK_STUB_VA		(1u << 9)
#define DUSK_STUB_VA_AT(i)	(DUSK_STUB_VA | (unsigned)(i) << 12)
#define DUSK_STUB_VA_INDEX(f)	((unsigned)(f) >> 12 & 15u)
/* Any of the flags above that give memory back. */
#define DUSK_STUB_FREE_ANY	(DUSK_STUB_FREE | DUSK_STUB_FREE_ARG1 | DUSK_STUB_FREE_RCU | \
				 DUSK_STUB_FREE_LAST)
/* DUSK_STUB_ALLOC | DUSK_STUB_FREE (krealloc): args[0] is given back only
 * when the call returns memory; on failure it stays the session's. */

/* ---- the generated proxy table (struct dusk_proxy_desc) ---------------- */

/* .kind */
#define DUSK_PROXY_NF_HOOK	0	/* nf_hookfn: steal, upcall, reinject on verdict */
#define DUSK_PROXY_BLOCKING	1	/* process context: wait for the reply */
#define DUSK_PROXY_ASYNC	2	/* atomic context, void result: upcall and return */
#define DUSK_PROXY_SYNC		3	/* atomic context, a result needed now: xtables
					 * match (asked ahead), hrtimer (answered late) */

/* .lent[i]: a size in bytes, or as many bytes as argument j says, capped,
 * or a packet: the sk_buff (but its head and end, which bound the data) and
 * its data area head..end, as to a Netfilter hook, or a block I/O: the
 * struct bio and the data of its segments left to do, or I2C messages: an
 * array of struct i2c_msg as long as argument i+1 says, capped, and each
 * message's buf of len bytes, or a blk-mq request: the struct request, the
 * driver's data after it and the data of its bios' segments, given as
 * itself (struct request *) or as ->queue_rq()'s queue data, whose ->rq
 * it is. */
#define DUSK_LENT_ARG(j)	(0x80000000u | (j))
#define DUSK_LENT_ARG_MAX	(1u << 20)
#define DUSK_LENT_SKB		0x40000000u
#define DUSK_LENT_BIO		0x40000001u
#define DUSK_LENT_I2C_MSGS	0x40000002u
#define DUSK_LENT_I2C_MSGS_MAX	64
#define DUSK_LENT_RQ		0x40000003u
#define DUSK_LENT_MQ_DATA	0x40000004u
/* A crypto transform (struct crypto_tfm, or a struct crypto_skcipher,
 * crypto_shash, crypto_rng, ... whose struct crypto_tfm base is at byte
 * off): the struct and the algorithm's context after it (cra_ctxsize and
 * its alignment slack), which the algorithm's init, setkey and requests
 * write (crypto_tfm_ctx(), crypto_skcipher_ctx()). */
#define DUSK_LENT_CRYPTO(off)	(0x40000100u | (off))
#define DUSK_LENT_CRYPTO_MASK	0xffffff00u
/* A net device (struct net_device *): the struct, and the driver's
 * private area after it (netdev_priv()) when the device is the module's
 * and the size it was allocated with is known: alloc_netdev()'s setup,
 * a link type's setup, newlink and dellink, the device's ndo_*()
 * (dusk-kmod/core/netdevhand.c). */
#define DUSK_LENT_NETDEV	0x40000005u
/* A hash's operation state (struct shash_desc *, handed to a shash
 * algorithm's init, update, final, export and import): the struct and the
 * descsize bytes of context after it (shash_desc_ctx()), which those
 * callbacks keep the running hash in. */
#define DUSK_LENT_SHASH_DESC	0x40000006u

/* ---- the generated undo table (struct dusk_undo_desc.from[]) ----------- */

#define DUSK_UNDO_RET		0xff		/* reg's result */
/* args[i] when it is not 0, else the result: __register_chrdev(major, ...)
 * returns the major it allocated when asked for 0, and 0 otherwise. */
#define DUSK_UNDO_ARG_OR_RET_BIT 0x80
#define DUSK_UNDO_ARG_OR_RET(i)	(DUSK_UNDO_ARG_OR_RET_BIT | (i))
/* The u32 args[i] points to, read right after the call: the number
 * alloc_chrdev_region(&dev, ...) allocated and stored through its first
 * argument. */
#define DUSK_UNDO_DEREF_U32_BIT	0x40
#define DUSK_UNDO_DEREF_U32(i)	(DUSK_UNDO_DEREF_U32_BIT | (i))

/* ---- module parameters ------------------------------------------------- */

/*
 * The kernel's param_ops_<type> (kernel/params.c) that libduskrt
 * re-implements at user level, as X(type, C type of the variable):
 * module_param(name, type, perm) on these is set and read by the program;
 * dusk-rewrite leaves their ops to the runtime, libduskrt sizes the
 * variable by them.  module_param_string()'s param_ops_string is one too,
 * but its argument is a struct kparam_string, not a variable.
 */
#define DUSK_STD_PARAM_TYPES(X)						\
	X(byte, unsigned char) X(short, short) X(ushort, unsigned short)	\
	X(int, int) X(uint, unsigned int) X(hexint, unsigned int)	\
	X(long, long) X(ulong, unsigned long) X(ullong, unsigned long long) \
	X(bool, _Bool) X(invbool, _Bool) X(bint, int)			\
	X(bool_enable_only, _Bool) X(charp, char *)

#endif /* DUSK_ABI_H */
