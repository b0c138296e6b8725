#!/bin/sh
# Guest script: teardown time is bounded even when a blocked caller is
# stuck inside a call the program posted to it.  The reader's buffer is a
# userfaultfd page never served, so the nested copy_to_user never ends; the
# program is then SIGKILLed and nobody kills the reader.  Teardown must
# still end within about 2 x block_timeout_ms (the stuck reader is killed:
# only a fatal signal ends its kernel-mode fault), then the module unloads.
. /dusk/lib.sh
S=/sys/kernel/debug/dusk_ktest/stats
insmod /dusk/mod/dusk_ktest.ko block_timeout_ms=2000 || dusk_fail "insmod"
rm -f /tmp/kclient.ready
dusk-kclient proc >/tmp/client.out 2>&1 &
client=$!
i=0
while [ ! -e /tmp/kclient.ready ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/client.out; dusk_fail "client not ready"; }
	sleep 0.1
done
dusk-kclient uffdread /proc/dusk_ktest >/tmp/uffd.out 2>&1 &
reader=$!
sleep 3
grep -q reading /tmp/uffd.out || { cat /tmp/uffd.out; dusk_fail "wedging reader did not start"; }
kill -9 $client; wait $client 2>/dev/null
t0=$(date +%s)
i=0
until grep -q '^session none' $S && [ ! -e /proc/dusk_ktest ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat $S; dusk_fail "teardown still waits for the stuck reader after 10 s"; }
	sleep 0.1
done
t1=$(date +%s)
dusk_pass "teardown ended in $((t1 - t0)) s with a reader stuck in a posted call"
i=0
while kill -0 $reader 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 30 ] || dusk_fail "stuck reader still alive"
	sleep 0.1
done
wait $reader 2>/dev/null
dmesg | grep -q 'stuck in a call of the dead program' || dusk_fail "no word of the killed reader"
dusk_pass "the stuck reader was killed, and said so in dmesg"
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_pass "rmmod"
dusk_dmesg_clean stuck
