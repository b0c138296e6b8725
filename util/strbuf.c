// SPDX-License-Identifier: MIT
/*
 * The growable string of strbuf.h: doubling growth, sticky failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Room for @more bytes and the NUL; 0, or -1 once the buffer has failed. */
static int reserve(struct sb *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = 1;
		return -1;
	}
	b->s = s;
	b->cap = cap;
	return 0;
}

void sb_puts(struct sb *b, const char *s)
{
	size_t n = strlen(s);

	if (reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_putc(struct sb *b, char c)
{
	if (reserve(b, 1))
		return;
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_vprintf(struct sb *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (reserve(b, (size_t)n))
		return;
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_put_literal(struct sb *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_printf(b, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			sb_printf(b, "\\%03o", (unsigned char)*s);
		else
			sb_putc(b, *s);
	}
	sb_putc(b, '"');
}

void sb_indent(struct sb *b, int depth)
{
	while (depth-- > 0)
		sb_putc(b, '\t');
}

void sb_truncate(struct sb *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->s[len] = '\0';
}

const char *sb_str(const struct sb *b)
{
	return b->s ? b->s : "";
}

int sb_failed(const struct sb *b)
{
	return b->failed;
}

char *sb_take(struct sb *b)
{
	char *s;

	if (!b->s && !reserve(b, 0))
		b->s[0] = '\0';
	if (b->failed) {
		sb_free(b);
		return NULL;
	}
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
