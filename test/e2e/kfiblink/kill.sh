#!/bin/sh
# kfiblink's user build killed (guest script, user build only) with its
# FIB notifier and link type registered and a device of the type made:
# the session's end unregisters both (the device deleted with the type),
# so the next route change and the next "ip link add" of any type find
# no mirror of a dead program; the kmod unloads and the log is clean.
# Before (probe round p64), both stayed registered over the program's
# freed mirrors: a general protection fault under fib_table_delete()
# (the notifier block) and in rtnl_link_ops_get()'s strcmp() (the
# type's kind).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kfiblink.user.log

ip link set lo up
insmod /dusk/mod/dusk_kfiblink.ko || dusk_fail "insmod dusk_kfiblink"
/dusk/bin/kfiblink >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: kfiblink: running" "$log" "$LIMIT" "kfiblink did not start"
ip link add kfl0 type kfiblink || dusk_fail "link add kfl0"
ip route add 10.65.1.0/24 dev lo || dusk_fail "route add"
kill -KILL "$prog" || dusk_fail "kill"
dusk_wait_pid "$prog" "$LIMIT" "the program"
samples_wait_unbound kfiblink "$LIMIT" "after the program"
ip route del 10.65.1.0/24 dev lo || dusk_fail "route del after the program"
ip route add 10.65.3.0/24 dev lo || dusk_fail "route add after the program"
dusk_pass "routes change after the program died"
ip link show kfl0 >/dev/null 2>&1 && dusk_fail "kfl0 outlived the dead program's link type"
ip link add kfl9 type kfiblink 2>/dev/null && dusk_fail "the dead program's link type is still registered"
ip link add kfa type veth peer name kfb || dusk_fail "link add veth after the program"
ip link del kfa
dusk_pass "the dead program's link type and its device are gone"
samples_rmmod_within kfiblink "$LIMIT" "after the program"
dusk_dmesg_clean "kfiblink, killed"
dusk_pass "dusk_kfiblink unloaded, the kernel log is clean"
echo "kfiblink-kill: all checks passed"
