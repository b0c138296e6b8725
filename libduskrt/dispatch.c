/* SPDX-License-Identifier: MIT */
/*
 * Callbacks: serving one upcall, and the worker pool for those that may
 * sleep.
 *
 * Upcalls raised in atomic context (a packet through a Netfilter hook, a
 * timer) are *ordered*: the packet thread (conn.c) serves them one after
 * the other, in the order the kernel raised them, on the thread that read
 * them, and their REPLYs leave in that order.  In the kernel such a callback
 * runs to its end before the packet moves on; a stolen packet whose verdict
 * overtook the one of the packet before it would reach its destination
 * first (a TCP receiver that sees a hole makes the sender retransmit, and
 * the module sees that segment twice).  Packets of one flow may be raised
 * on different CPUs (the sender migrates), so the order kept is the
 * kernel's, not a CPU's.
 *
 * Blocking upcalls (process context: the kernel lets them sleep and
 * interleave) go to a small pool of workers and run in parallel with each
 * other and with the ordered ones.  Each worker has its own thread state
 * (shadows, epoch, upcall context); the module's globals are shared, as in
 * the kernel, and guarded by the module's own locks (made user-level by
 * kprim).  The pool starts with the requested number of workers and grows
 * (up to POOL_MAX) when an upcall arrives and every worker is busy: a
 * module function can make a kernel call that raises another upcall and
 * waits for it (a notifier replaying events at registration, say), and
 * that upcall must not wait for a worker forever.
 *
 * Serving one upcall: a new epoch begins, the prefetched CHUNKs fill the
 * shadow cache (HELD ones for the whole callback: shadow.c), the proxy's trampoline calls the module function, and the
 * REPLY carries the result and the dirty bytes (the epoch's end).  A REPLY
 * without dirty bytes from the packet thread is not acknowledged and leaves
 * with the others of its batch (dusk_conn_post_reply()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

struct job {
	struct job *next;
	void *msg;
	size_t len;
};

#define POOL_MAX 64

struct dusk_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, **tail;
	int stopping;
	unsigned int nworkers;	/* started */
	unsigned int idle;	/* waiting for a job */
	unsigned int queued;	/* jobs in the list */
	pthread_t workers[POOL_MAX];
};

/* Routing only reads FLAGS: the message is validated once, when served
 * (dusk_serve_upcall()), not twice on the packet path. */
int dusk_upcall_ordered(const void *msg, size_t len)
{
	uint32_t flags;

	if (dusk_msg_peek_u32(msg, len, DUSK_A_FLAGS, &flags))
		return 1;	/* malformed: refused when served */
	return !(flags & DUSK_UPCALL_BLOCKING);
}

/* Peeked like FLAGS: read twice on the packet path, validated once. */
int dusk_upcall_lane_key(const void *msg, size_t len, struct dusk_lane_key *k)
{
	k->flowed = !dusk_msg_peek_u32(msg, len, DUSK_A_FLOW, &k->flow) &&
		    !dusk_msg_peek_u32(msg, len, DUSK_A_CPU, &k->cpu);
	return k->flowed;
}

/* The oldest queued job, unlinked, or NULL.  Caller holds p->lock. */
static struct job *pool_take(struct dusk_pool *p)
{
	struct job *j = p->head;

	if (!j)
		return NULL;
	p->head = j->next;
	if (!p->head)
		p->tail = &p->head;
	p->queued--;
	return j;
}

/* Room kept in a REPLY for CTX and RET. */
#define REPLY_TAIL (2 * (MNL_ATTR_HDRLEN + 8))

