// SPDX-License-Identifier: GPL-2.0
/*
 * ktextbuf — text formatted by the kernel into the caller's stack buffers
 * through helpers that only see a `char *`: sprintf(), snprintf() and
 * scnprintf() appending at an offset, strscpy() and strcat() into a zeroed
 * buffer.
 *
 * In a user build the buffer's size is unknown where the kernel call is
 * made.  Before, its kernel mirror was sized by its text (strlen + 1: one
 * byte for a zeroed buffer): the kernel wrote past the mirror (a kmalloc
 * redzone overwritten, slub_debug's "Right Redzone overwritten") and the
 * program got one byte of the text back (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

static int level = 3;

static int describe(char *out, int hits)
{
	return sprintf(out, "[state %d of 9, %d hits, all is well]", level, hits);
}

static void describe_n(char *out, size_t size, const char *who)
{
	snprintf(out, size, "%s asked for level %d", who, level);
}

static int append(char *out, size_t size, int i)
{
	return scnprintf(out, size, " item%d", i);
}

static void name_into(char *out, size_t size)
{
	strscpy(out, "a name copied by strscpy", size);
	strcat(out, ", then more");
}

static int __init ktextbuf_init(void)
{
	char a[64] = "", b[64] = "", c[96] = "", d[64] = "";
	int n, i, len = 0;

	n = describe(a, 1);
	pr_info("sprintf: %s (%d)\n", a, n);
	describe_n(b, sizeof(b), "init");
	pr_info("snprintf: %s\n", b);
	for (i = 0; i < 6; i++)
		len += append(c + len, sizeof(c) - len, i);
	pr_info("scnprintf: %s (%d)\n", c, len);
	name_into(d, sizeof(d));
	pr_info("strscpy: %s\n", d);
	return 0;
}

static void __exit ktextbuf_exit(void)
{
	char e[48] = "";

	describe(e, 2);
	pr_info("exit: %s\n", e);
}

module_init(ktextbuf_init);
module_exit(ktextbuf_exit);
MODULE_LICENSE("GPL");
