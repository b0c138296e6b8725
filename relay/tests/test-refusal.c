/* SPDX-License-Identifier: MIT */
/*
 * dusk-relay's filter (refusal.c): whole plain requests of the module's
 * family pass, alone or several to a datagram; anything else, and a
 * request naming memory of the sending process for its answer, does not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <dusk/protocol.h>
#include "relay-proto.h"

#define FAMILY 0x1234

static char buf[512] __attribute__((aligned(NLMSG_ALIGNTO)));

/* Append a request of @family with one u64 attribute @type at @off;
 * returns the offset after it. */
static size_t put_request(size_t off, uint16_t family, uint16_t flags, int type)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(buf + off);
	struct genlmsghdr *g = NLMSG_DATA(nlh);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	uint64_t v = 0x7fff00001000ull;

	memset(nlh, 0, NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN + sizeof(v));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	g->cmd = DUSK_CMD_CALL;
	a->nla_type = (uint16_t)type;
	a->nla_len = NLA_HDRLEN + sizeof(v);
	memcpy((char *)a + NLA_HDRLEN, &v, sizeof(v));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_HDRLEN + sizeof(v);
	return off + NLMSG_ALIGN(nlh->nlmsg_len);
}

static void plain_requests_pass(void **state)
{
	size_t n;

	(void)state;
	n = put_request(0, FAMILY, NLM_F_REQUEST, DUSK_A_CTX);
	assert_null(dusk_relay_refusal(buf, n, FAMILY));
	n = put_request(n, FAMILY, NLM_F_REQUEST | NLM_F_ACK, DUSK_A_RET);
	assert_null(dusk_relay_refusal(buf, n, FAMILY));
}

static void others_are_refused(void **state)
{
	size_t n;

	(void)state;
	assert_non_null(dusk_relay_refusal(buf, 0, FAMILY));
	n = put_request(0, GENL_ID_CTRL, NLM_F_REQUEST, DUSK_A_CTX);
	assert_non_null(strstr(dusk_relay_refusal(buf, n, FAMILY), "another netlink family"));
	n = put_request(0, FAMILY, NLM_F_REQUEST | NLM_F_DUMP, DUSK_A_CTX);
	assert_non_null(strstr(dusk_relay_refusal(buf, n, FAMILY), "not a plain request"));
	n = put_request(0, FAMILY, NLM_F_REQUEST, DUSK_A_CTX);
	assert_non_null(strstr(dusk_relay_refusal(buf, n - 4, FAMILY), "malformed"));
}

/* The relay is the sender the kmod sees: an answer address would be the
 * relay's memory, chosen by the client. */
static void answer_address_is_refused(void **state)
{
	size_t n;

	(void)state;
	n = put_request(0, FAMILY, NLM_F_REQUEST, DUSK_A_ANSWER_AT);
	assert_non_null(strstr(dusk_relay_refusal(buf, n, FAMILY), "ANSWER_AT"));
	/* also behind a harmless request in the same datagram */
	n = put_request(0, FAMILY, NLM_F_REQUEST, DUSK_A_CTX);
	n = put_request(n, FAMILY, NLM_F_REQUEST, DUSK_A_ANSWER_AT);
	assert_non_null(strstr(dusk_relay_refusal(buf, n, FAMILY), "ANSWER_AT"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_requests_pass),
		cmocka_unit_test(others_are_refused),
		cmocka_unit_test(answer_address_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
