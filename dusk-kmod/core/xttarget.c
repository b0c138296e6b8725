// SPDX-License-Identifier: GPL-2.0
/*
 * xtables targets run by the program: the table's packet is stolen from
 * inside the table and the traversal resumes with the program's verdict.
 *
 * An xt_target's .target() runs inside the table (ipt_do_table(),
 * ip6t_do_table(), nft_compat's eval: softirq or BH off) and returns a
 * verdict at once.  The table returns any verdict but XT_CONTINUE as its
 * hook's, and nf_hook_slow() treats one it does not know (a blocking
 * proxy's -EWOULDBLOCK: 0xfffffff5) as stolen after a WARN: the packet
 * leaks.  NF_STOLEN itself is a verdict a target may give (the packet is
 * then the target's), so the proxy steals (docs/kapi.md, "Synchronous
 * callbacks"):
 *
 *  1. Registration.  xt_register_target[s]() of the program's xt_target
 *     mirror registers a copy the core owns (as xtmatch.c does for
 *     matches).  The copy's checkentry and destroy are the core's: they
 *     call the module's own with the rule's targinfo lent, and record or
 *     forget the rule's instance {net, family, table, hook mask, targinfo}.
 *  2. The target proxy, called by the table: the hook entry the table runs
 *     as is the one of its table's priority at this hook (the instance
 *     says which table; there must be exactly one entry at that priority,
 *     else the policy answers).  The packet is stolen as nfq.c steals for a
 *     module hook, with that entry as its resume point, and one UPCALL runs
 *     the module's target in the program with {skb, &par}: the packet lent
 *     as to a hook, par a copy of the table's (target, a copy of targinfo,
 *     state, thoff, fragoff; hotdrop lent).  The proxy returns NF_STOLEN.
 *  3. The REPLY: a verdict (NF_ACCEPT, NF_DROP, NF_QUEUE, NF_STOLEN) is the
 *     table's: the traversal resumes after the table (nf_reinject()).
 *     XT_CONTINUE runs the table again on the packet (as nf_reinject() runs
 *     a hook for NF_REPEAT) with the rules the program answered for it
 *     published in a per-CPU pointer while it runs: their proxies return
 *     XT_CONTINUE at once, so the table goes on after them, and its verdict
 *     resumes the traversal.  Earlier rules of the table see the packet
 *     again; for ip_tables and ip6_tables this CPU's counters of the base
 *     chain's rules up to the one that continued are taken before and
 *     written back after, so they count it once.  hotdrop drops.
 *
 * A target call that cannot steal (no session, no instance, an ambiguous
 * or unknown hook entry, another family, no memory, the queue full) or
 * whose answer never comes (late, refused, teardown) gets the failure
 * policy's verdict: NF_DROP with fail_closed, XT_CONTINUE otherwise,
 * counted in DUSK_STAT_SYNC_POLICY; the program's answers are counted in
 * DUSK_STAT_SYNC_ANSWERS.
 *
 * Locking: dusk_xt_tg_lock (mutex) guards the registrations and updates of
 * the instance list, which packets read under RCU.  The per-CPU answered
 * set is written and read with BH off on one CPU.
 */
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netfilter/nf_queue.h>
#include "dusk-core.h"
#include "xtreg.h"

/* A rule's use of one of the module's targets. */
struct dusk_xt_tg_inst {
	struct dusk_xtreg_inst base;	/* first: on dusk_xt_tg_set.insts */
	u32 hook_mask;
	u8 family;
	u8 table;			/* dusk_xt_table_of() */
	bool counted;			/* ip_tables/ip6_tables: the hook's priv is the table */
	u32 snapsize;			/* targetsize, or 0 when larger than snap may be */
	u8 snap[] __aligned(8);		/* targinfo after checkentry (see dusk_xt_tg_inst_of()) */
};
static_assert(offsetof(struct dusk_xt_tg_inst, base) == 0);

/* Most of the module's target rules one packet goes through in one table. */
#define DUSK_XT_TG_DONE_MAX	16

