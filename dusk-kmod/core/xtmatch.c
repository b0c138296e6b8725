// SPDX-License-Identifier: GPL-2.0
/*
 * xtables matches run by the program: asked ahead of the table.
 *
 * An xt_match's .match() runs inside ipt_do_table() (softirq, BH off) and
 * must return its bool at once; the packet cannot be stolen from inside a
 * table.  So the core asks *before* the table (docs/kapi.md, "Synchronous
 * callbacks"):
 *
 *  1. Registration.  xt_register_match[es]() of the program's xt_match
 *     mirror registers a copy the core owns instead (dusk_xtreg_before_call()
 *     swaps the argument; xt_unregister_match[es]() is swapped back to the
 *     same copy).  The copy's checkentry and destroy are the core's; they
 *     call the module's own (its blocking proxies) when it has them.  The
 *     copy outlives the program: rules that use it pin the kmod through
 *     .me = THIS_MODULE, never the program's mirror.
 *  2. Rule insertion (checkentry, process context): the rule's instance
 *     {net, family, hook mask, table, matchinfo} is recorded, and a
 *     Netfilter hook of the core (the pre-hook) is registered for each of
 *     its hooks at one below its table's priority (raw -300, mangle -150,
 *     nat -100/100, filter 0, security 50).  Rule deletion (destroy)
 *     forgets the instance.
 *  3. Every packet through a pre-hook with instances of its hook and table
 *     is stolen (as nfq.c steals for a module hook) and one ordered UPCALL
 *     per instance goes to the program: the module's match with {skb,
 *     &par}, par a struct xt_action_param the core fills as the table would
 *     (match, matchinfo, state, thoff, fragoff; hotdrop lent).  Each REPLY
 *     (or the failure policy, when one is late, refused or cannot be sent)
 *     fills the instance's answer slot.
 *  4. With every slot filled the packet is reinjected (ACCEPT: the next hook
 *     is the table) with the slots published in a per-CPU pointer, BH off;
 *     the match proxy (dusk_sync_xt_match()) returns the slot of (skb, its
 *     proxy, matchinfo), and sets par->hotdrop if the program did.  (nf_tables
 *     runs a copy of the rule's expressions, so there the slot is found by
 *     the matchinfo's bytes, snapshotted at the pre-hook.)
 *
 * A match call with no precomputed answer (no session, the queue full, a
 * table of another priority, an answer the program never gave) is decided
 * by the policy: no match (fail_closed: hotdrop, the packet is dropped),
 * counted in DUSK_STAT_SYNC_POLICY; answers from the program are counted in
 * DUSK_STAT_SYNC_ANSWERS.
 *
 * Differences from the kernel build, documented in docs/kapi.md: every
 * instance of the hook and table whose rule's own address, interface and
 * protocol test the packet passes (xtrule.c) is evaluated, also those of
 * rules an earlier verdict keeps the packet from (a match with side effects
 * -- limit, quota, statistic, recent -- sees more packets); IPv6 thoff/fragoff are
 * ipv6_find_hdr()'s (as for a rule with -p); only IPv4 and IPv6, only the
 * five standard table names.
 *
 * Locking: dusk_xt_lock (mutex) guards the registrations, the pre-hooks and
 * updates of the instance list, which packets read under RCU.  The answer
 * slots of a packet are written before its reinjection and read only by it.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_queue.h>
#include "dusk-core.h"
#include "xtreg.h"
#include "xtrule.h"

/* A rule's use of one of the module's matches. */
struct dusk_xt_inst {
	struct dusk_xtreg_inst base;	/* first: on dusk_xt_set.insts */
	u32 proxy;
	u32 hook_mask;
	u8 family;
	u8 table;			/* index in dusk_xt_tables */
	union dusk_xt_rule rule;	/* the rule's addresses, interfaces, protocol */
};
static_assert(offsetof(struct dusk_xt_inst, base) == 0);

/* A pre-hook: one (net, family, hook, priority). */
struct dusk_xt_hook {
	struct list_head node;		/* dusk_xt_hooks, under dusk_xt_lock */
	struct net *net;
	struct nf_hook_ops ops;		/* .priv = this */
};

/* One instance's question and answer for a packet. */
struct dusk_xt_slot {
	struct xt_action_param par;	/* what the program's match gets; lent */
	u32 proxy;
	u32 infosize;			/* matchinfo bytes to prefetch (0: none) */
	u32 snapsize;			/* bytes in snap (0: none taken) */
	const void *snap;		/* the matchinfo's bytes at the pre-hook */
	bool answer;
	bool hotdrop;
};

