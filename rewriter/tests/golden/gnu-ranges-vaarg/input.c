// GNU range designators in tables, and va_arg() in a module's own variadic
// function: both were printed wrongly (`{ 1, 15 }`, a cast of the va_list).
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/stdarg.h>

static int table[16] = { [0 ... 7] = 1, [8 ... 15] = 2 };
static const char kinds[128] = { ['0' ... '9'] = 'd', ['a' ... 'z'] = 'l', [' '] = 's' };
static int grid[2][3] = { [0][1] = 5, [0][2] = 6, [1] = { [0 ... 2] = 7 } };
struct pt { int x, y; };
static struct pt pts[4] = { [1 ... 2] = { .x = 3, .y = 4 } };

static long sum(int n, ...)
{
	va_list ap;
	long s = 0;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		s += va_arg(ap, int);
	s += (long)va_arg(ap, const char *)[0];
	va_end(ap);
	return s;
}

static int __init r_init(void)
{
	pr_info("%d %c %d %d %ld\n", table[9], kinds['q'], grid[1][2], pts[2].y,
		sum(2, 3, 4, "x"));
	return 0;
}
module_init(r_init);
MODULE_LICENSE("GPL");
