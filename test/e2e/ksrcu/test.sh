#!/bin/sh
# Real-kernel test of ksrcu (guest script, run by test/e2e/difftest in both
# builds: ksrcu.ko, then the DUSK user build).
#
# module_init swaps its SRCU-protected value three times (the old ones
# freed by kfree_rcu() and call_rcu()); writes to /proc/ksrcu swap it
# again; module_exit frees the last after rcu_barrier().
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20

dmesg -c >/dev/null
samples_load ksrcu || dusk_fail "load ksrcu"
[ "$(cat /proc/ksrcu)" = 12 ] || dusk_fail "/proc/ksrcu: $(cat /proc/ksrcu)"
for v in 21 22 23; do
	echo $v >/proc/ksrcu || dusk_fail "write $v"
	[ "$(cat /proc/ksrcu)" = $v ] || dusk_fail "/proc/ksrcu after $v: $(cat /proc/ksrcu)"
done
dusk_pass "/proc/ksrcu swaps"
samples_unload_within ksrcu "$LIMIT"
samples_logged "ksrcu: value 12 freed 2"
samples_logged "ksrcu: exit freed 5"
echo "ksrcu: all checks passed"