/* Largest matchinfo snapshot kept per slot (see dusk_sync_xt_match()). */
#define DUSK_XT_SNAP_MAX	4096

/* A packet stolen by a pre-hook until every slot is answered. */
struct dusk_xt_pkt {
	struct dusk_pending *resume;	/* kind NF, not listed: for dusk_nf_finish() */
	const struct sk_buff *skb;
	atomic_t left;			/* slots unanswered, +1 while the pre-hook runs */
	u32 n;
	struct dusk_xt_slot slot[];
};

/* The standard xtables tables and their hook priorities (same for IPv6). */
static const struct {
	const char *name;
	int prio[NF_INET_NUMHOOKS];	/* PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING */
} dusk_xt_tables[] = {
	{ "raw", { NF_IP_PRI_RAW, NF_IP_PRI_RAW, NF_IP_PRI_RAW, NF_IP_PRI_RAW, NF_IP_PRI_RAW } },
	{ "mangle", { NF_IP_PRI_MANGLE, NF_IP_PRI_MANGLE, NF_IP_PRI_MANGLE, NF_IP_PRI_MANGLE,
		      NF_IP_PRI_MANGLE } },
	{ "nat", { NF_IP_PRI_NAT_DST, NF_IP_PRI_NAT_SRC, NF_IP_PRI_FILTER, NF_IP_PRI_NAT_DST,
		   NF_IP_PRI_NAT_SRC } },
	{ "filter", { NF_IP_PRI_FILTER, NF_IP_PRI_FILTER, NF_IP_PRI_FILTER, NF_IP_PRI_FILTER,
		      NF_IP_PRI_FILTER } },
	{ "security", { NF_IP_PRI_SECURITY, NF_IP_PRI_SECURITY, NF_IP_PRI_SECURITY,
			NF_IP_PRI_SECURITY, NF_IP_PRI_SECURITY } },
};

static DEFINE_MUTEX(dusk_xt_lock);
static void dusk_xt_take_over(struct dusk_xtreg *r, u32 i);
static void dusk_xt_net_exit(struct net *net);
/* The module's xt_match arrays, as registered (xtreg.c). */
struct dusk_xtreg_set dusk_xt_set = {
	.reg1 = "xt_register_match", .regn = "xt_register_matches",
	.unreg1 = "xt_unregister_match", .unregn = "xt_unregister_matches",
	.size = sizeof(struct xt_match),
	.take_over = dusk_xt_take_over,
	.net_exit = dusk_xt_net_exit,
	.lock = &dusk_xt_lock,
	.regs = LIST_HEAD_INIT(dusk_xt_set.regs),
	.insts = LIST_HEAD_INIT(dusk_xt_set.insts),
};
static LIST_HEAD(dusk_xt_hooks);
static DEFINE_PER_CPU(struct dusk_xt_pkt *, dusk_xt_cur);

/* The index of the SYNC proxy at @fn, or -1. */
static int dusk_xt_proxy_of(const void *fn)
{
	u32 i;

	for (i = 0; i < dusk_gen.nproxies; i++)
		if (dusk_gen.proxies[i].addr == fn && dusk_gen.proxies[i].kind == DUSK_PROXY_SYNC)
			return i;
	return -1;
}

/* Does @in ask at pre-hook @h for @skb in @state (its rule's own test passed)? */
static bool dusk_xt_applies(const struct dusk_xt_inst *in, const struct dusk_xt_hook *h,
			    const struct sk_buff *skb, const struct nf_hook_state *state)
{
	return in->base.net == state->net && in->family == state->pf &&
	       (in->hook_mask & (1u << state->hook)) &&
	       dusk_xt_tables[in->table].prio[state->hook] - 1 == h->ops.priority &&
	       dusk_xt_rule_applies(&in->rule, in->family, skb, state);
}

/* thoff and fragoff as the table computes them (IPv6: as for a rule with -p). */
static void dusk_xt_offsets(const struct sk_buff *skb, u8 pf, unsigned int *thoff, u16 *fragoff)
{
	*thoff = 0;
	*fragoff = 0;
	if (pf == NFPROTO_IPV4) {
		*fragoff = ntohs(ip_hdr(skb)->frag_off) & IP_OFFSET;
		*thoff = ip_hdrlen(skb);
	} else {
		unsigned short fo = 0;

		if (ipv6_find_hdr(skb, thoff, -1, &fo, NULL) < 0)
			*thoff = 0;
		*fragoff = fo;
	}
}

