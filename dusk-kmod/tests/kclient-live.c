// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-live: hostile and buggy requests raced against live upcall state.
 *
 * The program registers a LOCAL_IN hook and a /proc entry, keeps an async
 * timer and a blocking work item coming, and the guest script drives
 * packets and readers through them.  Several sender threads then share the
 * program's one socket (the kernel runs their requests concurrently: the
 * family is parallel_ops) and pick at random among: REPLYs to live upcalls
 * with plausible or wrong results, REPLYs to stale and never-issued CTXs,
 * nested CALLs (a copy_to_user into a waiting reader, a plain stub) with
 * live, stale or unknown CTXs, WRITEs into, around and after lent ranges,
 * READs of them, MIRROR_FREE of mirrors the kernel still uses, mirror
 * churn, timer and work re-arming, calls of blocking proxies from atomic
 * context, and malformed messages.  Upcalls expire meanwhile
 * (nf_timeout_ms, block_timeout_ms are short in the test).
 *
 * Senders never wait for answers; one receiver thread reads the socket:
 * it records upcalls (the senders' targets) and new mirrors, and checks the
 * answers whose outcome no race can change, tagged in the sequence number:
 * a WRITE of the sk_buff's head/end or just past a lent data area is
 * -EACCES, a REPLY or nested CALL to a CTX never issued is -ESRCH, a
 * MIRROR_FREE of registered nf_hook_ops or proc_ops is -EBUSY.  The kernel
 * must stay clean (the guest script checks dmesg), the session must serve
 * afterwards, and every request must be answered.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include "kclient.h"
#include "kclient-live.h"
#include "ktest-abi.h"

#define LIVE_SLOTS	256	/* upcalls remembered (live or stale) */
#define LIVE_MIRRORS	64	/* the senders' own small mirrors */
#define LIVE_MAX_THREADS 16
#define LIVE_TARGETS	65536	/* per sender: outstanding checked WRITEs */
#define MIRROR_SPAN	256	/* a mirror of at most 200 bytes: its slab object */
#define NF_ACCEPT	1
#define NFPROTO_IPV4	2
#define NF_INET_LOCAL_IN 1

/* What an answer must be, whatever the races: the sequence number's top byte. */
enum expect { EXPECT_ANY, EXPECT_EACCES, EXPECT_ESRCH, EXPECT_EBUSY, __EXPECT_MAX };
static const int expect_errno[__EXPECT_MAX] = { 0, -EACCES, -ESRCH, -EBUSY };
static const char *const expect_name[__EXPECT_MAX] = { "any", "EACCES", "ESRCH", "EBUSY" };

struct slot {
	uint64_t ctx;
	uint32_t proxy;
	uint64_t args[4];
	uint64_t lent_addr[2];
	uint32_t lent_len[2];
	int stale;		/* a REPLY was sent for it */
};

/* Where a WRITE that must be refused was aimed, to tell a broken rule from
 * freed memory the allocator gave to someone the program may write. */
struct target {
	uint32_t seq;
	uint64_t addr;
	uint32_t len;
	uint64_t ctx;
};

struct live {
	int fd;
	uint16_t family;
	const struct kc_hello *h;
	long target;			/* requests to send */
	double deadline;		/* give up sending then (CLOCK_MONOTONIC s) */
	uint64_t ops, pops, text;	/* registered nf_hook_ops, proc_ops; reply text */
	uint64_t wq;			/* system_wq */
	pthread_mutex_t lock;		/* slots, mirrors */
	struct slot slot[LIVE_SLOTS];
	unsigned int nslots;		/* ever filled, ring index */
	uint64_t mirror[LIVE_MIRRORS];
	unsigned int nmirrors;
	uint64_t *all_mirrors;		/* every mirror ever allocated */
	size_t nall, all_cap;
	struct target *targets;		/* [sender << 16 | counter & 0xffff] */
	atomic_long sent, answered, upcalls, violations, overruns, hist[__EXPECT_MAX];
	atomic_long reused;		/* refusals waived: the memory was reused */
	atomic_int senders_done;
	atomic_long errno_hist[140];
};

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the receiver ---- */

static void live_note_upcall(struct live *L, const struct nlmsghdr *nlh)
{
	struct kc_upcall *up = malloc(sizeof(*up));
	struct slot *s;
	unsigned int i;

	if (!up)
		return;
	kc_upcall_parse(nlh, up);
	atomic_fetch_add(&L->upcalls, 1);
	if (up->ctx) {
		pthread_mutex_lock(&L->lock);
		s = &L->slot[L->nslots++ % LIVE_SLOTS];
		memset(s, 0, sizeof(*s));
		s->ctx = up->ctx;
		s->proxy = up->proxy;
		memcpy(s->args, up->args, sizeof(s->args));
		for (i = 0; i < up->nlent && i < 2; i++) {
			s->lent_addr[i] = up->lent[i].addr;
			s->lent_len[i] = up->lent[i].len;
		}
		pthread_mutex_unlock(&L->lock);
	}
	free(up);
}

/* A MIRROR_ALLOC's answer carries the new mirror's ADDR: the senders' pool. */
static void live_note_answer(struct live *L, const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (g->cmd != DUSK_CMD_MIRROR_ALLOC)
		return;
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		if (mnl_attr_get_type(a) != DUSK_A_ADDR)
			continue;
		pthread_mutex_lock(&L->lock);
		L->mirror[L->nmirrors++ % LIVE_MIRRORS] = mnl_attr_get_u64(a);
		if (L->nall == L->all_cap) {
			size_t cap = L->all_cap ? 2 * L->all_cap : 1024;
			uint64_t *m = realloc(L->all_mirrors, cap * sizeof(*m));

			if (m) {
				L->all_mirrors = m;
				L->all_cap = cap;
			}
		}
		if (L->nall < L->all_cap)
			L->all_mirrors[L->nall++] = mnl_attr_get_u64(a);
		pthread_mutex_unlock(&L->lock);
	}
}

