/* SPDX-License-Identifier: MIT */
/*
 * A kernel printf format's arguments made into the words a stub takes: the
 * module's own `va_list` handed to vprintk(), vsnprintf(), kvasprintf()...,
 * and a `struct va_format` printed by %pV.
 *
 * Both name the program's argument area, which the kernel cannot read (a
 * user address: a fault in kernel mode).  The program reads the arguments
 * itself, one per conversion of the format (the conversion says the type:
 * int, long, size_t, a pointer), commits what the kernel will read through
 * them (a %s string, the bytes a %p extension prints) and sends the values
 * as words; the kmod builds a kernel va_list over them (dusk-kmod's
 * dusk_va_over()) or passes them as the call's variadic arguments.  A %pV
 * whose va_format is the program's is spliced in: its format replaces the
 * conversion and its arguments take its place, as the kernel's nested
 * vsnprintf() would print them.  Symbol conversions of the program's own
 * addresses then go through dusk_symfmt() as any call's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "rt-internal.h"
#include "dusk/printf-ext.h"

/* %pV inside %pV inside ...: the kernel has no limit, a format string would
 * have to be built for it; four levels are more than any driver nests. */
#define VA_MAX_DEPTH	4

/* Where the values come from: a call's own arguments or a va_list. */
struct vsrc {
	const uint64_t *vals;
	unsigned int n, i;
	va_list *ap;
};

/* What the kernel reads through a word: nothing, a string, or bytes. */
enum wkind { W_RAW, W_STR, W_BYTES };

struct vout {
	char *fmt;			/* the format being built */
	size_t cap, len;
	uint64_t *w;			/* the words */
	unsigned char *kind;		/* enum wkind of each */
	int *size;			/* W_BYTES: how many; W_STR: its
					 * precision, or -1 (to the NUL) */
	unsigned int cap_w, nw;
	int spliced;
};

/* The next value, read as an int (4 bytes in its slot) or as 8 bytes. */
static int vsrc_next(struct vsrc *s, int wide, uint64_t *v)
{
	if (s->vals) {
		if (s->i >= s->n)
			return -EINVAL;
		*v = s->vals[s->i++];
	} else if (wide) {
		*v = (uint64_t)va_arg(*s->ap, unsigned long long);
	} else {
		*v = (uint64_t)(int64_t)va_arg(*s->ap, int);
	}
	return 0;
}

static int put_text(struct vout *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap)
		return -E2BIG;
	memcpy(o->fmt + o->len, s, n);
	o->len += n;
	o->fmt[o->len] = '\0';
	return 0;
}

static int put_word(struct vout *o, uint64_t v, enum wkind k, int size)
{
	if (o->nw >= o->cap_w)
		return -E2BIG;
	o->w[o->nw] = v;
	o->kind[o->nw] = (unsigned char)k;
	o->size[o->nw] = size;
	o->nw++;
	return 0;
}

static int walk(struct vout *o, const char *fmt, struct vsrc *s, int depth);

/*
 * A %pV of the program's own struct va_format: its format and the
 * arguments its va_list holds, in place of the conversion.  A kernel
 * va_format (a pointer the kernel gave) stays the kernel's to print.
 */
static int splice(struct vout *o, uint64_t p, int depth)
{
	const struct { const char *fmt; va_list *va; } *vaf = (const void *)(uintptr_t)p;
	struct vsrc nested = { 0 };
	va_list ap;
	int err;

	if (depth >= VA_MAX_DEPTH)
		return -ELOOP;
	if (!vaf->fmt || (uintptr_t)vaf->fmt >= dusk_kbase || !vaf->va)
		return -EFAULT;
	va_copy(ap, *vaf->va);
	nested.ap = &ap;
	err = walk(o, vaf->fmt, &nested, depth + 1);
	va_end(ap);
	o->spliced = 1;
	return err;
}

/* Digits of a width or precision written in the format. */
static int fmt_num(const char **f)
{
	int n = 0;

	while (**f >= '0' && **f <= '9' && n < 100000)
		n = n * 10 + *(*f)++ - '0';
	return n;
}

/*
 * Walk @fmt as lib/vsprintf.c's format_decode() does, appending its text
 * and one word per value to @o.  Return: 0 or a negative errno.
 */
