/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface between the files of the dusk-kmod core.  Nothing here
 * is seen by the generated part (that is dusk-gen.h) or by user space (that
 * is <dusk/protocol.h>).
 *
 * One extension module has at most one session: the program that completed
 * HELLO.  Its state lives in the single `dusk_sess` object.  Two locks guard
 * it:
 *
 *  - dusk_sess.lock (mutex, process context): binding and teardown, the
 *    region tree (mirrors and owned allocations) and the undo records.
 *  - dusk_sess.qlock (spinlock, BH-safe): `alive`, the socket, the context
 *    counter and the lists of raised upcalls (stolen packets, async
 *    upcalls, blocked callers).  Netfilter hooks run in softirq and take
 *    only this one.
 *
 * Lock order: lock before qlock.  Stubs never run under either lock.
 *
 * Every request from the bound program (except BYE) holds dusk_sess.use for
 * reading while it runs; teardown takes it for writing, so memory a request
 * is using is never freed under it.
 */
#ifndef DUSK_CORE_H
#define DUSK_CORE_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <dusk/protocol.h>
#include "dusk-gen.h"

#define DUSK_PREFETCH_DATA	128		/* packet bytes prefetched from the network header */
#define DUSK_PREFETCH_LENT	256		/* lent ranges up to this size are prefetched */

/* ---- module parameters (main.c) ---- */
extern unsigned int dusk_nf_timeout_ms;
extern unsigned int dusk_block_timeout_ms;
extern unsigned int dusk_queue_max;
extern unsigned int dusk_mem_max_mb;
extern bool dusk_fail_closed;

/* ---- counters (main.c) ---- */
extern atomic64_t dusk_stats[__DUSK_STAT_MAX];
extern const char *const dusk_stat_names[__DUSK_STAT_MAX];

static inline void dusk_count(enum dusk_stat s, u64 n)
{
	atomic64_add(n, &dusk_stats[s]);
}

/* ---- the session (session.c; its pending queue: pending.c) ---- */

/* A nested CALL handed from the program's request to a blocked caller. */
struct dusk_call {
	u32 stub;
	u32 nargs;
	u64 args[DUSK_MAX_ARGS];
	u64 ret;		/* out */
	int err;		/* out: -ENOMEM when the stub could not be run */
	u32 state;		/* in: task state it runs in (TASK_STATE; sleep.c) */
	u32 left;		/* out: task state it left */
	bool param_lock;	/* in: run under kernel_param_lock() (PARAM_LOCK) */
	char *text;		/* in: DUSK_MAX_TEXT bytes for PRINTK stubs, else NULL */
	struct completion done;	/* completed by the blocked caller */
	bool taken;		/* the blocked caller runs it; under qlock */
	bool abandoned;		/* the request gave up waiting: the caller frees it */
	bool ordered;		/* made by a callback raised in atomic context (the
				 * program's packet thread, which serves those) */
};

/* Wait queues one blocked caller may have joined at once (sleep.c). */
#define DUSK_WAIT_JOINED 4

/* A caller sleeping in dusk_upcall_blocking(); lives on its stack. */
struct dusk_waiter {
	struct list_head node;	/* dusk_sess.waiters, under qlock */
	u64 ctx;
	u32 proxy;
	u32 flags;		/* DUSK_UPCALL_* of the upcall, BLOCKING aside */
	const u32 *lent;	/* nargs entries (dusk_proxy_desc.lent), or NULL */
	const u64 *args;
	u32 nargs;
	struct task_struct *task;	/* the caller */
	struct dusk_call *call;	/* posted nested call, under qlock */
	bool running;		/* runs a posted call now; under qlock */
	bool replied;		/* REPLY arrived; ret is valid */
	u64 ret;
	wait_queue_head_t wq;
	u64 joined[DUSK_WAIT_JOINED][2];	/* prepare_to_wait*() (head, entry) */
	u32 njoined;
	bool thread;		/* the upcall is a kernel thread's function */
	/* The module's sleep between two calls (sleep.c) */
	struct list_head sleeper;	/* on dusk_sleepers while it sleeps there */
	u32 vstate;		/* the sleeping state its last call left */
	bool woken;		/* a wake-up found it there */
	bool watched;		/* the running call's sleep misses no wake-up */
	bool ended;		/* a nested call ended the bio or request lent */
	u32 netdev_new;		/* arguments that were unregistered net devices
				 * when it began (netdevhand.c) */
};

enum dusk_pending_kind {
	DUSK_PENDING_NF,	/* a stolen packet */
	DUSK_PENDING_ASYNC,	/* a void callback raised from atomic context */
	DUSK_PENDING_XT,	/* one xtables match instance asked ahead (xtmatch.c) */
	DUSK_PENDING_HRTIMER,	/* an hrtimer callback (hrtimer.c) */
	DUSK_PENDING_XT_TARGET,	/* a packet stolen by an xtables target (xttarget.c) */
	DUSK_PENDING_LATE,	/* a callback observed late (late.c) */
};