/* A checked WRITE's slot in L->targets: its sender and counter (req()). */
static unsigned int target_index(uint32_t seq)
{
	return ((seq >> 20) & 0xf) << 16 | (seq & 0xffff);
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * A WRITE the kernel had to refuse was accepted.  The target was a packet's
 * sk_buff bounds or the byte past its data area; once that packet is
 * released (its REPLY, or nf_timeout_ms, which the program is not told of)
 * the slab may hand the memory to a mirror or to a newer packet's data
 * area, and the write is then rightly accepted.  Waive exactly those cases:
 * the memory is inside a mirror of ours or another upcall's lent data.
 */
static int live_target_reused(struct live *L, uint32_t seq)
{
	const struct target *t = &L->targets[target_index(seq)];
	unsigned int i, n;
	size_t k;
	int reused = 0;

	if (t->seq != seq)
		return 0;	/* overwritten: cannot tell, so it counts */
	pthread_mutex_lock(&L->lock);
	for (k = 0; k < L->nall && !reused; k++)
		reused = overlaps(t->addr, t->len, L->all_mirrors[k], MIRROR_SPAN);
	n = L->nslots < LIVE_SLOTS ? L->nslots : LIVE_SLOTS;
	for (i = 0; i < n && !reused; i++)
		reused = L->slot[i].ctx != t->ctx && L->slot[i].lent_len[1] &&
			 overlaps(t->addr, t->len, L->slot[i].lent_addr[1], L->slot[i].lent_len[1]);
	pthread_mutex_unlock(&L->lock);
	return reused;
}

static void live_note_ack(struct live *L, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int cls = nlh->nlmsg_seq >> 24;

	atomic_fetch_add(&L->answered, 1);
	if (-e->error >= 0 && -e->error < 140)
		atomic_fetch_add(&L->errno_hist[-e->error], 1);
	if (cls >= __EXPECT_MAX || cls == EXPECT_ANY)
		return;
	atomic_fetch_add(&L->hist[cls], 1);
	if (cls == EXPECT_EACCES && e->error == 0 && live_target_reused(L, nlh->nlmsg_seq)) {
		atomic_fetch_add(&L->reused, 1);
		return;
	}
	if (e->error != expect_errno[cls] &&
	    atomic_fetch_add(&L->violations, 1) < 10)
		printf("FAIL: request %#x answered %d, must be -%s\n",
		       nlh->nlmsg_seq, e->error, expect_name[cls]);
}

static void *live_receiver(void *arg)
{
	struct live *L = arg;
	static unsigned char buf[KC_BUF];
	struct pollfd pfd = { .fd = L->fd, .events = POLLIN };
	const struct nlmsghdr *nlh;
	int n, quiet = 0;

	/* after the senders: until every request is answered or 3 s of silence */
	while (!atomic_load(&L->senders_done) ||
	       (atomic_load(&L->answered) < atomic_load(&L->sent) && quiet < 30)) {
		if (poll(&pfd, 1, 100) <= 0) {
			quiet++;
			continue;
		}
		quiet = 0;
		n = recv(L->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS)	/* answers were lost: not all can be counted */
				atomic_fetch_add(&L->overruns, 1);
			continue;
		}
		for (nlh = (void *)buf; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR)
				live_note_ack(L, nlh);
			else if (nlh->nlmsg_type == L->family && nlh->nlmsg_seq == 0)
				live_note_upcall(L, nlh);
			else if (nlh->nlmsg_type == L->family)
				live_note_answer(L, nlh);
		}
	}
	return NULL;
}