/*
 * This CPU's counters of the rules of an ip_tables or ip6_tables base chain
 * up to the rule that continued, taken before the table runs again for
 * XT_CONTINUE and written back after: those rules then count the packet
 * once, as in the kernel build.
 */
struct dusk_xt_tg_counts {
	const struct xt_table *table;	/* the hook's priv */
	const struct xt_table_info *info;	/* its rules when taken */
	u8 pf;
	u32 first;			/* offset of the chain's first rule */
	u32 n;				/* rules from there */
	struct xt_counters c[];
};

/* The rules the program answered XT_CONTINUE for, for one packet. */
struct dusk_xt_tg_done {
	const struct sk_buff *skb;
	u32 n;
	const void *targinfo[DUSK_XT_TG_DONE_MAX];
};

/* Largest targinfo copied for the program (larger: the policy answers). */
#define DUSK_XT_TG_INFO_MAX	4096

/* A packet stolen by a target proxy. */
struct dusk_xt_tg_pkt {
	struct dusk_pending p;		/* first: dusk_nf_finish() frees it */
	struct xt_action_param par;	/* what the program's target gets; lent */
	struct dusk_xt_tg_done done;	/* with this rule once it continues */
	const void *targinfo;		/* the table's, this rule's */
	bool counted;			/* dusk_xt_tg_inst.counted */
	u32 infosize;
	u8 info[] __aligned(8);		/* par.targinfo: a copy */
};

static DEFINE_MUTEX(dusk_xt_tg_lock);
static void dusk_xt_tg_take_over(struct dusk_xtreg *r, u32 i);
/* The module's xt_target arrays, as registered (xtreg.c). */
struct dusk_xtreg_set dusk_xt_tg_set = {
	.reg1 = "xt_register_target", .regn = "xt_register_targets",
	.unreg1 = "xt_unregister_target", .unregn = "xt_unregister_targets",
	.size = sizeof(struct xt_target),
	.take_over = dusk_xt_tg_take_over,
	.lock = &dusk_xt_tg_lock,
	.regs = LIST_HEAD_INIT(dusk_xt_tg_set.regs),
	.insts = LIST_HEAD_INIT(dusk_xt_tg_set.insts),
};
static DEFINE_PER_CPU(const struct dusk_xt_tg_done *, dusk_xt_tg_cur);
/* Counter windows open (dusk_xt_tg_continue()) */
static atomic_t dusk_xt_tg_windows = ATOMIC_INIT(0);

/* The failure policy's verdict for a target call, counted. */
static unsigned int dusk_xt_tg_policy(void)
{
	dusk_count(DUSK_STAT_SYNC_POLICY, 1);
	return READ_ONCE(dusk_fail_closed) ? NF_DROP : XT_CONTINUE;
}

/* Is @p's targinfo one the program answered XT_CONTINUE for? */
static bool dusk_xt_tg_answered(const struct dusk_xt_tg_done *d, const void *targinfo)
{
	u32 i;

	for (i = 0; i < d->n; i++)
		if (d->targinfo[i] == targinfo)
			return true;
	return false;
}

/*
 * The instance of the rule the table runs: by targinfo (ip_tables), else
 * by its bytes (nf_tables runs a copy of the rule's data), compared with
 * the instance's snapshot: the rule's own targinfo may be freed while this
 * reads it (a table replaced frees its old rules without a grace period).
 * Under RCU.
 */
static const struct dusk_xt_tg_inst *dusk_xt_tg_inst_of(const struct xt_action_param *par)
{
	const struct nf_hook_state *state = par->state;
	const struct dusk_xt_tg_inst *in;

	list_for_each_entry_rcu(in, &dusk_xt_tg_set.insts, base.node)
		if (in->base.info == par->targinfo && in->base.net == state->net)
			return in;
	list_for_each_entry_rcu(in, &dusk_xt_tg_set.insts, base.node)
		if (in->base.target == par->target && in->base.net == state->net &&
		    in->family == state->pf && (in->hook_mask & (1u << state->hook)) &&
		    in->snapsize == par->target->targetsize &&
		    !memcmp(in->snap, par->targinfo, in->snapsize))
			return in;
	return NULL;
}

