/* SPDX-License-Identifier: MIT */
/*
 * check() and the shadow cache against the simulated kernel: own memory
 * passes through, kernel memory is filled (a granule on a page's first
 * miss, the rest of the page on its second) and then hit
 * without requests, an epoch end invalidates everything, write-back sends
 * only the bytes the program changed, prefetched upcall bytes need no READ,
 * HELD upcall bytes stay what they were across the callback's kernel calls,
 * a read of unmapped kernel memory is a loud fault, and kernel pages
 * scattered over memory (packets on slab pages) cost few mappings.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "harness.h"
#include "testmod.h"

#define K 0xffff888000010000ull	/* two writable pages of fake kernel memory */

static struct dusk_sim *sim;

static uint64_t stub_noop(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 7;
}

static int setup(void **state)
{
	unsigned char *mem;
	int i;

	(void)state;
	harness_log_capture();
	sim = harness_sim(&tm_module);
	assert_int_equal(dusk_sim_map(sim, K, 2 * 4096, 1), 0);
	mem = dusk_sim_ptr(sim, K);
	for (i = 0; i < 2 * 4096; i++)
		mem[i] = (unsigned char)(i * 7);
	dusk_sim_set_stub(sim, STUB_NOOP, stub_noop, NULL);
	harness_open(sim, &tm_module, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	harness_close(sim);
	return 0;
}

static unsigned int reads(void)
{
	struct dusk_sim_stats st;

	dusk_sim_stats(sim, &st);
	return st.reads;
}

static void own_memory_is_itself(void **state)
{
	int local = 5;
	static char global[16];

	(void)state;
	assert_ptr_equal(dusk_check(&local, sizeof(local)), &local);
	assert_ptr_equal(dusk_check(global + 3, 4), global + 3);
	assert_int_equal(reads(), 0);
}

static void kernel_page_filled_once_then_hit(void **state)
{
	unsigned char *p, *q, *r;

	(void)state;
	p = dusk_check((void *)(uintptr_t)(K + 100), 8);
	assert_true((uintptr_t)p < DUSK_SIM_KBASE);
	assert_memory_equal(p, (unsigned char *)dusk_sim_ptr(sim, K + 100), 8);
	assert_int_equal(reads(), 1);
	/* Same page: no request, same contiguous mapping. */
	q = dusk_check((void *)(uintptr_t)(K + 200), 16);
	assert_ptr_equal(q, p + 100);
	assert_int_equal(reads(), 1);
	/* Crossing into the second page: one more READ, still contiguous. */
	r = dusk_check((void *)(uintptr_t)(K + 4090), 16);
	assert_ptr_equal(r, p + 3990);
	assert_memory_equal(r, (unsigned char *)dusk_sim_ptr(sim, K + 4090), 16);
	assert_int_equal(reads(), 2);
}

static size_t read_bytes(void)
{
	struct dusk_sim_stats st;

	dusk_sim_stats(sim, &st);
	return st.read_bytes;
}

/* One kernel variable read after every call moves 512 bytes, not a page. */
static void first_miss_reads_granule(void **state)
{
	unsigned char *mem = dusk_sim_ptr(sim, K);

	(void)state;
	assert_memory_equal(dusk_check((void *)(uintptr_t)(K + 1000), 8), mem + 1000, 8);
	assert_int_equal(reads(), 1);
	assert_int_equal(read_bytes(), 512);	/* [K+512, K+1024) */
	assert_memory_equal(dusk_check((void *)(uintptr_t)(K + 1020), 4), mem + 1020, 4);
	assert_int_equal(reads(), 1);
	/* A second miss on the page: the rest of it. */
	assert_memory_equal(dusk_check((void *)(uintptr_t)(K + 2000), 8), mem + 2000, 8);
	assert_int_equal(reads(), 2);
	assert_memory_equal(dusk_check((void *)(uintptr_t)(K + 100), 3000), mem + 100, 3000);
	assert_int_equal(reads(), 2);
}

static void multi_page_range_is_one_read(void **state)
{
	unsigned char *p;

	(void)state;
	p = dusk_check((void *)(uintptr_t)K, 2 * 4096);
	assert_memory_equal(p, dusk_sim_ptr(sim, K), 2 * 4096);
	assert_int_equal(reads(), 1);
}

static void epoch_end_invalidates(void **state)
{
	unsigned char *p;

	(void)state;
	p = dusk_check((void *)(uintptr_t)(K + 8), 1);
	assert_int_equal(*p, (unsigned char)(8 * 7));
	((unsigned char *)dusk_sim_ptr(sim, K + 8))[0] = 0xEE;	/* the kernel changes it */
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 8), 1),
			 (unsigned char)(8 * 7));	/* same epoch: the shadow */
	assert_int_equal(reads(), 1);
	assert_int_equal(dusk_call(STUB_NOOP, NULL, 0), 7);	/* ends the epoch */
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 8), 1), 0xEE);
	assert_int_equal(reads(), 2);
}

