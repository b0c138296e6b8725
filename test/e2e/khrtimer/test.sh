#!/bin/sh
# Real-kernel test of khrtimer (guest script, run by test/e2e/difftest in
# both builds: khrtimer.ko, then the DUSK user build).
#
# The module's hrtimer ticks 10 times every 100 ms (HRTIMER_RESTART after
# hrtimer_forward_now), then returns HRTIMER_NORESTART.  We wait for the
# round to end (/proc/khrtimer: ticks 10), check that the timer stays
# stopped, run a second round through "restart", then load it again for
# 1000 ticks and stop it after a few ("stop": hrtimer_cancel while it
# ticks): the count must freeze.
# In the user build, every tick's answer must have come from the program
# (debugfs: sync_policy 0).
#
# Every /proc access and every wait is bounded (timeout -s KILL, counted
# polls), so a hang fails with a message instead of stalling the VM.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access (DUSK's block_timeout_ms is 10 s)
ROUND=60	# seconds for one round of 10 ticks (1 s on real hardware)

# read_proc: /proc/khrtimer's "ticks N" in $got.
read_proc() { dusk_read_proc /proc/khrtimer; }

# wait_ticks N LABEL: wait until /proc/khrtimer says at least N ticks.
wait_ticks() {
	i=0
	while :; do
		read_proc
		[ "${got#ticks }" -ge "$1" ] && break
		i=$((i + 1))
		[ $i -le $((ROUND * 5)) ] ||
			dusk_fail "$2: not $1 ticks after ${ROUND}s: /proc/khrtimer says '$got'"
		sleep 0.2
	done
}

# wait_round LABEL: the round is over (ticks 10, "done" logged).
wait_round() {
	wait_ticks 10 "$1"
	i=0
	until dmesg | grep -q '] khrtimer: done after 10 ticks$'; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "$1: ticks 10 but nothing logged"
		sleep 0.2
	done
	[ "$got" = "ticks 10" ] || dusk_fail "$1: /proc/khrtimer says '$got', want 'ticks 10'"
	dusk_pass "$1: /proc/khrtimer says '$got'"
}

# steady LABEL: five more periods and the count has not moved.
steady() {
	before=$got
	sleep 0.5
	read_proc
	[ "$got" = "$before" ] || dusk_fail "$1: '$before', then '$got': the timer still ticks"
	dusk_pass "$1: the count stays"
}

# round_log LABEL: the module's lines since the last call, for the transcript.
round_log() {
	dusk_dmesg_clean "$1"
	samples_log=$(dmesg | sed 's/^\[[^]]*\] //' | grep '^khrtimer: ' |
		grep -v -e 'loading out-of-tree module taints kernel' \
			-e 'module verification failed')
	dmesg -c >/dev/null
	printf '%s\n' "$samples_log" | sed 's/^/printk: /'
}

# cmd WORD: write WORD to /proc/khrtimer in one write().
cmd() {
	timeout -s KILL "$LIMIT" sh -c "echo $1 >/proc/khrtimer" 2>/tmp/err
	rc=$?
	[ $rc -ne 137 ] || dusk_fail "writing '$1' to /proc/khrtimer did not finish within ${LIMIT}s"
	[ $rc -eq 0 ] || dusk_fail "'$1' refused (status $rc): $(cat /tmp/err)"
	dusk_pass "'$1' accepted"
}

dmesg -c >/dev/null
samples_load khrtimer period_ms=100 max_ticks=10 || dusk_fail "load khrtimer"
[ -e /proc/khrtimer ] || dusk_fail "no /proc/khrtimer"

echo "== round 1"
wait_round "round 1"
steady "after round 1"
round_log "round 1"
samples_logged "khrtimer: loaded, period 100 ms, 10 ticks"
samples_logged "khrtimer: done after 10 ticks"

echo "== round 2 (restart)"
timeout -s KILL "$LIMIT" sh -c 'echo go >/proc/khrtimer' 2>/dev/null &&
	dusk_fail "'go' accepted, want refused"
dusk_pass "'go' refused"
cmd restart
wait_round "round 2"
steady "after round 2"
round_log "round 2"

echo "== round 3 (stopped half-way, a fresh load of 1000 ticks)"
samples_unload_within khrtimer "$LIMIT"
samples_logged "khrtimer: exit"
samples_load khrtimer period_ms=100 max_ticks=1000 || dusk_fail "load khrtimer again"
wait_ticks 3 "round 3"
cmd stop
read_proc
steady "after stop"
n=${got#ticks }
[ "$n" -lt 1000 ] || dusk_fail "round 3 ran to its end ($got) before 'stop'"
dusk_pass "round 3 stopped before its end"
round_log "round 3"
samples_logged "khrtimer: loaded, period 100 ms, 1000 ticks"
samples_logged "khrtimer: stopped"

if [ "${DUSK_MODE:-kernel}" = user ]; then
	# Not in the transcript (the kernel build has no such counters).
	answers=$(samples_kstat khrtimer sync_answers)
	policy=$(samples_kstat khrtimer sync_policy)
	[ "${answers:-0}" -ge 3 ] || dusk_fail "user build: $answers ticks answered by the program, want >= 3"
	[ "${policy:-1}" = 0 ] || dusk_fail "user build: $policy ticks answered by the policy"
fi

echo "== unload"
samples_unload_within khrtimer "$LIMIT"
samples_logged "khrtimer: exit"
[ ! -e /proc/khrtimer ] || dusk_fail "/proc/khrtimer outlived the module"
dusk_pass "/proc/khrtimer gone"
sleep 1
dusk_dmesg_clean "after unload"
late=$(dmesg | grep '] khrtimer: ')
[ -z "$late" ] || dusk_fail "logged after unload: $late"
dusk_pass "nothing logged after unload"
echo "khrtimer: all checks passed"