/* The hook array of @state (IPv4, IPv6).  Under RCU. */
static const struct nf_hook_entries *dusk_xt_tg_hooks(const struct nf_hook_state *state)
{
	if (state->pf == NFPROTO_IPV4)
		return rcu_dereference(state->net->nf.hooks_ipv4[state->hook]);
	if (state->pf == NFPROTO_IPV6)
		return rcu_dereference(state->net->nf.hooks_ipv6[state->hook]);
	return NULL;
}

/*
 * The hook entry running the table at priority @prio: the only one there,
 * or -1 (none, or several: which one runs cannot be told).  Under RCU.
 */
static int dusk_xt_tg_entry(const struct nf_hook_entries *e, int prio)
{
	struct nf_hook_ops **ops;
	int i, found = -1;

	if (!e)
		return -1;
	ops = nf_hook_entries_get_hook_ops(e);
	for (i = 0; i < e->num_hook_entries; i++) {
		if (ops[i]->priority != prio)
			continue;
		if (found >= 0)
			return -1;
		found = i;
	}
	return found;
}

/* The counters field and size of the ip_tables/ip6_tables entry at @e. */
static struct xt_counters *dusk_xt_tg_entry_counters(u8 pf, void *e, u16 *next)
{
	if (pf == NFPROTO_IPV4) {
		*next = ((struct ipt_entry *)e)->next_offset;
		return &((struct ipt_entry *)e)->counters;
	}
	*next = ((struct ip6t_entry *)e)->next_offset;
	return &((struct ip6t_entry *)e)->counters;
}

/* This CPU's counter of @cnt, an entry's counters read at @cnt_at. */
static struct xt_counters *dusk_xt_tg_cpu_counter(struct xt_counters *cnt_at, u64 pcnt)
{
	if (nr_cpu_ids > 1)
		return this_cpu_ptr((void __percpu *)(unsigned long)pcnt);
	return cnt_at;
}

/*
 * The prefix of the base chain of @hook up to and including the rule whose
 * targinfo is @targinfo: this CPU's counters of its rules, taken before
 * the table runs again.  NULL when the rule is not in the base chain (it
 * is reached through a jump) or when they cannot be read.  Everything is
 * read with copy_from_kernel_nofault(): the hook's priv and its rules are
 * only known to be live while the hook is (dusk_nf_rerun() looks).
 * Context: BH off, inside a window (dusk_xt_tg_windows).
 */
static struct dusk_xt_tg_counts *dusk_xt_tg_counts_take(void *table, u8 pf, unsigned int hook,
							const void *targinfo)
{
	const size_t esize = pf == NFPROTO_IPV4 ? sizeof(struct ipt_entry) :
						  sizeof(struct ip6t_entry);
	union {
		struct ipt_entry v4;
		struct ip6t_entry v6;
	} ebuf;
	struct xt_table_info *info, hdr;
	struct dusk_xt_tg_counts *k;
	u32 off, i;
	u16 next;

	if (copy_from_kernel_nofault(&info, &((struct xt_table *)table)->private,
				     sizeof(info)) ||
	    copy_from_kernel_nofault(&hdr, info, sizeof(hdr)) ||
	    !hdr.number || hdr.number > 65536 || hook >= NF_INET_NUMHOOKS ||
	    hdr.hook_entry[hook] > hdr.underflow[hook] || hdr.underflow[hook] >= hdr.size)
		return NULL;
	k = kmalloc(struct_size(k, c, hdr.number), GFP_ATOMIC);
	if (!k)
		return NULL;
	k->table = table;
	k->info = info;
	k->pf = pf;
	k->first = hdr.hook_entry[hook];
	off = k->first;
	for (i = 0; i < hdr.number && off <= hdr.underflow[hook]; i++) {
		void *e = info->entries + off;
		struct xt_counters *cnt;

		if (off + esize > hdr.size || copy_from_kernel_nofault(&ebuf, e, esize))
			break;
		cnt = dusk_xt_tg_entry_counters(pf, &ebuf, &next);
		cnt = dusk_xt_tg_cpu_counter(e + ((u8 *)cnt - (u8 *)&ebuf), cnt->pcnt);
		if (!next || copy_from_kernel_nofault(&k->c[i], cnt, sizeof(k->c[i])))
			break;
		if ((const u8 *)targinfo >= (u8 *)e && (const u8 *)targinfo < (u8 *)e + next) {
			k->n = i + 1;
			return k;
		}
		off += next;
	}
	kfree(k);
	return NULL;
}