/*
 * What a handed-over packet's handler reaches that the kernel guarantees
 * only while the handler runs in its softirq: the net devices among its
 * arguments and skb->dev, a UDP tunnel's socket.  Held from the handover
 * until the program's answer or teardown (skbhand.c).
 */
#define DUSK_PIN_DEVS 3
struct dusk_pins {
	struct net_device *dev[DUSK_PIN_DEVS];
	struct sock *sk;
};

/* An upcall raised from atomic context that waits for its REPLY. */
struct dusk_pending {
	struct list_head node;	/* dusk_sess.pending, FIFO, under qlock */
	u64 ctx;
	u8 kind;		/* enum dusk_pending_kind */
	u32 proxy;
	unsigned long deadline;	/* jiffies */
	struct nf_queue_entry *entry;	/* DUSK_PENDING_NF, _XT_TARGET */
	nf_hookfn *hookfn;	/* the proxy the packet was stolen by */
	void *priv;		/* and its priv: together they find the hook again */
	void *sync;		/* DUSK_PENDING_XT: its packet; _HRTIMER: its flight;
				 * _ASYNC: a handed-over packet a non-zero
				 * answer gives back (dusk_skbh_given_back()) */
	u64 key;		/* DUSK_PENDING_ASYNC: its first argument (the timer,
				 * the tasklet or its data, the rcu_head) */
	u32 slot;		/* DUSK_PENDING_XT: the instance's answer slot */
	struct dusk_pins *pins;	/* DUSK_PENDING_ASYNC: released when it ends, which
				 * expiry never does (skbhand.c), or NULL */
	/* Nested calls of the program's running on it (its sk_buff among
	 * their arguments), under qlock.  Taken off the list while busy, it
	 * is ended by the last of them, as the taker said (dusk_pending_end). */
	unsigned int busy;
	bool ended;
	int end_err;
	u64 end_ret;
};

struct dusk_core_session {
	struct mutex lock;
	spinlock_t qlock;
	struct rw_semaphore use;
	bool bound;		/* HELLO done; changed under lock + qlock */
	bool alive;		/* upcalls may be raised; under qlock */
	u32 portid;
	pid_t tgid;		/* the process that bound it (the program, or dusk-relay) */
	struct net *net;
	struct sock *sk;	/* the program's socket, held: upcalls go only there */
	u64 next_ctx;
	struct list_head pending;	/* struct dusk_pending */
	unsigned int npending;
	struct list_head waiters;	/* struct dusk_waiter */
	wait_queue_head_t waiters_gone;
	struct rb_root regions;		/* struct dusk_region, by address */
	struct list_head skbs;		/* those of them that are sk_buffs */
	u64 region_bytes;		/* their total size: at most mem_max_mb */
	unsigned int nwaiters;		/* on `waiters`: at most queue_max */
	struct list_head undo;		/* struct dusk_undo_rec, oldest first */
	struct delayed_work expire;	/* applies the policy to overdue upcalls */
	struct work_struct release;	/* teardown after the socket went away */
};

extern struct dusk_core_session dusk_sess;
extern struct genl_family dusk_family;

/* session.c */
int dusk_session_init(void);
void dusk_session_exit(void);
int dusk_session_bind(struct sock *sk, u32 portid, struct net *net);
void dusk_session_end(void);
u64 dusk_kspace_start(void);

/* family.c */
int dusk_answer(struct sk_buff *msg, struct genl_info *info);
int dusk_family_register(void);
void dusk_family_unregister(void);
int dusk_parse_range(const struct nlattr *nla, u64 *addr, u32 *len,
		     struct netlink_ext_ack *extack);
/* Each top-level attribute of @type of request @info (the kernel's
 * nla_for_each_attr_type() of 6.10, which 6.1 lacks). */
#define dusk_for_each_attr_type(pos, type, info, rem)					\
	nla_for_each_attr(pos, genlmsg_data((info)->genlhdr), genlmsg_len((info)->genlhdr), rem) \
		if (nla_type(pos) == (type))
int dusk_parse_chunk(const struct nlattr *nla, u64 *addr, const void **data,
		     u32 *len, struct netlink_ext_ack *extack);
int dusk_parse_param(const struct nlattr *nla, const char **name, u32 *perm,
		     struct netlink_ext_ack *extack);

