// SPDX-License-Identifier: GPL-2.0
/* mfile's second source file: the write counters. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include "mfile.h"

struct mfile_stats mfile_stats;
static unsigned int calls;	/* not mfile_main.c's: each file has its own */

static void note(const char *what)
{
	calls += 10;
	pr_info("%s: stats' %s, calls %u\n", __func__, what, calls);
}

static void mfile_log(const char *what)
{
	pr_info("%s: %u writes, %u bytes\n", what, mfile_stats.writes, mfile_stats.bytes);
}

void mfile_count(size_t len)
{
	note("count");
	mfile_stats.writes++;
	mfile_stats.bytes += len;
	if (mfile_stats.writes % 2 == 0)
		mfile_log("every second write");
}

int mfile_stats_init(void)
{
	mfile_stats.writes = 0;
	mfile_stats.bytes = 0;
	return 0;
}

void mfile_stats_exit(void)
{
	mfile_log("exit");
}
