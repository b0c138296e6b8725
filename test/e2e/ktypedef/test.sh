#!/bin/sh
# Real-kernel test of ktypedef (guest script, run by test/e2e/difftest in
# both builds: ktypedef.ko, then the DUSK user build).
#
# module_init and module_exit hand objects of untagged typedef'd types and
# a function's static of its own struct type to the kernel
# (async_schedule()'s untyped data) and log what the callbacks wrote
# through the kernel's pointers; and a record kfifo of a typedef a kernel
# macro spells.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

dmesg -c >/dev/null
samples_load ktypedef || dusk_fail "load ktypedef"
samples_unload_within ktypedef "$LIMIT"
samples_logged "ktypedef: init stats 11 2 3 5 (24 bytes)"
samples_logged "ktypedef: init word 11..44 state 5"
samples_logged "ktypedef: init tally 1 113 (16 bytes)"
samples_logged "ktypedef: records 3 'abc' next 5 left 6 (88 bytes)"
samples_logged "ktypedef: exit stats 21 2 3 6 (24 bytes)"
samples_logged "ktypedef: exit word 11..44 state 6"
samples_logged "ktypedef: exit tally 2 136 (16 bytes)"
echo "ktypedef: all checks passed"