/* The UPCALL for slot @s: args {skb, &par}, par lent, headers and owner prefetched. */
static struct sk_buff *dusk_xt_msg(u64 ctx, const struct dusk_xt_slot *s,
				   const struct sk_buff *skb, void **hdr)
{
	u64 args[2] = { (u64)(uintptr_t)skb, (u64)(uintptr_t)&s->par };
	struct dusk_pkt_prefetch pf;
	struct sk_buff *msg;

	dusk_pkt_prefetch(skb, &pf);
	msg = dusk_upcall_new(ctx, s->proxy, args, 2, 0,
			      dusk_upcall_range_size(0, false) +
			      dusk_upcall_range_size(sizeof(*skb), true) +
			      dusk_upcall_range_size(sizeof(s->par), true) +
			      dusk_upcall_range_size(sizeof(*s->par.state), true) +
			      (s->infosize ? dusk_upcall_range_size(s->infosize, true) : 0) +
			      dusk_pkt_prefetch_size(&pf),
			      GFP_ATOMIC, hdr);
	if (!msg)
		return NULL;
	if (dusk_upcall_put_range(msg, DUSK_A_LENT, args[1], sizeof(s->par), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[0], sizeof(*skb), true) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[1], sizeof(s->par), true) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, (uintptr_t)s->par.state,
				  sizeof(*s->par.state), true) ||
	    (s->infosize && dusk_upcall_put_range(msg, DUSK_A_CHUNK,
						  (uintptr_t)s->par.matchinfo, s->infosize, true)) ||
	    dusk_pkt_prefetch_put(msg, &pf)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Every slot answered: reinject the packet into the table with the answers
 * published for this CPU.  Context: any; the packet is off every list.
 */
static void dusk_xt_finish(struct dusk_xt_pkt *g)
{
	struct dusk_xt_pkt *prev;

	local_bh_disable();
	prev = __this_cpu_read(dusk_xt_cur);
	__this_cpu_write(dusk_xt_cur, g);
	dusk_nf_finish(g->resume, NF_ACCEPT);
	__this_cpu_write(dusk_xt_cur, prev);
	local_bh_enable();
	kfree(g);
}

/**
 * dusk_xt_resolve() - the answer for one instance of a stolen packet.
 * @p: its pending upcall, off the list; freed here.
 * @err: nonzero when the policy decides (timeout, refused REPLY, teardown).
 * @ret: the program's result (a bool).
 */
void dusk_xt_resolve(struct dusk_pending *p, int err, u64 ret)
{
	struct dusk_xt_pkt *g = p->sync;
	struct dusk_xt_slot *s = &g->slot[p->slot];

	if (err) {
		dusk_count(DUSK_STAT_SYNC_POLICY, 1);
		s->answer = false;
		s->hotdrop = READ_ONCE(dusk_fail_closed);
	} else {
		dusk_count(DUSK_STAT_SYNC_ANSWERS, 1);
		s->answer = (u8)ret != 0;
		s->hotdrop = READ_ONCE(s->par.hotdrop);
	}
	kfree(p);
	if (atomic_dec_and_test(&g->left))
		dusk_xt_finish(g);
}

/**
 * dusk_xt_lent() - is [addr, addr+len) the xt_action_param of upcall @p
 * (the match may set hotdrop)?  Context: caller holds qlock.
 */
bool dusk_xt_lent(const struct dusk_pending *p, u64 addr, u64 len)
{
	const struct dusk_xt_pkt *g;
	u64 base;

	if (p->kind != DUSK_PENDING_XT)
		return false;
	g = p->sync;
	base = (u64)(uintptr_t)&g->slot[p->slot].par;
	return addr >= base && len <= sizeof(struct xt_action_param) &&
	       addr - base <= sizeof(struct xt_action_param) - len;
}

/*
 * The pre-hook: steal the packet and ask the program about every instance
 * of this hook and table.  Context: softirq or BH off, under RCU.  Returns
 * NF_ACCEPT (nothing to ask, or it could not ask: the match calls then get
 * the policy) or NF_STOLEN.
 */
