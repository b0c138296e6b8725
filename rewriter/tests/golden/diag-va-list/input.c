// A va_list handed to a kernel scanf (where it stores, not reads): refused
// at rewrite time, with where.
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/stdarg.h>

static __printf(1, 2) void mylog(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsscanf(fmt, "%d", args);
	va_end(args);
}

static int __init m_init(void)
{
	mylog(KERN_INFO "hello %d\n", 1);
	return 0;
}
module_init(m_init);
MODULE_LICENSE("GPL");
