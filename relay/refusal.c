/* SPDX-License-Identifier: MIT */
/*
 * What dusk-relay puts on its netlink socket for a client: the relay runs
 * as root, so it forwards only whole, plain requests of the module's
 * family -- not a root interface to the rest of genetlink -- and none that
 * names memory of the sending process (ANSWER_AT): the sender here is the
 * relay, not the program, and the kmod would write the answer into the
 * relay at an address the client chose.
 */
#include <stddef.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <dusk/protocol.h>
#include "relay-proto.h"

const struct nlattr *dusk_relay_find_attr(const struct nlmsghdr *nlh, int type)
{
	const char *p = (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN;
	size_t left = nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	while (left >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		size_t step = NLA_ALIGN(a->nla_len);

		if (a->nla_len < NLA_HDRLEN || a->nla_len > left)
			return NULL;	/* malformed: the kmod's parser refuses it */
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return a;
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return NULL;
}

const char *dusk_relay_refusal(const char *buf, size_t len, uint16_t family)
{
	const struct nlmsghdr *nlh;
	size_t step;

	if (!len)
		return "an empty frame";
	while (len) {
		nlh = (const struct nlmsghdr *)buf;
		if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
		    nlh->nlmsg_len > len)
			return "a malformed netlink message";
		if (nlh->nlmsg_type != family)
			return "a message for another netlink family";
		if (!(nlh->nlmsg_flags & NLM_F_REQUEST) ||
		    (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
			return "a netlink message that is not a plain request";
		if (dusk_relay_find_attr(nlh, DUSK_A_ANSWER_AT))
			return "a request whose answer would go into the relay's memory (ANSWER_AT)";
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
	return NULL;
}
