// SPDX-License-Identifier: GPL-2.0
/* Golden: the rest of x86's asm-backed primitives (non-atomic and change
 * bitops, every atomic_t/atomic64_t operation, local_t, hweight, ffz,
 * fls64, task_size_max, array_index_nospec's mask, irqs_disabled, cpuid)
 * get a user-level meaning instead of "inline assembly". */
#include <linux/module.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <asm/local.h>
#include <linux/nospec.h>
#include <asm/processor.h>

static atomic_t flags = ATOMIC_INIT(0);
static atomic64_t bytes = ATOMIC64_INIT(0);
static local_t events = LOCAL_INIT(0);
static unsigned long map[2];

static int kpx_run(unsigned long w)
{
	int old = 0;
	int n;

	__set_bit(5, map);
	__clear_bit(6, map);
	change_bit(7, map);
	n = __test_and_set_bit(8, map) + test_and_change_bit(9, map);
	n += atomic_fetch_or(4, &flags);
	atomic_and(~1, &flags);
	if (!atomic_try_cmpxchg(&flags, &old, 1))
		n++;
	atomic64_fetch_add(w, &bytes);
	n += atomic64_fetch_and(0xff, &bytes) != 0;
	local_inc(&events);
	n += local_read(&events);
	n += TASK_SIZE_MAX > w;
	n += array_index_nospec(w, 8) + irqs_disabled() + (int)cpuid_eax(0);
	return n + hweight32(w) + hweight64(w) + (int)ffz(w) + fls64(w);
}

static int __init kpx_init(void)
{
	return kpx_run(0x1234) < 0;
}

module_init(kpx_init);
MODULE_LICENSE("GPL");
