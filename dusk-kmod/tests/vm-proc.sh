#!/bin/sh
# Guest script: a blocking callback.  /proc/dusk_ktest's read runs in the
# program; its nested copy_to_user runs in the reader's context and *ppos
# is written through the lent range.  Then: the program stalls (reader
# times out), dies while a reader waits (reader released at once, proc
# entry removed), and the module is unloaded while a program is bound.
. /dusk/lib.sh
P=/sys/module/dusk_ktest/parameters
insmod /dusk/mod/dusk_ktest.ko block_timeout_ms=1500 || dusk_fail "insmod"

start_client() { # ARGS...
	rm -f /tmp/kclient.ready
	dusk-kclient proc "$@" >/tmp/client.out 2>&1 &
	client=$!
	i=0
	while [ ! -e /tmp/kclient.ready ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
		sleep 0.1
	done
}

start_client
[ "$(cat /proc/dusk_ktest)" = "hello from dusk" ] || dusk_fail "cat: '$(cat /proc/dusk_ktest)'"
dusk_pass "read served by the program (copy_to_user in the reader)"
[ "$(dd if=/proc/dusk_ktest bs=4 2>/dev/null)" = "hello from dusk" ] || dusk_fail "4-byte reads"
dusk_pass "4-byte reads advance *ppos through the lent range"
# Readers in parallel: each nested copy_to_user goes to its own caller.
readers=
for i in 1 2 3 4 5 6; do
	dd if=/proc/dusk_ktest bs=5 of=/tmp/par.$i 2>/dev/null &
	readers="$readers $!"
done
wait $readers
for i in 1 2 3 4 5 6; do
	[ "$(cat /tmp/par.$i)" = "hello from dusk" ] || dusk_fail "parallel reader $i: '$(cat /tmp/par.$i)'"
done
dusk_pass "6 parallel readers each served in their own context"
kill -9 $client; wait $client 2>/dev/null
sleep 0.5
[ ! -e /proc/dusk_ktest ] || dusk_fail "proc entry survived the program"
dusk_pass "program killed: proc entry removed by the undo table"
grep -q '^FAIL' /tmp/client.out && { cat /tmp/client.out; dusk_fail "client checks"; }

start_client stall
t0=$(date +%s)
cat /proc/dusk_ktest >/tmp/cat.out 2>&1 && dusk_fail "read of a stalled program succeeded"
t1=$(date +%s)
grep -qi 'timed out' /tmp/cat.out || { cat /tmp/cat.out; dusk_fail "no -ETIMEDOUT"; }
[ $((t1 - t0)) -le 4 ] || dusk_fail "timeout took $((t1 - t0)) s"
dusk_pass "stalled program: reader gets ETIMEDOUT after block_timeout_ms"
grep -q '^timeouts [1-9]' /sys/kernel/debug/dusk_ktest/stats || dusk_fail "timeout not counted"

echo 30000 >$P/block_timeout_ms
cat /proc/dusk_ktest >/tmp/cat.out 2>&1 &
reader=$!
sleep 1
t0=$(date +%s)
kill -9 $client; wait $client 2>/dev/null
wait $reader && dusk_fail "reader succeeded with a dead program"
t1=$(date +%s)
[ $((t1 - t0)) -le 3 ] || dusk_fail "reader held $((t1 - t0)) s after the program died"
dusk_pass "program died: waiting reader released ($(cat /tmp/cat.out))"
[ ! -e /proc/dusk_ktest ] || dusk_fail "proc entry survived the stalled program"

start_client
rmmod dusk_ktest || dusk_fail "rmmod while bound"
[ ! -e /proc/dusk_ktest ] || dusk_fail "proc entry survived rmmod"
dusk_pass "rmmod while a program is bound tears the session down"
kill -9 $client; wait $client 2>/dev/null
dusk_dmesg_clean proc
