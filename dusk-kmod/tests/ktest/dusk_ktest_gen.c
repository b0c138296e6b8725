// SPDX-License-Identifier: GPL-2.0
/*
 * TEST FIXTURE, written by hand: the generated part of a made-up extension
 * "ktest", shaped exactly like the dusk_<mod>_gen.c that dusk-rewrite
 * writes (typed stubs, symbol table, proxies, undo pairs, one
 * `const struct dusk_gen dusk_gen`), so the dusk-kmod core can be tested
 * in the VM before and independently of the rewriter.  The test client
 * (../kclient*.c) plays the part of the user program; ../ktest-abi.h holds
 * what both sides agree on.
 */
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/proc_fs.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include "dusk-gen.h"
#include "ktest-abi.h"

/* A kernel object with a known value for READ tests. */
static const u64 ktest_magic = KTEST_MAGIC;

/* A "kernel function" with a known result for CALL tests. */
static noinline u64 ktest_mix(u64 a, u64 b)
{
	return 3 * a + b;
}

/*
 * A timer standing in for one the module would own: its callback is the
 * async proxy of a module function `void ktest_tick(struct timer_list *)`.
 * The arm/disarm "kernel functions" let the client start it (mod_timer)
 * and the undo table stop it (del_timer_sync) when the client dies.
 */
static void dusk_proxy_ktest_tick(struct timer_list *t);
static DEFINE_TIMER(ktest_timer, dusk_proxy_ktest_tick);

static noinline int ktest_arm_timer(unsigned long ms)
{
	mod_timer(&ktest_timer, jiffies + msecs_to_jiffies(ms));
	return 0;
}

static noinline void ktest_disarm_timer(void)
{
	del_timer_sync(&ktest_timer);
}

/* ---- typed stubs ---- */

static u64 dusk_stub_ktest_mix(const u64 *a)
{
	return ktest_mix(a[0], a[1]);
}

static u64 dusk_stub___kmalloc(const u64 *a)
{
	return (u64)(uintptr_t)__kmalloc((size_t)a[0], (gfp_t)a[1]);
}

static u64 dusk_stub_kfree(const u64 *a)
{
	kfree((const void *)(uintptr_t)a[0]);
	return 0;
}

/* as emit-kmod.c writes a printk-family stub: the format is a[0] */
static u64 dusk_stub__printk_1(const u64 *a)
{
	char *buf = dusk_text_buf();

	snprintf(buf, DUSK_MAX_TEXT, (const char *)(uintptr_t)a[0],
		 (const void *)(uintptr_t)a[1], (int)a[2]);
	return (u64)printk("%s", buf);
}

static u64 dusk_stub_nf_register_net_hook(const u64 *a)
{
	return (u64)(s64)nf_register_net_hook((struct net *)(uintptr_t)a[0],
					      (const struct nf_hook_ops *)(uintptr_t)a[1]);
}

static u64 dusk_stub_nf_unregister_net_hook(const u64 *a)
{
	nf_unregister_net_hook((struct net *)(uintptr_t)a[0],
			       (const struct nf_hook_ops *)(uintptr_t)a[1]);
	return 0;
}

static u64 dusk_stub_proc_create(const u64 *a)
{
	return (u64)(uintptr_t)proc_create((const char *)(uintptr_t)a[0], (umode_t)a[1],
					   (struct proc_dir_entry *)(uintptr_t)a[2],
					   (const struct proc_ops *)(uintptr_t)a[3]);
}

static u64 dusk_stub_proc_remove(const u64 *a)
{
	proc_remove((struct proc_dir_entry *)(uintptr_t)a[0]);
	return 0;
}

static u64 dusk_stub__copy_to_user(const u64 *a)
{
	return _copy_to_user((void __user *)(uintptr_t)a[0],
			     (const void *)(uintptr_t)a[1], (unsigned long)a[2]);
}

static u64 dusk_stub_ktest_arm_timer(const u64 *a)
{
	return (u64)(s64)ktest_arm_timer((unsigned long)a[0]);
}

static u64 dusk_stub_ktest_disarm_timer(const u64 *a)
{
	ktest_disarm_timer();
	return 0;
}

static u64 dusk_stub_kfree_skb(const u64 *a)
{
	kfree_skb((struct sk_buff *)(uintptr_t)a[0]);
	return 0;
}

