#!/bin/sh
# Real-kernel test of kkbd (guest script, run by test/e2e/difftest in both
# builds: kkbd.ko, then the DUSK user build).
#
# "abc" written to /proc/kkbd types a, b and c on the module's virtual
# keyboard; its keyboard notifier logs each keycode (down and up) and each
# keysym pressed.  Unloading logs the counts: in the user build
# unregister_keyboard_notifier() waits until the program has run the
# notifier for the keys seen before.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30

samples_load kkbd || dusk_fail "load kkbd"
timeout -s KILL "$LIMIT" sh -c 'printf abc >/proc/kkbd' 2>/tmp/err ||
	dusk_fail "writing /proc/kkbd failed: $(cat /tmp/err)"
dusk_pass "typed abc"
samples_unload_within kkbd "$LIMIT"
samples_logged "kkbd: listening"
samples_logged "kkbd: keycode 30 down"
samples_logged "kkbd: keycode 46 up"
printf '%s\n' "$samples_log" | grep -q '^kkbd: exit: 6 keycodes, ' ||
	dusk_fail "six keycodes counted"
dusk_pass "six keycodes counted"
echo "kkbd: all checks passed"
