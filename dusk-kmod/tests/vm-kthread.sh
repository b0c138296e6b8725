#!/bin/sh
# Guest script: kernel threads die with the program.  The program creates
# a thread it stops itself (no record left) and one it never wakes, and is
# killed.  Teardown must kthread_stop() the second: left alone it would
# wait forever with the module's function as its body, and outlive rmmod.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
threads() { grep -l '^ktest-idle$' /proc/[0-9]*/comm 2>/dev/null | wc -l; }
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient kthread >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
cat /tmp/client.out
grep -q '^FAIL' /tmp/client.out && dusk_fail "client checks"
n=$(awk '$1 == "undo" { print $2 }' $S)
[ "$n" = 1 ] || { cat $S; dusk_fail "undo records: $n, want 1 (the thread never woken)"; }
[ "$(threads)" = 1 ] || dusk_fail "threads named ktest-idle: $(threads), want 1"
dusk_pass "the thread the program stopped is forgotten, the one never woken recorded"
kill -9 $client; wait $client 2>/dev/null
i=0
until grep -q '^session none' $S && [ "$(threads)" = 0 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat $S; dusk_fail "ktest-idle outlived the program ($(threads) left)"; }
	sleep 0.1
done
dusk_pass "teardown stopped the thread never woken"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_pass "rmmod"
dusk_dmesg_clean kthread
