// SPDX-License-Identifier: GPL-2.0
/*
 * The extent of a buffer a kernel call writes: an array member
 * (`info.name`), an array of an array, and the rest of an array from an
 * element on (`buf + len`, `&buf[len]`, the usual
 * `len += snprintf(buf + len, sizeof(buf) - len, ...)`).  Without them
 * the runtime sized a char buffer on the stack by its current string, and
 * the kernel's output came back cut to that (scull-style ioctl info).
 * A bare `names[i]` of an array of strings is the element's value, a
 * pointer to a string elsewhere: left to the runtime (it was sized as the
 * rest of the pointer array, and ipp2p's /proc file came out cut).
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/string.h>

static const char *const al_names[3] = { "one", "two", "a-longer-name" };

struct al_info {
	int size;
	char name[16];
};

int al_fill(struct al_info *out, int idx, char rows[][8])
{
	struct al_info info;
	char buf[64], grid[2][12];
	int len = 0;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "al%d", idx);
	len += snprintf(buf + len, sizeof(buf) - len, "a=%d", idx);
	len += scnprintf(&buf[len], sizeof(buf) - len, " b=%d", idx);
	len += scnprintf(buf + strlen(buf), 4, "c");	/* a call: left to the runtime */
	snprintf(grid[1], sizeof(grid[1]), "%s", buf);
	snprintf(rows[0], 8, "r");		/* a row through a pointer: char[8] */
	len += scnprintf(buf + len, sizeof(buf) - len, "%s", al_names[idx % 3]);
	*out = info;
	return len + grid[1][0];
}

static int __init al_init(void)
{
	return 0;
}
module_init(al_init);
MODULE_LICENSE("GPL");