static void reply(const struct dusk_upcall *up, const char *fn, uint64_t ret)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	uint32_t bare;
	int err;

	memset(&ans, 0, sizeof(ans));
	err = dusk_msg_new(&m, DUSK_CMD_REPLY);
	bare = m.buf ? m.nlh->nlmsg_len : 0;
	if (!err)
		err = dusk_epoch_end(&m, REPLY_TAIL);
	/* No writes: nothing the kernel could refuse but an expired CTX. */
	bare = !err && m.nlh->nlmsg_len == bare;
	if (!err)
		err = dusk_msg_put_u64(&m, DUSK_A_CTX, up->ctx);
	if (!err)
		err = dusk_msg_put_u64(&m, DUSK_A_RET, ret);
	if (!err && bare &&
	    dusk_conn_post_reply(dusk_sess->conn, &m, up->ctx, fn, dusk_thread()->ctx_gone) == 0) {
		dusk_msg_fini(&m);
		return;
	}
	if (!err)
		err = dusk_request(&m, &ans);
	dusk_commit_landed();
	if (err == -EACCES || err == -EFAULT)
		dusk_write_refused("at the end of a callback", &ans, &m);
	if (m.buf)
		dusk_msg_fini(&m);
	if (err == -ESRCH) {
		/* Said once per callback: dusk_call() may have said it first. */
		if (!dusk_thread()->ctx_gone)
			dusk_log(DUSK_LOG_WARN, "dusk: %s returned after the kernel stopped waiting "
				 "for it (the kmod's nf_timeout_ms/block_timeout_ms; a debugger "
				 "stop?): its result was dropped, the kernel applied its policy", fn);
		return;
	}
	if (err)
		dusk_log(DUSK_LOG_ERROR, "dusk: REPLY to upcall %llu failed: %s%s%s",
			 (unsigned long long)up->ctx, strerror(-err), ans.extack[0] ? ": " : "",
			 ans.extack);
}

/*
 * A read or write of /sys/module/NAME/parameters/P (modparam.c in the
 * kmod): param_attr_show()/param_attr_store() with the kernel's getters
 * and setters, on the sysfs buffer the upcall lends.  RET: the text's
 * length, 0, or -errno.
 */
static uint64_t serve_param(const struct dusk_upcall *up, const char **fn)
{
	const struct dusk_param *p = dusk_param_visible(dusk_sess->m, up->proxy);
	uint64_t op = up->args[0], buf = up->args[1], len = up->args[2];
	char text[DUSK_PAGE_SIZE], *v;
	int n;

	*fn = p ? p->name : "(parameter)";
	if (!p || up->nargs != 3 || buf < dusk_sess->kbase || len > DUSK_PAGE_SIZE) {
		dusk_log(DUSK_LOG_ERROR, "dusk: upcall %llu: parameter %u (%u arguments) is not "
			 "one of this program's; is dusk_%s.ko stale?", (unsigned long long)up->ctx,
			 up->proxy, up->nargs, dusk_sess->m->name);
		return (uint64_t)-EINVAL;
	}
	if (op == DUSK_PARAM_GET && (p->ops || p->kops))
		return (uint64_t)(int64_t)dusk_param_get_ops(p, buf);
	if (op == DUSK_PARAM_GET) {
		n = dusk_param_get(p, text, sizeof(text));
		if (n > 0)
			memcpy(dusk_check_kernel(buf, (size_t)n), text, (size_t)n);
		return (uint64_t)(int64_t)n;
	}
	if (op != DUSK_PARAM_SET)
		return (uint64_t)-EINVAL;
	/* sysfs hands a NUL-terminated copy of the write: so do we */
	v = malloc(len + 1);
	if (!v)
		return (uint64_t)-ENOMEM;
	memcpy(v, len ? dusk_check_kernel(buf, len) : "", len);
	v[len] = '\0';
	n = dusk_param_set(p, v);
	free(v);
	return (uint64_t)(int64_t)n;
}

