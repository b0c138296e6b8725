// SPDX-License-Identifier: GPL-2.0
/*
 * The pointers a stub reads on the program's behalf (call.c checks the ones
 * it writes): a format and its %s and dereferencing %p arguments, a string
 * source.  They pass the READ rule: what copy_from_kernel_nofault() cannot
 * read makes the CALL -EFAULT and the stub does not run.  A stale, garbage
 * or user-space pointer from a buggy program must never make the kernel
 * oops in vsnprintf() or strscpy().
 *
 * Strings are not merely probed but copied ("bounced") into core memory,
 * and the stub is given the copy: their length is only known by reading
 * them, and the program's memory may change or go away meanwhile.  The
 * same holds for the fixed-size objects %pI4, %pM, %pU... print.  %p
 * extensions that follow pointers inside a structure (%pd, %pD, %pR...)
 * get their first byte probed only (docs/kmod.md, known gaps); %pV of a
 * va_format, whose va_list no program can build, is refused (a NULL one
 * prints "(null)").
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/uaccess.h>
#include "dusk-core.h"
#include "dusk/printf-ext.h"

/* The longest string a stub is given: longer ones are refused. */
#define DUSK_MAX_BOUNCE_STR	(64 * 1024)

/* Stubs that take a kernel printf format (include/dusk/printf-ext.h). */
#define DUSK_FORMAT_STUB(name, idx) { name, idx },
static const struct {
	const char *fn;
	u8 fmt;
} dusk_format_stubs[] = {
	DUSK_FORMAT_STUBS(DUSK_FORMAT_STUB)
};
#undef DUSK_FORMAT_STUB

/*
 * Stubs that read a NUL-terminated string the program passes: its argument
 * index, and the argument bounding how much is read (-1: up to the NUL).
 */
static const struct {
	const char *fn;
	u8 src;
	s8 len_arg;
} dusk_string_stubs[] = {
	{ "strscpy", 1, 2 },
	{ "kstrtoint", 0, -1 }, { "kstrtouint", 0, -1 }, { "kstrtol", 0, -1 },
	{ "kstrtoul", 0, -1 }, { "kstrtoll", 0, -1 }, { "kstrtoull", 0, -1 },
	{ "kstrtou8", 0, -1 }, { "kstrtos8", 0, -1 }, { "kstrtou16", 0, -1 },
	{ "kstrtos16", 0, -1 }, { "kstrtobool", 0, -1 },
	{ "kstrdup", 0, -1 }, { "kstrndup", 0, 1 },
};

/*
 * Keep one bounce copy for the call; freed by dusk_stub_args_release().
 * Return: @p, or NULL when the table is full.
 */
static void *dusk_bounce_keep(struct dusk_bounce *b, void *p)
{
	if (b->n == ARRAY_SIZE(b->p)) {
		kfree(p);
		return NULL;
	}
	b->p[b->n++] = p;
	return p;
}

/*
 * The length of the string at @addr, at most @max: -EFAULT when a byte of
 * it cannot be read.  Reads page by page (faults are per page).
 */
static long dusk_strnlen_nofault(u64 addr, size_t max)
{
	char chunk[128];
	size_t len = 0, n;
	char *nul;

	while (len < max) {
		n = min3(max - len, sizeof(chunk), PAGE_SIZE - offset_in_page(addr + len));
		if (copy_from_kernel_nofault(chunk, (void *)(uintptr_t)(addr + len), n))
			return -EFAULT;
		nul = memchr(chunk, '\0', n);
		if (nul)
			return len + (nul - chunk);
		len += n;
	}
	return len;
}

/*
 * Replace the string pointer *@arg by a copy of at most @max bytes (a
 * precision, or the string's own end), NUL-terminated.
 * Return: 0, -EFAULT (unreadable or not kernel memory), -EINVAL (no NUL
 * within DUSK_MAX_BOUNCE_STR when unbounded) or -ENOMEM.
 */