/*
 * Write @k back after the table ran again: the rules up to the one that
 * continued count the packet as the first run did, the rules after it
 * count the second run.  Only into the rules @k was taken from.
 * Context: BH off, inside the same window as dusk_xt_tg_counts_take().
 */
static void dusk_xt_tg_counts_put(const struct dusk_xt_tg_counts *k)
{
	struct xt_table_info *info;
	u32 off = k->first, i;
	u16 next;

	if (copy_from_kernel_nofault(&info, &((struct xt_table *)k->table)->private,
				     sizeof(info)) || info != k->info)
		return;
	for (i = 0; i < k->n; i++) {
		void *e = info->entries + off;
		struct xt_counters *cnt = dusk_xt_tg_entry_counters(k->pf, e, &next);

		*dusk_xt_tg_cpu_counter(cnt, cnt->pcnt) = k->c[i];
		off += next;
	}
}

/* The UPCALL for @t: args {skb, &par}, the packet and par lent. */
static struct sk_buff *dusk_xt_tg_msg(const struct dusk_xt_tg_pkt *t, void **hdr)
{
	const struct sk_buff *skb = t->p.entry->skb;
	u64 args[2] = { (u64)(uintptr_t)skb, (u64)(uintptr_t)&t->par };
	u32 info = t->infosize <= DUSK_PREFETCH_LENT ? t->infosize : 0;
	struct dusk_pkt_prefetch pf;
	struct sk_buff *msg;

	dusk_pkt_prefetch(skb, &pf);
	msg = dusk_upcall_new(t->p.ctx, t->p.proxy, args, 2, 0,
			      3 * dusk_upcall_range_size(0, false) +
			      dusk_upcall_range_size(sizeof(*skb), true) +
			      dusk_upcall_range_size(sizeof(t->par), true) +
			      dusk_upcall_range_size(sizeof(*t->par.state), true) +
			      (info ? dusk_upcall_range_size(info, true) : 0) +
			      dusk_pkt_prefetch_size(&pf),
			      GFP_ATOMIC, hdr);
	if (!msg)
		return NULL;
	if (dusk_upcall_put_range(msg, DUSK_A_LENT, args[0], sizeof(*skb), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_LENT, (uintptr_t)skb->head,
				  skb_end_offset(skb), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_LENT, args[1], sizeof(t->par), false) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[0], sizeof(*skb), true) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, args[1], sizeof(t->par), true) ||
	    dusk_upcall_put_range(msg, DUSK_A_CHUNK, (uintptr_t)t->par.state,
				  sizeof(*t->par.state), true) ||
	    (info && dusk_upcall_put_range(msg, DUSK_A_CHUNK, (uintptr_t)t->info, info, true)) ||
	    dusk_pkt_prefetch_put(msg, &pf)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Steal @skb for the program's target @proxy.  Returns NF_STOLEN, or the
 * policy's verdict when it cannot.  Context: the table's, under RCU.
 */
