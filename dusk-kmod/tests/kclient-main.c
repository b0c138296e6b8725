// SPDX-License-Identifier: GPL-2.0
/*
 * dusk-kclient: plays the user program against the ktest fixture module
 * (dusk_ktest.ko) inside the test VM.  Each subcommand is one scenario and
 * prints "ok: ..." per check or "FAIL: ..." and exits 1:
 *
 *   basic            handshake, READ, CALL, printk TEXT, mirrors, owned
 *                    memory, hostile input, a second program, no privilege
 *   kthread          create a kernel thread and stop it, create one never
 *                    woken; wait to be killed (its record: teardown stops it)
 *   stubread         pointers stubs only read (a printk format, its %s and
 *                    %pI4 arguments, a strscpy source) unmapped, stale or
 *                    the program's own: -EFAULT, the session serves on
 *   hook VERDICT [S [WHERE]]
 *                    register a hook (WHERE: in4 (default), in6, out4, out6:
 *                    LOCAL_IN or LOCAL_OUT, IPv4 or IPv6); answer ICMP packets with
 *                    VERDICT (drop|accept|stolen (then kfree_skb)|queue|
 *                    queue-bypass|repeat: NF_REPEAT the first time a
 *                    packet is seen, then accept), others accept; run S
 *                    seconds or until SIGTERM, then unregister and BYE.
 *                    Prints "handled N late N repeated N" at the end.
 *   hook-slow MS     register a LOCAL_IN hook; for the first ICMP packet
 *                    run a nested call that uses the packet's sk_buff
 *                    after MS ms (longer than nf_timeout_ms): the packet
 *                    must not be resumed (and freed) under it; its REPLY
 *                    then finds it expired.  Other packets are accepted.
 *   fuzz N           N random requests (random attributes, nesting, lengths)
 *                    without a session, then N more that cannot call stubs
 *                    with one: all must be answered, the session survive.
 *   pernet           register two pernet_operations (subsys, device) and a
 *                    netdevice notifier that the module never unregisters,
 *                    then wait to be killed (vm-pernet.sh)
 *   timer-stream S   register a hook whose packets are never answered and
 *                    keep the timer's async upcalls coming (one every
 *                    ~100 ms, answered) for S seconds: the packets must
 *                    still expire on time (vm-expiry.sh).
 *   fuzz-live N [T [S]]
 *                    N requests from T threads (default 4, at most S
 *                    seconds, default 150) raced against live upcalls: a
 *                    hook, /proc/dusk_ktest, a timer and a work item
 *                    (kclient-live.c); the guest drives packets and
 *                    readers once ready.  Then the session must serve.
 *   bench N          time N CALLs, N 8-byte READs, N/10 64 KiB READs and
 *                    N WRITEs; prints "bench NAME OPS/s US/op" lines.
 *   proc [stall]     create /proc/dusk_ktest whose read is served here
 *                    (nested copy_to_user in the reader's context, *ppos
 *                    written through the lent range); "stall" never answers.
 *                    Runs until SIGTERM.
 * Files: the scenario writes /tmp/kclient.ready once it is serving.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/userfaultfd.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include "kclient.h"
#include "kclient-live.h"
#include "ktest-abi.h"

#define NF_DROP		0
#define NF_ACCEPT	1
#define NF_STOLEN	2
#define NF_QUEUE	3
#define NF_REPEAT	4
#define NF_VERDICT_FLAG_QUEUE_BYPASS 0x00008000
#define NFPROTO_IPV4	2
#define NFPROTO_IPV6	10
#define NF_INET_LOCAL_IN 1
#define NF_INET_LOCAL_OUT 3
#define GFP_KERNEL_VAL	0xcc0u	/* __GFP_RECLAIM | __GFP_IO | __GFP_FS on 6.1 */

static int failures;
/* The extension to talk to: KTEST_NAME in the environment (a second
 * fixture built as dusk_ktest2.ko), else the fixture's own name. */
static const char *modname = KTEST_MODNAME;
/* Port of the bound program's socket, written into the ready file. */
static uint32_t bound_portid;
static volatile sig_atomic_t stop;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		printf("ok: ");						\
	} else {							\
		printf("FAIL: ");					\
		failures++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	fflush(stdout);							\
} while (0)

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static struct kc *connect_bound(struct kc_hello *h)
{
	struct kc *kc;
	int err;

	kc = kc_open(modname, &err);
	if (!kc) {
		printf("FAIL: open family: %s\n", strerror(-err));
		exit(1);
	}
	err = kc_hello(kc, KTEST_LAYOUT_HASH, KTEST_STUB_HASH, h);
	if (err || !h->bound) {
		printf("FAIL: HELLO: %s bound=%d\n", strerror(-err), h->bound);
		exit(1);
	}
	bound_portid = kc_portid(kc);
	return kc;
}

static void mark_ready(void)
{
	char path[96];
	FILE *f;

	/* /tmp/kclient.ready, or /tmp/kclient.NAME.ready for another fixture */
	if (strcmp(modname, KTEST_MODNAME))
		snprintf(path, sizeof(path), "/tmp/kclient.%s.ready", modname);
	else
		snprintf(path, sizeof(path), "/tmp/kclient.ready");
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%u\n", bound_portid);	/* kmod-port-takeover reads it */
		fclose(f);
	}
}

/* A child process opens its own socket: second program and no privilege. */
static int child_hello(int drop_privilege)
{
	struct kc_hello h;
	struct kc *kc;
	int err;
	uint64_t v;

	if (drop_privilege && (setgid(65534) || setuid(65534)))
		return 100;
	kc = kc_open(modname, &err);
	if (!kc)
		return 101;
	err = kc_hello(kc, KTEST_LAYOUT_HASH, KTEST_STUB_HASH, &h);
	if (!drop_privilege && err == -EBUSY)
		err = kc_read(kc, 0, &v, 8) == -EPERM ? -EBUSY : -EIO;
	kc_close(kc);
	return -err;
}

static int run_child(int drop_privilege)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(child_hello(drop_privilege));
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static void basic_hostile(struct kc *kc, const struct kc_hello *h)
{
	struct nlmsghdr *nlh;
	unsigned char raw[64];
	uint64_t args[2] = { 1, 2 }, v;
	int err;

	err = kc_call(kc, 99, args, 2, 0, NULL, NULL, 0);
	CHECK(err == -EINVAL, "out-of-range stub refused (%d)", err);
	err = kc_call(kc, KTEST_STUB_MIX, args, 1, 0, NULL, NULL, 0);
	CHECK(err == -EINVAL, "wrong argument count refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_CALL);
	mnl_attr_put_u32(nlh, DUSK_A_STUB, KTEST_STUB_MIX);
	mnl_attr_put(nlh, DUSK_A_ARGS, 5, "abcde");
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "ARGS of 5 bytes refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_READ);
	mnl_attr_put_u16(nlh, DUSK_A_LEN, 8);	/* a u32 attribute of 2 bytes */
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL || err == -ERANGE, "truncated attribute refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_CALL);
	mnl_attr_put_strz(nlh, DUSK_A_TEXT, "k->u only");
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "kernel-to-user attribute in a request refused (%d)", err);

	/* the rest of protocol.h's table as the simulated kernel applies it
	 * too (libduskrt rt-policy) */
	nlh = kc_req(kc, DUSK_CMD_STATS);
	mnl_attr_put(nlh, DUSK_A_PAD, 0, NULL);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "PAD in a request refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_MIRROR_FREE);
	mnl_attr_put_u32(nlh, DUSK_A_STAT_ID, 1);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "nest member at the top of a request refused (%d)", err);

	memset(raw, 'm', DUSK_MAX_MODNAME);
	raw[DUSK_MAX_MODNAME] = '\0';
	nlh = kc_req(kc, DUSK_CMD_HELLO);
	mnl_attr_put_strz(nlh, DUSK_A_MODNAME, (const char *)raw);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "MODNAME of DUSK_MAX_MODNAME bytes and a NUL refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_READ);
	kc_put_range(nlh, h->syms[KTEST_SYM_MAGIC], 40000);
	kc_put_range(nlh, h->syms[KTEST_SYM_MAGIC], 40000);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "oversized READ refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_MIRROR_ALLOC);
	mnl_attr_put_u32(nlh, DUSK_A_LEN, 32u << 20);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EINVAL, "oversized mirror refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_STATS);
	((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->version = 77;
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EPROTO, "wrong genetlink version refused (%d)", err);

	nlh = kc_req(kc, DUSK_CMD_UPCALL);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EOPNOTSUPP, "UPCALL sent by the program refused (%d)", err);

	/* nlmsg_len larger than what was sent: netlink drops it unanswered,
	 * and the socket stays usable. */
	nlh = kc_req(kc, DUSK_CMD_STATS);
	memcpy(raw, nlh, nlh->nlmsg_len);
	((struct nlmsghdr *)raw)->nlmsg_len = 60;
	err = kc_raw(kc, raw, nlh->nlmsg_len);
	CHECK(err == -ETIME || err < 0, "truncated message not answered as success (%d)", err);
	err = kc_read(kc, h->syms[KTEST_SYM_MAGIC], &v, 8);
	CHECK(!err && v == KTEST_MAGIC, "session still serves after hostile input");

	err = kc_reply(kc, 123456789, 0, 0, NULL, 0);
	CHECK(err == -ESRCH, "REPLY for an unknown CTX refused (%d)", err);
	err = kc_call(kc, KTEST_STUB_MIX, args, 2, 987654321, NULL, NULL, 0);
	CHECK(err == -ESRCH, "CALL with an unknown CTX refused (%d)", err);
	err = kc_write(kc, h->syms[KTEST_SYM_MAGIC], "x", 1);
	CHECK(err == -EACCES, "WRITE to a kernel object refused (%d)", err);
	err = kc_write(kc, h->syms[KTEST_SYM_INIT_NET], "x", 1);
	CHECK(err == -EACCES, "WRITE to init_net refused (%d)", err);
}

