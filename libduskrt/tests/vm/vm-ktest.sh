#!/bin/sh
# Guest script: libduskrt against the real kernel, through dusk-kmod's
# ktest fixture extension.  ktest-user (tests/vm/ktest-user.c) is a user
# build as dusk-rewrite would generate it.
. /dusk/lib.sh

ktest-user --help | grep -q 'description:    libduskrt VM test' || dusk_fail "--help"
ktest-user >/tmp/nomod.out 2>&1 && dusk_fail "ran without the kmod"
grep -q 'load dusk_ktest.ko first' /tmp/nomod.out || { cat /tmp/nomod.out; dusk_fail "no 'load first'"; }
dusk_pass "without the kmod: $(cat /tmp/nomod.out)"

insmod /dusk/mod/dusk_ktest.ko || dusk_fail "insmod"
DUSK_TRACE=1 ktest-user >/tmp/user.out 2>&1 &
user=$!
i=0
while [ ! -e /proc/dusk_ktest ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat /tmp/user.out; dusk_fail "init did not finish"; }
	kill -0 $user 2>/dev/null || { cat /tmp/user.out; dusk_fail "program died in init"; }
	sleep 0.1
done
dusk_pass "init: printk, read, calls, write-back, hook and proc registered"
grep -q '^<6> ktest: hello 42' /tmp/user.out || { cat /tmp/user.out; dusk_fail "printk text not on stderr"; }
dmesg | grep -q 'ktest: hello 42' || dusk_fail "printk not in dmesg"
dusk_pass "printk in dmesg and on the program's stderr"

ping -c 3 -W 1 127.0.0.1 >/dev/null || dusk_fail "ping through the hook"
out=$(cat /proc/dusk_ktest)
set -- $out
[ "$1 $3 $4" = "packets mismatched 0" ] && [ "$2" -ge 6 ] 2>/dev/null ||
	{ tail -20 /tmp/user.out; dusk_fail "proc says '$out'"; }
dusk_pass "hook read the hook state of $2 packets; /proc read served by the program"
# Between a hook upcall and its reply there must be no READ.
hookreads=$(awk '/^\[dusk\] upcall #[0-9]* ktest_hook/ { in_hook = 1 }
	in_hook && /^\[dusk\] read / { n++ }
	/^\[dusk\] reply #/ { in_hook = 0 }
	END { print n + 0 }' /tmp/user.out)
[ "$hookreads" -eq 0 ] || dusk_fail "$hookreads READs inside hook upcalls: prefetch unused"
dusk_pass "hook state came prefetched (no READ inside the hook)"
[ "$(dd if=/proc/dusk_ktest bs=3 2>/dev/null | head -c 8)" = "packets " ] || dusk_fail "small reads"
dusk_pass "3-byte reads: *ppos advanced through the lent range"
grep -q '^\[dusk\] upcall #[0-9]* ktest_hook' /tmp/user.out || dusk_fail "no upcall trace"
grep -q '^\[dusk\] call _copy_to_user' /tmp/user.out || dusk_fail "no call trace"

kill -TERM $user
wait $user
rc=$?
[ $rc -eq 0 ] || { tail -20 /tmp/user.out; dusk_fail "exit status $rc after SIGTERM"; }
[ ! -e /proc/dusk_ktest ] || dusk_fail "module exit did not remove the proc file"
grep -q '^\[dusk\] exit ktest' /tmp/user.out || dusk_fail "no exit trace"
dusk_pass "SIGTERM: module exit ran, status 0"

KTEST_FAULT=1 ktest-user >/tmp/fault.out 2>&1
rc=$?
[ $rc -eq 139 ] || { cat /tmp/fault.out; dusk_fail "fault: exit status $rc, not SIGSEGV"; }
grep -q 'dusk: fault: read of unmapped kernel memory at kernel address 0x' /tmp/fault.out ||
	{ cat /tmp/fault.out; dusk_fail "fault report"; }
grep -q 'ktest-user.c:[0-9]' /tmp/fault.out || { cat /tmp/fault.out; dusk_fail "no source line"; }
dusk_pass "fault: $(grep 'dusk: fault' /tmp/fault.out)"

rmmod dusk_ktest || dusk_fail "rmmod"
dusk_dmesg_clean rt-ktest
