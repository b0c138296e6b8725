/* SPDX-License-Identifier: MIT */
/*
 * The session against the simulated kernel: handshake mismatches are named
 * precisely, printk text reaches the log callback with its level, upcalls
 * that may sleep are served in parallel over shared globals, those from
 * atomic context (packets) in the order they were raised, nested calls
 * carry the upcall's CTX, init failure is reported like insmod, SIGINT (even when ignored, as in a shell's background job)
 * runs module exit, a NULL dereference in module code is reported with its
 * source line, DUSK_TRACE lines name each interaction, a callback the
 * kernel stopped waiting for (a debugger stop) runs on, the task state the
 * module sets goes with its next call.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "harness.h"
#include "testmod.h"

static uint64_t stub_printk(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			    void *arg)
{
	(void)s; (void)arg; (void)n;
	snprintf(t, DUSK_MAX_TEXT, "\001" "6tm: hello %llu\n", (unsigned long long)a[0]);
	return strlen(t);
}

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

/* ---- handshake ---- */

static void handshake_case(uint32_t version, uint64_t layout, uint64_t stubs, const char *expect)
{
	struct dusk_sim *sim = dusk_sim_new();
	struct dusk_sim_stats st;
	int err;

	harness_log_capture();
	dusk_sim_set_hello(sim, version, layout, stubs, "tm");
	err = dusk_session_open(&tm_module, dusk_sim_transport(sim), 1);
	assert_int_equal(err, -EPROTO);
	if (!harness_log_has(DUSK_LOG_ERROR, expect) || !harness_log_has(DUSK_LOG_ERROR, "dusk_tm.ko"))
		fail_msg("expected '%s' naming dusk_tm.ko, got: %s", expect, harness_log_text());
	assert_null(dusk_sess);
	assert_int_equal(dusk_kbase, UINTPTR_MAX);
	dusk_sim_stats(sim, &st);
	assert_false(st.bound);
	dusk_sim_free(sim);
}

static void handshake_mismatches_named(void **state)
{
	(void)state;
	handshake_case(DUSK_PROTO_VERSION + 1, tm_types.hash, tm_module.stub_hash,
		       "protocol version mismatch");
	handshake_case(DUSK_PROTO_VERSION, tm_types.hash ^ 1, tm_module.stub_hash,
		       "type layout hash mismatch");
	handshake_case(DUSK_PROTO_VERSION, tm_types.hash, tm_module.stub_hash ^ 1,
		       "stub table hash mismatch");
	/* The matching case binds, and learns symbols. */
	{
		struct dusk_sim *sim = harness_sim(&tm_module);

		harness_open(sim, &tm_module, 1);
		assert_int_equal(dusk_ksym(1), 0xffffffff81000008ull);
		harness_close(sim);
	}
}

/* ---- printk ---- */

static void printk_text_logged_with_level(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t arg = 42;

	(void)state;
	harness_log_capture();
	dusk_sim_set_stub(sim, STUB_PRINTK, stub_printk, NULL);
	harness_open(sim, &tm_module, 1);
	assert_int_equal(dusk_call(STUB_PRINTK, &arg, 1), strlen("\0016tm: hello 42\n"));
	if (!harness_log_has(DUSK_LOG_KERNEL, "<6> tm: hello 42"))
		fail_msg("no kernel line in: %s", harness_log_text());
	harness_close(sim);
}

/* ---- concurrent upcalls ---- */

static int in_flight, peak;

static uint64_t hook_waits_for_partner(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 1000000 };
	int i, now = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	uint64_t arg = a;

	(void)b;
	if (now > peak)
		peak = now;
	/* Both upcalls must be running at once: wait (bounded) for the other. */
	for (i = 0; i < 3000 && __atomic_load_n(&in_flight, __ATOMIC_SEQ_CST) < 2; i++)
		nanosleep(&ts, NULL);
	dusk_call(STUB_NOOP, &arg, 1);	/* a nested call while both are in flight */
	g_leaf.v += (int)a;		/* module globals are shared */
	return (uint64_t)__atomic_load_n(&in_flight, __ATOMIC_SEQ_CST);
}