/*
 * A callback going back and forth between two pages (an sk_buff and its
 * headers) finds each in the few ranges dusk_check_kernel() remembers;
 * an epoch end forgets them with the inline one: a page the kernel
 * changed meanwhile is read again, never served from a remembered range.
 */
static void recent_pages_forgotten_at_epoch_end(void **state)
{
	unsigned char *a, *b;
	int i;

	(void)state;
	a = dusk_check((void *)(uintptr_t)(K + 16), 1);
	b = dusk_check((void *)(uintptr_t)(K + 4096 + 16), 1);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(dusk_check((void *)(uintptr_t)(K + 16), 1), a);
		assert_ptr_equal(dusk_check((void *)(uintptr_t)(K + 4096 + 16), 1), b);
	}
	assert_int_equal(reads(), 2);
	((unsigned char *)dusk_sim_ptr(sim, K + 16))[0] = 0xA5;
	((unsigned char *)dusk_sim_ptr(sim, K + 4096 + 16))[0] = 0x5A;
	assert_int_equal(dusk_call(STUB_NOOP, NULL, 0), 7);	/* ends the epoch */
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 4096 + 16), 1), 0x5A);
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 16), 1), 0xA5);
	assert_int_equal(reads(), 4);
}

static void writeback_only_changed_bytes(void **state)
{
	struct dusk_sim_write w[16];
	unsigned char *p, *mem = dusk_sim_ptr(sim, K);
	size_t n;

	(void)state;
	p = dusk_check((void *)(uintptr_t)K, 4096);
	dusk_sim_take_writes(sim, w, 16);
	p[10] = 0xA1;
	p[11] = 0xA2;
	p[500] = 0xB0;
	p[600] = p[600];		/* written, unchanged: not sent */
	mem[20] = 0xCC;			/* the kernel changes a byte meanwhile */
	p[4095] = 0xD0;			/* these two are adjacent across the */
	*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 4096), 1) = 0xD1;	/* page boundary */
	dusk_call(STUB_NOOP, NULL, 0);
	n = dusk_sim_take_writes(sim, w, 16);
	assert_int_equal(n, 3);
	assert_int_equal(w[0].addr, K + 10);
	assert_int_equal(w[0].len, 2);
	assert_int_equal(w[1].addr, K + 500);
	assert_int_equal(w[1].len, 1);
	assert_int_equal(w[2].addr, K + 4095);	/* coalesced across pages */
	assert_int_equal(w[2].len, 2);
	assert_int_equal(mem[10], 0xA1);
	assert_int_equal(mem[11], 0xA2);
	assert_int_equal(mem[500], 0xB0);
	assert_int_equal(mem[20], 0xCC);	/* not clobbered */
	assert_int_equal(mem[4096], 0xD1);
}

/* Let more than the volatile read's age limit (1 ms) pass. */
/* The volatile reads' clock in the tests: it moves only when told. */
static int64_t fake_ns = 1000000000;
static int64_t (*real_clock)(void);

static int64_t fake_clock(void)
{
	return fake_ns;
}

static void pass_2ms(void)
{
	fake_ns += 2000000;
}

