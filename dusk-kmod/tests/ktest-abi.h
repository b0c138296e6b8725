/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * What the test client (kclient) and the ktest fixture extension agree on:
 * table indices, hashes, the known value and the kernel struct offsets the
 * client fills in by hand (the fixture checks them with BUILD_BUG_ON, so a
 * kernel with another layout fails to build instead of misbehaving).
 * Compiled by kernel and user code: plain integer constants only.
 */
#ifndef KTEST_ABI_H
#define KTEST_ABI_H

#ifndef KTEST_MODNAME		/* build-ktest NAME gives another extension */
#define KTEST_MODNAME		"ktest"
#endif
#define KTEST_LAYOUT_HASH	0x6b746573744c4159ULL
#define KTEST_STUB_HASH		0x6b74657374535442ULL
#define KTEST_MAGIC		0x6475736b6d616763ULL	/* value of sym ktest_magic */

/* dusk_gen.syms */
enum {
	KTEST_SYM_INIT_NET, KTEST_SYM_JIFFIES, KTEST_SYM_MAGIC, KTEST_SYM_MIX_FN,
	KTEST_SYM_CACHE64,	/* &kmalloc_caches[KMALLOC_NORMAL][64 bytes]: a slab cache */
	KTEST_SYM_SYSTEM_WQ,	/* &system_wq */
	KTEST_SYM_DWORK,	/* ktest_dwork: a delayed work item whose function is a proxy */
	KTEST_SYM_IDLE_FN,	/* ktest_idle(): a kernel thread body looping until stopped */
	KTEST_SYM_NETDEV_EVENT_FN,	/* ktest_netdev_event(): a notifier_call answering NOTIFY_DONE */
	KTEST_NSYMS
};

/* dusk_gen.stubs */
enum {
	KTEST_STUB_MIX,		/* ktest_mix(a, b) = 3 * a + b */
	KTEST_STUB_KMALLOC,	/* __kmalloc(size, flags): ALLOC */
	KTEST_STUB_KFREE,	/* kfree(p): FREE */
	KTEST_STUB_PRINTK,	/* _printk(fmt, ptr, n): PRINTK, e.g. fmt KERN_INFO "ktest: %s %d\n" */
	KTEST_STUB_NF_REG,	/* nf_register_net_hook(net, ops) */
	KTEST_STUB_NF_UNREG,	/* nf_unregister_net_hook(net, ops) */
	KTEST_STUB_PROC_CREATE,	/* proc_create(name, mode, parent, proc_ops): RET_PTR */
	KTEST_STUB_PROC_REMOVE,	/* proc_remove(pde) */
	KTEST_STUB_COPY_TO_USER,	/* _copy_to_user(to, from, n) */
	KTEST_STUB_ARM_TIMER,	/* ktest_arm_timer(ms): the fixture's timer fires the async proxy */
	KTEST_STUB_DISARM_TIMER,	/* ktest_disarm_timer(): undo of ARM_TIMER */
	KTEST_STUB_INDIRECT,	/* (*fn)(a, b) with fn = args[0]: INDIRECT */
	KTEST_STUB_KFREE_SKB,	/* kfree_skb(skb): a packet the module stole */
	KTEST_STUB_READ_ATOMIC,	/* ktest_read_atomic(): the proc read proxy under local_bh_disable */
	KTEST_STUB_CACHE_ALLOC,	/* kmem_cache_alloc(cache, gfp): ALLOC */
	KTEST_STUB_CACHE_FREE,	/* kmem_cache_free(cache, obj): FREE_ARG1 */
	KTEST_STUB_VMALLOC,	/* vmalloc(size): ALLOC */
	KTEST_STUB_VFREE,	/* vfree(p): FREE */
	KTEST_STUB_KREALLOC,	/* krealloc(p, size, gfp): ALLOC | FREE */
	KTEST_STUB_KVFREE_RCU,	/* kvfree_call_rcu(head, offset): FREE_RCU (kfree_rcu) */
	KTEST_STUB_PROC_MKDIR,	/* proc_mkdir(name, parent): RET_PTR */
	KTEST_STUB_REMOVE_PROC_ENTRY,	/* remove_proc_entry(name, parent) */
	KTEST_STUB_REG_CHRDEV,	/* __register_chrdev(major, baseminor, count, name, fops) */
	KTEST_STUB_UNREG_CHRDEV,	/* __unregister_chrdev(major, baseminor, count, name) */
	KTEST_STUB_QUEUE_DWORK,	/* queue_delayed_work_on(cpu, wq, dwork, delay) */
	KTEST_STUB_READ_RCU,	/* ktest_read_rcu(): the proc read proxy under rcu_read_lock */
	KTEST_STUB_STRSCPY,	/* strscpy(dest, src, count): writes through dest */
	KTEST_STUB_KTHREAD_CREATE,	/* kthread_create_on_node(fn, data, node, namefmt): RET_PTR */
	KTEST_STUB_KTHREAD_STOP,	/* kthread_stop(task) */
	/* registrations the fixture never undoes itself (no unreg stub) */
	KTEST_STUB_REG_PERNET_SUBSYS,	/* register_pernet_subsys(ops) */
	KTEST_STUB_REG_PERNET_DEVICE,	/* register_pernet_device(ops) */
	KTEST_STUB_REG_NETDEV_NOTIFIER,	/* register_netdevice_notifier(nb) */
	KTEST_STUB_SKB_SLOW,	/* ktest_skb_slow(skb, ms): skb->len, msleep(ms), skb->len */
	KTEST_NSTUBS
};

/* dusk_gen.proxies */
enum { KTEST_PROXY_HOOK, KTEST_PROXY_PROC_READ, KTEST_PROXY_TIMER, KTEST_PROXY_WORK,
       KTEST_NPROXIES };

/* struct nf_hook_ops (Debian 6.1: an rcu_head comes first) */
#define KTEST_OPS_SIZE		56
#define KTEST_OPS_HOOK		16
#define KTEST_OPS_PRIV		32
#define KTEST_OPS_PF		40
#define KTEST_OPS_HOOKNUM	44
#define KTEST_OPS_PRIORITY	48

/* struct sk_buff: the fields that bound its data area */
#define KTEST_SKB_HEAD		0xc8
#define KTEST_SKB_END		0xc0

/* struct file_operations: read has the proc read proxy's signature */
#define KTEST_FOPS_MAX		512	/* the client's mirror; sizeof is less */
#define KTEST_FOPS_READ		16

/* struct pernet_operations, struct notifier_block */
#define KTEST_PERNET_OPS_MAX	256	/* the client's mirror; sizeof is less */
#define KTEST_NB_SIZE		24
#define KTEST_NB_CALL		0

/* struct proc_ops */
#define KTEST_PROC_OPS_SIZE	0x60
#define KTEST_PROC_OPS_READ	16

#endif /* KTEST_ABI_H */