/* ---- the senders ---- */

struct sender {
	struct live *L;
	unsigned int id, seed, counter;
	unsigned char tx[8192];
};

static unsigned int rnd(struct sender *S, unsigned int n)
{
	return n ? (unsigned int)rand_r(&S->seed) % n : 0;
}

static struct nlmsghdr *req(struct sender *S, uint8_t cmd, enum expect cls)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(S->tx);
	struct genlmsghdr *g;

	nlh->nlmsg_type = S->L->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)cls << 24 | (S->id & 0xf) << 20 | (++S->counter & 0xfffff);
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = DUSK_GENL_VERSION;
	return nlh;
}

static void send_req(struct sender *S, struct nlmsghdr *nlh)
{
	if (send(S->L->fd, nlh, nlh->nlmsg_len, 0) == (ssize_t)nlh->nlmsg_len)
		atomic_fetch_add(&S->L->sent, 1);
}

/* A copy of a remembered upcall (@live: one not yet replied to, if any). */
static int pick_slot(struct sender *S, struct slot *out, int live)
{
	struct live *L = S->L;
	unsigned int n, i, tries;
	int found = 0;

	pthread_mutex_lock(&L->lock);
	n = L->nslots < LIVE_SLOTS ? L->nslots : LIVE_SLOTS;
	for (tries = 0; n && tries < 8 && !found; tries++) {
		/* live ones are the newest: look there first */
		i = (L->nslots - 1 - rnd(S, live ? (n < 16 ? n : 16) : n)) % LIVE_SLOTS;
		if (!live || !L->slot[i].stale) {
			*out = L->slot[i];
			found = 1;
		}
	}
	pthread_mutex_unlock(&L->lock);
	return found;
}

static void mark_stale(struct live *L, uint64_t ctx)
{
	unsigned int i;

	pthread_mutex_lock(&L->lock);
	for (i = 0; i < LIVE_SLOTS; i++)
		if (L->slot[i].ctx == ctx)
			L->slot[i].stale = 1;
	pthread_mutex_unlock(&L->lock);
}

static uint64_t never_issued_ctx(struct sender *S)
{
	return 1ULL << 62 | (uint64_t)rand_r(&S->seed) << 16 | rnd(S, 65536);
}

