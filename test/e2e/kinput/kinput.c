// SPDX-License-Identifier: GPL-2.0
/*
 * kinput: a virtual keyboard, as key-injecting modules make one.  The
 * module fills the struct input_dev that input_allocate_device() handed it
 * (name and phys: string literals; id; capability bits), registers it,
 * types a few keys, and unregisters it at exit.
 *
 * Found by a probe (docs/COVERAGE.md, fifth round): the user build died on
 * its first store into the kernel's input_dev (refused), and once the
 * object was the module's to fill, the literal's program address went into
 * idev->name as it was and the kernel oopsed reading it in
 * input_dev_uevent().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/input.h>

static struct input_dev *idev;

static int __init kinput_init(void)
{
	int err;

	idev = input_allocate_device();
	if (!idev)
		return -ENOMEM;
	idev->name = "kinput virtual keyboard";
	idev->phys = "kinput/input0";
	idev->id.bustype = BUS_VIRTUAL;
	idev->id.vendor = 0x1234;
	idev->id.product = 0x5678;
	idev->id.version = 1;
	__set_bit(EV_KEY, idev->evbit);
	__set_bit(KEY_A, idev->keybit);
	__set_bit(KEY_ENTER, idev->keybit);
	err = input_register_device(idev);
	if (err) {
		input_free_device(idev);
		return err;
	}
	input_report_key(idev, KEY_A, 1);
	input_sync(idev);
	input_report_key(idev, KEY_A, 0);
	input_sync(idev);
	pr_info("registered %s (%s), typed a key\n", idev->name, idev->phys);
	return 0;
}

static void __exit kinput_exit(void)
{
	input_unregister_device(idev);
	pr_info("unregistered\n");
}

module_init(kinput_init);
module_exit(kinput_exit);
MODULE_LICENSE("GPL");
