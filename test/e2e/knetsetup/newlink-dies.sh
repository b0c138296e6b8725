#!/bin/sh
# knetsetup's user build dies in its link type's newlink (bug=1: a NULL
# dereference) after its register_netdevice() registered the device
# (guest script, user build only).  The newlink the program never
# answered answers 0: the kernel keeps the registered device, of the dead
# program's type, and the session's end deletes it with the type.  Before,
# the kernel took the error answer and freed the registered device: "kernel
# BUG at net/core/dev.c" in free_netdev() under "ip link add", RTNL held
# for good.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/knetsetup.user.log

insmod /dusk/mod/dusk_knetsetup.ko || dusk_fail "insmod dusk_knetsetup"
/dusk/bin/knetsetup bug=1 >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: knetsetup: running" "$log" "$LIMIT" "knetsetup did not start"
timeout -s KILL "$LIMIT" ip link add knl1 type knslink
dusk_wait_pid "$prog" "$LIMIT" "the program"
grep -q 'knetsetup.c' "$log" || { cat "$log"; dusk_fail "no report naming knetsetup.c"; }
dusk_pass "the program died in newlink, reported at knetsetup.c"
samples_wait_unbound knetsetup "$LIMIT" "after the program"
dmesg | grep -q 'knl_newlink did not answer after it registered knl1: answered 0' ||
	{ dmesg; dusk_fail "the unanswered newlink is not named in the kernel log"; }
for dev in kns0 knl0 knl1; do
	timeout -s KILL "$LIMIT" ip link show $dev >/dev/null 2>&1 &&
		dusk_fail "$dev outlived the dead program"
done
timeout -s KILL "$LIMIT" ip link add kna type veth peer name knb ||
	dusk_fail "link add veth after the program"
timeout -s KILL "$LIMIT" ip link del kna
dusk_pass "the device newlink registered went with the dead program's type"
samples_rmmod_within knetsetup "$LIMIT" "after the program"
dusk_dmesg_clean "knetsetup, died in newlink"
dusk_pass "dusk_knetsetup unloaded, the kernel log is clean"
echo "knetsetup-newlink-dies: all checks passed"
