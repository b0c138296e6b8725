// SPDX-License-Identifier: GPL-2.0
/*
 * kbio: a bio-based RAM disk (the brd / LDD3 sbull pattern without
 * blk-mq): blk_alloc_disk() filled in and added, a submit_bio() that walks
 * the segments with bio_for_each_segment() and copies through
 * bvec_kmap_local().  In the user build the gendisk is a handed object
 * until put_disk() and submit_bio()'s bio lends the data of its segments
 * (dusk-kmod/core/handed.c, blocking.c); before, the first store into the
 * gendisk was refused and the program died in init.
 */
#include <linux/module.h>
#include <linux/blkdev.h>
#include <linux/bio.h>
#include <linux/vmalloc.h>
#include <linux/highmem.h>

#define KBIO_SECTORS 256	/* 128 KiB */
#define KBIO_BYTES (KBIO_SECTORS << SECTOR_SHIFT)

static int kbio_major;
static struct gendisk *kbio_disk;
static u8 *kbio_store;
static unsigned int kbio_reads, kbio_writes;

static void kbio_submit_bio(struct bio *bio)
{
	sector_t sector = bio->bi_iter.bi_sector;
	struct bvec_iter iter;
	struct bio_vec bv;

	bio_for_each_segment(bv, bio, iter) {
		u64 off = (u64)sector << SECTOR_SHIFT;
		void *p;

		if (off + bv.bv_len > KBIO_BYTES) {
			bio_io_error(bio);
			return;
		}
		p = bvec_kmap_local(&bv);
		if (bio_data_dir(bio) == WRITE) {
			memcpy(kbio_store + off, p, bv.bv_len);
			kbio_writes++;
		} else {
			memcpy(p, kbio_store + off, bv.bv_len);
			kbio_reads++;
		}
		kunmap_local(p);
		sector += bv.bv_len >> SECTOR_SHIFT;
	}
	bio_endio(bio);
}

static const struct block_device_operations kbio_fops = {
	.owner = THIS_MODULE,
	.submit_bio = kbio_submit_bio,
};

static int __init kbio_init(void)
{
	int err;

	kbio_store = vzalloc(KBIO_BYTES);
	if (!kbio_store)
		return -ENOMEM;
	strscpy(kbio_store, "kbio disk sector 0\n", 64);
	strscpy(kbio_store + 4096, "kbio page 1\n", 64);
	kbio_major = register_blkdev(0, "kbio");
	if (kbio_major < 0) {
		err = kbio_major;
		goto fail_store;
	}
	kbio_disk = blk_alloc_disk(NUMA_NO_NODE);
	if (!kbio_disk) {
		err = -ENOMEM;
		goto fail_major;
	}
	kbio_disk->major = kbio_major;
	kbio_disk->first_minor = 0;
	kbio_disk->minors = 1;
	kbio_disk->fops = &kbio_fops;
	kbio_disk->flags |= GENHD_FL_NO_PART;
	snprintf(kbio_disk->disk_name, DISK_NAME_LEN, "kbio0");
	set_capacity(kbio_disk, KBIO_SECTORS);
	err = add_disk(kbio_disk);
	if (err)
		goto fail_disk;
	pr_info("kbio: %d sectors\n", KBIO_SECTORS);
	return 0;

fail_disk:
	put_disk(kbio_disk);
fail_major:
	unregister_blkdev(kbio_major, "kbio");
fail_store:
	vfree(kbio_store);
	return err;
}

static void __exit kbio_exit(void)
{
	del_gendisk(kbio_disk);
	put_disk(kbio_disk);
	unregister_blkdev(kbio_major, "kbio");
	pr_info("kbio: %s reads, %s writes, sector 0 \"%.8s\"\n", kbio_reads ? "some" : "no",
		kbio_writes ? "some" : "no", kbio_store);
	vfree(kbio_store);
}

module_init(kbio_init);
module_exit(kbio_exit);
MODULE_LICENSE("GPL");
