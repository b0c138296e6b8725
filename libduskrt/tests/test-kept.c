/* SPDX-License-Identifier: MIT */
/*
 * Globals the kernel keeps (kept.c): a module hands &g_knob to
 * debugfs_create_u32() and the kernel reads and writes the mirror on its
 * own, outside any call.  One object, one value: a kernel write made while
 * the program is idle is seen by the next callback (ordered or blocking)
 * and by the module's thread after its next kernel call; the module's own
 * write reaches the kernel at the end of the epoch it was made in, without
 * the module handing the object to a call; and a byte the program did not
 * change never overwrites the kernel's.  A global handed to any other
 * function is not kept.
 */
#include <string.h>

#include "commit-internal.h"
#include "harness.h"
#include "testmod.h"

static struct dusk_sim *sim;

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	harness_log_capture();
	g_knob = 7;
	g_leaf.v = 0;
	sim = harness_sim(&tm_module);
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_noop, NULL);
	dusk_sim_set_stub(sim, STUB_DEBUGFS_U32, stub_noop, NULL);
	harness_open(sim, &tm_module, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tm_hook_body = NULL;
	tm_tick_body = NULL;
	harness_close(sim);
	return 0;
}

/* debugfs_create_u32("knob", 0644, dir, &g_knob): the mirror's address. */
static uint64_t create_knob(void)
{
	uint64_t k = dusk_commit(&g_knob, T_INT, 0);

	dusk_call(STUB_DEBUGFS_U32, &k, 1);
	assert_true(k >= DUSK_SIM_MIRRORS);
	return k;
}

static int kint(uint64_t kaddr)
{
	int v;

	memcpy(&v, dusk_sim_ptr(sim, kaddr), sizeof(v));
	return v;
}

/* `echo N > knob`: the kernel writes the mirror, no call involved. */
static void kset(uint64_t kaddr, int v)
{
	memcpy(dusk_sim_ptr(sim, kaddr), &v, sizeof(v));
}

static uint64_t hook_reads_knob(uint64_t a, uint64_t b)
{
	(void)a; (void)b;
	return (uint64_t)g_knob;
}

static uint64_t tick_reads_knob(void)
{
	return (uint64_t)g_knob;
}

static uint64_t run(uint32_t proxy, uint32_t flags)
{
	uint64_t args[2] = { 0, 0 }, ret = 0;
	struct dusk_sim_upcall u = { .proxy = proxy, .args = args, .flags = flags };

	u.nargs = proxy == PROXY_HOOK ? 2 : 0;
	assert_int_equal(dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000), 0);
	return ret;
}

static void kernel_write_while_idle_is_seen_by_the_next_callback(void **state)
{
	uint64_t k;

	(void)state;
	k = create_knob();
	assert_int_equal(kint(k), 7);
	kset(k, 9);
	tm_hook_body = hook_reads_knob;
	assert_int_equal(run(PROXY_HOOK, 0), 9);		/* a packet hook */
	kset(k, 11);
	tm_tick_body = tick_reads_knob;
	assert_int_equal(run(PROXY_TICK, DUSK_UPCALL_BLOCKING), 11);	/* a /proc show */
	assert_int_equal(g_knob, 11);
}

/* A kthread's loop: `while (...) { use(knob); msleep(100); }` */
static void kernel_write_is_seen_after_a_call_that_may_sleep(void **state)
{
	uint64_t k;

	(void)state;
	k = create_knob();
	kset(k, 3);
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(g_knob, 3);
}

static uint64_t hook_counts(uint64_t a, uint64_t b)
{
	(void)a; (void)b;
	g_knob++;
	return 0;
}

static void module_write_reaches_the_kernel_at_the_epoch_end(void **state)
{
	uint64_t k;

	(void)state;
	k = create_knob();
	g_knob = 5;				/* module_init, after the create */
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(kint(k), 5);
	tm_hook_body = hook_counts;		/* a callback counting in it */
	run(PROXY_HOOK, 0);
	run(PROXY_HOOK, 0);
	assert_int_equal(kint(k), 7);
	kset(k, 20);				/* `echo 20 > knob`, then a count */
	run(PROXY_HOOK, 0);
	assert_int_equal(kint(k), 21);
	assert_int_equal(g_knob, 21);
}

/* The kernel wrote after the program's last look; the program's epoch end
 * (it changed nothing there) must not send its stale value. */
static void untouched_bytes_never_overwrite_the_kernels(void **state)
{
	uint64_t k;

	(void)state;
	k = create_knob();
	tm_hook_body = hook_reads_knob;
	assert_int_equal(run(PROXY_HOOK, 0), 7);
	kset(k, 12);
	g_leaf.v = 1;			/* other work, then an epoch end */
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(kint(k), 12);
	assert_int_equal(g_knob, 12);
}

/* Handed to a function that does not keep it: mirrored, not kept (reading
 * every mirror at each callback would cost each packet a round trip). */
static void only_keeping_functions_keep(void **state)
{
	uint64_t k = dusk_commit(&g_leaf, T_LEAF, 0);

	(void)state;
	dusk_call(STUB_TOUCH, &k, 1);
	assert_false(dusk_mirror_any_kept());
	assert_true(dusk_kept_by("debugfs_create_bool"));
	assert_true(dusk_kept_by("register_sysctl"));
	assert_false(dusk_kept_by("debugfs_create_file"));
	assert_false(dusk_kept_by("debugfs_create_u32x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kernel_write_while_idle_is_seen_by_the_next_callback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_write_is_seen_after_a_call_that_may_sleep,
						setup, teardown),
		cmocka_unit_test_setup_teardown(module_write_reaches_the_kernel_at_the_epoch_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(untouched_bytes_never_overwrite_the_kernels, setup,
						teardown),
		cmocka_unit_test_setup_teardown(only_keeping_functions_keep, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
