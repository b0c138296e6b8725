#!/bin/sh
# kusb's user build SIGKILLed while /proc/kusb writes keep its interrupt
# URB completing (guest script, on a VM with QEMU's xHCI controller and USB
# tablet): the writer's write fails, the driver is unregistered by the kmod
# (usbcore kills the URB on unbind; its late completion finds no program),
# a second run binds the tablet again and the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30
log=/tmp/kusb.user.log

# collector: batches of reports through /proc/kusb until a write fails
collector() {
	i=0
	while [ $i -lt 100000 ]; do
		{ echo more >/proc/kusb; } 2>/dev/null || return 0
		i=$((i + 1))
	done
}

kill_round() {
	echo "== round $1: killed while reports complete"
	dmesg -c >/dev/null
	dusk-run --kmod /dusk/mod/dusk_kusb.ko /dusk/bin/kusb >"$log" 2>&1 &
	runner=$!
	samples_wait_log '^dusk: kusb: running' "$log" "$LIMIT" "kusb did not start"
	samples_wait_log 'kusb: 8 reports of' "$log" "$LIMIT" "the tablet was not probed"
	dusk_pass "probed, its reports collected"
	collector & r=$!
	sleep 2
	kill -0 "$r" 2>/dev/null || dusk_fail "the collector did not run"
	pid=$(samples_pids kusb)
	[ -n "$pid" ] || dusk_fail "no kusb program running"
	kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
	dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
	dusk_wait_pid "$r" "$LIMIT" "the collector after the kill"
	dusk_pass "program killed, the collector ended"
	[ ! -e /sys/bus/usb/drivers/kusb ] || dusk_fail "the driver outlived the program"
	dusk_pass "driver gone"
	rmmod dusk_kusb 2>/dev/null || true
	dusk_dmesg_clean "after the kill"
	dusk_pass "the kernel log is clean"
}

for m in usb-common usbcore xhci-hcd xhci-pci; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
i=0
until grep -qx 0627 /sys/bus/usb/devices/*/idVendor 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the USB tablet did not appear"
	sleep 0.1
done
kill_round 1
kill_round 2
