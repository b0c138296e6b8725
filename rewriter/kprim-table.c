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
#include "walk.h"

/* Sorted by name (bsearch). */
static const struct kprim kprims[] = {
	{ "__alloc_percpu",                    "dusk_percpu_alloc" },
	{ "__alloc_percpu_gfp",                "dusk_percpu_alloc_gfp" },
	{ "__arch_hweight16",                  "dusk_kp_hweight" },
	{ "__arch_hweight32",                  "dusk_kp_hweight" },
	{ "__arch_hweight64",                  "dusk_kp_hweight" },
	{ "__arch_hweight8",                   "dusk_kp_hweight" },
	{ "__arch_swab16",                     "__builtin_bswap16" },
	{ "__arch_swab32",                     "__builtin_bswap32" },
	{ "__arch_swab64",                     "__builtin_bswap64" },
	{ "__builtin_memchr",                  "dusk_kp_memchr" },
	{ "__builtin_memcmp",                  "dusk_kp_memcmp" },
	{ "__builtin_memcpy",                  "dusk_kp_memcpy" },
	{ "__builtin_memmove",                 "dusk_kp_memmove" },
	{ "__builtin_memset",                  "dusk_kp_memset" },
	{ "__builtin_strcat",                  "dusk_kp_strcat" },
	{ "__builtin_strcpy",                  "dusk_kp_strcpy" },
	{ "__builtin_strlen",                  "dusk_kp_strlen" },
	{ "__builtin_strncat",                 "dusk_kp_strncat" },
	{ "__builtin_strncpy",                 "dusk_kp_strncpy" },
	{ "__clear_bit",                       "dusk_kp_clear_bit" },
	{ "__cpuid",                           "dusk_kp_cpuid" },
	{ "__do_once_done",                    "dusk_kp_do_once_done" },
	{ "__do_once_sleepable_done",          "dusk_kp_do_once_sleepable_done" },
	{ "__do_once_sleepable_start",         "dusk_kp_do_once_sleepable_start" },
	{ "__do_once_start",                   "dusk_kp_do_once_start" },
	{ "__ffs",                             "dusk_kp_ffs0" },
	{ "__fls",                             "dusk_kp_fls0" },
	{ "__list_add_valid",                  "dusk_kp_list_add_valid" },
	{ "__list_del_entry_valid",            "dusk_kp_list_del_entry_valid" },
	{ "__local_bh_disable_ip",             "dusk_kp_nop2" },
	{ "__local_bh_enable_ip",              "dusk_kp_nop2" },
	{ "__mutex_init",                      "dusk_kp_lock_init3" },
	{ "__preempt_count_add",               "dusk_kp_nop1" },
	{ "__preempt_count_dec_and_test",      "dusk_kp_zero0" },
	{ "__preempt_count_sub",               "dusk_kp_nop1" },
	{ "__raw_spin_lock_init",              "dusk_kp_lock_init4" },
	{ "__rcu_read_lock",                   "dusk_kp_nop0" },
	{ "__rcu_read_unlock",                 "dusk_kp_nop0" },
	{ "__set_bit",                         "dusk_kp_set_bit" },
	{ "__spin_lock_init",                  "dusk_kp_lock_init4" },
	{ "_atomic_dec_and_lock",              "dusk_kp_atomic_dec_and_lock" },
	{ "_atomic_dec_and_lock_irqsave",      "dusk_kp_atomic_dec_and_lock_irqsave" },
	{ "_cond_resched",                     "dusk_kp_zero0" },
	{ "_raw_read_lock",                    "dusk_kp_lock" },
	{ "_raw_read_lock_bh",                 "dusk_kp_lock" },
	{ "_raw_read_lock_irq",                "dusk_kp_lock" },
	{ "_raw_read_lock_irqsave",            "dusk_kp_lock_irqsave" },
	{ "_raw_read_trylock",                 "dusk_kp_trylock" },
	{ "_raw_read_unlock",                  "dusk_kp_unlock" },
	{ "_raw_read_unlock_bh",               "dusk_kp_unlock" },
	{ "_raw_read_unlock_irq",              "dusk_kp_unlock" },
	{ "_raw_read_unlock_irqrestore",       "dusk_kp_unlock_irqrestore" },
	{ "_raw_spin_lock",                    "dusk_kp_lock" },
	{ "_raw_spin_lock_bh",                 "dusk_kp_lock" },
	{ "_raw_spin_lock_irq",                "dusk_kp_lock" },
	{ "_raw_spin_lock_irqsave",            "dusk_kp_lock_irqsave" },
	{ "_raw_spin_trylock",                 "dusk_kp_trylock" },
	{ "_raw_spin_trylock_bh",              "dusk_kp_trylock_bh" },
	{ "_raw_spin_unlock",                  "dusk_kp_unlock" },
	{ "_raw_spin_unlock_bh",               "dusk_kp_unlock" },
	{ "_raw_spin_unlock_irq",              "dusk_kp_unlock" },
	{ "_raw_spin_unlock_irqrestore",       "dusk_kp_unlock_irqrestore" },
	{ "_raw_write_lock",                   "dusk_kp_lock" },
	{ "_raw_write_lock_bh",                "dusk_kp_lock" },
	{ "_raw_write_lock_irq",               "dusk_kp_lock" },
	{ "_raw_write_lock_irqsave",           "dusk_kp_lock_irqsave" },
	{ "_raw_write_trylock",                "dusk_kp_trylock" },
	{ "_raw_write_unlock",                 "dusk_kp_unlock" },
	{ "_raw_write_unlock_bh",              "dusk_kp_unlock" },
	{ "_raw_write_unlock_irq",             "dusk_kp_unlock" },
	{ "_raw_write_unlock_irqrestore",      "dusk_kp_unlock_irqrestore" },
	{ "add32_with_carry",                  "dusk_kp_add32_with_carry" },
	{ "arch___change_bit",                 "dusk_kp_change_bit" },
	{ "arch___clear_bit",                  "dusk_kp_clear_bit" },
	{ "arch___clear_bit_unlock",           "dusk_kp_clear_bit" },
	{ "arch___set_bit",                    "dusk_kp_set_bit" },
	{ "arch___test_and_change_bit",        "dusk_kp_test_and_change_bit" },
	{ "arch___test_and_clear_bit",         "dusk_kp_test_and_clear_bit" },
	{ "arch___test_and_set_bit",           "dusk_kp_test_and_set_bit" },
	{ "arch_atomic64_add",                 "dusk_kp_atomic64_add" },
	{ "arch_atomic64_add_negative",        "dusk_kp_atomic64_add_negative" },
	{ "arch_atomic64_add_return",          "dusk_kp_atomic64_add_return" },
	{ "arch_atomic64_and",                 "dusk_kp_atomic64_and" },
	{ "arch_atomic64_cmpxchg",             "dusk_kp_atomic64_cmpxchg" },
	{ "arch_atomic64_dec",                 "dusk_kp_atomic64_dec" },
	{ "arch_atomic64_dec_and_test",        "dusk_kp_atomic64_dec_and_test" },
	{ "arch_atomic64_fetch_add",           "dusk_kp_atomic64_fetch_add" },
	{ "arch_atomic64_fetch_and",           "dusk_kp_atomic64_fetch_and" },
	{ "arch_atomic64_fetch_or",            "dusk_kp_atomic64_fetch_or" },
	{ "arch_atomic64_fetch_sub",           "dusk_kp_atomic64_fetch_sub" },
	{ "arch_atomic64_fetch_xor",           "dusk_kp_atomic64_fetch_xor" },
	{ "arch_atomic64_inc",                 "dusk_kp_atomic64_inc" },
	{ "arch_atomic64_inc_and_test",        "dusk_kp_atomic64_inc_and_test" },
	{ "arch_atomic64_or",                  "dusk_kp_atomic64_or" },
	{ "arch_atomic64_read",                "dusk_kp_atomic64_read" },
	{ "arch_atomic64_set",                 "dusk_kp_atomic64_set" },
	{ "arch_atomic64_sub",                 "dusk_kp_atomic64_sub" },
	{ "arch_atomic64_sub_and_test",        "dusk_kp_atomic64_sub_and_test" },
	{ "arch_atomic64_sub_return",          "dusk_kp_atomic64_sub_return" },
	{ "arch_atomic64_try_cmpxchg",         "dusk_kp_atomic64_try_cmpxchg" },
	{ "arch_atomic64_xchg",                "dusk_kp_atomic64_xchg" },
	{ "arch_atomic64_xor",                 "dusk_kp_atomic64_xor" },
	{ "arch_atomic_add",                   "dusk_kp_atomic_add" },
	{ "arch_atomic_add_negative",          "dusk_kp_atomic_add_negative" },
	{ "arch_atomic_add_return",            "dusk_kp_atomic_add_return" },
	{ "arch_atomic_and",                   "dusk_kp_atomic_and" },
	{ "arch_atomic_cmpxchg",               "dusk_kp_atomic_cmpxchg" },
	{ "arch_atomic_dec",                   "dusk_kp_atomic_dec" },
	{ "arch_atomic_dec_and_test",          "dusk_kp_atomic_dec_and_test" },
	{ "arch_atomic_fetch_add",             "dusk_kp_atomic_fetch_add" },
	{ "arch_atomic_fetch_and",             "dusk_kp_atomic_fetch_and" },
	{ "arch_atomic_fetch_or",              "dusk_kp_atomic_fetch_or" },
	{ "arch_atomic_fetch_sub",             "dusk_kp_atomic_fetch_sub" },
	{ "arch_atomic_fetch_xor",             "dusk_kp_atomic_fetch_xor" },
	{ "arch_atomic_inc",                   "dusk_kp_atomic_inc" },
	{ "arch_atomic_inc_and_test",          "dusk_kp_atomic_inc_and_test" },
	{ "arch_atomic_or",                    "dusk_kp_atomic_or" },
	{ "arch_atomic_read",                  "dusk_kp_atomic_read" },
	{ "arch_atomic_set",                   "dusk_kp_atomic_set" },
	{ "arch_atomic_sub",                   "dusk_kp_atomic_sub" },
	{ "arch_atomic_sub_and_test",          "dusk_kp_atomic_sub_and_test" },
	{ "arch_atomic_sub_return",            "dusk_kp_atomic_sub_return" },
	{ "arch_atomic_try_cmpxchg",           "dusk_kp_atomic_try_cmpxchg" },
	{ "arch_atomic_xchg",                  "dusk_kp_atomic_xchg" },
	{ "arch_atomic_xor",                   "dusk_kp_atomic_xor" },
	{ "arch_change_bit",                   "dusk_kp_change_bit" },
	{ "arch_clear_bit",                    "dusk_kp_clear_bit" },
	{ "arch_clear_bit_unlock",             "dusk_kp_clear_bit" },
	{ "arch_clear_bit_unlock_is_negative_byte", "dusk_kp_clear_bit_unlock_is_negative_byte" },
	{ "arch_local_save_flags",             "dusk_kp_irq_flags" },
	{ "arch_set_bit",                      "dusk_kp_set_bit" },
	{ "arch_static_branch",                "dusk_kp_static_branch" },
	{ "arch_static_branch_jump",           "dusk_kp_static_branch" },
	{ "arch_test_and_change_bit",          "dusk_kp_test_and_change_bit" },
	{ "arch_test_and_clear_bit",           "dusk_kp_test_and_clear_bit" },
	{ "arch_test_and_set_bit",             "dusk_kp_test_and_set_bit" },
	{ "arch_test_and_set_bit_lock",        "dusk_kp_test_and_set_bit" },
	{ "arch_test_bit",                     "dusk_kp_test_bit" },
	{ "arch_test_bit_acquire",             "dusk_kp_test_bit" },
	{ "array_index_mask_nospec",           "dusk_kp_array_index_mask_nospec" },
	{ "atomic_dec_and_mutex_lock",         "dusk_kp_atomic_dec_and_lock" },
	{ "clear_bit",                         "dusk_kp_clear_bit" },
	{ "constant_test_bit",                 "dusk_kp_test_bit" },
	{ "constant_test_bit_acquire",         "dusk_kp_test_bit" },
	{ "csum_fold",                         "dusk_kp_csum_fold" },
	{ "csum_tcpudp_nofold",                "dusk_kp_csum_tcpudp_nofold" },
	{ "dump_stack",                        "dusk_kp_dump_stack" },
	{ "ffs",                               "__builtin_ffs" },
	{ "ffz",                               "dusk_kp_ffz" },
	{ "fls",                               "dusk_kp_fls" },
	{ "fls64",                             "dusk_kp_fls64" },
	{ "fortify_memcpy_chk",                "dusk_kp_fortify_ok" },
	{ "fortify_memset_chk",                "dusk_kp_fortify_memset_ok" },
	{ "fortify_panic",                     "dusk_kp_fortify_panic" },
	{ "free_percpu",                       "dusk_percpu_free" },
	{ "get_current",                       "dusk_current" },
	{ "ip_fast_csum",                      "dusk_kp_ip_fast_csum" },
	{ "irq_fpu_usable",                    "dusk_kp_fpu_usable" },
	{ "kernel_fpu_begin",                  "dusk_kp_nop0" },
	{ "kernel_fpu_begin_mask",             "dusk_kp_nop1" },
	{ "kernel_fpu_end",                    "dusk_kp_nop0" },
	{ "local_add",                         "dusk_kp_local_add" },
	{ "local_add_negative",                "dusk_kp_local_add_negative" },
	{ "local_add_return",                  "dusk_kp_local_add_return" },
	{ "local_bh_disable",                  "dusk_kp_nop0" },
	{ "local_bh_enable",                   "dusk_kp_nop0" },
	{ "local_cmpxchg",                     "dusk_kp_local_cmpxchg" },
	{ "local_dec",                         "dusk_kp_local_dec" },
	{ "local_dec_and_test",                "dusk_kp_local_dec_and_test" },
	{ "local_inc",                         "dusk_kp_local_inc" },
	{ "local_inc_and_test",                "dusk_kp_local_inc_and_test" },
	{ "local_sub",                         "dusk_kp_local_sub" },
	{ "local_sub_and_test",                "dusk_kp_local_sub_and_test" },
	{ "local_sub_return",                  "dusk_kp_local_sub_return" },
	{ "local_xchg",                        "dusk_kp_local_xchg" },
	{ "memchr",                            "dusk_kp_memchr" },
	{ "memcmp",                            "dusk_kp_memcmp" },
	{ "memcpy",                            "dusk_kp_memcpy" },
	{ "memmove",                           "dusk_kp_memmove" },
	{ "memset",                            "dusk_kp_memset" },
	{ "memset16",                          "dusk_kp_memset16" },
	{ "memset32",                          "dusk_kp_memset32" },
	{ "memset64",                          "dusk_kp_memset64" },
	{ "might_resched",                     "dusk_kp_nop0" },
	{ "mutex_is_locked",                   "dusk_kp_is_locked" },
	{ "mutex_lock",                        "dusk_kp_lock" },
	{ "mutex_lock_interruptible",          "dusk_kp_lock_interruptible" },
	{ "mutex_lock_io",                     "dusk_kp_lock" },
	{ "mutex_lock_killable",               "dusk_kp_lock_interruptible" },
	{ "mutex_lock_nested",                 "dusk_kp_lock_nested" },
	{ "mutex_trylock",                     "dusk_kp_trylock" },
	{ "mutex_unlock",                      "dusk_kp_unlock" },
	{ "param_get_bool",                    "dusk_kp_param_get_bool" },
	{ "param_get_byte",                    "dusk_kp_param_get_byte" },
	{ "param_get_charp",                   "dusk_kp_param_get_charp" },
	{ "param_get_hexint",                  "dusk_kp_param_get_hexint" },
	{ "param_get_int",                     "dusk_kp_param_get_int" },
	{ "param_get_invbool",                 "dusk_kp_param_get_invbool" },
	{ "param_get_long",                    "dusk_kp_param_get_long" },
	{ "param_get_short",                   "dusk_kp_param_get_short" },
	{ "param_get_uint",                    "dusk_kp_param_get_uint" },
	{ "param_get_ullong",                  "dusk_kp_param_get_ullong" },
	{ "param_get_ulong",                   "dusk_kp_param_get_ulong" },
	{ "param_get_ushort",                  "dusk_kp_param_get_ushort" },
	{ "param_set_bint",                    "dusk_kp_param_set_bint" },
	{ "param_set_bool",                    "dusk_kp_param_set_bool" },
	{ "param_set_bool_enable_only",        "dusk_kp_param_set_bool_enable_only" },
	{ "param_set_byte",                    "dusk_kp_param_set_byte" },
	{ "param_set_charp",                   "dusk_kp_param_set_charp" },
	{ "param_set_hexint",                  "dusk_kp_param_set_hexint" },
	{ "param_set_int",                     "dusk_kp_param_set_int" },
	{ "param_set_invbool",                 "dusk_kp_param_set_invbool" },
	{ "param_set_long",                    "dusk_kp_param_set_long" },
	{ "param_set_short",                   "dusk_kp_param_set_short" },
	{ "param_set_uint",                    "dusk_kp_param_set_uint" },
	{ "param_set_uint_minmax",             "dusk_kp_param_set_uint_minmax" },
	{ "param_set_ullong",                  "dusk_kp_param_set_ullong" },
	{ "param_set_ulong",                   "dusk_kp_param_set_ulong" },
	{ "param_set_ushort",                  "dusk_kp_param_set_ushort" },
	{ "prefetch",                          "dusk_kp_prefetch" },
	{ "prefetchw",                         "dusk_kp_prefetchw" },
	{ "queued_spin_is_locked",             "dusk_kp_is_locked" },
	{ "rcu_read_lock",                     "dusk_kp_nop0" },
	{ "rcu_read_lock_bh",                  "dusk_kp_nop0" },
	{ "rcu_read_unlock",                   "dusk_kp_nop0" },
	{ "rcu_read_unlock_bh",                "dusk_kp_nop0" },
	{ "rdtsc",                             "dusk_kp_rdtsc" },
	{ "rdtsc_ordered",                     "dusk_kp_rdtsc_ordered" },
	{ "refcount_dec_and_lock",             "dusk_kp_refcount_dec_and_lock" },
	{ "refcount_dec_and_lock_irqsave",     "dusk_kp_refcount_dec_and_lock_irqsave" },
	{ "refcount_dec_and_mutex_lock",       "dusk_kp_refcount_dec_and_lock" },
	{ "set_bit",                           "dusk_kp_set_bit" },
	{ "spin_is_locked",                    "dusk_kp_is_locked" },
	{ "spin_lock",                         "dusk_kp_lock" },
	{ "spin_lock_bh",                      "dusk_kp_lock" },
	{ "spin_lock_irq",                     "dusk_kp_lock" },
	{ "spin_trylock",                      "dusk_kp_trylock" },
	{ "spin_trylock_bh",                   "dusk_kp_trylock_bh" },
	{ "spin_trylock_irq",                  "dusk_kp_trylock" },
	{ "spin_unlock",                       "dusk_kp_unlock" },
	{ "spin_unlock_bh",                    "dusk_kp_unlock" },
	{ "spin_unlock_irq",                   "dusk_kp_unlock" },
	{ "spin_unlock_irqrestore",            "dusk_kp_unlock_irqrestore" },
	{ "strcmp",                            "dusk_kp_strcmp" },
	{ "strlen",                            "dusk_kp_strlen" },
	{ "strncmp",                           "dusk_kp_strncmp" },
	{ "task_size_max",                     "dusk_kp_task_size_max" },
	{ "test_and_clear_bit",                "dusk_kp_test_and_clear_bit" },
	{ "test_and_set_bit",                  "dusk_kp_test_and_set_bit" },
	{ "test_bit",                          "dusk_kp_test_bit" },
	{ "variable__ffs",                     "dusk_kp_ffs0" },
	{ "variable_ffs",                      "__builtin_ffs" },
	{ "variable_ffz",                      "dusk_kp_ffz" },
	{ "variable_test_bit",                 "dusk_kp_test_bit" },
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

/*
 * One owner per object.  A lock the program takes at user level must never
 * be asked about in the kernel (mutex_is_locked() of the kernel's copy is
 * never true), and a static key the kernel flips must be read where it
 * flips it.  Each family lists every kernel API on one kind of object:
 * with user_owned, every member is a primitive above (none is a stub);
 * otherwise every member is a kernel call, except the `readers`, primitives
 * that read the object's memory as the kernel's calls left it.  The
 * rewriter refuses any other kernel call on a user-owned object
 * (kprim_owned_param()); rewriter/tests/test-kprim.c checks the families.
 */
static const char *const mutex_apis[] = {
	"__mutex_init", "atomic_dec_and_mutex_lock", "mutex_is_locked", "mutex_lock",
	"mutex_lock_interruptible", "mutex_lock_io", "mutex_lock_killable",
	"mutex_lock_nested", "mutex_trylock", "mutex_unlock", "refcount_dec_and_mutex_lock",
	NULL,
};
static const char *const spinlock_apis[] = {
	"__raw_spin_lock_init", "__spin_lock_init", "_atomic_dec_and_lock",
	"_atomic_dec_and_lock_irqsave", "_raw_spin_lock", "_raw_spin_lock_bh",
	"_raw_spin_lock_irq", "_raw_spin_lock_irqsave", "_raw_spin_trylock",
	"_raw_spin_trylock_bh", "_raw_spin_unlock", "_raw_spin_unlock_bh",
	"_raw_spin_unlock_irq", "_raw_spin_unlock_irqrestore", "queued_spin_is_locked",
	"spin_is_locked", "spin_lock", "spin_lock_bh", "spin_lock_irq", "spin_trylock",
	"spin_trylock_bh", "spin_trylock_irq", "spin_unlock", "spin_unlock_bh",
	"spin_unlock_irq", "spin_unlock_irqrestore", "refcount_dec_and_lock",
	"refcount_dec_and_lock_irqsave", NULL,
};
static const char *const rwlock_apis[] = {
	"_raw_read_lock", "_raw_read_lock_bh", "_raw_read_lock_irq", "_raw_read_lock_irqsave",
	"_raw_read_trylock", "_raw_read_unlock", "_raw_read_unlock_bh", "_raw_read_unlock_irq",
	"_raw_read_unlock_irqrestore", "_raw_write_lock", "_raw_write_lock_bh",
	"_raw_write_lock_irq", "_raw_write_lock_irqsave", "_raw_write_trylock",
	"_raw_write_unlock", "_raw_write_unlock_bh", "_raw_write_unlock_irq",
	"_raw_write_unlock_irqrestore", NULL,
};
static const char *const static_key_apis[] = {
	"static_key_disable", "static_key_enable", "static_key_slow_dec",
	"static_key_slow_inc", "static_key_count", NULL,
};
static const char *const static_key_readers[] = {
	"arch_static_branch", "arch_static_branch_jump", NULL,
};
static const char *const no_readers[] = { NULL };

static const struct kprim_family families[] = {
	{ "struct mutex",		1, mutex_apis,		no_readers },
	{ "struct spinlock",		1, spinlock_apis,	no_readers },
	{ "struct raw_spinlock",	1, spinlock_apis,	no_readers },
	{ "struct qspinlock",		1, spinlock_apis,	no_readers },
	{ "rwlock_t",			1, rwlock_apis,		no_readers },
	{ "struct static_key",		0, static_key_apis,	static_key_readers },
};

const struct kprim_family *kprim_families(size_t *n)
{
	*n = sizeof(families) / sizeof(families[0]);
	return families;
}

const char *kprim_owned_param(CXType fn, int i)
{
	CXType t = clang_getCanonicalType(clang_getArgType(fn, (unsigned)i));
	const char *owned = NULL;
	char *s;
	size_t f;

	if (t.kind != CXType_Pointer)
		return NULL;
	s = cxs_take(clang_getTypeSpelling(clang_getCanonicalType(clang_getPointeeType(t))));
	for (f = 0; !owned && f < sizeof(families) / sizeof(families[0]); f++) {
		const char *u = s;

		if (!strncmp(u, "const ", 6))
			u += 6;
		if (families[f].user_owned && !strcmp(u, families[f].object))
			owned = families[f].object;
	}
	free(s);
	return owned;
}