static unsigned int dusk_xt_tg_steal(u32 proxy, struct sk_buff *skb,
				     const struct xt_action_param *par,
				     const struct dusk_xt_tg_done *done)
{
	const struct nf_hook_state *state = par->state;
	const struct dusk_xt_tg_inst *in;
	const struct nf_hook_entries *e;
	u32 size = par->target->targetsize;
	struct nf_queue_entry *entry;
	struct dusk_xt_tg_pkt *t;
	struct sk_buff *msg;
	void *hdr;
	int idx;

	if (!READ_ONCE(dusk_sess.alive) || state->hook >= NF_INET_NUMHOOKS ||
	    size > DUSK_XT_TG_INFO_MAX || (done && done->n == DUSK_XT_TG_DONE_MAX))
		return dusk_xt_tg_policy();
	in = dusk_xt_tg_inst_of(par);
	e = dusk_xt_tg_hooks(state);
	idx = in ? dusk_xt_tg_entry(e, dusk_xt_table_prio(in->table, state->hook)) : -1;
	if (idx < 0) {
		pr_warn_ratelimited("dusk_%s: target %s: the table's hook cannot be told "
				    "(no rule, or several hooks at its priority): policy\n",
				    dusk_gen.modname, par->target->name);
		return dusk_xt_tg_policy();
	}
	t = kzalloc(struct_size(t, info, size), GFP_ATOMIC);
	if (!t)
		return dusk_xt_tg_policy();
	entry = dusk_entry_new(skb, state);
	if (!entry)
		goto err_free;
	t->p.kind = DUSK_PENDING_XT_TARGET;
	t->p.proxy = proxy;
	t->p.entry = entry;
	t->p.hookfn = e->hooks[idx].hook;
	t->p.priv = e->hooks[idx].priv;
	t->p.deadline = jiffies + msecs_to_jiffies(READ_ONCE(dusk_nf_timeout_ms));
	memcpy(t->info, par->targinfo, size);
	t->infosize = size;
	t->targinfo = par->targinfo;
	t->par.target = par->target;
	t->par.targinfo = t->info;
	t->par.state = &entry->state;
	t->par.thoff = par->thoff;
	t->par.fragoff = par->fragoff;
	t->counted = in->counted;
	if (done)
		t->done = *done;
	t->done.skb = skb;

	t->p.ctx = dusk_pending_ctx(1);
	msg = dusk_xt_tg_msg(t, &hdr);
	if (msg && dusk_pending_steal(&t->p, msg, hdr))
		return NF_STOLEN;
	nf_queue_entry_free(entry);
err_free:
	kfree(t);
	return dusk_xt_tg_policy();
}

/**
 * dusk_sync_xt_target() - the body of every generated xt_target .target proxy.
 * @proxy: index into dusk_gen.proxies.
 * @skb, @vpar: the target's arguments (@vpar: const struct xt_action_param *).
 *
 * Context: the table's (softirq or BH off, under RCU).  Never sleeps.
 * Return: NF_STOLEN (the program decides), XT_CONTINUE for a rule the
 * program already answered so for this packet, or the policy's verdict.
 */
unsigned int dusk_sync_xt_target(u32 proxy, struct sk_buff *skb, const void *vpar)
{
	const struct dusk_xt_tg_done *done = this_cpu_read(dusk_xt_tg_cur);
	const struct xt_action_param *par = vpar;

	if (done && done->skb != skb)
		done = NULL;
	if (done && dusk_xt_tg_answered(done, par->targinfo))
		return XT_CONTINUE;
	if (proxy >= dusk_gen.nproxies || !par->state ||
	    (par->state->pf != NFPROTO_IPV4 && par->state->pf != NFPROTO_IPV6))
		return dusk_xt_tg_policy();
	return dusk_xt_tg_steal(proxy, skb, par, done);
}

/* A verdict a target may give the table (nf_hook_slow() knows it). */
static bool dusk_xt_tg_verdict_valid(unsigned int verdict)
{
	switch (verdict & NF_VERDICT_MASK) {
	case NF_DROP:
		return verdict == NF_DROP;
	case NF_ACCEPT:
		return verdict == NF_ACCEPT;
	case NF_STOLEN:
		return verdict == NF_STOLEN;
	case NF_QUEUE:
		return true;
	default:
		return false;
	}
}

/*
 * XT_CONTINUE: the table again, the answered rules published for this CPU
 * while it runs; its verdict resumes the traversal.  The rule counters of
 * ip_tables/ip6_tables are taken and put back around it, in a window that
 * a rule's destroy waits for: the table's old rules are freed right after
 * their destroys when it is replaced (no grace period).
 */