void dusk_serve_upcall(const void *msg, size_t len)
{
	const struct dusk_module *mod = dusk_sess->m;
	struct dusk_thread *t = dusk_thread();
	const struct dusk_proxy *p;
	const struct nlattr *a;
	const char *fn;
	struct dusk_upcall up;
	uint64_t ret;
	unsigned int i;
	int err;

	err = dusk_upcall_parse(msg, len, &up);
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: malformed upcall refused (%s)", strerror(-err));
		return;
	}
	if (!(up.flags & (DUSK_UPCALL_PARAM | DUSK_UPCALL_SEQFILL)) &&
	    (up.proxy >= mod->nproxies || up.nargs != mod->proxies[up.proxy].nargs)) {
		dusk_log(DUSK_LOG_ERROR, "dusk: upcall %llu names proxy %u with %u arguments: "
			 "not in this program's table (%u proxies); is dusk_%s.ko stale?",
			 (unsigned long long)up.ctx, up.proxy, up.nargs, mod->nproxies, mod->name);
		return;
	}
	t->ctx = up.ctx;
	t->current = up.current;
	t->task_state = 0;	/* the callback's task runs */
	t->cpu = up.cpu;
	t->blocking = !!(up.flags & DUSK_UPCALL_BLOCKING);
	t->ctx_gone = 0;
	dusk_shadow_unhold(t->shadow);
	dusk_shadow_invalidate(t->shadow);
	dusk_nla_for_each(a, up.nlh) {
		uint16_t type = dusk_nla_type(a);
		uint64_t addr = 0;
		const void *data = NULL;
		uint32_t n = 0;

		if (type != DUSK_A_CHUNK && type != DUSK_A_HELD)
			continue;
		dusk_attr_chunk(a, &addr, &data, &n);
		if (addr < dusk_sess->kbase || addr + n < addr)
			continue;
		if (type == DUSK_A_HELD)
			dusk_shadow_hold(t->shadow, addr, data, n);
		else
			dusk_shadow_install(t->shadow, addr, data, n);
		/* a lent own object (the work item of a work function): the
		 * module reads its own copy, which takes what the kernel
		 * changed (the pending bit it cleared before the call) */
		if (type == DUSK_A_CHUNK)
			dusk_commit_apply_chunk(addr, data, n);
	}
	if (up.flags & DUSK_UPCALL_PARAM) {
		ret = serve_param(&up, &fn);
	} else if (up.flags & DUSK_UPCALL_SEQFILL) {
		/* a seq_file read: its callbacks, one after the other */
		if (t->blocking && (err = dusk_commit_refresh_calls()))
			dusk_log(DUSK_LOG_ERROR, "dusk: seq_file read: reading back the objects of "
				 "the kernel calls in flight failed: %s", strerror(-err));
		if ((err = dusk_commit_refresh_kept()))
			dusk_log(DUSK_LOG_ERROR, "dusk: seq_file read: reading back the globals the "
				 "kernel keeps failed: %s", strerror(-err));
		ret = dusk_serve_seqfill(&up, &fn);
	} else {
		p = &mod->proxies[up.proxy];
		fn = p->name;
		if (dusk_trace_on)
			dusk_log(DUSK_LOG_TRACE, "[dusk] upcall #%llu %s(%u args) cpu=%u "
				 "current=0x%llx lent=%u prefetched=%u%s",
				 (unsigned long long)up.ctx, p->name, up.nargs, up.cpu,
				 (unsigned long long)up.current, up.nlent, up.nchunks,
				 up.flags & DUSK_UPCALL_BLOCKING ? " blocking" : "");
		/* An argument naming a mirror (the kernel passing back an own
		 * object it was given: a timer embedded in a module global) is
		 * the own object to the module, as a pointer read from kernel
		 * memory is. */
		dusk_rmap_words(up.args, up.nargs);
		for (i = 0; i < up.nargs; i++)
			dusk_kasan_kernel_gave(up.args[i]);
		/* ... and as the kernel left it: a work item's pending bit
		 * cleared before it runs (before, the module's
		 * delayed_work_pending() read the bit its last queueing had
		 * set).  Not for a packet (its upcall prefetches): its
		 * arguments are the kernel's. */
		if (!up.nchunks && (err = dusk_commit_refresh_args(up.args, up.nargs)))
			dusk_log(DUSK_LOG_ERROR, "dusk: %s: reading back the objects the kernel "
				 "passes failed: %s", p->name, strerror(-err));
		/* Raised by a kernel call still in flight (a pernet init, a
		 * replayed notifier): see what that call wrote so far. */
		if (t->blocking && (err = dusk_commit_refresh_calls()))
			dusk_log(DUSK_LOG_ERROR, "dusk: %s: reading back the objects of the kernel "
				 "calls in flight failed: %s", p->name, strerror(-err));
		/* Globals the kernel writes on its own (a shell's echo into a
		 * debugfs or sysctl file while the program was idle). */
		if ((err = dusk_commit_refresh_kept()))
			dusk_log(DUSK_LOG_ERROR, "dusk: %s: reading back the globals the kernel "
				 "keeps failed: %s", p->name, strerror(-err));
		ret = p->tramp(up.args);
		/* A fault reported for the REPLY names the callback
		 * (dusk_fault() looks up the byte before a return address). */
		dusk_entry_pc = (const char *)p->fn + 1;
	}
	dusk_trace("[dusk] reply #%llu = 0x%llx", (unsigned long long)up.ctx,
		   (unsigned long long)ret);
	reply(&up, fn, ret);
	dusk_shadow_unhold(t->shadow);
	/* The callback's frames are gone: so are the wait entries on them. */
	dusk_commit_release_held(__builtin_frame_address(0));
	t->ctx = 0;
	t->current = 0;
	t->task_state = 0;
}

