#!/bin/sh
# kedu's user build SIGKILLed while /proc/kedu raises the device's
# interrupt again and again (guest script, on a VM with QEMU's edu
# device): the raiser's write fails, the interrupt line is freed, the
# device's BAR region, mapping and enable are undone and the driver
# unregistered by the kmod, so /proc/iomem names nothing of the program's
# and a second run (its claims made through devres this time) probes the
# device again, and so do two runs taking the interrupt as an MSI (their
# vectors undone too: left allocated, the unbind and the next allocation
# WARNed); the kernel log stays clean.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30
log=/tmp/kedu.user.log

# raiser: interrupts through /proc/kedu until a write fails
raiser() {
	i=0
	while [ $i -lt 100000 ]; do
		{ echo 0x7 >/proc/kedu; } 2>/dev/null || return 0
		i=$((i + 1))
	done
}

kill_round() {
	echo "== round $1: killed while interrupts are raised${2:+ ($2)}"
	dmesg -c >/dev/null
	dusk-run --kmod /dusk/mod/dusk_kedu.ko /dusk/bin/kedu ${2:-} >"$log" 2>&1 &
	runner=$!
	samples_wait_log '^dusk: kedu: running' "$log" "$LIMIT" "kedu did not start"
	# the program's printk echo may reach its log after the runner's line
	samples_wait_log 'kedu: 10! = 3628800' "$log" "$LIMIT" "the device was not probed"
	dusk_pass "probed, its interrupts handled"
	raiser & r=$!
	sleep 2
	kill -0 "$r" 2>/dev/null || dusk_fail "the raiser did not run"
	pid=$(samples_pids kedu)
	[ -n "$pid" ] || dusk_fail "no kedu program running"
	kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
	dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
	dusk_wait_pid "$r" "$LIMIT" "the raiser after the kill"
	dusk_pass "program killed, the raiser ended"
	! grep -q kedu /proc/interrupts || dusk_fail "the interrupt line outlived the program"
	! grep -q kedu /proc/iomem || { grep kedu /proc/iomem; dusk_fail "the region outlived the program"; }
	[ ! -e /sys/bus/pci/drivers/kedu ] || dusk_fail "the driver outlived the program"
	dusk_pass "line, region and driver gone"
	rmmod dusk_kedu 2>/dev/null || true
	dusk_dmesg_clean "after the kill"
	dusk_pass "the kernel log is clean"
}

kill_round 1
kill_round 2 managed=1
kill_round 3 msi=1
kill_round 4 msi=1
