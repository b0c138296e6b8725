// SPDX-License-Identifier: GPL-2.0
/*
 * The socket that owns a stolen packet, as the hook saw it.
 *
 * In the kernel a Netfilter hook or an xtables match runs inside the
 * sender: close() sends its FIN through LOCAL_OUT, and only then orphans
 * the socket (sk_socket = NULL, __tcp_close()) and lets its struct socket
 * and file go.  The program runs the module's callback after the hook has
 * stolen the packet, while the sender goes on, so what it would read of the
 * packet's owner later is what the sender has made of it meanwhile: xt_owner
 * found no socket behind a FIN and dropped it where the kernel build
 * accepted it.  So the owner is prefetched when the upcall is built, in the
 * hook: skb->sk (a request socket's listener too, as sk_to_full_sk() goes),
 * and of a full socket its struct socket, that socket's file, the file's
 * credentials and their supplementary groups -- what xt_owner, nft_meta's
 * skuid/skgid and a hook that logs the sending user read.  The chunks are
 * read with copy_from_kernel_nofault() and ride after the upcall's others
 * (the copy follows the walk in the same context: at worst it reads what
 * the program would have read later).
 *
 * The pointers are followed as xt_owner follows them: sk_socket and its
 * file under sk_callback_lock (sock_orphan() clears them under it for
 * writing), only for a full socket.
 *
 * The upcall's first prefetched chunk, before the owner's, is the packet
 * from its network header on: what every hook and match reads first.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include "dusk-core.h"

/* Supplementary groups prefetched with the credentials, at most. */
#define DUSK_SK_GROUPS_MAX	32

static void sk_add(struct dusk_pkt_prefetch *o, const void *p, u32 len)
{
	if (p && o->n < DUSK_SK_RANGES) {
		o->r[o->n].addr = (u64)(uintptr_t)p;
		o->r[o->n].len = len;
		o->n++;
	}
}

/* A full socket: itself, then its socket, file, credentials and groups. */
static void sk_add_full(struct dusk_pkt_prefetch *o, struct sock *sk)
{
	const struct group_info *gi;
	const struct socket *sock;
	const struct cred *cred;
	const struct file *f;

	sk_add(o, sk, sizeof(*sk));
	read_lock_bh(&sk->sk_callback_lock);
	sock = READ_ONCE(sk->sk_socket);
	f = sock ? READ_ONCE(sock->file) : NULL;
	cred = f ? f->f_cred : NULL;
	gi = cred ? cred->group_info : NULL;
	sk_add(o, sock, sizeof(*sock));
	sk_add(o, f, sizeof(*f));
	sk_add(o, cred, sizeof(*cred));
	if (gi)
		sk_add(o, gi, struct_size(gi, gid, min_t(int, READ_ONCE(gi->ngroups),
							  DUSK_SK_GROUPS_MAX)));
	read_unlock_bh(&sk->sk_callback_lock);
}

/* The ranges of @skb's owning socket.  Context: a Netfilter hook. */
static void sk_owner(const struct sk_buff *skb, struct dusk_pkt_prefetch *o)
{
	struct sock *sk = skb->sk;

	o->n = 0;
	if (!sk)
		return;
	if (sk_fullsock(sk)) {
		sk_add_full(o, sk);
	} else if (sk->sk_state == TCP_NEW_SYN_RECV) {
		sk_add(o, sk, sizeof(struct inet_request_sock));
		if (inet_reqsk(sk)->rsk_listener)
			sk_add_full(o, inet_reqsk(sk)->rsk_listener);
	} else {	/* TCP_TIME_WAIT */
		sk_add(o, sk, sizeof(struct inet_timewait_sock));
	}
}

/**
 * dusk_pkt_prefetch() - what an upcall about @skb carries besides its
 * arguments: its flow, the packet's first bytes from the network header
 * (when it lies in the linear area) and its owning socket's ranges.
 * Context: a Netfilter hook (softirq or BH off), @skb held.
 *
 * The flow lets the program serve packets of different flows in parallel
 * and those of one flow in order.  It is computed, not skb_get_hash()'s
 * cached one: that would store a hash in the packet the module then sees
 * (its .ko would not), and it differs by direction.
 */
void dusk_pkt_prefetch(const struct sk_buff *skb, struct dusk_pkt_prefetch *o)
{
	unsigned char *nh = skb_network_header(skb);

	o->flow = __skb_get_hash_symmetric(skb);
	o->hdr = (u64)(uintptr_t)nh;
	o->hdr_len = 0;
	if (nh >= skb->head && nh < skb_tail_pointer(skb))
		o->hdr_len = min_t(u32, DUSK_PREFETCH_DATA, skb_tail_pointer(skb) - nh);
	sk_owner(skb, o);
}

/** dusk_pkt_prefetch_size() - message bytes dusk_pkt_prefetch_put() needs. */
size_t dusk_pkt_prefetch_size(const struct dusk_pkt_prefetch *o)
{
	size_t n = nla_total_size(sizeof(u32));	/* FLOW */
	u32 i;

	if (o->hdr_len)
		n += dusk_upcall_range_size(o->hdr_len, true);
	for (i = 0; i < o->n; i++)
		n += dusk_upcall_range_size(o->r[i].len, true);
	return n;
}

/**
 * dusk_pkt_prefetch_put() - add @o to @msg: FLOW, the headers as a CHUNK,
 * the owner's ranges as HELD chunks (docs/kmod.md gives the order).
 */
int dusk_pkt_prefetch_put(struct sk_buff *msg, const struct dusk_pkt_prefetch *o)
{
	u32 i;

	if (nla_put_u32(msg, DUSK_A_FLOW, o->flow))
		return -EMSGSIZE;
	if (o->hdr_len && dusk_upcall_put_range(msg, DUSK_A_CHUNK, o->hdr, o->hdr_len, true))
		return -EMSGSIZE;
	for (i = 0; i < o->n; i++)
		if (dusk_upcall_put_range(msg, DUSK_A_HELD, o->r[i].addr, o->r[i].len, true))
			return -EMSGSIZE;
	return 0;
}
