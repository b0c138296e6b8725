// SPDX-License-Identifier: GPL-2.0
/*
 * kpstore: a pstore backend keeping one record in RAM (open, read with a
 * kmemdup()ed buffer pstore frees, write, erase), as RAM/flash backends
 * are made.  Its user build cannot serve it: write() runs from
 * kmsg_dump() in the oops and panic paths with interrupts off, and the
 * buffer read() hands over is pstore's to kfree() (teardown freed it a
 * second time: probe round p66).  pstore_register() is refused.
 */
#include <linux/module.h>
#include <linux/pstore.h>
#include <linux/slab.h>
#include <linux/kmsg_dump.h>

static const char record[] = "kpstore: an old oops\n";
static bool done;
static char dumpbuf[512];

static int kps_open(struct pstore_info *psi) { done = false; return 0; }
static int kps_close(struct pstore_info *psi) { return 0; }

static ssize_t kps_read(struct pstore_record *r)
{
	if (done)
		return 0;
	done = true;
	r->type = PSTORE_TYPE_DMESG;
	r->id = 1;
	r->buf = kmemdup(record, sizeof(record) - 1, GFP_KERNEL);
	if (!r->buf)
		return -ENOMEM;
	r->size = sizeof(record) - 1;
	return r->size;
}

static int kps_write(struct pstore_record *r) { return 0; }
static int kps_erase(struct pstore_record *r) { return 0; }

static struct pstore_info kps_info = {
	.owner = THIS_MODULE,
	.name = "kpstore",
	.flags = PSTORE_FLAGS_DMESG,
	.max_reason = KMSG_DUMP_OOPS,
	.buf = dumpbuf,
	.bufsize = sizeof(dumpbuf),
	.open = kps_open,
	.close = kps_close,
	.read = kps_read,
	.write = kps_write,
	.erase = kps_erase,
};

static int __init kps_init(void)
{
	int err = pstore_register(&kps_info);

	pr_info("kpstore: register: %d\n", err);
	return err;
}

static void __exit kps_exit(void)
{
	pstore_unregister(&kps_info);
}

module_init(kps_init);
module_exit(kps_exit);
MODULE_LICENSE("GPL");
