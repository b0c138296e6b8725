#!/bin/sh
# Real-kernel test of kgpio (guest script, run by test/e2e/difftest in
# both builds): the chip embedded in the driver's state registers under
# its label with its line names, drives its loop-back lines from init and
# unloads, the kernel log clean (before, the user build's
# gpiochip_add_data() oopsed on the label's program address).
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kgpio || dusk_fail "load kgpio"
found=no
for l in /sys/class/gpio/gpiochip*/label /sys/bus/gpio/devices/*/label; do
	[ -f "$l" ] && [ "$(cat "$l")" = kgpio ] && found=yes
done
echo "label kgpio in sysfs: $found"
samples_unload_within kgpio 20
samples_logged "kgpio: in after high: 1"
samples_logged "kgpio: in after low: 0"
samples_logged "kgpio: chip kgpio of 4 lines"
samples_logged "kgpio: exit"
dusk_dmesg_clean kgpio
dusk_pass "the kernel log is clean"
echo "kgpio: all checks passed"
