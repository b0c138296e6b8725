// SPDX-License-Identifier: GPL-2.0
/*
 * kkbd — a keyboard notifier as "keylogger" tutorials write one: it logs
 * the keycodes and keysyms the keyboard reports and lets every key
 * through.  Keys come from the module's own virtual keyboard, typed by a
 * write to /proc/kkbd ("abc": a, b, c pressed and released).
 *
 * The keyboard's notifier chain is called with its lock held and
 * interrupts off, and wants its answer at once.  In the user build the
 * kmod copies the notifier's parameter, answers NOTIFY_OK and the callback
 * runs later in the program (dusk-kmod/core/kbdnotif.c, docs/kapi.md
 * "Synchronous callbacks").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/input.h>
#include <linux/keyboard.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

static struct input_dev *idev;
static struct proc_dir_entry *entry;
static int keycodes, keysyms;

/* swallow=1: answer NOTIFY_STOP for every keycode, as a module that eats
 * keys does (kernel build: no keysym follows; a user build cannot). */
static bool swallow;
module_param(swallow, bool, 0444);

static int kkbd_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	struct keyboard_notifier_param *param = data;

	switch (action) {
	case KBD_KEYCODE:
		keycodes++;
		pr_info("keycode %u %s\n", param->value, param->down ? "down" : "up");
		break;
	case KBD_KEYSYM:
		keysyms++;
		if (param->down)
			pr_info("keysym 0x%x\n", param->value);
		break;
	}
	return swallow && action == KBD_KEYCODE ? NOTIFY_STOP : NOTIFY_OK;
}

static struct notifier_block kkbd_nb = {
	.notifier_call = kkbd_notify,
};

static const unsigned int keymap[] = { KEY_A, KEY_B, KEY_C };

static ssize_t kkbd_write(struct file *file, const char __user *buf, size_t len,
			  loff_t *ppos)
{
	char text[16];
	size_t i, n = min(len, sizeof(text));

	if (copy_from_user(text, buf, n))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		if (text[i] < 'a' || text[i] > 'c')
			continue;
		input_report_key(idev, keymap[text[i] - 'a'], 1);
		input_sync(idev);
		input_report_key(idev, keymap[text[i] - 'a'], 0);
		input_sync(idev);
	}
	return len;
}

static const struct proc_ops kkbd_ops = {
	.proc_write = kkbd_write,
};

static int __init kkbd_init(void)
{
	int err, i;

	idev = input_allocate_device();
	if (!idev)
		return -ENOMEM;
	idev->name = "kkbd virtual keyboard";
	idev->phys = "kkbd/input0";
	idev->id.bustype = BUS_VIRTUAL;
	__set_bit(EV_KEY, idev->evbit);
	for (i = 0; i < ARRAY_SIZE(keymap); i++)
		__set_bit(keymap[i], idev->keybit);
	err = register_keyboard_notifier(&kkbd_nb);
	if (err) {
		pr_err("register_keyboard_notifier failed: %d\n", err);
		goto free;
	}
	err = input_register_device(idev);
	if (err)
		goto unreg;
	entry = proc_create("kkbd", 0200, NULL, &kkbd_ops);
	if (!entry) {
		err = -ENOMEM;
		input_unregister_device(idev);
		goto unreg;
	}
	pr_info("listening\n");
	return 0;
unreg:
	unregister_keyboard_notifier(&kkbd_nb);
free:
	input_free_device(idev);
	return err;
}

static void __exit kkbd_exit(void)
{
	proc_remove(entry);
	input_unregister_device(idev);
	unregister_keyboard_notifier(&kkbd_nb);
	pr_info("exit: %d keycodes, %d keysyms\n", keycodes, keysyms);
}

module_init(kkbd_init);
module_exit(kkbd_exit);
MODULE_LICENSE("GPL");
