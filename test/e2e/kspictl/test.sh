#!/bin/sh
# Real-kernel test of kspictl (guest script, run by test/e2e/difftest in
# both builds: kspictl.ko, then the DUSK user build).  The module's
# controllers register, its device is set up, two transfers come back
# through transfer_one(); unloading unregisters and frees them.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kspictl || dusk_fail "load kspictl"
n=$(ls -d /sys/devices/platform/kspictl/spi_master/spi* 2>/dev/null | wc -l)
echo "kspictl: $n controllers under the platform device"
[ "$n" = 2 ] || dusk_fail "$n controllers, not 2"
dev=$(ls -d /sys/bus/spi/devices/spi*.1 2>/dev/null | head -n 1)
[ -n "$dev" ] && echo "kspictl: device modalias $(cat "$dev/modalias")" ||
	dusk_fail "no SPI device at chip select 1"
samples_unload kspictl
samples_logged "kspictl: controllers registered, 2 chip selects and 1"
samples_logged "kspictl: plain setup cs 1 mode 0x3 speed 1000000"
samples_logged "kspictl: transfer 0: 5b 58 59 1a 0f a5 (setups 1 transfers 1 bytes 6)"
samples_logged "kspictl: again 0: 10 13 12 51 44 ee"
samples_logged "kspictl: bye: plain transfers 2 bytes 12, devm setups 0"
n=$(ls -d /sys/class/spi_master/spi* 2>/dev/null | wc -l)
[ "$n" = 0 ] || dusk_fail "$n controllers left after unloading"
echo "kspictl: all checks passed"