/* u64 (*)(u64, u64): a call through a function pointer the module holds. */
static u64 dusk_stub_indirect_1(const u64 *a)
{
	return ((u64 (*)(u64, u64))(uintptr_t)a[0])(a[1], a[2]);
}

/* ---- proxies: stand where the module's functions would be ---- */

static void dusk_proxy_ktest_tick(struct timer_list *t)
{
	u64 args[1] = { (u64)(uintptr_t)t };

	dusk_upcall_async(KTEST_PROXY_TIMER, args, 1);
}

static unsigned int dusk_proxy_ktest_hook(void *priv, struct sk_buff *skb,
					  const struct nf_hook_state *state)
{
	return dusk_upcall_nf_hook(KTEST_PROXY_HOOK, priv, skb, state);
}

static ssize_t dusk_proxy_ktest_proc_read(struct file *file, char __user *buf,
					  size_t count, loff_t *ppos)
{
	u64 args[4] = {
		(u64)(uintptr_t)file, (u64)(uintptr_t)buf, count, (u64)(uintptr_t)ppos,
	};

	return (ssize_t)dusk_upcall_blocking(KTEST_PROXY_PROC_READ, args, 4);
}

static const u32 dusk_lent_ktest_proc_read[4] = { 0, 0, 0, sizeof(loff_t) };

/* A kernel path that (wrongly) calls a blocking callback in atomic context. */
static noinline long ktest_read_atomic(void)
{
	loff_t pos = 0;
	long ret;

	local_bh_disable();
	ret = dusk_proxy_ktest_proc_read(NULL, NULL, 0, &pos);
	local_bh_enable();
	return ret;
}

static u64 dusk_stub_ktest_read_atomic(const u64 *a)
{
	return (u64)ktest_read_atomic();
}

/* The same inside an RCU read section: preemptible with PREEMPT_RCU, so
 * in_atomic() does not see it, yet sleeping there is a bug. */
static noinline long ktest_read_rcu(void)
{
	loff_t pos = 0;
	long ret;

	rcu_read_lock();
	ret = dusk_proxy_ktest_proc_read(NULL, NULL, 0, &pos);
	rcu_read_unlock();
	return ret;
}

static u64 dusk_stub_ktest_read_rcu(const u64 *a)
{
	return (u64)ktest_read_rcu();
}

static u64 dusk_stub_strscpy(const u64 *a)
{
	return (u64)(s64)strscpy((char *)(uintptr_t)a[0], (const char *)(uintptr_t)a[1],
				 (size_t)a[2]);
}

static u64 dusk_stub_kmem_cache_alloc(const u64 *a)
{
	return (u64)(uintptr_t)kmem_cache_alloc((struct kmem_cache *)(uintptr_t)a[0], (gfp_t)a[1]);
}

static u64 dusk_stub_kmem_cache_free(const u64 *a)
{
	kmem_cache_free((struct kmem_cache *)(uintptr_t)a[0], (void *)(uintptr_t)a[1]);
	return 0;
}

static u64 dusk_stub_vmalloc(const u64 *a)
{
	return (u64)(uintptr_t)vmalloc((unsigned long)a[0]);
}

static u64 dusk_stub_vfree(const u64 *a)
{
	vfree((const void *)(uintptr_t)a[0]);
	return 0;
}

static u64 dusk_stub_krealloc(const u64 *a)
{
	return (u64)(uintptr_t)krealloc((const void *)(uintptr_t)a[0], (size_t)a[1], (gfp_t)a[2]);
}

static u64 dusk_stub_kvfree_call_rcu(const u64 *a)
{
	kvfree_call_rcu((struct rcu_head *)(uintptr_t)a[0], (rcu_callback_t)(uintptr_t)a[1]);
	return 0;
}

static u64 dusk_stub_proc_mkdir(const u64 *a)
{
	return (u64)(uintptr_t)proc_mkdir((const char *)(uintptr_t)a[0],
					  (struct proc_dir_entry *)(uintptr_t)a[1]);
}

static u64 dusk_stub_remove_proc_entry(const u64 *a)
{
	remove_proc_entry((const char *)(uintptr_t)a[0], (struct proc_dir_entry *)(uintptr_t)a[1]);
	return 0;
}

