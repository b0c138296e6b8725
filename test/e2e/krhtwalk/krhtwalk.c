// SPDX-License-Identifier: GPL-2.0
/*
 * krhtwalk: an rhashtable of the module's objects walked with the
 * iterator API, as /proc dumps of flow tables do: on load, right after
 * inserting (the table's worker resizes it meanwhile: a walk may be told
 * -EAGAIN and rewind), and from /proc/krhtwalk, whose walk stops and
 * starts again every 50 elements and peeks at the element it stopped at.
 * Keys seen are counted once each (a rewind may show one twice).
 */
#include <linux/bitmap.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

static int n = 300;
module_param(n, int, 0444);
MODULE_PARM_DESC(n, "elements inserted on load (at most 1024)");

#define KRHT_MAX 1024

struct krht_obj {
	u32 key;
	u32 val;
	struct rhash_head node;
};

static const struct rhashtable_params krht_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct krht_obj, key),
	.head_offset = offsetof(struct krht_obj, node),
	.automatic_shrinking = true,
};

static struct rhashtable krht;
static unsigned long seen[BITS_TO_LONGS(KRHT_MAX)];

struct krht_tally {
	int distinct, rewinds, peeks, peeks_bad;
	u64 sum;
};

/* One walk; @pause: stop and start again every @pause elements (0: never). */
static void krht_walk(struct krht_tally *t, int pause)
{
	struct rhashtable_iter iter;
	struct krht_obj *o, *peeked = NULL;
	int steps = 0;

	memset(t, 0, sizeof(*t));
	bitmap_zero(seen, KRHT_MAX);
	rhashtable_walk_enter(&krht, &iter);
	if (rhashtable_walk_start_check(&iter) == -EAGAIN)
		t->rewinds++;
	for (;;) {
		o = rhashtable_walk_next(&iter);
		if (!o)
			break;
		if (IS_ERR(o)) {
			if (PTR_ERR(o) == -EAGAIN) {
				t->rewinds++;
				continue;
			}
			break;
		}
		if (o->key < KRHT_MAX && !test_and_set_bit(o->key, seen)) {
			t->distinct++;
			t->sum += o->val;
		}
		if (pause && ++steps % pause == 0) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
			/* the element it stopped at (a peek where no element
			 * was returned yet would return the next one and skip
			 * it: the kernel's iterator does) */
			peeked = rhashtable_walk_peek(&iter);
			t->peeks++;
			if (peeked != o)
				t->peeks_bad++;
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

static int krht_show(struct seq_file *m, void *v)
{
	struct krht_tally t;

	krht_walk(&t, 50);
	seq_printf(m, "walk with pauses: %d distinct, sum %llu, %d peeks, %d wrong\n", t.distinct,
		   t.sum, t.peeks, t.peeks_bad);
	return 0;
}

static void krht_free(void *ptr, void *arg)
{
	kfree(ptr);
}

static int __init krht_init(void)
{
	struct krht_tally t;
	struct krht_obj *o;
	int i, err;

	if (n < 1 || n > KRHT_MAX)
		return -EINVAL;
	err = rhashtable_init(&krht, &krht_params);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		if (!o) {
			err = -ENOMEM;
			goto fail;
		}
		o->key = i;
		o->val = 3 * i;
		err = rhashtable_insert_fast(&krht, &o->node, krht_params);
		if (err) {
			kfree(o);
			goto fail;
		}
	}
	krht_walk(&t, 0);
	pr_info("krhtwalk: walk on load: %d distinct of %d, sum %llu\n", t.distinct, n, t.sum);
	if (!proc_create_single("krhtwalk", 0444, NULL, krht_show)) {
		err = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	rhashtable_free_and_destroy(&krht, krht_free, NULL);
	return err;
}

static void __exit krht_exit(void)
{
	remove_proc_entry("krhtwalk", NULL);
	rhashtable_free_and_destroy(&krht, krht_free, NULL);
	pr_info("krhtwalk: table freed\n");
}
module_init(krht_init);
module_exit(krht_exit);
MODULE_LICENSE("GPL");
