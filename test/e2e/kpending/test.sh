#!/bin/sh
# Real-kernel test of kpending (guest script, run by test/e2e/difftest in
# both builds: kpending.ko, then the DUSK user build).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kpending || dusk_fail "load kpending"
samples_unload_within kpending 20
samples_logged "kpending: queued 1 1"
samples_logged "kpending: work runs 3 pending 0 inside 0"
samples_logged "kpending: timer 7 fires 3 pending 0 inside 0"
samples_logged "kpending: bye 3 3"
echo "kpending: all checks passed"
