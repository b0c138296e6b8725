/* SPDX-License-Identifier: MIT */
/*
 * The user-level meaning of kernel-only primitives.  dusk-rewrite replaces
 * each call listed in rewriter/kprim-table.c by the macro or function of the
 * same row here; docs/kapi.md explains each choice.
 *
 *  - Locks (spinlocks, rwlocks, mutexes) become a user-level lock keyed by
 *    the lock's address: all module code runs in this program, so only its
 *    own threads contend.  irqsave flags are a dummy 0.
 *  - rcu_read_lock/unlock, preempt/bh disable/enable are no-ops: nothing in
 *    the program is preempted by the kernel's softirqs.
 *  - Atomics and bitops are __atomic builtins on dusk_check()'d memory:
 *    atomic among the program's threads; on kernel memory they act on the
 *    shadow, written back at the end of the epoch like any store.
 *  - `current` is the task the kernel reported for the running callback.
 *  - mem* / str* on possibly-kernel memory check the bytes they touch.
 *
 * Like runtime.h, this header includes no libc header: the generated
 * declarations (kernel typedefs such as bool, size_t) live beside it.
 */
#ifndef DUSK_KPRIM_H
#define DUSK_KPRIM_H

#include <dusk/runtime.h>
#include <dusk/printf-ext.h>	/* dusk_pext_arg_size() of `%*ph` lengths */

