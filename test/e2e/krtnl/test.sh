#!/bin/sh
# krtnl's user build (guest script): the program dies of a NULL dereference
# between its rtnl_lock() and rtnl_unlock() calls.  The kernel's RTNL mutex
# it held is released when its session ends (named in the kernel log):
# `ip link` answers, an address is added and deleted, dusk_krtnl unloads,
# the log is clean.  Before, the mutex stayed held by the dead thread and
# every later rtnl_lock() -- `ip link`, the kmod's unload -- hung.  A run
# without the bug takes and releases the lock itself: nothing to release.
. /dusk/lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_krtnl.ko || dusk_fail "insmod dusk_krtnl"
if timeout -s KILL 30 /dusk/bin/krtnl bug=1 >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the program survived its NULL dereference"
fi
grep -q 'krtnl.c' /tmp/p.log || { cat /tmp/p.log; dusk_fail "no report naming krtnl.c"; }
dusk_pass "the program died in its rtnl section, reported at krtnl.c"

timeout -s KILL 10 ip link show lo >/dev/null || dusk_fail "ip link show hangs: rtnl still held"
timeout -s KILL 10 ip addr add 10.77.9.9/32 dev lo || dusk_fail "ip addr add"
timeout -s KILL 10 ip addr del 10.77.9.9/32 dev lo || dusk_fail "ip addr del"
dusk_pass "rtnl is free: ip link show, ip addr add and del answer"
dmesg | grep -q 'dusk_krtnl: teardown: rtnl_lock was still held: released' ||
	{ dmesg; dusk_fail "the release is not named in the kernel log"; }
dusk_pass "the release is named in the kernel log"
dusk_dmesg_clean krtnl
dusk_pass "the kernel log is clean"

dmesg -c >/dev/null
timeout -s KILL 30 /dusk/bin/krtnl >/tmp/p.log 2>&1 &
pid=$!
i=0
until grep -q 'running' /tmp/p.log; do
	i=$((i + 1))
	[ $i -le 200 ] || { cat /tmp/p.log; dusk_fail "the program without the bug did not start"; }
	sleep 0.1
done
kill -TERM $pid
wait $pid
dmesg | grep -q 'krtnl: rtnl free at exit' || { dmesg; dusk_fail "rtnl not free at exit"; }
dmesg | grep -q 'was still held' && { dmesg; dusk_fail "a lock released though the program released it"; }
dusk_pass "a program that unlocks itself leaves nothing to release"

timeout -s KILL 30 rmmod dusk_krtnl || dusk_fail "rmmod dusk_krtnl"
dusk_dmesg_clean krtnl
dusk_pass "the kernel log is clean"
echo "krtnl: all checks passed"
