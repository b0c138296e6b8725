// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel calls that cannot run inside a generic netlink request.
 *
 * The program's CALL runs in its own sendmsg(), inside genetlink's
 * genl_rcv(), which holds cb_lock for reading.  genl_register_family()
 * and genl_unregister_family() take cb_lock for writing: run there, the
 * program's thread waited on a lock it held itself, in D state for good,
 * and every later genetlink message of the whole system (nl80211,
 * ethtool, devlink, DUSK's own) queued behind that writer -- a module
 * that registers a genetlink family wedged the kernel's genetlink.
 *
 * Such a call is run by a work item instead.  The request returns -EINTR
 * (netlink_rcv_skb() then sends no ack: the work answers), the work takes
 * dusk_sess.use as a request would (teardown waits for it), runs the call,
 * and queues the CALL's answer and the ack on the session's socket, as
 * the request would have.  No task state or nested calls: neither of these
 * functions sleeps for the module's sake or calls back into it.
 */
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include "dusk-core.h"

static const char *const dusk_deferred_calls[] = {
	"genl_register_family", "genl_unregister_family",
};

struct dusk_call_deferred {
	struct work_struct work;
	struct dusk_call *c;
	struct nlmsghdr req;	/* the request's header, echoed by the ack */
	u32 portid;
};

static struct workqueue_struct *dusk_calldefer_wq;

/** dusk_call_must_defer() - must @c run outside the program's request? */
bool dusk_call_must_defer(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_deferred_calls); i++)
		if (dusk_stub_named(name, dusk_deferred_calls[i]))
			return true;
	return false;
}

bool dusk_calldefer_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_deferred_calls, );
}

/* The CALL's answer, on the session's socket. */
static int dusk_call_deferred_answer(const struct dusk_call_deferred *d)
{
	struct sk_buff *msg = dusk_call_answer(d->c, d->portid, d->req.nlmsg_seq);

	return IS_ERR(msg) ? PTR_ERR(msg) : dusk_session_deliver(msg);
}

/* The ack netlink_rcv_skb() would have sent: @err and the request's
 * header (capped: the request's arguments are not echoed). */
static void dusk_call_deferred_ack(const struct dusk_call_deferred *d, int err)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;
	struct sk_buff *msg;

	msg = nlmsg_new(sizeof(*e), GFP_KERNEL);
	if (!msg)
		return;
	nlh = nlmsg_put(msg, d->portid, d->req.nlmsg_seq, NLMSG_ERROR, sizeof(*e),
			NLM_F_CAPPED);
	if (!nlh) {
		nlmsg_free(msg);
		return;
	}
	e = nlmsg_data(nlh);
	e->error = err;
	e->msg = d->req;
	nlmsg_end(msg, nlh);
	dusk_session_deliver(msg);
}

static void dusk_call_deferred_work(struct work_struct *work)
{
	struct dusk_call_deferred *d = container_of(work, struct dusk_call_deferred, work);
	int err;

	down_read(&dusk_sess.use);
	if (!READ_ONCE(dusk_sess.bound) || dusk_sess.portid != d->portid) {
		err = -ENOTCONN;	/* the program is gone: nothing was run */
	} else {
		dusk_call_exec(d->c);
		err = d->c->err;
		if (!err)
			err = dusk_call_deferred_answer(d);
	}
	if (err != -ENOTCONN)
		dusk_call_deferred_ack(d, err);
	up_read(&dusk_sess.use);
	dusk_call_free(d->c);
	kfree(d);
}

/**
 * dusk_call_defer() - run CALL @c of request @info in a work item.
 * Ownership of @c moves to the work, which answers the request.
 * Context: the program's request (holds dusk_sess.use).
 * Return: -EINTR (the request is answered later, netlink sends no ack),
 * or -ENOMEM with @c still the caller's.
 */
int dusk_call_defer(struct genl_info *info, struct dusk_call *c)
{
	struct dusk_call_deferred *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	INIT_WORK(&d->work, dusk_call_deferred_work);
	d->c = c;
	d->req = *info->nlhdr;
	d->portid = info->snd_portid;
	queue_work(dusk_calldefer_wq, &d->work);
	return -EINTR;
}

int dusk_calldefer_init(void)
{
	/* ordered: the program's deferred calls run in the order it made them */
	dusk_calldefer_wq = alloc_ordered_workqueue("dusk_calldefer", 0);
	return dusk_calldefer_wq ? 0 : -ENOMEM;
}

/* Module exit, after the session ended: runs what is left (nothing is
 * run for a dead session). */
void dusk_calldefer_exit(void)
{
	destroy_workqueue(dusk_calldefer_wq);
}