static u64 dusk_stub___register_chrdev(const u64 *a)
{
	return (u64)(s64)__register_chrdev((unsigned int)a[0], (unsigned int)a[1],
					   (unsigned int)a[2], (const char *)(uintptr_t)a[3],
					   (const struct file_operations *)(uintptr_t)a[4]);
}

static u64 dusk_stub___unregister_chrdev(const u64 *a)
{
	__unregister_chrdev((unsigned int)a[0], (unsigned int)a[1], (unsigned int)a[2],
			    (const char *)(uintptr_t)a[3]);
	return 0;
}

static u64 dusk_stub_queue_delayed_work_on(const u64 *a)
{
	return (u64)queue_delayed_work_on((int)a[0], (struct workqueue_struct *)(uintptr_t)a[1],
					  (struct delayed_work *)(uintptr_t)a[2],
					  (unsigned long)a[3]);
}

/* A work function of the module: void ktest_work(struct work_struct *). */
static void dusk_proxy_ktest_work(struct work_struct *w)
{
	u64 args[1] = { (u64)(uintptr_t)w };

	dusk_upcall_blocking(KTEST_PROXY_WORK, args, 1);
}

/* A delayed work item of the module's, queued by the program. */
static DECLARE_DELAYED_WORK(ktest_dwork, dusk_proxy_ktest_work);

/* A kernel thread body of the module's: runs until kthread_stop(). */
static int ktest_idle(void *data)
{
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ / 10);
	return 0;
}

static u64 dusk_stub_kthread_create_on_node_1(const u64 *a)
{
	return (u64)(uintptr_t)kthread_create_on_node((void *)(uintptr_t)a[0],
						      (void *)(uintptr_t)a[1], (int)a[2],
						      (void *)(uintptr_t)a[3]);
}

static u64 dusk_stub_kthread_stop(const u64 *a)
{
	return (u64)kthread_stop((void *)(uintptr_t)a[0]);
}

/* A netdevice notifier of the module's that needs no program. */
static int ktest_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	return NOTIFY_DONE;
}

static u64 dusk_stub_register_pernet_subsys(const u64 *a)
{
	return (u64)(s64)register_pernet_subsys((struct pernet_operations *)(uintptr_t)a[0]);
}

static u64 dusk_stub_register_pernet_device(const u64 *a)
{
	return (u64)(s64)register_pernet_device((struct pernet_operations *)(uintptr_t)a[0]);
}

static u64 dusk_stub_register_netdevice_notifier(const u64 *a)
{
	return (u64)(s64)register_netdevice_notifier((struct notifier_block *)(uintptr_t)a[0]);
}

/* A stub that uses its packet after a while: skb->len before and after
 * msleep(a[1]), packed (the two agree unless the packet was freed). */
static u64 dusk_stub_ktest_skb_slow(const u64 *a)
{
	const struct sk_buff *skb = (const void *)(uintptr_t)a[0];
	u32 before = READ_ONCE(skb->len);

	msleep(a[1]);
	return (u64)before << 32 | READ_ONCE(skb->len);
}

/* ---- tables ---- */

