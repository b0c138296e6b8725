// SPDX-License-Identifier: GPL-2.0
/* Golden: a callback that takes a kernel struct by value (nf_sockopt_ops
 * .set's sockptr_t): the kmod's proxy passes the address of its copy, the
 * program's trampoline reads it through the shadow (before: neither
 * compiled, "conversion to non-scalar type requested"). */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/sockptr.h>

static int last;

static int pb_set(struct sock *sk, int optval, sockptr_t arg, unsigned int len)
{
	int v;

	if (len != sizeof(v) || copy_from_sockptr(&v, arg, sizeof(v)))
		return -EINVAL;
	last = v;
	return 0;
}

static struct nf_sockopt_ops pb_ops = {
	.pf = PF_INET,
	.set_optmin = 3900,
	.set_optmax = 3901,
	.set = pb_set,
	.owner = THIS_MODULE,
};

static int __init pb_init(void)
{
	return nf_register_sockopt(&pb_ops);
}

static void __exit pb_exit(void)
{
	nf_unregister_sockopt(&pb_ops);
}

module_init(pb_init);
module_exit(pb_exit);
MODULE_LICENSE("GPL");
