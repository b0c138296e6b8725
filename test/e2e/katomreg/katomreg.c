// katomreg: two registrations whose callbacks the kernel calls where a
// user build cannot answer: per-CPU hotplug threads (thread_should_run()
// with preemption off, a __percpu store of the module's) and a Netfilter
// logger (logfn under rcu_read_lock(), on a packet freed when it
// returns).  The user build's registrations are refused; the kernel
// build's succeed.
#include <linux/module.h>
#include <linux/smpboot.h>
#include <linux/percpu.h>
#include <linux/netfilter.h>
#include <net/netfilter/nf_log.h>

static DEFINE_PER_CPU(struct task_struct *, katomreg_task);
static DEFINE_PER_CPU(unsigned int, pending);

static int should_run(unsigned int cpu)
{
	return per_cpu(pending, cpu) != 0;
}

static void thread_fn(unsigned int cpu)
{
	per_cpu(pending, cpu) = 0;
}

static struct smp_hotplug_thread threads = {
	.store = &katomreg_task,
	.thread_should_run = should_run,
	.thread_fn = thread_fn,
	.thread_comm = "katomreg/%u",
};

static void logfn(struct net *net, u_int8_t pf, unsigned int hooknum,
		  const struct sk_buff *skb, const struct net_device *in,
		  const struct net_device *out, const struct nf_loginfo *li,
		  const char *prefix)
{
	pr_info("%skatomreg: packet of %u bytes\n", prefix, skb->len);
}

static struct nf_logger logger = {
	.name = "katomreg", .type = NF_LOG_TYPE_LOG, .logfn = logfn, .me = THIS_MODULE,
};

static int __init katomreg_init(void)
{
	int lerr = nf_log_register(NFPROTO_IPV4, &logger);
	int terr;

	pr_info("katomreg: logger: %d\n", lerr);
	terr = smpboot_register_percpu_thread(&threads);
	pr_info("katomreg: threads: %d\n", terr);
	if (!lerr && !terr)
		return 0;
	if (!lerr)
		nf_log_unregister(&logger);
	if (!terr)
		smpboot_unregister_percpu_thread(&threads);
	return lerr ?: terr;
}

static void __exit katomreg_exit(void)
{
	smpboot_unregister_percpu_thread(&threads);
	nf_log_unregister(&logger);
}

module_init(katomreg_init);
module_exit(katomreg_exit);
MODULE_LICENSE("GPL");
