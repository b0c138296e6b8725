#!/bin/sh
# kiiotrig's user build SIGKILLed while a reader is blocked on its device
# node with the buffer running on the driver's trigger (guest script).
# The kmod unregisters the device (its undo pair) before the program's
# mirrors are freed: the reader wakes to an error, the kernel log stays
# clean.  Before (probe round p65), nothing unregistered the device: the
# reader woke in iio_buffer_ready() on the freed iio_info mirror, a
# general protection fault.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

LIMIT=30
dmesg -c >/dev/null
for m in industrialio kfifo_buf industrialio-triggered-buffer; do
	insmod "/dusk/mod/$m.ko" || dusk_fail "insmod $m"
done
log=/tmp/kiiotrig.user.log
dusk-run --kmod /dusk/mod/dusk_kiiotrig.ko /dusk/bin/kiiotrig >"$log" 2>&1 &
runner=$!
samples_wait_log '^dusk: kiiotrig: running' "$log" "$LIMIT" "kiiotrig did not start"
d=$(grep -l '^kiiotrig$' /sys/bus/iio/devices/iio:device*/name | head -n 1)
[ -n "$d" ] || dusk_fail "no IIO device named kiiotrig"
d=${d%/name}
node=/dev/$(basename "$d")
echo 1 >"$d/scan_elements/in_voltage0_en" || dusk_fail "enable channel 0"
echo 16 >"$d/buffer/length" || dusk_fail "buffer length"
echo kiiotrig-trig >"$d/trigger/current_trigger" || dusk_fail "set the trigger"
echo 1 >"$d/buffer/enable" || dusk_fail "enable the buffer"
# a reader that never has enough: it waits on the buffer between scans
head -c 100000000 "$node" >/dev/null 2>&1 &
reader=$!
sleep 1
kill -0 "$reader" 2>/dev/null || dusk_fail "the reader did not block"
dusk_pass "a reader waits on the running buffer"
pid=$(samples_pids kiiotrig)
[ -n "$pid" ] || dusk_fail "no kiiotrig program running"
kill -KILL "$pid" || dusk_fail "kill -KILL $pid"
dusk_wait_pid "$runner" "$LIMIT" "dusk-run after the kill"
# the reader wakes with the device gone (else a signal ends its wait)
i=0
while kill -0 "$reader" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$reader" 2>/dev/null || true
dusk_wait_pid "$reader" "$LIMIT" "the reader after the kill"
dusk_pass "program killed, the reader ended"
[ ! -e "$node" ] || dusk_fail "the device node outlived the program"
dusk_pass "the IIO device is gone"
dusk_dmesg_clean "after the kill"
dusk_pass "the kernel log is clean"
