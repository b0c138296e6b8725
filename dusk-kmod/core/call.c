// SPDX-License-Identifier: GPL-2.0
/*
 * CALL: the program calls a kernel function through a generated stub (the
 * undo records of what those calls register are in undo.c).
 *
 * Only stubs of dusk_gen.stubs can be called: the whitelist is the module's
 * own source.  A DUSK_STUB_INDIRECT stub calls the function pointer in its
 * first argument, which must be a function entry (a kernel symbol's start
 * in executable memory).  A CALL
 * without CTX, or with the CTX of an upcall raised in atomic context, runs
 * here, in the program's own process context.  With
 * the CTX of a blocked caller it is handed to that caller, which runs it in
 * its own context (copy_to_user reaches the caller's buffer) while this
 * request waits for it.
 *
 * Stub results are interpreted by the stub's flags: DUSK_STUB_ALLOC results
 * become owned memory (writable by WRITE, freed at teardown; with
 * DUSK_STUB_SKB an sk_buff and its data area), the memory
 * DUSK_STUB_FREE* stubs give back stops being owned (dusk_freed_arg()), DUSK_STUB_PRINTK stubs return
 * the text they printed.  A kmem_cache_destroy() first frees the session's
 * objects still in the cache; a free of one of those later is not made
 * again (slab.c).  Calls matching a dusk_gen.undo pair add or
 * forget an undo record (undo.c).
 */
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/pgtable.h>
#include "dusk-core.h"

static DEFINE_MUTEX(dusk_text_lock);
static char dusk_text[DUSK_MAX_TEXT];

/**
 * dusk_text_buf() - the DUSK_MAX_TEXT-byte buffer a printk-family stub
 * formats into.  Valid only while the core runs that stub.
 */
char *dusk_text_buf(void)
{
	return dusk_text;
}

/*
 * Stubs that write through a pointer the program passes: the destination
 * argument and its size (an argument index, or a fixed size).  Kernel
 * memory there must pass the WRITE rule, or the CALL is -EACCES and the
 * stub does not run: a stale or wrong pointer must not make the kernel
 * write where WRITE would not.  (Pointers below KBASE are the program's
 * own memory and are left to the stub.)
 */
static const struct {
	const char *fn;
	u8 dst;
	s8 len_arg;	/* -1: fixed size */
	u8 size;
} dusk_writing_stubs[] = {
	{ "_copy_from_user", 0, 2, 0 },
	{ "copy_from_user", 0, 2, 0 },
	{ "strncpy_from_user", 0, 2, 0 },
	{ "strscpy", 0, 2, 0 },
	{ "simple_write_to_buffer", 0, 1, 0 },
	{ "kstrtoint", 2, -1, 4 },
	{ "kstrtouint", 2, -1, 4 },
	{ "kstrtol", 2, -1, 8 },
	{ "kstrtoul", 2, -1, 8 },
	{ "kstrtoll", 2, -1, 8 },
	{ "kstrtoull", 2, -1, 8 },
	{ "kstrtou8", 2, -1, 1 },
	{ "kstrtos8", 2, -1, 1 },
	{ "kstrtou16", 2, -1, 2 },
	{ "kstrtos16", 2, -1, 2 },
	{ "kstrtobool", 1, -1, 1 },
	{ "kstrtoint_from_user", 3, -1, 4 },
	{ "kstrtouint_from_user", 3, -1, 4 },
	{ "kstrtol_from_user", 3, -1, 8 },
	{ "kstrtoul_from_user", 3, -1, 8 },
};

/* Does a call of @s with @args write only where the program may?  */
static bool dusk_stub_dst_ok(const struct dusk_stub_desc *s, const u64 *args)
{
	u64 dst, len;
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_writing_stubs); i++)
		if (!strcmp(s->name, dusk_writing_stubs[i].fn))
			break;
	if (i == ARRAY_SIZE(dusk_writing_stubs) || dusk_writing_stubs[i].dst >= s->nargs ||
	    dusk_writing_stubs[i].len_arg >= (s8)s->nargs)
		return true;
	dst = args[dusk_writing_stubs[i].dst];
	len = dusk_writing_stubs[i].len_arg < 0 ? dusk_writing_stubs[i].size :
	      args[dusk_writing_stubs[i].len_arg];
	if (dst < dusk_kspace_start() || !len)
		return true;
	return dusk_may_write_now(dst, len);
}

/* Does @stub unregister Netfilter hooks? */
static bool dusk_is_nf_unreg(u32 stub)
{
	const char *name = dusk_gen.stubs[stub].name;

	return !strcmp(name, "nf_unregister_net_hook") || !strcmp(name, "nf_unregister_net_hooks");
}

/*
 * The memory a DUSK_STUB_FREE* stub gives back, or NULL: args[0] (kfree,
 * vfree, krealloc), args[1] (kmem_cache_free), the last one (the sk_buff
 * of ip_local_out() and other output functions), or the object of a
 * kvfree_call_rcu() (kfree_rcu: head - offset, or the pointer itself when
 * head is NULL).  It stops being the session's before the call (it is no
 * longer writable, and teardown does not free it again).
 */
