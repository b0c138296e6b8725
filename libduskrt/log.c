/* SPDX-License-Identifier: MIT */
/*
 * Logging: the one place libduskrt's words leave the library.  Messages go
 * to a replaceable callback (dusk_set_log()), by default one line each on
 * stderr.  Module printk output arrives as DUSK_LOG_KERNEL lines marked with
 * their kernel log level; DUSK_TRACE=1 turns on DUSK_LOG_TRACE lines, one per
 * kernel interaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt-internal.h"

int dusk_trace_on;

static void log_stderr(int level, const char *msg, void *arg)
{
	char line[2048];
	int n;

	(void)level;
	(void)arg;
	/* One write() per line, so lines of concurrent threads do not mix. */
	n = snprintf(line, sizeof(line), "%s\n", msg);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

static dusk_log_fn log_fn = log_stderr;
static void *log_arg;

__attribute__((constructor)) static void log_init(void)
{
	const char *t = getenv("DUSK_TRACE");

	dusk_trace_on = t && *t && strcmp(t, "0") != 0;
}

DUSK_API dusk_log_fn dusk_set_log(dusk_log_fn fn, void *arg)
{
	dusk_log_fn old = log_fn;

	log_fn = fn ? fn : log_stderr;
	log_arg = fn ? arg : NULL;
	return old;
}

void dusk_log(int level, const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_fn(level, msg, log_arg);
}

/*
 * printk text keeps its level prefix: KERN_SOH ("\001") and a digit, or 'c'
 * for KERN_CONT.  Each line becomes "<L> text"; a line without a prefix
 * gets the kernel's default message level, 4.
 */
void dusk_log_kernel_text(const char *text)
{
	char level = '4';

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		int cont = 0;

		while (n >= 2 && text[0] == '\001') {
			if (text[1] >= '0' && text[1] <= '7')
				level = text[1];
			else if (text[1] == 'c')
				cont = 1;
			text += 2;
			n -= 2;
		}
		if (cont)
			dusk_log(DUSK_LOG_KERNEL, "%.*s", (int)n, text);
		else
			dusk_log(DUSK_LOG_KERNEL, "<%c> %.*s", level, (int)n, text);
		text += n;
		if (*text == '\n')
			text++;
	}
}
