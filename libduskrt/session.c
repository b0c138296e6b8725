/* SPDX-License-Identifier: MIT */
/*
 * The session: one program bound to its kmod.  Opening it runs the HELLO
 * handshake (protocol version, layout hash and stub hash must match; the
 * kmod answers with its own values either way, so the program can say
 * exactly what to rebuild) and learns kbase, the kernel symbol addresses
 * and the proxies' addresses.  Running it is the module's life: init, serve
 * upcalls until SIGINT/SIGTERM, exit.  Closing it frees the mirrors, says
 * BYE, stops the workers and the receiver.
 *
 * The top of the runtime: only main.c calls it.  The session's state and
 * the requests every other layer sends are request.c's.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rt-internal.h"

static int hello_request(const struct dusk_module *mod, struct dusk_answer *ans)
{
	struct dusk_msg m;
	int err;

	err = dusk_msg_new(&m, DUSK_CMD_HELLO);
	if (err)
		return err;
	err = dusk_msg_put_u32(&m, DUSK_A_VERSION, DUSK_PROTO_VERSION);
	if (!err)
		err = dusk_msg_put_u64(&m, DUSK_A_LAYOUT_HASH, mod->types ? mod->types->hash : 0);
	if (!err)
		err = dusk_msg_put_u64(&m, DUSK_A_STUB_HASH, mod->stub_hash);
	if (!err)
		err = dusk_msg_put_str(&m, DUSK_A_MODNAME, mod->name);
	if (!err)
		err = dusk_request(&m, ans);
	dusk_msg_fini(&m);
	return err;
}

/* Compare the kmod's HELLO answer with what the program was built with. */
static int hello_check(struct dusk_session *s, const struct dusk_attrs *a)
{
	const struct dusk_module *mod = s->m;
	uint64_t layout = mod->types ? mod->types->hash : 0, v;
	const char *n = mod->name;

	if (!a->tb[DUSK_A_VERSION] || mnl_attr_get_u32(a->tb[DUSK_A_VERSION]) != DUSK_PROTO_VERSION) {
		dusk_log(DUSK_LOG_ERROR,
			 "dusk: protocol version mismatch: program %s speaks %u, dusk_%s.ko speaks %u: "
			 "rebuild %s and dusk_%s.ko with the same DUSK release",
			 n, DUSK_PROTO_VERSION, n,
			 a->tb[DUSK_A_VERSION] ? mnl_attr_get_u32(a->tb[DUSK_A_VERSION]) : 0, n, n);
		return -EPROTO;
	}
	/* a long name's family is a hash of it: the kmod says whose it is */
	if (a->tb[DUSK_A_MODNAME] && strcmp(mnl_attr_get_str(a->tb[DUSK_A_MODNAME]), n)) {
		dusk_log(DUSK_LOG_ERROR,
			 "dusk: the generic netlink family of program %s belongs to dusk_%s.ko "
			 "(a hash collision of long module names): unload dusk_%s.ko",
			 n, mnl_attr_get_str(a->tb[DUSK_A_MODNAME]),
			 mnl_attr_get_str(a->tb[DUSK_A_MODNAME]));
		return -EPROTO;
	}
	v = a->tb[DUSK_A_LAYOUT_HASH] ? mnl_attr_get_u64(a->tb[DUSK_A_LAYOUT_HASH]) : 0;
	if (v != layout) {
		dusk_log(DUSK_LOG_ERROR,
			 "dusk: type layout hash mismatch: program %s has 0x%016llx, loaded dusk_%s.ko "
			 "has 0x%016llx: rebuild and reload dusk_%s.ko from the same dusk-rewrite run",
			 n, (unsigned long long)layout, n, (unsigned long long)v, n);
		return -EPROTO;
	}
	v = a->tb[DUSK_A_STUB_HASH] ? mnl_attr_get_u64(a->tb[DUSK_A_STUB_HASH]) : 0;
	if (v != mod->stub_hash) {
		dusk_log(DUSK_LOG_ERROR,
			 "dusk: stub table hash mismatch: program %s has 0x%016llx, loaded dusk_%s.ko "
			 "has 0x%016llx: rebuild and reload dusk_%s.ko from the same dusk-rewrite run",
			 n, (unsigned long long)mod->stub_hash, n, (unsigned long long)v, n);
		return -EPROTO;
	}
	if (!a->tb[DUSK_A_KBASE] || !a->tb[DUSK_A_SYMS] || !a->tb[DUSK_A_PROXIES] ||
	    mnl_attr_get_payload_len(a->tb[DUSK_A_SYMS]) != mod->nsyms * sizeof(uint64_t) ||
	    mnl_attr_get_payload_len(a->tb[DUSK_A_PROXIES]) != mod->nproxies * sizeof(uint64_t)) {
		dusk_log(DUSK_LOG_ERROR, "dusk: dusk_%s.ko answered HELLO without a usable KBASE, "
			 "SYMS (%u expected) or PROXIES (%u expected)", n, mod->nsyms, mod->nproxies);
		return -EPROTO;
	}
	s->kbase = mnl_attr_get_u64(a->tb[DUSK_A_KBASE]);
	s->task = a->tb[DUSK_A_CURRENT] ? mnl_attr_get_u64(a->tb[DUSK_A_CURRENT]) : 0;
	s->syms = calloc(mod->nsyms + 1, sizeof(uint64_t));
	s->proxies = calloc(mod->nproxies + 1, sizeof(uint64_t));
	if (!s->syms || !s->proxies)
		return -ENOMEM;
	memcpy(s->syms, mnl_attr_get_payload(a->tb[DUSK_A_SYMS]), mod->nsyms * sizeof(uint64_t));
	memcpy(s->proxies, mnl_attr_get_payload(a->tb[DUSK_A_PROXIES]),
	       mod->nproxies * sizeof(uint64_t));
	return 0;
}