static void *worker_main(void *arg)
{
	struct dusk_pool *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct job *j;

		p->idle++;
		while (!(j = pool_take(p)) && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		p->idle--;
		if (!j)
			break;
		pthread_mutex_unlock(&p->lock);
		dusk_serve_upcall(j->msg, j->len);
		free(j->msg);
		free(j);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Start one more worker.  Caller holds p->lock.  0 or -errno. */
static int pool_grow(struct dusk_pool *p)
{
	int err;

	if (p->nworkers == POOL_MAX)
		return -EAGAIN;
	err = -pthread_create(&p->workers[p->nworkers], NULL, worker_main, p);
	if (!err)
		p->nworkers++;
	return err;
}

void dusk_pool_submit(void *pool, void *msg, size_t len)
{
	struct dusk_pool *p = pool;
	struct job *j = malloc(sizeof(*j));
	if (!j) {
		free(msg);
		dusk_log(DUSK_LOG_ERROR, "dusk: upcall dropped: out of memory");
		return;
	}
	j->next = NULL;
	j->msg = msg;
	j->len = len;
	pthread_mutex_lock(&p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		free(msg);
		free(j);
		return;
	}
	*p->tail = j;
	p->tail = &j->next;
	p->queued++;
	if (p->queued > p->idle && pool_grow(p) == 0)
		dusk_trace("[dusk] all %u workers busy: started another", p->nworkers - 1);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

int dusk_pool_start(unsigned int nworkers, struct dusk_pool **out)
{
	struct dusk_pool *p = calloc(1, sizeof(*p));
	unsigned int i;
	int err = 0;

	if (!p)
		return -ENOMEM;
	if (nworkers == 0)
		nworkers = 1;
	if (nworkers > POOL_MAX)
		nworkers = POOL_MAX;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->tail = &p->head;
	pthread_mutex_lock(&p->lock);
	for (i = 0; !err && i < nworkers; i++)
		err = pool_grow(p);
	pthread_mutex_unlock(&p->lock);
	if (err) {
		dusk_pool_stop(p);
		return err;
	}
	*out = p;
	return 0;
}

void dusk_pool_stop(struct dusk_pool *p)
{
	unsigned int i, dropped = 0;
	struct job *j;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	/* Module exit has run: upcalls not yet started are not served (the
	 * kmod applies its policy to them when the session ends). */
	while ((j = p->head)) {
		p->head = j->next;
		free(j->msg);
		free(j);
		dropped++;
	}
	p->tail = &p->head;
	p->queued = 0;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	if (dropped)
		dusk_trace("[dusk] %u queued upcalls not served: the module has exited", dropped);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
