/* SPDX-License-Identifier: MIT */
/*
 * The user build of a made-up module "ktest", written the way dusk-rewrite
 * generates code (DUSK_FRAME, DUSK_DEREF, dusk_commit, dusk_call, a
 * struct dusk_module handed to dusk_main), against the hand-written ktest
 * fixture extension of dusk-kmod (dusk-kmod/tests/ktest, ktest-abi.h).  It
 * runs libduskrt, linked as the shared library, against the real kernel in
 * the VM (vm-ktest.sh): printk, kernel reads, a kernel call, write-back
 * into kmalloc'd memory, a Netfilter hook reading the prefetched hook state
 * and counting packets, a /proc file
 * read through a blocking callback, orderly exit on SIGTERM.
 *
 * With KTEST_FAULT=1 in the environment, init reads an unmapped kernel
 * address instead, to show the fault report.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <dusk/runtime.h>
#include "ktest-abi.h"

/* Kernel structures as the generated declarations header spells them. */
struct nf_hook_ops {
	uint64_t rcu[2];
	unsigned int (*hook)(void *priv, void *skb, const void *state);
	void *dev;
	void *priv;
	uint8_t pf;
	uint8_t hook_ops_type;
	unsigned int hooknum;
	int priority;
};
_Static_assert(sizeof(struct nf_hook_ops) == KTEST_OPS_SIZE, "nf_hook_ops size");
_Static_assert(offsetof(struct nf_hook_ops, hook) == KTEST_OPS_HOOK, "hook");
_Static_assert(offsetof(struct nf_hook_ops, priv) == KTEST_OPS_PRIV, "priv");
_Static_assert(offsetof(struct nf_hook_ops, hooknum) == KTEST_OPS_HOOKNUM, "hooknum");

struct proc_ops {
	unsigned int proc_flags;
	int (*proc_open)(void *, void *);
	ssize_t (*proc_read)(void *file, char *buf, size_t count, long long *ppos);
	char rest[KTEST_PROC_OPS_SIZE - 24];
};
_Static_assert(sizeof(struct proc_ops) == KTEST_PROC_OPS_SIZE, "proc_ops size");
_Static_assert(offsetof(struct proc_ops, proc_read) == KTEST_PROC_OPS_READ, "proc_read");

enum { T_HOOK_OPS, T_PROC_OPS };

/* ---- the module ---- */

/* The head of struct nf_hook_state (6.1): what the hook reads. */
struct nf_hook_state_head {
	uint8_t hook;
	uint8_t pf;
};

static unsigned long packets, mismatched;
static uint64_t pde;

static unsigned int ktest_hook(void *priv, void *skb, const void *state)
{
	DUSK_FRAME;
	const struct nf_hook_state_head *st = state;

	(void)priv; (void)skb;
	/* Kernel memory the upcall prefetched: no READ needed. */
	if (DUSK_DEREF(st)->hook == 1 && DUSK_DEREF(st)->pf == 2)
		__atomic_add_fetch(&packets, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&mismatched, 1, __ATOMIC_RELAXED);
	return 1;	/* NF_ACCEPT */
}

static ssize_t ktest_proc_read(void *file, char *ubuf, size_t count, long long *ppos)
{
	DUSK_FRAME;
	char text[64];
	long long pos = *DUSK_DEREF(ppos);
	int n = snprintf(text, sizeof(text), "packets %lu mismatched %lu\n",
			 __atomic_load_n(&packets, __ATOMIC_RELAXED),
			 __atomic_load_n(&mismatched, __ATOMIC_RELAXED));
	uint64_t args[3];

	(void)file;
	if (pos >= n)
		return 0;
	if (count > (size_t)(n - pos))
		count = n - pos;
	args[0] = (uintptr_t)ubuf;
	args[1] = dusk_commit(text + pos, DUSK_TYPE_NONE, count);
	args[2] = count;
	if (dusk_call(KTEST_STUB_COPY_TO_USER, args, 3))
		return -14;	/* -EFAULT */
	*DUSK_DEREF(ppos) = pos + count;
	return count;
}

static struct nf_hook_ops hook_ops = {
	.hook = ktest_hook, .pf = 2 /* NFPROTO_IPV4 */, .hooknum = 1 /* LOCAL_IN */,
};
static struct proc_ops proc_ops = { .proc_read = ktest_proc_read };

