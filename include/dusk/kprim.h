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

#ifdef __cplusplus
extern "C" {
#endif

/* ---- locks: kprim.c ---- */
void dusk_kp_lock(const volatile void *lock);
void dusk_kp_unlock(const volatile void *lock);
int dusk_kp_trylock(const volatile void *lock);		/* 1 when taken, as the kernel's */

#define dusk_kp_lock_irqsave(l)		(dusk_kp_lock(l), 0UL)
#define dusk_kp_unlock_irqrestore(l, f)	((void)(f), dusk_kp_unlock(l))
#define dusk_kp_lock_interruptible(l)	(dusk_kp_lock(l), 0)
#define dusk_kp_lock_init3(l, n, k)	((void)(l), (void)(n), (void)(k))
#define dusk_kp_lock_init4(l, n, k, t)	((void)(l), (void)(n), (void)(k), (void)(t))

/* ---- no-ops ---- */
#define dusk_kp_nop0()			((void)0)
#define dusk_kp_nop1(a)			((void)(a))
/* cond_resched(): a user program is preempted by its scheduler anyway;
 * 0 = "did not reschedule". */
#define dusk_kp_zero0()			0
#define dusk_kp_nop2(a, b)		((void)(a), (void)(b))

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
#define dusk_kp_atomic64_read		dusk_kp_atomic_read
#define dusk_kp_atomic64_set		dusk_kp_atomic_set
#define dusk_kp_atomic64_add		dusk_kp_atomic_add
#define dusk_kp_atomic64_sub		dusk_kp_atomic_sub
#define dusk_kp_atomic64_inc		dusk_kp_atomic_inc
#define dusk_kp_atomic64_dec		dusk_kp_atomic_dec
#define dusk_kp_atomic64_add_return	dusk_kp_atomic_add_return

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

/* ---- static keys: every key is in its default state (jump label not
 * patched), which is what arch_static_branch*() == false means ---- */
#define dusk_kp_static_branch(key, branch)	((void)(key), (void)(branch), 0)

/* ---- BUG() / WARN(): kprim.c.  WARN reports through the warn handler
 * and continues, as the kernel does; BUG aborts the program (the kernel
 * would kill the task), so gdb stops right there. ---- */
void dusk_kp_warn(const char *file, int line, unsigned int flags);
__attribute__((noreturn)) void dusk_kp_bug(const char *file, int line);
/* Replace how warnings are reported (default: one line on stderr). */
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
