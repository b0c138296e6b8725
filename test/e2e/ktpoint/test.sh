#!/bin/sh
# ktpoint's user build (guest script): tracepoint_probe_register() is
# refused, named in the kernel log, module_init fails with -EOPNOTSUPP as
# insmod reports it, and the kernel goes on forking with a clean log
# (before, the load succeeded and the probe's blocking proxy, called in
# atomic context on every fork, answered -EWOULDBLOCK without running it).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/dusk_ktpoint.ko || dusk_fail "insmod dusk_ktpoint"
if /dusk/bin/ktpoint >/tmp/p.log 2>&1; then
	cat /tmp/p.log
	dusk_fail "the user build loaded"
fi
grep -q 'could not insert module ktpoint: Operation not supported' /tmp/p.log ||
	{ cat /tmp/p.log; dusk_fail "no insmod error"; }
dusk_pass "module_init failed: Operation not supported"
for i in 1 2 3; do /bin/true || dusk_fail "fork $i"; done
dusk_pass "the kernel forks"
dmesg | grep -q 'tracepoint_probe_register: tracepoint probes cannot run in a user build' ||
	{ dmesg; dusk_fail "the refusal is not in the kernel log"; }
dusk_pass "the refusal is named in the kernel log"
dmesg | grep -q 'ktpoint: tracepoint_probe_register failed: -95' ||
	{ dmesg; dusk_fail "the module did not see -EOPNOTSUPP"; }
dusk_pass "the module saw -EOPNOTSUPP"
rmmod dusk_ktpoint || dusk_fail "rmmod dusk_ktpoint"
dusk_dmesg_clean ktpoint
dusk_pass "the kernel log is clean"
echo "ktpoint: all checks passed"
