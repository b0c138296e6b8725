#!/bin/sh
# Guest script: two DUSK extensions loaded at once.  Every generated kmod
# links its own copy of the core; were any core symbol exported, the second
# insmod would fail ("exports duplicate symbol").  Both then serve a program
# each, independently, and unload.
. /dusk/lib.sh
insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod dusk_ktest"
insmod /dusk/mod/dusk_ktest2.ko 2>/tmp/insmod2.err || {
	cat /tmp/insmod2.err; dmesg | tail -n 5; dusk_fail "insmod dusk_ktest2 next to dusk_ktest"
}
dusk_pass "two extension modules loaded side by side"

wait_ready() { # FILE
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat /tmp/c1.out /tmp/c2.out; dusk_fail "client not ready ($1)"; }
		sleep 0.1
	done
}
rm -f /tmp/kclient.ready /tmp/kclient.ktest2.ready
dusk-kclient proc >/tmp/c1.out 2>&1 &
c1=$!
KTEST_NAME=ktest2 dusk-kclient proc >/tmp/c2.out 2>&1 &
c2=$!
wait_ready /tmp/kclient.ready
wait_ready /tmp/kclient.ktest2.ready
[ "$(cat /proc/dusk_ktest)" = "hello from dusk" ] || dusk_fail "read of /proc/dusk_ktest"
[ "$(cat /proc/dusk_ktest2)" = "hello from dusk" ] || dusk_fail "read of /proc/dusk_ktest2"
dusk_pass "each extension serves its own program"
kill -9 $c1; wait $c1 2>/dev/null
sleep 0.5
[ ! -e /proc/dusk_ktest ] || dusk_fail "/proc/dusk_ktest survived its program"
[ "$(cat /proc/dusk_ktest2)" = "hello from dusk" ] || dusk_fail "ktest2 hurt by the death of ktest's program"
dusk_pass "one program's death leaves the other extension working"
kill $c2; wait $c2 2>/dev/null
grep -q '^FAIL' /tmp/c1.out /tmp/c2.out && { cat /tmp/c1.out /tmp/c2.out; dusk_fail "client checks"; }
rmmod dusk_ktest2 || dusk_fail "rmmod dusk_ktest2"
rmmod dusk_ktest || dusk_fail "rmmod dusk_ktest"
dusk_pass "both unloaded"
dusk_dmesg_clean two
