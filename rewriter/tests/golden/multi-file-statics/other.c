// SPDX-License-Identifier: GPL-2.0
/* The second file of ms: its own hits and bump(); a struct member of
 * another name is untouched, and so is the include path. */
#include <linux/printk.h>
#include <linux/types.h>

enum { MS_SLOTS = 3 };
typedef u32 ms_word;
struct ms_state { ms_word w[MS_SLOTS]; long extra; };

struct ms_pair { int hit; };
static int hits;

static int bump(void)
{
	struct ms_pair p = { .hit = 1 };
	struct ms_state st = { { MS_SLOTS } };

	hits += p.hit;
	pr_info("%s: other %d %zu %u\n", __func__, hits, sizeof(st), st.w[0]);
	return hits;
}

int ms_other(void)
{
	return bump();
}