/* mem.c */
enum dusk_region_kind {
	DUSK_REGION_MIRROR,	/* MIRROR_ALLOC */
	DUSK_REGION_ALLOC,	/* a DUSK_STUB_ALLOC result */
	DUSK_REGION_SKB,	/* a DUSK_STUB_ALLOC | DUSK_STUB_SKB result */
	DUSK_REGION_PAGES,	/* alloc_pages(), __get_free_pages() (pages.c) */
	DUSK_REGION_PAGES_EXACT,	/* alloc_pages_exact() (pages.c) */
	DUSK_REGION_PERCPU,	/* one CPU's copy of a per-CPU mirror (MIRROR_ALLOC PERCPU) */
};
/* Kernel memory a concern lets the program write: [start, start + len). */
struct dusk_span {
	struct list_head node;		/* on its concern's list */
	unsigned long start;
	size_t len;
};
/* One concern's spans: the list and the leaf spinlock that guards it (the
 * concern's own, which may guard more).  The WRITE rule reads each. */
struct dusk_spans {
	spinlock_t *lock;
	struct list_head *list;		/* struct dusk_span */
};
int dusk_nl_read(struct sk_buff *skb, struct genl_info *info);
int dusk_nl_write(struct sk_buff *skb, struct genl_info *info);
int dusk_nl_mirror_alloc(struct sk_buff *skb, struct genl_info *info);
int dusk_nl_mirror_free(struct sk_buff *skb, struct genl_info *info);
int dusk_write_chunks(struct genl_info *info);
int dusk_chunks_apply_locked(struct genl_info *info);
size_t dusk_owned_size(const void *p, enum dusk_region_kind kind);
void dusk_owned_free(void *p, enum dusk_region_kind kind);
int dusk_region_add(void *addr, size_t len, enum dusk_region_kind kind);
bool dusk_region_room(size_t len);
bool dusk_may_write_now(u64 addr, u64 len);
void dusk_region_forget(const void *addr);
bool dusk_region_is_mirror(u64 addr, u64 len);
bool dusk_region_owns_skb(const struct sk_buff *skb);
void dusk_regions_free_all(void);
bool dusk_region_retain(u64 addr, u64 len);
void dusk_kept_free(void);
bool dusk_region_keep_retained(const void *addr);
bool dusk_region_span(u64 addr, unsigned long *start, size_t *len);
bool dusk_region_take(u64 addr, size_t *len, enum dusk_region_kind *kind);
void dusk_mem_free(unsigned long start, size_t len, enum dusk_region_kind kind);
void dusk_region_unretain(u64 addr, u64 len);
struct kmem_cache;
void dusk_region_set_cache(const void *addr, struct kmem_cache *cache);
unsigned int dusk_regions_free_cache(struct kmem_cache *cache, void (*gone)(const void *addr));

/* slab.c: the module's slab caches are empty of the session's objects
 * when they are destroyed */
bool dusk_slab_is_destroy(const struct dusk_stub_desc *s);
void dusk_slab_before_destroy(struct kmem_cache *cache);
void dusk_slab_after_alloc(const struct dusk_stub_desc *s, const u64 *args, void *obj);
bool dusk_slab_freed_already(const void *obj);
void dusk_slab_after_bulk_alloc(struct dusk_call *c);
void dusk_slab_after_create(const struct dusk_call *c);
u64 dusk_slab_ctor_lent(u32 proxy, u32 i, u64 arg);
bool dusk_slab_alloc_not_owned(const struct dusk_stub_desc *s, const u64 *args);
bool dusk_slab_before_bulk_free(struct dusk_call *c);
void dusk_slab_forget_all(void);

/* pernet.c: the per-net data of the module's pernet_operations */
extern struct pernet_operations dusk_pernet_net_ops;
void dusk_pernet_before_call(const struct dusk_call *c);
void dusk_pernet_after_call(const struct dusk_call *c);
void dusk_pernet_enter(u32 proxy, const u64 *args, u32 nargs);
void dusk_pernet_leave(u32 proxy, const u64 *args, u32 nargs, u64 ret);
extern const struct dusk_spans dusk_pernet_spans;
void dusk_pernet_forget_all(void);

/* pages.c: page-allocator memory the module allocated */
void dusk_pages_before_call(const struct dusk_call *c);
void dusk_pages_after_call(struct dusk_call *c);
void dusk_pages_free(unsigned long addr, size_t len, enum dusk_region_kind kind);
unsigned long dusk_pages_freed_by(const struct dusk_call *c);

/* usermap.c: the module's memory a process maps stays until module exit */
void dusk_usermap_after_call(const struct dusk_call *c);
bool dusk_usermap_keep(struct dusk_call *c, unsigned long freed);
void dusk_usermap_settle(void);

/* klock.c: kernel locks (rtnl) the program holds between its calls,
 * released at the session's end */
void dusk_klock_before_call(const struct dusk_call *c);
void dusk_klock_after_call(const struct dusk_call *c);
void dusk_klock_release_all(void);

/* socklock.c: socket locks the program holds between its calls;
 * __lock_sock_fast() answered on its slow path */
bool dusk_socklock_instead(struct dusk_call *c, const u64 *a);
void dusk_socklock_before_call(const struct dusk_call *c);
void dusk_socklock_after_call(const struct dusk_call *c);
void dusk_socklock_release_all(void);