static void dusk_xt_tg_continue(struct dusk_xt_tg_pkt *t)
{
	const struct dusk_xt_tg_done *prev;
	struct dusk_xt_tg_done done = t->done;
	struct dusk_xt_tg_counts *counts = NULL;
	unsigned int verdict;

	done.targinfo[done.n++] = t->targinfo;
	local_bh_disable();
	atomic_inc(&dusk_xt_tg_windows);
	smp_mb__after_atomic();	/* the window is seen before the table is read */
	if (t->counted)
		counts = dusk_xt_tg_counts_take(t->p.priv, t->p.entry->state.pf,
						t->p.entry->state.hook, t->targinfo);
	prev = __this_cpu_read(dusk_xt_tg_cur);
	__this_cpu_write(dusk_xt_tg_cur, &done);
	verdict = dusk_nf_rerun(&t->p);
	__this_cpu_write(dusk_xt_tg_cur, prev);
	if (counts)
		dusk_xt_tg_counts_put(counts);
	atomic_dec(&dusk_xt_tg_windows);
	kfree(counts);
	if (verdict == NF_STOLEN) {
		/* by the table (another of the module's rules: a new upcall
		 * owns the packet now): only the entry goes */
		nf_queue_entry_free(t->p.entry);
		kfree(t);
	} else {
		dusk_nf_finish(&t->p, verdict);
	}
	local_bh_enable();
}

/**
 * dusk_xt_target_end() - the program's verdict for a stolen packet, or the
 * policy's; the packet resumes and @p is freed.
 * @p: a DUSK_PENDING_XT_TARGET, off the pending list.
 * @err: nonzero when the policy decides (timeout, refused REPLY, teardown).
 * @ret: the program's result (a verdict).
 * Context: process, no dusk lock held.
 */
void dusk_xt_target_end(struct dusk_pending *p, int err, u64 ret)
{
	struct dusk_xt_tg_pkt *t = container_of(p, struct dusk_xt_tg_pkt, p);
	unsigned int verdict = (u32)ret;

	if (err) {
		verdict = dusk_xt_tg_policy();
	} else if (READ_ONCE(t->par.hotdrop)) {
		dusk_count(DUSK_STAT_SYNC_ANSWERS, 1);
		verdict = NF_DROP;
	} else if (verdict == XT_CONTINUE || dusk_xt_tg_verdict_valid(verdict)) {
		dusk_count(DUSK_STAT_SYNC_ANSWERS, 1);
	} else {
		dusk_count(DUSK_STAT_REFUSED, 1);
		verdict = dusk_xt_tg_policy();
	}
	if (verdict == XT_CONTINUE)
		dusk_xt_tg_continue(t);
	else
		dusk_nf_finish(p, verdict);
}

/**
 * dusk_xt_target_lent() - is [addr, addr+len) the xt_action_param of
 * upcall @p (the target may set hotdrop)?  Context: caller holds qlock.
 */
bool dusk_xt_target_lent(const struct dusk_pending *p, u64 addr, u64 len)
{
	const struct dusk_xt_tg_pkt *t;
	u64 base;

	if (p->kind != DUSK_PENDING_XT_TARGET)
		return false;
	t = container_of(p, struct dusk_xt_tg_pkt, p);
	base = (u64)(uintptr_t)&t->par;
	return addr >= base && len <= sizeof(t->par) && addr - base <= sizeof(t->par) - len;
}

/* Is @fn a SYNC proxy of the module? */
static bool dusk_xt_tg_is_proxy(const void *fn)
{
	u32 i;

	for (i = 0; i < dusk_gen.nproxies; i++)
		if (dusk_gen.proxies[i].addr == fn && dusk_gen.proxies[i].kind == DUSK_PROXY_SYNC)
			return true;
	return false;
}

/* The module's own destroy of copy @idx of @r, the targinfo lent. */
static void dusk_xt_tg_call_destroy(struct dusk_xtreg *r, u32 idx,
				    const struct xt_tgdtor_param *par)
{
	struct dusk_xtreg_loan l;

	dusk_xtreg_lend(&l, par->targinfo, par->target->targetsize);
	r->own[idx].destroy.tg(par);
	dusk_xtreg_unlend(&l);
}

