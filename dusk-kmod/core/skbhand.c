// SPDX-License-Identifier: GPL-2.0
/*
 * Packets handed over to the program: packet_type handlers (dev_add_pack)
 * and network drivers' ndo_start_xmit.
 *
 * A packet_type handler runs in the receive softirq with a reference to
 * the packet that is its own: it must free it (kfree_skb()/consume_skb()),
 * and the stack does not use what it returns.  Its proxy therefore hands
 * the packet over instead of waiting: it returns NET_RX_SUCCESS at once
 * and an ordered work item makes the sk_buff the session's, as one the
 * module allocated (a DUSK_REGION_SKB region: the program may write it,
 * its kfree_skb() gives it back, teardown frees it if the program never
 * does), then raises the async upcall that runs the module's handler.
 * Making it owned needs dusk_sess.lock, a mutex: hence the work item.
 *
 * A packet that cannot be handed over (no session, too many in flight,
 * no memory, the upcall not sent) is freed here, as a handler that drops
 * it would: counted in DUSK_STAT_QUEUE_FULL.  Without this the handler's
 * blocking proxy answered -EWOULDBLOCK in softirq context without running
 * it, and every packet's reference leaked.
 *
 * ndo_start_xmit runs with bottom halves off and the transmit queue's lock
 * held; after NETDEV_TX_OK the packet is the driver's to free when it is
 * sent, as a real device's completion does later.  Its proxy is the same:
 * NET_RX_SUCCESS is NETDEV_TX_OK, NET_RX_DROP is NET_XMIT_DROP (the packet
 * consumed, counted as dropped by the caller).  Before, the stack took the
 * blocking proxy's -EWOULDBLOCK for "sent": the driver never saw the
 * packet and it leaked.  The program transmits in order, later than the
 * kernel build would; a driver that answers NETDEV_TX_BUSY (asking for the
 * packet again) cannot be served, as the packet is the program's by then.
 *
 * A UDP tunnel's encap_rcv (setup_udp_tunnel_sock(), or udp_sk(sk)->
 * encap_rcv set directly) is called by udp_queue_rcv_one_skb() in the
 * receive softirq with (sk, skb): an answer of 0 means the handler took
 * the packet, > 0 that UDP delivers it to the socket after all, < 0 that
 * IP resubmits it as protocol -answer.  Its blocking proxy's -EWOULDBLOCK
 * made UDP resubmit every packet as protocol 11 without running the
 * handler.  Now the packet is handed over as above, its route taken first
 * (the receive path holds it by RCU alone, and the program reads it
 * later), and the proxy answers 0 also when the packet was freed here:
 * any other answer would make the kernel use a packet that is no longer
 * its own.  The handler runs later than in the kernel build, and its own
 * answer cannot be honoured: a packet it gives back (> 0: to UDP, < 0: to
 * IP) is freed when its answer comes, as the socket's receive queue or
 * the protocol it names would eventually have freed it, instead of
 * staying the session's until teardown.
 *
 * In the kernel build the handler runs inside the softirq that called it,
 * where the devices it is passed (and skb->dev) and a tunnel's socket are
 * alive by RCU or the caller's reference; in the program it runs later,
 * when the kernel may have unregistered the device or released the socket
 * and freed them: the handler, and the kernel functions it calls with them,
 * would use freed memory.  So the handover pins them (struct dusk_pins: a
 * device reference each, the socket's unless its last one is already
 * gone, when the packet is dropped as the socket's would be) until the
 * program answers or the session ends; expiry does not end such an upcall
 * (pending.c).  A device unregistered meanwhile waits for it, as for any
 * holder, outside RTNL (netdev_run_todo()): the handler runs on the
 * device it was given.
 */
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <linux/workqueue.h>
#include <net/dst.h>
#include <net/sock.h>
#include "dusk-core.h"

struct dusk_skb_handover {
	struct work_struct work;
	u32 proxy;
	u32 nargs;
	u32 skbarg;		/* which of args is the sk_buff */
	bool give_back;		/* a non-zero answer gives it back */
	struct dusk_pins pins;
	u64 args[DUSK_MAX_ARGS];
};

static struct workqueue_struct *dusk_skbh_wq;
static atomic_t dusk_skbh_inflight = ATOMIC_INIT(0);

