#!/bin/sh
# Real-kernel test of kwalk (guest script, run by test/e2e/difftest in
# both builds): the module walks its gen_pool's chunks at load, from a
# /proc write and read, and at exit, the walk's function counting into
# the caller's frame.  Before (probe round p63), the user build ran the
# function late, after the walk's call had returned: the counts were 0
# and the late run's write into the gone frame stopped the program.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kwalk || dusk_fail "load kwalk"
cat /proc/kwalk
echo 1 >/proc/kwalk || dusk_fail "write /proc/kwalk"
cat /proc/kwalk
samples_unload kwalk
samples_logged "kwalk: at load: 2 chunks, 2048 bytes free"
samples_logged "kwalk: after an allocation: 2 chunks, 1792 bytes free"
samples_logged "kwalk: at exit: 2 chunks, 2048 bytes free"
dusk_dmesg_clean kwalk
echo "kwalk: all checks passed"
