#!/bin/sh
# Real-kernel test of kthr (guest script, run by test/e2e/difftest in both
# builds: kthr.ko, then the DUSK user build).
#
# The module starts a kernel thread named "kthr" that ticks (msleep) until
# kthread_should_stop().  In the user build the thread is a real kernel
# thread whose function runs in the program; it lives far longer than the
# kmod's block_timeout_ms (lowered here to 1 s so that the test is short),
# and must neither time out nor outlive kthread_stop().  Two rounds: the
# thread stopped through /proc, then stopped by module_exit.  Every wait
# is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

# read_proc: /proc/kthr's contents in $got, on one line.
read_proc() { dusk_read_proc -j /proc/kthr; }

# threads: how many kernel threads are named kthr (the user build's
# program is named kthr too: it has an executable, a kernel thread none).
threads() {
	n=0
	for p in $(samples_pids kthr); do
		readlink "/proc/$p/exe" >/dev/null 2>&1 || n=$((n + 1))
	done
	echo $n
}

# load: load the module, make the user build's blocked callers time out
# after 1 s (the kernel thread must not), wait until it ticks.
load() {
	dmesg -c >/dev/null
	samples_load kthr period_ms=20 || dusk_fail "load kthr"
	p=/sys/module/dusk_kthr/parameters/block_timeout_ms
	[ ! -e $p ] || echo 1000 >$p
	i=0
	until read_proc && [ "$got" = "running 1 ticks some" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || dusk_fail "the thread does not tick: /proc/kthr says '$got'"
		sleep 0.2
	done
	dusk_pass "ticking: /proc/kthr says '$got'"
	[ "$(threads)" = 1 ] || dusk_fail "want one kernel thread kthr, have $(threads)"
	dusk_pass "one kernel thread kthr"
	# Three block timeouts later the thread still runs.
	sleep 3
	[ "$(threads)" = 1 ] || dusk_fail "after 3 s: want one kernel thread kthr, have $(threads)"
	dusk_pass "after 3 s: still one kernel thread kthr"
}

echo "== round 1: stopped through /proc"
load
timeout -s KILL "$LIMIT" sh -c 'echo stop >/proc/kthr' 2>/tmp/err ||
	dusk_fail "'stop' failed: $(cat /tmp/err)"
dusk_pass "'stop' accepted"
read_proc
[ "$got" = "running 0 ticks some" ] || dusk_fail "after stop: /proc/kthr says '$got'"
dusk_pass "after stop: /proc/kthr says '$got'"
[ "$(threads)" = 0 ] || dusk_fail "after stop: $(threads) kernel threads kthr"
dusk_pass "after stop: no kernel thread kthr"
samples_unload_within kthr "$LIMIT"
samples_logged "kthr: starting the thread"
samples_logged "kthr: thread started"
samples_logged "kthr: thread stopping"
samples_logged "kthr: stopped, thread returned 42"
samples_logged "kthr: exit"

echo "== round 2: stopped by module_exit"
load
samples_unload_within kthr "$LIMIT"
samples_logged "kthr: thread stopping"
samples_logged "kthr: stopped, thread returned 42"
samples_logged "kthr: exit"
[ "$(threads)" = 0 ] || dusk_fail "after unload: $(threads) kernel threads kthr"
dusk_pass "after unload: no kernel thread kthr"
echo "kthr: all checks passed"