/* checkentry of every copy: the module's own, then the instance is recorded. */
static int dusk_xt_tg_checkentry(const struct xt_tgchk_param *par)
{
	struct dusk_xt_tg_inst *in;
	struct dusk_xtreg *r;
	struct dusk_xtreg_loan l;
	int err = 0, table;
	u32 idx, size;
	bool proxy;

	mutex_lock(&dusk_xt_tg_lock);
	r = dusk_xtreg_of(&dusk_xt_tg_set, par->target, &idx);
	mutex_unlock(&dusk_xt_tg_lock);
	if (!r)
		return -EINVAL;
	proxy = dusk_xt_tg_is_proxy(par->target->target);
	table = dusk_xt_table_of(par->table);
	if (proxy && (table < 0 || (par->family != NFPROTO_IPV4 &&
				    par->family != NFPROTO_IPV6))) {
		pr_warn_ratelimited("dusk_%s: target %s in table %s, family %u: only IPv4 and "
				    "IPv6 in raw, mangle, nat, filter, security can run in the "
				    "program\n", dusk_gen.modname, par->target->name, par->table,
				    par->family);
		return -EOPNOTSUPP;
	}
	if (r->own[idx].check.tg) {
		dusk_xtreg_lend(&l, par->targinfo, par->target->targetsize);
		err = r->own[idx].check.tg(par);
		dusk_xtreg_unlend(&l);
		if (err)
			return err;
	}
	if (!proxy)
		return 0;
	size = par->target->targetsize <= DUSK_XT_TG_INFO_MAX ? par->target->targetsize : 0;
	in = kzalloc(struct_size(in, snap, size), GFP_KERNEL);
	if (!in) {
		if (r->own[idx].destroy.tg) {
			struct xt_tgdtor_param d = {
				.net = par->net, .target = par->target,
				.targinfo = par->targinfo, .family = par->family,
			};

			dusk_xt_tg_call_destroy(r, idx, &d);
		}
		return -ENOMEM;
	}
	in->base.net = par->net;
	in->base.target = par->target;
	in->base.info = par->targinfo;
	in->hook_mask = par->hook_mask;
	in->family = par->family;
	in->table = table;
	/* nat's hooks are the NAT core's, not the table's */
	in->counted = !par->nft_compat && strcmp(par->table, "nat");
	in->snapsize = size;
	memcpy(in->snap, par->targinfo, size);
	mutex_lock(&dusk_xt_tg_lock);
	list_add_tail_rcu(&in->base.node, &dusk_xt_tg_set.insts);
	mutex_unlock(&dusk_xt_tg_lock);
	return 0;
}

/* destroy of every copy: the instance is forgotten, then the module's own. */
static void dusk_xt_tg_destroy(const struct xt_tgdtor_param *par)
{
	struct dusk_xtreg *r;
	u32 idx;

	r = dusk_xtreg_destroyed(&dusk_xt_tg_set, par->net, par->target, par->targinfo, &idx);
	/* The rule's table may be freed next: no counter window may still
	 * use it (windows are short, BH off, never on this CPU now). */
	smp_mb();
	while (atomic_read(&dusk_xt_tg_windows))
		cpu_relax();
	if (r && r->own[idx].destroy.tg)
		dusk_xt_tg_call_destroy(r, idx, par);
}

/* Copy @i of registration @r: the core's checkentry and destroy in place
 * of the module's own (xtreg.c). */
static void dusk_xt_tg_take_over(struct dusk_xtreg *r, u32 i)
{
	struct xt_target *tg = (struct xt_target *)r->copy + i;

	INIT_LIST_HEAD(&tg->list);
	r->own[i].check.tg = tg->checkentry;
	r->own[i].destroy.tg = tg->destroy;
	tg->checkentry = dusk_xt_tg_checkentry;
	tg->destroy = dusk_xt_tg_destroy;
}
