// SPDX-License-Identifier: GPL-2.0
/*
 * kusb: a USB driver as third parties write them (after usb-skeleton.c),
 * bound to QEMU's USB tablet with no HID driver loaded.
 *
 * Probe finds the interrupt IN endpoint, asks the device to report every
 * 16 ms even when nothing changes (the HID class request SET_IDLE, a
 * synchronous control message), and submits an interrupt URB whose
 * completion counts the reports and resubmits itself until it has 8;
 * probe waits for them.  /proc/kusb starts another 8 and tells the count.
 * Disconnect kills the URB (usb_kill_urb() waits for a completion in
 * flight) and frees it.
 */
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/usb.h>

#define KUSB_VENDOR	0x0627	/* QEMU */
#define KUSB_PRODUCT	0x0001	/* its tablet */
#define KUSB_REPORTS	8
#define HID_REQ_SET_IDLE 0x0a

struct kusb {
	struct usb_device *udev;
	struct usb_interface *intf;
	struct urb *urb;
	u8 *buf;
	int maxp;
	spinlock_t lock;
	unsigned int reports, wanted, errors;
	int last_len;
	struct completion done;
};

static struct kusb *kusb;

static void kusb_irq(struct urb *urb)
{
	struct kusb *k = urb->context;
	bool more;

	switch (urb->status) {
	case 0:
		break;
	case -ECONNRESET:
	case -ENOENT:
	case -ESHUTDOWN:
		return;		/* killed or unplugged */
	default:
		spin_lock(&k->lock);
		k->errors++;
		spin_unlock(&k->lock);
		goto resubmit;
	}
	spin_lock(&k->lock);
	k->reports++;
	k->last_len = urb->actual_length;
	more = k->reports < k->wanted;
	spin_unlock(&k->lock);
	if (!more) {
		complete(&k->done);
		return;
	}
resubmit:
	if (usb_submit_urb(urb, GFP_ATOMIC))
		complete(&k->done);
}

/* @n more reports; wait for them. */
static int kusb_collect(struct kusb *k, unsigned int n)
{
	int err;

	spin_lock_irq(&k->lock);
	k->wanted = k->reports + n;
	spin_unlock_irq(&k->lock);
	reinit_completion(&k->done);
	err = usb_submit_urb(k->urb, GFP_KERNEL);
	if (err)
		return err;
	if (!wait_for_completion_timeout(&k->done, 10 * HZ)) {
		usb_kill_urb(k->urb);
		return -ETIMEDOUT;
	}
	return k->reports >= k->wanted ? 0 : -EIO;
}

static int kusb_show(struct seq_file *m, void *v)
{
	struct kusb *k = kusb;

	if (!k)
		return -ENODEV;
	seq_printf(m, "reports %u of %d bytes, errors %u\n", k->reports, k->last_len,
		   k->errors);
	return 0;
}

static int kusb_open(struct inode *inode, struct file *file)
{
	return single_open(file, kusb_show, NULL);
}

static ssize_t kusb_write(struct file *file, const char __user *buf, size_t len, loff_t *off)
{
	int err;

	if (!kusb)
		return -ENODEV;
	err = kusb_collect(kusb, KUSB_REPORTS);
	if (err)
		return err;
	pr_info("kusb: %u reports in all\n", kusb->reports);
	return len;
}

static const struct proc_ops kusb_proc_ops = {
	.proc_open = kusb_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kusb_write,
};

static int kusb_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	struct usb_endpoint_descriptor *ep;
	struct usb_device *udev = interface_to_usbdev(intf);
	struct kusb *k;
	int err;

	err = usb_find_int_in_endpoint(intf->cur_altsetting, &ep);
	if (err)
		return err;
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->udev = usb_get_dev(udev);
	k->intf = intf;
	spin_lock_init(&k->lock);
	init_completion(&k->done);
	k->maxp = usb_endpoint_maxp(ep);
	k->buf = kmalloc(k->maxp, GFP_KERNEL);
	k->urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!k->buf || !k->urb) {
		err = -ENOMEM;
		goto free;
	}
	/* report every 4 * 4 ms, changed or not */
	err = usb_control_msg(udev, usb_sndctrlpipe(udev, 0), HID_REQ_SET_IDLE,
			      USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE, 4 << 8,
			      intf->cur_altsetting->desc.bInterfaceNumber, NULL, 0,
			      USB_CTRL_SET_TIMEOUT);
	if (err < 0)
		goto free;
	usb_fill_int_urb(k->urb, udev, usb_rcvintpipe(udev, ep->bEndpointAddress), k->buf,
			 k->maxp, kusb_irq, k, ep->bInterval);
	usb_set_intfdata(intf, k);
	pr_info("kusb: %04x:%04x, interrupt endpoint 0x%02x of %d bytes\n",
		le16_to_cpu(udev->descriptor.idVendor), le16_to_cpu(udev->descriptor.idProduct),
		ep->bEndpointAddress, k->maxp);
	err = kusb_collect(k, KUSB_REPORTS);
	if (err)
		goto free;
	pr_info("kusb: %u reports of %d bytes, errors %u\n", k->reports, k->last_len, k->errors);
	kusb = k;
	return 0;
free:
	pr_err("kusb: probe: %d\n", err);
	usb_set_intfdata(intf, NULL);
	usb_free_urb(k->urb);
	kfree(k->buf);
	usb_put_dev(k->udev);
	kfree(k);
	return err;
}

static void kusb_disconnect(struct usb_interface *intf)
{
	struct kusb *k = usb_get_intfdata(intf);

	kusb = NULL;
	usb_kill_urb(k->urb);
	pr_info("kusb: disconnect after %u reports\n", k->reports);
	usb_set_intfdata(intf, NULL);
	usb_free_urb(k->urb);
	kfree(k->buf);
	usb_put_dev(k->udev);
	kfree(k);
}

static const struct usb_device_id kusb_ids[] = {
	{ USB_DEVICE(KUSB_VENDOR, KUSB_PRODUCT) },
	{ }
};
MODULE_DEVICE_TABLE(usb, kusb_ids);

static struct usb_driver kusb_driver = {
	.name = "kusb",
	.id_table = kusb_ids,
	.probe = kusb_probe,
	.disconnect = kusb_disconnect,
};

static struct proc_dir_entry *kusb_proc;

static int __init kusb_init(void)
{
	int err = usb_register(&kusb_driver);

	if (err)
		return err;
	kusb_proc = proc_create("kusb", 0666, NULL, &kusb_proc_ops);
	if (!kusb_proc) {
		usb_deregister(&kusb_driver);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kusb_exit(void)
{
	proc_remove(kusb_proc);
	usb_deregister(&kusb_driver);
}

module_init(kusb_init);
module_exit(kusb_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a USB driver's interrupt URB completing in interrupt context");