static void upcalls_served_in_parallel(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t a1[2] = { 1, 0 }, a2[2] = { 2, 0 }, c1, c2, r1 = 0, r2 = 0;
	/* Blocking (process-context) callbacks, say two readers of a proc file. */
	struct dusk_sim_upcall u1 = { .proxy = PROXY_HOOK, .args = a1, .nargs = 2, .cpu = 0,
				      .flags = DUSK_UPCALL_BLOCKING };
	struct dusk_sim_upcall u2 = { .proxy = PROXY_HOOK, .args = a2, .nargs = 2, .cpu = 1,
				      .flags = DUSK_UPCALL_BLOCKING };
	struct dusk_sim_stats st;

	(void)state;
	harness_log_capture();
	in_flight = peak = 0;
	g_leaf.v = 0;
	tm_hook_body = hook_waits_for_partner;
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	harness_open(sim, &tm_module, 2);
	c1 = dusk_sim_upcall(sim, &u1);
	c2 = dusk_sim_upcall(sim, &u2);
	assert_int_equal(dusk_sim_wait_reply(sim, c1, &r1, 5000), 0);
	assert_int_equal(dusk_sim_wait_reply(sim, c2, &r2, 5000), 0);
	assert_int_equal(peak, 2);
	assert_int_equal(r1, 2);
	assert_int_equal(r2, 2);
	assert_int_equal(g_leaf.v, 3);
	dusk_sim_stats(sim, &st);
	assert_int_equal(st.calls, 2);
	assert_int_equal(st.refused, 0);	/* nested calls named live CTXs */
	tm_hook_body = NULL;
	harness_close(sim);
}

/*
 * Upcalls from atomic context (packets through a hook) are served in the
 * order they were raised, whatever their CPU: a stolen packet must not
 * overtake the one before it (a TCP segment overtaken by the next one is
 * retransmitted, and the module sees it twice).  The second packet's hook
 * runs only once the first one's has returned, though a worker is free; the
 * REPLYs leave in that order (the first may still wait to go out with the
 * second's, in one datagram: see packet_replies_batched_without_ack).
 */
static struct dusk_sim *order_sim;
static uint64_t order_first_ctx;
static int order_seen[4], order_n;

static uint64_t hook_records_order(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 100000000 };
	int now = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);

	(void)b;
	if (now > peak)
		peak = now;
	if (a == 1)
		nanosleep(&ts, NULL);	/* the first packet takes long */
	order_seen[__atomic_fetch_add(&order_n, 1, __ATOMIC_SEQ_CST) % 4] = (int)a;
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	return a;
}

static void atomic_upcalls_served_in_order(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t a1[2] = { 1, 0 }, a2[2] = { 2, 0 }, c2, r1 = 0, r2 = 0;
	struct dusk_sim_upcall u1 = { .proxy = PROXY_HOOK, .args = a1, .nargs = 2, .cpu = 0 };
	struct dusk_sim_upcall u2 = { .proxy = PROXY_HOOK, .args = a2, .nargs = 2, .cpu = 1 };

	(void)state;
	in_flight = peak = order_n = 0;
	order_sim = sim;
	tm_hook_body = hook_records_order;
	harness_open(sim, &tm_module, 2);	/* a worker free for each */
	order_first_ctx = dusk_sim_upcall(sim, &u1);
	c2 = dusk_sim_upcall(sim, &u2);
	assert_int_equal(dusk_sim_wait_reply(sim, order_first_ctx, &r1, 5000), 0);
	assert_int_equal(dusk_sim_wait_reply(sim, c2, &r2, 5000), 0);
	assert_int_equal(r1, 1);
	assert_int_equal(r2, 2);
	assert_int_equal(order_n, 2);
	assert_int_equal(order_seen[0], 1);
	assert_int_equal(order_seen[1], 2);
	assert_int_equal(peak, 1);
	tm_hook_body = NULL;
	harness_close(sim);
}

