// SPDX-License-Identifier: GPL-2.0
/*
 * A blk-mq driver's callbacks are handed requests: ->queue_rq()'s queue
 * data lends its ->rq (DUSK_LENT_MQ_DATA), a struct request * lends itself
 * (DUSK_LENT_RQ: ->init_request(), ->timeout()), with the driver's data
 * after it and the data of its segments.  Before, blk_mq_alloc_tag_set()
 * was refused at run time; the queue data, const, lent nothing, and a
 * request its struct alone.
 */
#include <linux/module.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>

struct bx_cmd {
	int tries;
};

static struct blk_mq_tag_set bx_set;

static int bx_init_request(struct blk_mq_tag_set *set, struct request *rq,
			   unsigned int hctx_idx, unsigned int numa_node)
{
	struct bx_cmd *cmd = blk_mq_rq_to_pdu(rq);

	cmd->tries = 0;
	return 0;
}

static blk_status_t bx_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct bx_cmd *cmd = blk_mq_rq_to_pdu(bd->rq);

	cmd->tries++;
	blk_mq_start_request(bd->rq);
	blk_mq_end_request(bd->rq, BLK_STS_OK);
	return BLK_STS_OK;
}

static enum blk_eh_timer_return bx_timeout(struct request *rq)
{
	return BLK_EH_RESET_TIMER;
}

static const struct blk_mq_ops bx_ops = {
	.queue_rq = bx_queue_rq,
	.init_request = bx_init_request,
	.timeout = bx_timeout,
};

static int __init bx_init(void)
{
	bx_set.ops = &bx_ops;
	bx_set.nr_hw_queues = 1;
	bx_set.queue_depth = 4;
	bx_set.cmd_size = sizeof(struct bx_cmd);
	return blk_mq_alloc_tag_set(&bx_set);
}

static void __exit bx_exit(void)
{
	blk_mq_free_tag_set(&bx_set);
}

module_init(bx_init);
module_exit(bx_exit);
MODULE_LICENSE("GPL");