/*
 * A volatile access (READ_ONCE(), jiffies) to kernel memory the kernel
 * changes with no kernel call in between: a plain access keeps the epoch's
 * value, a volatile one sees the kernel's once its bytes are older than a
 * millisecond (a busy wait ends), and bytes the program wrote this epoch
 * stay its own and still go back.
 */
static void volatile_read_sees_kernel_change(void **state)
{
	unsigned char *mem = dusk_sim_ptr(sim, K);
	volatile uint32_t *v = (volatile uint32_t *)(uintptr_t)(K + 64);
	uint32_t *plain = (uint32_t *)(uintptr_t)(K + 64);
	volatile unsigned char *mine = (volatile unsigned char *)(uintptr_t)(K + 72);
	struct dusk_sim_write w[4];
	unsigned int r0;
	uint32_t first;

	(void)state;
	real_clock = dusk_shadow_clock;
	dusk_shadow_clock = fake_clock;
	dusk_call(STUB_NOOP, NULL, 0);	/* a new epoch, begun by the fake clock */
	first = *DUSK_DEREF(v);
	*DUSK_DEREF(mine) = 0xEE;	/* the program's write, not sent yet */
	r0 = reads();
	memcpy(mem + 64, &(uint32_t){ first + 1 }, 4);	/* the kernel moves on */
	mem[72] = 0x55;
	assert_int_equal(*DUSK_DEREF(v), first);	/* young: no READ */
	assert_int_equal(reads(), r0);
	pass_2ms();
	assert_int_equal(*DUSK_DEREF(plain), first);	/* plain: the epoch's value */
	assert_int_equal(reads(), r0);
	assert_int_equal(*DUSK_DEREF(v), first + 1);	/* volatile: read again */
	assert_int_equal(reads(), r0 + 1);
	assert_int_equal(*DUSK_DEREF(v), first + 1);	/* and young again */
	assert_int_equal(reads(), r0 + 1);
	assert_int_equal(*DUSK_DEREF(mine), 0xEE);	/* its own write kept */
	dusk_sim_take_writes(sim, w, 4);
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(dusk_sim_take_writes(sim, w, 4), 1);
	assert_int_equal(w[0].addr, K + 72);
	assert_int_equal(mem[72], 0xEE);
}

/* Restore the real clock after volatile_read_sees_kernel_change (also
 * when it failed). */
static int teardown_clock(void **state)
{
	dusk_shadow_clock = real_clock;
	return teardown(state);
}

/* The kernel changes K+31 during the call. */
static uint64_t stub_change31(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t,
			      void *arg)
{
	(void)a; (void)n; (void)t; (void)arg;
	((unsigned char *)dusk_sim_ptr(s, K))[31] = 0x31;
	return 0;
}

static void late_write_reaches_kernel(void **state)
{
	unsigned char *mem = dusk_sim_ptr(sim, K), *q;

	(void)state;
	dusk_sim_set_stub(sim, STUB_TOUCH, stub_change31, NULL);
	/* `*q = f()` with q computed first: the store lands after the call. */
	q = dusk_check((void *)(uintptr_t)(K + 30), 1);
	dusk_call(STUB_NOOP, NULL, 0);
	*q = 0x77;
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(mem[30], 0x77);

	/* Again, but the page is read again before the next epoch ends, and
	 * the kernel changed a neighbour meanwhile. */
	q = dusk_check((void *)(uintptr_t)(K + 30), 1);
	dusk_call(STUB_TOUCH, NULL, 0);
	*q = 0x78;
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 31), 1), 0x31);
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 30), 1), 0x78);
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(mem[30], 0x78);
	assert_int_equal(mem[31], 0x31);
	assert_int_equal(mem[32], (unsigned char)(32 * 7));
}

/* A late write, then a first miss elsewhere on its page in the next
 * epoch: the granule read must not leave the late byte out of the
 * page's valid range (it would never be written back). */