/* A kernel function that calls back into the module and waits (a notifier
 * replaying events when it is registered). */
static uint64_t stub_calls_back(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
				void *arg)
{
	struct dusk_sim_upcall u = { .proxy = PROXY_TICK, .flags = DUSK_UPCALL_BLOCKING };
	uint64_t ret = 0;

	(void)a; (void)n; (void)t; (void)arg;
	if (dusk_sim_wait_reply(s, dusk_sim_upcall(s, &u), &ret, 3000))
		return 0;
	return ret;
}

static uint64_t hook_calls_kernel(uint64_t a, uint64_t b)
{
	(void)a; (void)b;
	return dusk_call(STUB_TOUCH, NULL, 0);
}

static uint64_t tick_returns_7(void)
{
	return 7;
}

static void nested_upcall_gets_a_worker(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[2] = { 0, 0 }, ret = 0;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2 };

	(void)state;
	harness_log_capture();
	tm_hook_body = hook_calls_kernel;
	tm_tick_body = tick_returns_7;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_calls_back, NULL);
	harness_open(sim, &tm_module, 1);	/* one worker, busy with the hook */
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	assert_int_equal(ret, 7);		/* the nested upcall was served */
	harness_close(sim);
}

static uint64_t tick_reports_current(void)
{
	return (uint64_t)(uintptr_t)dusk_current();
}

static void upcall_context_current(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	struct dusk_sim_upcall u = { .proxy = PROXY_TICK, .current = 0xffff888003f0b300ull,
				     .flags = DUSK_UPCALL_BLOCKING };
	uint64_t ret = 0;

	(void)state;
	harness_log_capture();
	tm_tick_body = tick_reports_current;
	harness_open(sim, &tm_module, 1);
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	assert_int_equal(ret, 0xffff888003f0b300ull);
	tm_tick_body = NULL;
	harness_close(sim);
}

/* Outside any callback (module_init, module_exit) `current` is the
 * program's own task, as HELLO's answer named it: never NULL, which a
 * kernel call such as __get_task_comm() would dereference. */
static void current_outside_callbacks(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);

	(void)state;
	harness_log_capture();
	harness_open(sim, &tm_module, 1);
	assert_int_equal((uint64_t)(uintptr_t)dusk_current(), DUSK_SIM_TASK);
	harness_close(sim);
}

/*
 * The task state the module sets (set_current_state(): a store to
 * current->__state, which the rewriter sends through dusk_task_state()) is
 * the thread's own: it goes with the next CALL, in which the stub runs, and
 * takes the state the call left (prepare_to_wait() leaves a sleeping one,
 * schedule() a running one).  Another task's __state stays the kernel's.
 */
#define TS_OFF 24	/* where __state would be in a task_struct */
static uint32_t ts_seen;

static uint64_t stub_task_state(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
				void *arg)
{
	(void)t; (void)arg;
	ts_seen = *dusk_sim_task_state(s);
	if (n)	/* leave this state, as prepare_to_wait() does */
		*dusk_sim_task_state(s) = (uint32_t)a[0];
	return 0;
}

