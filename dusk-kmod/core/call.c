// SPDX-License-Identifier: GPL-2.0
/*
 * CALL: the program calls a kernel function through a generated stub, and
 * the undo records that let the core take back what those calls
 * registered when the program goes away.
 *
 * Only stubs of dusk_gen.stubs can be called: the whitelist is the module's
 * own source.  A DUSK_STUB_INDIRECT stub calls the function pointer in its
 * first argument, which must be the start of a kernel symbol.  A CALL
 * without CTX, or with the CTX of an upcall raised in atomic context, runs
 * here, in the program's own process context.  With
 * the CTX of a blocked caller it is handed to that caller, which runs it in
 * its own context (copy_to_user reaches the caller's buffer) while this
 * request waits for it.
 *
 * Stub results are interpreted by the stub's flags: DUSK_STUB_ALLOC results
 * become owned memory (writable by WRITE, freed at teardown),
 * DUSK_STUB_FREE arguments stop being owned, DUSK_STUB_PRINTK stubs return
 * the text they printed.  Calls matching a dusk_gen.undo pair add or
 * forget an undo record; a register call counts as successful when its
 * int result is >= 0 (RET_PTR stubs: not NULL and not an ERR_PTR).  The
 * record is allocated before the register call runs, so that nothing is
 * ever registered that the core could not undo.
 */
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include "dusk-core.h"

struct dusk_undo_rec {
	struct list_head node;	/* dusk_sess.undo, oldest first */
	u32 desc;		/* index into dusk_gen.undo */
	u64 args[DUSK_MAX_ARGS];
};

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
EXPORT_SYMBOL_GPL(dusk_text_buf);

/* Did a register stub succeed?  (See the file comment.) */
static bool dusk_reg_ok(const struct dusk_stub_desc *s, u64 ret)
{
	if (s->flags & DUSK_STUB_RET_PTR)
		return !IS_ERR_OR_NULL((void *)(uintptr_t)ret);
	return (s32)ret >= 0;
}

/* The undo pair whose reg is @stub, or -1. */
static int dusk_undo_of_reg(u32 stub)
{
	u32 i;

	for (i = 0; i < dusk_gen.nundo; i++)
		if (dusk_gen.undo[i].reg == stub)
			return i;
	return -1;
}

/* Does @rec stand for a call of stub @unreg with @args? */
static bool dusk_undo_is(const struct dusk_undo_rec *rec, u32 unreg, const u64 *args)
{
	const struct dusk_undo_desc *u = &dusk_gen.undo[rec->desc];

	return u->unreg == unreg && !memcmp(rec->args, args, u->nargs * sizeof(u64));
}

/*
 * Fill @rec with what unreg will need, after reg succeeded, and keep it;
 * false when a record with the same unreg call exists already (the caller
 * frees @rec): re-arming a timer with mod_timer() registers nothing new,
 * and one del_timer_sync() undoes every arming, so a periodic timer must
 * not grow the list by one record per tick.
 */
static bool dusk_undo_record(struct dusk_undo_rec *rec, u32 d, const u64 *args, u64 ret)
{
	const struct dusk_undo_desc *u = &dusk_gen.undo[d];
	struct dusk_undo_rec *old;
	int i;

	lockdep_assert_held(&dusk_sess.lock);
	rec->desc = d;
	for (i = 0; i < u->nargs && i < ARRAY_SIZE(u->from); i++)
		rec->args[i] = u->from[i] == DUSK_UNDO_RET ? ret : args[u->from[i]];
	list_for_each_entry(old, &dusk_sess.undo, node)
		if (dusk_undo_is(old, u->unreg, rec->args))
			return false;
	list_add_tail(&rec->node, &dusk_sess.undo);
	return true;
}

/* unreg was called with @args: forget the newest matching record. */
static void dusk_undo_forget(u32 stub, const u64 *args)
{
	struct dusk_undo_rec *rec;

	list_for_each_entry_reverse(rec, &dusk_sess.undo, node) {
		if (dusk_undo_is(rec, stub, args)) {
			list_del(&rec->node);
			kfree(rec);
			return;
		}
	}
}

unsigned int dusk_undo_count(void)
{
	struct dusk_undo_rec *rec;
	unsigned int n = 0;

	mutex_lock(&dusk_sess.lock);
	list_for_each_entry(rec, &dusk_sess.undo, node)
		n++;
	mutex_unlock(&dusk_sess.lock);
	return n;
}

/* Does @stub unregister Netfilter hooks? */
static bool dusk_is_nf_unreg(u32 stub)
{
	const char *name = dusk_gen.stubs[stub].name;

	return !strcmp(name, "nf_unregister_net_hook") || !strcmp(name, "nf_unregister_net_hooks");
}

/* Is @stub the unreg of some undo pair? */
static bool dusk_is_unreg(u32 stub)
{
	u32 i;

	for (i = 0; i < dusk_gen.nundo; i++)
		if (dusk_gen.undo[i].unreg == stub)
			return true;
	return false;
}

/**
 * dusk_undo_refers() - does a live undo record point into [start, start+len)?
 * Context: caller holds dusk_sess.lock.
 */
bool dusk_undo_refers(unsigned long start, size_t len)
{
	struct dusk_undo_rec *rec;
	int i;

	list_for_each_entry(rec, &dusk_sess.undo, node)
		for (i = 0; i < dusk_gen.undo[rec->desc].nargs; i++)
			if (rec->args[i] >= start && rec->args[i] - start < len)
				return true;
	return false;
}

