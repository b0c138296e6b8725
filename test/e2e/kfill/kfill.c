// SPDX-License-Identifier: GPL-2.0
/*
 * kfill: memory the kernel hands the module to fill.  (1) A hw_random
 * driver's read(rng, data, max, wait) fills the core's buffer: its
 * `void *data` sized by the size_t after it is lent to the callback (the
 * user build's first write there was refused before).  (2) A generic
 * radix tree's objects live in leaf pages the tree allocates: the module
 * writes them through genradix_ptr_alloc()'s answer (refused before).
 */
#include <linux/module.h>
#include <linux/hw_random.h>
#include <linux/generic-radix-tree.h>

static u32 kf_state = 0xace1u;
static int kf_reads;

static int kf_read(struct hwrng *rng, void *data, size_t max, bool wait)
{
	u8 *out = data;
	size_t i;

	for (i = 0; i < max && i < 64; i++) {
		kf_state = (kf_state >> 1) ^ (-(kf_state & 1u) & 0xb400u);
		out[i] = kf_state;
	}
	kf_reads++;
	return i;
}

static struct hwrng kf_rng = { .name = "kfill", .read = kf_read, .quality = 0 };

struct kf_obj {
	u32 id;
	u16 weight;
};

static int kf_genradix(void)
{
	GENRADIX(struct kf_obj) objs;
	struct genradix_iter iter;
	struct kf_obj *o;
	u32 sum = 0;
	int i, n = 0;

	genradix_init(&objs);
	for (i = 0; i < 1200; i += 7) {
		o = genradix_ptr_alloc(&objs, i, GFP_KERNEL);
		if (!o)
			return -ENOMEM;
		o->id = i;
		o->weight = i % 13;
	}
	genradix_for_each(&objs, iter, o)
		if (o->id) {
			n++;
			sum += o->weight;
		}
	o = genradix_ptr(&objs, 1197);
	pr_info("kfill: genradix %d objects, weight %u, 1197 -> %u\n", n, sum, o ? o->id : 0);
	genradix_free(&objs);
	return 0;
}

static int __init kf_init(void)
{
	int ret = kf_genradix();

	if (ret)
		return ret;
	ret = hwrng_register(&kf_rng);
	pr_info("kfill: hwrng registered %d, read %s\n", ret, kf_reads ? "yes" : "no");
	return ret;
}

static void __exit kf_exit(void)
{
	hwrng_unregister(&kf_rng);
	pr_info("kfill: unloaded, state %#x\n", kf_state);
}

module_init(kf_init);
module_exit(kf_exit);
MODULE_LICENSE("GPL");
