/* SPDX-License-Identifier: MIT */
/*
 * Flows in parallel (lanes.c): which upcalls of a read may run at once
 * (different flows raised on different CPUs) and which keep their order
 * (one CPU, one flow, or no flow at all); then, against the simulated
 * kernel, packets of two flows served on two threads at once, each flow in
 * the order it was raised, every verdict answered without an ACK.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "testmod.h"

#define K(c, f) { .cpu = (c), .flow = (f), .flowed = 1 }

static void split_keeps_cpu_and_flow_together(void **state)
{
	/* two flows on two CPUs: two lanes */
	const struct dusk_lane_key two[4] = { K(0, 10), K(1, 20), K(0, 10), K(1, 20) };
	/* flow 10 moved from CPU 0 to CPU 1, where flow 20 runs: one class */
	const struct dusk_lane_key moved[3] = { K(0, 10), K(1, 20), K(1, 10) };
	/* two flows raised on one CPU: that CPU ran them one after the other */
	const struct dusk_lane_key onecpu[2] = { K(0, 10), K(0, 20) };
	struct dusk_lane_key noflow[3] = { K(0, 10), K(1, 20), K(2, 30) };
	uint8_t lane[8];

	(void)state;
	assert_int_equal(dusk_lanes_split(two, 4, 2, lane), 2);
	assert_int_equal(lane[0], lane[2]);
	assert_int_equal(lane[1], lane[3]);
	assert_int_not_equal(lane[0], lane[1]);
	assert_int_equal(dusk_lanes_split(moved, 3, 4, lane), 1);
	assert_true(lane[0] == 0 && lane[1] == 0 && lane[2] == 0);
	assert_int_equal(dusk_lanes_split(onecpu, 2, 4, lane), 1);
	assert_int_equal(dusk_lanes_split(noflow, 3, 4, lane), 3);
	noflow[1].flowed = 0;	/* a timer among packets keeps its place */
	assert_int_equal(dusk_lanes_split(noflow, 3, 4, lane), 1);
	assert_int_equal(dusk_lanes_split(two, 4, 1, lane), 1);	/* one lane: all on it */
}

/* A class whose union-find root is not its first member (0 joins 3's
 * class through 3, whose root became 1's): still one class, one lane. */
static void split_joins_through_later_upcalls(void **state)
{
	const struct dusk_lane_key k[5] = { K(0, 10), K(1, 20), K(2, 20), K(2, 10), K(3, 30) };
	uint8_t lane[5];

	(void)state;
	assert_int_equal(dusk_lanes_split(k, 5, 2, lane), 2);
	assert_true(lane[0] == lane[1] && lane[1] == lane[2] && lane[2] == lane[3]);
	assert_int_not_equal(lane[4], lane[0]);
	assert_int_equal(lane[0], 0);	/* the larger class: the packet thread's */
}

static void split_balances_classes(void **state)
{
	/* classes of 3, 1, 1, 1 upcalls over 2 lanes: 3 on the packet thread */
	const struct dusk_lane_key k[6] = { K(1, 5), K(0, 1), K(1, 5), K(2, 6), K(1, 5), K(3, 7) };
	uint8_t lane[6];
	unsigned int i, on0 = 0;

	(void)state;
	assert_int_equal(dusk_lanes_split(k, 6, 2, lane), 2);
	assert_int_equal(lane[0], 0);
	assert_int_equal(lane[2], 0);
	assert_int_equal(lane[4], 0);
	for (i = 0; i < 6; i++)
		on0 += lane[i] == 0;
	assert_int_equal(on0, 3);
}

/* ---- against the simulated kernel ---- */

#define NPKT 12
static int in_flight, peak, seen_n;
static uint64_t seen[NPKT + 1];

/* Packet (a = flow << 8 | its number in the flow): slow, so that a second
 * lane shows as two at once. */
