// SPDX-License-Identifier: GPL-2.0
/*
 * kblkc: a blk-mq driver that ends its requests through
 * blk_mq_complete_request() and a ->complete() callback, as drivers with
 * an interrupt do.  ->complete() runs in softirq or IPI context, which a
 * user build cannot answer: the tag set is refused (-EOPNOTSUPP, named in
 * the kernel log).
 */
#include <linux/module.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>

static struct blk_mq_tag_set kblkc_set;

static blk_status_t kblkc_queue_rq(struct blk_mq_hw_ctx *hctx,
				   const struct blk_mq_queue_data *bd)
{
	blk_mq_start_request(bd->rq);
	blk_mq_complete_request(bd->rq);
	return BLK_STS_OK;
}

static void kblkc_complete(struct request *rq)
{
	blk_mq_end_request(rq, BLK_STS_OK);
}

static const struct blk_mq_ops kblkc_mq_ops = {
	.queue_rq = kblkc_queue_rq,
	.complete = kblkc_complete,
};

static int __init kblkc_init(void)
{
	int err = blk_mq_alloc_sq_tag_set(&kblkc_set, &kblkc_mq_ops, 8, BLK_MQ_F_SHOULD_MERGE);

	if (err) {
		pr_err("kblkc: blk_mq_alloc_sq_tag_set failed: %d\n", err);
		return err;
	}
	return 0;
}

static void __exit kblkc_exit(void)
{
	blk_mq_free_tag_set(&kblkc_set);
}

module_init(kblkc_init);
module_exit(kblkc_exit);
MODULE_LICENSE("GPL");
