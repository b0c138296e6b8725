#!/bin/sh
# Real-kernel test of kstackjob (guest script, run by test/e2e/difftest in
# both builds: kstackjob.ko, then the DUSK user build).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30

dmesg -c >/dev/null
samples_load kstackjob || dusk_fail "load kstackjob"
samples_unload_within kstackjob "$LIMIT"
samples_logged "kstackjob: job 5 -> 15"
samples_logged "kstackjob: job 7 -> 21"
samples_logged "kstackjob: tick fired 1"
samples_logged "kstackjob: tick again fired 3"
samples_logged "kstackjob: loop fired 2"
samples_logged "kstackjob: job 8 -> 24"
samples_logged "kstackjob: exit loop fired 1"
samples_logged "kstackjob: exit tick fired 2"
samples_logged "kstackjob: exit job 9 -> 27"
echo "kstackjob: all checks passed"