/* REPLY to a remembered upcall: a plausible result, sometimes a wrong one. */
static void act_reply(struct sender *S, int live)
{
	static const uint64_t verdicts[] = { NF_ACCEPT, NF_ACCEPT, NF_ACCEPT, 0, 3, 4, 77 };
	struct nlmsghdr *nlh;
	struct slot s;
	uint64_t ret = 0, pos;

	if (!pick_slot(S, &s, live))
		return;
	if (s.proxy == KTEST_PROXY_HOOK)
		ret = verdicts[rnd(S, sizeof(verdicts) / sizeof(verdicts[0]))];
	else if (s.proxy == KTEST_PROXY_PROC_READ)
		ret = rnd(S, 4) ? rnd(S, (unsigned int)(s.args[2] < 8 ? s.args[2] + 1 : 8))
				: (uint64_t)-5;	/* -EIO */
	nlh = req(S, DUSK_CMD_REPLY, EXPECT_ANY);
	mnl_attr_put_u64(nlh, DUSK_A_CTX, s.ctx);
	mnl_attr_put_u64(nlh, DUSK_A_RET, ret);
	if (s.proxy == KTEST_PROXY_PROC_READ && s.lent_len[0] == 8 && rnd(S, 2)) {
		pos = rnd(S, 32);	/* *ppos through the lent range */
		kc_put_chunk(nlh, s.lent_addr[0], &pos, 8);
	} else if (rnd(S, 8) == 0) {	/* a chunk nobody lent: the reply is refused */
		pos = 0;
		kc_put_chunk(nlh, S->L->h->syms[KTEST_SYM_MAGIC], &pos, 8);
	}
	send_req(S, nlh);
	mark_stale(S->L, s.ctx);
}

static void act_reply_unknown(struct sender *S)
{
	struct nlmsghdr *nlh = req(S, DUSK_CMD_REPLY, EXPECT_ESRCH);

	mnl_attr_put_u64(nlh, DUSK_A_CTX, never_issued_ctx(S));
	mnl_attr_put_u64(nlh, DUSK_A_RET, NF_ACCEPT);
	send_req(S, nlh);
}

/* A nested CALL: into a waiting reader (copy_to_user of part of the text),
 * or a plain stub, for a live, stale or never-issued CTX. */
static void act_nested_call(struct sender *S)
{
	uint64_t args[3] = { 1, 2, 0 };
	uint32_t stub = KTEST_STUB_MIX, nargs = 2;
	enum expect cls = EXPECT_ANY;
	struct nlmsghdr *nlh;
	struct slot s;
	uint64_t ctx;

	if (rnd(S, 5) == 0) {
		ctx = never_issued_ctx(S);
		cls = EXPECT_ESRCH;
	} else if (pick_slot(S, &s, rnd(S, 4) != 0)) {
		ctx = s.ctx;
		if (s.proxy == KTEST_PROXY_PROC_READ && s.args[2] && rnd(S, 2)) {
			stub = KTEST_STUB_COPY_TO_USER;
			nargs = 3;
			args[0] = s.args[1];
			args[1] = S->L->text;
			args[2] = 1 + rnd(S, s.args[2] < 15 ? (unsigned int)s.args[2] : 15);
		}
	} else {
		return;
	}
	nlh = req(S, DUSK_CMD_CALL, cls);
	mnl_attr_put_u32(nlh, DUSK_A_STUB, stub);
	mnl_attr_put(nlh, DUSK_A_ARGS, nargs * 8, args);
	mnl_attr_put_u64(nlh, DUSK_A_CTX, ctx);
	send_req(S, nlh);
}

static void note_target(struct sender *S, const struct nlmsghdr *nlh, uint64_t ctx,
			uint64_t addr, uint32_t len)
{
	struct target *t = &S->L->targets[target_index(nlh->nlmsg_seq)];

	t->addr = addr;
	t->len = len;
	t->ctx = ctx;
	t->seq = nlh->nlmsg_seq;
}

