/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the dusk-kmod core (hand-written, dusk-kmod/core/)
 * and the per-extension part that dusk-rewrite generates (kmod/dusk_<mod>.c).
 *
 * The generated file defines exactly one `const struct dusk_gen dusk_gen`
 * and the functions its tables point at; the core defines everything else
 * (module_init/exit, the genetlink family, sessions, upcalls).  The core
 * never calls a kernel function on the program's behalf except through
 * dusk_gen.stubs: the whitelist is the module's own source.
 */
#ifndef DUSK_GEN_H
#define DUSK_GEN_H

#include <linux/types.h>
#include <linux/build_bug.h>
#include <linux/netfilter.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <dusk/protocol.h>	/* and dusk/abi.h: DUSK_STUB_*, DUSK_PROXY_*, limits */

/*
 * A typed call stub: unpacks u64 arguments into the kernel function's real
 * parameter types, calls it, widens the result to u64.  Runs in process
 * context (the program's own, or the blocked caller's during a blocking
 * callback).
 */
typedef u64 (*dusk_stub_fn)(const u64 *args);

/*
 * dusk_va_over() - make *@ap a va_list whose arguments are @words, one u64
 * slot each (a DUSK_STUB_VA stub's, dusk/abi.h): the register save areas
 * are marked used up, so va_arg() reads every argument from the overflow
 * area, as it reads a call's stack arguments (an int from the low half of
 * its slot).  @words must outlive every use of *@ap.
 */
static inline void dusk_va_over(va_list *ap, const u64 *words)
{
#if defined(__x86_64__)
	/* gp_offset 48: the six integer registers read; fp_offset 176: the
	 * eight vector registers too (System V AMD64 ABI, 3.5.7) */
	struct {
		unsigned int gp_offset, fp_offset;
		const void *overflow_arg_area, *reg_save_area;
	} v = { 48, 176, words, NULL };
#elif defined(__aarch64__)
	/* __gr_offs and __vr_offs 0: no register left (AAPCS64, B.4) */
	struct {
		const void *stack, *gr_top, *vr_top;
		int gr_offs, vr_offs;
	} v = { words, NULL, NULL, 0, 0 };
#else
#error "dusk_va_over(): the va_list layout of this architecture is not known"
#endif
	BUILD_BUG_ON(sizeof(v) != sizeof(va_list));
	memcpy(ap, &v, sizeof(v));
}

struct dusk_stub_desc {
	const char *name;	/* kernel function, or "printk#2" for the 2nd printk signature */
	dusk_stub_fn fn;
	u8 nargs;
	u16 flags;		/* DUSK_STUB_* (dusk/abi.h) */
};

/* A kernel variable the module reads; resolved by the module loader. */
struct dusk_sym_desc {
	const char *name;
	const void *addr;
};

/* A module function whose address reaches the kernel; `addr` is the proxy
 * the kernel calls in its place (exact kernel signature, generated).
 * `lent` (may be NULL) has nargs entries: lent[i] is the size of what
 * argument i points to when the callback may write it (loff_t *ppos: 8,
 * struct file *: sizeof(struct file), a sysfs buffer: PAGE_SIZE), or
 * DUSK_LENT_ARG(j): as many bytes as argument j says (a buffer and its
 * length, capped at DUSK_LENT_ARG_MAX), DUSK_LENT_SKB: an sk_buff and its
 * data area (a generic netlink dumpit fills the one it is given), 0 for
 * nothing.  Blocking upcalls
 * lend those ranges, when they are kernel addresses, to the program for the
 * duration of the callback (async upcalls lend nothing); Netfilter proxies
 * lend the sk_buff and its data. */
struct dusk_proxy_desc {
	const char *name;
	const void *addr;
	u8 kind;		/* DUSK_PROXY_* (dusk/abi.h) */
	u8 nargs;
	const u32 *lent;
};

/*
 * Register/unregister pairs the core undoes when a session ends without
 * undoing them itself (exit, crash, kill -9).  When stub `reg` succeeds the
 * core records the arguments `unreg` needs (args[from[i]], the result when
 * from[i] == DUSK_UNDO_RET, see also DUSK_UNDO_ARG_OR_RET in dusk/abi.h); a
 * later call of `unreg` with the same arguments forgets the record.  Undone in reverse
 * order.  Named kernel objects (proc and debugfs entries) are also
 * forgotten when the module removes them by name (remove_proc_entry) or
 * removes a directory above them (core/undo.c).
 */