static void *dusk_freed_arg(const struct dusk_stub_desc *s, const u64 *args)
{
	if (s->flags & DUSK_STUB_FREE_RCU && s->nargs >= 2)
		return (void *)(uintptr_t)(args[0] ? args[0] - args[1] : args[1]);
	if (s->flags & DUSK_STUB_FREE_ARG1 && s->nargs >= 2)
		return (void *)(uintptr_t)args[1];
	if (s->flags & DUSK_STUB_FREE_LAST && s->nargs >= 1)
		return (void *)(uintptr_t)args[s->nargs - 1];
	if (s->flags & DUSK_STUB_FREE && s->nargs >= 1)
		return (void *)(uintptr_t)args[0];
	return NULL;
}

/* Did the core free @obj already, with its slab cache?  Takes the lock. */
static bool dusk_freed_by_core(const void *obj)
{
	bool done;

	mutex_lock(&dusk_sess.lock);
	done = dusk_slab_freed_already(obj);
	mutex_unlock(&dusk_sess.lock);
	return done;
}

/*
 * Kernel functions only hard interrupt context calls: they run an
 * interrupt's flow handler (handle_simple_irq() and kin expect interrupts
 * off; __handle_irq_event_percpu() warns when a handler returns with them
 * on, and turns them off).  A module calls them from its callbacks of
 * interrupt context (an hrtimer function firing an IIO trigger, as
 * iio-trig-hrtimer does), which the program runs late, in process
 * context: there the call warned and returned with interrupts off, and
 * the program was stopped (probe round p65).  The kmod makes these calls
 * with local interrupts off, as the kernel build's caller had them.
 */
static const char *const dusk_irqoff_calls[] = {
	"iio_trigger_poll", "generic_handle_irq", "generic_handle_domain_irq",
};

/*
 * Call the stub with the core copies @b made of what it reads
 * (stubargs.c) in @a, and the other arguments as the bookkeeping left them
 * in c->args (which keep the program's pointers).
 */
static void dusk_call_run(struct dusk_call *c, u64 *a, const struct dusk_bounce *b)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	struct dusk_callctx was;
	int err;
	int i;

	for (i = 0; i < c->nargs; i++)
		if (!(b->replaced & BIT(i)))
			a[i] = c->args[i];
	/* A module parameter's ops, or a kernel call they make, run under
	 * the parameter lock (parse_one(), param_attr_store()): kernel code
	 * such as param_array_set() checks it.  The program's parameters have
	 * no struct module of theirs: kp->mod is NULL, the lock the built-in
	 * parameters' (KPARAM_MUTEX(NULL)). */
	if (c->param_lock)
		kernel_param_lock(NULL);
	dusk_callctx_save(&was);	/* the text lock leaves the context as it was */
	if (s->flags & DUSK_STUB_PRINTK) {
		mutex_lock(&dusk_text_lock);
		dusk_text[0] = '\0';
		c->ret = s->fn(a);
		strscpy(c->text, dusk_text, DUSK_MAX_TEXT);
		mutex_unlock(&dusk_text_lock);
	} else if (!dusk_stub_plain(c->stub) &&	/* no name search on plain calls */
		   dusk_stub_in(s->name, dusk_irqoff_calls, )) {
		unsigned long flags;

		local_irq_save(flags);
		c->ret = s->fn(a);
		local_irq_restore(flags);
	} else {
		c->ret = s->fn(a);
	}
	err = dusk_callctx_check(s->name, &was);
	if (err)
		c->err = err;	/* the program stops (callctx.c) */
	if (c->param_lock)
		kernel_param_unlock(NULL);
}

/*
 * Kernel functions whose callbacks the program cannot run: they run in
 * atomic context and must be done with when they return.  A blocking
 * proxy there answers -EWOULDBLOCK without running them: a kprobe's
 * pre_handler that answers non-zero tells its caller "I changed regs->ip"
 * (the probed function resumed one byte in and the kernel oopsed); an
 * ftrace callback would silently never run, on every hit of a hot kernel
 * path (kprobe handlers and tracepoint probes are observed late instead:
 * kprobe.c, tracepoint.c; a blk-mq tag set is made BLK_MQ_F_BLOCKING,
 * its ->complete() run late: blkmq.c).  So the
 * registration itself is refused, named in the kernel log, and the module
 * sees -EOPNOTSUPP
 * (docs/kapi.md, "Synchronous callbacks").
 */
#define DUSK_ATOMIC_WHY "cannot run in a user build (atomic context, answered at once)"

