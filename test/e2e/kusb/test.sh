#!/bin/sh
# Real-kernel test of kusb (guest script, run by test/e2e/difftest in both
# builds: kusb.ko, then the DUSK user build), on a VM with QEMU's xHCI
# controller and USB tablet, no HID driver loaded.  The driver binds the
# tablet and collects 8 interrupt reports in probe, 8 more on a write to
# /proc/kusb, each through an URB completion that resubmits itself.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30

for m in usb-common usbcore xhci-hcd xhci-pci; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
i=0
until grep -qx 0627 /sys/bus/usb/devices/*/idVendor 2>/dev/null; do
	i=$((i + 1))
	[ $i -le 100 ] || dusk_fail "the USB tablet did not appear"
	sleep 0.1
done
dusk_pass "the USB tablet is there"
dmesg -c >/dev/null
samples_load kusb || dusk_fail "load kusb"
[ -e /proc/kusb ] || dusk_fail "no /proc/kusb (the tablet was not probed)"
echo more >/proc/kusb || dusk_fail "write to /proc/kusb"
got=$(cat /proc/kusb) || dusk_fail "read of /proc/kusb"
echo "kusb: /proc/kusb reads \"$got\""
case $got in
"reports 16 of "*", errors 0") ;;
*) dusk_fail "/proc/kusb reads '$got'" ;;
esac
samples_unload_within kusb "$LIMIT"
samples_logged "kusb: 0627:0001, interrupt endpoint 0x81 of 8 bytes"
samples_logged "kusb: 16 reports in all"
samples_logged "kusb: disconnect after 16 reports"
echo "kusb: all checks passed"
