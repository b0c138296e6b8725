/* SPDX-License-Identifier: GPL-2.0 */
/* What mfile_main.c and mfile_stats.c share. */
#ifndef MFILE_H
#define MFILE_H

#include <linux/types.h>

struct mfile_stats {
	unsigned int writes;
	unsigned int bytes;
};

extern struct mfile_stats mfile_stats;
void mfile_count(size_t len);
int mfile_stats_init(void);
void mfile_stats_exit(void);

#endif