#ifdef __cplusplus
extern "C" {
#endif

/* ---- locks: kprim.c ---- */
void dusk_kp_lock(const volatile void *lock);
void dusk_kp_unlock(const volatile void *lock);
int dusk_kp_trylock(const volatile void *lock);		/* 1 when taken, as the kernel's */
int dusk_kp_is_locked(const volatile void *lock);	/* held by any thread */
/* atomic_dec_and_mutex_lock / _atomic_dec_and_lock: 1 with @lock held when
 * the count dropped to 0, else 0 with the count decremented. */
int dusk_kp_dec_and_lock(int *counter, const volatile void *lock);

#define dusk_kp_lock_irqsave(l)		(dusk_kp_lock(l), 0UL)
#define dusk_kp_unlock_irqrestore(l, f)	((void)(f), dusk_kp_unlock(l))
#define dusk_kp_lock_interruptible(l)	(dusk_kp_lock(l), 0)
#define dusk_kp_lock_init3(l, n, k)	((void)(l), (void)(n), (void)(k))
#define dusk_kp_lock_init4(l, n, k, t)	((void)(l), (void)(n), (void)(k), (void)(t))
#define dusk_kp_lock_nested(l, sub)	((void)(sub), dusk_kp_lock(l))
#define dusk_kp_trylock_bh		dusk_kp_trylock
#define dusk_kp_atomic_dec_and_lock(v, l)	dusk_kp_dec_and_lock(DUSK_KP_CTR(v), (l))
#define dusk_kp_atomic_dec_and_lock_irqsave(v, l, f) \
	(*(f) = 0, dusk_kp_dec_and_lock(DUSK_KP_CTR(v), (l)))
/* refcount_dec_and_lock() and its irqsave and mutex forms: the same on
 * the refcount_t's atomic_t (the kernel's saturation checks aside) */
#define dusk_kp_refcount_dec_and_lock(r, l)	dusk_kp_atomic_dec_and_lock(&(r)->refs, (l))
#define dusk_kp_refcount_dec_and_lock_irqsave(r, l, f) \
	dusk_kp_atomic_dec_and_lock_irqsave(&(r)->refs, (l), (f))

/* DO_ONCE()'s __do_once_start()/__do_once_done() and the sleepable pair:
 * one program lock held from start to done, the call site's done flag
 * (kprim.c says why they are not kernel calls). */
_Bool dusk_kp_do_once_start(_Bool *done, unsigned long *flags);
void dusk_kp_do_once_done(_Bool *done, void *once_key, unsigned long *flags, void *mod);
_Bool dusk_kp_do_once_sleepable_start(_Bool *done);
void dusk_kp_do_once_sleepable_done(_Bool *done, void *once_key, void *mod);

/* ---- module parameters: paramops.c ----
 * The kernel's param_set_<type>/param_get_<type>, called by a
 * module_param_cb()'s own set or get on the kernel_param the runtime hands
 * it: the same parsing and texts (libduskrt/params.c) on kp->arg, the
 * module's variable in the program. */
int dusk_kp_param_set(const char *type, const char *val, const void *kp);
int dusk_kp_param_get(const char *type, char *buffer, const void *kp);
int dusk_kp_param_set_uint_minmax(const char *val, const void *kp, unsigned int min,
				  unsigned int max);
#define dusk_kp_param_set_byte(v, kp)		dusk_kp_param_set("byte", (v), (kp))
#define dusk_kp_param_get_byte(b, kp)		dusk_kp_param_get("byte", (b), (kp))
#define dusk_kp_param_set_short(v, kp)		dusk_kp_param_set("short", (v), (kp))
#define dusk_kp_param_get_short(b, kp)		dusk_kp_param_get("short", (b), (kp))
#define dusk_kp_param_set_ushort(v, kp)		dusk_kp_param_set("ushort", (v), (kp))
#define dusk_kp_param_get_ushort(b, kp)		dusk_kp_param_get("ushort", (b), (kp))
#define dusk_kp_param_set_int(v, kp)		dusk_kp_param_set("int", (v), (kp))
#define dusk_kp_param_get_int(b, kp)		dusk_kp_param_get("int", (b), (kp))
#define dusk_kp_param_set_uint(v, kp)		dusk_kp_param_set("uint", (v), (kp))
#define dusk_kp_param_get_uint(b, kp)		dusk_kp_param_get("uint", (b), (kp))
#define dusk_kp_param_set_hexint(v, kp)		dusk_kp_param_set("hexint", (v), (kp))
#define dusk_kp_param_get_hexint(b, kp)		dusk_kp_param_get("hexint", (b), (kp))
#define dusk_kp_param_set_long(v, kp)		dusk_kp_param_set("long", (v), (kp))
#define dusk_kp_param_get_long(b, kp)		dusk_kp_param_get("long", (b), (kp))
#define dusk_kp_param_set_ulong(v, kp)		dusk_kp_param_set("ulong", (v), (kp))
#define dusk_kp_param_get_ulong(b, kp)		dusk_kp_param_get("ulong", (b), (kp))
#define dusk_kp_param_set_ullong(v, kp)		dusk_kp_param_set("ullong", (v), (kp))
#define dusk_kp_param_get_ullong(b, kp)		dusk_kp_param_get("ullong", (b), (kp))
#define dusk_kp_param_set_charp(v, kp)		dusk_kp_param_set("charp", (v), (kp))
#define dusk_kp_param_get_charp(b, kp)		dusk_kp_param_get("charp", (b), (kp))
#define dusk_kp_param_set_bool(v, kp)		dusk_kp_param_set("bool", (v), (kp))
#define dusk_kp_param_get_bool(b, kp)		dusk_kp_param_get("bool", (b), (kp))
#define dusk_kp_param_set_bool_enable_only(v, kp) dusk_kp_param_set("bool_enable_only", (v), (kp))
#define dusk_kp_param_set_invbool(v, kp)	dusk_kp_param_set("invbool", (v), (kp))
#define dusk_kp_param_get_invbool(b, kp)	dusk_kp_param_get("invbool", (b), (kp))
#define dusk_kp_param_set_bint(v, kp)		dusk_kp_param_set("bint", (v), (kp))

/* ---- no-ops ---- */
#define dusk_kp_nop0()			((void)0)
#define dusk_kp_nop1(a)			((void)(a))
/* cond_resched(): a user program is preempted by its scheduler anyway;
 * 0 = "did not reschedule". */
#define dusk_kp_zero0()			0
#define dusk_kp_nop2(a, b)		((void)(a), (void)(b))
/* task_size_max(): x86 patches in the 5-level paging limit when the CPU has
 * LA57; the pinned kernel without it (and its QEMU machine) uses 4 levels:
 * the top of user space is 2^47 minus one page. */
#define dusk_kp_task_size_max()		((1UL << 47) - 4096UL)

/* ---- atomics: v is atomic_t * / atomic64_t * (field `counter`) ---- */
#define DUSK_KP_CTR(v)			DUSK_DEREF(&(v)->counter)
#define dusk_kp_atomic_read(v)		__atomic_load_n(DUSK_KP_CTR(v), __ATOMIC_RELAXED)
#define dusk_kp_atomic_set(v, i)	__atomic_store_n(DUSK_KP_CTR(v), (i), __ATOMIC_RELAXED)
#define dusk_kp_atomic_add(i, v)	((void)__atomic_fetch_add(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST))
#define dusk_kp_atomic_sub(i, v)	((void)__atomic_fetch_sub(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST))
#define dusk_kp_atomic_inc(v)		dusk_kp_atomic_add(1, v)
#define dusk_kp_atomic_dec(v)		dusk_kp_atomic_sub(1, v)
#define dusk_kp_atomic_add_return(i, v)	__atomic_add_fetch(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_sub_return(i, v)	__atomic_sub_fetch(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_fetch_add(i, v)	__atomic_fetch_add(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_fetch_sub(i, v)	__atomic_fetch_sub(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_dec_and_test(v)	(dusk_kp_atomic_sub_return(1, v) == 0)
#define dusk_kp_atomic_inc_and_test(v)	(dusk_kp_atomic_add_return(1, v) == 0)
#define dusk_kp_atomic_sub_and_test(i, v) (dusk_kp_atomic_sub_return(i, v) == 0)
#define dusk_kp_atomic_xchg(v, n)	__atomic_exchange_n(DUSK_KP_CTR(v), (n), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_cmpxchg(v, o, n)	__extension__ ({			\
	__typeof__((v)->counter) __o = (o);					\
	__atomic_compare_exchange_n(DUSK_KP_CTR(v), &__o, (n), 0,		\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);	\
	__o; })
