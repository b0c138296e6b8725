// kfiblink: a FIB notifier as switch drivers write one and a link type
// made from user space, the two networking registrations of probe round
// p64 that a dead program left behind.  The notifier (called under RCU:
// run late, on a copy of the entry info at its caller's stack address)
// reads the entry's fields after a kernel call, as a driver allocating
// its work item does, and a work item logs the IPv4 routes in
// 10.65.0.0/16.  The link type (rtnl_link_ops: newlink, dellink,
// fill_info) makes devices "ip link add NAME type kfiblink".
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/fib_notifier.h>
#include <net/ip_fib.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>

struct kfl_ev {
	struct work_struct work;
	unsigned long event;
	u32 dst, tb_id, prio;
	int dst_len;
};

static struct workqueue_struct *kfl_wq;
static atomic_t kfl_events;

static void kfl_ev_work(struct work_struct *work)
{
	struct kfl_ev *ev = container_of(work, struct kfl_ev, work);

	pr_info("kfiblink: %s %pI4h/%d table %u prio %u\n",
		ev->event == FIB_EVENT_ENTRY_REPLACE ? "replace" : "del", &ev->dst, ev->dst_len,
		ev->tb_id, ev->prio);
	kfree(ev);
}

static int kfl_fib_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct fib_notifier_info *info = ptr;
	struct fib_entry_notifier_info *fen;
	struct kfl_ev *ev;

	if (info->family != AF_INET ||
	    (event != FIB_EVENT_ENTRY_REPLACE && event != FIB_EVENT_ENTRY_DEL))
		return NOTIFY_DONE;
	fen = container_of(info, struct fib_entry_notifier_info, info);
	if ((fen->dst & 0xffff0000) != 0x0a410000)
		return NOTIFY_DONE;
	ev = kzalloc(sizeof(*ev), GFP_ATOMIC);
	if (!ev)
		return NOTIFY_BAD;
	/* read after a kernel call: the info as it was at the event */
	INIT_WORK(&ev->work, kfl_ev_work);
	ev->event = event;
	ev->dst = fen->dst;
	ev->dst_len = fen->dst_len;
	ev->tb_id = fen->tb_id;
	ev->prio = fen->fi->fib_priority;
	atomic_inc(&kfl_events);
	queue_work(kfl_wq, &ev->work);
	return NOTIFY_DONE;
}

static struct notifier_block kfl_nb = { .notifier_call = kfl_fib_event };

static netdev_tx_t kfl_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops kfl_ops = { .ndo_start_xmit = kfl_xmit };

static void kfl_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &kfl_ops;
	dev->needs_free_netdev = true;
	dev->flags |= IFF_NOARP;
}

static int kfl_newlink(struct net *src_net, struct net_device *dev, struct nlattr *tb[],
		       struct nlattr *data[], struct netlink_ext_ack *extack)
{
	static const u8 addr[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x65, 0x00, 0x01 };
	int err;

	eth_hw_addr_set(dev, addr);
	err = register_netdevice(dev);
	pr_info("kfiblink: newlink %s: %d\n", dev->name, err);
	return err;
}

static void kfl_dellink(struct net_device *dev, struct list_head *head)
{
	pr_info("kfiblink: dellink %s\n", dev->name);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops kfl_link_ops = {
	.kind = "kfiblink",
	.setup = kfl_setup,
	.newlink = kfl_newlink,
	.dellink = kfl_dellink,
};

static int kfl_show(struct seq_file *m, void *v)
{
	flush_workqueue(kfl_wq);
	seq_printf(m, "events %d\n", atomic_read(&kfl_events));
	return 0;
}

static int __init kfl_init(void)
{
	int err;

	kfl_wq = alloc_ordered_workqueue("kfiblink", 0);
	if (!kfl_wq)
		return -ENOMEM;
	err = register_fib_notifier(&init_net, &kfl_nb, NULL, NULL);
	if (err)
		goto wq;
	err = rtnl_link_register(&kfl_link_ops);
	if (err)
		goto fib;
	if (!proc_create_single("kfiblink", 0444, NULL, kfl_show)) {
		err = -ENOMEM;
		goto link;
	}
	return 0;
link:
	rtnl_link_unregister(&kfl_link_ops);
fib:
	unregister_fib_notifier(&init_net, &kfl_nb);
wq:
	destroy_workqueue(kfl_wq);
	return err;
}

static void __exit kfl_exit(void)
{
	remove_proc_entry("kfiblink", NULL);
	rtnl_link_unregister(&kfl_link_ops);
	unregister_fib_notifier(&init_net, &kfl_nb);
	destroy_workqueue(kfl_wq);
}

module_init(kfl_init);
module_exit(kfl_exit);
MODULE_LICENSE("GPL");