static int walk(struct vout *o, const char *fmt, struct vsrc *s, int depth)
{
	const char *f = fmt, *from = fmt;
	uint64_t v;
	int err;

	while ((f = strchr(f, '%'))) {
		const char *conv = f;
		int width = -1, prec = -1, wide = 0;

		if (*++f == '%') {
			f++;
			continue;
		}
		f += strspn(f, "-+ #0");
		if (*f == '*') {
			if ((err = vsrc_next(s, 0, &v)) || (err = put_word(o, v, W_RAW, 0)))
				return err;
			width = (int)v < 0 ? -(int)v : (int)v;
			f++;
		} else if (*f >= '0' && *f <= '9') {
			width = fmt_num(&f);
		}
		if (*f == '.') {
			if (*++f == '*') {
				if ((err = vsrc_next(s, 0, &v)) || (err = put_word(o, v, W_RAW, 0)))
					return err;
				prec = (int)v < 0 ? 0 : (int)v;	/* as vsnprintf() */
				f++;
			} else {
				prec = fmt_num(&f);
			}
		}
		/* h and hh are passed as int; l, ll, L, z, Z, t as 8 bytes */
		for (; *f && strchr("hlLzZt", *f); f++)
			wide |= *f != 'h';
		if (!*f || !strchr("cdiuoxXsp", *f))
			break;		/* vsnprintf() stops at an invalid conversion */
		if ((err = vsrc_next(s, wide || *f == 's' || *f == 'p', &v)))
			return err;
		if (*f == 'p' && f[1] == 'V' && v && v < dusk_kbase) {
			if ((err = put_text(o, from, (size_t)(conv - from))) ||
			    (err = splice(o, v, depth)))
				return err;
			f += 2;
			from = f;
			continue;
		}
		if (*f == 's') {
			/* `%.*s` of a buffer with no NUL: the kernel reads
			 * @prec bytes at most, and so does the commit */
			err = put_word(o, v, W_STR, prec >= 0 ? prec : -1);
		} else if (*f == 'p') {
			int size = dusk_pext_size(f + 1, width);

			err = size > 0 ? put_word(o, v, W_BYTES, size) :
			      size == DUSK_PEXT_STRING ? put_word(o, v, W_STR, 0) :
			      put_word(o, v, W_RAW, 0);
		} else {
			err = put_word(o, v, W_RAW, 0);
		}
		if (err)
			return err;
		f++;
	}
	return put_text(o, from, strlen(from));
}

/* Commit what the kernel reads through the words the program owns. */
static void commit_words(struct vout *o)
{
	unsigned int i;

	for (i = 0; i < o->nw; i++) {
		uint64_t v = o->w[i];
		const char *str = (const char *)(uintptr_t)v;
		size_t n;

		if (!v || v >= dusk_kbase || o->kind[i] == W_RAW)
			continue;
		if (o->kind[i] == W_STR && o->size[i] < 0) {
			o->w[i] = dusk_commit(str, DUSK_TYPE_CSTRING, 0);
			continue;
		}
		n = (size_t)o->size[i];
		if (o->kind[i] == W_STR)	/* with its NUL when within; one
						 * byte at least: the kmod reads it */
			n = n ? strnlen(str, n) + (strnlen(str, n) < n) : 1;
		o->w[i] = dusk_commit(str, DUSK_TYPE_NONE, n);
	}
}

DUSK_API int dusk_va_words(const char **fmtp, char *buf, size_t cap, const uint64_t *vals,
			   unsigned int nvals, __builtin_va_list *ap, uint64_t *out,
			   unsigned int cap_out, const char *fn)
{
	char walked[DUSK_SYMFMT_MAX];
	unsigned char kind[DUSK_MAX_ARGS];
	int size[DUSK_MAX_ARGS];
	struct vout o = { walked, sizeof(walked), 0, out, kind, size,
			  cap_out < DUSK_MAX_ARGS ? cap_out : DUSK_MAX_ARGS, 0, 0 };
	struct vsrc s = { vals, nvals, 0, vals ? NULL : (va_list *)ap };
	const char *fmt = *fmtp;
	int err;

	walked[0] = '\0';
	if (!fmt || (uintptr_t)fmt >= dusk_kbase)
		err = -EFAULT;		/* a format the kernel owns: not read here */
	else
		err = walk(&o, fmt, &s, 0);
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "%s: the format's arguments cannot be passed to the "
			 "kernel (%s): not called", fn,
			 err == -E2BIG ? "more than fit in one call" :
			 err == -ELOOP ? "%pV nested too deep" :
			 err == -EFAULT ? "a format or va_format the program cannot read" :
			 "fewer arguments than the format names");
		return err;
	}
	fmt = o.spliced ? walked : fmt;
	if (dusk_symfmt(&fmt, buf, cap, out, o.nw) == 0 && o.spliced) {
		/* dusk_symfmt() left it: the spliced format goes out of @buf */
		if (strlen(walked) + 1 > cap)
			return -E2BIG;
		memcpy(buf, walked, strlen(walked) + 1);
		fmt = buf;
	}
	commit_words(&o);
	*fmtp = fmt;
	return (int)o.nw;
}