#define dusk_kp_atomic_add_negative(i, v) (dusk_kp_atomic_add_return(i, v) < 0)
#define dusk_kp_atomic_and(i, v)	((void)__atomic_fetch_and(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST))
#define dusk_kp_atomic_or(i, v)		((void)__atomic_fetch_or(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST))
#define dusk_kp_atomic_xor(i, v)	((void)__atomic_fetch_xor(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST))
#define dusk_kp_atomic_fetch_and(i, v)	__atomic_fetch_and(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_fetch_or(i, v)	__atomic_fetch_or(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
#define dusk_kp_atomic_fetch_xor(i, v)	__atomic_fetch_xor(DUSK_KP_CTR(v), (i), __ATOMIC_SEQ_CST)
/* try_cmpxchg: on failure *old gets the value found, as the kernel's */
#define dusk_kp_atomic_try_cmpxchg(v, old, n)					\
	__atomic_compare_exchange_n(DUSK_KP_CTR(v), DUSK_DEREF(old), (n), 0,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
/* atomic64_t has the same shape (a `counter` field): the same builtins */
#define dusk_kp_atomic64_read		dusk_kp_atomic_read
#define dusk_kp_atomic64_set		dusk_kp_atomic_set
#define dusk_kp_atomic64_add		dusk_kp_atomic_add
#define dusk_kp_atomic64_sub		dusk_kp_atomic_sub
#define dusk_kp_atomic64_inc		dusk_kp_atomic_inc
#define dusk_kp_atomic64_dec		dusk_kp_atomic_dec
#define dusk_kp_atomic64_add_return	dusk_kp_atomic_add_return
#define dusk_kp_atomic64_sub_return	dusk_kp_atomic_sub_return
#define dusk_kp_atomic64_fetch_add	dusk_kp_atomic_fetch_add
#define dusk_kp_atomic64_fetch_sub	dusk_kp_atomic_fetch_sub
#define dusk_kp_atomic64_dec_and_test	dusk_kp_atomic_dec_and_test
#define dusk_kp_atomic64_inc_and_test	dusk_kp_atomic_inc_and_test
#define dusk_kp_atomic64_sub_and_test	dusk_kp_atomic_sub_and_test
#define dusk_kp_atomic64_add_negative	dusk_kp_atomic_add_negative
#define dusk_kp_atomic64_xchg		dusk_kp_atomic_xchg
#define dusk_kp_atomic64_cmpxchg	dusk_kp_atomic_cmpxchg
#define dusk_kp_atomic64_try_cmpxchg	dusk_kp_atomic_try_cmpxchg
#define dusk_kp_atomic64_and		dusk_kp_atomic_and
#define dusk_kp_atomic64_or		dusk_kp_atomic_or
#define dusk_kp_atomic64_xor		dusk_kp_atomic_xor
#define dusk_kp_atomic64_fetch_and	dusk_kp_atomic_fetch_and
#define dusk_kp_atomic64_fetch_or	dusk_kp_atomic_fetch_or
#define dusk_kp_atomic64_fetch_xor	dusk_kp_atomic_fetch_xor

/* ---- local_t (x86: { atomic_long_t a; }): the atomics on its `a` ---- */
#define dusk_kp_local_add(i, l)		dusk_kp_atomic_add(i, &(l)->a)
#define dusk_kp_local_sub(i, l)		dusk_kp_atomic_sub(i, &(l)->a)
#define dusk_kp_local_inc(l)		dusk_kp_atomic_inc(&(l)->a)
#define dusk_kp_local_dec(l)		dusk_kp_atomic_dec(&(l)->a)
#define dusk_kp_local_add_return(i, l)	dusk_kp_atomic_add_return(i, &(l)->a)
#define dusk_kp_local_sub_return(i, l)	dusk_kp_atomic_sub_return(i, &(l)->a)
#define dusk_kp_local_sub_and_test(i, l) dusk_kp_atomic_sub_and_test(i, &(l)->a)
#define dusk_kp_local_dec_and_test(l)	dusk_kp_atomic_dec_and_test(&(l)->a)
#define dusk_kp_local_inc_and_test(l)	dusk_kp_atomic_inc_and_test(&(l)->a)
#define dusk_kp_local_add_negative(i, l) dusk_kp_atomic_add_negative(i, &(l)->a)
#define dusk_kp_local_xchg(l, n)	dusk_kp_atomic_xchg(&(l)->a, n)
#define dusk_kp_local_cmpxchg(l, o, n)	dusk_kp_atomic_cmpxchg(&(l)->a, o, n)

/* ---- bitops on unsigned long arrays ---- */
#define DUSK_KP_BITS_PER_LONG (8 * (long)sizeof(long))

static inline unsigned long *dusk_kp_word(long nr, const volatile unsigned long *addr)
{
	return (unsigned long *)dusk_check(addr + nr / DUSK_KP_BITS_PER_LONG, sizeof(long));
}

static inline void dusk_kp_set_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(dusk_kp_word(nr, addr), 1UL << (nr % DUSK_KP_BITS_PER_LONG),
			  __ATOMIC_SEQ_CST);
}

