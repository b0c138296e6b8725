#!/bin/sh
# kauxbus's user build SIGKILLed (guest script): its auxiliary driver and
# devices are undone by the kmod, so the bus holds nothing of the dead
# program's (its driver struct and one device are mirrors, the other device
# its kmalloc'd memory: all freed with the session), and adding another
# device to the bus, which walks its drivers, stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=20
log=/tmp/kauxbus.user.log
dmesg -c >/dev/null
dusk-run --kmod /dusk/mod/dusk_kauxbus.ko /dusk/bin/kauxbus >"$log" 2>&1 &
runner=$!
samples_wait_log '^dusk: kauxbus: running' "$log" "$LIMIT" "kauxbus did not start"
[ -e /sys/bus/auxiliary/devices/kauxbus.widget.3/driver ] ||
	{ cat "$log"; dusk_fail "the widget is not bound"; }
pid=$(samples_pids kauxbus)
[ -n "$pid" ] || dusk_fail "no kauxbus program running"
kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
dusk_pass "program killed"
[ ! -e /sys/bus/auxiliary/drivers/kauxbus ] || dusk_fail "the driver outlived the program"
for d in kauxbus.widget.3 kauxbus.gadget.0; do
	[ ! -e /sys/bus/auxiliary/devices/$d ] || dusk_fail "device $d outlived the program"
done
ls -l /sys/bus/auxiliary/devices/ /sys/bus/auxiliary/drivers/ >/dev/null
dusk_pass "driver and devices gone"
dusk_dmesg_clean "after the kill"
echo "kauxbus: all checks passed"
