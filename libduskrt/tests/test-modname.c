/* SPDX-License-Identifier: MIT */
/*
 * Module names of any length: dusk_genl_family_name() (protocol.h) keeps a
 * short name readable ("dusk_lwfw"), turns a name too long for GENL_NAMSIZ
 * into a hashed family name that two long names never share by truncation,
 * and the session refuses a kmod that answers HELLO for another module
 * (what a hash collision would look like), naming both.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "testmod.h"

static void short_names_are_kept(void **state)
{
	char f[DUSK_GENL_NAMSIZ];

	(void)state;
	dusk_genl_family_name(f, "lwfw");
	assert_string_equal(f, "dusk_lwfw");
	dusk_genl_family_name(f, "ten_chars_");		/* 15 characters: fits */
	assert_string_equal(f, "dusk_ten_chars_");
}

static void long_names_are_hashed_and_distinct(void **state)
{
	char a[DUSK_GENL_NAMSIZ], b[DUSK_GENL_NAMSIZ], again[DUSK_GENL_NAMSIZ];

	(void)state;
	/* the same first 10 characters: truncation would have merged them */
	dusk_genl_family_name(a, "eleven_char");
	dusk_genl_family_name(b, "eleven_chars_and_more");
	assert_int_equal(strlen(a), DUSK_GENL_NAMSIZ - 1);
	assert_int_equal(strlen(b), DUSK_GENL_NAMSIZ - 1);
	assert_memory_equal(a, DUSK_GENL_HASHED, 5);
	assert_string_not_equal(a, b);
	dusk_genl_family_name(again, "eleven_chars_and_more");
	assert_string_equal(b, again);		/* both ends compute the same */
	/* a module name holds no '-', so no short name looks hashed */
	assert_null(strchr("dusk_", '-'));
}

static void hello_for_another_module_refused(void **state)
{
	struct dusk_sim *sim = dusk_sim_new();
	struct dusk_sim_stats st;

	(void)state;
	harness_log_capture();
	dusk_sim_set_hello(sim, DUSK_PROTO_VERSION, tm_module.types->hash, tm_module.stub_hash,
			   "some_other_long_module");
	assert_int_equal(dusk_session_open(&tm_module, dusk_sim_transport(sim), 1), -EPROTO);
	if (!harness_log_has(DUSK_LOG_ERROR, "dusk_some_other_long_module.ko") ||
	    !harness_log_has(DUSK_LOG_ERROR, "program tm"))
		fail_msg("expected both names, got: %s", harness_log_text());
	assert_null(dusk_sess);
	dusk_sim_stats(sim, &st);
	assert_false(st.bound);
	dusk_sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(short_names_are_kept),
		cmocka_unit_test(long_names_are_hashed_and_distinct),
		cmocka_unit_test(hello_for_another_module_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
