// SPDX-License-Identifier: GPL-2.0
/* A compound literal is an object of its type, which must be complete in
 * the program's declarations even when the module names the type only
 * through pointers otherwise: hwmon's HWMON_CHANNEL_INFO() builds each
 * struct hwmon_channel_info of a pointer array that way (the program
 * failed to compile: "has no member named 'type'").  Its config array, a
 * compound literal of numbers the kernel reads through a pointer, becomes
 * a named object of the objects table, which the runtime sizes (before,
 * one element of it was mirrored: the kernel saw one channel). */
#include <linux/module.h>
#include <linux/hwmon.h>

static const struct hwmon_channel_info *cc_info[] = {
	HWMON_CHANNEL_INFO(temp, HWMON_T_INPUT | HWMON_T_MAX, HWMON_T_INPUT),
	HWMON_CHANNEL_INFO(fan, HWMON_F_INPUT),
	NULL
};

static int __init cc_init(void)
{
	return cc_info[0] ? 0 : -EINVAL;
}

module_init(cc_init);
MODULE_LICENSE("GPL");
