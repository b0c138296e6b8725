/* SPDX-License-Identifier: MIT */
/*
 * A growable string.  Every emitter of typegen writes into one; an
 * allocation failure is remembered (oom) and reported once by the caller.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"

static int reserve(struct tg_buf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->oom)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void tgb_puts(struct tg_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void tgb_printf(struct tg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void tgb_indent(struct tg_buf *b, int depth)
{
	while (depth-- > 0)
		tgb_puts(b, "\t");
}

void tgb_cx(struct tg_buf *b, CXString s)
{
	const char *c = clang_getCString(s);

	tgb_puts(b, c ? c : "");
	clang_disposeString(s);
}

char *tgb_take(struct tg_buf *b)
{
	char *s;

	if (b->oom) {
		tgb_free(b);
		return NULL;
	}
	if (!b->s && reserve(b, 0))
		return NULL;
	s = b->s;
	s[b->len] = '\0';
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void tgb_free(struct tg_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->oom = 0;
}
