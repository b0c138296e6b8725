/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers of libduskrt's unit tests: a session against a fresh
 * simulated kernel, and a log callback that records what the runtime said
 * so tests can assert on messages.
 */
#ifndef DUSK_TEST_HARNESS_H
#define DUSK_TEST_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "rt-internal.h"
#include "sim-kernel.h"

/* A sim whose HELLO matches @m, with @nsyms/@nproxies fake addresses
 * (syms at 0xffffffff81000000 + 8*i, proxies at 0xffffffffc0000000 + 16*i). */
struct dusk_sim *harness_sim(const struct dusk_module *m);
/* Open a session of @m on @sim with @workers workers; asserts success. */
void harness_open(struct dusk_sim *sim, const struct dusk_module *m, unsigned int workers);
/* Close the session (if open) and free @sim. */
void harness_close(struct dusk_sim *sim);

/* Record log lines (level + text) from now on; clears earlier ones. */
void harness_log_capture(void);
/* Does a recorded line at @level (or any level if < 0) contain @needle? */
int harness_log_has(int level, const char *needle);
/* All recorded lines joined by '\n' (for failure messages). */
const char *harness_log_text(void);

/* Run @fn in a forked child with its log going to a pipe; returns the
 * child's wait status and its log text in @log (NUL-terminated). */
int harness_fork(void (*fn)(void *), void *arg, char *log, size_t cap);

#endif /* DUSK_TEST_HARNESS_H */