/*
 * Netfilter hooks of the families nf_reinject() cannot resume (nfq.c):
 * ARP, netdev ingress and egress, and NFPROTO_INET's ingress hook.  Their
 * proxy answered the failure policy's verdict without running the hook, so
 * an ingress filter silently filtered nothing (probe round p64).  @c is
 * nf_register_net_hook(net, ops) or nf_register_net_hooks(net, ops, n);
 * the ops are read without faulting (the program's mirror, or the kernel
 * would fault on them itself).
 */
static bool dusk_nf_hooks_unresumable(const struct dusk_call *c)
{
	bool many = c->nargs >= 3 && !strcmp(dusk_gen.stubs[c->stub].name, "nf_register_net_hooks");
	u64 n = many ? min_t(u64, c->args[2], 64) : 1, i;
	struct nf_hook_ops ops;

	for (i = 0; c->nargs >= 2 && i < n; i++) {
		const void *at = (const void *)(uintptr_t)(c->args[1] + i * sizeof(ops));

		if (copy_from_kernel_nofault(&ops, at, sizeof(ops)))
			return false;	/* the kernel's own call answers -EFAULT's kin */
		if (ops.pf == NFPROTO_IPV4 || ops.pf == NFPROTO_IPV6 ||
		    (ops.pf == NFPROTO_INET && ops.hooknum != NF_INET_INGRESS) ||
		    (IS_ENABLED(CONFIG_NETFILTER_FAMILY_BRIDGE) && ops.pf == NFPROTO_BRIDGE))
			continue;
		return true;
	}
	return false;
}

/*
 * A network device with header_ops of the module's own (LDD3's snull
 * builds its Ethernet header in ->create()): the stack calls ->create()
 * under rcu_read_lock_bh() for every packet it sends (neigh_connected_output(),
 * neigh_resolve_output()), ->cache() under the neighbour's lock, ->parse()
 * in the receive softirq.  A blocking proxy's -EWOULDBLOCK from ->create()
 * made the stack drop every packet unsent (probe round p64).  @c is
 * register_netdev(dev) or register_netdevice(dev).
 */
static bool dusk_netdev_own_header_ops(const struct dusk_call *c)
{
	const struct header_ops *hops;
	struct header_ops h;

	if (c->nargs < 1 ||
	    copy_from_kernel_nofault(&hops, (const void *)(uintptr_t)(c->args[0] +
						offsetof(struct net_device, header_ops)),
				     sizeof(hops)) ||
	    !hops || copy_from_kernel_nofault(&h, hops, sizeof(h)))
		return false;
	return dusk_proxy_of(h.create) >= 0 || dusk_proxy_of(h.parse) >= 0 ||
	       dusk_proxy_of(h.cache) >= 0 || dusk_proxy_of(h.cache_update) >= 0 ||
	       dusk_proxy_of(h.validate) >= 0 || dusk_proxy_of(h.parse_protocol) >= 0;
}

