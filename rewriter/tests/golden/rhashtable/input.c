// SPDX-License-Identifier: GPL-2.0
/*
 * An rhashtable's bucket tables are the kernel's: rhashtable_init()
 * allocates them and its worker resizes them, and the inlines that change
 * or search them lock buckets with bit spinlocks.  As kept code the first
 * insert wrote a bucket table the program may not write (the probe died in
 * init).  They are kernel calls, the parameters passed by value.
 */
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

struct rh_obj {
	u32 key;
	struct rhash_head node;
};

static const struct rhashtable_params rh_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct rh_obj, key),
	.head_offset = offsetof(struct rh_obj, node),
};

static struct rhashtable rh_ht;

static int __init rh_init(void)
{
	struct rh_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	u32 k = 7;
	int ret;

	if (!o)
		return -ENOMEM;
	ret = rhashtable_init(&rh_ht, &rh_params);
	if (ret)
		goto free;
	o->key = k;
	ret = rhashtable_insert_fast(&rh_ht, &o->node, rh_params);
	if (ret)
		goto destroy;
	if (rhashtable_lookup_fast(&rh_ht, &k, rh_params) != o)
		ret = -ENOENT;
	rhashtable_remove_fast(&rh_ht, &o->node, rh_params);
destroy:
	rhashtable_destroy(&rh_ht);
free:
	kfree(o);
	return ret;
}
module_init(rh_init);
MODULE_LICENSE("GPL");
