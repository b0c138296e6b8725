// SPDX-License-Identifier: GPL-2.0
/* Golden: the printer's coverage of C: statement expressions, compound
 * literals, designated initializers (fields and array indexes), casts,
 * sizeof/typeof/offsetof, __builtin_*, ?:, switch/case ranges, goto,
 * for/while/do, string and character literals. */
#include <linux/module.h>
#include <linux/kernel.h>

enum color { RED, GREEN = 5, BLUE };

struct point { int x, y; };

static const char *const names[] = {
	[RED] = "red",
	[GREEN] = "green",
	[BLUE] = "blue\t\"q\"",
};

static struct point origin = { .y = 2, .x = 1 };

static int ex_run(struct point *p, int n)
{
	struct point q = (struct point){ .x = n, .y = -n };
	typeof(n) m = ({ int t = n * 2; t + 1; });
	int i = 0, total = 0;
	char c = 'a';

	switch (n) {
	case 0 ... 3:
		total = 1;
		break;
	case RED - 1:
		goto out;
	default:
		total = (int)(long)p;
	}
	for (i = 0; i < n; i++)
		total += q.x;
	for (;;)
		break;
	while (total > 1000)
		total /= 2;
	do
		total++;
	while (0);
	total += __builtin_expect(m > 0, 1) ? p->x : origin.y;
	total += (int)sizeof(struct point) + (int)__builtin_offsetof(struct point, y);
	total += c + names[GREEN][0];
out:
	return total;
}

static int __init ex_init(void)
{
	return ex_run(&origin, 2) < 0;
}

module_init(ex_init);
MODULE_LICENSE("GPL");