static int hello(struct dusk_session *s)
{
	struct dusk_answer ans;
	struct dusk_attrs a;
	const char *n = s->m->name;
	int err;

	s->task_tid = gettid();
	err = hello_request(s->m, &ans);
	if (err) {
		if (err == -EBUSY)
			dusk_log(DUSK_LOG_ERROR, "dusk: dusk_%s.ko is already bound to another program "
				 "(one session at a time)", n);
		else if (err == -EPERM)
			dusk_log(DUSK_LOG_ERROR, "dusk: binding to dusk_%s.ko needs CAP_SYS_ADMIN "
				 "(run as root)", n);
		else
			dusk_log(DUSK_LOG_ERROR, "dusk: HELLO to dusk_%s.ko failed: %s%s%s", n,
				 strerror(-err), ans.extack[0] ? ": " : "", ans.extack);
		return err;
	}
	if (!ans.nlh || dusk_msg_parse(ans.nlh, ans.len, &a) ||
	    dusk_msg_cmd(ans.nlh) != DUSK_CMD_HELLO) {
		dusk_log(DUSK_LOG_ERROR, "dusk: dusk_%s.ko sent a malformed HELLO answer", n);
		dusk_answer_free(&ans);
		return -EBADMSG;
	}
	err = hello_check(s, &a);
	dusk_answer_free(&ans);
	if (!err)
		dusk_trace("[dusk] hello %s: kbase=0x%llx syms=%u proxies=%u", n,
			   (unsigned long long)s->kbase, s->m->nsyms, s->m->nproxies);
	return err;
}

static void session_free(struct dusk_session *s)
{
	if (s->conn)
		dusk_conn_close(s->conn);
	if (s->pool)
		dusk_pool_stop(s->pool);
	if (s->t)
		s->t->ops->destroy(s->t);
	free(s->syms);
	free(s->proxies);
	free(s->kept);
	free(s);
}

static void on_stop_signal(int sig)
{
	(void)sig;	/* blocked in every thread: taken by sigtimedwait() */
}

