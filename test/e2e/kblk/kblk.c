// SPDX-License-Identifier: GPL-2.0
/*
 * kblk: a blk-mq RAM disk, as tutorials and small drivers write one: a tag
 * set with per-request driver data (cmd_size) that ->init_request() sets
 * up, blk_mq_alloc_disk() filled in and added, and a ->queue_rq() that
 * starts the request, walks its segments with rq_for_each_segment(),
 * copies through bvec_kmap_local() and ends it with blk_mq_end_request().
 *
 * With complete=1 it ends each request as drivers with an interrupt do:
 * blk_mq_complete_request(), which runs ->complete() at once or in softirq
 * or IPI context on the submitting CPU.
 *
 * In the user build the tag set is made BLK_MQ_F_BLOCKING, so ->queue_rq()
 * runs where the program can answer it, the request lends its driver data
 * and the data of its segments, ->complete() raised in atomic context runs
 * late, in process context, and the gendisk is a handed object until
 * put_disk() (dusk-kmod/core/blkmq.c, handed.c).  Before, the user build
 * was refused at blk_mq_alloc_tag_set().
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/blk-mq.h>
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>

#define KBLK_SECTORS 512	/* 256 KiB */
#define KBLK_BYTES (KBLK_SECTORS << SECTOR_SHIFT)
#define KBLK_MAGIC 0x6b626c6bu

/* The driver's data of each request (blk_mq_rq_to_pdu()). */
struct kblk_cmd {
	u32 magic;		/* set by ->init_request() */
	u32 segments;		/* of the request being served */
	blk_status_t status;	/* what ->complete() ends it with */
};

static bool kblk_via_complete;
module_param_named(complete, kblk_via_complete, bool, 0444);
MODULE_PARM_DESC(complete, "end requests through blk_mq_complete_request()");

static int kblk_major;
static u8 *kblk_store;
static struct blk_mq_tag_set kblk_set;
static struct gendisk *kblk_disk;
static bool kblk_bad_pdu;	/* a request came without init_request()'s magic */

static int kblk_init_request(struct blk_mq_tag_set *set, struct request *rq,
			     unsigned int hctx_idx, unsigned int numa_node)
{
	struct kblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	cmd->magic = KBLK_MAGIC;
	cmd->segments = 0;
	return 0;
}

/* End @rq with @status: at once, or through ->complete(). */
static void kblk_end(struct request *rq, blk_status_t status)
{
	struct kblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	if (!kblk_via_complete) {
		blk_mq_end_request(rq, status);
		return;
	}
	cmd->status = status;
	blk_mq_complete_request(rq);
}

static void kblk_complete_rq(struct request *rq)
{
	struct kblk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, cmd->status);
}

static blk_status_t kblk_queue_rq(struct blk_mq_hw_ctx *hctx,
				  const struct blk_mq_queue_data *bd)
{
	struct request *rq = bd->rq;
	struct kblk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	u64 off = (u64)blk_rq_pos(rq) << SECTOR_SHIFT;
	struct req_iterator iter;
	struct bio_vec bv;

	if (cmd->magic != KBLK_MAGIC && !kblk_bad_pdu) {
		kblk_bad_pdu = true;
		pr_err("kblk: a request without its driver data\n");
	}
	blk_mq_start_request(rq);
	cmd->segments = 0;
	rq_for_each_segment(bv, rq, iter) {
		void *p;

		if (off + bv.bv_len > KBLK_BYTES) {
			kblk_end(rq, BLK_STS_IOERR);
			return BLK_STS_OK;
		}
		p = bvec_kmap_local(&bv);
		if (rq_data_dir(rq) == WRITE)
			memcpy(kblk_store + off, p, bv.bv_len);
		else
			memcpy(p, kblk_store + off, bv.bv_len);
		kunmap_local(p);
		off += bv.bv_len;
		cmd->segments++;
	}
	kblk_end(rq, BLK_STS_OK);
	return BLK_STS_OK;
}

static const struct blk_mq_ops kblk_mq_ops = {
	.queue_rq = kblk_queue_rq,
	.init_request = kblk_init_request,
	.complete = kblk_complete_rq,
};

static const struct block_device_operations kblk_fops = {
	.owner = THIS_MODULE,
};

static int __init kblk_init(void)
{
	int err;

	kblk_store = vzalloc(KBLK_BYTES);
	if (!kblk_store)
		return -ENOMEM;
	strcpy(kblk_store, "kblk disk sector 0");
	kblk_major = register_blkdev(0, "kblk");
	if (kblk_major < 0) {
		err = kblk_major;
		goto free_store;
	}
	kblk_set.ops = &kblk_mq_ops;
	kblk_set.nr_hw_queues = 1;
	kblk_set.queue_depth = 16;
	kblk_set.numa_node = NUMA_NO_NODE;
	kblk_set.cmd_size = sizeof(struct kblk_cmd);
	kblk_set.flags = BLK_MQ_F_SHOULD_MERGE;
	err = blk_mq_alloc_tag_set(&kblk_set);
	if (err) {
		pr_err("kblk: blk_mq_alloc_tag_set: %d\n", err);
		goto unregister;
	}
	kblk_disk = blk_mq_alloc_disk(&kblk_set, NULL);
	if (IS_ERR(kblk_disk)) {
		err = PTR_ERR(kblk_disk);
		goto free_tags;
	}
	kblk_disk->major = kblk_major;
	kblk_disk->first_minor = 0;
	kblk_disk->minors = 1;
	kblk_disk->fops = &kblk_fops;
	snprintf(kblk_disk->disk_name, DISK_NAME_LEN, "kblk0");
	set_capacity(kblk_disk, KBLK_SECTORS);
	err = add_disk(kblk_disk);
	if (err)
		goto put_disk;
	pr_info("kblk: %u sectors\n", KBLK_SECTORS);
	return 0;

put_disk:
	put_disk(kblk_disk);
free_tags:
	blk_mq_free_tag_set(&kblk_set);
unregister:
	unregister_blkdev(kblk_major, "kblk");
free_store:
	vfree(kblk_store);
	return err;
}

static void __exit kblk_exit(void)
{
	del_gendisk(kblk_disk);
	put_disk(kblk_disk);
	blk_mq_free_tag_set(&kblk_set);
	unregister_blkdev(kblk_major, "kblk");
	vfree(kblk_store);
	pr_info("kblk: exit%s\n", kblk_bad_pdu ? " (a request lacked its data)" : "");
}

module_init(kblk_init);
module_exit(kblk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A blk-mq RAM disk");