static const struct {
	const char *name;
	const char *what;
	/* refused only when this argument (a callback) is not NULL; 0: always
	 * (argument 0 is never the callback) */
	u8 when_arg;
	/* refused only when this says so (NULL: as when_arg says) */
	bool (*when)(const struct dusk_call *c);
	/* the function returns nothing the module could test: the program
	 * stops at the call, naming it, instead of going on unregistered */
	bool stop;
} dusk_refused_calls[] = {
	/* register_kprobe() and register_kretprobe() are observed late
	 * (kprobe.c, kretprobe.c); an array has no undo */
	{ "register_kprobes", "kprobe arrays cannot run in a user build (register_kprobe() can)" },
	{ "register_kretprobes",
	  "kretprobe arrays cannot run in a user build (register_kretprobe() can)" },
	{ "register_ftrace_function", "ftrace callbacks " DUSK_ATOMIC_WHY },
	/* enqueue()/dequeue(), classify() and act() run under the qdisc lock
	 * in softirq or transmit context */
	{ "register_qdisc", "tc qdiscs " DUSK_ATOMIC_WHY },
	{ "register_tcf_proto_ops", "tc classifiers " DUSK_ATOMIC_WHY },
	{ "tcf_register_action", "tc actions " DUSK_ATOMIC_WHY },
	/* cross-CPU function calls run the function in IPI (hard interrupt)
	 * context; on_each_cpu*() are inlines of on_each_cpu_cond_mask() */
	{ "on_each_cpu_cond_mask", "IPI functions " DUSK_ATOMIC_WHY },
	{ "smp_call_function", "IPI functions " DUSK_ATOMIC_WHY },
	{ "smp_call_function_single", "IPI functions " DUSK_ATOMIC_WHY },
	{ "smp_call_function_single_async", "IPI functions " DUSK_ATOMIC_WHY },
	{ "smp_call_function_many", "IPI functions " DUSK_ATOMIC_WHY },
	{ "smp_call_function_any", "IPI functions " DUSK_ATOMIC_WHY },
	/* the function runs on a CPU stopper thread with preemption (and,
	 * for stop_machine(), interrupts) off while every other CPU spins:
	 * its proxy answered -EWOULDBLOCK without running it (thirteenth
	 * round of probes) */
	{ "stop_machine", "stop_machine functions " DUSK_ATOMIC_WHY },
	{ "stop_core_cpuslocked", "stop_machine functions " DUSK_ATOMIC_WHY },
	/* sysrq handlers run under rcu_read_lock(), from the keyboard's
	 * interrupt (keyboard notifiers are observed late: kbdnotif.c) */
	{ "register_sysrq_key", "sysrq handlers " DUSK_ATOMIC_WHY },
	/* the packet path, in softirq: a congestion control's callbacks run
	 * on every ACK (tcp_ack()), a conntrack helper's help() from the
	 * confirm hook with a verdict for result, an nf_tables expression's
	 * eval() and a stateful object's in nft_do_chain() under RCU */
	{ "tcp_register_congestion_control", "TCP congestion control " DUSK_ATOMIC_WHY },
	{ "nf_conntrack_helper_register", "conntrack helpers " DUSK_ATOMIC_WHY },
	{ "nf_conntrack_helpers_register", "conntrack helpers " DUSK_ATOMIC_WHY },
	{ "nft_register_expr", "nf_tables expressions " DUSK_ATOMIC_WHY },
	{ "nft_register_obj", "nf_tables objects " DUSK_ATOMIC_WHY },
	/* a device's rx_handler decides a received frame's way in the
	 * receive softirq; the answer a blocking proxy gives there
	 * (-EWOULDBLOCK) is no rx_handler_result_t, and
	 * __netif_receive_skb_core() BUG()s on it */
	{ "netdev_rx_handler_register", "network device rx_handlers " DUSK_ATOMIC_WHY, 1 },
	/* a hardware breakpoint's handler runs in the debug exception, a perf
	 * counter's overflow handler in NMI: their blocking proxies answered
	 * at once and the handler silently never ran (seventeenth round of
	 * probes).  Without a handler (NULL) the event only counts: served */
	{ "register_wide_hw_breakpoint", "hardware breakpoint handlers " DUSK_ATOMIC_WHY, 1 },
	{ "register_user_hw_breakpoint", "hardware breakpoint handlers " DUSK_ATOMIC_WHY, 1 },
	{ "perf_event_create_kernel_counter", "perf overflow handlers " DUSK_ATOMIC_WHY, 3 },
	/* serial_core calls a port's start_tx(), stop_tx(), set_mctrl(),
	 * get_mctrl() and most of its uart_ops under the port lock with
	 * interrupts off: start_tx() never ran, nothing written to the tty
	 * was ever sent, and get_mctrl() answered an error code for modem
	 * lines (twentieth round of probes).  uart_register_driver() alone
	 * (the tty driver) calls nothing of the module's */
	{ "uart_add_one_port", "serial_core UART ports " DUSK_ATOMIC_WHY },
	/* a per-CPU hotplug thread asks thread_should_run() with preemption
	 * off: its proxy's -EWOULDBLOCK read as "run", and thread_fn() would
	 * be called for ever.  The descriptor's store is a __percpu pointer
	 * to the module's DEFINE_PER_CPU variable, which the user build keeps
	 * in the program: the kernel's per-CPU offsets added to its mirror
	 * made a general protection fault in __smpboot_create_thread()
	 * (probe round p63) */
	{ "smpboot_register_percpu_thread", "per-CPU hotplug threads " DUSK_ATOMIC_WHY },
	/* a Netfilter logger's logfn runs under rcu_read_lock() in the packet
	 * path (nf_log_packet(), the LOG target) on a packet its caller
	 * frees at once: it never ran, every packet went unlogged (probe
	 * round p63) */
	{ "nf_log_register", "Netfilter loggers " DUSK_ATOMIC_WHY },
	/* timekeeping calls a clocksource's read() with interrupts off,
	 * under the timekeeper's seqcount (at the switch to it under
	 * stop_machine(), then every tick): its proxy's -EWOULDBLOCK was
	 * read as the counter, time stood still and the guest hung at its
	 * next sleep (probe round p65).  clocksource_register_hz() and
	 * _khz() are inlines of __clocksource_register_scale() */
	{ "__clocksource_register_scale", "clocksources " DUSK_ATOMIC_WHY },
	/* the perf core calls a PMU's add(), del(), start(), stop() and
	 * read() with interrupts off (the IPI installing an event on its
	 * CPU, every context switch of a task's events): add() answered
	 * -EWOULDBLOCK without running and a counter on the PMU always
	 * read 0 (probe round p65).  event_init() alone runs in process
	 * context */
	{ "perf_pmu_register", "PMUs " DUSK_ATOMIC_WHY },
	/* the block layer calls a SCSI host's queuecommand() under RCU (its
	 * tag set is not BLK_MQ_F_BLOCKING, and 6.1's SCSI midlayer cannot ask
	 * for one): the proxy's -EWOULDBLOCK reads as "host busy", the command
	 * is requeued for ever and the scan of the new host never ends (probe
	 * round p65).  scsi_add_host() is an inline of it; a host only
	 * allocated (scsi_host_alloc()) is served */
	{ "scsi_add_host_with_dma", "SCSI hosts " DUSK_ATOMIC_WHY },
	/* a live patch redirects a kernel function to the module's own for
	 * every caller, in whatever context it runs (interrupts off, under
	 * spinlocks), and 6.1 takes a patch back only through sysfs
	 * (klp_disable_patch() is gone), never for a program that died; the
	 * kmod is no livepatch module either, so the kernel refused it with
	 * a misleading reason ("not marked as a livepatch module") */
	{ "klp_enable_patch", "kernel live patches cannot run in a user build (a patched "
	  "function runs the module's in its callers' context, and a patch cannot be taken "
	  "back when the program dies)" },
	/* a pstore backend's write() stores the kernel log from
	 * kmsg_dump() in the oops and panic paths, with interrupts off: it
	 * would never run when it matters.  And the record a read() fills
	 * in keeps a buffer the module kmalloc()ed, which pstore kfree()s
	 * when the file is evicted: still the session's, teardown freed it a
	 * second time (SLUB "Object already free", probe round p66) */
	{ "pstore_register", "pstore backends " DUSK_ATOMIC_WHY },
	/* a conntrack event notifier's ct_event runs in the packet path (the
	 * confirm hook, nf_ct_deliver_cached_events()) and under the dying
	 * list's lock: its -EWOULDBLOCK marked every event missed, none was
	 * delivered, and destroyed conntracks waited on the dying list for a
	 * delivery that never came (probe round p64).  It returns void */
	{ "nf_conntrack_register_notifier", "conntrack event notifiers " DUSK_ATOMIC_WHY, 0,
	  NULL, true },
	{ "nf_register_net_hook", "Netfilter hooks of families other than IPv4, IPv6 and "
	  "bridge (ARP, netdev ingress/egress) cannot be resumed after the program's verdict",
	  0, dusk_nf_hooks_unresumable },
	{ "nf_register_net_hooks", "Netfilter hooks of families other than IPv4, IPv6 and "
	  "bridge (ARP, netdev ingress/egress) cannot be resumed after the program's verdict",
	  0, dusk_nf_hooks_unresumable },
	{ "register_netdev", "network device header_ops of the module's own " DUSK_ATOMIC_WHY,
	  0, dusk_netdev_own_header_ops },
	{ "register_netdevice", "network device header_ops of the module's own " DUSK_ATOMIC_WHY,
	  0, dusk_netdev_own_header_ops },
};

