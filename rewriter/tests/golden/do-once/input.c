// SPDX-License-Identifier: GPL-2.0
/*
 * get_random_once() and net_get_random_once() (DO_ONCE) seed a hash once:
 * the kernel's __do_once_start() returns with a spinlock held and
 * interrupts off until __do_once_done(); as kernel calls the blocked
 * caller slept holding it (xt_recent's checkentry: "BUG: scheduling while
 * atomic").  Both pairs are kprim functions with one program lock.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/once.h>
#include <linux/random.h>

static u32 hash_rnd;
static u64 seed;

u32 do_once_hash(u32 v)
{
	net_get_random_once(&hash_rnd, sizeof(hash_rnd));
	get_random_sleepable_once(&seed, sizeof(seed));
	return v ^ hash_rnd ^ (u32)seed;
}

static int __init do_once_init(void)
{
	return 0;
}
module_init(do_once_init);
MODULE_LICENSE("GPL");