/* Hold @dev in @pins unless it is there already.  Called where the kernel
 * guarantees @dev alive (the handler's softirq). */
static void dusk_pins_dev(struct dusk_pins *pins, struct net_device *dev)
{
	int i;

	for (i = 0; i < DUSK_PIN_DEVS && pins->dev[i] != dev; i++) {
		if (!pins->dev[i]) {
			dev_hold(dev);
			pins->dev[i] = dev;
			return;
		}
	}
}

/**
 * dusk_pins_drop() - release what a handed-over packet's handler held.
 * Context: any.
 */
void dusk_pins_drop(const struct dusk_pins *pins)
{
	int i;

	for (i = 0; i < DUSK_PIN_DEVS && pins->dev[i]; i++)
		dev_put(pins->dev[i]);
	if (pins->sk)
		sock_put(pins->sk);
}

/* Take @skb back from the session, if it still has it (teardown may have
 * freed it meanwhile): true when the caller is now to free it.  Process
 * context, no dusk lock held. */
static bool dusk_skbh_reclaim(struct sk_buff *skb)
{
	bool owned;

	mutex_lock(&dusk_sess.lock);
	owned = dusk_region_owns_skb(skb);
	if (owned)
		dusk_region_forget(skb);
	mutex_unlock(&dusk_sess.lock);
	return owned;
}

/* Make the packet the session's and run the handler.  Process context. */
static void dusk_skbh_work(struct work_struct *work)
{
	struct dusk_skb_handover *h = container_of(work, struct dusk_skb_handover, work);
	struct sk_buff *skb = (struct sk_buff *)(uintptr_t)h->args[h->skbarg];
	bool owned = false;

	mutex_lock(&dusk_sess.lock);
	if (dusk_sess.bound && READ_ONCE(dusk_sess.alive) &&
	    dusk_region_room(sizeof(*skb)))
		owned = !dusk_region_add(skb, sizeof(*skb), DUSK_REGION_SKB);
	mutex_unlock(&dusk_sess.lock);
	if (owned && dusk_upcall_async_skb(h->proxy, h->args, h->nargs,
					   h->give_back ? skb : NULL, &h->pins)) {
		/* Not sent (its pins dropped). */
		if (dusk_skbh_reclaim(skb))
			kfree_skb(skb);
	} else if (!owned) {
		dusk_count(DUSK_STAT_QUEUE_FULL, 1);
		kfree_skb(skb);
		dusk_pins_drop(&h->pins);
	}
	atomic_dec(&dusk_skbh_inflight);
	kfree(h);
}

/*
 * Hand the packet, argument @skbarg of @args, over; see below.  @devs: a
 * bit for each argument that is a struct net_device *; @sk: a socket the
 * handler is passed, or NULL.  Both are pinned with skb->dev.
 */
static int dusk_skb_handover(u32 proxy, const u64 *args, u32 nargs, u32 skbarg,
			     u32 devs, struct sock *sk, bool give_back)
{
	struct sk_buff *skb;
	struct dusk_skb_handover *h;
	u32 i;

	if (WARN_ON_ONCE(skbarg >= nargs))
		return NET_RX_DROP;
	skb = (struct sk_buff *)(uintptr_t)args[skbarg];
	if (WARN_ON_ONCE(proxy >= dusk_gen.nproxies || nargs > DUSK_MAX_ARGS ||
			 hweight32(devs) >= DUSK_PIN_DEVS || devs >> nargs))
		goto drop;
	if (!READ_ONCE(dusk_sess.alive))
		goto drop;
	if (atomic_inc_return(&dusk_skbh_inflight) > READ_ONCE(dusk_queue_max))
		goto drop_counted;
	h = kmalloc(sizeof(*h), GFP_ATOMIC);
	if (!h)
		goto drop_counted;
	/* a socket on its way out: its packets go with it */
	if (sk && !refcount_inc_not_zero(&sk->sk_refcnt)) {
		kfree(h);
		goto drop_counted;
	}
	h->pins = (struct dusk_pins){ .sk = sk };
	if (skb->dev)
		dusk_pins_dev(&h->pins, skb->dev);
	for (i = 0; i < nargs; i++)
		if ((devs & BIT(i)) && args[i])
			dusk_pins_dev(&h->pins, (struct net_device *)(uintptr_t)args[i]);
	INIT_WORK(&h->work, dusk_skbh_work);
	h->proxy = proxy;
	h->nargs = nargs;
	h->skbarg = skbarg;
	h->give_back = give_back;
	memcpy(h->args, args, nargs * sizeof(*args));
	queue_work(dusk_skbh_wq, &h->work);
	return NET_RX_SUCCESS;

drop_counted:
	atomic_dec(&dusk_skbh_inflight);
drop:
	dusk_count(DUSK_STAT_QUEUE_FULL, 1);
	kfree_skb(skb);
	return NET_RX_DROP;
}