/* rhtwalk.c: an rhashtable walk's iterator kept stopped between calls */
bool dusk_rhtwalk_instead(struct dusk_call *c, const u64 *a);

/* devres.c: device-managed memory the module allocated */
void dusk_devres_before_call(const struct dusk_call *c);
void dusk_devres_after_call(const struct dusk_call *c);
extern const struct dusk_spans dusk_devres_spans;
void dusk_devres_forget_all(void);

/* handed.c: kernel objects handed to the module to fill in (a class) */
void dusk_handed_before_call(const struct dusk_call *c);
void dusk_handed_after_call(const struct dusk_call *c);
extern const struct dusk_spans dusk_handed_spans;
bool dusk_handed_owned_by(u64 start, u64 addr, u64 len);
size_t dusk_iio_span(u64 indio, u64 sizeof_priv);
size_t dusk_spi_span(u64 ctlr, u64 size);
void dusk_handed_netdev(unsigned long dev, size_t len);
void dusk_handed_netdev_going(unsigned long dev, bool kernel_frees);
void dusk_handed_forget_all(void);

/* netdevhand.c: net devices the kernel allocates for the module's callbacks */
size_t dusk_netdev_span(int priv);
struct dusk_waiter;
u64 dusk_netdev_lent_len(const struct dusk_waiter *w, u64 arg);
u32 dusk_netdev_new_args(const u32 *lent, const u64 *args, u32 nargs);
u64 dusk_netdev_unanswered(const struct dusk_waiter *w, const u64 *args, u32 nargs, u64 ret);
void dusk_netdev_before_call(const struct dusk_call *c);
void dusk_netdev_after_call(const struct dusk_call *c);
void dusk_netdev_forget_all(void);
extern struct notifier_block dusk_netdev_nb;

/* ksocket.c: kernel sockets the module created, released at the session's
 * end if the program did not */
struct socket;
void dusk_ksocket_note(struct socket *sock);
void dusk_ksocket_before_call(const struct dusk_call *c);
void dusk_ksocket_release_all(void);

/* gup.c: user pages the module pinned for writing (get_user_pages_fast()) */
void dusk_gup_before_call(const struct dusk_call *c);
void dusk_gup_after_call(const struct dusk_call *c);
extern const struct dusk_spans dusk_gup_spans;
void dusk_gup_forget_all(void);

/* seqfile.c: what the seq_file opens allocate for the module's files */
void dusk_seqfile_before_call(const struct dusk_call *c);
void dusk_seqfile_after_call(const struct dusk_call *c);
void dusk_seqfile_enter(u32 proxy, const u64 *args, u32 nargs);
struct seq_file;
void dusk_seqfile_lend(const void *fn, const struct seq_file *seq, const void *key);
void dusk_seqfile_leave(const u64 *args, u32 nargs);
extern const struct dusk_spans dusk_seqfile_spans;
void dusk_seqfile_forget_all(void);
const void *dusk_seqfile_sym(const void *addr);
/* seqread.c: a seq_file read fills its buffer in one upcall */
int dusk_seqread_init(void);
void dusk_seqread_exit(void);
void dusk_seqread_created(const char *fn, u64 pde);
bool dusk_seqread_acts_on(const struct dusk_stub_desc *s);
const void *dusk_seqread_sym(const void *addr);

/* syncwait.c: kernel calls that wait for the module's callbacks wait for
 * the program's too */
struct dusk_sync {
	u8 kind;		/* enum dusk_sync_kind; DUSK_SYNC_NONE: no wait */
	bool again;		/* run the stub again after a wait */
	u64 key;		/* what the callback's upcalls carry first */
	unsigned long end;	/* jiffies: no wait past this */
};
void dusk_sync_begin(const struct dusk_call *c, struct dusk_sync *st);
bool dusk_sync_wait(struct dusk_sync *st);

/* fops.c */
void dusk_fops_pin(u32 stub, const u64 *args);

/* dmabuf.c: a dma-buf the module exported keeps its ops and private
 * memory while it lives */
void dusk_dmabuf_after_call(const struct dusk_call *c);
bool dusk_dmabuf_keep(struct dusk_call *c, unsigned long freed);
void dusk_dmabuf_orphan_all(void);
bool dusk_dmabuf_enter(u32 proxy, const u64 *args, u32 nargs, u64 *answer);
void dusk_dmabuf_leave(u32 proxy, const u64 *args, u32 nargs);
void dusk_dmabuf_free_all(void);

/* call.c */
int dusk_nl_call(struct sk_buff *skb, struct genl_info *info);
void dusk_call_exec(struct dusk_call *c);
struct sk_buff *dusk_call_answer(const struct dusk_call *c, u32 portid, u32 seq);
void dusk_call_free(struct dusk_call *c);