static void task_state_goes_with_calls(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	char *cur, *other = (char *)(uintptr_t)0xffff888003f0b300ull;
	unsigned int *st;
	uint64_t leave;

	(void)state;
	harness_log_capture();
	dusk_sim_set_stub(sim, STUB_NOOP, stub_task_state, NULL);
	harness_open(sim, &tm_module, 1);
	cur = dusk_current();
	st = dusk_task_state(cur + TS_OFF, TS_OFF);
	assert_true((uintptr_t)st < dusk_kbase);	/* the program's own copy */
	assert_ptr_equal(dusk_task_state(other + TS_OFF, TS_OFF), other + TS_OFF);
	assert_int_equal(*st, 0);

	*st = 2;			/* set_current_state(TASK_UNINTERRUPTIBLE) */
	leave = 0;			/* schedule_timeout(): running after */
	dusk_call(STUB_NOOP, &leave, 1);
	assert_int_equal(ts_seen, 2);
	assert_int_equal(*st, 0);

	leave = 1;			/* prepare_to_wait(): TASK_INTERRUPTIBLE */
	dusk_call(STUB_NOOP, &leave, 1);
	assert_int_equal(ts_seen, 0);
	assert_int_equal(*st, 1);
	dusk_call(STUB_NOOP, NULL, 0);	/* schedule() sleeps in it */
	assert_int_equal(ts_seen, 1);
	assert_int_equal(*st, 1);	/* (the stub left it) */
	*st = 0;			/* __set_current_state(TASK_RUNNING) */
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(ts_seen, 0);
	harness_close(sim);
}

static void bad_proxy_is_not_run(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	struct dusk_sim_upcall u = { .proxy = 7 };
	uint64_t ret;

	(void)state;
	harness_log_capture();
	harness_open(sim, &tm_module, 1);
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 300), -ETIMEDOUT);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "names proxy 7"));
	harness_close(sim);
}

/* ---- lifecycle ---- */

static int init_fails(void)
{
	return -ENODEV;
}

static void init_failure_like_insmod(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);

	(void)state;
	harness_log_capture();
	tm_init_body = init_fails;
	harness_open(sim, &tm_module, 1);
	assert_int_equal(dusk_session_run(), 1);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "could not insert module tm: No such device"));
	tm_init_body = NULL;
	harness_close(sim);
}

static volatile int *shared;	/* [0] init ran, [1] exit ran, [2] "running" logged */

static int init_marks(void)
{
	shared[0] = 1;
	return 0;
}

static void exit_marks(void)
{
	shared[1] = 1;
}

static void run_until_signal(void *arg)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	int rc;

	(void)arg;
	harness_log_capture();
	tm_init_body = init_marks;
	tm_exit_body = exit_marks;
	if (dusk_session_open(&tm_module, dusk_sim_transport(sim), 1))
		_exit(3);
	rc = dusk_session_run();
	shared[2] = harness_log_has(DUSK_LOG_INFO, "dusk: tm: running");
	dusk_session_close();
	_exit(rc);
}

static void sigint_runs_module_exit(void **state)
{
	int fd[2], status, i;
	pid_t pid;

	(void)state;
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(shared != MAP_FAILED);
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	if (pid == 0) {
		/* As a shell starts a background job: SIGINT ignored. */
		signal(SIGINT, SIG_IGN);
		run_until_signal(NULL);
	}
	for (i = 0; i < 500 && !shared[0]; i++)
		usleep(10000);
	usleep(50000);	/* let it reach the wait */
	assert_int_equal(shared[0], 1);
	assert_int_equal(shared[1], 0);
	kill(pid, SIGINT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(shared[1], 1);
	assert_int_equal(shared[2], 1);	/* "dusk: tm: running" was logged */
	munmap((void *)shared, 4096);
}

/* ---- faults ---- */

static uint64_t hook_derefs_null(uint64_t a, uint64_t b)
{
	(void)b;
	return *(volatile uint64_t *)(uintptr_t)a;
}

static void null_deref_in_callback(void *arg)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[2] = { 0, 0 }, ret;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2 };

	(void)arg;
	tm_hook_body = hook_derefs_null;
	dusk_fault_install();
	if (dusk_session_open(&tm_module, dusk_sim_transport(sim), 1))
		_exit(3);
	dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000);
	_exit(4);
}

static void null_deref_reported_with_line(void **state)
{
	char log[8192];
	int status;

	(void)state;
	status = harness_fork(null_deref_in_callback, NULL, log, sizeof(log));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	if (!strstr(log, "NULL pointer dereference at address 0x0") ||
	    !strstr(log, "test-session.c:") || !strstr(log, "hook_derefs_null"))
		fail_msg("unexpected report: %s", log);
}

