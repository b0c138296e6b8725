// SPDX-License-Identifier: GPL-2.0
/*
 * Netfilter hooks run by the program: steal the packet, ask the program,
 * resume traversal with its verdict.  The stolen packet waits on the
 * pending queue (pending.c) like every upcall not answered in place.
 *
 * A hook runs in softirq and may not sleep, so the generated hook proxy
 * calls dusk_upcall_nf_hook(), which does what nf_queue() does for NFQUEUE
 * (net/netfilter/nf_queue.c, read against 6.1): it builds a struct
 * nf_queue_entry (copy of the hook state, route key saved like
 * nf_ip_saveroute, device and socket references taken with
 * nf_queue_entry_get_refs), queues an UPCALL carrying the sk_buff, the
 * state copy and the packet headers (prefetched CHUNKs) and the ranges lent
 * to the callback (the sk_buff and its head..end data area), and returns
 * NF_STOLEN.  The program's REPLY carries the verdict; dusk_nf_finish()
 * then does what nfqnl_reinject() does: conntrack update, the unconfirmed
 * conntrack check, and nf_reinject(), which resumes at the next hook
 * (ACCEPT), re-runs this one (REPEAT), frees the packet (DROP), leaves it
 * to the module (STOLEN) or queues it (QUEUE).
 *
 * The failure policy (fail_closed: drop, default accept) decides instead of
 * the program, counted in POLICY_ACCEPT/POLICY_DROP, when no session is
 * alive, when queue_max packets already wait (also QUEUE_FULL), when the
 * upcall cannot be sent, when no verdict arrives within nf_timeout_ms (also
 * TIMEOUTS), when the REPLY is refused, and at teardown.  A device going
 * down drops the packets that hold it (as NFQUEUE does).  Every stolen
 * packet leaves through dusk_nf_finish() exactly once: none is leaked.
 *
 * Hook index: nf_reinject() resumes at entry->hook_index, which is only
 * right while the hook array is unchanged.  So the index is looked up again
 * (by hook function and priv) under RCU just before reinjecting.  If the
 * hook is gone the packet is dropped, as NFQUEUE's nf_hook_drop does; the
 * core avoids that on orderly paths by releasing waiting packets before any
 * unregistering stub runs and before teardown undoes registrations.
 *
 * Only IPv4, IPv6 and bridge hooks can be resumed by nf_reinject(); hooks
 * of other families (ARP, netdev ingress) are refused at registration
 * (call.c), and would get the policy verdict here.  Bridge
 * physical devices (br_netfilter) are not pinned while a packet is out.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_queue.h>
#include <net/sock.h>
#include "dusk-core.h"

/**
 * dusk_policy_verdict() - the failure policy's verdict for one packet,
 * counted in POLICY_ACCEPT or POLICY_DROP.
 */
unsigned int dusk_policy_verdict(void)
{
	if (READ_ONCE(dusk_fail_closed)) {
		dusk_count(DUSK_STAT_POLICY_DROP, 1);
		return NF_DROP;
	}
	dusk_count(DUSK_STAT_POLICY_ACCEPT, 1);
	return NF_ACCEPT;
}

/* Unconfirmed conntrack shared with another skb (see nfnetlink_queue.c). */
static bool dusk_ct_drop_unconfirmed(const struct nf_queue_entry *entry, bool *unconfirmed)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	struct nf_conn *ct = (void *)skb_nfct(entry->skb);

	if (!ct || nf_ct_is_confirmed(ct))
		return false;
	if (unconfirmed)
		*unconfirmed = true;
	return refcount_read(&ct->ct_general.use) > 1;
#else
	return false;
#endif
}

/* The hook array the entry's packet traverses (nf_hook_entries_head()).  Under RCU. */
static struct nf_hook_entries *dusk_hooks_head(const struct nf_queue_entry *entry)
{
	const struct net *net = entry->state.net;
	u8 hook = entry->state.hook;

	switch (entry->state.pf) {
	case NFPROTO_IPV4:
		return rcu_dereference(net->nf.hooks_ipv4[hook]);
	case NFPROTO_IPV6:
		return rcu_dereference(net->nf.hooks_ipv6[hook]);
#ifdef CONFIG_NETFILTER_FAMILY_BRIDGE
	case NFPROTO_BRIDGE:
		return rcu_dereference(net->nf.hooks_bridge[hook]);
#endif
	default:
		return NULL;
	}
}

