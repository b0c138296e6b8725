#!/bin/sh
# Real-kernel test of kiio (guest script, run by test/e2e/difftest in both
# builds: kiio.ko, then the DUSK user build).  The driver registers an IIO
# device whose state lives in its iio_priv() area; its own consumer reads
# the channels back through the IIO core, and a write to /proc/kiio sets
# the DAC, which heats the thermometer.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
insmod /dusk/mod/industrialio.ko || dusk_fail "insmod industrialio"
samples_load kiio || dusk_fail "load kiio"
dev=$(grep -l '^kiio$' /sys/bus/iio/devices/iio:device*/name | head -n 1)
[ -n "$dev" ] || dusk_fail "no IIO device named kiio"
dev=${dev%/name}
for a in in_temp_raw in_temp_scale in_temp_offset in_temp_stats out_voltage0_raw; do
	echo "kiio: $a $(cat "$dev/$a")" || dusk_fail "read of $a"
done
got=$(cat /proc/kiio) || dusk_fail "read of /proc/kiio"
echo "kiio: /proc/kiio reads \"$got\""
case $got in
"scale 250 (1) raw 96 (1) dac 300 (1) processed 25000 (0) "*) ;;
*) dusk_fail "/proc/kiio reads '$got'" ;;
esac
echo 7 >/proc/kiio || dusk_fail "write to /proc/kiio"
echo 1000 >"$dev/out_voltage0_raw" || dusk_fail "write to out_voltage0_raw"
echo "kiio: in_temp_raw $(cat "$dev/in_temp_raw") after the DAC's writes"
got=$(cat /proc/kiio) || dusk_fail "read of /proc/kiio"
echo "kiio: /proc/kiio reads \"$got\""
case $got in
"scale 250 (1) raw 124 (1) dac 1000 (1) processed 32000 (0) "*) ;;
*) dusk_fail "/proc/kiio reads '$got' after the writes" ;;
esac
dusk_pass "registered, read and written through sysfs and the consumer"
samples_unload kiio
echo "kiio: all checks passed"