/* An async upcall raised by a kernel timer (softirq). */
static void basic_async(struct kc *kc)
{
	struct kc_upcall *up = malloc(sizeof(*up));
	uint64_t args[2] = { 20, 0 }, ret, stats[__DUSK_STAT_MAX], t0;
	int err;

	err = kc_call(kc, KTEST_STUB_ARM_TIMER, args, 1, 0, &ret, NULL, 0);
	CHECK(!err && !ret, "timer armed (%d)", err);
	err = kc_upcall_next(kc, up, 3000);
	CHECK(err == 1 && up->proxy == KTEST_PROXY_TIMER && !(up->flags & DUSK_UPCALL_BLOCKING) &&
	      up->nargs == 1 && up->ctx, "async upcall from the timer");
	args[0] = 1;
	args[1] = 2;
	err = kc_call(kc, KTEST_STUB_MIX, args, 2, up->ctx, &ret, NULL, 0);
	CHECK(!err && ret == 5, "nested CALL with the async CTX runs (%d)", err);
	err = kc_reply(kc, up->ctx, 0, 0, NULL, 0);
	CHECK(!err, "REPLY ends the async upcall (%d)", err);
	err = kc_reply(kc, up->ctx, 0, 0, NULL, 0);
	CHECK(err == -ESRCH, "second REPLY refused (%d)", err);

	kc_stats(kc, stats);
	t0 = stats[DUSK_STAT_TIMEOUTS];
	args[0] = 10;
	kc_call(kc, KTEST_STUB_ARM_TIMER, args, 1, 0, &ret, NULL, 0);
	err = kc_upcall_next(kc, up, 3000);
	usleep(2500 * 1000);	/* nf_timeout_ms=2000: let it expire */
	kc_stats(kc, stats);
	CHECK(err == 1 && stats[DUSK_STAT_TIMEOUTS] == t0 + 1, "unanswered async upcall expires");
	err = kc_reply(kc, up->ctx, 0, 0, NULL, 0);
	CHECK(err == -ESRCH, "REPLY after expiry refused (%d)", err);
	err = kc_call(kc, KTEST_STUB_DISARM_TIMER, args, 0, 0, NULL, NULL, 0);
	CHECK(!err, "timer disarmed (%d)", err);
	err = kc_call(kc, KTEST_STUB_READ_ATOMIC, args, 0, 0, &ret, NULL, 0);
	CHECK(!err && (int64_t)ret == -EWOULDBLOCK,
	      "blocking proxy in atomic context refused, not slept in (%lld)", (long long)ret);
	err = kc_call(kc, KTEST_STUB_READ_RCU, args, 0, 0, &ret, NULL, 0);
	CHECK(!err && (int64_t)ret == -EWOULDBLOCK,
	      "blocking proxy in an RCU read section refused, not slept in (%lld)", (long long)ret);
	free(up);
}

struct datas {
	int n;
	uint64_t v[4];
};

static void datas_cb(const struct nlattr *a, void *data)
{
	struct datas *d = data;

	if (mnl_attr_get_type(a) == DUSK_A_DATA && d->n < 4 && mnl_attr_get_payload_len(a) == 8)
		memcpy(&d->v[d->n++], mnl_attr_get_payload(a), 8);
}

/* One READ, several ranges: one DATA each, in request order. */
static void basic_batch_read(struct kc *kc, const struct kc_hello *h, uint64_t mirror)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_READ);
	struct datas d = { 0 };
	int err;

	kc_put_range(nlh, mirror, 8);
	kc_put_range(nlh, h->syms[KTEST_SYM_MAGIC], 8);
	kc_put_range(nlh, mirror, 8);
	err = kc_xact(kc, nlh, datas_cb, &d);
	CHECK(!err && d.n == 3 && d.v[1] == KTEST_MAGIC && d.v[0] == d.v[2] &&
	      !memcmp(&d.v[0], "dusk-mir", 8),
	      "READ of 3 ranges answers 3 DATA in order");
	nlh = kc_req(kc, DUSK_CMD_READ);
	kc_put_range(nlh, h->syms[KTEST_SYM_MAGIC], 8);
	kc_put_range(nlh, h->kbase, 8);
	err = kc_xact(kc, nlh, NULL, NULL);
	CHECK(err == -EFAULT, "READ with one unmapped range fails whole (%d)", err);
}

/* A session's memory is bounded (vm-basic.sh loads with mem_max_mb=8):
 * 3 MiB mirrors until -ENOSPC, which must come by the third. */
static void basic_limits(struct kc *kc)
{
	uint64_t m[4] = { 0, 0, 0, 0 };
	int err = 0, i;

	for (i = 0; i < 4 && !err; i++)
		err = kc_mirror_alloc(kc, NULL, 3 << 20, &m[i]);
	CHECK(err == -ENOSPC && i == 3, "mirrors beyond mem_max_mb refused (%d after %d)", err, i - 1);
	for (i = 0; i < 4; i++)
		if (m[i])
			kc_mirror_free(kc, m[i]);
}

/* Every way of giving memory back makes it unwritable (and teardown does
 * not free it again: slub_debug would report the double free). */
static void basic_frees(struct kc *kc, const struct kc_hello *h)
{
	uint64_t args[3], cache, o, v, p, q;
	int err;

	err = kc_read(kc, h->syms[KTEST_SYM_CACHE64], &cache, 8);
	CHECK(!err && cache >= h->kbase, "a slab cache (%d)", err);
	args[0] = cache;
	args[1] = GFP_KERNEL_VAL;
	err = kc_call(kc, KTEST_STUB_CACHE_ALLOC, args, 2, 0, &o, NULL, 0);
	CHECK(!err && o >= h->kbase, "kmem_cache_alloc (%d)", err);
	CHECK(!kc_write(kc, o, "obj", 3), "WRITE into a cache object");
	args[1] = o;
	err = kc_call(kc, KTEST_STUB_CACHE_FREE, args, 2, 0, NULL, NULL, 0);
	err = err ? err : kc_write(kc, o, "x", 1);
	CHECK(err == -EACCES, "WRITE after kmem_cache_free(cache, obj) refused (%d)", err);

	args[0] = 3 * 4096;
	err = kc_call(kc, KTEST_STUB_VMALLOC, args, 1, 0, &v, NULL, 0);
	CHECK(!err && v >= h->kbase && !kc_write(kc, v + 3 * 4096 - 4, "vmem", 4),
	      "vmalloc'd memory writable (%d)", err);
	args[0] = v;
	err = kc_call(kc, KTEST_STUB_VFREE, args, 1, 0, NULL, NULL, 0);
	err = err ? err : kc_write(kc, v, "x", 1);
	CHECK(err == -EACCES, "WRITE after vfree refused (%d)", err);

	args[0] = 32;
	args[1] = GFP_KERNEL_VAL;
	err = kc_call(kc, KTEST_STUB_KMALLOC, args, 2, 0, &p, NULL, 0);
	args[0] = p;
	args[1] = 8192;
	args[2] = GFP_KERNEL_VAL;
	err = err ? err : kc_call(kc, KTEST_STUB_KREALLOC, args, 3, 0, &q, NULL, 0);
	CHECK(!err && q >= h->kbase && q != p && !kc_write(kc, q + 8000, "grown", 5),
	      "krealloc'd memory writable (%d)", err);
	err = kc_write(kc, p, "x", 1);
	CHECK(err == -EACCES, "WRITE into the block krealloc gave back refused (%d)", err);

	/* kfree_rcu(q, rcu) with the rcu_head at offset 16 */
	args[0] = q + 16;
	args[1] = 16;
	err = kc_call(kc, KTEST_STUB_KVFREE_RCU, args, 2, 0, NULL, NULL, 0);
	err = err ? err : kc_write(kc, q, "x", 1);
	CHECK(err == -EACCES, "WRITE after kfree_rcu refused (%d)", err);
}