/* WRITE into a lent range, just past it, or into the sk_buff's bounds. */
static void act_write_lent(struct sender *S)
{
	unsigned char junk[8];
	struct nlmsghdr *nlh;
	struct slot s;
	unsigned int i, off, len = 1 + rnd(S, 8);
	uint64_t bound;

	if (!pick_slot(S, &s, rnd(S, 2)))
		return;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = rnd(S, 256);
	if (s.proxy == KTEST_PROXY_HOOK && s.lent_len[1] >= 64) {
		switch (rnd(S, 4)) {
		case 0:		/* head or end: they bound the data area */
			bound = s.args[1] + (rnd(S, 2) ? KTEST_SKB_HEAD : KTEST_SKB_END);
			nlh = req(S, DUSK_CMD_WRITE, EXPECT_EACCES);
			note_target(S, nlh, s.ctx, bound, 4);
			kc_put_chunk(nlh, bound, junk, 4);
			break;
		case 1:		/* the first byte past the data area (skb_shared_info) */
			nlh = req(S, DUSK_CMD_WRITE, EXPECT_EACCES);
			note_target(S, nlh, s.ctx, s.lent_addr[1] + s.lent_len[1], len);
			kc_put_chunk(nlh, s.lent_addr[1] + s.lent_len[1], junk, len);
			break;
		default:	/* the payload's tail: packets may be damaged, never the kernel */
			off = s.lent_len[1] - 16 + rnd(S, 8);
			nlh = req(S, DUSK_CMD_WRITE, EXPECT_ANY);
			kc_put_chunk(nlh, s.lent_addr[1] + off, junk, len);
			break;
		}
	} else if (s.proxy == KTEST_PROXY_PROC_READ && s.lent_len[0] == 8) {
		off = rnd(S, 12);	/* *ppos, or across its end */
		nlh = req(S, DUSK_CMD_WRITE, EXPECT_ANY);
		kc_put_chunk(nlh, s.lent_addr[0] + off, junk, len);
	} else {
		return;
	}
	send_req(S, nlh);
}

static void act_read(struct sender *S)
{
	struct nlmsghdr *nlh = req(S, DUSK_CMD_READ, EXPECT_ANY);
	struct slot s;

	if (pick_slot(S, &s, 0) && s.lent_len[0])
		kc_put_range(nlh, s.lent_addr[0], s.lent_len[0] < 256 ? s.lent_len[0] : 256);
	else
		kc_put_range(nlh, S->L->h->syms[KTEST_SYM_MAGIC], 8);
	send_req(S, nlh);
}

/* Mirrors: new ones, freeing the senders' own, and the registered ones. */
static void act_mirrors(struct sender *S)
{
	struct live *L = S->L;
	unsigned char init[200];
	struct nlmsghdr *nlh;
	uint64_t m = 0;
	unsigned int n = rnd(S, sizeof(init)) + 1, k;

	switch (rnd(S, 3)) {
	case 0:
		memset(init, (int)S->id, n);
		nlh = req(S, DUSK_CMD_MIRROR_ALLOC, EXPECT_ANY);
		mnl_attr_put_u32(nlh, DUSK_A_LEN, n);
		kc_put_chunk(nlh, 0, init, n);
		break;
	case 1:
		pthread_mutex_lock(&L->lock);
		if (L->nmirrors) {
			k = (L->nmirrors - 1 - rnd(S, 8)) % LIVE_MIRRORS;
			m = L->mirror[k];
		}
		pthread_mutex_unlock(&L->lock);
		if (!m)
			return;
		nlh = req(S, DUSK_CMD_MIRROR_FREE, EXPECT_ANY);
		mnl_attr_put_u64(nlh, DUSK_A_ADDR, m);
		break;
	default:	/* the kernel holds these: a hook's ops, a proc entry's ops */
		nlh = req(S, DUSK_CMD_MIRROR_FREE, EXPECT_EBUSY);
		mnl_attr_put_u64(nlh, DUSK_A_ADDR, rnd(S, 2) ? L->ops : L->pops);
		break;
	}
	send_req(S, nlh);
}

/* Keep deferred upcalls coming: the timer (async), the work item (blocking),
 * and blocking proxies called from atomic context. */
