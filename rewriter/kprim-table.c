// SPDX-License-Identifier: GPL-2.0
/*
 * The one table of kernel-only primitives dusk-rewrite knows: each kernel
 * function (usually a static inline whose body uses inline assembly,
 * per-cpu data or irq state) is replaced, before the rewriter descends into
 * its body, by its user-level meaning in include/dusk/kprim.h.
 * docs/kapi.md lists them with what each means at user level.  A kept
 * function that reaches a kernel-only construct not named here is reported,
 * never translated silently.
 */
#include <stdlib.h>
#include <string.h>
#include "rewriter.h"

/* Sorted by name (bsearch). */
static const struct kprim kprims[] = {
	{ "__arch_swab16",               "__builtin_bswap16" },
	{ "__arch_swab32",               "__builtin_bswap32" },
	{ "__arch_swab64",               "__builtin_bswap64" },
	{ "__builtin_memchr",            "dusk_kp_memchr" },
	{ "__builtin_memcmp",            "dusk_kp_memcmp" },
	{ "__builtin_memcpy",            "dusk_kp_memcpy" },
	{ "__builtin_memmove",           "dusk_kp_memmove" },
	{ "__builtin_memset",            "dusk_kp_memset" },
	{ "__builtin_strlen",            "dusk_kp_strlen" },
	{ "__clear_bit",                 "dusk_kp_clear_bit" },
	{ "__ffs",                       "dusk_kp_ffs0" },
	{ "__fls",                       "dusk_kp_fls0" },
	{ "__local_bh_disable_ip",       "dusk_kp_nop2" },
	{ "__local_bh_enable_ip",        "dusk_kp_nop2" },
	{ "__mutex_init",                "dusk_kp_lock_init3" },
	{ "__preempt_count_add",         "dusk_kp_nop1" },
	{ "__preempt_count_sub",         "dusk_kp_nop1" },
	{ "__raw_spin_lock_init",        "dusk_kp_lock_init4" },
	{ "__rcu_read_lock",             "dusk_kp_nop0" },
	{ "__rcu_read_unlock",           "dusk_kp_nop0" },
	{ "__set_bit",                   "dusk_kp_set_bit" },
	{ "__spin_lock_init",            "dusk_kp_lock_init4" },
	{ "_cond_resched",               "dusk_kp_zero0" },
	{ "_raw_read_lock",              "dusk_kp_lock" },
	{ "_raw_read_lock_bh",           "dusk_kp_lock" },
	{ "_raw_read_unlock",            "dusk_kp_unlock" },
	{ "_raw_read_unlock_bh",         "dusk_kp_unlock" },
	{ "_raw_spin_lock",              "dusk_kp_lock" },
	{ "_raw_spin_lock_bh",           "dusk_kp_lock" },
	{ "_raw_spin_lock_irq",          "dusk_kp_lock" },
	{ "_raw_spin_lock_irqsave",      "dusk_kp_lock_irqsave" },
	{ "_raw_spin_trylock",           "dusk_kp_trylock" },
	{ "_raw_spin_unlock",            "dusk_kp_unlock" },
	{ "_raw_spin_unlock_bh",         "dusk_kp_unlock" },
	{ "_raw_spin_unlock_irq",        "dusk_kp_unlock" },
	{ "_raw_spin_unlock_irqrestore", "dusk_kp_unlock_irqrestore" },
	{ "_raw_write_lock",             "dusk_kp_lock" },
	{ "_raw_write_lock_bh",          "dusk_kp_lock" },
	{ "_raw_write_unlock",           "dusk_kp_unlock" },
	{ "_raw_write_unlock_bh",        "dusk_kp_unlock" },
	{ "arch_atomic64_add",           "dusk_kp_atomic64_add" },
	{ "arch_atomic64_add_return",    "dusk_kp_atomic64_add_return" },
	{ "arch_atomic64_dec",           "dusk_kp_atomic64_dec" },
	{ "arch_atomic64_inc",           "dusk_kp_atomic64_inc" },
	{ "arch_atomic64_read",          "dusk_kp_atomic64_read" },
	{ "arch_atomic64_set",           "dusk_kp_atomic64_set" },
	{ "arch_atomic64_sub",           "dusk_kp_atomic64_sub" },
	{ "arch_atomic_add",             "dusk_kp_atomic_add" },
	{ "arch_atomic_add_return",      "dusk_kp_atomic_add_return" },
	{ "arch_atomic_cmpxchg",         "dusk_kp_atomic_cmpxchg" },
	{ "arch_atomic_dec",             "dusk_kp_atomic_dec" },
	{ "arch_atomic_dec_and_test",    "dusk_kp_atomic_dec_and_test" },
	{ "arch_atomic_fetch_add",       "dusk_kp_atomic_fetch_add" },
	{ "arch_atomic_fetch_sub",       "dusk_kp_atomic_fetch_sub" },
	{ "arch_atomic_inc",             "dusk_kp_atomic_inc" },
	{ "arch_atomic_inc_and_test",    "dusk_kp_atomic_inc_and_test" },
	{ "arch_atomic_read",            "dusk_kp_atomic_read" },
	{ "arch_atomic_set",             "dusk_kp_atomic_set" },
	{ "arch_atomic_sub",             "dusk_kp_atomic_sub" },
	{ "arch_atomic_sub_and_test",    "dusk_kp_atomic_sub_and_test" },
	{ "arch_atomic_sub_return",      "dusk_kp_atomic_sub_return" },
	{ "arch_atomic_xchg",            "dusk_kp_atomic_xchg" },
	{ "arch_clear_bit",              "dusk_kp_clear_bit" },
	{ "arch_set_bit",                "dusk_kp_set_bit" },
	{ "arch_static_branch",          "dusk_kp_static_branch" },
	{ "arch_static_branch_jump",     "dusk_kp_static_branch" },
	{ "arch_test_and_clear_bit",     "dusk_kp_test_and_clear_bit" },
	{ "arch_test_and_set_bit",       "dusk_kp_test_and_set_bit" },
	{ "arch_test_bit",               "dusk_kp_test_bit" },
	{ "clear_bit",                   "dusk_kp_clear_bit" },
	{ "ffs",                         "__builtin_ffs" },
	{ "fls",                         "dusk_kp_fls" },
	{ "fortify_memcpy_chk",          "dusk_kp_fortify_ok" },
	{ "fortify_memset_chk",          "dusk_kp_fortify_memset_ok" },
	{ "fortify_panic",               "dusk_kp_fortify_panic" },
	{ "get_current",                 "dusk_current" },
	{ "local_bh_disable",            "dusk_kp_nop0" },
	{ "local_bh_enable",             "dusk_kp_nop0" },
	{ "memchr",                      "dusk_kp_memchr" },
	{ "memcmp",                      "dusk_kp_memcmp" },
	{ "memcpy",                      "dusk_kp_memcpy" },
	{ "memmove",                     "dusk_kp_memmove" },
	{ "memset",                      "dusk_kp_memset" },
	{ "might_resched",               "dusk_kp_nop0" },
	{ "mutex_lock",                  "dusk_kp_lock" },
	{ "mutex_lock_interruptible",    "dusk_kp_lock_interruptible" },
	{ "mutex_trylock",               "dusk_kp_trylock" },
	{ "mutex_unlock",                "dusk_kp_unlock" },
	{ "rcu_read_lock",               "dusk_kp_nop0" },
	{ "rcu_read_lock_bh",            "dusk_kp_nop0" },
	{ "rcu_read_unlock",             "dusk_kp_nop0" },
	{ "rcu_read_unlock_bh",          "dusk_kp_nop0" },
	{ "set_bit",                     "dusk_kp_set_bit" },
	{ "spin_lock",                   "dusk_kp_lock" },
	{ "spin_lock_bh",                "dusk_kp_lock" },
	{ "spin_lock_irq",               "dusk_kp_lock" },
	{ "spin_trylock",                "dusk_kp_trylock" },
	{ "spin_unlock",                 "dusk_kp_unlock" },
	{ "spin_unlock_bh",              "dusk_kp_unlock" },
	{ "spin_unlock_irq",             "dusk_kp_unlock" },
	{ "spin_unlock_irqrestore",      "dusk_kp_unlock_irqrestore" },
	{ "strcmp",                      "dusk_kp_strcmp" },
	{ "strlen",                      "dusk_kp_strlen" },
	{ "strncmp",                     "dusk_kp_strncmp" },
	{ "test_and_clear_bit",          "dusk_kp_test_and_clear_bit" },
	{ "test_and_set_bit",            "dusk_kp_test_and_set_bit" },
	{ "test_bit",                    "dusk_kp_test_bit" },
};

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct kprim *)elem)->name);
}

const struct kprim *kprim_find(const char *name)
{
	return bsearch(name, kprims, sizeof(kprims) / sizeof(kprims[0]),
		       sizeof(kprims[0]), cmp);
}

/* For the unit test: the table must stay sorted for bsearch. */
const struct kprim *kprim_table(size_t *n)
{
	*n = sizeof(kprims) / sizeof(kprims[0]);
	return kprims;
}
