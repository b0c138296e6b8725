/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IE_CORE_H
#define IE_CORE_H
#include <linux/list.h>

struct ie_handler {
	const char *name;
	int (*handle)(int v);
	struct list_head node;
};

int ie_core_register(struct ie_handler *h);
void ie_core_unregister(struct ie_handler *h);
#endif
