/* SPDX-License-Identifier: MIT */
/*
 * A growable string, the one every text generator of rewriter/ and
 * typeinfo/ writes into.
 *
 * Error convention: an allocation failure is sticky.  The buffer keeps the
 * text it had, drops every later append, and sb_failed() says so; the
 * caller checks once, at the edge (before the text leaves for a file or a
 * caller), instead of after every append.
 */
#ifndef DUSK_UTIL_STRBUF_H
#define DUSK_UTIL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct sb {
	char *s;	/* NUL-terminated once anything was added; else NULL */
	size_t len, cap;
	int failed;	/* sticky: an allocation failed, the text is incomplete */
};

void sb_puts(struct sb *b, const char *s);
void sb_putc(struct sb *b, char c);
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sb *b, const char *fmt, va_list ap);
/* @s as a C string literal: quoted, `"` and `\` escaped, control
 * characters as octal escapes. */
void sb_put_literal(struct sb *b, const char *s);
/* @depth tabs. */
void sb_indent(struct sb *b, int depth);
/* Cut the text back to its first @len bytes (no-op when it is shorter). */
void sb_truncate(struct sb *b, size_t len);
/* The text so far, "" when empty.  Valid until the next append. */
const char *sb_str(const struct sb *b);
/* Did an allocation fail since the buffer was last empty? */
int sb_failed(const struct sb *b);
/* The text as a heap string ("" when empty), which the caller frees; the
 * buffer is left empty.  NULL when sb_failed() (the buffer is freed). */
char *sb_take(struct sb *b);
/* Release the text; the buffer is empty again (and no longer failed). */
void sb_free(struct sb *b);

#endif /* DUSK_UTIL_STRBUF_H */
