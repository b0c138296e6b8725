#!/bin/sh
# Real-kernel test of kinhand (guest script, run by test/e2e/difftest in
# both builds: kinhand.ko, then the DUSK user build).  The input handler
# connects to the module's keypad and its .filter and .event see every key
# and sync event: two presses on load, one per write to /proc/kinhand.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

# wait_for WANT: /proc/kinhand reads WANT within 5 s (the user build's
# handler runs in the program, later than the kernel build's).
wait_for() {
	i=0
	while [ "$(cat /proc/kinhand)" != "$1" ]; do
		i=$((i + 1))
		[ $i -lt 50 ] || { echo "kinhand: read '$(cat /proc/kinhand)', want '$1'"; return 1; }
		sleep 0.1
	done
}

dmesg -c >/dev/null
samples_load kinhand || dusk_fail "load kinhand"
wait_for "connects 1 keys 4 syns 4 last 8 filter 8" || dusk_fail "the handler did not see the two presses on load"
echo 3 >/proc/kinhand
wait_for "connects 1 keys 6 syns 6 last 5 filter 12" || dusk_fail "the handler did not see the press written"
samples_unload kinhand
printf '%s\n' "$samples_log" | grep -q '^kinhand: connected to kinhand keypad$' ||
	dusk_fail "no connect line"
printf '%s\n' "$samples_log" | grep -q '^kinhand: 6 keys, 6 syns$' ||
	dusk_fail "the exit line does not count 6 keys and 6 syncs"
dusk_pass "input handler events"
echo "kinhand: all checks passed"