/* ---- trace ---- */

static void trace_names_interactions(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t arg = 5, k;

	(void)state;
	harness_log_capture();
	dusk_trace_on = 1;
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	dusk_sim_map(sim, 0xffff888000030000ull, 4096, 1);
	harness_open(sim, &tm_module, 1);
	*(char *)dusk_check((void *)(uintptr_t)0xffff888000030010ull, 1) = 1;
	k = dusk_commit(&g_leaf, T_LEAF, 0);
	dusk_call(STUB_NOOP, &arg, 1);
	dusk_trace_on = 0;
	assert_true(k >= DUSK_SIM_MIRRORS);
	if (!harness_log_has(DUSK_LOG_TRACE, "[dusk] hello tm") ||
	    !harness_log_has(DUSK_LOG_TRACE, "[dusk] read 0xffff888000030000 +512") ||
	    !harness_log_has(DUSK_LOG_TRACE, "[dusk] mirror ") ||
	    !harness_log_has(DUSK_LOG_TRACE, "[dusk] write 0xffff888000030010 +1") ||
	    !harness_log_has(DUSK_LOG_TRACE, "[dusk] call noop(0x5) = 0x0"))
		fail_msg("trace incomplete: %s", harness_log_text());
	harness_close(sim);
}

/*
 * Direct answers: where the kernel answers inside send() (the local
 * socket), a CALL's, READ's and MIRROR_ALLOC's answer is written into the
 * sending thread's buffer, and nothing is received for it -- from module
 * init and from a packet callback, whose REPLY still goes unacknowledged.
 */
static uint64_t hook_calls(uint64_t a, uint64_t b)
{
	uint64_t arg = a;

	(void)b;
	return dusk_call(STUB_NOOP, &arg, 1) + 1;
}

static void answers_written_into_the_callers_buffer(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .nargs = 2 };
	struct dusk_sim_stats a, b;
	uint64_t arg = 5, args[2] = { 7, 0 }, ret, k;

	(void)state;
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	dusk_sim_map(sim, 0xffff888000030000ull, 4096, 1);
	dusk_sim_direct_answers(sim, 1);
	tm_hook_body = hook_calls;
	harness_open(sim, &tm_module, 1);
	dusk_sim_stats(sim, &a);
	assert_int_equal(*(char *)dusk_check((void *)(uintptr_t)0xffff888000030010ull, 1), 0);
	k = dusk_commit(&g_leaf, T_LEAF, 0);		/* MIRROR_ALLOC */
	assert_true(k >= DUSK_SIM_MIRRORS);
	assert_int_equal(dusk_call(STUB_NOOP, &arg, 1), 0);
	dusk_sim_stats(sim, &b);
	assert_true(b.reads - a.reads >= 1);	/* the page, and the mirror read back */
	assert_int_equal(b.mirror_allocs - a.mirror_allocs, 1);
	assert_int_equal(b.calls - a.calls, 1);
	assert_int_equal(b.direct_answers - a.direct_answers,
			 b.reads - a.reads + b.mirror_allocs - a.mirror_allocs + b.calls - a.calls);

	u.args = args;
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	assert_int_equal(ret, 1);
	dusk_sim_stats(sim, &a);
	assert_int_equal(a.direct_answers - b.direct_answers, 1);
	assert_int_equal(a.acks - b.acks, 0);
	tm_hook_body = NULL;
	harness_close(sim);
}

/* After a failed test: close what it left open so the next one starts
 * clean (the test's sim is leaked; it is small). */
static int cleanup(void **state)
{
	(void)state;
	if (dusk_sess)
		dusk_session_close();
	tm_hook_body = NULL;
	tm_tick_body = NULL;
	tm_init_body = NULL;
	tm_exit_body = NULL;
	dusk_trace_on = 0;
	return 0;
}

/*
 * The packet path: a verdict waits for nothing.  REPLYs without writes go
 * unacknowledged, those of the upcalls that queued up while a callback ran
 * leave together in one datagram, in order.
 */
