/* SPDX-License-Identifier: MIT */
/*
 * Per-cpu data (percpu.c): the module's own DEFINE_PER_CPU objects and
 * alloc_percpu() blocks get one copy per possible CPU, each starting as
 * the object's initializer; this_cpu_*() operations act on the calling
 * thread's CPU copy and return the value before; per_cpu_ptr() reaches any
 * CPU's copy, fields included.
 */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <cmocka.h>
#include <dusk/kprim.h>
#include "rt-internal.h"

struct stats {
	uint64_t packets;
	uint32_t drops;
};

static unsigned long hits = 5;			/* DEFINE_PER_CPU(unsigned long, hits) = 5 */
static struct stats st = { 1, 2 };

static unsigned int ncpu(void)
{
	return dusk_nr_cpu_ids();
}

static void test_define_copies(void **state)
{
	unsigned int cpu, me = dusk_smp_processor_id();
	unsigned long old;

	(void)state;
	dusk_percpu_define(&hits, sizeof(hits));
	dusk_percpu_define(&hits, sizeof(hits));	/* twice is once */
	old = dusk_percpu_op(&hits, sizeof(hits), DUSK_PCPU_ADD, 3, 0, NULL);
	assert_int_equal(old, 5);
	assert_int_equal(dusk_percpu_op(&hits, sizeof(hits), DUSK_PCPU_READ, 0, 0, NULL), 8);
	for (cpu = 0; cpu < ncpu(); cpu++) {
		unsigned long *p = (unsigned long *)dusk_percpu_ptr((unsigned long)&hits, cpu, NULL);

		assert_int_equal(*p, cpu == me ? 8 : 5);
		if (cpu == 0)
			assert_ptr_equal(p, &hits);	/* copy 0 is the variable */
	}
}

static void test_ops(void **state)
{
	(void)state;
	dusk_percpu_define(&st, sizeof(st));
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_SET, 7, 0, NULL), 2);
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_OR, 8, 0, NULL), 7);
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_AND, 12, 0, NULL), 15);
	/* cmpxchg: sets only when the value is the expected one */
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_CMPXCHG, 99, 1, NULL), 12);
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_CMPXCHG, 99, 12, NULL), 12);
	assert_int_equal(dusk_percpu_op(&st.drops, 4, DUSK_PCPU_READ, 0, 0, NULL), 99);
	/* an add of -1 (this_cpu_dec) wraps in the object's width */
	assert_int_equal(dusk_percpu_op(&st.packets, 8, DUSK_PCPU_ADD, (unsigned long)-1L, 0,
					NULL), 1);
	assert_int_equal(dusk_percpu_op(&st.packets, 8, DUSK_PCPU_READ, 0, 0, NULL), 0);
}

static void test_alloc(void **state)
{
	struct stats *s = dusk_percpu_alloc(sizeof(*s), 8);
	unsigned int cpu;

	(void)state;
	assert_non_null(s);
	dusk_percpu_op(&s->packets, 8, DUSK_PCPU_ADD, 2, 0, NULL);
	for (cpu = 0; cpu < ncpu(); cpu++) {
		struct stats *c = (struct stats *)dusk_percpu_ptr((unsigned long)s, cpu, NULL);
		struct stats *f = (struct stats *)(dusk_percpu_ptr((unsigned long)&s->drops, cpu,
								   NULL) - offsetof(struct stats, drops));

		assert_ptr_equal(c, f);
		assert_int_equal(c->packets, cpu == dusk_smp_processor_id() ? 2 : 0);
		/* as in the kernel, the block's address is no CPU's copy */
		assert_ptr_not_equal(c, s);
	}
	dusk_percpu_free(s);
	dusk_percpu_free(NULL);
}

/* In a callback, "this CPU" is the one the kernel raised it on, however the
 * program's thread migrates: kpercpu read its write back after put_cpu()
 * as 0 from another CPU's copy. */
static void test_callback_cpu_is_the_upcalls(void **state)
{
	struct dusk_thread *t = dusk_thread();
	unsigned int want = ncpu() - 1, i;
	cpu_set_t on0;

	(void)state;
	/* the thread runs on CPU 0, the callback was raised on the last */
	CPU_ZERO(&on0);
	CPU_SET(0, &on0);
	sched_setaffinity(0, sizeof(on0), &on0);
	t->ctx = 42;
	t->cpu = want;
	for (i = 0; i < 1000; i++) {
		assert_int_equal(dusk_smp_processor_id(), want);
		sched_yield();
	}
	t->cpu = want + ncpu();		/* a CPU the program does not know: modulo */
	assert_int_equal(dusk_smp_processor_id(), want);
	t->ctx = 0;
	assert_true(dusk_smp_processor_id() < ncpu());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_define_copies),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_callback_cpu_is_the_upcalls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