static const struct dusk_stub_desc dusk_stubs[KTEST_NSTUBS] = {
	[KTEST_STUB_MIX] = { "ktest_mix", dusk_stub_ktest_mix, 2, 0 },
	[KTEST_STUB_KMALLOC] = { "__kmalloc", dusk_stub___kmalloc, 2,
				 DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	[KTEST_STUB_KFREE] = { "kfree", dusk_stub_kfree, 1, DUSK_STUB_FREE },
	[KTEST_STUB_PRINTK] = { "_printk#1", dusk_stub__printk_1, 3, DUSK_STUB_PRINTK },
	[KTEST_STUB_NF_REG] = { "nf_register_net_hook", dusk_stub_nf_register_net_hook, 2, 0 },
	[KTEST_STUB_NF_UNREG] = { "nf_unregister_net_hook",
				  dusk_stub_nf_unregister_net_hook, 2, 0 },
	[KTEST_STUB_PROC_CREATE] = { "proc_create", dusk_stub_proc_create, 4,
				     DUSK_STUB_RET_PTR },
	[KTEST_STUB_PROC_REMOVE] = { "proc_remove", dusk_stub_proc_remove, 1, 0 },
	[KTEST_STUB_COPY_TO_USER] = { "_copy_to_user", dusk_stub__copy_to_user, 3, 0 },
	[KTEST_STUB_ARM_TIMER] = { "ktest_arm_timer", dusk_stub_ktest_arm_timer, 1, 0 },
	[KTEST_STUB_DISARM_TIMER] = { "ktest_disarm_timer", dusk_stub_ktest_disarm_timer, 0, 0 },
	[KTEST_STUB_INDIRECT] = { "(*)(u64, u64)#1", dusk_stub_indirect_1, 3, DUSK_STUB_INDIRECT },
	[KTEST_STUB_KFREE_SKB] = { "kfree_skb", dusk_stub_kfree_skb, 1, 0 },
	[KTEST_STUB_READ_ATOMIC] = { "ktest_read_atomic", dusk_stub_ktest_read_atomic, 0, 0 },
	[KTEST_STUB_CACHE_ALLOC] = { "kmem_cache_alloc", dusk_stub_kmem_cache_alloc, 2,
				     DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	[KTEST_STUB_CACHE_FREE] = { "kmem_cache_free", dusk_stub_kmem_cache_free, 2,
				    DUSK_STUB_FREE_ARG1 },
	[KTEST_STUB_VMALLOC] = { "vmalloc", dusk_stub_vmalloc, 1,
				 DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	[KTEST_STUB_VFREE] = { "vfree", dusk_stub_vfree, 1, DUSK_STUB_FREE },
	[KTEST_STUB_KREALLOC] = { "krealloc", dusk_stub_krealloc, 3,
				  DUSK_STUB_ALLOC | DUSK_STUB_FREE | DUSK_STUB_RET_PTR },
	[KTEST_STUB_KVFREE_RCU] = { "kvfree_call_rcu", dusk_stub_kvfree_call_rcu, 2,
				    DUSK_STUB_FREE_RCU },
	[KTEST_STUB_PROC_MKDIR] = { "proc_mkdir", dusk_stub_proc_mkdir, 2, DUSK_STUB_RET_PTR },
	[KTEST_STUB_REMOVE_PROC_ENTRY] = { "remove_proc_entry", dusk_stub_remove_proc_entry, 2, 0 },
	[KTEST_STUB_REG_CHRDEV] = { "__register_chrdev", dusk_stub___register_chrdev, 5, 0 },
	[KTEST_STUB_UNREG_CHRDEV] = { "__unregister_chrdev", dusk_stub___unregister_chrdev, 4, 0 },
	[KTEST_STUB_QUEUE_DWORK] = { "queue_delayed_work_on", dusk_stub_queue_delayed_work_on, 4, 0 },
	[KTEST_STUB_READ_RCU] = { "ktest_read_rcu", dusk_stub_ktest_read_rcu, 0, 0 },
	[KTEST_STUB_STRSCPY] = { "strscpy", dusk_stub_strscpy, 3, 0 },
	[KTEST_STUB_KTHREAD_CREATE] = { "kthread_create_on_node#1",
					dusk_stub_kthread_create_on_node_1, 4, DUSK_STUB_RET_PTR },
	[KTEST_STUB_KTHREAD_STOP] = { "kthread_stop", dusk_stub_kthread_stop, 1, 0 },
	[KTEST_STUB_REG_PERNET_SUBSYS] = { "register_pernet_subsys",
					   dusk_stub_register_pernet_subsys, 1, 0 },
	[KTEST_STUB_REG_PERNET_DEVICE] = { "register_pernet_device",
					   dusk_stub_register_pernet_device, 1, 0 },
	[KTEST_STUB_REG_NETDEV_NOTIFIER] = { "register_netdevice_notifier",
					     dusk_stub_register_netdevice_notifier, 1, 0 },
	[KTEST_STUB_SKB_SLOW] = { "ktest_skb_slow", dusk_stub_ktest_skb_slow, 2, 0 },
};

static const struct dusk_sym_desc dusk_syms[KTEST_NSYMS] = {
	[KTEST_SYM_INIT_NET] = { "init_net", &init_net },
	[KTEST_SYM_JIFFIES] = { "jiffies", (const void *)&jiffies },
	[KTEST_SYM_MAGIC] = { "ktest_magic", &ktest_magic },
	[KTEST_SYM_MIX_FN] = { "ktest_mix", ktest_mix },
	[KTEST_SYM_CACHE64] = { "kmalloc_caches",
				&kmalloc_caches[KMALLOC_NORMAL][KMALLOC_SHIFT_LOW > 6 ? KMALLOC_SHIFT_LOW : 6] },
	[KTEST_SYM_SYSTEM_WQ] = { "system_wq", &system_wq },
	[KTEST_SYM_DWORK] = { "ktest_dwork", &ktest_dwork },
	[KTEST_SYM_IDLE_FN] = { "ktest_idle", ktest_idle },
	[KTEST_SYM_NETDEV_EVENT_FN] = { "ktest_netdev_event", ktest_netdev_event },
};

static const struct dusk_proxy_desc dusk_proxies[KTEST_NPROXIES] = {
	[KTEST_PROXY_HOOK] = { "ktest_hook", dusk_proxy_ktest_hook, DUSK_PROXY_NF_HOOK, 3 },
	[KTEST_PROXY_PROC_READ] = { "ktest_proc_read", dusk_proxy_ktest_proc_read,
				    DUSK_PROXY_BLOCKING, 4, dusk_lent_ktest_proc_read },
	[KTEST_PROXY_TIMER] = { "ktest_tick", dusk_proxy_ktest_tick, DUSK_PROXY_ASYNC, 1 },
	[KTEST_PROXY_WORK] = { "ktest_work", dusk_proxy_ktest_work, DUSK_PROXY_BLOCKING, 1 },
};

static const struct dusk_undo_desc dusk_undo[] = {
	{ KTEST_STUB_NF_REG, KTEST_STUB_NF_UNREG, 2, { 0, 1 } },
	{ KTEST_STUB_PROC_CREATE, KTEST_STUB_PROC_REMOVE, 1, { DUSK_UNDO_RET } },
	{ KTEST_STUB_ARM_TIMER, KTEST_STUB_DISARM_TIMER, 0, { 0 } },
	/* as rewriter/kapi-table.c pairs them */
	{ KTEST_STUB_PROC_MKDIR, KTEST_STUB_REMOVE_PROC_ENTRY, 2, { 0, 1 } },
	{ KTEST_STUB_REG_CHRDEV, KTEST_STUB_UNREG_CHRDEV, 4, { DUSK_UNDO_ARG_OR_RET(0), 1, 2, 3 } },
};

const struct dusk_gen dusk_gen = {
	.modname = KTEST_MODNAME,
	.layout_hash = KTEST_LAYOUT_HASH,
	.stub_hash = KTEST_STUB_HASH,
	.stubs = dusk_stubs,
	.nstubs = KTEST_NSTUBS,
	.syms = dusk_syms,
	.nsyms = KTEST_NSYMS,
	.proxies = dusk_proxies,
	.nproxies = KTEST_NPROXIES,
	.undo = dusk_undo,
	.nundo = ARRAY_SIZE(dusk_undo),
};

/* The layouts the test client writes by hand (see ktest-abi.h).  File-scope
 * static_asserts: a BUILD_BUG_ON in a function nobody calls checks nothing. */
static_assert(sizeof(struct nf_hook_ops) == KTEST_OPS_SIZE);
static_assert(offsetof(struct nf_hook_ops, hook) == KTEST_OPS_HOOK);
static_assert(offsetof(struct nf_hook_ops, priv) == KTEST_OPS_PRIV);
static_assert(offsetof(struct nf_hook_ops, pf) == KTEST_OPS_PF);
static_assert(offsetof(struct nf_hook_ops, hooknum) == KTEST_OPS_HOOKNUM);
static_assert(offsetof(struct nf_hook_ops, priority) == KTEST_OPS_PRIORITY);
static_assert(sizeof(struct proc_ops) == KTEST_PROC_OPS_SIZE);
static_assert(sizeof(struct pernet_operations) <= KTEST_PERNET_OPS_MAX);
static_assert(sizeof(struct notifier_block) == KTEST_NB_SIZE);
static_assert(offsetof(struct notifier_block, notifier_call) == KTEST_NB_CALL);
static_assert(sizeof(struct file_operations) <= KTEST_FOPS_MAX);
static_assert(offsetof(struct sk_buff, head) == KTEST_SKB_HEAD);
static_assert(offsetof(struct sk_buff, end) == KTEST_SKB_END);
static_assert(offsetof(struct file_operations, read) == KTEST_FOPS_READ);
static_assert(offsetof(struct proc_ops, proc_read) == KTEST_PROC_OPS_READ);