/* Families nf_reinject() can resume (see the file comment). */
static bool dusk_pf_resumable(u8 pf)
{
	return pf == NFPROTO_IPV4 || pf == NFPROTO_IPV6 ||
	       (IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE) && pf == NFPROTO_BRIDGE);
}

/* Index of (hookfn, priv) in the current hook array, or -1.  Under RCU. */
static int dusk_hook_index(const struct nf_queue_entry *entry, nf_hookfn *fn, void *priv)
{
	const struct nf_hook_entries *e = dusk_hooks_head(entry);
	int i;

	for (i = 0; e && i < e->num_hook_entries; i++)
		if (e->hooks[i].hook == fn && e->hooks[i].priv == priv)
			return i;
	return -1;
}

/* A verdict nf_reinject() knows. */
static bool dusk_verdict_valid(unsigned int verdict)
{
	switch (verdict & NF_VERDICT_MASK) {
	case NF_DROP:
	case NF_ACCEPT:
	case NF_STOLEN:
	case NF_QUEUE:
	case NF_REPEAT:
	case NF_STOP:
		return true;
	default:
		return false;
	}
}

/**
 * dusk_nf_finish() - resume a stolen packet with @verdict and free @p.
 *
 * Context: process (REPLY, expiry, teardown), no dusk lock held; @p is
 * off the pending list.
 */
void dusk_nf_finish(struct dusk_pending *p, unsigned int verdict)
{
	struct nf_queue_entry *entry = p->entry;
	const struct nf_ct_hook *ct_hook;
	int idx;

	if (!dusk_verdict_valid(verdict)) {
		dusk_count(DUSK_STAT_REFUSED, 1);
		verdict = dusk_policy_verdict();
	}
	rcu_read_lock();
	if (verdict == NF_ACCEPT || verdict == NF_REPEAT || verdict == NF_STOP) {
		ct_hook = rcu_dereference(nf_ct_hook);
		if (ct_hook && ct_hook->update(entry->state.net, entry->skb) < 0)
			verdict = NF_DROP;
	}
	if (verdict != NF_DROP && entry->nf_ct_is_unconfirmed &&
	    dusk_ct_drop_unconfirmed(entry, NULL))
		verdict = NF_DROP;

	idx = dusk_hook_index(entry, p->hookfn, p->priv);
	if (idx < 0) {
		dusk_count(DUSK_STAT_POLICY_DROP, 1);
		kfree_skb(entry->skb);
		nf_queue_entry_free(entry);
	} else {
		entry->hook_index = idx;
		nf_reinject(entry, verdict);
	}
	rcu_read_unlock();
	kfree(p);
}

/**
 * dusk_nf_rerun() - run the hook @p's packet was stolen from again, on it,
 * as nf_reinject() does for NF_REPEAT, and return its verdict (NF_DROP when
 * the hook is gone: @p's packet is then dropped by dusk_nf_finish() too).
 * The caller then ends @p with that verdict (dusk_nf_finish()); on
 * NF_STOLEN the packet belongs to whoever stole it.
 *
 * Context: BH off, no dusk lock held; @p is off the pending list.
 */
unsigned int dusk_nf_rerun(struct dusk_pending *p)
{
	struct nf_queue_entry *entry = p->entry;
	const struct nf_hook_entries *e;
	unsigned int verdict = NF_DROP;
	int idx;

	rcu_read_lock();
	idx = dusk_hook_index(entry, p->hookfn, p->priv);
	e = dusk_hooks_head(entry);
	if (idx >= 0)
		verdict = nf_hook_entry_hookfn(&e->hooks[idx], entry->skb, &entry->state);
	rcu_read_unlock();
	return verdict;
}

