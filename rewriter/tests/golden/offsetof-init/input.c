// SPDX-License-Identifier: GPL-2.0
/* offsetof() as a positional value of a static initializer: a table of
 * statistics, as network drivers give ethtool (ifb.c, veth.c); not a
 * designator */
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/u64_stats_sync.h>

struct q_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync sync;
};

struct q_stat_desc {
	char desc[32];
	size_t offset;
};

static const struct q_stat_desc descs[] = {
	{ "packets", offsetof(struct q_stats, packets) },
	{ "bytes", offsetof(struct q_stats, bytes) },
};

static int __init t_init(void)
{
	return descs[1].offset != 8;
}
module_init(t_init);
MODULE_LICENSE("GPL");
