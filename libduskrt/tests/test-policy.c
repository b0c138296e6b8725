/* SPDX-License-Identifier: MIT */
/*
 * One attribute table (DUSK_ATTRS, protocol.h) for both ends: the
 * simulated kernel refuses the requests the kmod's nla_policy refuses
 * (an attribute only the kernel sends, PAD, a nest without NLA_F_NESTED,
 * a nest member at the top, a name one byte too long, an initial CHUNK
 * beyond its mirror) and takes the ones it takes; the runtime's parser
 * refuses, in a kernel message, what only a request may carry.
 * dusk-kmod's kclient checks the same cases against the real kmod
 * (kmod-basic).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "msg.h"
#include "sim-kernel.h"

struct fixture {
	struct dusk_sim *sim;
	struct dusk_transport *tr;
	char ans[DUSK_MSG_CAP];
	struct dusk_msg m;
};

static struct fixture fx;

/* Start a request of @cmd in fx.m. */
static struct nlmsghdr *req(uint8_t cmd)
{
	assert_int_equal(dusk_msg_init(&fx.m, fx.tr->family, cmd, NLM_F_ACK), 0);
	return fx.m.nlh;
}

/* Send fx.m; 0 when the sim answered it, else the errno it refused it with. */
static int xact(void)
{
	void *bufs[1] = { fx.ans };
	size_t len = 0;
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)fx.ans;
	char why[128];
	uint32_t off;

	assert_int_equal(fx.tr->ops->send(fx.tr, fx.m.buf, fx.m.nlh->nlmsg_len), 0);
	dusk_msg_fini(&fx.m);
	assert_int_equal(fx.tr->ops->recv_ready(fx.tr, bufs, sizeof(fx.ans), &len, 1), 1);
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return dusk_msg_error(nlh, why, sizeof(why), &off);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	fx.sim = dusk_sim_new();
	assert_non_null(fx.sim);
	fx.tr = dusk_sim_transport(fx.sim);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dusk_sim_free(fx.sim);
	return 0;
}

/* HELLO as the sim expects it (its defaults), binding the session. */
static void hello(void)
{
	struct nlmsghdr *nlh = req(DUSK_CMD_HELLO);

	mnl_attr_put_u32(nlh, DUSK_A_VERSION, DUSK_PROTO_VERSION);
	mnl_attr_put_u64(nlh, DUSK_A_LAYOUT_HASH, 0);
	mnl_attr_put_u64(nlh, DUSK_A_STUB_HASH, 0);
	mnl_attr_put_strz(nlh, DUSK_A_MODNAME, "sim");
	assert_int_equal(xact(), 0);
}

static void kernel_attribute_in_request_refused(void **state)
{
	struct nlmsghdr *nlh;

	(void)state;
	nlh = req(DUSK_CMD_CALL);
	mnl_attr_put_u32(nlh, DUSK_A_STUB, 0);
	mnl_attr_put_strz(nlh, DUSK_A_TEXT, "k->u only");
	assert_int_equal(xact(), -EINVAL);

	nlh = req(DUSK_CMD_STATS);
	mnl_attr_put(nlh, DUSK_A_PAD, 0, NULL);
	assert_int_equal(xact(), -EINVAL);

	nlh = req(DUSK_CMD_MIRROR_FREE);
	mnl_attr_put_u32(nlh, DUSK_A_STAT_ID, 1);	/* a nest member at the top */
	assert_int_equal(xact(), -EINVAL);
}

static void nests_checked_as_the_kmod_does(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	(void)state;
	nlh = req(DUSK_CMD_READ);
	n = mnl_attr_nest_start(nlh, DUSK_A_RANGE);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, DUSK_SIM_KBASE);
	mnl_attr_put_u32(nlh, DUSK_A_LEN, 8);
	mnl_attr_nest_end(nlh, n);
	n->nla_type &= ~NLA_F_NESTED;
	assert_int_equal(xact(), -EINVAL);

	nlh = req(DUSK_CMD_READ);
	n = mnl_attr_nest_start(nlh, DUSK_A_RANGE);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, DUSK_SIM_KBASE);
	mnl_attr_put(nlh, DUSK_A_PAD, 0, NULL);
	mnl_attr_put_u32(nlh, DUSK_A_LEN, 8);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(xact(), -EINVAL);

	nlh = req(DUSK_CMD_PARAMS);
	n = mnl_attr_nest_start(nlh, DUSK_A_PARAM);
	mnl_attr_put_u32(nlh, DUSK_A_PERM, 0644);
	mnl_attr_put_strz(nlh, DUSK_A_NAME,
			  "a_parameter_name_of_fifty_six_characters_is_one_too_long");
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(xact(), -EINVAL);
}

static void modname_length_is_the_kmods(void **state)
{
	char name[DUSK_MAX_MODNAME + 1];
	struct nlmsghdr *nlh;

	(void)state;
	memset(name, 'm', sizeof(name));
	name[DUSK_MAX_MODNAME] = '\0';		/* one byte too many with the NUL */
	nlh = req(DUSK_CMD_HELLO);
	mnl_attr_put_strz(nlh, DUSK_A_MODNAME, name);
	assert_int_equal(xact(), -EINVAL);

	name[DUSK_MAX_MODNAME - 1] = '\0';	/* the longest: answered, not bound */
	nlh = req(DUSK_CMD_HELLO);
	mnl_attr_put_strz(nlh, DUSK_A_MODNAME, name);
	assert_int_equal(xact(), 0);
}

static void valid_requests_served(void **state)
{
	struct nlmsghdr *nlh;
	struct nlattr *n;

	(void)state;
	hello();
	nlh = req(DUSK_CMD_MIRROR_ALLOC);
	mnl_attr_put_u32(nlh, DUSK_A_LEN, 16);
	n = mnl_attr_nest_start(nlh, DUSK_A_CHUNK);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, 8);
	mnl_attr_put(nlh, DUSK_A_DATA, 8, "01234567");
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(xact(), 0);

	nlh = req(DUSK_CMD_MIRROR_ALLOC);	/* 8 + 9 > 16: the kmod refuses it */
	mnl_attr_put_u32(nlh, DUSK_A_LEN, 16);
	n = mnl_attr_nest_start(nlh, DUSK_A_CHUNK);
	mnl_attr_put_u64(nlh, DUSK_A_ADDR, 8);
	mnl_attr_put(nlh, DUSK_A_DATA, 9, "012345678");
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(xact(), -EINVAL);
}

static void request_attribute_in_kernel_message_refused(void **state)
{
	struct dusk_attrs a;
	struct nlmsghdr *nlh;

	(void)state;
	nlh = req(DUSK_CMD_CALL);
	mnl_attr_put_u64(nlh, DUSK_A_RET, 0);
	assert_int_equal(dusk_msg_parse(nlh, nlh->nlmsg_len, &a), 0);
	mnl_attr_put_u32(nlh, DUSK_A_STUB, 0);		/* u->k only */
	assert_int_equal(dusk_msg_parse(nlh, nlh->nlmsg_len, &a), -EINVAL);
	assert_int_equal(dusk_msg_parse_request(nlh, nlh->nlmsg_len, &a), 0);
	dusk_msg_fini(&fx.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kernel_attribute_in_request_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(nests_checked_as_the_kmod_does, setup, teardown),
		cmocka_unit_test_setup_teardown(modname_length_is_the_kmods, setup, teardown),
		cmocka_unit_test_setup_teardown(valid_requests_served, setup, teardown),
		cmocka_unit_test_setup_teardown(request_attribute_in_kernel_message_refused, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
