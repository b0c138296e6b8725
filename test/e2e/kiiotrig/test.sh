#!/bin/sh
# Real-kernel test of kiiotrig (guest script, run by test/e2e/difftest in
# both builds: kiiotrig.ko, then the DUSK user build).  The buffer is
# enabled on the driver's own trigger, which an hrtimer fires with
# iio_trigger_poll(); the scans are read back from the device node.
# Before (probe round p65), the user build's late hrtimer function made
# the call with interrupts on: the kernel warned ("handler enabled
# interrupts"), the call returned with interrupts off and the program
# was stopped.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
for m in industrialio kfifo_buf industrialio-triggered-buffer; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
samples_load kiiotrig || dusk_fail "load kiiotrig"
d=$(grep -l '^kiiotrig$' /sys/bus/iio/devices/iio:device*/name | head -n 1)
[ -n "$d" ] || dusk_fail "no IIO device named kiiotrig"
d=${d%/name}
node=/dev/$(basename "$d")
echo 1 >"$d/scan_elements/in_voltage0_en" || dusk_fail "enable channel 0"
echo 1 >"$d/scan_elements/in_voltage1_en" || dusk_fail "enable channel 1"
echo 16 >"$d/buffer/length" || dusk_fail "buffer length"
echo kiiotrig-trig >"$d/trigger/current_trigger" || dusk_fail "set the trigger"
echo 1 >"$d/buffer/enable" || dusk_fail "enable the buffer"
dusk_pass "the buffer is enabled on the driver's trigger"
timeout 10 head -c 12 "$node" >/tmp/scans || dusk_fail "read of three scans"
got=$(od -An -tx2 /tmp/scans | tr -s ' ')
echo "kiiotrig: scans$got"
[ "$got" = " 0000 0fff 0001 0ffe 0002 0ffd" ] || dusk_fail "scans read '$got'"
dusk_pass "the trigger's scans were read in order"
echo 0 >"$d/buffer/enable" || dusk_fail "disable the buffer"
echo >"$d/trigger/current_trigger"
samples_unload kiiotrig
echo "kiiotrig: all checks passed"