static int dusk_bounce_str(struct dusk_bounce *b, u64 *arg, size_t max)
{
	bool bounded = max < DUSK_MAX_BOUNCE_STR;
	long len;
	char *p;

	if (*arg < dusk_kspace_start())
		return -EFAULT;
	len = dusk_strnlen_nofault(*arg, bounded ? max : DUSK_MAX_BOUNCE_STR);
	if (len < 0)
		return len;
	if (!bounded && len == DUSK_MAX_BOUNCE_STR)
		return -EINVAL;
	p = dusk_bounce_keep(b, kmalloc(len + 1, GFP_KERNEL));
	if (!p)
		return -ENOMEM;
	if (copy_from_kernel_nofault(p, (void *)(uintptr_t)*arg, len))
		return -EFAULT;
	p[len] = '\0';
	*arg = (u64)(uintptr_t)p;
	return 0;
}

/* Replace the object pointer *@arg by a copy of its @size bytes. */
static int dusk_bounce_obj(struct dusk_bounce *b, u64 *arg, size_t size)
{
	void *p;

	if (*arg < dusk_kspace_start())
		return -EFAULT;
	p = dusk_bounce_keep(b, kmalloc(size, GFP_KERNEL));
	if (!p)
		return -ENOMEM;
	if (copy_from_kernel_nofault(p, (void *)(uintptr_t)*arg, size))
		return -EFAULT;
	*arg = (u64)(uintptr_t)p;
	return 0;
}

/* One %p argument: bounce or probe what its extension reads. */
static int dusk_check_pext(struct dusk_bounce *b, u64 *arg, const char *ext, int width)
{
	int size = dusk_pext_size(ext, width);
	char probe;

	/* vsnprintf()'s check_pointer() prints "(null)"/"(efault)" for these,
	 * %pV's too */
	if (*arg < PAGE_SIZE || IS_ERR_VALUE((unsigned long)*arg))
		return 0;
	if (size == DUSK_PEXT_REFUSED)
		return -EINVAL;
	if (!size)
		return 0;
	if (size == DUSK_PEXT_STRING)
		return dusk_bounce_str(b, arg, DUSK_MAX_BOUNCE_STR);
	if (size == DUSK_PEXT_DEEP)
		return *arg >= dusk_kspace_start() &&
		       !copy_from_kernel_nofault(&probe, (void *)(uintptr_t)*arg, 1) ? 0 : -EFAULT;
	return dusk_bounce_obj(b, arg, size);
}

/* A decimal number of a conversion's width or precision. */
static int dusk_fmt_num(const char **f)
{
	int n = 0;

	while (isdigit(**f) && n < 100000)
		n = n * 10 + *(*f)++ - '0';
	return n;
}

/*
 * Walk the (bounced) format @fmt as lib/vsprintf.c's format_decode() does
 * and check the arguments from @args[@first] on, @nargs slots in all.
 * Return: 0, -EINVAL when the format wants more arguments than the call
 * has (vsnprintf() would take garbage for them), or a bounce error.
 */
static int dusk_check_format(struct dusk_bounce *b, const char *fmt, u64 *args,
			     unsigned int first, unsigned int nargs)
{
	unsigned int i = first;
	int width, prec, err;

	while ((fmt = strchr(fmt, '%'))) {
		fmt++;
		if (*fmt == '%') {
			fmt++;
			continue;
		}
		while (*fmt && strchr("-+ #0", *fmt))
			fmt++;
		width = -1;
		prec = -1;
		if (*fmt == '*') {
			if (i >= nargs)
				return -EINVAL;
			width = abs((int)args[i++]);	/* negative: left-justified */
			fmt++;
		} else if (isdigit(*fmt)) {
			width = dusk_fmt_num(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				if (i >= nargs)
					return -EINVAL;
				prec = (int)args[i++];
				prec = max(prec, 0);	/* as vsnprintf() */
				fmt++;
			} else {
				prec = dusk_fmt_num(&fmt);
			}
		}
		while (*fmt && strchr("hlLzZt", *fmt))
			fmt++;
		if (!*fmt || !strchr("cdiuoxXsp", *fmt))
			return 0;	/* vsnprintf() stops at an invalid conversion */
		if (i >= nargs)
			return -EINVAL;
		err = 0;
		if (*fmt == 's' && args[i] >= PAGE_SIZE && !IS_ERR_VALUE((unsigned long)args[i]))
			err = dusk_bounce_str(b, &args[i], prec < 0 ? DUSK_MAX_BOUNCE_STR : prec);
		else if (*fmt == 'p')
			err = dusk_check_pext(b, &args[i], fmt + 1, width);
		if (err)
			return err;
		i++;
		fmt++;
	}
	return 0;
}

