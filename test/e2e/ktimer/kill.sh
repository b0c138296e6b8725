#!/bin/sh
# ktimer's user build SIGKILLed while its timer is armed (guest script).
#
# The timer lives in the kernel on the mirror of the program's global
# struct; the program re-arms it from every tick.  When the program dies
# the kmod must undo the registration (mod_timer's undo pair is
# del_timer_sync), so that no tick fires on freed mirror memory or into
# an unloaded module, and the kernel must never oops:
#
#   1. dusk_ktimer loaded by us (dusk-run leaves it loaded): after the
#      kill the session is torn down, /proc/ktimer is gone, and during
#      3 s of would-be ticks the kmod sees no timer upcall (an upcall
#      without a session counts in its queue_full statistic); rmmod works.
#   2. dusk-run loads and unloads dusk_ktimer itself: it unloads right
#      after the kill, so a tick left armed would call into freed module
#      text within one period.
#
# dmesg must stay clean throughout.  Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

PERIOD=1000	# ms: a tick left armed fires after dusk-run's rmmod
LIMIT=20	# seconds for one /proc access or one wait
STATS=/sys/kernel/debug/dusk_ktimer/stats

# ticks: the tick count /proc/ktimer shows, or nothing when it cannot be
# read (bounded: a read served by a dead program must not hang).
ticks() {
	timeout -s KILL "$LIMIT" cat /proc/ktimer 2>/dev/null | sed -n 's/^ticks //p'
}

# start: run the user build through dusk-run, its timer ticking every
# PERIOD ms for far longer than the test, and wait for two ticks.
start() {
	log=/tmp/ktimer.user.log
	: >"$log"
	dusk-run --kmod /dusk/mod/dusk_ktimer.ko /dusk/bin/ktimer \
		period_ms=$PERIOD max_ticks=1000000 >"$log" 2>&1 &
	runner=$!
	samples_wait_log '^dusk: ktimer: running' "$log" "$LIMIT" "ktimer did not start"
	# Then stop right after a tick: the next one is a whole period away,
	# so in part 2 dusk-run has unloaded the kmod before it is due.
	i=0
	last=''
	while :; do
		n=$(ticks)
		[ "${n:-0}" -lt 2 ] || [ "$n" = "$last" ] || [ -z "$last" ] || break
		last=$n
		i=$((i + 1))
		[ $i -le $((LIMIT * 20)) ] || { cat "$log"; dusk_fail "timer did not tick twice in ${LIMIT}s (ticks '${n}')"; }
		sleep 0.05
	done
	pid=$(samples_pids ktimer)
	[ -n "$pid" ] || dusk_fail "no ktimer program running"
	dusk_pass "$1: the program ticks (ticks >= 2)"
}

# kill_prog: SIGKILL the program (not dusk-run), wait for dusk-run to end.
kill_prog() {
	kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
	dusk_wait_pid "$runner" "$LIMIT" "$1: dusk-run after the kill"
	rc=$?
	[ $rc -eq 137 ] || { cat "$log"; dusk_fail "dusk-run exited with $rc, want 137 (SIGKILL)"; }
	dusk_pass "$1: program killed, dusk-run exited with $rc"
}

# proc_gone: /proc/ktimer is gone, or at least answers an error in time.
proc_gone() {
	timeout -s KILL "$LIMIT" cat /proc/ktimer >/tmp/got 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || dusk_fail "$1: reading /proc/ktimer hung (${LIMIT}s)"
	[ $rc -ne 0 ] || dusk_fail "$1: /proc/ktimer still served: $(cat /tmp/got)"
	[ ! -e /proc/ktimer ] || dusk_fail "$1: /proc/ktimer outlived the program"
	dusk_pass "$1: /proc/ktimer gone"
}

echo "== 1. kmod loaded by us"
dmesg -c >/dev/null
insmod /dusk/mod/dusk_ktimer.ko || dusk_fail "insmod dusk_ktimer"
start "1"
# What teardown will take back: /proc/ktimer, the timer and the work item
# the timer queues, once each however often they were re-armed (a record
# per tick used to pile up).
# (the work item is queued right after the tick is counted: give it a moment)
i=0
while [ "$(samples_kstat ktimer undo)" != 3 ] && [ $i -lt 20 ]; do sleep 0.05; i=$((i + 1)); done
[ "$(samples_kstat ktimer undo)" = 3 ] || { cat "$STATS"; dusk_fail "1: $(samples_kstat ktimer undo) undo records after $(ticks) ticks, want 3"; }
dusk_pass "1: 3 undo records (the /proc file, the timer, the queued work item)"
kill_prog "1"
[ -d /sys/module/dusk_ktimer ] || dusk_fail "dusk-run unloaded a kmod it did not load"
samples_wait_unbound ktimer "$LIMIT" "after the kill"
dusk_pass "1: session torn down"
proc_gone "1"
before=$(samples_kstat ktimer queue_full)
sleep 3		# three would-be ticks
after=$(samples_kstat ktimer queue_full)
cat "$STATS"
[ "$after" = "$before" ] ||
	dusk_fail "1: the timer fired $((after - before)) time(s) after the program died (queue_full $before -> $after): its registration was not undone"
dusk_pass "1: no tick reached the kmod after the kill"
dusk_dmesg_clean "after the kill"
timeout -s KILL "$LIMIT" rmmod dusk_ktimer || dusk_fail "rmmod dusk_ktimer"
dusk_pass "1: dusk_ktimer unloaded"
sleep 1
dusk_dmesg_clean "after rmmod"
dusk_pass "1: dmesg clean"

echo "== 2. kmod loaded and unloaded by dusk-run"
start "2"
kill_prog "2"
[ ! -d /sys/module/dusk_ktimer ] || dusk_fail "2: dusk-run left dusk_ktimer loaded"
dusk_pass "2: dusk-run unloaded dusk_ktimer"
proc_gone "2"
sleep 3		# a tick left armed would fire into the unloaded module
dusk_dmesg_clean "after unload"
sleep 1
dusk_dmesg_clean "a second later"
dusk_pass "2: dmesg clean"
echo "ktimer-kill: all checks passed"