/*
 * undo: registrations whose records must be forgotten in ways that do not
 * repeat the record's arguments, then wait to be killed (vm-undo.sh):
 *  - /proc/dusk_dir (name in kmalloc'd memory, freed at once; undone by
 *    remove_proc_entry) with e1 and e2; e1 removed by name;
 *  - /proc/dusk_dir2 with e3, removed as a whole by proc_remove;
 *  - a char device with a fixed major (__register_chrdev returns 0).
 */
static int cmd_undo(void)
{
	unsigned char ops[KTEST_PROC_OPS_SIZE] = { 0 }, fops[512] = { 0 };
	uint64_t args[5], mops, mfops, name, d, d2, e, ret;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	int err;

	memcpy(ops + KTEST_PROC_OPS_READ, &h.proxies[KTEST_PROXY_PROC_READ], 8);
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &mops) ||
	      kc_mirror_alloc(kc, fops, sizeof(fops), &mfops);
	CHECK(!err, "mirrors for proc_ops and file_operations");
#define STR(s) ({ uint64_t m_ = 0; kc_mirror_alloc(kc, s, sizeof(s), &m_); m_; })
	args[0] = 64;
	args[1] = GFP_KERNEL_VAL;
	err = kc_call(kc, KTEST_STUB_KMALLOC, args, 2, 0, &name, NULL, 0);
	err = err ? err : kc_write(kc, name, "dusk_dir", 9);
	args[0] = name;
	args[1] = 0;
	err = err ? err : kc_call(kc, KTEST_STUB_PROC_MKDIR, args, 2, 0, &d, NULL, 0);
	CHECK(!err && d >= h.kbase, "proc_mkdir dusk_dir (%d)", err);
	args[0] = name;
	err = kc_call(kc, KTEST_STUB_KFREE, args, 1, 0, NULL, NULL, 0);
	CHECK(!err, "the directory's name freed (%d)", err);
	args[1] = 0444;
	args[2] = d;
	args[3] = mops;
	args[0] = STR("e1");
	err = kc_call(kc, KTEST_STUB_PROC_CREATE, args, 4, 0, &e, NULL, 0);
	args[0] = STR("e2");
	err = err ? err : kc_call(kc, KTEST_STUB_PROC_CREATE, args, 4, 0, &e, NULL, 0);
	CHECK(!err && e >= h.kbase, "proc_create dusk_dir/e1, dusk_dir/e2 (%d)", err);
	args[0] = STR("e1");	/* another copy of the name: matched by content */
	args[1] = d;
	err = kc_call(kc, KTEST_STUB_REMOVE_PROC_ENTRY, args, 2, 0, NULL, NULL, 0);
	CHECK(!err, "remove_proc_entry(\"e1\", dusk_dir) (%d)", err);

	args[0] = STR("dusk_dir2");
	args[1] = 0;
	err = kc_call(kc, KTEST_STUB_PROC_MKDIR, args, 2, 0, &d2, NULL, 0);
	args[0] = STR("e3");
	args[1] = 0444;
	args[2] = d2;
	args[3] = mops;
	err = err ? err : kc_call(kc, KTEST_STUB_PROC_CREATE, args, 4, 0, &e, NULL, 0);
	args[0] = d2;
	err = err ? err : kc_call(kc, KTEST_STUB_PROC_REMOVE, args, 1, 0, NULL, NULL, 0);
	CHECK(!err, "dusk_dir2 with e3 created, then proc_remove(dusk_dir2) (%d)", err);

	args[0] = 240;	/* LOCAL/EXPERIMENTAL USE */
	args[1] = 0;
	args[2] = 256;
	args[3] = STR("dusk_chr");
	args[4] = mfops;
	err = kc_call(kc, KTEST_STUB_REG_CHRDEV, args, 5, 0, &ret, NULL, 0);
	CHECK(!err && ret == 0, "__register_chrdev(240, ...) = %lld (%d)", (long long)ret, err);
#undef STR
	mark_ready();
	while (!stop)
		pause();
	kc_close(kc);
	return failures ? 1 : 0;
}

/*
 * dwork SECONDS: queue the module's delayed work to run in SECONDS, then
 * wait to be killed (vm-work.sh): the program never cancels it, as a
 * module that relies on its exit would not have yet.
 */
static int cmd_dwork(int seconds)
{
	uint64_t args[4], wq, ret;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	int err;

	err = kc_read(kc, h.syms[KTEST_SYM_SYSTEM_WQ], &wq, 8);
	args[0] = 8192;	/* WORK_CPU_UNBOUND = NR_CPUS (Debian: 8192) */
	args[1] = wq;
	args[2] = h.syms[KTEST_SYM_DWORK];
	args[3] = (uint64_t)seconds * 250;	/* jiffies at HZ=250 (Debian) */
	err = err ? err : kc_call(kc, KTEST_STUB_QUEUE_DWORK, args, 4, 0, &ret, NULL, 0);
	CHECK(!err && ret == 1, "queue_delayed_work_on(%d s) (%d)", seconds, err);
	mark_ready();
	while (!stop)
		pause();
	kc_close(kc);
	return failures ? 1 : 0;
}

/* The format of basic's printk: the program's constant, in a mirror. */
#define KTEST_PRINTK_FMT "\0016ktest: %s %d\n"

/* printk through the fixture's stub: format, one pointer, one int. */
static int stub_printk(struct kc *kc, uint64_t fmt, uint64_t ptr, char *text, size_t size)
{
	uint64_t args[3] = { fmt, ptr, 7 }, ret;

	text[0] = '\0';
	return kc_call(kc, KTEST_STUB_PRINTK, args, 3, 0, &ret, text, size);
}

/*
 * Pointers a stub only reads pass the READ rule: a printk format, its %s
 * and %pI4 arguments and a strscpy source that are unmapped, stale or
 * the program's own addresses make the CALL -EFAULT, never an oops.
 */
static int cmd_stubread(void)
{
	uint64_t fmt, fmt_ip, fmt_many, str, ip, dst, p, args[3], ret;
	char text[DUSK_MAX_TEXT];
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	uint64_t bad = h.kbase;	/* unmapped (READ says -EFAULT there) */
	int err;

	err = kc_mirror_alloc(kc, KTEST_PRINTK_FMT, sizeof(KTEST_PRINTK_FMT), &fmt);
	err = err ? err : kc_mirror_alloc(kc, "\0016ktest: ip %pI4 %d\n", 21, &fmt_ip);
	err = err ? err : kc_mirror_alloc(kc, "\0016ktest: %s %d %s\n", 19, &fmt_many);
	err = err ? err : kc_mirror_alloc(kc, "guarded", 8, &str);
	err = err ? err : kc_mirror_alloc(kc, "\x0a\x01\x02\x03", 4, &ip);
	err = err ? err : kc_mirror_alloc(kc, "xxxxxxxxxxxxxxx", 16, &dst);
	CHECK(!err, "mirrors for formats, strings and a destination (%d)", err);

	err = stub_printk(kc, fmt, str, text, sizeof(text));
	CHECK(!err && !strcmp(text, "\0016ktest: guarded 7\n"), "printk %%s of a mirror: '%s'",
	      text + 2);
	err = stub_printk(kc, fmt, bad, text, sizeof(text));
	CHECK(err == -EFAULT, "printk %%s of an unmapped address refused (%d)", err);
	err = stub_printk(kc, fmt, (uint64_t)(uintptr_t)text, text, sizeof(text));
	CHECK(err == -EFAULT, "printk %%s of the program's own address refused (%d)", err);
	err = stub_printk(kc, bad, str, text, sizeof(text));
	CHECK(err == -EFAULT, "printk with an unmapped format refused (%d)", err);
	err = stub_printk(kc, fmt, 0, text, sizeof(text));
	CHECK(!err && !strcmp(text, "\0016ktest: (null) 7\n"), "printk %%s of NULL: '%s'",
	      text + 2);
	err = stub_printk(kc, fmt_ip, ip, text, sizeof(text));
	CHECK(!err && !strcmp(text, "\0016ktest: ip 10.1.2.3 7\n"), "printk %%pI4 of a mirror: '%s'",
	      text + 2);
	err = stub_printk(kc, fmt_ip, bad, text, sizeof(text));
	CHECK(err == -EFAULT, "printk %%pI4 of an unmapped address refused (%d)", err);
	err = stub_printk(kc, fmt_many, str, text, sizeof(text));
	CHECK(err == -EINVAL, "a format wanting more arguments than passed refused (%d)", err);

	/* memory given back: vfree unmaps it (the TLB may lag: either the
	 * old bytes or -EFAULT, never an oops) */
	args[0] = 4096;
	err = kc_call(kc, KTEST_STUB_VMALLOC, args, 1, 0, &p, NULL, 0);
	err = err ? err : kc_write(kc, p, "stale", 6);
	args[0] = p;
	err = err ? err : kc_call(kc, KTEST_STUB_VFREE, args, 1, 0, NULL, NULL, 0);
	CHECK(!err, "vmalloc, WRITE, vfree (%d)", err);
	err = stub_printk(kc, fmt, p, text, sizeof(text));
	CHECK(err == -EFAULT || !err, "printk %%s of vfree'd memory: no oops (%d)", err);

	args[0] = dst;
	args[1] = str;
	args[2] = 16;
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(!err && ret == 7, "strscpy from a mirror (%d, %lld)", err, (long long)ret);
	args[1] = bad;
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EFAULT, "strscpy from an unmapped address refused (%d)", err);
	args[1] = (uint64_t)(uintptr_t)text;
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EFAULT, "strscpy from the program's own address refused (%d)", err);

	err = stub_printk(kc, fmt, str, text, sizeof(text));
	CHECK(!err, "the session still serves (%d)", err);
	err = kc_bye(kc);
	CHECK(!err, "BYE (%d)", err);
	kc_close(kc);
	return failures ? 1 : 0;
}

