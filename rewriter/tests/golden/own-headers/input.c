// SPDX-License-Identifier: GPL-2.0
/* A module with its own header beside it (`#include "oh_defs.h"`), which
 * includes another of its own: the generated kmod includes what the module
 * includes, so both must reach its Kbuild. */
#include <linux/module.h>
#include <linux/slab.h>
#include "oh_defs.h"

static struct oh_item *oh_item;

static int __init oh_init(void)
{
	oh_item = kzalloc(sizeof(*oh_item), GFP_KERNEL);
	if (!oh_item)
		return -ENOMEM;
	oh_item->id = OH_FIRST_ID;
	pr_info("oh: item %d\n", oh_item_id(oh_item));
	return 0;
}

static void __exit oh_exit(void)
{
	kfree(oh_item);
}

module_init(oh_init);
module_exit(oh_exit);
MODULE_LICENSE("GPL");