static inline void dusk_kp_clear_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(dusk_kp_word(nr, addr), ~(1UL << (nr % DUSK_KP_BITS_PER_LONG)),
			   __ATOMIC_SEQ_CST);
}

static inline _Bool dusk_kp_test_bit(long nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n(dusk_kp_word(nr, addr), __ATOMIC_RELAXED) >>
		(nr % DUSK_KP_BITS_PER_LONG)) & 1;
}

static inline _Bool dusk_kp_test_and_set_bit(long nr, volatile unsigned long *addr)
{
	unsigned long m = 1UL << (nr % DUSK_KP_BITS_PER_LONG);

	return (__atomic_fetch_or(dusk_kp_word(nr, addr), m, __ATOMIC_SEQ_CST) & m) != 0;
}

static inline _Bool dusk_kp_test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	unsigned long m = 1UL << (nr % DUSK_KP_BITS_PER_LONG);

	return (__atomic_fetch_and(dusk_kp_word(nr, addr), ~m, __ATOMIC_SEQ_CST) & m) != 0;
}

static inline void dusk_kp_change_bit(long nr, volatile unsigned long *addr)
{
	__atomic_fetch_xor(dusk_kp_word(nr, addr), 1UL << (nr % DUSK_KP_BITS_PER_LONG),
			   __ATOMIC_SEQ_CST);
}