/*
 * Kernel threads the program creates: one stopped by the program itself
 * (its record is forgotten), then one created and never woken, left for
 * teardown (the guest script kills us).  A thread name format asking for
 * an argument not passed is refused.
 */
static int cmd_kthread(void)
{
	uint64_t name, bad_name, task, args[4], ret;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	int err;

	err = kc_mirror_alloc(kc, "ktest-idle", 11, &name);
	err = err ? err : kc_mirror_alloc(kc, "ktest-%s", 9, &bad_name);
	CHECK(!err, "mirrors for thread names (%d)", err);
	args[0] = h.syms[KTEST_SYM_IDLE_FN];
	args[1] = 0;
	args[2] = (uint64_t)-1;	/* NUMA_NO_NODE */
	args[3] = bad_name;
	err = kc_call(kc, KTEST_STUB_KTHREAD_CREATE, args, 4, 0, &task, NULL, 0);
	CHECK(err == -EINVAL, "a thread name format wanting an argument not passed refused (%d)",
	      err);
	args[3] = name;
	err = kc_call(kc, KTEST_STUB_KTHREAD_CREATE, args, 4, 0, &task, NULL, 0);
	CHECK(!err && task >= h.kbase, "kthread_create_on_node (%d)", err);
	err = kc_call(kc, KTEST_STUB_KTHREAD_STOP, &task, 1, 0, &ret, NULL, 0);
	CHECK(!err && (int)ret == -EINTR, "kthread_stop of the thread never woken: %d (%d)",
	      (int)ret, err);
	err = kc_call(kc, KTEST_STUB_KTHREAD_CREATE, args, 4, 0, &task, NULL, 0);
	CHECK(!err && task >= h.kbase, "kthread_create_on_node, never woken (%d)", err);
	mark_ready();
	while (!stop)
		pause();
	kc_close(kc);
	return failures ? 1 : 0;
}

/*
 * pernet: registrations a module makes in init and takes back only by
 * unloading, whose objects are the program's mirrors: teardown must undo
 * them, or the kernel walks freed memory at the next netns or device.
 */
static int cmd_pernet(void)
{
	unsigned char ops[KTEST_PERNET_OPS_MAX] = { 0 }, nb[KTEST_NB_SIZE] = { 0 };
	uint64_t subsys, device, mnb, ret;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	int err;

	memcpy(nb + KTEST_NB_CALL, &h.syms[KTEST_SYM_NETDEV_EVENT_FN], 8);
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &subsys) ||
	      kc_mirror_alloc(kc, ops, sizeof(ops), &device) ||
	      kc_mirror_alloc(kc, nb, sizeof(nb), &mnb);
	CHECK(!err, "mirrors for two pernet_operations and a notifier_block");
	err = kc_call(kc, KTEST_STUB_REG_PERNET_SUBSYS, &subsys, 1, 0, &ret, NULL, 0);
	CHECK(!err && !ret, "register_pernet_subsys (%d, %d)", err, (int)ret);
	err = kc_call(kc, KTEST_STUB_REG_PERNET_DEVICE, &device, 1, 0, &ret, NULL, 0);
	CHECK(!err && !ret, "register_pernet_device (%d, %d)", err, (int)ret);
	err = kc_call(kc, KTEST_STUB_REG_NETDEV_NOTIFIER, &mnb, 1, 0, &ret, NULL, 0);
	CHECK(!err && !ret, "register_netdevice_notifier (%d, %d)", err, (int)ret);
	err = kc_mirror_free(kc, subsys);
	CHECK(err == -EBUSY, "MIRROR_FREE of registered pernet_operations refused (%d)", err);
	mark_ready();
	while (!stop)
		pause();
	kc_close(kc);
	return failures ? 1 : 0;
}

