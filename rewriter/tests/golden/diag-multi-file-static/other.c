// SPDX-License-Identifier: GPL-2.0
/* The second file of md: a static count, and a member count. */
struct md_stats { int count; };
static int count;

int md_other(void)
{
	struct md_stats s = { 0 };

	return s.count + count;
}
