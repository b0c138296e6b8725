/* SPDX-License-Identifier: MIT */
/*
 * Structs by value to and from kernel functions, against the simulated
 * kernel, exactly as dusk-rewrite's wrappers pass them (docs/kapi.md): an
 * argument is a committed copy whose kernel address the stub reads; a
 * result is a committed zeroed local, passed last, that the stub fills and
 * that comes back with the call's read-back.  Both copies are stack mirrors,
 * gone after the call.
 */
#include <errno.h>
#include <string.h>

#include "harness.h"
#include "testmod.h"

static struct dusk_sim *sim;

/* kuid_t / kgid_t-like wrappers, and a timespec64-like pair */
typedef struct { uint32_t val; } t_uid;
struct t_pair {
	int64_t sec;
	long nsec;
};

/* The kernel side: pair = split(ns, uid), with the uid read by value. */
static uint64_t stub_split(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			   void *arg)
{
	const t_uid *uid = dusk_sim_ptr(s, a[1]);
	struct t_pair *out = dusk_sim_ptr(s, a[2]);

	(void)t; (void)arg;
	assert_int_equal(n, 3);
	assert_true(a[1] >= DUSK_SIM_MIRRORS && a[2] >= DUSK_SIM_MIRRORS);
	assert_non_null(uid);
	assert_non_null(out);
	assert_int_equal(out->sec, 0);		/* the result's copy starts zeroed */
	out->sec = (int64_t)(a[0] / 1000000000ull) + uid->val;
	out->nsec = (long)(a[0] % 1000000000ull);
	return 0;
}

/* What emit-user.c writes for `struct t_pair split(u64, t_uid)`. */
static inline struct t_pair dusk_k_split(uint64_t a0, t_uid a1)
{
	struct t_pair r;

	__builtin_memset(&r, 0, sizeof(r));
	uint64_t a[3] = {
		(uint64_t)a0,
		dusk_commit(&a1, DUSK_TYPE_NONE, sizeof(a1)),
		dusk_commit(&r, DUSK_TYPE_NONE, sizeof(r)),
	};
	dusk_call(STUB_TOUCH, a, 3);
	return r;
}

static int setup(void **state)
{
	(void)state;
	harness_log_capture();
	sim = harness_sim(&tm_module);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_split, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

static void struct_argument_and_result(void **state)
{
	t_uid uid = { 1000 };
	struct t_pair p;
	struct dusk_sim_stats st;

	(void)state;
	p = dusk_k_split(1500000000ull, uid);
	assert_int_equal(p.sec, 1001);
	assert_int_equal(p.nsec, 500000000);
	assert_int_equal(uid.val, 1000);
	/* again: the first call's copies (their frame returned) do not linger */
	uid.val = 7;
	p = dusk_k_split(2000000001ull, uid);
	assert_int_equal(p.sec, 9);
	assert_int_equal(p.nsec, 1);
	dusk_sim_stats(sim, &st);
	assert_true(st.mirrors_live <= 2);	/* the second call's, at most */
	dusk_commit_release_held(__builtin_frame_address(0));
	dusk_sim_stats(sim, &st);
	assert_int_equal(st.mirrors_live, 0);	/* both copies let go */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(struct_argument_and_result, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
