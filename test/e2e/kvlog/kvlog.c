// kvlog: a module's own variadic helpers, as third-party modules write
// them: a level-filtered vprintk() wrapper, a vsnprintf() into a log buffer
// read through /proc, a prefixing wrapper printing a struct va_format with
// %pV, kvasprintf(), a va_arg() loop, a precision over a buffer with no NUL,
// a NULL %pV; and GNU range designators in tables.
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/inet.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/stdarg.h>

#define LOGSZ 256
static char logbuf[LOGSZ];
static size_t loglen;
static int verbose = 1;
module_param(verbose, int, 0644);

/* GNU ranges: every element of each range holds the value */
/* a fixed-size name field, no NUL: printed with a precision */
static const char rawname[4] = { 'w', 'x', 'y', 'z' };

static int weights[16] = { [0 ... 7] = 1, [8 ... 15] = 3 };
static const char kinds[128] = { ['0' ... '9'] = 'd', ['a' ... 'z'] = 'l', [' '] = 's' };
static int grid[2][3] = { [0][1] = 5, [0][2] = 6, [1] = { [0 ... 2] = 7 } };

static __printf(2, 3) void kvlog(int level, const char *fmt, ...)
{
	va_list args;

	if (level > verbose)
		return;
	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

static __printf(1, 2) void remember(const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(logbuf + loglen, LOGSZ - loglen, fmt, args);
	va_end(args);
	if (n > 0)
		loglen = min_t(size_t, LOGSZ - 1, loglen + n);
}

static __printf(2, 3) void tagged(const char *tag, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("kvlog: [%s] %pV\n", tag, &vaf);
	va_end(args);
}

static char *vdup(const char *fmt, ...)
{
	va_list args;
	char *s;

	va_start(args, fmt);
	s = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	return s;
}

static long sum(int n, ...)
{
	va_list ap;
	long s = 0;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		s += va_arg(ap, int);
	s += va_arg(ap, long);
	va_end(ap);
	return s;
}

static int show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s", logbuf);
	return 0;
}

static int __init kvlog_init(void)
{
	__be32 addr = htonl(0x0a000001);
	int i, w = 0;
	char *s;

	kvlog(1, KERN_INFO "kvlog: level one %d %s %5.2s|%-4d|%lx\n", 42, "str", "abc", 7,
	      0xabcdefUL);
	kvlog(2, KERN_INFO "kvlog: level two (hidden)\n");
	kvlog(1, KERN_INFO "kvlog: prec %.*s|%.2s|%.*s|\n", 3, rawname, rawname,
	      (int)sizeof(rawname), rawname);
	pr_info("kvlog: null %pV|\n", NULL);
	remember("a=%d ", 1);
	remember("b=%s ", "two");
	remember("ip=%pI4 ", &addr);
	remember("c=%lu\n", 3UL);
	tagged("init", "x=%d y=%x s=%s", 7, 255, "in");
	s = vdup("dup %d-%d %pI4", 4, 5, &addr);
	pr_info("kvlog: %s sum %ld\n", s ? s : "(null)", sum(4, 1, 2, 3, 4, 100L));
	kfree(s);
	for (i = 0; i < ARRAY_SIZE(weights); i++)
		w += weights[i];
	pr_info("kvlog: weights %d kinds %c%c%c grid %d %d %d %d\n", w, kinds['5'], kinds['q'],
		kinds[' '], grid[0][0], grid[0][1], grid[0][2], grid[1][1]);
	proc_create_single("kvlog", 0444, NULL, show);
	return 0;
}

static void __exit kvlog_exit(void)
{
	remove_proc_entry("kvlog", NULL);
	tagged("exit", "len=%zu", loglen);
}
module_init(kvlog_init);
module_exit(kvlog_exit);
MODULE_LICENSE("GPL");