int dusk_session_open(const struct dusk_module *m, struct dusk_transport *t,
		      unsigned int nworkers)
{
	struct dusk_session *s;
	sigset_t set;
	int err;

	if (dusk_sess) {
		t->ops->destroy(t);
		return -EBUSY;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		t->ops->destroy(t);
		return -ENOMEM;
	}
	s->m = m;
	s->t = t;
	s->kept = dusk_kept_table(m);
	if (!s->kept) {
		session_free(s);
		return -ENOMEM;
	}
	dusk_leaks_reset();
	dusk_kasan_reset();
	/* SIGINT/SIGTERM are taken by dusk_session_run()'s sigtimedwait():
	 * block them here, before any thread is created, so all inherit it.
	 * A shell starts background jobs with SIGINT ignored, and an ignored
	 * signal is discarded even while blocked: give both a handler (never
	 * run while they are blocked) so they stay pending. */
	signal(SIGINT, on_stop_signal);
	signal(SIGTERM, on_stop_signal);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	err = dusk_pool_start(nworkers, &s->pool);
	if (!err) {
		s->upcall_ops.ordered = dusk_upcall_ordered;
		s->upcall_ops.serve = dusk_serve_upcall;
		s->upcall_ops.key = dusk_upcall_lane_key;
		s->upcall_ops.submit = dusk_pool_submit;
		s->upcall_ops.arg = s->pool;
		err = dusk_conn_open(t, &s->upcall_ops, &s->conn);
	}
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: cannot start the session: %s", strerror(-err));
		session_free(s);
		return err;
	}
	dusk_sess = s;
	err = hello(s);
	if (!err)
		err = dusk_rmap_set_proxies(s->proxies, m->proxies, m->nproxies);
	if (err) {
		dusk_rmap_clear();
		dusk_sess = NULL;
		session_free(s);
		return err;
	}
	dusk_kbase = s->kbase;
	/* Shadows of an earlier session on this thread describe another
	 * kernel's memory as far as we know: start a new epoch. */
	dusk_shadow_invalidate(dusk_thread()->shadow);
	return 0;
}

void dusk_session_close(void)
{
	struct dusk_session *s = dusk_sess;
	struct dusk_msg m;
	struct dusk_answer ans;

	if (!s)
		return;
	/* Let running upcalls finish while the connection still works; later
	 * ones are not served (the kmod's policy decides them at BYE). */
	dusk_conn_stop_serving(s->conn);
	dusk_pool_stop(s->pool);
	s->pool = NULL;
	dusk_commit_release_all();
	dusk_rmap_clear();
	if (dusk_msg_new(&m, DUSK_CMD_BYE) == 0) {
		dusk_trace("[dusk] bye");
		dusk_request(&m, &ans);
		dusk_answer_free(&ans);
		dusk_msg_fini(&m);
	}
	dusk_kbase = UINTPTR_MAX;
	dusk_sess = NULL;
	session_free(s);
}

/* Wait for SIGINT/SIGTERM (blocked in every thread); also notice a dead
 * connection (kmod unloaded). */
static int wait_for_stop(void)
{
	sigset_t set;
	struct timespec ts = { 1, 0 };
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	for (;;) {
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig > 0)
			return sig;
		if (!dusk_sess || !dusk_conn_alive(dusk_sess->conn))
			return 0;
	}
}

int dusk_session_run(void)
{
	const struct dusk_module *m = dusk_sess->m;
	struct dusk_thread *t = dusk_thread();
	int ret = 0, sig;

	dusk_shadow_invalidate(t->shadow);
	if (m->init) {
		dusk_trace("[dusk] init %s", m->name);
		ret = m->init();
		dusk_epoch_flush("at the end of module init");
		dusk_commit_release_held(__builtin_frame_address(0));
		if (ret < 0) {
			/* as insmod says it; the kernel itself logs nothing */
			dusk_log(DUSK_LOG_ERROR, "insmod: ERROR: could not insert module %s: %s",
				 m->name, dusk_insmod_strerror(-ret));
			dusk_leaks_report("module_init, which failed,");
			return 1;
		}
		if (ret > 0) {
			/* do_init_module(): warned about, loaded anyway */
			dusk_kmsg(4, "do_init_module: '%s'->init suspiciously returned %d, it should "
				  "follow 0/-E convention", m->name, ret);
			dusk_kmsg(4, "do_init_module: loading module anyway...");
		}
	}
	/* Tools wait for this line to know the module is "loaded". */
	dusk_log(DUSK_LOG_INFO, "dusk: %s: running; SIGINT or SIGTERM runs module_exit", m->name);
	sig = wait_for_stop();
	dusk_trace("[dusk] stop (%s)", sig ? strsignal(sig) : "connection closed");
	if (m->exit) {
		dusk_shadow_invalidate(t->shadow);
		dusk_trace("[dusk] exit %s", m->name);
		/* what the kernel wrote into kept globals since the last call */
		if (dusk_commit_refresh_kept())
			dusk_log(DUSK_LOG_ERROR, "dusk: %s: reading back the globals the kernel "
				 "keeps failed before module_exit", m->name);
		m->exit();
		dusk_epoch_flush("at the end of module exit");
		dusk_commit_release_held(__builtin_frame_address(0));
		dusk_leaks_report("module_exit");
	}
	return 0;
}