/* Do [a, a + alen) and [b, b + blen) overlap? */
static bool dusk_overlaps(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/**
 * dusk_skb_lent() - is [addr, addr+len) of packet @skb lent with it:
 * inside its sk_buff but not its head or end (they bound the data area:
 * writing them would widen what is lent), or inside its data area
 * (head..end, read now: a nested call may have reallocated it)?
 * Context: the packet stays the callback's meanwhile (caller's business).
 */
bool dusk_skb_lent(const struct sk_buff *skb, u64 addr, u64 len)
{
	u64 base = (u64)(uintptr_t)skb;

	if (addr >= base && len <= sizeof(*skb) && addr - base <= sizeof(*skb) - len)
		return !dusk_overlaps(addr - base, len, offsetof(struct sk_buff, head),
				      sizeof(skb->head)) &&
		       !dusk_overlaps(addr - base, len, offsetof(struct sk_buff, end),
				      sizeof(skb->end));
	base = (u64)(uintptr_t)skb->head;
	return addr >= base && len <= skb_end_offset(skb) &&
	       addr - base <= skb_end_offset(skb) - len;
}

/*
 * Is [addr, addr+len) inside the mark of @skb's conntrack entry?  A hook or
 * target marks the packet's connection with a plain store (`WRITE_ONCE(
 * ct->mark, ...)`, as xt_CONNMARK does): the entry is the kernel's, but
 * the mark is the one field a module writes so.  Not the status bits
 * (the kernel changes them atomically) nor anything else of the entry.
 */
static bool dusk_ct_mark_lent(const struct sk_buff *skb, u64 addr, u64 len)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK_MARK)
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);
	u64 base;

	if (!ct)
		return false;
	base = (u64)(uintptr_t)&ct->mark;
	return addr >= base && len <= sizeof(ct->mark) && addr - base <= sizeof(ct->mark) - len;
#else
	return false;
#endif
}

/**
 * dusk_nf_lent() - is [addr, addr+len) lent to the callback of packet @p
 * (dusk_skb_lent() of its sk_buff, or its conntrack entry's mark)?
 * Context: caller holds qlock, so the packet is not reinjected meanwhile.
 */
bool dusk_nf_lent(const struct dusk_pending *p, u64 addr, u64 len)
{
	if (p->kind != DUSK_PENDING_NF && p->kind != DUSK_PENDING_XT_TARGET)
		return false;
	return dusk_skb_lent(p->entry->skb, addr, len) ||
	       dusk_ct_mark_lent(p->entry->skb, addr, len);
}

/* The route key nf_reroute() needs, saved as nf_ip_saveroute() does. */
static void dusk_saveroute(const struct sk_buff *skb, struct nf_queue_entry *entry)
{
	if (entry->state.hook != NF_INET_LOCAL_OUT)
		return;
	if (entry->state.pf == NFPROTO_IPV4) {
		struct ip_rt_info *rt = nf_queue_entry_reroute(entry);
		const struct iphdr *iph = ip_hdr(skb);

		rt->tos = iph->tos;
		rt->daddr = iph->daddr;
		rt->saddr = iph->saddr;
		rt->mark = skb->mark;
	} else if (entry->state.pf == NFPROTO_IPV6) {
		struct ip6_rt_info *rt = nf_queue_entry_reroute(entry);
		const struct ipv6hdr *iph = ipv6_hdr(skb);

		rt->daddr = iph->daddr;
		rt->saddr = iph->saddr;
		rt->mark = skb->mark;
	}
}

/* Build the entry as __nf_queue() does; NULL when the packet cannot be
 * stolen.  Also the xtables pre-hook's (xtmatch.c). */
struct nf_queue_entry *dusk_entry_new(struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct nf_queue_entry *entry;
	unsigned int rk = 0;

	if (state->pf == NFPROTO_IPV4)
		rk = sizeof(struct ip_rt_info);
	else if (state->pf == NFPROTO_IPV6)
		rk = sizeof(struct ip6_rt_info);

	if (skb_sk_is_prefetched(skb)) {
		struct sock *sk = skb->sk;

		if (!sk_is_refcounted(sk)) {
			if (!refcount_inc_not_zero(&sk->sk_refcnt))
				return NULL;
			/* drop refcount on skb_orphan */
			skb->destructor = sock_edemux;
		}
	}
	entry = kzalloc(sizeof(*entry) + rk, GFP_ATOMIC);
	if (!entry)
		return NULL;
	if (skb_dst(skb) && !skb_dst_force(skb))
		goto err_free;
	entry->skb = skb;
	entry->skb_dev = skb->dev;
	entry->state = *state;
	entry->size = sizeof(*entry) + rk;
	if (dusk_ct_drop_unconfirmed(entry, &entry->nf_ct_is_unconfirmed))
		goto err_free;
	if (!nf_queue_entry_get_refs(entry))
		goto err_free;
	dusk_saveroute(skb, entry);
	return entry;

err_free:
	kfree(entry);
	return NULL;
}

