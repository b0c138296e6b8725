#!/bin/sh
# Real-kernel test of ktimer (guest script, run by test/e2e/difftest in
# both builds: ktimer.ko, then the DUSK user build).
#
# The module's timer ticks 10 times every 100 ms and schedules its work
# item on every second tick; both live in one module-global struct that
# the callbacks reach with from_timer() and container_of().  We wait for
# the round to end (/proc/ktimer: ticks 10, works 5), check that the timer
# stays stopped, run a second round through "restart", and unload.
#
# Every /proc access and every wait is bounded (timeout -s KILL, counted
# polls), so a hang fails with a message instead of stalling the VM.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access (DUSK's block_timeout_ms is 10 s)
ROUND=60	# seconds for one round of 10 ticks (1 s on real hardware)

# read_proc: /proc/ktimer's contents in $got, on one line ("ticks N works M").
read_proc() { dusk_read_proc -j /proc/ktimer; }

# wait_round: wait until the round has ended (ticks 10, works 5, both
# lines logged), at most ROUND seconds.
wait_round() {
	i=0
	while :; do
		read_proc
		if [ "$got" = "ticks 10 works 5" ] &&
			dmesg | grep -q '] ktimer: done after 10 ticks$' &&
			dmesg | grep -q '] ktimer: work 5$'; then
			break
		fi
		i=$((i + 1))
		[ $i -le $((ROUND * 5)) ] ||
			dusk_fail "round $1 not over after ${ROUND}s: /proc/ktimer says '$got'"
		sleep 0.2
	done
	dusk_pass "round $1: /proc/ktimer says '$got'"
}

# round_log LABEL: the module's lines logged since the last call, kept in
# $samples_log for samples_logged and printed for the transcript.  Sorted:
# the work item runs in a kworker (in the user build: in the program,
# served in parallel with the timer's upcalls), so "ktimer: work 5",
# scheduled by tick 10, may be logged before or after tick 10's "done
# after 10 ticks"; which one comes first is a race in both builds.  The
# work lines among themselves are ordered (one work item never runs
# twice at once), and sorting keeps "work 1" .. "work 5" in order.
round_log() {
	dusk_dmesg_clean "$1"
	samples_log=$(dmesg | sed 's/^\[[^]]*\] //' | grep '^ktimer: ' |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed' | sort)
	dmesg -c >/dev/null
	printf '%s\n' "$samples_log" | sed 's/^/printk: /'
}

# restart: write "restart" to /proc/ktimer in one write().
restart() {
	# shellcheck disable=SC2016
	timeout -s KILL "$LIMIT" sh -c 'echo restart >/proc/ktimer' 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || dusk_fail "writing 'restart' to /proc/ktimer did not finish within ${LIMIT}s"
	[ $rc -eq 0 ] || dusk_fail "'restart' refused (status $rc): $(cat /tmp/err)"
	dusk_pass "'restart' accepted"
}

dmesg -c >/dev/null
samples_load ktimer period_ms=100 max_ticks=10 || dusk_fail "load ktimer"
[ -e /proc/ktimer ] || dusk_fail "no /proc/ktimer"

echo "== round 1"
wait_round 1
# Five more periods: the timer must stay stopped, no work comes late.
sleep 0.5
read_proc
[ "$got" = "ticks 10 works 5" ] || dusk_fail "after the round: /proc/ktimer says '$got'"
dusk_pass "stopped: /proc/ktimer still says '$got'"
round_log "round 1"
samples_logged "ktimer: loaded, period 100 ms, 10 ticks"
samples_logged "ktimer: done after 10 ticks"
for n in 1 2 3 4 5; do
	samples_logged "ktimer: work $n"
done

echo "== round 2 (restart)"
# A bad command is refused and changes nothing.
# shellcheck disable=SC2016
timeout -s KILL "$LIMIT" sh -c 'echo stop >/proc/ktimer' 2>/dev/null &&
	dusk_fail "'stop' accepted, want refused"
dusk_pass "'stop' refused"
restart
wait_round 2
round_log "round 2"
samples_logged "ktimer: done after 10 ticks"
samples_logged "ktimer: work 5"

echo "== unload"
# Bound the wait for module_exit (it stops the timer and the work item).
samples_unload_within ktimer "$LIMIT"
samples_logged "ktimer: exit ticks=10 works=5"
[ ! -e /proc/ktimer ] || dusk_fail "/proc/ktimer outlived the module"
dusk_pass "/proc/ktimer gone"
# Nothing of the module may fire after it is gone.
sleep 1
dusk_dmesg_clean "after unload"
late=$(dmesg | grep '] ktimer: ')
[ -z "$late" ] || dusk_fail "logged after unload: $late"
dusk_pass "nothing logged after unload"
echo "ktimer: all checks passed"