struct dusk_undo_desc {
	u16 reg;
	u16 unreg;
	u8 nargs;		/* arguments of unreg */
	u8 from[6];
};

struct dusk_gen {
	const char *modname;	/* "lwfw"; the family is DUSK_GENL_PREFIX "lwfw" */
	u64 layout_hash;
	u64 stub_hash;
	const struct dusk_stub_desc *stubs;
	u32 nstubs;
	const struct dusk_sym_desc *syms;
	u32 nsyms;
	const struct dusk_proxy_desc *proxies;
	u32 nproxies;
	const struct dusk_undo_desc *undo;
	u32 nundo;
};

extern const struct dusk_gen dusk_gen;

/* Core services the generated proxies and stubs call. */
unsigned int dusk_upcall_nf_hook(u32 proxy, void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state);
u64 dusk_upcall_blocking(u32 proxy, const u64 *args, u32 nargs);
/* A callback that returns nothing: dusk_upcall_blocking(), or the same
 * upcall raised late from atomic context, @buf (an argument that is a data
 * buffer of @len bytes, argument @len) copied (-1: none), argument 0 held
 * as @hold says. */
#define DUSK_VOID_HOLD_NONE	0
#define DUSK_VOID_HOLD_SOCK	1	/* a struct sock */
void dusk_upcall_void(u32 proxy, const u64 *args, u32 nargs, int buf, int len, int hold);
int dusk_upcall_async(u32 proxy, const u64 *args, u32 nargs);
/* dusk_upcall_async() also from hard interrupt context (an irq_work
 * function): raised from a work item there. */
int dusk_upcall_async_irq(u32 proxy, const u64 *args, u32 nargs);
/* A notifier callback's answer from dusk_upcall_blocking()'s result. */
int dusk_notifier_answer(u64 ret);
/* An enum-returning callback's answer from dusk_upcall_blocking()'s
 * result: 0 when it did not run. */
u64 dusk_enum_answer(u64 ret);
/* A notifier proxy's body: a keyboard notifier of the program's is
 * observed late (NOTIFY_OK at once), any other a blocking upcall whose
 * answer goes through dusk_notifier_answer(). */
int dusk_notifier_call(u32 proxy, u64 *args, u32 nargs);
/* A packet_type handler, an ndo_start_xmit or a protocol handler: args[0]
 * is the sk_buff, handed to the program; @devs has a bit for each argument
 * that is a struct net_device * (held until the program answers). */
int dusk_upcall_skb_handover(u32 proxy, const u64 *args, u32 nargs, u32 devs);
/* A UDP tunnel's encap_rcv proxy (@self), args (struct sock *, struct
 * sk_buff *): true when the kernel called it as @sk's encap_rcv and the
 * packet was handed over (the proxy answers 0), false when it was not. */
bool dusk_udp_encap_rcv(u32 proxy, const u64 *args, void *self);
/* ndo_get_stats and ndo_get_stats64, answered where they cannot run. */
struct net_device;
struct net_device_stats;
struct rtnl_link_stats64;
struct net_device_stats *dusk_netdev_stats(u32 proxy, struct net_device *dev);
void dusk_netdev_stats64(u32 proxy, struct net_device *dev, struct rtnl_link_stats64 *stats);
/* DUSK_PROXY_SYNC bodies: an xt_match .match (bool (const struct sk_buff *,
 * struct xt_action_param *)), an xt_target .target (unsigned int (struct
 * sk_buff *, const struct xt_action_param *)), an hrtimer function. */
bool dusk_sync_xt_match(u32 proxy, const struct sk_buff *skb, void *par);
unsigned int dusk_sync_xt_target(u32 proxy, struct sk_buff *skb, const void *par);
int dusk_sync_hrtimer(u32 proxy, void *timer);
/* An alarm timer's function (enum alarmtimer_restart (struct alarm *,
 * ktime_t)): answered late, as an hrtimer's. */
int dusk_sync_alarm(u32 proxy, void *alarm, s64 now);
/* A kprobe pre_handler (@nargs 2) or post_handler (@nargs 3, @flags):
 * observed late, answers 0. */
int dusk_sync_kprobe(u32 proxy, void *kp, void *regs, unsigned long flags, u32 nargs);
/* A kretprobe entry_handler or handler: observed late, answers 0 (1 for
 * an entry that was missed). */
int dusk_sync_kretprobe(u32 proxy, void *ri, void *regs);
/* Buffer of DUSK_MAX_TEXT bytes for the running printk-family stub. */
char *dusk_text_buf(void);

#endif /* DUSK_GEN_H */