static int batch_seen[8], batch_n;

static uint64_t hook_first_is_slow(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 50000000 };

	(void)b;
	if (a == 0)
		nanosleep(&ts, NULL);	/* the others queue up meanwhile */
	batch_seen[__atomic_fetch_add(&batch_n, 1, __ATOMIC_SEQ_CST) % 8] = (int)a;
	return a;
}

static void packet_replies_batched_without_ack(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[8][2], ctx[8], ret;
	struct dusk_sim_stats a, b;
	int i;

	(void)state;
	batch_n = 0;
	tm_hook_body = hook_first_is_slow;
	harness_open(sim, &tm_module, 1);
	dusk_sim_stats(sim, &a);
	for (i = 0; i < 8; i++) {
		struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args[i], .nargs = 2 };

		args[i][0] = (uint64_t)i;
		args[i][1] = 0;
		ctx[i] = dusk_sim_upcall(sim, &u);
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(dusk_sim_wait_reply(sim, ctx[i], &ret, 5000), 0);
		assert_int_equal(ret, (uint64_t)i);
		assert_int_equal(batch_seen[i], i);	/* served in order */
	}
	dusk_sim_stats(sim, &b);
	assert_int_equal(b.replies - a.replies, 8);
	assert_int_equal(b.acks - a.acks, 0);		/* no REPLY was acknowledged */
	if (b.datagrams - a.datagrams > 3)
		fail_msg("8 REPLYs took %u datagrams (the 7 queued behind the slow one: one)",
			 b.datagrams - a.datagrams);
	tm_hook_body = NULL;
	harness_close(sim);
}

/*
 * Packets read in one batch are served where they lie; those the kernel
 * raises while one of them makes a nested call are read by that call and
 * queued: they follow the rest of the batch, in the kernel's order.
 */
static int order2_seen[12], order2_n;
static uint64_t order2_args[2][2] = { { 100, 0 }, { 101, 0 } };
static uint64_t order2_ctx[2];

static uint64_t stub_raises_two(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
				void *arg)
{
	int i;

	(void)a; (void)n; (void)t; (void)arg;
	for (i = 0; i < 2; i++) {
		struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = order2_args[i],
					     .nargs = 2 };

		order2_ctx[i] = dusk_sim_upcall(s, &u);
	}
	return 0;
}

static uint64_t hook_gate_then_nested(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 50000000 };

	(void)b;
	if (a == 50)
		nanosleep(&ts, NULL);	/* 0..7 are raised meanwhile */
	if (a == 0)
		dusk_call(STUB_TOUCH, NULL, 0);
	order2_seen[__atomic_fetch_add(&order2_n, 1, __ATOMIC_SEQ_CST) % 12] = (int)a;
	return a;
}

