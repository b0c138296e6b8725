/* SPDX-License-Identifier: MIT */
/*
 * Extra work for nfq-cal (nfq-lwfw built with -DNFQ_CALIBRATE), done in
 * each packet's callback before its verdict, so that bench/pkt/tcg-cost can
 * tell what kind of work lengthens a packet's step under QEMU's TCG:
 *   TCG_CAL_PAGES=N  one byte read from each of N distinct pages;
 *   TCG_CAL_LOOP=N   N turns of a loop (five instructions a turn);
 *   TCG_CAL_CODE=N   N runs of a function of 1000 distinct branches, code
 *                    that, unlike the loop, is mostly not run before within
 *                    the same packet (some 5,000 instructions a run).
 * What the program's own step costs per packet under TCG decides how much
 * a user build's added latency can shrink (docs/PERFORMANCE.md).
 */
#include <stdlib.h>
#include <string.h>

void tcg_cal_work(void);

#define CAL_MEM (64ul << 20)
#define CAL_STRIDE (4096 * 17 + 64)	/* a new page each time, not a neighbour */

static char *cal_mem;
static long cal_pages = -1, cal_loop, cal_code;

/* 1000 distinct blocks: each a test of one bit and one of two updates. */
#define B1(k) if (acc & (1ul << ((k) % 40))) acc += (k) * 2654435761ul; else acc ^= (k) * 40503ul;
#define B10(k) B1(k) B1(k + 1) B1(k + 2) B1(k + 3) B1(k + 4) B1(k + 5) B1(k + 6) B1(k + 7) \
	B1(k + 8) B1(k + 9)
#define B100(k) B10(k) B10(k + 10) B10(k + 20) B10(k + 30) B10(k + 40) B10(k + 50) \
	B10(k + 60) B10(k + 70) B10(k + 80) B10(k + 90)

static __attribute__((noinline)) unsigned long branches(unsigned long seed)
{
	volatile unsigned long acc = seed;

	B100(0) B100(100) B100(200) B100(300) B100(400)
	B100(500) B100(600) B100(700) B100(800) B100(900)
	return acc;
}

static long env_long(const char *name)
{
	const char *v = getenv(name);

	return v ? atol(v) : 0;
}

void tcg_cal_work(void)
{
	volatile unsigned long acc = 0;
	long i;

	if (cal_pages < 0) {
		cal_pages = env_long("TCG_CAL_PAGES");
		cal_loop = env_long("TCG_CAL_LOOP");
		cal_code = env_long("TCG_CAL_CODE");
		if (cal_pages) {
			cal_mem = malloc(CAL_MEM);
			if (!cal_mem)
				abort();
			memset(cal_mem, 1, CAL_MEM);	/* no page faults later */
		}
	}
	for (i = 0; i < cal_pages; i++)
		acc += cal_mem[(size_t)i * CAL_STRIDE % CAL_MEM];
	for (i = 0; i < cal_loop; i++)
		acc += (unsigned long)i;
	for (i = 0; i < cal_code; i++)
		acc += branches(acc);
}
