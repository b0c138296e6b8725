#!/bin/sh
# Real-kernel test of stacklist (guest script, run by test/e2e/difftest in
# both builds: stacklist.ko, then the DUSK user build).
#
# The module's init sorts, moves and splices entries on stack list heads;
# its /proc file's read and write callbacks build lists on their own
# stacks.  Every list_add()/list_del() passes the kernel's DEBUG_LIST
# checks, and the kernel log stays free of BUGs and warnings.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

# read_proc: /proc/stacklist's contents in $got (bounded).
read_proc() {
	timeout -s KILL "$LIMIT" cat /proc/stacklist >/tmp/got 2>/tmp/err
	rc=$?
	if [ $rc -ne 0 ]; then
		samples_user_state stacklist
		dusk_fail "reading /proc/stacklist failed (status $rc): $(cat /tmp/err)"
	fi
	got=$(tr '\n' ',' </tmp/got)
}

# expect_proc WANT: /proc/stacklist reads WANT (lines joined by commas).
expect_proc() {
	read_proc
	[ "$got" = "$1" ] || dusk_fail "/proc/stacklist: got '$got', want '$1'"
	dusk_pass "/proc/stacklist: $got"
}

# add N: echo N > /proc/stacklist, which must succeed.
add() {
	timeout -s KILL "$LIMIT" sh -c 'echo "$1" >/proc/stacklist' sh "$1" 2>/tmp/err ||
		dusk_fail "adding $1 refused: $(cat /tmp/err)"
	dusk_pass "added $1"
}

samples_load stacklist || dusk_fail "insmod stacklist"
[ -e /proc/stacklist ] || dusk_fail "no /proc/stacklist"

expect_proc "42,25,19,7,sorted empty 1,"
add 11
add 50
expect_proc "50,42,25,19,11,7,sorted empty 1,"
expect_proc "50,42,25,19,11,7,sorted empty 1,"

samples_unload_within stacklist "$LIMIT" "a list walk that never ends?"
samples_logged "stacklist: init built: 3 7 42 19 25"
samples_logged "stacklist: init sorted: 3 7 19 25 42"
samples_logged "stacklist: init first 3 last 42 singular 0"
samples_logged "stacklist: init odd: 3 7 19 25"
samples_logged "stacklist: init even: 42"
samples_logged "stacklist: init tmp empty 1 odd empty 1"
samples_logged "stacklist: init kept: 42 7 19 25"
samples_logged "stacklist: loaded"
samples_logged "stacklist: freed 6 entries"
[ ! -e /proc/stacklist ] || dusk_fail "/proc/stacklist outlived the module"
dusk_pass "/proc/stacklist gone"

dusk_dmesg_clean stacklist
echo "stacklist: all checks passed"