static int cmd_basic(void)
{
	uint64_t args[4], v, m, p, ret, stats[__DUSK_STAT_MAX];
	char text[DUSK_MAX_TEXT], buf[64];
	struct kc_hello h;
	struct kc *kc;
	int err;

	kc = kc_open(modname, &err);
	if (!kc) {
		printf("FAIL: open family: %s\n", strerror(-err));
		return 1;
	}
	err = kc_read(kc, 0xffffffff81000000ull, &v, 8);
	CHECK(err == -ENOTCONN, "READ before HELLO refused (%d)", err);
	err = kc_hello(kc, KTEST_LAYOUT_HASH, KTEST_STUB_HASH ^ 1, &h);
	CHECK(!err && !h.bound && h.stub_hash == KTEST_STUB_HASH,
	      "HELLO with a stale stub hash answered, not bound");
	err = kc_read(kc, 0xffffffff81000000ull, &v, 8);
	CHECK(err == -ENOTCONN, "no session after the mismatch (%d)", err);
	err = kc_hello(kc, KTEST_LAYOUT_HASH ^ 1, KTEST_STUB_HASH, &h);
	CHECK(!err && !h.bound, "HELLO with a stale layout hash not bound");

	err = kc_hello(kc, KTEST_LAYOUT_HASH, KTEST_STUB_HASH, &h);
	CHECK(!err && h.bound && h.nsyms == KTEST_NSYMS && h.nproxies == KTEST_NPROXIES,
	      "HELLO bound: kbase 0x%llx, %u syms, %u proxies",
	      (unsigned long long)h.kbase, h.nsyms, h.nproxies);
	if (!h.bound)
		return 1;
	CHECK(h.syms[KTEST_SYM_INIT_NET] >= h.kbase && h.proxies[0] >= h.kbase,
	      "symbol and proxy addresses are kernel addresses");

	err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	CHECK(!err && v == KTEST_MAGIC, "READ of ktest_magic = 0x%llx", (unsigned long long)v);
	err = kc_read(kc, h.kbase, &v, 8);
	CHECK(err == -EFAULT, "READ of an unmapped address refused (%d)", err);

	args[0] = 5;
	args[1] = 7;
	err = kc_call(kc, KTEST_STUB_MIX, args, 2, 0, &ret, NULL, 0);
	CHECK(!err && ret == 22, "CALL ktest_mix(5, 7) = %llu", (unsigned long long)ret);
	args[0] = h.syms[KTEST_SYM_MIX_FN];
	args[1] = 2;
	args[2] = 1;
	err = kc_call(kc, KTEST_STUB_INDIRECT, args, 3, 0, &ret, NULL, 0);
	CHECK(!err && ret == 7, "indirect CALL through &ktest_mix = %llu", (unsigned long long)ret);
	args[0] = h.syms[KTEST_SYM_MIX_FN] + 1;
	err = kc_call(kc, KTEST_STUB_INDIRECT, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EINVAL, "indirect CALL into the middle of a function refused (%d)", err);
	args[0] = h.kbase + 0x1234;
	err = kc_call(kc, KTEST_STUB_INDIRECT, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EINVAL, "indirect CALL to a garbage pointer refused (%d)", err);
	/* KALLSYMS_ALL lists variables too: a symbol's start is not enough. */
	args[0] = h.syms[KTEST_SYM_MAGIC];
	err = kc_call(kc, KTEST_STUB_INDIRECT, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EINVAL, "indirect CALL to a read-only variable refused (%d)", err);
	args[0] = h.syms[KTEST_SYM_INIT_NET];
	err = kc_call(kc, KTEST_STUB_INDIRECT, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EINVAL, "indirect CALL to a writable variable (init_net) refused (%d)", err);

	err = kc_mirror_alloc(kc, "dusk-mirror\0padpadpadpadpad", 28, &m);
	CHECK(!err && m >= h.kbase, "MIRROR_ALLOC at 0x%llx", (unsigned long long)m);
	err = kc_read(kc, m, buf, 12);
	CHECK(!err && !strcmp(buf, "dusk-mirror"), "mirror holds its initial contents");
	basic_batch_read(kc, &h, m);
	err = kc_mirror_alloc(kc, KTEST_PRINTK_FMT, sizeof(KTEST_PRINTK_FMT), &args[0]);
	args[1] = m;
	args[2] = 7;
	err = err ? err : kc_call(kc, KTEST_STUB_PRINTK, args, 3, 0, &ret, text, sizeof(text));
	CHECK(!err && !strcmp(text, "\0016ktest: dusk-mirror 7\n"), "printk TEXT '%s'", text + 2);
	err = kc_write(kc, m + 5, "MIRROR", 6);
	CHECK(!err, "WRITE into the mirror (%d)", err);
	err = kc_read(kc, m, buf, 12);
	CHECK(!err && !strcmp(buf, "dusk-MIRROR"), "mirror changed by WRITE");
	err = kc_write(kc, m + 24, "12345678", 8);
	CHECK(err == -EACCES, "WRITE across the mirror's end refused (%d)", err);

	args[0] = 100;
	args[1] = GFP_KERNEL_VAL;
	err = kc_call(kc, KTEST_STUB_KMALLOC, args, 2, 0, &p, NULL, 0);
	CHECK(!err && p >= h.kbase, "ALLOC stub __kmalloc(100) = 0x%llx", (unsigned long long)p);
	err = kc_write(kc, p + 90, "owned", 5);
	CHECK(!err, "WRITE into owned memory (%d)", err);
	args[0] = p;
	err = kc_call(kc, KTEST_STUB_KFREE, args, 1, 0, NULL, NULL, 0);
	CHECK(!err, "FREE stub kfree (%d)", err);
	err = kc_write(kc, p, "x", 1);
	CHECK(err == -EACCES, "WRITE into given-back memory refused (%d)", err);
	basic_frees(kc, &h);
	basic_limits(kc);
	/* a stub's destination pointer obeys the WRITE rule */
	args[0] = m + 2;
	args[1] = m;
	args[2] = 8;
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(!err, "strscpy into a mirror (%d)", err);
	args[0] = h.syms[KTEST_SYM_MAGIC];
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EACCES, "strscpy into read-only kernel data refused (%d)", err);
	args[0] = m + 20;
	args[2] = 16;	/* past the 28-byte mirror's end */
	err = kc_call(kc, KTEST_STUB_STRSCPY, args, 3, 0, &ret, NULL, 0);
	CHECK(err == -EACCES, "strscpy across a mirror's end refused (%d)", err);

	basic_hostile(kc, &h);
	basic_async(kc);

	err = run_child(0);
	CHECK(err == EBUSY, "a second program's HELLO gets EBUSY and its READ EPERM (%d)", err);
	err = run_child(1);
	CHECK(err == EPERM, "HELLO without CAP_SYS_ADMIN refused (%d)", err);

	err = kc_mirror_free(kc, m);
	CHECK(!err, "MIRROR_FREE (%d)", err);
	err = kc_mirror_free(kc, m);
	CHECK(err == -ENOENT, "MIRROR_FREE twice refused (%d)", err);
	err = kc_write(kc, m, "x", 1);
	CHECK(err == -EACCES, "WRITE into a freed mirror refused (%d)", err);

	err = kc_stats(kc, stats);
	CHECK(!err && stats[DUSK_STAT_REFUSED] >= 20 && stats[DUSK_STAT_CALLS] >= 4 &&
	      stats[DUSK_STAT_BYTES_READ] >= 8,
	      "STATS: %llu requests, %llu refused, %llu calls",
	      (unsigned long long)stats[DUSK_STAT_REQUESTS],
	      (unsigned long long)stats[DUSK_STAT_REFUSED],
	      (unsigned long long)stats[DUSK_STAT_CALLS]);
	err = kc_bye(kc);
	CHECK(!err, "BYE (%d)", err);
	err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	CHECK(err == -ENOTCONN, "no session after BYE (%d)", err);
	kc_close(kc);
	return failures ? 1 : 0;
}

/* The packet-data CHUNK (third, see docs/kmod.md) starts with the IP
 * header: ICMP over IPv4, or ICMPv6 right after the IPv6 header. */
static int is_icmp(const struct kc_upcall *up)
{
	const unsigned char *ip;

	if (up->nchunks < 3 || up->chunks[2].len < 40)
		return 0;
	ip = up->chunks[2].data;
	return ((ip[0] >> 4) == 4 && ip[9] == 1) || ((ip[0] >> 4) == 6 && ip[6] == 58);
}

/* Writes into and around what a hook upcall lent; the results are judged
 * by hook_lent_report() once the REPLY tells whether the upcall was still
 * live (one handled after it expired had its lent ranges taken back). */
static void hook_lent_checks(struct kc *kc, const struct kc_upcall *up, int err[5])
{
	const struct kc_range *data = &up->lent[1];
	const unsigned char *ip = up->chunks[2].data;
	const unsigned char *skb = up->chunks[0].data;	/* the sk_buff, prefetched */

	err[0] = kc_write(kc, up->chunks[2].addr + 1, ip + 1, 1);	/* TOS, unchanged */
	err[1] = kc_write(kc, data->addr + data->len, "x", 1);
	err[2] = kc_write(kc, up->args[2], "x", 1);
	/* head and end bound the lent data area: writing them (even with
	 * their own value) would let the program widen what it may write */
	err[3] = kc_write(kc, up->args[1] + KTEST_SKB_END, skb + KTEST_SKB_END, 4);
	err[4] = kc_write(kc, up->args[1] + KTEST_SKB_HEAD, skb + KTEST_SKB_HEAD, 8);
}

static void hook_lent_report(const int err[5])
{
	CHECK(err[3] == -EACCES, "WRITE of the lent sk_buff's end refused (%d)", err[3]);
	CHECK(err[4] == -EACCES, "WRITE of the lent sk_buff's head refused (%d)", err[4]);
	CHECK(!err[0], "WRITE into the lent packet data (%d)", err[0]);
	CHECK(err[1] == -EACCES, "WRITE past the lent data area refused (%d)", err[1]);
	CHECK(err[2] == -EACCES, "WRITE into the hook state refused (%d)", err[2]);
}

/* drop, accept, stolen (then kfree_skb), queue, queue-bypass; repeat: see below. */
static unsigned int verdict_value(const char *name)
{
	if (!strcmp(name, "drop"))
		return NF_DROP;
	if (!strcmp(name, "stolen"))
		return NF_STOLEN;
	if (!strcmp(name, "queue"))
		return NF_QUEUE;
	if (!strcmp(name, "queue-bypass"))
		return NF_QUEUE | NF_VERDICT_FLAG_QUEUE_BYPASS;
	return NF_ACCEPT;
}

