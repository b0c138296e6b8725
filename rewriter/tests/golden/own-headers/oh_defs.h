/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OH_DEFS_H
#define OH_DEFS_H
#include "oh_limits.h"

struct oh_item {
	int id;
	char name[OH_NAME_LEN];
};

static inline int oh_item_id(const struct oh_item *it)
{
	return it->id;
}
#endif