/*
 * Is call @c refused?  Then the kernel log names it, and the module sees
 * -EOPNOTSUPP as the call's result, or, for a function that returns
 * nothing, the program stops at the call with that error.
 */
static bool dusk_call_refused(struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_refused_calls); i++) {
		u8 arg = dusk_refused_calls[i].when_arg;

		if (strcmp(name, dusk_refused_calls[i].name) ||
		    (arg && (arg >= c->nargs || !c->args[arg])) ||
		    (dusk_refused_calls[i].when && !dusk_refused_calls[i].when(c)))
			continue;
		pr_err("%s: %s: %s: refused, -EOPNOTSUPP\n", dusk_family.name,
		       name, dusk_refused_calls[i].what);
		if (dusk_refused_calls[i].stop)
			c->err = -EOPNOTSUPP;
		return true;
	}
	return false;
}

/**
 * dusk_call_acts_on() - does dusk_call_exec() itself act around calls of
 * @s: memory the session gets or gives back, a destination it checks, a
 * registration it refuses, Netfilter hooks it lets go of, a call it makes
 * with interrupts off?
 */
bool dusk_call_acts_on(const struct dusk_stub_desc *s)
{
	return (s->flags & (DUSK_STUB_ALLOC | DUSK_STUB_FREE_ANY)) ||
	       dusk_stub_in(s->name, dusk_writing_stubs, .fn) ||
	       dusk_stub_in(s->name, dusk_refused_calls, .name) ||
	       dusk_stub_in(s->name, dusk_irqoff_calls, ) ||
	       dusk_is_nf_unreg(s - dusk_gen.stubs);
}

/*
 * A call of a stub no concern acts around (stubclass.c): it runs, and
 * that is all.  It reads no format or string the program passes, waits
 * for no callback of the program, and registers, allocates and frees
 * nothing the session tracks.
 */
static void dusk_call_exec_plain(struct dusk_call *c)
{
	struct dusk_bounce none = { .n = 0, .replaced = 0 };
	u64 a[DUSK_MAX_ARGS];

	dusk_call_run(c, a, &none);
	dusk_count(DUSK_STAT_CALLS, 1);
}