static void act_rearm(struct sender *S)
{
	const struct kc_hello *h = S->L->h;
	struct nlmsghdr *nlh = req(S, DUSK_CMD_CALL, EXPECT_ANY);
	uint64_t args[4] = { 0 };
	uint32_t nargs = 0, stub;

	switch (rnd(S, 6)) {
	case 0: case 1: case 2:
		stub = KTEST_STUB_ARM_TIMER;
		args[0] = 1 + rnd(S, 20);
		nargs = 1;
		break;
	case 3:
		stub = KTEST_STUB_QUEUE_DWORK;
		args[0] = 8192;	/* WORK_CPU_UNBOUND = NR_CPUS (Debian: 8192) */
		args[1] = S->L->wq;
		args[2] = h->syms[KTEST_SYM_DWORK];
		args[3] = rnd(S, 3);
		nargs = 4;
		break;
	case 4:
		stub = KTEST_STUB_READ_ATOMIC;
		break;
	default:
		stub = KTEST_STUB_READ_RCU;
		break;
	}
	mnl_attr_put_u32(nlh, DUSK_A_STUB, stub);
	mnl_attr_put(nlh, DUSK_A_ARGS, nargs * 8, args);
	send_req(S, nlh);
}

/* A malformed request: random attributes, some with a lying length. */
static void act_junk(struct sender *S)
{
	static const uint8_t cmds[] = {
		DUSK_CMD_READ, DUSK_CMD_WRITE, DUSK_CMD_MIRROR_FREE, DUSK_CMD_REPLY,
		DUSK_CMD_UPCALL, DUSK_CMD_STATS, 0, 99,
	};
	struct nlmsghdr *nlh = req(S, cmds[rnd(S, sizeof(cmds))], EXPECT_ANY);
	unsigned char junk[32];
	struct nlattr *a;
	unsigned int i, k = rnd(S, 4);

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = rnd(S, 256);
	for (i = 0; i < k; i++) {
		a = mnl_nlmsg_get_payload_tail(nlh);
		mnl_attr_put(nlh, rnd(S, DUSK_A_MAX + 3), rnd(S, sizeof(junk)), junk);
		if (rnd(S, 4) == 0)
			a->nla_len += 4 + rnd(S, 32);
	}
	send_req(S, nlh);
}

static void *live_sender(void *arg)
{
	struct sender *S = arg;
	struct live *L = S->L;
	unsigned int r;

	while (atomic_load(&L->sent) < L->target && mono_s() < L->deadline) {
		r = rnd(S, 100);
		if (r < 30)
			act_reply(S, 1);
		else if (r < 36)
			act_reply(S, 0);	/* stale, sometimes still live */
		else if (r < 40)
			act_reply_unknown(S);
		else if (r < 55)
			act_nested_call(S);
		else if (r < 70)
			act_write_lent(S);
		else if (r < 76)
			act_read(S);
		else if (r < 86)
			act_mirrors(S);
		else if (r < 92)
			act_rearm(S);
		else
			act_junk(S);
	}
	return NULL;
}

/* ---- the scenario ---- */

/* Register what makes upcalls: the hook's ops and the proc entry's ops. */
static int live_setup(struct kc *kc, struct live *L)
{
	static const char msg[] = "live fuzzing\n";
	unsigned char ops[KTEST_OPS_SIZE] = { 0 }, pops[KTEST_PROC_OPS_SIZE] = { 0 };
	const struct kc_hello *h = L->h;
	uint64_t args[4], ret, name;
	int err;

	memcpy(ops + KTEST_OPS_HOOK, &h->proxies[KTEST_PROXY_HOOK], 8);
	ops[KTEST_OPS_PF] = NFPROTO_IPV4;
	*(uint32_t *)(ops + KTEST_OPS_HOOKNUM) = NF_INET_LOCAL_IN;
	memcpy(pops + KTEST_PROC_OPS_READ, &h->proxies[KTEST_PROXY_PROC_READ], 8);
	err = kc_mirror_alloc(kc, ops, sizeof(ops), &L->ops) ||
	      kc_mirror_alloc(kc, pops, sizeof(pops), &L->pops) ||
	      kc_mirror_alloc(kc, "dusk_ktest", 11, &name) ||
	      kc_mirror_alloc(kc, msg, sizeof(msg), &L->text);
	if (err)
		return -ENOMEM;
	err = kc_read(kc, h->syms[KTEST_SYM_SYSTEM_WQ], &L->wq, 8);
	if (err)
		return err;
	args[0] = h->syms[KTEST_SYM_INIT_NET];
	args[1] = L->ops;
	err = kc_call(kc, KTEST_STUB_NF_REG, args, 2, 0, &ret, NULL, 0);
	if (err || ret)
		return err ? err : -EIO;
	args[0] = name;
	args[1] = 0444;
	args[2] = 0;
	args[3] = L->pops;
	err = kc_call(kc, KTEST_STUB_PROC_CREATE, args, 4, 0, &ret, NULL, 0);
	return err ? err : ret ? 0 : -EIO;
}

