// SPDX-License-Identifier: GPL-2.0
/*
 * ksockopt: a firewall's control channel (nf_register_sockopt), driven on
 * load through a kernel socket's setsockopt() with KERNEL_SOCKPTR() of a
 * rule on the stack.  The .set handler takes the sockptr_t by value.
 *
 * Found by a probe (docs/COVERAGE.md, fifth round): the handler's proxy
 * and trampoline did not compile (a struct by value), and then the
 * program's own KERNEL_SOCKPTR(&rule) was refused: sockptr_t's union of a
 * kernel and a __user pointer held an own address, and which member was
 * live was unknown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/net.h>
#include <linux/in.h>
#include <net/sock.h>

#define KSO_BASE 3950

struct krule {
	__be32 addr;
	u16 port;
	u8 action;
};

static struct krule rules[4];
static int nrules;

static int kso_set(struct sock *sk, int optval, sockptr_t arg, unsigned int len)
{
	struct krule r;

	if (optval != KSO_BASE || len != sizeof(r))
		return -EINVAL;
	if (copy_from_sockptr(&r, arg, sizeof(r)))
		return -EFAULT;
	if (nrules >= ARRAY_SIZE(rules))
		return -ENOSPC;
	rules[nrules++] = r;
	pr_info("rule %pI4:%u action %u, from the kernel: %d\n", &r.addr, r.port, r.action,
		sockptr_is_kernel(arg));
	return 0;
}

static struct nf_sockopt_ops kso_ops = {
	.pf = PF_INET,
	.set_optmin = KSO_BASE,
	.set_optmax = KSO_BASE + 1,
	.set = kso_set,
	.owner = THIS_MODULE,
};

static int __init ksockopt_init(void)
{
	struct krule r = { .addr = htonl(0x7f000001), .port = 8080, .action = 1 };
	struct socket *sock;
	int err = nf_register_sockopt(&kso_ops);

	if (err)
		return err;
	err = sock_create_kern(&init_net, PF_INET, SOCK_RAW, IPPROTO_RAW, &sock);
	if (err) {
		nf_unregister_sockopt(&kso_ops);
		return err;
	}
	err = sock->ops->setsockopt(sock, SOL_IP, KSO_BASE, KERNEL_SOCKPTR(&r), sizeof(r));
	pr_info("setsockopt: %d, rules %d\n", err, nrules);
	r.port = 53;
	r.action = 2;
	err = sock->ops->setsockopt(sock, SOL_IP, KSO_BASE, KERNEL_SOCKPTR(&r), sizeof(r));
	pr_info("setsockopt: %d, rules %d\n", err, nrules);
	err = sock->ops->setsockopt(sock, SOL_IP, KSO_BASE, KERNEL_SOCKPTR(&r), 2);
	pr_info("short setsockopt: %d\n", err);
	sock_release(sock);
	return 0;
}

static void __exit ksockopt_exit(void)
{
	nf_unregister_sockopt(&kso_ops);
	pr_info("exit: rules %d\n", nrules);
}

module_init(ksockopt_init);
module_exit(ksockopt_exit);
MODULE_LICENSE("GPL");
