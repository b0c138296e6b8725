/* SPDX-License-Identifier: MIT */
/*
 * Kernel calls from module code: dusk_call() and dusk_ksym().
 *
 * A call ends the thread's epoch: its dirty shadow bytes and the mirrors
 * committed for the call travel as CHUNKs in the CALL message itself, so a
 * call costs one round trip (plus one READ when own objects were committed,
 * to copy back what the kernel changed in them).  printk-family stubs
 * answer with the text they printed, which goes to the log callback.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdio.h>
#include <string.h>

#include "rt-internal.h"

/* Room kept in a CALL for STUB, ARGS, CTX and TASK_STATE after the chunks. */
#define CALL_TAIL (4 * MNL_ATTR_HDRLEN + 20 + DUSK_MAX_ARGS * 8)

static const char *stub_name(uint32_t stub)
{
	const struct dusk_module *m = dusk_sess->m;

	return m->stubs && stub < m->nstubs ? m->stubs[stub] : "?";
}

static void trace_call(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
		       uint64_t ctx)
{
	char buf[512];
	size_t n = 0;
	unsigned int i;

	if (!dusk_trace_on)
		return;
	for (i = 0; i < nargs && n < sizeof(buf) - 24; i++)
		n += snprintf(buf + n, sizeof(buf) - n, "%s0x%llx", i ? ", " : "",
			      (unsigned long long)args[i]);
	buf[n] = '\0';
	if (ctx)
		dusk_log(DUSK_LOG_TRACE, "[dusk] call %s(%s) = 0x%llx [upcall %llu]", stub_name(stub),
			 buf, (unsigned long long)ret, (unsigned long long)ctx);
	else
		dusk_log(DUSK_LOG_TRACE, "[dusk] call %s(%s) = 0x%llx", stub_name(stub), buf,
			 (unsigned long long)ret);
}

/* Send CALL @stub(@args) ending this thread's epoch, with @ctx unless 0
 * and the task state the module set unless TASK_RUNNING (@state: 0),
 * PARAM_LOCK when @param_lock (the thread runs a parameter's ops); the
 * answer in @ans.  0 or -errno as dusk_request(). */
static int call_request(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ctx,
			uint32_t state, int param_lock, struct dusk_answer *ans)
{
	struct dusk_msg m;
	int err;

	err = dusk_msg_new(&m, DUSK_CMD_CALL);
	if (!err)
		err = dusk_epoch_end(&m, CALL_TAIL);
	if (!err)
		err = dusk_msg_put_u32(&m, DUSK_A_STUB, stub);
	if (!err)
		err = dusk_msg_put_bin(&m, DUSK_A_ARGS, args, nargs * sizeof(uint64_t));
	if (!err && ctx)
		err = dusk_msg_put_u64(&m, DUSK_A_CTX, ctx);
	if (!err && state)
		err = dusk_msg_put_u32(&m, DUSK_A_TASK_STATE, state);
	if (!err && param_lock)
		err = dusk_msg_put_u32(&m, DUSK_A_PARAM_LOCK, 1);
	if (!err) {
		dusk_commit_call_begin();
		err = dusk_request(&m, ans);
		dusk_commit_landed();
		dusk_commit_call_end();
		if (err == -EACCES || err == -EFAULT)
			dusk_write_refused("with a kernel call", ans, &m);
	} else {
		memset(ans, 0, sizeof(*ans));
	}
	if (m.buf)
		dusk_msg_fini(&m);
	return err;
}

/*
 * The kernel stopped waiting for the callback this thread serves (its
 * timeout passed: a debugger stop, a slow callback) and answered the call
 * -ESRCH.  The kernel has applied its policy and may have freed what the
 * upcall lent (a packet is reinjected and freed): a kernel call that named
 * it, or a READ of it, would see reused memory.  So the callback runs on
 * against what it has already seen (the epoch the call ended is reopened:
 * the chunks it carried were written, protocol.md) and its kernel calls
 * are not made; they fail as an access to memory that is gone, -EFAULT.
 * Its result will be dropped by the kernel anyway.
 */
static void ctx_gone(struct dusk_thread *t, uint32_t stub)
{
	const char *fn = dusk_thread_fn();

	dusk_log(DUSK_LOG_WARN, "dusk: %s: the kernel stopped waiting for this callback (the "
		 "kmod's %s; a debugger stop?) and applied its policy; it runs on, but its "
		 "kernel calls are not made (-EFAULT) and its result will be dropped",
		 fn ? fn : "callback", t->blocking ? "block_timeout_ms" : "nf_timeout_ms");
	t->ctx_gone = 1;
	dusk_shadow_reopen(t->shadow);
	dusk_trace("[dusk] call %s: upcall %llu expired", stub_name(stub),
		   (unsigned long long)t->ctx);
}

/*
 * The module's line that made the kernel call: the first frame above the
 * runtime that is not a generated dusk_k_ wrapper (kept out of line when
 * the program is built without optimisation).
 */
static void call_site(char *buf, size_t cap)
{
	void *bt[16];
	int n = backtrace(bt, 16), i;

	/* from dusk_call()'s caller on, however much of the runtime was
	 * inlined into dusk_call() */
	for (i = 0; i < n && bt[i] != dusk_entry_pc; i++)
		;
	if (i == n)
		i = 1;
	if (!dusk_module_line(bt + i, n - i, 0, buf, cap))
		dusk_symbolize(dusk_entry_pc, buf, cap);
}