static unsigned int dusk_xt_prehook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct dusk_xt_hook *h = priv;
	struct dusk_pending **ps = NULL;
	struct sk_buff **msgs = NULL;
	struct nf_queue_entry *entry;
	struct dusk_xt_inst *in;
	struct dusk_xt_pkt *g;
	unsigned int thoff;
	void **hdrs = NULL;
	size_t snaps;
	u8 *snap;
	u32 n = 0, i;
	u16 fragoff;
	u64 ctx0;

	if (!READ_ONCE(dusk_sess.alive))
		return NF_ACCEPT;
	list_for_each_entry_rcu(in, &dusk_xt_set.insts, base.node)
		if (dusk_xt_applies(in, h, skb, state))
			n++;
	if (!n)
		return NF_ACCEPT;

	snaps = 0;
	list_for_each_entry_rcu(in, &dusk_xt_set.insts, base.node)
		if (dusk_xt_applies(in, h, skb, state) &&
		    in->base.match->matchsize <= DUSK_XT_SNAP_MAX)
			snaps += ALIGN(in->base.match->matchsize, 8);
	g = kzalloc(struct_size(g, slot, n) + snaps, GFP_ATOMIC);
	ps = kcalloc(n, sizeof(*ps), GFP_ATOMIC);
	msgs = kcalloc(n, sizeof(*msgs), GFP_ATOMIC);
	hdrs = kcalloc(n, sizeof(*hdrs), GFP_ATOMIC);
	if (!g || !ps || !msgs || !hdrs)
		goto err_free;
	g->resume = kzalloc(sizeof(*g->resume), GFP_ATOMIC);
	if (!g->resume)
		goto err_free;
	for (i = 0; i < n; i++) {
		ps[i] = kzalloc(sizeof(*ps[i]), GFP_ATOMIC);
		if (!ps[i])
			goto err_free;
	}
	entry = dusk_entry_new(skb, state);
	if (!entry)
		goto err_free;
	g->resume->kind = DUSK_PENDING_NF;
	g->resume->entry = entry;
	g->resume->hookfn = dusk_xt_prehook;
	g->resume->priv = h;
	g->skb = skb;
	dusk_xt_offsets(skb, state->pf, &thoff, &fragoff);
	snap = (u8 *)&g->slot[n];
	i = 0;
	list_for_each_entry_rcu(in, &dusk_xt_set.insts, base.node) {
		unsigned int size = in->base.match->matchsize;
		struct dusk_xt_slot *s;

		if (!dusk_xt_applies(in, h, skb, state) || i == n)
			continue;
		s = &g->slot[i++];
		s->par.match = in->base.match;
		s->par.matchinfo = in->base.info;
		s->par.state = &entry->state;
		s->par.thoff = thoff;
		s->par.fragoff = fragoff;
		s->proxy = in->proxy;
		s->infosize = size <= DUSK_PREFETCH_LENT ? size : 0;
		if (size <= DUSK_XT_SNAP_MAX && snaps >= size &&
		    !copy_from_kernel_nofault(snap, in->base.info, size)) {
			s->snap = snap;
			s->snapsize = size;
			snap += ALIGN(size, 8);
			snaps -= min_t(size_t, snaps, ALIGN(size, 8));
		}
	}
	while (n > i)	/* the list may have shrunk meanwhile */
		kfree(ps[--n]);
	g->n = n;
	atomic_set(&g->left, n + 1);

	ctx0 = dusk_pending_ctx(n);
	for (i = 0; i < n; i++) {
		msgs[i] = dusk_xt_msg(ctx0 + i, &g->slot[i], skb, &hdrs[i]);
		if (!msgs[i])
			goto err_entry;
		ps[i]->kind = DUSK_PENDING_XT;
		ps[i]->ctx = ctx0 + i;
		ps[i]->proxy = g->slot[i].proxy;
		ps[i]->sync = g;
		ps[i]->slot = i;
		ps[i]->deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));
	}

	if (dusk_pending_add(ps, n, NULL))
		goto err_entry;

	for (i = 0; i < n; i++) {
		if (!dusk_upcall_send(msgs[i], hdrs[i]))
			continue;
		/* The program's socket is full: the policy answers this one. */
		if (dusk_pending_unlink(ps[i], -EAGAIN, 0)) {
			dusk_count(DUSK_STAT_QUEUE_FULL, 1);
			dusk_xt_resolve(ps[i], -EAGAIN, 0);
		}
	}
	kfree(ps);
	kfree(msgs);
	kfree(hdrs);
	if (atomic_dec_and_test(&g->left))
		dusk_xt_finish(g);
	return NF_STOLEN;

