#!/bin/sh
# Real-kernel test of kcryptoctx (guest script, run by test/e2e/difftest
# in both builds): the module's algorithms are used at load and from a
# /proc write, each round with fresh transforms.  Before (probe round
# p63), the user build's first store into a transform's context (setkey's
# key) was refused and the program stopped.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kcryptoctx || dusk_fail "load kcryptoctx"
echo 1 >/proc/kcryptoctx || dusk_fail "write /proc/kcryptoctx"
grep -A3 'driver *: kcryptoctx-xor-generic' /proc/crypto | grep -v '^module'
samples_unload kcryptoctx
samples_logged "kcryptoctx: round 1 setkey 0 inits 1"
samples_logged "kcryptoctx: round 2 setkey 0 inits 1"
samples_logged "kcryptoctx: bye after 2 rounds"
dusk_dmesg_clean kcryptoctx
echo "kcryptoctx: all checks passed"
