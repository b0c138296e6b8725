// kdevalloc: objects a subsystem allocates for the driver to fill in
// before it registers them -- an IIO trigger (iio_trigger_alloc(): ops
// and drvdata), a HID device of a transport driver
// (hid_allocate_device(): ll_driver, bus, ids, name), a SCSI host
// (scsi_host_alloc(): limits, and the driver's private area after the
// struct, written again from a /proc read; not added: a user build's
// scsi_add_host() is refused, test/e2e/kscsihost), a GNSS receiver
// (gnss_allocate_device(): type and ops), a framebuffer
// (framebuffer_alloc(): its fix and the driver's par after it; not
// registered, which would hand it to fbcon).
#include <linux/module.h>
#include <linux/fb.h>
#include <linux/gnss.h>
#include <linux/hid.h>
#include <linux/iio/iio.h>
#include <linux/iio/trigger.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>

struct kda_host {
	u32 magic;
	int reads;
};

static const u8 kda_rdesc[] = {
	0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7,
	0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xc0,
};

static struct iio_trigger *trig;
static struct hid_device *hdev;
static struct fb_info *finfo;
static struct Scsi_Host *shost;
static struct gnss_device *gdev;
static int trig_state_calls;

static int kda_gnss_open(struct gnss_device *g) { return 0; }
static void kda_gnss_close(struct gnss_device *g) { }
static int kda_gnss_write(struct gnss_device *g, const unsigned char *buf, size_t n)
{
	return n;
}

static const struct gnss_operations kda_gnss_ops = {
	.open = kda_gnss_open, .close = kda_gnss_close, .write_raw = kda_gnss_write,
};

static int kda_trig_state(struct iio_trigger *t, bool on)
{
	trig_state_calls++;
	return 0;
}

static const struct iio_trigger_ops kda_trig_ops = { .set_trigger_state = kda_trig_state };

static int kda_parse(struct hid_device *h)
{
	return hid_parse_report(h, (u8 *)kda_rdesc, sizeof(kda_rdesc));
}
static int kda_start(struct hid_device *h) { return 0; }
static void kda_stop(struct hid_device *h) { }
static int kda_open(struct hid_device *h) { return 0; }
static void kda_close(struct hid_device *h) { }
static int kda_raw_request(struct hid_device *h, unsigned char num, __u8 *buf, size_t len,
			   unsigned char rtype, int reqtype)
{
	return -EIO;
}

static struct hid_ll_driver kda_ll = {
	.parse = kda_parse, .start = kda_start, .stop = kda_stop,
	.open = kda_open, .close = kda_close, .raw_request = kda_raw_request,
};

static int kda_queuecommand(struct Scsi_Host *h, struct scsi_cmnd *cmd)
{
	cmd->result = DID_NO_CONNECT << 16;
	scsi_done(cmd);
	return 0;
}

static struct scsi_host_template kda_sht = {
	.module = THIS_MODULE,
	.name = "kdevalloc",
	.proc_name = "kdevalloc",
	.queuecommand = kda_queuecommand,
	.can_queue = 3,
	.this_id = 7,
	.sg_tablesize = 8,
	.cmd_per_lun = 1,
};

static int kda_show(struct seq_file *m, void *v)
{
	struct kda_host *p = shost_priv(shost);

	p->reads++;
	seq_printf(m, "magic %#x reads %d max_id %u max_lun %llu trigger %s hid %04x:%04x %s gnss %d fb %s %#x\n",
		   p->magic, p->reads, shost->max_id, shost->max_lun, trig->name,
		   hdev->vendor, hdev->product, hdev->name, gdev->type, finfo->fix.id,
		   *(u32 *)finfo->par);
	return 0;
}

static int kda_popen(struct inode *i, struct file *f) { return single_open(f, kda_show, NULL); }
static const struct proc_ops kda_pops = {
	.proc_open = kda_popen, .proc_read = seq_read, .proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init kda_init(void)
{
	struct kda_host *p;
	int ret;

	trig = iio_trigger_alloc(NULL, "kdevalloc-trig");
	if (!trig)
		return -ENOMEM;
	trig->ops = &kda_trig_ops;
	iio_trigger_set_drvdata(trig, &trig_state_calls);
	ret = iio_trigger_register(trig);
	if (ret)
		goto err_trig;

	hdev = hid_allocate_device();
	if (IS_ERR(hdev)) {
		ret = PTR_ERR(hdev);
		goto err_trig_reg;
	}
	hdev->ll_driver = &kda_ll;
	hdev->bus = BUS_VIRTUAL;
	hdev->vendor = 0x1d6b;
	hdev->product = 0x6566;
	strscpy(hdev->name, "kdevalloc keyboard", sizeof(hdev->name));
	strscpy(hdev->phys, "kdevalloc/hid0", sizeof(hdev->phys));
	ret = hid_add_device(hdev);
	if (ret)
		goto err_hid;

	shost = scsi_host_alloc(&kda_sht, sizeof(struct kda_host));
	if (!shost) {
		ret = -ENOMEM;
		goto err_hid;
	}
	shost->max_id = 2;
	shost->max_lun = 1;
	shost->max_channel = 0;
	p = shost_priv(shost);
	p->magic = 0xda65;
	gdev = gnss_allocate_device(NULL);
	if (!gdev) {
		ret = -ENOMEM;
		goto err_host;
	}
	gdev->type = GNSS_TYPE_UBX;
	gdev->ops = &kda_gnss_ops;
	ret = gnss_register_device(gdev);
	if (ret)
		goto err_gnss;
	finfo = framebuffer_alloc(sizeof(u32), NULL);
	if (!finfo) {
		ret = -ENOMEM;
		goto err_gnss_reg;
	}
	strscpy(finfo->fix.id, "kdevalloc", sizeof(finfo->fix.id));
	*(u32 *)finfo->par = 0xfb66;
	if (!proc_create("kdevalloc", 0444, NULL, &kda_pops)) {
		ret = -ENOMEM;
		goto err_fb;
	}
	pr_info("kdevalloc: trigger, HID device and GNSS receiver registered, SCSI host and framebuffer allocated\n");
	return 0;
err_fb:
	framebuffer_release(finfo);
err_gnss_reg:
	gnss_deregister_device(gdev);
err_gnss:
	gnss_put_device(gdev);
err_host:
	scsi_host_put(shost);
err_hid:
	hid_destroy_device(hdev);
err_trig_reg:
	iio_trigger_unregister(trig);
err_trig:
	iio_trigger_free(trig);
	return ret;
}

static void __exit kda_exit(void)
{
	remove_proc_entry("kdevalloc", NULL);
	framebuffer_release(finfo);
	gnss_deregister_device(gdev);
	gnss_put_device(gdev);
	scsi_host_put(shost);
	hid_destroy_device(hdev);
	iio_trigger_unregister(trig);
	iio_trigger_free(trig);
}

module_init(kda_init);
module_exit(kda_exit);
MODULE_LICENSE("GPL");