static int cmd_hook(const char *verdict, int seconds, const char *where)
{
	int out = strchr(where, 'o') != NULL, v6 = strchr(where, '6') != NULL;
	unsigned char ops[KTEST_OPS_SIZE] = { 0 };
	uint64_t args[2], ret, m, handled = 0, late = 0, repeated = 0, last_skb = 0;
	int repeat = !strcmp(verdict, "repeat");
	unsigned int v = verdict_value(verdict), answer;
	struct kc_upcall *up = malloc(sizeof(*up));
	struct kc_hello h;
	time_t end = time(NULL) + seconds;
	struct kc *kc = connect_bound(&h);
	int err, lent_done = 0, lent_now, lent_err[5] = { 0, 0, 0, 0, 0 };

	memcpy(ops + KTEST_OPS_HOOK, &h.proxies[KTEST_PROXY_HOOK], 8);
	ops[KTEST_OPS_PF] = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	*(uint32_t *)(ops + KTEST_OPS_HOOKNUM) = out ? NF_INET_LOCAL_OUT : NF_INET_LOCAL_IN;
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &m);
	CHECK(!err, "nf_hook_ops mirror (%d)", err);
	args[0] = h.syms[KTEST_SYM_INIT_NET];
	args[1] = m;
	err = kc_call(kc, KTEST_STUB_NF_REG, args, 2, 0, &ret, NULL, 0);
	CHECK(!err && ret == 0, "nf_register_net_hook (%d, %lld)", err, (long long)ret);
	err = kc_mirror_free(kc, m);
	CHECK(err == -EBUSY, "MIRROR_FREE of registered ops refused (%d)", err);
	mark_ready();

	while (!stop && (!seconds || time(NULL) < end)) {
		err = kc_upcall_next(kc, up, 200);
		if (err <= 0)
			continue;
		if (up->proxy != KTEST_PROXY_HOOK || up->nargs != 3 || up->nlent < 2) {
			CHECK(0, "malformed hook upcall");
			break;
		}
		lent_now = !lent_done && is_icmp(up);
		if (lent_now)
			hook_lent_checks(kc, up, lent_err);
		answer = is_icmp(up) ? v : NF_ACCEPT;
		if (repeat && is_icmp(up)) {
			/* The hook runs again on the same sk_buff after REPEAT. */
			if (up->args[1] == last_skb)
				repeated++;
			else
				answer = NF_REPEAT;
			last_skb = up->args[1];
		}
		err = kc_reply(kc, up->ctx, answer, 0, NULL, 0);
		if (!err && answer == NF_STOLEN) {
			/* The module owns the packet now: it frees it. */
			err = kc_call(kc, KTEST_STUB_KFREE_SKB, &up->args[1], 1, 0, NULL, NULL, 0);
			if (err)
				CHECK(0, "kfree_skb of a stolen packet (%d)", err);
		}
		if (lent_now && err != -ESRCH) {
			hook_lent_report(lent_err);
			lent_done = 1;
		}
		if (err == -ESRCH)
			late++;		/* expired while we were stopped */
		else if (err)
			CHECK(0, "REPLY (%d)", err);
		else
			handled++;
	}
	err = kc_call(kc, KTEST_STUB_NF_UNREG, args, 2, 0, NULL, NULL, 0);
	CHECK(!err, "nf_unregister_net_hook (%d)", err);
	err = kc_mirror_free(kc, m);
	CHECK(!err, "MIRROR_FREE of unregistered ops (%d)", err);
	err = kc_bye(kc);
	CHECK(!err, "BYE (%d)", err);
	printf("handled %llu late %llu repeated %llu\n", (unsigned long long)handled,
	       (unsigned long long)late, (unsigned long long)repeated);
	kc_close(kc);
	free(up);
	return failures ? 1 : 0;
}

/*
 * hook-slow: a nested call outlives its packet's nf_timeout_ms.  Expiry
 * must wait for it: the stub still reads the packet's sk_buff at its end.
 */
static int cmd_hook_slow(int ms)
{
	unsigned char ops[KTEST_OPS_SIZE] = { 0 };
	struct kc_upcall *up = malloc(sizeof(*up));
	uint64_t args[2], ret, m;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	int err, done = 0;
	time_t end = time(NULL) + 60;

	memcpy(ops + KTEST_OPS_HOOK, &h.proxies[KTEST_PROXY_HOOK], 8);
	ops[KTEST_OPS_PF] = NFPROTO_IPV4;
	*(uint32_t *)(ops + KTEST_OPS_HOOKNUM) = NF_INET_LOCAL_IN;
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &m);
	CHECK(!err, "nf_hook_ops mirror (%d)", err);
	args[0] = h.syms[KTEST_SYM_INIT_NET];
	args[1] = m;
	err = kc_call(kc, KTEST_STUB_NF_REG, args, 2, 0, &ret, NULL, 0);
	CHECK(!err && ret == 0, "nf_register_net_hook (%d, %lld)", err, (long long)ret);
	mark_ready();

	while (!stop && !done && time(NULL) < end) {
		uint64_t slow[2];

		if (kc_upcall_next(kc, up, 200) <= 0)
			continue;
		if (up->proxy != KTEST_PROXY_HOOK || up->nargs != 3 || !is_icmp(up)) {
			kc_reply(kc, up->ctx, NF_ACCEPT, 0, NULL, 0);
			continue;
		}
		slow[0] = up->args[1];	/* the sk_buff */
		slow[1] = ms;
		err = kc_call(kc, KTEST_STUB_SKB_SLOW, slow, 2, up->ctx, &ret, NULL, 0);
		CHECK(!err, "nested call on the packet (%d)", err);
		CHECK((uint32_t)(ret >> 32) == (uint32_t)ret,
		      "the packet's sk_buff lived through the nested call (len %u, then %u)",
		      (unsigned int)(ret >> 32), (unsigned int)ret);
		err = kc_reply(kc, up->ctx, NF_ACCEPT, 0, NULL, 0);
		CHECK(err == -ESRCH, "REPLY after nf_timeout_ms: expired (%d)", err);
		done = 1;
	}
	CHECK(done, "an ICMP packet came");
	err = kc_call(kc, KTEST_STUB_NF_UNREG, args, 2, 0, NULL, NULL, 0);
	CHECK(!err, "nf_unregister_net_hook (%d)", err);
	err = kc_mirror_free(kc, m);
	CHECK(!err, "MIRROR_FREE of unregistered ops (%d)", err);
	err = kc_bye(kc);
	CHECK(!err, "BYE (%d)", err);
	kc_close(kc);
	free(up);
	return failures ? 1 : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * timer-stream: a program busy with its timer that never answers one kind
 * of upcall, its hook's.  Each timer upcall is raised while packets wait;
 * none may push their expiry back.
 */
static int cmd_timer_stream(int seconds)
{
	unsigned char ops[KTEST_OPS_SIZE] = { 0 };
	uint64_t args[2], ret, m, ticks = 0, ignored = 0;
	struct kc_upcall *up = malloc(sizeof(*up));
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	double end = now_s() + seconds, next = 0;
	int err;

	memcpy(ops + KTEST_OPS_HOOK, &h.proxies[KTEST_PROXY_HOOK], 8);
	ops[KTEST_OPS_PF] = NFPROTO_IPV4;
	*(uint32_t *)(ops + KTEST_OPS_HOOKNUM) = NF_INET_LOCAL_IN;
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &m);
	args[0] = h.syms[KTEST_SYM_INIT_NET];
	args[1] = m;
	err = err ? err : kc_call(kc, KTEST_STUB_NF_REG, args, 2, 0, &ret, NULL, 0);
	CHECK(!err && !ret, "nf_register_net_hook (%d)", err);
	mark_ready();
	while (!stop && now_s() < end) {
		if (now_s() >= next) {
			args[0] = 20;	/* ms: the timer fires its async upcall */
			err = kc_call(kc, KTEST_STUB_ARM_TIMER, args, 1, 0, NULL, NULL, 0);
			if (err)
				CHECK(0, "arm the timer (%d)", err);
			next = now_s() + 0.1;
		}
		if (kc_upcall_next(kc, up, 20) <= 0)
			continue;
		if (up->proxy == KTEST_PROXY_TIMER) {
			ticks++;
			kc_reply(kc, up->ctx, 0, 0, NULL, 0);
		} else {
			ignored++;	/* a packet: left to expire */
		}
	}
	printf("ticks %llu packets-ignored %llu\n", (unsigned long long)ticks,
	       (unsigned long long)ignored);
	kc_bye(kc);
	kc_close(kc);
	free(up);
	return failures ? 1 : 0;
}

/* Random attributes, sometimes nested, sometimes with a lying nla_len. */
static void fuzz_attrs(struct nlmsghdr *nlh, int depth)
{
	int i, k = rand() % 6;
	unsigned char junk[48];
	struct nlattr *nest, *a;

	for (i = 0; i < k; i++) {
		uint16_t type = rand() % (DUSK_A_MAX + 4);
		unsigned int j, len = rand() % sizeof(junk);

		for (j = 0; j < len; j++)
			junk[j] = rand();
		switch (rand() % 5) {
		case 0:
			mnl_attr_put_u32(nlh, type, rand());
			break;
		case 1:
			mnl_attr_put_u64(nlh, type, ((uint64_t)rand() << 33) ^ rand());
			break;
		case 2:
			if (depth < 2) {
				nest = mnl_attr_nest_start(nlh, type);
				fuzz_attrs(nlh, depth + 1);
				mnl_attr_nest_end(nlh, nest);
				break;
			}
			/* fall through */
		case 3:
			mnl_attr_put(nlh, type, len, junk);
			break;
		default:	/* nla_len says more than the attribute holds */
			a = mnl_nlmsg_get_payload_tail(nlh);
			mnl_attr_put(nlh, type, 4, junk);
			a->nla_len += 8 + rand() % 64;
			break;
		}
	}
}