/* Is stub name @name ("fn", or "fn#N" for a variadic signature) kernel
 * function @fn? */
static inline bool dusk_stub_named(const char *name, const char *fn)
{
	size_t n = strlen(fn);

	return !strncmp(name, fn, n) && (name[n] == '\0' || name[n] == '#');
}

/* Is @name kernel function @fn itself (not one of its "fn#N")? */
static inline bool dusk_name_is(const char *name, const char *fn)
{
	return !strcmp(name, fn);
}

/* Does @match(@name, entry) hold for an entry of table @tbl (an array;
 * @member its name: .fn, or nothing for an array of strings)? */
#define dusk_tbl_any(name, tbl, member, match)					\
({										\
	bool __in = false;							\
	size_t __i;								\
										\
	for (__i = 0; __i < ARRAY_SIZE(tbl) && !__in; __i++)			\
		__in = match(name, (tbl)[__i] member);				\
	__in;									\
})

/* Does an entry of @tbl name stub name @name (its "fn#N" too)? */
#define dusk_stub_in(name, tbl, member) dusk_tbl_any(name, tbl, member, dusk_stub_named)
/* Is stub name @name exactly an entry of @tbl? */
#define dusk_name_in(name, tbl, member) dusk_tbl_any(name, tbl, member, dusk_name_is)

/*
 * stubclass.c: the stubs some concern acts around in dusk_call_exec(),
 * decided once at load; each concern says which are its own.
 */
int dusk_stubclass_init(void);
void dusk_stubclass_exit(void);
bool dusk_stub_plain(u32 stub);
struct dentry;
void dusk_stubclass_debugfs(struct dentry *dir);
bool dusk_call_acts_on(const struct dusk_stub_desc *s);
bool dusk_stubargs_acts_on(const struct dusk_stub_desc *s);
bool dusk_calldefer_acts_on(const struct dusk_stub_desc *s);
bool dusk_undo_acts_on(const struct dusk_stub_desc *s);
bool dusk_fops_acts_on(const struct dusk_stub_desc *s);
bool dusk_xtreg_acts_on(const struct dusk_stub_desc *s);
bool dusk_hrtimer_acts_on(const struct dusk_stub_desc *s);
bool dusk_pernet_acts_on(const struct dusk_stub_desc *s);
bool dusk_seqfile_acts_on(const struct dusk_stub_desc *s);
bool dusk_devres_acts_on(const struct dusk_stub_desc *s);
bool dusk_handed_acts_on(const struct dusk_stub_desc *s);
bool dusk_netdev_acts_on(const struct dusk_stub_desc *s);
bool dusk_gup_acts_on(const struct dusk_stub_desc *s);
bool dusk_pages_acts_on(const struct dusk_stub_desc *s);
bool dusk_klock_acts_on(const struct dusk_stub_desc *s);
bool dusk_socklock_acts_on(const struct dusk_stub_desc *s);
bool dusk_rhtwalk_acts_on(const struct dusk_stub_desc *s);
bool dusk_usermap_acts_on(const struct dusk_stub_desc *s);
bool dusk_dmabuf_acts_on(const struct dusk_stub_desc *s);
bool dusk_slab_acts_on(const struct dusk_stub_desc *s);
bool dusk_sync_acts_on(const struct dusk_stub_desc *s);

/* stubargs.c: core copies of what one stub call reads (a format, its
 * strings and objects) */
struct dusk_bounce {
	void *p[DUSK_MAX_ARGS + 1];
	unsigned int n;
	u32 replaced;	/* BIT(i): argument i is a copy */
};
int dusk_stub_args_bounce(const struct dusk_stub_desc *s, u64 *args, struct dusk_bounce *b);
void dusk_stub_args_release(struct dusk_bounce *b);

/* undo.c */
struct dusk_undo_rec;
int dusk_undo_prepare(u32 stub, struct dusk_undo_rec **rec);
void dusk_undo_after(u32 stub, const u64 *args, u64 ret, struct dusk_undo_rec *rec);
void dusk_undo_all(void);
void dusk_undo_forget_range(unsigned long start, size_t len);
unsigned int dusk_undo_count(void);
bool dusk_undo_refers(unsigned long start, size_t len);

/* upcall.c */
int dusk_nl_reply(struct sk_buff *skb, struct genl_info *info);
size_t dusk_upcall_range_size(u32 len, bool data);
struct sk_buff *dusk_upcall_new(u64 ctx, u32 proxy, const u64 *args, u32 nargs,
				u32 flags, size_t ranges, gfp_t gfp, void **hdr);
struct sk_buff *dusk_upcall_new_as(u64 ctx, u32 proxy, const u64 *args, u32 nargs,
				   u32 flags, size_t ranges, gfp_t gfp, void **hdr,
				   struct task_struct *task, u32 cpu);