static void late_write_survives_granule_read(void **state)
{
	unsigned char *mem = dusk_sim_ptr(sim, K), *q;

	(void)state;
	q = dusk_check((void *)(uintptr_t)(K + 30), 1);
	dusk_call(STUB_NOOP, NULL, 0);
	*q = 0x79;
	assert_int_equal(*(unsigned char *)dusk_check((void *)(uintptr_t)(K + 3000), 1),
			 (unsigned char)(3000 * 7));
	dusk_call(STUB_NOOP, NULL, 0);
	assert_int_equal(mem[30], 0x79);
}

static uint64_t hook_reads_prefetched(uint64_t a, uint64_t b)
{
	uint32_t *p = DUSK_DEREF((uint32_t *)(uintptr_t)a);

	*DUSK_DEREF((uint8_t *)(uintptr_t)(a + 4)) = 0x5A;	/* lent: may write */
	return *p + b;
}

static void upcall_prefetch_needs_no_read(void **state)
{
	const struct dusk_sim_range pre[] = { { K + 64, 32 } };
	const struct dusk_sim_range lent[] = { { K + 64, 32 } };
	uint64_t args[2] = { K + 64, 1 }, ret = 0, ctx;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .lent = lent, .nlent = 1, .prefetch = pre, .nprefetch = 1 };
	uint32_t v;

	(void)state;
	memcpy(&v, dusk_sim_ptr(sim, K + 64), 4);
	tm_hook_body = hook_reads_prefetched;
	ctx = dusk_sim_upcall(sim, &u);
	assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 5000), 0);
	assert_int_equal(ret, (uint64_t)v + 1);
	assert_int_equal(reads(), 0);
	assert_int_equal(*(uint8_t *)dusk_sim_ptr(sim, K + 68), 0x5A);
	tm_hook_body = NULL;
}

/* The sim's kernel changes K+64..K+67 and K+200 while a call runs. */
static uint64_t stub_kernel_moves_on(struct dusk_sim *s, const uint64_t *a, unsigned int n,
				     char *t, void *arg)
{
	(void)a; (void)n; (void)t; (void)arg;
	memset(dusk_sim_ptr(s, K + 64), 0xEE, 4);
	*(unsigned char *)dusk_sim_ptr(s, K + 200) = 0xEE;
	return 7;
}

/* Reads the held u32 at a, writes a+4, calls the kernel, reads them again. */
static uint64_t hook_reads_held(uint64_t a, uint64_t b)
{
	uint32_t before = *DUSK_DEREF((uint32_t *)(uintptr_t)a), after;
	uint8_t written;

	(void)b;
	*DUSK_DEREF((uint8_t *)(uintptr_t)(a + 4)) = 0x5A;	/* lent: may write */
	dusk_call(STUB_NOOP, NULL, 0);				/* ends the epoch */
	after = *DUSK_DEREF((uint32_t *)(uintptr_t)a);
	written = *DUSK_DEREF((uint8_t *)(uintptr_t)(a + 4));
	/* 1: the held bytes stayed, the program's write too, the rest moved on */
	return after == before && written == 0x5A &&
	       *DUSK_DEREF((uint8_t *)(uintptr_t)(K + 200)) == 0xEE;
}

static void upcall_held_outlives_kernel_calls(void **state)
{
	const struct dusk_sim_range held[] = { { K + 64, 8 } };
	const struct dusk_sim_range lent[] = { { K + 64, 8 } };
	uint64_t args[2] = { K + 64, 1 }, ret = 0, ctx;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .lent = lent, .nlent = 1, .held = held, .nheld = 1 };

	(void)state;
	dusk_sim_set_stub(sim, STUB_NOOP, stub_kernel_moves_on, NULL);
	tm_hook_body = hook_reads_held;
	ctx = dusk_sim_upcall(sim, &u);
	assert_int_equal(dusk_sim_wait_reply(sim, ctx, &ret, 5000), 0);
	assert_int_equal(ret, 1);
	/* the program's write reached the kernel */
	assert_int_equal(*(uint8_t *)dusk_sim_ptr(sim, K + 68), 0x5A);
	tm_hook_body = NULL;
}

/* Run @fn in a child that must die of a DUSK fault (SIGSEGV); its log,
 * the fault report, into @log. */
static void expect_fault(void (*fn)(void *), char *log, size_t cap)
{
	int status = harness_fork(fn, NULL, log, cap);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
}

