// SPDX-License-Identifier: GPL-2.0
/* A function's static variables are the module's own objects like its
 * globals: defined at file scope as <fn>__<var>, listed in the objects
 * table as "<fn>:<var>", so a pointer to one handed to the kernel through
 * an untyped parameter (async_schedule()'s data) gets a mirror of its
 * size and type.  Two functions' statics of one name, and two blocks' of
 * one function, stay apart; one static's initializer may name another. */
#include <linux/module.h>
#include <linux/async.h>

struct pair {
	int a, b;
};

static void ls_async(void *data, async_cookie_t cookie)
{
	int *v = data;

	*v += 1;
}

static int ls_first(void)
{
	static int vals[3];
	static int count = 2;
	static int *last = &count;
	int i;

	for (i = 0; i < 3; i++)
		async_schedule(ls_async, &vals[i]);
	async_synchronize_full();
	return vals[0] + vals[1] + vals[2] + *last;
}

static int ls_second(void)
{
	static struct pair count = { 1, 2 };
	int r = 0;

	{
		static long n = 5;

		r += n;
	}
	{
		static long n = 7;

		r += n;
	}
	async_schedule(ls_async, &count.b);
	async_synchronize_full();
	return r + count.a + count.b + (int)sizeof(count);
}

static int __init ls_init(void)
{
	return ls_first() + ls_second() == 0;
}

module_init(ls_init);
MODULE_LICENSE("GPL");