int dusk_upcall_put_range(struct sk_buff *msg, int type, u64 addr, u32 len,
			  bool data);
int dusk_session_deliver(struct sk_buff *msg);
int dusk_upcall_send(struct sk_buff *msg, void *hdr);
int dusk_proxy_of(const void *fn);
void dusk_async_wake(void);
enum dusk_wait_for {
	DUSK_WAIT_KEY,		/* the async upcalls of one timer or tasklet */
	DUSK_WAIT_ASYNC,	/* every async upcall */
	DUSK_WAIT_READERS,	/* every upcall from atomic context */
};
u64 dusk_readers_bound(void);
bool dusk_async_wait(enum dusk_wait_for which, u64 key, unsigned long end);

/* pending.c: upcalls waiting for the program's REPLY (stolen packets,
 * matches asked ahead, targets, late hrtimers, async calls) */
int dusk_pending_add(struct dusk_pending **ps, u32 n, u64 *ctx);
u64 dusk_pending_ctx(u32 n);
bool dusk_pending_steal(struct dusk_pending *p, struct sk_buff *msg, void *hdr);
bool dusk_pending_take(struct dusk_pending *p, int err, u64 ret);
bool dusk_pending_unlink(struct dusk_pending *p, int err, u64 ret);
void dusk_pending_end(struct dusk_pending *p, int err, u64 ret);
void dusk_pending_free(struct dusk_pending *p);
u64 dusk_pending_next_ctx(void);
u64 dusk_pending_oldest_ctx(void);
void dusk_pending_unpin(struct dusk_pending *p);
void dusk_pending_flush(void);
void dusk_pending_flush_packets(void);
void dusk_pending_expire(struct work_struct *work);

/* skowner.c: a stolen packet's flow, headers and owning socket, prefetched */
#define DUSK_SK_RANGES	6	/* request socket, listener, socket, file, cred, groups */
struct dusk_pkt_prefetch {
	u32 flow;	/* DUSK_A_FLOW */
	u64 hdr;	/* the network header */
	u32 hdr_len;	/* its bytes in the linear area, at most DUSK_PREFETCH_DATA */
	u32 n;		/* owner ranges */
	struct {
		u64 addr;
		u32 len;
	} r[DUSK_SK_RANGES];
};
void dusk_pkt_prefetch(const struct sk_buff *skb, struct dusk_pkt_prefetch *o);
size_t dusk_pkt_prefetch_size(const struct dusk_pkt_prefetch *o);
int dusk_pkt_prefetch_put(struct sk_buff *msg, const struct dusk_pkt_prefetch *o);

/* blocking.c */
bool dusk_waiter_lent(const struct dusk_waiter *w, u64 addr, u64 len);
void dusk_waiters_wake_all(void);
void dusk_waiters_kill_stuck(void);
int dusk_waiter_post(u64 ctx, struct dusk_call *c, struct dusk_pending **pinned);
int dusk_waiter_wait(struct dusk_call *c);
u64 dusk_upcall_wait(u32 proxy, u32 flags, const u32 *lent, const u64 *args, u32 nargs);
u64 dusk_upcall_wait_ended(u32 proxy, u32 flags, const u32 *lent, const u64 *args, u32 nargs,
			   bool *ended);

/* modparam.c: /sys/module/NAME/parameters/ */
int dusk_nl_params(struct sk_buff *skb, struct genl_info *info);
void dusk_params_remove(void);

/* kthread.c */
bool dusk_upcall_is_thread(u32 proxy);

/* sleep.c */
int dusk_task_state_parse(struct genl_info *info, struct dusk_call *c);
void dusk_call_exec_state(struct dusk_call *c);
void dusk_waiter_exec(struct dusk_waiter *w, struct dusk_call *c);
void dusk_waiter_unjoin(struct dusk_waiter *w);
void dusk_sleeper_forget(struct dusk_waiter *w);
void dusk_waiter_note_end(struct dusk_waiter *w, const struct dusk_call *c);
struct bio;
bool dusk_bio_cover(const struct bio *bio, u64 *cur);

/* blkmq.c: blk-mq drivers */
struct request;
bool dusk_blkmq_acts_on(const struct dusk_stub_desc *s);
bool dusk_blkmq_defer_complete(u32 proxy, const u32 *lent, const u64 *args, u32 nargs);

/* voidlate.c: callbacks that answer nothing, run late from atomic context */
/* A kernel call of the program in progress on @task: the late callbacks it
 * raised (@notes), run before it returns. */
