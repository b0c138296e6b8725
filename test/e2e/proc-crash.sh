#!/bin/sh
# A crashed program's /proc file goes with it (guest script): ipp2p's user
# build registers /proc/ipp2p through dusk_ipp2p.ko; when the program dies —
# idle, or while a reader is inside its blocking callback — the kmod's undo
# table removes the entry, the reader gets an error instead of hanging, the
# kmod unloads, and nothing in the kernel points at it any more.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

start() {
	/dusk/bin/ipp2p >/tmp/p.log 2>&1 &
	pid=$!
	samples_wait_log '^dusk: ipp2p: running' /tmp/p.log 30 "ipp2p did not start"
}
gone() {
	i=0
	while [ -e /proc/ipp2p ]; do
		i=$((i + 1))
		[ $i -le 50 ] || dusk_fail "/proc/ipp2p outlived the program ($1)"
		sleep 0.1
	done
	dusk_pass "/proc/ipp2p removed ($1)"
}

insmod /dusk/mod/dusk_ipp2p.ko || dusk_fail "insmod dusk_ipp2p"
start
grep -q '^bittorrent 0$' /proc/ipp2p || dusk_fail "/proc/ipp2p not served"
dusk_pass "/proc/ipp2p served by the program"
kill -9 $pid
wait $pid
gone "killed while idle"

start
kill -STOP $pid
cat /proc/ipp2p >/tmp/c.out 2>&1 &
cpid=$!
sleep 1
kill -9 $pid
wait $cpid && dusk_fail "the reader of a dead program's file got data: $(cat /tmp/c.out)"
dusk_pass "the waiting reader got an error: $(cat /tmp/c.out)"
gone "killed while a reader waited"

rmmod dusk_ipp2p || dusk_fail "rmmod dusk_ipp2p"
cat /proc/ipp2p >/dev/null 2>&1 && dusk_fail "/proc/ipp2p readable after rmmod"
dusk_pass "dusk_ipp2p unloaded, nothing left behind"
dusk_dmesg_clean proc-crash
echo "proc-crash: all checks passed"