static inline _Bool dusk_kp_test_and_change_bit(long nr, volatile unsigned long *addr)
{
	unsigned long m = 1UL << (nr % DUSK_KP_BITS_PER_LONG);

	return (__atomic_fetch_xor(dusk_kp_word(nr, addr), m, __ATOMIC_SEQ_CST) & m) != 0;
}

/* clear_bit_unlock_is_negative_byte: clear, then whether bit 7 of the
 * word's first byte is set (PG_waiters for page flags) */
static inline _Bool dusk_kp_clear_bit_unlock_is_negative_byte(long nr, volatile unsigned long *addr)
{
	unsigned long m = 1UL << (nr % DUSK_KP_BITS_PER_LONG);

	return (__atomic_and_fetch(dusk_kp_word(nr, addr), ~m, __ATOMIC_SEQ_CST) & 0x80) != 0;
}

static inline int dusk_kp_fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline unsigned long dusk_kp_ffs0(unsigned long w)
{
	return (unsigned long)__builtin_ctzl(w);
}

static inline unsigned long dusk_kp_fls0(unsigned long w)
{
	return (unsigned long)(DUSK_KP_BITS_PER_LONG - 1 - __builtin_clzl(w));
}

/* ffz: the first zero bit (undefined when there is none, as the kernel's) */
static inline unsigned long dusk_kp_ffz(unsigned long w)
{
	return (unsigned long)__builtin_ctzl(~w);
}