static int ktest_init(void)
{
	DUSK_FRAME;
	uint64_t args[4], ret, kbuf;
	const uint64_t *magic;

	args[0] = dusk_commit("\0016ktest: %s %d\n", DUSK_TYPE_CSTRING, 0);
	args[1] = dusk_commit("hello", DUSK_TYPE_CSTRING, 0);
	args[2] = 42;
	dusk_call(KTEST_STUB_PRINTK, args, 3);

	magic = (const uint64_t *)dusk_ksym(KTEST_SYM_MAGIC);
	if (getenv("KTEST_FAULT"))
		magic = (const uint64_t *)((uintptr_t)magic ^ (1ull << 44));
	if (*DUSK_DEREF(magic) != KTEST_MAGIC)
		return -22;

	args[0] = 5;
	args[1] = 7;
	if (dusk_call(KTEST_STUB_MIX, args, 2) != 22)
		return -22;

	/* Write into kmalloc'd kernel memory; the next call carries the
	 * bytes; read them back in the epoch after it. */
	args[0] = 64;
	args[1] = 0xcc0;	/* GFP_KERNEL */
	kbuf = dusk_call(KTEST_STUB_KMALLOC, args, 2);
	if (!kbuf)
		return -12;
	*DUSK_DEREF((uint64_t *)(uintptr_t)(kbuf + 8)) = 0x1122334455667788ull;
	args[0] = 1;
	args[1] = 1;
	dusk_call(KTEST_STUB_MIX, args, 2);
	ret = *DUSK_DEREF((uint64_t *)(uintptr_t)(kbuf + 8));
	args[0] = kbuf;
	dusk_call(KTEST_STUB_KFREE, args, 1);
	if (ret != 0x1122334455667788ull)
		return -5;

	args[0] = dusk_ksym(KTEST_SYM_INIT_NET);
	args[1] = dusk_commit(&hook_ops, T_HOOK_OPS, 0);
	ret = dusk_call(KTEST_STUB_NF_REG, args, 2);
	if (ret)
		return (int)ret;

	args[0] = dusk_commit("dusk_ktest", DUSK_TYPE_CSTRING, 0);
	args[1] = 0444;
	args[2] = 0;
	args[3] = dusk_commit(&proc_ops, T_PROC_OPS, 0);
	pde = dusk_call(KTEST_STUB_PROC_CREATE, args, 4);
	if (!pde)
		return -12;
	return 0;
}

static void ktest_exit(void)
{
	DUSK_FRAME;
	uint64_t args[2];

	args[0] = pde;
	dusk_call(KTEST_STUB_PROC_REMOVE, args, 1);
	args[0] = dusk_ksym(KTEST_SYM_INIT_NET);
	args[1] = dusk_commit(&hook_ops, T_HOOK_OPS, 0);
	dusk_call(KTEST_STUB_NF_UNREG, args, 2);
}

/* ---- generated tables ---- */

static uint64_t tramp_hook(const uint64_t *a)
{
	return ktest_hook((void *)(uintptr_t)a[0], (void *)(uintptr_t)a[1],
			  (const void *)(uintptr_t)a[2]);
}

static uint64_t tramp_proc_read(const uint64_t *a)
{
	return (uint64_t)ktest_proc_read((void *)(uintptr_t)a[0], (char *)(uintptr_t)a[1],
					 (size_t)a[2], (long long *)(uintptr_t)a[3]);
}

static const struct dusk_field hook_ops_fields[] = {
	{ "hook", KTEST_OPS_HOOK, 8, DUSK_FK_FNPTR, 0, 0, 1 },
	{ "dev", 24, 8, DUSK_FK_PTR, 0, DUSK_TYPE_NONE, 1 },
	{ "priv", KTEST_OPS_PRIV, 8, DUSK_FK_PTR, 0, DUSK_TYPE_NONE, 1 },
};
static const struct dusk_field proc_ops_fields[] = {
	{ "proc_open", 8, 8, DUSK_FK_FNPTR, 0, 0, 1 },
	{ "proc_read", KTEST_PROC_OPS_READ, 8, DUSK_FK_FNPTR, 0, 0, 1 },
};
static const struct dusk_type types[] = {
	[T_HOOK_OPS] = { "struct nf_hook_ops", KTEST_OPS_SIZE, 8, DUSK_TK_STRUCT, 3,
			 hook_ops_fields, DUSK_TYPE_NONE, 0 },
	[T_PROC_OPS] = { "struct proc_ops", KTEST_PROC_OPS_SIZE, 8, DUSK_TK_STRUCT, 2,
			 proc_ops_fields, DUSK_TYPE_NONE, 0 },
};
static const struct dusk_typetab typetab = { DUSK_TYPEINFO_VERSION, 2, types, KTEST_LAYOUT_HASH };

static const struct dusk_proxy proxies[KTEST_NPROXIES] = {
	[KTEST_PROXY_HOOK] = { "ktest_hook", (const void *)ktest_hook, tramp_hook, 3, 0 },
	[KTEST_PROXY_PROC_READ] = { "ktest_proc_read", (const void *)ktest_proc_read,
				    tramp_proc_read, 4, 1 },
};
static const char *const stubs[KTEST_NSTUBS] = {
	"ktest_mix", "__kmalloc", "kfree", "_printk#1", "nf_register_net_hook",
	"nf_unregister_net_hook", "proc_create", "proc_remove", "_copy_to_user",
};
static const char *const syms[KTEST_NSYMS] = { "init_net", "jiffies", "ktest_magic" };
static const struct dusk_object objects[] = {
	{ "hook_ops", &hook_ops, sizeof(hook_ops), T_HOOK_OPS },
	{ "proc_ops", &proc_ops, sizeof(proc_ops), T_PROC_OPS },
	{ "packets", &packets, sizeof(packets), DUSK_TYPE_NONE },
	{ "mismatched", &mismatched, sizeof(mismatched), DUSK_TYPE_NONE },
};
static const char *const modinfo[] = { "license=GPL", "description=libduskrt VM test", NULL };

static const struct dusk_module ktest_module = {
	.name = KTEST_MODNAME,
	.init = ktest_init,
	.exit = ktest_exit,
	.proxies = proxies,
	.nproxies = KTEST_NPROXIES,
	.syms = syms,
	.nsyms = KTEST_NSYMS,
	.stubs = stubs,
	.nstubs = KTEST_NSTUBS,
	.objects = objects,
	.nobjects = 4,
	.types = &typetab,
	.stub_hash = KTEST_STUB_HASH,
	.modinfo = modinfo,
};

int main(int argc, char **argv)
{
	return dusk_main(&ktest_module, argc, argv);
}
