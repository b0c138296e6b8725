// SPDX-License-Identifier: GPL-2.0
/*
 * kchain: a driver's own atomic notifier chain (ATOMIC_NOTIFIER_HEAD) with
 * three subscribers at different priorities, called by the driver itself
 * on load: an event all three see, one the middle subscriber stops, one
 * it vetoes with an errno; then one subscriber taken off and freed, and
 * the chain called again.  The user build's core walks such a chain under
 * SRCU (dusk-kmod/core/notifchain.c); before, the kernel's walk under
 * rcu_read_lock() answered NOTIFY_DONE for every subscriber without
 * running one.
 */
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/slab.h>

static ATOMIC_NOTIFIER_HEAD(kchain_head);

struct kchain_client {
	struct notifier_block nb;
	const char *name;
	int seen;
};

static int kchain_event(struct notifier_block *nb, unsigned long ev, void *data)
{
	struct kchain_client *cl = container_of(nb, struct kchain_client, nb);
	int *sum = data;

	cl->seen++;
	*sum = *sum * 10 + nb->priority;
	pr_info("kchain: %s got event %lu\n", cl->name, ev);
	if (ev == 2 && nb->priority == 20)
		return NOTIFY_STOP;
	if (ev == 3 && nb->priority == 20)
		return notifier_from_errno(-EBUSY);
	return NOTIFY_OK;
}

static struct kchain_client kchain_static[2] = {
	{ .nb = { .notifier_call = kchain_event, .priority = 30 }, .name = "first" },
	{ .nb = { .notifier_call = kchain_event, .priority = 20 }, .name = "middle" },
};
static struct kchain_client *kchain_dyn;

static void kchain_fire(unsigned long ev)
{
	int sum = 0, ret = atomic_notifier_call_chain(&kchain_head, ev, &sum);

	pr_info("kchain: event %lu: answer %#x, errno %d, order %d\n", ev, ret,
		notifier_to_errno(ret), sum);
}

static int __init kchain_init(void)
{
	int i;

	kchain_dyn = kzalloc(sizeof(*kchain_dyn), GFP_KERNEL);
	if (!kchain_dyn)
		return -ENOMEM;
	kchain_dyn->nb.notifier_call = kchain_event;
	kchain_dyn->nb.priority = 10;
	kchain_dyn->name = "last";
	atomic_notifier_chain_register(&kchain_head, &kchain_dyn->nb);
	for (i = 0; i < 2; i++)
		atomic_notifier_chain_register(&kchain_head, &kchain_static[i].nb);
	for (i = 1; i <= 3; i++)
		kchain_fire(i);
	atomic_notifier_chain_unregister(&kchain_head, &kchain_dyn->nb);
	pr_info("kchain: last saw %d events\n", kchain_dyn->seen);
	kfree(kchain_dyn);
	kchain_fire(4);
	return 0;
}

static void __exit kchain_exit(void)
{
	int i;

	for (i = 0; i < 2; i++)
		atomic_notifier_chain_unregister(&kchain_head, &kchain_static[i].nb);
	pr_info("kchain: first %d middle %d, empty %d\n", kchain_static[0].seen,
		kchain_static[1].seen, !rcu_access_pointer(kchain_head.head));
}

module_init(kchain_init);
module_exit(kchain_exit);
MODULE_LICENSE("GPL");