static inline int dusk_kp_fls64(unsigned long long x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* x86 hweight: popcnt through an alternative; the builtin is the same count */
#define dusk_kp_hweight(w)		((unsigned int)__builtin_popcountll(w))

/* The saved flags of irqs_disabled() and local_save_flags(): x86's with
 * IF set, interrupts on.  A program thread never runs with them off
 * (disabling them stays refused: that assembly would run in the program). */
#define dusk_kp_irq_flags()		0x200UL

/* __cpuid (paravirt cpu.cpuid, the native instruction on bare metal and
 * KVM): CPUID is not privileged; the program's answer is the CPU's. */
static inline void dusk_kp_cpuid(unsigned int *eax, unsigned int *ebx,
				 unsigned int *ecx, unsigned int *edx)
{
	__asm__ volatile("cpuid"
			 : "=a" (*eax), "=b" (*ebx), "=c" (*ecx), "=d" (*edx)
			 : "0" (*eax), "2" (*ecx));
}

/* prefetch(), prefetchw() (x86: prefetcht0 / prefetchnta / prefetchw
 * alternatives): a cache hint that never faults, also on a kernel
 * address; what the program computes does not change. */
#define dusk_kp_prefetch(x)		__builtin_prefetch((x), 0)
#define dusk_kp_prefetchw(x)		__builtin_prefetch((x), 1)

/* kernel_fpu_begin[_mask](), kernel_fpu_end(), irq_fpu_usable() (x86):
 * the kernel saves the task's FPU state and disables preemption so kernel
 * code may use SSE/AVX registers.  A program owns its FPU state and may
 * always use it: begin and end are no-ops (dusk_kp_nop0/1), and the FPU
 * is usable.  As kernel calls, begin returned to the program with
 * preemption off in the kmod's netlink handler. */
#define dusk_kp_fpu_usable()		((_Bool)1)

#if defined(__x86_64__) || defined(__i386__)
/* rdtsc() and rdtsc_ordered() (get_cycles(), random_get_entropy()):
 * RDTSC is not privileged (Linux leaves CR4.TSD clear unless a task asks
 * for it, prctl(PR_SET_TSC)): the program reads the same counter.  The
 * kernel orders rdtsc_ordered() with LFENCE or RDTSCP, an LFENCE here. */
static inline unsigned long long dusk_kp_rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

static inline unsigned long long dusk_kp_rdtsc_ordered(void)
{
	__builtin_ia32_lfence();
	return __builtin_ia32_rdtsc();
}
#endif

/* array_index_nospec's mask (x86: cmp; sbb): all ones when index < size.
 * The kernel's point is that the CPU cannot speculate past it; the program
 * is not the kernel, only the value matters there. */
static inline unsigned long dusk_kp_array_index_mask_nospec(unsigned long index,
							    unsigned long size)
{
	return index < size ? ~0UL : 0UL;
}

/* ---- x86 checksum helpers (asm/checksum_64.h: addl/adcl chains): the
 * same one's-complement sums in C ---- */
static inline unsigned int dusk_kp_add32_with_carry(unsigned int a, unsigned int b)
{
	unsigned long long r = (unsigned long long)a + b;

	return (unsigned int)r + (unsigned int)(r >> 32);
}

static inline unsigned int dusk_kp_fold64(unsigned long long s)
{
	s = (s & 0xffffffffULL) + (s >> 32);
	return (unsigned int)((s & 0xffffffffULL) + (s >> 32));
}

static inline unsigned short dusk_kp_csum_fold(unsigned int s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (unsigned short)~s;
}

static inline unsigned int dusk_kp_csum_tcpudp_nofold(unsigned int saddr, unsigned int daddr,
						      unsigned int len, unsigned char proto,
						      unsigned int sum)
{
	return dusk_kp_fold64((unsigned long long)sum + daddr + saddr +
			      (unsigned int)((len + proto) << 8));
}

/* ip_fast_csum: the header's ihl 32-bit words, read through check() */
static inline unsigned short dusk_kp_ip_fast_csum(const void *iph, unsigned int ihl)
{
	const unsigned int *w = (const unsigned int *)dusk_check(iph, 4UL * ihl);
	unsigned long long s = 0;
	unsigned int i;

	for (i = 0; i < ihl; i++)
		s += w[i];
	return dusk_kp_csum_fold(dusk_kp_fold64(s));
}

/* ---- static keys: static_key_enable() & co. are kernel calls on the key
 * (the module's key is committed to its mirror, the change read back), so
 * a branch reads the key as they left it.  arch_static_branch[_jump]()
 * returns true when the jump label is patched to jump, which the kernel
 * does when the key's state differs from @branch (jump_label_type()). ---- */
#define dusk_kp_static_branch(key, branch) \
	((__atomic_load_n(DUSK_KP_CTR(&(key)->enabled), __ATOMIC_RELAXED) > 0) != (branch))

/* ---- per-cpu data: percpu.c.  The module's own per-cpu objects
 * (DEFINE_PER_CPU, alloc_percpu) get one copy per possible CPU of the live
 * kernel, in the program; copy 0 is the object itself.  Kernel per-cpu
 * memory is reached at addr + __per_cpu_offset[cpu] (@koff, the kernel's
 * table), read and written through dusk_check() like any kernel memory.
 * "This CPU" is the CPU the program thread runs on (sched_getcpu()), modulo
 * the number of possible CPUs. ---- */
#define DUSK_PCPU_READ		0
#define DUSK_PCPU_SET		1	/* returns the old value (xchg) */
#define DUSK_PCPU_ADD		2	/* returns the old value (xadd) */
#define DUSK_PCPU_AND		3
#define DUSK_PCPU_OR		4
#define DUSK_PCPU_CMPXCHG	5	/* sets @val when the value is @old */
unsigned int dusk_smp_processor_id(void);
unsigned int dusk_nr_cpu_ids(void);	/* the live kernel's possible CPUs */
/* Register the module's own DEFINE_PER_CPU object [@var, @var + @size):
 * the generated program does it for each before main(). */
void dusk_percpu_define(void *var, size_t size);
/* Apply @op to the per-cpu object at @addr (a per-cpu address, as
 * this_cpu_*() take it) of @size bytes on this CPU; returns the value
 * before the operation.  Program threads are serialized around it, as
 * preemption being off serializes this_cpu_*() on one CPU. */
unsigned long dusk_percpu_op(void *addr, size_t size, int op, unsigned long val,
			     unsigned long old, const unsigned long *koff);
/* per_cpu_ptr(@addr, @cpu) as an address the program can dereference
 * (own copy, or kernel address for dusk_check()). */
unsigned long dusk_percpu_ptr(unsigned long addr, unsigned int cpu, const unsigned long *koff);
/* alloc_percpu()/free_percpu(): program memory, zeroed, one copy per CPU */
void *dusk_percpu_alloc(size_t size, size_t align);
#define dusk_percpu_alloc_gfp(size, align, gfp)	((void)(gfp), dusk_percpu_alloc(size, align))
void dusk_percpu_free(void *p);

/* ---- BUG() / WARN(): kprim.c.  WARN reports and continues, as the
 * kernel does: by default in the kernel log as the kernel's report (cut
 * line, "WARNING: ... at FILE:LINE", the program's frames), a
 * WARN_ON_ONCE() site (@flags' BUGFLAG_ONCE) once only; BUG aborts the
 * program (the kernel would kill the task), so gdb stops right there. ---- */
void dusk_kp_warn(const char *file, int line, unsigned int flags);
__attribute__((noreturn)) void dusk_kp_bug(const char *file, int line);
/* CONFIG_DEBUG_LIST's __list_add_valid()/__list_del_entry_valid() on the
 * program's view of the list: true, or the program dies with the kernel's
 * message (the kernel build BUG()s). */
_Bool dusk_kp_list_add_valid(void *entry, void *prev, void *next);
_Bool dusk_kp_list_del_entry_valid(void *entry);
/* A kernel function the kernel does not export to modules, called in code
 * the kernel's compiler folds away (lockdep_is_held() under
 * RCU_LOCKDEP_WARN): the user build stops if the call is ever reached. */
__attribute__((noreturn)) void dusk_kp_unexported(const char *name);
/* Another module's export (EXPORT_SYMBOL) the module imports: a user build
 * cannot link against it; the program stops if it reaches it. */
__attribute__((noreturn)) void dusk_kp_imported(const char *name);
/* dump_stack(): the program's own frames in the kernel log, as a WARN's
 * (the kernel's dump_stack() would show the program's kernel call). */
void dusk_kp_dump_stack(void);
/* Replace how warnings are reported (NULL: the kernel log, above). */
void dusk_kp_set_warn_handler(void (*fn)(const char *file, int line));

/* fortify_memcpy_chk(): the kernel build already checked these copies */
static inline _Bool dusk_kp_fortify_ok(unsigned long size, unsigned long p_size,
				      unsigned long q_size, unsigned long p_size_field,
				      unsigned long q_size_field, const char *func)
{
	(void)size, (void)p_size, (void)q_size, (void)p_size_field, (void)q_size_field;
	(void)func;
	return 0;
}

static inline void dusk_kp_fortify_memset_ok(unsigned long size, unsigned long p_size,
					     unsigned long p_size_field)
{
	(void)size, (void)p_size, (void)p_size_field;
}

/* fortify_panic(): a fortified string function overflowed at run time */
#define dusk_kp_fortify_panic(name)	dusk_kp_bug(name, 0)

/* ---- memory and strings: pointers keep kernel values ---- */
static inline void *dusk_kp_memcpy(void *d, const void *s, size_t n)
{
	if (n)
		__builtin_memcpy(dusk_check(d, n), dusk_check(s, n), n);
	return d;
}

static inline void *dusk_kp_memmove(void *d, const void *s, size_t n)
{
	if (n)
		__builtin_memmove(dusk_check(d, n), dusk_check(s, n), n);
	return d;
}

static inline void *dusk_kp_memset(void *d, int c, size_t n)
{
	if (n)
		__builtin_memset(dusk_check(d, n), c, n);
	return d;
}

/* x86's memset16/32/64 (memset_l()'s and memset_p()'s too) are `rep
 * stos` over the kernel's address: here the same n stores of one value
 * through the checked range, @s answered as the kernel's are (@s is
 * void: the kernel's u64 is unsigned long long, the program's unsigned
 * long). */
static inline void *dusk_kp_memset16(void *s, unsigned short v, size_t n)
{
	uint16_t *p = (uint16_t *)(n ? dusk_check(s, n * sizeof(*p)) : s);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = v;
	return s;
}

static inline void *dusk_kp_memset32(void *s, unsigned int v, size_t n)
{
	uint32_t *p = (uint32_t *)(n ? dusk_check(s, n * sizeof(*p)) : s);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = v;
	return s;
}

static inline void *dusk_kp_memset64(void *s, unsigned long long v, size_t n)
{
	uint64_t *p = (uint64_t *)(n ? dusk_check(s, n * sizeof(*p)) : s);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = v;
	return s;
}

static inline int dusk_kp_memcmp(const void *a, const void *b, size_t n)
{
	return n ? __builtin_memcmp(dusk_check(a, n), dusk_check(b, n), n) : 0;
}

static inline void *dusk_kp_memchr(const void *p, int c, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i;

	for (i = 0; i < n; i++)
		if (*(const unsigned char *)dusk_check(s + i, 1) == (unsigned char)c)
			return (void *)(s + i);
	return NULL;
}

static inline size_t dusk_kp_strlen(const char *s)
{
	size_t n = 0;

	while (*(const char *)dusk_check(s + n, 1))
		n++;
	return n;
}

/* fortify-string.h's strcpy() family ends in __builtin_strcpy() & co.,
 * which gcc emits as calls to strcpy(): in the program that is the
 * module's own copy of the fortified inline, which would call itself
 * (test_hexdump's strncpy() recursed until the stack ran out). */
static inline char *dusk_kp_strncpy(char *d, const char *s, size_t n)
{
	size_t i;
	char c = 1;

	for (i = 0; i < n; i++) {	/* the rest of d is zeroed, as strncpy() does */
		if (c)
			c = *(const char *)dusk_check(s + i, 1);
		*(char *)dusk_check(d + i, 1) = c;
	}
	return d;
}

static inline char *dusk_kp_strcpy(char *d, const char *s)
{
	return (char *)dusk_kp_memcpy(d, s, dusk_kp_strlen(s) + 1);
}

static inline char *dusk_kp_strcat(char *d, const char *s)
{
	dusk_kp_strcpy(d + dusk_kp_strlen(d), s);
	return d;
}

static inline char *dusk_kp_strncat(char *d, const char *s, size_t n)
{
	char *p = d + dusk_kp_strlen(d), c;
	size_t i;

	for (i = 0; i < n && (c = *(const char *)dusk_check(s + i, 1)); i++)
		*(char *)dusk_check(p + i, 1) = c;
	*(char *)dusk_check(p + i, 1) = '\0';
	return d;
}

static inline int dusk_kp_strncmp(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = *(const unsigned char *)dusk_check(a + i, 1);
		unsigned char y = *(const unsigned char *)dusk_check(b + i, 1);

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

static inline int dusk_kp_strcmp(const char *a, const char *b)
{
	return dusk_kp_strncmp(a, b, (size_t)-1);
}

#ifdef __cplusplus
}
#endif

#endif /* DUSK_KPRIM_H */
