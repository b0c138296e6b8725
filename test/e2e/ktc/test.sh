#!/bin/sh
# ktc's user build (guest script): register_qdisc() is refused, named in
# the kernel log, module_init fails with -EOPNOTSUPP as insmod reports it,
# and the kernel's own traffic goes on with a clean log (before, the load
# succeeded: the qdisc was there to be attached, and its enqueue() would
# have been answered -EWOULDBLOCK in transmit context without running).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_ktc.ko || dusk_fail "insmod dusk_ktc"
if /dusk/bin/ktc >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the user build loaded"
fi
grep -q 'could not insert module ktc: Operation not supported' /tmp/p.log ||
	{ cat /tmp/p.log; dusk_fail "no insmod error"; }
dusk_pass "module_init failed: Operation not supported"
ping -c 1 -W 2 127.0.0.1 >/dev/null 2>&1 || dusk_fail "ping over lo"
dusk_pass "the kernel sends"
dmesg | grep -q 'register_qdisc: tc qdiscs cannot run in a user build' ||
	{ dmesg; dusk_fail "the refusal is not in the kernel log"; }
dusk_pass "the refusal is named in the kernel log"
dmesg | grep -q 'ktc: register_qdisc failed: -95' ||
	{ dmesg; dusk_fail "the module did not see -EOPNOTSUPP"; }
dusk_pass "the module saw -EOPNOTSUPP"
rmmod dusk_ktc || dusk_fail "rmmod dusk_ktc"
dusk_dmesg_clean ktc
dusk_pass "the kernel log is clean"
echo "ktc: all checks passed"
