// SPDX-License-Identifier: GPL-2.0
/*
 * ktypedef: types without a tag of their own, and types a function defines.
 *
 * `typedef struct { ... } name_t;` at file scope (a struct, a union, an
 * enum), and a function's static of a struct type the function defines,
 * next to a typedef of an untagged struct made there.  Each object is
 * handed to the kernel as untyped async_schedule() data, so the user build
 * must know its size and layout: the callbacks write through the kernel's
 * pointer, and the module logs what they wrote.
 */
#include <linux/module.h>
#include <linux/async.h>
#include <linux/kfifo.h>

typedef struct {
	long total;
	int hits[3];
} ktd_stats_t;

typedef union {
	u32 word;
	u8 bytes[4];
} ktd_word_t;

typedef enum { KTD_IDLE, KTD_BUSY = 5, KTD_DONE } ktd_state_t;

/* An untagged struct a kernel macro spells, typedef'd here: ours too. */
typedef STRUCT_KFIFO_REC_1(64) ktd_rec_t;
static ktd_rec_t ktd_rec;

static ktd_stats_t ktd_stats = { 1, { 2, 3, 4 } };
static ktd_word_t ktd_word;
static ktd_state_t ktd_state = KTD_IDLE;

static void ktd_bump_stats(void *data, async_cookie_t cookie)
{
	ktd_stats_t *s = data;

	s->total += 10;
	s->hits[2]++;
}

static void ktd_set_word(void *data, async_cookie_t cookie)
{
	ktd_word_t *w = data;

	w->bytes[0] = 0x11;
	w->bytes[3] = 0x44;
}

static void ktd_advance(void *data, async_cookie_t cookie)
{
	ktd_state_t *st = data;

	*st = *st == KTD_IDLE ? KTD_BUSY : KTD_DONE;
}

/* The first member of ktd_tally()'s own struct: an int. */
static void ktd_count(void *data, async_cookie_t cookie)
{
	int *calls = data;

	(*calls)++;
}

/* A counter whose types are its own: a static of one, a typedef made here. */
static void ktd_tally(const char *when)
{
	struct ktd_tally {
		int calls;
		long sum;
	};
	typedef struct { short lo, hi; } ktd_range_t;
	static struct ktd_tally tally = { 0, 100 };
	ktd_range_t r = { 1, 2 };

	async_schedule(ktd_bump_stats, &ktd_stats);
	async_schedule(ktd_set_word, &ktd_word);
	async_schedule(ktd_advance, &ktd_state);
	async_schedule(ktd_count, &tally);
	async_synchronize_full();
	tally.sum += ktd_stats.total + r.hi;
	pr_info("ktypedef: %s stats %ld %d %d %d (%zu bytes)\n", when, ktd_stats.total,
		ktd_stats.hits[0], ktd_stats.hits[1], ktd_stats.hits[2], sizeof(ktd_stats));
	pr_info("ktypedef: %s word %02x..%02x state %d\n", when, ktd_word.bytes[0],
		ktd_word.bytes[3], ktd_state);
	pr_info("ktypedef: %s tally %d %ld (%zu bytes)\n", when, tally.calls, tally.sum,
		sizeof(tally));
}

/* The kernel's record fifo code works on our struct: two records in,
 * the first out again. */
static void ktd_records(void)
{
	char buf[16] = "";
	unsigned int n;

	INIT_KFIFO(ktd_rec);
	kfifo_in(&ktd_rec, "abc", 3);
	kfifo_in(&ktd_rec, "hello", 5);
	n = kfifo_out(&ktd_rec, buf, sizeof(buf) - 1);
	pr_info("ktypedef: records %u '%s' next %u left %u (%zu bytes)\n", n, buf,
		kfifo_peek_len(&ktd_rec), kfifo_len(&ktd_rec), sizeof(ktd_rec));
}

static int __init ktd_init(void)
{
	ktd_tally("init");
	ktd_records();
	return 0;
}

static void __exit ktd_exit(void)
{
	ktd_tally("exit");
}

module_init(ktd_init);
module_exit(ktd_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: typedefs of untagged types, a function's static of its own type");
