#!/bin/sh
# Real-kernel test of kskbq (guest script, run by test/e2e/difftest in
# both builds: kskbq.ko, then the DUSK user build).  The unload's log
# check (dusk_dmesg_clean) fails on the double free the user build's
# teardown made before (slub_debug: "Object already free", a BUG).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kskbq || dusk_fail "load kskbq"
cat /proc/kskbq
echo purge >/proc/kskbq || dusk_fail "purge"
cat /proc/kskbq
echo fill >/proc/kskbq || dusk_fail "fill"
cat /proc/kskbq
samples_unload_within kskbq 20
samples_logged "kskbq: 5 queued, a chain of 3 freed"
samples_logged "kskbq: purged"
samples_logged "kskbq: exit with 5 queued"
echo "kskbq: all checks passed"
