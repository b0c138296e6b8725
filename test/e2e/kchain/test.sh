#!/bin/sh
# Real-kernel test of kchain (guest script, run by test/e2e/difftest in
# both builds: kchain.ko, then the DUSK user build).  The driver's own
# atomic notifier chain called its subscribers in priority order, stopped
# and vetoed where they said, and none after one was taken off.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kchain || dusk_fail "load kchain"
samples_unload kchain
printf '%s\n' "$samples_log" | grep -q '^kchain: event 1: answer 0x1, errno 0, order 3210$' ||
	dusk_fail "event 1 did not reach the three subscribers in order"
printf '%s\n' "$samples_log" | grep -q '^kchain: event 2: answer 0x8001, errno 0, order 320$' ||
	dusk_fail "NOTIFY_STOP did not end the walk"
printf '%s\n' "$samples_log" | grep -q '^kchain: first 4 middle 4, empty 1$' ||
	dusk_fail "the subscribers' counts are wrong"
dusk_pass "own atomic notifier chain walked"
echo "kchain: all checks passed"
