#!/bin/sh
# Real-kernel test of ktasklet (guest script, run by test/e2e/difftest in
# both builds: ktasklet.ko, then the DUSK user build).
#
# A write() schedules two tasklets (the new and the old callback type) and
# waits on a completion for both runs, N times; /proc/ktasklet shows the
# counts.  In the user build the tasklets run in softirq context in the
# kernel and their callbacks in the program (asynchronous upcalls, like
# timers).  Every access is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/ktasklet's contents in $got, on one line.
read_proc() { dusk_read_proc -j /proc/ktasklet; }

# run N: schedule both tasklets N times, one write().
run() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 >/proc/ktasklet" 2>/tmp/err ||
		dusk_fail "'$1' failed: $(cat /tmp/err)"
	dusk_pass "ran both tasklets $1 times"
}

dmesg -c >/dev/null
samples_load ktasklet || dusk_fail "load ktasklet"
read_proc
[ "$got" = "new 0 old 0" ] || dusk_fail "at load: /proc/ktasklet says '$got'"
dusk_pass "at load: '$got'"
run 1
run 5
read_proc
[ "$got" = "new 6 old 6" ] || dusk_fail "after 6 runs: /proc/ktasklet says '$got'"
dusk_pass "after 6 runs: '$got'"
timeout -s KILL "$LIMIT" sh -c 'echo 0 >/proc/ktasklet' 2>/dev/null &&
	dusk_fail "'0' accepted, want refused"
dusk_pass "'0' refused"
samples_unload_within ktasklet "$LIMIT"
samples_logged "ktasklet: loaded"
samples_logged "ktasklet: ran 1 times"
samples_logged "ktasklet: ran 5 times"
samples_logged "ktasklet: exit new=6 old=6"
echo "ktasklet: all checks passed"