/**
 * dusk_upcall_skb_handover() - the body of a packet_type handler's proxy
 * and of an ndo_start_xmit's.
 * @proxy: index into dusk_gen.proxies.
 * @args: the handler's arguments, the sk_buff first.
 * @nargs: how many.
 * @devs: a bit for each of them that is a struct net_device *.
 *
 * Context: the receive softirq (or any but hardirq); never waits.
 * Return: NET_RX_SUCCESS when the packet was handed over, NET_RX_DROP
 * when it was freed here.
 */
int dusk_upcall_skb_handover(u32 proxy, const u64 *args, u32 nargs, u32 devs)
{
	if (WARN_ON_ONCE(!nargs))
		return NET_RX_DROP;
	return dusk_skb_handover(proxy, args, nargs, 0, devs, NULL, false);
}

/**
 * dusk_udp_encap_rcv() - the body of a UDP tunnel's encap_rcv proxy.
 * @proxy: index into dusk_gen.proxies.
 * @args: (struct sock *sk, struct sk_buff *skb).
 * @self: the proxy itself, which the kernel called.
 *
 * The signature, int (struct sock *, struct sk_buff *), is not the
 * callback's alone (a socket's backlog_rcv has it too): the packet is
 * handed over only when @sk is a UDP socket whose encap_rcv is @self, as
 * udp_queue_rcv_one_skb() calls it.  The caller then answers 0: the
 * packet is the program's, or was freed here.
 *
 * Context: the receive softirq (or any but hardirq); never waits.
 * Return: true when handled so, false when the proxy must serve the call
 * as a blocking one.
 */
bool dusk_udp_encap_rcv(u32 proxy, const u64 *args, void *self)
{
	struct sock *sk = (struct sock *)(uintptr_t)args[0];
	struct sk_buff *skb = (struct sk_buff *)(uintptr_t)args[1];

	if (!sk || !skb || sk->sk_type != SOCK_DGRAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) ||
	    (sk->sk_protocol != IPPROTO_UDP && sk->sk_protocol != IPPROTO_UDPLITE) ||
	    (void *)READ_ONCE(udp_sk(sk)->encap_rcv) != self)
		return false;
	skb_dst_force(skb);
	dusk_skb_handover(proxy, args, 2, 1, 0, sk, true);
	return true;
}

/**
 * dusk_skbh_given_back() - a UDP tunnel's encap_rcv answered non-zero:
 * the packet it was handed is not its own (UDP would have queued it on
 * the socket, IP resubmitted it).  Free it if the module still has it.
 * Context: process, no dusk lock held.
 */
void dusk_skbh_given_back(struct sk_buff *skb)
{
	if (dusk_skbh_reclaim(skb))
		consume_skb(skb);
}

/**
 * dusk_skbh_flush() - wait until the packets handed over so far are the
 * program's upcalls (or were freed).
 * Context: process, no dusk lock held.
 */
void dusk_skbh_flush(void)
{
	if (dusk_skbh_wq)	/* a session ended before the module was all up */
		flush_workqueue(dusk_skbh_wq);
}

int dusk_skbh_init(void)
{
	/* ordered: the program sees the packets in the order they came */
	dusk_skbh_wq = alloc_ordered_workqueue("dusk_skbh", 0);
	return dusk_skbh_wq ? 0 : -ENOMEM;
}

/* Module exit, after the session ended: the packets still on their way
 * are freed by their work items (no session). */
void dusk_skbh_exit(void)
{
	destroy_workqueue(dusk_skbh_wq);
}
