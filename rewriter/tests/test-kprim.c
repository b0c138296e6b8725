// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the kernel-primitive table (rewriter/kprim-table.c) and of
 * the user-level meanings in include/dusk/kprim.h + libduskrt/kprim.c,
 * run on the program's own memory (dusk_check() passes it through).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dusk/kprim.h>
#include "rewriter.h"

static void table_sorted_and_found(void **state)
{
	size_t n, i;
	const struct kprim *t = kprim_table(&n);

	(void)state;
	assert_true(n > 50);
	for (i = 0; i < n; i++) {
		if (i)
			assert_true(strcmp(t[i - 1].name, t[i].name) < 0);
		assert_ptr_equal(kprim_find(t[i].name), &t[i]);
	}
	assert_null(kprim_find("nf_register_net_hook"));
	assert_string_equal(kprim_find("spin_lock_bh")->user, "dusk_kp_lock");
	assert_string_equal(kprim_find("get_current")->user, "dusk_current");
}

/* Every replacement names something kprim.h (or the compiler) provides. */
static void table_users_exist(void **state)
{
	size_t n, i, len;
	const struct kprim *t = kprim_table(&n);
	FILE *f = fopen(KPRIM_H_PATH, "r");
	char *text;

	(void)state;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	text = calloc(1, len + 1);
	assert_int_equal(fread(text, 1, len, f), len);
	fclose(f);
	for (i = 0; i < n; i++) {
		char *def, *alias;

		if (!strncmp(t[i].user, "__builtin_", 10) || !strcmp(t[i].user, "dusk_current"))
			continue;
		def = xasprintf("%s(", t[i].user);		/* function or macro */
		alias = xasprintf("#define %s\t", t[i].user);	/* alias of another */
		if (!strstr(text, def) && !strstr(text, alias))
			fail_msg("%s -> %s: not defined in kprim.h", t[i].name, t[i].user);
		free(def);
		free(alias);
	}
	free(text);
}

/* One owner per object: a user-owned object's APIs are all primitives,
 * a kernel-owned object's are all kernel calls but for its readers. */
static void one_owner_per_object(void **state)
{
	size_t n, i, j;
	const struct kprim_family *f = kprim_families(&n);
	unsigned flags;

	(void)state;
	assert_true(n >= 5);
	for (i = 0; i < n; i++) {
		for (j = 0; f[i].members[j]; j++) {
			const char *m = f[i].members[j];

			if (f[i].user_owned && !kprim_find(m))
				fail_msg("%s is user-owned but %s is not a primitive", f[i].object, m);
			if (f[i].user_owned && kapi_force_stub(m, &flags))
				fail_msg("%s is user-owned but %s is a forced stub", f[i].object, m);
			if (!f[i].user_owned && kprim_find(m))
				fail_msg("%s is kernel-owned but %s is a primitive", f[i].object, m);
		}
		for (j = 0; f[i].readers[j]; j++)
			if (!kprim_find(f[i].readers[j]))
				fail_msg("%s: reader %s is not a primitive", f[i].object,
					 f[i].readers[j]);
	}
	/* every lock primitive belongs to a user-owned family */
	{
		size_t nk, k;
		const struct kprim *t = kprim_table(&nk);

		for (k = 0; k < nk; k++) {
			int found = 0;

			if (strncmp(t[k].user, "dusk_kp_lock", 12) &&
			    strncmp(t[k].user, "dusk_kp_unlock", 14) &&
			    strncmp(t[k].user, "dusk_kp_trylock", 15) &&
			    strcmp(t[k].user, "dusk_kp_is_locked"))
				continue;
			for (i = 0; i < n && !found; i++)
				for (j = 0; f[i].user_owned && f[i].members[j] && !found; j++)
					found = !strcmp(f[i].members[j], t[k].name);
			if (!found)
				fail_msg("lock primitive %s is in no family", t[k].name);
		}
	}
}

typedef struct { int counter; } atomic_t;

/* struct static_key as the kernel lays it out (enabled first) */
struct static_key {
	atomic_t enabled;
	void *entries;
};

static void static_branch_reads_the_key(void **state)
{
	struct static_key off = { { 0 }, NULL }, on = { { 1 }, NULL };

	(void)state;
	/* static_branch_unlikely(false key): arch_static_branch(key, false) */
	assert_false(dusk_kp_static_branch(&off, 0));
	assert_true(dusk_kp_static_branch(&on, 0));
	/* static_branch_likely(true key): !arch_static_branch_jump(key, true) */
	assert_false(!dusk_kp_static_branch(&off, 1));
	assert_true(!dusk_kp_static_branch(&on, 1));
}

static void is_locked_and_dec_and_lock(void **state)
{
	static int lk;
	atomic_t cnt = { 2 };

	(void)state;
	assert_false(dusk_kp_is_locked(&lk));
	dusk_kp_lock(&lk);
	assert_true(dusk_kp_is_locked(&lk));
	dusk_kp_unlock(&lk);
	assert_false(dusk_kp_is_locked(&lk));
	assert_false(dusk_kp_atomic_dec_and_lock(&cnt, &lk));	/* 2 -> 1, no lock */
	assert_false(dusk_kp_is_locked(&lk));
	assert_true(dusk_kp_atomic_dec_and_lock(&cnt, &lk));	/* 1 -> 0, locked */
	assert_true(dusk_kp_is_locked(&lk));
	assert_int_equal(cnt.counter, 0);
	dusk_kp_unlock(&lk);
}