static int fuzz_round(struct kc *kc, int n, const uint8_t *cmds, int ncmds, int bound)
{
	struct nlmsghdr *nlh;
	int i, err, answered = 0;

	for (i = 0; i < n; i++) {
		nlh = kc_req(kc, cmds[rand() % ncmds]);
		fuzz_attrs(nlh, 0);
		err = kc_xact(kc, nlh, NULL, NULL);
		if (err == -ETIME)
			continue;
		answered++;
		if (!bound && !err)
			CHECK(0, "random request %d accepted without a session", i);
	}
	return answered;
}

static int cmd_fuzz(int n)
{
	static const uint8_t any[] = {
		0, DUSK_CMD_HELLO, DUSK_CMD_BYE, DUSK_CMD_READ, DUSK_CMD_WRITE,
		DUSK_CMD_MIRROR_ALLOC, DUSK_CMD_MIRROR_FREE, DUSK_CMD_CALL,
		DUSK_CMD_UPCALL, DUSK_CMD_REPLY, DUSK_CMD_STATS, 42,
	};
	/* With a session: no CALL (random arguments to kfree would be the
	 * program's own bug, not a protocol one), no BYE. */
	static const uint8_t safe[] = {
		DUSK_CMD_READ, DUSK_CMD_WRITE, DUSK_CMD_MIRROR_ALLOC,
		DUSK_CMD_MIRROR_FREE, DUSK_CMD_REPLY, DUSK_CMD_STATS,
	};
	struct kc_hello h;
	struct kc *kc;
	uint64_t v;
	int err, got;

	srand(20261122);
	kc = kc_open(modname, &err);
	if (!kc)
		return 1;
	got = fuzz_round(kc, n, any, sizeof(any), 0);
	CHECK(got == n, "%d random requests without a session: %d answered, none accepted", n, got);
	kc_close(kc);

	kc = connect_bound(&h);
	got = fuzz_round(kc, n, safe, sizeof(safe), 1);
	CHECK(got == n, "%d random requests in a session: %d answered", n, got);
	err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	CHECK(!err && v == KTEST_MAGIC, "session still serves after the fuzzing");
	err = kc_bye(kc);
	CHECK(!err, "BYE (%d)", err);
	kc_close(kc);
	return failures ? 1 : 0;
}

static int cmd_fuzz_live(long n, int threads, int seconds)
{
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	uint64_t v = 0;
	int err;

	if (kc_fuzz_live(kc, &h, n, threads, seconds, mark_ready))
		failures++;
	else
		CHECK(1, "%ld requests raced against live upcalls", n);
	err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	CHECK(!err && v == KTEST_MAGIC, "session still serves after the live fuzzing (%d)", err);
	err = kc_bye(kc);
	CHECK(!err, "BYE undoes the hook and the proc entry (%d)", err);
	kc_close(kc);
	return failures ? 1 : 0;
}

static void bench_report(const char *name, int n, double t)
{
	printf("bench %-12s %9.0f ops/s %8.2f us/op\n", name, n / t, t * 1e6 / n);
}

static int cmd_bench(int n)
{
	static unsigned char big[60000];
	uint64_t args[2] = { 1, 2 }, m, v;
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	double t;
	int i, err = 0;

	err |= kc_mirror_alloc(kc, big, sizeof(big), &m);
	t = now_s();
	for (i = 0; i < n && !err; i++)
		err = kc_call(kc, KTEST_STUB_MIX, args, 2, 0, NULL, NULL, 0);
	bench_report("call", n, now_s() - t);
	t = now_s();
	for (i = 0; i < n && !err; i++)
		err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	bench_report("read-8", n, now_s() - t);
	t = now_s();
	for (i = 0; i < n / 10 && !err; i++)
		err = kc_read(kc, m, big, sizeof(big));
	bench_report("read-60k", n / 10, now_s() - t);
	t = now_s();
	for (i = 0; i < n && !err; i++)
		err = kc_write(kc, m + 64, &v, 8);
	bench_report("write-8", n, now_s() - t);
	CHECK(!err, "benchmark requests all succeeded (%d)", err);
	kc_bye(kc);
	kc_close(kc);
	return failures ? 1 : 0;
}

static void proc_serve(struct kc *kc, const struct kc_upcall *up, uint64_t text,
		       uint64_t textlen)
{
	uint64_t file = up->args[0], ubuf = up->args[1], count = up->args[2];
	uint64_t ppos = up->args[3], pos = ~0ull, n, ret, cargs[3];
	unsigned int i;
	int err;

	(void)file;
	for (i = 0; i < up->nchunks; i++)
		if (up->chunks[i].addr == ppos && up->chunks[i].len == 8)
			memcpy(&pos, up->chunks[i].data, 8);
	if (pos == ~0ull && kc_read(kc, ppos, &pos, 8))
		pos = 0;
	if (pos >= textlen) {
		kc_reply(kc, up->ctx, 0, 0, NULL, 0);
		return;
	}
	n = textlen - pos < count ? textlen - pos : count;
	cargs[0] = ubuf;
	cargs[1] = text + pos;
	cargs[2] = n;
	err = kc_call(kc, KTEST_STUB_COPY_TO_USER, cargs, 3, up->ctx, &ret, NULL, 0);
	if (err || ret) {
		CHECK(0, "nested copy_to_user (%d, %llu)", err, (unsigned long long)ret);
		kc_reply(kc, up->ctx, (uint64_t)-14, 0, NULL, 0);
		return;
	}
	pos += n;
	/* *ppos += n: through the REPLY's chunk, into the lent range. */
	err = kc_reply(kc, up->ctx, n, ppos, &pos, 8);
	if (err)
		CHECK(0, "REPLY with *ppos (%d)", err);
}

/* proc [stall]: serve /proc/dusk_NAME; chrdev: the same read as char
 * device 240 (__register_chrdev with a file_operations mirror). */
static int cmd_proc(int stall, int chrdev)
{
	static const char msg[] = "hello from dusk\n";
	unsigned char ops[KTEST_PROC_OPS_SIZE] = { 0 }, fops[KTEST_FOPS_MAX] = { 0 };
	uint64_t args[5], name, mops, text, pde;
	struct kc_upcall *up = malloc(sizeof(*up));
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	char pname[64];
	int err;

	snprintf(pname, sizeof(pname), "dusk_%s", modname);
	memcpy(ops + KTEST_PROC_OPS_READ, &h.proxies[KTEST_PROXY_PROC_READ], 8);
	err = kc_mirror_alloc(kc, pname, strlen(pname) + 1, &name) ||
	      kc_mirror_alloc(kc, ops, sizeof(ops), &mops) ||
	      kc_mirror_alloc(kc, msg, sizeof(msg) - 1, &text);
	CHECK(!err, "mirrors for name, proc_ops and text");
	if (chrdev) {
		memcpy(fops + KTEST_FOPS_READ, &h.proxies[KTEST_PROXY_PROC_READ], 8);
		err = kc_mirror_alloc(kc, fops, sizeof(fops), &mops);
		args[0] = 240;
		args[1] = 0;
		args[2] = 256;
		args[3] = name;
		args[4] = mops;
		err = err ? err : kc_call(kc, KTEST_STUB_REG_CHRDEV, args, 5, 0, &pde, NULL, 0);
		CHECK(!err && pde == 0, "__register_chrdev(240, %s) (%d)", pname, err);
	} else {
		args[0] = name;
		args[1] = 0444;
		args[2] = 0;
		args[3] = mops;
		err = kc_call(kc, KTEST_STUB_PROC_CREATE, args, 4, 0, &pde, NULL, 0);
		CHECK(!err && pde >= h.kbase, "proc_create /proc/%s (%d)", pname, err);
	}
	mark_ready();

	while (!stop) {
		err = kc_upcall_next(kc, up, 200);
		if (err <= 0 || stall)
			continue;
		if (up->proxy != KTEST_PROXY_PROC_READ || !(up->flags & DUSK_UPCALL_BLOCKING) ||
		    up->nargs != 4 || up->nlent != 1 || up->lent[0].addr != up->args[3]) {
			CHECK(0, "malformed proc upcall");
			continue;
		}
		proc_serve(kc, up, text, sizeof(msg) - 1);
	}
	kc_bye(kc);
	kc_close(kc);
	free(up);
	return failures ? 1 : 0;
}

