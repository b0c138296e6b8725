#!/bin/sh
# Real-kernel test of ksync (guest script, run by test/e2e/difftest in both
# builds: ksync.ko, then the DUSK user build).
#
# Module init runs every scenario (a deferred callback started, then the
# primitive that waits for it, then its record printed and freed); a write
# to /proc/ksync runs them again from a process's write().  Every record
# must be complete ("steps 3 of 3"), and a timer that re-arms itself must
# not run after del_timer_sync().  Every access is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30	# seconds for one /proc access

# logged_twice LINE: the module logged LINE once per round (init, write).
logged_twice() {
	n=$(printf '%s\n' "$samples_log" | grep -cxF "$1")
	[ "$n" -eq 2 ] || { printf '%s\n' "$samples_log"; dusk_fail "'$1' logged $n times, want 2"; }
	dusk_pass "logged twice: '$1'"
}

dmesg -c >/dev/null
samples_load ksync || dusk_fail "load ksync"
timeout -s KILL "$LIMIT" sh -c 'echo run >/proc/ksync' 2>/tmp/err ||
	dusk_fail "write to /proc/ksync failed: $(cat /tmp/err)"
dusk_pass "ran the scenarios again from a write()"
samples_unload_within ksync "$LIMIT"
samples_logged "ksync: loaded"
logged_twice "ksync: timer: del_timer_sync: started, steps 3 of 3"
logged_twice "ksync: rearming timer: del_timer_sync: started, whole runs, then still"
logged_twice "ksync: work: cancel_work_sync: started, steps 3 of 3"
logged_twice "ksync: work: flush_work: started, steps 3 of 3"
logged_twice "ksync: delayed work: cancel_delayed_work_sync: started, steps 3 of 3"
logged_twice "ksync: tasklet: tasklet_kill: started, steps 3 of 3"
logged_twice "ksync: old tasklet: tasklet_kill: started, steps 3 of 3"
logged_twice "ksync: tasklet: tasklet_disable: started, steps 3 of 3"
samples_logged "ksync: exit"
echo "ksync: all checks passed"