static void atomics(void **state)
{
	atomic_t a = { 5 };
	atomic_t *v = &a;

	(void)state;
	dusk_kp_atomic_inc(v);
	assert_int_equal(dusk_kp_atomic_read(v), 6);
	dusk_kp_atomic_sub(2, v);
	assert_int_equal(a.counter, 4);
	assert_int_equal(dusk_kp_atomic_add_return(3, v), 7);
	assert_int_equal(dusk_kp_atomic_cmpxchg(v, 7, 9), 7);
	assert_int_equal(a.counter, 9);
	assert_int_equal(dusk_kp_atomic_cmpxchg(v, 1, 2), 9);
	dusk_kp_atomic_set(v, 1);
	assert_true(dusk_kp_atomic_dec_and_test(v));
}

static void bitops(void **state)
{
	unsigned long bits[2] = { 0, 0 };

	(void)state;
	dusk_kp_set_bit(3, bits);
	dusk_kp_set_bit(65, bits);
	assert_int_equal(bits[0], 8);
	assert_int_equal(bits[1], 2);
	assert_true(dusk_kp_test_bit(65, bits));
	assert_false(dusk_kp_test_bit(64, bits));
	assert_true(dusk_kp_test_and_clear_bit(3, bits));
	assert_false(dusk_kp_test_and_clear_bit(3, bits));
	assert_false(dusk_kp_test_and_set_bit(0, bits));
	assert_int_equal(bits[0], 1);
	assert_int_equal(dusk_kp_fls(0x10), 5);
	assert_int_equal(dusk_kp_fls(0), 0);
	assert_int_equal(dusk_kp_ffs0(0x10), 4);
}

static void strings(void **state)
{
	char a[8] = "abc", b[8];

	(void)state;
	assert_ptr_equal(dusk_kp_memcpy(b, a, 4), b);
	assert_string_equal(b, "abc");
	assert_int_equal(dusk_kp_strlen(b), 3);
	assert_int_equal(dusk_kp_memcmp(a, b, 4), 0);
	dusk_kp_memset(b, 'x', 2);
	assert_true(dusk_kp_memcmp(a, b, 2) < 0);
	assert_true(dusk_kp_strcmp("abd", "abc") > 0);
	assert_int_equal(dusk_kp_strncmp("abd", "abc", 2), 0);
	assert_ptr_equal(dusk_kp_memchr(a, 'c', 3), a + 2);
	assert_null(dusk_kp_memchr(a, 'z', 3));
}

/* memset16/32/64: n elements of one value, the first argument answered */
static void memset_n(void **state)
{
	uint16_t h[4] = { 0 };
	uint32_t w[4] = { 0 };
	uint64_t q[4] = { 0 };

	(void)state;
	assert_ptr_equal(dusk_kp_memset16(h, 0xb1b2, 3), h);
	assert_int_equal(h[0], 0xb1b2);
	assert_int_equal(h[2], 0xb1b2);
	assert_int_equal(h[3], 0);
	assert_ptr_equal(dusk_kp_memset32(w + 1, 0xb1b2b3b4, 2), w + 1);
	assert_int_equal(w[0], 0);
	assert_int_equal(w[2], 0xb1b2b3b4);
	assert_int_equal(w[3], 0);
	assert_ptr_equal(dusk_kp_memset64(q, 0x0102030405060708ULL, 0), q);
	assert_int_equal(q[0], 0);
	dusk_kp_memset64(q, 0x0102030405060708ULL, 4);
	assert_true(q[3] == 0x0102030405060708ULL);
}

static long shared;
static int lock_word;	/* the "kernel lock": only its address matters */

static void *adder(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 100000; i++) {
		dusk_kp_lock(&lock_word);
		shared++;
		dusk_kp_unlock(&lock_word);
	}
	return NULL;
}

static void locks(void **state)
{
	pthread_t t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, adder, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(shared, 400000);
	assert_true(dusk_kp_trylock(&lock_word));
	assert_false(dusk_kp_trylock(&lock_word));	/* not recursive, like a spinlock */
	dusk_kp_unlock(&lock_word);
}

static int warned_line, warnings;

static void on_warn(const char *file, int line)
{
	(void)file;
	warned_line = line;
	warnings++;
}

static void warn_continues(void **state)
{
	(void)state;
	dusk_kp_set_warn_handler(on_warn);
	dusk_kp_warn("x.c", 42, 1);
	assert_int_equal(warned_line, 42);
	dusk_kp_set_warn_handler(NULL);
}

/* x86's WARN_ON_ONCE() is a WARN with BUGFLAG_ONCE (2) and no flag of the
 * module's: its site reports once, a WARN_ON() site every time. */
static void warn_once_per_site(void **state)
{
	char other[] = "x.c";
	int i;

	(void)state;
	dusk_kp_set_warn_handler(on_warn);
	warnings = 0;
	for (i = 0; i < 3; i++) {
		dusk_kp_warn("x.c", 50, 1 | 2);
		dusk_kp_warn(other, 50, 1 | 2);	/* the same site, another string */
		dusk_kp_warn("x.c", 51, 1 | 2);
		dusk_kp_warn("x.c", 52, 1);
	}
	assert_int_equal(warnings, 1 + 1 + 3);
	dusk_kp_set_warn_handler(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_sorted_and_found),
		cmocka_unit_test(table_users_exist),
		cmocka_unit_test(one_owner_per_object),
		cmocka_unit_test(static_branch_reads_the_key),
		cmocka_unit_test(is_locked_and_dec_and_lock),
		cmocka_unit_test(atomics),
		cmocka_unit_test(bitops),
		cmocka_unit_test(strings),
		cmocka_unit_test(memset_n),
		cmocka_unit_test(locks),
		cmocka_unit_test(warn_continues),
		cmocka_unit_test(warn_once_per_site),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
