#!/bin/sh
# Real-kernel test of ksockopt (guest script, run by test/e2e/difftest in
# both builds: ksockopt.ko, then the DUSK user build).  The module's own
# setsockopt() calls reach its handler with the rule it passed.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load ksockopt || dusk_fail "load ksockopt"
samples_unload ksockopt
samples_logged "ksockopt: rule 127.0.0.1:8080 action 1, from the kernel: 1"
samples_logged "ksockopt: setsockopt: 0, rules 1"
samples_logged "ksockopt: rule 127.0.0.1:53 action 2, from the kernel: 1"
samples_logged "ksockopt: setsockopt: 0, rules 2"
samples_logged "ksockopt: short setsockopt: -22"
samples_logged "ksockopt: exit: rules 2"
echo "ksockopt: all checks passed"