/* dusk_call_exec()'s body: the call and its bookkeeping. */
static void dusk_call_exec_body(struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	struct dusk_undo_rec *rec;
	struct dusk_sync sync;
	struct dusk_bounce b;
	u64 a[DUSK_MAX_ARGS];
	enum dusk_region_kind kind;
	void *p, *freed;
	size_t size;
	int irq_err;

	/* objects late callbacks were given outlive them (voidlate.c) */
	dusk_voidlate_wait(c);
	if (dusk_stub_plain(c->stub)) {
		dusk_call_exec_plain(c);
		return;
	}
	if (!dusk_stub_dst_ok(s, c->args)) {
		c->err = -EACCES;
		return;
	}
	if (dusk_call_refused(c) || dusk_kret_refused(c)) {
		c->ret = (u64)-EOPNOTSUPP;
		return;
	}
	/* what it reads is checked and copied before anything else happens */
	memcpy(a, c->args, sizeof(a));
	c->err = dusk_stub_args_bounce(s, a, &b);
	if (c->err)
		goto out;
	freed = dusk_freed_arg(s, c->args);
	if (freed && !(s->flags & DUSK_STUB_ALLOC) && dusk_freed_by_core(freed)) {
		c->ret = 0;	/* freed with its cache already (slab.c) */
		goto out;
	}
	if (dusk_usermap_keep(c, freed && !(s->flags & DUSK_STUB_ALLOC) ? (unsigned long)freed : 0))
		goto out;	/* a process maps it: kept until module exit (usermap.c) */
	if (dusk_dmabuf_keep(c, freed && !(s->flags & DUSK_STUB_ALLOC) ? (unsigned long)freed : 0))
		goto out;	/* a live dma-buf uses it: kept until its release (dmabuf.c) */
	if (dusk_slab_before_bulk_free(c))
		goto out;	/* the core freed them (slab.c) */
	c->err = dusk_undo_prepare(c->stub, &rec);
	if (c->err)
		goto out;
	dusk_fops_pin(c->stub, c->args);
	dusk_sync_begin(c, &sync);
	if (dusk_is_nf_unreg(c->stub)) {
		/* A stolen packet is a hook still running, which the kernel's
		 * unregistration waits for (synchronize_net()): the program
		 * decides those it can first, as the wait after the call would
		 * (syncwait.c, within the same time); the rest resume by the
		 * policy while the hook is still there.  Only the packets: the
		 * handlers' and the timers' upcalls do not need the hook. */
		dusk_sync_wait(&sync);
		dusk_pending_flush_packets();
	}
	/* xtables matches and targets, hrtimers (xtmatch.c, xttarget.c, hrtimer.c) */
	dusk_xtreg_before_call(c);
	dusk_hrtimer_before_call(c);
	dusk_skbpurge_before_call(c);
	dusk_kbd_before_call(c);
	dusk_pernet_before_call(c);
	dusk_seqfile_before_call(c);
	dusk_devres_before_call(c);
	dusk_handed_before_call(c);
	dusk_netdev_before_call(c);
	dusk_gup_before_call(c);
	dusk_pages_before_call(c);
	dusk_klock_before_call(c);
	dusk_socklock_before_call(c);
	dusk_ksocket_before_call(c);
	dusk_blkmq_before_call(c);
	if (freed && !(s->flags & DUSK_STUB_ALLOC)) {
		mutex_lock(&dusk_sess.lock);
		dusk_region_forget(freed);
		mutex_unlock(&dusk_sess.lock);
	}
	if (dusk_slab_is_destroy(s)) {
		mutex_lock(&dusk_sess.lock);
		dusk_slab_before_destroy((struct kmem_cache *)(uintptr_t)c->args[0]);
		mutex_unlock(&dusk_sess.lock);
	}

	dusk_napi_before_call(c, a, &b);
	irq_err = dusk_irq_before_call(c, a, &b);
	if (!irq_err && (dusk_tp_before_call(c, a, &b) || dusk_socklock_instead(c, a) ||
			  dusk_rhtwalk_instead(c, a)))
		irq_err = 1;	/* c->ret is the core's answer */

	/* the module's own atomic notifier chain: walked by the core, whose
	 * walk lets its callbacks run (notifchain.c) */
	if (irq_err < 0) {
		c->ret = (u64)(s64)irq_err;	/* the line was not requested */
	} else if (!irq_err && !dusk_chain_call(c, a) && !dusk_rcufree_defer(c, a)) {
		bool bh = dusk_napi_bh(c);	/* a NAPI poll's delivery (napi.c) */

		if (bh)
			local_bh_disable();
		dusk_call_run(c, a, &b);
		if (bh)
			local_bh_enable();
	}
	dusk_count(DUSK_STAT_CALLS, 1);
	/* the callbacks it waited for have run in the program too (syncwait.c);
	 * a run after one was in flight cancels what it re-armed, and the
	 * timer was deactivated if either run did (del_timer_sync()'s result) */
	while (dusk_sync_wait(&sync)) {
		u64 first = c->ret;

		dusk_call_run(c, a, &b);
		c->ret |= first;
	}
	dusk_xtreg_after_call(c);
	dusk_irq_after_call(c, a);
	dusk_tp_after_call(c, a);
	dusk_pernet_after_call(c);
	dusk_seqfile_after_call(c);
	dusk_devres_after_call(c);
	dusk_handed_after_call(c);
	dusk_netdev_after_call(c);
	dusk_gup_after_call(c);
	dusk_pages_after_call(c);
	dusk_usermap_after_call(c);
	dusk_dmabuf_after_call(c);
	dusk_klock_after_call(c);
	dusk_socklock_after_call(c);
	dusk_kprobe_after_call(c);
	dusk_kbd_after_call(c);
	dusk_notif_after_call(c);
	dusk_chain_after_call(c);

	mutex_lock(&dusk_sess.lock);
	/* krealloc: the old block is given back only when a new one came. */
	if (freed && (s->flags & DUSK_STUB_ALLOC) && !IS_ERR_OR_NULL((void *)(uintptr_t)c->ret))
		dusk_region_forget(freed);
	if ((s->flags & DUSK_STUB_ALLOC) && !IS_ERR_OR_NULL((void *)(uintptr_t)c->ret) &&
	    !ZERO_OR_NULL_PTR((void *)(uintptr_t)c->ret) && !dusk_slab_alloc_not_owned(s, c->args)) {
		p = (void *)(uintptr_t)c->ret;
		kind = s->flags & DUSK_STUB_SKB ? DUSK_REGION_SKB : DUSK_REGION_ALLOC;
		size = dusk_owned_size(p, kind);
		/* Beyond mem_max_mb, or no memory to track it: given back at
		 * once, the program sees an allocation failure. */
		if (!dusk_region_room(size) || dusk_region_add(p, size, kind)) {
			dusk_owned_free(p, kind);
			c->ret = 0;
		} else {
			dusk_slab_after_alloc(s, c->args, p);
		}
	}
	dusk_slab_after_bulk_alloc(c);
	dusk_slab_after_create(c);
	dusk_undo_after(c->stub, c->args, c->ret, rec);
	mutex_unlock(&dusk_sess.lock);
out:
	dusk_stub_args_release(&b);
}

