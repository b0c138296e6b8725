#!/bin/sh
# Guest script: a reader cannot wedge the program.  The reader's buffer is
# a userfaultfd page whose fault is never served, so the nested
# copy_to_user the program posts never ends.  The program's CALL must give
# up after block_timeout_ms (it then serves other readers), the program
# must die at once on SIGKILL, and once the reader is killed the module
# unloads with dmesg clean.
. /dusk/lib.sh
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
sleep 4
grep -q reading /tmp/uffd.out || { cat /tmp/uffd.out; dusk_fail "wedging reader did not start"; }
[ "$(cat /proc/dusk_ktest)" = "hello from dusk" ] ||
	{ cat /tmp/client.out; dusk_fail "the program is wedged by a reader that never takes its bytes"; }
dusk_pass "program gave up the wedged reader's call and serves others"
kill -9 $client
i=0
while kill -0 $client 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 30 ] || dusk_fail "SIGKILLed program still alive after 3 s"
	sleep 0.1
done
wait $client 2>/dev/null
dusk_pass "program killable while a reader is wedged"
kill -9 $reader; wait $reader 2>/dev/null
sleep 1
rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean wedge
