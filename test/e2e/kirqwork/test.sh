#!/bin/sh
# Real-kernel test of kirqwork (guest script, run by test/e2e/difftest in
# both builds: kirqwork.ko, then the DUSK user build).  The irq_work
# function ran each of the three times it was queued.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kirqwork || dusk_fail "load kirqwork"
samples_unload kirqwork
printf '%s\n' "$samples_log" | grep -q '^kirqwork: 3 of 3 runs completed, 3 runs$' ||
	dusk_fail "the irq_work function did not run three times"
dusk_pass "irq_work function ran"
echo "kirqwork: all checks passed"
