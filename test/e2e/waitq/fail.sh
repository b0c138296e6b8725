#!/bin/sh
# Fault injection against the live kernel (guest script): dusk-run --fail
# makes waitq's second proc_create() fail.  module_init's own error path
# runs: it removes the first entry and returns -ENOMEM, which the load
# reports as insmod would; the injected failure is reported with its
# source line; nothing is left in /proc; the kmod unloads.  Then a spec
# that names a function the module never calls is refused before init.
. /dusk/lib.sh
set -u

run() {
	dusk-run --kmod /dusk/mod/dusk_waitq.ko "$@" /dusk/bin/waitq >/tmp/out 2>&1
}

dmesg -c >/dev/null
run --fail proc_create@2 && { cat /tmp/out; dusk_fail "the load succeeded"; }
cat /tmp/out
grep -q 'injected failure: proc_create (its call 2) returns 0 at .*waitq\.c:[0-9]* (in waitq_init)' /tmp/out ||
	dusk_fail "the injected failure is not reported with its line"
dusk_pass "proc_create's second call failed, reported at its line"
grep -qi 'cannot allocate memory' /tmp/out || dusk_fail "the load did not fail with -ENOMEM"
dusk_pass "module_init's error reached the load: -ENOMEM"
[ ! -e /proc/waitq ] && [ ! -e /proc/waitq_timer ] || dusk_fail "an entry was left in /proc"
dusk_pass "module_init's error path removed /proc/waitq"
grep -q '^dusk_waitq ' /proc/modules && dusk_fail "dusk_waitq.ko stayed loaded"
dmesg | grep -q 'waitq: loaded' && dusk_fail "init logged success"

run --fail vmalloc@1 && dusk_fail "an unusable spec was accepted"
grep -q 'never calls vmalloc' /tmp/out || { cat /tmp/out; dusk_fail "the refusal does not say why"; }
dusk_pass "a spec for a function the module never calls is refused"
dusk_dmesg_clean waitq-fail