/**
 * dusk_call_exec() - run one validated stub call and do its bookkeeping.
 * @c: stub index and arguments checked by dusk_nl_call(); ret (and text,
 *     for PRINTK stubs) are filled in, or err when the stub did not run.
 *
 * Every concern that acts around some calls here must name them in its
 * *_acts_on() (stubclass.c): a stub none names takes the plain path.
 * The callbacks that answer nothing which the call raised in atomic
 * context run before it returns (voidlate.c, "scopes").
 *
 * Context: process (the program's, or a blocked caller's); no dusk lock
 * held.  Stubs may sleep.
 */
void dusk_call_exec(struct dusk_call *c)
{
	struct dusk_voidlate_scope scope;

	dusk_voidlate_enter(&scope);
	dusk_call_exec_body(c);
	dusk_voidlate_leave(&scope);
}

/*
 * The target of a DUSK_STUB_INDIRECT call must be a function entry: where
 * a kernel symbol starts (kallsyms: sprint_symbol() says "+0x0/") in
 * executable memory (the page is mapped without NX).  KALLSYMS_ALL lists
 * data symbols too, so the symbol test alone would let a program "call"
 * a variable; the page test alone would accept the middle of a function.
 * A garbage, misaligned or data pointer from a buggy program is refused
 * instead of being jumped to.  (No text-address test is exported to
 * modules; sprint_symbol() and lookup_address() are.)  arm64 exports no
 * page-table walk to modules: there the target must be a symbol's start
 * and instruction-aligned, so a data symbol is not refused.
 */
static bool dusk_indirect_ok(u64 fn)
{
	char sym[KSYM_SYMBOL_LEN];
#ifdef CONFIG_X86
	unsigned int level;
	pte_t *pte;
#endif

	if (fn < dusk_kspace_start())
		return false;
#ifdef CONFIG_X86
	pte = lookup_address((unsigned long)fn, &level);
	if (!pte || !pte_present(*pte) || (pte_flags(*pte) & _PAGE_NX))
		return false;
#else
	if (fn & 3)
		return false;
#endif
	sprint_symbol(sym, (unsigned long)fn);
	return strstr(sym, "+0x0/") != NULL;
}

