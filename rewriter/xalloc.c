// SPDX-License-Identifier: GPL-2.0
/*
 * The rewriter's allocation policy, on top of util/: the tool builds every
 * output file in memory before anything touches the disk, so running out
 * of memory ends the (short-lived) tool.  The x* functions abort instead of
 * failing; xsb_str()/xsb_take() are the edge where a string buffer's sticky
 * failure (util/strbuf.h) is checked before its text is used.
 */
#include <stdlib.h>
#include <string.h>
#include "rewriter.h"

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

char *xasprintf(const char *fmt, ...)
{
	struct sb b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	sb_vprintf(&b, fmt, ap);
	va_end(ap);
	return xsb_take(&b);
}

const char *xsb_str(const struct sb *b)
{
	if (sb_failed(b))
		abort();
	return sb_str(b);
}

char *xsb_take(struct sb *b)
{
	char *s = sb_take(b);

	if (!s)
		abort();
	return s;
}

void *xvec_grow(void *arr, size_t elem, size_t n, size_t *cap)
{
	arr = vec_grow(arr, elem, n, cap);
	if (!arr)
		abort();
	return arr;
}