err_entry:
	nf_queue_entry_free(entry);
err_free:
	for (i = 0; msgs && i < n; i++)
		if (msgs[i])
			nlmsg_free(msgs[i]);
	for (i = 0; ps && i < n; i++)
		kfree(ps[i]);
	if (g)
		kfree(g->resume);
	kfree(g);
	kfree(ps);
	kfree(msgs);
	kfree(hdrs);
	return NF_ACCEPT;
}

/**
 * dusk_sync_xt_match() - the body of every generated xt_match .match proxy.
 * @proxy: index into dusk_gen.proxies.
 * @skb, @vpar: the match's arguments (@vpar: struct xt_action_param *).
 *
 * Context: the table's (softirq or BH off).  Never sleeps, never waits.
 * Return: the program's answer computed at the pre-hook, or the policy's.
 */
bool dusk_sync_xt_match(u32 proxy, const struct sk_buff *skb, void *vpar)
{
	struct xt_action_param *par = vpar;
	struct dusk_xt_pkt *g = this_cpu_read(dusk_xt_cur);
	const struct dusk_xt_slot *s, *found = NULL;
	u32 i;

	if (!g || g->skb != skb)
		goto policy;
	/* The instance checkentry saw: ip_tables evaluates that matchinfo. */
	for (i = 0; !found && i < g->n; i++) {
		s = &g->slot[i];
		if (s->proxy == proxy && s->par.matchinfo == par->matchinfo)
			found = s;
	}
	/* nf_tables evaluates a copy of the rule's expressions (the chain's
	 * datapath blob): the instance with the same bytes. */
	for (i = 0; !found && i < g->n; i++) {
		s = &g->slot[i];
		if (s->proxy == proxy && s->snapsize &&
		    !memcmp(s->snap, par->matchinfo, s->snapsize))
			found = s;
	}
	if (found) {
		if (found->hotdrop)
			par->hotdrop = true;
		return found->answer;
	}
policy:
	dusk_count(DUSK_STAT_SYNC_POLICY, 1);
	if (READ_ONCE(dusk_fail_closed))
		par->hotdrop = true;
	return false;
}

/* The module's own checkentry of copy @idx of @r, the matchinfo lent. */
static int dusk_xt_call_check(struct dusk_xtreg *r, u32 idx, const struct xt_mtchk_param *par)
{
	struct dusk_xtreg_loan l;
	int err;

	dusk_xtreg_lend(&l, par->matchinfo, par->match->matchsize);
	err = r->own[idx].check.mt(par);
	dusk_xtreg_unlend(&l);
	return err;
}

/* The module's own destroy of copy @idx of @r, the matchinfo lent. */
static void dusk_xt_call_destroy(struct dusk_xtreg *r, u32 idx, const struct xt_mtdtor_param *par)
{
	struct dusk_xtreg_loan l;

	dusk_xtreg_lend(&l, par->matchinfo, par->match->matchsize);
	r->own[idx].destroy.mt(par);
	dusk_xtreg_unlend(&l);
}

/* The pre-hook for (net, pf, hook, prio), registered if new.  Under dusk_xt_lock. */
static int dusk_xt_hook_get(struct net *net, u8 pf, unsigned int hook, int prio)
{
	struct dusk_xt_hook *h;
	int err;

	list_for_each_entry(h, &dusk_xt_hooks, node)
		if (h->net == net && h->ops.pf == pf && h->ops.hooknum == hook &&
		    h->ops.priority == prio)
			return 0;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->net = net;
	h->ops.hook = dusk_xt_prehook;
	h->ops.priv = h;
	h->ops.pf = pf;
	h->ops.hooknum = hook;
	h->ops.priority = prio;
	err = nf_register_net_hook(net, &h->ops);
	if (err) {
		kfree(h);
		return err;
	}
	list_add_tail(&h->node, &dusk_xt_hooks);
	return 0;
}

/**
 * dusk_xt_table_of() - the standard table of @name, or -1.  Also for
 * targets (xttarget.c).
 */
int dusk_xt_table_of(const char *name)
{
	u32 i;

	for (i = 0; name && i < ARRAY_SIZE(dusk_xt_tables); i++)
		if (!strcmp(name, dusk_xt_tables[i].name))
			return i;
	return -1;
}

