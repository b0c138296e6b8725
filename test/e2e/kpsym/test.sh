#!/bin/sh
# Real-kernel test of kpsym (guest script, run by test/e2e/difftest in both
# builds: kpsym.ko, then the DUSK user build).
#
# printk's %ps/%pS/%pB of the module's own functions name them as the
# kernel build does ("helper_fn [kpsym]"), not their proxies, and an
# address inside one does not stop the program; kernel functions print as
# the kernel's symbols.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kpsym || dusk_fail "load kpsym"
samples_unload kpsym
samples_logged "kpsym: ps helper_fn [kpsym]"
samples_logged "kpsym: ps through a pointer helper_fn [kpsym] = 7"
samples_logged "kpsym: two kpsym_init [kpsym] and helper_fn [kpsym], 100% done"
samples_logged "kpsym: padded [helper_fn [kpsym]   ] [   helper_fn [kpsym]]"
samples_logged "kpsym: kernel kfree"
samples_logged "kpsym: pS helper_fn+0x4 [kpsym]"
samples_logged "kpsym: pB helper_fn+0x5 [kpsym]"
samples_logged "kpsym: pSR helper_fn+0x0 [kpsym]"
samples_logged "kpsym: kernel pS kfree+0x0"
samples_logged "kpsym: exit kpsym_exit [kpsym]"
echo "kpsym: all checks passed"
