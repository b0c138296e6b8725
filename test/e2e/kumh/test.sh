#!/bin/sh
# Real-kernel test of kumh (guest script, run by test/e2e/difftest in both
# builds: kumh.ko, then the DUSK user build).
#
# module_init, a /proc write and module_exit each set a usermode helper up
# with argv and envp arrays on their stack and run it in a second call;
# the helper logs its $0 and environment word.  The user build's program
# once freed the arrays' mirrors after the first call: kernel_execve()
# read freed memory and oopsed.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

dmesg -c >/dev/null
samples_load kumh || dusk_fail "load kumh"
echo golf >/proc/kumh || dusk_fail "write /proc/kumh"
samples_unload_within kumh "$LIMIT"
samples_logged "kumh: init for /bin/sh, uid 0"
samples_logged "kumh: helper kumh-helper says alpha"
samples_logged "kumh: alpha: exec returned 768, exit 3; inits 1 cleanups 1 retval 768"
samples_logged "kumh: bravo: exec returned 0, exit 0; inits 2 cleanups 2 retval 0"
samples_logged "kumh: helper kumh-helper says golf"
samples_logged "kumh: golf: exec returned 1792, exit 7; inits 3 cleanups 3 retval 1792"
samples_logged "kumh: helper kumh-helper says zulu"
samples_logged "kumh: zulu: exec returned 256, exit 1; inits 4 cleanups 4 retval 256"
echo "kumh: all checks passed"