struct dusk_voidlate_scope {
	struct list_head node;		/* on voidlate.c's list of scopes */
	struct task_struct *task;
	struct list_head notes;		/* struct dusk_voidlate, by .held */
};
void dusk_voidlate_enter(struct dusk_voidlate_scope *s);
void dusk_voidlate_leave(struct dusk_voidlate_scope *s);
void dusk_voidlate_wait(const struct dusk_call *c);
int dusk_voidlate_init(void);
void dusk_voidlate_exit(void);
int dusk_blkmq_init(void);
void dusk_blkmq_exit(void);
void dusk_blkmq_before_call(struct dusk_call *c);
u64 dusk_rq_span(const struct request *rq);
bool dusk_rq_lent(const struct request *rq, u64 addr, u64 len);
const struct request *dusk_lent_rq(u32 lent, u64 arg);
bool dusk_rq_ended_by(const struct dusk_call *c, const struct request *rq);
u64 dusk_rq_unanswered(const char *proxy, bool ended);

/* nfq.c */
extern struct notifier_block dusk_nf_netdev_nb;
void dusk_nf_finish(struct dusk_pending *p, unsigned int verdict);
unsigned int dusk_nf_rerun(struct dusk_pending *p);
bool dusk_skb_lent(const struct sk_buff *skb, u64 addr, u64 len);
bool dusk_nf_lent(const struct dusk_pending *p, u64 addr, u64 len);
unsigned int dusk_policy_verdict(void);
struct nf_queue_entry *dusk_entry_new(struct sk_buff *skb, const struct nf_hook_state *state);

/* xtreg.c: the core's copies of the module's xtables arrays (xtreg.h) */
bool dusk_xtreg_loaned(u64 addr, u64 len);
void dusk_xtreg_before_call(struct dusk_call *c);
void dusk_xtreg_after_call(struct dusk_call *c);
extern struct pernet_operations dusk_xtreg_net_ops;
void dusk_xtreg_exit(void);

/* xtmatch.c: xtables matches asked ahead of the table (docs/kapi.md) */
void dusk_xt_resolve(struct dusk_pending *p, int err, u64 ret);
bool dusk_xt_lent(const struct dusk_pending *p, u64 addr, u64 len);
int dusk_xt_table_of(const char *name);
int dusk_xt_table_prio(int table, unsigned int hook);

/* xttarget.c: xtables targets run on a stolen packet (docs/kapi.md) */
void dusk_xt_target_end(struct dusk_pending *p, int err, u64 ret);
bool dusk_xt_target_lent(const struct dusk_pending *p, u64 addr, u64 len);

/* hrtimer.c: hrtimer callbacks answered late (docs/kapi.md) */
int dusk_hrtimer_init(void);
void dusk_hrtimer_exit(void);
void dusk_hrtimer_resolve(struct dusk_pending *p, int err, u64 ret);
void dusk_hrtimer_before_call(const struct dusk_call *c);

/*
 * Is the caller where it cannot wait for the program: atomic context, or an
 * RCU read section (preemptible with PREEMPT_RCU, so in_atomic() misses
 * it)?  A blocking upcall there answers at once; a callback is observed
 * late instead.
 */
static inline bool dusk_cannot_wait(void)
{
	return in_atomic() || irqs_disabled() || rcu_preempt_depth();
}

/* callctx.c: a kernel call must return in the context it was made in */
struct dusk_callctx {
	unsigned int preempt;	/* preempt_count() */
	int rcu;		/* rcu_preempt_depth() */
	bool irqs_off;
};
void dusk_callctx_save(struct dusk_callctx *x);
int dusk_callctx_check(const char *fn, const struct dusk_callctx *was);

/* late.c: callbacks observed late (kprobe and kretprobe handlers,
 * keyboard notifiers, tracepoint probes) */
#define DUSK_LATE_MAXARGS 8
#define DUSK_LATE_NO_SNAP U32_MAX	/* dusk_late_fill(): nothing copied */
enum dusk_late_kind {
	DUSK_LATE_KPROBE,	/* a kprobe pre_handler or post_handler (kprobe.c) */
	DUSK_LATE_KBD,		/* a keyboard notifier (kbdnotif.c) */
	DUSK_LATE_KRET_ENTRY,	/* a kretprobe's entry_handler (kretprobe.c) */
	DUSK_LATE_KRET_RET,	/* a kretprobe's return handler (kretprobe.c) */
	DUSK_LATE_TP,		/* a tracepoint probe (tracepoint.c) */
	DUSK_LATE_NOTIFIER,	/* a notifier on an atomic chain (kbdnotif.c) */
};
struct dusk_late_hit;
int dusk_late_init(void);
void dusk_late_exit(void);
bool dusk_late_observe(u32 proxy, u8 kind, const u64 *args, u32 nargs, u32 key_len,
		       u32 snap_arg, u32 snap_len);
struct dusk_late_hit *dusk_late_fill(u32 proxy, u8 kind, const u64 *args, u32 nargs,
				     u32 key_len, u32 snap_arg, u32 snap_len, u64 key,
				     void *owner);