/* UPCALL for a stolen packet: args, lent ranges, prefetched bytes. */
static struct sk_buff *dusk_nf_msg(const struct dusk_pending *p, void *priv, void **hdr)
{
	const struct nf_queue_entry *entry = p->entry;
	const struct sk_buff *skb = entry->skb;
	u64 args[3] = {
		(u64)(uintptr_t)priv, (u64)(uintptr_t)skb, (u64)(uintptr_t)&entry->state,
	};
	struct dusk_pkt_prefetch pf;
	struct sk_buff *msg;

	dusk_pkt_prefetch(skb, &pf);
	msg = dusk_upcall_new(p->ctx, p->proxy, args, 3, 0,
			      2 * dusk_upcall_range_size(0, false) +
			      dusk_upcall_range_size(sizeof(*skb), true) +
			      dusk_upcall_range_size(sizeof(entry->state), true) +
			      dusk_pkt_prefetch_size(&pf),
			      GFP_ATOMIC, hdr);
	if (!msg)
		return NULL;
	/* Order documented in docs/kmod.md: skb, state, packet data, owner. */
	if (dusk_upcall_put_range(msg, DUSK_A_LENT, args[1], sizeof(*skb), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_LENT, (uintptr_t)skb->head,
				  skb_end_offset(skb), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[1], sizeof(*skb), true) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[2], sizeof(entry->state), true) ||
	    dusk_pkt_prefetch_put(msg, &pf)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * dusk_upcall_nf_hook() - the body of every generated Netfilter hook proxy.
 * @proxy: index into dusk_gen.proxies of the calling proxy.
 * @priv, @skb, @state: the nf_hookfn arguments.
 *
 * Context: softirq or process context with BH disabled, under RCU (the
 * caller is nf_hook_slow()).  Never sleeps.
 * Return: NF_STOLEN when the packet went to the program, otherwise the
 * failure policy's verdict.
 */
unsigned int dusk_upcall_nf_hook(u32 proxy, void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nf_queue_entry *entry;
	struct dusk_pending *p;
	struct sk_buff *msg;
	void *hdr;

	if (!READ_ONCE(dusk_sess.alive) || proxy >= dusk_gen.nproxies ||
	    !dusk_pf_resumable(state->pf))
		return dusk_policy_verdict();
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		goto policy;
	entry = dusk_entry_new(skb, state);
	if (!entry)
		goto err_p;
	p->kind = DUSK_PENDING_NF;
	p->proxy = proxy;
	p->entry = entry;
	p->hookfn = (nf_hookfn *)dusk_gen.proxies[proxy].addr;
	p->priv = priv;
	p->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));

	/* Reserve a CTX, build the message, then publish the packet. */
	p->ctx = dusk_pending_ctx(1);
	msg = dusk_nf_msg(p, priv, &hdr);
	if (msg && dusk_pending_steal(p, msg, hdr))
		return NF_STOLEN;
	nf_queue_entry_free(entry);
err_p:
	kfree(p);
policy:
	return dusk_policy_verdict();
}

/* Does the waiting packet hold a reference on @dev? */
static bool dusk_entry_uses(const struct nf_queue_entry *entry, const struct net_device *dev)
{
	return entry->skb_dev == dev || entry->state.in == dev || entry->state.out == dev;
}

/*
 * A device going down: drop the packets waiting with a reference on it, as
 * NFQUEUE does (nfqnl_rcv_dev_event), so that its unregistration does not
 * wait for the program.  Process context, under RTNL.
 */
static int dusk_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct dusk_pending *p, *tmp;
	LIST_HEAD(list);

	if (event != NETDEV_DOWN)
		return NOTIFY_DONE;
	spin_lock_bh(&dusk_sess.qlock);
	list_for_each_entry_safe(p, tmp, &dusk_sess.pending, node) {
		if ((p->kind == DUSK_PENDING_NF || p->kind == DUSK_PENDING_XT_TARGET) &&
		    dusk_entry_uses(p->entry, dev)) {
			if (dusk_pending_take(p, 0, NF_DROP))
				list_add_tail(&p->node, &list);
		}
	}
	spin_unlock_bh(&dusk_sess.qlock);
	list_for_each_entry_safe(p, tmp, &list, node) {
		list_del(&p->node);
		dusk_count(DUSK_STAT_POLICY_DROP, 1);
		dusk_nf_finish(p, NF_DROP);
	}
	return NOTIFY_DONE;
}

/* Registered for the core's life (main.c). */
struct notifier_block dusk_nf_netdev_nb = {
	.notifier_call = dusk_netdev_event,
};