int kc_fuzz_live(struct kc *kc, const struct kc_hello *h, long n, int nthreads, int seconds,
		 void (*ready)(void))
{
	static struct sender senders[LIVE_MAX_THREADS];
	pthread_t rx, tx[LIVE_MAX_THREADS];
	struct live *L = calloc(1, sizeof(*L));
	double t0 = mono_s();
	int i, failed = 0;

	if (!L)
		return 1;
	L->targets = calloc((size_t)LIVE_MAX_THREADS * LIVE_TARGETS, sizeof(*L->targets));
	if (!L->targets) {
		free(L);
		return 1;
	}
	if (nthreads < 1 || nthreads > LIVE_MAX_THREADS)
		nthreads = 4;
	L->fd = kc_fd(kc);
	L->family = kc_family(kc);
	L->h = h;
	L->target = n;
	L->deadline = t0 + seconds;
	pthread_mutex_init(&L->lock, NULL);
	i = live_setup(kc, L);
	if (i) {
		printf("FAIL: hook and proc entry (%d)\n", i);
		return 1;
	}
	ready();	/* the guest starts packets and readers now */
	pthread_create(&rx, NULL, live_receiver, L);
	for (i = 0; i < nthreads; i++) {
		senders[i].L = L;
		senders[i].id = i;
		senders[i].seed = 20261201 + i;
		pthread_create(&tx[i], NULL, live_sender, &senders[i]);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(tx[i], NULL);
	atomic_store(&L->senders_done, 1);
	pthread_join(rx, NULL);

	printf("fuzz-live: %ld requests in %.1f s, %ld answered, %ld upcalls; "
	       "checked: %ld EACCES %ld ESRCH %ld EBUSY; answers: ok %ld EACCES %ld "
	       "ESRCH %ld EBUSY %ld EINVAL %ld ETIMEDOUT %ld; overruns %ld; "
	       "refusals waived for reused memory %ld\n",
	       atomic_load(&L->sent), mono_s() - t0, atomic_load(&L->answered),
	       atomic_load(&L->upcalls), atomic_load(&L->hist[EXPECT_EACCES]),
	       atomic_load(&L->hist[EXPECT_ESRCH]), atomic_load(&L->hist[EXPECT_EBUSY]),
	       atomic_load(&L->errno_hist[0]), atomic_load(&L->errno_hist[EACCES]),
	       atomic_load(&L->errno_hist[ESRCH]), atomic_load(&L->errno_hist[EBUSY]),
	       atomic_load(&L->errno_hist[EINVAL]), atomic_load(&L->errno_hist[ETIMEDOUT]),
	       atomic_load(&L->overruns), atomic_load(&L->reused));
	if (atomic_load(&L->sent) < n) {
		printf("FAIL: only %ld of %ld requests sent in %d s\n",
		       atomic_load(&L->sent), n, seconds);
		failed = 1;
	}
	if (atomic_load(&L->answered) != atomic_load(&L->sent) && !atomic_load(&L->overruns)) {
		printf("FAIL: %ld requests sent, %ld answered\n",
		       atomic_load(&L->sent), atomic_load(&L->answered));
		failed = 1;
	}
	if (atomic_load(&L->violations)) {
		printf("FAIL: %ld answers broke a rule\n", atomic_load(&L->violations));
		failed = 1;
	}
	if (!atomic_load(&L->upcalls) ||
	    atomic_load(&L->hist[EXPECT_EACCES]) <= atomic_load(&L->reused)) {
		printf("FAIL: no live upcall state reached (%ld upcalls)\n",
		       atomic_load(&L->upcalls));
		failed = 1;
	}
	free(L->targets);
	free(L->all_mirrors);
	free(L);
	return failed;
}