static void nested_call_keeps_packet_order(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	static const int want[11] = { 50, 0, 1, 2, 3, 4, 5, 6, 7, 100, 101 };
	uint64_t gate_args[2] = { 50, 0 }, args[8][2], ctx[8], gate, ret;
	struct dusk_sim_upcall g = { .proxy = PROXY_HOOK, .args = gate_args, .nargs = 2 };
	int i;

	(void)state;
	order2_n = 0;
	tm_hook_body = hook_gate_then_nested;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_raises_two, NULL);
	harness_open(sim, &tm_module, 1);
	gate = dusk_sim_upcall(sim, &g);
	for (i = 0; i < 8; i++) {
		struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args[i], .nargs = 2 };

		args[i][0] = (uint64_t)i;
		args[i][1] = 0;
		ctx[i] = dusk_sim_upcall(sim, &u);
	}
	assert_int_equal(dusk_sim_wait_reply(sim, gate, &ret, 5000), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(dusk_sim_wait_reply(sim, ctx[i], &ret, 5000), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(dusk_sim_wait_reply(sim, order2_ctx[i], &ret, 5000), 0);
	assert_int_equal(order2_n, 11);
	for (i = 0; i < 11; i++)
		if (order2_seen[i] != want[i])
			fail_msg("packet %d served in place of %d (position %d)", order2_seen[i],
				 want[i], i);
	tm_hook_body = NULL;
	harness_close(sim);
}

/* Packets one at a time, as at a low rate: the packet thread takes each
 * in its blocking receive and, the socket left empty by that short batch,
 * goes back to it; it does not try an empty receive once per packet (a
 * system call between every verdict and the next packet). */
static void lone_packets_cost_no_empty_receive(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[2] = { 0, 0 }, ret, ctx;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2 };
	struct dusk_sim_stats before, after;
	int i;

	(void)state;
	harness_open(sim, &tm_module, 1);
	ctx = dusk_sim_upcall(sim, &u);
	assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 5000), 0);
	dusk_sim_stats(sim, &before);
	for (i = 0; i < 20; i++) {
		ctx = dusk_sim_upcall(sim, &u);
		assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 5000), 0);
	}
	dusk_sim_stats(sim, &after);
	if (after.empty_receives - before.empty_receives > 2)
		fail_msg("%u empty receives for 20 packets",
			 after.empty_receives - before.empty_receives);
	harness_close(sim);
}

/* A verdict that comes too late is refused (-ESRCH) after the program has
 * moved on: the warning still names the callback. */
static volatile int late_stage;

static uint64_t hook_late(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 1000000 };
	int i;

	(void)a; (void)b;
	late_stage = 1;
	for (i = 0; i < 5000 && late_stage != 2; i++)
		nanosleep(&ts, NULL);
	return 1;
}

static void late_unacked_reply_named(void **state)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[2] = { 0, 0 }, ret = 0, ctx;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2 };
	struct timespec ts = { 0, 1000000 };
	int i;

	(void)state;
	harness_log_capture();
	late_stage = 0;
	tm_hook_body = hook_late;
	harness_open(sim, &tm_module, 1);
	ctx = dusk_sim_upcall(sim, &u);
	for (i = 0; i < 5000 && late_stage != 1; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(dusk_sim_expire(sim, ctx, 0xacce97), 0);
	late_stage = 2;
	for (i = 0; i < 5000 && !harness_log_has(DUSK_LOG_WARN, "returned after"); i++)
		nanosleep(&ts, NULL);
	if (!harness_log_has(DUSK_LOG_WARN, "tm_hook returned after the kernel stopped waiting"))
		fail_msg("no warning naming tm_hook: %s", harness_log_text());
	assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 100), 0);
	assert_int_equal(ret, 0xacce97);
	tm_hook_body = NULL;
	harness_close(sim);
}

/* ---- the kernel stops waiting (a debugger held the callback) ---- */

#define KPKT 0xffff888000050000ull	/* "the packet": freed and reused on expiry */

static volatile int expire_stage;	/* 1: packet read; 2: expired; 3: done */
static uint64_t expire_second, expire_third, seen_before, seen_after;

static uint64_t hook_outlives_timeout(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 1000000 };
	const uint64_t *pkt = (const uint64_t *)(uintptr_t)KPKT;
	uint64_t arg = 7;
	int i;

	(void)a; (void)b;
	dusk_call(STUB_NOOP, &arg, 1);
	seen_before = *DUSK_DEREF(pkt);
	expire_stage = 1;
	for (i = 0; i < 5000 && expire_stage != 2; i++)	/* "stopped in gdb" */
		nanosleep(&ts, NULL);
	expire_second = dusk_call(STUB_PRINTK, &arg, 1);
	seen_after = *DUSK_DEREF(pkt);
	expire_third = dusk_call(STUB_NOOP, &arg, 1);
	expire_stage = 3;
	return 1;
}

