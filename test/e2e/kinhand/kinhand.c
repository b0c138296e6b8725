// SPDX-License-Identifier: GPL-2.0
/* An input handler (the evbug pattern) bound to a virtual keypad of the
 * module's own, which /proc/kinhand writes press keys on.  Its .event is
 * called by input_event() under the device's event_lock with interrupts
 * off: in the user build it runs in the program, late (before, its
 * blocking proxy refused that context and it never ran).  Its .filter
 * (a keylogger's: it looks at every value and filters none) is called
 * there too: in the user build observed late as .event is, its proxy
 * answering "not filtered" (before, the blocking proxy's -EWOULDBLOCK read
 * as true and every event of the keypad was swallowed). */
#include <linux/module.h>
#include <linux/input.h>
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

static struct input_dev *pad;
static int connects, key_events, syn_events, last_code = -1, filtered;

static bool kinhand_filter(struct input_handle *handle, unsigned int type, unsigned int code,
			   int value)
{
	filtered++;
	return false;
}

static void kinhand_event(struct input_handle *handle, unsigned int type, unsigned int code, int value)
{
	if (type == EV_KEY) {
		key_events++;
		last_code = code;
	} else if (type == EV_SYN) {
		syn_events++;
	}
}

static int kinhand_connect(struct input_handler *handler, struct input_dev *dev,
		       const struct input_device_id *id)
{
	struct input_handle *handle;
	int err;

	if (strcmp(dev->name, "kinhand keypad"))
		return -ENODEV;
	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle)
		return -ENOMEM;
	handle->dev = dev;
	handle->handler = handler;
	handle->name = "kinhand";
	err = input_register_handle(handle);
	if (err)
		goto free;
	err = input_open_device(handle);
	if (err)
		goto unreg;
	connects++;
	pr_info("kinhand: connected to %s\n", dev->name);
	return 0;
unreg:
	input_unregister_handle(handle);
free:
	kfree(handle);
	return err;
}

static void kinhand_disconnect(struct input_handle *handle)
{
	pr_info("kinhand: disconnect from %s\n", handle->dev->name);
	input_close_device(handle);
	input_unregister_handle(handle);
	kfree(handle);
}

static const struct input_device_id kinhand_ids[] = {
	{ .flags = INPUT_DEVICE_ID_MATCH_EVBIT, .evbit = { BIT_MASK(EV_KEY) } },
	{ },
};

static struct input_handler kinhand_handler = {
	.event = kinhand_event,
	.filter = kinhand_filter,
	.connect = kinhand_connect,
	.disconnect = kinhand_disconnect,
	.name = "kinhand",
	.id_table = kinhand_ids,
};

static void kinhand_press(unsigned int code)
{
	input_report_key(pad, code, 1);
	input_sync(pad);
	input_report_key(pad, code, 0);
	input_sync(pad);
}

static int kinhand_show(struct seq_file *m, void *v)
{
	seq_printf(m, "connects %d keys %d syns %d last %d filter %d\n", connects, key_events,
		   syn_events, last_code, filtered);
	return 0;
}

static int kinhand_open(struct inode *inode, struct file *file)
{
	return single_open(file, kinhand_show, NULL);
}

static ssize_t kinhand_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	unsigned int n;
	int err = kstrtouint_from_user(buf, len, 0, &n);

	if (err)
		return err;
	kinhand_press(KEY_1 + (n % 9));
	return len;
}

static const struct proc_ops kinhand_ops = {
	.proc_open = kinhand_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kinhand_write,
};

static int __init kinhand_init(void)
{
	int err, i;

	err = input_register_handler(&kinhand_handler);
	if (err)
		return err;
	pad = input_allocate_device();
	if (!pad) {
		err = -ENOMEM;
		goto out_handler;
	}
	pad->name = "kinhand keypad";
	pad->phys = "kinhand/input0";
	pad->id.bustype = BUS_VIRTUAL;
	for (i = KEY_1; i <= KEY_9; i++)
		input_set_capability(pad, EV_KEY, i);
	err = input_register_device(pad);
	if (err) {
		input_free_device(pad);
		goto out_handler;
	}
	kinhand_press(KEY_5);
	kinhand_press(KEY_7);
	pr_info("kinhand: %d connects\n", connects);
	proc_create("kinhand", 0666, NULL, &kinhand_ops);
	return 0;
out_handler:
	input_unregister_handler(&kinhand_handler);
	return err;
}

static void __exit kinhand_exit(void)
{
	remove_proc_entry("kinhand", NULL);
	input_unregister_device(pad);
	input_unregister_handler(&kinhand_handler);
	pr_info("kinhand: %d keys, %d syns\n", key_events, syn_events);
}

module_init(kinhand_init);
module_exit(kinhand_exit);
MODULE_LICENSE("GPL");
