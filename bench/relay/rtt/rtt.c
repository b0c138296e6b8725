// SPDX-License-Identifier: GPL-2.0
/*
 * rtt - the round-trip benchmark module (bench/relay/run-relay).  In its
 * user build every ktime_get_ns() is a CALL to the kernel, and the kernel
 * reads the clock while it serves the call; so the difference of two
 * successive stamps is exactly one round trip between the program and the
 * kernel (the answer's way back, the program's turn, the next request's
 * way there).  module_init takes N such intervals of a bare call, then N
 * with an 8-byte read of a kernel variable between the stamps (a READ
 * round trip more: the call ends the epoch), and prints the median and
 * the 99th percentile of each in ns:
 *
 *   rtt: call_med_ns A call_p99_ns B callread_med_ns C callread_p99_ns D
 *
 * Whatever carries the requests (generic netlink on the kernel's machine,
 * TCP through dusk-relay), the clock is the kernel's.  The kernel build
 * gives the native cost of the same loops.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/timekeeping.h>

#define RTT_MAX 10000

static unsigned int n = 1000;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "intervals of each loop (at most 10000)");

static u64 rtt_ns[RTT_MAX];
static unsigned long rtt_sink;

/*
 * Insertion sort, not the kernel's sort(): in the user build sort() would
 * be a kernel call whose comparison callback is the module's, one upcall a
 * comparison.  N is small and this runs after the timing.
 */
static void rtt_sort(u64 *v, unsigned int len)
{
	unsigned int i, j;

	for (i = 1; i < len; i++) {
		u64 x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The sample below which PER_100 percent of the sorted ones lie. */
static u64 rtt_pct(const u64 *sorted, unsigned int len, unsigned int per_100)
{
	return sorted[(len - 1) * per_100 / 100];
}

/* Fill rtt_ns with LEN intervals; with_read: a kernel read in each. */
static void rtt_take(unsigned int len, bool with_read)
{
	unsigned long acc = 0;
	unsigned int i;
	u64 prev, t;

	prev = ktime_get_ns();
	for (i = 0; i < len; i++) {
		if (with_read)
			acc += READ_ONCE(jiffies);
		t = ktime_get_ns();
		rtt_ns[i] = t - prev;
		prev = t;
	}
	rtt_sink = acc;
}

static int __init rtt_init(void)
{
	unsigned int len = clamp(n, 2U, (unsigned int)RTT_MAX);
	u64 call_med, call_p99;

	rtt_take(len, false);
	rtt_sort(rtt_ns, len);
	call_med = rtt_pct(rtt_ns, len, 50);
	call_p99 = rtt_pct(rtt_ns, len, 99);
	rtt_take(len, true);
	rtt_sort(rtt_ns, len);
	pr_info("call_med_ns %llu call_p99_ns %llu callread_med_ns %llu callread_p99_ns %llu\n",
		call_med, call_p99, rtt_pct(rtt_ns, len, 50), rtt_pct(rtt_ns, len, 99));
	return 0;
}

static void __exit rtt_exit(void)
{
}

module_init(rtt_init);
module_exit(rtt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK benchmark: round trip of a kernel call and of a kernel read");
