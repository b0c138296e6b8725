#!/bin/sh
# Guest script: hostile and buggy requests raced against live upcall state
# (dusk-kclient fuzz-live: REPLYs with live, stale and unknown CTXs, nested
# CALLs, WRITEs into and around lent ranges, MIRROR_FREE of registered
# mirrors, from 4 threads) while pings cross the program's hook, readers
# wait in its /proc read, its timer and work item fire, and upcalls expire
# (short timeouts).  Then the same with the program SIGKILLed mid-flight.
# FUZZ_N requests (default 20000; the benchmark kmod-fuzz-live-1m: 1000000).
. /dusk/lib.sh
N=${FUZZ_N:-20000}
insmod /dusk/mod/dusk_ktest.ko nf_timeout_ms=200 block_timeout_ms=300 mem_max_mb=8 ||
	dusk_fail "insmod"

start_client() { # N SECONDS
	rm -f /tmp/kclient.ready
	dusk-kclient fuzz-live "$1" 4 "$2" >/tmp/client.out 2>&1 &
	client=$!
	i=0
	while [ ! -e /tmp/kclient.ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
		sleep 0.1
	done
}

# Packets through the hook, readers in the program's /proc read.
start_traffic() {
	touch /tmp/traffic
	ping -A -q 127.0.0.1 >/dev/null 2>&1 &
	pinger=$!
	readers=
	for r in 1 2 3; do
		(while [ -e /tmp/traffic ]; do
			dd if=/proc/dusk_ktest of=/dev/null bs=7 count=4 2>/dev/null || sleep 0.05
		done) &
		readers="$readers $!"
	done
}

stop_traffic() {
	rm -f /tmp/traffic
	kill $pinger 2>/dev/null
	for p in $pinger $readers; do
		dusk_wait_pid $p 30 "traffic process $p" 2>/dev/null
	done
}

start_client "$N" 100000
start_traffic
# 20000 requests take 5-15 s under TCG
dusk_wait_pid $client $((60 + N / 200)) "the fuzzing client"; rc=$?
stop_traffic
cat /tmp/client.out
[ $rc -eq 0 ] || dusk_fail "fuzz-live"
dusk_pass "$N requests raced against live upcalls, session serves, BYE"
dusk_dmesg_clean fuzz-live

# The program dies with requests, packets, readers and upcalls in flight.
start_client 100000000 100000
start_traffic
sleep 5
kill -9 $client
dusk_wait_pid $client 60 "the SIGKILLed client" 2>/dev/null
sleep 1
stop_traffic
grep '^FAIL' /tmp/client.out && dusk_fail "fuzz-live before SIGKILL"
grep -q '^session none' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "session left bound"
grep -q '^undo 0' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "undo records left"
[ ! -e /proc/dusk_ktest ] || dusk_fail "proc entry survived the program"
dusk_pass "program SIGKILLed mid-flight: torn down, nothing left"
rmmod dusk_ktest &
dusk_wait_pid $! 60 "rmmod" || dusk_fail "rmmod"
dusk_pass "rmmod"
dusk_dmesg_clean fuzz-live-kill