void dusk_late_queue(struct dusk_late_hit *h);
void dusk_late_copy_in_place(struct dusk_late_hit *h, u32 arg);
void dusk_late_drop(struct dusk_late_hit *h);
void dusk_late_discard(struct dusk_late_hit *h);
bool dusk_late_lent(const struct dusk_pending *p, u64 addr, u64 len);
void dusk_late_resolve(struct dusk_pending *p, int err, u64 ret);
void dusk_late_drain(u64 key);
void dusk_late_forget_all(void);
bool dusk_late_raising(void);
void dusk_kbd_forget_all(void);
void dusk_kprobe_after_call(const struct dusk_call *c);
bool dusk_kprobe_acts_on(const struct dusk_stub_desc *s);
void dusk_kbd_answered(u64 ret);
void dusk_kbd_before_call(const struct dusk_call *c);
void dusk_kbd_after_call(const struct dusk_call *c);
bool dusk_kbd_acts_on(const struct dusk_stub_desc *s);
/* kretprobe.c: a kretprobe's instances between its entry and return hits */
void dusk_kret_resolved(void *owner, u8 kind, int err, u64 ret);
void dusk_kret_unregistered(u64 rp);
void dusk_kret_forget_all(void);
bool dusk_kret_refused(const struct dusk_call *c);
/* notiflate.c: notifiers on the kernel's atomic chains observed late */
bool dusk_notif_observe(u32 proxy, const u64 *args, u32 nargs);
void dusk_notif_after_call(const struct dusk_call *c);
bool dusk_notif_acts_on(const struct dusk_stub_desc *s);
/* tracepoint.c: tracepoint probes observed late */
int dusk_tp_before_call(struct dusk_call *c, u64 *a, struct dusk_bounce *b);
void dusk_tp_after_call(const struct dusk_call *c, const u64 *a);
bool dusk_tp_acts_on(const struct dusk_stub_desc *s);
void dusk_tp_forget_all(void);

/* notifchain.c: the module's own atomic notifier chains walked here, under
 * SRCU, so that the program's callbacks on them run */
bool dusk_chain_call(struct dusk_call *c, const u64 *a);

/* rcufree.c: the program's kfree_rcu() waits for its readers too */
bool dusk_rcufree_defer(struct dusk_call *c, const u64 *a);
void dusk_rcufree_exit(void);
void dusk_chain_after_call(const struct dusk_call *c);
bool dusk_chain_acts_on(const struct dusk_stub_desc *s);

/* napi.c: a network driver's NAPI poll runs in the program, late */
void dusk_napi_before_call(const struct dusk_call *c, u64 *a, struct dusk_bounce *b);
bool dusk_napi_bh(const struct dusk_call *c);
bool dusk_napi_acts_on(const struct dusk_stub_desc *s);
void dusk_napi_forget_all(void);

/* irq.c: a driver's hard interrupt handler, run in the line's thread */
int dusk_irq_before_call(struct dusk_call *c, u64 *a, struct dusk_bounce *b);
void dusk_irq_after_call(const struct dusk_call *c, const u64 *a);
bool dusk_irq_acts_on(const struct dusk_stub_desc *s);
void dusk_irq_forget_all(void);

/* irqdefer.c: async callbacks called in hard interrupt context */
void dusk_irqdefer_flush(void);
void dusk_irqdefer_exit(void);

/* calldefer.c: calls that cannot run inside the program's request */
bool dusk_call_must_defer(const struct dusk_call *c);
int dusk_call_defer(struct genl_info *info, struct dusk_call *c);
int dusk_calldefer_init(void);
void dusk_calldefer_exit(void);

/* skbhand.c: packets handed over to the program (packet_type handlers) */
int dusk_skbh_init(void);
void dusk_skbh_exit(void);
void dusk_skbh_given_back(struct sk_buff *skb);
void dusk_skbh_flush(void);
/* skbpurge.c: queue purges and list frees of the session's packets */
bool dusk_skbpurge_acts_on(const struct dusk_stub_desc *s);
void dusk_skbpurge_before_call(const struct dusk_call *c);
void dusk_pins_drop(const struct dusk_pins *pins);
int dusk_upcall_async_skb(u32 proxy, const u64 *args, u32 nargs, struct sk_buff *skb,
			  const struct dusk_pins *pins);

/* netstats.c: a network driver's statistics where they cannot run */
void dusk_netstats_exit(void);

/* xtmatch.c, hrtimer.c, late.c: any sync kind: resolve @p (off the pending
 * list) with the program's answer, or by the policy when @err. */
static inline void dusk_sync_resolve(struct dusk_pending *p, int err, u64 ret)
{
	if (p->kind == DUSK_PENDING_XT)
		dusk_xt_resolve(p, err, ret);
	else if (p->kind == DUSK_PENDING_LATE)
		dusk_late_resolve(p, err, ret);
	else
		dusk_hrtimer_resolve(p, err, ret);
}

#endif /* DUSK_CORE_H */
