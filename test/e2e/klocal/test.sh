#!/bin/sh
# Real-kernel test of klocal (guest script, run by test/e2e/difftest in both
# builds: klocal.ko, then the DUSK user build).
#
# module_init and module_exit hand the module's functions' static variables
# to the kernel (async_schedule()'s untyped data, a work item) and log what
# the callbacks wrote through the kernel's pointers.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

dmesg -c >/dev/null
samples_load klocal || dusk_fail "load klocal"
samples_unload_within klocal "$LIMIT"
samples_logged "klocal: array 11 12 13"
samples_logged "klocal: struct 105 6 14 (16 bytes)"
samples_logged "klocal: work ran 1 times"
samples_logged "klocal: init sum 36 a 105"
samples_logged "klocal: array 21 22 23"
samples_logged "klocal: struct 205 6 21 (16 bytes)"
samples_logged "klocal: work ran 2 times"
samples_logged "klocal: exit sum 66 a 205"
echo "klocal: all checks passed"
