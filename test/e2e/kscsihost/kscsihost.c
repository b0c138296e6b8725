// kscsihost: a SCSI low-level driver's host (a RAM target's shape):
// scsi_host_alloc(), scsi_add_host(), scsi_scan_host().  The block layer
// calls queuecommand() under RCU, where a user build cannot answer: its
// scsi_add_host() is refused; the kernel build's host registers and scans.
#include <linux/module.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

static struct Scsi_Host *shost;

static int kscsihost_queuecommand(struct Scsi_Host *h, struct scsi_cmnd *cmd)
{
	cmd->result = DID_NO_CONNECT << 16;
	scsi_done(cmd);
	return 0;
}

static struct scsi_host_template kscsihost_sht = {
	.module = THIS_MODULE,
	.name = "kscsihost",
	.proc_name = "kscsihost",
	.queuecommand = kscsihost_queuecommand,
	.can_queue = 1,
	.this_id = -1,
	.sg_tablesize = SG_ALL,
	.cmd_per_lun = 1,
};

static int __init kscsihost_init(void)
{
	int err;

	shost = scsi_host_alloc(&kscsihost_sht, 0);
	if (!shost)
		return -ENOMEM;
	shost->max_id = 1;
	shost->max_lun = 1;
	err = scsi_add_host(shost, NULL);
	pr_info("kscsihost: add: %d\n", err);
	if (err) {
		scsi_host_put(shost);
		return err;
	}
	scsi_scan_host(shost);
	return 0;
}

static void __exit kscsihost_exit(void)
{
	scsi_remove_host(shost);
	scsi_host_put(shost);
}

module_init(kscsihost_init);
module_exit(kscsihost_exit);
MODULE_LICENSE("GPL");