/* PARAMS attribute PARAM { NAME, PERM } (a perm < 0 leaves PERM out). */
static void put_param(struct nlmsghdr *nlh, const char *name, int perm)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, DUSK_A_PARAM);

	mnl_attr_put_strz(nlh, DUSK_A_NAME, name);
	if (perm >= 0)
		mnl_attr_put_u32(nlh, DUSK_A_PERM, (uint32_t)perm);
	mnl_attr_nest_end(nlh, nest);
}

/* One PARAMS request of @n PARAMs; the kernel's answer. */
static int params_req(struct kc *kc, const char *const *names, const int *perms, int n)
{
	struct nlmsghdr *nlh = kc_req(kc, DUSK_CMD_PARAMS);
	int i;

	for (i = 0; i < n; i++)
		put_param(nlh, names[i], perms[i]);
	return kc_xact(kc, nlh, NULL, NULL);
}

/* Serve one parameter upcall: "speed" reads "42\n" and takes "7\n" only,
 * "ro" reads "ro\n". */
static void param_serve(struct kc *kc, const struct kc_upcall *up)
{
	static const char *const text[] = { "42\n", "ro\n" };
	uint64_t op = up->args[0], buf = up->args[1], len = up->args[2];
	char got[8] = { 0 };
	size_t n;

	if (!(up->flags & DUSK_UPCALL_PARAM) || !(up->flags & DUSK_UPCALL_BLOCKING) ||
	    up->nargs != 3 || up->proxy > 1 || up->nlent != 1 || up->lent[0].addr != buf) {
		CHECK(0, "malformed parameter upcall");
		kc_reply(kc, up->ctx, (uint64_t)-EINVAL, 0, NULL, 0);
		return;
	}
	if (op == DUSK_PARAM_GET) {
		n = strlen(text[up->proxy]);
		kc_reply(kc, up->ctx, n, buf, text[up->proxy], (uint32_t)n);
		return;
	}
	if (len < sizeof(got))
		kc_read(kc, buf, got, (uint32_t)len);
	kc_reply(kc, up->ctx, strcmp(got, "7\n") ? (uint64_t)-EINVAL : 0, 0, NULL, 0);
}

/*
 * params [stall]: PARAMS refused when malformed (world-writable, no
 * PERM, a '/', a name twice), made once (/sys/module/ktest with
 * parameters/speed 0644 and parameters/ro 0444) and refused the second
 * time; then parameter reads and writes are served (param_serve()) until
 * SIGTERM, or, with "stall", none.
 */
static int cmd_params(int stall)
{
	static const char *const bad_names[][2] = {
		{ "speed", NULL }, { "speed", NULL }, { "a/b", NULL }, { "speed", "speed" },
		{ "speed", NULL },
	};
	static const int bad_perms[][2] = { { 0666 }, { -1 }, { 0644 }, { 0644, 0444 }, { 01644 } };
	static const char *const names[] = { "speed", "ro" };
	static const int perms[] = { 0644, 0444 };
	struct kc_upcall *up = malloc(sizeof(*up));
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	unsigned int i;
	int err;

	for (i = 0; i < sizeof(bad_perms) / sizeof(bad_perms[0]); i++) {
		err = params_req(kc, bad_names[i], bad_perms[i], bad_names[i][1] ? 2 : 1);
		CHECK(err == -EINVAL, "malformed PARAMS %u refused (%d)", i, err);
	}
	err = params_req(kc, names, perms, 2);
	CHECK(err == 0, "PARAMS speed 0644, ro 0444 (%d)", err);
	err = params_req(kc, names, perms, 1);
	CHECK(err == -EBUSY, "a second PARAMS refused (%d)", err);
	mark_ready();
	while (!stop) {
		err = kc_upcall_next(kc, up, 200);
		if (err > 0 && !stall)
			param_serve(kc, up);
	}
	kc_bye(kc);
	kc_close(kc);
	free(up);
	return failures ? 1 : 0;
}

/*
 * snoop PORT SECONDS: an unprivileged user (uid 65534) takes the netlink
 * port of a program that dies and listens there.  Binds as soon as the
 * port is free, then counts what arrives until SECONDS have passed.
 * Prints "bound 0|1" and "snooped N"; DUSK must deliver nothing.
 */
static int cmd_snoop(uint32_t port, int seconds)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_pid = port };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
	double end = now_s() + seconds;
	char buf[8192];
	int fd, bound = 0;
	long n = 0;

	if (setgid(65534) || setuid(65534))
		return 100;
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0)
		return 101;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (now_s() < end) {
		if (!bound) {
			bound = !bind(fd, (struct sockaddr *)&sa, sizeof(sa));
			continue;
		}
		if (recv(fd, buf, sizeof(buf), 0) > 0)
			n++;
	}
	printf("bound %d\nsnooped %ld\n", bound, n);
	close(fd);
	return 0;
}

/*
 * uffdread PATH: read PATH into a page registered with userfaultfd whose
 * faults are never served: the kernel's copy_to_user into it never ends
 * (a reader that wedges whoever serves its read).  Killed by the test.
 */
static int cmd_uffdread(const char *path)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	long page = sysconf(_SC_PAGESIZE);
	int uffd, fd;
	char *buf;
	ssize_t n;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api)) {
		printf("FAIL: userfaultfd: %s\n", strerror(errno));
		return 1;
	}
	buf = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (unsigned long)buf;
	reg.range.len = page;
	if (buf == MAP_FAILED || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		printf("FAIL: UFFDIO_REGISTER: %s\n", strerror(errno));
		return 1;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 1;
	printf("reading\n");
	n = read(fd, buf, 64);
	printf("read returned %zd (%s)\n", n, n < 0 ? strerror(errno) : "");
	return 0;
}

/* readmagic: HELLO and READ ktest_magic; prints the READ's result. */
static int cmd_readmagic(void)
{
	struct kc_hello h;
	struct kc *kc = connect_bound(&h);
	uint64_t v = 0;
	int err;

	err = kc_read(kc, h.syms[KTEST_SYM_MAGIC], &v, 8);
	printf("read %d %s\n", err, err ? strerror(-err) : (v == KTEST_MAGIC ? "magic" : "wrong"));
	kc_bye(kc);
	kc_close(kc);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("KTEST_NAME"))
		modname = getenv("KTEST_NAME");
	if (argc >= 2 && !strcmp(argv[1], "kthread"))
		return cmd_kthread();
	if (argc >= 2 && !strcmp(argv[1], "stubread"))
		return cmd_stubread();
	if (argc >= 2 && !strcmp(argv[1], "basic"))
		return cmd_basic();
	if (argc >= 3 && !strcmp(argv[1], "hook"))
		return cmd_hook(argv[2], argc >= 4 ? atoi(argv[3]) : 0, argc >= 5 ? argv[4] : "in4");
	if (argc >= 3 && !strcmp(argv[1], "hook-slow"))
		return cmd_hook_slow(atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "bench"))
		return cmd_bench(atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(atoi(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "pernet"))
		return cmd_pernet();
	if (argc >= 3 && !strcmp(argv[1], "timer-stream"))
		return cmd_timer_stream(atoi(argv[2]));
	if (argc >= 3 && !strcmp(argv[1], "fuzz-live"))
		return cmd_fuzz_live(atol(argv[2]), argc >= 4 ? atoi(argv[3]) : 4,
				     argc >= 5 ? atoi(argv[4]) : 150);
	if (argc >= 2 && !strcmp(argv[1], "readmagic"))
		return cmd_readmagic();
	if (argc >= 3 && !strcmp(argv[1], "uffdread"))
		return cmd_uffdread(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "dwork"))
		return cmd_dwork(atoi(argv[2]));
	if (argc >= 2 && !strcmp(argv[1], "undo"))
		return cmd_undo();
	if (argc >= 4 && !strcmp(argv[1], "snoop"))
		return cmd_snoop(strtoul(argv[2], NULL, 0), atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "proc"))
		return cmd_proc(argc >= 3 && !strcmp(argv[2], "stall"), 0);
	if (argc >= 2 && !strcmp(argv[1], "chrdev"))
		return cmd_proc(0, 1);
	if (argc >= 2 && !strcmp(argv[1], "params"))
		return cmd_params(argc >= 3 && !strcmp(argv[2], "stall"));
	fprintf(stderr, "usage: dusk-kclient basic | fuzz N | bench N | proc [stall] |\n"
		"       hook drop|accept|stolen|queue|queue-bypass|repeat [SECONDS [in4|in6|out4|out6]]\n");
	return 2;
}
