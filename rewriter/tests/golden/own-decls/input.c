// SPDX-License-Identifier: GPL-2.0
/* Kernel objects the module declares in its own file rather than through a
 * header (lib/test_firmware.c's `extern struct list_head
 * efi_embedded_fw_list;`): the generated kmod declares them the same way. */
#include <linux/module.h>
#include <linux/printk.h>

struct net;
extern struct net init_net;
extern int net_ratelimit(void);

static int __init od_init(void)
{
	if (net_ratelimit())
		pr_info("od: %d\n", &init_net != NULL);
	return 0;
}

module_init(od_init);
MODULE_LICENSE("GPL");
