#!/bin/sh
# kprobe's user build (guest script): register_kprobe() is refused, named
# in the kernel log, module_init fails with -EOPNOTSUPP as insmod reports
# it, and the kernel goes on forking with a clean log (before, the
# blocking proxy's -EWOULDBLOCK from the pre_handler made the kernel resume
# kernel_clone() one byte in: an oops, then a panic in init).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_kprobe.ko || dusk_fail "insmod dusk_kprobe"
if /dusk/bin/kprobe >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the user build loaded"
fi
grep -q 'could not insert module kprobe: Operation not supported' /tmp/p.log ||
	{ cat /tmp/p.log; dusk_fail "no insmod error"; }
dusk_pass "module_init failed: Operation not supported"
for i in 1 2 3; do /bin/true || dusk_fail "fork $i"; done
dusk_pass "the kernel forks"
dmesg | grep -q 'register_kprobe: kprobe handlers cannot run in a user build' ||
	{ dmesg; dusk_fail "the refusal is not in the kernel log"; }
dusk_pass "the refusal is named in the kernel log"
dmesg | grep -q 'kprobe: register_kprobe failed: -95' ||
	{ dmesg; dusk_fail "the module did not see -EOPNOTSUPP"; }
dusk_pass "the module saw -EOPNOTSUPP"
rmmod dusk_kprobe || dusk_fail "rmmod dusk_kprobe"
dusk_dmesg_clean kprobe
dusk_pass "the kernel log is clean"
echo "kprobe: all checks passed"
