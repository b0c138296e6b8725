#!/bin/sh
# Real-kernel test of kfiblink (guest script, run by test/e2e/difftest in
# both builds): routes added, replaced and deleted in 10.65.0.0/16 reach
# the FIB notifier, whose work items log each with its table and
# priority; two devices of the module's link type are made and deleted.
# Before (probe round p64), the user build's notifier read the entry info
# after its kzalloc() from the kernel stack it had lived on: garbage
# prefixes, tables and priorities.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

ip link set lo up
samples_load kfiblink || dusk_fail "load kfiblink"
ip route add 10.65.1.0/24 dev lo || dusk_fail "route add"
ip route add 10.65.2.0/24 dev lo metric 7 || dusk_fail "route add metric 7"
ip route replace 10.65.1.0/24 dev lo || dusk_fail "route replace"
ip route del 10.65.2.0/24 dev lo metric 7 || dusk_fail "route del"
ip route del 10.65.1.0/24 dev lo || dusk_fail "route del"
cat /proc/kfiblink
ip link add kfl0 type kfiblink || dusk_fail "link add kfl0"
ip link add kfl1 type kfiblink || dusk_fail "link add kfl1"
ip -d link show kfl0 | grep -o 'kfiblink' | head -1
ip link del kfl1 || dusk_fail "link del kfl1"
samples_unload kfiblink || dusk_fail "unload kfiblink"
ip link show kfl0 2>/dev/null && dusk_fail "kfl0 outlived its link type"
samples_logged "kfiblink: replace 10.65.1.0/24 table 254 prio 0"
samples_logged "kfiblink: del 10.65.2.0/24 table 254 prio 7"
echo "kfiblink: all checks passed"
