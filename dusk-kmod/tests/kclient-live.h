/* SPDX-License-Identifier: GPL-2.0 */
/* fuzz-live (kclient-live.c): hostile requests raced against live upcalls. */
#ifndef KCLIENT_LIVE_H
#define KCLIENT_LIVE_H

#include "kclient.h"

/*
 * On bound session @kc (@h its HELLO): register a hook and /proc/dusk_ktest,
 * call @ready, then send @n requests from @nthreads threads (at most
 * @seconds).  Prints "ok:"/"FAIL:" lines; returns 0 when every check held.
 * The session is left bound, its registrations live.
 */
int kc_fuzz_live(struct kc *kc, const struct kc_hello *h, long n, int nthreads, int seconds,
		 void (*ready)(void));

#endif /* KCLIENT_LIVE_H */