/**
 * dusk_undo_all() - call every recorded unreg, newest first.
 * Context: teardown, caller holds dusk_sess.lock.
 */
void dusk_undo_all(void)
{
	struct dusk_undo_rec *rec, *tmp;

	list_for_each_entry_safe_reverse(rec, tmp, &dusk_sess.undo, node) {
		dusk_gen.stubs[dusk_gen.undo[rec->desc].unreg].fn(rec->args);
		list_del(&rec->node);
		kfree(rec);
	}
}

/**
 * dusk_call_exec() - run one validated stub call and do its bookkeeping.
 * @c: stub index and arguments checked by dusk_nl_call(); ret (and text,
 *     for PRINTK stubs) are filled in, or err when the stub did not run.
 *
 * Context: process (the program's, or a blocked caller's); no dusk lock
 * held.  Stubs may sleep.
 */
void dusk_call_exec(struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	struct dusk_undo_rec *rec = NULL;
	void *p = (void *)(uintptr_t)c->args[0];
	int undo = dusk_undo_of_reg(c->stub);

	if (undo >= 0) {
		rec = kzalloc(sizeof(*rec), GFP_KERNEL);
		if (!rec) {
			c->err = -ENOMEM;
			return;
		}
	}
	if (dusk_is_nf_unreg(c->stub)) {
		/* Stolen packets resume while the hook is still there.  Only
		 * then: a del_timer_sync() must not release the packets the
		 * module's hooks are deciding. */
		dusk_pending_flush();
	}
	/* xtables matches and hrtimers (xtmatch.c, hrtimer.c) */
	dusk_xt_before_call(c);
	dusk_hrtimer_before_call(c);
	if ((s->flags & DUSK_STUB_FREE) && s->nargs) {
		mutex_lock(&dusk_sess.lock);
		dusk_region_forget(p);
		mutex_unlock(&dusk_sess.lock);
	}

	if (s->flags & DUSK_STUB_PRINTK) {
		mutex_lock(&dusk_text_lock);
		dusk_text[0] = '\0';
		c->ret = s->fn(c->args);
		strscpy(c->text, dusk_text, DUSK_MAX_TEXT);
		mutex_unlock(&dusk_text_lock);
	} else {
		c->ret = s->fn(c->args);
	}
	dusk_count(DUSK_STAT_CALLS, 1);
	dusk_xt_after_call(c);

	mutex_lock(&dusk_sess.lock);
	if ((s->flags & DUSK_STUB_ALLOC) && !IS_ERR_OR_NULL((void *)(uintptr_t)c->ret)) {
		p = (void *)(uintptr_t)c->ret;
		/* Untracked on -ENOMEM: not writable, not freed at teardown. */
		dusk_region_add(p, dusk_alloc_size(p), DUSK_REGION_ALLOC);
	}
	if (rec && dusk_reg_ok(s, c->ret) && dusk_undo_record(rec, undo, c->args, c->ret))
		rec = NULL;
	if (dusk_is_unreg(c->stub))
		dusk_undo_forget(c->stub, c->args);
	mutex_unlock(&dusk_sess.lock);
	kfree(rec);
}

/*
 * The target of a DUSK_STUB_INDIRECT call must be where a kernel symbol
 * starts (kallsyms): a garbage or misaligned function pointer from a buggy
 * program is refused instead of being jumped to.  (No text-address test is
 * exported to modules; sprint_symbol() is.)
 */
static bool dusk_indirect_ok(u64 fn)
{
	char sym[KSYM_SYMBOL_LEN];

	if (fn < dusk_kbase())
		return false;
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
	if ((dusk_gen.stubs[c->stub].flags & DUSK_STUB_INDIRECT) &&
	    (!c->nargs || !dusk_indirect_ok(c->args[0]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DUSK_A_ARGS],
				    "indirect call target is not the start of a kernel function");
		return -EINVAL;
	}
	return 0;
}

/* Answer a CALL: RET, and TEXT for a PRINTK stub. */
static int dusk_call_reply(struct genl_info *info, const struct dusk_call *c)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE + DUSK_MAX_TEXT, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dusk_family, 0, DUSK_CMD_CALL);
	if (!hdr || nla_put_u64_64bit(msg, DUSK_A_RET, c->ret, DUSK_A_PAD) ||
	    (c->text && nla_put_string(msg, DUSK_A_TEXT, c->text))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * CALL: [CHUNK...] STUB ARGS [CTX]; answer RET [TEXT].
 */
int dusk_nl_call(struct sk_buff *skb, struct genl_info *info)
{
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

	if (info->attrs[DUSK_A_CTX]) {
		init_completion(&c->done);
		err = dusk_waiter_post(nla_get_u64(info->attrs[DUSK_A_CTX]), c);
		if (err == -ESRCH)
			NL_SET_ERR_MSG(info->extack, "CTX names no waiting upcall");
		if (err == 1) {	/* not a blocked caller: run it here */
			dusk_call_exec(c);
			err = 0;
		} else if (!err) {
			wait_for_completion(&c->done);
		}
	} else {
		dusk_call_exec(c);
	}
	if (!err)
		err = c->err;
	if (!err)
		err = dusk_call_reply(info, c);
out:
	kfree(c->text);
	kfree(c);
	return err;
}