/**
 * dusk_xt_table_prio() - the hook priority of standard table @table (from
 * dusk_xt_table_of()) at hook @hook (< NF_INET_NUMHOOKS).
 */
int dusk_xt_table_prio(int table, unsigned int hook)
{
	return dusk_xt_tables[table].prio[hook];
}

/* checkentry of every copy: the module's own, then the instance is recorded. */
static int dusk_xt_checkentry(const struct xt_mtchk_param *par)
{
	struct dusk_xt_inst *in;
	struct dusk_xtreg *r;
	unsigned int hook;
	int err = 0, table, proxy;
	u32 idx;

	mutex_lock(&dusk_xt_lock);
	r = dusk_xtreg_of(&dusk_xt_set, par->match, &idx);
	mutex_unlock(&dusk_xt_lock);
	if (!r)
		return -EINVAL;
	proxy = dusk_xt_proxy_of(par->match->match);
	table = dusk_xt_table_of(par->table);
	if (proxy >= 0 && (table < 0 || (par->family != NFPROTO_IPV4 &&
					 par->family != NFPROTO_IPV6))) {
		pr_warn_ratelimited("dusk_%s: match %s in table %s, family %u: only IPv4 and IPv6 "
				    "in raw, mangle, nat, filter, security can be asked ahead\n",
				    dusk_gen.modname, par->match->name, par->table, par->family);
		return -EOPNOTSUPP;
	}
	if (r->own[idx].check.mt) {
		err = dusk_xt_call_check(r, idx, par);
		if (err)
			return err;
	}
	if (proxy < 0)
		return 0;
	in = kzalloc(sizeof(*in), GFP_KERNEL);
	if (!in) {
		err = -ENOMEM;
		goto err_destroy;
	}
	in->base.net = par->net;
	in->base.match = par->match;
	in->base.info = par->matchinfo;
	in->proxy = proxy;
	in->hook_mask = par->hook_mask;
	in->family = par->family;
	in->table = table;
	dusk_xt_rule_save(&in->rule, par);
	mutex_lock(&dusk_xt_lock);
	for (hook = 0; hook < NF_INET_NUMHOOKS && !err; hook++)
		if (par->hook_mask & (1u << hook))
			err = dusk_xt_hook_get(par->net, par->family, hook,
					       dusk_xt_tables[table].prio[hook] - 1);
	if (!err)
		list_add_tail_rcu(&in->base.node, &dusk_xt_set.insts);
	mutex_unlock(&dusk_xt_lock);
	if (!err)
		return 0;
	kfree(in);
err_destroy:
	if (r->own[idx].destroy.mt) {
		struct xt_mtdtor_param d = {
			.net = par->net, .match = par->match,
			.matchinfo = par->matchinfo, .family = par->family,
		};

		dusk_xt_call_destroy(r, idx, &d);
	}
	return err;
}

/* destroy of every copy: the instance is forgotten, then the module's own. */
static void dusk_xt_destroy(const struct xt_mtdtor_param *par)
{
	struct dusk_xtreg *r;
	u32 idx;

	r = dusk_xtreg_destroyed(&dusk_xt_set, par->net, par->match, par->matchinfo, &idx);
	if (r && r->own[idx].destroy.mt)
		dusk_xt_call_destroy(r, idx, par);
}

/* Copy @i of registration @r: the core's checkentry and destroy in place
 * of the module's own (xtreg.c). */
static void dusk_xt_take_over(struct dusk_xtreg *r, u32 i)
{
	struct xt_match *m = (struct xt_match *)r->copy + i;

	INIT_LIST_HEAD(&m->list);
	r->own[i].check.mt = m->checkentry;
	r->own[i].destroy.mt = m->destroy;
	m->checkentry = dusk_xt_checkentry;
	m->destroy = dusk_xt_destroy;
}

/* A namespace goes away, its instances went: its pre-hooks go too.
 * xtreg.c's pernet exit, under dusk_xt_lock. */
static void dusk_xt_net_exit(struct net *net)
{
	struct dusk_xt_hook *h, *th;

	list_for_each_entry_safe(h, th, &dusk_xt_hooks, node) {
		if (h->net == net) {
			nf_unregister_net_hook(net, &h->ops);
			list_del(&h->node);
			kfree(h);
		}
	}
}
