// SPDX-License-Identifier: GPL-2.0
/*
 * Growable strings and arrays for the rewriter's text generation.  The tool
 * builds every output file in memory before anything touches the disk, so
 * these never fail softly: out of memory aborts the (short-lived) tool.
 */
#include <stdlib.h>
#include <string.h>
#include "rewriter.h"
#include <dusk/fnv.h>

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		abort();
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

void sb_vprintf(struct sb *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	b->len += n;
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_puts(struct sb *b, const char *s)
{
	sb_printf(b, "%s", s);
}

void sb_putc(struct sb *b, char c)
{
	sb_printf(b, "%c", c);
}

const char *sb_str(const struct sb *b)
{
	return b->s ? b->s : "";
}

void sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *xasprintf(const char *fmt, ...)
{
	struct sb b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	return b.s ? b.s : xstrdup("");
}

char *cxs_take(CXString s)
{
	const char *c = clang_getCString(s);
	char *r = xstrdup(c ? c : "");

	clang_disposeString(s);
	return r;
}

void *vec_grow(void *arr, size_t elem, size_t n, size_t *cap)
{
	if (n >= *cap) {
		*cap = *cap ? *cap * 2 : 8;
		arr = xrealloc(arr, *cap * elem);
	}
	memset((char *)arr + n * elem, 0, elem);
	return arr;
}

uint64_t fnv1a(uint64_t h, const char *s)
{
	/* a separator, so ("ab","c") and ("a","bc") differ */
	return dusk_fnv1a_byte(dusk_fnv1a(h, s), 0xff);
}