/* Validate STUB and ARGS of a CALL into @c.  Return: 0 or -EINVAL. */
static int dusk_call_parse(struct genl_info *info, struct dusk_call *c)
{
	struct nlattr **tb = info->attrs;
	u32 len;

	if (!tb[DUSK_A_STUB] || !tb[DUSK_A_ARGS]) {
		NL_SET_ERR_MSG(info->extack, "CALL needs STUB and ARGS");
		return -EINVAL;
	}
	c->stub = nla_get_u32(tb[DUSK_A_STUB]);
	if (c->stub >= dusk_gen.nstubs) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DUSK_A_STUB], "no such stub");
		return -EINVAL;
	}
	len = nla_len(tb[DUSK_A_ARGS]);
	if (len % sizeof(u64) || len / sizeof(u64) != dusk_gen.stubs[c->stub].nargs) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DUSK_A_ARGS],
				    "ARGS must hold exactly the stub's u64 arguments");
		return -EINVAL;
	}
	c->nargs = len / sizeof(u64);
	memcpy(c->args, nla_data(tb[DUSK_A_ARGS]), len);
	if (dusk_task_state_parse(info, c))
		return -EINVAL;
	c->param_lock = info->attrs[DUSK_A_PARAM_LOCK] && nla_get_u32(info->attrs[DUSK_A_PARAM_LOCK]);
	if ((dusk_gen.stubs[c->stub].flags & DUSK_STUB_INDIRECT) &&
	    (!c->nargs || !dusk_indirect_ok(c->args[0]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DUSK_A_ARGS],
				    "indirect call target is not the start of a kernel function");
		return -EINVAL;
	}
	return 0;
}

/**
 * dusk_call_answer() - the answer to CALL @c of request @seq from @portid:
 * RET, TEXT for a PRINTK stub, TASK_STATE unless running.
 * Return: the message, or an ERR_PTR.
 */
struct sk_buff *dusk_call_answer(const struct dusk_call *c, u32 portid, u32 seq)
{
	struct sk_buff *msg;
	void *hdr;

	/* Sized to what it carries: the kernel zeroes every allocation
	 * (init_on_alloc) and netlink_trim() copies an oversized skb again,
	 * which made a page-sized answer cost more than the call itself. */
	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)) +
			  (c->text ? nla_total_size(strlen(c->text) + 1) : 0) +
			  (c->left ? nla_total_size(sizeof(u32)) : 0), GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put(msg, portid, seq, &dusk_family, 0, DUSK_CMD_CALL);
	if (!hdr || nla_put_u64_64bit(msg, DUSK_A_RET, c->ret, DUSK_A_PAD) ||
	    (c->text && nla_put_string(msg, DUSK_A_TEXT, c->text)) ||
	    (c->left && nla_put_u32(msg, DUSK_A_TASK_STATE, c->left))) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(msg, hdr);
	return msg;
}

static int dusk_call_reply(struct genl_info *info, const struct dusk_call *c)
{
	struct sk_buff *msg = dusk_call_answer(c, info->snd_portid, info->snd_seq);

	return IS_ERR(msg) ? PTR_ERR(msg) : dusk_answer(msg, info);
}

/*
 * CALL: [CHUNK...] STUB ARGS [CTX] [TASK_STATE] [PARAM_LOCK]; answer RET [TEXT] [TASK_STATE].
 */
int dusk_nl_call(struct sk_buff *skb, struct genl_info *info)
{
	struct dusk_pending *pinned;
	struct dusk_call *c;
	int err;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	err = dusk_call_parse(info, c);
	if (err)
		goto out;
	if (dusk_gen.stubs[c->stub].flags & DUSK_STUB_PRINTK) {
		c->text = kzalloc(DUSK_MAX_TEXT, GFP_KERNEL);
		if (!c->text) {
			err = -ENOMEM;
			goto out;
		}
	}
	err = dusk_write_chunks(info);
	if (err)
		goto out;

	if (!dusk_stub_plain(c->stub) && dusk_call_must_defer(c)) {
		err = dusk_call_defer(info, c);
		if (err == -EINTR)
			return err;	/* the work owns c and answers */
		goto out;
	}
	if (info->attrs[DUSK_A_CTX]) {
		init_completion(&c->done);
		err = dusk_waiter_post(nla_get_u64(info->attrs[DUSK_A_CTX]), c, &pinned);
		if (err == -ESRCH)
			NL_SET_ERR_MSG(info->extack, "CTX names no waiting upcall");
		if (err == 1) {	/* not a blocked caller: run it here */
			c->ordered = true;
			dusk_call_exec_state(c);
			dusk_pending_unpin(pinned);
			err = 0;
		} else if (!err) {
			err = dusk_waiter_wait(c);
			if (err) {	/* the blocked caller owns (and frees) c now */
				NL_SET_ERR_MSG(info->extack,
					       "the blocked caller did not finish the call in time");
				return err;
			}
		}
	} else {
		dusk_call_exec_state(c);
	}
	if (!err)
		err = c->err;
	if (err == -ENOTRECOVERABLE)
		NL_SET_ERR_MSG(info->extack,
			       "it returned in atomic context, which a user program cannot run in (kernel log)");
	if (!err)
		err = dusk_call_reply(info, c);
out:
	dusk_call_free(c);
	return err;
}

/** dusk_call_free() - free a nested or direct call and its text. */
void dusk_call_free(struct dusk_call *c)
{
	kfree(c->text);
	kfree(c);
}
