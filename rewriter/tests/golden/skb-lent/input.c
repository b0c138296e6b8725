// SPDX-License-Identifier: GPL-2.0
/* A blocking callback handed a packet may write it and its data area
 * (DUSK_LENT_SKB): a generic netlink dumpit fills the sk_buff netlink
 * allocated for the dump, and genlmsg_end() writes the header there. */
#include <linux/module.h>
#include <linux/skbuff.h>
#include <net/genetlink.h>

static struct genl_family sl_family;

static int sl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, 0, cb->nlh->nlmsg_seq, &sl_family, NLM_F_MULTI, 1);

	if (!hdr)
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return skb->len;
}

static const struct genl_small_ops sl_ops[] = {
	{ .cmd = 1, .dumpit = sl_dump },
};

static struct genl_family sl_family = {
	.name = "SKBLENT",
	.version = 1,
	.module = THIS_MODULE,
	.small_ops = sl_ops,
	.n_small_ops = ARRAY_SIZE(sl_ops),
	.resv_start_op = 2,
};

static int __init sl_init(void)
{
	return genl_register_family(&sl_family);
}

static void __exit sl_exit(void)
{
	genl_unregister_family(&sl_family);
}

module_init(sl_init);
module_exit(sl_exit);
MODULE_LICENSE("GPL");