static void read_unmapped(void *arg)
{
	struct dusk_sim *s = harness_sim(&tm_module);

	(void)arg;
	if (dusk_session_open(&tm_module, dusk_sim_transport(s), 1))
		_exit(3);
	(void)*(volatile char *)dusk_check((void *)(uintptr_t)0xffff8880deadb123ull, 4);
	_exit(4);	/* not reached: the fault kills the process */
}

static void unmapped_read_is_fault(void **state)
{
	char log[8192];

	(void)state;
	expect_fault(read_unmapped, log, sizeof(log));
	assert_non_null(strstr(log, "unmapped kernel memory"));
	assert_non_null(strstr(log, "0xffff8880deadb123"));
	if (!strstr(log, "test-shadow.c:"))	/* the source line of the access */
		fail_msg("no source line in: %s", log);
}

static uint64_t stub_zero(struct dusk_sim *s, const uint64_t *a, unsigned int n, char *t, void *arg)
{
	(void)s; (void)a; (void)n; (void)t; (void)arg;
	return 0;
}

static void write_readonly(void *arg)
{
	struct dusk_sim *s = harness_sim(&tm_module);

	(void)arg;
	dusk_sim_map(s, 0xffff888000050000ull, 4096, 0);	/* kernel memory, not lent */
	dusk_sim_set_stub(s, STUB_NOOP, stub_zero, NULL);
	if (dusk_session_open(&tm_module, dusk_sim_transport(s), 1))
		_exit(3);
	*(volatile char *)dusk_check((void *)(uintptr_t)0xffff888000050040ull, 1) = 1;
	dusk_call(STUB_NOOP, NULL, 0);	/* carries the write: refused */
	_exit(4);
}

static void refused_write_is_fault(void **state)
{
	char log[8192];

	(void)state;
	expect_fault(write_readonly, log, sizeof(log));
	if (!strstr(log, "write refused by the kernel at kernel address 0xffff888000050040") ||
	    !strstr(log, "chunks sent: 0xffff888000050040 +1"))
		fail_msg("unexpected report: %s", log);
}

static void write_second_refused(void *arg)
{
	struct dusk_sim *s = harness_sim(&tm_module);

	(void)arg;
	dusk_sim_map(s, 0xffff888000060000ull, 4096, 1);	/* writable */
	dusk_sim_map(s, 0xffff888000070000ull, 4096, 0);	/* not */
	dusk_sim_set_stub(s, STUB_NOOP, stub_zero, NULL);
	if (dusk_session_open(&tm_module, dusk_sim_transport(s), 1))
		_exit(3);
	*(volatile char *)dusk_check((void *)(uintptr_t)0xffff888000060010ull, 1) = 1;
	*(volatile char *)dusk_check((void *)(uintptr_t)0xffff888000070020ull, 1) = 1;
	dusk_call(STUB_NOOP, NULL, 0);	/* the second chunk is refused */
	_exit(4);
}

/* The fault names the chunk the kernel refused, not the first one sent. */
static void refused_write_names_refused_chunk(void **state)
{
	char log[8192];

	(void)state;
	expect_fault(write_second_refused, log, sizeof(log));
	if (!strstr(log, "write refused by the kernel at kernel address 0xffff888000070020") ||
	    !strstr(log, "0xffff888000060010 +1"))
		fail_msg("unexpected report: %s", log);
}

static void first_image_refused(void *arg)
{
	static const char when[] = "writing a new mirror's first image";
	struct dusk_sim *s = harness_sim(&tm_module);
	struct dusk_msg m = { 0 };
	char img[16] = { 1 };

	(void)arg;
	dusk_sim_map(s, 0xffff888000060000ull, 4096, 1);	/* writable */
	dusk_sim_map(s, 0xffff888000070000ull, 4096, 0);	/* not */
	dusk_sim_set_stub(s, STUB_NOOP, stub_zero, NULL);
	if (dusk_session_open(&tm_module, dusk_sim_transport(s), 1))
		_exit(3);
	/* an epoch that wrote elsewhere, and was accepted */
	*(volatile char *)dusk_check((void *)(uintptr_t)0xffff888000060010ull, 1) = 1;
	dusk_call(STUB_NOOP, NULL, 0);
	/* a WRITE of its own, as send_first_images() (commit.c) sends it */
	if (dusk_write_put(&m, 0xffff888000070020ull, img, sizeof(img), when))
		_exit(5);
	dusk_write_send(&m, when);	/* refused */
	_exit(4);
}

