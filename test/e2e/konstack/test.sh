#!/bin/sh
# Real-kernel test of konstack (guest script, run by test/e2e/difftest in
# both builds: konstack.ko, then the DUSK user build).
#
# A work item and a timer on the module's stack, embedded in structs whose
# functions reach them by container_of(), complete a completion and wake a
# wait queue head on the same stack: in module_init and on two writes of
# /proc/konstack.  Every wait is bounded.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20	# seconds for one /proc access

dmesg -c >/dev/null
samples_load konstack || dusk_fail "load konstack"
for v in 5 7; do
	timeout -s KILL "$LIMIT" sh -c "echo $v >/proc/konstack" 2>/tmp/err ||
		dusk_fail "writing $v did not finish within ${LIMIT}s: $(cat /tmp/err)"
	dusk_pass "wrote $v"
done
samples_unload_within konstack "$LIMIT"
samples_logged "konstack: run 1: work 3 -> 9, timer fired 1, in time 1"
samples_logged "konstack: run 2: work 5 -> 25, timer fired 1, in time 1"
samples_logged "konstack: run 3: work 7 -> 49, timer fired 1, in time 1"
samples_logged "konstack: 3 runs"
echo "konstack: all checks passed"