static void expired_case(uint32_t flags, const char *want_log)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t args[2] = { 0, 0 }, ret = 0, ctx;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .flags = flags };
	struct timespec ts = { 0, 1000000 };
	struct dusk_sim_stats st;
	int i;

	harness_log_capture();
	expire_stage = 0;
	tm_hook_body = hook_outlives_timeout;
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	dusk_sim_set_stub(sim, STUB_PRINTK, stub_printk, NULL);
	assert_int_equal(dusk_sim_map(sim, KPKT, 4096, 0), 0);
	*(uint64_t *)dusk_sim_ptr(sim, KPKT) = 0x600d;
	harness_open(sim, &tm_module, 1);
	ctx = dusk_sim_upcall(sim, &u);
	for (i = 0; i < 5000 && expire_stage != 1; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(dusk_sim_expire(sim, ctx, 0xacce97), 0);	/* the policy */
	*(uint64_t *)dusk_sim_ptr(sim, KPKT) = 0xbad;	/* the packet freed and reused */
	expire_stage = 2;
	for (i = 0; i < 5000 && expire_stage != 3; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(expire_stage, 3);		/* the callback ran to its end */
	assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 5000), 0);
	assert_int_equal(ret, 0xacce97);		/* the late result was dropped */
	assert_int_equal(expire_second, (uint64_t)(int64_t)-EFAULT);
	assert_int_equal(expire_third, (uint64_t)(int64_t)-EFAULT);
	assert_int_equal(seen_before, 0x600d);
	assert_int_equal(seen_after, 0x600d);		/* what it saw, not reused memory */
	dusk_sim_stats(sim, &st);
	assert_int_equal(st.calls, 2);			/* the third was not sent */
	if (!harness_log_has(DUSK_LOG_WARN, "stopped waiting for this callback") ||
	    !harness_log_has(DUSK_LOG_WARN, want_log))
		fail_msg("expected a warning naming %s, got: %s", want_log, harness_log_text());
	if (harness_log_has(DUSK_LOG_KERNEL, "tm: hello"))
		fail_msg("a kernel call was made after the timeout: %s", harness_log_text());
	tm_hook_body = NULL;
	harness_close(sim);
}

static void callback_outlives_nf_timeout(void **state)
{
	(void)state;
	expired_case(0, "nf_timeout_ms");
}

static void callback_outlives_its_blocked_caller(void **state)
{
	(void)state;
	expired_case(DUSK_UPCALL_BLOCKING, "block_timeout_ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(handshake_mismatches_named, cleanup),
		cmocka_unit_test_teardown(printk_text_logged_with_level, cleanup),
		cmocka_unit_test_teardown(upcalls_served_in_parallel, cleanup),
		cmocka_unit_test_teardown(atomic_upcalls_served_in_order, cleanup),
		cmocka_unit_test_teardown(upcall_context_current, cleanup),
		cmocka_unit_test_teardown(current_outside_callbacks, cleanup),
		cmocka_unit_test_teardown(task_state_goes_with_calls, cleanup),
		cmocka_unit_test_teardown(nested_upcall_gets_a_worker, cleanup),
		cmocka_unit_test_teardown(bad_proxy_is_not_run, cleanup),
		cmocka_unit_test_teardown(init_failure_like_insmod, cleanup),
		cmocka_unit_test_teardown(sigint_runs_module_exit, cleanup),
		cmocka_unit_test_teardown(null_deref_reported_with_line, cleanup),
		cmocka_unit_test_teardown(trace_names_interactions, cleanup),
		cmocka_unit_test_teardown(callback_outlives_nf_timeout, cleanup),
		cmocka_unit_test_teardown(callback_outlives_its_blocked_caller, cleanup),
		cmocka_unit_test_teardown(packet_replies_batched_without_ack, cleanup),
		cmocka_unit_test_teardown(nested_call_keeps_packet_order, cleanup),
		cmocka_unit_test_teardown(lone_packets_cost_no_empty_receive, cleanup),
		cmocka_unit_test_teardown(late_unacked_reply_named, cleanup),
		cmocka_unit_test_teardown(answers_written_into_the_callers_buffer, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