/* A WRITE outside an epoch's end names its own chunks, not the epoch's. */
static void refused_write_names_its_chunks(void **state)
{
	char log[8192];

	(void)state;
	expect_fault(first_image_refused, log, sizeof(log));
	if (!strstr(log, "write refused by the kernel at kernel address 0xffff888000070020") ||
	    !strstr(log, "first image; the kernel said:") ||
	    !strstr(log, "chunks sent: 0xffff888000070020 +16") ||
	    strstr(log, "0xffff888000060010"))
		fail_msg("unexpected report: %s", log);
}

/* The process's mappings (VMAs), as /proc/self/maps lists them. */
static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int c, n = 0;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * Packets land on kernel pages spread over all of memory.  Made accessible
 * page by page, each such page split the shadow's reservation into new
 * VMAs: two mprotect calls each, and in time vm.max_map_count (65530)
 * refused the next one.  2000 pages, none adjacent, must cost a bounded
 * number of mappings.
 */
static void scattered_pages_few_mappings(void **state)
{
	struct dusk_shadow *s = dusk_shadow_new();
	uint64_t word = 42;
	int before, i;

	(void)state;
	assert_non_null(s);
	before = count_maps();
	for (i = 0; i < 2000; i++)
		assert_int_equal(dusk_shadow_install(s, 0xffff888040000000ull + (uint64_t)i * 3 * 4096,
						     &word, sizeof(word)), 0);
	assert_in_range(count_maps() - before, 0, 64);
	dusk_shadow_free(s);
}

/* A thread's exit frees its shadows and runs the hooks each part
 * registered (commit.c's), then later ones: a hook added here sees the
 * shadows and the commit state already gone. */
static struct dusk_thread *exited;
static int shadow_gone;

static void record_exit(struct dusk_thread *t)
{
	exited = t;
	shadow_gone = t->shadow == NULL && t->commit == NULL;
}

static void *touch_runtime(void *arg)
{
	*(struct dusk_thread **)arg = dusk_thread();
	return NULL;
}

static void thread_exit_runs_registered_hooks(void **state)
{
	struct dusk_thread *t = NULL;
	pthread_t th;

	(void)state;
	dusk_thread_on_exit(record_exit);
	assert_int_equal(pthread_create(&th, NULL, touch_runtime, &t), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_non_null(t);
	assert_ptr_equal(exited, t);
	assert_true(shadow_gone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(own_memory_is_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_page_filled_once_then_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(first_miss_reads_granule, setup, teardown),
		cmocka_unit_test_setup_teardown(multi_page_range_is_one_read, setup, teardown),
		cmocka_unit_test_setup_teardown(epoch_end_invalidates, setup, teardown),
		cmocka_unit_test_setup_teardown(recent_pages_forgotten_at_epoch_end, setup, teardown),
		cmocka_unit_test_setup_teardown(writeback_only_changed_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(late_write_reaches_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(volatile_read_sees_kernel_change, setup, teardown_clock),
		cmocka_unit_test_setup_teardown(late_write_survives_granule_read, setup, teardown),
		cmocka_unit_test_setup_teardown(upcall_prefetch_needs_no_read, setup, teardown),
		cmocka_unit_test_setup_teardown(upcall_held_outlives_kernel_calls, setup, teardown),
		cmocka_unit_test(unmapped_read_is_fault),
		cmocka_unit_test(refused_write_is_fault),
		cmocka_unit_test(refused_write_names_refused_chunk),
		cmocka_unit_test(refused_write_names_its_chunks),
		cmocka_unit_test(scattered_pages_few_mappings),
		cmocka_unit_test(thread_exit_runs_registered_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
