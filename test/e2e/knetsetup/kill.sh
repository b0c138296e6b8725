#!/bin/sh
# knetsetup's user build killed (guest script, user build only) with its
# devices up: kns0 (alloc_netdev(), its setup's timer armed by traffic),
# knl0 and knl1 of its link type, knl1 made by "ip link add" and pinged.
# The session's end unregisters kns0 and the link type, whose devices the
# kernel deletes and frees: nothing of the dead program is left behind,
# the next "ip link add" of any type works, the kmod unloads and the log
# is clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/knetsetup.user.log

insmod /dusk/mod/dusk_knetsetup.ko || dusk_fail "insmod dusk_knetsetup"
/dusk/bin/knetsetup >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: knetsetup: running" "$log" "$LIMIT" "knetsetup did not start"
ip link add knl1 type knslink || dusk_fail "link add knl1"
for dev in kns0 knl1; do
	echo 1 >/proc/sys/net/ipv6/conf/$dev/disable_ipv6
	ip link set $dev up || dusk_fail "$dev up"
done
ip addr add 10.79.0.1/24 dev kns0
ip neigh replace 10.79.0.2 lladdr 02:00:00:00:67:4f dev kns0 nud permanent
ip addr add 10.79.1.1/24 dev knl1
ip neigh replace 10.79.1.2 lladdr 02:00:00:00:67:4f dev knl1 nud permanent
ping -c 2 -i 0.2 -W 1 10.79.0.2 >/dev/null 2>&1
ping -c 2 -i 0.2 -W 1 10.79.1.2 >/dev/null 2>&1
kill -KILL "$prog" || dusk_fail "kill"
dusk_wait_pid "$prog" "$LIMIT" "the program"
samples_wait_unbound knetsetup "$LIMIT" "after the program"
for dev in kns0 knl0 knl1; do
	ip link show $dev >/dev/null 2>&1 && dusk_fail "$dev outlived the dead program"
done
ip link add knl9 type knslink 2>/dev/null && dusk_fail "the dead program's link type is still registered"
ip link add kna type veth peer name knb || dusk_fail "link add veth after the program"
ip link set kna up
ip link del kna
dusk_pass "the dead program's devices and link type are gone"
samples_rmmod_within knetsetup "$LIMIT" "after the program"
dusk_dmesg_clean "knetsetup, killed"
dusk_pass "dusk_knetsetup unloaded, the kernel log is clean"
echo "knetsetup-kill: all checks passed"