static uint64_t hook_slow_records(uint64_t a, uint64_t b)
{
	struct timespec ts = { 0, 20000000 };
	int now = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	int prev = __atomic_load_n(&peak, __ATOMIC_SEQ_CST);

	(void)b;
	while (now > prev && !__atomic_compare_exchange_n(&peak, &prev, now, 0, __ATOMIC_SEQ_CST,
							  __ATOMIC_SEQ_CST))
		;
	nanosleep(&ts, NULL);
	seen[__atomic_fetch_add(&seen_n, 1, __ATOMIC_SEQ_CST) % (NPKT + 1)] = a;
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
	return a;
}

/* Raise a gate packet, then NPKT packets of flows 1 and 2 (raised on CPUs 0
 * and 1, @flowed or not) while the gate's hook runs: they are read in one
 * batch.  Checks each flow's order; returns the peak of hooks at once. */
static int serve_two_flows(int flowed, const char *lanes)
{
	struct dusk_sim *sim = harness_sim(&tm_module);
	uint64_t gate_args[2] = { 0, 0 }, args[NPKT][2], ctx[NPKT], gate, ret;
	struct dusk_sim_upcall g = { .proxy = PROXY_HOOK, .args = gate_args, .nargs = 2,
				     .flowed = flowed, .flow = 99 };
	struct dusk_sim_stats a, b;
	unsigned int next[3] = { 0, 0, 0 };
	int i;

	in_flight = peak = seen_n = 0;
	tm_hook_body = hook_slow_records;
	setenv("DUSK_LANES", lanes, 1);
	harness_open(sim, &tm_module, 1);
	unsetenv("DUSK_LANES");
	dusk_sim_stats(sim, &a);
	gate = dusk_sim_upcall(sim, &g);
	for (i = 0; i < NPKT; i++) {
		unsigned int flow = 1 + (unsigned int)i % 2;
		struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args[i], .nargs = 2,
					     .cpu = flow - 1, .flowed = flowed, .flow = flow };

		args[i][0] = (uint64_t)(flow << 8 | (unsigned int)i / 2);
		args[i][1] = 0;
		ctx[i] = dusk_sim_upcall(sim, &u);
	}
	assert_int_equal(dusk_sim_wait_reply(sim, gate, &ret, 5000), 0);
	for (i = 0; i < NPKT; i++) {
		assert_int_equal(dusk_sim_wait_reply(sim, ctx[i], &ret, 5000), 0);
		assert_int_equal(ret, args[i][0]);
	}
	assert_int_equal(seen_n, NPKT + 1);
	for (i = 0; i <= NPKT; i++) {
		unsigned int flow = (unsigned int)(seen[i] >> 8);

		if (!seen[i])
			continue;	/* the gate */
		assert_true(flow == 1 || flow == 2);
		if ((seen[i] & 0xff) != next[flow])
			fail_msg("flow %u: packet %u served before packet %u", flow,
				 (unsigned int)(seen[i] & 0xff), next[flow]);
		next[flow]++;
	}
	dusk_sim_stats(sim, &b);
	assert_int_equal(b.replies - a.replies, NPKT + 1);
	assert_int_equal(b.acks - a.acks, 0);	/* verdicts wait for nothing */
	assert_int_equal(b.refused - a.refused, 0);
	tm_hook_body = NULL;
	harness_close(sim);
	return peak;
}

static void two_flows_run_at_once_each_in_order(void **state)
{
	(void)state;
	assert_int_equal(serve_two_flows(1, "2"), 2);
}

static void without_flows_one_at_a_time(void **state)
{
	(void)state;
	assert_int_equal(serve_two_flows(0, "2"), 1);	/* timers, old kmods */
	assert_int_equal(serve_two_flows(1, "1"), 1);	/* DUSK_LANES=1 */
}

static int cleanup(void **state)
{
	(void)state;
	tm_hook_body = NULL;
	unsetenv("DUSK_LANES");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_keeps_cpu_and_flow_together),
		cmocka_unit_test(split_balances_classes),
		cmocka_unit_test(split_joins_through_later_upcalls),
		cmocka_unit_test_teardown(two_flows_run_at_once_each_in_order, cleanup),
		cmocka_unit_test_teardown(without_flows_one_at_a_time, cleanup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
