// SPDX-License-Identifier: GPL-2.0
/*
 * kgenl — a generic netlink family (doit, dumpit, a multicast group),
 * exercised on load through a kernel NETLINK_GENERIC socket.
 *
 *   insmod kgenl.ko        logs the replies of an echo request and a dump
 *
 * The dumpit fills the sk_buff netlink allocated for the dump: in the user
 * build the packet and its data area are lent to it (genlmsg_end() writes
 * the message header there; before, that write was refused and the program
 * stopped).
 *
 * In the user build genl_register_family() and genl_unregister_family()
 * are kernel calls made from the program's own generic netlink request,
 * which holds genetlink's cb_lock for reading; they take it for writing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/netlink.h>
#include <net/genetlink.h>
#include <net/sock.h>

enum { KGENL_A_UNSPEC, KGENL_A_MSG, KGENL_A_NUM, __KGENL_A_MAX };
#define KGENL_A_MAX (__KGENL_A_MAX - 1)
enum { KGENL_C_UNSPEC, KGENL_C_ECHO, KGENL_C_LIST };

static struct genl_family kgenl_family;
static int echoes, dumps;

static const struct nla_policy kgenl_policy[KGENL_A_MAX + 1] = {
	[KGENL_A_MSG] = { .type = NLA_NUL_STRING, .len = 64 },
	[KGENL_A_NUM] = { .type = NLA_U32 },
};

static int kgenl_echo(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	const char *s = info->attrs[KGENL_A_MSG] ? nla_data(info->attrs[KGENL_A_MSG]) : "(none)";

	echoes++;
	pr_info("echo request \"%s\" seq %u\n", s, info->snd_seq);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kgenl_family, 0, KGENL_C_ECHO);
	if (!hdr || nla_put_string(msg, KGENL_A_MSG, s)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int kgenl_list(struct sk_buff *skb, struct netlink_callback *cb)
{
	int i = cb->args[0];
	void *hdr;

	dumps++;
	for (; i < 3; i++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &kgenl_family, NLM_F_MULTI, KGENL_C_LIST);
		if (!hdr)
			break;
		if (nla_put_u32(skb, KGENL_A_NUM, i * 10)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	return skb->len;
}

static const struct genl_small_ops kgenl_ops[] = {
	{ .cmd = KGENL_C_ECHO, .doit = kgenl_echo, .validate = GENL_DONT_VALIDATE_STRICT },
	{ .cmd = KGENL_C_LIST, .dumpit = kgenl_list },
};

static const struct genl_multicast_group kgenl_mcgrps[] = { { .name = "kgenl_events" } };

static struct genl_family kgenl_family = {
	.name = "KGENL",
	.version = 1,
	.resv_start_op = KGENL_C_LIST + 1,
	.maxattr = KGENL_A_MAX,
	.policy = kgenl_policy,
	.module = THIS_MODULE,
	.small_ops = kgenl_ops,
	.n_small_ops = ARRAY_SIZE(kgenl_ops),
	.mcgrps = kgenl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kgenl_mcgrps),
};

/* Log a reply's KGENL_A_NUM, when it has one. */
static void log_num(const struct nlmsghdr *nlh)
{
	struct nlattr *a = nlmsg_find_attr(nlh, GENL_HDRLEN, KGENL_A_NUM);

	if (a)
		pr_info("reply num %u\n", nla_get_u32(a));
}

/* Send one request on a kernel socket; print the replies' types. */
static int self_request(u8 cmd, u16 flags)
{
	struct socket *sock;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msghdr mh = {};
	struct kvec iov;
	char *buf;
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret, len, n = 0;

	ret = sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC, &sock);
	if (ret)
		return ret;
	ret = kernel_bind(sock, (struct sockaddr *)&sa, sizeof(sa));
	if (ret)
		goto out;
	buf = kzalloc(4096, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	nlh = (struct nlmsghdr *)buf;
	nlh->nlmsg_type = kgenl_family.id;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = 42 + cmd;
	g = nlmsg_data(nlh);
	g->cmd = cmd;
	g->version = 1;
	len = NLMSG_HDRLEN + GENL_HDRLEN;
	if (cmd == KGENL_C_ECHO) {
		struct nlattr *a = (struct nlattr *)(buf + len);

		a->nla_type = KGENL_A_MSG;
		a->nla_len = nla_attr_size(6);
		memcpy(nla_data(a), "hello", 6);
		len += nla_total_size(6);
	}
	nlh->nlmsg_len = len;
	iov.iov_base = buf;
	iov.iov_len = len;
	ret = kernel_sendmsg(sock, &mh, &iov, 1, len);
	pr_info("cmd %u sent %d\n", cmd, ret);
	if (ret < 0)
		goto free;
	for (;;) {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = 4096;
		ret = kernel_recvmsg(sock, &mh, &iov, 1, 4096, MSG_DONTWAIT);
		if (ret <= 0)
			break;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, ret); nlh = nlmsg_next(nlh, &ret)) {
			n++;
			if (nlh->nlmsg_type == kgenl_family.id)
				log_num(nlh);
			pr_info("reply type %s len %u\n",
				nlh->nlmsg_type == NLMSG_DONE ? "DONE" :
				nlh->nlmsg_type == NLMSG_ERROR ? "ERROR" :
				nlh->nlmsg_type == kgenl_family.id ? "family" : "other",
				nlh->nlmsg_len);
			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
				goto done;
		}
	}
done:
	ret = n;
free:
	kfree(buf);
out:
	sock_release(sock);
	return ret;
}

static int __init kgenl_init(void)
{
	struct sk_buff *msg;
	void *hdr;
	int ret = genl_register_family(&kgenl_family);

	if (ret)
		return ret;
	pr_info("family %s registered, id assigned: %s\n", kgenl_family.name,
		kgenl_family.id >= GENL_MIN_ID ? "yes" : "no");
	pr_info("echo: %d replies\n", self_request(KGENL_C_ECHO, NLM_F_ACK));
	pr_info("dump: %d replies\n", self_request(KGENL_C_LIST, NLM_F_DUMP));
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (msg) {
		hdr = genlmsg_put(msg, 0, 0, &kgenl_family, 0, KGENL_C_ECHO);
		nla_put_u32(msg, KGENL_A_NUM, 7);
		genlmsg_end(msg, hdr);
		ret = genlmsg_multicast(&kgenl_family, msg, 0, 0, GFP_KERNEL);
		pr_info("multicast without listeners: %d\n", ret);
	}
	return 0;
}

static void __exit kgenl_exit(void)
{
	genl_unregister_family(&kgenl_family);
	pr_info("echoes %d dumps %d\n", echoes, dumps);
}

module_init(kgenl_init);
module_exit(kgenl_exit);
MODULE_LICENSE("GPL");
