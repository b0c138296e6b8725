#!/bin/sh
# Real-kernel test of kstackobj (guest script, run by test/e2e/difftest in
# both builds: kstackobj.ko, then the DUSK user build).  Transfers on the
# stack come back through the SPI core, the stack properties reach the
# device's software node.
. /dusk/lib.sh
. /dusk/files/guest-lib.sh
set -u

dmesg -c >/dev/null
samples_load kstackobj || dusk_fail "load kstackobj"
[ -d /sys/bus/platform/devices/kstackobj-node ] || dusk_fail "no node device"
echo "kstackobj: software node $(ls /sys/bus/platform/devices/kstackobj-node/software_node/ 2>/dev/null | tr '\n' ' ')"
samples_unload kstackobj
samples_logged "kstackobj: array 0 actual 8: 5b 58 59 5e 5f 5c 5d 52 00 00 00 00 (transfers 2 bytes 8)"
samples_logged "kstackobj: single 0 actual 4: 00 00 00 00 00 00 00 00 53 50 51 56 (transfers 3 bytes 12)"
samples_logged "kstackobj: heap message 0 actual 9: 5b 58 59 5e 5f 5c 5d 00 53 50 00 00 (transfers 6 bytes 21)"
samples_logged "kstackobj: array 0 actual 8: 5b 58 59 5e 5f 5c 5d 52 00 00 00 00 (transfers 8 bytes 29)"
samples_logged "kstackobj: stack buffers 0: 6a 1a 00 00"
samples_logged "kstackobj: kstackobj-node: label kstackobj-node (0) reg-width 24 (0) lanes 3 (0) compatible dusk,kstackobj (0) wakeup 1"
samples_logged "kstackobj: bye: transfers 10 bytes 33"
n=$(ls -d /sys/class/spi_master/spi* 2>/dev/null | wc -l)
[ "$n" = 0 ] || dusk_fail "$n controllers left after unloading"
echo "kstackobj: all checks passed"
