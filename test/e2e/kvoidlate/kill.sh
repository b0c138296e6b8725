#!/bin/sh
# kvoidlate's user build killed (guest script, user build only) while its
# console is registered and lines for it are being run late: the console
# is unregistered by the session's end (before, it stayed registered with
# the program's freed struct console), the late writes still queued end
# without a program, later printks and the device's flag changes find no
# callback of a dead program, the kmod unloads and the log is clean.
# dusk-kmod/core/voidlate.c, the undo of register_console().
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kvoidlate.user.log

dmesg -n 7
ip link set lo up
insmod /dusk/mod/dusk_kvoidlate.ko || dusk_fail "insmod dusk_kvoidlate"
/dusk/bin/kvoidlate >"$log" 2>&1 &
prog=$!
samples_wait_log "^dusk: kvoidlate: running" "$log" "$LIMIT" "kvoidlate did not start"
ip link set kvl0 up || dusk_fail "kvl0 up"
# lines for the console, some still queued when the program dies
i=0
while [ $i -lt 20 ]; do
	echo "kvoidlate: line $i" >/dev/kmsg
	i=$((i + 1))
done
echo 5 >/proc/kvoidlate || dusk_fail "send 5 datagrams"
kill -KILL "$prog" || dusk_fail "kill"
dusk_wait_pid "$prog" "$LIMIT" "the program"
samples_wait_unbound kvoidlate "$LIMIT" "after the program"
grep -q 'kvcon' /proc/consoles && { cat /proc/consoles; dusk_fail "the dead program's console is still registered"; }
dusk_pass "the dead program's console was unregistered"
echo "kvoidlate: a line after the program" >/dev/kmsg
samples_rmmod_within kvoidlate "$LIMIT" "after the program"
echo "kvoidlate: a line after the kmod" >/dev/kmsg
dmesg -n 4
dusk_dmesg_clean "kvoidlate, killed"
dusk_pass "dusk_kvoidlate unloaded, the kernel log is clean"
echo "kvoidlate-kill: all checks passed"
