#!/bin/sh
# The fault-injection sweep against the live kernel (guest script):
# `dusk-run --fail-sweep` fails each call that can fail in turn, through
# module_init, a scenario and module_exit.
#  - waitq, whose error paths are right: one run per call (its two
#    proc_create()s, the scenario's copy_from_user() and copy_to_user()),
#    each failure named with its source line, every run clean (a failed
#    write leaves the reader waiting: the scenario's timeout ends it), and
#    a last run that fails nothing ends the sweep; status 0.
#  - sweepbug, whose kstrdup() result is used unchecked and whose error
#    path leaks: the run that fails kstrdup() crashes the program (not the
#    kernel), the run that fails proc_create() leaves the kcalloc() table
#    unfreed, and the sweep says so with their lines; status 1.
. /dusk/lib.sh
set -u

cat >/tmp/scenario <<'EOS'
echo hello > /proc/waitq
timeout 3 dd if=/proc/waitq bs=32 count=1 2>/dev/null
EOS
dmesg -c >/dev/null
dusk-run --kmod /dusk/mod/dusk_waitq.ko --fail-sweep --scenario /tmp/scenario --logs /tmp/wq \
	/dusk/bin/waitq >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 0 ] || dusk_fail "the sweep of waitq ended with status $rc"
grep -q '^#1: proc_create (call #1 that can fail) returns 0 at .*waitq\.c:[0-9]* (in waitq_init): load failed: Cannot allocate memory$' /tmp/out ||
	dusk_fail "run 1 does not fail the first proc_create, at its line, with the load's error"
grep -q '^#2: proc_create (call #2 that can fail) .*(in waitq_init): load failed' /tmp/out ||
	dusk_fail "run 2 does not fail the second proc_create"
grep -q '^#3: copy_from_user (call #3 that can fail) .*(in waitq_write): loaded, scenario run, unloaded$' /tmp/out ||
	dusk_fail "run 3 does not fail the scenario's copy_from_user"
grep -q '^#4: copy_to_user (call #4 that can fail) .*(in waitq_read): loaded, scenario run, unloaded$' /tmp/out ||
	dusk_fail "run 4 does not fail the scenario's copy_to_user"
grep -q '^#5: nothing failed (4 calls can fail)' /tmp/out || dusk_fail "the sweep did not end after run 5"
grep -q 'sweep of waitq: 5 runs, 0 not clean' /tmp/out || dusk_fail "the summary is wrong"
dusk_pass "waitq: each of its 4 calls that can fail failed once, at its line, every run clean"
[ ! -e /proc/waitq ] || dusk_fail "/proc/waitq was left behind"
grep -q '^dusk_waitq ' /proc/modules && dusk_fail "dusk_waitq.ko stayed loaded"

dusk-run --kmod /dusk/mod/dusk_sweepbug.ko --fail-sweep --logs /tmp/sb /dusk/bin/sweepbug >/tmp/out 2>&1
rc=$?
cat /tmp/out
[ $rc = 1 ] || dusk_fail "the sweep of sweepbug ended with status $rc, not 1"
grep -q '^#1: kcalloc (call #1 that can fail) .*sweepbug\.c:[0-9]* (in sweepbug_init): load failed' /tmp/out ||
	dusk_fail "run 1 does not fail kcalloc's allocation"
grep -q '^#2: kstrdup (call #2 that can fail) returns 0 at .*sweepbug\.c:[0-9]* (in sweepbug_init): CRASHED (signal 11)' /tmp/out ||
	dusk_fail "the crash after the failed kstrdup() is not reported with its line"
dusk_pass "sweepbug: the unchecked kstrdup() crashed the program alone, reported at its line"
grep -q '^#3: proc_create_single_data (call #3 that can fail) .*: load failed: Cannot allocate memory; LEAKED 1 allocation(s): kcalloc at .*sweepbug\.c:[0-9]* (in sweepbug_init)' /tmp/out ||
	dusk_fail "the table the error path leaks is not reported with its line"
dusk_pass "sweepbug: the error path's leak is reported with the allocation's line"
grep -q '^#4: nothing failed (3 calls can fail): loaded, unloaded$' /tmp/out ||
	dusk_fail "a run without failures was not clean"
grep -q 'sweep of sweepbug: 4 runs, 2 not clean' /tmp/out || dusk_fail "the summary is wrong"
[ ! -e /proc/sweepbug ] || dusk_fail "/proc/sweepbug was left behind after the crash"
dusk_dmesg_clean fail-sweep