/* Check and copy what a call of @s reads: the format or string it takes. */
static int dusk_stub_args_copy(const struct dusk_stub_desc *s, u64 *args, struct dusk_bounce *b)
{
	int i, fmt = -1, err;
	u64 max;

	if (s->flags & DUSK_STUB_VA)
		fmt = (int)DUSK_STUB_VA_INDEX(s->flags) - 1;
	else if (s->flags & DUSK_STUB_PRINTK)
		fmt = 0;
	for (i = 0; fmt < 0 && i < ARRAY_SIZE(dusk_format_stubs); i++)
		if (dusk_stub_named(s->name, dusk_format_stubs[i].fn))
			fmt = dusk_format_stubs[i].fmt;
	if (fmt >= 0 && fmt < s->nargs) {
		err = dusk_bounce_str(b, &args[fmt], DUSK_MAX_BOUNCE_STR);
		if (err)
			return err;
		return dusk_check_format(b, (const char *)(uintptr_t)args[fmt], args,
					 fmt + 1, s->nargs);
	}
	for (i = 0; i < ARRAY_SIZE(dusk_string_stubs); i++) {
		if (!dusk_stub_named(s->name, dusk_string_stubs[i].fn) ||
		    dusk_string_stubs[i].src >= s->nargs ||
		    dusk_string_stubs[i].len_arg >= (s8)s->nargs)
			continue;
		max = dusk_string_stubs[i].len_arg < 0 ? DUSK_MAX_BOUNCE_STR :
		      min_t(u64, args[dusk_string_stubs[i].len_arg], DUSK_MAX_BOUNCE_STR);
		if (!max)
			return 0;
		return dusk_bounce_str(b, &args[dusk_string_stubs[i].src], max);
	}
	return 0;
}

/* Does a call of @s read a format or a string the program passes? */
bool dusk_stubargs_acts_on(const struct dusk_stub_desc *s)
{
	return (s->flags & (DUSK_STUB_PRINTK | DUSK_STUB_VA)) || dusk_stub_in(s->name, dusk_format_stubs, .fn) ||
	       dusk_stub_in(s->name, dusk_string_stubs, .fn);
}

/**
 * dusk_stub_args_bounce() - check and copy what a call of @s reads.
 * @s:    the stub
 * @args: the call's arguments, a copy the stub is then called with: read
 *        pointers are replaced by core copies
 * @b:    the copies; release with dusk_stub_args_release(), also on error
 *
 * Return: 0, -EFAULT (a pointer the READ rule refuses), -EINVAL (a format
 * that needs more arguments than given, or %pV) or -ENOMEM.
 */
int dusk_stub_args_bounce(const struct dusk_stub_desc *s, u64 *args, struct dusk_bounce *b)
{
	u64 orig[DUSK_MAX_ARGS];
	int i, err;

	b->n = 0;
	b->replaced = 0;
	memcpy(orig, args, sizeof(orig));
	err = dusk_stub_args_copy(s, args, b);
	for (i = 0; i < s->nargs; i++)
		if (args[i] != orig[i])
			b->replaced |= BIT(i);
	return err;
}

/** dusk_stub_args_release() - free the copies dusk_stub_args_bounce() made. */
void dusk_stub_args_release(struct dusk_bounce *b)
{
	while (b->n)
		kfree(b->p[--b->n]);
}
