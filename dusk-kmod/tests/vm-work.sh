#!/bin/sh
# Guest script: deferred work dies with the program.  The program queues
# the module's delayed work to run in 3 s and is killed; dusk-run then
# unloads the module at once.  Teardown must cancel the work (the program
# never did), so nothing fires into the unloaded module.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient dwork 3 >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
grep -q '^FAIL' /tmp/client.out && { cat /tmp/client.out; dusk_fail "client checks"; }
n=$(awk '$1 == "undo" { print $2 }' $S)
[ "$n" = 1 ] || { cat $S; dusk_fail "queued delayed work not recorded (undo $n)"; }
dusk_pass "queue_delayed_work_on recorded for teardown"
kill -9 $client; wait $client 2>/dev/null
rmmod dusk_ktest || dusk_fail "rmmod"
sleep 5
dusk_pass "module unloaded; the work's time passed"
dusk_dmesg_clean work
