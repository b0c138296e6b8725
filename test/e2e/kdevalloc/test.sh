#!/bin/sh
# Real-kernel test of kdevalloc (guest script, run by test/e2e/difftest
# in both builds: kdevalloc.ko, then the DUSK user build).  The module
# fills in an IIO trigger, a HID device, a SCSI host (and its private
# area), a GNSS receiver and a framebuffer (its par) that their
# subsystems allocated, registers them (the SCSI host and the framebuffer
# only allocated: test/e2e/kscsihost; fbcon), and reads them
# back from /proc.  Before (probe round p65), the user build's first
# store into each was refused at the registration and the program
# stopped (write outside mirrors, owned and lent memory); the
# framebuffer's, probe round p66.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
for m in industrialio hid scsi_common scsi_mod gnss; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
samples_load kdevalloc || dusk_fail "load kdevalloc"
grep -qx kdevalloc-trig /sys/bus/iio/devices/trigger*/name || dusk_fail "no trigger kdevalloc-trig"
dusk_pass "the IIO trigger is registered under its name"
h=$(ls -d /sys/bus/hid/devices/0006:1D6B:6566.* 2>/dev/null | head -n 1)
[ -n "$h" ] || dusk_fail "no HID device 0006:1D6B:6566"
echo "kdevalloc: report descriptor $(wc -c <"$h/report_descriptor") bytes"
dusk_pass "the HID device is on the bus"
g=$(grep -l '^UBX$' /sys/class/gnss/gnss*/type 2>/dev/null | head -n 1)
[ -n "$g" ] || dusk_fail "no UBX GNSS receiver"
dusk_pass "the GNSS receiver is registered with its type"
got=$(cat /proc/kdevalloc) || dusk_fail "read of /proc/kdevalloc"
got=$(cat /proc/kdevalloc) || dusk_fail "read of /proc/kdevalloc"
echo "kdevalloc: /proc/kdevalloc reads \"$got\""
case $got in
"magic 0xda65 reads 2 max_id 2 max_lun 1 trigger kdevalloc-trig hid 1d6b:6566 kdevalloc keyboard gnss 2 fb kdevalloc 0xfb66") ;;
*) dusk_fail "/proc/kdevalloc reads '$got'" ;;
esac
dusk_pass "the private area and the filled-in fields read back"
samples_unload kdevalloc
echo "kdevalloc: all checks passed"