/* The kernel refused call @stub: stop, naming the module's line. */
static void call_failed(uint32_t stub, int err, const struct dusk_answer *ans)
	__attribute__((noreturn));
static void call_failed(uint32_t stub, int err, const struct dusk_answer *ans)
{
	char where[512];

	call_site(where, sizeof(where));
	dusk_log(DUSK_LOG_ERROR, "dusk: kernel call %s failed: %s%s%s%s%s", stub_name(stub),
		 strerror(-err), ans->extack[0] ? ": " : "", ans->extack, where[0] ? " at " : "",
		 where);
	abort();
}

/*
 * A call --fail makes fail: it returns @ret without reaching the kernel.
 * What the call would have carried (dirty bytes, the arguments' mirrors)
 * still goes to the kernel, so the kernel's state is the one the module's
 * error path expects.
 */
static uint64_t injected_result(uint32_t stub, uint64_t ret, unsigned long nth, int rule,
				const void *frame)
{
	char where[512];
	int err;

	call_site(where, sizeof(where));
	dusk_log(DUSK_LOG_WARN, rule == 1 ? "dusk: injected failure: %s (its call %lu) returns %lld%s%s"
					    : "dusk: injected failure: %s (call #%lu that can fail) returns %lld%s%s",
		 stub_name(stub), nth, (long long)ret, where[0] ? " at " : "", where);
	err = dusk_epoch_flush("before a call --fail made fail");
	if (!err)
		err = dusk_commit_after_call(frame);
	if (err)
		dusk_fatal("dusk: around the failed call of %s: %s", stub_name(stub),
			   strerror(-err));
	return ret;
}

/* What a call the kernel will not make returns. */
static uint64_t gone_result(const void *frame)
{
	dusk_commit_after_call(frame);	/* let go of the call's stack mirrors */
	return (uint64_t)(int64_t)-EFAULT;
}

DUSK_API uint64_t dusk_call(uint32_t stub, const uint64_t *args, unsigned int nargs)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_answer ans;
	struct dusk_attrs a;
	uint64_t ret = 0;
	const void *pc = __builtin_return_address(0);
	/* the module's frames are above it: below, the ones that returned */
	const void *frame = __builtin_frame_address(0);
	unsigned long nth;
	int err, rule;

	dusk_entry_pc = pc;
	if (!dusk_sess)
		dusk_fatal("dusk: kernel call %u before the session started", stub);
	if (nargs > DUSK_MAX_ARGS)
		dusk_fatal("dusk: kernel call %s with %u arguments (at most %d)", stub_name(stub),
			   nargs, DUSK_MAX_ARGS);
	if (t->ctx_gone)
		return gone_result(frame);
	dusk_kasan_before_call(stub, args, nargs, pc);
	dusk_leaks_bulk_free(stub, args, nargs);
	rule = dusk_kfail_check(dusk_sess->m, stub, args, nargs, &ret, &nth);
	if (rule)
		return injected_result(stub, ret, nth, rule, frame);
	err = call_request(stub, args, nargs, t->ctx, t->task_state, t->param_op, &ans);
	if (err == -ESRCH && t->ctx) {
		dusk_answer_free(&ans);
		ctx_gone(t, stub);
		return gone_result(frame);
	}
	if (err)
		call_failed(stub, err, &ans);
	if (!ans.nlh || dusk_msg_parse(ans.nlh, ans.len, &a) || !a.tb[DUSK_A_RET])
		dusk_fatal("dusk: kernel call %s: malformed answer", stub_name(stub));
	ret = mnl_attr_get_u64(a.tb[DUSK_A_RET]);
	/* schedule() returns TASK_RUNNING; prepare_to_wait() leaves the
	 * state it set, which the module's next call (schedule()) sleeps in */
	t->task_state = a.tb[DUSK_A_TASK_STATE] ? mnl_attr_get_u32(a.tb[DUSK_A_TASK_STATE]) : 0;
	trace_call(stub, args, nargs, ret, t->ctx);
	dusk_leaks_note(stub, args, nargs, ret, pc);
	dusk_kasan_after_call(stub, args, nargs, ret, pc);
	/* A pointer returned into a mirror (seq_list_start_head(&own_head)
	 * returns the head) is the own object to the module. */
	ret = dusk_rmap_word(ret);
	if (a.tb[DUSK_A_TEXT])
		dusk_log_kernel_text(mnl_attr_get_str(a.tb[DUSK_A_TEXT]));
	dusk_answer_free(&ans);
	/* debugfs_create_u32(..., &n), register_sysctl(): the kernel keeps
	 * what the call was handed and reads and writes it on its own. */
	if (stub < dusk_sess->m->nstubs && dusk_sess->kept[stub])
		dusk_commit_keep_touched();
	err = dusk_commit_after_call(frame);
	if (err)
		dusk_fatal("dusk: after kernel call %s: reading back own objects failed: %s",
			   stub_name(stub), strerror(-err));
	dusk_leaks_bulk_alloc(stub, args, nargs, ret, pc);
	return ret;
}

DUSK_API uintptr_t dusk_ksym(uint32_t sym)
{
	if (!dusk_sess || sym >= dusk_sess->m->nsyms)
		dusk_fatal("dusk: kernel symbol %u does not exist (%u in the table)", sym,
			   dusk_sess ? dusk_sess->m->nsyms : 0);
	return (uintptr_t)dusk_sess->syms[sym];
}
